//! End-to-end: `routecheck test` and `routecheck schema` over passing, failing and broken
//! suites — exit codes, located messages, the summary line.

use assert_cmd::Command;
use predicates::prelude::*;

fn routecheck() -> Command {
    let mut c = Command::cargo_bin("routecheck").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1");
    c
}

fn stdout_of(args: &[&str]) -> (String, i32) {
    let out = routecheck().args(args).output().unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn the_samples_pass() {
    routecheck()
        .arg("test")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("12 passed, 0 failed"));
}

#[test]
fn a_failing_suite_exits_1_with_located_failures_and_notes() {
    let (out, code) = stdout_of(&["test", "tests/data/suites/failing"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("1 passed, 3 failed"), "{out}");
    assert!(
        out.contains("tests/data/suites/failing/vip.yaml:17:9"),
        "{out}"
    );
    assert!(out.contains("case-sensitive"), "{out}");
    assert!(out.contains("context.language"), "{out}");
    // typed comparison: YAML "5" is not Integer 5
    assert!(out.contains("expected: \"5\""), "{out}");
}

#[test]
fn a_broken_suite_exits_2_with_every_error_located() {
    let (out, code) = stdout_of(&["test", "tests/data/suites/broken"]);
    assert_eq!(code, 2, "{out}");
    for needle in [
        "unknown key `expct` in a case",
        "did you mean `expect`?",
        "broken.yaml:7:5",
        "unknown variable `Flow.Tier`",
        "broken.yaml:12:20",
        "duplicate case name `undeclared variable`",
        "missing.json` not found",
        "did you mean `equals`?",
        "0 passed, 0 failed, 5 errors",
    ] {
        assert!(out.contains(needle), "missing {needle:?} in\n{out}");
    }
    // nothing ran
    assert!(!out.contains('✓'), "{out}");
}

#[test]
fn loading_is_all_or_nothing_across_files() {
    let (out, code) = stdout_of(&["test", "rules", "tests/data/suites/broken"]);
    assert_eq!(code, 2);
    assert!(!out.contains('✓'), "{out}");
}

#[test]
fn bad_fixtures_are_errors_with_json_paths() {
    let (out, code) = stdout_of(&["test", "tests/data/suites/badfixture"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("bad-attribute.json:4:70"), "{out}");
    assert!(out.contains("$.participants[0].attributes.visits"), "{out}");
    assert!(out.contains("truncated.json:1:"), "{out}");
}

#[test]
fn the_legacy_form_passes_with_a_warning() {
    let (out, code) = stdout_of(&["test", "tests/data/suites/legacy"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("legacy `attribute_path` form"), "{out}");
    assert!(out.contains("legacy.yaml:6:9"), "{out}");
}

#[test]
fn alias_bombs_exit_2_with_a_location() {
    let dir = tempfile::tempdir().unwrap();
    let mut y = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..9 {
        let p = i - 1;
        y.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    y.push_str("cases: *a8\n");
    let f = dir.path().join("bomb.yaml");
    std::fs::write(&f, y).unwrap();
    let (out, code) = stdout_of(&["test", f.to_str().unwrap()]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("bomb.yaml:"), "{out}");
    assert!(out.contains("invalid YAML"), "{out}");
}

#[test]
fn run_filter_and_fail_fast() {
    let (out, code) = stdout_of(&["test", "--run", "typed", "tests/data/suites/failing"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("0 passed, 1 failed"), "{out}");
    let (out, code) = stdout_of(&["test", "--run", "^nothing$"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("no case or suite name matches"), "{out}");
    let (out, code) = stdout_of(&["test", "--run", "("]);
    assert_eq!(code, 2, "{out}");
    let (out, code) = stdout_of(&["test", "--fail-fast", "tests/data/suites/failing"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("failed"), "{out}");
}

#[test]
fn shards_partition_the_samples() {
    let mut total = 0;
    let mut names = Vec::new();
    for k in 1..=3 {
        let o = routecheck()
            .args(["test", "--format", "json", "--shard", &format!("{k}/3")])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{o:?}");
        // stdout is the document alone; warnings are rendered on stderr too.
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        for s in v["suites"].as_array().unwrap() {
            for c in s["cases"].as_array().unwrap() {
                names.push(format!("{}/{}", s["name"], c["name"]));
                total += 1;
            }
        }
    }
    assert_eq!(total, 12);
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 12, "shards overlap");
    let (_, code) = stdout_of(&["test", "--shard", "4/3"]);
    assert_eq!(code, 2);
}

#[test]
fn var_overrides_reach_the_variables() {
    let (out, code) = stdout_of(&[
        "test",
        "rules/vip-routing.yaml",
        "--var",
        "Flow.VipThreshold=4",
        "--run",
        "platinum customer",
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("actual:   6 (Integer)"), "{out}");
    let (out, code) = stdout_of(&["test", "--var", "Flow.Nope=1"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("no rules file declares"), "{out}");
}

#[test]
fn missing_paths_are_usage_errors() {
    let (out, code) = stdout_of(&["test", "no/such/dir"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("no such file or directory"), "{out}");
}

#[test]
fn junit_and_github_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("r.xml");
    let (out, code) = stdout_of(&[
        "test",
        "tests/data/suites/failing",
        "--format",
        "github",
        "--junit",
        junit.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("::error file=tests/data/suites/failing/vip.yaml,line=17"),
        "{out}"
    );
    let xml = std::fs::read_to_string(junit).unwrap();
    assert!(xml.contains("failures=\"3\""), "{xml}");
}

#[test]
fn the_committed_schema_is_current() {
    let out = routecheck().arg("schema").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let committed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/routecheck.schema.json"
    ))
    .unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        committed,
        "run `cargo run -- schema > routecheck.schema.json`"
    );
}

#[test]
fn samples_name_the_schema() {
    for e in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/rules")).unwrap() {
        let p = e.unwrap().path();
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(
            text.starts_with("# yaml-language-server: $schema=../routecheck.schema.json"),
            "{}",
            p.display()
        );
    }
}
