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
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

fn load(name: &str) -> Flow {
    let path = Path::new("tests/data/real-flows").join(name);
    match Flow::load(&path, &vars()) {
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
    let flow = load("webmessage-on-off-hours-schedule.yaml");
    let r = run(
        &flow,
        &[],
        &stubs("Evaluate Schedule: { output: active }\n"),
        |_| {},
    );
    assert_eq!(queue(&r), "chat11");
    let s = stubs(
        "Evaluate Schedule: { output: inactive }\nCall Bot Flow: { values: { State.Question: refund, State.OrderNumber: '7' } }\n",
    );
    let r = run(&flow, &[], &s, |_| {});
    assert_eq!(queue(&r), "After Hours");
    assert_eq!(
        r.screen_pops[0]
            .inputs
            .get("customer question")
            .map(String::as_str),
        Some("refund")
    );
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
