//! The action catalogue, data tables, string escapes, the action limit, stub addressing
//! and deep flows, each on a small flow written for the point it tests.

use std::collections::BTreeMap;
use std::path::Path;

use routecheck::expr::{DateTime, Directory};
use routecheck::flow::{Flow, Route, RunInput, RunResult, Stubs, Table, TableSpec, Tables};

/// An inbound message flow whose one state runs `actions` (indented for a state).
fn flow_text(actions: &str) -> String {
    format!(
        "inboundShortMessage:\n  name: T\n  startUpRef: \"/inboundShortMessage/states/state[S_1]\"\n  settingsErrorHandling:\n    errorHandling:\n      disconnect:\n        none: true\n  states:\n    - state:\n        name: S\n        refId: S_1\n        actions:\n{actions}"
    )
}

fn load(actions: &str) -> Flow {
    match Flow::from_text("t.yaml", &flow_text(actions), &BTreeMap::new()) {
        Ok(f) => f,
        Err(d) => panic!("{:?}", d.iter().map(|d| &d.message).collect::<Vec<_>>()),
    }
}

fn load_err(text: &str) -> Vec<String> {
    match Flow::from_text("t.yaml", text, &BTreeMap::new()) {
        Ok(_) => panic!("loaded"),
        Err(d) => d.into_iter().map(|d| d.message).collect(),
    }
}

fn stubs(yaml: &str) -> Stubs {
    serde_saphyr::from_str(yaml).unwrap()
}

fn run(flow: &Flow, stubs: &Stubs, tables: &Tables) -> RunResult {
    assert_eq!(flow.check_stubs(stubs), Vec::<String>::new());
    let dir = Directory::default();
    let mut input = RunInput::new("c-1", stubs, &dir, DateTime(0));
    input.message_body = Some("hello".into());
    input.tables = tables;
    flow.run(&input)
        .unwrap_or_else(|e| panic!("{}", e.diagnostic.message))
}

const RESPOND: &str = "          - sendResponse:\n              name: Say\n              messageBody:\n                exp: ToDisplayString(Flow.Out)\n";

const LOOKUP: &str = "          - dataTableLookup:\n              name: Hours\n              lookupValue:\n                exp: Message.Message.body\n              dataTable:\n                Store Hours:\n                  foundOutputs:\n                    Open:\n                      var: Flow.Out\n                  failureOutputs:\n                    errorType:\n                      var: Flow.Err\n                    errorMessage:\n                      noValue: true\n              outputs:\n                notFound:\n                  actions:\n                    - disconnect:\n                        name: Not found\n                failure:\n                  actions:\n                    - sendResponse:\n                        name: Broken\n                        messageBody:\n                          exp: Flow.Err\n";

fn hours_table(key: &str) -> Tables {
    let spec: TableSpec = serde_json::from_value(serde_json::json!({
        "key": "Store",
        "rows": [{"Store": key, "Open": "9:00"}]
    }))
    .unwrap();
    let mut t = Tables::default();
    t.0.insert(
        "Store Hours".into(),
        Table::from_spec(&spec, Path::new(".")).unwrap(),
    );
    t
}

#[test]
fn data_table_lookup_finds_the_row_or_takes_not_found_or_failure() {
    let flow = load(&format!("{LOOKUP}{RESPOND}"));
    let none = Stubs::default();
    let found = run(&flow, &none, &hours_table("hello"));
    assert_eq!(found.responses, vec!["9:00"]);
    assert_eq!(found.trace[0].branch.as_deref(), Some("found"));
    let missing = run(&flow, &none, &hours_table("bye"));
    assert_eq!(missing.route, Route::Disconnect);
    assert_eq!(missing.trace[0].branch.as_deref(), Some("notFound"));
    // No such table: the failure path, with the error type in the failure output.
    let failed = run(&flow, &none, &Tables::default());
    assert_eq!(failed.trace[0].branch.as_deref(), Some("failure"));
    assert_eq!(failed.responses[0], "TableNotFound");
    // A stub addressed to the lookup wins over the tables.
    let stubbed = run(
        &flow,
        &stubs("Hours: { output: notFound }\n"),
        &hours_table("hello"),
    );
    assert_eq!(stubbed.route, Route::Disconnect);
}

#[test]
fn digital_bot_flow_is_single_path_with_not_set_when_nothing_is_detected() {
    let flow = load(&format!(
        "          - callDigitalBotFlow:\n              name: Bot\n              exitReason:\n                var: Flow.Reason\n              intent:\n                var: Flow.Out\n              botFlow:\n                Digital:\n                  ver_latestPublished:\n                    none: true\n          - decision:\n              name: Detected?\n              condition:\n                exp: IsNotSetOrEmpty(Flow.Out)\n              outputs:\n                \"yes\":\n                  actions:\n                    - disconnect:\n                        name: Nothing\n{RESPOND}"
    ));
    let r = run(
        &flow,
        &stubs("Bot: { values: { Flow.Out: Billing } }\n"),
        &Tables::default(),
    );
    assert_eq!(r.responses, vec!["Billing"]);
    let r = run(&flow, &stubs("Bot: {}\n"), &Tables::default());
    assert_eq!(r.route, Route::Disconnect);
    assert_eq!(r.trace[1].branch.as_deref(), Some("yes"));
}

#[test]
fn transfers_to_flows_and_no_effect_actions() {
    let flow = load(
        "          - addFlowMilestone:\n              name: Milestone\n              milestone:\n                lit:\n                  name: Greeted\n          - setFlowOutcome:\n              name: Outcome\n              flowOutcome:\n                lit:\n                  name: Routed\n              flowOutcomeValue:\n                lit: SUCCESS\n          - transferToFlow:\n              name: To billing\n              targetFlow:\n                name: Billing Messages\n",
    );
    let r = run(&flow, &Stubs::default(), &Tables::default());
    let Route::Transfer(t) = &r.route else {
        panic!("{:?}", r.route)
    };
    assert_eq!(
        (t.to.as_str(), t.target.as_str()),
        ("flow", "Billing Messages")
    );
    assert_eq!(r.trace.len(), 3);
}

#[test]
fn unknown_and_unmodelled_kinds_are_located_errors() {
    let e = load_err(&flow_text(
        "          - sendRespons:\n              name: Typo\n",
    ));
    assert_eq!(e, vec!["unknown action kind `sendRespons`"]);
    let e = load_err(&flow_text(
        "          - callLexV2Bot:\n              name: Lex\n",
    ));
    assert!(e[0].contains("does not model `callLexV2Bot`"), "{e:?}");
}

#[test]
fn string_escapes_read_as_architect_does() {
    let flow = load(
        "          - sendResponse:\n              name: Say\n              messageBody:\n                exp: '\"a\\nb\\t\\\"c\\\" \\\\\"'\n",
    );
    let r = run(&flow, &Stubs::default(), &Tables::default());
    assert_eq!(r.responses, vec!["a\nb\t\"c\" \\"]);
}

#[test]
fn a_stub_matching_two_actions_is_ambiguous_until_addressed_by_line() {
    let call = |name: &str| {
        format!(
            "          - callData:\n              name: {name}\n              category:\n                C:\n                  dataAction:\n                    D:\n                      inputs: {{}}\n"
        )
    };
    let flow = load(&format!(
        "{}{}          - disconnect:\n              name: End\n",
        call("Call Data Action"),
        call("Call Data Action")
    ));
    let problems = flow.check_stubs(&stubs("Call Data Action: { output: success }\n"));
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].contains("ambiguous: 2 actions")
            && problems[0].contains("callData on line 13")
            && problems[0].contains("callData on line 20"),
        "{problems:?}"
    );
    let s = stubs(
        "Call Data Action@13: { output: success }\n\"Call Data Action@20\": { output: failure }\n",
    );
    let r = run(&flow, &s, &Tables::default());
    let branches: Vec<_> = r.trace.iter().filter_map(|s| s.branch.clone()).collect();
    assert_eq!(branches, vec!["success", "failure"]);
    let wrong = flow.check_stubs(&stubs("Call Data Action@14: { output: success }\n"));
    assert!(wrong[0].contains("no action \"Call Data Action\" starts on line 14"));
}

#[test]
fn a_flow_nested_200_decisions_deep_runs() {
    let depth = 200;
    let mut actions = String::new();
    for i in 0..depth {
        let pad = " ".repeat(10 + i * 8);
        actions.push_str(&format!(
            "{pad}- decision:\n{pad}    name: D{i}\n{pad}    condition:\n{pad}      lit: true\n{pad}    outputs:\n{pad}      \"yes\":\n{pad}        actions:\n"
        ));
    }
    let pad = " ".repeat(10 + depth * 8);
    actions.push_str(&format!(
        "{pad}- transferToAcd:\n{pad}    name: Deep\n{pad}    targetQueue:\n{pad}      lit:\n{pad}        name: Bottom\n"
    ));
    let flow = load(&actions);
    let r = run(&flow, &Stubs::default(), &Tables::default());
    let Route::Queue(q) = &r.route else {
        panic!("{:?}", r.route)
    };
    assert_eq!(q.name, "Bottom");
    assert_eq!(r.trace.len(), depth + 1);
}

#[test]
fn other_flow_types_are_told_before_placeholders() {
    let e = load_err("inboundCall:\n  name: {{flow_name}}\n");
    assert_eq!(
        e,
        vec![
            "this is an inbound call flow (`inboundCall:`); routecheck simulates inbound message flows (`inboundShortMessage:`), and the bot flows (`botFlow:`), common module flows (`commonModule:`) and digital bot flows (`digitalBot:`) they call"
        ]
    );
    let e = load_err(&flow_text(
        "          - disconnect:\n              name: {{ who }}\n",
    ));
    assert!(e[0].contains("`{{ who }}` is never filled"), "{e:?}");
}

#[test]
fn a_rules_file_names_its_flow_by_terraform_resource() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::create_dir(dir.path().join("flows")).unwrap();
    std::fs::copy(
        root.join("tests/data/real-flows/pipeline-basic-message.yaml"),
        dir.path().join("flows/message.yaml"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        "variable \"queue\" { default = \"General\" }\ndata \"genesyscloud_auth_division_home\" \"home\" {}\nresource \"genesyscloud_flow\" \"msg\" {\n  filepath = \"${path.module}/flows/message.yaml\"\n  substitutions = {\n    flow_name = \"Messages\"\n    default_language = \"en-us\"\n    bot_flow_name = \"Email Bot\"\n    queue_name = var.queue\n    division = data.genesyscloud_auth_division_home.home.name\n  }\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("terraform.tfvars"),
        "queue = \"Sales #1\"\n",
    )
    .unwrap();
    // Fixtures stay inside the rules file's project: copied beside it.
    let fixture = dir.path().join("anonymous-guest.json");
    std::fs::copy(root.join("fixtures/anonymous-guest.json"), &fixture).unwrap();
    let rules = |vars: &str| {
        format!(
            "flow: tf:genesyscloud_flow.msg\n{vars}stubs:\n  Call Bot Flow: {{}}\ncases:\n  - name: deployed queue\n    fixture: {}\n    expect:\n      - route: {{ queue: Sales }}\n",
            fixture.display()
        )
    };
    let file = dir.path().join("rules.yaml");
    let run_cli = || {
        let out = assert_cmd::Command::cargo_bin("routecheck")
            .unwrap()
            .args(["test", "--terraform"])
            .arg(dir.path())
            .arg(&file)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        (out.status.code(), text)
    };
    std::fs::write(&file, rules("vars: { division: Home }\n")).unwrap();
    let (code, text) = run_cli();
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("starts a comment"), "{text}");
    // The division comes from a data source: without `vars:` it is listed, exit 2.
    std::fs::write(&file, rules("")).unwrap();
    let (code, text) = run_cli();
    assert_eq!(code, Some(2), "{text}");
    assert!(
        text.contains("data.genesyscloud_auth_division_home.home") && text.contains("main.tf:2"),
        "{text}"
    );
}
