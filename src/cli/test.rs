//! `routecheck test` and `routecheck schema`: validate arguments into a `RunConfig`,
//! build the reporters, run, and turn the result into an exit code.

use std::path::PathBuf;
use std::sync::Arc;

use regex::Regex;

use super::live::NetArgs;
use crate::exit;
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
    /// Show durations and more detail.
    #[arg(long, short)]
    pub verbose: bool,
    /// Run every selected case against this live conversation instead of its `fixture:`
    /// (needs GENESYS_CLIENT_ID, GENESYS_CLIENT_SECRET and GENESYS_REGION).
    #[arg(long, value_name = "ID")]
    pub conversation: Option<String>,
    #[command(flatten)]
    pub net: NetArgs,
}

fn usage(msg: &str) -> u8 {
    crate::errln!("error: {msg}");
    exit::USAGE
}

/// Validate `args` into a run configuration, or a usage error message.
pub fn config(args: &TestArgs) -> Result<RunConfig, String> {
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
    Ok(RunConfig {
        paths: if args.paths.is_empty() {
            vec![PathBuf::from("rules")]
        } else {
            args.paths.clone()
        },
        filter,
        fail_fast: args.fail_fast,
        shard,
        vars,
        // Files as before; a Genesys client only if some case reads a live conversation.
        source: Arc::new(LiveSource::new(args.net.options())),
        conversation,
        coverage: args.coverage || min_coverage.is_some(),
        min_coverage,
        ..RunConfig::default()
    })
}

/// `routecheck test`.
pub fn run(args: TestArgs) -> u8 {
    let config = match config(&args) {
        Ok(c) => c,
        Err(msg) => return usage(&msg),
    };
    let opts = ReportOptions {
        format: args.format,
        junit: args.junit.clone(),
        color: super::stdout_color(),
        verbose: args.verbose,
    };
    if let Some(id) = &config.conversation {
        crate::errln!(
            "note: every selected case runs against live conversation {id}; `fixture:` paths are ignored"
        );
    }
    let mut reporters = report::build(&opts, Box::new(anstream::stdout()));
    let result = suite::run(&config, &mut reporters);
    drop(reporters);
    if let Some(e) = result.io_error
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        crate::errln!("error: writing the report: {e}");
        return exit::USAGE;
    }
    // Reporters print coverage shortfalls on stdout; say it on stderr too when stdout is a
    // machine format that a person running the command would not read.
    if opts.format != report::Format::Human {
        for line in &result.coverage_failures {
            crate::errln!("error: {line}");
        }
    }
    result.status.exit_code()
}

/// `routecheck schema`: the JSON Schema of the rules format.
pub fn schema() -> u8 {
    crate::outln!("{}", suite::schema::json());
    exit::OK
}
