//! `guest:` cases end to end: the built binary drives the in-process Guest API mock
//! (tests/support/guest_ws.rs) and reads back through the Platform API mock.

use crate::support;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;
use support::guest_ws::{Connection, GuestMock, Script};
use support::{Mock, Run, WEB_ID, run_cli};

const DEPLOYMENT: &str = "0d5a2c1e-7b3f-4e8a-9c6d-1f2e3a4b5c6d";

struct Live {
    dir: tempfile::TempDir,
    api: Mock,
    ws: GuestMock,
}

impl Live {
    fn new(script: Script, rules: &str) -> Live {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("guest.yaml"), rules).unwrap();
        // A rules file's `flow:` must stay inside its project (here: the temporary
        // directory), so the sample flow is copied beside it.
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("flows/web-messaging-vip.yaml"),
            dir.path().join("web-messaging-vip.yaml"),
        )
        .unwrap();
        let api = Mock::start();
        api.guest(|g| {
            g.message("gm-", WEB_ID);
            g.queues.insert("q-billing".into(), "Billing".into());
        });
        Live {
            dir,
            api,
            ws: GuestMock::start(script),
        }
    }

    fn env(&self) -> Vec<(&'static str, String)> {
        let mut env = self.api.env();
        env.push(("GENESYS_WEBMESSAGING_BASE", self.ws.base.clone()));
        env.push(("GENESYS_DEPLOYMENT_ID", DEPLOYMENT.into()));
        env
    }

    fn run(&self, args: &[&str]) -> Run {
        let mut all = vec!["test", "guest.yaml"];
        all.extend_from_slice(args);
        let run = run_cli(Some(self.dir.path()), &self.env(), &all);
        support::assert_runs_have_no_secrets(
            &self.api,
            &[("test".into(), run_clone(&run))],
            self.dir.path(),
        );
        run
    }

    fn only_connection(&self) -> Connection {
        let c = self.ws.connections();
        assert_eq!(c.len(), 1, "{c:#?}");
        c.into_iter().next().unwrap()
    }
}

fn run_clone(r: &Run) -> Run {
    Run {
        code: r.code,
        stdout: r.stdout.clone(),
        stderr: r.stderr.clone(),
    }
}

fn actions(c: &Connection) -> Vec<String> {
    c.frames
        .iter()
        .map(|f| f["action"].as_str().unwrap_or("?").to_owned())
        .collect()
}

fn case(guest: &str, expect: &str) -> String {
    format!("suite: guests\ncases:\n  - name: the guest\n    guest:\n{guest}    expect:\n{expect}")
}

const BASIC_GUEST: &str = "      deployment: ${GENESYS_DEPLOYMENT_ID}\n      origin: https://www.example.com\n      attributes: { priority_tier: platinum, customer_id: \"42\" }\n      say: [\"Where is my order?\"]\n      quiet: 300ms\n      timeout: 10s\n";

#[test]
fn a_guest_session_is_strict_and_its_replies_are_ordered_by_time() {
    let live = Live::new(
        Script {
            replies: vec![vec![
                "Hi, an agent will be with you shortly.".into(),
                "You are number 1 in the queue.".into(),
            ]],
            out_of_order: true,
            noise: true,
            ..Script::default()
        },
        &case(
            &format!("{BASIC_GUEST}      cleanup: true\n"),
            "      - responses: [\"Hi, an agent will be with you shortly.\", \"You are number 1 in the queue.\"]\n      - route: { queue: Billing }\n      - attribute: Tier\n        equals: gold\n",
        ),
    );
    let run = live.run(&[]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let c = live.only_connection();
    assert!(c.breaches.is_empty(), "{:?}", c.breaches);
    assert_eq!(c.target, format!("/v1?deploymentId={DEPLOYMENT}"));
    assert_eq!(c.origin.as_deref(), Some("https://www.example.com"));
    assert_eq!(
        actions(&c),
        [
            "getConfiguration",
            "configureSession",
            "onMessage",
            "closeSession"
        ]
    );
    let on_message = &c.frames[2];
    assert_eq!(
        on_message["message"]["channel"]["metadata"]["customAttributes"]["priority_tier"],
        "platinum"
    );
    assert!(on_message.get("channel").is_none());
    // A fresh UUID token, the same on every request of the session.
    let token = c.frames[0]["token"].as_str().unwrap();
    assert_eq!(token.len(), 36);
    assert!(c.frames.iter().all(|f| f["token"] == token));
    // The conversation came from the message details; the queue name from the API.
    let seen: Vec<String> = live.api.seen().iter().map(|s| s.path.clone()).collect();
    assert!(
        seen.iter()
            .any(|p| p == "/api/v2/conversations/messages/gm-0-0/details"),
        "{seen:?}"
    );
    assert!(
        seen.iter().any(|p| p == "/api/v2/routing/queues/q-billing"),
        "{seen:?}"
    );
    assert_eq!(live.api.guest_state(|g| g.disconnected.clone()), [WEB_ID]);
}

#[test]
fn each_case_gets_its_own_session_and_token() {
    let rules = format!(
        "suite: guests\ncases:\n  - name: one\n    guest:\n{BASIC_GUEST}    expect: [{{responses: [\"a\"]}}]\n  - name: two\n    guest:\n{BASIC_GUEST}    expect: [{{responses: [\"a\"]}}]\n"
    );
    let live = Live::new(
        Script {
            replies: vec![vec!["a".into()]],
            ..Script::default()
        },
        &rules,
    );
    let run = live.run(&[]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let c = live.ws.connections();
    assert_eq!(c.len(), 2);
    assert_ne!(c[0].frames[0]["token"], c[1].frames[0]["token"]);
    // One guest at a time by default...
    assert_eq!(
        live.ws.most_open.load(std::sync::atomic::Ordering::SeqCst),
        1
    );
}

#[test]
fn guests_run_in_parallel_with_the_flag() {
    let mut rules = String::from("suite: guests\ncases:\n");
    for i in 0..4 {
        rules.push_str(&format!(
            "  - name: guest {i}\n    guest:\n{}    expect: [{{responses: [\"a\"]}}]\n",
            BASIC_GUEST.replace("quiet: 300ms", "quiet: 600ms")
        ));
    }
    let live = Live::new(
        Script {
            replies: vec![vec!["a".into()]],
            ..Script::default()
        },
        &rules,
    );
    let run = live.run(&["--guests", "4"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(live.ws.connections().len(), 4);
    assert!(live.ws.most_open.load(std::sync::atomic::Ordering::SeqCst) >= 2);
    let bad = run_cli(
        Some(live.dir.path()),
        &live.env(),
        &["test", "guest.yaml", "--guests", "0"],
    );
    assert_eq!(bad.code, 2);
}

#[test]
fn replies_that_differ_fail_the_case_with_both_lists() {
    let live = Live::new(
        Script {
            replies: vec![vec!["Hello!".into()]],
            ..Script::default()
        },
        &case(BASIC_GUEST, "      - responses: [\"Hi\"]\n"),
    );
    let run = live.run(&[]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("\"Hello!\""), "{}", run.stdout);
    assert!(run.stdout.contains("guest.yaml:"), "{}", run.stdout);
}

#[test]
fn queue_names_come_from_the_rules_file_when_it_has_them() {
    let rules = format!(
        "suite: guests\nqueues: {{ q-billing: Billing Desk }}\ncases:\n  - name: the guest\n    guest:\n{BASIC_GUEST}    expect:\n      - route: {{ queue: Billing Desk }}\n"
    );
    let live = Live::new(Script::default(), &rules);
    let run = live.run(&[]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        !live
            .api
            .seen()
            .iter()
            .any(|s| s.path.starts_with("/api/v2/routing"))
    );
}

#[test]
fn too_many_requests_is_waited_out_and_the_message_resent_with_its_attributes() {
    let live = Live::new(
        Script {
            rate_limit_first: Some(1),
            replies: vec![vec!["ok".into()]],
            ..Script::default()
        },
        &case(BASIC_GUEST, "      - responses: [\"ok\"]\n"),
    );
    let t = Instant::now();
    let run = live.run(&[]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(t.elapsed() >= Duration::from_secs(1));
    let c = live.only_connection();
    let sends: Vec<&Value> = c
        .frames
        .iter()
        .filter(|f| f["action"] == "onMessage")
        .collect();
    assert_eq!(sends.len(), 2);
    assert_eq!(sends[0], sends[1]);
}

/// Line (1-based) of the first line of `rules` containing `needle`.
fn line_of(rules: &str, needle: &str) -> usize {
    rules.lines().position(|l| l.contains(needle)).unwrap() + 1
}

fn assert_error_at(run: &Run, rules: &str, needle: &str, words: &[&str]) {
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    let all = format!("{}{}", run.stdout, run.stderr);
    let at = format!("guest.yaml:{}:", line_of(rules, needle));
    assert!(all.contains(&at), "expected {at} in {all}");
    for w in words {
        assert!(all.contains(w), "expected {w:?} in {all}");
    }
}

#[test]
fn attributes_over_the_deployment_budget_fail_before_any_conversation() {
    let rules = case(BASIC_GUEST, "      - responses: [\"ok\"]\n");
    let live = Live::new(
        Script {
            max_custom_data_bytes: 10,
            ..Script::default()
        },
        &rules,
    );
    let run = live.run(&[]);
    assert_error_at(
        &run,
        &rules,
        "attributes:",
        &["maxCustomDataBytes of 10", "34 bytes"],
    );
    assert_eq!(actions(&live.only_connection()), ["getConfiguration"]);
}

#[test]
fn guest_api_error_codes_are_located_errors_with_the_fix() {
    let rules = case(BASIC_GUEST, "      - responses: [\"ok\"]\n");
    for (code, body, needle, words) in [
        (
            4013u64,
            "Custom Attributes in channel metadata is larger than 2048 bytes",
            "attributes:",
            &["4013", "custom attributes too large"][..],
        ),
        (
            4011,
            "Message length 5000 is larger than 4096",
            "Where is my order",
            &["4011", "message too long", "shorten"][..],
        ),
        (
            5000,
            "Request failed.",
            "Where is my order",
            &["5000", "retry later"][..],
        ),
        (
            4007,
            "Session not found",
            "Where is my order",
            &["4007", "session not found"][..],
        ),
    ] {
        let live = Live::new(
            Script {
                refuse_message: Some((code, body.into())),
                ..Script::default()
            },
            &rules,
        );
        let run = live.run(&[]);
        assert_error_at(&run, &rules, needle, words);
    }
}

#[test]
fn an_expired_session_is_a_located_error() {
    let rules = case(BASIC_GUEST, "      - responses: [\"ok\"]\n");
    let live = Live::new(
        Script {
            expire_on_message: true,
            ..Script::default()
        },
        &rules,
    );
    assert_error_at(
        &live.run(&[]),
        &rules,
        "Where is my order",
        &["4006", "session expired"],
    );
}

#[test]
fn a_dropped_connection_mid_session_is_an_error_and_cleanup_still_happens() {
    let rules = case(
        &format!("{BASIC_GUEST}      cleanup: true\n"),
        "      - responses: [\"ok\"]\n",
    );
    let live = Live::new(
        Script {
            drop_after_echo: true,
            replies: vec![vec!["ok".into()]],
            ..Script::default()
        },
        &rules,
    );
    assert_error_at(
        &live.run(&[]),
        &rules,
        "guest:",
        &["connection ended mid-session"],
    );
}

#[test]
fn no_answer_is_a_timeout_error() {
    let guest = BASIC_GUEST.replace("timeout: 10s", "timeout: 1500ms");
    let rules = case(&guest, "      - responses: [\"ok\"]\n");
    let live = Live::new(
        Script {
            silent: true,
            ..Script::default()
        },
        &rules,
    );
    assert_error_at(
        &live.run(&[]),
        &rules,
        "Where is my order",
        &["no answer to onMessage within the timeout of 1500ms"],
    );
}

#[test]
fn a_disconnect_ends_the_session_and_unsent_messages_are_an_error() {
    let guest = BASIC_GUEST.replace(
        "say: [\"Where is my order?\"]",
        "say:\n        - Where is my order?\n        - Hello?",
    );
    let rules = case(&guest, "      - responses: [\"bye\"]\n");
    let live = Live::new(
        Script {
            disconnect_after_first: true,
            replies: vec![vec!["bye".into()]],
            ..Script::default()
        },
        &rules,
    );
    assert_error_at(
        &live.run(&[]),
        &rules,
        "Hello?",
        &["disconnected", "`say` message 2"],
    );
}

#[test]
fn a_disconnect_after_the_last_message_ends_reply_collection() {
    let rules = case(BASIC_GUEST, "      - responses: [\"bye\"]\n");
    let live = Live::new(
        Script {
            disconnect_after_first: true,
            replies: vec![vec!["bye".into()]],
            ..Script::default()
        },
        &rules,
    );
    let run = live.run(&[]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
}

fn simulated_path(attributes: &[(&str, &str)], message: &str) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let vars: BTreeMap<String, String> = [
        ("flow_name", "Web Messaging VIP"),
        ("general_queue", "General Support"),
        ("vip_queue", "VIP Support"),
        ("data_action_category", "Orders"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let flow =
        routecheck::flow::Flow::load(&root.join("flows/web-messaging-vip.yaml"), &vars).unwrap();
    let mut stubs = routecheck::flow::Stubs::default();
    stubs.0.insert(
        "Look up last order".into(),
        serde_saphyr::from_str("{ output: success, values: { Flow.OrderStatus: shipped } }")
            .unwrap(),
    );
    let directory = routecheck::expr::Directory::default();
    let mut input =
        routecheck::flow::RunInput::new("c", &stubs, &directory, routecheck::suite::runner::now());
    input.attributes = attributes
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    input.message_body = Some(message.into());
    flow.run(&input)
        .unwrap()
        .trace
        .into_iter()
        .map(|s| s.name)
        .collect()
}

fn flow_rules() -> String {
    format!(
        "suite: guests\nflow: web-messaging-vip.yaml\nvars: {{ flow_name: Web Messaging VIP, general_queue: General Support, vip_queue: VIP Support, data_action_category: Orders }}\nstubs:\n  Look up last order: {{ output: success, values: {{ Flow.OrderStatus: shipped }} }}\ncases:\n  - name: the guest\n    guest:\n{BASIC_GUEST}      flow_path: true\n    expect:\n      - attribute: Tier\n        set: true\n"
    )
}

#[test]
fn flow_execution_data_that_agrees_with_the_simulation_passes() {
    let path = simulated_path(
        &[("priority_tier", "platinum"), ("customer_id", "42")],
        "Where is my order?",
    );
    assert!(path.len() > 2, "{path:?}");
    let live = Live::new(Script::default(), &flow_rules());
    live.api.guest(|g| {
        let actions: Vec<(&str, &str)> = path.iter().map(|n| ("action", n.as_str())).collect();
        g.flow_instance(WEB_ID, "Web Messaging VIP", &actions);
    });
    let run = live.run(&[]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(live.api.guest_state(|g| g.downloads_with_auth), 0);
}

#[test]
fn flow_execution_data_that_parts_says_where() {
    let mut path = simulated_path(
        &[("priority_tier", "platinum"), ("customer_id", "42")],
        "Where is my order?",
    );
    path[1] = "Something else".into();
    let live = Live::new(Script::default(), &flow_rules());
    live.api.guest(|g| {
        let actions: Vec<(&str, &str)> = path.iter().map(|n| ("action", n.as_str())).collect();
        g.flow_instance(WEB_ID, "Web Messaging VIP", &actions);
    });
    let run = live.run(&[]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("part at action 2"), "{}", run.stdout);
    assert!(run.stdout.contains("\"Something else\""), "{}", run.stdout);
}

#[test]
fn guest_cases_are_checked_when_loaded() {
    let live = Live::new(
        Script::default(),
        &case(
            "      say: [hi]\n      quiet: soon\n",
            "      - responses: [\"ok\"]\n",
        ),
    );
    let run = live.run(&[]);
    assert_eq!(run.code, 2);
    let all = format!("{}{}", run.stdout, run.stderr);
    assert!(all.contains("no `deployment:`"), "{all}");
    assert!(all.contains("not a positive duration"), "{all}");
    assert!(live.ws.connections().is_empty());
}

#[test]
fn plain_ws_is_refused_off_loopback() {
    let live = Live::new(
        Script::default(),
        &case(BASIC_GUEST, "      - responses: [\"ok\"]\n"),
    );
    let mut env = live.env();
    env.retain(|(k, _)| *k != "GENESYS_WEBMESSAGING_BASE");
    env.push(("GENESYS_WEBMESSAGING_BASE", "ws://guest.example.com".into()));
    let run = run_cli(Some(live.dir.path()), &env, &["test", "guest.yaml"]);
    assert_eq!(run.code, 2);
    let all = format!("{}{}", run.stdout, run.stderr);
    assert!(all.contains("uses plain ws://"), "{all}");
}

#[test]
fn doctor_passes_when_everything_is_permitted() {
    let live = Live::new(
        Script::default(),
        &case(BASIC_GUEST, "      - responses: [\"ok\"]\n"),
    );
    let run = run_cli(Some(live.dir.path()), &live.env(), &["doctor"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    for line in [
        "ok   credentials",
        "ok   message details",
        "ok   queue names",
        "ok   flow execution data",
        "ok   deployment",
        "ok   message routing",
    ] {
        assert!(run.stdout.contains(line), "{line:?} in {}", run.stdout);
    }
    let c = live.only_connection();
    let actions = actions(&c);
    assert_eq!(actions, ["getConfiguration"], "doctor starts no session");
    support::assert_runs_have_no_secrets(&live.api, &[("doctor".into(), run)], live.dir.path());
}

#[test]
fn doctor_names_the_missing_permission_and_the_fix() {
    let live = Live::new(
        Script::default(),
        &case(BASIC_GUEST, "      - responses: [\"ok\"]\n"),
    );
    live.api.guest(|g| {
        g.denied.insert("/api/v2/conversations/messages/".into());
    });
    let mut env = live.env();
    env.retain(|(k, _)| *k != "GENESYS_DEPLOYMENT_ID");
    let run = run_cli(Some(live.dir.path()), &env, &["doctor"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("refused (403 missing.any.permissions)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("conversation:webmessaging:view"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("FAIL deployment: no deployment given"),
        "{}",
        run.stdout
    );
}
