//! The terminal reporter: a line per case, what went wrong and where, and the summary
//! line CI scripts parse.

use std::io::{self, Write};

use owo_colors::{OwoColorize, Style};

use super::text::{self, DiffLine, DiffSide};
use super::{CaseResult, Coverage, Event, Failure, Outcome, Reporter, Summary};

/// Writes the run for people, as it happens.
pub struct Human {
    /// Case lines are buffered until the runner's [`Reporter::flush`]: a write per line
    /// cost more than the case at 10,000 cases.
    out: io::BufWriter<Box<dyn Write + Send>>,
    color: bool,
    verbose: bool,
}

impl Human {
    /// Write to `out`; `color` only when the CLI found a terminal and `NO_COLOR` unset;
    /// `verbose` adds durations and lists reached branches as well as unreached ones.
    pub fn new(out: Box<dyn Write + Send>, color: bool, verbose: bool) -> Self {
        Human {
            out: io::BufWriter::with_capacity(64 * 1024, out),
            color,
            verbose,
        }
    }

    fn paint(&self, s: &str, style: Style) -> String {
        if self.color {
            s.style(style).to_string()
        } else {
            s.to_string()
        }
    }

    fn case(&mut self, case: &CaseResult) -> io::Result<()> {
        let title = text::case_title(case);
        let took = if self.verbose {
            format!(" ({} ms)", case.duration.as_millis())
        } else {
            String::new()
        };
        match &case.outcome {
            Outcome::Passed => {
                let mark = self.paint("✓", Style::new().green());
                writeln!(self.out, "{mark} {title}{took}")?;
                self.path(case)
            }
            Outcome::Failed { failures } => {
                let mark = self.paint("✗", Style::new().red().bold());
                writeln!(self.out, "{mark} {title}{took}")?;
                for f in failures {
                    self.failure(f)?;
                }
                self.path(case)
            }
            Outcome::Error { message, location } => {
                let mark = self.paint("✗", Style::new().red().bold());
                let label = self.paint("error", Style::new().red().bold());
                writeln!(self.out, "{mark} {title}{took}: {label}")?;
                if let Some(loc) = location {
                    writeln!(self.out, "    {}", self.paint(&loc.to_string(), bold()))?;
                }
                for line in message.lines() {
                    writeln!(self.out, "    {line}")?;
                }
                Ok(())
            }
            Outcome::Skipped { reason } => {
                let line = format!("- {title} (skipped: {reason})");
                writeln!(self.out, "{}", self.paint(&line, Style::new().dimmed()))
            }
        }
    }

    /// `-v`: the flow path the case took, dimmed under its line.
    fn path(&mut self, case: &CaseResult) -> io::Result<()> {
        if !self.verbose || case.path.is_empty() {
            return Ok(());
        }
        writeln!(
            self.out,
            "    {}",
            self.paint("path:", Style::new().dimmed())
        )?;
        for line in &case.path {
            writeln!(
                self.out,
                "      {}",
                self.paint(line, Style::new().dimmed())
            )?;
        }
        Ok(())
    }

    fn failure(&mut self, f: &Failure) -> io::Result<()> {
        let loc = self.paint(&f.location.to_string(), bold());
        writeln!(self.out, "    {loc}: {}", f.message)?;
        match (&f.expected, &f.actual) {
            (Some(e), Some(a)) if text::wants_diff(e, a) => {
                let minus = Style::new().red();
                let plus = Style::new().green();
                writeln!(self.out, "      {}", self.paint("--- expected", minus))?;
                writeln!(self.out, "      {}", self.paint("+++ actual", plus))?;
                for line in text::diff_lines(e, a) {
                    let shown = self.diff_line(&line, minus, plus);
                    writeln!(self.out, "      {shown}")?;
                }
            }
            (e, a) => {
                if let Some(e) = e {
                    let e = self.paint(e, Style::new().green());
                    writeln!(self.out, "      expected: {e}")?;
                }
                if let Some(a) = a {
                    let a = self.paint(a, Style::new().red());
                    writeln!(self.out, "      actual:   {a}")?;
                }
            }
        }
        for note in &f.notes {
            let label = self.paint("note", Style::new().cyan());
            writeln!(self.out, "      {label}: {note}")?;
        }
        Ok(())
    }

    /// A diff line: in colour the differing characters are reversed; without colour
    /// they are wrapped in `[-…-]` / `{+…+}`.
    fn diff_line(&self, line: &DiffLine, minus: Style, plus: Style) -> String {
        let (sign, style) = match line.side {
            DiffSide::Expected => ("-", minus),
            DiffSide::Actual => ("+", plus),
            DiffSide::Both => (" ", Style::new()),
        };
        if !self.color {
            return format!("{sign} {}", text::plain_line(line));
        }
        let whole = line.parts.iter().all(|(m, _)| *m);
        let mut out = self.paint(&format!("{sign} "), style);
        for (marked, part) in &line.parts {
            let st = if *marked && !whole {
                style.reversed()
            } else {
                style
            };
            out.push_str(&self.paint(part, st));
        }
        out
    }

    fn coverage(&mut self, cov: &Coverage) -> io::Result<()> {
        writeln!(self.out, "\n{}", self.paint("coverage", bold()))?;
        for flow in &cov.flows {
            writeln!(self.out, "  {}", text::coverage_headline(flow))?;
            for b in &flow.branches {
                if !b.hit {
                    let line = format!("    unreached: {}", text::branch_text(b));
                    writeln!(self.out, "{}", self.paint(&line, Style::new().yellow()))?;
                } else if self.verbose {
                    writeln!(self.out, "    reached:   {}", text::branch_text(b))?;
                }
            }
        }
        for (_, msg) in cov.shortfalls() {
            let line = format!("✗ {msg}");
            writeln!(self.out, "{}", self.paint(&line, Style::new().red().bold()))?;
        }
        Ok(())
    }

    fn finished(&mut self, s: &Summary) -> io::Result<()> {
        if let Some(cov) = &s.coverage {
            self.coverage(cov)?;
        }
        writeln!(self.out)?;
        let short = s
            .coverage
            .as_ref()
            .is_some_and(|c| !c.shortfalls().is_empty());
        let style = if s.failed > 0 || s.errors > 0 || short {
            Style::new().red().bold()
        } else {
            Style::new().green().bold()
        };
        // Elapsed time goes after the counts, so parsers of the counts are not disturbed.
        let line = format!(
            "{} in {:.2}s",
            text::summary_line(s),
            s.duration.as_secs_f64()
        );
        writeln!(self.out, "{}", self.paint(&line, style))
    }
}

fn bold() -> Style {
    Style::new().bold()
}

impl Reporter for Human {
    fn event(&mut self, event: &Event) -> io::Result<()> {
        match event {
            Event::RunStarted { suites } => {
                let cases: usize = suites.iter().map(|s| s.cases).sum();
                let files = suites.len();
                writeln!(
                    self.out,
                    "running {cases} {} from {files} rules {}\n",
                    plural(cases, "case", "cases"),
                    plural(files, "file", "files")
                )?;
            }
            // Diagnostics are on stderr (`super::diagnostics`); stdout holds the results.
            Event::Warning(_) => {}
            Event::CaseFinished(case) => return self.case(case),
            Event::RunFinished(s) => self.finished(s)?,
            Event::LoadFailed { errors } => {
                let line = text::load_failed_line(errors.len());
                // Only usage problems (e.g. `--run` matching nothing), or only Terraform's
                // (a mistyped `--terraform`): say so, not "the rules".
                let all = |code: &str| {
                    errors
                        .iter()
                        .all(|d| d.code.as_deref().is_some_and(|c| c.starts_with(code)))
                };
                let why = if all("routecheck::usage") {
                    "the command line selected nothing to run"
                } else if all("routecheck::terraform::") {
                    "the Terraform configuration could not be read"
                } else {
                    "the rules could not be loaded"
                };
                writeln!(self.out, "nothing ran: {why}")?;
                let line = self.paint(&line, Style::new().red().bold());
                writeln!(self.out, "{line}")?;
            }
        }
        self.out.flush()
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}
