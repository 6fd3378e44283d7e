//! The run's event stream and the data it carries.

use std::time::Duration;

use serde::Serialize;

use crate::diag::SourceDiagnostic;

pub use crate::flow::coverage::{Branch, FlowCoverage};
pub use crate::source::Location;

/// One rules file, as announced before the run.
#[derive(Debug, Clone, Serialize)]
pub struct SuiteInfo {
    /// `suite:` or the file name.
    pub name: String,
    /// The rules file path.
    pub file: String,
    /// Cases selected to run in this file (after `--run` and `--shard`).
    pub cases: usize,
    /// The flow file this rules file simulates (`FlowCoverage::file`), if any: its
    /// coverage is reported with this suite.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flow: Option<String>,
}

/// One expectation that did not hold.
#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    /// What was checked and how it failed, e.g. `condition Flow.Tier == "platinum" was false`.
    pub message: String,
    /// The expected value, rendered, where there is one.
    pub expected: Option<String>,
    /// The actual value, rendered, where there is one.
    pub actual: Option<String>,
    /// The failing expectation in the rules file.
    pub location: Location,
    /// Extra lines: the flow path taken, a hint (case mismatch, legacy `context.` prefix).
    pub notes: Vec<String>,
}

/// How a case ended.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum Outcome {
    /// Every expectation held.
    Passed,
    /// One or more expectations did not hold.
    Failed {
        /// All failing expectations, in file order.
        failures: Vec<Failure>,
    },
    /// The case could not run (missing stub, live fetch failed, …).
    Error {
        /// What stopped it, rendered (already located).
        message: String,
        /// Where, if known.
        location: Option<Location>,
    },
    /// Not run (e.g. `--fail-fast` after an earlier failure).
    Skipped {
        /// Why.
        reason: String,
    },
}

/// One case's result.
#[derive(Debug, Clone, Serialize)]
pub struct CaseResult {
    /// The rules file.
    pub suite_file: String,
    /// The suite name.
    pub suite_name: String,
    /// The case name (unique in its file).
    pub case_name: String,
    /// Where the case starts in the rules file.
    pub location: Location,
    /// How it ended.
    pub outcome: Outcome,
    /// The flow path the case took, one rendered step a line then the route (`test -v`
    /// asks for it; empty otherwise, and for cases that simulate no flow).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub path: Vec<String>,
    /// Wall time spent on it.
    #[serde(serialize_with = "ser_secs")]
    pub duration: Duration,
}

/// Coverage of every flow the run simulated.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Coverage {
    /// Per flow, in the order first used.
    pub flows: Vec<FlowCoverage>,
    /// `--min-coverage`: a flow below it fails the run, so every reporter must say so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_percent: Option<f64>,
}

impl Coverage {
    /// Whether this flow is below `min_percent`.
    pub fn is_short(&self, flow: &FlowCoverage) -> bool {
        self.min_percent.is_some_and(|min| flow.percent() < min)
    }

    /// The flows below `min_percent`, each with the sentence that says why the run failed.
    pub fn shortfalls(&self) -> Vec<(&FlowCoverage, String)> {
        let Some(min) = self.min_percent else {
            return Vec::new();
        };
        self.flows
            .iter()
            .filter(|f| f.percent() < min)
            .map(|f| {
                let hit = f.branches.iter().filter(|b| b.hit).count();
                let msg = format!(
                    "branch coverage of flow \"{}\" ({}) is {:.1}% ({hit}/{} branches), below --min-coverage {min}",
                    f.name,
                    f.file,
                    f.percent(),
                    f.branches.len()
                );
                (f, msg)
            })
            .collect()
    }
}

/// Totals at the end of a run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Cases passed.
    pub passed: usize,
    /// Cases failed.
    pub failed: usize,
    /// Cases that could not run.
    pub errors: usize,
    /// Cases skipped.
    pub skipped: usize,
    /// Warnings reported (load warnings and attribute near misses); `--deny-warnings`
    /// makes any of them fail the run.
    #[serde(default)]
    pub warnings: usize,
    /// YAML files discovery skipped because their top level has no `cases:`.
    #[serde(default)]
    pub non_rules_files: usize,
    /// Wall time of the whole run.
    #[serde(serialize_with = "ser_secs")]
    pub duration: Duration,
    /// Present when `--coverage` was asked for.
    pub coverage: Option<Coverage>,
}

/// What the runner tells reporters, in this order: `RunStarted`, then any number of
/// `Warning` and `CaseFinished` (cases finish in any order when run in parallel; each
/// suite's cases are delivered in file order), then `RunFinished`. A run that cannot
/// start (load or compile errors) sends `LoadFailed` and nothing else.
#[derive(Debug, Clone)]
pub enum Event {
    /// Files loaded and compiled; cases about to run.
    RunStarted {
        /// Every suite with at least one selected case, in path order.
        suites: Vec<SuiteInfo>,
    },
    /// A non-fatal diagnostic from loading (legacy syntax, suspicious key).
    Warning(SourceDiagnostic),
    /// One case finished.
    CaseFinished(CaseResult),
    /// The run ended.
    RunFinished(Summary),
    /// Nothing ran: these load/compile errors (all of them) stopped the run. Exit 2.
    LoadFailed {
        /// Every error, located.
        errors: Vec<SourceDiagnostic>,
    },
}

/// A consumer of the event stream.
pub trait Reporter: Send {
    /// Handle one event.
    fn event(&mut self, event: &Event) -> std::io::Result<()>;

    /// Write out what [`Reporter::event`] kept buffered. The runner calls this after each
    /// batch of finished cases and before a warning (which another reporter may write to
    /// the other stream), so output arrives as cases finish and in the order it was made,
    /// without a write per case line.
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn ser_secs<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}
