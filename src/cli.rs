//! The command line: clap's raw arguments, validated per command, dispatched to the
//! layers, and every error rendered here, once.

mod eval;
mod lint;
mod live;
mod snapshot;
mod test;
mod trace;

use std::io::IsTerminal;

use clap::{Parser, Subcommand};

use crate::exit;

/// Check Genesys Cloud Web Messaging routing before you deploy.
#[derive(Debug, Parser)]
#[command(name = "routecheck", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Evaluate one Architect expression and print its value and type.
    Eval(eval::EvalArgs),
    /// Run rules files against conversation fixtures (default: rules/).
    Test(test::TestArgs),
    /// Print the JSON Schema of the rules format.
    Schema,
    /// Run one Archy flow against one conversation and print the path it takes.
    Trace(trace::TraceArgs),
    /// Fetch live conversations and write them as fixtures.
    Record(live::RecordArgs),
    /// Set participant attributes on a live conversation and verify them.
    Inject(live::InjectArgs),
    /// Check that the attributes scripts inject match what flows read.
    Lint(lint::LintArgs),
    /// Review fixtures against live conversations or fresh exports: check, accept, reject.
    Snapshot(snapshot::SnapshotArgs),
}

/// Parse arguments, run, and return the process exit code.
pub fn main() -> u8 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            };
            let _ = e.print();
            return code;
        }
    };
    let code = match cli.command {
        Command::Eval(args) => eval::run(args),
        Command::Test(args) => test::run(args),
        Command::Schema => test::schema(),
        Command::Trace(args) => trace::run(args),
        Command::Record(args) => live::record(args),
        Command::Inject(args) => live::inject(args),
        Command::Snapshot(args) => snapshot::run(args),
        Command::Lint(args) => lint::run(args),
    };
    // Output still buffered must reach stdout, or the failure be said, before the exit.
    crate::source::render::flush_stdout();
    code
}

/// `NO_COLOR` unset or empty (https://no-color.org).
fn color_allowed() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Whether to colour stderr: a terminal, and `NO_COLOR` unset or empty.
pub(crate) fn stderr_color() -> bool {
    color_allowed() && std::io::stderr().is_terminal()
}

/// Whether to colour stdout: a terminal, and `NO_COLOR` unset or empty.
pub(crate) fn stdout_color() -> bool {
    color_allowed() && std::io::stdout().is_terminal()
}

/// Print diagnostics to stderr, rendered once.
pub(crate) fn print_diagnostics<'a, I>(diags: I)
where
    I: IntoIterator<Item = &'a dyn miette::Diagnostic>,
{
    let color = stderr_color();
    let mut err = anstream::stderr();
    for d in diags {
        use std::io::Write;
        let _ = write!(err, "{}", crate::diag::render(d, color));
    }
}
