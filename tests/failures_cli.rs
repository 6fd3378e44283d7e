//! Issue #29's live points end to end against the mock Platform API: what the API returns
//! is checked before it is recorded, server text reaches the terminal with its control
//! characters escaped, and `doctor` offers a permission fix only for 401/403.

use crate::support;

use serde_json::json;
use support::{Fault, Mock, WEB_ID, run_cli};

fn record(mock: &Mock, out: &std::path::Path) -> support::Run {
    run_cli(
        None,
        &mock.env(),
        &["record", WEB_ID, "--out", out.to_str().unwrap()],
    )
}

/// A change to the mock's stored conversation.
type Edit = fn(&mut serde_json::Value);

#[test]
fn record_refuses_a_body_that_is_another_conversation_or_has_no_customer() {
    let edits: [(&str, Edit); 3] = [
        ("not the conversation asked for", |v| {
            v["id"] = json!("another-conversation")
        }),
        ("no participants", |v| v["participants"] = json!([])),
        ("no participant has purpose `customer`", |v| {
            for p in v["participants"].as_array_mut().unwrap() {
                p["purpose"] = json!("agent");
            }
        }),
    ];
    for (said, edit) in edits {
        let mock = Mock::start();
        assert!(mock.edit_conversation(WEB_ID, edit));
        let dir = tempfile::tempdir().unwrap();
        let r = record(&mock, dir.path());
        assert_eq!(r.code, 2, "{said}: {}{}", r.stdout, r.stderr);
        assert!(r.stderr.contains(said), "{said}: {}", r.stderr);
        assert!(r.stderr.contains(WEB_ID), "names the request: {}", r.stderr);
        assert!(
            support::files_under(dir.path()).is_empty(),
            "{said}: nothing recorded"
        );
    }
}

#[test]
fn a_bare_carriage_return_in_server_text_is_escaped() {
    let mock = Mock::start();
    mock.fault(
        "GET",
        "/api/v2/conversations/",
        Fault::Status(400, "bad request\rFAKE: all tests passed\u{1b}[2K"),
    );
    let dir = tempfile::tempdir().unwrap();
    let r = record(&mock, dir.path());
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(!all.contains('\r') && !all.contains('\u{1b}'), "{all:?}");
    assert!(all.contains("bad request\\rFAKE"), "{all}");
}

#[test]
fn doctor_offers_a_permission_fix_only_for_401_and_403() {
    for (status, named) in [
        (400, "a rejected request: 400 Bad Request"),
        (500, "a server error: 500 Internal Server Error"),
    ] {
        let mock = Mock::start();
        // Every answer after the token is this status (retries included).
        for _ in 0..8 {
            mock.fault(
                "GET",
                "/api/v2/conversations/messages/",
                Fault::Status(status, "oops"),
            );
        }
        let r = run_cli(None, &mock.env(), &["doctor"]);
        assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
        let line = r
            .stdout
            .lines()
            .skip_while(|l| !l.contains("message details"))
            .take(2)
            .collect::<Vec<_>>()
            .join("\n");
        assert!(line.contains(named), "{status}: {}", r.stdout);
        assert!(line.contains("not a permission answer"), "{line}");
        assert!(!line.contains("conversation:webmessaging:view"), "{line}");
    }
}

#[test]
fn gen_and_trace_check_their_stdout_writes() {
    if !std::path::Path::new("/dev/full").exists() {
        return;
    }
    for args in [
        &["gen", "--flow", "flows/web-messaging-vip.yaml"][..],
        &["trace", "--flow", "flows/web-messaging-vip.yaml"][..],
    ] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("routecheck"))
            .args(args)
            .env("NO_COLOR", "1")
            .stdout(full)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("cannot write to stdout"),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn test_against_a_live_body_that_is_not_the_conversation_asked_for_is_an_error() {
    let rules =
        "cases:\n  - name: live\n    expect:\n      - attribute: Tier\n        equals: gold\n";
    let edits: [(&str, Edit); 2] = [
        ("not the conversation asked for", |v| {
            v["id"] = json!("another-conversation")
        }),
        ("no participants", |v| v["participants"] = json!([])),
    ];
    for (said, edit) in edits {
        let mock = Mock::start();
        assert!(mock.edit_conversation(WEB_ID, edit));
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("rules.yaml"), rules).unwrap();
        let junit = dir.path().join("junit.xml");
        let r = run_cli(
            Some(dir.path()),
            &mock.env(),
            &[
                "test",
                "--conversation",
                WEB_ID,
                "rules.yaml",
                "--junit",
                junit.to_str().unwrap(),
            ],
        );
        assert_eq!(r.code, 2, "{said}: {}{}", r.stdout, r.stderr);
        let all = format!("{}{}", r.stdout, r.stderr);
        assert!(all.contains(said), "{said}: {all}");
        assert!(all.contains(WEB_ID), "names the request: {all}");
        assert!(!r.stdout.contains("1 passed"), "{said}: {all}");
        let xml = std::fs::read_to_string(&junit).unwrap();
        assert!(xml.contains("<error"), "{said}: {xml}");
    }
}

#[cfg(unix)]
#[test]
fn lint_into_a_closed_pipe_ends_quietly() {
    use std::process::{Command, Stdio};
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for format in ["human", "json", "github"] {
        // The reader is gone before lint writes (`routecheck lint … | head -0`).
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("routecheck"))
            .current_dir(repo)
            .env("NO_COLOR", "1")
            .args(["lint", "--format", format])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{format}: {err}");
        assert!(!err.contains("Broken pipe"), "{format}: {err}");
        assert!(!err.contains("cannot write"), "{format}: {err}");
        assert!(
            out.status.code().is_some(),
            "{format} killed: {:?}",
            out.status
        );
    }
}
