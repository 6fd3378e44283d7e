//! Archy-exported inbound message flows: load (placeholders, located YAML, compiled
//! expressions), simulate one conversation with stubs, and measure branch coverage.

mod archy;
pub mod coverage;
pub mod expect;
pub mod inspect;
mod model;
pub mod placeholders;
pub mod simulate;
pub mod trace;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::diag::{SourceDiagnostic, SourceFile};
use crate::report::FlowCoverage;
use crate::source::yaml;
use crate::source::{FileKind, Location};

pub use coverage::BranchInfo;
pub use expect::{FlowExpect, FlowMismatch, RouteExpect};
pub use simulate::{
    DEFAULT_MAX_STEPS, QueueRoute, Route, RunInput, RunResult, ScreenPop, SimError, SimErrorKind,
    Step, Stub, Stubs,
};

/// A loaded, compiled flow, ready to run any number of times.
#[derive(Debug, Clone)]
pub struct Flow {
    file: SourceFile,
    loaded: archy::Loaded,
}

impl Flow {
    /// Read, substitute `{{placeholders}}` from `vars`, parse and compile a flow file.
    /// Every problem (missing placeholder, YAML error, unknown action, dangling ref,
    /// expression error) is returned, located in the original file.
    pub fn load(
        path: &Path,
        vars: &BTreeMap<String, String>,
    ) -> Result<Flow, Vec<SourceDiagnostic>> {
        let name = path.display().to_string();
        let text = crate::source::read_text(path)
            .map_err(|e| vec![e.diagnostic(FileKind::Flow, &name)])?;
        Flow::from_text(&name, &text, vars)
    }

    /// Like [`Flow::load`], for text already in memory; `name` is used in locations.
    pub fn from_text(
        name: &str,
        text: &str,
        vars: &BTreeMap<String, String>,
    ) -> Result<Flow, Vec<SourceDiagnostic>> {
        let file = SourceFile::new(name, text);
        let (subst, map) = placeholders::substitute(text, vars).map_err(|errs| {
            errs.into_iter()
                .map(|e| {
                    let missing = !vars.contains_key(&e.name);
                    let d = SourceDiagnostic::error(&file, e.span, e.message)
                        .with_code("routecheck::flow::placeholder")
                        .with_label(if missing { "no value" } else { "line break in value" });
                    if missing {
                        d.with_help(format!(
                            "give it a value with `vars: {{ {}: ... }}` in the rules file or `--var {}=...`",
                            e.name, e.name
                        ))
                    } else {
                        d
                    }
                })
                .collect::<Vec<_>>()
        })?;
        // Flow keys are names (`Yes:`, `1:`), kept as written.
        let opts = yaml::Options {
            keys_as_text: true,
            ..yaml::Options::for_len(subst.len())
        };
        let root = yaml::parse_with(&subst, opts).map_err(|e| {
            let at = map.to_original(e.span.0);
            let mut d = e.diagnostic(&file, FileKind::Flow);
            d.span = (at, (at + 1).min(text.len().max(at)));
            vec![d]
        })?;
        let loaded = archy::Loader::new(&subst, &map, &file).load(&root)?;
        Ok(Flow { file, loaded })
    }

    /// The flow's `name:`.
    pub fn name(&self) -> &str {
        &self.loaded.name
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

    /// Problems with `stubs` for this flow, found before any run: a stub for an action
    /// name the flow has no external action of, an output no such action has, or a
    /// variable none of them sets. Messages are lowercase, one per problem.
    pub fn check_stubs(&self, stubs: &Stubs) -> Vec<String> {
        let mut out = Vec::new();
        for (name, stub) in &stubs.0 {
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

    fn location(&self, at: usize) -> Location {
        self.file.location(at)
    }
}
