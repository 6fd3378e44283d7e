//! The job summary: the run as GitHub-flavoured Markdown for `$GITHUB_STEP_SUMMARY` (or
//! any file): the verdict and counts, a table of failures, warnings, and per flow its
//! coverage with the coverage diagram. A failing case whose flow ran shows its path.
//!
//! Counts come from the run's [`Summary`], as every other reporter's do. Diagrams need
//! the flows themselves, which events do not carry: the runner fills a shared
//! [`Pictures`] (see `RunConfig::pictures`) before it sends `RunFinished`.
//!
//! GitHub refuses a step summary over 1024 KiB; the Markdown is kept under
//! [`MAX_BYTES`] (less what the file already holds when appending): sections are
//! dropped from the end, diagrams first, with a note saying so.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use super::collect::Suites;
use super::mermaid::{self, Diagram, Paint};
use super::{Event, FlowCoverage, Outcome, Reporter, Summary};
use crate::diag::SourceDiagnostic;
use crate::flow::{Flow, Route, Step};

/// Bytes the summary may take: GitHub's limit is 1024 KiB per step; keep a margin.
pub const MAX_BYTES: usize = 1_000_000;

/// A failing case's run, to draw its path.
#[derive(Debug, Clone)]
pub struct PathPicture {
    pub suite_file: String,
    pub case_name: String,
    pub flow: Arc<Flow>,
    pub trace: Vec<Step>,
    pub route: Route,
}

/// One flow's reached branches (the same set its coverage figure is computed from).
#[derive(Debug, Clone)]
pub struct CoveragePicture {
    pub flow: Arc<Flow>,
    pub hits: BTreeSet<usize>,
}

/// What the runner hands the summary beside the events.
#[derive(Debug, Default)]
pub struct Pictures {
    pub paths: Vec<PathPicture>,
    /// In the order of `Coverage::flows`.
    pub coverage: Vec<CoveragePicture>,
}

/// Shared between the runner (writer) and the summary reporter (reader).
pub type PictureSink = Arc<Mutex<Pictures>>;

/// Where the summary goes.
#[derive(Debug, Clone)]
pub enum Target {
    /// Replace this file.
    File(PathBuf),
    /// Add to this file (`$GITHUB_STEP_SUMMARY`: other steps' content stays).
    Append(PathBuf),
    /// Standard output.
    Stdout,
}

/// Collects the run and writes the Markdown at `RunFinished` or `LoadFailed`.
pub struct JobSummary {
    target: Target,
    pictures: PictureSink,
    suites: Suites,
    warnings: Vec<SourceDiagnostic>,
}

impl JobSummary {
    pub fn new(target: Target, pictures: PictureSink) -> Self {
        JobSummary {
            target,
            pictures,
            suites: Suites::default(),
            warnings: Vec::new(),
        }
    }

    fn write(&self, markdown: &str) -> io::Result<()> {
        // Events come scrubbed; the pictures are drawn from the runs: scrub the whole page.
        let markdown = &*crate::scrub::text(markdown);
        match &self.target {
            Target::Stdout => {
                let mut out = io::stdout().lock();
                out.write_all(markdown.as_bytes())?;
                out.flush()
            }
            Target::File(p) => super::junit::write_atomic(p, markdown.as_bytes()),
            Target::Append(p) => {
                crate::source::write::append(p, markdown.as_bytes()).map_err(io::Error::from)
            }
        }
    }

    fn budget(&self) -> usize {
        match &self.target {
            Target::Append(p) => {
                let had = std::fs::metadata(p).map_or(0, |m| m.len());
                MAX_BYTES.saturating_sub(usize::try_from(had).unwrap_or(usize::MAX))
            }
            _ => MAX_BYTES,
        }
    }
}

impl Reporter for JobSummary {
    fn event(&mut self, event: &Event) -> io::Result<()> {
        match event {
            Event::RunStarted { suites } => {
                for s in suites {
                    self.suites.announce(s);
                }
            }
            Event::Warning(w) => self.warnings.push(w.clone()),
            Event::CaseFinished(c) => self.suites.add(c),
            Event::RunFinished(summary) => {
                let pictures = self
                    .pictures
                    .lock()
                    .map_err(|_| io::Error::other("the run's pictures are unavailable"))?;
                let md = render(
                    &self.suites,
                    &self.warnings,
                    summary,
                    &pictures,
                    self.budget(),
                );
                drop(pictures);
                self.write(&md)?;
            }
            Event::LoadFailed { errors } => {
                let md = render_load_failed(errors, self.budget());
                self.write(&md)?;
            }
        }
        Ok(())
    }
}

/// Text safe in a Markdown table cell: pipes escaped, HTML and line breaks neutralised.
fn cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '`' => out.push_str("&#96;"),
            '\n' => out.push_str("<br>"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Text safe in a Markdown paragraph or list item.
fn inline(s: &str) -> String {
    cell(s)
        .replace("<br>", " ")
        .replace('*', "\\*")
        .replace('_', "\\_")
        .replace('[', "\\[")
}

/// A ```mermaid block, the footnotes of its shortened labels below it.
fn mermaid_block(d: &Diagram) -> String {
    let mut s = String::new();
    if let Some(t) = &d.title {
        let _ = writeln!(s, "**{}**\n", inline(t));
    }
    let _ = writeln!(s, "```mermaid\n{}```\n", d.text);
    for (i, n) in d.notes.iter().enumerate() {
        let _ = writeln!(s, "{}. {}", i + 1, inline(n));
    }
    if !d.notes.is_empty() {
        s.push('\n');
    }
    s
}

/// A collapsed section.
fn details(summary: &str, body: &str) -> String {
    // HTML, not a table cell: only markup characters and line breaks need care.
    let summary = summary
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace(['\n', '\r'], " ");
    format!("<details><summary>{summary}</summary>\n\n{body}</details>\n\n")
}

/// Sections in order; the first are kept whole, later ones dropped when over budget.
struct Sections {
    parts: Vec<String>,
}

impl Sections {
    fn finish(self, budget: usize) -> String {
        const NOTE: &str = "\n> [!NOTE]\n> The summary was cut short to stay under GitHub's 1 MiB step-summary limit; run `routecheck test` locally or read the JUnit/JSON report for the rest.\n";
        let mut out = String::new();
        let total: usize = self.parts.iter().map(String::len).sum();
        if total <= budget {
            return self.parts.concat();
        }
        let room = budget.saturating_sub(NOTE.len());
        for p in self.parts {
            if out.len() + p.len() > room {
                break;
            }
            out.push_str(&p);
        }
        out.push_str(NOTE);
        out
    }
}

fn render(
    suites: &Suites,
    warnings: &[SourceDiagnostic],
    summary: &Summary,
    pictures: &Pictures,
    budget: usize,
) -> String {
    let mut parts = Vec::new();
    let shortfalls = summary
        .coverage
        .as_ref()
        .map(|c| c.shortfalls())
        .unwrap_or_default();
    let verdict = if summary.errors > 0 {
        ":warning: **routecheck: cases could not run**"
    } else if summary.failed > 0 || !shortfalls.is_empty() {
        ":x: **routecheck: failed**"
    } else {
        ":white_check_mark: **routecheck: passed**"
    };
    let mut head = format!("## {verdict}\n\n");
    head.push_str("| Passed | Failed | Errors | Skipped | Time |\n|---:|---:|---:|---:|---:|\n");
    let _ = writeln!(
        head,
        "| {} | {} | {} | {} | {:.2}s |\n",
        summary.passed,
        summary.failed,
        summary.errors,
        summary.skipped,
        summary.duration.as_secs_f64()
    );
    for (_, msg) in &shortfalls {
        let _ = writeln!(head, "- :x: {}", inline(msg));
    }
    if !shortfalls.is_empty() {
        head.push('\n');
    }
    parts.push(head);

    let mut rows = String::new();
    for s in &suites.list {
        for c in &s.cases {
            match &c.outcome {
                Outcome::Failed { failures } => {
                    for f in failures {
                        let _ = writeln!(
                            rows,
                            "| {} | {} | {} | {} | `{}` |",
                            cell(&c.case_name),
                            cell(&f.message),
                            f.expected.as_deref().map(cell).unwrap_or_default(),
                            f.actual.as_deref().map(cell).unwrap_or_default(),
                            cell(&format!("{}:{}", f.location.file, f.location.line)),
                        );
                    }
                }
                Outcome::Error { message, location } => {
                    let at = location.as_ref().map_or(c.location.clone(), |l| l.clone());
                    let _ = writeln!(
                        rows,
                        "| {} | could not run: {} |  |  | `{}` |",
                        cell(&c.case_name),
                        cell(message),
                        cell(&format!("{}:{}", at.file, at.line)),
                    );
                }
                _ => {}
            }
        }
        if s.missing() > 0 {
            let _ = writeln!(
                rows,
                "| {} cases of {} | did not report a result |  |  | `{}` |",
                s.missing(),
                cell(&s.name),
                cell(&s.file)
            );
        }
    }
    if !rows.is_empty() {
        parts.push(format!(
            "### Failures\n\n| Case | Expectation | Expected | Actual | Where |\n|---|---|---|---|---|\n{rows}\n"
        ));
    }
    if !warnings.is_empty() {
        parts.push(format!("### Warnings\n\n{}", diagnostic_list(warnings)));
    }
    if let Some(cov) = &summary.coverage {
        let mut t = String::from(
            "### Flow coverage\n\n| Flow | File | Branches reached | Coverage |\n|---|---|---:|---:|\n",
        );
        for f in &cov.flows {
            let hit = f.branches.iter().filter(|b| b.hit).count();
            let _ = writeln!(
                t,
                "| {} | `{}` | {hit}/{} | {:.1}% |",
                cell(&f.name),
                cell(&f.file),
                f.branches.len(),
                f.percent()
            );
        }
        t.push('\n');
        parts.push(t);
    }
    // Diagrams last: they are what a tight budget drops first.
    for p in &pictures.paths {
        let g = p.flow.graph();
        let walk = g.walk(&p.flow, &p.trace, &p.route);
        let body: String = mermaid::diagrams(&g, &Paint::walk(&walk), true)
            .iter()
            .map(mermaid_block)
            .collect();
        parts.push(details(
            &format!(
                "Path of failing case \"{}\" ({})",
                p.case_name, p.suite_file
            ),
            &body,
        ));
    }
    if let Some(cov) = &summary.coverage {
        for (f, pic) in cov.flows.iter().zip(&pictures.coverage) {
            parts.push(coverage_section(f, pic));
        }
    }
    Sections { parts }.finish(budget)
}

fn coverage_section(f: &FlowCoverage, pic: &CoveragePicture) -> String {
    let g = pic.flow.graph();
    let mut body: String = mermaid::diagrams(&g, &Paint::coverage(&g, &pic.hits), false)
        .iter()
        .map(mermaid_block)
        .collect();
    let missed: Vec<_> = f.branches.iter().filter(|b| !b.hit).collect();
    if !missed.is_empty() {
        body.push_str("Not reached:\n\n");
        for b in missed {
            let _ = writeln!(
                body,
                "- `{}:{}` {}",
                cell(&b.location.file),
                b.location.line,
                inline(&b.label)
            );
        }
        body.push('\n');
    }
    details(
        &format!("Coverage of \"{}\": {:.1}%", f.name, f.percent()),
        &body,
    )
}

/// One list item per diagnostic: `file:line:col` and the message.
fn diagnostic_list(diags: &[SourceDiagnostic]) -> String {
    let mut s = String::new();
    for d in diags {
        let (line, col) = d.file.line_col(d.span.0);
        let _ = writeln!(
            s,
            "- `{}:{line}:{col}` {}",
            cell(&d.file.name),
            inline(&d.message)
        );
    }
    s.push('\n');
    s
}

fn render_load_failed(errors: &[SourceDiagnostic], budget: usize) -> String {
    let mut s = format!(
        "## :warning: **routecheck: the rules could not be loaded**\n\n{} error(s); nothing ran.\n\n",
        errors.len()
    );
    s.push_str(&diagnostic_list(errors));
    Sections { parts: vec![s] }.finish(budget)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_cannot_break_the_table_or_inject_html() {
        assert_eq!(cell("a|b<c>\nd`"), "a\\|b&lt;c&gt;<br>d&#96;");
    }

    #[test]
    fn over_budget_keeps_the_first_sections_and_says_so() {
        let s = Sections {
            parts: vec!["head\n".into(), "x".repeat(500), "y".repeat(500)],
        };
        let out = s.finish(400);
        assert!(out.starts_with("head\n"));
        assert!(!out.contains('x'));
        assert!(out.contains("cut short"));
        assert!(out.len() <= 400);
    }
}
