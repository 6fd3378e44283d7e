//! What a YAML parse can refuse: the error kinds, the located error and its help line,
//! and the parser's scan errors turned into them.

use granit_parser::{ScanError, Span};

use super::super::{FileKind, Problem, SourceFile};
use crate::diag::SourceDiagnostic;

/// What kind of YAML error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The parser's syntax error.
    Syntax,
    /// A key twice in one mapping.
    DuplicateKey,
    /// A tag outside the core schema, or a value its tag does not fit.
    Tag,
    /// Too deep, too many nodes, anchors or aliases.
    Budget,
    /// More than one document.
    Documents,
}

/// A YAML error: message and byte span in the parsed text.
#[derive(Debug, Clone)]
pub struct YamlError {
    /// What went wrong, lowercase.
    pub message: String,
    /// Where (byte range in the parsed text).
    pub span: (usize, usize),
    /// Which kind of problem.
    pub kind: ErrorKind,
}

impl YamlError {
    pub(super) fn new(kind: ErrorKind, span: (usize, usize), message: impl Into<String>) -> Self {
        YamlError {
            message: message.into(),
            span,
            kind,
        }
    }

    /// A help line for this kind of error, if there is a useful one.
    pub fn help(&self) -> Option<&'static str> {
        match self.kind {
            ErrorKind::Budget => Some(
                "the file expands to too much data through anchors and aliases (a YAML bomb?) or nests too deep; write the values out instead",
            ),
            ErrorKind::DuplicateKey => Some("each key may appear once per mapping"),
            ErrorKind::Tag => Some("remove the tag: no routecheck file uses YAML tags"),
            ErrorKind::Documents => Some("a file holds one YAML document: remove the `---`"),
            ErrorKind::Syntax => None,
        }
    }

    /// The located diagnostic for a file of `kind` (the YAML was `source`'s text).
    pub fn diagnostic(&self, source: &SourceFile, kind: FileKind) -> SourceDiagnostic {
        let mut d =
            SourceDiagnostic::error(source, self.span, format!("invalid YAML: {}", self.message))
                .with_code(kind.code(Problem::Yaml));
        if let Some(h) = self.help() {
            d = d.with_help(h);
        }
        d
    }
}

pub(super) fn span_of(s: &Span) -> (usize, usize) {
    let start = s.start.byte_offset().unwrap_or(0);
    (start, s.end.byte_offset().unwrap_or(start).max(start))
}

pub(super) fn scan_error(e: &ScanError) -> YamlError {
    let at = e.marker().byte_offset().unwrap_or(0);
    let mut message = e.info();
    if let Some(c) = message.get(..1)
        && c.chars().all(|c| c.is_ascii_uppercase())
        && message.chars().nth(1).is_some_and(char::is_lowercase)
    {
        message.replace_range(..1, &c.to_ascii_lowercase());
    }
    let mut message = message.trim_end_matches('.').to_string();
    let kind = if message.contains("nesting") || message.contains("limit") {
        message = format!("budget exceeded: {message}");
        ErrorKind::Budget
    } else {
        ErrorKind::Syntax
    };
    YamlError::new(kind, (at, at), message)
}
