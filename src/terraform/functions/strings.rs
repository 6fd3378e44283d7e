//! String functions: case, trimming, tests on prefixes, `replace`, `substr`, `format`,
//! `join` and `split`.

use hcl::Value;
use hcl::eval::{FuncArgs, ParamType as P};

use super::{Reg, any, arr, num, s, st, text};

pub(super) fn register(r: &mut Reg) {
    r.reg("lower", vec![s()], None, |a| {
        Ok(Value::from(st(&a[0])?.to_lowercase()))
    });
    r.reg("upper", vec![s()], None, |a| {
        Ok(Value::from(st(&a[0])?.to_uppercase()))
    });
    r.reg("title", vec![s()], None, |a| {
        Ok(Value::from(title(st(&a[0])?)))
    });
    r.reg("trimspace", vec![s()], None, |a| {
        Ok(Value::from(st(&a[0])?.trim()))
    });
    r.reg("trim", vec![s(), s()], None, |a| {
        let cut: Vec<char> = st(&a[1])?.chars().collect();
        Ok(Value::from(st(&a[0])?.trim_matches(|c| cut.contains(&c))))
    });
    r.reg("trimprefix", vec![s(), s()], None, |a| {
        let (x, p) = (st(&a[0])?, st(&a[1])?);
        Ok(Value::from(x.strip_prefix(p).unwrap_or(x)))
    });
    r.reg("trimsuffix", vec![s(), s()], None, |a| {
        let (x, p) = (st(&a[0])?, st(&a[1])?);
        Ok(Value::from(x.strip_suffix(p).unwrap_or(x)))
    });
    r.reg("startswith", vec![s(), s()], None, |a| {
        Ok(Value::from(st(&a[0])?.starts_with(st(&a[1])?)))
    });
    r.reg("endswith", vec![s(), s()], None, |a| {
        Ok(Value::from(st(&a[0])?.ends_with(st(&a[1])?)))
    });
    r.reg("strcontains", vec![s(), s()], None, |a| {
        Ok(Value::from(st(&a[0])?.contains(st(&a[1])?)))
    });
    r.reg("replace", vec![s(), s(), s()], None, replace);
    r.reg("substr", vec![s(), P::Number, P::Number], None, substr);
    r.reg("format", vec![s()], Some(any()), format);
    r.reg("join", vec![s()], Some(P::array_of(any())), |a| {
        let sep = st(&a[0])?;
        let mut parts = Vec::new();
        for list in &a[1..] {
            for v in arr(list)? {
                parts.push(text(v)?);
            }
        }
        Ok(Value::from(parts.join(sep)))
    });
    r.reg("split", vec![s(), s()], None, |a| {
        Ok(Value::Array(
            st(&a[1])?.split(st(&a[0])?).map(Value::from).collect(),
        ))
    });
}

fn title(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut start = true;
    for c in s.chars() {
        if start && c.is_alphabetic() {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        start = !c.is_alphanumeric();
    }
    out
}

/// `replace(s, sub, rep)`: `sub` wrapped in slashes is a regular expression.
fn replace(a: FuncArgs) -> Result<Value, String> {
    let (s, sub, rep) = (st(&a[0])?, st(&a[1])?, st(&a[2])?);
    if sub.len() > 1 && sub.starts_with('/') && sub.ends_with('/') {
        let re = regex::Regex::new(&sub[1..sub.len() - 1]).map_err(|e| e.to_string())?;
        return Ok(Value::from(re.replace_all(s, rep).into_owned()));
    }
    Ok(Value::from(s.replace(sub, rep)))
}

fn substr(a: FuncArgs) -> Result<Value, String> {
    let chars: Vec<char> = st(&a[0])?.chars().collect();
    let off = num(&a[1])?;
    let len = num(&a[2])?;
    let start = if off < 0.0 {
        (chars.len() as f64 + off).max(0.0)
    } else {
        off
    } as usize;
    let start = start.min(chars.len());
    let end = if len < 0.0 {
        chars.len()
    } else {
        (start + len as usize).min(chars.len())
    };
    Ok(Value::from(chars[start..end].iter().collect::<String>()))
}

/// `format`: the verbs CX configurations use (`%s`, `%d`, `%v`, `%q`, `%%`, `%f`).
fn format(a: FuncArgs) -> Result<Value, String> {
    let spec = st(&a[0])?;
    let mut args = a[1..].iter();
    let mut out = String::new();
    let mut chars = spec.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let verb = chars.next().ok_or("a format ends with `%`")?;
        if verb == '%' {
            out.push('%');
            continue;
        }
        // Flags, width and precision as Go's fmt reads them (`%02d`, `%-8s`, `%.2f`, `%+d`):
        // CX configurations pad flow and queue names with them.
        let mut verb = verb;
        let (mut left, mut zero, mut plus) = (false, false, false);
        while matches!(verb, '-' | '0' | '+' | ' ' | '#') {
            match verb {
                '-' => left = true,
                '0' => zero = true,
                '+' => plus = true,
                _ => {}
            }
            verb = chars.next().ok_or("a format ends inside a verb")?;
        }
        let mut width = 0usize;
        while let Some(d) = verb.to_digit(10) {
            width = width * 10 + d as usize;
            verb = chars.next().ok_or("a format ends inside a verb")?;
        }
        let mut precision = None;
        if verb == '.' {
            let mut p = 0usize;
            verb = chars.next().ok_or("a format ends inside a verb")?;
            while let Some(d) = verb.to_digit(10) {
                p = p * 10 + d as usize;
                verb = chars.next().ok_or("a format ends inside a verb")?;
            }
            precision = Some(p);
        }
        let v = args.next().ok_or("too few arguments for the format")?;
        let (text_of, numeric) = match verb {
            's' | 'v' => {
                let s = match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                let s = match precision {
                    Some(p) => s.chars().take(p).collect(),
                    None => s,
                };
                (s, false)
            }
            'd' => (format!("{}", num(v)? as i64), true),
            'f' => (format!("{:.*}", precision.unwrap_or(6), num(v)?), true),
            'q' => (serde_json::Value::String(text(v)?).to_string(), false),
            other => return Err(format!("the format verb `%{other}` is not supported")),
        };
        out.push_str(&pad(text_of, numeric, width, left, zero, plus));
    }
    Ok(Value::from(out))
}

/// One formatted value padded to `width`: spaces on the right for `-`, zeros after the sign
/// for `0` on a number, spaces on the left otherwise; `+` signs a non-negative number.
fn pad(s: String, numeric: bool, width: usize, left: bool, zero: bool, plus: bool) -> String {
    let s = if numeric && plus && !s.starts_with('-') {
        format!("+{s}")
    } else {
        s
    };
    let len = s.chars().count();
    if len >= width {
        return s;
    }
    let fill = width - len;
    if left {
        format!("{s}{}", " ".repeat(fill))
    } else if zero && numeric {
        let (sign, digits) = match s.strip_prefix(['-', '+']) {
            Some(rest) => (&s[..1], rest),
            None => ("", s.as_str()),
        };
        format!("{sign}{}{digits}", "0".repeat(fill))
    } else {
        format!("{}{s}", " ".repeat(fill))
    }
}
