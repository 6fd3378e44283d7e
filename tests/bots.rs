//! End to end: message flows that call digital bots, bot flows and common modules run the
//! called flow found by name in the project's flows folders, with no stubs (issue 25).

use std::path::Path;

use assert_cmd::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const DEMO: &str = "tests/data/bots/making-chatbots";

/// stdout, stderr and the exit code of routecheck run in the repository.
fn run(args: &[&str]) -> (String, String, i32) {
    let out = Command::cargo_bin("routecheck")
        .unwrap()
        .current_dir(ROOT)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

/// `routecheck trace` of the demo's message flow with `extra` arguments.
fn trace(flow: &str, extra: &[&str]) -> (String, String, i32) {
    let mut args = vec![
        "trace",
        "--flow",
        flow,
        "--fixture",
        "fixtures/platinum-vip.json",
    ];
    args.extend(extra);
    run(&args)
}

fn demo_trace(message: &str, says: &[&str]) -> (String, String, i32) {
    let flow = format!("{DEMO}/flows/inbound-msg.yaml");
    let mut args = vec![
        "--var",
        "bot_flow_name=Transfer To Queue",
        "--var",
        "book_purchase_queue=Books",
        "--message",
        message,
    ];
    for s in says {
        args.extend(["--say", s]);
    }
    trace(&flow, &args)
}

#[test]
fn the_demo_runs_end_to_end_from_the_message_flow_with_no_stubs() {
    let (out, err, code) = run(&["test", &format!("{DEMO}/demo.yaml")]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("4 passed, 0 failed"), "{out}");
}

#[test]
fn each_menu_choice_routes_where_the_bot_file_says() {
    for (choice, line) in [("Purchase a book", 134), ("Request a refund", 158)] {
        let (out, err, code) = demo_trace(choice, &[]);
        assert_eq!(code, 0, "{out}{err}");
        // The bot's steps are nested under the call, located in the bot's file.
        assert!(
            out.contains(&format!("  {DEMO}/flows/digital-bot.yaml:68  digitalMenu \"Digital Menu\"  customer {choice:?} → {choice}")),
            "{out}"
        );
        assert!(
            out.contains(&format!(
                "{DEMO}/flows/digital-bot.yaml:{line}  transferToAcd"
            )),
            "{out}"
        );
        assert!(out.contains("route: queue \"Books\", priority 0"), "{out}");
    }
}

#[test]
fn an_unknown_message_takes_the_bots_no_match_handling() {
    let (out, _, code) = demo_trace("hi", &["what", "nope"]);
    assert_eq!(code, 0);
    assert!(out.contains("customer \"hi\": no match (1 of 3)"), "{out}");
    assert!(
        out.contains("customer \"nope\": no match (3 of 3)"),
        "{out}"
    );
    // Recognition failure: the handover message, then the bot exits and the message
    // flow's next action disconnects.
    assert!(out.contains("exit reason \"RecognitionFailure\""), "{out}");
    assert!(
        out.contains("Sorry, I'm having trouble understanding you."),
        "{out}"
    );
    assert!(out.contains("route: disconnect"), "{out}");
}

#[test]
fn a_bot_left_waiting_is_its_own_outcome_naming_the_question() {
    let (out, _, code) = demo_trace("hi", &[]);
    assert_eq!(code, 0);
    assert!(
        out.contains("route: waiting for the customer's answer to digitalMenu \"Digital Menu\""),
        "{out}"
    );
    assert!(
        out.contains("\"Tell me again what you would like to do.\""),
        "{out}"
    );
}

#[test]
fn a_stub_for_the_call_still_wins() {
    let flow = format!("{DEMO}/flows/inbound-msg.yaml");
    let (out, err, code) = trace(
        &flow,
        &[
            "--var",
            "bot_flow_name=Transfer To Queue",
            "--stub",
            "Call Digital Bot Flow=",
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(!out.contains("digital-bot.yaml"), "{out}");
    assert!(out.contains("route: disconnect"), "{out}");
}

#[test]
fn a_bot_no_flows_folder_holds_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        Path::new(ROOT).join(DEMO).join("flows/inbound-msg.yaml"),
        dir.path().join("inbound-msg.yaml"),
    )
    .unwrap();
    let flow = dir.path().join("inbound-msg.yaml");
    let (out, err, code) = trace(
        flow.to_str().unwrap(),
        &["--var", "bot_flow_name=Missing Bot"],
    );
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("no digital bot flow named") && err.contains("Missing Bot"),
        "{err}"
    );
}

/// `routecheck test FILE` run in the directory of a rules file.
fn test_in(dir: &str, file: &str) -> (String, String, i32) {
    let out = Command::cargo_bin("routecheck")
        .unwrap()
        .current_dir(Path::new(ROOT).join(dir))
        .env("NO_COLOR", "1")
        .args(["test", file])
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn a_real_bot_flows_intents_and_slot_route_the_message_flow_with_no_stub_for_the_bot() {
    // Intents by training utterance (an entity segment fills the slot), a regex slot,
    // no intent after noMatchesMax, a case naming the NLU's answer, a bot left waiting.
    let (out, err, code) = test_in("tests/data/bots/dudes-wheres-my-stuff", "dudes.yaml");
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("7 passed, 0 failed"), "{out}");
}

#[test]
fn a_common_module_runs_with_the_calls_inputs_and_hands_back_its_outputs() {
    let (out, err, code) = test_in("tests/data/bots/merge-external-contact", "merge.yaml");
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("3 passed, 0 failed"), "{out}");
}

#[test]
fn a_stub_naming_no_action_of_the_flow_or_the_flows_it_runs_lists_theirs() {
    let dir = "tests/data/bots/merge-external-contact";
    let flow = format!("{dir}/flows/MergeExternalContactMessageFlow.yaml");
    let mut args = vec!["trace", "--flow", &flow, "--message", "jo@example.com"];
    let vars = [
        "flow_name=M",
        "division=Home",
        "default_language=en-us",
        "bot_flow_name=B",
        "bot_name=B",
        "common_module_name=R",
        "module_name=R",
        "queue_name=Q",
        "data_action_category=C",
        "fetch_external_contact_by_identifier_data_action=F",
        "get_external_contact_id_for_customer_participant_data_action=G",
        "merge_external_contacts_data_action=M",
    ];
    for v in &vars {
        args.extend(["--var", v]);
    }
    let mut good = args.clone();
    good.extend(["--stub", "Find contact by given identifier=failure"]);
    let (out, err, code) = run(&good);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains(
            "ResolveContact.yaml:84  callData \"Find contact by given identifier\" → failure"
        ),
        "{out}"
    );
    args.extend(["--stub", "Nope=success"]);
    let (out, err, code) = run(&args);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("ResolveContact.yaml has Find contact by given identifier"),
        "{err}"
    );
}

#[test]
fn coverage_counts_the_branches_of_the_bots_and_modules_the_flow_ran() {
    let dir = Path::new(ROOT).join("tests/data/bots/dudes-wheres-my-stuff");
    let out = Command::cargo_bin("routecheck")
        .unwrap()
        .current_dir(&dir)
        .env("NO_COLOR", "1")
        .args(["test", "dudes.yaml", "--coverage"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    // Three intents and no intent, each reached by a case.
    assert!(
        text.contains("(flows/DudesWheresMyStuffBot.yaml): 100.0% of branches (4/4)"),
        "{text}"
    );
    let (out, _, code) = test_in("tests/data/bots/merge-external-contact", "merge.yaml");
    assert_eq!(code, 0, "{out}");
    let out = Command::cargo_bin("routecheck")
        .unwrap()
        .current_dir(Path::new(ROOT).join("tests/data/bots/merge-external-contact"))
        .env("NO_COLOR", "1")
        .args(["test", "merge.yaml", "--coverage"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("ResolveContact (flows/ResolveContact.yaml): 54.5% of branches (6/11)")
            && text.contains(
                "unreached: flows/ResolveContact.yaml:84:7 callData \"Find contact by given identifier\" failure"
            ),
        "{text}"
    );
}

#[test]
fn lint_reads_a_flows_folder_holding_a_bot_flow_with_real_findings() {
    let dir = "tests/data/bots/dudes-wheres-my-stuff";
    let flows = format!("{dir}/flows");
    let rules = format!("{dir}/dudes.yaml");
    let (out, err, code) = run(&[
        "lint",
        "--flow",
        &flows,
        "--rules",
        &rules,
        "--var",
        "flow_name=DudesWheresMyStuffBot",
        "--var",
        "default_language=en-us",
        "--var",
        "integration_category=Lambda",
        "--var",
        "integration_data_action_name=OrderStatus",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    let all = format!("{out}{err}");
    assert!(
        all.contains("(2 flows, 0 manifests, 1 rules file read)"),
        "{all}"
    );
    assert!(all.contains("Context.CustomerFirstName"), "{all}");
}

#[test]
fn graph_draws_the_called_bot_inside_the_message_flow_with_its_menu_choices() {
    let flow = format!("{DEMO}/flows/inbound-msg.yaml");
    let (out, err, code) = run(&[
        "graph",
        "--flow",
        &flow,
        "--var",
        "bot_flow_name=Transfer To Queue",
        "--var",
        "book_purchase_queue=Books",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    // The bot's state is a subgraph; the call enters it and its menu's choices are
    // edges to the transfers the bot file has; no match ends in its failure handling,
    // which hands back to the call.
    assert!(
        out.contains("[\"Transfer To Queue: State: Initial Greeting\"]"),
        "{out}"
    );
    let id = |head: &str| {
        out.lines()
            .find(|l| l.contains(head) && (l.contains('[') || l.contains('{') || l.contains('(')))
            .and_then(|l| l.trim().split(['[', '{', '(']).next())
            .unwrap_or_else(|| panic!("no node {head} in {out}"))
            .to_string()
    };
    let call = id("callDigitalBotFlow: Call Digital Bot Flow");
    let menu = id("digitalMenu: Digital Menu");
    let failure = id("Transfer To Queue: recognition failure");
    assert!(
        out.contains(&format!("{call} -.->|\"runs\"| {menu}")),
        "{out}"
    );
    for choice in ["Purchase a book", "Request a refund"] {
        assert!(
            out.lines()
                .any(|l| l.trim().starts_with(&format!("{menu} -->|\"{choice}\"| "))),
            "{choice}: {out}"
        );
    }
    assert!(
        out.contains(&format!("{menu} -->|\"no match\"| {failure}")),
        "{out}"
    );
    assert!(
        out.contains(&format!("{failure} -.->|\"returns\"| {call}")),
        "{out}"
    );
    assert!(out.contains("queue Books"), "{out}");
    assert!(!err.contains("drawn as one node"), "{err}");
}

#[test]
fn graph_draws_a_bot_and_a_common_module_each_handing_back_to_its_call() {
    let (out, err, code) = run(&[
        "graph",
        "--flow",
        "tests/data/bots/merge-external-contact/flows/MergeExternalContactMessageFlow.yaml",
        "--var",
        "bot_flow_name=MergeExternalContactBot",
        "--var",
        "bot_name=MergeExternalContactBot",
        "--var",
        "common_module_name=ResolveContact",
        "--var",
        "module_name=ResolveContact",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("[\"MergeExternalContactBot: State: Default Bot\"]"),
        "{out}"
    );
    assert!(out.contains("[\"ResolveContact: "), "{out}");
    // The slot filled goes on to Exit Bot Flow, which returns; the module's end returns.
    assert!(out.contains("-->|\"Slot.Email\"|"), "{out}");
    assert_eq!(out.matches("-.->|\"runs\"|").count(), 2, "{out}");
    assert!(out.matches("-.->|\"returns\"|").count() >= 3, "{out}");
    // A call left unnamed is drawn as one node, and stderr says why.
    let (out, err, code) = run(&[
        "graph",
        "--flow",
        "tests/data/bots/merge-external-contact/flows/MergeExternalContactMessageFlow.yaml",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(!out.contains("-.->|\"runs\"|"), "{out}");
    assert!(
        err.contains("the call to \"{{bot_flow_name}}\"") && err.contains("drawn as one node"),
        "{err}"
    );
}

#[test]
fn trace_as_mermaid_numbers_the_path_through_the_bot() {
    let flow = format!("{DEMO}/flows/inbound-msg.yaml");
    let (out, err, code) = trace(
        &flow,
        &[
            "--var",
            "bot_flow_name=Transfer To Queue",
            "--var",
            "book_purchase_queue=Books",
            "--message",
            "hi",
            "--say",
            "request a refund",
            "--format",
            "mermaid",
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    // 1. into the call, 2. into the bot, (the re-ask stays on the menu), 3. the choice.
    assert!(out.contains("-.->|\"2. runs\"|"), "{out}");
    assert!(out.contains("-->|\"3. Request a refund\"|"), "{out}");
    assert!(!out.contains("return\"|"), "{out}");
    assert!(out.contains("class ") && out.contains(" route"), "{out}");
}

#[test]
fn list_and_any_slots_ask_for_yes_no_and_the_bots_error_handling_run_from_the_bot_file() {
    // List slot by value or synonym (canonical value back), builtin:any, yes/no paths,
    // a no match asked again, and a runtime error in the bot: its errorEventHandover,
    // then exit reason Error into the message flow's variable.
    let (out, err, code) = run(&["test", "tests/data/bots/action-kinds/orders.yaml"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("4 passed, 0 failed"), "{out}");
}
