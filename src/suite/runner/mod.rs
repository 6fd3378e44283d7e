//! The runner: load and compile every rules file first, then stream cases through their
//! fixtures in parallel and hand results to the reporters in a deterministic order.
//!
//! Memory stays flat however many fixtures there are: cases are grouped by fixture, each
//! fixture is read and parsed once, its cases evaluated, and the parsed conversation
//! dropped before the worker takes the next group. Results flow over a channel to the
//! calling thread, which releases them in (file, case) order.

use std::collections::BTreeSet;
use std::io;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use regex::Regex;

use super::load::VarOverrides;
use super::model::{FixtureRef, GuestRef, Suite};
use super::prefetch::Prefetch;
use crate::diag::SourceDiagnostic;
use crate::expr::{DateTime, Directory};
use crate::flow::Flow;
use crate::guest::{GuestError, GuestRun};
use crate::report::{Event, Reporter, Summary};

mod discover;
mod execute;
mod group;
mod shard;

use discover::usage_diag;
pub use discover::{collect_files, discover, is_rules_file, load, select};
use execute::execute;
pub use group::redact;
pub use shard::Shard;

/// Where a case's conversation JSON comes from: files today; live mode implements this
/// for `FixtureRef::Conversation` ids (fetch from the API) without touching the runner.
pub trait FixtureSource: Send + Sync {
    /// The conversation's JSON text, or why it cannot be had (lowercase, no location).
    fn read(&self, fixture: &FixtureRef) -> Result<String, String>;

    /// Called once before any read with every distinct fixture the run needs: a source
    /// that needs setup (credentials for live conversations) does it here, so a missing
    /// credential stops the run with one clear error instead of failing every case.
    fn prepare(&self, _needed: &[&FixtureRef]) -> Result<(), Box<SourceDiagnostic>> {
        Ok(())
    }

    /// Whether `read` of a `FixtureRef::File` is plain [`FileSource`] reading, so the
    /// runner may read those files while the rules are still loading (see `prefetch`).
    fn reads_files(&self) -> bool {
        false
    }

    /// A `guest:` case: its session and what the Platform API says of the conversation
    /// (`route`: resolve the queue reached). Only live mode drives guests.
    fn guest(
        &self,
        guest: &GuestRef,
        _directory: &Directory,
        _route: bool,
    ) -> Result<GuestRun, GuestError> {
        Err(GuestError::Config {
            message: format!(
                "case `{}` drives a live Web Messaging guest: that needs live mode (`routecheck test` with credentials)",
                guest.case
            ),
            help: "set GENESYS_CLIENT_ID, GENESYS_CLIENT_SECRET and GENESYS_REGION".into(),
            at: crate::guest::Part::Guest,
        })
    }
}

/// Reads `FixtureRef::File`; refuses conversation ids (they need live mode).
#[derive(Debug, Clone, Copy, Default)]
pub struct FileSource;

impl FixtureSource for FileSource {
    fn reads_files(&self) -> bool {
        true
    }

    fn read(&self, fixture: &FixtureRef) -> Result<String, String> {
        match fixture {
            FixtureRef::File { canonical, display } => crate::source::read_text(canonical)
                .map_err(|e| format!("{display}: cannot read: {e}")),
            FixtureRef::Conversation(id) => Err(format!(
                "conversation {id} is live: fetching it needs credentials (live mode)"
            )),
            FixtureRef::Guest(g) => Err(format!(
                "case `{}` drives a live guest: its conversation comes from the session",
                g.case
            )),
            FixtureRef::Synthetic(text) => Ok(text.clone()),
        }
    }
}

/// Everything a run needs, validated by the caller (the CLI, `trace`, live mode).
#[derive(Clone)]
pub struct RunConfig {
    /// Rules files or directories (walked for *.yaml / *.yml, sorted).
    pub paths: Vec<PathBuf>,
    /// `--run`: cases whose name or suite name matches.
    pub filter: Option<Regex>,
    /// `--fail-fast`: skip cases not yet started once one fails.
    pub fail_fast: bool,
    /// `--shard K/N`.
    pub shard: Option<Shard>,
    /// `--var NAME=VALUE`.
    pub vars: VarOverrides,
    /// routecheck.yaml's `vars:`: placeholder values under every rules file's own
    /// `vars:` (unused ones are not an error, unlike `--var`).
    pub project_vars: VarOverrides,
    /// `--now`: the clock of every case without its own `now:`; `None` reads the wall
    /// clock once for the run (expressions may use it; schedules may not).
    pub now: Option<DateTime>,
    /// Lookup directory (queues, users, skills).
    pub directory: Directory,
    /// Where fixtures are read from.
    pub source: Arc<dyn FixtureSource>,
    /// `--conversation ID`: every case reads this live conversation instead of its fixture.
    pub conversation: Option<String>,
    /// `--coverage`: report branch coverage of every flow the run simulated (per shard
    /// with `--shard`: each shard sees only its own cases).
    pub coverage: bool,
    /// `--min-coverage PCT`: fail the run when a flow's branch coverage is below it.
    pub min_coverage: Option<f64>,
    /// routecheck.yaml's `stubs:` files: every simulated flow's stubs, under the rules
    /// file's and the case's own.
    pub stubs: Vec<PathBuf>,
    /// Directories discovery does not enter (canonical; `exclude:` of routecheck.yaml).
    pub excludes: Vec<PathBuf>,
    /// `--deny-warnings`: a warning (e.g. an attribute near miss) fails the run.
    pub deny_warnings: bool,
    /// `test -v`: each case's result carries the flow path it took.
    pub show_paths: bool,
    /// `--terraform DIR`, `--tf-var-file`, `--tf-var`, `--tf-plan` (and routecheck.yaml's
    /// `terraform:`): where `flow: tf:ADDRESS` resources are read.
    pub terraform: crate::terraform::Options,
    /// `--summary`: where the runner leaves failing cases' flow paths and each flow's
    /// reached branches, for the job summary's diagrams (events carry no flows).
    pub pictures: Option<crate::report::summary::PictureSink>,
    /// The process exits right after this run (the `test` command): the loaded suites are
    /// not freed, since walking and freeing a large suite's allocations only delays the exit.
    pub forget_at_exit: bool,
    /// What recognises bot intents: the offline rule, or a replay (or recording) of the
    /// org's NLU (routecheck.yaml `nlu:`, `test --nlu-record`).
    pub recogniser: Arc<dyn crate::flow::recognise::Recognise>,
}

impl Default for RunConfig {
    fn default() -> Self {
        RunConfig {
            paths: vec![PathBuf::from("rules")],
            filter: None,
            fail_fast: false,
            shard: None,
            vars: VarOverrides::new(),
            project_vars: VarOverrides::new(),
            now: None,
            directory: Directory::default(),
            source: Arc::new(FileSource),
            conversation: None,
            coverage: false,
            min_coverage: None,
            excludes: Vec::new(),
            stubs: Vec::new(),
            deny_warnings: false,
            show_paths: false,
            terraform: crate::terraform::Options::default(),
            pictures: None,
            forget_at_exit: false,
            recogniser: Arc::new(crate::flow::recognise::OfflineRule),
        }
    }
}

/// The wall clock as an Architect DateTime.
pub fn now() -> DateTime {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    DateTime(ms)
}

/// Every rules file loaded and compiled.
#[derive(Debug, Default)]
pub struct Loaded {
    /// In path order.
    pub suites: Vec<Suite>,
    /// The distinct flows the suites simulate (`SuiteFlow::index` points here).
    pub flows: Vec<Arc<Flow>>,
    /// Non-fatal diagnostics, in path order.
    pub warnings: Vec<SourceDiagnostic>,
    /// YAML files under the given directories that are not rules files (no top-level
    /// `cases:`), skipped.
    pub non_rules_files: usize,
    /// Fixtures read while the rules loaded (file sources only).
    pub prefetch: Option<Arc<Prefetch>>,
    /// The deploy's resources, from the Terraform configuration or plan (empty without).
    pub deploy: crate::deploy::Deploy,
    /// The run's lookup directory: the configuration's, then the deploy's queues and
    /// emergency groups under names it lacks.
    pub directory: crate::expr::Directory,
}

impl Loaded {
    /// What every case of this run shares (`test` and `trace --case` alike): `--now` or
    /// the wall clock read once, the deploy, the directory.
    pub fn env<'a>(&'a self, config: &'a RunConfig) -> crate::suite::check::Env<'a> {
        crate::suite::check::Env {
            now: config.now.unwrap_or_else(now),
            wall_clock: config.now.is_none(),
            deploy: &self.deploy,
            directory: &self.directory,
            guest: None,
            recogniser: config.recogniser.as_ref(),
        }
    }
}

/// How a run ended, and its exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunStatus {
    /// Every selected case passed.
    Passed,
    /// At least one case failed.
    Failed,
    /// Nothing could run (load/compile/usage errors), or a case could not run.
    Error,
}

impl RunStatus {
    /// The process exit code (`crate::exit`).
    pub fn exit_code(self) -> u8 {
        match self {
            RunStatus::Passed => crate::exit::OK,
            RunStatus::Failed => crate::exit::FAILED,
            RunStatus::Error => crate::exit::USAGE,
        }
    }
}

/// The end of a run.
#[derive(Debug)]
pub struct RunReport {
    /// How it ended.
    pub status: RunStatus,
    /// Totals (absent when nothing ran).
    pub summary: Option<Summary>,
    /// The first error a reporter returned (a closed pipe, a full disk).
    pub io_error: Option<io::Error>,
    /// One line per flow below `--min-coverage` (they make the run fail).
    pub coverage_failures: Vec<String>,
}

struct Emitter<'r> {
    reporters: &'r mut [Box<dyn Reporter>],
    io_error: Option<io::Error>,
}

impl Emitter<'_> {
    fn emit(&mut self, e: &Event) {
        // A warning may go to the other stream: what came before it goes out first.
        if matches!(e, Event::Warning(_)) {
            self.flush();
        }
        for r in self.reporters.iter_mut() {
            if let Err(err) = r.event(e) {
                self.io_error.get_or_insert(err);
            }
        }
    }

    fn flush(&mut self) {
        for r in self.reporters.iter_mut() {
            if let Err(err) = r.flush() {
                self.io_error.get_or_insert(err);
            }
        }
    }
}

/// Load, compile, select, run and report. The one entry point of `routecheck test`;
/// `trace` and live mode call it with their own config and fixture source.
pub fn run(config: &RunConfig, reporters: &mut [Box<dyn Reporter>]) -> RunReport {
    // The summary's duration is the whole command's: loading a large suite is most of it.
    let started = Instant::now();
    let mut em = Emitter {
        reporters,
        io_error: None,
    };
    let loaded = match load(config) {
        Ok(l) => l,
        Err(errors) => {
            em.emit(&Event::LoadFailed { errors });
            return RunReport {
                status: RunStatus::Error,
                summary: None,
                io_error: em.io_error,
                coverage_failures: Vec::new(),
            };
        }
    };
    let selection = select(&loaded, config);
    if selection.is_empty()
        && let Some(r) = &config.filter
    {
        em.emit(&Event::LoadFailed {
            errors: vec![usage_diag(
                &format!("--run {}", r.as_str()),
                format!("no case or suite name matches `{}`", r.as_str()),
            )],
        });
        return RunReport {
            status: RunStatus::Error,
            summary: None,
            io_error: em.io_error,
            coverage_failures: Vec::new(),
        };
    }
    let needed: BTreeSet<&FixtureRef> = selection
        .iter()
        .map(|(si, ci)| &loaded.suites[*si].cases[*ci].fixture)
        .filter(|f| !matches!(f, FixtureRef::Synthetic(_)))
        .collect();
    if let Err(d) = config
        .source
        .prepare(&needed.into_iter().collect::<Vec<_>>())
    {
        em.emit(&Event::LoadFailed { errors: vec![*d] });
        return RunReport {
            status: RunStatus::Error,
            summary: None,
            io_error: em.io_error,
            coverage_failures: Vec::new(),
        };
    }
    let summary = execute(&loaded, &selection, config, &mut em, started);
    if config.forget_at_exit {
        // Freeing 10k compiled cases takes a measurable slice of a run; the OS takes the
        // memory back at exit anyway.
        std::mem::forget(loaded);
    }
    let coverage_failures = below_min(&summary);
    let status = if summary.errors > 0 {
        RunStatus::Error
    } else if summary.failed > 0
        || !coverage_failures.is_empty()
        || (config.deny_warnings && summary.warnings > 0)
    {
        RunStatus::Failed
    } else {
        RunStatus::Passed
    };
    RunReport {
        status,
        summary: Some(summary),
        io_error: em.io_error,
        coverage_failures,
    }
}

/// A line per flow whose coverage is below `min` (percent).
fn below_min(summary: &Summary) -> Vec<String> {
    summary
        .coverage
        .as_ref()
        .map(|c| c.shortfalls().into_iter().map(|(_, m)| m).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;
