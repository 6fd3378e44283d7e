//! The Genesys client against the in-process mock: retries, Retry-After, token refresh,
//! pacing, the retry budget and the shapes of its errors.

use crate::support;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use routecheck::genesys::region::Hosts;
use routecheck::genesys::{Client, Clock, Config, GenesysError, LiveOptions, Secret};
use support::{CALLBACK_ID, CLIENT_ID, CLIENT_SECRET, Fault, Mock, WEB_CUSTOMER, WEB_ID};

/// Real time, with every requested sleep recorded.
#[derive(Debug, Default)]
struct Recording {
    sleeps: Mutex<Vec<Duration>>,
}

impl Clock for Recording {
    fn now(&self) -> Instant {
        Instant::now()
    }
    fn sleep(&self, d: Duration) {
        self.sleeps.lock().unwrap().push(d);
        std::thread::sleep(d);
    }
}

/// Virtual time: sleeping advances it instantly, so long waits cost nothing.
#[derive(Debug)]
struct Virtual {
    now: Mutex<Instant>,
    sleeps: Mutex<Vec<Duration>>,
}

impl Virtual {
    fn new() -> Arc<Self> {
        Arc::new(Virtual {
            now: Mutex::new(Instant::now()),
            sleeps: Mutex::new(vec![]),
        })
    }
    fn slept(&self) -> Vec<Duration> {
        self.sleeps
            .lock()
            .unwrap()
            .iter()
            .copied()
            .filter(|d| !d.is_zero())
            .collect()
    }
}

impl Clock for Virtual {
    fn now(&self) -> Instant {
        *self.now.lock().unwrap()
    }
    fn sleep(&self, d: Duration) {
        self.sleeps.lock().unwrap().push(d);
        *self.now.lock().unwrap() += d;
    }
}

fn config(mock: &Mock, secret: &str) -> Config {
    Config {
        client_id: CLIENT_ID.into(),
        client_secret: Secret::new(secret),
        hosts: Hosts {
            api_base: mock.base.clone(),
            login_base: mock.base.clone(),
        },
    }
}

fn opts(budget_secs: f64) -> LiveOptions {
    LiveOptions {
        max_retry_time: Duration::from_secs_f64(budget_secs),
        rate_limit: 6000,
        timeout: Duration::from_secs(5),
    }
}

fn client(mock: &Mock, clock: Arc<dyn Clock>, o: LiveOptions) -> Client {
    Client::with_clock(config(mock, CLIENT_SECRET), &o, clock)
}

fn api_requests(mock: &Mock) -> Vec<support::Seen> {
    mock.seen()
        .into_iter()
        .filter(|s| s.path.starts_with("/api/"))
        .collect()
}

#[test]
fn retry_after_is_honoured_in_real_time() {
    let mock = Mock::start();
    mock.fault(
        "GET",
        "/api/v2/conversations/messages/",
        Fault::RateLimited(1),
    );
    let clock = Arc::new(Recording::default());
    let c = client(&mock, clock.clone(), opts(10.0));
    let conv = c.get_conversation(WEB_ID).expect("succeeds after the 429");
    assert_eq!(conv["id"], WEB_ID);
    let sleeps = clock.sleeps.lock().unwrap().clone();
    assert!(sleeps.contains(&Duration::from_secs(1)), "{sleeps:?}");
    let reqs = api_requests(&mock);
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[0].status, 429);
    let gap = reqs[1].at - reqs[0].at;
    assert!(gap >= Duration::from_secs(1), "retried after only {gap:?}");
}

#[test]
fn ratelimit_reset_header_is_the_fallback() {
    let mock = Mock::start();
    mock.fault("GET", "/api/", Fault::RateLimitedReset(7));
    let clock = Virtual::new();
    let c = client(&mock, clock.clone(), opts(60.0));
    c.get_conversation(WEB_ID).unwrap();
    assert_eq!(clock.slept(), vec![Duration::from_secs(7)]);
}

#[test]
fn long_retry_after_is_not_shortened_it_ends_the_budget() {
    let mock = Mock::start();
    mock.fault("GET", "/api/", Fault::RateLimited(120));
    let clock = Virtual::new();
    let c = client(&mock, clock.clone(), opts(5.0));
    let e = c.get_conversation(WEB_ID).unwrap_err();
    assert!(matches!(e, GenesysError::RetryBudget { .. }), "{e:?}");
    let msg = e.to_string();
    assert!(
        msg.contains("120 s") && msg.contains("rate limited"),
        "{msg}"
    );
    assert!(clock.slept().is_empty(), "no shorter wait was tried");
}

#[test]
fn unavailable_backs_off_then_succeeds() {
    let mock = Mock::start();
    mock.fault("GET", "/api/", Fault::Unavailable);
    mock.fault("GET", "/api/", Fault::Unavailable);
    let clock = Virtual::new();
    let c = client(&mock, clock.clone(), opts(60.0));
    c.get_conversation(WEB_ID).unwrap();
    let s = clock.slept();
    assert_eq!(s.len(), 2, "{s:?}");
    assert!(s[0] >= Duration::from_millis(250) && s[0] <= Duration::from_millis(500));
    assert!(s[1] >= Duration::from_millis(500) && s[1] <= Duration::from_secs(1));
}

#[test]
fn retry_budget_ends_with_a_clear_error() {
    let mock = Mock::start();
    for _ in 0..40 {
        mock.fault("GET", "/api/", Fault::Unavailable);
    }
    let clock = Virtual::new();
    let c = client(&mock, clock.clone(), opts(3.0));
    let e = c.get_conversation(WEB_ID).unwrap_err();
    let GenesysError::RetryBudget { attempts, .. } = &e else {
        panic!("{e:?}")
    };
    assert!(*attempts >= 3);
    let text = e.to_string();
    assert!(
        text.starts_with("GET /api/v2/conversations/messages/"),
        "{text}"
    );
    assert!(
        text.contains("gave up") && text.contains("temporarily unavailable"),
        "{text}"
    );
    assert!(text.contains("http 503, correlation id corr-"), "{text}");
    let total: Duration = clock.slept().iter().sum();
    assert!(total <= Duration::from_secs(3));
}

#[test]
fn an_expired_token_is_refreshed_once() {
    let mock = Mock::start();
    mock.fault("GET", "/api/", Fault::ExpiredToken);
    let c = client(&mock, Virtual::new(), opts(10.0));
    c.get_conversation(WEB_ID).unwrap();
    assert_eq!(mock.tokens().len(), 2);

    // Two 401s in a row: one refresh, then a clear error (no loop).
    mock.fault("GET", "/api/", Fault::ExpiredToken);
    mock.fault("GET", "/api/", Fault::ExpiredToken);
    let e = c.get_conversation(WEB_ID).unwrap_err();
    assert_eq!(e.status(), Some(401), "{e:?}");
    assert_eq!(mock.tokens().len(), 3);
}

#[test]
fn tokens_are_cached_and_refreshed_before_expiry() {
    let mock = Mock::start();
    mock.set_expires_in(100);
    let clock = Virtual::new();
    let c = client(&mock, clock.clone(), opts(10.0));
    c.get_conversation(WEB_ID).unwrap();
    c.get_conversation(WEB_ID).unwrap();
    assert_eq!(mock.tokens().len(), 1);
    clock.sleep(Duration::from_secs(95));
    c.get_conversation(WEB_ID).unwrap();
    assert_eq!(
        mock.tokens().len(),
        2,
        "refreshed inside the last tenth of its life"
    );
}

#[test]
fn the_limiter_paces_requests() {
    let mock = Mock::start();
    let clock = Virtual::new();
    let o = LiveOptions {
        rate_limit: 120,
        ..opts(10.0)
    };
    let c = client(&mock, clock.clone(), o);
    for _ in 0..4 {
        c.get_conversation(WEB_ID).unwrap();
    }
    assert_eq!(clock.slept(), vec![Duration::from_millis(500); 3]);
}

#[test]
fn slow_answers_time_out_and_are_retried() {
    let mock = Mock::start();
    mock.fault("GET", "/api/", Fault::Slow(Duration::from_millis(1500)));
    let o = LiveOptions {
        timeout: Duration::from_millis(400),
        ..opts(10.0)
    };
    let clock = Arc::new(Recording::default());
    let c = client(&mock, clock.clone(), o);
    c.get_conversation(WEB_ID).expect("the retry is answered");

    mock.fault("GET", "/api/", Fault::Slow(Duration::from_millis(1500)));
    let c = client(
        &mock,
        clock,
        LiveOptions {
            max_retry_time: Duration::ZERO,
            ..o
        },
    );
    let e = c.get_conversation(WEB_ID).unwrap_err();
    assert!(
        e.to_string().contains("no answer within the 0.4 s timeout"),
        "{e}"
    );
}

#[test]
fn a_dropped_body_is_retried_and_a_malformed_one_is_not() {
    let mock = Mock::start();
    mock.fault("GET", "/api/", Fault::DropMidBody);
    let clock = Virtual::new();
    let c = client(&mock, clock.clone(), opts(10.0));
    assert_eq!(c.get_conversation(WEB_ID).unwrap()["id"], WEB_ID);
    assert_eq!(clock.slept().len(), 1);

    mock.fault("GET", "/api/", Fault::Malformed);
    let e = c.get_conversation(WEB_ID).unwrap_err();
    assert!(matches!(e, GenesysError::Malformed { .. }), "{e:?}");
    assert!(e.to_string().contains("invalid JSON"), "{e}");
}

#[test]
fn non_message_conversations_fall_back_to_the_generic_endpoint() {
    let mock = Mock::start();
    let c = client(&mock, Virtual::new(), opts(10.0));
    let conv = c.get_conversation(CALLBACK_ID).unwrap();
    assert_eq!(conv["participants"][0]["purpose"], "customer");
    let paths: Vec<String> = api_requests(&mock).into_iter().map(|s| s.path).collect();
    assert_eq!(
        paths,
        vec![
            format!("/api/v2/conversations/messages/{CALLBACK_ID}"),
            format!("/api/v2/conversations/{CALLBACK_ID}"),
        ]
    );
    let e = c.get_conversation("no-such-conversation").unwrap_err();
    assert_eq!(e.status(), Some(404));
}

#[test]
fn forbidden_names_the_permission_and_the_correlation_id() {
    let mock = Mock::start();
    mock.fault(
        "GET",
        "/api/v2/conversations/messages/",
        Fault::Status(404, "nope"),
    );
    mock.fault(
        "GET",
        "/api/v2/conversations/",
        Fault::Status(403, "Missing permission"),
    );
    let c = client(&mock, Virtual::new(), opts(10.0));
    let e = c.get_conversation(WEB_ID).unwrap_err();
    let GenesysError::Http {
        method,
        path,
        status,
        correlation_id,
        message,
        help,
    } = &e
    else {
        panic!("{e:?}")
    };
    assert_eq!(
        (*method, path.as_str(), *status),
        (
            "GET",
            format!("/api/v2/conversations/{WEB_ID}").as_str(),
            403
        )
    );
    assert!(
        correlation_id
            .as_deref()
            .is_some_and(|c| c.starts_with("corr-"))
    );
    assert_eq!(message.as_deref(), Some("Missing permission"));
    assert!(
        help.as_deref()
            .unwrap_or("")
            .contains("conversation:communication:view")
    );
    let text = e.to_string();
    assert!(
        text.contains("403")
            && text.contains("correlation id")
            && text.contains("Missing permission"),
        "{text}"
    );
}

#[test]
fn wrong_credentials_point_at_the_region() {
    let mock = Mock::start();
    let c = Client::with_clock(
        config(&mock, "wrong-secret-value"),
        &opts(10.0),
        Virtual::new(),
    );
    let e = c.get_conversation(WEB_ID).unwrap_err();
    let GenesysError::Auth { message, help, .. } = &e else {
        panic!("{e:?}")
    };
    assert!(message.contains("invalid_client"), "{message}");
    assert!(help.as_deref().unwrap_or("").contains("GENESYS_REGION"));
    assert!(!format!("{e:?}").contains("wrong-secret-value"));
}

#[test]
fn patch_merges_on_the_messages_endpoint_and_falls_back_to_the_generic_one() {
    let mock = Mock::start();
    let c = client(&mock, Virtual::new(), opts(10.0));
    let attrs: BTreeMap<String, String> = [("Tier".to_string(), "platinum".to_string())].into();
    let body = c
        .patch_participant_attributes(WEB_ID, WEB_CUSTOMER, &attrs)
        .unwrap();
    let body = body.expect("the messages endpoint returns ParticipantAttributes");
    assert_eq!(body["attributes"]["Tier"], "platinum");
    assert_eq!(
        body["attributes"]["Intent"], "billing",
        "merged, not replaced"
    );

    let callback = mock.conversation(CALLBACK_ID).unwrap();
    let pid = callback["participants"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let none = c
        .patch_participant_attributes(CALLBACK_ID, &pid, &attrs)
        .unwrap();
    assert!(
        none.is_none(),
        "the generic endpoint answers 202 with no body"
    );
    let stored = mock.conversation(CALLBACK_ID).unwrap();
    assert_eq!(stored["participants"][0]["attributes"]["Tier"], "platinum");
}

#[test]
fn one_client_is_shared_across_threads_with_one_token() {
    let mock = Mock::start();
    let c = Arc::new(client(
        &mock,
        Arc::new(routecheck::genesys::SystemClock),
        opts(10.0),
    ));
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let c = c.clone();
            std::thread::spawn(move || c.get_conversation(WEB_ID).map(|v| v["id"].clone()))
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap().unwrap(), WEB_ID);
    }
    assert_eq!(mock.tokens().len(), 1);
}

#[test]
fn a_body_over_the_size_limit_is_one_clear_error_without_retry() {
    let mock = Mock::start();
    mock.fault("GET", "/api/", Fault::Oversized(33 * 1024 * 1024));
    let clock = Virtual::new();
    let c = client(&mock, clock.clone(), opts(10.0));
    let e = c.get_conversation(WEB_ID).unwrap_err();
    let text = e.to_string();
    assert!(text.contains("larger than the 32 MiB limit"), "{text}");
    assert!(
        !text.contains("gave up") && !text.contains("broke"),
        "{text}"
    );
    let help = miette::Diagnostic::help(&e).map(|h| h.to_string());
    assert!(
        !help.unwrap_or_default().contains("429"),
        "no rate-limit help"
    );
    assert_eq!(api_requests(&mock).len(), 1, "downloaded once");
    assert!(clock.slept().is_empty(), "no backoff");
}

#[test]
fn a_token_issued_before_a_401_refresh_is_scrubbed_when_echoed() {
    let mock = Mock::start();
    let c = client(&mock, Virtual::new(), opts(10.0));
    c.get_conversation(WEB_ID).unwrap();
    mock.fault("GET", "/api/", Fault::ExpiredToken);
    mock.fault("GET", "/api/", Fault::EchoTokens(400));
    let e = c.get_conversation(WEB_ID).unwrap_err();
    let tokens = mock.tokens();
    assert_eq!(tokens.len(), 2, "refreshed once");
    let shown = format!("{e}\n{e:?}\n{}", routecheck::diag::render(&e, false));
    assert!(shown.contains("tokens seen:"), "{shown}");
    for t in &tokens {
        assert!(!shown.contains(t.as_str()), "token leaked: {shown}");
    }
}
