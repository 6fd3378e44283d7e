//! Lint reads flows as the deploy does: with `--terraform` (or routecheck.yaml's
//! `terraform:`), a flow file a `genesyscloud_flow` resource deploys is linted once per
//! instance with that instance's substitutions, `tf:ADDRESS` names one instance, and
//! `vars:`/`--var` fill only what Terraform cannot know offline
//! ([`crate::terraform::Config::bind`]).

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

use crate::diag::{SourceDiagnostic, SourceFile};
use crate::source::code::LintInputCode;
use crate::terraform::{Config, Fill};

/// One flow to load: the file as shown, its placeholder values, and the resource it is.
#[derive(Debug, Clone)]
pub struct Job {
    pub path: PathBuf,
    pub vars: BTreeMap<String, String>,
    pub address: Option<String>,
}

/// The flows to load for `flows` (files, and `tf:ADDRESS` entries), each file a
/// resource deploys replaced by its instances. Binding problems go to `errors`, each
/// fill a Terraform value beats to `notes`.
pub fn jobs(
    flows: Vec<PathBuf>,
    tf: Option<&Config>,
    vars: &BTreeMap<String, String>,
    notes: &mut Vec<String>,
    errors: &mut Vec<SourceDiagnostic>,
) -> Vec<Job> {
    let fills = [Fill {
        label: "the lint's `vars:`/`--var`",
        vars,
    }];
    let mut out = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for path in flows {
        let text = path.to_string_lossy().to_string();
        let addresses = match (text.strip_prefix("tf:"), tf) {
            (Some(a), Some(_)) => vec![a.to_string()],
            (Some(_), None) => {
                errors.push(unlocated(format!(
                    "`{text}` names a Terraform resource, but no Terraform configuration was given (pass --terraform DIR or --tf-plan FILE, or set `terraform:` in routecheck.yaml)"
                )));
                continue;
            }
            (None, Some(tf)) => tf.flows_of_file(&path),
            (None, None) => Vec::new(),
        };
        let Some(tf) = tf.filter(|_| !addresses.is_empty()) else {
            out.push(Job {
                path,
                vars: vars.clone(),
                address: None,
            });
            continue;
        };
        for a in addresses {
            if !seen.insert(a.clone()) {
                continue;
            }
            match tf.bind(&a, &fills) {
                Ok(b) => {
                    notes.extend(b.warnings.iter().cloned());
                    out.push(Job {
                        path: std::path::PathBuf::from(crate::source::shown::shown(&b.path)),
                        vars: b.vars,
                        address: Some(b.address),
                    });
                }
                Err(e) => errors.push(unlocated(e.message).with_help(e.help)),
            }
        }
    }
    out
}

/// A rules file's `flow: tf:ADDRESS`, bound with the file's `vars:` over the run's;
/// `None` (reported) when it cannot be.
pub fn rules_flow(
    address: &str,
    tf: Option<&Config>,
    file_vars: &BTreeMap<String, String>,
    run_vars: &BTreeMap<String, String>,
    notes: &mut Vec<String>,
) -> Result<Job, (String, String)> {
    let Some(tf) = tf else {
        return Err((
            format!("`tf:{address}` names a Terraform resource, but no Terraform configuration was given"),
            "run with `--terraform DIR` (the root module) or `--tf-plan FILE`, or set `terraform: { dir: … }` in routecheck.yaml".into(),
        ));
    };
    let fills = [
        Fill {
            label: "`vars:` in this rules file",
            vars: file_vars,
        },
        Fill {
            label: "the lint's `vars:`/`--var`",
            vars: run_vars,
        },
    ];
    let b = tf.bind(address, &fills).map_err(|e| (e.message, e.help))?;
    notes.extend(b.warnings.iter().cloned());
    Ok(Job {
        path: std::path::PathBuf::from(crate::source::shown::shown(&b.path)),
        vars: b.vars,
        address: Some(b.address),
    })
}

fn unlocated(message: String) -> SourceDiagnostic {
    SourceDiagnostic::error(&SourceFile::unlocated("terraform"), (0, 0), message)
        .with_code(LintInputCode::Load)
}
