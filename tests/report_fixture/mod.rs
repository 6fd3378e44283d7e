//! The one realistic run every reporter is fed (ruff-style shared fixture), so the
//! human, JSON, GitHub and JUnit outputs are snapshotted from the same events.
#![allow(dead_code)] // each test binary (and the junit_sample example) uses a part

use std::io::{self, Write};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use routecheck::diag::{SourceDiagnostic, SourceFile};
use routecheck::report::{
    Branch, CaseResult, Coverage, Event, Failure, FlowCoverage, Location, Outcome, Reporter,
    SuiteInfo, Summary,
};

pub const VIP_FILE: &str = "rules/vip-routing.yaml";
pub const HOURS_FILE: &str = "rules/after-hours.yaml";

const VIP_RULES: &str = r#"suite: VIP routing
flow: flows/inbound.yaml
cases:
  - name: platinum customer goes to VIP queue
    conversation: fixtures/platinum.json
    expect:
      queue: VIP Support
  - name: gold customer keeps context
    conversation: fixtures/gold.json
    expect:
      queue: VIP Support
      attributes:
        tier: gold
"#;

const HOURS_RULES: &str = r#"suite: after hours
cases:
  - name: closed on weekends
    when: context.tier == "gold"
"#;

fn loc(file: &str, line: usize, col: usize) -> Location {
    Location {
        file: file.into(),
        line,
        col,
    }
}

fn case(file: &str, suite: &str, name: &str, line: usize, ms: u64, outcome: Outcome) -> Event {
    Event::CaseFinished(CaseResult {
        suite_file: file.into(),
        suite_name: suite.into(),
        case_name: name.into(),
        location: loc(file, line, 5),
        outcome,
        path: Vec::new(),
        duration: Duration::from_millis(ms),
    })
}

/// A warning about the legacy `context.` prefix in the after-hours rules.
pub fn legacy_warning() -> SourceDiagnostic {
    let src = SourceFile::new(HOURS_FILE, HOURS_RULES);
    let start = HOURS_RULES.find("context.tier").unwrap_or(0);
    SourceDiagnostic::warning(
        &src,
        (start, start + "context.tier".len()),
        "legacy `context.` prefix in an attribute name",
    )
    .with_label("Genesys participant attributes are flat: this reads `context.tier`")
    .with_help("write `Participant.tier` (or the attribute's plain name)")
    .with_code("routecheck::rules::legacy-context")
}

/// Two suites: passed, failed (one short and one long multi-line mismatch), errored and
/// skipped cases, a warning and branch coverage.
pub fn run() -> Vec<Event> {
    let expected_attrs = "{\n  \"tier\": \"gold\",\n  \"language\": \"en-US\",\n  \"intent\": \"billing\",\n  \"region\": \"emea\"\n}";
    let actual_attrs = "{\n  \"tier\": \"Gold\",\n  \"language\": \"en-US\",\n  \"intent\": \"billing\",\n  \"channel\": \"web\"\n}";
    vec![
        Event::RunStarted {
            suites: vec![
                SuiteInfo {
                    name: "after hours".into(),
                    file: HOURS_FILE.into(),
                    cases: 2,
                    flow: None,
                },
                SuiteInfo {
                    name: "VIP routing".into(),
                    file: VIP_FILE.into(),
                    cases: 3,
                    flow: Some("flows/inbound.yaml".into()),
                },
            ],
        },
        Event::Warning(legacy_warning()),
        case(
            VIP_FILE,
            "VIP routing",
            "platinum customer goes to VIP queue",
            4,
            12,
            Outcome::Passed,
        ),
        case(
            VIP_FILE,
            "VIP routing",
            "gold customer keeps context",
            8,
            31,
            Outcome::Failed {
                failures: vec![
                    Failure {
                        message: "queue: the flow transferred to another queue".into(),
                        expected: Some("VIP Support".into()),
                        actual: Some("General Support".into()),
                        location: loc(VIP_FILE, 11, 14),
                        notes: vec![
                            "flow path: Initial State → Get Participant Data → decision \"Is VIP?\" no → Transfer to ACD".into(),
                            "Flow.Tier is \"Gold\": string comparison with == is case-sensitive".into(),
                        ],
                    },
                    Failure {
                        message: "attributes: the customer's participant attributes differ".into(),
                        expected: Some(expected_attrs.into()),
                        actual: Some(actual_attrs.into()),
                        location: loc(VIP_FILE, 12, 7),
                        notes: vec![],
                    },
                ],
            },
        ),
        case(
            VIP_FILE,
            "VIP routing",
            "missing tier is an error, 100% of the time: see notes",
            15,
            2,
            Outcome::Error {
                message: "fixtures/no-customer.json: no participant with purpose `customer`\nparticipants found: acd, agent".into(),
                location: Some(loc(VIP_FILE, 16, 19)),
            },
        ),
        case(HOURS_FILE, "after hours", "closed on weekends", 3, 7, Outcome::Passed),
        case(
            HOURS_FILE,
            "after hours",
            "holiday schedule",
            6,
            0,
            Outcome::Skipped {
                reason: "--fail-fast: an earlier case failed".into(),
            },
        ),
        Event::RunFinished(Summary {
            passed: 2,
            failed: 1,
            errors: 1,
            skipped: 1,
            warnings: 1,
            duration: Duration::from_millis(254),
            non_rules_files: 0,
            coverage: Some(Coverage {
                flows: vec![FlowCoverage {
                    file: "flows/inbound.yaml".into(),
                    name: "Inbound web messaging".into(),
                    branches: vec![
                        Branch {
                            label: "decision \"Is VIP?\" yes".into(),
                            location: loc("flows/inbound.yaml", 21, 11),
                            hit: true,
                        },
                        Branch {
                            label: "decision \"Is VIP?\" no".into(),
                            location: loc("flows/inbound.yaml", 21, 11),
                            hit: true,
                        },
                        Branch {
                            label: "switch \"Route by intent\" case 2".into(),
                            location: loc("flows/inbound.yaml", 34, 11),
                            hit: false,
                        },
                        Branch {
                            label: "callData \"Lookup\" failure".into(),
                            location: loc("flows/inbound.yaml", 48, 11),
                            hit: true,
                        },
                    ],
                }],
                // Below the flow's 75%: every reporter must show the run failing on it.
                min_percent: Some(80.0),
            }),
        }),
    ]
}

/// A run that could not start: two located errors in one rules file.
pub fn load_failed() -> Vec<Event> {
    let text = "suite: broken\ncases:\n  - name: a\n    expct:\n      queue: VIP\n    when: Flow.Tier == \"gold\n";
    let src = SourceFile::new("rules/broken.yaml", text);
    let key = text.find("expct").unwrap_or(0);
    let quote = text.find("\"gold").unwrap_or(0);
    vec![Event::LoadFailed {
        errors: vec![
            SourceDiagnostic::error(&src, (key, key + 5), "unknown key `expct`")
                .with_label("not a case key")
                .with_help("did you mean `expect`?")
                .with_code("routecheck::rules::unknown-key"),
            SourceDiagnostic::error(&src, (quote, quote + 5), "unterminated string")
                .with_label("this string is never closed")
                .with_code("routecheck::expr::syntax"),
        ],
    }]
}

/// A `Write` the test keeps a handle to after giving the reporter its box.
#[derive(Clone, Default)]
pub struct SharedBuf(Arc<Mutex<Vec<u8>>>);

impl SharedBuf {
    pub fn text(&self) -> String {
        let bytes = self.0.lock().map(|b| b.clone()).unwrap_or_default();
        String::from_utf8(bytes).expect("reporters write UTF-8")
    }
}

impl Write for SharedBuf {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| io::Error::other("poisoned"))?
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Feed `events` to `reporter`.
pub fn feed(reporter: &mut dyn Reporter, events: &[Event]) -> io::Result<()> {
    for e in events {
        reporter.event(e)?;
    }
    Ok(())
}
