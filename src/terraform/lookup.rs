//! Finding a resource from what a rules file wrote (`flow: tf:ADDRESS`): an exact
//! address as `terraform state list` prints it, or a bare `TYPE.NAME` unique in the whole
//! configuration; anything else gets the nearest addresses that exist.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use super::model::{Config, Origin, Resource, ResourceMode, TfValue, Unknown};

/// A `genesyscloud_flow` instance as the suite binds it.
#[derive(Debug, Clone)]
pub struct FlowResource {
    pub address: String,
    /// `filepath`, resolved against the root module directory.
    pub filepath: Result<PathBuf, String>,
    /// Known substitutions, as strings.
    pub substitutions: BTreeMap<String, String>,
    /// Substitutions that cannot be known offline.
    pub unknown: Vec<(String, Arc<Unknown>)>,
    pub origins: BTreeMap<String, Origin>,
    pub at: String,
}

impl Config {
    /// The resource `query` names: an exact address, or `TYPE.NAME` without module path
    /// and key when exactly one instance matches. The error lists the nearest addresses.
    pub fn find(&self, query: &str) -> Result<&Resource, String> {
        find(&self.resources, query, None)
    }

    /// The `genesyscloud_flow` at `query`, its file and substitutions.
    pub fn flow(&self, query: &str) -> Result<FlowResource, String> {
        // A typo of a flow's address is near another flow, not the web deployment beside it.
        let r = find(&self.resources, query, Some("genesyscloud_flow"))?;
        if r.address.kind != "genesyscloud_flow" {
            return Err(format!(
                "`{}` is a `{}`, not a `genesyscloud_flow`",
                r.address, r.address.kind
            ));
        }
        let filepath = match r.attr("filepath") {
            Some(TfValue::String(s)) => Ok(self.path(s)),
            Some(TfValue::Unknown(u)) => {
                Err(format!("its `filepath` cannot be known offline: {u}"))
            }
            Some(other) => Err(format!("its `filepath` is not a string: {other:?}")),
            None => Err("it has no `filepath`".into()),
        };
        let mut substitutions = BTreeMap::new();
        let mut unknown = Vec::new();
        if let Some(TfValue::Map(m)) = r.attr("substitutions") {
            for (k, v) in m {
                match v {
                    TfValue::Unknown(u) => unknown.push((k.clone(), u.clone())),
                    v => {
                        if let Some(t) = v.text() {
                            substitutions.insert(k.clone(), t);
                        }
                    }
                }
            }
        } else if let Some(TfValue::Unknown(u)) = r.attr("substitutions") {
            unknown.push(("*".into(), u.clone()));
        }
        let origins = r
            .origins
            .iter()
            .filter_map(|(k, o)| {
                k.strip_prefix("substitutions.")
                    .map(|k| (k.to_string(), o.clone()))
            })
            .collect();
        Ok(FlowResource {
            address: r.address.to_string(),
            filepath,
            substitutions,
            unknown,
            origins,
            at: r.at.clone(),
        })
    }
}
/// The one instance `query` names. An exact address wins; a bare `TYPE.NAME` (no
/// module path, no key) names the instance when it is the only one of that type and name
/// in the whole configuration.
/// The nearest addresses offered are of type `kind` when one is given.
fn find<'a>(
    resources: &'a [Resource],
    query: &str,
    kind: Option<&str>,
) -> Result<&'a Resource, String> {
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
    let names: Vec<&str> = all
        .iter()
        .filter(|(r, _)| kind.is_none_or(|k| r.address.kind == k))
        .map(|(_, a)| a.as_str())
        .collect();
    if names.is_empty() {
        return Err(match kind {
            Some(k) => format!("no resource `{query}`: the configuration has no `{k}`"),
            None => format!("no resource `{query}`: the configuration has no resources"),
        });
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
