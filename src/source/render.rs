//! Rendering diagnostics, and writing to stdout and stderr, without ever panicking.
//!
//! miette lays a snippet out by columns and panics on a span past column 65,535 (a
//! minified export); every snippet here is read through [`Window`], which cuts a long line
//! to a window around the span.
//! `println!` panics when stdout is closed or full; [`out`] ends the process cleanly:
//! quietly with exit 2 on a closed pipe, with a message and exit 2 otherwise.

use std::io::{self, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};

use miette::Diagnostic;

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
    let clamped = Clamped {
        inner: diag,
        source: diag.source_code().map(Window),
    };
    let mut out = String::new();
    // The layout code is not ours: whatever it does, the message still gets out.
    let ok = catch_unwind(AssertUnwindSafe(|| {
        handler.render_report(&mut out, &clamped)
    }))
    .is_ok_and(|r| r.is_ok());
    if !ok {
        out = format!("error: {diag}\n");
    }
    // The edge every error passes: no secret or token leaves in a diagnostic.
    crate::scrub::text(&out).into_owned()
}

/// A diagnostic shown through [`Window`]: everything else is the inner one's.
struct Clamped<'a> {
    inner: &'a dyn Diagnostic,
    source: Option<Window<'a>>,
}

impl std::fmt::Debug for Clamped<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.inner, f)
    }
}

impl std::fmt::Display for Clamped<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self.inner, f)
    }
}

impl std::error::Error for Clamped<'_> {}

impl Diagnostic for Clamped<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        self.inner.code()
    }
    fn severity(&self) -> Option<miette::Severity> {
        self.inner.severity()
    }
    fn help<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        self.inner.help()
    }
    fn url<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        self.inner.url()
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|w| w as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        self.inner.labels()
    }
    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn Diagnostic> + 'b>> {
        self.inner.related()
    }
    fn diagnostic_source(&self) -> Option<&dyn Diagnostic> {
        self.inner.diagnostic_source()
    }
}

/// A source whose snippets never hold a line longer than [`MAX_SHOWN_LINE`]: a long line
/// is cut to a window around the span, with the real line and column kept.
struct Window<'a>(&'a dyn miette::SourceCode);

impl miette::SourceCode for Window<'_> {
    fn read_span<'b>(
        &'b self,
        span: &miette::SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'b> + 'b>, miette::MietteError> {
        let bare = self.0.read_span(span, before, after)?;
        let data = bare.data();
        if data
            .split(|&b| b == b'\n')
            .all(|l| l.len() <= MAX_SHOWN_LINE)
        {
            return Ok(bare);
        }
        let base = bare.span().offset();
        let at = span.offset().saturating_sub(base).min(data.len());
        let end = (span.offset() + span.len())
            .saturating_sub(base)
            .clamp(at, data.len())
            .min(at + WINDOW_CONTEXT);
        let mut from = at.saturating_sub(WINDOW_CONTEXT);
        while from > 0 && (data[from] & 0xC0) == 0x80 {
            from -= 1;
        }
        let mut to = (end + WINDOW_CONTEXT).min(data.len());
        while to < data.len() && (data[to] & 0xC0) == 0x80 {
            to += 1;
        }
        let newlines = data[..from].iter().filter(|&&b| b == b'\n').count();
        let column = match data[..from].iter().rposition(|&b| b == b'\n') {
            Some(nl) => from - nl - 1,
            None => bare.column() + from,
        };
        let window = &data[from..to];
        let span = miette::SourceSpan::new((base + from).into(), to - from);
        let lines = window.iter().filter(|&&b| b == b'\n').count() + 1;
        let line = bare.line() + newlines;
        Ok(Box::new(match bare.name() {
            Some(name) => miette::MietteSpanContents::new_named(
                name.to_owned(),
                window,
                span,
                line,
                column,
                lines,
            ),
            None => miette::MietteSpanContents::new(window, span, line, column, lines),
        }))
    }
}

/// Write `text` to stdout; on failure end the process: quietly on a closed pipe (the
/// reader has gone, as `| head` does), otherwise with a message on stderr. Both exit 2,
/// so a cut-off report never reads as a pass.
pub fn out(text: &str) {
    // The edge of every `outln!`: no secret and no registered personal value leaves.
    let text = crate::scrub::text(text);
    let mut o = io::stdout().lock();
    if let Err(e) = o.write_all(text.as_bytes()).and_then(|()| o.flush()) {
        stdout_failed(&e);
    }
}

/// Styled stdout (styles stripped where the reader is not a terminal) whose failed write
/// ends the process as [`out`] does: commands that print as they go (`gen`, `trace`)
/// cannot lose their output to a full device and still exit 0.
pub fn stdout() -> Stdout {
    Stdout(anstream::stdout())
}

/// See [`stdout`].
pub struct Stdout(anstream::Stdout);

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf).or_else(|e| stdout_failed(&e))
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush().or_else(|e| stdout_failed(&e))
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
    // Diagnostics and notes can quote a secret (an interpolated value, an echoed token).
    let text = crate::scrub::text(text);
    flush_before_stderr();
    let mut e = anstream::stderr().lock();
    let _ = e.write_all(text.as_bytes()).and_then(|()| e.flush());
}

/// Flush stdout before a diagnostic goes to stderr: on a terminal both streams share one
/// screen, and a warning must appear after the results it follows, not before buffered
/// ones. A failure is left to the next write to stdout to report.
pub fn flush_before_stderr() {
    let _ = io::stdout().lock().flush();
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
    use crate::diag::SourceDiagnostic;
    use crate::source::SourceFile;

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
