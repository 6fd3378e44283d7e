//! Rendering diagnostics, and writing to stdout and stderr, without ever panicking.
//!
//! miette lays a snippet out by columns and fails on a span far along one line (a
//! minified export); a snippet here is a window of the line around the span instead.
//! `println!` panics when stdout is closed or full; [`out`] ends the process cleanly:
//! quietly with exit 2 on a closed pipe, with a message and exit 2 otherwise.

use std::io::{self, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};

use miette::Diagnostic;

use crate::diag::SourceDiagnostic;
use crate::source::SourceFile;
use crate::source::location::floor_char_boundary;

/// Lines longer than this are shown as a window around the span.
const MAX_SHOWN_LINE: usize = 240;
/// Bytes of context kept on each side of the span in a window.
const WINDOW_CONTEXT: usize = 80;

/// Render a diagnostic for a terminal or a log (the one place errors become text).
pub fn render(diag: &dyn Diagnostic, color: bool) -> String {
    let handler = miette::GraphicalReportHandler::new_themed(if color {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    })
    .with_width(100);
    let mut out = String::new();
    // The layout code is not ours: whatever it does, the message still gets out.
    let ok = catch_unwind(AssertUnwindSafe(|| handler.render_report(&mut out, diag)))
        .is_ok_and(|r| r.is_ok());
    if !ok {
        out = format!("error: {diag}\n");
    }
    out
}

/// A diagnostic whose snippet is a window of one long line; its source reports the real
/// line and column so the header and gutter still say where in the file the span is.
#[derive(Debug, thiserror::Error)]
#[error("{inner}")]
pub struct Windowed {
    inner: SourceDiagnostic,
    /// Real 0-based line of the window.
    line0: usize,
    /// Added to a 0-based column in the window to give the real 0-based column.
    col0: usize,
}

/// When the span's line is longer than [`MAX_SHOWN_LINE`], `d` cut to a window of that
/// line around the span.
pub fn windowed(d: &SourceDiagnostic) -> Option<Windowed> {
    if d.file.is_unlocated() {
        return None;
    }
    let text: &str = &d.file.text;
    let lines = d.file.lines();
    let (line, _) = lines.line_col(text, d.span.0);
    let start = lines.line_start(line);
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    if end - start <= MAX_SHOWN_LINE {
        return None;
    }
    let at = floor_char_boundary(text, d.span.0.clamp(start, end));
    let from = floor_char_boundary(text, at.saturating_sub(WINDOW_CONTEXT).max(start));
    let span_end = d.span.1.clamp(at, end).min(at + WINDOW_CONTEXT);
    let to = ceil_char_boundary(text, (span_end + WINDOW_CONTEXT).min(end));
    let cut_before = from > start;
    let window = format!(
        "{}{}{}",
        if cut_before { "…" } else { "" },
        &text[from..to],
        if to < end { "…" } else { "" }
    );
    let shift = if cut_before { "…".len() } else { 0 };
    let new_at = at - from + shift;
    let new_end = ceil_char_boundary(text, span_end) - from + shift;
    let (_, from_col) = lines.line_col(text, from);
    let mut inner = d.clone();
    inner.file = SourceFile::new(d.file.name.clone(), window);
    inner.span = (new_at, new_end.max(new_at));
    Some(Windowed {
        inner,
        line0: line - 1,
        // miette counts columns in bytes within the window.
        col0: (from_col - 1).saturating_sub(shift),
    })
}

impl Diagnostic for Windowed {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.inner.code()
    }
    fn severity(&self) -> Option<miette::Severity> {
        self.inner.severity()
    }
    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.inner.help()
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(self)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        self.inner.labels()
    }
}

impl miette::SourceCode for Windowed {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let inner = self.inner.read_span(span, before, after)?;
        let column = if inner.line() == 0 {
            inner.column() + self.col0
        } else {
            inner.column()
        };
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.inner.file.name.to_string(),
            inner.data(),
            *inner.span(),
            inner.line() + self.line0,
            column,
            inner.line_count(),
        )))
    }
}

fn ceil_char_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Write `text` to stdout; on failure end the process: quietly on a closed pipe (the
/// reader has gone, as `| head` does), otherwise with a message on stderr. Both exit 2,
/// so a cut-off report never reads as a pass.
pub fn out(text: &str) {
    let mut o = io::stdout().lock();
    if let Err(e) = o.write_all(text.as_bytes()).and_then(|()| o.flush()) {
        stdout_failed(&e);
    }
}

/// Flush stdout before exit, with [`out`]'s handling of failures.
pub fn flush_stdout() {
    if let Err(e) = io::stdout().lock().flush() {
        stdout_failed(&e);
    }
}

/// End the process after stdout failed.
pub fn stdout_failed(e: &io::Error) -> ! {
    if e.kind() != io::ErrorKind::BrokenPipe {
        err(&format!("error: cannot write to stdout: {e}\n"));
    }
    std::process::exit(i32::from(crate::exit::USAGE))
}

/// Write `text` to stderr; a failure is ignored (there is nowhere left to report it, and
/// the exit code still tells).
pub fn err(text: &str) {
    let mut e = anstream::stderr().lock();
    let _ = e.write_all(text.as_bytes()).and_then(|()| e.flush());
}

/// `println!` that never panics (see [`out`]).
#[macro_export]
macro_rules! outln {
    () => { $crate::source::render::out("\n") };
    ($($t:tt)*) => { $crate::source::render::out(&format!("{}\n", format_args!($($t)*))) };
}

/// `eprintln!` that never panics (see [`err`]).
#[macro_export]
macro_rules! errln {
    ($($t:tt)*) => { $crate::source::render::err(&format!("{}\n", format_args!($($t)*))) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_span_far_along_one_line_renders_a_window() {
        let mut text = "x".repeat(70_000);
        text.push_str("BAD");
        text.push_str(&"y".repeat(5_000));
        let file = SourceFile::new("min.json", text);
        let d = SourceDiagnostic::error(&file, (70_000, 70_003), "bad token");
        let shown = crate::diag::render(&d, false);
        assert!(shown.contains("bad token"), "{shown}");
        assert!(shown.contains("min.json:1:70001"), "{shown}");
        assert!(shown.contains("BAD"), "{shown}");
        assert!(shown.len() < 4_000, "{}", shown.len());
    }

    #[test]
    fn multibyte_text_around_the_window_edges_is_cut_on_boundaries() {
        let text = "é".repeat(50_000);
        let file = SourceFile::new("u.yaml", text);
        for at in [0, 1, 3, 40_001, 99_999, 100_000] {
            let d = SourceDiagnostic::error(&file, (at, at + 7), "here");
            assert!(crate::diag::render(&d, false).contains("here"));
        }
    }
}
