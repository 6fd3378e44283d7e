//! Catalogued actions (flow/catalogue.rs): how each kind the loader does not read
//! itself is modelled: an external action whose outcome is a stub (its output paths,
//! the variables it sets, its inputs), a table lookup, a transfer, a record-only
//! action, or a clear "not modelled" error. A new catalogued action kind goes in the
//! catalogue; one that needs its own reading gets a file beside this one.

use crate::source::yaml::{Node, NodeValue as Kind};

use super::super::catalogue::{self, Handling};
use super::super::model::*;
use super::{Loader, WRITE_KEYS, bots, schedule};

impl Loader<'_> {
    /// An action kind found in the catalogue (or reported as unknown with the nearest).
    pub(super) fn catalogued(
        &mut self,
        knode: &Node,
        body: &Node,
        kind: &str,
        name: &str,
        at: usize,
    ) -> Option<Body> {
        let k = kind;
        match catalogue::lookup(k).map(|c| c.handling) {
            Some(Handling::Stub(known)) => Some(self.external_kind(body, kind, name, at, known)),
            Some(Handling::Table) => Some(Body::TableLookup(Box::new(
                self.table_lookup(body, kind, name, at)?,
            ))),
            Some(Handling::Transfer) => {
                Some(Body::TransferOther(Box::new(self.other_transfer(k, body))))
            }
            Some(Handling::Record) => Some(Body::Record(self.input_vals(body))),
            Some(Handling::NotModelled(why)) => {
                self.err_help(
                    knode,
                    format!("the simulator does not model `{k}`: {why}"),
                    "docs/fidelity.md lists every action kind and how it is simulated",
                );
                None
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
                None
            }
        }
    }

    /// An external action, by family: bot calls and schedules have rooms of their own.
    pub(super) fn external_kind(
        &mut self,
        body: &Node,
        kind: &str,
        name: &str,
        at: usize,
        known: &[&str],
    ) -> Body {
        if bots::is_bot_call(kind) {
            return self.bot_call(body, kind, name, at, known);
        }
        if schedule::is_schedule(kind) {
            return self.schedule(body, kind, name, at, known);
        }
        Body::External(Box::new(self.external(body, kind, name, at, known)))
    }

    /// Record an action stubs may address by name.
    pub(super) fn register_external(
        &mut self,
        name: &str,
        kind: &str,
        at: usize,
        known: &[&str],
        sets: &[&Target],
        assigned: &AssignedOn,
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
        info.assigned.extend(assigned);
        info.actions.push((kind.to_string(), line));
    }

    /// The branch and actions of each output path an action kind has.
    pub(super) fn outputs(
        &mut self,
        body: &Node,
        kind: &str,
        name: &str,
        at: usize,
        known: &[&str],
    ) -> Vec<Output> {
        let mut outputs = Vec::new();
        for o in known {
            let branch = self.branch(
                format!("{kind} \"{name}\" {o}"),
                self.output_at(body, o, at),
            );
            let actions = self.output_block(body, o);
            outputs.push(Output {
                name: o.to_string(),
                branch,
                actions,
            });
        }
        outputs
    }

    pub(super) fn external(
        &mut self,
        body: &Node,
        kind: &str,
        name: &str,
        at: usize,
        known: &[&str],
    ) -> External {
        let mut raw_targets = Vec::new();
        var_targets(body, None, None, true, &mut raw_targets);
        let mut sets: Vec<Target> = Vec::new();
        let mut assigned_on = AssignedOn::default();
        for (n, off, key) in &raw_targets {
            let node = Node {
                value: Kind::Str(n.clone()),
                span: (*off, *off + n.len()),
            };
            if let Some(t) = self.target(&node) {
                assigned_on.add(&t.name, key.as_deref().and_then(|k| path_of(k, known)));
                sets.push(t);
            }
        }
        let inputs = self.input_vals(body);
        self.check_outputs(body, kind, known);
        let set_refs: Vec<&Target> = sets.iter().collect();
        self.register_external(name, kind, at, known, &set_refs, &assigned_on);
        let outputs = self.outputs(body, kind, name, at, known);
        let call = self.call(kind, body).map(Box::new);
        if kind == "callData"
            && let Some(call) = data_action_call(body)
            && let Some(info) = self.externals.get_mut(name)
            && !info.data_actions.contains(&call)
        {
            info.data_actions.push(call);
        }
        External {
            inputs,
            sets,
            assigned_on,
            outputs,
            call,
            schedule: None,
        }
    }

    pub(super) fn check_outputs(&mut self, body: &Node, kind: &str, known: &[&str]) {
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
}

pub(super) fn push_new(list: &mut Vec<String>, item: &str) {
    if !list.iter().any(|x| x == item) {
        list.push(item.to_string());
    }
}

/// Is `key` (under `parent`) a place where `var:` names a variable the action writes?
pub(super) fn is_write_key(key: &str, parent: Option<&str>) -> bool {
    WRITE_KEYS.contains(&key) || (key == "outputs" && parent.is_some_and(|p| p.starts_with("ver_")))
}

/// The data action a `callData` body names, with its success outputs.
fn data_action_call(body: &Node) -> Option<super::DataActionCall> {
    let (category, _, c) = body.get("category")?.single_entry()?;
    let (action, _, a) = c.get("dataAction")?.single_entry()?;
    let success = a
        .get("successOutputs")
        .and_then(Node::as_map)
        .unwrap_or_default()
        .iter()
        .filter_map(|(k, v)| Some((k.as_str()?.to_string(), v.get("var")?.as_str()?.to_string())))
        .collect();
    Some(super::DataActionCall {
        category: category.to_string(),
        action: action.to_string(),
        success,
    })
}

/// The output path on which Genesys assigns the variables under write key `key`, when
/// the action kind has that path: a data action's `successOutputs` only on `success`
/// and its `failureOutputs` only on `failure` (H:call-data-action), a lookup's
/// `foundOutputs` and a find's result only on `found`. Other write keys (a bot's intent
/// and exit reason, a common module's outputs) belong to single-path actions.
fn path_of(key: &str, known: &[&str]) -> Option<&'static str> {
    let path = match key {
        "successOutputs" => "success",
        "failureOutputs" => "failure",
        "foundOutputs" | "findResult" => "found",
        _ => return None,
    };
    known.contains(&path).then_some(path)
}

/// Every `var:` an external action writes, with the write key it is under (`None` when
/// found outside one, which `write` says it is already inside). `top` skips the
/// action's own `outputs:` (its paths, whose nested actions are separate).
pub(super) fn var_targets<'n>(
    node: &'n Node,
    write: Option<&'n str>,
    parent: Option<&str>,
    top: bool,
    out: &mut Vec<(String, usize, Option<String>)>,
) {
    match &node.value {
        Kind::Map(entries) => {
            if let Some(key) = write
                && let Some(v) = node.get("var")
                && let Some(n) = v.as_str()
            {
                out.push((n.to_string(), v.off(), Some(key.to_string())));
                return;
            }
            for (k, v) in entries {
                let key = k.as_str().unwrap_or("");
                if top && key == "outputs" {
                    continue;
                }
                let inner = write.or(is_write_key(key, parent).then_some(key));
                var_targets(v, inner, Some(key), false, out);
            }
        }
        Kind::Seq(items) => items
            .iter()
            .for_each(|n| var_targets(n, write, parent, false, out)),
        _ => {}
    }
}

/// Every `exp:`/`var:` value an external action reads (its inputs).
pub(super) fn input_values<'n>(
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
