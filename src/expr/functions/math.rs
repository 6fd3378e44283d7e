//! Numbers: `Round`, `Abs`, `Min`, `Max`. Integer results that do not fit 64 bits are
//! runtime errors, never wrapped.

use super::{Args, Function, NotSetRule, P, Ret, Ty, Typing, family, num, whole};
use crate::expr::call::{CTy, rt};
use crate::expr::error::ExprError;
use crate::expr::types::Type;
use crate::expr::value::Value;

family! {
    /// Nearest Integer, halves away from zero.
    ROUND = Function {
        name: "Round",
        usage: "Round(number)",
        typing: Typing::Fixed(&[P::Num], Ret::Is(Type::Integer)),
        not_set: NotSetRule::Never,
        contextual: false,
        evaluate: round,
    };
    /// Same type as its argument.
    ABS = Function {
        name: "Abs",
        usage: "Abs(number)",
        typing: Typing::Rule(type_abs),
        not_set: NotSetRule::Never,
        contextual: false,
        evaluate: abs,
    };
    MIN = Function {
        name: "Min",
        usage: "Min(number, number, ...)",
        typing: Typing::Rule(type_extreme),
        not_set: NotSetRule::Never,
        contextual: false,
        evaluate: |a| extreme(a, |v, best| v < best),
    };
    MAX = Function {
        name: "Max",
        usage: "Max(number, number, ...)",
        typing: Typing::Rule(type_extreme),
        not_set: NotSetRule::Never,
        contextual: false,
        evaluate: |a| extreme(a, |v, best| v > best),
    };
}

fn round(a: &Args<'_>) -> Result<Value, ExprError> {
    match a.arg(0)? {
        Value::Integer(i) => Ok(Value::Integer(i)),
        v => whole(num(&v).round())
            .map(Value::Integer)
            .ok_or_else(|| rt(a.span(), "the rounded value does not fit an Integer", None)),
    }
}

fn type_abs(ty: &mut Ty<'_>) -> CTy {
    let t = (ty.len() > 0).then(|| ty.ty(0)).filter(|t| t.is_numeric());
    ty.fixed(&[P::Num], Type::Decimal);
    t.unwrap_or(CTy::Unknown)
}

fn abs(a: &Args<'_>) -> Result<Value, ExprError> {
    Ok(match a.arg(0)? {
        Value::Integer(i) => Value::Integer(
            i.checked_abs()
                .ok_or_else(|| rt(a.span(), "integer overflow in `Abs`", None))?,
        ),
        v => Value::Decimal(num(&v).abs()),
    })
}

/// Two or more numbers; Decimal if any is.
fn type_extreme(ty: &mut Ty<'_>) -> CTy {
    if !ty.arity(2, None) {
        return CTy::Unknown;
    }
    for i in 0..ty.len() {
        ty.param(i, P::Num);
    }
    if (0..ty.len()).all(|i| ty.ty(i).is_numeric()) {
        ty.items(0)
    } else {
        CTy::Unknown
    }
}

/// The first argument `better` than every earlier one.
fn extreme(a: &Args<'_>, better: fn(f64, f64) -> bool) -> Result<Value, ExprError> {
    let mut best = a.arg(0)?;
    for i in 1..a.len() {
        let v = a.arg(i)?;
        if better(num(&v), num(&best)) {
            best = v;
        }
    }
    Ok(best)
}
