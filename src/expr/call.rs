//! What a function of the catalogue ([`super::functions`]) needs from the checker and the
//! evaluator, as two small traits, and the type vocabulary both sides share. The catalogue
//! depends on this module only; the checker and the evaluator implement the traits and
//! call the catalogue, so the dependencies run one way (check → functions → call,
//! eval → functions → call).

use super::ast::Expr;
use super::{ErrorKind, EvalContext, ExprError, Span, Type, Value};

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

/// The checker, as a function's typing rule sees it.
pub(crate) trait Typer {
    /// Report a type error.
    fn error(&mut self, span: Span, message: String, help: Option<String>);
    /// Give an untyped `NOT_SET` its type, or wrap an Integer where a Decimal is required.
    fn coerce(&mut self, e: &mut Expr, from: &CTy, to: &Type);
    /// Give a `NOT_SET` literal (directly or as an `If` branch) the type `t`.
    fn settle(&mut self, e: &mut Expr, t: &Type);
}

/// The evaluator, as a function's evaluation sees it.
pub(crate) trait Evaluator {
    /// Evaluate an argument (functions are lazy: `If` evaluates one branch).
    fn eval(&self, e: &Expr) -> Result<Value, ExprError>;
    /// Variables, clock and directory.
    fn context(&self) -> &EvalContext<'_>;
}
