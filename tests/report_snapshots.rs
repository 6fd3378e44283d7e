//! Every reporter rendering the same shared run (and the same load failure), snapshotted
//! once per reporter so the formats cannot drift apart.

use crate::report_fixture;

use std::time::{Duration, SystemTime};

use report_fixture::{SharedBuf, feed, load_failed, run};
use routecheck::report::github::Github;
use routecheck::report::human::Human;
use routecheck::report::json::Json;
use routecheck::report::junit::Junit;
use routecheck::report::{Event, Fanout, Format, ReportOptions, Reporter, build};

fn stdout_of(make: impl FnOnce(Box<SharedBuf>) -> Box<dyn Reporter>, events: &[Event]) -> String {
    let buf = SharedBuf::default();
    let mut r = make(Box::new(buf.clone()));
    feed(r.as_mut(), events).unwrap();
    buf.text()
}

/// The human format as `routecheck test` builds it: the results on stdout and the
/// diagnostics (warnings, load errors) on stderr, shown one after the other.
fn human(events: &[Event], verbose: bool) -> String {
    let (out, err) = human_streams(events, verbose);
    format!("--- stdout ---\n{out}--- stderr ---\n{err}")
}

fn human_streams(events: &[Event], verbose: bool) -> (String, String) {
    let (out, err) = (SharedBuf::default(), SharedBuf::default());
    let opts = ReportOptions {
        verbose,
        ..ReportOptions::default()
    };
    let mut fan = Fanout::new(build(&opts, Box::new(out.clone()), Box::new(err.clone())));
    feed(&mut fan, events).unwrap();
    (out.text(), err.text())
}

fn junit(events: &[Event]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("reports/junit.xml");
    let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_764_000_000);
    let mut j = Junit::new(path.clone()).with_timestamp(at);
    feed(&mut j, events).unwrap();
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn human_run() {
    insta::assert_snapshot!(human(&run(), false));
}

#[test]
fn human_run_verbose() {
    insta::assert_snapshot!(human(&run(), true));
}

#[test]
fn human_load_failed() {
    insta::assert_snapshot!(human(&load_failed(), false));
}

#[test]
fn json_run() {
    insta::assert_snapshot!(stdout_of(|b| Box::new(Json::new(b)), &run()));
}

#[test]
fn json_load_failed() {
    insta::assert_snapshot!(stdout_of(|b| Box::new(Json::new(b)), &load_failed()));
}

#[test]
fn github_run() {
    insta::assert_snapshot!(stdout_of(|b| Box::new(Github::new(b)), &run()));
}

#[test]
fn github_load_failed() {
    insta::assert_snapshot!(stdout_of(|b| Box::new(Github::new(b)), &load_failed()));
}

#[test]
fn junit_run() {
    insta::assert_snapshot!(junit(&run()));
}

#[test]
fn junit_load_failed() {
    insta::assert_snapshot!(junit(&load_failed()));
}

#[test]
fn the_summary_line_is_the_last_line_ci_parses() {
    let (out, err) = human_streams(&run(), false);
    // The warning is a diagnostic: on stderr, not among the results.
    assert!(err.contains("legacy `context.` prefix"), "{err}");
    assert!(!out.contains("legacy `context.` prefix"), "{out}");
    assert_eq!(
        out.lines().last(),
        Some(
            "2 passed, 1 failed, 1 error, 1 skipped, 1 warning, 1 flow below --min-coverage in 0.25s"
        )
    );
    let (out, err) = human_streams(&load_failed(), false);
    assert_eq!(out.lines().last(), Some("0 passed, 0 failed, 2 errors"));
    assert!(err.contains("unknown key `expct`"), "{err}");
}

#[test]
fn colour_only_when_asked() {
    let plain = human(&run(), false);
    assert!(!plain.contains('\x1b'));
    let coloured = stdout_of(|b| Box::new(Human::new(b, true, false)), &run());
    assert!(coloured.contains("\x1b["));
    assert!(coloured.contains("VIP routing › platinum customer goes to VIP queue"));
}

#[test]
fn json_is_one_parseable_document_with_the_documented_keys() {
    let out = stdout_of(|b| Box::new(Json::new(b)), &run());
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["version"], 1);
    // The shared run has an errored case: the status mirrors exit code 2.
    assert_eq!(v["status"], "error");
    assert_eq!(v["suites"].as_array().unwrap().len(), 2);
    assert_eq!(v["summary"]["skipped"], 1);
    assert_eq!(v["coverage"]["flows"][0]["percent"], 75.0);
    let v: serde_json::Value =
        serde_json::from_str(&stdout_of(|b| Box::new(Json::new(b)), &load_failed())).unwrap();
    assert_eq!(v["status"], "load_failed");
    assert_eq!(v["errors"].as_array().unwrap().len(), 2);
}

#[test]
fn build_and_fanout_drive_stdout_and_the_junit_file_from_one_stream() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("junit.xml");
    let buf = SharedBuf::default();
    let opts = ReportOptions {
        format: Format::Github,
        junit: Some(path.clone()),
        color: false,
        stderr_color: false,
        verbose: false,
    };
    let err = SharedBuf::default();
    let mut fan = Fanout::new(build(&opts, Box::new(buf.clone()), Box::new(err.clone())));
    feed(&mut fan, &run()).unwrap();
    // GitHub reads its annotations (the warnings too) on stdout; nothing goes to stderr.
    assert!(buf.text().starts_with("::warning "));
    assert_eq!(err.text(), "");
    let xml = std::fs::read_to_string(&path).unwrap();
    // The coverage shortfall is no invented test case: the counts are the other reporters'.
    assert!(xml.contains(r#"<testsuites name="routecheck" tests="5" failures="1" errors="1""#));
    // Only the final file is left behind: the temporary one was renamed over it.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}
