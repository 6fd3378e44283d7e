//! Flow simulation keys: `flow:`, `vars:`, the directory, `stubs:`, `tables:`.

use std::collections::BTreeMap;
use std::path::Path;

use super::{Loader, to_json};
use crate::expr::Directory;
use crate::flow::{FlowExpect, RouteExpect, Stub};
use crate::source::code::RulesCode;
use crate::source::{FileKind, mapping};
use crate::suite::model::{Check, SuiteFlow};
use crate::suite::yaml::{Node, NodeValue};

/// The file-level flow keys, read in any order and combined after the loop.
#[derive(Default)]
pub(super) struct FlowKeys<'n> {
    flow: Option<(&'n Node, String)>,
    vars: BTreeMap<String, String>,
    stubs: Vec<(String, Stub, (usize, usize))>,
    tables: crate::flow::Tables,
    /// Keys that mean nothing without `flow:` (`vars:`, `stubs:`, `tables:`).
    needs_flow: Vec<&'n Node>,
    directory: Option<Directory>,
}

/// Flow simulation keys (`flow:`, `vars:`, `stubs:`, the directory and the flow
/// expectations). The flow itself is loaded by the runner, once per (path, vars).
impl Loader<'_> {
    pub(super) fn flow_key<'n>(
        &mut self,
        key: &str,
        k: &'n Node,
        v: &'n Node,
        keys: &mut FlowKeys<'n>,
    ) {
        match key {
            "flow" => {
                if let Some(p) = self.string(v, "`flow`") {
                    keys.flow = Some((v, p));
                }
            }
            "vars" => {
                keys.vars = self.string_map(v, "`vars`", "placeholder: value");
                keys.needs_flow.push(k);
            }
            "stubs" => {
                keys.stubs = self.stubs(v);
                keys.needs_flow.push(k);
            }
            "tables" => {
                keys.tables = self.tables(v);
                keys.needs_flow.push(k);
            }
            _ => {
                let map = self.string_map(v, &format!("`{key}`"), "id: name");
                let d = keys.directory.get_or_insert_with(Directory::default);
                match key {
                    "queues" => d.queues = map,
                    "users" => d.users = map,
                    _ => d.skills = map,
                }
            }
        }
    }

    /// Resolve `flow:` and keep it for the cases; returns the file's directory.
    pub(super) fn flow_keys_done(&mut self, keys: FlowKeys<'_>) -> Option<Directory> {
        match keys.flow {
            Some((node, rel)) if rel.starts_with("tf:") => {
                self.flow = Some(SuiteFlow {
                    path: std::path::PathBuf::from(&rel),
                    display: rel.clone(),
                    span: node.span,
                    vars: keys.vars,
                    stubs: keys.stubs,
                    terraform: Some(rel["tf:".len()..].to_string()),
                    tables: keys.tables,
                    loaded: None,
                    library: None,
                    index: 0,
                });
            }
            Some((node, rel)) => {
                self.flow_failed = true;
                match self.resolver.resolve(&rel) {
                    Ok((joined, path)) if path.is_file() => {
                        // `a/../` folded away, unless a symlink makes that another file.
                        let display = match lexical(&joined) {
                            l if Path::new(&l).canonicalize().is_ok_and(|c| c == path) => l,
                            _ => joined.display().to_string(),
                        };
                        let display = crate::source::shown::shown(Path::new(&display));
                        // Loaded on the pool while the cases are (a large flow took a
                        // quarter of a second on one thread after them).
                        if let Some(p) = self.prefetch {
                            p.request_flow(&path, &display, &keys.vars);
                        }
                        self.flow = Some(SuiteFlow {
                            path,
                            display,
                            span: node.span,
                            vars: keys.vars,
                            stubs: keys.stubs,
                            terraform: None,
                            tables: keys.tables,
                            loaded: None,
                            library: None,
                            index: 0,
                        });
                        self.flow_failed = false;
                    }
                    Ok((joined, _)) => self.err(
                        node,
                        RulesCode::Flow,
                        format!("flow `{}` is not a file", joined.display()),
                    ),
                    Err(e) => {
                        let code = match e {
                            crate::project::PathError::Outside { .. } => RulesCode::FlowOutside,
                            crate::project::PathError::NotFound { .. } => RulesCode::Flow,
                        };
                        let d = self
                            .error(node, e.message("flow"))
                            .with_code(code)
                            .with_help(e.help("flow"));
                        self.push(d);
                    }
                }
            }
            None => {
                for k in keys.needs_flow {
                    self.needs_flow(k);
                }
            }
        }
        keys.directory
    }

    /// Whether the file has `flow:`; reports the key at `k` when it has not.
    pub(super) fn needs_flow(&mut self, k: &Node) -> bool {
        if self.flow.is_some() {
            return true;
        }
        if self.flow_failed {
            return false;
        }
        let name = k.as_str().unwrap_or("this key").to_owned();
        let d = self
            .error(
                k,
                format!("`{name}:` needs a flow: the rules file has no `flow:`"),
            )
            .with_code(RulesCode::Flow)
            .with_help("add `flow: path/to/flow.yaml` (an Archy export, relative to this file)");
        self.push(d);
        false
    }

    /// A mapping of names to scalars, each rendered as text.
    fn string_map(&mut self, v: &Node, what: &str, shape: &str) -> BTreeMap<String, String> {
        let Some(map) = v.as_map() else {
            self.expect_type(v, what, &format!("a mapping of {shape}"));
            return BTreeMap::new();
        };
        let mut out = BTreeMap::new();
        for (k, val) in map {
            let Some(name) = self.string(k, "a name") else {
                continue;
            };
            match &val.value {
                NodeValue::Null | NodeValue::Seq(_) | NodeValue::Map(_) => {
                    self.expect_type(val, &format!("`{name}`"), "a scalar")
                }
                _ => {
                    out.insert(name, val.scalar_text().unwrap_or_default());
                }
            }
        }
        out
    }

    /// `Action name: { output: ..., values: { Var: value } }`, each located by its name.
    pub(super) fn stubs(&mut self, v: &Node) -> Vec<(String, Stub, (usize, usize))> {
        let Some(map) = v.as_map() else {
            self.expect_type(v, "`stubs`", "a mapping of action name: stub");
            return Vec::new();
        };
        let mut out = Vec::with_capacity(map.len());
        for (k, val) in map {
            let Some(name) = self.string(k, "an action name") else {
                continue;
            };
            if let Some(stub) = self.deserialize::<Stub>(
                val,
                "a stub",
                "write `{ output: success, values: { Flow.X: value } }` (output is omitted for single-path actions)",
            ) {
                out.push((name, stub, k.span));
            }
        }
        out
    }

    /// `Table name: { key: Column, rows: [...] | csv: file.csv }` for Data Table Lookup.
    fn tables(&mut self, v: &Node) -> crate::flow::Tables {
        let mut out = crate::flow::Tables::default();
        let Some(map) = v.as_map() else {
            self.expect_type(v, "`tables`", "a mapping of table name: table");
            return out;
        };
        for (k, val) in map {
            let Some(name) = self.string(k, "a table name") else {
                continue;
            };
            let Some(spec) = self.deserialize::<crate::flow::TableSpec>(
                val,
                "a data table",
                "write `{ key: Column, rows: [{ Column: value, ... }] }` or `{ key: Column, csv: table.csv }`",
            ) else {
                continue;
            };
            match crate::flow::Table::from_spec(&spec, self.base_dir) {
                Ok(t) => {
                    out.0.insert(name, t);
                }
                Err(e) => {
                    let d = self
                        .error(val, format!("data table `{name}`: {e}"))
                        .with_code(RulesCode::Table)
                        .with_help("CSV paths are relative to the rules file; the key column names the row");
                    self.push(d);
                }
            }
        }
        out
    }

    /// A YAML value read through its serde type by the source layer's located
    /// deserializer: errors are at the failing key or value inside `v`.
    pub(super) fn deserialize<T: serde::de::DeserializeOwned>(
        &mut self,
        v: &Node,
        what: &str,
        help: &str,
    ) -> Option<T> {
        // A null would read as "absent" in an `Option` field: refused where written.
        if let Err(at) = to_json(v) {
            let d = self
                .error(at, format!("null is not allowed in {what}"))
                .with_code(RulesCode::Type)
                .with_help(help.to_owned());
            self.push(d);
            return None;
        }
        // Located at the failing key or value inside `v` (an unknown key with did-you-mean).
        match mapping::deserialize(self.src, FileKind::Rules, v, what) {
            Ok(t) => Some(t),
            Err(d) => {
                // "did you mean" beats the general shape.
                let d = if d.help.is_some() {
                    *d
                } else {
                    d.with_help(help.to_owned())
                };
                self.push(d);
                None
            }
        }
    }

    pub(super) fn flow_expect(&mut self, subject: &str, sv: &Node) -> Option<Check> {
        let mut want = FlowExpect::default();
        match subject {
            "route" => {
                want.route = Some(self.deserialize::<RouteExpect>(
                    sv,
                    "route",
                    "write `route: { queue: NAME }` (optionally with `skills: [...]` and `priority: N`), `route: disconnect` or `route: error`",
                )?)
            }
            "responses" => {
                want.responses = Some(self.deserialize::<Vec<String>>(
                    sv,
                    "responses",
                    "write the Send Response texts in order: `responses: [\"Hi\", ...]`",
                )?)
            }
            _ => {
                want.participant_data = Some(self.deserialize::<BTreeMap<String, String>>(
                    sv,
                    "participant data",
                    "participant data is a flat map of strings: `participant_data: { name: \"value\" }`",
                )?)
            }
        }
        Some(Check::Flow(want))
    }
}

/// A path with `a/../` folded away (no filesystem access), so reports name the flow
/// file as `flows/x.yaml` rather than `rules/../flows/x.yaml`.
fn lexical(p: &Path) -> String {
    use std::path::Component;
    let mut out: Vec<Component<'_>> = Vec::new();
    for c in p.components() {
        match c {
            Component::CurDir if !out.is_empty() => {}
            Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    let joined: std::path::PathBuf = out.iter().collect();
    joined.display().to_string()
}
