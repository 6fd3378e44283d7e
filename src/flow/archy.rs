//! Reading an Archy `inboundShortMessage` export into the flow model: declarations, then
//! the variables actions create, then every action with its values compiled against
//! that scope. All problems are collected as located diagnostics on the original file.

use std::collections::{BTreeMap, HashMap};

use crate::diag::{SourceDiagnostic, SourceFile};
use crate::expr::{self, Entity, Scope, Type, Value};
use crate::source::Location;

use super::catalogue::{self, Handling};
use super::coverage::BranchInfo;
use super::model::*;
use super::placeholders::OffsetMap;
use crate::source::yaml::{self, Node, NodeValue as Kind};

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
    /// Each action of this name: its kind and its line in the flow file (a stub keyed
    /// by the bare name must match exactly one).
    pub actions: Vec<(String, usize)>,
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
        }
    }

    fn orig(&self, off: usize) -> usize {
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

    fn err(&mut self, node: &Node, msg: impl Into<String>) {
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

    fn branch(&mut self, label: String, at: usize) -> usize {
        let id = self.branches.len();
        let location = self.location(at);
        self.branches.push(BranchInfo {
            id,
            label,
            location,
        });
        id
    }

    /// Load the whole document.
    pub fn load(mut self, root: &Node) -> Result<Loaded, Vec<SourceDiagnostic>> {
        let Some(flow) = root.get("inboundShortMessage") else {
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
        let states_node = flow.get("states");
        let tasks_node = flow.get("tasks");
        let state_items = self.units_of(states_node, "state");
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
        if state_items.is_empty() {
            self.err(flow, "the flow has no states");
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

        let flow_vars = self.var_inits(flow.get("variables"));
        let states = state_items
            .iter()
            .map(|(key, body)| self.unit(key, body))
            .collect();
        let tasks = task_items
            .iter()
            .map(|(key, body)| self.unit(key, body))
            .collect();
        let start = match flow.get("startUpRef") {
            Some(r) => self.resolve_ref(r, "states", "state").unwrap_or(0),
            None => {
                self.err(flow, "the flow has no `startUpRef`");
                0
            }
        };
        let error_handling = self.error_handling(flow.get("settingsErrorHandling"));
        if self.diags.is_empty() {
            Ok(Loaded {
                name,
                flow_vars,
                states,
                tasks,
                start,
                error_handling,
                branches: self.branches,
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
                            var_targets(v, false, None, true, &mut targets);
                            writes
                                .extend(targets.into_iter().map(|(n, off)| (n, off, Type::String)));
                        }
                        k if external_outputs(k).is_some() => {
                            let ty = find_result_type(k);
                            let mut targets = Vec::new();
                            var_targets(v, false, None, true, &mut targets);
                            writes.extend(targets.into_iter().map(|(n, off)| (n, off, ty.clone())));
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

    fn block(&mut self, node: Option<&Node>) -> Block {
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
        let label = |what: &str| format!("{kind} \"{name}\" {what}");
        let body_kind = match kind {
            "getParticipantData" => {
                let mut out = Vec::new();
                for a in attributes(body) {
                    let attr_name = self.req_val(a, "name", Some(&Type::String));
                    let var = a.get("variable").and_then(|v| self.target(v));
                    if let Some(t) = &var
                        && t.ty != Type::String
                    {
                        let n = a.get("variable").unwrap_or(a);
                        self.err(
                            n,
                            format!(
                                "get participant data stores strings, but `{}` is {}",
                                t.name, t.ty
                            ),
                        );
                    }
                    if let (Some(n), Some(v)) = (attr_name, var) {
                        out.push((n, v));
                    } else if a.get("variable").is_none() {
                        self.err(a, "an attribute needs a `variable`");
                    }
                }
                Body::GetParticipantData(out)
            }
            "setParticipantData" => {
                let mut out = Vec::new();
                for a in attributes(body) {
                    let n = self.req_val(a, "name", Some(&Type::String));
                    let v = self.req_val(a, "value", Some(&Type::String));
                    if let (Some(n), Some(v)) = (n, v) {
                        out.push((n, v));
                    }
                }
                Body::SetParticipantData(out)
            }
            "updateData" => {
                let mut out = Vec::new();
                let stmts = body.get("statements").and_then(Node::as_seq).unwrap_or(&[]);
                for st in stmts {
                    let Some((tyname, tnode, sbody)) = st.single_entry() else {
                        self.err(st, "expected a statement such as `string:`");
                        continue;
                    };
                    let Some(ty) = Type::from_archy(tyname) else {
                        self.err(
                            tnode,
                            format!("unknown update data statement type `{tyname}`"),
                        );
                        continue;
                    };
                    let Some(var) = sbody.get("variable") else {
                        self.err(sbody, "a statement needs a `variable`");
                        continue;
                    };
                    let Some(target) = self.target(var) else {
                        continue;
                    };
                    if target.ty != ty {
                        self.err(
                            var,
                            format!(
                                "`{}` is {}, but this statement assigns {}",
                                target.name, target.ty, ty
                            ),
                        );
                        continue;
                    }
                    if let Some(v) = self.req_val(sbody, "value", Some(&ty)) {
                        out.push((target, v));
                    }
                }
                Body::UpdateData(out)
            }
            "decision" => {
                let cond = self.req_val(body, "condition", Some(&Type::Boolean));
                self.check_outputs(body, kind, &["yes", "no"]);
                let yes_id = self.branch(label("yes"), at);
                let no_id = self.branch(label("no"), at);
                let yes = self.output_block(body, "yes");
                let no = self.output_block(body, "no");
                Body::Decision {
                    cond: cond?,
                    yes,
                    no,
                    branches: [yes_id, no_id],
                }
            }
            "switch" => return self.switch(body, kind, name, at),
            "loop" => {
                let count = self.req_val(body, "loopCount", Some(&Type::Integer));
                let index = body
                    .get("currentIndex")
                    .map(|n| n.get("var").unwrap_or(n))
                    .and_then(|n| self.target(n));
                let body_actions = if body.get("outputs").is_some() {
                    self.output_block(body, "loop")
                } else {
                    self.block(body.get("actions"))
                };
                Body::Loop {
                    count: count?,
                    index,
                    body: body_actions,
                }
            }
            "loopNext" => Body::LoopNext,
            "loopExit" => Body::LoopExit,
            "callTask" => {
                let task = match body.get("targetTaskRef") {
                    Some(r) => self.resolve_ref(r, "tasks", "task"),
                    None => {
                        self.err(body, "call task needs a `targetTaskRef`");
                        None
                    }
                };
                let mut outputs = Vec::new();
                if let Some(entries) = body.get("outputs").and_then(Node::as_map) {
                    for (k, v) in entries {
                        let Some(n) = k.as_str() else { continue };
                        let b = self.block(v.get("actions"));
                        outputs.push((n.to_string(), b));
                    }
                }
                Body::CallTask {
                    task: task?,
                    outputs,
                }
            }
            "endTask" => {
                let path_node = body.get("outputPath").and_then(|p| p.get("name"));
                let path = path_node
                    .and_then(Node::scalar_text)
                    .unwrap_or_else(|| "default".into());
                if path != "default" && !self.output_paths.contains(&path) {
                    let declared = if self.output_paths.is_empty() {
                        "the task declares no output paths".to_string()
                    } else {
                        format!("the task declares {}", self.output_paths.join(", "))
                    };
                    self.err(
                        path_node.unwrap_or(body),
                        format!("end task names output path `{path}`, but {declared}"),
                    );
                }
                Body::EndTask(path)
            }
            "changeState" => {
                let state = match body.get("targetStateRef") {
                    Some(r) => self.resolve_ref(r, "states", "state"),
                    None => {
                        self.err(body, "change state needs a `targetStateRef`");
                        None
                    }
                };
                Body::ChangeState(state?)
            }
            "sendResponse" => {
                Body::SendResponse(self.req_val(body, "messageBody", Some(&Type::String))?)
            }
            "transferToAcd" => Body::Transfer(Box::new(self.transfer(body)?)),
            "disconnect" => Body::Disconnect,
            "setScreenPop" => {
                let mut script = String::new();
                let mut inputs = Vec::new();
                if let Some((s, _, sbody)) =
                    body.get("screenPopScript").and_then(Node::single_entry)
                {
                    script = s.to_string();
                    for (k, v) in sbody.get("inputs").and_then(Node::as_map).unwrap_or(&[]) {
                        if let (Some(k), Some(v)) = (k.as_str(), self.val(v, Some(&Type::String))) {
                            inputs.push((k.to_string(), v));
                        }
                    }
                }
                Body::ScreenPop { script, inputs }
            }
            k => match catalogue::lookup(k).map(|c| c.handling) {
                Some(Handling::Stub(known)) => {
                    Body::External(Box::new(self.external(body, kind, &name, at, known)))
                }
                Some(Handling::Table) => {
                    Body::TableLookup(Box::new(self.table_lookup(body, kind, &name, at)?))
                }
                Some(Handling::Transfer) => {
                    Body::TransferOther(Box::new(self.other_transfer(k, body)))
                }
                Some(Handling::Record) => Body::Record(self.input_vals(body)),
                Some(Handling::NotModelled(why)) => {
                    self.err_help(
                        knode,
                        format!("the simulator does not model `{k}`: {why}"),
                        "docs/fidelity.md lists every action kind and how it is simulated",
                    );
                    return None;
                }
                Some(Handling::Simulated) | None => {
                    let known = catalogue::runnable();
                    let near = crate::diag::closest(k, known.iter().copied())
                        .map(|n| format!("did you mean `{n}`? "))
                        .unwrap_or_default();
                    self.err_help(
                        knode,
                        format!("unknown action kind `{k}`"),
                        format!("{near}the simulator runs: {}", known.join(", ")),
                    );
                    return None;
                }
            },
        };
        Some(Action {
            name,
            kind: kind.to_string(),
            at,
            body: body_kind,
        })
    }

    fn switch(&mut self, body: &Node, kind: &str, name: String, at: usize) -> Option<Action> {
        let Some((mode, mnode, eval)) = body.get("evaluate").and_then(Node::single_entry) else {
            self.err(
                body,
                "a switch needs `evaluate:` with `firstTrue:` or `firstMatch:`",
            );
            return None;
        };
        let (subject, case_ty) = match mode {
            "firstTrue" => (None, Some(Type::Boolean)),
            "firstMatch" => {
                let subject = self.req_val(eval, "expression", None);
                let ty = subject.as_ref().map(val_type);
                (Some(subject?), ty)
            }
            other => {
                self.err_help(
                    mnode,
                    format!("unknown switch evaluation `{other}`"),
                    "use `firstTrue` or `firstMatch`",
                );
                return None;
            }
        };
        let mut cases = Vec::new();
        for (i, c) in eval
            .get("cases")
            .and_then(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .enumerate()
        {
            let Some(cbody) = c.get("case") else {
                self.err(c, "expected a `case:` entry");
                continue;
            };
            let v = self.req_val(cbody, "value", case_ty.as_ref());
            let text = cbody
                .get("value")
                .and_then(|v| v.get("exp").or(v.get("lit")))
                .and_then(Node::scalar_text)
                .map(|t| format!(" ({})", one_line(&t)))
                .unwrap_or_default();
            let id = self.branch(format!("{kind} \"{name}\" case {}{text}", i + 1), at);
            let b = self.block(cbody.get("actions"));
            if let Some(v) = v {
                cases.push((v, b, id));
            }
        }
        let default_branch = self.branch(format!("{kind} \"{name}\" default"), at);
        let default = self.block(eval.get("default").and_then(|d| d.get("actions")));
        Some(Action {
            name,
            kind: kind.to_string(),
            at,
            body: Body::Switch {
                subject,
                cases,
                default,
                default_branch,
            },
        })
    }

    pub(crate) fn transfer(&mut self, body: &Node) -> Option<Transfer> {
        let queue = self.req_val(body, "targetQueue", Some(&Type::Queue));
        let mut skills = Vec::new();
        for s in body.get("acdSkills").and_then(Node::as_seq).unwrap_or(&[]) {
            let node = s.get("acdSkill").unwrap_or(s);
            if let Some(v) = self.val(node, Some(&Type::Skill)) {
                skills.push(v);
            }
        }
        let opt = |this: &mut Self, key: &str, ty: Type| {
            body.get(key).and_then(|n| this.val(n, Some(&ty)))
        };
        let priority = opt(self, "priority", Type::Integer);
        let preferred = opt(
            self,
            "preferredAgents",
            Type::List(Box::new(Type::AgentScorePair)),
        );
        let language_skill = opt(self, "languageSkill", Type::LanguageSkill);
        let direct_agent = opt(self, "directAgent", Type::User);
        Some(Transfer {
            queue: queue?,
            skills,
            priority,
            preferred,
            language_skill,
            direct_agent,
        })
    }

    /// `dataTableLookup`: `lookupValue`, `dataTable: { NAME: { foundOutputs,
    /// failureOutputs } }` and the found / notFound / failure paths.
    fn table_lookup(
        &mut self,
        body: &Node,
        kind: &str,
        name: &str,
        at: usize,
    ) -> Option<TableLookup> {
        let Some((table, _, tbody)) = body.get("dataTable").and_then(Node::single_entry) else {
            self.err(
                body,
                "a data table lookup needs `dataTable:` with one entry, the table's name",
            );
            return None;
        };
        // Archy writes `lookupValue` beside `dataTable`; it is also read inside the
        // table's entry, where the exported shape may put it.
        let key = match body.get("lookupValue").or_else(|| tbody.get("lookupValue")) {
            Some(n) => self.val(n, None),
            None => {
                self.err(body, "missing `lookupValue`");
                None
            }
        };
        let found = self.column_targets(tbody.get("foundOutputs"));
        let failure = self.column_targets(tbody.get("failureOutputs"));
        let known: &[&str] = &["found", "notFound", "failure"];
        self.check_outputs(body, kind, known);
        let sets: Vec<&Target> = found.iter().chain(failure.iter()).map(|(_, t)| t).collect();
        self.register_external(name, kind, at, known, &sets);
        let outputs = self.outputs(body, kind, name, at, known);
        Some(TableLookup {
            table: table.to_string(),
            key: key?,
            found,
            failure,
            outputs,
        })
    }

    /// `column: { var: Flow.X }` entries (`noValue: true` sets nothing).
    fn column_targets(&mut self, node: Option<&Node>) -> Vec<(String, Target)> {
        let mut out = Vec::new();
        for (k, v) in node.and_then(Node::as_map).unwrap_or(&[]) {
            let Some(col) = k.scalar_text() else { continue };
            if v.get("var").is_none() {
                continue;
            }
            if let Some(t) = self.target(v) {
                out.push((col, t));
            }
        }
        out
    }

    /// `transferToFlow` / `transferToUser` / …: the `target…` value, or a target
    /// written as a mapping key (`targetFlow: { Billing: {...} }`).
    fn other_transfer(&mut self, kind: &str, body: &Node) -> OtherTransfer {
        let to = kind
            .strip_prefix("transferTo")
            .unwrap_or(kind)
            .to_ascii_lowercase();
        let mut out = OtherTransfer {
            to,
            target: None,
            target_name: None,
        };
        let entries = body.as_map().unwrap_or(&[]);
        let Some((_, v)) = entries
            .iter()
            .find(|(k, _)| k.as_str().is_some_and(|k| k.starts_with("target")))
        else {
            return out;
        };
        match v.single_entry() {
            Some(("lit" | "exp" | "var" | "noValue", _, _)) => out.target = self.val(v, None),
            Some((name, _, _)) if v.get("name").is_none() => out.target_name = Some(name.into()),
            _ => out.target_name = v.get("name").and_then(Node::scalar_text),
        }
        out
    }

    /// Record an action stubs may address by name.
    fn register_external(
        &mut self,
        name: &str,
        kind: &str,
        at: usize,
        known: &[&str],
        sets: &[&Target],
    ) {
        let line = self.file.line_col(at).0;
        let info = self.externals.entry(name.to_string()).or_default();
        push_new(&mut info.kinds, kind);
        for o in known {
            push_new(&mut info.outputs, o);
        }
        for t in sets {
            push_new(&mut info.sets, &t.name);
        }
        info.actions.push((kind.to_string(), line));
    }

    /// The branch and actions of each output path an action kind has.
    fn outputs(
        &mut self,
        body: &Node,
        kind: &str,
        name: &str,
        at: usize,
        known: &[&str],
    ) -> Vec<Output> {
        let mut outputs = Vec::new();
        for o in known {
            let branch = self.branch(format!("{kind} \"{name}\" {o}"), at);
            let actions = self.output_block(body, o);
            outputs.push(Output {
                name: o.to_string(),
                branch,
                actions,
            });
        }
        outputs
    }

    fn external(
        &mut self,
        body: &Node,
        kind: &str,
        name: &str,
        at: usize,
        known: &[&str],
    ) -> External {
        let mut raw_targets = Vec::new();
        var_targets(body, false, None, true, &mut raw_targets);
        let sets: Vec<Target> = raw_targets
            .iter()
            .filter_map(|(n, off)| {
                let node = Node {
                    value: Kind::Str(n.clone()),
                    span: (*off, *off + n.len()),
                };
                self.target(&node)
            })
            .collect();
        let inputs = self.input_vals(body);
        self.check_outputs(body, kind, known);
        let set_refs: Vec<&Target> = sets.iter().collect();
        self.register_external(name, kind, at, known, &set_refs);
        let outputs = self.outputs(body, kind, name, at, known);
        External {
            inputs,
            sets,
            outputs,
        }
    }

    fn check_outputs(&mut self, body: &Node, kind: &str, known: &[&str]) {
        let Some(entries) = body.get("outputs").and_then(Node::as_map) else {
            return;
        };
        for (k, _) in entries {
            let n = k.as_str().unwrap_or("");
            if !known.contains(&n) {
                let has = if known.is_empty() {
                    "it has a single path".to_string()
                } else {
                    format!("it has {}", known.join(", "))
                };
                self.err(k, format!("`{kind}` has no output `{n}` ({has})"));
            }
        }
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
                    "expected a reference such as `/inboundShortMessage/{section}/{item}[Name_1]`"
                ),
            );
            return None;
        };
        let prefix = format!("/inboundShortMessage/{section}/{item}[");
        let id = r.strip_prefix(&prefix).and_then(|s| s.strip_suffix(']'));
        let table = if section == "states" {
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

    /// A variable name node (`Flow.X` or `{var: Flow.X}`) as a write target.
    fn target(&mut self, node: &Node) -> Option<Target> {
        let (name, off) = var_name(node).or_else(|| {
            self.err(node, "expected a variable name");
            None
        })?;
        let Some(decl) = self.scope.lookup(&name) else {
            self.err(node, format!("unknown variable `{name}`"));
            return None;
        };
        if decl.readonly {
            let n = decl.name.clone();
            self.err(node, format!("`{n}` is a read-only built-in"));
            return None;
        }
        Some(Target {
            name,
            ty: decl.ty.clone(),
            at: self.orig(off),
        })
    }

    fn req_val(&mut self, body: &Node, key: &str, ty: Option<&Type>) -> Option<Val> {
        match body.get(key) {
            Some(n) => self.val(n, ty),
            None => {
                self.err(body, format!("missing `{key}`"));
                None
            }
        }
    }

    /// A `lit:` / `exp:` / `var:` / `noValue:` value for a slot of type `ty` (None: any).
    /// Every input value an action's body gives, compiled (an external action's inputs, a
    /// recording action's values).
    fn input_vals(&mut self, body: &Node) -> Vec<Val> {
        let mut nodes = Vec::new();
        input_values(body, false, None, true, &mut nodes);
        nodes
            .into_iter()
            .filter_map(|n| self.val(n, None))
            .collect()
    }

    fn val(&mut self, node: &Node, ty: Option<&Type>) -> Option<Val> {
        let at = self.orig(node.off());
        let (key, knode, inner) = match node.single_entry() {
            Some(e) => e,
            None => {
                self.err(
                    node,
                    format!(
                        "expected a value (`lit:`, `exp:`, `var:` or `noValue: true`), found {}",
                        node.shape()
                    ),
                );
                return None;
            }
        };
        match key {
            "noValue" => Some(Val {
                kind: ValKind::NoValue(ty.cloned().unwrap_or(Type::String)),
                at,
            }),
            "lit" => {
                let v = self.lit(inner, ty)?;
                Some(Val {
                    kind: ValKind::Lit(v),
                    at: self.orig(inner.off()),
                })
            }
            "exp" | "var" => {
                let Some(src) = inner.scalar_text() else {
                    self.err(
                        inner,
                        format!("`{key}:` needs text, found {}", inner.shape()),
                    );
                    return None;
                };
                let offsets: Vec<usize> = if key == "exp" {
                    yaml::scalar_offsets(self.text, inner.off(), &src)
                        .into_iter()
                        .map(|o| self.orig(o))
                        .collect()
                } else {
                    vec![self.orig(inner.off()); src.len() + 1]
                };
                let result = match ty {
                    Some(t) => expr::compile_as(&src, &self.scope, t),
                    None => expr::compile(&src, &self.scope),
                };
                match result {
                    Ok(c) => Some(Val {
                        kind: ValKind::Exp {
                            compiled: Box::new(c),
                            offsets,
                        },
                        at: self.orig(inner.off()),
                    }),
                    Err(errs) => {
                        for e in errs {
                            let d = expr_diagnostic(self.file, &e, &offsets);
                            self.diags.push(d);
                        }
                        None
                    }
                }
            }
            other => {
                self.err(
                    knode,
                    format!("unknown value wrapper `{other}` (expected `lit`, `exp`, `var` or `noValue`)"),
                );
                None
            }
        }
    }

    fn lit(&mut self, node: &Node, ty: Option<&Type>) -> Option<Value> {
        let bad = |this: &mut Self, what: &str| {
            this.err(
                node,
                format!("expected a literal {what}, found {}", node.shape()),
            );
            None
        };
        let Some(ty) = ty else {
            return Some(match &node.value {
                Kind::Str(s) => Value::String(s.clone()),
                Kind::Int(i) => Value::Integer(*i),
                Kind::Float(f) => Value::Decimal(*f),
                Kind::Bool(b) => Value::Boolean(*b),
                _ => match node.get("name").and_then(Node::scalar_text) {
                    Some(n) => Value::String(n),
                    None => Value::NotSet(Type::String),
                },
            });
        };
        match ty {
            Type::String => match node.scalar_text() {
                Some(s) => Some(Value::String(s)),
                None if matches!(node.value, Kind::Null) => Some(Value::String(String::new())),
                None => bad(self, "string"),
            },
            Type::Integer => match &node.value {
                Kind::Int(i) => Some(Value::Integer(*i)),
                Kind::Str(s) if s.trim().parse::<i64>().is_ok() => {
                    s.trim().parse().ok().map(Value::Integer)
                }
                _ => bad(self, "integer"),
            },
            Type::Decimal => match &node.value {
                Kind::Int(i) => Some(Value::Decimal(*i as f64)),
                Kind::Float(f) => Some(Value::Decimal(*f)),
                Kind::Str(s) if s.trim().parse::<f64>().is_ok() => {
                    s.trim().parse().ok().map(Value::Decimal)
                }
                _ => bad(self, "decimal"),
            },
            Type::Boolean => match &node.value {
                Kind::Bool(b) => Some(Value::Boolean(*b)),
                Kind::Str(s) if s == "true" || s == "false" => Some(Value::Boolean(s == "true")),
                _ => bad(self, "boolean"),
            },
            Type::Duration => {
                let Some(entries) = node.as_map() else {
                    return bad(self, "duration (`minutes: 1`)");
                };
                let mut ms: i64 = 0;
                for (k, v) in entries {
                    let unit = match k.as_str().unwrap_or("") {
                        "days" => 86_400_000,
                        "hours" => 3_600_000,
                        "minutes" => 60_000,
                        "seconds" => 1_000,
                        "milliseconds" => 1,
                        other => {
                            self.err(k, format!("unknown duration unit `{other}`"));
                            return None;
                        }
                    };
                    let Kind::Int(n) = v.value else {
                        return bad(self, "whole number of units");
                    };
                    ms = ms.saturating_add(n.saturating_mul(unit));
                }
                Some(Value::Duration(expr::Duration(ms)))
            }
            Type::Json => Some(Value::Json(to_json(node))),
            t if t.is_entity() => match node.get("name").and_then(Node::scalar_text) {
                Some(name) => Some(Value::Entity(ty.clone(), Entity { id: None, name })),
                None => bad(self, &format!("{ty} (`name: ...`)")),
            },
            other => {
                self.err(
                    node,
                    format!("literal values of type {other} are not supported; use `exp:`"),
                );
                None
            }
        }
    }
}

fn push_new(list: &mut Vec<String>, item: &str) {
    if !list.iter().any(|x| x == item) {
        list.push(item.to_string());
    }
}

/// The attribute maps of a get/set participant data action.
fn attributes(body: &Node) -> Vec<&Node> {
    body.get("attributes")
        .and_then(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .filter_map(|a| a.get("attribute"))
        .collect()
}

/// `Flow.X` or `{var: Flow.X}`: the name and the offset of its text.
fn var_name(node: &Node) -> Option<(String, usize)> {
    match &node.value {
        Kind::Str(s) => Some((s.clone(), node.off())),
        Kind::Map(_) => {
            let v = node.get("var")?;
            Some((v.as_str()?.to_string(), v.off()))
        }
        _ => None,
    }
}

/// Is `key` (under `parent`) a place where `var:` names a variable the action writes?
fn is_write_key(key: &str, parent: Option<&str>) -> bool {
    WRITE_KEYS.contains(&key) || (key == "outputs" && parent.is_some_and(|p| p.starts_with("ver_")))
}

/// Every `var:` an external action writes. `top` skips the action's own `outputs:`
/// (its paths, whose nested actions are separate).
fn var_targets(
    node: &Node,
    write: bool,
    parent: Option<&str>,
    top: bool,
    out: &mut Vec<(String, usize)>,
) {
    match &node.value {
        Kind::Map(entries) => {
            if write
                && let Some(v) = node.get("var")
                && let Some(n) = v.as_str()
            {
                out.push((n.to_string(), v.off()));
                return;
            }
            for (k, v) in entries {
                let key = k.as_str().unwrap_or("");
                if top && key == "outputs" {
                    continue;
                }
                var_targets(v, write || is_write_key(key, parent), Some(key), false, out);
            }
        }
        Kind::Seq(items) => items
            .iter()
            .for_each(|n| var_targets(n, write, parent, false, out)),
        _ => {}
    }
}

/// Every `exp:`/`var:` value an external action reads (its inputs).
fn input_values<'n>(
    node: &'n Node,
    write: bool,
    parent: Option<&str>,
    top: bool,
    out: &mut Vec<&'n Node>,
) {
    match &node.value {
        Kind::Map(entries) => {
            if node.get("exp").is_some() || node.get("var").is_some() {
                if !write && entries.len() == 1 {
                    out.push(node);
                }
                return;
            }
            for (k, v) in entries {
                let key = k.as_str().unwrap_or("");
                if top && key == "outputs" {
                    continue;
                }
                input_values(v, write || is_write_key(key, parent), Some(key), false, out);
            }
        }
        Kind::Seq(items) => items
            .iter()
            .for_each(|n| input_values(n, write, parent, false, out)),
        _ => {}
    }
}

/// An expression error, located in the original file through the expression's offsets.
pub(crate) fn expr_diagnostic(
    file: &SourceFile,
    e: &expr::ExprError,
    offsets: &[usize],
) -> SourceDiagnostic {
    let at = |i: usize| offsets.get(i).or(offsets.last()).copied().unwrap_or(0);
    let start = at(e.span.start);
    let end = if e.span.end > e.span.start {
        at(e.span.end - 1) + 1
    } else {
        start + 1
    };
    let mut d = e.to_diagnostic(file, 0);
    d.span = (start, end.max(start + 1).min(file.text.len().max(start)));
    d
}

/// The static type of a value.
pub(crate) fn val_type(v: &Val) -> Type {
    match &v.kind {
        ValKind::Lit(v) => v.ty(),
        ValKind::Exp { compiled, .. } => compiled.ty().clone(),
        ValKind::NoValue(t) => t.clone(),
    }
}

fn one_line(s: &str) -> String {
    let flat: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > 60 {
        format!("{}…", flat.chars().take(59).collect::<String>())
    } else {
        flat
    }
}

fn to_json(node: &Node) -> serde_json::Value {
    use serde_json::Value as J;
    match &node.value {
        Kind::Null => J::Null,
        Kind::Bool(b) => J::Bool(*b),
        Kind::Int(i) => J::from(*i),
        Kind::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
        Kind::Str(s) => J::String(s.clone()),
        Kind::Seq(items) => J::Array(items.iter().map(to_json).collect()),
        Kind::Map(entries) => J::Object(
            entries
                .iter()
                .map(|(k, v)| (k.scalar_text().unwrap_or_default(), to_json(v)))
                .collect(),
        ),
    }
}
