//! Candidate values, all taken from the flow itself: the literals each variable is
//! compared with (followed back through Update Data to the inputs they came from),
//! their other letter cases, surrounding spaces, the empty string and NOT_SET, numeric
//! thresholds and their neighbours, list members, and strings of threshold lengths.

use std::collections::HashMap;

use crate::expr::{Type, Value};
use crate::flow::Flow;
use crate::flow::probe::{BranchPoint, ExprFacts};

/// Most candidates kept per variable (the search's bound multiplies these).
pub const MAX_PER_VARIABLE: usize = 48;

/// The literals each variable (lowercase name) meets in the flow's conditions.
#[derive(Debug, Default)]
pub struct Pools {
    by_var: HashMap<String, Vec<Value>>,
    /// Name-like string literals of the whole flow (JSON property names, among others).
    keys: Vec<String>,
}

impl Pools {
    /// Collect from every decision and switch, then follow assignments back: a literal
    /// compared with `Flow.B` after `Flow.B = Lower(Flow.A)` is a candidate for `Flow.A`.
    pub fn of(flow: &Flow, points: &[BranchPoint]) -> Pools {
        let mut p = Pools::default();
        for bp in points {
            for (var, _) in &bp.facts.reads {
                p.add(var, &bp.facts.literals);
            }
        }
        for e in flow.expressions() {
            for l in ExprFacts::of(e.compiled).literals {
                if let Value::String(k) = l
                    && is_key(&k)
                    && !p.keys.contains(&k)
                    && p.keys.len() < MAX_PER_VARIABLE
                {
                    p.keys.push(k);
                }
            }
        }
        let assignments = flow.assignments();
        for _ in 0..4 {
            for (target, facts) in &assignments {
                let mut lits = p.get(target).to_vec();
                // `Flow.N = ToInt(Flow.Score) - 60` compared with 15: Score near 75.
                let arithmetic: Vec<Value> = lits
                    .iter()
                    .filter_map(number)
                    .flat_map(|a| {
                        facts
                            .literals
                            .iter()
                            .filter_map(number)
                            .flat_map(move |b| [a + b, a - b, b - a])
                    })
                    .map(|n| {
                        if n.fract() == 0.0 && n.abs() < 1e15 {
                            Value::Integer(n as i64)
                        } else {
                            Value::Decimal(n)
                        }
                    })
                    .collect();
                lits.extend(facts.literals.iter().cloned());
                lits.extend(arithmetic);
                for (var, _) in &facts.reads {
                    p.add(var, &lits);
                }
            }
        }
        p
    }

    fn add(&mut self, var: &str, lits: &[Value]) {
        let e = self.by_var.entry(var.to_ascii_lowercase()).or_default();
        for l in lits {
            if !e.contains(l) && e.len() < 4 * MAX_PER_VARIABLE {
                e.push(l.clone());
            }
        }
    }

    /// A JSON object with every name-like literal of the flow as a property (what
    /// `GetJsonObjectProperty` may read), each valued by its own name.
    pub fn json_shape(&self) -> String {
        let o: serde_json::Map<String, serde_json::Value> = self
            .keys
            .iter()
            .map(|k| (k.clone(), serde_json::Value::String(k.clone())))
            .collect();
        serde_json::Value::Object(o).to_string()
    }

    /// String candidates for a value nothing compares: JSON, empty and of the flow's shape.
    pub fn json_strings(&self) -> [Value; 2] {
        [Value::String("{}".into()), Value::String(self.json_shape())]
    }

    /// The raw literals met by `var`.
    pub fn get(&self, var: &str) -> &[Value] {
        self.by_var
            .get(&var.to_ascii_lowercase())
            .map_or(&[], Vec::as_slice)
    }

    /// Candidate values of type `ty` for `var`, NOT_SET first; None when values of
    /// that type cannot be enumerated (entities, dates, JSON, lists).
    pub fn candidates(&self, var: &str, ty: &Type) -> Option<Vec<Value>> {
        expand(self.get(var), ty)
    }
}

/// Every candidate of type `ty` that `lits` suggest.
pub fn expand(lits: &[Value], ty: &Type) -> Option<Vec<Value>> {
    let mut out = vec![Value::NotSet(ty.clone())];
    let mut push = |v: Value| {
        if !out.contains(&v) && out.len() < MAX_PER_VARIABLE {
            out.push(v);
        }
    };
    let mut flat = Vec::new();
    flatten(lits, &mut flat);
    match ty {
        Type::String => {
            for l in &flat {
                for s in string_variants(l) {
                    push(Value::String(s));
                }
            }
            push(Value::String(String::new()));
            push(Value::String("x".into()));
        }
        Type::Integer => {
            push(Value::Integer(0));
            for n in flat.iter().filter_map(number) {
                let n = n.round() as i64;
                for k in [n, n.saturating_sub(1), n.saturating_add(1)] {
                    push(Value::Integer(k));
                }
            }
        }
        Type::Decimal => {
            push(Value::Decimal(0.0));
            for n in flat.iter().filter_map(number) {
                for k in [n, n - 1.0, n + 1.0, n - 0.5, n + 0.5] {
                    push(Value::Decimal(k));
                }
            }
        }
        Type::Boolean => {
            push(Value::Boolean(true));
            push(Value::Boolean(false));
        }
        _ => return None,
    }
    Some(out)
}

/// A literal that reads like a property name.
fn is_key(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 40
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

fn flatten(lits: &[Value], out: &mut Vec<Value>) {
    for l in lits {
        match l {
            Value::List(_, items) => flatten(items, out),
            Value::NotSet(_) => {}
            other => out.push(other.clone()),
        }
    }
}

/// A literal as a number, where it reads as one (`"5"` too: attributes are strings).
fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Integer(n) => Some(*n as f64),
        Value::Decimal(d) if d.is_finite() => Some(*d),
        Value::String(s) => s.trim().parse::<f64>().ok().filter(|d| d.is_finite()),
        _ => None,
    }
}

/// A literal as the strings worth trying: itself, its other letter cases, with
/// surrounding spaces; a number, its neighbours and a string of that length.
fn string_variants(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => {
            let mut out = vec![s.clone(), s.to_lowercase(), s.to_uppercase()];
            let mut chars = s.chars();
            if let Some(first) = chars.next() {
                out.push(
                    first
                        .to_uppercase()
                        .chain(chars.as_str().to_lowercase().chars())
                        .collect(),
                );
            }
            out.push(format!(" {s} "));
            out
        }
        Value::Integer(n) => {
            let mut out: Vec<String> = [*n, n.saturating_sub(1), n.saturating_add(1)]
                .iter()
                .map(i64::to_string)
                .collect();
            if (0..=64).contains(n) {
                out.push("x".repeat(*n as usize + 1));
            }
            out
        }
        Value::Decimal(d) => [*d, d - 1.0, d + 1.0, d + 0.5]
            .iter()
            .map(f64::to_string)
            .collect(),
        Value::Boolean(b) => vec![b.to_string(), (!b).to_string()],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[Value]) -> Vec<String> {
        v.iter()
            .map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect()
    }

    #[test]
    fn string_literals_give_their_cases_spaces_empty_and_not_set() {
        let got = expand(&[Value::String("Gold".into())], &Type::String).unwrap();
        assert!(got[0].is_not_set());
        let s = strings(&got);
        for want in ["Gold", "gold", "GOLD", " Gold ", ""] {
            assert!(s.contains(&want.to_string()), "{want} in {s:?}");
        }
    }

    #[test]
    fn thresholds_give_their_neighbours() {
        let got = expand(&[Value::Integer(3)], &Type::Integer).unwrap();
        for n in [2, 3, 4] {
            assert!(got.contains(&Value::Integer(n)));
        }
        // An attribute compared after ToInt is a string: the neighbours as text.
        let s = strings(&expand(&[Value::Integer(3)], &Type::String).unwrap());
        for want in ["2", "3", "4", "xxxx"] {
            assert!(s.contains(&want.to_string()), "{want} in {s:?}");
        }
        let d = expand(&[Value::Decimal(2.5)], &Type::Decimal).unwrap();
        for n in [1.5, 2.0, 2.5, 3.0, 3.5] {
            assert!(d.contains(&Value::Decimal(n)), "{n}");
        }
    }

    #[test]
    fn extreme_numbers_do_not_overflow() {
        let got = expand(
            &[Value::Integer(i64::MAX), Value::Integer(i64::MIN)],
            &Type::Integer,
        );
        assert!(got.unwrap().contains(&Value::Integer(i64::MAX)));
        let s = expand(&[Value::Integer(i64::MAX)], &Type::String).unwrap();
        assert!(s.contains(&Value::String(i64::MAX.to_string())));
    }

    #[test]
    fn list_members_are_candidates_and_entities_are_not_enumerable() {
        let list = Value::List(
            Type::String,
            vec![Value::String("a".into()), Value::String("b".into())],
        );
        let s = strings(&expand(&[list], &Type::String).unwrap());
        assert!(s.contains(&"a".to_string()) && s.contains(&"b".to_string()));
        assert!(expand(&[], &Type::Queue).is_none());
    }
}
