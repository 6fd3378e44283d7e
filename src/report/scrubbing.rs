//! Scrubbing of run events: a copy of each event with every string passed through
//! [`crate::scrub::text`], so no reporter can print a registered secret. It knows the report's
//! types, so it lives here, above the scrubber (docs/architecture.md).
//!
//! The same copy cuts long texts (after scrubbing, so a cut never splits a secret out of
//! reach) with their length: a 200 KB case name or expected value must not make a 200 KB
//! report in any format (#29).

use crate::diag::{MAX_MESSAGE, SourceDiagnostic, cut, cut_values};
use crate::report::{CaseResult, Event, Failure, Location, Outcome, SuiteInfo};
use crate::scrub::text;

/// A copy of `event` with every string scrubbed: names, files, messages, diagnostics.
/// Reporters see only this copy, so no format (human, JSON, GitHub, JUnit) can leak.
pub fn event(event: &Event) -> Event {
    match event {
        Event::RunStarted { suites } => Event::RunStarted {
            suites: suites
                .iter()
                .map(|s| SuiteInfo {
                    name: own(&s.name),
                    file: own(&s.file),
                    cases: s.cases,
                    flow: s.flow.clone(),
                })
                .collect(),
        },
        Event::Warning(d) => Event::Warning(diagnostic(d)),
        Event::CaseFinished(c) => Event::CaseFinished(CaseResult {
            suite_file: own(&c.suite_file),
            suite_name: own(&c.suite_name),
            case_name: own(&c.case_name),
            location: location(&c.location),
            outcome: outcome(&c.outcome),
            path: c.path.iter().map(|l| value(l)).collect(),
            duration: c.duration,
        }),
        Event::RunFinished(summary) => {
            let mut summary = summary.clone();
            if let Some(cov) = summary.coverage.as_mut() {
                for f in &mut cov.flows {
                    f.name = own(&f.name);
                    f.file = own(&f.file);
                    for b in &mut f.branches {
                        b.label = own(&b.label);
                        b.location = location(&b.location);
                    }
                }
            }
            Event::RunFinished(summary)
        }
        Event::LoadFailed { errors } => Event::LoadFailed {
            errors: errors.iter().map(diagnostic).collect(),
        },
    }
}

/// A copy of a diagnostic with its texts scrubbed (the source text is the file as written:
/// it holds `${VAR}`, never the value).
pub fn diagnostic(d: &SourceDiagnostic) -> SourceDiagnostic {
    let mut d = d.clone();
    d.message = message(&d.message);
    d.label = d.label.as_deref().map(message);
    d.help = d.help.as_deref().map(message);
    d
}

/// A name (case, suite, file, branch label) longer than this many characters is cut.
const MAX_NAME: usize = 200;
/// An expected or actual value, a note or a path line longer than this is cut.
const MAX_VALUE: usize = 500;
/// A rendered error (its snippet included) longer than this is cut.
const MAX_RENDERED: usize = 4 * MAX_MESSAGE;

fn own(s: &str) -> String {
    cut(&text(s), MAX_NAME)
}

fn value(s: &str) -> String {
    cut(&text(s), MAX_VALUE)
}

fn message(s: &str) -> String {
    cut_values(text(s).into_owned())
}

fn location(l: &Location) -> Location {
    Location {
        file: own(&l.file),
        ..l.clone()
    }
}

fn outcome(o: &Outcome) -> Outcome {
    let opt = |t: &Option<String>| t.as_deref().map(value);
    match o {
        Outcome::Passed => Outcome::Passed,
        Outcome::Failed { failures } => Outcome::Failed {
            failures: failures
                .iter()
                .map(|f| Failure {
                    message: message(&f.message),
                    expected: opt(&f.expected),
                    actual: opt(&f.actual),
                    location: location(&f.location),
                    notes: f.notes.iter().map(|n| value(n)).collect(),
                })
                .collect(),
        },
        Outcome::Error {
            message,
            location: l,
        } => Outcome::Error {
            message: cut(&text(message), MAX_RENDERED),
            location: l.as_ref().map(location),
        },
        Outcome::Skipped { reason } => Outcome::Skipped {
            reason: message(reason),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scrub::register;

    #[test]
    fn case_and_suite_names_are_scrubbed_in_events() {
        register("scrub-test-name-token");
        let e = event(&Event::RunStarted {
            suites: vec![SuiteInfo {
                name: "suite scrub-test-name-token".into(),
                file: "f.yaml".into(),
                cases: 1,
                flow: None,
            }],
        });
        let Event::RunStarted { suites } = e else {
            panic!("same variant")
        };
        assert_eq!(suites[0].name, "suite [redacted]");
    }
}
