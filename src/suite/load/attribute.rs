//! Attribute, JSONPath and legacy expectations: checks on the participant's data.

use std::sync::Arc;

use regex::Regex;
use serde_json_path::JsonPath;

use super::Loader;
use crate::diag::SourceDiagnostic;
use crate::source::code::RulesCode;
use crate::source::mapping;
use crate::suite::model::{AttrTest, Check, PathWant};
use crate::suite::yaml::{Node, NodeValue};

impl Loader<'_> {
    pub(super) fn attribute(&mut self, sv: &Node, mods: &[(&str, &Node, &Node)]) -> Option<Check> {
        let name = self.string(sv, "`attribute`")?;
        let (m, v) = self.one_modifier(sv, "attribute", mods)?;
        let test = self.attr_test(m, v)?;
        Some(Check::Attribute {
            name,
            test,
            span: sv.span,
        })
    }

    fn attr_test(&mut self, m: &str, v: &Node) -> Option<AttrTest> {
        if m == "set" {
            return Some(AttrTest::Set(self.bool(v, "`set`")?));
        }
        let Some(s) = v.as_str() else {
            let shown = v.scalar_text().unwrap_or_default();
            let d = self
                .error(
                    v,
                    format!("`{m}` must be a string, found {}", v.value.kind()),
                )
                .with_code(RulesCode::Type)
                .with_help(format!(
                    "participant attributes are strings: write \"{shown}\""
                ));
            self.push(d);
            return None;
        };
        let s = s.to_owned();
        Some(match m {
            "equals" => AttrTest::Equals(s),
            "not_equals" => AttrTest::NotEquals(s),
            "contains" => AttrTest::Contains(s),
            "starts_with" => AttrTest::StartsWith(s),
            "matches" => match self
                .regexes
                .get(&s)
                .cloned()
                .map_or_else(|| Regex::new(&s).map(Arc::new), Ok)
            {
                Ok(r) => {
                    self.regexes.entry(s).or_insert_with(|| r.clone());
                    AttrTest::Matches(r)
                }
                Err(e) => {
                    let msg = e.to_string();
                    let last = msg
                        .lines()
                        .last()
                        .unwrap_or("invalid regex")
                        .trim()
                        .to_owned();
                    self.err(
                        v,
                        RulesCode::Regex,
                        format!("invalid regex: {}", last.trim_start_matches("error: ")),
                    );
                    return None;
                }
            },
            _ => return None,
        })
    }

    pub(super) fn jsonpath(&mut self, sv: &Node, mods: &[(&str, &Node, &Node)]) -> Option<Check> {
        let source = self.string(sv, "`jsonpath`")?;
        let (m, v) = self.one_modifier(sv, "jsonpath", mods)?;
        let want = match m {
            "equals" => match self.expected_json(v)? {
                serde_json::Value::Array(items) => PathWant::Equals(items),
                _ => {
                    let d = self
                        .error(v, "`equals` of a jsonpath is the list of matched values")
                        .with_code(RulesCode::Type)
                        .with_help(format!("write [{}]", v.scalar_text().unwrap_or_default()));
                    self.push(d);
                    return None;
                }
            },
            "count" => match v.value {
                NodeValue::Int(n) if n >= 0 => PathWant::Count(n as usize),
                _ => {
                    self.expect_type(v, "`count`", "a non-negative integer");
                    return None;
                }
            },
            _ => return None,
        };
        let parsed = match self.paths.get(&source) {
            Some(p) => Ok(Arc::clone(p)),
            None => JsonPath::parse(&source).map(Arc::new),
        };
        let path = match parsed {
            Ok(p) => {
                self.paths.insert(source.clone(), Arc::clone(&p));
                p
            }
            Err(e) => {
                let d = self
                    .error(sv, format!("invalid JSONPath: {e}"))
                    .with_code(RulesCode::Jsonpath)
                    .with_help("RFC 9535 syntax, e.g. $.participants[?@.purpose == 'customer'].attributes.tier");
                self.push(d);
                return None;
            }
        };
        Some(Check::JsonPath { source, path, want })
    }

    /// `{attribute_path: "{{participant.attributes.custom.KEY}}", operator, value}`.
    pub(super) fn legacy(
        &mut self,
        sk: &Node,
        sv: &Node,
        mods: &[(&str, &Node, &Node)],
    ) -> Option<Check> {
        let raw = self.string(sv, "`attribute_path`")?;
        let inner = raw.trim();
        let inner = inner
            .strip_prefix("{{")
            .and_then(|s| s.strip_suffix("}}"))
            .unwrap_or(inner)
            .trim();
        let rest = inner
            .strip_prefix("participant.attributes.")
            .or_else(|| inner.strip_prefix("participant.data."));
        let Some(rest) = rest else {
            let d = self
                .error(
                    sv,
                    format!("cannot read `{raw}` as a participant attribute"),
                )
                .with_code(RulesCode::Legacy)
                .with_help("write `attribute: NAME` instead");
            self.push(d);
            return None;
        };
        let name = rest
            .strip_prefix("custom.")
            .or_else(|| rest.strip_prefix("system."))
            .unwrap_or(rest)
            .to_owned();
        let operator = mods.iter().find(|(m, _, _)| *m == "operator");
        let value = mods.iter().find(|(m, _, _)| *m == "value");
        let (Some((_, _, op)), Some((_, _, val))) = (operator, value) else {
            let d = self
                .error(sk, "the legacy form needs `operator:` and `value:`")
                .with_code(RulesCode::Legacy)
                .with_help(format!("or write `attribute: {name}` with `equals: ...`"));
            self.push(d);
            return None;
        };
        let op_name = self.string(op, "`operator`")?;
        let m = match op_name.as_str() {
            "equals" | "contains" | "not_equals" => op_name.as_str(),
            other => {
                let d = self
                    .error(op, format!("unknown operator `{other}`"))
                    .with_code(RulesCode::Legacy)
                    .with_help(mapping::one_of(
                        other,
                        ["equals", "contains", "not_equals"].into_iter(),
                    ));
                self.push(d);
                return None;
            }
        };
        let test = self.attr_test(m, val)?;
        let w = SourceDiagnostic::warning(self.src, sk.span, format!("legacy `attribute_path` form: checked as `attribute: {name}`"))
            .with_code(RulesCode::Legacy)
            .with_label("legacy form")
            .with_help(format!(
                "Web Messaging participant attributes are a flat map of strings (no `custom`/`system` nesting) that Architect reads with Get Participant Data; write `attribute: {name}` and `{m}: ...`"
            ));
        self.diags.warnings.push(w);
        Some(Check::Attribute {
            name,
            test,
            span: sv.span,
        })
    }
}
