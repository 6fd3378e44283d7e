//! Conversions: `ToString`, `ToDisplayString`, `ToInt`, `ToDecimal`, `ToBool`,
//! `ToDateTime`, `ToDuration`, `ToPhoneNumber`, `ToScheduleGroup`. `To<Type>(NOT_SET)` is
//! NOT_SET of that type; text that does not convert is a runtime error with a hint.

use super::{Args, Function, NotSetRule, P, Ret, Ty, Typing, entity, family, list_of, whole};
use crate::expr::call::{CTy, NOT_SET_HELP, rt};
use crate::expr::error::ExprError;
use crate::expr::types::Type;
use crate::expr::value::{DateTime, Duration, Value, format_decimal, to_text};

family! {
    /// Also the implicit cast of a scalar into a String variable.
    TO_STRING = Function {
        name: "ToString",
        usage: "ToString(any) or ToString(collection, delimiter)",
        typing: Typing::Rule(type_to_string),
        not_set: NotSetRule::First,
        contextual: false,
        evaluate: to_string,
    };
    TO_DISPLAY_STRING = Function {
        name: "ToDisplayString",
        usage: "ToDisplayString(any)",
        typing: Typing::Fixed(&[P::Any], Ret::Is(Type::String)),
        not_set: NotSetRule::Always,
        contextual: false,
        evaluate: |a| Ok(Value::String(to_text(&a.arg(0)?))),
    };
    TO_INT = Function {
        name: "ToInt",
        usage: "ToInt(String or number)",
        typing: Typing::Fixed(&[P::StrOrNum], Ret::Is(Type::Integer)),
        not_set: NotSetRule::First,
        contextual: false,
        evaluate: |a| conversion(a, to_int),
    };
    /// Also the implicit promotion of an Integer to a Decimal.
    TO_DECIMAL = Function {
        name: "ToDecimal",
        usage: "ToDecimal(String or number)",
        typing: Typing::Fixed(&[P::StrOrNum], Ret::Is(Type::Decimal)),
        not_set: NotSetRule::First,
        contextual: false,
        evaluate: |a| conversion(a, to_decimal),
    };
    TO_BOOL = Function {
        name: "ToBool",
        usage: "ToBool(String or Boolean)",
        typing: Typing::Fixed(&[P::StrOrBool], Ret::Is(Type::Boolean)),
        not_set: NotSetRule::First,
        contextual: false,
        evaluate: |a| conversion(a, to_bool),
    };
    TO_DATE_TIME = Function {
        name: "ToDateTime",
        usage: "ToDateTime(String or DateTime)",
        typing: Typing::Fixed(&[P::StrOrDt], Ret::Is(Type::DateTime)),
        not_set: NotSetRule::First,
        contextual: false,
        evaluate: |a| conversion(a, to_date_time),
    };
    TO_DURATION = Function {
        name: "ToDuration",
        usage: "ToDuration(String or Duration)",
        typing: Typing::Fixed(&[P::StrOrDur], Ret::Is(Type::Duration)),
        not_set: NotSetRule::First,
        contextual: false,
        evaluate: |a| conversion(a, to_duration),
    };
    TO_PHONE_NUMBER = Function {
        name: "ToPhoneNumber",
        usage: "ToPhoneNumber(String)",
        typing: Typing::Fixed(&[P::Str], Ret::Is(Type::PhoneNumber)),
        not_set: NotSetRule::First,
        contextual: false,
        evaluate: |a| conversion(a, to_phone_number),
    };
    /// Identity on ScheduleGroup values: there is no schedule directory to look in.
    TO_SCHEDULE_GROUP = Function {
        name: "ToScheduleGroup",
        usage: "ToScheduleGroup(ScheduleGroup)",
        typing: Typing::Fixed(&[P::Sched], Ret::Is(Type::ScheduleGroup)),
        not_set: NotSetRule::First,
        contextual: true,
        evaluate: |a| a.arg(0),
    };
}

/// `ToString(x)`, or `ToString(collection, delimiter)`.
fn type_to_string(ty: &mut Ty<'_>) -> CTy {
    if ty.len() == 2 {
        ty.fixed(&[P::List, P::Str], Type::String)
    } else {
        ty.fixed(&[P::Any], Type::String)
    }
}

fn to_string(a: &Args<'_>) -> Result<Value, ExprError> {
    if a.len() != 2 {
        return Ok(match a.arg(0)? {
            Value::NotSet(_) => Value::NotSet(Type::String),
            v => Value::String(to_text(&v)),
        });
    }
    let (_, items) = list_of(a.arg(0)?);
    let delim = a.text(1)?;
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        if item.is_not_set() {
            return Err(rt(
                a.span_of(0),
                format!("item {i} of the collection is NOT_SET"),
                Some(NOT_SET_HELP.into()),
            ));
        }
        if i > 0 {
            out.push_str(&delim);
        }
        out.push_str(&to_text(item));
    }
    Ok(Value::String(out))
}

/// Why a set value does not convert: a message and a hint.
type Refusal = (String, Option<String>);

/// A `To<Type>` conversion: NOT_SET stays NOT_SET (of the result type), a value of the
/// result type is itself, anything else goes through `parse` (given the value and the
/// start of the refusal message).
fn conversion(
    a: &Args<'_>,
    parse: fn(&Value, &Cannot) -> Result<Value, Refusal>,
) -> Result<Value, ExprError> {
    let v = a.arg(0)?;
    if v.is_not_set() {
        return Ok(Value::NotSet(a.ty().clone()));
    }
    if v.ty() == *a.ty() {
        return Ok(v);
    }
    let cannot = Cannot {
        name: a.f.name,
        text: to_text(&v),
    };
    parse(&v, &cannot).map_err(|(msg, help)| rt(a.span_of(0), msg, help))
}

/// The start of a refusal: "`ToInt` cannot convert "abc"…".
struct Cannot {
    name: &'static str,
    text: String,
}

impl Cannot {
    fn to(&self, what: &str) -> String {
        format!(
            "`{}` cannot convert \"{}\"{what}",
            self.name,
            self.text.escape_debug()
        )
    }
}

fn hint(h: &str) -> Option<String> {
    Some(h.to_string())
}

/// Text: optional sign and digits only. A Decimal truncates toward zero.
fn to_int(v: &Value, cannot: &Cannot) -> Result<Value, Refusal> {
    if let Value::Decimal(d) = v {
        return whole(d.trunc()).map(Value::Integer).ok_or_else(|| {
            (
                format!("{} does not fit an Integer", format_decimal(*d)),
                None,
            )
        });
    }
    cannot.text.parse().map(Value::Integer).map_err(|_| {
        (
            cannot.to(" to an Integer"),
            hint("only whole numbers such as \"42\" or \"-7\" convert; guard with If(...)"),
        )
    })
}

fn to_decimal(v: &Value, cannot: &Cannot) -> Result<Value, Refusal> {
    if let Value::Integer(i) = v {
        return Ok(Value::Decimal(*i as f64));
    }
    parse_decimal(&cannot.text)
        .map(Value::Decimal)
        .ok_or_else(|| {
            (
                cannot.to(" to a Decimal"),
                hint("numbers such as \"4.5\" or \"-2\" convert"),
            )
        })
}

/// `"true"` and `"false"`, in any case.
fn to_bool(_: &Value, cannot: &Cannot) -> Result<Value, Refusal> {
    let text = &cannot.text;
    if text.eq_ignore_ascii_case("true") {
        Ok(Value::Boolean(true))
    } else if text.eq_ignore_ascii_case("false") {
        Ok(Value::Boolean(false))
    } else {
        Err((
            cannot.to(" to a Boolean"),
            hint("only \"true\" and \"false\" (any case) convert"),
        ))
    }
}

fn to_date_time(_: &Value, cannot: &Cannot) -> Result<Value, Refusal> {
    DateTime::parse(&cannot.text)
        .map(Value::DateTime)
        .map_err(|e| {
            (
                cannot.to(&format!(": {e}")),
                hint("use ISO 8601, e.g. \"2024-05-01T09:30:00.000Z\""),
            )
        })
}

fn to_duration(_: &Value, cannot: &Cannot) -> Result<Value, Refusal> {
    Duration::parse(&cannot.text)
        .map(Value::Duration)
        .map_err(|e| {
            (
                cannot.to(&format!(": {e}")),
                hint("use ISO 8601, e.g. \"P0DT1H30M0S\""),
            )
        })
}

fn to_phone_number(_: &Value, cannot: &Cannot) -> Result<Value, Refusal> {
    phone_number(&cannot.text)
        .map(|e164| entity(Type::PhoneNumber, &e164, &e164))
        .map_err(|e| (e, None))
}

/// Strict decimal syntax: optional sign, digits, optional fraction (no exponent, no
/// `inf`/`nan`, no surrounding spaces).
fn parse_decimal(s: &str) -> Option<f64> {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (int, frac) = body.split_once('.').unwrap_or((body, "0"));
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if !(digits(int) && digits(frac)) {
        return None;
    }
    s.parse().ok().filter(|d: &f64| d.is_finite())
}

/// A phone number from `tel:+15551234567`, `+1 (555) 123-4567`, …: E.164 or an error.
fn phone_number(s: &str) -> Result<String, String> {
    let body = s.strip_prefix("tel:").unwrap_or(s);
    let mut out = String::from("+");
    let rest = body.trim().strip_prefix('+').ok_or_else(|| {
        format!(
            "`{s}` is not an international phone number (it needs a leading `+` and country code)"
        )
    })?;
    for c in rest.chars() {
        match c {
            '0'..='9' => out.push(c),
            ' ' | '-' | '(' | ')' | '.' => {}
            _ => return Err(format!("`{s}` is not a phone number")),
        }
    }
    if !(8..=16).contains(&out.len()) {
        return Err(format!(
            "`{s}` is not a phone number (E.164 has 7 to 15 digits)"
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_decimal_syntax() {
        assert_eq!(parse_decimal("-4.5"), Some(-4.5));
        for bad in ["", "1e5", "inf", "NaN", " 1", "1.", ".5", "1.2.3"] {
            assert_eq!(parse_decimal(bad), None, "{bad}");
        }
    }

    #[test]
    fn phone_numbers() {
        assert_eq!(
            phone_number("tel:+1 (317) 555-0100").as_deref(),
            Ok("+13175550100")
        );
        assert!(phone_number("3175550100").is_err());
        assert!(phone_number("+1abc").is_err());
    }
}
