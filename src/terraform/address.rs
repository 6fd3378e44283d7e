//! Resource instance addresses, printed exactly as `terraform state list` prints them
//! (`module.a["k"].genesyscloud_flow.x[0]`).

use std::fmt;

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
