//! Resource instance addresses, printed exactly as `terraform state list` prints them
//! (`module.a["k"].genesyscloud_flow.x[0]`), and finding one from what a rules file wrote.

use std::fmt;

use super::model::{Resource, ResourceMode};

/// A `count` index or a `for_each` key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum InstanceKey {
    Int(u64),
    Str(String),
}

impl fmt::Display for InstanceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InstanceKey::Int(i) => write!(f, "[{i}]"),
            // Terraform quotes keys as HCL strings: JSON escaping is the same for the
            // characters keys hold in practice.
            InstanceKey::Str(s) => write!(f, "[{}]", serde_json::Value::String(s.clone())),
        }
    }
}

/// A resource instance's address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    /// Module calls from the root, each with its instance key.
    pub module: Vec<(String, Option<InstanceKey>)>,
    pub data: bool,
    pub kind: String,
    pub name: String,
    pub key: Option<InstanceKey>,
}

impl Address {
    /// The module path alone (`module.a["k"].module.b`), empty for the root.
    pub fn module_path(&self) -> String {
        module_path(&self.module)
    }
}

pub fn module_path(module: &[(String, Option<InstanceKey>)]) -> String {
    let mut out = String::new();
    for (name, key) in module {
        if !out.is_empty() {
            out.push('.');
        }
        out.push_str("module.");
        out.push_str(name);
        if let Some(k) = key {
            out.push_str(&k.to_string());
        }
    }
    out
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = self.module_path();
        if !m.is_empty() {
            write!(f, "{m}.")?;
        }
        if self.data {
            f.write_str("data.")?;
        }
        write!(f, "{}.{}", self.kind, self.name)?;
        if let Some(k) = &self.key {
            write!(f, "{k}")?;
        }
        Ok(())
    }
}

/// The one instance `query` names. An exact address wins; a bare `TYPE.NAME` (no
/// module path, no key) names the instance when it is the only one of that type and name
/// in the whole configuration.
pub fn find<'a>(resources: &'a [Resource], query: &str) -> Result<&'a Resource, String> {
    let managed = || {
        resources
            .iter()
            .filter(|r| r.mode == ResourceMode::Managed || query.starts_with("data."))
    };
    let all: Vec<(&Resource, String)> = managed().map(|r| (r, r.address.to_string())).collect();
    if let Some((r, _)) = all.iter().find(|(_, a)| a == query) {
        return Ok(r);
    }
    if let Some((kind, name)) = query.split_once('.')
        && !query.starts_with("module.")
        && !name.contains(['.', '['])
    {
        let same: Vec<&(&Resource, String)> = all
            .iter()
            .filter(|(r, _)| r.address.kind == kind && r.address.name == name && !r.address.data)
            .collect();
        match same.as_slice() {
            [(r, _)] => return Ok(r),
            [] => {}
            many => {
                let names: Vec<&str> = many.iter().map(|(_, a)| a.as_str()).collect();
                return Err(format!(
                    "`{query}` names {} instances; write one of: {}",
                    many.len(),
                    names.join(", ")
                ));
            }
        }
    }
    let names: Vec<&str> = all.iter().map(|(_, a)| a.as_str()).collect();
    if names.is_empty() {
        return Err(format!(
            "no resource `{query}`: the configuration has no resources"
        ));
    }
    Err(format!(
        "no resource `{query}` in the configuration; nearest: {}",
        nearest(query, &names).join(", ")
    ))
}

/// Up to three addresses closest to `query` (by edit distance, ties in config order),
/// preferring those of the same type and name.
fn nearest<'a>(query: &str, names: &[&'a str]) -> Vec<&'a str> {
    let tail = query
        .rsplit_once("module.")
        .map(|(_, t)| t)
        .unwrap_or(query);
    let tail = tail
        .split_once('.')
        .map(|(_, t)| t)
        .filter(|_| query.starts_with("module."))
        .unwrap_or(tail);
    let mut scored: Vec<(usize, usize, &str)> = names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let d = crate::diag::edit_distance(query, n);
            // An address that ends with the query's resource is near whatever the path.
            let bonus = if n.ends_with(tail) || n.contains(&format!("{tail}[")) {
                0
            } else {
                1
            };
            (bonus * 1000 + d, i, *n)
        })
        .collect();
    scored.sort();
    scored.into_iter().take(3).map(|(_, _, n)| n).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(
        module: &[(&str, Option<InstanceKey>)],
        kind: &str,
        name: &str,
        key: Option<InstanceKey>,
    ) -> Address {
        Address {
            module: module
                .iter()
                .map(|(n, k)| (n.to_string(), k.clone()))
                .collect(),
            data: false,
            kind: kind.into(),
            name: name.into(),
            key,
        }
    }

    #[test]
    fn printed_as_terraform_state_list() {
        let a = addr(
            &[
                ("a", Some(InstanceKey::Str("k".into()))),
                ("b", Some(InstanceKey::Int(0))),
            ],
            "genesyscloud_flow",
            "x",
            Some(InstanceKey::Str("key \"q\"".into())),
        );
        assert_eq!(
            a.to_string(),
            r#"module.a["k"].module.b[0].genesyscloud_flow.x["key \"q\""]"#
        );
        assert_eq!(addr(&[], "t", "n", None).to_string(), "t.n");
    }
}
