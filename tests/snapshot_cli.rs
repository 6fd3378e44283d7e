//! `routecheck snapshot check|accept|reject` end to end: fixtures recorded from the mock
//! Genesys API, the org changed underneath them, and every output grepped for secrets.

use crate::support;

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use support::{Fault, Mock, Run, WEB_ID};

/// A project directory with fixtures recorded from the mock, and every run kept for the
/// secret check at the end.
struct Project {
    mock: Mock,
    dir: tempfile::TempDir,
    runs: Vec<(String, Run)>,
}

impl Project {
    fn new() -> Project {
        let mut p = Project {
            mock: Mock::start(),
            dir: tempfile::tempdir().unwrap(),
            runs: vec![],
        };
        let r = p.run(&["record", WEB_ID, "--out", "fixtures"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        p
    }

    fn fixture(&self) -> PathBuf {
        self.dir.path().join(format!("fixtures/{WEB_ID}.json"))
    }

    fn pending(&self) -> PathBuf {
        self.dir.path().join(format!("fixtures/{WEB_ID}.json.new"))
    }

    fn run(&mut self, args: &[&str]) -> &Run {
        let env = self.mock.env();
        self.run_env(&env, args)
    }

    fn run_env(&mut self, vars: &[(&str, String)], args: &[&str]) -> &Run {
        let run = support::run_cli(Some(self.dir.path()), vars, args);
        self.runs.push((args.join(" "), run));
        &self.runs.last().unwrap().1
    }

    fn set_attribute(&self, key: &str, value: &str) {
        assert!(self.mock.edit_conversation(WEB_ID, |c| {
            c["participants"][0]["attributes"][key] = json!(value);
        }));
    }
}

impl Drop for Project {
    /// No secret, token or Basic credential in any output or any file written.
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        support::assert_runs_have_no_secrets(&self.mock, &self.runs, self.dir.path());
    }
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap()
}

#[test]
fn an_unchanged_conversation_passes() {
    let mut p = Project::new();
    let r = p.run(&["snapshot", "check"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains(&format!("ok       fixtures/{WEB_ID}.json")),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("1 fixture(s): 1 unchanged, 0 changed"),
        "{}",
        r.stdout
    );
    assert!(!p.pending().exists());
}

#[test]
fn a_changed_attribute_is_diffed_and_kept_as_new() {
    let mut p = Project::new();
    let stored = read(&p.fixture());
    p.set_attribute("Tier", "platinum");
    let r = p.run(&["snapshot", "check"]);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    let out = r.stdout.clone();
    assert!(
        out.contains(&format!("changed  fixtures/{WEB_ID}.json")),
        "{out}"
    );
    assert!(
        out.contains("changed  $.participants[0].attributes.Tier"),
        "{out}"
    );
    assert!(out.contains("-        \"Tier\": \"gold\","), "{out}");
    assert!(out.contains("+        \"Tier\": \"platinum\","), "{out}");
    assert!(!out.contains('\u{1b}'), "no colour when not asked");
    assert_eq!(
        read(&p.fixture()),
        stored,
        "the stored fixture is untouched"
    );
    let fresh: Value = serde_json::from_str(&read(&p.pending())).unwrap();
    assert_eq!(fresh["participants"][0]["attributes"]["Tier"], "platinum");
    // Redacted as the stored fixture was: the .new file holds no personal data.
    let text = read(&p.pending());
    assert!(
        !text.contains("Blanche") && !text.contains("example.com"),
        "{text}"
    );

    let coloured = p.run(&["snapshot", "check", "--color", "always"]);
    assert_eq!(coloured.code, 1);
    assert!(
        coloured
            .stdout
            .contains("\u{1b}[31m-        \"Tier\": \"gold\","),
        "{:?}",
        coloured.stdout
    );
}

#[test]
fn volatile_changes_pass_and_clear_a_stale_new_file() {
    let mut p = Project::new();
    p.set_attribute("Tier", "platinum");
    assert_eq!(p.run(&["snapshot", "check"]).code, 1);
    assert!(p.pending().exists());
    // Back to the recorded value, with only timestamps, ids and links moving on.
    p.set_attribute("Tier", "gold");
    assert!(p.mock.edit_conversation(WEB_ID, |c| {
        c["participants"][0]["messages"][0]["messageTime"] = json!("2024-06-01T09:00:00.000Z");
        c["participants"][0]["messages"][0]["messageId"] = json!("m-999");
        c["participants"][1]["endTime"] = json!("2024-06-01T09:05:00.000Z");
        c["participants"][1]["queue"]["selfUri"] = json!("/api/v2/routing/queues/q-billing?v=2");
        c["startTime"] = json!("2024-06-01T08:59:00.000Z");
    }));
    let r = p.run(&["snapshot", "check"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("removed the stale"), "{}", r.stdout);
    assert!(!p.pending().exists());
}

#[test]
fn accept_replaces_the_fixture_and_reject_removes_the_new_file() {
    let mut p = Project::new();
    let none = p.run(&["snapshot", "accept"]);
    assert_eq!(none.code, 0);
    assert!(
        none.stdout.contains("no pending snapshots"),
        "{}",
        none.stdout
    );

    p.set_attribute("Tier", "platinum");
    assert_eq!(p.run(&["snapshot", "check"]).code, 1);
    let fresh = read(&p.pending());
    let r = p.run(&["snapshot", "accept"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains(&format!("accepted fixtures/{WEB_ID}.json")),
        "{}",
        r.stdout
    );
    assert_eq!(read(&p.fixture()), fresh);
    assert!(!p.pending().exists());
    assert_eq!(
        p.run(&["snapshot", "check"]).code,
        0,
        "accepted means matching"
    );

    p.set_attribute("Intent", "sales");
    assert_eq!(p.run(&["snapshot", "check"]).code, 1);
    let fixture = p.fixture();
    let fixture_arg = format!("fixtures/{WEB_ID}.json");
    let r = p.run(&["snapshot", "reject", &fixture_arg]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains(&format!("rejected fixtures/{WEB_ID}.json.new")),
        "{}",
        r.stdout
    );
    assert!(!p.pending().exists());
    assert_eq!(read(&fixture), fresh, "reject keeps the stored fixture");
    let again = p.run(&["snapshot", "reject", &fixture_arg]);
    assert_eq!(again.code, 0);
    assert!(
        again.stdout.contains("nothing pending for"),
        "{}",
        again.stdout
    );
    let missing = p.run(&["snapshot", "accept", "fixtures/nope.json"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("nope.json does not exist"),
        "{}",
        missing.stderr
    );
}

#[test]
fn from_an_export_needs_no_network_and_redacts_the_same_way() {
    let mut p = Project::new();
    let mut export = p.mock.conversation(WEB_ID).unwrap();
    let export_path = p.dir.path().join("export.json");
    std::fs::write(&export_path, export.to_string()).unwrap();
    // No credentials, no API base: a network attempt could only fail.
    let r = p.run_env(&[], &["snapshot", "check", "--from", "export.json"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);

    export["participants"][0]["attributes"]["Tier"] = json!("silver");
    export["participants"][0]["name"] = json!("Blanche Stokes-Renamed");
    let dir = p.dir.path().join("exports");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(
        dir.join("page.json"),
        json!({"entities": [export], "pageSize": 25}).to_string(),
    )
    .unwrap();
    let seen_before = p.mock.seen().len();
    let r = p.run_env(&[], &["snapshot", "check", "--from", "exports"]);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    // The diff is the result (stdout); what to do next is a hint (stderr).
    assert!(r.stderr.contains("review the diffs"), "{}", r.stderr);
    assert!(!r.stdout.contains("review the diffs"), "{}", r.stdout);
    assert!(
        r.stdout.contains("+        \"Tier\": \"silver\","),
        "{}",
        r.stdout
    );
    assert!(
        !r.stdout.contains("Renamed"),
        "personal data never shown: {}",
        r.stdout
    );
    assert!(!read(&p.pending()).contains("Renamed"));
    assert_eq!(
        p.mock.seen().len(),
        seen_before,
        "no request reached the API"
    );

    let other = p.dir.path().join("other.json");
    std::fs::write(&other, json!({"id": "someone-else"}).to_string()).unwrap();
    let r = p.run_env(&[], &["snapshot", "check", "--from", "other.json"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("no conversation") && r.stderr.contains("in other.json"),
        "{}",
        r.stderr
    );
}

#[test]
fn personal_data_is_kept_only_for_fixtures_recorded_with_it() {
    let mut p = Project::new();
    let r = p.run(&["record", WEB_ID, "--out", "kept", "--keep-pii"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let kept = format!("kept/{WEB_ID}.json");
    assert_eq!(p.run(&["snapshot", "check", &kept]).code, 0);
    p.set_attribute("Tier", "platinum");
    let r = p.run(&["snapshot", "check", &kept, "fixtures"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout.contains("(personal data kept, as recorded)"),
        "{}",
        r.stdout
    );
    // The diff shows what changed, never the personal values the files keep.
    assert!(r.stdout.contains("platinum"), "{}", r.stdout);
    for personal in ["Blanche", "938 679", "blanche.stokes", "double charged"] {
        assert!(!r.stdout.contains(personal), "{personal}: {}", r.stdout);
    }
    let kept_new = read(&p.dir.path().join(format!("{kept}.new")));
    assert!(kept_new.contains("Blanche Stokes"));
    assert!(!read(&p.pending()).contains("Blanche"));
}

#[test]
fn ignores_come_from_flags_and_the_config_file() {
    let mut p = Project::new();
    p.set_attribute("Intent", "sales");
    p.set_attribute("LastSeen", "2024-06-01");
    assert_eq!(p.run(&["snapshot", "check"]).code, 1);
    let r = p.run(&[
        "snapshot",
        "check",
        "--ignore",
        "LastSeen",
        "--ignore",
        "$.participants[*].attributes.Intent",
    ]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);

    std::fs::write(
        p.dir.path().join(".routecheck-snapshot.yaml"),
        "ignore:\n  - LastSeen\n  - \"$.participants[?@.purpose == 'customer' || @.purpose == 'acd'].attributes.Intent\"\n",
    )
    .unwrap();
    let r = p.run(&["snapshot", "check"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);

    // The defaults can be turned off: the recorded messageTime then counts.
    assert!(p.mock.edit_conversation(WEB_ID, |c| {
        c["participants"][0]["messages"][0]["messageTime"] = json!("2024-06-01T09:00:00.000Z");
    }));
    let r = p.run(&["snapshot", "check", "--no-default-ignores"]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("messageTime"), "{}", r.stdout);

    std::fs::write(
        p.dir.path().join(".routecheck-snapshot.yaml"),
        "ignore:\n  - \"$[\"\n",
    )
    .unwrap();
    let r = p.run(&["snapshot", "check"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains(".routecheck-snapshot.yaml:2:5"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("not a valid JSONPath"), "{}", r.stderr);
}

#[test]
fn errors_are_located_and_exit_2() {
    let mut p = Project::new();
    let missing = p.run(&["snapshot", "check", "fixtures/absent.json"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing
            .stderr
            .contains("fixtures/absent.json does not exist"),
        "{}",
        missing.stderr
    );

    std::fs::write(
        p.dir.path().join("fixtures/broken.json"),
        "{\n  \"id\": \"x\",\n  oops\n}\n",
    )
    .unwrap();
    let r = p.run(&["snapshot", "check"]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(
        r.stdout.contains("error    fixtures/broken.json"),
        "{}",
        r.stdout
    );
    assert!(
        r.stderr.contains("fixtures/broken.json:3:3"),
        "{}",
        r.stderr
    );
    assert!(
        r.stdout
            .contains(&format!("ok       fixtures/{WEB_ID}.json")),
        "the others still run"
    );
    std::fs::remove_file(p.dir.path().join("fixtures/broken.json")).unwrap();

    // The conversation is gone from the org, then the API fails.
    std::fs::write(
        p.dir.path().join("fixtures/gone.json"),
        json!({"id": "0000-gone", "participants": []}).to_string(),
    )
    .unwrap();
    let r = p.run(&["snapshot", "check"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("404"), "{}", r.stderr);
    std::fs::remove_file(p.dir.path().join("fixtures/gone.json")).unwrap();
    p.mock.fault(
        "GET",
        "/api/v2/conversations",
        Fault::Status(400, "bad request"),
    );
    let r = p.run(&["snapshot", "check"]);
    assert_eq!(r.code, 2, "{}", r.stdout);

    let wrong = vec![
        ("GENESYS_CLIENT_ID", support::CLIENT_ID.to_string()),
        ("GENESYS_CLIENT_SECRET", "wrong-secret-value".to_string()),
        ("GENESYS_API_BASE", p.mock.base.clone()),
        ("GENESYS_LOGIN_BASE", p.mock.base.clone()),
    ];
    let r = p.run_env(&wrong, &["snapshot", "check"]);
    assert_eq!(r.code, 2);
    assert!(!r.stderr.contains("wrong-secret-value"), "{}", r.stderr);

    let r = p.run_env(&[], &["snapshot", "check"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("GENESYS_CLIENT_ID"), "{}", r.stderr);

    let empty = tempfile::tempdir().unwrap();
    let r = p.run(&["snapshot", "check", empty.path().to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no fixtures"), "{}", r.stderr);
}

/// An export saved by a Windows editor or PowerShell starts with a byte order mark: it
/// is read as the fixture reader reads it, and a broken one is still located on line 1.
#[test]
fn an_export_with_a_byte_order_mark_is_read() {
    let mut p = Project::new();
    let export = p.mock.conversation(WEB_ID).unwrap();
    std::fs::write(
        p.dir.path().join("export.json"),
        format!("\u{feff}{export}"),
    )
    .unwrap();
    let r = p.run_env(&[], &["snapshot", "check", "--from", "export.json"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    std::fs::write(p.dir.path().join("broken.json"), "\u{feff}{\"id\": }").unwrap();
    let r = p.run_env(&[], &["snapshot", "check", "--from", "broken.json"]);
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("the export is not valid JSON") && r.stderr.contains("broken.json:1:"),
        "{}",
        r.stderr
    );
}
