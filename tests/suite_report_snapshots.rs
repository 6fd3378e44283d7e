//! One real run of `routecheck test`, rendered by every reporter and snapshotted, so the
//! human, JSON, GitHub and JUnit outputs of the actual CLI cannot drift apart.
//!
//! The run is `tests/data/suites/failing`: one passing case and three failing ones (a
//! case-mismatched binding, a typed comparison, a legacy `context.` prefix).

use assert_cmd::Command;

const SUITE: &str = "tests/data/suites/failing";

fn test_cmd() -> Command {
    let mut c = Command::cargo_bin("routecheck").unwrap();
    c.env("NO_COLOR", "1").arg("test");
    c
}

/// Wall times and timestamps change from run to run; everything else must not.
fn stable(text: &str) -> String {
    let patterns = [
        (r#""duration": [0-9.e-]+"#, r#""duration": "[duration]""#),
        (r#"time="[0-9.e-]+""#, r#"time="[time]""#),
        (r#"timestamp="[^"]+""#, r#"timestamp="[timestamp]""#),
        (r#"hostname="[^"]+""#, r#"hostname="[hostname]""#),
        (r"(?m) in [0-9]+\.[0-9]{2}s$", " in [elapsed]"),
    ];
    let mut out = text.to_string();
    for (re, with) in patterns {
        out = regex::Regex::new(re)
            .unwrap()
            .replace_all(&out, with)
            .into_owned();
    }
    out
}

fn stdout(args: &[&str]) -> String {
    let out = test_cmd().args(args).arg(SUITE).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn human() {
    insta::assert_snapshot!(stable(&stdout(&[])));
}

#[test]
fn json() {
    let text = stdout(&["--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["status"], "failed");
    insta::assert_snapshot!(stable(&text));
}

#[test]
fn github() {
    insta::assert_snapshot!(stable(&stdout(&["--format", "github"])));
}

#[test]
fn junit() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("run.xml");
    stdout(&["--junit", path.to_str().unwrap()]);
    insta::assert_snapshot!(stable(&std::fs::read_to_string(&path).unwrap()));
}
