//! One expectation against the case's data: conditions and expressions, attribute tests,
//! values rendered for reports and compared with YAML's types kept apart.

use super::flow::flow_failure;
use super::{Data, eval_error, failure, quote};
use crate::conversation::Conversation;
use crate::expr::{EvalContext, Value};
use crate::flow::RunResult;
use crate::report::{Failure, Location};
use crate::suite::model::{AttrTest, Check, Expectation, PathWant, ValueWant};

/// A value as a report shows it: strings quoted so `"5"` and `5` differ.
pub fn render(v: &Value) -> String {
    match v {
        Value::String(s) => quote(s),
        Value::List(_, items) => {
            let inner: Vec<String> = items.iter().map(render).collect();
            format!("[{}]", inner.join(", "))
        }
        other => other.to_string(),
    }
}

fn render_json(v: &serde_json::Value) -> String {
    v.to_string()
}

fn render_list(v: &[&serde_json::Value]) -> String {
    let inner: Vec<String> = v.iter().map(|j| j.to_string()).collect();
    format!("[{}]", inner.join(", "))
}

/// Typed equality of an Architect value with a YAML value: `5` equals Integer 5 and
/// Decimal 5.0, `"5"` equals only String "5"; NOT_SET equals nothing.
pub fn typed_eq(actual: &Value, want: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    match (actual, want) {
        (Value::String(a), J::String(b)) => a == b,
        (Value::Integer(a), J::Number(n)) => {
            n.as_i64() == Some(*a) || (n.is_f64() && n.as_f64() == Some(*a as f64))
        }
        (Value::Decimal(a), J::Number(n)) => n.as_f64() == Some(*a),
        (Value::Boolean(a), J::Bool(b)) => a == b,
        (Value::List(_, items), J::Array(want)) => {
            items.len() == want.len() && items.iter().zip(want).all(|(a, b)| typed_eq(a, b))
        }
        (Value::Json(j), w) => j == w,
        (Value::DateTime(_) | Value::Duration(_) | Value::Entity(..), J::String(b)) => {
            actual.to_string() == *b
        }
        _ => false,
    }
}

pub(super) fn check(
    e: &Expectation,
    data: &Data<'_>,
    cx: &EvalContext<'_>,
    tree: Option<&serde_json::Value>,
    conv: &Conversation,
    run: Option<&RunResult>,
) -> Option<Failure> {
    let loc = &e.location;
    match &e.check {
        Check::Flow(want) => flow_failure(loc, want, run),
        Check::Guest(_) => None, // checked by `guest::expectation`
        Check::Condition { expr, expect } => match expr.eval(cx) {
            Ok(Value::Boolean(b)) if b == *expect => None,
            Ok(v) => Some(failure(
                loc,
                format!("condition `{}` was {}", expr.source(), render(&v)),
                Some(expect.to_string()),
                Some(render(&v)),
            )),
            Err(err) => Some(eval_error(loc, expr.source(), &err)),
        },
        Check::Value { expr, want } => match (expr.eval(cx), want) {
            (Err(_), ValueWant::Error) => None,
            (Err(err), _) => Some(eval_error(loc, expr.source(), &err)),
            (Ok(v), ValueWant::Error) => Some(failure(
                loc,
                format!("`{}` evaluated without a runtime error", expr.source()),
                Some("runtime error".into()),
                Some(render(&v)),
            )),
            (Ok(v), ValueWant::NotSet(want_not_set)) => (v.is_not_set() != *want_not_set).then(|| {
                failure(
                    loc,
                    format!(
                        "`{}` was {}",
                        expr.source(),
                        if v.is_not_set() { "NOT_SET" } else { "set" }
                    ),
                    Some(if *want_not_set { "NOT_SET".into() } else { "a value".into() }),
                    Some(render(&v)),
                )
            }),
            (Ok(v), ValueWant::Equals(w)) => (!typed_eq(&v, w)).then(|| {
                let mut f = failure(
                    loc,
                    format!("`{}` did not equal the expected value", expr.source()),
                    Some(render_json(w)),
                    Some(format!("{} ({})", render(&v), v.ty())),
                );
                if let (serde_json::Value::String(s), false) = (w, matches!(v, Value::String(_)))
                    && !v.is_not_set()
                    && v.to_string() == *s
                {
                    f.notes.push(format!(
                        "the expected value is a string and the result is {}: compare typed values (write it unquoted) or convert with ToString()",
                        v.ty()
                    ));
                }
                f
            }),
        },
        Check::Attribute { name, test, .. } => attribute(loc, name, test, data),
        Check::JsonPath { source, path, want } => {
            let Some(tree) = tree else {
                return Some(failure(
                    loc,
                    format!("jsonpath `{source}` could not read the fixture {}", conv.file),
                    None,
                    None,
                ));
            };
            let found = path.query(tree).all();
            match want {
                PathWant::Count(n) => (found.len() != *n).then(|| {
                    failure(
                        loc,
                        format!("jsonpath `{source}` matched {} value(s)", found.len()),
                        Some(n.to_string()),
                        Some(found.len().to_string()),
                    )
                }),
                PathWant::Equals(items) => {
                    let same = found.len() == items.len() && found.iter().zip(items).all(|(a, b)| *a == b);
                    (!same).then(|| {
                        failure(
                            loc,
                            format!("jsonpath `{source}` matched other values"),
                            Some(render_list(&items.iter().collect::<Vec<_>>())),
                            Some(render_list(&found)),
                        )
                    })
                }
            }
        }
    }
}

fn attribute(loc: &Location, name: &str, test: &AttrTest, data: &Data<'_>) -> Option<Failure> {
    let actual = data.get(name);
    let (ok, expected) = match test {
        AttrTest::Set(want) => (
            actual.is_some() == *want,
            if *want {
                "set".to_owned()
            } else {
                "not set".to_owned()
            },
        ),
        AttrTest::Equals(w) => (actual == Some(w.as_str()), quote(w)),
        AttrTest::NotEquals(w) => (actual != Some(w.as_str()), format!("not {}", quote(w))),
        AttrTest::Contains(w) => (
            actual.is_some_and(|a| a.contains(w.as_str())),
            format!("containing {}", quote(w)),
        ),
        AttrTest::StartsWith(w) => (
            actual.is_some_and(|a| a.starts_with(w.as_str())),
            format!("starting with {}", quote(w)),
        ),
        AttrTest::Matches(r) => (
            actual.is_some_and(|a| r.is_match(a)),
            format!("matching /{}/", r.as_str()),
        ),
    };
    if ok {
        return None;
    }
    let mut f = failure(
        loc,
        match actual {
            Some(_) => format!("attribute `{name}` did not hold"),
            None => format!("attribute `{name}` is not set on the participant"),
        },
        Some(expected),
        Some(actual.map_or_else(|| "not set".to_owned(), quote)),
    );
    if actual.is_none() {
        f.notes = data.near_misses(name);
    }
    Some(f)
}
