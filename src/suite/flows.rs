//! Binding rules files to their flows: each distinct (flow file, placeholder values) is
//! loaded once for the whole run, `--var` fills placeholders, and every stub a rules
//! file writes is checked against the flow before any case runs.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::flow_vars::{VarOverrides, flow_vars, placeholder_names_in};
use super::model::Suite;
use super::prefetch::Prefetch;
use crate::diag::SourceDiagnostic;
use crate::flow::stubs_file::{self, StubsFile};
use crate::flow::{Flow, Stub, Stubs};
use crate::source::code::RulesCode;

/// The `{{placeholder}}` names of a flow file (`None`: unreadable; loading reports it).
pub(super) fn placeholder_names(path: &Path) -> Option<BTreeSet<String>> {
    let text = crate::source::read_text(path).ok()?;
    Some(placeholder_names_in(&text))
}

/// Load the flow of every suite that names one and check its stubs. `--var` values
/// whose name is a placeholder of a suite's flow fill it (over the file's `vars:`) and
/// are recorded in `used`; `defaults` (routecheck.yaml's `vars:`) fill placeholders
/// the file leaves open. Returns the distinct flows; each suite's `flow.index` points
/// into them. Problems go to `errors`, located in the rules or flow file.
///
/// `terraform_unread`: a configuration was given but did not read (its errors are
/// reported); a `tf:` flow is then left unbound without a second error.
///
/// `shared` are the project's stubs files (routecheck.yaml `stubs:`): each flow's cases
/// get the entries for its actions under the rules file's and the case's own stubs.
#[allow(clippy::too_many_arguments)] // one call site (the runner's load); a struct would only rename them
pub fn bind(
    suites: &mut [Suite],
    overrides: &VarOverrides,
    defaults: &VarOverrides,
    terraform: Option<&crate::terraform::Config>,
    terraform_unread: bool,
    shared: &[StubsFile],
    prefetch: Option<&Prefetch>,
    used: &mut Vec<String>,
    warnings: &mut Vec<SourceDiagnostic>,
    errors: &mut Vec<SourceDiagnostic>,
) -> Vec<Arc<Flow>> {
    // Per flow index: the shared stubs for it (their problems reported once).
    let mut shared_for: HashMap<usize, Stubs> = HashMap::new();
    let mut names: HashMap<PathBuf, Option<BTreeSet<String>>> = HashMap::new();
    // (path, vars) → index in `flows`, or None when it failed to load (reported once).
    let mut cache: HashMap<(PathBuf, BTreeMap<String, String>), Option<usize>> = HashMap::new();
    let mut flows: Vec<Arc<Flow>> = Vec::new();
    let mut libraries: HashMap<(usize, BTreeMap<String, String>), Arc<crate::flow::Library>> =
        HashMap::new();
    for suite in suites.iter_mut() {
        let Some(sf) = suite.flow.as_mut() else {
            continue;
        };
        let bound = sf.terraform.is_some();
        if let Some(resource) = sf.terraform.clone() {
            // The configuration was given but could not be read: its errors are the
            // run's, and "no configuration was given" would be wrong.
            if terraform.is_none() && terraform_unread {
                continue;
            }
            let fills = fills(overrides, &sf.vars, defaults);
            match resolve_terraform(&resource, terraform, &fills) {
                Ok(b) => {
                    used.extend(
                        b.used
                            .iter()
                            .filter(|n| overrides.contains_key(*n))
                            .cloned(),
                    );
                    for w in &b.warnings {
                        warnings.push(
                            SourceDiagnostic::warning(&suite.source, sf.span, w.clone())
                                .with_code(RulesCode::Terraform)
                                .with_label("flow named here"),
                        );
                    }
                    let path = b.path;
                    sf.display = crate::source::shown::shown(&path);
                    sf.path = path.canonicalize().unwrap_or(path);
                    sf.vars = b.vars;
                }
                Err((message, help)) => {
                    errors.push(
                        SourceDiagnostic::error(&suite.source, sf.span, message)
                            .with_code(RulesCode::Terraform)
                            .with_label("flow named here")
                            .with_help(help),
                    );
                    continue;
                }
            }
        }
        let placeholders = names.entry(sf.path.clone()).or_insert_with(|| {
            prefetch
                .and_then(|p| p.flow_placeholders(&sf.path))
                .or_else(|| placeholder_names(&sf.path))
        });
        let mut vars = sf.vars.clone();
        if let Some(ph) = placeholders {
            // A bound flow's values are final: `--var` and `vars:` filled what they may.
            let none = VarOverrides::new();
            let (filled, used_here, missing) = if bound {
                flow_vars(ph, &sf.vars, &none, &none)
            } else {
                flow_vars(ph, &sf.vars, defaults, overrides)
            };
            vars = filled;
            used.extend(used_here);
            if !missing.is_empty() {
                errors.push(
                    SourceDiagnostic::error(
                        &suite.source,
                        sf.span,
                        format!(
                            "the flow `{}` has placeholders without a value: {}",
                            sf.display,
                            missing.join(", ")
                        ),
                    )
                    .with_code(RulesCode::Placeholder)
                    .with_label("flow named here")
                    .with_help(format!(
                        "give them values under `vars:` in this file (e.g. `vars: {{ {}: ... }}`) or with `--var NAME=VALUE`",
                        missing[0]
                    )),
                );
                continue;
            }
        }
        let key = (sf.path.clone(), vars);
        let index = *cache.entry(key).or_insert_with_key(|(path, vars)| {
            // Loaded while the rules were (see `prefetch`), when it was asked for with the
            // same values; else here.
            let early = prefetch.and_then(|p| p.take_flow(path, &sf.display, &sf.vars, vars));
            let loaded = match early {
                Some(result) => result,
                None => Flow::load(Path::new(&sf.display), vars).map(Arc::new),
            };
            match loaded {
                Ok(f) => {
                    flows.push(f);
                    Some(flows.len() - 1)
                }
                Err(diags) => {
                    errors.extend(diags);
                    None
                }
            }
        });
        let Some(index) = index else {
            continue;
        };
        let flow = &flows[index];
        let mut all_vars = defaults.clone();
        all_vars.extend(sf.vars.iter().map(|(k, v)| (k.clone(), v.clone())));
        all_vars.extend(overrides.iter().map(|(k, v)| (k.clone(), v.clone())));
        let library = libraries
            .entry((index, all_vars.clone()))
            .or_insert_with(|| {
                // Each flow a `genesyscloud_flow` deploys gets its own resource's values.
                let bound = terraform
                    .map(|t| t.bound_flows(&fills(overrides, &sf.vars, defaults)))
                    .unwrap_or_default();
                Arc::new(
                    crate::flow::Library::new(
                        crate::project::call_dirs(Path::new(&sf.display)),
                        all_vars,
                    )
                    .with_bound(bound),
                )
            });
        let mut check = |name: &str, stub: &Stub, span: (usize, usize)| {
            let one = Stubs(BTreeMap::from([(name.to_owned(), stub.clone())]));
            // A stub may name an action of a bot or module the flow runs.
            for problem in library.check_stubs(flow, &one) {
                errors.push(
                    SourceDiagnostic::error(&suite.source, span, problem)
                        .with_code(RulesCode::Stub)
                        .with_label("this stub")
                        .with_help(format!(
                            "stubs name external actions of {} and the outputs and variables they have",
                            sf.display
                        )),
                );
            }
        };
        for (name, stub, span) in &sf.stubs {
            check(name, stub, *span);
        }
        for case in &suite.cases {
            for (name, stub, span) in &case.own_stubs {
                check(name, stub, *span);
            }
        }
        let base = shared_for.entry(index).or_insert_with(|| {
            let (stubs, problems) = stubs_file::for_flow(shared, flow, &library.called_by(flow));
            errors.extend(problems);
            stubs
        });
        if !base.0.is_empty() {
            for case in &mut suite.cases {
                case.stubs = base.merged(&case.stubs);
            }
        }
        sf.library = Some(Arc::clone(library));
        sf.loaded = Some(Arc::clone(flow));
        sf.index = index;
    }
    flows
}

/// A rules file's placeholder fills in precedence order: `--var`, its `vars:`, then
/// routecheck.yaml's.
fn fills<'a>(
    overrides: &'a VarOverrides,
    own: &'a BTreeMap<String, String>,
    defaults: &'a VarOverrides,
) -> [crate::terraform::Fill<'a>; 3] {
    [
        crate::terraform::Fill {
            label: "--var",
            vars: overrides,
        },
        crate::terraform::Fill {
            label: "`vars:` in this rules file",
            vars: own,
        },
        crate::terraform::Fill {
            label: "routecheck.yaml `vars:`",
            vars: defaults,
        },
    ]
}

/// The flow file and placeholder values of the `genesyscloud_flow` at `resource`, bound
/// by [`crate::terraform::Config::bind`]: Terraform's substitutions, with `--var`, the
/// rules file's `vars:` and routecheck.yaml's `vars:` (in that order) filling only what
/// Terraform cannot know offline.
fn resolve_terraform(
    resource: &str,
    terraform: Option<&crate::terraform::Config>,
    fills: &[crate::terraform::Fill<'_>],
) -> Result<crate::terraform::FlowBinding, (String, String)> {
    let Some(tf) = terraform else {
        return Err((
            format!("`tf:{resource}` names a Terraform resource, but no Terraform configuration was given"),
            "run with `--terraform DIR` (the root module) or `--tf-plan FILE`, or set `terraform: { dir: … }` in routecheck.yaml".into(),
        ));
    };
    tf.bind(resource, fills).map_err(|e| (e.message, e.help))
}
