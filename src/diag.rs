//! Located diagnostics shared by every layer: a source file, a span in it, a message.
//!
//! Layers build `SourceDiagnostic`s (or their own error types that convert into one);
//! only the CLI renders them, through miette, so the caret output looks the same for a
//! broken expression, a rules file and a flow.

use std::path::Path;
use std::sync::Arc;

use miette::{Diagnostic, SourceSpan};

/// Severity of a diagnostic that is not fatal on its own (warnings from loaders).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Informational.
    Info,
    /// Something that is probably a mistake but does not stop the run.
    Warning,
    /// Fatal: exit 2.
    Error,
}

/// A source file's name and text, shared cheaply between the diagnostics that point into it.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Display name (a path as the user gave it, or `<expr>`).
    pub name: Arc<str>,
    /// Full text.
    pub text: Arc<str>,
}

impl SourceFile {
    /// A named source.
    pub fn new(name: impl Into<Arc<str>>, text: impl Into<Arc<str>>) -> Self {
        SourceFile {
            name: name.into(),
            text: text.into(),
        }
    }

    /// A stand-in for a problem that is about no file (the environment, the command
    /// line): named `<what>`, with no text, and rendered without a snippet.
    pub fn unlocated(what: &str) -> Self {
        Self::new(format!("<{what}>"), "")
    }

    /// A command-line argument shown as its own one-line source (a caret under the bad
    /// part), named `<command line>`: not a file, so no annotation points at one.
    pub fn command_line(arg: &str) -> Self {
        Self::new("<command line>", arg)
    }

    /// A real file (not `<expr>`, `<command line>` or an [`SourceFile::unlocated`] stand-in).
    pub fn is_file(&self) -> bool {
        !self.name.starts_with('<')
    }

    /// True for [`SourceFile::unlocated`].
    pub fn is_unlocated(&self) -> bool {
        self.text.is_empty() && self.name.starts_with('<')
    }

    /// A source for a file path.
    pub fn from_path(path: &Path, text: impl Into<Arc<str>>) -> Self {
        Self::new(path.display().to_string(), text)
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = &self.text[..floor_char_boundary(&self.text, offset)];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        (line, col)
    }

    /// Byte offset of a 1-based line and column (in characters); clamps to the text.
    pub fn offset_of(&self, line: usize, col: usize) -> usize {
        let mut off = 0;
        for (i, l) in self.text.split_inclusive('\n').enumerate() {
            if i + 1 == line {
                let c = l
                    .char_indices()
                    .nth(col.saturating_sub(1))
                    .map_or(l.len(), |(b, _)| b);
                return off + c;
            }
            off += l.len();
        }
        self.text.len()
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A message about a span of a source file: the one shape every located error takes.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct SourceDiagnostic {
    /// What went wrong, lowercase, no trailing period.
    pub message: String,
    /// Fatal or not.
    pub severity: Severity,
    /// Stable code such as `routecheck::rules::unknown-key`.
    pub code: Option<String>,
    /// The file it points into.
    pub file: SourceFile,
    /// Byte range in `source.text`.
    pub span: (usize, usize),
    /// Text under the caret.
    pub label: Option<String>,
    /// A hint (did you mean …).
    pub help: Option<String>,
}

impl SourceDiagnostic {
    /// An error at `span` of `source`.
    pub fn error(source: &SourceFile, span: (usize, usize), message: impl Into<String>) -> Self {
        SourceDiagnostic {
            message: message.into(),
            severity: Severity::Error,
            code: None,
            file: source.clone(),
            span,
            label: None,
            help: None,
        }
    }

    /// A warning at `span` of `source`.
    pub fn warning(source: &SourceFile, span: (usize, usize), message: impl Into<String>) -> Self {
        SourceDiagnostic {
            severity: Severity::Warning,
            ..Self::error(source, span, message)
        }
    }

    /// Set the caret label.
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Set the help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Set the stable code.
    pub fn with_code(mut self, code: impl Into<String>) -> Self {
        self.code = Some(code.into());
        self
    }

    /// `file:line:col` of the start of the span (`<environment>` and the like for
    /// problems that are about no file).
    pub fn location(&self) -> String {
        if self.file.is_unlocated() {
            return self.file.name.to_string();
        }
        let (l, c) = self.file.line_col(self.span.0);
        format!("{}:{}:{}", self.file.name, l, c)
    }
}

impl Diagnostic for SourceDiagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.code
            .as_ref()
            .map(|c| Box::new(c) as Box<dyn std::fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Info => miette::Severity::Advice,
            Severity::Warning => miette::Severity::Warning,
            Severity::Error => miette::Severity::Error,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        (!self.file.is_unlocated()).then_some(self as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        if self.file.is_unlocated() {
            return None;
        }
        let (s, e) = self.span;
        let span = SourceSpan::new(s.into(), e.saturating_sub(s));
        Some(Box::new(std::iter::once(
            miette::LabeledSpan::new_primary_with_span(self.label.clone(), span),
        )))
    }
}

impl miette::SourceCode for SourceDiagnostic {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let inner =
            self.file
                .text
                .as_ref()
                .read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.file.name.to_string(),
            inner.data(),
            *inner.span(),
            inner.line(),
            inner.column(),
            inner.line_count(),
        )))
    }
}

/// Render a diagnostic for a terminal or a log (the one place errors become text).
pub fn render(diag: &dyn Diagnostic, color: bool) -> String {
    let handler = miette::GraphicalReportHandler::new_themed(if color {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    })
    .with_width(100);
    let mut out = String::new();
    if handler.render_report(&mut out, diag).is_err() {
        out = diag.to_string();
    }
    // The edge every error passes: no secret or token leaves in a diagnostic.
    crate::scrub::text(&out).into_owned()
}

/// Edit distance (Levenshtein), case-insensitive, for "did you mean" hints.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().flat_map(char::to_lowercase).collect();
    let b: Vec<char> = b.chars().flat_map(char::to_lowercase).collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The candidate closest to `word` if it is a plausible typo: within a third of the
/// word's length (at least 2 edits). Ties go to the alphabetically first, so hints are
/// stable.
pub fn closest<'c>(word: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let limit = (word.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_about_no_file_renders_without_a_snippet() {
        let d = SourceDiagnostic::error(
            &SourceFile::unlocated("environment"),
            (0, 0),
            "x is not set",
        )
        .with_help("export x");
        let text = render(&d, false);
        assert!(
            text.contains("x is not set") && text.contains("export x"),
            "{text}"
        );
        assert!(!text.contains('╭'), "{text}");
        assert_eq!(d.location(), "<environment>");
    }

    #[test]
    fn an_empty_file_still_names_its_location() {
        let d = SourceDiagnostic::error(&SourceFile::new("rules/a.yaml", ""), (0, 0), "empty");
        assert!(render(&d, false).contains("rules/a.yaml:1:1"));
        assert_eq!(d.location(), "rules/a.yaml:1:1");
    }

    #[test]
    fn hints_pick_near_words_only() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "ab"), 2);
        assert_eq!(edit_distance("Flow.Tier", "flow.tier"), 0);
        assert_eq!(closest("expct", ["expect", "name"]), Some("expect"));
        assert_eq!(closest("zzzzzz", ["expect", "name"]), None);
    }
}
