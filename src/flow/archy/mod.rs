//! Reading an Archy `inboundShortMessage` export into the flow model: declarations, then
//! the variables actions create, then every action with its values compiled against
//! that scope. All problems are collected as located diagnostics on the original file.

use std::collections::{BTreeMap, HashMap};

use crate::diag::{SourceDiagnostic, SourceFile};
use crate::expr::{Scope, Type};
use crate::source::Location;

use super::coverage::BranchInfo;
use super::kind::{self, FlowKind};
use super::model::bot::BotSettings;
use super::model::*;
use super::placeholders::OffsetMap;
use crate::source::yaml::{Node, NodeValue as Kind};

mod bot_flow;
mod bots;
mod control;
mod data;
mod effects;
mod external;
mod schedule;
mod transfer;
mod values;

use data::attributes;
use external::var_targets;
pub(crate) use values::expr_diagnostic;
use values::var_name;

/// Everything the loader produces.
#[derive(Debug, Clone)]
pub(crate) struct Loaded {
    pub name: String,
    pub flow_vars: Vec<VarInit>,
    pub states: Vec<Unit>,
    pub tasks: Vec<Unit>,
    pub start: usize,
    pub error_handling: ErrorHandling,
    pub branches: Vec<BranchInfo>,
    /// The flow type (message flow, bot, common module).
    pub kind: FlowKind,
    /// A bot's or module's settings and NLU.
    pub bot: Option<Box<BotSettings>>,
    /// For each external action name: its kind, output paths, and the variables any
    /// action of that name sets (stubs are keyed by name).
    pub externals: BTreeMap<String, ExternalInfo>,
}

/// What stubs for one action name may say.
#[derive(Debug, Clone, Default)]
pub(crate) struct ExternalInfo {
    pub kinds: Vec<String>,
    pub outputs: Vec<String>,
    pub sets: Vec<String>,
    /// Each variable an action of this name sets, with the only output path that
    /// assigns it (None: every path).
    pub assigned: AssignedOn,
    /// Each action of this name: its kind and its line in the flow file (a stub keyed
    /// by the bare name must match exactly one).
    pub actions: Vec<(String, usize)>,
    /// The data actions a `callData` of this name calls (checked against the deploy's
    /// contracts).
    pub data_actions: Vec<DataActionCall>,
}

/// What a `callData` names: `category: { CAT: { dataAction: { NAME: { successOutputs } } } }`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DataActionCall {
    pub category: String,
    pub action: String,
    /// Each success output as (contract field, the variable it is written to).
    pub success: Vec<(String, String)>,
}

const WRITE_KEYS: &[&str] = &[
    "successOutputs",
    "failureOutputs",
    "intent",
    "exitReason",
    "findResult",
    "foundOutputs",
];

pub(crate) struct Loader<'a> {
    text: &'a str,
    map: &'a OffsetMap,
    file: &'a SourceFile,
    pub diags: Vec<SourceDiagnostic>,
    branches: Vec<BranchInfo>,
    scope: Scope,
    states: HashMap<String, usize>,
    tasks: HashMap<String, usize>,
    /// Output paths the task being read declares (besides `default`).
    output_paths: Vec<String>,
    externals: BTreeMap<String, ExternalInfo>,
    kind: FlowKind,
    /// The top-level key as the file spells it (references start with it).
    key: String,
}

impl<'a> Loader<'a> {
    pub fn new(text: &'a str, map: &'a OffsetMap, file: &'a SourceFile) -> Self {
        Loader {
            text,
            map,
            file,
            diags: Vec::new(),
            branches: Vec::new(),
            scope: Scope::new(),
            states: HashMap::new(),
            tasks: HashMap::new(),
            output_paths: Vec::new(),
            externals: BTreeMap::new(),
            kind: kind::MESSAGE,
            key: kind::MESSAGE.key.to_string(),
        }
    }

    /// The type of a declared variable.
    pub(crate) fn scope_lookup(&self, name: &str) -> Option<Type> {
        self.scope.lookup(name).map(|d| d.ty.clone())
    }

    pub(crate) fn orig(&self, off: usize) -> usize {
        self.map.to_original(off)
    }

    fn span(&self, node: &Node) -> (usize, usize) {
        // A collection is pointed at by its first character, as a scalar by its text.
        let len = match node.value {
            Kind::Seq(_) | Kind::Map(_) => 0,
            _ => node.span.1 - node.span.0,
        };
        let s = self.orig(node.off());
        let e = self.orig(node.off() + len.max(1)).max(s + 1);
        (s, e.min(self.file.text.len().max(s)))
    }

    pub(crate) fn err(&mut self, node: &Node, msg: impl Into<String>) {
        let d = SourceDiagnostic::error(self.file, self.span(node), msg)
            .with_code("routecheck::flow::load");
        self.diags.push(d);
    }

    fn err_help(&mut self, node: &Node, msg: impl Into<String>, help: impl Into<String>) {
        let d = SourceDiagnostic::error(self.file, self.span(node), msg)
            .with_code("routecheck::flow::load")
            .with_help(help);
        self.diags.push(d);
    }

    pub fn location(&self, orig_off: usize) -> Location {
        self.file.location(orig_off)
    }

    pub(crate) fn branch(&mut self, label: String, at: usize) -> usize {
        let id = self.branches.len();
        let location = self.location(at);
        self.branches.push(BranchInfo {
            id,
            label,
            location,
            at,
        });
        id
    }

    /// Load the whole document.
    pub fn load(mut self, root: &Node) -> Result<Loaded, Vec<SourceDiagnostic>> {
        // The first top-level key the catalogue names as a kind routecheck runs.
        let found = root.as_map().and_then(|m| {
            m.iter().find_map(|(k, v)| {
                let key = k.as_str()?;
                let kind = kind::by_key(key).filter(|k| k.simulated())?;
                Some((*kind, key.to_string(), v))
            })
        });
        let Some((kind, key, flow)) = found else {
            let what = root
                .as_map()
                .and_then(|m| m.first())
                .and_then(|(k, _)| k.as_str())
                .map_or(String::new(), |k| format!(" (found `{k}`)"));
            self.err_help(
                root,
                format!("not an inbound message flow{what}"),
                "an Archy export of an inbound message flow starts with `inboundShortMessage:`",
            );
            return Err(self.diags);
        };
        let name = flow
            .get("name")
            .and_then(Node::scalar_text)
            .unwrap_or_default();
        self.kind = kind;
        self.key = key;
        let (units_key, unit_key) = kind.units();
        let module = kind == kind::COMMON_MODULE;
        let states_node = flow.get(if module { "states" } else { units_key });
        let tasks_node = flow.get("tasks");
        let state_items = if module {
            Vec::new()
        } else {
            self.units_of(states_node, unit_key)
        };
        let task_items = self.units_of(tasks_node, "task");
        for (i, (_, body)) in state_items.iter().enumerate() {
            if let Some(r) = body.get("refId").and_then(Node::scalar_text) {
                self.states.insert(r, i);
            }
        }
        for (i, (_, body)) in task_items.iter().enumerate() {
            if let Some(r) = body.get("refId").and_then(Node::scalar_text) {
                self.tasks.insert(r, i);
            }
        }
        if state_items.is_empty() && !module {
            self.err(flow, format!("the flow has no {units_key}"));
        }

        // Declarations first, then what actions write, so every expression sees both.
        let mut decls = Vec::new();
        self.declare_list(flow.get("variables"), &mut decls);
        for (_, body) in state_items.iter().chain(task_items.iter()) {
            self.declare_list(body.get("variables"), &mut decls);
        }
        for (_, body) in state_items.iter().chain(task_items.iter()) {
            if let Some(actions) = body.get("actions") {
                self.declare_writes(actions);
            }
        }
        if let Some(actions) = flow.get("startUpTaskActions") {
            self.declare_writes(actions);
        }

        let flow_vars = self.var_inits(flow.get("variables"));
        let mut states: Vec<Unit> = state_items
            .iter()
            .map(|(key, body)| self.unit(key, body))
            .collect();
        if module {
            // A common module runs its start-up task: one unit ended by `endTask`.
            let actions = self.block(flow.get("startUpTaskActions"));
            states.push(Unit {
                name: "Start-up task".into(),
                at: self.orig(flow.off()),
                vars: Vec::new(),
                actions,
            });
        }
        let tasks = task_items
            .iter()
            .map(|(key, body)| self.unit(key, body))
            .collect();
        let start = match flow.get("startUpRef") {
            Some(r) => self.resolve_ref(r, units_key, unit_key).unwrap_or(0),
            None if module => 0,
            None => {
                self.err(flow, "the flow has no `startUpRef`");
                0
            }
        };
        let error_handling = if kind == kind::MESSAGE {
            self.error_handling(flow.get("settingsErrorHandling"))
        } else {
            ErrorHandling::Disconnect
        };
        let bot = (kind != kind::MESSAGE).then(|| Box::new(self.bot_settings(flow, kind)));
        if self.diags.is_empty() {
            Ok(Loaded {
                name,
                flow_vars,
                states,
                tasks,
                start,
                error_handling,
                branches: self.branches,
                kind,
                bot,
                externals: self.externals,
            })
        } else {
            Err(self.diags)
        }
    }

    fn units_of<'n>(&mut self, list: Option<&'n Node>, key: &str) -> Vec<(&'n Node, &'n Node)> {
        let Some(list) = list.filter(|l| !matches!(l.value, Kind::Null)) else {
            return Vec::new();
        };
        let Some(items) = list.as_seq() else {
            self.err(list, format!("expected a list of `{key}` entries"));
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items {
            match item.single_entry() {
                Some((k, knode, body)) if k == key => out.push((knode, body)),
                _ => self.err(item, format!("expected a `{key}:` entry")),
            }
        }
        out
    }

    fn declare_list(&mut self, list: Option<&Node>, out: &mut Vec<(String, Type)>) {
        let Some(items) = list.and_then(Node::as_seq) else {
            return;
        };
        for item in items {
            let Some((kind, knode, body)) = item.single_entry() else {
                self.err(
                    item,
                    "expected a variable declaration such as `stringVariable:`",
                );
                continue;
            };
            let Some(ty) = Type::from_archy(kind) else {
                self.err(knode, format!("unknown variable type `{kind}`"));
                continue;
            };
            let Some(name) = body.get("name").and_then(Node::as_str) else {
                self.err(body, "a variable declaration needs a `name`");
                continue;
            };
            if let Err(e) = self.scope.declare(name, ty.clone()) {
                let at = body.get("name").unwrap_or(body);
                self.err(at, e);
            }
            out.push((name.to_string(), ty));
        }
    }

    fn var_inits(&mut self, list: Option<&Node>) -> Vec<VarInit> {
        let Some(items) = list.and_then(Node::as_seq) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items {
            let Some((kind, _, body)) = item.single_entry() else {
                continue;
            };
            let (Some(ty), Some(name_node)) = (Type::from_archy(kind), body.get("name")) else {
                continue;
            };
            let Some(name) = name_node.as_str() else {
                continue;
            };
            let target = Target {
                name: name.to_string(),
                ty: ty.clone(),
                at: self.orig(name_node.off()),
            };
            let init = match body.get("initialValue") {
                Some(v) => self.val(v, Some(&ty)),
                None => Some(Val {
                    kind: ValKind::NoValue(ty.clone()),
                    at: target.at,
                }),
            };
            if let Some(init) = init {
                out.push(VarInit { target, init });
            }
        }
        out
    }

    /// Declare every variable an action writes that was not declared, with the type the
    /// writing action gives it.
    fn declare_writes(&mut self, node: &Node) {
        super::deep(|| self.declare_writes_in(node))
    }

    fn declare_writes_in(&mut self, node: &Node) {
        match &node.value {
            Kind::Seq(items) => items.iter().for_each(|n| self.declare_writes(n)),
            Kind::Map(entries) => {
                for (k, v) in entries {
                    let key = k.as_str().unwrap_or("");
                    let mut writes: Vec<(String, usize, Type)> = Vec::new();
                    match key {
                        "getParticipantData" => {
                            for a in attributes(v) {
                                if let Some(var) = a.get("variable")
                                    && let Some(n) = var.as_str()
                                {
                                    writes.push((n.to_string(), var.off(), Type::String));
                                }
                            }
                        }
                        "updateData" => {
                            for st in v.get("statements").and_then(Node::as_seq).unwrap_or(&[]) {
                                if let Some((ty, _, body)) = st.single_entry()
                                    && let Some(ty) = Type::from_archy(ty)
                                    && let Some(var) = body.get("variable")
                                    && let Some(n) = var.as_str()
                                {
                                    writes.push((n.to_string(), var.off(), ty));
                                }
                            }
                        }
                        "loop" => {
                            if let Some((n, off)) = v.get("currentIndex").and_then(var_name) {
                                writes.push((n, off, Type::Integer));
                            }
                        }
                        "dataTableLookup" => {
                            let mut targets = Vec::new();
                            var_targets(v, None, None, true, &mut targets);
                            writes.extend(
                                targets
                                    .into_iter()
                                    .map(|(n, off, _)| (n, off, Type::String)),
                            );
                        }
                        k if external_outputs(k).is_some() => {
                            let ty = find_result_type(k);
                            let mut targets = Vec::new();
                            var_targets(v, None, None, true, &mut targets);
                            writes.extend(
                                targets.into_iter().map(|(n, off, _)| (n, off, ty.clone())),
                            );
                        }
                        _ => {}
                    }
                    for (name, off, ty) in writes {
                        if self.scope.lookup(&name).is_none()
                            && let Err(e) = self.scope.declare(&name, ty)
                        {
                            let at = Node {
                                value: Kind::Null,
                                span: (off, off + name.len()),
                            };
                            self.err(&at, e);
                        }
                    }
                    self.declare_writes(v);
                }
            }
            _ => {}
        }
    }

    fn unit(&mut self, key: &Node, body: &Node) -> Unit {
        let name = body
            .get("name")
            .and_then(Node::scalar_text)
            .unwrap_or_default();
        let vars = self.var_inits(body.get("variables"));
        let output_paths: Vec<String> = body
            .get("outputPaths")
            .and_then(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .filter_map(|p| {
                p.get("outputPath")
                    .and_then(|o| o.get("name"))
                    .and_then(Node::scalar_text)
            })
            .collect();
        self.output_paths = output_paths;
        let actions = self.block(body.get("actions"));
        self.output_paths.clear();
        Unit {
            name,
            at: self.orig(key.off()),
            vars,
            actions,
        }
    }

    pub(crate) fn block(&mut self, node: Option<&Node>) -> Block {
        let Some(node) = node else { return Vec::new() };
        if matches!(node.value, Kind::Null) {
            return Vec::new();
        }
        let Some(items) = node.as_seq() else {
            self.err(
                node,
                format!("expected a list of actions, found {}", node.shape()),
            );
            return Vec::new();
        };
        items
            .iter()
            .filter_map(|i| super::deep(|| self.action(i)))
            .collect()
    }

    /// Where output path `name` of an action is written: its key under `outputs:`, else
    /// the action (`at`): coverage, gen and lint locate each branch at its own line.
    pub(crate) fn output_at(&self, body: &Node, name: &str, at: usize) -> usize {
        self.key_at(body.get("outputs"), name).unwrap_or(at)
    }

    /// The original offset of key `name` of mapping `node`.
    pub(crate) fn key_at(&self, node: Option<&Node>, name: &str) -> Option<usize> {
        let (k, _) = node?
            .as_map()?
            .iter()
            .find(|(k, _)| k.as_str() == Some(name))?;
        Some(self.orig(k.off()))
    }

    /// The actions of `outputs.<name>.actions`.
    fn output_block(&mut self, body: &Node, name: &str) -> Block {
        let actions = body
            .get("outputs")
            .and_then(|o| o.get(name))
            .and_then(|o| o.get("actions"));
        self.block(actions)
    }

    fn action(&mut self, item: &Node) -> Option<Action> {
        let Some((kind, knode, body)) = item.single_entry() else {
            self.err(
                item,
                "expected an action: a mapping with one key such as `decision:`",
            );
            return None;
        };
        let name = body
            .get("name")
            .and_then(Node::scalar_text)
            .unwrap_or_else(|| kind.to_string());
        let at = self.orig(knode.off());
        let body_kind = match kind {
            "getParticipantData" => self.get_participant_data(body)?,
            "setParticipantData" => self.set_participant_data(body)?,
            "updateData" => self.update_data(body)?,
            "decision" => self.decision(body, kind, &name, at)?,
            "switch" => return self.switch(body, kind, name, at),
            "loop" => self.parse_loop(body)?,
            "loopNext" => Body::LoopNext,
            "loopExit" => Body::LoopExit,
            "callTask" => self.call_task(body)?,
            "endTask" => self.end_task(body)?,
            "changeState" => self.change_state(body)?,
            "sendResponse" => self.send_response(body)?,
            "transferToAcd" => Body::Transfer(Box::new(self.transfer(body)?)),
            k if bot_flow::BOT_ACTIONS.contains(&k) => {
                if !self.kind.is_bot() {
                    self.err_help(
                        knode,
                        format!(
                            "`{k}` is a bot action: it runs in bot flows, not in {}s",
                            self.kind.noun()
                        ),
                        "call a bot flow with `callDigitalBotFlow` or `callBotFlow`",
                    );
                    return None;
                }
                Body::Bot(Box::new(self.bot_action(k, body, &name, at)?))
            }
            "disconnect" => Body::Disconnect,
            "setScreenPop" => self.screen_pop(body)?,
            _ => self.catalogued(knode, body, kind, &name, at)?,
        };
        Some(Action {
            name,
            kind: kind.to_string(),
            at,
            body: body_kind,
        })
    }

    fn error_handling(&mut self, node: Option<&Node>) -> ErrorHandling {
        let Some(node) = node else {
            return ErrorHandling::Disconnect;
        };
        let Some((kind, knode, body)) = node.get("errorHandling").and_then(Node::single_entry)
        else {
            self.err(node, "expected `errorHandling:` with one action");
            return ErrorHandling::Disconnect;
        };
        match kind {
            "disconnect" => ErrorHandling::Disconnect,
            "transferToAcd" => match self.transfer(body) {
                Some(t) => ErrorHandling::Transfer(Box::new(t)),
                None => ErrorHandling::Disconnect,
            },
            other => {
                self.err_help(
                    knode,
                    format!("unsupported error handling `{other}`"),
                    "the simulator supports `disconnect` and `transferToAcd`",
                );
                ErrorHandling::Disconnect
            }
        }
    }

    fn resolve_ref(&mut self, node: &Node, section: &str, item: &str) -> Option<usize> {
        let Some(r) = node.as_str() else {
            self.err(
                node,
                format!(
                    "expected a reference such as `/{}/{section}/{item}[Name_1]`",
                    self.key
                ),
            );
            return None;
        };
        let prefix = format!("/{}/{section}/{item}[", self.key);
        let id = r.strip_prefix(&prefix).and_then(|s| s.strip_suffix(']'));
        let table = if section != "tasks" {
            &self.states
        } else {
            &self.tasks
        };
        match id.and_then(|id| table.get(id)) {
            Some(i) => Some(*i),
            None => {
                let mut known: Vec<_> = table.keys().cloned().collect();
                known.sort();
                self.err_help(
                    node,
                    format!("dangling reference `{r}`: no {item} has that refId"),
                    format!("{item} refIds in this flow: {}", known.join(", ")),
                );
                None
            }
        }
    }
}
