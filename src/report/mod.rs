//! Reporters: one stream of run events, rendered for people and pipelines.
//!
//! The runner emits [`Event`]s in order; every reporter consumes the same stream, so
//! the human, JSON, GitHub and JUnit outputs cannot disagree about a run.

mod collect;
pub mod diagnostics;
pub mod event;
pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod mermaid;
pub mod progress;
mod scrubbing;
pub mod summary;
mod text;

use std::io::{self, Write};
use std::path::PathBuf;

pub use event::{
    Branch, CaseResult, Coverage, Event, Failure, FlowCoverage, Location, Outcome, Reporter,
    SuiteInfo, Summary,
};
pub use text::summary_line;

/// The stdout format of a run (JUnit is a file written beside it, see [`ReportOptions::junit`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Ticks, crosses, diffs and a summary line, for people.
    #[default]
    Human,
    /// One JSON document at the end of the run (shape in docs/json-output.md).
    Json,
    /// GitHub Actions workflow commands: an annotation per failure and warning.
    Github,
}

/// Everything the CLI decides about reporting, validated.
#[derive(Debug, Clone, Default)]
pub struct ReportOptions {
    /// What goes to stdout.
    pub format: Format,
    /// Also write a JUnit XML file here.
    pub junit: Option<PathBuf>,
    /// Colour the human output (a terminal with `NO_COLOR` unset).
    pub color: bool,
    /// Colour the diagnostics on stderr (decided for stderr, as `color` is for stdout).
    pub stderr_color: bool,
    /// Human output: durations, and reached branches in coverage too.
    pub verbose: bool,
}

/// The reporters a run asked for: the diagnostics on `stderr` (human and JSON formats;
/// GitHub's annotations are its diagnostics), then the stdout one, then the JUnit file if
/// any. Diagnostics come first so a warning is printed above the case it is about.
pub fn build(
    opts: &ReportOptions,
    stdout: Box<dyn Write + Send>,
    stderr: Box<dyn Write + Send>,
) -> Vec<Box<dyn Reporter>> {
    let mut reporters: Vec<Box<dyn Reporter>> = Vec::with_capacity(3);
    if opts.format != Format::Github {
        reporters.push(Box::new(diagnostics::Diagnostics::new(
            stderr,
            opts.stderr_color,
        )));
    }
    reporters.push(match opts.format {
        Format::Human => Box::new(human::Human::new(stdout, opts.color, opts.verbose)),
        Format::Json => Box::new(json::Json::new(stdout)),
        Format::Github => Box::new(github::Github::new(stdout)),
    });
    if let Some(path) = &opts.junit {
        reporters.push(Box::new(junit::Junit::new(path.clone())));
    }
    reporters.into_iter().map(scrubbed).collect()
}

/// `r` behind the scrubber: every reporter a command adds outside [`build`] (the job
/// summary) goes through this too, so no format can leak a secret.
pub fn scrubbed(r: Box<dyn Reporter>) -> Box<dyn Reporter> {
    Box::new(Scrubbed(r))
}

/// A reporter that sees only events scrubbed of every registered secret and token
/// ([`crate::scrub`]): every format gets the same scrubbing, at the edge.
struct Scrubbed(Box<dyn Reporter>);

impl Reporter for Scrubbed {
    fn event(&mut self, event: &Event) -> io::Result<()> {
        self.0.event(&scrubbing::event(event))
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// Forwards every event to several reporters.
///
/// A reporter that fails (a closed pipe, a full disk) does not stop the others: the JUnit
/// file must still be written when stdout is gone. The first error is returned.
pub struct Fanout {
    reporters: Vec<Box<dyn Reporter>>,
}

impl Fanout {
    /// Forward to these reporters, in order.
    pub fn new(reporters: Vec<Box<dyn Reporter>>) -> Self {
        Fanout { reporters }
    }
}

impl Reporter for Fanout {
    fn event(&mut self, event: &Event) -> io::Result<()> {
        let mut first_err = None;
        for r in &mut self.reporters {
            if let Err(e) = r.event(event) {
                first_err.get_or_insert(e);
            }
        }
        first_err.map_or(Ok(()), Err)
    }

    fn flush(&mut self) -> io::Result<()> {
        let mut first_err = None;
        for r in &mut self.reporters {
            if let Err(e) = r.flush() {
                first_err.get_or_insert(e);
            }
        }
        first_err.map_or(Ok(()), Err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    struct Failing;
    impl Reporter for Failing {
        fn event(&mut self, _: &Event) -> io::Result<()> {
            Err(io::Error::new(io::ErrorKind::BrokenPipe, "closed"))
        }
    }

    struct Counting(Arc<Mutex<usize>>);
    impl Reporter for Counting {
        fn event(&mut self, _: &Event) -> io::Result<()> {
            *self.0.lock().map_err(|_| io::Error::other("poisoned"))? += 1;
            Ok(())
        }
    }

    #[test]
    fn fanout_keeps_going_after_a_failing_reporter_and_returns_its_error() {
        let seen = Arc::new(Mutex::new(0));
        let mut f = Fanout::new(vec![Box::new(Failing), Box::new(Counting(seen.clone()))]);
        let err = f
            .event(&Event::RunFinished(Summary::default()))
            .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
        assert_eq!(*seen.lock().unwrap(), 1);
    }

    #[test]
    fn build_adds_diagnostics_before_and_junit_after_the_stdout_reporter() {
        let opts = ReportOptions {
            format: Format::Json,
            junit: Some(PathBuf::from("out.xml")),
            ..ReportOptions::default()
        };
        let sink = || Box::new(io::sink());
        assert_eq!(build(&opts, sink(), sink()).len(), 3);
        assert_eq!(build(&ReportOptions::default(), sink(), sink()).len(), 2);
        let github = ReportOptions {
            format: Format::Github,
            ..ReportOptions::default()
        };
        assert_eq!(build(&github, sink(), sink()).len(), 1);
    }
}
