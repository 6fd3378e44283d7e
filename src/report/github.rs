//! The GitHub Actions reporter: workflow commands that turn failures and warnings into
//! annotations on the rules file lines, then the summary line.
//!
//! Escaping follows the runner's rules (actions/toolkit `command.ts`): in the message `%`,
//! `\r` and `\n` are percent-encoded; in properties `:` and `,` are too.

use std::io::{self, Write};

use super::text;
use super::{CaseResult, Event, Location, Outcome, Reporter};
use crate::diag::{Severity, SourceDiagnostic};

/// Writes workflow commands to `out` (the job's stdout) as events arrive.
pub struct Github {
    /// Buffered until the runner's [`Reporter::flush`] (see `Human`).
    out: io::BufWriter<Box<dyn Write + Send>>,
}

impl Github {
    /// Write to `out`.
    pub fn new(out: Box<dyn Write + Send>) -> Self {
        Github {
            out: io::BufWriter::with_capacity(64 * 1024, out),
        }
    }

    fn command(
        &mut self,
        kind: &str,
        loc: Option<&Location>,
        end: Option<(usize, usize)>,
        title: &str,
        message: &str,
    ) -> io::Result<()> {
        let mut props = Vec::new();
        if let Some(loc) = loc {
            props.push(format!("file={}", escape_property(&loc.file)));
            props.push(format!("line={}", loc.line));
            props.push(format!("col={}", loc.col));
            if let Some((end_line, end_col)) = end {
                props.push(format!("endLine={end_line}"));
                props.push(format!("endColumn={end_col}"));
            }
        }
        props.push(format!("title={}", escape_property(title)));
        writeln!(
            self.out,
            "::{kind} {}::{}",
            props.join(","),
            escape_data(message.trim_end())
        )
    }

    fn case(&mut self, case: &CaseResult) -> io::Result<()> {
        let title = text::case_title(case);
        match &case.outcome {
            Outcome::Passed | Outcome::Skipped { .. } => Ok(()),
            Outcome::Failed { failures } => {
                for f in failures {
                    let mut message = format!("{}\n{}", f.message, text::values_text(f));
                    for note in &f.notes {
                        message.push_str(&format!("note: {note}\n"));
                    }
                    self.command("error", Some(&f.location), None, &title, &message)?;
                }
                Ok(())
            }
            Outcome::Error { message, location } => {
                let loc = location.as_ref().unwrap_or(&case.location);
                let title = format!("{title} (could not run)");
                self.command("error", Some(loc), None, &title, message)
            }
        }
    }

    fn diagnostic(&mut self, d: &SourceDiagnostic) -> io::Result<()> {
        let kind = match d.severity {
            Severity::Info => "notice",
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        // A usage error is about the command line, not a file: annotate the run.
        let located = d.file.is_file();
        let loc = located.then(|| text::diag_location(d));
        let end = located.then(|| d.file.line_col(d.span.1));
        let title = d.code.as_deref().unwrap_or("routecheck");
        let mut message = d.message.clone();
        if let Some(label) = &d.label {
            message.push_str(&format!(": {label}"));
        }
        if let Some(help) = &d.help {
            message.push_str(&format!("\nhelp: {help}"));
        }
        if !located {
            message = format!("{}: {message}", d.file.name);
        }
        self.command(kind, loc.as_ref(), end, title, &message)
    }
}

impl Reporter for Github {
    fn event(&mut self, event: &Event) -> io::Result<()> {
        match event {
            Event::RunStarted { .. } => {}
            Event::Warning(d) => self.diagnostic(d)?,
            Event::CaseFinished(case) => return self.case(case),
            Event::RunFinished(s) => {
                for (flow, msg) in s.coverage.iter().flat_map(|c| c.shortfalls()) {
                    writeln!(
                        self.out,
                        "::error file={},title={}::{}",
                        escape_property(&flow.file),
                        escape_property("routecheck coverage"),
                        escape_data(&msg)
                    )?;
                }
                writeln!(self.out, "{}", text::summary_line(s))?
            }
            Event::LoadFailed { errors } => {
                for d in errors {
                    self.diagnostic(d)?;
                }
                writeln!(self.out, "{}", text::load_failed_line(errors.len()))?;
            }
        }
        self.out.flush()
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Escape a workflow command's message.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a workflow command property value (`file=`, `title=`).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_escapes_percent_first_then_line_breaks() {
        assert_eq!(escape_data("100%"), "100%25");
        assert_eq!(escape_data("a\r\nb"), "a%0D%0Ab");
        // Already-encoded text must not decode back on the runner.
        assert_eq!(escape_data("%0A"), "%250A");
        assert_eq!(escape_data("a: b, c"), "a: b, c");
    }

    #[test]
    fn properties_also_escape_colon_and_comma() {
        assert_eq!(escape_property("C:\\rules,a.yaml"), "C%3A\\rules%2Ca.yaml");
        assert_eq!(escape_property("vip › 50%\n"), "vip › 50%25%0A");
        assert_eq!(escape_property("a::b"), "a%3A%3Ab");
    }

    #[derive(Clone, Default)]
    struct Buf(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
    impl Write for Buf {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_failure_becomes_one_error_annotation_at_the_expectation() {
        let case = CaseResult {
            suite_file: "rules/vip.yaml".into(),
            suite_name: "vip, gold".into(),
            case_name: "tier: platinum".into(),
            location: Location {
                file: "rules/vip.yaml".into(),
                line: 3,
                col: 5,
            },
            outcome: Outcome::Failed {
                failures: vec![super::super::Failure {
                    message: "queue was wrong".into(),
                    expected: Some("VIP".into()),
                    actual: Some("General".into()),
                    location: Location {
                        file: "rules/vip.yaml".into(),
                        line: 9,
                        col: 7,
                    },
                    notes: vec!["100% sure".into()],
                }],
            },
            path: Vec::new(),
            duration: std::time::Duration::ZERO,
        };
        let buf = Buf::default();
        Github::new(Box::new(buf.clone())).case(&case).unwrap();
        assert_eq!(
            String::from_utf8(buf.0.lock().unwrap().clone()).unwrap(),
            "::error file=rules/vip.yaml,line=9,col=7,title=vip%2C gold › tier%3A platinum\
             ::queue was wrong%0Aexpected: VIP%0Aactual:   General%0Anote: 100%25 sure\n"
        );
    }
}
