//! A `genesyscloud_flow` bound for loading: its file, the `{{placeholder}}` values the
//! deploy gives it, and where each one came from.
//!
//! What Terraform knows wins: a deploy is checked with the values it deploys. `vars:`
//! and `--var` ([`Fill`]) only fill what Terraform cannot know offline (a data source, a
//! required variable without a value, …) and placeholders the resource gives no
//! substitution at all; a fill that disagrees with a known value is ignored with a
//! warning (change the Terraform value with `--tf-var` or a variable file instead).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::model::{Config, Origin, TfValue, Unknown};

/// One source of placeholder values besides Terraform, named as messages name it
/// (`--var`, `vars: in rules/a.yaml`, `routecheck.yaml vars:`).
#[derive(Debug, Clone, Copy)]
pub struct Fill<'a> {
    pub label: &'a str,
    pub vars: &'a BTreeMap<String, String>,
}

/// Where one placeholder's value came from.
#[derive(Debug, Clone, PartialEq)]
pub enum SubstitutionSource {
    /// The resource's `substitutions`, evaluated; the origin chain when one is known.
    Terraform(Option<Origin>),
    /// A [`Fill`] (`by` is its label): Terraform cannot know it offline (`unknown`), or
    /// the resource gives the placeholder no substitution (`None`).
    Filled {
        by: String,
        unknown: Option<Arc<Unknown>>,
    },
}

/// One placeholder's value and origin.
#[derive(Debug, Clone, PartialEq)]
pub struct Substitution {
    pub name: String,
    pub value: String,
    pub source: SubstitutionSource,
}

impl Substitution {
    /// `"value" (from dev.auto.tfvars:3 ← …)`, as trace and graph print it.
    pub fn describe(&self) -> String {
        let from = match &self.source {
            SubstitutionSource::Terraform(Some(o)) => o.to_string(),
            SubstitutionSource::Terraform(None) => "set in the resource".into(),
            SubstitutionSource::Filled {
                by,
                unknown: Some(u),
            } => format!("from {by}; Terraform cannot know `{}` offline", u.address),
            SubstitutionSource::Filled { by, unknown: None } => {
                format!("from {by}; the resource gives it no substitution")
            }
        };
        format!("{:?} ({from})", self.value)
    }
}

/// A flow ready to load.
#[derive(Debug, Clone)]
pub struct FlowBinding {
    /// Its address as `terraform state list` prints it.
    pub address: String,
    /// `filepath`, resolved against the root module.
    pub path: PathBuf,
    /// The placeholder values to load it with.
    pub vars: BTreeMap<String, String>,
    /// Each value in `vars` and where it came from, by name.
    pub substitutions: Vec<Substitution>,
    /// Names of fill values that concern this flow (filled, or ignored with a warning):
    /// a `--var` among them is never "unused".
    pub used: Vec<String>,
    /// A fill that disagrees with what Terraform knows; a placeholder filled that the
    /// deploy leaves as written.
    pub warnings: Vec<String>,
    /// `file:line` of the resource block.
    pub at: String,
}

impl FlowBinding {
    /// A placeholder Terraform leaves to a [`Fill`] (`by`), taking its value.
    fn fill(&mut self, name: &str, value: &str, by: &str, unknown: Option<Arc<Unknown>>) {
        self.used.push(name.to_owned());
        self.vars.insert(name.to_owned(), value.to_owned());
        self.substitutions.push(Substitution {
            name: name.to_owned(),
            value: value.to_owned(),
            source: SubstitutionSource::Filled {
                by: by.to_owned(),
                unknown,
            },
        });
    }
}

/// Why a flow cannot be bound: the message and how to fix it.
#[derive(Debug, Clone, PartialEq)]
pub struct BindError {
    pub message: String,
    pub help: String,
}

impl Config {
    /// Bind the `genesyscloud_flow` at `query` (an address, or a bare `TYPE.NAME`
    /// unique in the configuration). `fills` are in precedence order: the first that
    /// has a name gives it.
    pub fn bind(&self, query: &str, fills: &[Fill<'_>]) -> Result<FlowBinding, BindError> {
        let flow = self.flow(query).map_err(|e| BindError {
            message: format!("`tf:{query}`: {e}"),
            help: "name the flow by its address as `terraform state list` prints it".into(),
        })?;
        let path = flow.filepath.map_err(|e| BindError {
            message: format!("`{}` has no usable `filepath`: {e}", flow.address),
            help: format!("the resource is declared at {}", flow.at),
        })?;
        let first = |name: &str| {
            fills
                .iter()
                .find_map(|f| f.vars.get(name).map(|v| (f.label, v)))
        };
        let mut out = FlowBinding {
            address: flow.address.clone(),
            path,
            vars: BTreeMap::new(),
            substitutions: Vec::new(),
            used: Vec::new(),
            warnings: Vec::new(),
            at: flow.at.clone(),
        };
        for (name, value) in &flow.substitutions {
            let origin = flow.origins.get(name).cloned();
            for f in fills {
                if let Some(given) = f.vars.get(name) {
                    out.used.push(name.clone());
                    if given != value {
                        let from = origin
                            .as_ref()
                            .map(|o| format!(" ({o})"))
                            .unwrap_or_default();
                        out.warnings.push(format!(
                            "{} gives `{name}` = {given:?}, but `{}` deploys {value:?}{from}: Terraform's value is used (change it with `--tf-var` or a variable file)",
                            f.label, flow.address
                        ));
                    }
                }
            }
            out.vars.insert(name.clone(), value.clone());
            out.substitutions.push(Substitution {
                name: name.clone(),
                value: value.clone(),
                source: SubstitutionSource::Terraform(origin),
            });
        }
        let mut missing = Vec::new();
        // `substitutions` unknown as a whole: every placeholder of the file needs a fill.
        let whole = flow.unknown.iter().find(|(k, _)| k == "*").map(|(_, u)| u);
        for (name, u) in flow.unknown.iter().filter(|(k, _)| k != "*") {
            match first(name) {
                Some((by, v)) => out.fill(name, v, by, Some(u.clone())),
                None => missing.push(format!("`{name}` = {u}")),
            }
        }
        for name in placeholders(&out.path) {
            if out.vars.contains_key(&name) || flow.unknown.iter().any(|(k, _)| *k == name) {
                continue;
            }
            match first(&name) {
                Some((by, v)) => {
                    if whole.is_none() {
                        out.warnings.push(format!(
                            "`{}` gives `{{{{{name}}}}}` no substitution, so the deploy leaves it as written; this run uses {by}'s {v:?}",
                            flow.address
                        ));
                    }
                    out.fill(&name, v, by, whole.cloned());
                }
                None => {
                    if let Some(u) = whole {
                        missing.push(format!("`{name}` = {u}"));
                    }
                }
            }
        }
        if !missing.is_empty() {
            let mut help = "give each under `vars:` in the rules file, in routecheck.yaml `vars:`, or with `--var NAME=VALUE`; or give the Terraform value it names".to_string();
            // An unknown value names the first unknown it was built from; Terraform asks
            // for every required variable at once, so the rest are named too (one run
            // to fix them all, not one per variable).
            let named = missing.join("; ");
            let others: Vec<String> = self
                .unknowns
                .iter()
                .filter(|u| u.kind == super::model::UnknownKind::RequiredVariable)
                .filter(|u| !named.contains(&format!("`{}`", u.address)))
                .map(|u| format!("`{}` ({})", u.address, u.at))
                .collect();
            if !others.is_empty() {
                help.push_str(&format!(
                    "; Terraform also asks for the other required variables with no value: {}",
                    others.join(", ")
                ));
            }
            return Err(BindError {
                message: format!(
                    "substitutions of `{}` that cannot be known offline: {named}",
                    flow.address,
                ),
                help,
            });
        }
        out.substitutions.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// Every `genesyscloud_flow` instance bound with `fills` (its own substitutions, for
    /// the flows a call reaches; issue 25), or why it cannot be.
    pub fn bound_flows(&self, fills: &[Fill<'_>]) -> Vec<crate::flow::Bound> {
        self.flow_addresses()
            .into_iter()
            .filter_map(|address| {
                let path = self.flow(&address).ok()?.filepath.ok()?;
                let vars = self
                    .bind(&address, fills)
                    .map(|b| b.vars)
                    .map_err(|e| format!("{} ({})", e.message, e.help));
                Some(crate::flow::Bound {
                    path: PathBuf::from(crate::source::shown::shown(&path)),
                    address,
                    vars,
                })
            })
            .collect()
    }

    /// Every `genesyscloud_flow` instance's address, in declaration order.
    pub fn flow_addresses(&self) -> Vec<String> {
        self.of_type("genesyscloud_flow")
            .map(|r| r.address.to_string())
            .collect()
    }

    /// The `genesyscloud_flow` instances whose `filepath` is the file `path`.
    pub fn flows_of_file(&self, path: &Path) -> Vec<String> {
        let want = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        self.of_type("genesyscloud_flow")
            .filter(|r| match r.attr("filepath") {
                Some(TfValue::String(s)) => {
                    let p = self.path(s);
                    p.canonicalize().unwrap_or(p) == want
                }
                _ => false,
            })
            .map(|r| r.address.to_string())
            .collect()
    }

    /// The `genesyscloud_flow` whose flow `name` (after its substitutions) is `name`: the
    /// flow a `callBotFlow` names.
    pub fn flow_named(&self, name: &str) -> Option<String> {
        self.of_type("genesyscloud_flow")
            .find(|r| matches!(r.attr("name"), Some(TfValue::String(n)) if n == name))
            .map(|r| r.address.to_string())
    }
}

/// The `{{placeholder}}` names of a flow file (none when it cannot be read: loading the
/// flow reports that).
fn placeholders(path: &Path) -> BTreeSet<String> {
    let Ok(text) = crate::source::read_text(path) else {
        return BTreeSet::new();
    };
    match crate::flow::placeholders::substitute(&text, &BTreeMap::new()) {
        Ok(_) => BTreeSet::new(),
        Err(errs) => errs
            .into_iter()
            .filter(|e| !e.spaced)
            .map(|e| e.name)
            .collect(),
    }
}
