//! `routecheck gen` through the bots and common modules a message flow calls, on the real
//! bot flows in tests/data/bots: each menu choice and intent is reached with the bot's own
//! values and utterances, the no-match handling with "x", and the written suite passes
//! under `test` with no stub for the bot.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn routecheck() -> Command {
    let mut c = Command::cargo_bin("routecheck").unwrap();
    c.env("NO_COLOR", "1");
    c
}

/// A copy of tests/data/bots/NAME in a tempdir (gen writes its output there).
fn copy_of(name: &str) -> tempfile::TempDir {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/bots")
        .join(name);
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&src, dir.path());
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target: PathBuf = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Runs gen on FLOW with the `--var`s, expects exit 0, returns the written suite and stderr.
fn generate(dir: &Path, flow: &str, vars: &[&str]) -> (String, String) {
    let mut c = routecheck();
    c.current_dir(dir)
        .args(["gen", "--flow", flow, "--out", "gen.yaml"]);
    for v in vars {
        c.args(["--var", v]);
    }
    let out = c.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(0), "gen: {stderr}");
    (
        std::fs::read_to_string(dir.join("gen.yaml")).unwrap(),
        stderr,
    )
}

/// `test` on the generated suite passes every case; returns its stdout.
fn generated_suite_passes(dir: &Path, cases: usize) -> String {
    let out = routecheck()
        .current_dir(dir)
        .args(["test", "gen.yaml"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(out.status.code(), Some(0), "test: {stdout}");
    assert!(
        stdout.contains(&format!("{cases} passed, 0 failed")),
        "{stdout}"
    );
    stdout
}

#[test]
fn gen_bots_making_chatbots_every_menu_choice_and_the_no_match_handling() {
    let dir = copy_of("making-chatbots");
    let (suite, stderr) = generate(
        dir.path(),
        "flows/inbound-msg.yaml",
        &[
            "bot_flow_name=Transfer To Queue",
            "book_purchase_queue=Books",
        ],
    );
    // Each choice of the bot's digitalMenu, by the bot's own value, routes where the bot says.
    for choice in ["Purchase a book", "Request a refund"] {
        assert!(
            suite.contains(&format!(
                "reaches: Transfer To Queue › digitalMenu \"Digital Menu\" choice {choice}"
            )),
            "{suite}"
        );
        assert!(suite.contains(&format!("message: \"{choice}\"")), "{suite}");
    }
    assert_eq!(
        suite.matches("route: { queue: \"Books\"").count(),
        2,
        "{suite}"
    );
    // noMatchesMax 3: three unknown messages take the bot's recognition-failure handling.
    assert!(suite.contains("messages: [\"x\", \"x\", \"x\"]"), "{suite}");
    assert!(suite.contains("route: disconnect"), "{suite}");
    assert!(
        !suite.contains("stubs:"),
        "the bot is run, not stubbed: {suite}"
    );
    assert!(stderr.contains("0 of 3 branches unreached"), "{stderr}");
    generated_suite_passes(dir.path(), 3);
}

#[test]
fn gen_bots_dudes_every_intent_reaches_the_message_flows_switch() {
    let dir = copy_of("dudes-wheres-my-stuff");
    let (suite, stderr) = generate(
        dir.path(),
        "flows/DudeWheresMyStuffMessage.yaml",
        &[
            "flow_name=DudesWheresMyStuffBot",
            "default_language=en-us",
            "integration_category=Lambda",
            "integration_data_action_name=OrderStatus",
        ],
    );
    // The message flow's switch on the bot's intent output: each case reached through an
    // utterance of the bot's own training data, and the default through no intent.
    for case in [
        "Switch › case 1",
        "Switch › case 2",
        "Switch › case 3",
        "Switch › default",
    ] {
        assert!(
            suite.contains(&format!("name: \"{case}")),
            "{case}: {suite}"
        );
    }
    // The order number slot (regex `\b[0-9]{8}\b`) is filled by an 8-digit sample.
    let bot = std::fs::read_to_string(dir.path().join("flows/DudesWheresMyStuffBot.yaml")).unwrap();
    let cancel = suite
        .lines()
        .find(|l| l.contains("messages:") && l.contains("Cancel my order"))
        .unwrap_or_else(|| panic!("{suite}"));
    let utterance = cancel.split('"').nth(3).unwrap();
    assert!(
        bot.contains(utterance.split("  ").next().unwrap()),
        "{utterance} is not a training utterance"
    );
    let digits: String = utterance.chars().filter(char::is_ascii_digit).collect();
    assert_eq!(digits.len(), 8, "{utterance}");
    assert!(suite.contains("recognition failure handling"), "{suite}");
    assert!(stderr.contains("0 of 12 branches unreached"), "{stderr}");
    generated_suite_passes(dir.path(), 8);
}

#[test]
fn gen_bots_a_common_module_call_is_run_and_its_data_actions_stubbed() {
    let dir = copy_of("merge-external-contact");
    let (suite, stderr) = generate(
        dir.path(),
        "flows/MergeExternalContactMessageFlow.yaml",
        &[
            "flow_name=Merge Message Flow",
            "division=Home",
            "default_language=en-us",
            "bot_flow_name=MergeExternalContactBot",
            "bot_name=MergeExternalContactBot",
            "common_module_name=ResolveContact",
            "module_name=ResolveContact",
            "queue_name=Support",
            "data_action_category=Genesys Cloud Data Actions",
            "fetch_external_contact_by_identifier_data_action=Fetch External Contact",
            "get_external_contact_id_for_customer_participant_data_action=Get External Contact Id",
            "merge_external_contacts_data_action=Merge External Contacts",
        ],
    );
    // The module's own branches are goals, named under the module.
    for goal in [
        "ResolveContact › callData \"Find contact by given identifier\" failure",
        "ResolveContact › decision \"Message contact known?\" yes",
        "ResolveContact › decision \"Message contact known?\" no",
    ] {
        assert!(suite.contains(goal), "{goal}: {suite}");
    }
    // The bot's regex e-mail slot is answered with a value the regex accepts, and neither
    // the bot nor the module is stubbed: only the module's data actions are.
    assert!(suite.contains("message: \"a@a.a\""), "{suite}");
    assert!(!suite.contains("\"MergeExternalContactBot\": {"), "{suite}");
    assert!(!suite.contains("\"ResolveContact\": {"), "{suite}");
    assert!(stderr.contains("0 of 12 branches unreached"), "{stderr}");
    generated_suite_passes(dir.path(), 9);
}

/// The standard layout: routecheck.yaml's `flows:` is a folder holding the message flow,
/// the bot flow it calls and a voice flow. `gen` and `lint` with no `--flow` exit 0: the
/// bot is generated through its caller and each skipped file is named; the written suite
/// passes under `test`.
#[test]
fn gen_and_lint_on_a_flows_folder_holding_a_bot_and_a_voice_flow_exit_0() {
    let dir = copy_of("dudes-wheres-my-stuff");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/other-kinds/inboundcall-substitutions.yaml"),
        dir.path().join("flows/ivr.yaml"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("routecheck.yaml"),
        "flows: [flows]\nvars: { flow_name: DudesWheresMyStuffBot, default_language: en-us, integration_category: Lambda, integration_data_action_name: OrderStatus }\n",
    )
    .unwrap();
    let o = routecheck()
        .current_dir(dir.path())
        .arg("gen")
        .output()
        .unwrap();
    let (out, err) = (
        String::from_utf8_lossy(&o.stdout).to_string(),
        String::from_utf8_lossy(&o.stderr).to_string(),
    );
    assert_eq!(o.status.code(), Some(0), "{out}{err}");
    for part in [
        "skipped flows/DudesWheresMyStuffBot.yaml: it is a bot flow (`botFlow:`), generated through the flows that call it",
        "skipped flows/ivr.yaml: it is an inbound call flow",
        "flows/DudeWheresMyStuffMessage.yaml: ",
    ] {
        assert!(err.contains(part), "{part}: {err}");
    }
    std::fs::create_dir_all(dir.path().join("rules")).unwrap();
    std::fs::write(dir.path().join("rules/generated.yaml"), &out).unwrap();
    let t = routecheck()
        .current_dir(dir.path())
        .args(["test", "rules/generated.yaml"])
        .output()
        .unwrap();
    assert_eq!(
        t.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&t.stdout)
    );
    let l = routecheck()
        .current_dir(dir.path())
        .arg("lint")
        .output()
        .unwrap();
    assert!(
        matches!(l.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&l.stderr)
    );
}
