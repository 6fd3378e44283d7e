//! Bot action kinds of real public bots beyond the first set (issue 25): the
//! GenesysCloudBlueprints scheduling bot's Date and Time slots, `clearSlot`, `ResolveSlot`
//! and `ToCommunication(value, Format.…)`, run from its message flow with each flow given
//! its own `genesyscloud_flow` resource's substitutions; and a called flow that cannot be
//! read, reported with where and why.

use std::path::Path;

use crate::support::{Run, copy_dir, run_in};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const BLUEPRINT: &str = "tests/data/terraform/scheduling-bot-blueprint";
const MESSAGE_FLOW: &str = "tf:module.inbound_message_flow.genesyscloud_flow.inbound_message_flow";

fn run(args: &[&str]) -> Run {
    run_in(Path::new(ROOT), args)
}

fn trace_in(dir: &Path, blueprint: &str, says: &[&str]) -> Run {
    let mut args = vec![
        "trace",
        "--terraform",
        blueprint,
        "--flow",
        MESSAGE_FLOW,
        "--message",
        "I'd like to schedule an appointment.",
        "--stub",
        "Call Data Action@227=success",
    ];
    for s in says {
        args.extend(["--say", s]);
    }
    run_in(dir, &args)
}

/// The bot is found by the name its own module gives it ("Scheduling Bot dev", from
/// `module.scheduling_bot`), not by the message flow's values: a booking goes through the
/// date slot, the offered times, the time slot, ResolveSlot in the confirmation, and the
/// clearSlot + loopNext paths ask again.
#[test]
fn the_scheduling_bot_books_from_its_message_flow_with_each_flows_own_substitutions() {
    let r = run(&[
        "test",
        "--terraform",
        BLUEPRINT,
        "tests/data/bots/scheduling/booking.yaml",
    ]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(r.stdout.contains("3 passed, 0 failed"), "{}", r.all());
    let t = trace_in(Path::new(ROOT), BLUEPRINT, &["2026-12-10"]);
    assert!(
        t.stdout
            .contains("runs bot flow \"Scheduling Bot dev\" (tests/data/terraform/scheduling-bot-blueprint/modules/schedulingbot-flow/SchedulingBot.yaml)")
            && t.stdout.contains("clearSlot \"Clear Slot\"  Slot.AppointmentDate, Slot.AppointmentTime = NOT_SET")
            && t.stdout.contains("Slot.AppointmentDate = 2026-12-10"),
        "{}",
        t.all()
    );
}

/// A date slot reads ISO dates only; anything else is the NLU's to say, so the run stops
/// with a located diagnostic naming the slot and how to give the value — never a guess.
#[test]
fn a_date_the_simulator_cannot_read_is_a_located_diagnostic() {
    let t = trace_in(Path::new(ROOT), BLUEPRINT, &["next friday"]);
    assert_ne!(t.code, 0, "{}", t.all());
    let all = t.all();
    assert!(
        all.contains("modules/schedulingbot-flow/SchedulingBot.yaml:206")
            && all.contains("slot `AppointmentDate` (builtin:date): \"next friday\" is not a value routecheck reads offline (YYYY-MM-DD)")
            && all.contains("slots: { AppointmentDate: ... }"),
        "{all}"
    );
    // What the NLU returns, given by the case, is taken.
    let r = run(&[
        "trace",
        "--terraform",
        BLUEPRINT,
        "--flow",
        MESSAGE_FLOW,
        "--message",
        "I'd like to schedule an appointment.",
        "--say",
        "tomorrow",
        "--stub",
        "Call Data Action@227=success",
    ]);
    assert_ne!(r.code, 0);
}

/// lint reads the bot (Date/Time variables, clearSlot, ResolveSlot, Format.…) with no
/// load error, and graph draws it inside the call with its clear-slot steps.
#[test]
fn lint_and_graph_read_the_scheduling_bot() {
    let lint = run(&["lint", "--terraform", BLUEPRINT]);
    assert!(lint.code == 0 || lint.code == 1, "{}", lint.all());
    let graph = run(&["graph", "--terraform", BLUEPRINT, "--flow", MESSAGE_FLOW]);
    assert_eq!(graph.code, 0, "{}", graph.all());
    assert!(
        graph.stdout.contains("Scheduling Bot dev")
            && graph.stdout.contains("clearSlot: Clear Slot")
            && graph
                .stdout
                .contains("Slot.AppointmentDate, Slot.AppointmentTime"),
        "{}",
        graph.stdout
    );
    assert!(
        !graph.stderr.contains("drawn as one node"),
        "{}",
        graph.stderr
    );
}

/// The bot the deploy names exists but does not load: the call says which file, which
/// resource, where and why — not a silent stub, not a bare "no bot flow named".
#[test]
fn a_called_flow_that_cannot_be_read_is_reported_with_where_and_why() {
    let tmp = tempfile::tempdir().unwrap();
    let top = tmp.path().join("bp");
    copy_dir(&Path::new(ROOT).join(BLUEPRINT), &top);
    let bot = top.join("modules/schedulingbot-flow/SchedulingBot.yaml");
    let text = std::fs::read_to_string(&bot).unwrap();
    std::fs::write(&bot, text.replace("clearSlot:", "clearSlots:")).unwrap();
    let t = trace_in(tmp.path(), "bp", &["2026-12-10"]);
    assert_ne!(t.code, 0, "{}", t.all());
    let all = t.all();
    assert!(
        all.contains("no bot flow named \"Scheduling Bot dev\"")
            && all.contains("SchedulingBot.yaml (module.scheduling_bot.genesyscloud_flow.bot_flow) did not load: bp/modules/schedulingbot-flow/SchedulingBot.yaml:")
            && all.contains("clearSlots"),
        "{all}"
    );
    std::fs::remove_file(&bot).unwrap();
    let t = trace_in(tmp.path(), "bp", &["2026-12-10"]);
    let all = t.all();
    assert!(
        t.code != 0 && all.contains("SchedulingBot.yaml did not load"),
        "{all}"
    );
}

/// Agent escalation in a real bot that enables it: the case says the NLU heard a request
/// for an agent (`agent: true`); the bot confirms, hands over, exits with the reason Genesys
/// documents (AgentRequestedByUser) and no intent, and the message flow's switch default
/// transfers to dude-general-support. A no keeps the customer with the bot.
#[test]
fn an_agent_request_hands_back_and_the_message_flows_transfer_follows() {
    let r = run_in(
        &Path::new(ROOT).join("tests/data/bots/dudes-wheres-my-stuff"),
        &["test", "escalation.yaml"],
    );
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(r.stdout.contains("3 passed, 0 failed"), "{}", r.all());
}

/// The bot's confidence thresholds are read from `settingsUserInput`: a low one above the
/// high one is a load error located at the low one (exit 2), never a run that guesses.
#[test]
fn confidence_thresholds_out_of_order_are_a_located_load_error() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(
        &Path::new(ROOT).join("tests/data/bots/action-kinds"),
        dir.path(),
    );
    let bot = dir.path().join("flows/OrderBot.yaml");
    let text = std::fs::read_to_string(&bot).unwrap();
    let edited = text.replacen(
        "collectionLowConfidenceThreshold:\n      lit: 20",
        "collectionLowConfidenceThreshold:\n      lit: 80",
        1,
    );
    assert_ne!(text, edited, "the fixture sets the low threshold");
    std::fs::write(&bot, edited).unwrap();
    let r = run_in(dir.path(), &["test", "orders.yaml"]);
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(
        r.all()
            .contains("the low confidence threshold (80) is above the high one (70)")
            && r.all().contains("OrderBot.yaml:89:"),
        "{}",
        r.all()
    );
}
