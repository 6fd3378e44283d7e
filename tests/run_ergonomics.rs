//! `routecheck test` for a person and a pipeline: `--color` and the colour variables on
//! every command, `--list`, no progress bar in a pipe, elapsed time on the summary line,
//! character-level diffs of long values, one set of counts in every reporter, and
//! usage errors annotated without a file.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

const FAILING: &str = "tests/data/suites/failing";

/// `routecheck` with no colour variables and no CI marker from the caller's environment.
fn rc() -> Command {
    let mut c = Command::cargo_bin("routecheck").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    for v in [
        "NO_COLOR",
        "CLICOLOR_FORCE",
        "FORCE_COLOR",
        "CLICOLOR",
        "CI",
    ] {
        c.env_remove(v);
    }
    c
}

fn run(c: &mut Command) -> (String, String, i32) {
    let out = c.output().unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.code().unwrap(),
    )
}

/// The elapsed time changes from run to run.
fn stable(text: &str) -> String {
    regex::Regex::new(r" in [0-9]+\.[0-9]{2}s")
        .unwrap()
        .replace_all(text, " in [elapsed]")
        .into_owned()
}

#[test]
fn color_always_colours_a_pipe_and_never_does_not() {
    let (out, err, code) = run(rc().args(["test", "--color", "always", FAILING]));
    assert_eq!(code, 1);
    assert!(out.contains("\x1b["), "{out}");
    // The near-miss warnings are on stderr, coloured by the same flag.
    assert!(err.contains("\x1b[") && err.contains("near-miss"), "{err}");
    insta::assert_snapshot!("coloured_human", stable(&out));
    let (out, _, _) = run(rc()
        .args(["test", "--color", "never", FAILING])
        .env("FORCE_COLOR", "1"));
    assert!(!out.contains('\x1b'), "{out}");
}

#[test]
fn auto_colour_follows_no_color_clicolor_force_and_force_color() {
    let coloured = |vars: &[(&str, &str)], flag: &[&str]| {
        let mut c = rc();
        c.arg("test").args(flag).arg(FAILING);
        for (k, v) in vars {
            c.env(k, v);
        }
        run(&mut c).0.contains('\x1b')
    };
    assert!(!coloured(&[], &[]), "a pipe is not coloured by default");
    assert!(coloured(&[("CLICOLOR_FORCE", "1")], &[]));
    assert!(coloured(&[("FORCE_COLOR", "1")], &[]));
    assert!(!coloured(&[("FORCE_COLOR", "0")], &[]));
    assert!(!coloured(&[("NO_COLOR", "1"), ("FORCE_COLOR", "1")], &[]));
    assert!(coloured(&[("NO_COLOR", "1")], &["--color", "always"]));
}

#[test]
fn every_command_takes_color() {
    let (out, _, code) = run(rc().args(["--color", "always", "lint"]));
    assert_eq!(code, 0, "{out}");
    let (_, err, code) = run(rc().args(["eval", "1 +", "--color", "always"]));
    assert_eq!(code, 2);
    assert!(err.contains("\x1b["), "{err}");
    let (_, err, code) = run(rc()
        .args(["eval", "1 +", "--color", "never"])
        .env("FORCE_COLOR", "1"));
    assert_eq!(code, 2);
    assert!(!err.contains('\x1b'), "{err}");
    let (_, err, code) = run(rc().args(["schema", "--color", "sometimes"]));
    assert_eq!(code, 2);
    assert!(err.contains("auto, always, never"), "{err}");
}

#[test]
fn a_piped_run_draws_no_progress_and_ends_with_counts_and_elapsed_time() {
    let (out, err, code) = run(rc().args(["test", "rules"]));
    assert_eq!(code, 0, "{out}{err}");
    // No progress bar in a pipe: stderr holds the three warnings and nothing drawn.
    assert!(!err.contains('\r') && !err.contains('\x1b'), "{err:?}");
    assert_eq!(
        err.matches("routecheck::attribute::near-miss").count(),
        3,
        "{err}"
    );
    assert!(!out.contains("near-miss"), "{out}");
    let last = out.lines().last().unwrap();
    assert!(
        regex::Regex::new(r"^12 passed, 0 failed, 3 warnings in [0-9]+\.[0-9]{2}s$")
            .unwrap()
            .is_match(last),
        "{last}"
    );
    insta::assert_snapshot!("progress_free_human", stable(&out));
}

#[test]
fn list_prints_the_selected_cases_as_text_or_json() {
    let (all, _, code) = run(rc().args(["test", "--list"]));
    assert_eq!(code, 0);
    assert_eq!(all.lines().count(), 12, "{all}");
    assert!(
        all.contains(
            "rules/vip-routing.yaml:14:5: Web messaging VIP routing › platinum customer is VIP"
        ),
        "{all}"
    );
    // Shards list disjoint slices that together are everything.
    let mut union: Vec<String> = Vec::new();
    for k in 1..=3 {
        let (part, _, _) = run(rc().args(["test", "--list", "--shard", &format!("{k}/3")]));
        union.extend(part.lines().map(str::to_owned));
    }
    union.sort();
    let mut every: Vec<String> = all.lines().map(str::to_owned).collect();
    every.sort();
    assert_eq!(union, every);
    let (json, _, code) =
        run(rc().args(["test", "--list", "--run", "platinum", "--format", "json"]));
    assert_eq!(code, 0);
    let doc: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(doc["count"], 2);
    assert!(
        doc["cases"].as_array().unwrap().iter().all(|c| c["case"]
            .as_str()
            .unwrap()
            .contains("platinum")
            || c["suite"].as_str().unwrap().contains("platinum"))
    );
    assert!(doc["cases"][0]["location"]["line"].as_u64().is_some());
    let (_, err, code) = run(rc().args(["test", "--list", "--run", "no such case"]));
    assert_eq!(code, 2);
    assert!(err.contains("no case or suite name matches"), "{err}");
    let (_, err, code) = run(rc().args(["test", "--list", "tests/data/suites/broken"]));
    assert_eq!(code, 2, "{err}");
}

#[test]
fn a_long_value_shows_the_differing_characters() {
    let dir = tempfile::tempdir().unwrap();
    // Fixtures stay inside the rules file's project: copied beside it.
    let fixture = dir.path().join("platinum-vip.json");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/platinum-vip.json"),
        &fixture,
    )
    .unwrap();
    let long = "customer-segment/emea/web-messaging/priority-routing/";
    let rules = format!(
        "suite: long\nvariables: {{ Flow.Path: \"{long}platinum/default\" }}\ncases:\n  \
         - name: long values\n    fixture: {}\n    expect:\n      - value: Flow.Path\n        \
         equals: \"{long}Platinum/default\"\n",
        fixture.display()
    );
    let file = dir.path().join("long.yaml");
    std::fs::write(&file, rules).unwrap();
    let (out, err, code) = run(rc().args(["test", file.to_str().unwrap()]));
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("[-P-]latinum"), "{out}");
    assert!(out.contains("{+p+}latinum"), "{out}");
    let (out, _, _) = run(rc().args(["test", "--color", "always", file.to_str().unwrap()]));
    // In colour the differing character is reversed instead of bracketed.
    assert!(out.contains("\x1b[") && !out.contains("[-P-]"), "{out}");
}

fn junit_counts(xml: &str) -> (u64, u64, u64) {
    let attr = |name: &str| -> u64 {
        let re = regex::Regex::new(&format!(r#"<testsuites [^>]*\b{name}="([0-9]+)""#)).unwrap();
        re.captures(xml).unwrap()[1].parse().unwrap()
    };
    (attr("tests"), attr("failures"), attr("errors"))
}

#[test]
fn every_reporter_counts_the_same_and_coverage_is_on_its_own_suite() {
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("j.xml");
    let (json, _, code) = run(rc().args([
        "test",
        "rules",
        "tests/data/real-flow-suites",
        "--min-coverage",
        "50",
        "--format",
        "json",
        "--junit",
        junit.to_str().unwrap(),
    ]));
    assert_eq!(code, 1);
    let doc: Value = serde_json::from_str(&json).unwrap();
    let s = &doc["summary"];
    let xml = std::fs::read_to_string(&junit).unwrap();
    let (tests, failures, errors) = junit_counts(&xml);
    let n = |k: &str| s[k].as_u64().unwrap();
    assert_eq!(
        tests,
        n("passed") + n("failed") + n("errors") + n("skipped")
    );
    assert_eq!((failures, errors), (n("failed"), n("errors")));
    let short = n("coverage_shortfalls");
    assert!(short > 0);
    let below = doc["coverage"]["flows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["below_min"] == true)
        .count() as u64;
    assert_eq!(below, short);
    // The human summary line says the same numbers.
    let (human, _, _) = run(rc().args([
        "test",
        "rules",
        "tests/data/real-flow-suites",
        "--min-coverage",
        "50",
    ]));
    let warnings = match n("warnings") {
        0 => String::new(),
        1 => ", 1 warning".to_string(),
        w => format!(", {w} warnings"),
    };
    let expected = format!(
        "{} passed, {} failed{warnings}, {short} flows below --min-coverage in",
        n("passed"),
        n("failed")
    );
    assert!(
        human.lines().last().unwrap().starts_with(&expected),
        "{human}"
    );
    // Each flow's coverage is on the suite of the rules file that simulates it, once.
    let suite_of = |prop: &str| -> Vec<String> {
        xml.split("<testsuite ")
            .skip(1)
            .filter(|s| s.contains(&format!(r#"<property name="{prop}""#)))
            .map(|s| {
                s.split("file=\"")
                    .nth(1)
                    .unwrap()
                    .split('"')
                    .next()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    };
    assert_eq!(
        suite_of("coverage:flows/web-messaging-vip.yaml"),
        ["rules/web-messaging-vip-flow.yaml"]
    );
    assert_eq!(
        suite_of("coverage:tests/data/real-flows/web-messaging-triage-bot.yaml").len(),
        1
    );
    assert!(
        !xml.contains("routecheck coverage"),
        "no invented coverage suite"
    );
}

#[test]
fn a_usage_error_is_annotated_without_a_file() {
    let (out, _, code) = run(rc().args(["test", "--format", "github", "--run", "no such case"]));
    assert_eq!(code, 2);
    let line = out.lines().find(|l| l.starts_with("::error")).unwrap();
    assert!(!line.contains("file="), "{line}");
    assert!(
        line.contains("<command line>: no case or suite name matches"),
        "{line}"
    );
    let (out, _, _) = run(rc().args(["test", "--format", "github", "does/not/exist"]));
    assert!(
        out.lines().any(|l| l.starts_with("::error title=")),
        "{out}"
    );
    assert!(
        !out.contains("file=command line") && !out.contains("file=<"),
        "{out}"
    );
}
