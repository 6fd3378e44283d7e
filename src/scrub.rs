//! One scrubber for every output: the values that must never be printed (the client secret,
//! its Basic credential, every access token issued during the run, the values of
//! secret-named `${VAR}`s interpolated into rules files) are registered once, where they
//! enter the process, and every edge that writes text (the reporters, through
//! [`event`]; the diagnostic renderer and stderr messages, through [`text`]) replaces them.
//!
//! The registry is process-wide on purpose: a token issued before a 401 refresh is no longer
//! held by the client, yet a server may still echo it, and a secret interpolated into a case
//! name travels in many structs. Scrubbing at the edge covers them all without threading the
//! list through every layer.

use std::borrow::Cow;
use std::sync::RwLock;

use crate::diag::SourceDiagnostic;
use crate::report::{CaseResult, Event, Failure, Location, Outcome, SuiteInfo};

/// What replaces a secret value.
pub const REDACTED: &str = "[redacted]";

/// Shorter values are not scrubbed: they cannot be real credentials, and replacing them
/// would mangle ordinary text (an `${API_TOKEN}` of `1`).
const MIN_LEN: usize = 4;

/// Registered values, longest first (a secret containing another is replaced whole).
static SECRETS: RwLock<Vec<String>> = RwLock::new(Vec::new());

/// Remember a value that must never be printed, for the rest of the process.
pub fn register(value: &str) {
    if value.chars().count() < MIN_LEN {
        return;
    }
    let mut secrets = match SECRETS.write() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    };
    if secrets.iter().any(|s| s == value) {
        return;
    }
    secrets.push(value.to_string());
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
}

/// `text` with every registered value replaced by [`REDACTED`].
pub fn text(text: &str) -> Cow<'_, str> {
    let secrets = match SECRETS.read() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    };
    let mut out = Cow::Borrowed(text);
    for s in secrets.iter() {
        if out.contains(s.as_str()) {
            out = Cow::Owned(out.replace(s.as_str(), REDACTED));
        }
    }
    out
}

/// Text a server sent (an error message, a close reason, an error code) with every control
/// character escaped as Rust writes it (`\r`, `\n`, `\u{1b}`): a bare carriage return
/// or an escape sequence from the network cannot move the cursor or rewrite a line the
/// user reads, on a terminal or in a CI log.
pub fn control(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

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
            path: c.path.iter().map(|l| own(l)).collect(),
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
    d.message = own(&d.message);
    d.label = d.label.as_deref().map(own);
    d.help = d.help.as_deref().map(own);
    d
}

fn own(s: &str) -> String {
    text(s).into_owned()
}

fn location(l: &Location) -> Location {
    Location {
        file: own(&l.file),
        ..l.clone()
    }
}

fn outcome(o: &Outcome) -> Outcome {
    let opt = |t: &Option<String>| t.as_deref().map(own);
    match o {
        Outcome::Passed => Outcome::Passed,
        Outcome::Failed { failures } => Outcome::Failed {
            failures: failures
                .iter()
                .map(|f| Failure {
                    message: own(&f.message),
                    expected: opt(&f.expected),
                    actual: opt(&f.actual),
                    location: location(&f.location),
                    notes: f.notes.iter().map(|n| own(n)).collect(),
                })
                .collect(),
        },
        Outcome::Error {
            message,
            location: l,
        } => Outcome::Error {
            message: own(message),
            location: l.as_ref().map(location),
        },
        Outcome::Skipped { reason } => Outcome::Skipped {
            reason: own(reason),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The registry is process-wide; each test uses values no other test registers.
    #[test]
    fn registered_values_are_scrubbed_longest_first() {
        register("scrub-test-secret");
        register("scrub-test-secret-longer");
        register("abc"); // too short: ignored
        assert_eq!(
            text("a scrub-test-secret-longer b scrub-test-secret c abc"),
            "a [redacted] b [redacted] c abc"
        );
        assert!(matches!(text("nothing here"), Cow::Borrowed(_)));
    }

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

    #[test]
    fn server_text_has_every_control_character_escaped() {
        assert_eq!(control("plain ünïcode"), "plain ünïcode");
        assert_eq!(
            control("ok\rFAKE PASS\n\u{1b}[2J\u{7f}\u{9b}"),
            "ok\\rFAKE PASS\\n\\u{1b}[2J\\u{7f}\\u{9b}"
        );
    }
}
