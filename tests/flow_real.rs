//! Every public real flow in tests/data/real-flows/ loads, and runs through at least two
//! distinct routes with stubs.

use std::collections::BTreeMap;
use std::path::Path;

use routecheck::expr::{DateTime, Directory};
use routecheck::flow::{Flow, Route, RunInput, RunResult, Stubs};

fn vars() -> BTreeMap<String, String> {
    [
        ("flow_name", "Real Flow"),
        ("division", "Home"),
        ("default_language", "en-us"),
        ("queue_name", "General Support"),
        ("queue_id", "q-general"),
        ("data_action_category", "Web Services"),
        ("data_action_name", "Get Wrap Up"),
        ("get_cust_participant_data_data_action", "Get Customer PD"),
        ("get_participant_id_data_action", "Get Participant Id"),
        ("update_participant_data_data_action", "Update PD"),
        ("integration_category", "Lambda"),
        ("integration_data_action_name", "Lookup Order"),
        ("bot_flow_name", "Email Bot"),
        ("common_module_name", "Merge Contact"),
        ("schedule_name", "Business Hours"),
        ("acd_queue_name", "After Hours"),
        ("greeting", "Hello there"),
        ("home_division_name", "Home"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

fn load(name: &str) -> Flow {
    load_with(name, &[])
}

/// Load with some placeholder values replaced.
fn load_with(name: &str, over: &[(&str, &str)]) -> Flow {
    let path = Path::new("tests/data/real-flows").join(name);
    let mut vars = vars();
    for (k, v) in over {
        vars.insert(k.to_string(), v.to_string());
    }
    match Flow::load(&path, &vars) {
        Ok(f) => f,
        Err(diags) => panic!(
            "{name} did not load:\n{}",
            diags
                .iter()
                .map(|d| format!("{}: {}", d.location(), d.message))
                .collect::<Vec<_>>()
                .join("\n")
        ),
    }
}

#[test]
fn every_real_flow_loads() {
    for entry in std::fs::read_dir("tests/data/real-flows").unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|e| e == "yaml") {
            load(p.file_name().unwrap().to_str().unwrap());
        }
    }
}

fn stubs(yaml: &str) -> Stubs {
    serde_saphyr::from_str(yaml).unwrap()
}

fn directory() -> Directory {
    let mut d = Directory::default();
    d.queues.insert("q-vip".into(), "VIP".into());
    d.queues
        .insert("q-general".into(), "General Support".into());
    d
}

fn run(
    flow: &Flow,
    attrs: &[(&str, &str)],
    stubs: &Stubs,
    tweak: impl Fn(&mut RunInput),
) -> RunResult {
    assert!(
        flow.check_stubs(stubs).is_empty(),
        "{:?}",
        flow.check_stubs(stubs)
    );
    let dir = directory();
    let mut input = RunInput::new(
        "conv-1",
        stubs,
        &dir,
        DateTime::parse("2025-01-02T10:00:00Z").unwrap(),
    );
    input.attributes = attrs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    input.message_body = Some("where is my order".into());
    tweak(&mut input);
    match flow.run(&input) {
        Ok(r) => r,
        Err(e) => panic!("{}: {}", e.diagnostic.location(), e.diagnostic.message),
    }
}

fn queue(r: &RunResult) -> String {
    match &r.route {
        Route::Queue(q) => q.name.clone(),
        other => panic!("expected a queue, got {other:?}"),
    }
}

#[test]
fn triage_bot_routes_new_conversations_and_follows_the_wrap_up_lookup() {
    let flow = load("web-messaging-triage-bot.yaml");
    let r = run(&flow, &[], &Stubs::default(), |_| {});
    assert_eq!(queue(&r), "General Support");

    let s = stubs(
        "Call Data Action: { output: success, values: { State.WRAP_UP_NAME: Billing, State.WRAP_UP_TIME: '10:00' } }\nCall Bot Flow: {}\n",
    );
    let r = run(&flow, &[], &s, |i| i.is_new_conversation = false);
    assert_eq!(queue(&r), "General Support");
    assert_eq!(
        r.responses,
        vec!["Hi, it looks like we Billing your issue at 10:00"]
    );

    let s = stubs("Call Data Action: { output: failure }\n");
    let r = run(&flow, &[], &s, |i| i.is_new_conversation = false);
    assert_eq!(r.route, Route::Disconnect);
    assert!(r.responses.is_empty());
}

#[test]
fn switch_from_voice_uses_tasks_and_finds_the_queue_by_id() {
    let flow = load("switch-from-voice-with-context.yaml");
    let s = stubs(
        r#"
Fetch all original call PD attributes:
  output: success
  values: { Flow.og_attributes: '{"phoneNumber":"+15550100","targetQueueId":"q-vip","preferredAgentId":"","skills":"Billing"}' }
Get Customer Participant Id: { output: success, values: { Flow.pId: p-1 } }
Copy call PD to message PD: { output: success }
"#,
    );
    let r = run(&flow, &[("ogConversationId", "voice-1")], &s, |_| {});
    assert_eq!(queue(&r), "VIP");
    assert_eq!(
        r.responses,
        vec!["One moment while we connect you with the best agent to assist you."]
    );

    let s = stubs("Fetch all original call PD attributes: { output: failure }\n");
    let r = run(&flow, &[], &s, |_| {});
    assert_ne!(r.route, Route::Disconnect);
    assert!(
        !matches!(&r.route, Route::Queue(q) if q.name == "VIP"),
        "{:?}",
        r.route
    );
}

#[test]
fn dr_messenger_routes_by_intent_and_handles_the_emergency_path() {
    let flow = load("dr-webmessaging-emergency-group.yaml");
    let s = stubs(
        "Evaluate Schedule Group: { output: open }\nCall Bot Flow@215: { values: { State.TheIntent: Annuity } }\n",
    );
    let r = run(&flow, &[("Context.CustomerFirstName", "Ana")], &s, |_| {});
    assert_eq!(queue(&r), "mychat-life-annuity");

    let s = stubs(
        "Evaluate Schedule Group: { output: emergency }\nCall Bot Flow@103: { values: { State.CallbackName: Ana } }\nFind Queue: { output: notFound }\n",
    );
    let r = run(&flow, &[], &s, |_| {});
    assert_eq!(r.route, Route::Disconnect);
    assert_eq!(r.responses.len(), 2);
}

#[test]
fn dude_wheres_my_stuff_checks_the_order_or_transfers() {
    let flow = load("dude-wheres-my-stuff-message.yaml");
    let s = stubs(
        "Call Bot Flow: { values: { State.TheIntent: Check Order Status, State.OrderNumber: '42' } }\nCall Data Action: { output: success, values: { State.OrderStatus: shipped } }\n",
    );
    let r = run(&flow, &[("Context.CustomerFirstName", "Sam")], &s, |_| {});
    assert_eq!(r.route, Route::Disconnect);
    assert_eq!(
        r.participant_data.get("OrderNumber").map(String::as_str),
        Some("42")
    );
    assert_eq!(
        r.responses,
        vec![
            "Hi Sam,  Thanks for reaching out to us about order #: 42 The status of the order is shipped"
        ]
    );

    let s = stubs("Call Bot Flow: { values: { State.TheIntent: Order Questions } }\n");
    let r = run(&flow, &[], &s, |_| {});
    assert_eq!(queue(&r), "dude-general-support");
}

#[test]
fn on_off_hours_schedule_picks_the_queue() {
    // The template (placeholders) and the deployed module version of the same flow.
    for (name, after_hours) in [
        ("webmessage-on-off-hours-schedule.yaml", "After Hours"),
        ("on-off-hours-module.yaml", "zino_chat_queue"),
    ] {
        let flow = load(name);
        let active = stubs("Evaluate Schedule: { output: active }\n");
        assert_eq!(queue(&run(&flow, &[], &active, |_| {})), "chat11", "{name}");
        let s = stubs(
            "Evaluate Schedule: { output: inactive }\nCall Bot Flow: { values: { State.Question: refund, State.OrderNumber: '7' } }\n",
        );
        let r = run(&flow, &[], &s, |_| {});
        assert_eq!(queue(&r), after_hours, "{name}");
        assert_eq!(r.screen_pops.len(), 1, "{name}");
        assert_eq!(
            r.screen_pops[0]
                .inputs
                .get("customer question")
                .map(String::as_str),
            Some("refund")
        );
    }
}

#[test]
fn merge_contact_reports_module_status_or_fails_on_not_set() {
    let flow = load("merge-external-contact-message.yaml");
    let s = stubs(
        "Call Bot Flow: { values: { State.CustomerEmail: a@example.com } }\nCall Common Module: { values: { State.ModuleSuccess: true, State.CustomerId: c-9 } }\n",
    );
    let r = run(&flow, &[], &s, |_| {});
    assert_eq!(queue(&r), "General Support");
    assert_eq!(
        r.responses[1],
        "Common Module Status:  Success.  Customer ID:  c-9"
    );

    let s = stubs(
        "Call Bot Flow: { values: { State.CustomerEmail: a@example.com } }\nCall Common Module: { values: {} }\n",
    );
    let r = run(&flow, &[], &s, |_| {});
    assert!(matches!(r.route, Route::Error { .. }), "{:?}", r.route);
}

// The flows below are the issue-11 corpus (tests/data/real-flows/SOURCES.md, "Added for
// issue 11"); every expectation is read from the flow's YAML.

#[test]
fn translator_greets_then_transfers_to_the_substituted_queue() {
    let flow = load("translator-inbound-message.yaml");
    let r = run(&flow, &[], &Stubs::default(), |_| {});
    assert_eq!(r.responses, vec!["Hello there"]);
    assert_eq!(queue(&r), "General Support");
    // The queue placeholder is quoted in the flow: a colon in the value stays text.
    let flow = load_with(
        "translator-inbound-message.yaml",
        &[("queue_name", "Sales: VIP")],
    );
    assert!(flow.warnings().is_empty());
    assert_eq!(
        queue(&run(&flow, &[], &Stubs::default(), |_| {})),
        "Sales: VIP"
    );
}

#[test]
fn translator_v3_transfers_and_the_action_limit_sends_it_to_error_handling() {
    let flow = load("translator-web-messaging-v3.yaml");
    let r = run(&flow, &[], &Stubs::default(), |_| {});
    assert_eq!(r.responses, vec!["Hi! How may I help you?"]);
    assert_eq!(queue(&r), "web-messaging-queue");
    // Error handling is `disconnect`: past the action limit the transfer never runs.
    let r = run(&flow, &[], &Stubs::default(), |i| i.max_steps = 1);
    assert_eq!(r.responses, vec!["Hi! How may I help you?"]);
    let Route::Error { then, .. } = &r.route else {
        panic!("{:?}", r.route)
    };
    assert_eq!(**then, Route::Disconnect);
}

#[test]
fn knowledge_inbound_hands_the_message_to_the_bot_then_disconnects() {
    for name in [
        "knowledge-inbound-template.yaml",
        "knowledge-inbound-export.yaml",
    ] {
        let flow = load(name);
        let r = run(&flow, &[], &stubs("Call Bot Flow: {}\n"), |_| {});
        assert_eq!(r.route, Route::Disconnect, "{name}");
        let kinds: Vec<&str> = r.trace.iter().map(|s| s.kind.as_str()).collect();
        assert_eq!(kinds, vec!["callBotFlow", "disconnect"], "{name}");
        let r = run(&flow, &[], &stubs("Call Bot Flow: {}\n"), |i| {
            i.max_steps = 1
        });
        assert!(matches!(r.route, Route::Error { .. }), "{name}");
    }
    // Unquoted `name: {{flow_name}}`: a `#` in the value starts a comment when deployed.
    let flow = load_with(
        "knowledge-inbound-template.yaml",
        &[("flow_name", "Dev #2")],
    );
    assert_eq!(flow.name(), "Dev");
    assert_eq!(flow.warnings().len(), 1);
    assert!(flow.warnings()[0].message.contains("starts a comment"));
}

#[test]
fn scheduler_bot_inbound_runs_the_bot_named_by_a_key_placeholder() {
    let flow = load("scheduler-bot-inbound.yaml");
    let r = run(&flow, &[], &stubs("Call Bot Flow: {}\n"), |_| {});
    assert_eq!(r.route, Route::Disconnect);
    assert_eq!(r.trace.len(), 2);
    // The bot's name sits in key position: `Booking: Bot` breaks the deployed YAML.
    let path = Path::new("tests/data/real-flows/scheduler-bot-inbound.yaml");
    let mut v = vars();
    v.insert("bot_flow_name".into(), "Booking: Bot".into());
    let errs = Flow::load(path, &v).unwrap_err();
    assert!(
        errs[0].message.contains("invalid YAML"),
        "{}",
        errs[0].message
    );
    let why = errs
        .iter()
        .find(|d| d.message.contains("starts a mapping"))
        .unwrap();
    assert!(why.location().contains(":29:17"), "{}", why.location());
}

#[test]
fn provider_example_disconnects_or_errors_at_the_limit() {
    let flow = load("provider-inboundmessage-example.yaml");
    let r = run(&flow, &[], &Stubs::default(), |_| {});
    assert_eq!(r.route, Route::Disconnect);
    let r = run(&flow, &[], &Stubs::default(), |i| i.max_steps = 0);
    assert!(matches!(r.route, Route::Error { .. }));
}

#[test]
fn pipeline_flow_stores_the_bot_email_then_transfers() {
    let flow = load("pipeline-basic-message.yaml");
    let s = stubs("Call Bot Flow: { values: { State.Email: a@example.com } }\n");
    let r = run(&flow, &[], &s, |_| {});
    assert_eq!(queue(&r), "General Support");
    assert_eq!(
        r.participant_data.get("Email").map(String::as_str),
        Some("a@example.com")
    );
    // No email detected: Set Participant Data skips a NOT_SET value.
    let r = run(&flow, &[], &stubs("Call Bot Flow: {}\n"), |_| {});
    assert!(r.participant_data.is_empty());
    // `name: {{queue_name}}` is unquoted: deployed, `Sales #1` names the queue "Sales".
    let flow = load_with("pipeline-basic-message.yaml", &[("queue_name", "Sales #1")]);
    assert_eq!(queue(&run(&flow, &[], &s, |_| {})), "Sales");
    assert_eq!(flow.warnings().len(), 1);
}

#[test]
fn dr_fallback_offers_a_callback_or_apologises() {
    let flow = load("dr-webmessenger-fallback.yaml");
    let welcome = "Welcome to Commonwealth Financial. We are currently experiencing an unexpected interruption of service. ";
    let sorry = "We are sorry. We had difficulty processing your request for a callback.  Please try to contact us at a later date.  We again apologize.";
    let bot = "Call Bot Flow: { values: { State.CallbackPhoneNumber: '555-0100' } }\n";
    let s = stubs(&format!(
        "{bot}Find Queue: {{ output: found, values: {{ State.TargetQueue: mychat-general-help }} }}\nCreate Call Back Data Action: {{ output: success }}\n"
    ));
    let r = run(&flow, &[], &s, |_| {});
    assert_eq!(r.route, Route::Disconnect);
    assert_eq!(
        r.responses,
        vec![welcome, "Thank you. We will send a Callback to #: 555-0100"]
    );
    for stub in [
        "Find Queue: { output: notFound }\n",
        "Find Queue: { output: found, values: { State.TargetQueue: q } }\nCreate Call Back Data Action: { output: timeout }\n",
    ] {
        let r = run(&flow, &[], &stubs(&format!("{bot}{stub}")), |_| {});
        assert_eq!(r.route, Route::Disconnect);
        assert_eq!(r.responses, vec![welcome, sorry], "{stub}");
    }
}

#[test]
fn dude_webchat_v4_switches_on_the_intent() {
    let flow = load("dude-webchat-message-v4.yaml");
    let attrs = [("Context.CustomerFirstName", "Ana")];
    let s = stubs(
        "Call Bot Flow: { values: { State.TheIntent: Cancel my order, State.OrderNumber: '7' } }\n",
    );
    let r = run(&flow, &attrs, &s, |_| {});
    assert_eq!(queue(&r), "dude-general-support");
    assert_eq!(
        r.participant_data.get("OrderNumber").map(String::as_str),
        Some("7")
    );
    assert_eq!(
        r.responses,
        vec![
            "Hi Ana I am sorry you want to cancel order number #7 Let me get you an agent to assist you with this right away."
        ]
    );
    let s = stubs("Call Bot Flow: { values: { State.TheIntent: Order Questions } }\n");
    let r = run(&flow, &attrs, &s, |_| {});
    assert_eq!(r.responses, vec!["What is the sound of a server crashing?"]);
    assert_eq!(queue(&r), "dude-general-support");
    let s = stubs(
        "Call Bot Flow: { values: { State.TheIntent: Check Order Status, State.OrderNumber: '7' } }\nCall Data Action: { output: timeout }\n",
    );
    let r = run(&flow, &attrs, &s, |_| {});
    assert_eq!(
        r.responses,
        vec![
            "Hi AnaWe had problems looking up order number: 7 Please sit tight and I am getting an agent to help sort this out."
        ]
    );
    assert_eq!(queue(&r), "dude-general-support");
}
