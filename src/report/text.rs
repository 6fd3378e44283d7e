//! Plain-text pieces every reporter shares, so the summary line, the failure text and
//! the diff read the same in a terminal, a JUnit file and a GitHub annotation.

use similar::{ChangeTag, InlineChangeMode, InlineChangeOptions, TextDiff};

use super::{Branch, CaseResult, Failure, FlowCoverage, Location, Summary};
use crate::diag::SourceDiagnostic;

/// Values longer than this (in characters) are shown as a diff rather than side by side.
const SHORT_VALUE: usize = 60;
/// A diff shows at most this many lines; the rest is counted, not shown.
const MAX_DIFF_LINES: usize = 40;
/// Unchanged text kept on each side of a change in a long diff line.
const DIFF_CONTEXT: usize = 24;
/// A diff line is cut to about this many characters.
const MAX_DIFF_LINE: usize = 240;

/// `N passed, N failed` plus `, N errors`, `, N skipped`, `, N warnings` and
/// `, N flows below --min-coverage` where non-zero: the counts every reporter shares.
///
/// CI scripts parse this line: keep its shape stable (new parts are only appended).
pub fn summary_line(s: &Summary) -> String {
    let mut line = counts_line(s.passed, s.failed, s.errors, s.skipped);
    push_count(&mut line, s.warnings, "warning", "warnings");
    let short = s.coverage.as_ref().map_or(0, |c| c.shortfalls().len());
    push_count(
        &mut line,
        short,
        "flow below --min-coverage",
        "flows below --min-coverage",
    );
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
    push_count(&mut line, errors, "error", "errors");
    push_count(&mut line, skipped, "skipped", "skipped");
    line
}

fn push_count(line: &mut String, n: usize, one: &str, many: &str) {
    if n > 0 {
        line.push_str(&format!(", {n} {}", if n == 1 { one } else { many }));
    }
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

/// One line of a diff: its side and its text in pieces, `true` marking the characters
/// that differ from the other side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DiffLine {
    pub(crate) side: DiffSide,
    pub(crate) parts: Vec<(bool, String)>,
}

/// Expected vs actual, line by line, each replaced line with the differing characters
/// marked (similar's inline diff); capped at [`MAX_DIFF_LINES`] lines of about
/// [`MAX_DIFF_LINE`] characters, with what was left out said in a last line.
pub(crate) fn diff_lines(expected: &str, actual: &str) -> Vec<DiffLine> {
    let diff = TextDiff::from_lines(expected, actual);
    let mut opts = InlineChangeOptions::new();
    opts.mode(InlineChangeMode::Chars);
    let mut lines = Vec::new();
    for op in diff.ops() {
        for change in diff.iter_inline_changes_with_options(op, opts) {
            let side = match change.tag() {
                ChangeTag::Delete => DiffSide::Expected,
                ChangeTag::Insert => DiffSide::Actual,
                ChangeTag::Equal => DiffSide::Both,
            };
            let mut parts: Vec<(bool, String)> = change
                .iter_strings_lossy()
                .map(|(marked, s)| (marked, s.into_owned()))
                .collect();
            if let Some((_, last)) = parts.last_mut() {
                let trimmed = last.trim_end_matches(['\n', '\r']).len();
                last.truncate(trimmed);
            }
            parts.retain(|(_, s)| !s.is_empty());
            lines.push(DiffLine {
                side,
                parts: shorten(parts),
            });
        }
    }
    if lines.len() > MAX_DIFF_LINES {
        let more = lines.len() - MAX_DIFF_LINES;
        lines.truncate(MAX_DIFF_LINES);
        lines.push(DiffLine {
            side: DiffSide::Both,
            parts: vec![(false, format!("… {more} more diff lines not shown"))],
        });
    }
    lines
}

/// A long line cut down to its changes: unchanged runs keep [`DIFF_CONTEXT`] characters
/// next to each change, the rest becomes `…`; then the line is cut at about
/// [`MAX_DIFF_LINE`] characters.
fn shorten(parts: Vec<(bool, String)>) -> Vec<(bool, String)> {
    let total: usize = parts.iter().map(|(_, s)| s.chars().count()).sum();
    if total <= MAX_DIFF_LINE {
        return parts;
    }
    // A line on one side only has no change to keep context around: its head, with
    // its length.
    if let [(marked, s)] = parts.as_slice() {
        return vec![(*marked, crate::diag::cut(s, MAX_DIFF_LINE))];
    }
    let n = parts.len();
    let mut out: Vec<(bool, String)> = Vec::with_capacity(n);
    for (i, (marked, s)) in parts.into_iter().enumerate() {
        let chars: Vec<char> = s.chars().collect();
        let keep_front = if i > 0 { DIFF_CONTEXT } else { 0 };
        let keep_back = if i + 1 < n { DIFF_CONTEXT } else { 0 };
        if marked || chars.len() <= keep_front + keep_back + 1 {
            out.push((marked, s));
            continue;
        }
        let front: String = chars[..keep_front].iter().collect();
        let back: String = chars[chars.len() - keep_back..].iter().collect();
        out.push((false, format!("{front}…{back}")));
    }
    let mut budget = MAX_DIFF_LINE;
    let mut capped = Vec::with_capacity(out.len());
    for (marked, s) in out {
        let len = s.chars().count();
        if len <= budget {
            budget -= len;
            capped.push((marked, s));
        } else {
            capped.push((marked, s.chars().take(budget).collect::<String>() + "…"));
            break;
        }
    }
    capped
}

/// A diff line as plain text: the changed characters of expected wrapped in `[-…-]`,
/// of actual in `{+…+}` (wdiff's marks), so the difference shows without colour.
pub(crate) fn plain_line(line: &DiffLine) -> String {
    let (open, close) = match line.side {
        DiffSide::Expected => ("[-", "-]"),
        DiffSide::Actual => ("{+", "+}"),
        DiffSide::Both => ("", ""),
    };
    let whole = line.parts.iter().all(|(m, _)| *m);
    line.parts
        .iter()
        .map(|(marked, s)| {
            // A line changed as a whole needs no marks: its sign says it all.
            if *marked && !whole {
                format!("{open}{s}{close}")
            } else {
                s.clone()
            }
        })
        .collect()
}

/// The diff as text: `-` expected, `+` actual, two spaces for shared lines.
pub(crate) fn plain_diff(expected: &str, actual: &str) -> String {
    let mut out = String::from("--- expected\n+++ actual\n");
    for line in diff_lines(expected, actual) {
        let sign = match line.side {
            DiffSide::Expected => '-',
            DiffSide::Actual => '+',
            DiffSide::Both => ' ',
        };
        out.push(sign);
        out.push(' ');
        out.push_str(&plain_line(&line));
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

    #[test]
    fn a_long_value_shows_the_differing_characters_marked() {
        let e = format!("{}platinum{}", "x".repeat(40), "y".repeat(40));
        let a = format!("{}Platinum{}", "x".repeat(40), "y".repeat(40));
        assert!(wants_diff(&e, &a));
        let d = plain_diff(&e, &a);
        assert!(d.contains("[-p-]latinum"), "{d}");
        assert!(d.contains("{+P+}latinum"), "{d}");
    }

    #[test]
    fn a_huge_value_is_cut_around_its_change() {
        let e = format!("{}<gold>{}", "a".repeat(5000), "b".repeat(5000));
        let a = format!("{}<silver>{}", "a".repeat(5000), "b".repeat(5000));
        let d = plain_diff(&e, &a);
        assert!(
            d.lines().all(|l| l.chars().count() < MAX_DIFF_LINE + 20),
            "{d}"
        );
        assert!(d.contains('…') && d.contains("[-"), "{d}");
        let many_e: String = (0..100).map(|i| format!("line {i}\n")).collect();
        let many_a: String = (0..100).map(|i| format!("LINE {i}\n")).collect();
        let d = plain_diff(&many_e, &many_a);
        assert!(d.contains("more diff lines not shown"), "{d}");
        assert!(d.lines().count() <= MAX_DIFF_LINES + 3, "{d}");
    }

    #[test]
    fn summary_line_counts_warnings_and_coverage_shortfalls() {
        let mut s = summary(2, 0, 0, 0);
        s.warnings = 1;
        s.coverage = Some(super::super::Coverage {
            flows: vec![FlowCoverage {
                file: "f.yaml".into(),
                name: "f".into(),
                branches: vec![Branch {
                    label: "decision".into(),
                    location: Location {
                        file: "f.yaml".into(),
                        line: 1,
                        col: 1,
                    },
                    hit: false,
                }],
            }],
            min_percent: Some(50.0),
        });
        assert_eq!(
            summary_line(&s),
            "2 passed, 0 failed, 1 warning, 1 flow below --min-coverage"
        );
    }
}
