//! `--tf-plan FILE`: the JSON `terraform show -json PLAN` prints, read as the exact
//! alternative to evaluating the configuration (the pipeline already ran `terraform
//! plan`, with its real variables, data sources and remote modules). Every module's
//! `planned_values` become resources; a value `resource_changes[].change.after_unknown`
//! marks is unknown (known only after apply), listed like any other unknown.
//!
//! Format: <https://developer.hashicorp.com/terraform/internals/json-format>.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use serde_json::Value as J;

use super::address::{Address, InstanceKey};
use super::model::{
    Config, Origin, OriginKind, Resource, ResourceMode, TfValue, Unknown, UnknownKind,
};
use crate::diag::{SourceDiagnostic, SourceFile};
use crate::source::code::TerraformCode;

/// Read `path`; relative paths in it (a flow's `filepath`) resolve against `dir` when
/// given (the directory `terraform plan` ran in), else against the plan file's directory.
pub fn read(path: &Path, dir: Option<&Path>) -> Result<Config, Vec<SourceDiagnostic>> {
    let name = crate::source::shown::shown(path);
    let text = crate::source::read_text(path).map_err(|e| {
        vec![
            super::load::unlocated(format!("cannot read the plan {name}: {e}"))
                .with_code(TerraformCode::Plan),
        ]
    })?;
    let file = SourceFile::new(name.as_str(), text.as_str());
    let fail = |at: usize, m: String| {
        vec![
            SourceDiagnostic::error(&file, (at, at), m)
                .with_code(TerraformCode::Plan)
                .with_help(
                    "give the output of `terraform show -json PLANFILE` (see docs/terraform.md)",
                ),
        ]
    };
    let doc: J = serde_json::from_str(&text).map_err(|e| {
        let at = file.offset_of(e.line(), e.column());
        fail(at, format!("the plan is not JSON: {e}"))
    })?;
    let Some(root_module) = doc.pointer("/planned_values/root_module") else {
        return Err(fail(
            0,
            "no `planned_values.root_module`: is this the JSON of `terraform show -json PLANFILE`?"
                .into(),
        ));
    };
    let mut after_unknown: HashMap<String, &J> = HashMap::new();
    for rc in doc
        .get("resource_changes")
        .and_then(J::as_array)
        .into_iter()
        .flatten()
    {
        if let (Some(a), Some(u)) = (
            rc.get("address").and_then(J::as_str),
            rc.pointer("/change/after_unknown"),
        ) {
            after_unknown.insert(a.to_string(), u);
        }
    }
    let root = match dir {
        Some(d) => super::absolute(d),
        None => super::absolute(
            path.parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new(".")),
        ),
    };
    let mut cx = Cx {
        plan: name.clone(),
        unknowns: Vec::new(),
        after_unknown,
        root: &root,
        errors: Vec::new(),
        text: &text,
        file: &file,
    };
    let mut resources = Vec::new();
    cx.module(root_module, &mut resources);
    let Cx {
        unknowns, errors, ..
    } = cx;
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Config {
        root,
        resources,
        unknowns,
        plan: Some(name),
    })
}

struct Cx<'a> {
    plan: String,
    unknowns: Vec<Arc<Unknown>>,
    after_unknown: HashMap<String, &'a J>,
    root: &'a Path,
    errors: Vec<SourceDiagnostic>,
    text: &'a str,
    file: &'a SourceFile,
}

impl Cx<'_> {
    fn module(&mut self, m: &J, out: &mut Vec<Resource>) {
        let module = match m.get("address").and_then(J::as_str) {
            Some(a) => match parse_module_path(a) {
                Some(p) => p,
                None => {
                    self.error(a, format!("cannot read the module address `{a}`"));
                    return;
                }
            },
            None => Vec::new(),
        };
        for r in m
            .get("resources")
            .and_then(J::as_array)
            .into_iter()
            .flatten()
        {
            let (Some(kind), Some(name), Some(addr)) = (
                r.get("type").and_then(J::as_str),
                r.get("name").and_then(J::as_str),
                r.get("address").and_then(J::as_str),
            ) else {
                self.error(
                    "\"resources\"",
                    "a planned resource without `type`, `name` or `address`".into(),
                );
                continue;
            };
            let data = r.get("mode").and_then(J::as_str) == Some("data");
            let key = match r.get("index") {
                Some(J::Number(n)) => n.as_u64().map(InstanceKey::Int),
                Some(J::String(s)) => Some(InstanceKey::Str(s.clone())),
                _ => None,
            };
            let address = Address {
                module: module.clone(),
                data,
                kind: kind.into(),
                name: name.into(),
                key,
            };
            let unknown = self.after_unknown.get(addr).copied();
            let values = r
                .get("values")
                .cloned()
                .unwrap_or(J::Object(Default::default()));
            let mut attrs = BTreeMap::new();
            let mut origins = BTreeMap::new();
            if let J::Object(o) = &values {
                for (k, v) in o {
                    let u = unknown.and_then(|u| u.get(k));
                    attrs.insert(k.clone(), self.value(v, u, &format!("{addr}.{k}")));
                    origins.insert(k.clone(), Origin::new(OriginKind::Plan, self.plan.clone()));
                    if let J::Object(inner) = v {
                        for ik in inner.keys() {
                            origins.insert(
                                format!("{k}.{ik}"),
                                Origin::new(OriginKind::Plan, self.plan.clone()),
                            );
                        }
                    }
                }
            }
            // after_unknown attributes are absent from `values`.
            if let Some(J::Object(u)) = unknown {
                for (k, flag) in u {
                    if !attrs.contains_key(k) && flag == &J::Bool(true) {
                        attrs.insert(k.clone(), self.unknown(&format!("{addr}.{k}")));
                    }
                }
            }
            out.push(Resource {
                address,
                mode: if data {
                    ResourceMode::Data
                } else {
                    ResourceMode::Managed
                },
                at: self.at(addr),
                module_dir: self.root.to_path_buf(),
                attrs,
                origins,
            });
        }
        for c in m
            .get("child_modules")
            .and_then(J::as_array)
            .into_iter()
            .flatten()
        {
            self.module(c, out);
        }
    }

    fn value(&mut self, v: &J, unknown: Option<&J>, address: &str) -> TfValue {
        if unknown == Some(&J::Bool(true)) {
            return self.unknown(address);
        }
        match v {
            J::Null => match unknown {
                Some(J::Bool(true)) => self.unknown(address),
                _ => TfValue::Null,
            },
            J::Bool(b) => TfValue::Bool(*b),
            J::Number(n) => TfValue::Number(
                n.as_i64()
                    .map(hcl::Number::from)
                    .or_else(|| n.as_f64().and_then(hcl::Number::from_f64))
                    .unwrap_or_else(|| hcl::Number::from(0)),
            ),
            J::String(s) => TfValue::String(s.clone()),
            J::Array(a) => TfValue::List(
                a.iter()
                    .enumerate()
                    .map(|(i, x)| {
                        self.value(
                            x,
                            unknown.and_then(|u| u.get(i)),
                            &format!("{address}[{i}]"),
                        )
                    })
                    .collect(),
            ),
            J::Object(o) => {
                let mut m: BTreeMap<String, TfValue> = o
                    .iter()
                    .map(|(k, x)| {
                        (
                            k.clone(),
                            self.value(
                                x,
                                unknown.and_then(|u| u.get(k)),
                                &format!("{address}.{k}"),
                            ),
                        )
                    })
                    .collect();
                if let Some(J::Object(u)) = unknown {
                    for (k, flag) in u {
                        if flag == &J::Bool(true) && !m.contains_key(k) {
                            m.insert(k.clone(), self.unknown(&format!("{address}.{k}")));
                        }
                    }
                }
                TfValue::Map(m)
            }
        }
    }

    fn unknown(&mut self, address: &str) -> TfValue {
        let u = Arc::new(Unknown {
            address: address.to_string(),
            kind: UnknownKind::PlanUnknown,
            at: self.at(address
                .split_once(".substitutions")
                .map(|(a, _)| a)
                .unwrap_or(address)),
            help: "the plan knows it only after apply: give the value the flow needs under `vars:`"
                .into(),
        });
        self.unknowns.push(u.clone());
        TfValue::Unknown(u)
    }

    /// `plan.json:LINE` of the first mention of `address`.
    fn at(&self, address: &str) -> String {
        let needle = serde_json::Value::String(address.to_string()).to_string();
        let off = self.text.find(&needle).unwrap_or(0);
        format!("{}:{}", self.plan, self.file.line_col(off).0)
    }

    fn error(&mut self, near: &str, m: String) {
        let at = self.text.find(near).unwrap_or(0);
        self.errors
            .push(SourceDiagnostic::error(self.file, (at, at), m).with_code(TerraformCode::Plan));
    }
}

/// `module.a["k"].module.b[0]` as (name, key) steps.
pub fn parse_module_path(s: &str) -> Option<Vec<(String, Option<InstanceKey>)>> {
    let mut out = Vec::new();
    let mut rest = s;
    while !rest.is_empty() {
        rest = rest.strip_prefix("module.")?;
        let end = rest.find(['[', '.']).unwrap_or(rest.len());
        let name = rest[..end].to_string();
        rest = &rest[end..];
        let mut key = None;
        if let Some(r) = rest.strip_prefix('[') {
            if let Some(r2) = r.strip_prefix('"') {
                // A JSON-quoted key: find its closing quote.
                let mut de = serde_json::Deserializer::from_str(r).into_iter::<String>();
                let k = de.next()?.ok()?;
                let used = de.byte_offset();
                let _ = r2;
                key = Some(InstanceKey::Str(k));
                rest = r[used..].strip_prefix(']')?;
            } else {
                let close = r.find(']')?;
                key = Some(InstanceKey::Int(r[..close].parse().ok()?));
                rest = &r[close + 1..];
            }
        }
        out.push((name, key));
        rest = rest.strip_prefix('.').unwrap_or(rest);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_paths() {
        assert_eq!(
            parse_module_path(r#"module.a["k.x"].module.b[2]"#),
            Some(vec![
                ("a".into(), Some(InstanceKey::Str("k.x".into()))),
                ("b".into(), Some(InstanceKey::Int(2)))
            ])
        );
        assert_eq!(
            parse_module_path("module.a"),
            Some(vec![("a".into(), None)])
        );
    }
}
