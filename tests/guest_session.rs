//! The Guest API session through the library, with short keepalive intervals: pings and
//! `echo` on long waits, never before the session is configured, and health-check
//! answers and typing events told apart from replies.

use crate::support;

use std::time::Duration;

use routecheck::guest::{GuestSpec, SessionOptions, session};
use support::guest_ws::{GuestMock, Script};

fn spec(quiet_ms: u64) -> GuestSpec {
    GuestSpec {
        deployment: "dep-1".into(),
        origin: None,
        attributes: vec![("priority_tier".into(), "platinum".into())],
        say: vec!["one".into(), "two".into()],
        quiet: Duration::from_millis(quiet_ms),
        timeout: Duration::from_secs(10),
        cleanup: false,
        flow_path: false,
    }
}

#[test]
fn long_waits_ping_and_echo_and_noise_is_not_a_reply() {
    let mock = GuestMock::start(Script {
        replies: vec![vec!["first".into()], vec!["second".into(), "third".into()]],
        noise: true,
        ..Script::default()
    });
    let mut opts = SessionOptions::new(mock.base.clone());
    opts.ping_every = Duration::from_millis(100);
    opts.echo_every = Duration::from_millis(300);
    opts.poll = Duration::from_millis(20);
    let seen = session::run(&spec(900), &opts)
        .map_err(|f| f.error)
        .unwrap();
    assert_eq!(seen.responses(), ["first", "second", "third"]);
    assert_eq!(seen.message_ids, ["gm-0-0", "gm-0-1"]);
    let c = &mock.connections()[0];
    assert!(c.breaches.is_empty(), "{:?}", c.breaches);
    assert!(c.pings >= 2, "{} pings", c.pings);
    let actions: Vec<&str> = c
        .frames
        .iter()
        .map(|f| f["action"].as_str().unwrap())
        .collect();
    assert_eq!(&actions[..2], ["getConfiguration", "configureSession"]);
    assert!(actions.contains(&"echo"), "{actions:?}");
    assert_eq!(actions.last(), Some(&"closeSession"));
    // Both messages carry the attributes inside the message.
    for f in c.frames.iter().filter(|f| f["action"] == "onMessage") {
        assert_eq!(
            f["message"]["channel"]["metadata"]["customAttributes"]["priority_tier"],
            "platinum"
        );
    }
}

#[test]
fn replies_overtaking_their_echo_are_kept_and_ordered() {
    let mock = GuestMock::start(Script {
        replies: vec![vec!["a".into(), "b".into(), "c".into()]],
        out_of_order: true,
        ..Script::default()
    });
    let mut s = spec(300);
    s.say.truncate(1);
    let seen = session::run(&s, &SessionOptions::new(mock.base.clone()))
        .map_err(|f| f.error)
        .unwrap();
    assert_eq!(seen.responses(), ["a", "b", "c"]);
}
