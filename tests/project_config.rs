//! routecheck.yaml's `stubs:` and `fixtures:`: the project's stubs files reach every
//! command that simulates a flow (under the rules file's and the case's own stubs, under
//! a flag), and its fixture directory is where `record` writes and what `snapshot`
//! reviews, from wherever in the project the command runs.

use std::path::Path;

use serde_json::Value;

use crate::project_cli::project;
use crate::support::{Mock, Run, WEB_ID, run_cli};

fn run(dir: &Path, args: &[&str]) -> Run {
    run_cli(Some(dir), &[], args)
}

fn add_to_config(root: &Path, text: &str) {
    let f = root.join("routecheck.yaml");
    let mut config = std::fs::read_to_string(&f).unwrap();
    config.push_str(text);
    std::fs::write(f, config).unwrap();
}

/// A rules file for the sample flow that writes no stub of its own for "Look up last
/// order" except in its second case.
const RULES: &str = "\
flow: ../../flows/web-messaging-vip.yaml
bindings:
  Flow.Tier: priority_tier
cases:
  - name: the project's stub
    fixture: ../../fixtures/platinum-vip.json
    expect:
      - participant_data: { last_order_status: delivered }
  - name: the case's own stub wins
    fixture: ../../fixtures/platinum-vip.json
    stubs:
      Look up last order: { output: success, values: { Flow.OrderStatus: shipped } }
    expect:
      - participant_data: { last_order_status: shipped }
";

fn stubbed_project() -> (tempfile::TempDir, std::path::PathBuf) {
    let (tmp, root) = project();
    std::fs::create_dir_all(root.join("shared")).unwrap();
    std::fs::write(
        root.join("shared/stubs.yaml"),
        "# another flow's action: left out for this one\nSend survey: { output: success }\nLook up last order: { output: success, values: { Flow.OrderStatus: delivered } }\n",
    )
    .unwrap();
    add_to_config(&root, "stubs: [shared/stubs.yaml]\n");
    std::fs::create_dir_all(root.join("rules/deep")).unwrap();
    std::fs::write(root.join("rules/deep/stubbed.yaml"), RULES).unwrap();
    (tmp, root)
}

#[test]
fn test_uses_the_projects_stubs_under_the_cases_own() {
    let (_tmp, root) = stubbed_project();
    // From a subdirectory: the config is found above, its paths are relative to it.
    let o = run(&root.join("rules/deep"), &["test", "stubbed.yaml"]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert!(o.stdout.contains("2 passed, 0 failed"), "{}", o.stdout);
    // The samples still pass: a rules file's own stubs beat the project's.
    let o = run(&root, &["test"]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
}

#[test]
fn a_wrong_project_stub_is_located_in_its_file() {
    let (_tmp, root) = stubbed_project();
    std::fs::write(
        root.join("shared/stubs.yaml"),
        "Look up last order: { output: exploded }\n",
    )
    .unwrap();
    let o = run(&root, &["test", "rules/deep/stubbed.yaml"]);
    assert_eq!(o.code, 2, "{}{}", o.stdout, o.stderr);
    assert!(o.stderr.contains("shared/stubs.yaml:1:1"), "{}", o.stderr);
    assert!(o.stderr.contains("no output `exploded`"), "{}", o.stderr);
    // A stubs file that cannot be read is a load error too, never a silent default.
    std::fs::remove_file(root.join("shared/stubs.yaml")).unwrap();
    let o = run(&root, &["test", "rules/deep/stubbed.yaml"]);
    assert_eq!(o.code, 2, "{}{}", o.stdout, o.stderr);
    assert!(o.stderr.contains("stubs.yaml"), "{}", o.stderr);
}

#[test]
fn trace_reads_the_projects_vars_and_stubs_and_a_flag_beats_them() {
    let (_tmp, root) = stubbed_project();
    let trace = |extra: &[&str]| {
        let mut args = vec![
            "trace",
            "--flow",
            "../flows/web-messaging-vip.yaml",
            "--fixture",
            "../fixtures/platinum-vip.json",
        ];
        args.extend_from_slice(extra);
        run(&root.join("rules"), &args)
    };
    let o = trace(&[]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert!(o.stdout.contains("delivered"), "{}", o.stdout);
    let o = trace(&["--stub", "Look up last order=failure"]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert!(!o.stdout.contains("delivered"), "{}", o.stdout);
}

#[test]
fn gen_check_runs_the_projects_rules_with_its_stubs() {
    let (_tmp, root) = stubbed_project();
    // Only the first case, which has no stub of its own: without the project's stub it
    // could not run and would reach nothing.
    let first: String = RULES.lines().take(8).map(|l| format!("{l}\n")).collect();
    std::fs::write(root.join("rules/deep/one.yaml"), first).unwrap();
    let o = run(
        &root.join("rules/deep"),
        &["gen", "--check", "--rules", "one.yaml"],
    );
    assert!(o.code == 0 || o.code == 1, "{}{}", o.stdout, o.stderr);
    assert!(o.stdout.contains("branches reached"), "{}", o.stdout);
    assert!(!o.stdout.contains(": 0 of "), "{}", o.stdout);
}

#[test]
fn record_writes_to_the_projects_fixture_directory() {
    let mock = Mock::start();
    let (_tmp, root) = project();
    add_to_config(&root, "");
    let config = std::fs::read_to_string(root.join("routecheck.yaml"))
        .unwrap()
        .replace("fixtures: fixtures", "fixtures: recordings");
    std::fs::write(root.join("routecheck.yaml"), config).unwrap();
    let o = run_cli(Some(&root.join("rules")), &mock.env(), &["record", WEB_ID]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let written = root.join(format!("recordings/{WEB_ID}.json"));
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&written).unwrap()).unwrap();
    assert_eq!(doc["id"], WEB_ID);

    // snapshot check reviews that directory by default, from anywhere in the project.
    std::fs::write(root.join("export.json"), doc.to_string()).unwrap();
    let o = run(
        &root.join("rules"),
        &["snapshot", "check", "--from", "../export.json"],
    );
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout.contains("1 fixture(s): 1 unchanged"),
        "{}",
        o.stdout
    );
    let o = run(&root.join("rules"), &["snapshot", "accept"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.contains("recordings"), "{}", o.stdout);

    // Without a project and without --out, record says what to do.
    let bare = tempfile::tempdir().unwrap();
    let o = run_cli(Some(bare.path()), &mock.env(), &["record", WEB_ID]);
    assert_eq!(o.code, 2);
    assert!(
        o.stderr.contains("--out") && o.stderr.contains("fixtures:"),
        "{}",
        o.stderr
    );
}
