//! The command line: clap's raw arguments, validated per command, dispatched to the
//! layers, and every error rendered here, once.

mod doctor;
mod eval;
mod r#gen;
mod graph;
mod init;
mod lint;
mod lint_report;
mod live;
mod nlu;
mod provenance;
mod snapshot;
mod stop;
mod test;
mod tf;
mod trace;

use std::io::IsTerminal;
use std::sync::OnceLock;

use clap::{Parser, Subcommand};

use crate::exit;

/// Check Genesys Cloud Web Messaging routing before you deploy.
#[derive(Debug, Parser)]
#[command(name = "routecheck", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Colour: `auto` colours a terminal unless NO_COLOR is set (CLICOLOR_FORCE or
    /// FORCE_COLOR force it, e.g. in a CI log); `always` and `never` override all three.
    #[arg(long, global = true, value_enum, default_value_t, value_name = "WHEN")]
    color: ColorChoice,
}

/// `--color`, on every command.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour a terminal, as the environment says (NO_COLOR, CLICOLOR_FORCE, FORCE_COLOR).
    #[default]
    Auto,
    /// Always colour (ANSI escapes even in a pipe or a file).
    Always,
    /// Never colour.
    Never,
}

/// The run's `--color`, set once before the command runs.
static COLOR: OnceLock<ColorChoice> = OnceLock::new();

#[derive(Debug, Subcommand)]
enum Command {
    /// Evaluate one Architect expression and print its value and type.
    Eval(eval::EvalArgs),
    /// Run rules files against conversation fixtures (default: rules/).
    Test(test::TestArgs),
    /// Print the JSON Schema of the rules format (`--config`: of routecheck.yaml).
    Schema(test::SchemaArgs),
    /// Write a routecheck.yaml for the layout found here (never overwrites).
    Init(init::InitArgs),
    /// Run one Archy flow against one conversation and print the path it takes.
    Trace(trace::TraceArgs),
    /// Print an Archy flow as a Mermaid flowchart.
    Graph(graph::GraphArgs),
    /// Fetch live conversations and write them as fixtures.
    Record(live::RecordArgs),
    /// Set participant attributes on a live conversation and verify them.
    Inject(live::InjectArgs),
    /// Check that the attributes scripts inject match what flows read.
    Lint(lint::LintArgs),
    /// Review fixtures against live conversations or fresh exports: check, accept, reject.
    Snapshot(snapshot::SnapshotArgs),
    /// Check region, credentials, permissions and the Messenger deployment for live and
    /// guest checks, each with the fix.
    Doctor(doctor::DoctorArgs),
    /// Generate cases that reach every branch of a flow (cases without recordings).
    Gen(r#gen::GenArgs),
}

/// Parse arguments, run, and return the process exit code.
pub fn main() -> u8 {
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let cli = match Cli::try_parse_from(&argv) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            if !e.use_stderr() {
                return exit::OK;
            }
            // The reports the arguments name still record why nothing ran.
            return match stop::Reports::scan(&argv) {
                Some(reports) => stop::refused_by_clap(&reports, &e.to_string()),
                None => exit::USAGE,
            };
        }
    };
    let _ = COLOR.set(cli.color);
    // anstream strips escapes from non-terminals on its own; make it agree with us.
    anstream::ColorChoice::write_global(match forced(cli.color, &env_var) {
        Some(true) => anstream::ColorChoice::AlwaysAnsi,
        Some(false) => anstream::ColorChoice::Never,
        None => anstream::ColorChoice::Auto,
    });
    let code = match cli.command {
        Command::Eval(args) => eval::run(args),
        Command::Test(args) => {
            let reports = test::reports(&args);
            test::run(args).unwrap_or_else(|errors| stop::stopped(&reports, errors))
        }
        Command::Schema(args) => test::schema(&args),
        Command::Init(args) => init::run(&args),
        Command::Trace(args) => trace::run(args),
        Command::Graph(args) => graph::run(args),
        Command::Record(args) => live::record(args),
        Command::Inject(args) => live::inject(args),
        Command::Snapshot(args) => snapshot::run(args),
        Command::Doctor(args) => doctor::run(args),
        Command::Lint(args) => {
            let reports = lint::reports(&args);
            lint::run(args).unwrap_or_else(|errors| stop::stopped(&reports, errors))
        }
        Command::Gen(args) => r#gen::run(args),
    };
    // Output still buffered must reach stdout, or the failure be said, before the exit.
    crate::source::render::flush_stdout();
    code
}

fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// The colour decision that does not depend on the stream: `Some(true)` forced on,
/// `Some(false)` off, `None` a terminal decides.
///
/// `--color always|never` wins; then `NO_COLOR` set and non-empty turns colour off
/// (https://no-color.org, which it beats the force variables over: the strict reading);
/// then `CLICOLOR_FORCE` set and not `0` (https://bixense.com/clicolors/) or
/// `FORCE_COLOR` set and not `0`/`false` (Node's and chalk's convention) force it.
fn forced(choice: ColorChoice, env: &dyn Fn(&str) -> Option<String>) -> Option<bool> {
    match choice {
        ColorChoice::Always => return Some(true),
        ColorChoice::Never => return Some(false),
        ColorChoice::Auto => {}
    }
    if env("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        return Some(false);
    }
    let clicolor_force = env("CLICOLOR_FORCE").is_some_and(|v| !v.is_empty() && v != "0");
    let force_color = env("FORCE_COLOR").is_some_and(|v| v != "0" && v != "false");
    (clicolor_force || force_color).then_some(true)
}

/// Whether to colour a stream, the one NO_COLOR/terminal check for every command.
fn color_for(terminal: bool) -> bool {
    let choice = COLOR.get().copied().unwrap_or_default();
    forced(choice, &env_var).unwrap_or(terminal)
}

/// Whether to colour stderr (`--color`, the environment, a terminal).
pub(crate) fn stderr_color() -> bool {
    color_for(std::io::stderr().is_terminal())
}

/// Whether to colour stdout (`--color`, the environment, a terminal).
pub(crate) fn stdout_color() -> bool {
    color_for(std::io::stdout().is_terminal())
}

/// The project's `routecheck.yaml` (nearest at or above the working directory), or
/// the exit code after its errors were printed.
pub(crate) fn project() -> Result<Option<crate::project::Project>, u8> {
    project_or_stop().map_err(|errors| {
        print_diagnostics(errors.iter().map(|d| d as &dyn miette::Diagnostic));
        exit::USAGE
    })
}

/// [`project`] for a command with reports: its errors are what stopped the command.
pub(crate) fn project_or_stop() -> Result<Option<crate::project::Project>, stop::Stopped> {
    crate::project::discover(std::path::Path::new("."))
}

/// The project of a command's input files: the nearest `routecheck.yaml` above them, found
/// from each file's (or directory's) real location as its paths are resolved
/// (`project::root_of`), so a rules file outside the working directory's project runs with
/// its own project's `vars:`, stubs and deploy, never the working directory's. No inputs:
/// the working directory's. Inputs of two projects are refused (each runs with its own;
/// run them one project at a time); inputs under no `routecheck.yaml` go with the project
/// of the others (a scratch manifest linted against a project's flows). A project that is
/// not the working directory's is named on stderr.
pub(crate) fn project_for(
    inputs: &[&std::path::Path],
) -> Result<Option<crate::project::Project>, stop::Stopped> {
    use std::path::{Path, PathBuf};
    if inputs.is_empty() {
        return project_or_stop();
    }
    // Compared by real location; loaded by the path `find` gives (relative to the working
    // directory when below it, so messages stay short).
    let config_of = |dir: &Path| -> Option<(PathBuf, PathBuf)> {
        crate::project::find(dir).and_then(|f| Some((f.canonicalize().ok()?, f)))
    };
    let mut found: Vec<(Option<(PathBuf, PathBuf)>, &Path)> = Vec::new();
    for input in inputs {
        let dir = if input.is_dir() {
            *input
        } else {
            input
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."))
        };
        if !input.exists() {
            // Reported by the command as a path that does not exist.
            continue;
        }
        let cfg = config_of(dir);
        if cfg.is_none() && inputs.len() > 1 {
            continue;
        }
        if !found
            .iter()
            .any(|(c, _)| c.as_ref().map(|c| &c.0) == cfg.as_ref().map(|c| &c.0))
        {
            found.push((cfg, input));
        }
    }
    if let [(a, a_in), (b, b_in), ..] = found.as_slice() {
        let name = |c: &Option<(PathBuf, PathBuf)>| match c {
            Some((_, c)) => format!("the project of {}", c.display()),
            None => "no project (no routecheck.yaml above it)".to_string(),
        };
        return Err(vec![stop::usage_unlocated(format!(
            "{} belongs to {} and {} to {}: each file runs with its own project's vars, stubs and deploy, so run one project at a time",
            a_in.display(),
            name(a),
            b_in.display(),
            name(b)
        ))]);
    }
    let (cfg, input) = match found.pop() {
        Some(f) => f,
        None => match inputs.iter().find(|i| i.exists()) {
            // Every input is outside any project.
            Some(i) => (None, *i),
            None => return project_or_stop(),
        },
    };
    let cwd = config_of(Path::new("."));
    if cfg.as_ref().map(|c| &c.0) != cwd.as_ref().map(|c| &c.0) {
        let shown = |c: &Option<(PathBuf, PathBuf)>| {
            c.as_ref()
                .map_or("none".to_string(), |(_, c)| c.display().to_string())
        };
        crate::errln!(
            "project: {} (the project of {}; the working directory's is {})",
            shown(&cfg),
            input.display(),
            shown(&cwd)
        );
    }
    match cfg {
        Some((_, file)) => crate::project::load(&file).map(Some),
        None => Ok(None),
    }
}

/// [`project_for`] for a command without reports: its errors printed, the exit code.
pub(crate) fn project_of(
    inputs: &[&std::path::Path],
) -> Result<Option<crate::project::Project>, u8> {
    project_for(inputs).map_err(|errors| {
        print_diagnostics(errors.iter().map(|d| d as &dyn miette::Diagnostic));
        exit::USAGE
    })
}

/// The files among command-line paths: a `tf:ADDRESS` flow names a Terraform resource, not a
/// file, and says nothing about the project.
pub(crate) fn file_inputs<'a>(
    paths: impl IntoIterator<Item = &'a std::path::PathBuf>,
) -> Vec<&'a std::path::Path> {
    paths
        .into_iter()
        .filter(|p| !p.to_string_lossy().starts_with("tf:"))
        .map(std::path::PathBuf::as_path)
        .collect()
}

/// Print diagnostics to stderr, rendered once.
pub(crate) fn print_diagnostics<'a, I>(diags: I)
where
    I: IntoIterator<Item = &'a dyn miette::Diagnostic>,
{
    let color = stderr_color();
    crate::source::render::flush_before_stderr();
    let mut err = anstream::stderr();
    for d in diags {
        use std::io::Write;
        let _ = write!(err, "{}", crate::diag::render(d, color));
    }
}

/// `NAME=VALUE` arguments as a map; a missing `=` or empty name is a usage error.
pub(crate) fn pairs(
    items: &[String],
    flag: &str,
    shape: &str,
) -> Result<std::collections::BTreeMap<String, String>, String> {
    let mut out = std::collections::BTreeMap::new();
    for item in items {
        match item.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => {
                out.insert(k.trim().to_string(), v.to_string());
            }
            _ => return Err(format!("{flag} expects {shape}, got `{item}`")),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    #[test]
    fn the_flag_beats_the_environment() {
        let env = with(&[("NO_COLOR", "1")]);
        assert_eq!(forced(ColorChoice::Always, &env), Some(true));
        let env = with(&[("FORCE_COLOR", "1")]);
        assert_eq!(forced(ColorChoice::Never, &env), Some(false));
    }

    #[test]
    fn auto_reads_no_color_then_the_force_variables() {
        let auto = |vars: &[(&str, &str)]| forced(ColorChoice::Auto, &with(vars));
        assert_eq!(auto(&[]), None);
        assert_eq!(auto(&[("NO_COLOR", "")]), None);
        assert_eq!(auto(&[("NO_COLOR", "1")]), Some(false));
        assert_eq!(
            auto(&[("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")]),
            Some(false)
        );
        assert_eq!(auto(&[("CLICOLOR_FORCE", "1")]), Some(true));
        assert_eq!(auto(&[("CLICOLOR_FORCE", "0")]), None);
        assert_eq!(auto(&[("FORCE_COLOR", "")]), Some(true));
        assert_eq!(auto(&[("FORCE_COLOR", "3")]), Some(true));
        assert_eq!(auto(&[("FORCE_COLOR", "0")]), None);
        assert_eq!(auto(&[("FORCE_COLOR", "false")]), None);
    }
}
