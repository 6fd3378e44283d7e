//! Plain-text pieces every reporter shares, so the summary line, the failure text and
//! the diff read the same in a terminal, a JUnit file and a GitHub annotation.

use similar::{ChangeTag, TextDiff};

use super::{Branch, CaseResult, Failure, FlowCoverage, Location, Summary};
use crate::diag::SourceDiagnostic;

/// Values longer than this (in characters) are shown as a diff rather than side by side.
const SHORT_VALUE: usize = 60;

/// `N passed, N failed` plus `, N errors` and `, N skipped` where non-zero.
///
/// CI scripts parse this line: keep its shape stable.
pub fn summary_line(s: &Summary) -> String {
    let mut line = counts_line(s.passed, s.failed, s.errors, s.skipped);
    if s.warnings > 0 {
        let noun = if s.warnings == 1 {
            "warning"
        } else {
            "warnings"
        };
        line.push_str(&format!(", {} {noun}", s.warnings));
    }
    if let Some(cov) = &s.coverage {
        let below = cov.shortfalls().len();
        if let (true, Some(min)) = (below > 0, cov.min_percent) {
            let noun = if below == 1 { "flow" } else { "flows" };
            line.push_str(&format!(", coverage below {min}% in {below} {noun}"));
        }
    }
    if s.non_rules_files > 0 {
        let noun = if s.non_rules_files == 1 {
            "file"
        } else {
            "files"
        };
        line.push_str(&format!(
            " (skipped {} non-rules YAML {noun})",
            s.non_rules_files
        ));
    }
    line
}

/// The summary line of a run that could not start: its load errors are counted as errors,
/// so nothing that parses the line can mistake a broken run for a passing one.
pub(crate) fn load_failed_line(errors: usize) -> String {
    counts_line(0, 0, errors.max(1), 0)
}

fn counts_line(passed: usize, failed: usize, errors: usize, skipped: usize) -> String {
    let mut line = format!("{passed} passed, {failed} failed");
    if errors > 0 {
        let noun = if errors == 1 { "error" } else { "errors" };
        line.push_str(&format!(", {errors} {noun}"));
    }
    if skipped > 0 {
        line.push_str(&format!(", {skipped} skipped"));
    }
    line
}

/// `suite › case`.
pub(crate) fn case_title(case: &CaseResult) -> String {
    format!("{} › {}", case.suite_name, case.case_name)
}

/// Where a diagnostic starts, as a [`Location`].
pub(crate) fn diag_location(d: &SourceDiagnostic) -> Location {
    let (line, col) = d.file.line_col(d.span.0);
    Location {
        file: d.file.name.to_string(),
        line,
        col,
    }
}

/// Whether expected/actual are better read as a line diff than side by side.
pub(crate) fn wants_diff(expected: &str, actual: &str) -> bool {
    let long = |s: &str| s.contains('\n') || s.chars().count() > SHORT_VALUE;
    long(expected) || long(actual)
}

/// One line of a diff from expected to actual.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DiffSide {
    /// In expected only.
    Expected,
    /// In actual only.
    Actual,
    /// In both.
    Both,
}

/// Expected vs actual as lines tagged with the side they belong to.
pub(crate) fn diff_lines(expected: &str, actual: &str) -> Vec<(DiffSide, String)> {
    let diff = TextDiff::from_lines(expected, actual);
    diff.iter_all_changes()
        .map(|c| {
            let side = match c.tag() {
                ChangeTag::Delete => DiffSide::Expected,
                ChangeTag::Insert => DiffSide::Actual,
                ChangeTag::Equal => DiffSide::Both,
            };
            let line = c.value().strip_suffix('\n').unwrap_or(c.value());
            (side, line.strip_suffix('\r').unwrap_or(line).to_string())
        })
        .collect()
}

/// The diff as text: `-` expected, `+` actual, two spaces for shared lines.
pub(crate) fn plain_diff(expected: &str, actual: &str) -> String {
    let mut out = String::from("--- expected\n+++ actual\n");
    for (side, line) in diff_lines(expected, actual) {
        let sign = match side {
            DiffSide::Expected => '-',
            DiffSide::Actual => '+',
            DiffSide::Both => ' ',
        };
        out.push(sign);
        out.push(' ');
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// A failure as plain text: location and message, expected/actual (or their diff), notes.
pub(crate) fn failure_text(f: &Failure) -> String {
    let mut out = format!("{}: {}\n", f.location, f.message);
    out.push_str(&values_text(f));
    for note in &f.notes {
        out.push_str(&format!("note: {note}\n"));
    }
    out
}

/// Expected and actual without location or notes (for annotations whose location is
/// already in their properties).
pub(crate) fn values_text(f: &Failure) -> String {
    match (&f.expected, &f.actual) {
        (Some(e), Some(a)) if wants_diff(e, a) => plain_diff(e, a),
        (e, a) => {
            let mut out = String::new();
            if let Some(e) = e {
                out.push_str(&format!("expected: {e}\n"));
            }
            if let Some(a) = a {
                out.push_str(&format!("actual:   {a}\n"));
            }
            out
        }
    }
}

/// Reached and total branches of a flow.
pub(crate) fn branch_counts(flow: &FlowCoverage) -> (usize, usize) {
    let hit = flow.branches.iter().filter(|b| b.hit).count();
    (hit, flow.branches.len())
}

/// `flows/a.yaml:12:5 decision "Is VIP?" no`.
pub(crate) fn branch_text(b: &Branch) -> String {
    format!("{} {}", b.location, b.label)
}

/// `Main flow (flows/a.yaml): 75.0% of branches (3/4)`.
pub(crate) fn coverage_headline(flow: &FlowCoverage) -> String {
    let (hit, total) = branch_counts(flow);
    if total == 0 {
        // A straight-line flow: a percentage of nothing would read as a result.
        return format!("{} ({}): no branches", flow.name, flow.file);
    }
    format!(
        "{} ({}): {:.1}% of branches ({hit}/{total})",
        flow.name,
        flow.file,
        flow.percent()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(passed: usize, failed: usize, errors: usize, skipped: usize) -> Summary {
        Summary {
            passed,
            failed,
            errors,
            skipped,
            ..Summary::default()
        }
    }

    #[test]
    fn summary_line_names_errors_and_skipped_only_when_non_zero() {
        assert_eq!(summary_line(&summary(3, 0, 0, 0)), "3 passed, 0 failed");
        assert_eq!(summary_line(&summary(0, 2, 0, 0)), "0 passed, 2 failed");
        assert_eq!(
            summary_line(&summary(1, 1, 1, 1)),
            "1 passed, 1 failed, 1 error, 1 skipped"
        );
        assert_eq!(
            summary_line(&summary(4, 0, 0, 2)),
            "4 passed, 0 failed, 2 skipped"
        );
    }

    #[test]
    fn a_load_failure_never_reads_as_a_pass() {
        assert_eq!(load_failed_line(3), "0 passed, 0 failed, 3 errors");
        assert_eq!(load_failed_line(0), "0 passed, 0 failed, 1 error");
    }

    #[test]
    fn short_single_line_values_are_shown_side_by_side() {
        assert!(!wants_diff("platinum", "gold"));
        assert!(wants_diff("a\nb", "a"));
        assert!(wants_diff(&"x".repeat(61), "x"));
    }

    #[test]
    fn diff_marks_each_side() {
        assert_eq!(
            plain_diff("a\nb\nc", "a\nB\nc"),
            "--- expected\n+++ actual\n  a\n- b\n+ B\n  c\n"
        );
    }
}
