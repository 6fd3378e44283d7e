//! Archy-exported inbound message flows: load (placeholders, located YAML, compiled
//! expressions), simulate one conversation with stubs, and measure branch coverage.

mod archy;
pub use archy::DataActionCall;
mod catalogue;
pub mod coverage;
pub mod expect;
pub mod graph;
mod graph_calls;
pub mod inspect;
pub mod kind;
mod model;
pub mod nlu;
pub mod nlu_answers;
pub mod placeholders;
pub mod probe;
pub mod recognise;
pub mod replies;
pub mod simulate;
pub mod stubs_file;
pub mod trace;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::diag::{SourceDiagnostic, SourceFile};
use crate::source::yaml;
use crate::source::{FileKind, Location};

pub use crate::deploy::{Table, TableSpec, Tables};
pub use coverage::{BranchInfo, FlowCoverage};
pub use expect::{FlowExpect, FlowMismatch, RouteExpect, TransferExpect};
pub use kind::FlowKind;
pub use model::bot::{CustomerMessage, NluAnswer};
pub use simulate::{
    Bound, Called, DEFAULT_MAX_STEPS, ERROR_HANDLING_STEPS, Library, PdAction, QueueRoute, Race,
    Races, Route, RunInput, RunResult, ScreenPop, SimError, SimErrorKind, Step, Stub, Stubs,
    TransferRoute,
};

/// Run a step of a recursive walk with enough stack: flows nest hundreds of levels deep
/// and frames are large in debug builds, so the walks grow the stack on demand.
#[inline]
pub(crate) fn deep<R>(f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(256 * 1024, 4 * 1024 * 1024, f)
}

/// A loaded, compiled flow, ready to run any number of times.
#[derive(Debug, Clone)]
pub struct Flow {
    file: SourceFile,
    loaded: archy::Loaded,
    /// Placeholder values that change the deployed YAML's structure.
    warnings: Vec<SourceDiagnostic>,
    /// Line and column of each offset a run has located (the actions and states its trace
    /// names), so a case's cost does not grow with the file: finding a line in a 1.8 MB
    /// flow's index missed the cache on every step of every case.
    places: Places,
}

/// Memoised line and column by byte offset, shared by the threads running cases.
#[derive(Debug, Default)]
struct Places(std::sync::RwLock<std::collections::HashMap<usize, (usize, usize)>>);

impl Clone for Places {
    // A copy starts empty: it fills again on use.
    fn clone(&self) -> Self {
        Places::default()
    }
}

impl Flow {
    /// Read, substitute `{{placeholders}}` from `vars`, parse and compile a flow file as
    /// the flow under test. Every problem (missing placeholder, YAML error, unknown action,
    /// dangling ref, expression error) is returned, located in the original file; a bot or
    /// module (run only when called) is told what it is.
    pub fn load(
        path: &Path,
        vars: &BTreeMap<String, String>,
    ) -> Result<Flow, Vec<SourceDiagnostic>> {
        Flow::load_as(path, vars, false)
    }

    /// Like [`Flow::load`], for any kind routecheck runs, bots and modules included: the
    /// target of a call, or a file of a flows folder `lint` and `graph` read.
    pub fn load_called(
        path: &Path,
        vars: &BTreeMap<String, String>,
    ) -> Result<Flow, Vec<SourceDiagnostic>> {
        Flow::load_as(path, vars, true)
    }

    fn load_as(
        path: &Path,
        vars: &BTreeMap<String, String>,
        called: bool,
    ) -> Result<Flow, Vec<SourceDiagnostic>> {
        let name = path.display().to_string();
        let text = crate::source::read_text(path)
            .map_err(|e| vec![e.diagnostic(FileKind::Flow, &name)])?;
        Flow::text_as(&name, &text, vars, called)
    }

    /// Like [`Flow::load`], for text already in memory; `name` is used in locations.
    pub fn from_text(
        name: &str,
        text: &str,
        vars: &BTreeMap<String, String>,
    ) -> Result<Flow, Vec<SourceDiagnostic>> {
        Flow::text_as(name, text, vars, false)
    }

    /// Like [`Flow::load_called`], for text already in memory.
    pub fn called_from_text(
        name: &str,
        text: &str,
        vars: &BTreeMap<String, String>,
    ) -> Result<Flow, Vec<SourceDiagnostic>> {
        Flow::text_as(name, text, vars, true)
    }

    fn text_as(
        name: &str,
        text: &str,
        vars: &BTreeMap<String, String>,
        called: bool,
    ) -> Result<Flow, Vec<SourceDiagnostic>> {
        let file = SourceFile::new(name, text);
        if let Some(d) = kind::unsupported(&file, called) {
            return Err(vec![d]);
        }
        let placeholders::Substituted {
            text: subst,
            map,
            warnings,
        } = placeholders::substitute(text, vars).map_err(|errs| {
            errs.into_iter()
                .map(|e| {
                    let d = SourceDiagnostic::error(&file, e.span, e.message)
                        .with_code("routecheck::flow::placeholder");
                    if e.spaced {
                        d.with_label("never replaced").with_help(format!(
                            "write `{{{{{}}}}}` without spaces, as CX as Code's substitutions expect",
                            e.name
                        ))
                    } else {
                        d.with_label("no value").with_help(format!(
                            "give it a value with `vars: {{ {}: ... }}` in the rules file or `--var {}=...`",
                            e.name, e.name
                        ))
                    }
                })
                .collect::<Vec<_>>()
        })?;
        let warnings: Vec<SourceDiagnostic> = warnings
            .into_iter()
            .map(|w| {
                SourceDiagnostic::warning(&file, w.span, w.message)
                    .with_code("routecheck::flow::placeholder-structure")
                    .with_label("replaced as text here")
                    .with_help("CX as Code pastes the value into the file as it is: quote the placeholder in the flow (`\"{{name}}\"`) or change the value")
            })
            .collect();
        // Flow keys are names (`Yes:`, `1:`), kept as written.
        let opts = yaml::Options {
            keys_as_text: true,
            ..yaml::Options::for_len(subst.len())
        };
        let root = yaml::parse_with(&subst, opts).map_err(|e| {
            let at = map.to_original(e.span.0);
            let mut d = e.diagnostic(&file, FileKind::Flow);
            d.span = (at, (at + 1).min(text.len().max(at)));
            // The placeholder values that changed the structure explain the error.
            let mut out = vec![d];
            out.extend(warnings.iter().cloned());
            out
        })?;
        register_public(&root);
        let loaded = archy::Loader::new(&subst, &map, &file).load(&root)?;
        Ok(Flow {
            file,
            loaded,
            warnings,
            places: Places::default(),
        })
    }

    /// Located warnings found while loading (placeholder values that change the YAML).
    pub fn warnings(&self) -> &[SourceDiagnostic] {
        &self.warnings
    }

    /// The flow's `name:`.
    pub fn name(&self) -> &str {
        &self.loaded.name
    }

    /// The flow type: an inbound message flow, a bot, a common module.
    pub fn kind(&self) -> FlowKind {
        self.loaded.kind
    }

    /// The flow file's text and name, for diagnostics pointing into it.
    pub fn source(&self) -> &SourceFile {
        &self.file
    }

    /// The flow file's path, as given.
    pub fn file_name(&self) -> &str {
        &self.file.name
    }

    /// Run the flow for one conversation.
    pub fn run(&self, input: &RunInput<'_>) -> Result<RunResult, SimError> {
        simulate::Sim::new(self, input).run()
    }

    /// Every branch: each decision's yes/no, each switch case and default, each stubbed
    /// action's output paths, in file order.
    pub fn branches(&self) -> Vec<BranchInfo> {
        self.loaded.branches.clone()
    }

    /// Branch coverage given the union of [`RunResult::hits`] over a suite.
    pub fn coverage(&self, hits: &BTreeSet<usize>) -> FlowCoverage {
        coverage::flow_coverage(
            &self.file.name,
            &self.loaded.name,
            &self.loaded.branches,
            hits,
        )
    }

    /// The stub keys that address every external action named `name`: the name alone
    /// when one action has it, else `NAME@LINE` for each (a bare name would be ambiguous).
    pub fn stub_keys(&self, name: &str) -> Vec<String> {
        match self.loaded.externals.get(name) {
            Some(info) if info.actions.len() > 1 => info
                .actions
                .iter()
                .map(|(_, line)| format!("{name}@{line}"))
                .collect(),
            _ => vec![name.to_string()],
        }
    }

    /// Whether the flow has an external action a stub key (`NAME` or `NAME@LINE`) names.
    pub fn has_external(&self, key: &str) -> bool {
        self.loaded.externals.contains_key(&split_stub_key(key).0)
    }

    /// The names of the flow's external actions, sorted ("none" when it has none).
    pub fn external_names(&self) -> Vec<String> {
        let mut known: Vec<String> = self.loaded.externals.keys().cloned().collect();
        known.sort_unstable();
        if known.is_empty() {
            known.push("none".into());
        }
        known
    }

    /// Problems with `stubs` for this flow, found before any run: a stub for an action
    /// name the flow has no external action of, an output no such action has, or a
    /// variable none of them sets. Messages are lowercase, one per problem.
    pub fn check_stubs(&self, stubs: &Stubs) -> Vec<String> {
        let mut out = Vec::new();
        for (key, stub) in &stubs.0 {
            let (name, line) = split_stub_key(key);
            let name = name.as_str();
            let Some(info) = self.loaded.externals.get(name) else {
                let mut known: Vec<&str> =
                    self.loaded.externals.keys().map(String::as_str).collect();
                known.sort_unstable();
                out.push(format!(
                    "stub for \"{name}\": the flow has no external action of that name (it has {})",
                    if known.is_empty() {
                        "none".to_string()
                    } else {
                        known.join(", ")
                    }
                ));
                continue;
            };
            match line {
                Some(l) if !info.actions.iter().any(|(_, at)| *at == l) => {
                    out.push(format!(
                        "stub for \"{key}\": no action \"{name}\" starts on line {l} (there {})",
                        describe_actions(&info.actions)
                    ));
                    continue;
                }
                None if info.actions.len() > 1 => {
                    out.push(format!(
                        "stub for \"{name}\" is ambiguous: {} actions have that name ({})",
                        info.actions.len(),
                        describe_actions(&info.actions)
                    ));
                    continue;
                }
                _ => {}
            }
            if let Some(o) = &stub.output
                && !info.outputs.contains(o)
            {
                let has = if info.outputs.is_empty() {
                    format!("{} has a single path", info.kinds.join("/"))
                } else {
                    format!("it has {}", info.outputs.join(", "))
                };
                out.push(format!("stub for \"{name}\": no output `{o}` ({has})"));
            }
            if let Some(o) = &stub.output
                && info.outputs.contains(o)
            {
                out.extend(unassigned_on_path(name, info, o, stub));
            }
            for v in stub.values.keys() {
                if !info.sets.iter().any(|s| s.eq_ignore_ascii_case(v)) {
                    out.push(format!(
                        "stub for \"{name}\": the action does not set `{v}` (it sets {})",
                        if info.sets.is_empty() {
                            "nothing".to_string()
                        } else {
                            info.sets.join(", ")
                        }
                    ));
                }
            }
        }
        out
    }

    /// The data actions the `callData` actions a stub key (`NAME`, `NAME@LINE`) addresses call.
    pub fn data_actions(&self, key: &str) -> &[DataActionCall] {
        self.loaded
            .externals
            .get(&split_stub_key(key).0)
            .map_or(&[], |i| i.data_actions.as_slice())
    }

    /// Line and column of `at` in the flow file, memoised (see `places`).
    fn line_col(&self, at: usize) -> (usize, usize) {
        let known = self.places.0.read().ok().and_then(|m| m.get(&at).copied());
        known.unwrap_or_else(|| {
            let lc = self.file.line_col(at);
            if let Ok(mut m) = self.places.0.write() {
                m.insert(at, lc);
            }
            lc
        })
    }

    fn location(&self, at: usize) -> Location {
        let (line, col) = self.line_col(at);
        Location {
            file: self.file.name.to_string(),
            line,
            col,
        }
    }
}

/// A stub key: `NAME`, or `NAME@LINE` for the action of that name starting on LINE.
fn split_stub_key(key: &str) -> (String, Option<usize>) {
    match key.rsplit_once('@') {
        Some((name, line)) if !line.is_empty() && line.bytes().all(|b| b.is_ascii_digit()) => {
            (name.trim_end().to_string(), line.parse().ok())
        }
        _ => (key.to_string(), None),
    }
}

/// A stub's values that its output path cannot produce: Genesys assigns a data action's
/// successOutputs only on success, its failureOutputs only on failure and nothing on
/// timeout (likewise a lookup's found outputs only on found), so a stub taking `output`
/// that sets a variable only another path assigns describes a run the org cannot have.
fn unassigned_on_path(
    name: &str,
    info: &archy::ExternalInfo,
    output: &str,
    stub: &Stub,
) -> Vec<String> {
    let here = info.assigned.assigned_by(Some(output), &info.sets);
    let assigns = if here.is_empty() {
        "assigns nothing".to_string()
    } else {
        format!("assigns only {}", here.join(", "))
    };
    stub.values
        .keys()
        .filter(|v| info.sets.iter().any(|s| s.eq_ignore_ascii_case(v)))
        .filter(|v| !info.assigned.assigns(v, Some(output)))
        .map(|v| {
            let on = info
                .assigned
                .paths_of(v)
                .unwrap_or_default()
                .iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(" or ");
            format!(
                "stub for \"{name}\": output `{output}` does not assign `{v}` (only {on} does); {} `{output}` {assigns}",
                info.kinds.join("/")
            )
        })
        .collect()
}

fn describe_actions(actions: &[(String, usize)]) -> String {
    let each: Vec<String> = actions
        .iter()
        .map(|(kind, line)| format!("{kind} on line {line}"))
        .collect();
    format!("{}; address one as `NAME@LINE`", each.join(", "))
}

/// Every string of a flow file, and each double-quoted literal inside one (an expression's
/// `"Check Order Status"`), is the repository's own text: a customer's message equal to one
/// (a menu choice, a compared intent) is not scrubbed as personal (src/scrub.rs).
fn register_public(node: &yaml::Node) {
    match &node.value {
        yaml::NodeValue::Str(s) => {
            crate::scrub::register_public(s);
            for (i, literal) in s.split('"').enumerate() {
                if i % 2 == 1 {
                    crate::scrub::register_public(literal);
                }
            }
        }
        yaml::NodeValue::Seq(items) => items.iter().for_each(register_public),
        yaml::NodeValue::Map(entries) => {
            for (k, v) in entries {
                register_public(k);
                register_public(v);
            }
        }
        _ => {}
    }
}
