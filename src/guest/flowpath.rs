//! The path the org really took (flow execution data) against routecheck's simulation of
//! the same inputs: action by action, by name, reporting where they part.
//!
//! The execution data's `flow.execution` is a list of one-key objects
//! `{"<kind>": {dateTime, actionName, ...}}`, nested through `execution` in tasks and
//! states (public viewer scripts; no Genesys schema). Actions are matched by their
//! `name:`, the one thing Archy and Architect share; kinds are spelled differently.

use serde_json::Value;

use crate::flow::Step;

/// One flow instance's execution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instance {
    /// `flowName` of the instance.
    pub flow_name: Option<String>,
    /// `flowErrorReason`, when the flow failed.
    pub flow_error: Option<String>,
    /// The actions executed, in order.
    pub actions: Vec<Executed>,
}

/// One action the org executed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Executed {
    /// The record's key (e.g. `actionDecision`).
    pub kind: String,
    /// `actionName`.
    pub name: String,
}

/// Every action of a download, depth first in execution order.
pub fn actions(data: &Value) -> Vec<Executed> {
    let mut out = Vec::new();
    let top = data
        .pointer("/flow/execution")
        .or_else(|| data.get("execution"));
    if let Some(items) = top.and_then(Value::as_array) {
        walk(items, &mut out);
    }
    out
}

fn walk(items: &[Value], out: &mut Vec<Executed>) {
    for item in items {
        let Some(map) = item.as_object() else {
            continue;
        };
        for (kind, inner) in map {
            if let Some(name) = inner.get("actionName").and_then(Value::as_str) {
                out.push(Executed {
                    kind: kind.clone(),
                    name: name.to_owned(),
                });
            }
            if let Some(nested) = inner.get("execution").and_then(Value::as_array) {
                walk(nested, out);
            }
        }
    }
}

/// Where the org and the simulation part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parting {
    /// 1-based action number.
    pub at: usize,
    /// What the org ran there (`None`: it had stopped).
    pub org: Option<String>,
    /// What the simulation ran there (`None`: it had stopped).
    pub simulated: Option<String>,
    /// Both paths, for the report.
    pub notes: Vec<String>,
}

/// Compare by action name; `None` when they agree to the end.
pub fn compare(org: &[Executed], sim: &[Step]) -> Option<Parting> {
    let at = (0..org.len().max(sim.len()))
        .find(|&i| org.get(i).map(|e| e.name.as_str()) != sim.get(i).map(|s| s.name.as_str()))?;
    let mut notes = vec!["the org's path (flow execution data):".to_owned()];
    notes.extend(
        org.iter()
            .enumerate()
            .map(|(i, e)| format!("  {:>3}. {} \"{}\"{}", i + 1, e.kind, e.name, mark(i, at))),
    );
    notes.push("the simulation's path:".to_owned());
    notes.extend(sim.iter().enumerate().map(|(i, s)| {
        format!(
            "  {:>3}. {}{}",
            i + 1,
            crate::flow::trace::render_step(s).trim_start(),
            mark(i, at)
        )
    }));
    Some(Parting {
        at: at + 1,
        org: org.get(at).map(|e| e.name.clone()),
        simulated: sim.get(at).map(|s| s.name.clone()),
        notes,
    })
}

fn mark(i: usize, at: usize) -> &'static str {
    if i == at { "   ← parts here" } else { "" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_actions_come_out_in_order() {
        let data = json!({"flow": {"execution": [
            {"flowStart": {"dateTime": "t"}},
            {"actionDecision": {"actionName": "Is platinum?"}},
            {"task": {"taskName": "VIP", "execution": [
                {"actionTransferToAcd": {"actionName": "To VIP"}}
            ]}}
        ]}});
        let names: Vec<String> = actions(&data).into_iter().map(|e| e.name).collect();
        assert_eq!(names, ["Is platinum?", "To VIP"]);
    }
}
