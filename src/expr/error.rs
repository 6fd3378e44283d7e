//! Where an expression went wrong: spans into its source and the located error every
//! stage (parser, checker, evaluator) reports.

use crate::diag::{SourceDiagnostic, SourceFile};

/// Byte range in the expression source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`.
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
}

/// Which stage rejected an expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ErrorKind {
    /// Lexing or parsing failed.
    Syntax,
    /// Type check, unknown variable or function, arity.
    Type,
    /// Raised during evaluation (in a flow: the error-handling path).
    Runtime,
}

/// An error about an expression, located by a span in its source.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct ExprError {
    /// Stage.
    pub kind: ErrorKind,
    /// What went wrong, lowercase, no trailing period.
    pub message: String,
    /// Where, in the expression source.
    pub span: Span,
    /// A hint (closest function name, NOT_SET guard, …).
    pub help: Option<String>,
}

impl ExprError {
    /// Turn into a located diagnostic. `base` is the byte offset of the expression's
    /// first character inside `source` (0 when the source is the expression itself).
    pub fn to_diagnostic(&self, source: &SourceFile, base: usize) -> SourceDiagnostic {
        let text = &source.text;
        let mut end = (base + self.span.end).min(text.len());
        let mut start = (base + self.span.start).min(end);
        // A zero-width span (a missing `)` at the end) would draw no caret: widen it to
        // the neighbouring character.
        if start == end {
            if let Some(c) = text.get(end..).and_then(|t| t.chars().next()) {
                end += c.len_utf8();
            } else if let Some(c) = text.get(..start).and_then(|t| t.chars().next_back()) {
                start -= c.len_utf8();
            }
        }
        let mut d =
            SourceDiagnostic::error(source, (start, end), self.message.clone()).with_code(format!(
                "routecheck::expr::{}",
                match self.kind {
                    ErrorKind::Syntax => "syntax",
                    ErrorKind::Type => "type",
                    ErrorKind::Runtime => "runtime",
                }
            ));
        if let Some(h) = &self.help {
            d = d.with_help(h.clone());
        }
        d
    }
}
