//! `gen` with the deploy's own schedules (issue 24): an Evaluate Schedule (Group) action
//! the deploy decides is not stubbed; each case gets a `now:` clock, picked a minute
//! either side of a boundary of the schedules, one per outcome, and the suite passes
//! `test` as written.

use std::path::{Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

use crate::support::{copy_dir, run_in as run};

fn hours() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let top = tmp.path().join("hours");
    copy_dir(&Path::new(ROOT).join("tests/data/terraform/hours"), &top);
    (tmp, top)
}

/// The generated cases as (name, now, queue), in file order.
fn cases_of(text: &str) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let mut cur: Option<(String, String, String)> = None;
    let unq = |s: &str| s.trim().trim_matches('"').to_string();
    for line in text.lines() {
        let l = line.trim();
        if let Some(n) = l.strip_prefix("- name: ") {
            out.extend(cur.take());
            cur = Some((unq(n), String::new(), String::new()));
        } else if let (Some(c), Some(t)) = (cur.as_mut(), l.strip_prefix("now: ")) {
            c.1 = unq(t);
        } else if let (Some(c), Some(q)) = (cur.as_mut(), l.strip_prefix("- route: { queue: ")) {
            c.2 = unq(q.split([',', '}']).next().unwrap());
        }
    }
    out.extend(cur);
    out
}

#[test]
fn gen_writes_a_now_clock_per_schedule_outcome_and_the_suite_passes_as_written() {
    let (_tmp, top) = hours();
    // Monday 7 Dec 2026, 17:00 in Paris: the group's open schedule (weekdays 9-17) has
    // just ended, so the plain clock is closed and a minute before it is open.
    let g = run(
        &top,
        &[
            "gen",
            "--now",
            "2026-12-07T16:00:00Z",
            "--out",
            "rules/gen.yaml",
        ],
    );
    assert_eq!(g.code, 0, "{}", g.dump());
    let text = std::fs::read_to_string(top.join("rules/gen.yaml")).unwrap();
    // The schedule actions the deploy decides have no stub; the others keep theirs.
    assert!(
        !text.contains("\"Opening hours\": {") && !text.contains("\"Late shift?\": {"),
        "{text}"
    );
    assert!(text.contains("\"VIP lookup\": {"), "{text}");
    let cases = cases_of(&text);
    assert!(
        cases.iter().all(|c| !c.1.is_empty()),
        "every case has now: {cases:?}"
    );
    let at = |now: &str, queue: &str| {
        assert!(
            cases.iter().any(|c| c.1 == now && c.2 == queue),
            "no case at {now} routed to {queue}: {cases:?}"
        );
    };
    at("2026-12-07T16:00:00Z", "After Hours"); // closed, the late shift over (UNTIL 30 Nov)
    at("2026-12-07T15:59:00Z", "Billing"); // open, a minute before 17:00 Paris
    at("2026-12-24T23:01:00Z", "Holidays"); // Christmas, 00:01 in Paris (yearly rule)
    at("2026-10-06T16:01:00Z", "Late Shift"); // the late shift's first occurrence, 18:01
    // The emergency path is the deploy's to take: its group is off, and gen says so.
    assert!(
        g.all().contains(
            "evaluateScheduleGroup \"Opening hours\" emergency (flows/hours.yaml:169:17): the deploy decides it, and its emergency group `Evacuation` is off"
        ),
        "{}",
        g.all()
    );
    let t = run(&top, &["test", "rules/gen.yaml"]);
    assert_eq!(t.code, 0, "{}", t.dump());
    assert!(t.all().contains(" 0 failed"), "{}", t.all());

    // With the emergency group on, the one case is the emergency, and passes the same way.
    let e = run(
        &top,
        &[
            "gen",
            "--tf-var",
            "site=evacuated",
            "--now",
            "2026-12-07T16:00:00Z",
            "--out",
            "rules/evacuated.yaml",
        ],
    );
    assert_eq!(e.code, 0, "{}", e.dump());
    let text = std::fs::read_to_string(top.join("rules/evacuated.yaml")).unwrap();
    assert_eq!(
        cases_of(&text),
        vec![(
            "Opening hours › emergency: plain new conversation".to_string(),
            "2026-12-07T16:00:00Z".to_string(),
            "Emergency".to_string()
        )],
        "{text}"
    );
    assert!(
        e.all().contains(
            "its emergency group `Evacuation` is on (`enabled`): every clock gives emergency"
        ),
        "{}",
        e.all()
    );
    let t = run(
        &top,
        &["test", "--tf-var", "site=evacuated", "rules/evacuated.yaml"],
    );
    assert_eq!(t.code, 0, "{}", t.dump());
}

/// The schedule of GenesysCloudBlueprints/webmessaging-chatbot-that-differentiates-on-and-off-hour-schedules
/// (docs/main.tf at a1e7e24: every other week, weekdays 09:00-11:00, read in
/// America/Chicago by the flow) with the blueprint's own flow (tests/data/real-flows), the
/// schedule name reaching the flow through the flow's substitutions as in the blueprint.
#[test]
fn gen_on_the_on_off_hours_blueprint_picks_an_active_and_an_inactive_clock() {
    let tmp = tempfile::tempdir().unwrap();
    let top = tmp.path();
    std::fs::create_dir_all(top.join("flows")).unwrap();
    std::fs::copy(
        Path::new(ROOT).join("tests/data/real-flows/webmessage-on-off-hours-schedule.yaml"),
        top.join("flows/webmessage_flow.yaml"),
    )
    .unwrap();
    std::fs::write(
        top.join("main.tf"),
        r#"
resource "genesyscloud_architect_schedules" "schedule" {
  rrule = "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TU,WE,TH,FR"
  start = "2023-06-02T09:00:00.000000"
  end   = "2023-06-02T11:00:00.000000"
  name  = "dev-chat_schedule"
}
resource "genesyscloud_routing_queue" "webmessage_queue" {
  name = "dev-chat_webmessage_queue"
}
resource "genesyscloud_flow" "webmessage_schedule_hours" {
  filepath = "${path.module}/flows/webmessage_flow.yaml"
  substitutions = {
    flow_name      = "dev-chat_webmessage_flow"
    acd_queue_name = genesyscloud_routing_queue.webmessage_queue.name
    schedule_name  = genesyscloud_architect_schedules.schedule.name
  }
}
"#,
    )
    .unwrap();
    let g = run(
        top,
        &[
            "gen",
            "--terraform",
            ".",
            "--now",
            "2026-12-07T16:00:00Z",
            "--out",
            "rules/gen.yaml",
        ],
    );
    assert_eq!(g.code, 0, "{}", g.dump());
    let text = std::fs::read_to_string(top.join("rules/gen.yaml")).unwrap();
    let cases = cases_of(&text);
    // 10:00 in Chicago on a Monday of the rule's weeks: active; 11:01 inactive.
    assert!(
        cases.contains(&(
            "Evaluate Schedule › active: plain new conversation".into(),
            "2026-12-07T16:00:00Z".into(),
            "chat11".into()
        )) && cases
            .iter()
            .any(|c| c.1 == "2026-12-07T17:01:00Z" && c.2 == "dev-chat_webmessage_queue"),
        "{text}"
    );
    assert!(!text.contains("\"Evaluate Schedule\": {"), "{text}");
    let t = run(top, &["test", "--terraform", ".", "rules/gen.yaml"]);
    assert_eq!(t.code, 0, "{}", t.dump());
}
