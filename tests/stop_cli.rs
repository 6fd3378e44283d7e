//! Whatever stops `test` or `lint` before it has results is a result in every report the
//! command line asked for (issue #29): the JSON document, `::error` annotations, a JUnit
//! file with an error test case and the job summary, then exit 2. Usage errors too.

use std::path::Path;

use serde_json::Value;

use crate::support::{Run, run_cli};

fn run_in(dir: &Path, args: &[&str]) -> Run {
    run_cli(Some(dir), &[], args)
}

/// A project whose routecheck.yaml has an unknown key.
fn broken_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("routecheck.yaml"), "flowz: [flows]\n").unwrap();
    dir
}

/// The JUnit file and summary recorded `needle` as an error.
fn assert_files_record(dir: &Path, needle: &str) {
    let junit = std::fs::read_to_string(dir.join("junit.xml")).expect("no JUnit file");
    assert!(junit.contains("errors=\"1\""), "{junit}");
    assert!(junit.contains("<error"), "{junit}");
    assert!(junit.contains(needle), "{junit}");
    let summary = std::fs::read_to_string(dir.join("summary.md")).expect("no summary");
    assert!(summary.contains("could not be loaded"), "{summary}");
    assert!(summary.contains(needle), "{summary}");
}

/// `CMD --format github` annotates routecheck.yaml's line 1 and exits 2.
fn github_error_at_the_config(dir: &Path, cmd: &str) {
    let gh = run_in(dir, &[cmd, "--format", "github"]);
    assert_eq!(gh.code, 2);
    let at = "::error file=routecheck.yaml,line=1,col=1";
    assert!(gh.stdout.starts_with(at), "{}", gh.stdout);
}

#[test]
fn an_invalid_project_config_is_in_every_test_report() {
    let dir = broken_project();
    let reports = ["--junit", "junit.xml", "--summary", "summary.md"];
    let json = run_in(
        dir.path(),
        &[&["test", "--format", "json"][..], &reports].concat(),
    );
    assert_eq!(json.code, 2, "{}", json.stderr);
    let doc: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(doc["status"], "load_failed");
    assert_eq!(doc["errors"][0]["location"]["file"], "routecheck.yaml");
    assert!(
        json.stderr.contains("unknown key `flowz`"),
        "{}",
        json.stderr
    );
    assert_files_record(dir.path(), "flowz");
    github_error_at_the_config(dir.path(), "test");
}

#[test]
fn an_invalid_project_config_is_in_every_lint_format() {
    let dir = broken_project();
    let json = run_in(dir.path(), &["lint", "--format", "json"]);
    assert_eq!(json.code, 2);
    let doc: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(doc["status"], "load_failed");
    assert_eq!(doc["summary"]["errors"], 1);
    assert!(
        doc["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("flowz")
    );
    github_error_at_the_config(dir.path(), "lint");
    let human = run_in(dir.path(), &["lint"]);
    assert_eq!(human.code, 2);
    assert!(human.stderr.contains("lint stopped"), "{}", human.stderr);
}

#[test]
fn a_usage_error_is_in_the_reports_the_arguments_name() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(
        dir.path(),
        &[
            "test",
            "--bogus",
            "--format",
            "json",
            "--junit",
            "junit.xml",
            "--summary",
            "summary.md",
        ],
    );
    assert_eq!(out.code, 2);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["status"], "load_failed");
    assert_eq!(doc["errors"][0]["code"], "routecheck::usage");
    assert_files_record(dir.path(), "--bogus");
    // A bad value found after clap parsed (`--var` without `=`) is said the same way.
    let gh = run_in(dir.path(), &["lint", "--format", "github", "--var", "x"]);
    assert_eq!(gh.code, 2);
    assert!(gh.stdout.starts_with("::error title="), "{}", gh.stdout);
}

#[test]
fn lint_of_manifests_alone_keeps_their_findings_and_stops() {
    let dir = tempfile::tempdir().unwrap();
    let big = "x".repeat(3000);
    std::fs::write(
        dir.path().join("m.json"),
        format!("{{\"attributes\": {{\"blob\": \"{big}\"}}}}"),
    )
    .unwrap();
    let out = run_in(
        dir.path(),
        &["lint", "--format", "json", "--manifest", "m.json"],
    );
    assert_eq!(out.code, 2);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["status"], "load_failed");
    assert_eq!(doc["findings"][0]["code"], "payload-too-large");
    assert!(
        doc["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("nothing was checked")
    );
    let gh = run_in(
        dir.path(),
        &["lint", "--format", "github", "--manifest", "m.json"],
    );
    assert_eq!(gh.code, 2);
    assert!(
        gh.stdout.starts_with("::warning file=m.json"),
        "{}",
        gh.stdout
    );
    assert!(gh.stdout.contains("::error title="), "{}", gh.stdout);
}
