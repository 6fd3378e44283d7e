//! `routecheck test` and `routecheck schema`: validate arguments into a `RunConfig`,
//! build the reporters, run, and turn the result into an exit code.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use regex::Regex;

use super::live::NetArgs;
use super::stop::{Reports, Shape, Stopped, stdout_for, summary_target, usage, usage_unlocated};
use crate::exit;
use crate::project::Project;
use crate::report::{self, Format, ReportOptions};
use crate::suite::{self, LiveSource, RunConfig, Shard};

/// Arguments of `routecheck test`.
#[derive(Debug, clap::Args)]
pub struct TestArgs {
    /// Rules files or directories (default: rules/).
    pub paths: Vec<PathBuf>,
    /// Run only cases whose name or suite name matches this regex.
    #[arg(long, value_name = "REGEX")]
    pub run: Option<String>,
    /// Stop starting new cases after the first failure (the rest are reported skipped).
    #[arg(long)]
    pub fail_fast: bool,
    /// Run the K-th of N disjoint slices of the cases (by a stable hash of the names).
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    /// Override a variable declared under `variables:`, or fill a flow's `{{NAME}}`
    /// placeholder (over the file's `vars:`); repeatable.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    #[command(flatten)]
    pub tf: super::tf::TfArgs,
    /// The clock of every case without its own `now:`, RFC 3339 (2026-12-07T16:00:00Z).
    /// Without either, expressions read the wall clock and a schedule evaluated at the
    /// current time is an error.
    #[arg(long, value_name = "RFC3339")]
    pub now: Option<String>,
    /// Output format on stdout.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Also write a JUnit XML report to this file.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Report branch coverage of every simulated flow (per shard with --shard).
    #[arg(long)]
    pub coverage: bool,
    /// Fail (exit 1) when a flow's branch coverage is below PCT (0-100); implies --coverage.
    #[arg(long, value_name = "PCT")]
    pub min_coverage: Option<String>,
    /// Fail (exit 1) when the run reports a warning, e.g. an attribute name that nearly
    /// matches one the participant has.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Show durations, each case's flow path (the actions and branches it took) and the
    /// branches coverage reached.
    #[arg(long, short)]
    pub verbose: bool,
    /// Print the selected cases (after --run and --shard) instead of running them: one
    /// `file:line:col: suite › case` line each, or JSON with --format json.
    #[arg(long)]
    pub list: bool,
    /// Run every selected case against this live conversation instead of its `fixture:`
    /// (needs GENESYS_CLIENT_ID, GENESYS_CLIENT_SECRET and GENESYS_REGION).
    #[arg(long, value_name = "ID")]
    pub conversation: Option<String>,
    /// `guest:` cases: run up to N guest sessions at once (1-100; the Guest API's
    /// per-session, per-connection and per-deployment limits are kept whatever N is).
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=100))]
    pub guests: u16,
    /// `guest:` cases: fetch the flow execution data of each conversation and, in a rules
    /// file with `flow:`, compare it action by action with the simulation (as `flow_path: true`).
    #[arg(long)]
    pub flow_path: bool,
    /// Also write the run as Markdown (verdict, failures, warnings, coverage diagrams):
    /// to FILE, `-` for stdout, or with no FILE appended to `$GITHUB_STEP_SUMMARY`.
    #[arg(long, value_name = "FILE", num_args = 0..=1, default_missing_value = "")]
    pub summary: Option<String>,
    /// Ask the org's NLU (routecheck.yaml `nlu: bots:`, credentials from GENESYS_CLIENT_ID,
    /// GENESYS_CLIENT_SECRET, GENESYS_REGION) for each message a listed bot's Ask for
    /// Intent takes, and record its answers beside the fixtures for offline runs to replay.
    #[arg(long)]
    pub nlu_record: bool,
    #[command(flatten)]
    pub net: NetArgs,
}

/// The reports `args` asks for, where a stopping error is written.
pub(super) fn reports(args: &TestArgs) -> Reports {
    Reports {
        shape: Shape::Run,
        format: args.format,
        junit: args.junit.clone(),
        summary: args.summary.clone(),
    }
}

/// Validate `args` into a run configuration, or a usage error message. The project's
/// `routecheck.yaml`, when there is one, fills what the flags leave out.
pub fn config(args: &TestArgs, project: Option<&Project>) -> Result<RunConfig, String> {
    let filter = match &args.run {
        Some(r) => Some(Regex::new(r).map_err(|e| {
            format!(
                "--run `{r}` is not a valid regex: {}",
                e.to_string().lines().last().unwrap_or("").trim()
            )
        })?),
        None => None,
    };
    let shard = match &args.shard {
        Some(s) => Some(s.parse::<Shard>().map_err(|e| format!("--shard {e}"))?),
        None => None,
    };
    let mut vars = suite::load::VarOverrides::new();
    for v in &args.vars {
        let (name, value) = v
            .split_once('=')
            .ok_or_else(|| format!("--var `{v}` is not NAME=VALUE"))?;
        if name.trim().is_empty() {
            return Err(format!("--var `{v}` has no name"));
        }
        if vars
            .insert(name.trim().to_owned(), value.to_owned())
            .is_some()
        {
            return Err(format!("--var {name} is given twice"));
        }
    }
    let conversation = match &args.conversation {
        Some(id)
            if id.trim().is_empty() || id.contains(|c: char| c.is_whitespace() || c == '/') =>
        {
            return Err(format!("--conversation `{id}` is not a conversation id"));
        }
        Some(id) => Some(id.trim().to_owned()),
        None => None,
    };
    let min_coverage = match &args.min_coverage {
        Some(p) => match p.trim().trim_end_matches('%').parse::<f64>() {
            Ok(v) if (0.0..=100.0).contains(&v) => Some(v),
            _ => {
                return Err(format!(
                    "--min-coverage `{p}` is not a percentage from 0 to 100"
                ));
            }
        },
        None => None,
    };
    let min_coverage = min_coverage.or(project.and_then(|p| p.config.min_coverage));
    let paths = match project {
        _ if !args.paths.is_empty() => args.paths.clone(),
        Some(p) if !p.config.rules.is_empty() => p.paths(&p.config.rules),
        Some(p) => vec![p.path("rules")],
        None => vec![PathBuf::from("rules")],
    };
    Ok(RunConfig {
        paths,
        deny_warnings: args.deny_warnings,
        show_paths: args.verbose,
        filter,
        fail_fast: args.fail_fast,
        shard,
        vars,
        // Files as before; a Genesys client only if some case reads a live conversation.
        source: Arc::new(
            LiveSource::new(args.net.options()).with_guests(suite::GuestOptions {
                parallel: usize::from(args.guests),
                flow_path: args.flow_path,
                ..suite::GuestOptions::default()
            }),
        ),
        conversation,
        coverage: args.coverage || min_coverage.is_some(),
        min_coverage,
        // `test` exits right after the run.
        forget_at_exit: true,
        terraform: args.tf.options(project)?,
        now: match &args.now {
            Some(t) => Some(
                crate::expr::DateTime::parse(t.trim()).map_err(|e| format!("--now {t}: {e}"))?,
            ),
            None => None,
        },
        pictures: args
            .summary
            .is_some()
            .then(|| Arc::new(std::sync::Mutex::new(report::summary::Pictures::default()))),
        ..project_base(project)
    })
}

/// What routecheck.yaml gives every run of rules files (`test`, `trace RULES --case`):
/// placeholder values, excluded directories, shared stubs files.
pub(super) fn project_base(project: Option<&Project>) -> RunConfig {
    RunConfig {
        project_vars: project.map(|p| p.config.vars.clone()).unwrap_or_default(),
        excludes: project.map(Project::excludes).unwrap_or_default(),
        stubs: project
            .map(|p| p.paths(&p.config.stubs))
            .unwrap_or_default(),
        ..RunConfig::default()
    }
}

/// `routecheck test`: the exit code, or what stopped it before it could run.
pub fn run(args: TestArgs) -> Result<u8, Stopped> {
    let project = super::project_for(&super::file_inputs(&args.paths))?;
    if let Some(p) = &project {
        // What routecheck.yaml names for this run, located there (not where it fails later).
        let mut keys = vec!["stubs"];
        if args.paths.is_empty() {
            keys.push("rules");
        }
        if args.tf.dir.is_none() && args.tf.tf_plan.is_none() {
            keys.push("terraform");
        }
        let errors = p.path_errors(&keys);
        if !errors.is_empty() {
            return Err(errors);
        }
    }
    // Before the rules: a Terraform path that is not there is the first thing to say (the
    // rules that name `tf:` flows would only fail after it, for want of a configuration).
    args.tf.checked(project.as_ref())?;
    let mut config = config(&args, project.as_ref()).map_err(|msg| vec![usage_unlocated(msg)])?;
    let mut recorder = None;
    if let Some((r, rec)) = super::nlu::recogniser(args.nlu_record, project.as_ref(), &args.net)? {
        config.recogniser = r;
        recorder = rec;
    }
    if args.list {
        return list(&config, args.format);
    }
    let summary = match &args.summary {
        Some(arg) if config.pictures.is_some() => {
            Some(summary_target(arg).map_err(|msg| vec![usage("--summary", msg)])?)
        }
        _ => None,
    };
    preflight(args.junit.as_deref(), summary.as_ref())?;
    let opts = ReportOptions {
        format: args.format,
        junit: args.junit.clone(),
        color: super::stdout_color(),
        stderr_color: super::stderr_color(),
        verbose: args.verbose,
    };
    if let Some(id) = &config.conversation {
        crate::errln!(
            "note: every selected case runs against live conversation {id}; `fixture:` paths are ignored"
        );
    }
    let progress =
        report::progress::wanted(std::io::stderr().is_terminal(), &|n| std::env::var(n).ok())
            .then(|| report::progress::Progress::start(PROGRESS_AFTER));
    // Both streams are lifted around the bar: it is drawn on stderr, where warnings go.
    let around = |w: Box<dyn std::io::Write + Send>| match &progress {
        Some(p) => p.around(w),
        None => w,
    };
    let stdout = around(stdout_for(opts.format));
    let stderr = around(Box::new(anstream::stderr()));
    let mut reporters = report::build(&opts, stdout, stderr);
    // First, so the bar is gone before any reporter prints the end of the run.
    if let Some(p) = progress {
        reporters.insert(0, Box::new(p));
    }
    if let (Some(t), Some(sink)) = (summary, &config.pictures) {
        reporters.push(report::scrubbed(Box::new(
            report::summary::JobSummary::new(t, sink.clone()),
        )));
    }
    let result = suite::run(&config, &mut reporters);
    drop(reporters);
    if let Some(r) = &recorder {
        match r.write() {
            Ok(done) => crate::errln!("note: {done}"),
            Err(e) => {
                crate::errln!("error: {e}");
                return Ok(exit::USAGE);
            }
        }
    }
    if let Some(e) = result.io_error
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        crate::errln!("error: writing the report: {e}");
        return Ok(exit::USAGE);
    }
    // Reporters print coverage shortfalls on stdout; say it on stderr too when stdout is a
    // machine format that a person running the command would not read.
    if opts.format != report::Format::Human {
        for line in &result.coverage_failures {
            crate::errln!("error: {line}");
        }
    }
    Ok(result.status.exit_code())
}

/// Every report file is judged before the run (links out of the project, FIFOs, devices,
/// directories): guest cases send messages to a live system, and a target refused only
/// at the end would leave that work unreported.
pub(super) fn preflight(
    junit: Option<&std::path::Path>,
    summary: Option<&report::summary::Target>,
) -> Result<(), Stopped> {
    use report::summary::Target;
    let mut errors = Vec::new();
    if let Some(j) = junit
        && let Err(e) = crate::source::write::check(j)
    {
        errors.push(usage("--junit", stream_hint(&e)));
    }
    if let Some(Target::File(p) | Target::Append(p)) = summary
        && let Err(e) = crate::source::write::check(p)
    {
        errors.push(usage("--summary", stream_hint(&e)));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// A report refused for being a FIFO or device (`/dev/stdout`) says how to reach stdout.
fn stream_hint(e: &crate::source::write::WriteError) -> String {
    match e {
        crate::source::write::WriteError::Refused { what, .. } if *what != "a directory" => {
            format!("{e} (use `-` for stdout)")
        }
        _ => e.to_string(),
    }
}

/// A run shows its progress bar (on a terminal, outside CI) once it has lasted this long.
const PROGRESS_AFTER: Duration = Duration::from_millis(700);

/// One selected case, as `--list` prints it.
#[derive(serde::Serialize)]
struct Listed<'a> {
    suite: &'a str,
    file: &'a str,
    case: &'a str,
    location: &'a report::Location,
}

/// `routecheck test --list`: load, select (`--run`, `--shard`), print; nothing runs.
/// Exit 0, or 2 when the rules cannot be loaded or `--run` matches nothing.
fn list(config: &RunConfig, format: Format) -> Result<u8, Stopped> {
    let loaded = suite::runner::load(config)?;
    let selection = suite::runner::select(&loaded, config);
    if selection.is_empty()
        && let Some(r) = &config.filter
    {
        let arg = format!("--run {}", r.as_str());
        let msg = format!("no case or suite name matches `{}`", r.as_str());
        return Err(vec![usage(&arg, msg)]);
    }
    let cases: Vec<Listed<'_>> = selection
        .iter()
        .map(|&(si, ci)| {
            let s = &loaded.suites[si];
            let c = &s.cases[ci];
            Listed {
                suite: &s.name,
                file: &s.file,
                case: &c.name,
                location: &c.location,
            }
        })
        .collect();
    let text = match format {
        Format::Json => {
            let doc = serde_json::json!({ "version": 1, "count": cases.len(), "cases": cases });
            serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
        }
        Format::Human | Format::Github => cases
            .iter()
            .map(|c| format!("{}: {} › {}\n", c.location, c.suite, c.case))
            .collect(),
    };
    let mut out = anstream::stdout();
    Ok(match std::io::Write::write_all(&mut out, text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            crate::errln!("error: writing the list: {e}");
            exit::USAGE
        }
        _ => exit::OK,
    })
}

/// Arguments of `routecheck schema`.
#[derive(Debug, clap::Args)]
pub struct SchemaArgs {
    /// Print the schema of the project config (routecheck.yaml) instead.
    #[arg(long)]
    pub config: bool,
}

/// `routecheck schema`: the JSON Schema of the rules format, or of routecheck.yaml.
pub fn schema(args: &SchemaArgs) -> u8 {
    if args.config {
        crate::outln!("{}", crate::project::schema_json());
    } else {
        crate::outln!("{}", suite::schema::json());
    }
    exit::OK
}
