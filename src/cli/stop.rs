//! What a command writes when it cannot run: the one rule, applied here at the edge.
//!
//! Whatever stops a run before it has results — a usage error, an invalid routecheck.yaml,
//! a rules file, flow or fixture that does not load, a Terraform directory, the network —
//! is itself the result, in every report the command line asked for: the located errors on
//! stderr, the JSON document with `status: load_failed` and the errors, `::error`
//! annotations, a JUnit file with an error test case, the job summary with the errors.
//! Then exit 2. A pipeline that publishes the JUnit file or reads the JSON sees the
//! failure, never a missing file it might read as "nothing to report".
//!
//! Commands return their stopping errors ([`Stopped`]); `cli::main` hands them to
//! [`stopped`] with the report targets ([`Reports`]) taken from the arguments before the
//! command ran, or, when clap itself refused the arguments, scanned leniently from them
//! ([`Reports::scan`]).

use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;

use crate::diag::SourceDiagnostic;
use crate::exit;
use crate::report::{self, Event, Format, ReportOptions};
use crate::source::SourceFile;

/// The errors that stopped a command before it had results (all of them, located).
pub(crate) type Stopped = Vec<SourceDiagnostic>;

/// Which command's report shapes to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// `test`: the run reporters (human, JSON, GitHub, JUnit, job summary).
    Run,
    /// `lint`: its own human, JSON and GitHub output.
    Lint,
}

/// The reports a command was asked for: where a stopping error must be written.
#[derive(Debug, Clone)]
pub(crate) struct Reports {
    /// Which command.
    pub shape: Shape,
    /// `--format`.
    pub format: Format,
    /// `--junit FILE`.
    pub junit: Option<PathBuf>,
    /// `--summary [FILE]` (empty: `$GITHUB_STEP_SUMMARY`).
    pub summary: Option<String>,
}

impl Reports {
    /// The reports named in arguments clap refused (`test --format json --bogus`): the
    /// command and the report flags it can still make out, or `None` for a command
    /// without reports. A flag whose value is missing or not valid is left out.
    pub fn scan(argv: &[OsString]) -> Option<Reports> {
        let args: Vec<String> = argv
            .iter()
            .skip(1)
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        // The subcommand is the first word that is neither a global flag nor its value.
        let mut i = 0;
        while i < args.len() && args[i].starts_with('-') {
            i += if args[i] == "--color" { 2 } else { 1 };
        }
        let shape = match args.get(i).map(String::as_str) {
            Some("test") => Shape::Run,
            Some("lint") => Shape::Lint,
            _ => return None,
        };
        let mut reports = Reports {
            shape,
            format: Format::Human,
            junit: None,
            summary: None,
        };
        let rest = &args[i + 1..];
        let mut j = 0;
        while j < rest.len() {
            let arg = &rest[j];
            if arg == "--" {
                break;
            }
            let (flag, inline) = match arg.split_once('=') {
                Some((f, v)) if f.starts_with("--") => (f, Some(v.to_owned())),
                _ => (arg.as_str(), None),
            };
            let next = || rest.get(j + 1).filter(|v| !v.starts_with('-')).cloned();
            match flag {
                "--format" => {
                    if let Some(v) = inline.clone().or_else(next) {
                        if let Ok(f) = <Format as clap::ValueEnum>::from_str(&v, false) {
                            reports.format = f;
                        }
                        j += usize::from(inline.is_none());
                    }
                }
                "--junit" if shape == Shape::Run => {
                    if let Some(v) = inline.clone().or_else(next) {
                        reports.junit = Some(PathBuf::from(v));
                        j += usize::from(inline.is_none());
                    }
                }
                "--summary" if shape == Shape::Run => {
                    // Its value is optional: clap takes the next word unless it is a flag.
                    let value = inline.clone().or_else(|| {
                        rest.get(j + 1)
                            .filter(|v| *v == "-" || !v.starts_with('-'))
                            .cloned()
                    });
                    j += usize::from(inline.is_none() && value.is_some());
                    reports.summary = Some(value.unwrap_or_default());
                }
                _ => {}
            }
            j += 1;
        }
        Some(reports)
    }

    /// Whether anything beyond stderr was asked for.
    fn beyond_stderr(&self) -> bool {
        self.format != Format::Human || self.junit.is_some() || self.summary.is_some()
    }
}

/// A usage error about one argument, located in it (shown as its own one-line source).
pub(crate) fn usage(arg: &str, message: impl Into<String>) -> SourceDiagnostic {
    SourceDiagnostic::error(&SourceFile::command_line(arg), (0, arg.len()), message)
        .with_code("routecheck::usage")
}

/// A usage error about the command line as a whole (no argument to point at).
pub(crate) fn usage_unlocated(message: impl Into<String>) -> SourceDiagnostic {
    SourceDiagnostic::error(&SourceFile::unlocated("command line"), (0, 0), message)
        .with_code("routecheck::usage")
}

/// Write `errors` into every report `reports` names, then exit 2.
pub(crate) fn stopped(reports: &Reports, errors: Stopped) -> u8 {
    write(reports, errors, true)
}

/// clap refused the arguments and has said why on stderr: write the same into the other
/// reports the arguments name (the JSON document, annotations, JUnit, summary).
pub(crate) fn refused_by_clap(reports: &Reports, message: &str) -> u8 {
    if reports.beyond_stderr() {
        let first = message
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("invalid arguments");
        let first = first.trim().trim_start_matches("error:").trim();
        write(reports, vec![usage_unlocated(first)], false);
    }
    exit::USAGE
}

fn write(reports: &Reports, mut errors: Stopped, to_stderr: bool) -> u8 {
    if errors.is_empty() {
        errors.push(usage_unlocated("the command could not run"));
    }
    let failed = match reports.shape {
        Shape::Run => run_reports(reports, errors, to_stderr),
        Shape::Lint => super::lint_report::stopped(reports.format, &errors, to_stderr),
    };
    if let Err(e) = failed
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        crate::errln!("error: writing the report: {e}");
    }
    exit::USAGE
}

/// `test`: the run's reporters, each told `LoadFailed`.
fn run_reports(reports: &Reports, mut errors: Stopped, to_stderr: bool) -> std::io::Result<()> {
    let summary = match reports.summary.as_deref().map(summary_target) {
        Some(Ok(t)) => Some(t),
        Some(Err(msg)) => {
            errors.push(usage("--summary", msg));
            None
        }
        None => None,
    };
    let opts = ReportOptions {
        format: reports.format,
        junit: reports.junit.clone(),
        color: super::stdout_color(),
        stderr_color: super::stderr_color(),
        verbose: false,
    };
    let stderr: Box<dyn Write + Send> = if to_stderr {
        Box::new(anstream::stderr())
    } else {
        Box::new(std::io::sink())
    };
    let mut reporters = report::build(&opts, stdout_for(opts.format), stderr);
    if let Some(t) = summary {
        reporters.push(report::scrubbed(Box::new(
            report::summary::JobSummary::new(t, Default::default()),
        )));
    }
    let event = Event::LoadFailed { errors };
    let mut first = None;
    for r in &mut reporters {
        if let Err(e) = r.event(&event).and_then(|()| r.flush()) {
            first.get_or_insert(e);
        }
    }
    first.map_or(Ok(()), Err)
}

/// Where `--summary` writes, from its value and `$GITHUB_STEP_SUMMARY`.
pub(crate) fn summary_target(arg: &str) -> Result<report::summary::Target, String> {
    use report::summary::Target;
    if arg.is_empty() {
        return match std::env::var_os("GITHUB_STEP_SUMMARY") {
            Some(p) if !p.is_empty() => Ok(Target::Append(PathBuf::from(p))),
            _ => Err(
                "--summary without a FILE writes to $GITHUB_STEP_SUMMARY, which is not set (give a FILE, or `-` for stdout)"
                    .into(),
            ),
        };
    }
    if arg == "-" {
        return Ok(Target::Stdout);
    }
    Ok(Target::File(PathBuf::from(arg)))
}

/// Stdout for a report format. JSON escapes every control character itself, so it needs
/// no escape stripping; for a large report, anstream's stripper cost more than writing
/// the document. Text formats keep it: a name in the rules file could carry terminal
/// escapes.
pub(crate) fn stdout_for(format: Format) -> Box<dyn std::io::Write + Send> {
    if matches!(format, Format::Json) {
        Box::new(std::io::stdout())
    } else {
        Box::new(anstream::stdout())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(args: &[&str]) -> Option<Reports> {
        let argv: Vec<OsString> = std::iter::once("routecheck")
            .chain(args.iter().copied())
            .map(OsString::from)
            .collect();
        Reports::scan(&argv)
    }

    #[test]
    fn the_report_flags_are_found_in_arguments_clap_refused() {
        let r = scan(&[
            "--color",
            "never",
            "test",
            "--bogus",
            "--format",
            "json",
            "--junit=out.xml",
            "--summary",
            "-",
        ])
        .unwrap();
        assert_eq!(r.shape, Shape::Run);
        assert_eq!(r.format, Format::Json);
        assert_eq!(r.junit, Some(PathBuf::from("out.xml")));
        assert_eq!(r.summary.as_deref(), Some("-"));
        let r = scan(&["lint", "--format=github", "--junit", "x.xml"]).unwrap();
        assert_eq!(
            (r.shape, r.format, r.junit),
            (Shape::Lint, Format::Github, None)
        );
        // A bad or missing value is left out; other commands have no reports.
        let r = scan(&["test", "--format", "xml", "--junit"]).unwrap();
        assert_eq!((r.format, r.junit), (Format::Human, None));
        assert!(scan(&["trace", "--format", "json"]).is_none());
        assert!(scan(&[]).is_none());
    }
}
