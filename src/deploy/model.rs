//! The deploy's resources in a form independent of how they were read: each a type,
//! an address, where it is declared and its evaluated attributes, where a value known
//! only after apply (`genesyscloud_architect_schedules.open.id`) is kept as the address
//! it refers to, so references between resources still resolve offline.

use std::collections::BTreeMap;

/// An attribute value.
#[derive(Debug, Clone, PartialEq)]
pub enum Attr {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    List(Vec<Attr>),
    Map(BTreeMap<String, Attr>),
    /// Not known offline: the Terraform address of what it is (`TYPE.NAME.id`).
    Unknown(String),
}

impl Attr {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Attr::String(s) => Some(s),
            _ => None,
        }
    }

    /// The items of a list or set (a single value is one item).
    pub fn items(&self) -> Vec<&Attr> {
        match self {
            Attr::List(l) => l.iter().collect(),
            Attr::Null => Vec::new(),
            one => vec![one],
        }
    }
}

/// One resource instance.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// The resource type (`genesyscloud_routing_queue`).
    pub kind: String,
    /// Its address as `terraform state list` prints it.
    pub address: String,
    /// `file:line` of its declaration.
    pub at: String,
    pub attrs: BTreeMap<String, Attr>,
}

impl Item {
    pub fn attr(&self, name: &str) -> Option<&Attr> {
        self.attrs.get(name)
    }

    /// A string attribute, or why it cannot be used.
    pub fn text(&self, name: &str) -> Result<Option<&str>, String> {
        match self.attrs.get(name) {
            None | Some(Attr::Null) => Ok(None),
            Some(Attr::String(s)) => Ok(Some(s)),
            Some(Attr::Unknown(a)) => Err(format!(
                "its `{name}` is `{a}`, which cannot be known offline"
            )),
            Some(other) => Err(format!("its `{name}` is not a string ({other:?})")),
        }
    }
}

/// A problem with one resource: it is left out of the model, and the problem is shown
/// where a flow relies on it.
#[derive(Debug, Clone, PartialEq)]
pub struct DeployProblem {
    pub address: String,
    pub at: String,
    pub message: String,
}

impl std::fmt::Display for DeployProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}): {}", self.address, self.at, self.message)
    }
}
