//! `routecheck graph`: an Archy flow as a Mermaid flowchart, for review and docs.

use std::io::Write;
use std::path::PathBuf;

use crate::exit;
use crate::flow::{Flow, RunResult};
use crate::report::mermaid::{Paint, render};

/// Arguments of `routecheck graph`.
#[derive(Debug, clap::Args)]
pub struct GraphArgs {
    /// The Archy flow file.
    #[arg(long)]
    pub flow: PathBuf,
    /// A `{{placeholder}}` value for the flow file, NAME=VALUE (repeatable).
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
}

/// Run `routecheck graph`.
pub fn run(args: GraphArgs) -> u8 {
    let vars = match super::trace::pairs(&args.vars, "--var", "NAME=VALUE") {
        Ok(v) => v,
        Err(message) => {
            let _ = writeln!(anstream::stderr(), "error: {message}");
            return exit::USAGE;
        }
    };
    let flow = match Flow::load(&args.flow, &vars) {
        Ok(f) => f,
        Err(diags) => {
            super::print_diagnostics(diags.iter().map(|d| d as &dyn miette::Diagnostic));
            return exit::USAGE;
        }
    };
    let text = render(&flow.graph(), &Paint::default(), None).text;
    let mut out = anstream::stdout();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            let _ = writeln!(anstream::stderr(), "error: writing the graph: {e}");
            exit::USAGE
        }
        _ => exit::OK,
    }
}

/// The whole flow with one run's path painted on it.
pub(super) fn path_diagram(flow: &Flow, result: &RunResult) -> String {
    let g = flow.graph();
    let walk = g.walk(flow, &result.trace, &result.route);
    render(&g, &Paint::walk(&walk), None).text
}
