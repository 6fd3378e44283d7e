//! Stubs files: `Action name: { output: success, values: { Flow.X: value } }` in a YAML
//! file of their own. routecheck.yaml's `stubs:` lists the project's, shared by every
//! flow a command simulates; `trace --stubs FILE` names one for one run.
//!
//! Precedence, per action name (the most specific wins): a command-line stub (`trace
//! --stub`), then `trace --stubs FILE`, then a case's `stubs:`, then the rules file's
//! `stubs:`, then the project's stubs files (a later file over an earlier one).

use std::path::Path;

use super::{Flow, Stub, Stubs};
use crate::diag::{SourceDiagnostic, SourceFile};
use crate::source::{self, FileKind, Problem, yaml::Node};

/// One stubs file, read: its text (for locating problems) and its entries, each with
/// the byte span of its action name.
#[derive(Debug, Clone)]
pub struct StubsFile {
    /// The file, as read.
    pub source: SourceFile,
    /// `(action name, stub, span of the name)`, in file order.
    pub entries: Vec<(String, Stub, (usize, usize))>,
}

impl StubsFile {
    /// Read and check the shape of a stubs file; the error is located in it.
    pub fn read(path: &Path) -> Result<StubsFile, Box<SourceDiagnostic>> {
        let name = path.display().to_string();
        let source = source::read_source(path, &name, FileKind::Stubs)?;
        let root = source::yaml::parse_file(&source, FileKind::Stubs)?;
        let error = |n: &Node, message: String| {
            Box::new(
                SourceDiagnostic::error(&source, n.span, message)
                    .with_code(FileKind::Stubs.code(Problem::WrongType))
                    .with_help(
                        "write `Action name: { output: success, values: { Flow.X: value } }`",
                    ),
            )
        };
        let Some(map) = root.as_map() else {
            return Err(error(
                &root,
                format!(
                    "expected a mapping of action name: stub, found {}",
                    root.value.kind()
                ),
            ));
        };
        let mut entries = Vec::with_capacity(map.len());
        for (k, v) in map {
            let Some(action) = k.as_str() else {
                return Err(error(
                    k,
                    format!("an action name must be a string, found {}", k.value.kind()),
                ));
            };
            // Located at the failing key or value inside the stub.
            let what = format!("the stub for \"{action}\"");
            let stub =
                source::mapping::deserialize(&source, FileKind::Stubs, v, &what).map_err(|d| {
                    // "did you mean" beats the general shape.
                    if d.help.is_some() {
                        d
                    } else {
                        Box::new(d.with_help(
                            "write `Action name: { output: success, values: { Flow.X: value } }`",
                        ))
                    }
                })?;
            entries.push((action.to_owned(), stub, k.span));
        }
        Ok(StubsFile { source, entries })
    }

    /// Every entry, as the simulator's stubs.
    pub fn stubs(&self) -> Stubs {
        Stubs(
            self.entries
                .iter()
                .map(|(n, s, _)| (n.clone(), s.clone()))
                .collect(),
        )
    }
}

/// The stubs `files` give `flow`: the entries for actions the flow has (a project's
/// stubs serve all its flows, so an entry for another flow's action is left out), a
/// later file's entry replacing an earlier one's. An entry that names one of the
/// flow's actions wrongly (an output or a variable the action lacks) is a problem
/// located at its name in its file.
/// `called` are the bots and modules the flow runs: an entry for one of their actions
/// serves the run too.
pub fn for_flow(
    files: &[StubsFile],
    flow: &Flow,
    called: &[std::sync::Arc<Flow>],
) -> (Stubs, Vec<SourceDiagnostic>) {
    let mut stubs = Stubs::default();
    let mut problems = Vec::new();
    for file in files {
        for (name, stub, span) in &file.entries {
            let Some(owner) = std::iter::once(flow)
                .chain(called.iter().map(|f| &**f))
                .find(|f| f.has_external(name))
            else {
                continue;
            };
            let one = Stubs([(name.clone(), stub.clone())].into_iter().collect());
            let found = owner.check_stubs(&one);
            if found.is_empty() {
                stubs.0.insert(name.clone(), stub.clone());
            }
            for problem in found {
                problems.push(
                    SourceDiagnostic::error(&file.source, *span, problem)
                        .with_code("routecheck::stubs::stub")
                        .with_label("this stub")
                        .with_help(format!(
                            "a project stubs file (routecheck.yaml `stubs:`) applies to every flow with an action of this name, here {}",
                            owner.file_name()
                        )),
                );
            }
        }
    }
    (stubs, problems)
}

/// Read every stubs file; the errors of all that cannot be read.
pub fn read_all(paths: &[std::path::PathBuf]) -> Result<Vec<StubsFile>, Vec<SourceDiagnostic>> {
    let mut files = Vec::with_capacity(paths.len());
    let mut errors = Vec::new();
    for p in paths {
        match StubsFile::read(p) {
            Ok(f) => files.push(f),
            Err(e) => errors.push(*e),
        }
    }
    if errors.is_empty() {
        Ok(files)
    } else {
        Err(errors)
    }
}
