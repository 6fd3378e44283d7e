//! Values inside actions: variable targets, literals typed by where they stand, and
//! expressions compiled against the flow's scope, located on the original file.

use crate::diag::{SourceDiagnostic, SourceFile};
use crate::expr::{self, Entity, Type, Value};
use crate::source::yaml::{self, Node, NodeValue as Kind};

use super::super::model::*;
use super::Loader;
use super::external::input_values;

impl Loader<'_> {
    /// A variable name node (`Flow.X` or `{var: Flow.X}`) as a write target.
    pub(crate) fn target(&mut self, node: &Node) -> Option<Target> {
        let (name, off) = var_name(node).or_else(|| {
            self.err(node, "expected a variable name");
            None
        })?;
        let Some(decl) = self.scope.lookup(&name) else {
            self.err(node, format!("unknown variable `{name}`"));
            return None;
        };
        if decl.readonly {
            let n = decl.name.clone();
            self.err(node, format!("`{n}` is a read-only built-in"));
            return None;
        }
        Some(Target {
            name,
            ty: decl.ty.clone(),
            at: self.orig(off),
        })
    }

    pub(crate) fn req_val(&mut self, body: &Node, key: &str, ty: Option<&Type>) -> Option<Val> {
        match body.get(key) {
            Some(n) => self.val(n, ty),
            None => {
                self.err(body, format!("missing `{key}`"));
                None
            }
        }
    }

    /// A `lit:` / `exp:` / `var:` / `noValue:` value for a slot of type `ty` (None: any).
    /// Every input value an action's body gives, compiled (an external action's inputs, a
    /// recording action's values).
    pub(super) fn input_vals(&mut self, body: &Node) -> Vec<Val> {
        let mut nodes = Vec::new();
        input_values(body, false, None, true, &mut nodes);
        nodes
            .into_iter()
            .filter_map(|n| self.val(n, None))
            .collect()
    }

    pub(crate) fn val(&mut self, node: &Node, ty: Option<&Type>) -> Option<Val> {
        let at = self.orig(node.off());
        let (key, knode, inner) = match node.single_entry() {
            Some(e) => e,
            None => {
                self.err(
                    node,
                    format!(
                        "expected a value (`lit:`, `exp:`, `var:` or `noValue: true`), found {}",
                        node.shape()
                    ),
                );
                return None;
            }
        };
        match key {
            "noValue" => Some(Val {
                kind: ValKind::NoValue(ty.cloned().unwrap_or(Type::String)),
                at,
            }),
            "lit" => {
                let v = self.lit(inner, ty)?;
                Some(Val {
                    kind: ValKind::Lit(v),
                    at: self.orig(inner.off()),
                })
            }
            "exp" | "var" => {
                let Some(src) = inner.scalar_text() else {
                    self.err(
                        inner,
                        format!("`{key}:` needs text, found {}", inner.shape()),
                    );
                    return None;
                };
                let offsets: Vec<usize> = if key == "exp" {
                    yaml::scalar_offsets(self.text, inner.off(), &src)
                        .into_iter()
                        .map(|o| self.orig(o))
                        .collect()
                } else {
                    vec![self.orig(inner.off()); src.len() + 1]
                };
                let result = match ty {
                    Some(t) => expr::compile_as(&src, &self.scope, t),
                    None => expr::compile(&src, &self.scope),
                };
                match result {
                    Ok(c) => Some(Val {
                        kind: ValKind::Exp {
                            compiled: Box::new(c),
                            offsets,
                        },
                        at: self.orig(inner.off()),
                    }),
                    Err(errs) => {
                        for e in errs {
                            let d = expr_diagnostic(self.file, &e, &offsets);
                            self.diags.push(d);
                        }
                        None
                    }
                }
            }
            other => {
                self.err(
                    knode,
                    format!("unknown value wrapper `{other}` (expected `lit`, `exp`, `var` or `noValue`)"),
                );
                None
            }
        }
    }

    pub(super) fn lit(&mut self, node: &Node, ty: Option<&Type>) -> Option<Value> {
        let bad = |this: &mut Self, what: &str| {
            this.err(
                node,
                format!("expected a literal {what}, found {}", node.shape()),
            );
            None
        };
        let Some(ty) = ty else {
            return Some(match &node.value {
                Kind::Str(s) => Value::String(s.clone()),
                Kind::Int(i) => Value::Integer(*i),
                Kind::Float(f) => Value::Decimal(*f),
                Kind::Bool(b) => Value::Boolean(*b),
                _ => match node.get("name").and_then(Node::scalar_text) {
                    Some(n) => Value::String(n),
                    None => Value::NotSet(Type::String),
                },
            });
        };
        match ty {
            Type::String => match node.scalar_text() {
                Some(s) => Some(Value::String(s)),
                None if matches!(node.value, Kind::Null) => Some(Value::String(String::new())),
                None => bad(self, "string"),
            },
            Type::Integer => match &node.value {
                Kind::Int(i) => Some(Value::Integer(*i)),
                Kind::Str(s) if s.trim().parse::<i64>().is_ok() => {
                    s.trim().parse().ok().map(Value::Integer)
                }
                _ => bad(self, "integer"),
            },
            Type::Decimal => match &node.value {
                Kind::Int(i) => Some(Value::Decimal(*i as f64)),
                Kind::Float(f) => Some(Value::Decimal(*f)),
                Kind::Str(s) if s.trim().parse::<f64>().is_ok() => {
                    s.trim().parse().ok().map(Value::Decimal)
                }
                _ => bad(self, "decimal"),
            },
            Type::Boolean => match &node.value {
                Kind::Bool(b) => Some(Value::Boolean(*b)),
                Kind::Str(s) if s == "true" || s == "false" => Some(Value::Boolean(s == "true")),
                _ => bad(self, "boolean"),
            },
            // No public export has a Date or Time literal: text in the forms they print.
            Type::Date => match node.scalar_text().and_then(|t| expr::Date::parse(&t)) {
                Some(d) => Some(Value::Date(d)),
                None => bad(self, "date (`YYYY-MM-DD`)"),
            },
            Type::Time => match node.scalar_text().and_then(|t| expr::Time::parse(&t)) {
                Some(t) => Some(Value::Time(t)),
                None => bad(self, "time (`HH:MM:SS`)"),
            },
            Type::Duration => {
                let Some(entries) = node.as_map() else {
                    return bad(self, "duration (`minutes: 1`)");
                };
                let mut ms: i64 = 0;
                for (k, v) in entries {
                    let unit = match k.as_str().unwrap_or("") {
                        "days" => 86_400_000,
                        "hours" => 3_600_000,
                        "minutes" => 60_000,
                        "seconds" => 1_000,
                        "milliseconds" => 1,
                        other => {
                            self.err(k, format!("unknown duration unit `{other}`"));
                            return None;
                        }
                    };
                    let Kind::Int(n) = v.value else {
                        return bad(self, "whole number of units");
                    };
                    ms = ms.saturating_add(n.saturating_mul(unit));
                }
                Some(Value::Duration(expr::Duration(ms)))
            }
            Type::Json => Some(Value::Json(to_json(node))),
            t if t.is_entity() => match node.get("name").and_then(Node::scalar_text) {
                Some(name) => Some(Value::Entity(ty.clone(), Entity { id: None, name })),
                None => bad(self, &format!("{ty} (`name: ...`)")),
            },
            other => {
                self.err(
                    node,
                    format!("literal values of type {other} are not supported; use `exp:`"),
                );
                None
            }
        }
    }
}

/// `Flow.X` or `{var: Flow.X}`: the name and the offset of its text.
pub(super) fn var_name(node: &Node) -> Option<(String, usize)> {
    match &node.value {
        Kind::Str(s) => Some((s.clone(), node.off())),
        Kind::Map(_) => {
            let v = node.get("var")?;
            Some((v.as_str()?.to_string(), v.off()))
        }
        _ => None,
    }
}

/// An expression error, located in the original file through the expression's offsets.
pub(crate) fn expr_diagnostic(
    file: &SourceFile,
    e: &expr::ExprError,
    offsets: &[usize],
) -> SourceDiagnostic {
    let at = |i: usize| offsets.get(i).or(offsets.last()).copied().unwrap_or(0);
    let start = at(e.span.start);
    let end = if e.span.end > e.span.start {
        at(e.span.end - 1) + 1
    } else {
        start + 1
    };
    let mut d = e.to_diagnostic(file, 0);
    d.span = (start, end.max(start + 1).min(file.text.len().max(start)));
    d
}

/// The static type of a value.
pub(crate) fn val_type(v: &Val) -> Type {
    match &v.kind {
        ValKind::Lit(v) => v.ty(),
        ValKind::Exp { compiled, .. } => compiled.ty().clone(),
        ValKind::NoValue(t) => t.clone(),
    }
}

pub(super) fn one_line(s: &str) -> String {
    let flat: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > 60 {
        format!("{}…", flat.chars().take(59).collect::<String>())
    } else {
        flat
    }
}

pub(super) fn to_json(node: &Node) -> serde_json::Value {
    use serde_json::Value as J;
    match &node.value {
        Kind::Null => J::Null,
        Kind::Bool(b) => J::Bool(*b),
        Kind::Int(i) => J::from(*i),
        Kind::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
        Kind::Str(s) => J::String(s.clone()),
        Kind::Seq(items) => J::Array(items.iter().map(to_json).collect()),
        Kind::Map(entries) => J::Object(
            entries
                .iter()
                .map(|(k, v)| (k.scalar_text().unwrap_or_default(), to_json(v)))
                .collect(),
        ),
    }
}
