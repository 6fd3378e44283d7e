use super::*;

/// A one-state flow with `vars` declarations, `actions` (indented 8) and `tasks`.
fn flow(vars: &str, actions: &str, tasks: &str) -> Result<Flow, Vec<SourceDiagnostic>> {
    let text = format!(
        "inboundShortMessage:\n  name: T\n  startUpRef: \"/inboundShortMessage/states/state[S_1]\"\n  settingsErrorHandling:\n    errorHandling:\n      disconnect:\n        none: true\n  variables:\n{vars}  states:\n    - state:\n        name: S\n        refId: S_1\n        actions:\n{actions}  tasks:\n{tasks}"
    );
    Flow::from_text("t.yaml", &text, &BTreeMap::new())
}

fn ok(vars: &str, actions: &str, tasks: &str) -> Flow {
    flow(vars, actions, tasks).unwrap_or_else(|d| {
        panic!(
            "{:?}",
            d.iter()
                .map(|d| format!("{} {}", d.location(), d.message))
                .collect::<Vec<_>>()
        )
    })
}

fn run_with(
    f: &Flow,
    attrs: &[(&str, &str)],
    stubs: &Stubs,
    max: usize,
) -> Result<RunResult, SimError> {
    let dir = Directory::default();
    let mut input = RunInput::new("c-1", stubs, &dir, DateTime(0));
    input.attributes = attrs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    input.max_steps = max;
    f.run(&input)
}

fn run(f: &Flow, attrs: &[(&str, &str)]) -> RunResult {
    run_with(f, attrs, &Stubs::default(), DEFAULT_MAX_STEPS).unwrap()
}

fn var(name: &str, kind: &str, init: &str) -> String {
    format!("    - {kind}:\n        name: {name}\n        initialValue:\n          {init}\n")
}

fn respond(exp: &str) -> String {
    format!(
        "          - sendResponse:\n              name: Say\n              messageBody:\n                exp: '{exp}'\n"
    )
}

const QUEUE: &str = "          - transferToAcd:\n              name: T\n              targetQueue:\n                lit:\n                  name: Q\n";

#[test]
fn missing_attributes_read_as_not_set_and_names_are_case_sensitive() {
    let f = ok(
        &var("Flow.Tier", "stringVariable", "lit: seed"),
        &format!(
            "          - getParticipantData:\n              name: Get\n              attributes:\n                - attribute:\n                    name:\n                      lit: Tier\n                    variable: Flow.Tier\n{}",
            respond("If(IsSet(Flow.Tier), Flow.Tier, \"unset\")")
        ),
        "",
    );
    assert_eq!(run(&f, &[("tier", "gold")]).responses, vec!["unset"]);
    assert_eq!(run(&f, &[("Tier", "gold")]).responses, vec!["gold"]);
}

#[test]
fn update_data_assigns_every_statement_type() {
    let stmts = [
        ("string", "Flow.S", "\"a\" + \"b\""),
        ("boolean", "Flow.B", "1 < 2"),
        ("integer", "Flow.I", "3 * 4"),
        ("decimal", "Flow.D", "1.5"),
        ("json", "Flow.J", "JsonParse(\"{\\\"k\\\": 1}\")"),
        ("dateTime", "Flow.T", "GetCurrentDateTimeUtc()"),
        ("duration", "Flow.U", "MakeDuration(0, 0, 1, 0)"),
        ("stringCollection", "Flow.C", "MakeList(\"x\", \"y\")"),
    ];
    let body: String = stmts
        .iter()
        .map(|(t, v, e)| format!("                - {t}:\n                    variable: {v}\n                    value:\n                      exp: '{e}'\n"))
        .collect();
    let f = ok(
        "",
        &format!(
            "          - updateData:\n              name: Set all\n              statements:\n{body}{}",
            respond("Append(Flow.S, ToString(Flow.B), ToString(Flow.I), ToString(Count(Flow.C)))")
        ),
        "",
    );
    let r = run(&f, &[]);
    assert_eq!(r.responses, vec!["abtrue122"]);
    let detail = r.trace[0].detail.clone().unwrap();
    assert!(
        detail.contains("Flow.D = 1.5") && detail.contains("Flow.C = [x, y]"),
        "{detail}"
    );
}

#[test]
fn decisions_branch_and_record_hits() {
    let f = ok(
        "",
        &format!(
            "          - decision:\n              name: New?\n              condition:\n                exp: Message.IsNewConversation\n              outputs:\n                \"yes\":\n                  actions:\n{}                \"no\":\n                  actions:\n                    - disconnect:\n                        name: Bye\n",
            QUEUE.replace("          ", "                    ")
        ),
        "",
    );
    let r = run(&f, &[]);
    assert!(matches!(&r.route, Route::Queue(q) if q.name == "Q"));
    assert_eq!(r.trace[0].branch.as_deref(), Some("yes"));
    let cov = f.coverage(&r.hits);
    assert_eq!(cov.branches.iter().filter(|b| b.hit).count(), 1);
    assert_eq!(cov.branches[1].label, "decision \"New?\" no");
}

fn switch_flow(mode: &str) -> Flow {
    let cases = if mode == "firstTrue" {
        "                  cases:\n                    - case:\n                        value:\n                          exp: Flow.T == \"a\"\n                        actions:\n                          - disconnect:\n                              name: A\n                    - case:\n                        value:\n                          exp: Flow.T != \"\"\n                        actions:\n                          - disconnect:\n                              name: B\n".to_string()
    } else {
        "                  expression:\n                    exp: Flow.T\n                  cases:\n                    - case:\n                        value:\n                          lit: a\n                        actions:\n                          - disconnect:\n                              name: A\n                    - case:\n                        value:\n                          lit: b\n                        actions:\n                          - disconnect:\n                              name: B\n".to_string()
    };
    ok(
        &var("Flow.T", "stringVariable", "noValue: true"),
        &format!(
            "          - getParticipantData:\n              name: Get\n              attributes:\n                - attribute:\n                    name:\n                      lit: t\n                    variable: Flow.T\n          - switch:\n              name: Sw\n              evaluate:\n                {mode}:\n{cases}                  default:\n                    actions:\n{}",
            QUEUE.replace("          ", "                      ")
        ),
        "",
    )
}

#[test]
fn switch_first_true_takes_the_first_true_case() {
    let f = switch_flow("firstTrue");
    let r = run(&f, &[("t", "a")]);
    assert_eq!(r.trace[1].branch.as_deref(), Some("case 1"));
    assert_eq!(r.trace[2].name, "A");
    assert_eq!(run(&f, &[("t", "b")]).trace[2].name, "B");
    assert_eq!(
        run(&f, &[("t", "")]).trace[1].branch.as_deref(),
        Some("default")
    );
}

#[test]
fn switch_first_match_compares_with_the_expression() {
    let f = switch_flow("firstMatch");
    assert_eq!(run(&f, &[("t", "b")]).trace[2].name, "B");
    let r = run(&f, &[("t", "B")]);
    assert_eq!(r.trace[1].branch.as_deref(), Some("default"));
    // NOT_SET cannot be compared: the error handling disconnects.
    assert!(matches!(run(&f, &[]).route, Route::Error { .. }));
}

#[test]
fn loops_count_index_and_exit() {
    let f = ok(
        &(var("Flow.Acc", "stringVariable", "lit: \"\"")
            + &var("Flow.I", "integerVariable", "lit: 0")),
        &format!(
            "          - loop:\n              name: L\n              loopCount:\n                lit: 5\n              currentIndex:\n                var: Flow.I\n              outputs:\n                loop:\n                  actions:\n                    - decision:\n                        name: Stop?\n                        condition:\n                          exp: Flow.I == 3\n                        outputs:\n                          \"yes\":\n                            actions:\n                              - loopExit:\n                                  name: Exit\n                    - updateData:\n                        name: Acc\n                        statements:\n                          - string:\n                              variable: Flow.Acc\n                              value:\n                                exp: Append(Flow.Acc, ToString(Flow.I))\n{}",
            respond("Flow.Acc")
        ),
        "",
    );
    assert_eq!(run(&f, &[]).responses, vec!["012"]);
}

#[test]
fn the_action_limit_sends_a_runaway_flow_to_error_handling() {
    let f = ok(
        "",
        "          - loop:\n              name: Forever\n              loopCount:\n                lit: 1000000\n              outputs:\n                loop:\n                  actions:\n                    - loopNext:\n                        name: Next\n",
        "",
    );
    let r = run_with(&f, &[], &Stubs::default(), 50).unwrap();
    let Route::Error {
        message,
        location,
        then,
    } = &r.route
    else {
        panic!("{:?}", r.route)
    };
    assert!(message.contains("limit of 50 actions"), "{message}");
    assert_eq!(location.file, "t.yaml");
    assert_eq!(**then, Route::Disconnect);
    // The default limit is Architect's: 10,000 actions, the 10,001st is refused.
    let r = run_with(&f, &[], &Stubs::default(), DEFAULT_MAX_STEPS).unwrap();
    assert!(matches!(r.route, Route::Error { .. }));
    assert_eq!(
        r.trace.last().map(|s| s.kind.as_str()),
        Some("settingsErrorHandling")
    );
}

#[test]
fn nested_tasks_return_through_output_paths() {
    let tasks = "    - task:\n        name: Outer\n        refId: Outer_1\n        actions:\n          - callTask:\n              name: Call inner\n              targetTaskRef: \"/inboundShortMessage/tasks/task[Inner_2]\"\n              outputs:\n                Found:\n                  actions:\n                    - endTask:\n                        name: Done\n                        outputPath:\n                          name: Yes\n        outputPaths:\n          - outputPath:\n              name: Yes\n    - task:\n        name: Inner\n        refId: Inner_2\n        actions:\n          - endTask:\n              name: Found it\n              outputPath:\n                name: Found\n        outputPaths:\n          - outputPath:\n              name: Found\n";
    let f = ok(
        "",
        &format!(
            "          - callTask:\n              name: Call outer\n              targetTaskRef: \"/inboundShortMessage/tasks/task[Outer_1]\"\n              outputs:\n                Yes:\n                  actions:\n{}",
            QUEUE.replace("          ", "                    ")
        ),
        tasks,
    );
    let r = run(&f, &[]);
    assert!(matches!(r.route, Route::Queue(_)));
    let depths: Vec<usize> = r.trace.iter().map(|s| s.depth).collect();
    assert_eq!(depths, vec![0, 1, 2, 1, 0]);
}

#[test]
fn a_runtime_error_follows_error_handling_with_its_location() {
    let f = ok(
        &var("Flow.N", "integerVariable", "noValue: true"),
        &respond("ToString(Flow.N + 1)"),
        "",
    );
    let r = run(&f, &[]);
    let Route::Error { location, then, .. } = &r.route else {
        panic!("{:?}", r.route)
    };
    assert_eq!((location.line, **then == Route::Disconnect), (21, true));
    assert_eq!(
        r.trace.last().map(|s| s.kind.as_str()),
        Some("settingsErrorHandling")
    );
}

fn call_data_flow() -> Flow {
    ok(
        &var("State.Status", "stringVariable", "noValue: true"),
        &format!(
            "          - callData:\n              name: Lookup\n              category:\n                Cat:\n                  dataAction:\n                    Act:\n                      inputs:\n                        id:\n                          exp: Message.ConversationId\n                      successOutputs:\n                        status:\n                          var: State.Status\n              outputs:\n                success:\n                  actions:\n{}",
            respond("State.Status").replace("          ", "                    ")
        ),
        "",
    )
}

fn stubs(yaml: &str) -> Stubs {
    serde_saphyr::from_str(yaml).unwrap()
}

/// The call-data flow run with a stub that succeeds with `shipped`.
fn shipped() -> (Flow, RunResult) {
    let f = call_data_flow();
    let s = stubs("Lookup: { output: success, values: { State.Status: shipped } }");
    let r = run_with(&f, &[], &s, 100).unwrap();
    (f, r)
}

#[test]
fn stubs_choose_the_output_and_set_values() {
    let (f, r) = shipped();
    assert_eq!(r.responses, vec!["shipped"]);
    assert_eq!(r.route, Route::Disconnect);
    let r = run_with(&f, &[], &stubs("Lookup: { output: timeout }"), 100).unwrap();
    assert!(r.responses.is_empty());
    assert_eq!(
        f.coverage(&r.hits)
            .branches
            .iter()
            .filter(|b| b.hit)
            .map(|b| b.label.as_str())
            .collect::<Vec<_>>(),
        vec!["callData \"Lookup\" timeout"]
    );
}

#[test]
fn a_missing_stub_names_the_action() {
    let e = run_with(&call_data_flow(), &[], &Stubs::default(), 100).unwrap_err();
    assert_eq!(e.kind, SimErrorKind::MissingStub);
    assert!(e.diagnostic.message.contains("\"Lookup\""));
    assert_eq!(e.diagnostic.location(), "t.yaml:18:13");
}

#[test]
fn bad_stubs_are_rejected() {
    let f = call_data_flow();
    for (yaml, want) in [
        ("Lookup: { output: maybe }", "no output `maybe`"),
        (
            "Lookup: { output: success, values: { State.Other: x } }",
            "sets `State.Other`, which this action does not set",
        ),
        ("Lookup: { values: {} }", "needs an `output:`"),
    ] {
        let e = run_with(&f, &[], &stubs(yaml), 100).unwrap_err();
        assert_eq!(e.kind, SimErrorKind::BadStub, "{yaml}");
        assert!(
            e.diagnostic.message.contains(want),
            "{yaml}: {}",
            e.diagnostic.message
        );
    }
    assert_eq!(f.check_stubs(&stubs("Nope: { output: success }")).len(), 1);
    assert!(
        f.check_stubs(&stubs(
            "Lookup: { output: success, values: { State.Other: x } }"
        ))[0]
            .contains("State.Other")
    );
}

#[test]
fn expectations_compare_route_responses_and_participant_data() {
    let (_, r) = shipped();
    let want: crate::flow::FlowExpect = serde_saphyr::from_str(
        "route: { queue: VIP }\nresponses: [shipped]\nparticipant_data: { a: b }",
    )
    .unwrap();
    let fails = want.check(&r);
    assert_eq!(fails.len(), 2);
    assert_eq!(fails[0].expected.as_deref(), Some("queue \"VIP\""));
    assert_eq!(fails[0].actual.as_deref(), Some("disconnect"));
    assert!(fails[0].notes.iter().any(|n| n.contains("t.yaml:")));
    let ok: crate::flow::FlowExpect =
        serde_saphyr::from_str("route: disconnect\nresponses: [shipped]").unwrap();
    assert!(ok.check(&r).is_empty());
}
