//! `routecheck graph`: an Archy flow as a Mermaid flowchart, for review and docs. A
//! picture needs no deploy values: placeholders left without one are drawn as written.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use crate::exit;
use crate::flow::{Flow, RunResult, placeholders};
use crate::report::mermaid::{Paint, escape, render};

/// Arguments of `routecheck graph`.
#[derive(Debug, clap::Args)]
pub struct GraphArgs {
    /// The Archy flow file, or `tf:ADDRESS` (a `genesyscloud_flow` of `--terraform`).
    #[arg(long)]
    pub flow: PathBuf,
    /// A `{{placeholder}}` value for the flow file, NAME=VALUE (repeatable); with
    /// Terraform, only for what it cannot know offline. One left without a value (here
    /// or in routecheck.yaml's `vars:`) is drawn as written.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    #[command(flatten)]
    pub tf: super::tf::TfArgs,
}

/// Run `routecheck graph`.
pub fn run(args: GraphArgs) -> u8 {
    let mut vars = match super::pairs(&args.vars, "--var", "NAME=VALUE") {
        Ok(v) => v,
        Err(message) => {
            let _ = writeln!(anstream::stderr(), "error: {message}");
            return exit::USAGE;
        }
    };
    let project = match super::project_of(&super::file_inputs([&args.flow])) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let tf = match args.tf.read(project.as_ref()) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let arg = match super::tf::flow(
        &args.flow,
        tf.as_ref(),
        &super::tf::fills(&vars, project.as_ref()),
    ) {
        Ok(a) => a,
        Err(message) => {
            let _ = writeln!(anstream::stderr(), "error: {message}");
            return exit::USAGE;
        }
    };
    arg.warn();
    let cli_vars = vars.clone();
    vars = arg.vars.clone();
    // The placeholders still open get a stand-in that is plain text wherever it lands
    // (a quoted or bare value, a key), put back as `{{name}}` in the picture.
    // The bots and modules it calls are drawn inside it: found beside it or in the
    // project's flows folders, their open placeholders drawn as written too.
    let dirs = crate::project::call_dirs(&arg.path);
    let mut open: Vec<String> = Vec::new();
    for file in std::iter::once(arg.path.clone()).chain(flow_files(&dirs)) {
        let names = crate::source::read_text(&file)
            .map(|t| placeholders::names(&t))
            .unwrap_or_default();
        for n in names {
            if !vars.contains_key(&n) && !open.contains(&n) {
                open.push(n);
            }
        }
    }
    let stand_ins: BTreeMap<String, String> = open
        .iter()
        .map(|n| (n.clone(), format!("rc__placeholder__{n}__")))
        .collect();
    vars.extend(stand_ins.clone());
    // A bot or module is drawn as readily as the message flow that calls it.
    let flow = match Flow::load_called(&arg.path, &vars) {
        Ok(f) => f,
        Err(diags) => {
            super::print_diagnostics(diags.iter().map(|d| d as &dyn miette::Diagnostic));
            // Nothing was drawn; the note is about a file that was read (not a missing one).
            if !open.is_empty() && arg.path.is_file() {
                crate::errln!(
                    "note: placeholders without a value ({}) were read as written; give a value with --var NAME=VALUE where the flow needs one to load",
                    open.join(", ")
                );
            }
            return exit::USAGE;
        }
    };
    // Each flow a `genesyscloud_flow` deploys is drawn with its own resource's values.
    let library = crate::flow::Library::new(dirs, vars.clone()).with_bound(
        tf.as_ref()
            .map(|t| t.bound_flows(&super::tf::fills(&cli_vars, project.as_ref())))
            .unwrap_or_default(),
    );
    let (graph, missing) = flow.graph_through(&library);
    for m in &missing {
        // A stand-in in the reason reads as written.
        let m = stand_ins
            .iter()
            .fold(m.clone(), |m, (n, t)| m.replace(t, &format!("{{{{{n}}}}}")));
        crate::errln!("note: the call to {m}: drawn as one node");
    }
    let mut text = render(&graph, &Paint::default(), None).text;
    text = with_comments(&text, &super::provenance::lines(&arg, tf.as_ref()));
    if !open.is_empty() {
        text = as_written(&text, &stand_ins);
        crate::errln!(
            "note: drawn with placeholders as written, without a value: {} (--var NAME=VALUE fills one)",
            open.iter()
                .map(|n| format!("{{{{{n}}}}}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let mut out = anstream::stdout();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            let _ = writeln!(anstream::stderr(), "error: writing the graph: {e}");
            exit::USAGE
        }
        _ => exit::OK,
    }
}

/// The diagram with each stand-in back as `{{name}}`: escaped inside labels, as is in
/// `%%` comments (Mermaid does not read those).
fn as_written(text: &str, stand_ins: &BTreeMap<String, String>) -> String {
    text.split_inclusive('\n')
        .map(|line| {
            let comment = line.trim_start().starts_with("%%");
            stand_ins.iter().fold(line.to_string(), |l, (name, token)| {
                let written = format!("{{{{{name}}}}}");
                l.replace(
                    token,
                    &if comment {
                        written.clone()
                    } else {
                        escape(&written)
                    },
                )
            })
        })
        .collect()
}

/// The Archy files under `dirs` (files or folders) that are flows routecheck runs.
fn flow_files(dirs: &[PathBuf]) -> Vec<PathBuf> {
    let walk = crate::source::walk::Walk {
        exts: &["yaml", "yml"],
        ..Default::default()
    };
    let mut out = Vec::new();
    for d in dirs {
        let files = if d.is_dir() {
            crate::source::walk::files(d, &walk).unwrap_or_default()
        } else {
            vec![d.clone()]
        };
        out.extend(
            files
                .into_iter()
                .filter(|f| crate::flow::simulate::flow_kind_of(f).is_some()),
        );
    }
    out
}

/// The whole flow with one run's path painted on it, through the bots and modules it
/// calls when `library` finds them.
pub(super) fn path_diagram(
    flow: &Flow,
    result: &RunResult,
    library: Option<&crate::flow::Library>,
) -> String {
    let g = match library {
        Some(l) => flow.graph_through(l).0,
        None => flow.graph(),
    };
    let walk = g.walk(flow, &result.trace, &result.route);
    render(&g, &Paint::walk(&walk), None).text
}

/// Mermaid `%%` comment lines after the diagram's first line (its type), where every
/// renderer accepts them: what the deploy's Terraform gave the flow.
pub(super) fn with_comments(text: &str, lines: &[String]) -> String {
    if lines.is_empty() {
        return text.to_string();
    }
    let (first, rest) = text.split_once('\n').unwrap_or((text, ""));
    let mut out = format!("{first}\n");
    for l in lines {
        out.push_str("%% ");
        out.push_str(l.trim_start());
        out.push('\n');
    }
    out.push_str(rest);
    out
}
