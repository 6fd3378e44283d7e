//! The values a flow is loaded with: its `{{placeholder}}` names, and how a rules file's
//! `vars:`, the project's defaults and `--var` fill them. Shared by `flows` (binding) and
//! `prefetch` (the same load made early), beneath both so that neither imports the other.

use std::collections::{BTreeMap, BTreeSet};

use crate::flow::placeholders;

/// `--var NAME=VALUE` pairs, applied while loading.
pub type VarOverrides = BTreeMap<String, String>;

/// The `{{placeholder}}` names of a flow's text.
pub(crate) fn placeholder_names_in(text: &str) -> BTreeSet<String> {
    placeholders::names(text)
}

/// The values a flow with placeholders `ph` is loaded with: the rules file's `vars:`, then
/// `defaults` for placeholders it leaves open, then `overrides` (whose names are returned as
/// used); and the placeholders still without a value.
pub(crate) fn flow_vars(
    ph: &BTreeSet<String>,
    file_vars: &BTreeMap<String, String>,
    defaults: &VarOverrides,
    overrides: &VarOverrides,
) -> (BTreeMap<String, String>, Vec<String>, Vec<String>) {
    let mut vars = file_vars.clone();
    let mut used = Vec::new();
    for (name, value) in defaults {
        if ph.contains(name) && !vars.contains_key(name) {
            vars.insert(name.clone(), value.clone());
        }
    }
    for (name, value) in overrides {
        if ph.contains(name) {
            vars.insert(name.clone(), value.clone());
            used.push(name.clone());
        }
    }
    let missing = ph
        .iter()
        .filter(|n| !vars.contains_key(*n))
        .cloned()
        .collect();
    (vars, used, missing)
}
