//! Conditions and NOT_SET tests: `If`, `IsSet`, `IsNotSetOrEmpty`, `AreEqual`; a bot's
//! `ResolveSlot`.

use super::{Args, Function, NotSetRule, P, Ret, Ty, Typing, family};
use crate::expr::call::{CTy, NOT_SET_HELP, comparable, rt, unify};
use crate::expr::error::ExprError;
use crate::expr::types::Type;
use crate::expr::value::{Value, equal};

family! {
    /// `If(Boolean, a, b)`: lazy, so the branch not taken is not evaluated.
    IF = Function {
        name: "If",
        usage: "If(Boolean, value, value)",
        typing: Typing::Rule(type_if),
        not_set: NotSetRule::AfterFirst,
        contextual: false,
        evaluate: eval_if,
    };
    IS_SET = Function {
        name: "IsSet",
        usage: "IsSet(any)",
        typing: Typing::Fixed(&[P::Any], Ret::Is(Type::Boolean)),
        not_set: NotSetRule::Always,
        contextual: false,
        evaluate: |a| Ok(Value::Boolean(!a.arg(0)?.is_not_set())),
    };
    IS_NOT_SET_OR_EMPTY = Function {
        name: "IsNotSetOrEmpty",
        usage: "IsNotSetOrEmpty(any)",
        typing: Typing::Fixed(&[P::Any], Ret::Is(Type::Boolean)),
        not_set: NotSetRule::Always,
        contextual: false,
        evaluate: is_not_set_or_empty,
    };
    ARE_EQUAL = Function {
        name: "AreEqual",
        usage: "AreEqual(value, value)",
        typing: Typing::Rule(type_are_equal),
        not_set: NotSetRule::Always,
        contextual: false,
        evaluate: |a| Ok(Value::Boolean(equal(&a.arg(0)?, &a.arg(1)?))),
    };
    /// `ResolveSlot(Slot.X)` in a bot flow: the slot's value, of the slot's type
    /// (SchedulingBot.yaml reads a date slot through it; NOT_SET while unfilled).
    RESOLVE_SLOT = Function {
        name: "ResolveSlot",
        usage: "ResolveSlot(slot)",
        typing: Typing::Rule(type_resolve_slot),
        not_set: NotSetRule::Always,
        contextual: false,
        evaluate: |a| a.arg(0),
    };
}

/// The slot's own type.
fn type_resolve_slot(ty: &mut Ty<'_>) -> CTy {
    if !ty.arity(1, Some(1)) {
        return CTy::Unknown;
    }
    ty.ty(0)
}

/// The branches unify (Integer/Decimal to Decimal; NOT_SET takes the other's type).
fn type_if(ty: &mut Ty<'_>) -> CTy {
    if !ty.arity(3, Some(3)) {
        return CTy::Unknown;
    }
    ty.param(0, P::Bool);
    let (a, b) = (ty.ty(1), ty.ty(2));
    match unify(&a, &b) {
        Some(CTy::NotSet) => CTy::NotSet,
        Some(u) => {
            if let CTy::T(t) = &u {
                ty.t.coerce(1, t);
                ty.t.coerce(2, t);
            }
            u
        }
        None => {
            let span = ty.call_span();
            ty.error(
                span,
                format!(
                    "the branches of `If` have different types: {} and {}",
                    a.describe(),
                    b.describe()
                ),
                Some("both branches must have the same type; convert one with ToString(...), ToInt(...) or ToDecimal(...)".into()),
            );
            CTy::Unknown
        }
    }
}

fn eval_if(a: &Args<'_>) -> Result<Value, ExprError> {
    let cond = match a.ev.eval(0) {
        Some(c) => c?,
        None => return Err(rt(a.span(), "`If` is missing its condition", None)),
    };
    match cond {
        Value::Boolean(true) => a.arg(1),
        Value::Boolean(false) => a.arg(2),
        Value::NotSet(_) => Err(rt(
            a.span_of(0),
            "the condition of `If` is NOT_SET",
            Some(NOT_SET_HELP.into()),
        )),
        other => Err(rt(
            a.span_of(0),
            format!("condition is {}", other.ty()),
            None,
        )),
    }
}

fn is_not_set_or_empty(a: &Args<'_>) -> Result<Value, ExprError> {
    Ok(Value::Boolean(match a.arg(0)? {
        Value::NotSet(_) => true,
        Value::String(s) => s.is_empty(),
        Value::Json(serde_json::Value::String(s)) => s.is_empty(),
        Value::Json(serde_json::Value::Null) => true,
        Value::List(_, items) => items.is_empty(),
        _ => false,
    }))
}

/// Like `==`: the two sides must be comparable; a NOT_SET literal takes the other's type.
fn type_are_equal(ty: &mut Ty<'_>) -> CTy {
    let n = ty.len();
    if ty.arity(2, Some(2)) && !comparable(&ty.ty(0), &ty.ty(1)) {
        let span = ty.call_span();
        let msg = format!(
            "`AreEqual` cannot compare {} with {}",
            ty.ty(0).describe(),
            ty.ty(1).describe()
        );
        ty.error(span, msg, Some("both sides must have the same type".into()));
    } else if n == 2 {
        match (ty.ty(0), ty.ty(1)) {
            (CTy::NotSet, CTy::T(t)) => ty.t.settle(0, &t),
            (CTy::T(t), CTy::NotSet) => ty.t.settle(1, &t),
            (CTy::NotSet, CTy::NotSet) => {
                ty.t.settle(0, &Type::String);
                ty.t.settle(1, &Type::String);
            }
            _ => {}
        }
    }
    CTy::T(Type::Boolean)
}
