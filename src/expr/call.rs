//! What a function of the registry ([`super::functions`]) sees of the checker and the
//! evaluator: two narrow traits over one call's arguments, addressed by position, and the
//! type vocabulary both sides share. Neither trait mentions the tree, so the registry
//! does not depend on `ast`, `check` or `eval`: they implement the traits and call it.

use super::error::{ErrorKind, ExprError, Span};
use super::scope::EvalContext;
use super::types::Type;
use super::value::Value;

/// A type as the checker sees it: known, the still-untyped `NOT_SET` literal, or unknown
/// after an error (which silences follow-on errors).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum CTy {
    T(Type),
    NotSet,
    Unknown,
}

impl CTy {
    pub(crate) fn describe(&self) -> String {
        match self {
            CTy::T(t) => t.to_string(),
            CTy::NotSet => "NOT_SET".into(),
            CTy::Unknown => "an unknown type".into(),
        }
    }

    pub(crate) fn is_numeric(&self) -> bool {
        matches!(self, CTy::T(t) if t.is_numeric())
    }
}

pub(crate) const NOT_SET_HELP: &str =
    "guard it with IsSet(...) or If(IsSet(x), x, default) before using it";

/// True for types a `NOT_SET` literal may stand for (collections are never NOT_SET).
pub(crate) fn is_scalar(t: &Type) -> bool {
    !matches!(t, Type::List(_))
}

/// The common type of two branches/items, with Integer→Decimal promotion.
pub(crate) fn unify(a: &CTy, b: &CTy) -> Option<CTy> {
    Some(match (a, b) {
        (CTy::Unknown, _) | (_, CTy::Unknown) => CTy::Unknown,
        (CTy::NotSet, CTy::NotSet) => CTy::NotSet,
        (CTy::NotSet, CTy::T(t)) | (CTy::T(t), CTy::NotSet) if is_scalar(t) => CTy::T(t.clone()),
        (CTy::T(x), CTy::T(y)) if x == y => CTy::T(x.clone()),
        (CTy::T(x), CTy::T(y)) if x.is_numeric() && y.is_numeric() => CTy::T(Type::Decimal),
        _ => return None,
    })
}

/// Whether `==`/`!=` (and AreEqual, FindFirst) can compare the two types.
pub(crate) fn comparable(a: &CTy, b: &CTy) -> bool {
    unify(a, b).is_some()
}

/// A runtime error.
pub(crate) fn rt(span: Span, message: impl Into<String>, help: Option<String>) -> ExprError {
    ExprError {
        kind: ErrorKind::Runtime,
        message: message.into(),
        span,
        help,
    }
}

/// The checker, as a function's typing rule sees one call: its arguments' types and
/// spans, and the two edits typing may make to an argument.
pub(crate) trait Typer {
    /// Number of arguments.
    fn len(&self) -> usize;
    /// The checked type of argument `i`.
    fn ty(&self, i: usize) -> &CTy;
    /// Where argument `i` is.
    fn span(&self, i: usize) -> Span;
    /// Where the whole call is.
    fn call_span(&self) -> Span;
    /// Report a type error.
    fn error(&mut self, span: Span, message: String, help: Option<String>);
    /// Give argument `i`'s untyped `NOT_SET` the type `to`, or wrap it in ToDecimal
    /// where an Integer meets a Decimal.
    fn coerce(&mut self, i: usize, to: &Type);
    /// Give argument `i` (a `NOT_SET` literal, directly or as `If` branches) the type `t`.
    fn settle(&mut self, i: usize, t: &Type);
}

/// The evaluator, as a function's evaluation sees one call. Arguments are evaluated on
/// demand, so functions are lazy (`If` evaluates one branch).
pub(crate) trait Evaluator {
    /// Number of arguments.
    fn len(&self) -> usize;
    /// Evaluate argument `i` (`None` past the last one).
    fn eval(&self, i: usize) -> Option<Result<Value, ExprError>>;
    /// Where argument `i` is, if there is one.
    fn span(&self, i: usize) -> Option<Span>;
    /// Where the whole call is.
    fn call_span(&self) -> Span;
    /// The call's checked result type.
    fn result_type(&self) -> &Type;
    /// Variables, clock and directory.
    fn context(&self) -> &EvalContext<'_>;
}
