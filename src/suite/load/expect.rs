//! Expectations: the subject key, its modifiers, and `condition:`/`value:` checks.

use std::sync::Arc;

use super::{Loader, SUBJECT_KEYS, modifier_keys, to_json};
use crate::diag::{SourceDiagnostic, SourceFile, closest};
use crate::expr::{self, Compiled, Scope, Type};
use crate::source::FileKind;
use crate::source::code::RulesCode;
use crate::source::mapping;
use crate::suite::model::{Check, Expectation, ValueWant};
use crate::suite::yaml::{Node, NodeValue};

impl Loader<'_> {
    pub(super) fn expectations(&mut self, v: &Node, scope: &Scope) -> Vec<Expectation> {
        let NodeValue::Seq(items) = &v.value else {
            self.expect_type(v, "`expect`", "a sequence of expectations");
            return Vec::new();
        };
        if items.is_empty() {
            self.err(
                v,
                RulesCode::Empty,
                "`expect` is empty: a case without expectations would always pass",
            );
        }
        // Sized to the list: 10,000 cases kept a third of their expectations' memory as
        // spare capacity when collected through `filter_map`.
        let mut out = Vec::with_capacity(items.len());
        out.extend(items.iter().filter_map(|e| self.expectation(e, scope)));
        out
    }

    fn expectation(&mut self, node: &Node, scope: &Scope) -> Option<Expectation> {
        let Some(map) = node.as_map() else {
            self.expect_type(node, "an expectation", "a mapping");
            return None;
        };
        let subjects: Vec<(&'static str, &Node, &Node)> = map
            .iter()
            .filter_map(|(k, v)| {
                let name = k.as_str()?;
                SUBJECT_KEYS
                    .iter()
                    .find(|s| **s == name)
                    .map(|s| (*s, k, v))
            })
            .collect();
        // In the legacy form `value:` is the compared value, not an expression.
        let legacy = subjects
            .iter()
            .find(|(s, _, _)| *s == "attribute_path")
            .copied();
        let (subject, sk, sv) = match (legacy, subjects.as_slice()) {
            (Some(l), _) => l,
            (None, [one]) => *one,
            (None, []) => {
                let d = SourceDiagnostic::error(
                    self.src,
                    node.span,
                    "an expectation needs one of `condition`, `value`, `attribute`, `jsonpath`, `route`, `responses` or `participant_data`",
                )
                .with_code(RulesCode::Expectation);
                // A misspelt subject: the one unknown-key message, at the key.
                let d = match map.iter().find_map(|(k, _)| {
                    let n = k.as_str()?;
                    closest(n, SUBJECT_KEYS.iter().copied()).map(|_| (k, n))
                }) {
                    Some((k, n)) => mapping::unknown_key(
                        self.src,
                        FileKind::Rules,
                        k,
                        n,
                        "an expectation",
                        SUBJECT_KEYS.iter().copied(),
                    ),
                    None => d,
                };
                self.push(d);
                return None;
            }
            (None, [_, (_, second, _), ..]) => {
                self.err(
                    second,
                    RulesCode::Expectation,
                    "an expectation checks one thing: split it into two list items",
                );
                return None;
            }
        };
        let allowed = modifier_keys(subject);
        let mut mods: Vec<(&str, &Node, &Node)> = Vec::new();
        let mut bad = false;
        for (k, v) in map {
            if std::ptr::eq(k, sk) {
                continue;
            }
            let Some(name) = k.as_str() else {
                self.expect_type(k, "a key", "a string");
                bad = true;
                continue;
            };
            match allowed.iter().find(|a| **a == name) {
                Some(a) => mods.push((a, k, v)),
                None => {
                    self.unknown_key(
                        k,
                        name,
                        &format!("this `{}` expectation", subject),
                        allowed.iter().copied(),
                    );
                    bad = true;
                }
            }
        }
        if bad {
            return None;
        }
        let location = self.location(node.span.0);
        let check = match subject {
            "condition" => self.condition(sv, &mods, scope),
            "value" => self.value(sv, &mods, scope),
            "attribute" => self.attribute(sv, &mods),
            "jsonpath" => self.jsonpath(sv, &mods),
            "attribute_path" => self.legacy(sk, sv, &mods),
            "route" | "responses" if self.guest_case => self.guest_expect(subject, sv),
            "route" | "responses" | "participant_data" if self.needs_flow(sk) => {
                self.flow_expect(subject, sv)
            }
            _ => None,
        }?;
        Some(Expectation { location, check })
    }

    /// Exactly one of the modifiers (for kinds that need one).
    pub(super) fn one_modifier<'m, 'n>(
        &mut self,
        subject: &Node,
        kind: &str,
        mods: &'m [(&'m str, &'n Node, &'n Node)],
    ) -> Option<(&'m str, &'n Node)> {
        match mods {
            [(name, _, v)] => Some((name, v)),
            [] => {
                let d = self
                    .error(
                        subject,
                        format!("this `{kind}` expectation says nothing about the result"),
                    )
                    .with_code(RulesCode::Expectation)
                    .with_help(format!("add one of: {}", modifier_keys(kind).join(", ")));
                self.push(d);
                None
            }
            [_, (_, k, _), ..] => {
                self.err(
                    k,
                    RulesCode::Expectation,
                    format!("a `{kind}` expectation takes one test: split it into two list items"),
                );
                None
            }
        }
    }

    fn compile(&mut self, node: &Node, scope: &Scope) -> Option<Arc<Compiled>> {
        let src = self.string(node, "an expression")?;
        if let Some(c) = self.exprs.get(&src) {
            return Some(Arc::clone(c));
        }
        match expr::compile(&src, scope) {
            Ok(c) => {
                let c = Arc::new(c);
                self.exprs.insert(src, Arc::clone(&c));
                Some(c)
            }
            Err(errs) => {
                let base = expr_base(self.src, node, &src);
                for e in errs {
                    let d = match base {
                        Some(b) => e.to_diagnostic(self.src, b),
                        None => {
                            let mut d = e.to_diagnostic(self.src, node.span.0);
                            d.span = node.span;
                            d
                        }
                    };
                    self.push(d);
                }
                None
            }
        }
    }

    fn condition(
        &mut self,
        sv: &Node,
        mods: &[(&str, &Node, &Node)],
        scope: &Scope,
    ) -> Option<Check> {
        let expect = match mods {
            [] => Some(true),
            [(_, _, v)] => self.bool(v, "`is`"),
            _ => None,
        };
        let expr = self.compile(sv, scope)?;
        if *expr.ty() != Type::Boolean {
            let d = self
                .error(
                    sv,
                    format!(
                        "a condition must be Boolean, this expression is {}",
                        expr.ty()
                    ),
                )
                .with_code(RulesCode::Type)
                .with_help("use `value:` with `equals:` to check a non-Boolean result");
            self.push(d);
            return None;
        }
        Some(Check::Condition {
            expr,
            expect: expect?,
        })
    }

    fn value(&mut self, sv: &Node, mods: &[(&str, &Node, &Node)], scope: &Scope) -> Option<Check> {
        let (m, v) = self.one_modifier(sv, "value", mods)?;
        let want = match m {
            "equals" => ValueWant::Equals(self.expected_json(v)?),
            "not_set" => ValueWant::NotSet(self.bool(v, "`not_set`")?),
            "error" => {
                match self.bool(v, "`error`")? {
                    true => ValueWant::Error,
                    false => {
                        let d = self
                        .error(v, "`error: false` checks nothing: evaluation errors always fail a case")
                        .with_code(RulesCode::Expectation)
                        .with_help("remove it, or use `equals:` / `not_set:`");
                        self.push(d);
                        return None;
                    }
                }
            }
            _ => return None,
        };
        let expr = self.compile(sv, scope)?;
        Some(Check::Value { expr, want })
    }

    /// A YAML value as JSON, for typed comparison; null is refused (use `not_set`).
    pub(super) fn expected_json(&mut self, v: &Node) -> Option<serde_json::Value> {
        match to_json(v) {
            Ok(j) => Some(j),
            Err(at) => {
                let d = self
                    .error(at, "null cannot be compared")
                    .with_code(RulesCode::Type)
                    .with_help("use `not_set: true` to expect NOT_SET");
                self.push(d);
                None
            }
        }
    }
}

/// Where the expression's first character is in the file, when the scalar's text is the
/// expression verbatim (plain scalars, and quoted ones without escapes).
fn expr_base(src: &SourceFile, node: &Node, expr: &str) -> Option<usize> {
    let (s, e) = node.span;
    let text = src.text.get(s..e.max(s))?;
    if text == expr {
        return Some(s);
    }
    // The reported span of a quoted scalar may or may not include the quotes.
    for (q, off) in [('"', 1usize), ('\'', 1)] {
        if text.starts_with(q) && text.get(off..off + expr.len()) == Some(expr) {
            return Some(s + off);
        }
        if s > 0 && src.text[..s].ends_with(q) && src.text.get(s..s + expr.len()) == Some(expr) {
            return Some(s);
        }
    }
    if src.text.get(s..s + expr.len()) == Some(expr) {
        return Some(s);
    }
    None
}
