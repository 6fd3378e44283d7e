//! `routecheck lint`'s report on stdout — human, JSON (docs/lint.md) or GitHub annotations —
//! including the one written when lint stopped before it checked anything. It lives beside
//! `lint.rs` rather than in it because `stop.rs` writes the stopped report too, and `lint.rs`
//! stops through `stop.rs`: in one file they would import each other.

use std::io::Write;

use crate::diag::Severity;
use crate::lint::LintReport;
use crate::report::Format;
use crate::report::github::{escape_data, escape_property};
use crate::report::json::JsonDiagnostic;

/// What lint writes when it could not check anything (see `stop`).
pub(super) fn stopped(
    format: Format,
    errors: &[crate::diag::SourceDiagnostic],
    to_stderr: bool,
) -> std::io::Result<()> {
    write_report(format, &LintReport::default(), errors, to_stderr)
}

/// The report in `format` on stdout: the findings, then the errors that stopped the run
/// (`stop`, empty when it ran). A stopped run says its errors on stderr too (human and
/// JSON; `to_stderr` false when they were said there already), and on stdout the JSON
/// document gets `status: load_failed` and `errors`, GitHub one `::error` per error.
/// Findings read before the stop (a manifest's own size) are kept: they are true.
pub(super) fn write_report(
    format: Format,
    report: &LintReport,
    stop: &[crate::diag::SourceDiagnostic],
    to_stderr: bool,
) -> std::io::Result<()> {
    let stopped = (!stop.is_empty()).then(|| plural(stop.len(), "input error"));
    if let Some(n) = &stopped
        && to_stderr
        && format != Format::Github
    {
        super::print_diagnostics(stop.iter().map(|d| d as &dyn miette::Diagnostic));
        crate::errln!("error: lint stopped: {n} (nothing was checked)");
    }
    // Written whole at the end, scrubbed of secrets and of the personal values of the
    // fixtures lint read (src/scrub.rs): JSON and GitHub quote messages as they are.
    let mut out: Vec<u8> = Vec::new();
    match format {
        Format::Human if stopped.is_some() && report.findings.is_empty() => {}
        Format::Human => write_human(&mut out, report)?,
        Format::Json => write_json(&mut out, report, stop)?,
        Format::Github => {
            write_github(&mut out, report)?;
            for d in stop {
                write_github_error(&mut out, d)?;
            }
            match &stopped {
                Some(n) => writeln!(out, "lint stopped: {n} (nothing was checked)")?,
                None => writeln!(out, "{}", summary(report))?,
            }
        }
    }
    let mut stdout = anstream::stdout();
    stdout.write_all(crate::scrub::text(&String::from_utf8_lossy(&out)).as_bytes())?;
    stdout.flush()
}

/// One stopping error as a GitHub `::error` (at its file and line when it has one).
fn write_github_error(
    out: &mut dyn Write,
    d: &crate::diag::SourceDiagnostic,
) -> std::io::Result<()> {
    let message = match &d.help {
        Some(h) => format!("{}\nhelp: {h}", d.message),
        None => d.message.clone(),
    };
    // A stopping error's code already reads `routecheck::…`, as `test` titles it.
    let title = escape_property(d.code.as_deref().unwrap_or("routecheck lint"));
    let message = escape_data(&message);
    if d.file.is_file() {
        let (line, col) = d.file.line_col(d.span.0);
        let file = escape_property(&d.file.name);
        writeln!(
            out,
            "::error file={file},line={line},col={col},title={title}::{message}"
        )
    } else {
        let place = escape_data(&format!("{}: ", d.file.name));
        writeln!(out, "::error title={title}::{place}{message}")
    }
}

fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Info => "info",
        Severity::Warning => "warning",
        Severity::Error => "error",
    }
}

fn count(report: &LintReport, s: Severity) -> usize {
    report.findings.iter().filter(|f| f.severity() == s).count()
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

fn summary(report: &LintReport) -> String {
    format!(
        "lint: {}, {}, {} info ({}, {}, {} read)",
        plural(count(report, Severity::Error), "error"),
        plural(count(report, Severity::Warning), "warning"),
        count(report, Severity::Info),
        plural(report.flows, "flow"),
        plural(report.manifests, "manifest"),
        plural(report.rules, "rules file"),
    )
}

fn write_human(out: &mut dyn Write, report: &LintReport) -> std::io::Result<()> {
    let color = super::stdout_color();
    for f in &report.findings {
        write!(out, "{}", crate::diag::render(&f.diagnostic, color))?;
    }
    writeln!(out, "{}", summary(report))
}

/// The JSON report (documented in docs/lint.md).
fn write_json(
    out: &mut dyn Write,
    report: &LintReport,
    stop: &[crate::diag::SourceDiagnostic],
) -> std::io::Result<()> {
    let findings: Vec<serde_json::Value> = report
        .findings
        .iter()
        .map(|f| {
            let d = &f.diagnostic;
            let (line, col) = d.file.line_col(d.span.0);
            let (end_line, end_col) = d.file.line_col(d.span.1);
            serde_json::json!({
                "code": f.code.as_str(),
                "severity": severity_name(f.severity()),
                "message": d.message,
                "file": d.file.name.as_ref(),
                "line": line,
                "col": col,
                "end_line": end_line,
                "end_col": end_col,
                "help": d.help,
            })
        })
        .collect();
    let mut doc = serde_json::json!({
        "version": 1,
        "findings": findings,
        "summary": {
            "errors": count(report, Severity::Error) + stop.len(),
            "warnings": count(report, Severity::Warning),
            "infos": count(report, Severity::Info),
            "flows": report.flows,
            "manifests": report.manifests,
            "rules": report.rules,
        },
    });
    if !stop.is_empty() {
        doc["status"] = "load_failed".into();
        doc["errors"] =
            serde_json::json!(stop.iter().map(JsonDiagnostic::from).collect::<Vec<_>>());
    }
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

fn write_github(out: &mut dyn Write, report: &LintReport) -> std::io::Result<()> {
    for f in &report.findings {
        let d = &f.diagnostic;
        let (line, col) = d.file.line_col(d.span.0);
        let level = match f.severity() {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let message = match &d.help {
            Some(h) => format!("{}\n{h}", d.message),
            None => d.message.clone(),
        };
        writeln!(
            out,
            "::{level} file={},line={line},col={col},title={}::{}",
            escape_property(&d.file.name),
            escape_property(&format!("routecheck {}", f.code.as_str())),
            escape_data(&message)
        )?;
    }
    Ok(())
}
