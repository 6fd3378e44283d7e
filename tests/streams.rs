//! Every command writes its diagnostics (errors, warnings, notes, hints) to stderr and
//! its results (case lines, summaries, documents, generated files) to stdout, so a
//! pipe or a redirect gets the results alone. One check per command family.

use std::path::Path;

use serde_json::Value;

use crate::support::{Run as Out, run_cli};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// In `dir`, with no environment at all: no credentials, no CI, no colour.
fn run_in(dir: &Path, args: &[&str]) -> Out {
    run_cli(Some(dir), &[], args)
}

fn run(args: &[&str]) -> Out {
    run_in(Path::new(ROOT), args)
}

#[test]
fn test_load_errors_go_to_stderr_in_human_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("broken.yaml");
    std::fs::write(
        &f,
        "cases:\n  - name: a\n    fixture: x.json\n    expct: []\n",
    )
    .unwrap();
    let f = f.display().to_string();
    let human = run_in(dir.path(), &["test", &f]);
    assert_eq!(human.code, 2);
    assert!(
        human.stderr.contains("unknown key `expct`"),
        "{}",
        human.stderr
    );
    assert!(!human.stdout.contains("expct"), "{}", human.stdout);
    assert!(
        human
            .stdout
            .contains("nothing ran: the rules could not be loaded"),
        "{}",
        human.stdout
    );
    let json = run_in(dir.path(), &["test", &f, "--format", "json"]);
    assert_eq!(json.code, 2);
    let doc: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(doc["status"], "load_failed");
    assert!(
        json.stderr.contains("unknown key `expct`"),
        "{}",
        json.stderr
    );
    // GitHub's annotations are read on stdout; they are not repeated on stderr.
    let gh = run_in(dir.path(), &["test", &f, "--format", "github"]);
    assert!(gh.stdout.starts_with("::error file="), "{}", gh.stdout);
    assert!(!gh.stderr.contains("expct"), "{}", gh.stderr);
}

#[test]
fn lint_findings_are_results_and_a_legacy_config_warning_is_not() {
    // lint/ has the deprecated .routecheck-lint.yaml.
    let dir = tempfile::tempdir().unwrap();
    let o = run_in(&Path::new(ROOT).join("lint"), &["lint"]);
    assert!(o.stderr.contains("deprecated"), "{}", o.stderr);
    assert!(!o.stdout.contains("deprecated"), "{}", o.stdout);
    assert!(o.stdout.contains("lint: "), "{}", o.stdout);
    // An input error: stderr only, nothing that looks like a report.
    let bad = dir.path().join("bad.yaml");
    std::fs::write(&bad, "inboundShortMessage: [\n").unwrap();
    let o = run_in(dir.path(), &["lint", "--flow", bad.to_str().unwrap()]);
    assert_eq!(o.code, 2);
    assert_eq!(o.stdout, "");
    assert!(o.stderr.contains("bad.yaml:"), "{}", o.stderr);
}

#[test]
fn trace_prints_steps_on_stdout_and_its_error_on_stderr() {
    let trace = |fixture: &str| {
        run(&[
            "trace",
            "--flow",
            "flows/web-messaging-vip.yaml",
            "--fixture",
            fixture,
            "--stub",
            "Look up last order=success",
        ])
    };
    let ok = trace("fixtures/platinum-vip.json");
    assert_eq!(ok.code, 0, "{}{}", ok.stdout, ok.stderr);
    assert!(ok.stdout.contains("VIP Support"), "{}", ok.stdout);
    assert_eq!(ok.stderr, "");
    let bad = trace("fixtures/missing.json");
    assert_eq!(bad.code, 2);
    assert_eq!(bad.stdout, "");
    assert!(bad.stderr.contains("missing.json"), "{}", bad.stderr);
}

#[test]
fn gen_writes_the_rules_file_on_stdout_and_its_notes_on_stderr() {
    let o = run(&["gen", "--flow", "flows/web-messaging-vip.yaml"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.contains("cases:"), "{}", o.stdout);
    assert!(!o.stdout.contains("generated in"), "{}", o.stdout);
    assert!(o.stderr.contains("generated in"), "{}", o.stderr);
}

#[test]
fn eval_schema_and_doctor_keep_results_on_stdout() {
    let o = run(&["eval", "1 + 1"]);
    assert_eq!((o.code, o.stderr.as_str()), (0, ""));
    assert!(o.stdout.starts_with('2'), "{}", o.stdout);
    let o = run(&["eval", "1 +"]);
    assert_eq!(o.code, 2);
    assert_eq!(o.stdout, "");
    assert!(!o.stderr.is_empty());
    let o = run(&["schema", "--config"]);
    assert_eq!((o.code, o.stderr.as_str()), (0, ""));
    serde_json::from_str::<Value>(&o.stdout).unwrap();
    // doctor's check lines are its results, even the failing ones.
    let o = run(&["doctor"]);
    assert_eq!(o.code, 1);
    assert!(o.stdout.contains("FAIL"), "{}", o.stdout);
}

#[test]
fn inject_and_record_warn_and_fail_on_stderr() {
    let o = run(&[
        "inject",
        "conv-1",
        "context.Tier=gold",
        "--participant",
        "p-1",
        "--dry-run",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.starts_with("PATCH "), "{}", o.stdout);
    assert!(o.stderr.contains("warning: "), "{}", o.stderr);
    assert!(!o.stdout.contains("warning"), "{}", o.stdout);
    let dir = tempfile::tempdir().unwrap();
    let o = run_in(dir.path(), &["record", "conv-1", "--out", "fixtures"]);
    assert_eq!(o.code, 2);
    assert_eq!(o.stdout, "");
    assert!(o.stderr.contains("GENESYS_"), "{}", o.stderr);
}
