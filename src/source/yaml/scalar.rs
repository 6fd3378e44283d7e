//! Scalars under the YAML 1.2 core schema: explicit tags, plain-scalar resolution (null,
//! booleans, integers, floats) and the map from a decoded string back to source offsets.

use std::borrow::Cow;

use granit_parser::{ScalarStyle, Tag};

use super::{ErrorKind, NodeValue, YamlError};

const CORE: &str = "tag:yaml.org,2002:";

/// The core-schema tag name of an explicit tag (`!!str` → `str`); `Err` for any other tag.
pub(super) fn core_tag(
    tag: Option<&Cow<'_, Tag>>,
    span: (usize, usize),
) -> Result<Option<String>, YamlError> {
    let Some(tag) = tag else { return Ok(None) };
    if tag.handle() == "!" && tag.suffix().is_empty() {
        return Ok(Some("str".into()));
    }
    if tag.handle() == CORE
        && matches!(
            tag.suffix(),
            "str" | "int" | "float" | "bool" | "null" | "seq" | "map"
        )
    {
        return Ok(Some(tag.suffix().to_string()));
    }
    let shown = if tag.handle() == CORE {
        format!("!!{}", tag.suffix())
    } else {
        tag.to_string()
    };
    Err(YamlError::new(
        ErrorKind::Tag,
        span,
        format!("unknown tag `{shown}`"),
    ))
}

fn resolve_plain(v: Cow<'_, str>) -> NodeValue {
    // Most plain scalars in rules and flows are words: only these first characters can
    // start a null, boolean, number or special float.
    if !v
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_digit() || b"+-.~nNtTfF".contains(&b))
        && !v.is_empty()
    {
        return NodeValue::Str(v.into_owned());
    }
    match &*v {
        "" | "~" | "null" | "Null" | "NULL" => return NodeValue::Null,
        "true" | "True" | "TRUE" => return NodeValue::Bool(true),
        "false" | "False" | "FALSE" => return NodeValue::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return NodeValue::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return NodeValue::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return NodeValue::Float(f64::NAN),
        _ => {}
    }
    if let Some(i) = parse_int(&v) {
        return i;
    }
    if is_float(&v)
        && let Ok(f) = v.parse::<f64>()
    {
        return NodeValue::Float(f);
    }
    NodeValue::Str(v.into_owned())
}

/// A core-schema integer: decimal, `0o` octal or `0x` hex. One that does not fit in 64
/// bits is a decimal number (the nearest float), never silently wrapped.
fn parse_int(v: &str) -> Option<NodeValue> {
    let (neg, digits) = match v.as_bytes().first()? {
        b'-' => (true, &v[1..]),
        b'+' => (false, &v[1..]),
        _ => (false, v),
    };
    let (radix, body) = if let Some(h) = digits.strip_prefix("0x").filter(|_| v == digits) {
        (16, h)
    } else if let Some(o) = digits.strip_prefix("0o").filter(|_| v == digits) {
        (8, o)
    } else {
        (10, digits)
    };
    if body.is_empty() || !body.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let signed = if neg {
        format!("-{body}")
    } else {
        body.to_string()
    };
    Some(match i64::from_str_radix(&signed, radix) {
        Ok(i) => NodeValue::Int(i),
        Err(_) => NodeValue::Float(v.parse().unwrap_or(f64::INFINITY)),
    })
}

/// `[-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?`
fn is_float(v: &str) -> bool {
    let b = v.trim_start_matches(['-', '+']);
    if v.len() - b.len() > 1 {
        return false;
    }
    let (mant, exp) = match b.find(['e', 'E']) {
        Some(i) => (&b[..i], Some(&b[i + 1..])),
        None => (b, None),
    };
    let (int, frac) = match mant.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mant, None),
    };
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    let mant_ok = match frac {
        Some(f) => digits(int) && digits(f) && !(int.is_empty() && f.is_empty()),
        None => !int.is_empty() && digits(int),
    };
    let exp_ok = exp.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mant_ok && exp_ok
}

pub(super) fn resolve_scalar(
    v: Cow<'_, str>,
    style: ScalarStyle,
    tag: Option<&str>,
    span: (usize, usize),
) -> Result<NodeValue, YamlError> {
    let plain = matches!(style, ScalarStyle::Plain);
    let bad = |what: &str| {
        YamlError::new(
            ErrorKind::Tag,
            span,
            format!("`{v}` is not {what} (tag `!!{}`)", tag.unwrap_or("")),
        )
    };
    Ok(match tag {
        None if plain => resolve_plain(v),
        None | Some("str") => NodeValue::Str(v.into_owned()),
        Some("null") => match resolve_plain(Cow::Borrowed(&v)) {
            NodeValue::Null => NodeValue::Null,
            _ => return Err(bad("null")),
        },
        Some("bool") => match resolve_plain(Cow::Borrowed(&v)) {
            b @ NodeValue::Bool(_) => b,
            _ => return Err(bad("a boolean")),
        },
        Some("int") => match parse_int(&v) {
            Some(i @ NodeValue::Int(_)) => i,
            _ => return Err(bad("an integer")),
        },
        Some("float") => match resolve_plain(Cow::Borrowed(&v)) {
            NodeValue::Int(i) => NodeValue::Float(i as f64),
            f @ NodeValue::Float(_) => f,
            _ => return Err(bad("a number")),
        },
        Some(other) => {
            return Err(YamlError::new(
                ErrorKind::Tag,
                span,
                format!("a scalar cannot have the tag `!!{other}`"),
            ));
        }
    })
}

/// For a string scalar at `off` in `text` whose decoded value is `value`, the offset in
/// `text` of each decoded byte (plus one past the end). Double-quoted escapes are walked
/// so an expression error inside `exp: "Append(\"a\", X)"` lands on the right column;
/// where the decoding is not understood every byte maps to the scalar's start.
pub fn scalar_offsets(text: &str, off: usize, value: &str) -> Vec<usize> {
    let fallback = || vec![off; value.len() + 1];
    let Some(rest) = text.get(off..) else {
        return fallback();
    };
    let mut map = Vec::with_capacity(value.len() + 1);
    let mut decoded = String::with_capacity(value.len());
    let push = |decoded: &mut String, map: &mut Vec<usize>, c: char, at: usize| {
        for _ in 0..c.len_utf8() {
            map.push(at);
        }
        decoded.push(c);
    };
    if let Some(body) = rest.strip_prefix('"') {
        let mut it = body.char_indices().peekable();
        while let Some((i, c)) = it.next() {
            let at = off + 1 + i;
            match c {
                '"' => break,
                '\\' => {
                    let Some((_, e)) = it.next() else { break };
                    let d = match e {
                        'n' => '\n',
                        't' => '\t',
                        'r' => '\r',
                        '0' => '\0',
                        '"' => '"',
                        '\\' => '\\',
                        '/' => '/',
                        ' ' => ' ',
                        _ => return fallback(),
                    };
                    push(&mut decoded, &mut map, d, at);
                }
                '\n' => return fallback(),
                c => push(&mut decoded, &mut map, c, at),
            }
        }
    } else if let Some(body) = rest.strip_prefix('\'') {
        let mut it = body.char_indices().peekable();
        while let Some((i, c)) = it.next() {
            let at = off + 1 + i;
            if c == '\'' {
                if it.peek().is_some_and(|(_, n)| *n == '\'') {
                    it.next();
                    push(&mut decoded, &mut map, '\'', at);
                    continue;
                }
                break;
            }
            if c == '\n' {
                return fallback();
            }
            push(&mut decoded, &mut map, c, at);
        }
    } else {
        for (i, c) in rest.char_indices() {
            if decoded.len() >= value.len() {
                break;
            }
            push(&mut decoded, &mut map, c, off + i);
        }
    }
    if decoded != value {
        return fallback();
    }
    map.push(map.last().map_or(off, |l| l + 1));
    map
}
