//! Located diagnostics shared by every layer: a source file, a span in it, a message.
//!
//! Layers build `SourceDiagnostic`s (or their own error types that convert into one);
//! only the CLI renders them, through miette, so the caret output looks the same for a
//! broken expression, a rules file and a flow.

use miette::{Diagnostic, SourceSpan};

pub use crate::source::SourceFile;

mod edit_index;
pub use edit_index::EditIndex;

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
            message: cut_values(message.into()),
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
        self.label = Some(cut_values(label.into()));
        self
    }

    /// Set the help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(cut_values(help.into()));
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
        // miette reads a span by scanning its source from the start: over a whole rules
        // file that is O(file) per diagnostic, and a run that warns once per case (a near
        // miss in every case of a 10k-case file) went quadratic. Hand it only the lines
        // around the span, found through the file's line index, and shift the result back.
        let text: &str = &self.file.text;
        let (start, end) = (span.offset(), span.offset() + span.len());
        if end > text.len() {
            return Err(miette::MietteError::OutOfBounds);
        }
        let lines = self.file.lines();
        let (first, _) = lines.line_col(text, start);
        let (last, _) = lines.line_col(text, end);
        let from_line = first.saturating_sub(context_lines_before).max(1);
        let to_line = last + context_lines_after + 1;
        let from = lines.line_start(from_line);
        let to = if to_line > lines.lines() {
            text.len()
        } else {
            lines.line_start(to_line)
        };
        let window = &text[from..to.max(end)];
        let local = SourceSpan::new((start - from).into(), span.len());
        let inner = window.read_span(&local, context_lines_before, context_lines_after)?;
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.file.name.to_string(),
            inner.data(),
            SourceSpan::new((inner.span().offset() + from).into(), inner.span().len()),
            inner.line() + from_line - 1,
            inner.column(),
            inner.line_count(),
        )))
    }
}

/// A quoted value (between backticks) longer than this many characters is cut.
pub const MAX_QUOTED: usize = 80;
/// A whole message longer than this many characters is cut.
pub const MAX_MESSAGE: usize = 2000;

/// `text` cut to its first `max` characters, with the length it had: `xxxx…` (200000
/// characters). Short text is returned whole.
pub fn cut(text: &str, max: usize) -> String {
    // Text cut before (a diagnostic built cut, then cut again for a report or a diff line)
    // keeps the length it had first.
    let (body, n) = match was_cut(text) {
        Some((body, n)) => (body, n),
        None => (text, text.chars().count()),
    };
    match body.char_indices().nth(max) {
        Some((i, _)) => format!("{}… ({n} characters)", &body[..i]),
        None if body.len() < text.len() => format!("{body}… ({n} characters)"),
        None => text.to_string(),
    }
}

/// `text` as [`cut`] made it: what was kept, and the length it had.
fn was_cut(text: &str) -> Option<(&str, usize)> {
    let rest = text.strip_suffix(" characters)")?;
    let open = rest.rfind("… (")?;
    let n = rest[open + "… (".len()..].parse().ok()?;
    Some((&text[..open], n))
}

/// A message whose every quoted value (`` `…` ``) longer than [`MAX_QUOTED`] characters
/// is cut to that with its length, and which as a whole is at most [`MAX_MESSAGE`]
/// characters: a 200 KB value in a rules file must not make a 200 KB diagnostic in any
/// format. Messages quote the values they echo in backticks, so this one pass at
/// construction covers every message that names a value.
pub fn cut_values(message: String) -> String {
    if message.len() <= MAX_QUOTED {
        return message;
    }
    let mut out = String::with_capacity(message.len().min(MAX_MESSAGE + 64));
    let mut rest = message.as_str();
    while let Some(open) = rest.find('`') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('`') else { break };
        let value = &after[..close];
        out.push_str(&rest[..=open]);
        match value.char_indices().nth(MAX_QUOTED) {
            // Cut before: the length that follows is the value's own.
            Some((i, _)) if &value[i..] == "…" => {
                out.push_str(value);
                out.push('`');
            }
            Some((i, _)) => {
                let n = value.chars().count();
                out.push_str(&value[..i]);
                out.push_str(&format!("…` ({n} characters)"));
            }
            None => {
                out.push_str(value);
                out.push('`');
            }
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    if out.chars().count() > MAX_MESSAGE {
        return cut(&out, MAX_MESSAGE);
    }
    out
}

/// Render a diagnostic for a terminal or a log (the one place errors become text; see
/// [`crate::source::render`]).
pub fn render(diag: &dyn Diagnostic, color: bool) -> String {
    crate::source::render::render(diag, color)
}

/// Edit distance (Levenshtein), case-insensitive, for "did you mean" hints.
pub fn edit_distance(a: &str, b: &str) -> usize {
    // The near-miss search calls this for every absent name against every present key of
    // every case: ASCII names (the common case) are compared as bytes, and one row is
    // reused instead of a Vec per row.
    if a.is_ascii() && b.is_ascii() {
        return levenshtein(a.as_bytes(), b.as_bytes(), u8::to_ascii_lowercase);
    }
    let a: Vec<char> = a.chars().flat_map(char::to_lowercase).collect();
    let b: Vec<char> = b.chars().flat_map(char::to_lowercase).collect();
    levenshtein(&a, &b, |c| *c)
}

/// [`edit_distance`] with letter case counted: breaks ties between candidates that
/// differ from a word only in case (`acountId`: `accountId` over `Accountid`).
pub fn edit_distance_exact(a: &str, b: &str) -> usize {
    if a.is_ascii() && b.is_ascii() {
        return levenshtein(a.as_bytes(), b.as_bytes(), |c| *c);
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    levenshtein(&a, &b, |c| *c)
}

/// Levenshtein distance over `a` and `b` compared through `fold`, with one row.
fn levenshtein<T, K: PartialEq>(a: &[T], b: &[T], fold: impl Fn(&T) -> K) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let ka = fold(ca);
        // `diag` is the previous row's value at j (row[j] before it is overwritten).
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = diag + usize::from(ka != fold(cb));
            diag = row[j + 1];
            row[j + 1] = sub.min(diag + 1).min(row[j] + 1);
        }
    }
    row[b.len()]
}

/// Words longer than this get no "did you mean": nothing that long is a typo of a known
/// name, and comparing a multi-megabyte identifier with every name took seconds.
const MAX_HINT_CHARS: usize = 128;

/// The candidate closest to `word` if it is a plausible typo: within a third of the
/// word's length (at least 2 edits). Ties go to the alphabetically first, so hints are
/// stable. Candidates whose length alone rules them out are not compared.
pub fn closest<'c>(word: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let len = word.chars().take(MAX_HINT_CHARS + 1).count();
    if len > MAX_HINT_CHARS {
        return None;
    }
    let limit = (len / 3).max(2);
    candidates
        .into_iter()
        .filter(|c| c.chars().take(len + limit + 1).count().abs_diff(len) <= limit)
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
        let huge = "x".repeat(4 * 1024 * 1024);
        assert_eq!(closest(&huge, ["expect", &huge[..10]]), None);
    }
}

#[cfg(test)]
mod read_span_tests {
    use super::*;

    // A warning deep in a large file renders from the lines around it (read through the
    // line index), with the file's own line numbers: the regression was a scan of the
    // whole file per diagnostic, quadratic over a run that warns in every case.
    #[test]
    fn a_diagnostic_deep_in_a_large_file_shows_its_own_lines() {
        let text: String = (1..=20_000).map(|i| format!("line {i}\n")).collect();
        let at = text.find("line 15000\n").unwrap();
        let file = SourceFile::new("big.yaml", text);
        let d = SourceDiagnostic::warning(&file, (at, at + 10), "here");
        let out = render(&d, false);
        assert!(out.contains("big.yaml:15000:1"), "{out}");
        assert!(out.contains("15000 │ line 15000"), "{out}");
        assert!(out.contains("14999 │ line 14999"), "{out}");
        assert!(!out.contains("line 14997"), "{out}");
    }

    #[test]
    fn long_quoted_values_are_cut_with_their_length() {
        let long = "x".repeat(200_000);
        let m = cut_values(format!("fixture `fixtures/{long}.json` does not exist"));
        assert!(m.len() < 200, "{m}");
        assert!(m.starts_with("fixture `fixtures/xxx"), "{m}");
        assert!(m.ends_with("…` (200014 characters) does not exist"), "{m}");
        let short = "unknown key `expct`, did you mean `expect`?".to_string();
        assert_eq!(cut_values(short.clone()), short);
        // No backticks: the message as a whole is bounded.
        let m = cut_values(long.clone());
        assert!(m.chars().count() < MAX_MESSAGE + 40, "{}", m.len());
        assert!(m.ends_with("(200000 characters)"));
        // Cutting again (a report cuts what a diagnostic already cut) changes nothing.
        let once = cut_values(format!("fixture `{long}` not found"));
        assert_eq!(cut_values(once.clone()), once);
        let once = cut(&long, 100);
        assert_eq!(cut(&once, 100), once);
        assert_eq!(
            cut(&once, 10),
            format!("{}… (200000 characters)", &long[..10])
        );
        let d = SourceDiagnostic::error(&SourceFile::new("f", "x"), (0, 1), format!("`{long}`"))
            .with_help(format!("did you mean `{long}`?"));
        assert!(d.message.len() < 200 && d.help.unwrap().len() < 200);
    }
}
