//! The org's own NLU in runs (issue 25): `routecheck test --nlu-record` asks it (the
//! in-process mock, loopback only) for each message a listed bot's Ask for Intent takes and
//! writes the answers beside the fixtures; a plain `routecheck test` replays them offline
//! with no credentials, routing by the NLU's intent and the bot's confidence thresholds; a
//! message with no recorded answer takes the offline rule and says so. A broken answers
//! file, a missing one, or missing credentials stop with exit 2; no secret is printed.

use std::path::Path;

use serde_json::json;

use crate::support::{self, CLIENT_SECRET, Mock, Run, copy_dir, run_in, run_in_env};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const SAID: &str = "I want to send the thing I bought back";

const CONFIG: &str = "rules: [nlu.yaml]
nlu:
  answers: fixtures/nlu-answers.yaml
  bots:
    DudesWheresMyStuffBot: { domain: 3a1d5f7e-domain, version: 9b2c4e6f-version }
";

const RULES: &str = r#"suite: The org's NLU
flow: flows/DudeWheresMyStuffMessage.yaml
vars:
  flow_name: DudesWheresMyStuffBot
  default_language: en-us
  integration_category: Lambda
  integration_data_action_name: OrderStatus
cases:
  - name: what the NLU took as a cancel routes as one
    messages: [hi, "I want to send the thing I bought back", "12345678"]
    expect:
      - route: { queue: dude-general-support }
      - participant_data: { OrderNumber: "12345678" }
"#;

/// A copy of the Dude blueprint with the NLU configured; `answers` as the recorded file.
fn project(answers: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(
        &Path::new(ROOT).join("tests/data/bots/dudes-wheres-my-stuff/flows"),
        &dir.path().join("flows"),
    );
    std::fs::write(dir.path().join("routecheck.yaml"), CONFIG).unwrap();
    std::fs::write(dir.path().join("nlu.yaml"), RULES).unwrap();
    std::fs::create_dir_all(dir.path().join("fixtures")).unwrap();
    if let Some(a) = answers {
        std::fs::write(dir.path().join("fixtures/nlu-answers.yaml"), a).unwrap();
    }
    dir
}

fn recorded(probability: f64) -> String {
    format!(
        "bots:\n  DudesWheresMyStuffBot:\n    domain: 3a1d5f7e-domain\n    version: 9b2c4e6f-version\n    answers:\n      \"{SAID}\":\n        - intent: Cancel my order\n          probability: {probability}\n"
    )
}

fn no_secret(r: &Run, mock: &Mock) {
    let all = r.all();
    assert!(!all.contains(CLIENT_SECRET), "{all}");
    for t in mock.tokens() {
        assert!(!all.contains(&t), "token in {all}");
    }
}

#[test]
fn recording_writes_the_answers_beside_the_fixtures_and_replay_routes_by_them_offline() {
    let dir = project(None);
    let mock = Mock::start();
    mock.detects(
        SAID,
        json!([
            {"name": "Check Order Status", "probability": 0.05},
            {"name": "Cancel my order", "probability": 0.91}
        ]),
    );
    let env = mock.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = run_in_env(dir.path(), &env, &["test", "--nlu-record"]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(
        r.stderr
            .contains("recorded the org's NLU answers for 1 message(s)"),
        "{}",
        r.all()
    );
    no_secret(&r, &mock);
    let file = std::fs::read_to_string(dir.path().join("fixtures/nlu-answers.yaml")).unwrap();
    assert!(
        file.contains("DudesWheresMyStuffBot")
            && file.contains("9b2c4e6f-version")
            && file.contains(SAID)
            && file.find("Cancel my order") < file.find("Check Order Status"),
        "{file}"
    );
    // Offline: no credentials, no mock; the recorded answer routes the case.
    drop(mock);
    let r = run_in(dir.path(), &["test", "-v"]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(
        r.all().contains("the org's NLU (recorded in"),
        "{}",
        r.all()
    );
}

#[test]
fn without_a_recorded_answer_the_offline_rule_applies_and_says_so() {
    let dir = project(Some("bots: {}\n"));
    let r = run_in(dir.path(), &["test", "-v"]);
    // The offline rule does not take the message as a cancel: no route to the queue.
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(r.all().contains("no recorded NLU answer in"), "{}", r.all());
    assert!(r.all().contains("the offline rule"), "{}", r.all());
}

#[test]
fn the_bots_confidence_thresholds_apply_to_replayed_answers() {
    // Below the low threshold (20%): no match, the bot re-asks; the case fails.
    let dir = project(Some(&recorded(0.1)));
    let r = run_in(dir.path(), &["test", "-v"]);
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(
        r.all()
            .contains("is below the bot's low confidence threshold (20%): no match"),
        "{}",
        r.all()
    );
    // Between (50%): the confirmation routecheck does not run is a located error.
    let dir = project(Some(&recorded(0.5)));
    let r = run_in(dir.path(), &["test"]);
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(
        r.all()
            .contains("between the bot's confidence thresholds (20% and 70%)")
            && r.all().contains("DudesWheresMyStuffBot.yaml:"),
        "{}",
        r.all()
    );
}

#[test]
fn a_malformed_or_missing_answers_file_is_a_located_error_exit_2() {
    let dir = project(Some(&recorded(1.5)));
    let r = run_in(dir.path(), &["test"]);
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(
        r.all().contains("is 1.5, not from 0 to 1") && r.all().contains("nlu-answers.yaml:8:"),
        "{}",
        r.all()
    );
    let dir = project(Some(
        "bots:\n  DudesWheresMyStuffBot:\n    domain: d\n    versoin: v\n",
    ));
    let r = run_in(dir.path(), &["test"]);
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(r.all().contains("nlu-answers.yaml:4:"), "{}", r.all());
    let dir = project(None);
    let r = run_in(dir.path(), &["test"]);
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(r.all().contains("--nlu-record"), "{}", r.all());
}

#[test]
fn recording_without_credentials_is_a_clear_error_exit_2_and_calls_nothing() {
    let dir = project(None);
    let r = run_in(dir.path(), &["test", "--nlu-record"]);
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(
        r.all().contains("GENESYS_CLIENT_ID is not set"),
        "{}",
        r.all()
    );
    assert!(!dir.path().join("fixtures/nlu-answers.yaml").exists());
    // A secret given without an id is still never printed.
    let r = run_in_env(
        dir.path(),
        &[("GENESYS_CLIENT_SECRET", CLIENT_SECRET)],
        &["test", "--nlu-record"],
    );
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(!r.all().contains(CLIENT_SECRET), "{}", r.all());
    let _ = support::CLIENT_ID;
}

#[test]
fn answers_of_another_domain_version_are_replayed_with_a_warning() {
    let dir = project(Some(
        &recorded(0.91).replace("9b2c4e6f-version", "older-version"),
    ));
    let r = run_in(dir.path(), &["test"]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(
        r.stderr
            .contains("were recorded from NLU domain 3a1d5f7e-domain version older-version")
            && r.stderr.contains("routecheck test --nlu-record"),
        "{}",
        r.all()
    );
}
