//! `routecheck trace` end to end: a real flow's path as a snapshot, and bad flows
//! rejected with located errors and exit code 2.

use assert_cmd::Command;

fn trace() -> Command {
    let mut c = Command::cargo_bin("routecheck").unwrap();
    c.env("NO_COLOR", "1").arg("trace");
    c
}

const FIXTURE: &str = "tests/data/flows/dude-fixture.json";

#[test]
fn trace_prints_the_path_of_a_real_flow() {
    let out = trace()
        .args([
            "--flow",
            "tests/data/real-flows/dude-wheres-my-stuff-message.yaml",
        ])
        .args(["--fixture", FIXTURE])
        .args(["--var", "flow_name=Dude", "--var", "default_language=en-us"])
        .args([
            "--var",
            "integration_category=Lambda",
            "--var",
            "integration_data_action_name=Lookup Order",
        ])
        .args(["--stubs", "tests/data/flows/dude-stubs.yaml"])
        .args(["--now", "2025-01-02T10:00:00Z"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    insta::assert_snapshot!(String::from_utf8(out.stdout).unwrap());
}

#[test]
fn trace_routes_the_vip_sample() {
    let out = trace()
        .args(["--flow", "flows/web-messaging-vip.yaml"])
        .args(["--fixture", "tests/data/flows/vip-gold-conversation.json"])
        .args([
            "--var",
            "flow_name=VIP",
            "--var",
            "general_queue=General Support",
        ])
        .args([
            "--var",
            "vip_queue=VIP Support",
            "--var",
            "data_action_category=Orders",
        ])
        .args(["--stub", "Look up last order=failure"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout.contains("route: queue \"VIP Support\", priority 5"),
        "{stdout}"
    );
}

fn rejected(flow: &str, extra: &[&str]) -> String {
    let out = trace()
        .args(["--flow", flow, "--fixture", FIXTURE])
        .args(extra)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "nothing may look like a run");
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn dangling_refs_are_located() {
    let err = rejected("tests/data/flows/bad-dangling-ref.yaml", &[]);
    assert!(
        err.contains("dangling reference `/inboundShortMessage/tasks/task[Nowhere_1]`"),
        "{err}"
    );
    assert!(err.contains("bad-dangling-ref.yaml:11:30"), "{err}");
    assert!(
        err.contains("dangling reference `/inboundShortMessage/states/state[Missing_2]`"),
        "{err}"
    );
}

#[test]
fn unknown_actions_and_expression_errors_are_all_reported() {
    let err = rejected("tests/data/flows/bad-unknown-action.yaml", &[]);
    assert!(err.contains("unknown action kind `playAudio`"), "{err}");
    assert!(err.contains("bad-unknown-action.yaml:9:13"), "{err}");
    assert!(err.contains("Flow.Missing"), "{err}");
    assert!(err.contains("bad-unknown-action.yaml:14:22"), "{err}");
}

#[test]
fn every_missing_placeholder_is_listed() {
    // Outside any project: this repository's routecheck.yaml would give `flow_name` (the
    // flow's own project applies, wherever trace runs), so the flow is copied out of it.
    let root = env!("CARGO_MANIFEST_DIR");
    let elsewhere = tempfile::tempdir().unwrap();
    let flow = elsewhere.path().join("bad-placeholders.yaml");
    std::fs::copy(
        format!("{root}/tests/data/flows/bad-placeholders.yaml"),
        &flow,
    )
    .unwrap();
    let out = trace()
        .current_dir(elsewhere.path())
        .args(["--flow", flow.to_str().unwrap()])
        .args(["--fixture", &format!("{root}/{FIXTURE}")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("placeholder `flow_name` has no value"),
        "{err}"
    );
    assert!(err.contains("bad-placeholders.yaml:2:9"), "{err}");
    assert!(
        err.contains("placeholder `queue_name` has no value"),
        "{err}"
    );
    assert!(err.contains("bad-placeholders.yaml:13:25"), "{err}");
}

#[test]
fn a_missing_stub_stops_the_run_with_the_action_located() {
    let out = trace()
        .args(["--flow", "flows/web-messaging-vip.yaml"])
        .args(["--fixture", "tests/data/flows/vip-gold-conversation.json"])
        .args(["--var", "flow_name=VIP", "--var", "general_queue=G"])
        .args([
            "--var",
            "vip_queue=V",
            "--var",
            "data_action_category=Orders",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("no stub for callData action \"Look up last order\""),
        "{err}"
    );
    assert!(err.contains("web-messaging-vip.yaml:67:23"), "{err}");
}

#[test]
fn a_stub_for_an_unknown_action_is_a_usage_error() {
    let out = trace()
        .args(["--flow", "flows/web-messaging-vip.yaml"])
        .args(["--fixture", "tests/data/flows/vip-gold-conversation.json"])
        .args(["--var", "flow_name=VIP", "--var", "general_queue=G"])
        .args([
            "--var",
            "vip_queue=V",
            "--var",
            "data_action_category=Orders",
        ])
        .args(["--stub", "Look up last order=maybe"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("no output `maybe` (it has success, failure, timeout)"),
        "{err}"
    );
}
