//! Dates and durations: `GetCurrentDateTimeUtc`, `DateTimeDiff`, `AddDays`, `AddHours`,
//! `AddMinutes`, `AddSeconds`, `MakeDuration`. DateTimes are UTC milliseconds within
//! years 1 to 9999; leaving that range is a runtime error.

use super::{Args, Function, NotSetRule, P, Ret, Typing, family};
use crate::expr::call::rt;
use crate::expr::error::ExprError;
use crate::expr::types::Type;
use crate::expr::value::{DateTime, Duration, Value};

use P::{Dt, Int};

family! {
    /// The evaluation clock (`EvalContext.now`).
    GET_CURRENT_DATE_TIME_UTC = Function {
        name: "GetCurrentDateTimeUtc",
        usage: "GetCurrentDateTimeUtc()",
        typing: Typing::Fixed(&[], Ret::Is(Type::DateTime)),
        not_set: NotSetRule::Never,
        contextual: true,
        evaluate: |a| Ok(Value::DateTime(a.cx().now)),
    };
    DATE_TIME_DIFF = Function {
        name: "DateTimeDiff",
        usage: "DateTimeDiff(DateTime, DateTime)",
        typing: Typing::Fixed(&[Dt, Dt], Ret::Is(Type::Duration)),
        not_set: NotSetRule::Never,
        contextual: false,
        evaluate: date_time_diff,
    };
    ADD_DAYS = Function {
        name: "AddDays",
        usage: "AddDays(DateTime, Integer)",
        typing: Typing::Fixed(&[Dt, Int], Ret::Is(Type::DateTime)),
        not_set: NotSetRule::Never,
        contextual: false,
        evaluate: |a| shift(a, 86_400_000),
    };
    ADD_HOURS = Function {
        name: "AddHours",
        usage: "AddHours(DateTime, Integer)",
        typing: Typing::Fixed(&[Dt, Int], Ret::Is(Type::DateTime)),
        not_set: NotSetRule::Never,
        contextual: false,
        evaluate: |a| shift(a, 3_600_000),
    };
    ADD_MINUTES = Function {
        name: "AddMinutes",
        usage: "AddMinutes(DateTime, Integer)",
        typing: Typing::Fixed(&[Dt, Int], Ret::Is(Type::DateTime)),
        not_set: NotSetRule::Never,
        contextual: false,
        evaluate: |a| shift(a, 60_000),
    };
    ADD_SECONDS = Function {
        name: "AddSeconds",
        usage: "AddSeconds(DateTime, Integer)",
        typing: Typing::Fixed(&[Dt, Int], Ret::Is(Type::DateTime)),
        not_set: NotSetRule::Never,
        contextual: false,
        evaluate: |a| shift(a, 1_000),
    };
    MAKE_DURATION = Function {
        name: "MakeDuration",
        usage: "MakeDuration(days, hours, minutes, seconds[, milliseconds])",
        typing: Typing::Repeat { each: Int, min: 4, max: Some(5), ret: Ret::Is(Type::Duration) },
        not_set: NotSetRule::Never,
        contextual: false,
        evaluate: make_duration,
    };
}

/// `a - b`.
fn date_time_diff(a: &Args<'_>) -> Result<Value, ExprError> {
    let (x, y) = (a.datetime(0)?, a.datetime(1)?);
    Ok(Value::Duration(Duration(x.0.checked_sub(y.0).ok_or_else(
        || rt(a.span(), "duration out of range", None),
    )?)))
}

/// The DateTime argument moved by the Integer argument times `unit_ms`.
fn shift(a: &Args<'_>, unit_ms: i64) -> Result<Value, ExprError> {
    let (dt, amount) = (a.datetime(0)?, a.int(1)?);
    amount
        .checked_mul(unit_ms)
        .and_then(|d| dt.0.checked_add(d))
        .and_then(DateTime::checked)
        .map(Value::DateTime)
        .ok_or_else(|| rt(a.span(), "the date is out of range (years 1 to 9999)", None))
}

/// Days, hours, minutes, seconds and optional milliseconds, in that order.
fn make_duration(a: &Args<'_>) -> Result<Value, ExprError> {
    let mut total: i64 = 0;
    for (i, unit) in [86_400_000i64, 3_600_000, 60_000, 1_000, 1]
        .iter()
        .enumerate()
    {
        if i < a.len() {
            total = a
                .int(i)?
                .checked_mul(*unit)
                .and_then(|x| total.checked_add(x))
                .ok_or_else(|| rt(a.span(), "duration out of range", None))?;
        }
    }
    Ok(Value::Duration(Duration(total)))
}
