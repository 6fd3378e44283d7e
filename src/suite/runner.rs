//! The runner: load and compile every rules file first, then stream cases through their
//! fixtures in parallel and hand results to the reporters in a deterministic order.
//!
//! Memory stays flat however many fixtures there are: cases are grouped by fixture, each
//! fixture is read and parsed once, its cases evaluated, and the parsed conversation
//! dropped before the worker takes the next group. Results flow over a channel to the
//! calling thread, which releases them in (file, case) order.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::Hasher;
use std::io;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use regex::Regex;

use super::check::{self, Env};
use super::interp::scrub;
use super::load::{self, Diagnostics, VarOverrides};
use super::model::{Check, FixtureRef, GuestCheck, GuestRef, Suite};
use super::prefetch::{self, Prefetch};
use crate::diag::{SourceDiagnostic, SourceFile};
use crate::expr::{DateTime, Directory};
use crate::flow::Flow;
use crate::guest::{GuestError, GuestRun};
use crate::report::summary::{CoveragePicture, PathPicture};
use crate::report::{CaseResult, Coverage, Event, Failure, Outcome, Reporter, SuiteInfo, Summary};

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

/// `--shard K/N`: run the K-th of N disjoint slices (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// K, 1..=N.
    pub index: u64,
    /// N ≥ 1.
    pub count: u64,
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let (k, n) = s
            .split_once('/')
            .ok_or_else(|| format!("`{s}` is not K/N (e.g. 1/4)"))?;
        let index: u64 = k
            .trim()
            .parse()
            .map_err(|_| format!("`{k}` is not a shard number"))?;
        let count: u64 = n
            .trim()
            .parse()
            .map_err(|_| format!("`{n}` is not a shard count"))?;
        if count == 0 || index == 0 || index > count {
            return Err(format!("`{index}/{count}`: K must be between 1 and N"));
        }
        Ok(Shard { index, count })
    }
}

impl Shard {
    /// Whether this shard runs the case: FNV-1a of suite and case name, stable across
    /// machines and runs, so the N shards are disjoint and together run everything.
    pub fn contains(&self, suite: &str, case: &str) -> bool {
        let mut h = Fnv1a::default();
        h.write(suite.as_bytes());
        h.write(&[0]);
        h.write(case.as_bytes());
        h.finish() % self.count == self.index - 1
    }
}

/// 64-bit FNV-1a.
struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv1a {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
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
    /// The clock expressions see.
    pub now: DateTime,
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
    /// `--terraform DIR`, `--tf-var-file`, `--tf-var`, `--tf-plan` (and routecheck.yaml's
    /// `terraform:`): where `flow: tf:ADDRESS` resources are read.
    pub terraform: crate::terraform::Options,
    /// `--summary`: where the runner leaves failing cases' flow paths and each flow's
    /// reached branches, for the job summary's diagrams (events carry no flows).
    pub pictures: Option<crate::report::summary::PictureSink>,
    /// The process exits right after this run (the `test` command): the loaded suites are
    /// not freed, since walking and freeing a large suite's allocations only delays the exit.
    pub forget_at_exit: bool,
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
            now: now(),
            directory: Directory::default(),
            source: Arc::new(FileSource),
            conversation: None,
            coverage: false,
            min_coverage: None,
            excludes: Vec::new(),
            stubs: Vec::new(),
            deny_warnings: false,
            terraform: crate::terraform::Options::default(),
            pictures: None,
            forget_at_exit: false,
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

/// A usage error, shown against the command-line argument that caused it.
fn usage_diag(arg: &str, message: String) -> SourceDiagnostic {
    SourceDiagnostic::error(&SourceFile::command_line(arg), (0, arg.len()), message)
        .with_code("routecheck::usage")
}

/// Expand paths: files as given, directories walked for *.yaml / *.yml (sorted).
pub fn collect_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Vec<SourceDiagnostic>> {
    discover(paths, &[]).map(|(files, _)| files)
}

/// Expand paths: files as given (always loaded), directories walked for rules files
/// (YAML whose top level has `cases:`), sorted. Hidden directories and `excludes` are
/// not entered. Also returns how many other YAML files were skipped.
pub fn discover(
    paths: &[PathBuf],
    excludes: &[PathBuf],
) -> Result<(Vec<PathBuf>, usize), Vec<SourceDiagnostic>> {
    let mut files = Vec::new();
    let mut skipped = 0;
    let mut errors = Vec::new();
    for p in paths {
        if p.is_dir() {
            let before = files.len();
            let skipped_before = skipped;
            if let Err(e) = walk(p, excludes, &mut files, &mut skipped) {
                errors.push(usage_diag(&e.dir.display().to_string(), e.to_string()));
            } else if files.len() == before {
                let others = skipped - skipped_before;
                errors.push(usage_diag(
                    &p.display().to_string(),
                    if others > 0 {
                        format!(
                            "no rules files in {}: {others} YAML file{} without a top-level `cases:`",
                            p.display(),
                            if others == 1 { "" } else { "s" }
                        )
                    } else {
                        format!("no rules files (*.yaml, *.yml) in {}", p.display())
                    },
                ));
            }
        } else if p.is_file() {
            files.push(p.clone());
        } else {
            errors.push(usage_diag(
                &p.display().to_string(),
                format!("{}: no such file or directory", p.display()),
            ));
        }
    }
    if errors.is_empty() {
        files.dedup();
        Ok((files, skipped))
    } else {
        Err(errors)
    }
}

/// The rules files under `dir` by the one walk ([`crate::source::walk`]); YAML files
/// without a top-level `cases:` are counted in `skipped`.
fn walk(
    dir: &Path,
    excludes: &[PathBuf],
    out: &mut Vec<PathBuf>,
    skipped: &mut usize,
) -> Result<(), crate::source::walk::WalkError> {
    let how = crate::source::walk::Walk {
        exts: &["yaml", "yml"],
        excludes,
        ..Default::default()
    };
    for p in crate::source::walk::files(dir, &how)? {
        if p.file_name()
            .is_some_and(|n| n == crate::project::FILE_NAME)
        {
            continue;
        }
        if is_rules_file(&p) {
            out.push(p);
        } else {
            *skipped += 1;
        }
    }
    Ok(())
}

/// A rules file has `cases:` at its top level. Read as text (a key at column 0, in
/// block or quoted form, or a flow mapping that names it) so discovery stays cheap on
/// large trees; an unreadable file counts as a rules file, so loading reports why.
fn is_rules_file(path: &Path) -> bool {
    // Through the source layer: a FIFO is refused before it is opened.
    let Ok(text) = crate::source::read_text(path) else {
        return true;
    };
    text.lines().any(|l| {
        let l = l.trim_end();
        ["cases", "\"cases\"", "'cases'"].iter().any(|k| {
            l.strip_prefix(k)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        }) || (l.starts_with('{') && l.contains("cases"))
    })
}

/// Load and compile every file; all errors of all files, or the suites.
pub fn load(config: &RunConfig) -> Result<Loaded, Vec<SourceDiagnostic>> {
    let (files, non_rules_files) = discover(&config.paths, &config.excludes)?;
    let prefetch = config
        .source
        .reads_files()
        .then(|| Arc::new(Prefetch::new(&config.project_vars, &config.vars)));
    let results: Vec<(Option<Suite>, Diagnostics, Vec<String>)> = files
        .par_iter()
        .map(|f| {
            let mut diags = Diagnostics::default();
            let mut used = Vec::new();
            let s = load::load_file(
                f,
                &f.display().to_string(),
                config.conversation.as_deref(),
                &config.vars,
                &mut used,
                &mut diags,
                prefetch.as_deref(),
            );
            (s, diags, used)
        })
        .collect();
    let mut loaded = Loaded {
        non_rules_files,
        prefetch,
        ..Loaded::default()
    };
    let mut errors = Vec::new();
    let mut used_vars: Vec<String> = Vec::new();
    for (suite, diags, used) in results {
        errors.extend(diags.errors);
        loaded.warnings.extend(diags.warnings);
        used_vars.extend(used);
        if let Some(s) = suite {
            loaded.suites.push(s);
        }
    }
    // Read only when some rules file names a `tf:` flow, or a plan or directory was given
    // explicitly: its errors are the run's.
    let terraform = if config.terraform.is_empty() {
        None
    } else {
        match crate::terraform::read(&config.terraform) {
            Ok(t) => Some(t),
            Err(e) => {
                errors.extend(e);
                None
            }
        }
    };
    let shared = crate::flow::stubs_file::read_all(&config.stubs).unwrap_or_else(|e| {
        errors.extend(e);
        Vec::new()
    });
    loaded.flows = super::flows::bind(
        &mut loaded.suites,
        &config.vars,
        &config.project_vars,
        terraform.as_ref(),
        &shared,
        loaded.prefetch.as_deref(),
        &mut used_vars,
        &mut errors,
    );
    for f in &loaded.flows {
        loaded.warnings.extend(f.warnings().iter().cloned());
    }
    for (name, value) in &config.vars {
        if !used_vars.contains(name) {
            errors.push(usage_diag(
                &format!("--var {name}={value}"),
                format!("--var {name}: no rules file declares this variable under `variables:` and no flow has a `{{{{{name}}}}}` placeholder"),
            ));
        }
    }
    if errors.is_empty() {
        Ok(loaded)
    } else {
        if let Some(p) = &loaded.prefetch {
            p.cancel();
        }
        Err(errors)
    }
}

/// The cases `--run` and `--shard` select, as (suite, case) indices in file order.
pub fn select(loaded: &Loaded, config: &RunConfig) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for (si, s) in loaded.suites.iter().enumerate() {
        for (ci, c) in s.cases.iter().enumerate() {
            let matches = config
                .filter
                .as_ref()
                .is_none_or(|r| r.is_match(&c.name) || r.is_match(&s.name));
            let in_shard = config.shard.is_none_or(|sh| sh.contains(&s.name, &c.name));
            if matches && in_shard {
                out.push((si, ci));
            }
        }
    }
    out
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

/// Run the selected cases and send `RunStarted`, warnings, `CaseFinished` (in selection
/// order) and `RunFinished`.
fn execute(
    loaded: &Loaded,
    selection: &[(usize, usize)],
    config: &RunConfig,
    em: &mut Emitter<'_>,
    started: Instant,
) -> Summary {
    let mut per_suite: Vec<usize> = vec![0; loaded.suites.len()];
    for (si, _) in selection {
        per_suite[*si] += 1;
    }
    em.emit(&Event::RunStarted {
        suites: loaded
            .suites
            .iter()
            .zip(&per_suite)
            .filter(|(_, n)| **n > 0)
            .map(|(s, n)| SuiteInfo {
                name: s.name.clone(),
                file: s.file.clone(),
                cases: *n,
                flow: s
                    .flow
                    .as_ref()
                    .map(|f| loaded.flows[f.index].file_name().to_owned()),
            })
            .collect(),
    });
    for w in &loaded.warnings {
        em.emit(&Event::Warning(w.clone()));
    }
    // A near miss shows in every case that reads the same name: report each once.
    let mut warned: HashSet<(String, (usize, usize), String)> = HashSet::new();
    let mut warnings = loaded.warnings.len();

    // Group by fixture, groups ordered by their first case so results arrive roughly in
    // the order they are released.
    let mut index: HashMap<&FixtureRef, usize> = HashMap::new();
    let mut groups: Vec<(&FixtureRef, Vec<usize>)> = Vec::new();
    for (seq, (si, ci)) in selection.iter().enumerate() {
        let f = &loaded.suites[*si].cases[*ci].fixture;
        let g = *index.entry(f).or_insert_with(|| {
            groups.push((f, Vec::new()));
            groups.len() - 1
        });
        groups[g].1.push(seq);
    }

    let stop = AtomicBool::new(false);
    let env = Env {
        now: config.now,
        directory: &config.directory,
        guest: None,
    };
    let mut summary = Summary {
        non_rules_files: loaded.non_rules_files,
        ..Summary::default()
    };
    let (tx, rx) = mpsc::channel::<Vec<Done>>();
    // Branches reached per flow, over the selected cases (this shard's, with --shard).
    let mut hits: Vec<Option<BTreeSet<usize>>> = vec![None; loaded.flows.len()];
    for (si, _) in selection {
        if let Some(f) = &loaded.suites[*si].flow {
            hits[f.index].get_or_insert_with(BTreeSet::new);
        }
    }
    // Results travel in batches (a channel message and a reporter flush per case cost
    // more than a case); a batch is sent early when its groups are slow (live reads), so
    // results still show as they finish. Small runs keep a group per job, so slow groups
    // still run in parallel.
    let per_job = (groups.len() / (rayon::current_num_threads() * 16)).clamp(1, RESULT_BATCH);
    std::thread::scope(|scope| {
        scope.spawn(|| {
            groups.par_chunks(per_job).for_each_with(tx, |tx, chunk| {
                let mut done = Vec::new();
                let mut since = Instant::now();
                for (fixture, seqs) in chunk {
                    run_group(
                        loaded, selection, fixture, seqs, config, env, &stop, &mut done,
                    );
                    if since.elapsed() >= RESULT_LATENCY {
                        let _ = tx.send(std::mem::take(&mut done));
                        since = Instant::now();
                    }
                }
                if !done.is_empty() {
                    let _ = tx.send(done);
                }
            });
        });
        let mut pending: BTreeMap<usize, (CaseResult, Vec<SourceDiagnostic>)> = BTreeMap::new();
        let mut next = 0usize;
        // Each case's near misses go out just before it, in selection order, so every
        // reporter shows them in a stable place.
        let mut release = |(r, near): (CaseResult, Vec<SourceDiagnostic>),
                           summary: &mut Summary,
                           em: &mut Emitter| {
            for w in near {
                if warned.insert((w.file.name.to_string(), w.span, w.message.clone())) {
                    warnings += 1;
                    em.emit(&Event::Warning(w));
                }
            }
            tally(summary, &r.outcome);
            em.emit(&Event::CaseFinished(r));
        };
        for batch in rx {
            for (seq, result, reached, near) in batch {
                if let Some((flow, reached)) = reached
                    && let Some(Some(set)) = hits.get_mut(flow)
                {
                    set.extend(reached);
                }
                pending.insert(seq, (result, near));
                while let Some(done) = pending.remove(&next) {
                    release(done, &mut summary, em);
                    next += 1;
                }
            }
            em.flush();
        }
        // Anything left (cannot happen unless a worker panicked) still gets reported.
        for (_, done) in pending {
            release(done, &mut summary, em);
        }
    });
    summary.duration = started.elapsed();
    summary.warnings = warnings;
    if config.coverage || config.min_coverage.is_some() {
        if let Some(sink) = &config.pictures
            && let Ok(mut p) = sink.lock()
        {
            // The same flows and hit sets, in the same order, as the coverage below.
            p.coverage = loaded
                .flows
                .iter()
                .zip(&hits)
                .filter_map(|(f, h)| {
                    h.as_ref().map(|h| CoveragePicture {
                        flow: f.clone(),
                        hits: h.clone(),
                    })
                })
                .collect();
        }
        summary.coverage = Some(Coverage {
            flows: loaded
                .flows
                .iter()
                .zip(&hits)
                .filter_map(|(f, h)| h.as_ref().map(|h| f.coverage(h)))
                .collect(),
            min_percent: config.min_coverage,
        });
    }
    em.emit(&Event::RunFinished(summary.clone()));
    summary
}

fn tally(s: &mut Summary, o: &Outcome) {
    match o {
        Outcome::Passed => s.passed += 1,
        Outcome::Failed { .. } => s.failed += 1,
        Outcome::Error { .. } => s.errors += 1,
        Outcome::Skipped { .. } => s.skipped += 1,
    }
}

/// Most results per channel message.
const RESULT_BATCH: usize = 64;

/// A batch is sent once its groups have taken this long, full or not.
const RESULT_LATENCY: Duration = Duration::from_millis(50);

/// A finished case: its sequence number, result, the flow branches it reached, and its
/// attribute near misses (warnings located in the rules file).
type Done = (
    usize,
    CaseResult,
    Option<(usize, BTreeSet<usize>)>,
    Vec<SourceDiagnostic>,
);

#[allow(clippy::too_many_arguments)] // one call site; a struct would only rename these
fn run_group(
    loaded: &Loaded,
    selection: &[(usize, usize)],
    fixture: &FixtureRef,
    seqs: &[usize],
    config: &RunConfig,
    env: Env<'_>,
    stop: &AtomicBool,
    out: &mut Vec<Done>,
) {
    let result = |seq: usize, outcome: Outcome, duration: Duration| {
        let (si, ci) = selection[seq];
        let suite = &loaded.suites[si];
        let case = &suite.cases[ci];
        CaseResult {
            suite_file: suite.file.clone(),
            suite_name: suite.name.clone(),
            case_name: case.name.clone(),
            location: case.location.clone(),
            outcome: redact(outcome, &suite.redact),
            duration,
        }
    };
    let skipped = || Outcome::Skipped {
        reason: "--fail-fast: an earlier case failed".into(),
    };
    if config.fail_fast && stop.load(Ordering::Relaxed) {
        for &seq in seqs {
            out.push((
                seq,
                result(seq, skipped(), Duration::ZERO),
                None,
                Vec::new(),
            ));
        }
        return;
    }
    let t0 = Instant::now();
    // The full tree only when a jsonpath expectation reads it.
    let needs_tree = seqs.iter().any(|&s| {
        let (si, ci) = selection[s];
        loaded.suites[si].cases[ci].needs_tree
    });
    let parse = |text: String| prefetch::parse(fixture.display(), &text, needs_tree);
    // A guest case runs its session here; its errors point into the `guest:` mapping.
    let guest_run = match fixture {
        FixtureRef::Guest(g) => {
            let (si, ci) = selection[seqs[0]];
            let suite = &loaded.suites[si];
            let route = suite.cases[ci]
                .expects
                .iter()
                .any(|e| matches!(e.check, Check::Guest(GuestCheck::Queue(_))));
            let directory = suite.directory.as_ref().unwrap_or(&config.directory);
            Some(
                config
                    .source
                    .guest(g, directory, route)
                    .map_err(|e| (e.render(), g.location(e.part()))),
            )
        }
        _ => None,
    };
    // Read while the rules loaded, unless a case needs the tree the early read skipped.
    let slot = match fixture {
        FixtureRef::File { canonical, .. } => {
            loaded.prefetch.as_ref().and_then(|p| p.take(canonical))
        }
        _ => None,
    };
    let fetched = slot.as_ref().and_then(|slot| {
        let read = || config.source.read(fixture).and_then(parse);
        let parsed = slot.get_or_parse(read);
        (!needs_tree || matches!(parsed, Ok((_, Some(_))) | Err(_))).then_some(parsed)
    });
    let owned;
    let parsed = match (fetched, &guest_run) {
        (Some(p), _) => p,
        (None, Some(Err((msg, _)))) => {
            owned = Err(msg.clone());
            &owned
        }
        (None, Some(Ok(run))) => {
            owned = parse(run.conversation.to_string());
            &owned
        }
        // A case without a recording carries its conversation: no source is asked for it.
        (None, None) => {
            owned = match fixture {
                FixtureRef::Synthetic(text) => parse(text.clone()),
                _ => config.source.read(fixture).and_then(parse),
            };
            &owned
        }
    };
    let env = Env {
        guest: guest_run.as_ref().and_then(|r| r.as_ref().ok()),
        ..env
    };
    let parse_time = t0.elapsed();
    for &seq in seqs {
        let (si, ci) = selection[seq];
        let suite = &loaded.suites[si];
        let case = &suite.cases[ci];
        if config.fail_fast && stop.load(Ordering::Relaxed) {
            out.push((
                seq,
                result(seq, skipped(), Duration::ZERO),
                None,
                Vec::new(),
            ));
            continue;
        }
        let t = Instant::now();
        let mut near = Vec::new();
        let (outcome, reached) = match parsed {
            Ok((conv, tree)) => {
                near = check::near_miss_warnings(suite, case, conv);
                let (outcome, run) = check::evaluate_run(suite, case, conv, tree.as_ref(), env);
                if let (Some(sink), Some(run), Some(flow), Outcome::Failed { .. }) = (
                    &config.pictures,
                    &run,
                    suite.flow.as_ref().and_then(|f| f.loaded.clone()),
                    &outcome,
                ) && let Ok(mut p) = sink.lock()
                {
                    p.paths.push(PathPicture {
                        suite_file: suite.file.clone(),
                        case_name: case.name.clone(),
                        flow,
                        trace: run.trace.clone(),
                        route: run.route.clone(),
                    });
                }
                (outcome, run.map(|r| r.hits))
            }
            Err(msg) => (
                Outcome::Error {
                    message: match fixture {
                        FixtureRef::File { .. } => format!("fixture {msg}"),
                        FixtureRef::Conversation(_)
                        | FixtureRef::Guest(_)
                        | FixtureRef::Synthetic(_) => msg.clone(),
                    },
                    location: Some(match &guest_run {
                        Some(Err((_, at))) => at.clone(),
                        _ => case.fixture_location.clone(),
                    }),
                },
                None,
            ),
        };
        let reached = reached.zip(suite.flow.as_ref()).map(|(r, f)| (f.index, r));
        if !matches!(outcome, Outcome::Passed) {
            stop.store(true, Ordering::Relaxed);
        }
        // The fixture's parse time is charged to the group's first case.
        let spent = t.elapsed()
            + if seq == seqs[0] {
                parse_time
            } else {
                Duration::ZERO
            };
        out.push((seq, result(seq, outcome, spent), reached, near));
    }
}

/// The outcome with every secret value scrubbed from its texts.
fn redact(outcome: Outcome, secrets: &[String]) -> Outcome {
    if secrets.is_empty() {
        return outcome;
    }
    let s = |t: String| scrub(&t, secrets);
    match outcome {
        Outcome::Failed { failures } => Outcome::Failed {
            failures: failures
                .into_iter()
                .map(|f| Failure {
                    message: s(f.message),
                    expected: f.expected.map(s),
                    actual: f.actual.map(s),
                    notes: f.notes.into_iter().map(s).collect(),
                    ..f
                })
                .collect(),
        },
        Outcome::Error { message, location } => Outcome::Error {
            message: s(message),
            location,
        },
        Outcome::Skipped { reason } => Outcome::Skipped { reason: s(reason) },
        Outcome::Passed => Outcome::Passed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_parsing() {
        assert_eq!("2/3".parse::<Shard>(), Ok(Shard { index: 2, count: 3 }));
        assert!("0/3".parse::<Shard>().is_err());
        assert!("4/3".parse::<Shard>().is_err());
        assert!("1/0".parse::<Shard>().is_err());
        assert!("x".parse::<Shard>().is_err());
    }

    #[test]
    fn shards_are_disjoint_and_cover_everything() {
        let names: Vec<(String, String)> = (0..500)
            .map(|i| (format!("suite {}", i % 7), format!("case {i}")))
            .collect();
        for n in 1..=5u64 {
            let mut seen = vec![0usize; names.len()];
            for k in 1..=n {
                let sh = Shard { index: k, count: n };
                for (i, (s, c)) in names.iter().enumerate() {
                    if sh.contains(s, c) {
                        seen[i] += 1;
                    }
                }
            }
            assert!(seen.iter().all(|&c| c == 1), "n={n}");
        }
    }

    struct Counting(std::sync::Mutex<Vec<String>>);

    impl FixtureSource for Counting {
        fn read(&self, fixture: &FixtureRef) -> Result<String, String> {
            if let Ok(mut v) = self.0.lock() {
                v.push(fixture.display().to_owned());
            }
            FileSource.read(fixture)
        }
    }

    struct Collect(std::sync::Arc<std::sync::Mutex<Vec<String>>>);

    impl Reporter for Collect {
        fn event(&mut self, e: &Event) -> io::Result<()> {
            let line = match e {
                Event::RunStarted { suites } => format!("start {}", suites.len()),
                Event::CaseFinished(c) => format!("{} / {}", c.suite_file, c.case_name),
                Event::RunFinished(s) => format!("end {} {}", s.passed, s.failed),
                Event::Warning(_) => "warning".into(),
                Event::LoadFailed { .. } => "load failed".into(),
            };
            self.0
                .lock()
                .map_err(|_| io::Error::other("poisoned"))?
                .push(line);
            Ok(())
        }

        fn flush(&mut self) -> io::Result<()> {
            self.0
                .lock()
                .map_err(|_| io::Error::other("poisoned"))?
                .push("flush".into());
            Ok(())
        }
    }

    #[test]
    fn fixtures_are_read_once_and_results_come_in_file_order() {
        let source = Arc::new(Counting(std::sync::Mutex::new(Vec::new())));
        let config = RunConfig {
            paths: vec![PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/rules"))],
            source: source.clone(),
            ..RunConfig::default()
        };
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let mut reporters: Vec<Box<dyn Reporter>> = vec![Box::new(Collect(seen.clone()))];
        let report = run(&config, &mut reporters);
        assert_eq!(report.status, RunStatus::Passed);
        let mut reads = source.0.lock().unwrap().clone();
        let n = reads.len();
        reads.sort();
        reads.dedup();
        assert_eq!(n, reads.len(), "a fixture was read twice");
        assert_eq!(n, 4);
        let all = seen.lock().unwrap().clone();
        // Reporters buffer case lines: whatever came before a warning (which may go to the
        // other stream) is flushed first, and results are flushed as batches arrive.
        for (i, e) in all.iter().enumerate() {
            if e == "warning" {
                assert_eq!(all[i - 1], "flush", "{all:?}");
            }
        }
        assert!(all.iter().any(|e| e == "flush"));
        let events: Vec<String> = all.into_iter().filter(|e| e != "flush").collect();
        assert_eq!(events.first().map(String::as_str), Some("start 4"));
        assert_eq!(events.last().map(String::as_str), Some("end 12 0"));
        let loaded = load(&config).unwrap();
        let expected: Vec<String> = loaded
            .suites
            .iter()
            .flat_map(|s| {
                s.cases
                    .iter()
                    .map(move |c| format!("{} / {}", s.file, c.name))
            })
            .collect();
        // The sample's deliberate case mismatches are reported as near-miss warnings.
        let (warnings, cases): (Vec<String>, Vec<String>) = events[1..events.len() - 1]
            .iter()
            .cloned()
            .partition(|e| e == "warning");
        assert_eq!(warnings.len(), 3);
        assert_eq!(cases, expected);
    }

    #[test]
    fn fnv1a_is_the_published_function() {
        let mut h = Fnv1a::default();
        h.write(b"a");
        assert_eq!(h.finish(), 0xaf63_dc4c_8601_ec8c);
    }
}
