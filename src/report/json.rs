//! The JSON reporter: one document per run for scripts, shape documented in
//! docs/json-output.md (bump `version` on any incompatible change).

use std::io::{self, Write};

use serde::Serialize;

use super::collect::Suites;
use super::text;
use super::{Branch, CaseResult, Coverage, Event, Failure, Location, Outcome, Reporter, Summary};
use crate::diag::{Severity, SourceDiagnostic};

/// The version of the document's shape.
pub const VERSION: u32 = 1;

/// Collects the run and writes it as one JSON document at `RunFinished` or `LoadFailed`.
pub struct Json {
    out: Box<dyn Write + Send>,
    suites: Suites,
    warnings: Vec<JsonDiagnostic>,
}

impl Json {
    /// Write the document to `out`.
    pub fn new(out: Box<dyn Write + Send>) -> Self {
        Json {
            out,
            suites: Suites::default(),
            warnings: Vec::new(),
        }
    }
}

fn write_doc(out: &mut dyn Write, doc: &Document<'_>) -> io::Result<()> {
    // The serializer writes token by token: buffered, a 10k-case document is a few hundred
    // writes instead of one per token.
    let mut buf = io::BufWriter::with_capacity(64 * 1024, &mut *out);
    serde_json::to_writer_pretty(&mut buf, doc)?;
    writeln!(buf)?;
    buf.flush()?;
    drop(buf);
    out.flush()
}

impl Reporter for Json {
    fn event(&mut self, event: &Event) -> io::Result<()> {
        match event {
            Event::RunStarted { suites } => {
                for s in suites {
                    self.suites.announce(s);
                }
                Ok(())
            }
            Event::Warning(d) => {
                self.warnings.push(JsonDiagnostic::from(d));
                Ok(())
            }
            Event::CaseFinished(case) => {
                self.suites.add(case);
                Ok(())
            }
            Event::RunFinished(summary) => {
                // Mirrors the exit code: a case that could not run is exit 2, not a plain failure.
                let status = if summary.errors > 0 {
                    "error"
                } else if summary.failed > 0
                    || summary
                        .coverage
                        .as_ref()
                        .is_some_and(|c| !c.shortfalls().is_empty())
                {
                    "failed"
                } else {
                    "passed"
                };
                let suites = suites_json(&self.suites);
                let warnings = std::mem::take(&mut self.warnings);
                write_doc(
                    &mut self.out,
                    &Document {
                        version: VERSION,
                        status,
                        suites,
                        warnings,
                        errors: Vec::new(),
                        summary: JsonSummary::from(summary),
                        coverage: summary.coverage.as_ref().map(JsonCoverage::from),
                    },
                )
            }
            Event::LoadFailed { errors } => {
                let warnings = std::mem::take(&mut self.warnings);
                let warnings_seen = warnings.len();
                write_doc(
                    &mut self.out,
                    &Document {
                        version: VERSION,
                        status: "load_failed",
                        suites: Vec::new(),
                        warnings,
                        errors: errors.iter().map(JsonDiagnostic::from).collect(),
                        // Counted as the human and JUnit reports count them.
                        summary: JsonSummary {
                            errors: errors.len().max(1),
                            warnings: warnings_seen,
                            ..JsonSummary::default()
                        },
                        coverage: None,
                    },
                )
            }
        }
    }
}

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    status: &'static str,
    suites: Vec<JsonSuite<'a>>,
    warnings: Vec<JsonDiagnostic>,
    errors: Vec<JsonDiagnostic>,
    summary: JsonSummary,
    coverage: Option<JsonCoverage<'a>>,
}

#[derive(Serialize)]
struct JsonCoverage<'a> {
    flows: Vec<JsonFlow<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    min_percent: Option<f64>,
}

#[derive(Serialize)]
struct JsonFlow<'a> {
    name: &'a str,
    file: &'a str,
    percent: f64,
    reached: usize,
    total: usize,
    /// Below `min_percent`: the run fails (exit 1).
    below_min: bool,
    branches: &'a [Branch],
}

impl<'a> From<&'a Coverage> for JsonCoverage<'a> {
    fn from(c: &'a Coverage) -> Self {
        JsonCoverage {
            min_percent: c.min_percent,
            flows: c
                .flows
                .iter()
                .map(|f| {
                    let (reached, total) = text::branch_counts(f);
                    JsonFlow {
                        name: &f.name,
                        file: &f.file,
                        // One decimal, like the human output, so the value is stable.
                        percent: (f.percent() * 10.0).round() / 10.0,
                        reached,
                        total,
                        below_min: c.is_short(f),
                        branches: &f.branches,
                    }
                })
                .collect(),
        }
    }
}

#[derive(Serialize)]
struct JsonSuite<'a> {
    name: &'a str,
    file: &'a str,
    cases: Vec<JsonCase<'a>>,
}

#[derive(Serialize)]
struct JsonCase<'a> {
    name: &'a str,
    location: &'a Location,
    status: &'static str,
    duration: f64,
    failures: &'a [Failure],
    error: Option<JsonError<'a>>,
    skip_reason: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonError<'a> {
    message: &'a str,
    location: Option<&'a Location>,
}

impl<'a> From<&'a CaseResult> for JsonCase<'a> {
    fn from(c: &'a CaseResult) -> Self {
        let (status, failures, error, skip_reason): (_, &[Failure], _, _) = match &c.outcome {
            Outcome::Passed => ("passed", &[], None, None),
            Outcome::Failed { failures } => ("failed", failures, None, None),
            Outcome::Error { message, location } => (
                "error",
                &[],
                Some(JsonError {
                    message,
                    location: location.as_ref(),
                }),
                None,
            ),
            Outcome::Skipped { reason } => ("skipped", &[], None, Some(reason.as_str())),
        };
        JsonCase {
            name: &c.case_name,
            location: &c.location,
            status,
            duration: c.duration.as_secs_f64(),
            failures,
            error,
            skip_reason,
        }
    }
}

/// A diagnostic as every JSON document writes it (docs/json-output.md).
#[derive(Serialize)]
pub struct JsonDiagnostic {
    severity: &'static str,
    code: Option<String>,
    message: String,
    location: Location,
    label: Option<String>,
    help: Option<String>,
}

impl From<&SourceDiagnostic> for JsonDiagnostic {
    fn from(d: &SourceDiagnostic) -> Self {
        JsonDiagnostic {
            severity: match d.severity {
                Severity::Info => "info",
                Severity::Warning => "warning",
                Severity::Error => "error",
            },
            code: d.code.clone(),
            message: d.message.clone(),
            location: text::diag_location(d),
            label: d.label.clone(),
            help: d.help.clone(),
        }
    }
}

#[derive(Serialize, Default)]
struct JsonSummary {
    passed: usize,
    failed: usize,
    errors: usize,
    skipped: usize,
    warnings: usize,
    non_rules_files: usize,
    /// Flows below `--min-coverage` (each also has `below_min: true`).
    coverage_shortfalls: usize,
    duration: f64,
}

impl From<&Summary> for JsonSummary {
    fn from(s: &Summary) -> Self {
        JsonSummary {
            passed: s.passed,
            failed: s.failed,
            errors: s.errors,
            skipped: s.skipped,
            warnings: s.warnings,
            non_rules_files: s.non_rules_files,
            coverage_shortfalls: s.coverage.as_ref().map_or(0, |c| c.shortfalls().len()),
            duration: s.duration.as_secs_f64(),
        }
    }
}

fn suites_json(suites: &Suites) -> Vec<JsonSuite<'_>> {
    suites
        .list
        .iter()
        .map(|s| JsonSuite {
            name: &s.name,
            file: &s.file,
            cases: s.cases.iter().map(JsonCase::from).collect(),
        })
        .collect()
}
