//! The org's NLU detect endpoint through the Genesys client, against the in-process mock
//! serving the documented `NluDetectionResponse` shape and injecting faults: 429 with
//! Retry-After, 5xx, a malformed body, 401 and 403. Errors name the call and never a secret.

use crate::support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use routecheck::genesys::region::Hosts;
use routecheck::genesys::{Client, Clock, Config, GenesysError, LiveOptions, Secret};
use serde_json::json;
use support::{CLIENT_ID, CLIENT_SECRET, Fault, Mock};

const DOMAIN: &str = "3a1d5f7e-domain";
const VERSION: &str = "9b2c4e6f-version";
const DETECT: &str = "/api/v2/languageunderstanding/domains/";

/// Virtual time: a sleep advances it at once and is recorded.
#[derive(Debug)]
struct Virtual {
    now: Mutex<Instant>,
    sleeps: Mutex<Vec<Duration>>,
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

fn client(mock: &Mock) -> (Client, Arc<Virtual>) {
    let clock = Arc::new(Virtual {
        now: Mutex::new(Instant::now()),
        sleeps: Mutex::new(vec![]),
    });
    let config = Config {
        client_id: CLIENT_ID.into(),
        client_secret: Secret::new(CLIENT_SECRET),
        hosts: Hosts {
            api_base: mock.base.clone(),
            login_base: mock.base.clone(),
        },
    };
    let opts = LiveOptions {
        max_retry_time: Duration::from_secs(60),
        rate_limit: 6000,
        timeout: Duration::from_secs(5),
    };
    (Client::with_clock(config, &opts, clock.clone()), clock)
}

fn order_status(mock: &Mock) {
    mock.detects(
        "where's my parcel 12345678",
        json!([
            {"name": "Cancel Order", "probability": 0.04, "entities": []},
            {"name": "Check Order Status", "probability": 0.93, "entities": [
                {"name": "OrderNumber", "entityType": "OrderNumberType", "probability": 0.88,
                 "value": {"raw": "12345678", "resolved": "12345678"}}]}
        ]),
    );
}

fn no_secret(text: &str, mock: &Mock) {
    assert!(!text.contains(CLIENT_SECRET), "{text}");
    for t in mock.tokens() {
        assert!(!text.contains(&t), "token in {text}");
    }
}

#[test]
fn detect_reads_the_documented_answer_most_probable_first() {
    let mock = Mock::start();
    order_status(&mock);
    let (c, _) = client(&mock);
    let got = c
        .detect(DOMAIN, VERSION, "where's my parcel 12345678", Some("en-us"))
        .unwrap();
    assert_eq!(got[0].name, "Check Order Status");
    assert_eq!(got[0].probability, Some(0.93));
    assert_eq!(got[0].entities[0].name, "OrderNumber");
    assert_eq!(got[0].entities[0].resolved.as_deref(), Some("12345678"));
    assert_eq!(got[1].name, "Cancel Order");
    let nothing = c.detect(DOMAIN, VERSION, "purple monkey", None).unwrap();
    assert!(nothing.is_empty());
    let seen = mock.seen();
    let path = format!("{DETECT}{DOMAIN}/versions/{VERSION}/detect");
    assert!(
        seen.iter()
            .filter(|s| s.path.starts_with(DETECT))
            .all(|s| s.method == "POST" && s.path == path && s.status == 200),
        "{seen:?}"
    );
}

#[test]
fn a_429_waits_its_retry_after_and_a_503_is_retried() {
    let mock = Mock::start();
    order_status(&mock);
    mock.fault("POST", DETECT, Fault::RateLimited(3));
    mock.fault("POST", DETECT, Fault::Unavailable);
    let (c, clock) = client(&mock);
    let got = c
        .detect(DOMAIN, VERSION, "where's my parcel 12345678", None)
        .unwrap();
    assert_eq!(got[0].name, "Check Order Status");
    let slept = clock.sleeps.lock().unwrap().clone();
    assert!(slept.contains(&Duration::from_secs(3)), "{slept:?}");
    let statuses: Vec<u16> = mock
        .seen()
        .iter()
        .filter(|s| s.path.starts_with(DETECT))
        .map(|s| s.status)
        .collect();
    assert_eq!(statuses, vec![429, 503, 200]);
}

#[test]
fn a_malformed_answer_is_a_clear_error_not_a_no_match() {
    let mock = Mock::start();
    mock.fault("POST", DETECT, Fault::Malformed);
    let (c, _) = client(&mock);
    let e = c.detect(DOMAIN, VERSION, "hi", None).unwrap_err();
    assert!(matches!(e, GenesysError::Malformed { .. }), "{e:?}");
    let msg = e.to_string();
    assert!(msg.contains("POST") && msg.contains("/detect"), "{msg}");
    // A 200 that is JSON but no detection (a proxy's `{}`) is malformed too.
    mock.fault("POST", DETECT, Fault::Oversized(40));
    let e = c.detect(DOMAIN, VERSION, "hi", None).unwrap_err();
    assert!(e.to_string().contains("no `output`"), "{e}");
}

#[test]
fn a_refused_token_and_a_missing_permission_say_what_to_do_without_a_secret() {
    let mock = Mock::start();
    mock.fault("POST", DETECT, Fault::EchoTokens(401));
    mock.fault("POST", DETECT, Fault::EchoTokens(401));
    let (c, _) = client(&mock);
    let e = c.detect(DOMAIN, VERSION, "hi", None).unwrap_err();
    assert_eq!(e.status(), Some(401), "{e:?}");
    let shown = format!("{e} {e:?}");
    no_secret(&shown, &mock);
    mock.fault(
        "POST",
        DETECT,
        Fault::Status(403, "missing.any.permissions"),
    );
    let e = c.detect(DOMAIN, VERSION, "hi", None).unwrap_err();
    let help = match &e {
        GenesysError::Http { help, .. } => help.clone().unwrap_or_default(),
        other => panic!("{other:?}"),
    };
    assert!(
        help.contains("languageUnderstanding:nluDomainVersion:view"),
        "{help}"
    );
    no_secret(&format!("{e} {e:?}"), &mock);
}
