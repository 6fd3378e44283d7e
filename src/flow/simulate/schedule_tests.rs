//! Evaluate Schedule (Group) decided from the deploy, on the real blueprint flows.

use std::collections::BTreeMap;

use crate::deploy::Deploy;
use crate::expr::{DateTime, Directory};
use crate::flow::{Flow, Route, RunInput, SimErrorKind, Stubs};

/// The schedule of GenesysCloudBlueprints/webmessaging-chatbot-that-differentiates-on-and-off-hour-schedules,
/// docs/main.tf (commit a1e7e24): every other week, Monday to Friday, 09:00-11:00.
fn blueprint_deploy() -> Deploy {
    // Built directly (the flow layer does not read Terraform): the resource's attributes
    // as written, `rrule`, `start`, `end`, `name`.
    let s = crate::deploy::Schedule::new(
        "dev-chat_schedule",
        "2023-06-02T09:00:00.000000",
        "2023-06-02T11:00:00.000000",
        Some("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TU,WE,TH,FR"),
    )
    .unwrap();
    Deploy {
        schedules: BTreeMap::from([(s.name.clone(), s)]),
        ..Deploy::default()
    }
}

fn hours_flow(schedule: &str) -> Flow {
    let vars = BTreeMap::from([
        ("schedule_name".to_string(), schedule.to_string()),
        ("acd_queue_name".to_string(), "After Hours".to_string()),
    ]);
    Flow::from_text(
        "webmessage-on-off-hours-schedule.yaml",
        include_str!("../../../tests/data/real-flows/webmessage-on-off-hours-schedule.yaml"),
        &vars,
    )
    .unwrap()
}

fn ms(s: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(s)
        .unwrap()
        .timestamp_millis()
}

fn route(
    flow: &Flow,
    deploy: &Deploy,
    stubs: &Stubs,
    now: &str,
) -> Result<Route, crate::flow::SimError> {
    let dir = Directory::default();
    let mut input = RunInput::new("c", stubs, &dir, DateTime(ms(now)));
    input.deploy = deploy;
    flow.run(&input).map(|r| r.route)
}

fn queue(r: &Route) -> &str {
    match r {
        Route::Queue(q) => &q.name,
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_deployed_schedule_decides_at_the_clock_in_the_flow_time_zone() {
    let f = hours_flow("dev-chat_schedule");
    let d = blueprint_deploy();
    let stubs: Stubs = serde_json::from_value(serde_json::json!({
        "Call Bot Flow": {"values": {}}
    }))
    .unwrap();
    // 2023-06-02 is a Friday of the rule's weeks; 2026-12-07 a Monday 184 weeks later
    // (even: a week of the rule). Chicago is UTC-6 in December: 09:00 local = 15:00Z.
    assert_eq!(
        queue(&route(&f, &d, &stubs, "2026-12-07T16:00:00Z").unwrap()),
        "chat11"
    );
    assert_eq!(
        queue(&route(&f, &d, &stubs, "2026-12-07T14:59:59Z").unwrap()),
        "After Hours"
    );
    assert_eq!(
        queue(&route(&f, &d, &stubs, "2026-12-07T17:00:00Z").unwrap()),
        "After Hours"
    );
    // The week in between is off.
    assert_eq!(
        queue(&route(&f, &d, &stubs, "2026-12-14T16:00:00Z").unwrap()),
        "After Hours"
    );
    // A stub still wins.
    let active: Stubs = serde_json::from_value(serde_json::json!({
        "Evaluate Schedule": {"output": "active"}
    }))
    .unwrap();
    assert_eq!(
        queue(&route(&f, &d, &active, "2026-12-14T16:00:00Z").unwrap()),
        "chat11"
    );
}

#[test]
fn a_schedule_the_deploy_lacks_still_needs_a_stub() {
    let f = hours_flow("dev-chat_schedul");
    let e = route(
        &f,
        &blueprint_deploy(),
        &Stubs::default(),
        "2026-12-07T16:00:00Z",
    )
    .unwrap_err();
    assert_eq!(e.kind, SimErrorKind::MissingStub);
    assert!(
        e.diagnostic
            .message
            .contains("no schedule `dev-chat_schedul`"),
        "{}",
        e.diagnostic.message
    );
    let help = e.diagnostic.help.clone().unwrap();
    assert!(
        help.contains("`dev-chat_schedule`") && help.contains("stub"),
        "{help}"
    );
    // The location is the action, in the flow file.
    assert!(
        e.diagnostic
            .location()
            .contains("webmessage-on-off-hours-schedule.yaml:")
    );
}

#[test]
fn an_emergency_group_check_with_a_not_set_group_is_closed_unless_an_emergency() {
    let vars = BTreeMap::from([
        ("flow_name".to_string(), "DR".to_string()),
        ("default_language".to_string(), "en-us".to_string()),
    ]);
    let f = Flow::from_text(
        "dr.yaml",
        include_str!("../../../tests/data/real-flows/dr-webmessaging-emergency-group.yaml"),
        &vars,
    )
    .unwrap();
    // The flow passes `ToScheduleGroup(NOT_SET)` and `FindEmergencyGroup(...)`, which
    // finds nothing offline: no emergency, no schedules, so closed, and the flow goes on
    // to its bot and routes by intent.
    let d = blueprint_deploy();
    let stubs: Stubs = serde_json::from_value(serde_json::json!({
        "Call Bot Flow@215": {"values": {"State.TheIntent": "Annuity"}}
    }))
    .unwrap();
    let dir = Directory::default();
    let mut input = RunInput::new("c", &stubs, &dir, DateTime(ms("2026-12-07T16:00:00Z")));
    input.deploy = &d;
    let r = f.run(&input).unwrap();
    assert_eq!(queue(&r.route), "mychat-life-annuity");
    let step = r
        .trace
        .iter()
        .find(|s| s.kind == "evaluateScheduleGroup")
        .unwrap();
    assert_eq!(step.branch.as_deref(), Some("closed"));
}
