//! The flows a call can reach: every Archy export under the folders its caller names
//! (beside the flow and the project's flows folders: `project::call_dirs`),
//! loaded with the run's placeholder values and found by its `name:` (after
//! substitution), as Genesys finds the flow a `callDigitalBotFlow` names.
//! The folders are read once, on the first call that needs them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use crate::flow::Flow;

use crate::flow::kind::FlowKind;

/// A flow file a deploy gives its own placeholder values: a `genesyscloud_flow`
/// resource's substitutions, or why they cannot be had offline.
#[derive(Debug, Clone)]
pub struct Bound {
    pub path: PathBuf,
    /// The resource's address, for messages.
    pub address: String,
    pub vars: Result<BTreeMap<String, String>, String>,
}

/// A flow file's placeholder values, or why the deploy cannot give them.
type Values<'a> = Result<&'a BTreeMap<String, String>, &'a String>;

/// Flows by name, for calls.
#[derive(Debug, Default)]
pub struct Library {
    dirs: Vec<PathBuf>,
    vars: BTreeMap<String, String>,
    /// Files the deploy fills with their own resource's substitutions, not the caller's.
    bound: Vec<Bound>,
    /// Flows already loaded (the suite's own), found before the folders are read.
    known: Vec<Arc<Flow>>,
    index: OnceLock<Index>,
}

#[derive(Debug, Default)]
struct Index {
    flows: Vec<Arc<Flow>>,
    /// Files that look like flows but did not load: their kind, the file and the first
    /// problem, located.
    failed: Vec<(Option<FlowKind>, String, String)>,
}

impl Library {
    /// The flows under `dirs` (files or folders), loaded with `vars`.
    pub fn new(dirs: Vec<PathBuf>, vars: BTreeMap<String, String>) -> Self {
        Library {
            dirs,
            vars,
            bound: Vec::new(),
            known: Vec::new(),
            index: OnceLock::new(),
        }
    }

    /// Files the deploy gives their own values (each `genesyscloud_flow` resource's
    /// substitutions): each is found wherever it lies, and loaded with those values
    /// instead of the caller's — once per resource that deploys it.
    pub fn with_bound(mut self, bound: Vec<Bound>) -> Self {
        self.bound = bound;
        self
    }

    /// Also find these flows (already loaded), before anything in the folders.
    pub fn with_known(mut self, flows: Vec<Arc<Flow>>) -> Self {
        self.known = flows;
        self
    }

    /// The folders searched.
    pub fn dirs(&self) -> &[PathBuf] {
        &self.dirs
    }

    fn index(&self) -> &Index {
        self.index.get_or_init(|| {
            let mut index = Index::default();
            let mut found = Vec::new();
            for d in &self.dirs {
                if d.is_dir() {
                    let walk = crate::source::walk::Walk {
                        exts: &["yaml", "yml"],
                        ..Default::default()
                    };
                    found.extend(crate::source::walk::files(d, &walk).unwrap_or_default());
                } else if d.is_file() {
                    found.push(d.clone());
                }
            }
            found.sort();
            // A deployed file first, as the deploy names it, then the folders' files.
            let files: Vec<PathBuf> = self
                .bound
                .iter()
                .map(|b| b.path.clone())
                .chain(found)
                .collect();
            let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
            let mut seen = Vec::new();
            for f in files {
                let key = canonical(&f);
                if seen.contains(&key) {
                    continue;
                }
                seen.push(key.clone());
                let Some(kind) = flow_kind_of(&f) else {
                    if self.bound.iter().any(|b| canonical(&b.path) == key)
                        && let Err(e) = crate::source::read_text(&f)
                    {
                        // A deployed flow that cannot be read is reported, never skipped.
                        let d =
                            e.diagnostic(crate::source::FileKind::Flow, &f.display().to_string());
                        index
                            .failed
                            .push((None, f.display().to_string(), d.message));
                    }
                    continue;
                };
                let bindings: Vec<&Bound> = self
                    .bound
                    .iter()
                    .filter(|b| canonical(&b.path) == key)
                    .collect();
                let mut runs: Vec<(String, Values<'_>)> = bindings
                    .iter()
                    .map(|b| (format!("{} ({})", f.display(), b.address), b.vars.as_ref()))
                    .collect();
                if runs.is_empty() {
                    runs.push((f.display().to_string(), Ok(&self.vars)));
                }
                for (label, vars) in runs {
                    let loaded = vars.map_err(Clone::clone).and_then(|vars| {
                        Flow::load_called(&f, vars).map_err(|errs| {
                            errs.first()
                                .map(|d| format!("{}: {}", d.location(), d.message))
                                .unwrap_or_default()
                        })
                    });
                    match loaded {
                        Ok(flow) => index.flows.push(Arc::new(flow)),
                        Err(why) => index.failed.push((Some(kind), label, why)),
                    }
                }
            }
            index
        })
    }

    /// The flow of `kind` named `name` (exactly, else ignoring letter case, as Genesys
    /// flow names are unique regardless of case), or why there is none.
    pub fn find(&self, kind: FlowKind, name: &str) -> Result<Arc<Flow>, String> {
        let index = self.index();
        let all: Vec<&Arc<Flow>> = self.known.iter().chain(index.flows.iter()).collect();
        let of_kind = |exact: bool| {
            all.iter()
                .find(|f| {
                    f.kind() == kind
                        && if exact {
                            f.name() == name
                        } else {
                            f.name().eq_ignore_ascii_case(name)
                        }
                })
                .map(|f| Arc::clone(f))
        };
        if let Some(f) = of_kind(true).or_else(|| of_kind(false)) {
            return Ok(f);
        }
        let mut why = format!(
            "no {} named \"{name}\" in {}",
            kind.noun(),
            if self.dirs.is_empty() {
                "the project (no flows folders)".to_string()
            } else {
                self.dirs
                    .iter()
                    .map(|d| d.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        );
        if let Some(other) = all.iter().find(|f| f.name().eq_ignore_ascii_case(name)) {
            why.push_str(&format!(
                " ({} is a {}, not a {})",
                other.file_name(),
                other.kind().noun(),
                kind.noun()
            ));
        }
        let names: Vec<String> = all
            .iter()
            .filter(|f| f.kind() == kind)
            .map(|f| format!("\"{}\"", f.name()))
            .collect();
        if !names.is_empty() {
            why.push_str(&format!("; it has {}", names.join(", ")));
        }
        // The flows of the call's kind that could not be read: the one it names may be
        // among them (its name is only known once it loads).
        for (_, file, problem) in index
            .failed
            .iter()
            .filter(|(k, _, _)| k.is_none_or(|k| k == kind))
            .take(3)
        {
            why.push_str(&format!("; {file} did not load: {problem}"));
        }
        Err(why)
    }
}

/// The flow type of an Archy export routecheck runs, told by its first top-level key.
pub fn flow_kind_of(path: &Path) -> Option<FlowKind> {
    crate::flow::kind::of_file(path)
        .filter(|k| k.simulated())
        .copied()
}

impl Library {
    /// The flows `flow` calls that this library finds, directly or through the flows
    /// they call, each once, in the order first called.
    pub fn called_by(&self, flow: &Flow) -> Vec<Arc<Flow>> {
        let mut out: Vec<Arc<Flow>> = Vec::new();
        let mut todo = calls_of(flow);
        while let Some((kind, name)) = todo.pop() {
            let Ok(found) = self.find(kind, &name) else {
                continue;
            };
            if out.iter().any(|f| f.file_name() == found.file_name()) {
                continue;
            }
            todo.extend(calls_of(&found).into_iter().rev());
            out.push(found);
        }
        out
    }

    /// [`Flow::check_stubs`] over `flow` and the flows it calls: a stub names an external
    /// action of the flow under test or, failing that, of a bot or module it runs (a stub
    /// for a data action inside a common module), and is checked against that flow.
    pub fn check_stubs(&self, flow: &Flow, stubs: &crate::flow::Stubs) -> Vec<String> {
        let called = self.called_by(flow);
        let mut out = Vec::new();
        for (key, stub) in &stubs.0 {
            let one = crate::flow::Stubs([(key.clone(), stub.clone())].into_iter().collect());
            let owner = std::iter::once(flow)
                .chain(called.iter().map(|f| &**f))
                .find(|f| f.has_external(key))
                .unwrap_or(flow);
            let mut problems = owner.check_stubs(&one);
            if !owner.has_external(key) {
                // A flow the chain calls may hold it but not load: say why.
                for (kind, name) in calls_of(flow) {
                    if let Err(why) = self.find(kind, &name) {
                        problems = problems
                            .into_iter()
                            .map(|p| {
                                format!("{p}; the {} it calls is not available: {why}", kind.noun())
                            })
                            .collect();
                    }
                }
            }
            if owner.has_external(key) || called.is_empty() {
                out.extend(problems);
                continue;
            }
            // Named nowhere: say what the called flows have too.
            let others: Vec<String> = called
                .iter()
                .map(|f| format!("{} has {}", f.file_name(), f.external_names().join(", ")))
                .collect();
            out.extend(
                problems
                    .into_iter()
                    .map(|p| format!("{p}; {}", others.join("; "))),
            );
        }
        out
    }
}

/// The calls (`callDigitalBotFlow`, `callBotFlow`, `callCommonModule`) `flow` makes: kind
/// and name, in file order.
pub(crate) fn calls_of(flow: &Flow) -> Vec<(FlowKind, String)> {
    let mut out = Vec::new();
    flow.each_action(&mut |a, _| {
        if let crate::flow::model::Body::External(e) = &a.body
            && let Some(c) = &e.call
        {
            out.push((c.kind, c.name.clone()));
        }
    });
    out
}
