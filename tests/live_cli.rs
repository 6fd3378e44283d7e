//! `routecheck record` and `routecheck inject` end to end against the mock Genesys API, with
//! every output grepped for the client secret and the tokens.

use crate::support;

use std::path::Path;

use assert_cmd::Command;
use support::{CALLBACK_ID, CLIENT_SECRET, Fault, Mock, WEB_CUSTOMER, WEB_ID};

/// What one run printed.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(mock: &Mock, args: &[&str]) -> Run {
    run_env(&mock.env(), args)
}

/// Run with exactly these environment variables.
fn run_env(vars: &[(&str, String)], args: &[&str]) -> Run {
    let out = Command::cargo_bin("routecheck")
        .unwrap()
        .env_clear()
        .envs(vars.iter().map(|(k, v)| (*k, v.as_str())))
        .env("NO_COLOR", "1")
        .args(args)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// No secret, token or Basic credential in any output or any file under `dir`.
fn assert_no_secrets(mock: &Mock, runs: &[&Run], dir: &Path) {
    let mut needles = vec![CLIENT_SECRET.to_string(), support::basic_credential()];
    needles.extend(mock.tokens());
    let mut haystacks: Vec<(String, String)> = runs
        .iter()
        .flat_map(|r| {
            [
                ("stdout".to_string(), r.stdout.clone()),
                ("stderr".to_string(), r.stderr.clone()),
            ]
        })
        .collect();
    for entry in walk(dir) {
        haystacks.push((
            entry.display().to_string(),
            std::fs::read_to_string(&entry).unwrap_or_default(),
        ));
    }
    for n in &needles {
        for (name, text) in &haystacks {
            assert!(!text.contains(n.as_str()), "secret leaked into {name}");
        }
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = vec![];
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

#[test]
fn record_writes_sorted_redacted_fixtures_and_refuses_to_overwrite() {
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fixtures");
    let out_s = out.to_str().unwrap();

    let first = run(&mock, &["record", WEB_ID, CALLBACK_ID, "--out", out_s]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(
        first.stdout.contains(&format!("{WEB_ID}.json")),
        "{}",
        first.stdout
    );

    let text = std::fs::read_to_string(out.join(format!("{WEB_ID}.json"))).unwrap();
    for pii in [
        "Blanche",
        "blanche.stokes@example.com",
        "938 679",
        "double charged",
    ] {
        assert!(!text.contains(pii), "{pii} left in the fixture");
    }
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let customer = &v["participants"][0];
    assert_eq!(customer["purpose"], "customer");
    assert_eq!(customer["id"], WEB_CUSTOMER);
    assert!(
        customer["name"]
            .as_str()
            .unwrap()
            .starts_with("<redacted:name:")
    );
    assert_eq!(customer["attributes"]["Tier"], "gold", "routing data stays");
    assert_eq!(
        customer["attributes"]["context.email"],
        v["participants"][1]["attributes"]["context.email"],
        "same value, same placeholder"
    );
    // Keys sorted at every level.
    let keys: Vec<&String> = customer.as_object().unwrap().keys().collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);

    let callback = std::fs::read_to_string(out.join(format!("{CALLBACK_ID}.json"))).unwrap();
    assert!(!callback.contains("+905394826532") && !callback.contains("mustafa@videoengamer.com"));

    let again = run(&mock, &["record", WEB_ID, "--out", out_s]);
    assert_eq!(again.code, 2);
    assert!(
        again.stderr.contains("refusing to overwrite"),
        "{}",
        again.stderr
    );
    assert!(again.stderr.contains("--update"));
    assert_eq!(
        std::fs::read_to_string(out.join(format!("{WEB_ID}.json"))).unwrap(),
        text
    );

    let update = run(
        &mock,
        &["record", WEB_ID, "--out", out_s, "--update", "--keep-pii"],
    );
    assert_eq!(update.code, 0, "{}", update.stderr);
    let kept = std::fs::read_to_string(out.join(format!("{WEB_ID}.json"))).unwrap();
    assert!(kept.contains("Blanche Stokes"));
    assert!(
        walk(&out)
            .iter()
            .all(|p| !p.file_name().unwrap().to_string_lossy().contains(".tmp-"))
    );

    assert_no_secrets(&mock, &[&first, &again, &update], dir.path());
}

#[test]
fn record_reports_a_missing_conversation_and_exits_2() {
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    let r = run(
        &mock,
        &[
            "record",
            "missing-id",
            "--out",
            dir.path().to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("404") && r.stderr.contains("/api/v2/conversations/missing-id"),
        "{}",
        r.stderr
    );
    assert!(!dir.path().join("missing-id.json").exists());
}

#[test]
fn inject_sets_verifies_and_writes_a_manifest() {
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("sent.yaml");
    let r = run(
        &mock,
        &[
            "inject",
            WEB_ID,
            "Tier=platinum",
            "Score=123",
            "--manifest",
            manifest.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("read back and verified"), "{}", r.stdout);
    let stored = mock.conversation(WEB_ID).unwrap();
    assert_eq!(stored["participants"][0]["attributes"]["Tier"], "platinum");
    assert_eq!(stored["participants"][0]["attributes"]["Score"], "123");
    let yaml = std::fs::read_to_string(&manifest).unwrap();
    assert!(yaml.contains(&format!("conversation: {WEB_ID}")), "{yaml}");
    assert!(
        yaml.contains(&format!("participant: {WEB_CUSTOMER}")),
        "{yaml}"
    );
    assert!(yaml.contains("Tier: platinum"), "{yaml}");
    let patches: Vec<_> = mock
        .seen()
        .into_iter()
        .filter(|s| s.method == "PATCH")
        .collect();
    assert_eq!(patches.len(), 1);
    assert_eq!(
        patches[0].path,
        format!("/api/v2/conversations/messages/{WEB_ID}/participants/{WEB_CUSTOMER}/attributes")
    );
    assert_no_secrets(&mock, &[&r], dir.path());
}

#[test]
fn inject_read_back_catches_a_value_the_server_did_not_store() {
    let mock = Mock::start();
    mock.drop_key("Segment");
    let r = run(
        &mock,
        &[
            "inject",
            WEB_ID,
            "Tier=platinum",
            "Segment=vip",
            "--settle",
            "0",
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("`Segment`: sent \"vip\", not stored"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("`Tier`"), "{}", r.stderr);
}

#[test]
fn inject_warns_about_prefixes_json_case_and_size() {
    let mock = Mock::start();
    let r = run(
        &mock,
        &[
            "inject",
            WEB_ID,
            "custom.Region=emea",
            r#"Cart={"items":2}"#,
            "tier=silver",
            "--max-bytes",
            "20",
            "--dry-run",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let e = &r.stderr;
    assert!(e.contains("`custom.Region`") && e.contains("flat"), "{e}");
    assert!(e.contains("`Cart`") && e.contains("JSON text"), "{e}");
    assert!(e.contains("`tier` differs only in case from `Tier`"), "{e}");
    assert!(e.contains("over the 20-byte"), "{e}");
    assert!(r.stdout.contains(&format!(
        "PATCH {}/api/v2/conversations/messages/{WEB_ID}/participants/{WEB_CUSTOMER}/attributes",
        mock.base
    )));
    assert!(
        r.stdout.contains("\"custom.Region\": \"emea\""),
        "{}",
        r.stdout
    );
    assert!(
        mock.seen().iter().all(|s| s.method != "PATCH"),
        "dry run sent nothing"
    );
    assert!(!r.stdout.contains("Authorization") && !r.stdout.contains("Bearer"));
}

#[test]
fn inject_needs_a_single_customer_or_an_explicit_participant() {
    let mock = Mock::start();
    // The callback conversation has a customer; the generic PATCH answers 202.
    let r = run(
        &mock,
        &["inject", CALLBACK_ID, "Tier=gold", "--settle", "0"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(
        &mock,
        &["inject", WEB_ID, "Tier=gold", "--participant", "nobody"],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("no participant `nobody`") && r.stderr.contains("(customer)"),
        "{}",
        r.stderr
    );
    let r = run(&mock, &["inject", WEB_ID, "novalue"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("is not KEY=VALUE"), "{}", r.stderr);
}

#[test]
fn the_retry_budget_and_bad_configuration_exit_2_with_clear_errors() {
    let mock = Mock::start();
    mock.fault("GET", "/api/", Fault::RateLimited(5));
    let dir = tempfile::tempdir().unwrap();
    let r = run(
        &mock,
        &[
            "record",
            WEB_ID,
            "--out",
            dir.path().to_str().unwrap(),
            "--max-retry-time",
            "1",
        ],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("gave up") && r.stderr.contains("--max-retry-time"),
        "{}",
        r.stderr
    );

    let base = [
        ("GENESYS_CLIENT_ID", "x".to_string()),
        ("GENESYS_CLIENT_SECRET", CLIENT_SECRET.to_string()),
    ];
    let mut vars = base.to_vec();
    vars.push(("GENESYS_REGION", "eu_west_9".into()));
    let r = run_env(
        &vars,
        &["record", WEB_ID, "--out", dir.path().to_str().unwrap()],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("unknown Genesys region `eu_west_9`") && r.stderr.contains("eu_west_1"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains(CLIENT_SECRET));

    let mut vars = base.to_vec();
    vars.push(("GENESYS_API_BASE", "http://example.com".into()));
    vars.push(("GENESYS_REGION", "eu_west_1".into()));
    let r = run_env(&vars, &["inject", WEB_ID, "A=b"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("plain http") && r.stderr.contains("loopback"),
        "{}",
        r.stderr
    );
}

#[test]
fn wrong_secret_says_credentials_or_region_and_prints_no_secret() {
    let mock = Mock::start();
    let mut vars = mock.env();
    vars.retain(|(k, _)| *k != "GENESYS_CLIENT_SECRET");
    vars.push(("GENESYS_CLIENT_SECRET", "Another-Wrong-Secret-123".into()));
    let r = run_env(&vars, &["inject", WEB_ID, "A=b"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("invalid_client") && r.stderr.contains("GENESYS_REGION"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("Another-Wrong-Secret-123"));
}

#[test]
fn inject_checks_the_manifest_path_before_the_patch() {
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    let patches = |m: &Mock| m.seen().iter().filter(|s| s.method == "PATCH").count();
    // A directory that does not exist, and a path that is a directory: unwritable for root
    // as well.
    let missing = dir.path().join("no-such-dir/sent.yaml");
    for target in [missing.as_path(), dir.path()] {
        let r = run(
            &mock,
            &[
                "inject",
                WEB_ID,
                "Tier=platinum",
                "--manifest",
                target.to_str().unwrap(),
            ],
        );
        assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
        assert!(
            r.stderr.contains("cannot write the manifest") && r.stderr.contains("nothing was sent"),
            "{}",
            r.stderr
        );
        assert_eq!(patches(&mock), 0, "refused before the PATCH");
    }
    let stored = mock.conversation(WEB_ID).unwrap();
    assert_ne!(stored["participants"][0]["attributes"]["Tier"], "platinum");
}

#[test]
fn inject_reports_a_patch_it_sent_when_the_read_back_fails() {
    let mock = Mock::start();
    // The participant lookup is answered; the read-back after the PATCH is refused.
    mock.fault("GET", "/api/", Fault::Pass);
    mock.fault("GET", "/api/", Fault::Status(500, "Internal Server Error"));
    let r = run(&mock, &["inject", WEB_ID, "Tier=platinum"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("PATCH sent: 1 attribute(s) set on participant")
            && r.stderr.contains("the read-back failed"),
        "{}",
        r.stderr
    );
    let stored = mock.conversation(WEB_ID).unwrap();
    assert_eq!(stored["participants"][0]["attributes"]["Tier"], "platinum");
}
