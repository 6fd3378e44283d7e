//! `routecheck trace RULES --case NAME`: one case of a rules file replayed exactly as
//! `routecheck test` runs it — the same loader and flow binding, the same vars (the
//! file's, routecheck.yaml's, `--var`), the same stubs (the case's, the file's, the
//! project's) and the same recording or built conversation — printing the path it takes
//! and then the case's verdict as `test` would print it.

use std::io::Write;
use std::path::Path;

use super::{Failure, TraceArgs, TraceFormat};
use crate::cli::pairs;
use crate::exit;
use crate::expr::DateTime;
use crate::report::{self, CaseResult, Event, Format, Outcome, ReportOptions};
use crate::suite::check;
use crate::suite::runner::{self, FixtureSource, Loaded};
use crate::suite::{FileSource, prefetch};

/// Load RULES as `test` does, find the case, run it, print its path and verdict; the
/// exit code is the one `test` would give that case alone.
pub(super) fn run(rules: &Path, args: &TraceArgs) -> Result<u8, Failure> {
    // The rules file's own project (its vars, stubs, deploy), as `test RULES` runs it.
    let project = crate::cli::project_of(&[rules]).map_err(Failure::Exit)?;
    let mut config = crate::cli::test::project_base(project.as_ref());
    config.paths = vec![rules.to_path_buf()];
    config.vars = pairs(&args.vars, "--var", "NAME=VALUE")?;
    config.terraform = args.tf.checked(project.as_ref()).map_err(Failure::Many)?;
    if let Some(s) = &args.now {
        config.now = Some(DateTime::parse(s).map_err(|e| format!("--now: {e}"))?);
    }
    let loaded = runner::load(&config).map_err(Failure::Many)?;
    let result = replay(&loaded, rules, args, &config);
    if let Some(p) = &loaded.prefetch {
        p.cancel();
    }
    result
}

fn replay(
    loaded: &Loaded,
    rules: &Path,
    args: &TraceArgs,
    config: &runner::RunConfig,
) -> Result<u8, Failure> {
    let names = || {
        loaded
            .suites
            .iter()
            .flat_map(|s| s.cases.iter().map(|c| format!("  {}", c.name)))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let Some(name) = &args.case else {
        return Err(format!(
            "{} names no case: give --case NAME, one of:\n{}",
            rules.display(),
            names()
        )
        .into());
    };
    let found: Vec<(usize, usize)> = loaded
        .suites
        .iter()
        .enumerate()
        .flat_map(|(si, s)| {
            s.cases
                .iter()
                .enumerate()
                .filter(|(_, c)| &c.name == name)
                .map(move |(ci, _)| (si, ci))
        })
        .collect();
    let (si, ci) = match found.as_slice() {
        [one] => *one,
        [] => {
            let all = loaded.suites.iter().flat_map(|s| &s.cases);
            let hint = crate::diag::closest(name, all.map(|c| c.name.as_str()))
                .map(|c| format!(" (did you mean `{c}`?)"))
                .unwrap_or_default();
            return Err(format!(
                "--case: {} has no case named `{name}`{hint}; its cases:\n{}",
                rules.display(),
                names()
            )
            .into());
        }
        several => {
            let files: Vec<&str> = several
                .iter()
                .map(|(si, _)| loaded.suites[*si].file.as_str())
                .collect();
            return Err(format!(
                "--case `{name}` is a case of several rules files ({}): give the file",
                files.join(", ")
            )
            .into());
        }
    };
    let suite = &loaded.suites[si];
    let case = &suite.cases[ci];
    let Some(flow) = suite.flow.as_ref().and_then(|f| f.loaded.clone()) else {
        return Err(format!(
            "{} simulates no flow (it has no `flow:`): there is no path to trace; `routecheck test {} --run '{}'` runs the case",
            suite.file, suite.file, name
        )
        .into());
    };
    // The case's conversation as the runner reads it: a file, or the one built from it.
    let text = FileSource.read(&case.fixture).map_err(Failure::Usage)?;
    let (conv, tree) = prefetch::parse(case.fixture.display(), &text, case.needs_tree)
        .map_err(|e| format!("fixture {e}"))?;
    let env = loaded.env(config);
    let mut near = check::near_miss_warnings(suite, case, &conv);
    let (outcome, run) = check::evaluate_run(suite, case, &conv, tree.as_ref(), env);
    near.extend(check::race_warnings(suite, case, run.as_ref()));
    near.extend(check::literal_warnings(suite, case));
    // The path first (stdout), then the case line exactly as `test` prints it.
    if let Some(run) = &run {
        let text = match args.format {
            TraceFormat::Mermaid => crate::cli::graph::path_diagram(
                &flow,
                run,
                suite.flow.as_ref().and_then(|f| f.library.as_deref()),
            ),
            TraceFormat::Text => crate::flow::trace::render_run(run),
        };
        let text = crate::suite::interp::scrub(&text, &suite.redact);
        // The recording's personal values too (registered when it was read).
        let text = crate::scrub::text(&text);
        let _ = write!(crate::source::render::stdout(), "{text}");
    }
    let code = match &outcome {
        Outcome::Passed => exit::OK,
        Outcome::Failed { .. } => exit::FAILED,
        Outcome::Error { .. } | Outcome::Skipped { .. } => exit::USAGE,
    };
    let opts = ReportOptions {
        format: Format::Human,
        color: crate::cli::stdout_color(),
        stderr_color: crate::cli::stderr_color(),
        ..ReportOptions::default()
    };
    // In Mermaid the verdict would break the diagram: it goes to stderr instead.
    let verdict: Box<dyn Write + Send> = match args.format {
        TraceFormat::Mermaid => Box::new(anstream::stderr()),
        TraceFormat::Text => Box::new(crate::source::render::stdout()),
    };
    let mut reporters = report::build(&opts, verdict, Box::new(anstream::stderr()));
    let mut events: Vec<Event> = loaded
        .warnings
        .iter()
        .cloned()
        .map(Event::Warning)
        .collect();
    events.extend(near.into_iter().map(Event::Warning));
    events.push(Event::CaseFinished(CaseResult {
        suite_file: suite.file.clone(),
        suite_name: suite.name.clone(),
        case_name: case.name.clone(),
        location: case.location.clone(),
        outcome: runner::redact(outcome, &suite.redact),
        path: Vec::new(),
        duration: std::time::Duration::ZERO,
    }));
    for e in &events {
        for r in reporters.iter_mut() {
            let _ = r.event(e);
        }
    }
    for r in reporters.iter_mut() {
        let _ = r.flush();
    }
    Ok(code)
}
