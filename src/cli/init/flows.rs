//! What `init` finds among a repository's flow files, and what it can fill of their
//! `{{placeholders}}`: the kinds routecheck runs (the flows a config lists and a starter
//! suite is generated for), the others (bot flows, call flows: named, left out), and per
//! flow each placeholder's value and where it came from — Terraform, a rules file's
//! `vars:` — or why nothing gives it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::flow::kind;

/// A flow file init found, and what kind it is.
#[derive(Debug, Clone)]
pub struct Found {
    pub path: PathBuf,
    pub kind: &'static kind::FlowKind,
    /// Why routecheck cannot read it (its first load error, located), for a kind it runs
    /// but a file using something it does not model yet: such a file is left out of
    /// `flows:`, or lint would stop on it.
    pub unread: Option<String>,
}

/// Every Archy flow among `files` (by its top-level key), in walk order.
pub fn classify(files: &[PathBuf]) -> Vec<Found> {
    files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .filter_map(|p| {
            let text = crate::source::read_text(p).ok()?;
            let (key, _) = kind::top_key(&text)?;
            let kind = kind::by_key(key)?;
            Some(Found {
                path: p.clone(),
                kind,
                unread: None,
            })
        })
        .collect()
}

/// Whether routecheck runs this kind as the flow under test (a starter suite is written
/// for it).
pub fn under_test(k: &kind::FlowKind) -> bool {
    k.runs == kind::Runs::UnderTest
}

/// Whether routecheck loads this kind at all: the flow under test, or a bot flow or
/// common module it calls (found through `flows:`).
pub fn runs(f: &Found) -> bool {
    f.kind.simulated() && f.unread.is_none()
}

/// Why the flow at `path` does not load with the values init gives its placeholders
/// (`None` when it loads): the first error, with where it is.
pub fn load_error(path: &Path, vars: &BTreeMap<String, String>) -> Option<String> {
    let errs = crate::flow::Flow::load_called(path, vars).err()?;
    let d = errs
        .iter()
        .find(|d| d.severity == crate::diag::Severity::Error)
        .or(errs.first())?;
    let at = d.location();
    let shown = crate::source::shown::relative(Path::new(&at), Path::new("."));
    Some(format!("{} at {shown}", d.message))
}

/// The `flows:` entries for the flows routecheck loads, relative to `root`: their
/// directories, except that a directory also holding a flow of a kind routecheck does
/// not model (an inbound call flow beside the message flow) is listed file by file, so
/// lint is never handed a file it would refuse.
pub fn entries(root: &Path, found: &[Found]) -> Vec<String> {
    let rel = |p: &Path| -> String {
        let s = p.strip_prefix(root).unwrap_or(p).display().to_string();
        if s.is_empty() { ".".into() } else { s }
    };
    let mut dirs: Vec<&Path> = found
        .iter()
        .filter(|f| runs(f))
        .filter_map(|f| f.path.parent())
        .collect();
    dirs.sort();
    dirs.dedup();
    let mut out: Vec<String> = Vec::new();
    let mut listed: Vec<&Path> = Vec::new();
    for d in dirs {
        if listed.iter().any(|l| d.starts_with(l)) {
            continue;
        }
        let mixed = found.iter().any(|f| !runs(f) && f.path.starts_with(d));
        if mixed {
            out.extend(
                found
                    .iter()
                    .filter(|f| runs(f) && f.path.parent() == Some(d))
                    .map(|f| rel(&f.path)),
            );
        } else {
            listed.push(d);
            out.push(rel(d));
        }
    }
    out
}

/// Where one placeholder's value comes from, as init reports it.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// Terraform gives it (the text says where).
    Terraform(String),
    /// A rules file's `vars:` (its path).
    Rules(String),
    /// Nothing: written to routecheck.yaml `vars:` as a marker (the text says why).
    Missing(String),
}

/// One placeholder of one flow.
#[derive(Debug, Clone)]
pub struct Fill {
    pub name: String,
    pub value: String,
    pub source: Source,
}

/// The value init writes for a placeholder nothing gives: obviously not a real value, a
/// plain word that reads back the same wherever the provider pastes it in the YAML (a
/// name, a mapping key, inside an expression string).
pub fn marker(name: &str) -> String {
    format!("TODO-{name}")
}

/// The placeholders of a flow file that no Terraform resource deploys: from the rules
/// files' `vars:` (`given`, each with the file it came from), else a marker.
pub fn plain(path: &Path, given: &BTreeMap<String, (String, String)>) -> Vec<Fill> {
    let Ok(text) = crate::source::read_text(path) else {
        return Vec::new();
    };
    crate::flow::placeholders::names(&text)
        .into_iter()
        .map(|name| match given.get(&name) {
            Some((value, from)) => Fill {
                value: value.clone(),
                source: Source::Rules(from.clone()),
                name,
            },
            None => Fill {
                value: marker(&name),
                source: Source::Missing(
                    "no Terraform resource deploys this file and no rules file gives it".into(),
                ),
                name,
            },
        })
        .collect()
}

/// The placeholders of the flow a `genesyscloud_flow` deploys, as `test` will bind them:
/// each substitution Terraform knows (with where its value comes from), and a marker for
/// each it cannot know offline (a remote module's output, a data source, a variable
/// without a value) or the resource does not give at all.
pub fn deployed(tf: &crate::terraform::Config, address: &str) -> Option<(PathBuf, Vec<Fill>)> {
    let flow = tf.flow(address).ok()?;
    let path = flow.filepath.clone().ok()?;
    let mut out: Vec<Fill> = flow
        .substitutions
        .iter()
        .map(|(name, value)| Fill {
            name: name.clone(),
            value: value.clone(),
            // Where the value is written (the last step of its chain through modules):
            // what a user edits to change it.
            source: Source::Terraform(match flow.origins.get(name) {
                Some(o) => crate::terraform::Origin {
                    from: None,
                    ..o.source().clone()
                }
                .to_string(),
                None => format!("set in the resource at {}", flow.at),
            }),
        })
        .collect();
    let whole = flow.unknown.iter().find(|(k, _)| k == "*").map(|(_, u)| u);
    for (name, u) in flow.unknown.iter().filter(|(k, _)| k != "*") {
        out.push(Fill {
            name: name.clone(),
            value: marker(name),
            source: Source::Missing(format!("Terraform cannot know it offline: {u}")),
        });
    }
    let text = crate::source::read_text(&path).unwrap_or_default();
    for name in crate::flow::placeholders::names(&text) {
        if out.iter().any(|f| f.name == name) {
            continue;
        }
        let why = match whole {
            Some(u) => format!("Terraform cannot know `substitutions` offline: {u}"),
            None => format!(
                "`{address}` gives it no substitution, so the deploy leaves `{{{{{name}}}}}` as written"
            ),
        };
        out.push(Fill {
            value: marker(&name),
            source: Source::Missing(why),
            name,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Some((path, out))
}

/// The root module directory routecheck.yaml's `terraform:` names.
pub fn terraform_dir(config: &crate::project::ProjectConfig) -> Option<String> {
    config.terraform.as_ref()?.section().dir
}

/// Every `genesyscloud_flow` instance's address, in declaration order.
pub fn addresses(tf: &crate::terraform::Config) -> Vec<String> {
    tf.of_type("genesyscloud_flow")
        .map(|r| r.address.to_string())
        .collect()
}

/// Whether a `genesyscloud_flow` deploys the file `path`.
pub fn deploys(tf: &crate::terraform::Config, path: &Path) -> bool {
    let canon = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let want = canon(path);
    addresses(tf).iter().any(|a| {
        tf.flow(a)
            .ok()
            .and_then(|f| f.filepath.ok())
            .is_some_and(|p| canon(&p) == want)
    })
}
