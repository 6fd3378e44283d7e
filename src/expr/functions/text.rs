//! Text: `Append`, `Trim`, `Lower`, `Upper`, `Length`, `Substring`, `Left`, `Right`,
//! `Contains`, `StartsWith`, `EndsWith`, `Replace`, `Split`, `FindString`. Positions and
//! lengths count characters (Unicode scalar values), not bytes.

use super::{Args, Function, MAX_LIST, NotSetRule, P, Ret, Typing, family};
use crate::expr::call::rt;
use crate::expr::error::ExprError;
use crate::expr::types::Type;
use crate::expr::value::{Value, to_text};

use P::{Int, Str};

family! {
    APPEND = Function {
        name: "Append",
        usage: "Append(String, String, ...)",
        typing: Typing::Repeat { each: Str, min: 1, max: None, ret: Ret::Is(Type::String) },
        not_set: NotSetRule::Always,
        contextual: false,
        evaluate: append,
    };
    /// A bot's message: the simulator carries a communication as its text (the parts
    /// joined, NOT_SET adding nothing, as Append).
    MAKE_COMMUNICATION = Function {
        name: "MakeCommunication",
        usage: "MakeCommunication(any, ...)",
        typing: Typing::Repeat { each: P::Any, min: 1, max: None, ret: Ret::Is(Type::String) },
        not_set: NotSetRule::Always,
        contextual: false,
        evaluate: append,
    };
    /// `ToCommunication(NOT_SET)` is NOT_SET: no message is sent. The optional second
    /// argument (`Format.Date.shortYear`, `Format.String.playChars`) says how the value is
    /// read out; in text the value shows as its text (docs/fidelity.md).
    TO_COMMUNICATION = Function {
        name: "ToCommunication",
        usage: "ToCommunication(any[, Format.…])",
        typing: Typing::Repeat { each: P::Any, min: 1, max: Some(2), ret: Ret::Is(Type::String) },
        not_set: NotSetRule::First,
        contextual: false,
        evaluate: |a| match a.raw(0)? {
            Value::NotSet(_) => Ok(Value::NotSet(Type::String)),
            Value::String(s) => Ok(Value::String(s)),
            other => Ok(Value::String(to_text(&other))),
        },
    };
    TRIM = Function {
        name: "Trim",
        usage: "Trim(String)",
        typing: Typing::Fixed(&[Str], Ret::Is(Type::String)),
        not_set: NotSetRule::Never,
        contextual: false,
        evaluate: |a| Ok(Value::String(a.text(0)?.trim().to_string())),
    };
    LOWER = Function {
        name: "Lower",
        usage: "Lower(String)",
        typing: Typing::Fixed(&[Str], Ret::Is(Type::String)),
        not_set: NotSetRule::Never,
        contextual: false,
        evaluate: |a| Ok(Value::String(a.text(0)?.to_lowercase())),
    };
    UPPER = Function {
        name: "Upper",
        usage: "Upper(String)",
        typing: Typing::Fixed(&[Str], Ret::Is(Type::String)),
        not_set: NotSetRule::Never,
        contextual: false,
        evaluate: |a| Ok(Value::String(a.text(0)?.to_uppercase())),
    };
    LENGTH = Function {
        name: "Length",
        usage: "Length(String)",
        typing: Typing::Fixed(&[Str], Ret::Is(Type::Integer)),
        not_set: NotSetRule::Never,
        contextual: false,
        evaluate: |a| Ok(Value::Integer(a.text(0)?.chars().count() as i64)),
    };
    SUBSTRING = Function {
        name: "Substring",
        usage: "Substring(String, start, length)",
        typing: Typing::Fixed(&[Str, Int, Int], Ret::Is(Type::String)),
        not_set: NotSetRule::Never,
        contextual: false,
        evaluate: substring,
    };
    LEFT = Function {
        name: "Left",
        usage: "Left(String, count)",
        typing: Typing::Fixed(&[Str, Int], Ret::Is(Type::String)),
        not_set: NotSetRule::Never,
        contextual: false,
        evaluate: |a| end(a, false),
    };
    RIGHT = Function {
        name: "Right",
        usage: "Right(String, count)",
        typing: Typing::Fixed(&[Str, Int], Ret::Is(Type::String)),
        not_set: NotSetRule::Never,
        contextual: false,
        evaluate: |a| end(a, true),
    };
    CONTAINS = Function {
        name: "Contains",
        usage: "Contains(String, String)",
        typing: Typing::Fixed(&[Str, Str], Ret::Is(Type::Boolean)),
        not_set: NotSetRule::Never,
        contextual: false,
        evaluate: |a| Ok(Value::Boolean(a.text(0)?.contains(&a.text(1)?))),
    };
    STARTS_WITH = Function {
        name: "StartsWith",
        usage: "StartsWith(String, String)",
        typing: Typing::Fixed(&[Str, Str], Ret::Is(Type::Boolean)),
        not_set: NotSetRule::Never,
        contextual: false,
        evaluate: |a| Ok(Value::Boolean(a.text(0)?.starts_with(&a.text(1)?))),
    };
    ENDS_WITH = Function {
        name: "EndsWith",
        usage: "EndsWith(String, String)",
        typing: Typing::Fixed(&[Str, Str], Ret::Is(Type::Boolean)),
        not_set: NotSetRule::Never,
        contextual: false,
        evaluate: |a| Ok(Value::Boolean(a.text(0)?.ends_with(&a.text(1)?))),
    };
    REPLACE = Function {
        name: "Replace",
        usage: "Replace(String, search, replacement)",
        typing: Typing::Fixed(&[Str, Str, Str], Ret::Is(Type::String)),
        not_set: NotSetRule::Never,
        contextual: false,
        evaluate: replace,
    };
    SPLIT = Function {
        name: "Split",
        usage: "Split(String, delimiter)",
        typing: Typing::Fixed(&[Str, Str], Ret::ListOf(Type::String)),
        not_set: NotSetRule::Never,
        contextual: false,
        evaluate: split,
    };
    FIND_STRING = Function {
        name: "FindString",
        usage: "FindString(String, search)",
        typing: Typing::Fixed(&[Str, Str], Ret::Is(Type::Integer)),
        not_set: NotSetRule::Never,
        contextual: false,
        evaluate: find_string,
    };
}

/// Concatenation; a NOT_SET argument adds nothing.
fn append(a: &Args<'_>) -> Result<Value, ExprError> {
    let mut out = String::new();
    for i in 0..a.len() {
        match a.raw(i)? {
            Value::NotSet(_) => {}
            Value::String(x) => out.push_str(&x),
            other => out.push_str(&to_text(&other)),
        }
    }
    Ok(Value::String(out))
}

/// `len` characters of `s` from character `start`.
fn chars_at(s: &str, start: usize, len: usize) -> Option<&str> {
    let mut idx = s
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(s.len()));
    let from = idx.nth(start)?;
    let to = if len == 0 { from } else { idx.nth(len - 1)? };
    s.get(from..to)
}

fn substring(a: &Args<'_>) -> Result<Value, ExprError> {
    let text = a.text(0)?;
    let (start, len) = (a.int(1)?, a.int(2)?);
    let count = text.chars().count();
    let sub = usize::try_from(start)
        .ok()
        .zip(usize::try_from(len).ok())
        .filter(|(a, b)| a.checked_add(*b).is_some_and(|e| e <= count))
        .and_then(|(a, b)| chars_at(&text, a, b));
    match sub {
        Some(x) => Ok(Value::String(x.to_string())),
        None => Err(rt(
            a.span(),
            format!("Substring start {start}, length {len} is out of range for a string of {count} characters"),
            Some("start is 0-based and start + length must not exceed Length(...); guard with If(...)".into()),
        )),
    }
}

/// `Left` (from the start) and `Right` (from the end).
fn end(a: &Args<'_>, right: bool) -> Result<Value, ExprError> {
    let text = a.text(0)?;
    let k = a.int(1)?;
    let count = text.chars().count();
    let Some(k) = usize::try_from(k).ok().filter(|&k| k <= count) else {
        return Err(rt(
            a.span_of(1),
            format!(
                "`{}` count {k} is out of range for a string of {count} characters",
                a.f.name
            ),
            Some("the count must be between 0 and the string's length".into()),
        ));
    };
    let from = if right { count - k } else { 0 };
    Ok(Value::String(
        chars_at(&text, from, k).unwrap_or_default().to_string(),
    ))
}

/// Every occurrence.
fn replace(a: &Args<'_>) -> Result<Value, ExprError> {
    let (text, from, to) = (a.text(0)?, a.text(1)?, a.text(2)?);
    if from.is_empty() {
        return Err(rt(
            a.span_of(1),
            "`Replace` cannot search for an empty string",
            None,
        ));
    }
    Ok(Value::String(text.replace(&from, &to)))
}

/// Empty parts are kept.
fn split(a: &Args<'_>) -> Result<Value, ExprError> {
    let (text, delim) = (a.text(0)?, a.text(1)?);
    if delim.is_empty() {
        return Err(rt(
            a.span_of(1),
            "`Split` needs a non-empty delimiter",
            None,
        ));
    }
    let items: Vec<Value> = text
        .split(&delim)
        .map(|p| Value::String(p.to_string()))
        .collect();
    if items.len() > MAX_LIST {
        return Err(rt(
            a.span(),
            format!(
                "`Split` would make {} items; collections hold at most {MAX_LIST}",
                items.len()
            ),
            None,
        ));
    }
    Ok(Value::List(Type::String, items))
}

/// 0-based character position, -1 when absent.
fn find_string(a: &Args<'_>) -> Result<Value, ExprError> {
    let (text, needle) = (a.text(0)?, a.text(1)?);
    Ok(Value::Integer(
        text.find(&needle)
            .map_or(-1, |b| text[..b].chars().count() as i64),
    ))
}
