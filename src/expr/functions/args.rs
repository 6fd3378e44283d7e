//! Arguments as a function's evaluation reads them ([`Args`], over the evaluator's narrow
//! [`Evaluator`] trait), and the value helpers several families share.

use super::{Function, MAX_LIST, signature::ordinal};
use crate::expr::call::{Evaluator, NOT_SET_HELP, rt};
use crate::expr::error::{ExprError, Span};
use crate::expr::scope::EvalContext;
use crate::expr::types::Type;
use crate::expr::value::{DateTime, Entity, Value, to_text};

/// One call being evaluated: its arguments, read on demand.
pub(crate) struct Args<'e> {
    pub(super) f: &'static Function,
    pub(super) ev: &'e dyn Evaluator,
}

impl Args<'_> {
    pub(super) fn len(&self) -> usize {
        self.ev.len()
    }

    /// The whole call.
    pub(super) fn span(&self) -> Span {
        self.ev.call_span()
    }

    /// Argument `i`, or the whole call when there is none.
    pub(super) fn span_of(&self, i: usize) -> Span {
        self.ev.span(i).unwrap_or_else(|| self.span())
    }

    /// The call's checked result type.
    pub(super) fn ty(&self) -> &Type {
        self.ev.result_type()
    }

    pub(super) fn cx(&self) -> &EvalContext<'_> {
        self.ev.context()
    }

    /// Argument `i`, NOT_SET included.
    pub(super) fn raw(&self, i: usize) -> Result<Value, ExprError> {
        self.ev.eval(i).unwrap_or_else(|| {
            Err(rt(
                self.span(),
                format!("`{}` is missing an argument", self.f.name),
                None,
            ))
        })
    }

    /// Argument `i`; NOT_SET is a runtime error unless the function allows it there.
    pub(super) fn arg(&self, i: usize) -> Result<Value, ExprError> {
        let v = self.raw(i)?;
        if v.is_not_set() && !self.f.allows_not_set(i) {
            return Err(rt(
                self.span_of(i),
                format!("{} of `{}` is NOT_SET", ordinal(i), self.f.name),
                Some(NOT_SET_HELP.into()),
            ));
        }
        Ok(v)
    }

    /// Argument `i` as text.
    pub(super) fn text(&self, i: usize) -> Result<String, ExprError> {
        Ok(match self.arg(i)? {
            Value::String(s) => s,
            other => to_text(&other),
        })
    }

    /// Argument `i`, an Integer.
    pub(super) fn int(&self, i: usize) -> Result<i64, ExprError> {
        Ok(match self.arg(i)? {
            Value::Integer(i) => i,
            _ => 0,
        })
    }

    /// Argument `i`, a DateTime.
    pub(super) fn datetime(&self, i: usize) -> Result<DateTime, ExprError> {
        match self.arg(i)? {
            Value::DateTime(d) => Ok(d),
            other => Err(rt(
                self.span(),
                format!("expected a DateTime, found {}", other.ty()),
                None,
            )),
        }
    }
}

/// A number as f64 (the checker guarantees a number).
pub(super) fn num(v: &Value) -> f64 {
    match v {
        Value::Integer(i) => *i as f64,
        Value::Decimal(d) => *d,
        _ => 0.0,
    }
}

/// A whole f64 as an i64, if it fits.
pub(super) fn whole(f: f64) -> Option<i64> {
    (-9.223_372_036_854_776e18..9.223_372_036_854_776e18)
        .contains(&f)
        .then_some(f as i64)
}

/// A collection's item type and items.
pub(super) fn list_of(v: Value) -> (Type, Vec<Value>) {
    match v {
        Value::List(t, items) => (t, items),
        other => (other.ty(), Vec::new()),
    }
}

/// An organisation object (or a phone number) with an id and a name.
pub(super) fn entity(t: Type, id: &str, name: &str) -> Value {
    Value::Entity(
        t,
        Entity {
            id: Some(id.to_string()),
            name: name.to_string(),
        },
    )
}

/// The "collections hold at most 2,000 items" runtime error.
pub(super) fn too_many(span: Span) -> ExprError {
    rt(
        span,
        format!("collections hold at most {MAX_LIST} items"),
        None,
    )
}
