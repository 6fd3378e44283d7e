//! End-to-end: the user's repository. The samples are copied into a temporary project
//! (with this repository's routecheck.yaml) and run from its root, a subdirectory,
//! outside it, through a symlink; paths that leave the project root are refused; and
//! attribute near misses planted in bindings, expectations and overlays are reported
//! at their location with the intended key, in every reporter, in `test` and `lint`.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

use crate::support::copy_dir;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// A temporary project: the samples and routecheck.yaml under `<tmp>/project`.
pub(crate) fn project() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().canonicalize().unwrap().join("project");
    for d in ["flows", "rules", "fixtures", "manifests"] {
        copy_dir(&Path::new(ROOT).join(d), &root.join(d));
    }
    std::fs::copy(
        Path::new(ROOT).join("routecheck.yaml"),
        root.join("routecheck.yaml"),
    )
    .unwrap();
    (tmp, root)
}

struct Out {
    stdout: String,
    stderr: String,
    code: i32,
}

fn run(dir: &Path, args: &[&str]) -> Out {
    let out = Command::cargo_bin("routecheck")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap();
    Out {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code().unwrap_or(-1),
    }
}

fn passes(o: &Out) {
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert!(o.stdout.contains("12 passed, 0 failed"), "{}", o.stdout);
}

#[test]
fn the_samples_run_from_the_root_and_a_subdirectory() {
    let (_tmp, root) = project();
    passes(&run(&root, &["test"]));
    assert_eq!(run(&root, &["lint"]).code, 0);
    // From below the root: routecheck.yaml is found by walking up.
    passes(&run(&root.join("rules"), &["test"]));
    passes(&run(&root.join("rules"), &["test", "."]));
    passes(&run(&root.join("fixtures"), &["test", "../rules"]));
    let lint = run(&root.join("fixtures"), &["lint"]);
    assert_eq!(lint.code, 0, "{}{}", lint.stdout, lint.stderr);
    assert!(lint.stdout.contains("1 flow"), "{}", lint.stdout);
}

#[test]
fn the_samples_run_from_outside_and_through_a_symlink() {
    let (tmp, root) = project();
    let elsewhere = tmp.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    passes(&run(
        &elsewhere,
        &["test", root.join("rules").to_str().unwrap()],
    ));
    #[cfg(unix)]
    {
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&root, &link).unwrap();
        passes(&run(
            &elsewhere,
            &["test", link.join("rules").to_str().unwrap()],
        ));
        passes(&run(&link.join("rules"), &["test", "."]));
        // A symlinked rules directory inside another project still resolves its fixtures
        // by where the files really are.
        let other = tmp.path().join("other");
        std::fs::create_dir(&other).unwrap();
        std::os::unix::fs::symlink(root.join("rules"), other.join("rules")).unwrap();
        passes(&run(&other, &["test"]));
    }
}

#[test]
fn a_fixture_outside_the_root_is_refused_with_the_root_named() {
    let (tmp, root) = project();
    std::fs::copy(
        root.join("fixtures/platinum-vip.json"),
        tmp.path().join("outside.json"),
    )
    .unwrap();
    std::fs::write(
        root.join("rules/escape.yaml"),
        "cases:\n  - name: escape\n    fixture: ../../outside.json\n    expect:\n      - attribute: priority_tier\n        set: true\n",
    )
    .unwrap();
    let o = run(&root, &["test", "rules/escape.yaml"]);
    let all = format!("{}{}", o.stdout, o.stderr);
    assert_eq!(o.code, 2, "{all}");
    assert!(all.contains("fixture-outside"), "{all}");
    assert!(all.contains("rules/escape.yaml:3:14"), "{all}");
    let flat = all.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains(&format!("project root of this file is {}", root.display())),
        "{all}"
    );
    assert!(flat.contains("routecheck.yaml"), "{all}");
    // The same from another working directory: the rule does not depend on it.
    let o = run(
        tmp.path(),
        &["test", root.join("rules/escape.yaml").to_str().unwrap()],
    );
    assert_eq!(o.code, 2);
    // A flow outside the root is refused the same way.
    std::fs::write(
        root.join("rules/escape.yaml"),
        "flow: ../../flow.yaml\ncases:\n  - name: escape\n    fixture: ../fixtures/platinum-vip.json\n    expect:\n      - route: { queue: X }\n",
    )
    .unwrap();
    std::fs::copy(
        root.join("flows/web-messaging-vip.yaml"),
        tmp.path().join("flow.yaml"),
    )
    .unwrap();
    let o = run(&root, &["test", "rules/escape.yaml"]);
    assert_eq!(o.code, 2);
    assert!(format!("{}{}", o.stdout, o.stderr).contains("flow-outside"));
}

#[test]
fn discovery_runs_rules_files_only_and_counts_the_rest() {
    let (_tmp, root) = project();
    std::fs::create_dir_all(root.join(".github/workflows")).unwrap();
    std::fs::write(root.join(".github/workflows/ci.yaml"), "on: push\n").unwrap();
    std::fs::create_dir_all(root.join("vendor")).unwrap();
    std::fs::write(root.join("vendor/x.yaml"), "cases: [oops\n").unwrap();
    let cfg = std::fs::read_to_string(root.join("routecheck.yaml")).unwrap();
    std::fs::write(
        root.join("routecheck.yaml"),
        format!("{cfg}exclude: [vendor]\n"),
    )
    .unwrap();
    let o = run(&root, &["test", "."]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    // flows/ has 1 YAML file, manifests/ 1: skipped and counted; .github/ and vendor/
    // are not entered.
    assert!(
        o.stdout
            .contains("12 passed, 0 failed, 3 warnings (skipped 2 non-rules YAML files)"),
        "{}",
        o.stdout
    );
    let j = run(&root, &["test", ".", "--format", "json"]);
    let doc: Value = serde_json::from_str(&j.stdout).unwrap();
    assert_eq!(doc["summary"]["non_rules_files"], 2);
}

/// A rules file with a typo planted in a binding, an `attribute:` expectation and an
/// overlay key, each in a check that passes only because of it.
const TYPOS: &str = "\
bindings:
  Flow.Tier: priorty_tier
cases:
  - name: typos pass silently
    fixture: ../fixtures/platinum-vip.json
    attributes:
      Customer_ID: CUST-000001
    expect:
      - condition: IsNotSetOrEmpty(Flow.Tier)
      - attribute: custmer_id
        set: false
      - attribute: context.language
        not_equals: fr
";

fn typos(root: &Path) -> PathBuf {
    let p = root.join("rules/typos.yaml");
    std::fs::write(&p, TYPOS).unwrap();
    p
}

#[test]
fn near_misses_are_warnings_in_every_reporter_of_test() {
    let (_tmp, root) = project();
    typos(&root);
    let sub = root.join("rules");
    let human = run(&sub, &["test", "typos.yaml"]);
    assert_eq!(human.code, 0, "{}{}", human.stdout, human.stderr);
    for (at, key) in [
        ("typos.yaml:2:14", "`priority_tier`"),
        ("typos.yaml:10:20", "`customer_id`"),
        ("typos.yaml:12:20", "`language`"),
        ("typos.yaml:7:7", "`customer_id`"),
    ] {
        // A warning is a diagnostic: on stderr, never among the results on stdout.
        assert!(!human.stdout.contains(at), "{at}: {}", human.stdout);
        let i = human
            .stderr
            .find(at)
            .unwrap_or_else(|| panic!("{at}: {}", human.stderr));
        let around = &human.stderr[i..(i + 300).min(human.stderr.len())];
        assert!(around.contains(key), "{at} {key}: {around}");
    }
    assert!(
        human.stdout.contains("1 passed, 0 failed, 4 warnings"),
        "{}",
        human.stdout
    );

    let json = run(&sub, &["test", "typos.yaml", "--format", "json"]);
    let doc: Value = serde_json::from_str(&json.stdout).unwrap();
    let warnings = doc["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 4, "{warnings:#?}");
    assert!(warnings.iter().all(|w| w.to_string().contains("near-miss")));
    assert_eq!(doc["summary"]["warnings"], 4);
    // Rendered on stderr too, for the person who ran it; stdout is the document alone.
    assert_eq!(
        json.stderr.matches("near-miss").count(),
        4,
        "{}",
        json.stderr
    );

    let gh = run(&sub, &["test", "typos.yaml", "--format", "github"]);
    assert!(
        gh.stdout
            .contains("::warning file=typos.yaml,line=2,col=14"),
        "{}",
        gh.stdout
    );
    assert!(gh.stdout.contains("priority_tier"), "{}", gh.stdout);
    // The annotations are GitHub's diagnostics: not repeated on stderr.
    assert!(!gh.stderr.contains("near-miss"), "{}", gh.stderr);

    let junit = sub.join("out.xml");
    let j = run(
        &sub,
        &["test", "typos.yaml", "--junit", junit.to_str().unwrap()],
    );
    assert_eq!(j.code, 0);
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(
        xml.contains("typos.yaml:10:20") && xml.contains("customer_id"),
        "{xml}"
    );

    // --deny-warnings turns them into a failure.
    let denied = run(&sub, &["test", "typos.yaml", "--deny-warnings"]);
    assert_eq!(denied.code, 1, "{}", denied.stdout);
}

#[test]
fn a_failing_check_names_the_intended_key() {
    let (_tmp, root) = project();
    std::fs::write(
        root.join("rules/fail.yaml"),
        "cases:\n  - name: fails\n    fixture: ../fixtures/platinum-vip.json\n    expect:\n      - attribute: custmer_id\n        equals: CUST-004211\n",
    )
    .unwrap();
    let o = run(&root, &["test", "rules/fail.yaml"]);
    assert_eq!(o.code, 1);
    assert!(
        o.stdout
            .contains("the participant has `customer_id`, not `custmer_id`"),
        "{}",
        o.stdout
    );
    // The note is part of the failure (stdout); the located warning is on stderr.
    assert!(o.stderr.contains("rules/fail.yaml:5:20"), "{}", o.stderr);
    assert!(!o.stdout.contains("rules/fail.yaml:5:20"), "{}", o.stdout);
}

#[test]
fn lint_reads_the_rules_files_flow_and_names() {
    let (_tmp, root) = project();
    let f = typos(&root);
    let o = run(
        &root,
        &["lint", "--rules", f.to_str().unwrap(), "--format", "json"],
    );
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    let doc: Value = serde_json::from_str(&o.stdout).unwrap();
    let findings = doc["findings"].as_array().unwrap();
    let at = |line: u64, col: u64| {
        findings
            .iter()
            .find(|f| {
                f["line"] == line
                    && f["col"] == col
                    && f["file"].as_str().unwrap().ends_with("typos.yaml")
            })
            .unwrap_or_else(|| panic!("{line}:{col}: {findings:#?}"))
    };
    assert!(
        at(2, 14)["help"]
            .as_str()
            .unwrap()
            .contains("`priority_tier`")
    );
    assert!(
        at(10, 20)["help"]
            .as_str()
            .unwrap()
            .contains("`customer_id`")
    );
    assert!(at(12, 20)["help"].as_str().unwrap().contains("`language`"));
    let gh = run(
        &root,
        &["lint", "--rules", f.to_str().unwrap(), "--format", "github"],
    );
    assert!(gh.stdout.contains("line=2,col=14"), "{}", gh.stdout);
    let human = run(&root, &["lint", "--rules", f.to_str().unwrap()]);
    assert!(
        human.stdout.contains("did you mean `priority_tier`?"),
        "{}",
        human.stdout
    );

    // With the flow: the overlay key `Customer_ID` is read by nothing; its help names
    // the key the flow reads.
    let o = run(
        &root,
        &[
            "lint",
            "--rules",
            f.to_str().unwrap(),
            "--flow",
            "flows",
            "--format",
            "json",
        ],
    );
    let doc: Value = serde_json::from_str(&o.stdout).unwrap();
    let overlay = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["line"] == 7 && f["col"] == 7)
        .unwrap_or_else(|| panic!("{doc:#}"));
    assert!(
        overlay["help"].as_str().unwrap().contains("`customer_id`"),
        "{overlay}"
    );

    // `--rules FILE` checks FILE's flow: the sample rules file names one.
    let o = run(
        &root,
        &[
            "lint",
            "--rules",
            "rules/web-messaging-vip-flow.yaml",
            "--format",
            "json",
        ],
    );
    let doc: Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(doc["summary"]["flows"], 1, "{}", o.stdout);
    // A rules file with no flow and no binding: nothing was checked.
    std::fs::write(
        root.join("rules/none.yaml"),
        "cases:\n  - name: x\n    fixture: ../fixtures/platinum-vip.json\n    expect:\n      - attribute: priority_tier\n        set: true\n",
    )
    .unwrap();
    let o = run(&root, &["lint", "--rules", "rules/none.yaml"]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("nothing was checked"), "{}", o.stderr);
}

#[test]
fn init_writes_the_config_once_and_schema_prints_its_schema() {
    let (_tmp, root) = project();
    std::fs::remove_file(root.join("routecheck.yaml")).unwrap();
    let o = run(&root, &["init"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    // The hints are on stderr; stdout is the config written, as in the file.
    assert!(o.stderr.contains("routecheck test"), "{}", o.stderr);
    assert!(!o.stdout.contains("routecheck test"), "{}", o.stdout);
    let text = std::fs::read_to_string(root.join("routecheck.yaml")).unwrap();
    assert!(text.ends_with(&o.stdout), "{}\n---\n{text}", o.stdout);
    assert!(
        text.contains("flows") && text.contains("vip_queue: VIP Support"),
        "{text}"
    );
    passes(&run(&root, &["test"]));
    assert_eq!(run(&root, &["lint"]).code, 0);
    let again = run(&root, &["init"]);
    assert_eq!(again.code, 2);
    assert_eq!(
        std::fs::read_to_string(root.join("routecheck.yaml")).unwrap(),
        text
    );

    let schema = run(&root, &["schema", "--config"]);
    let committed =
        std::fs::read_to_string(Path::new(ROOT).join("routecheck.config.schema.json")).unwrap();
    assert_eq!(
        schema.stdout.trim(),
        committed.trim(),
        "regenerate routecheck.config.schema.json"
    );
}

#[test]
fn a_bad_config_is_a_located_error() {
    let (_tmp, root) = project();
    std::fs::write(root.join("routecheck.yaml"), "rules: [rules]\nrulez: [x]\n").unwrap();
    let o = run(&root.join("rules"), &["test"]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("routecheck.yaml:2:1"), "{}", o.stderr);
}

#[test]
fn min_coverage_from_the_config_reddens_the_summary_line() {
    let (_tmp, root) = project();
    let cfg = std::fs::read_to_string(root.join("routecheck.yaml")).unwrap();
    std::fs::write(
        root.join("routecheck.yaml"),
        format!("{cfg}min_coverage: 100\n"),
    )
    .unwrap();
    std::fs::write(
        root.join("rules/one.yaml"),
        std::fs::read_to_string(root.join("rules/web-messaging-vip-flow.yaml"))
            .unwrap()
            .split("\n  - name: gold")
            .next()
            .unwrap(),
    )
    .unwrap();
    let o = run(&root, &["test", "rules/one.yaml"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout
            .lines()
            .last()
            .unwrap()
            .contains("1 flow below --min-coverage"),
        "{}",
        o.stdout
    );
}
