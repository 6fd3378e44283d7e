//! A flow's graph with the bots and common modules it calls drawn inside it: each call
//! that the project's flows answer gets the called flow's states and tasks as subgraphs
//! of its own, entered from the call (`runs`) and handing back to it (`returns`) where
//! the called flow ends; what the called flow routes itself (a transfer inside a bot)
//! ends there. A call no flow answers (or a flow calling itself again) stays one node.

use std::sync::Arc;

use super::Flow;
use super::graph::{Cluster, Edge, EdgeKind, Graph, Node};
use super::simulate::Library;

impl Flow {
    /// [`Flow::graph`] through the calls `library` finds, with why each other call was
    /// not drawn through (`name: why`).
    pub fn graph_through(&self, library: &Library) -> (Graph, Vec<String>) {
        let mut missing = Vec::new();
        let mut stack = vec![self.file_name().to_string()];
        let g = through(self.graph(), library, &mut stack, &mut missing);
        (g, missing)
    }
}

fn through(
    mut g: Graph,
    library: &Library,
    stack: &mut Vec<String>,
    missing: &mut Vec<String>,
) -> Graph {
    let calls = std::mem::take(&mut g.calls);
    for (call, kind, name) in calls {
        let callee = match library.find(kind, &name) {
            Ok(f) => f,
            Err(why) => {
                let m = format!("\"{name}\": {why}");
                if !missing.contains(&m) {
                    missing.push(m);
                }
                continue;
            }
        };
        // A flow that calls itself, directly or not, is drawn once.
        if stack.iter().any(|f| f == callee.file_name()) {
            continue;
        }
        stack.push(callee.file_name().to_string());
        let inner = through(callee.graph(), library, stack, missing);
        stack.pop();
        splice(&mut g, call, &callee, inner);
    }
    g
}

/// Put `inner` (the graph of `callee`, with its own calls already drawn) into `g`
/// under call node `call`: its Start becomes the call's `runs` edge, its returning
/// ends go back to the call.
fn splice(g: &mut Graph, call: usize, callee: &Arc<Flow>, inner: Graph) {
    let prefix = g.nodes[call].id.clone();
    // Flow numbers (0: the graph's own flow, k: `called[k - 1]`): the callee is the
    // next called flow, its own called flows right after it.
    let flow_base = g.called.len() + 1;
    g.called.push(Arc::clone(callee));
    g.called.extend(inner.called.iter().cloned());
    let cluster_base = g.clusters.len();
    let title = callee.name().to_string();
    for c in &inner.clusters {
        g.clusters.push(Cluster {
            id: format!("{prefix}{}", c.id),
            title: format!("{title}: {}", c.title),
            is_task: c.is_task,
        });
    }
    // Node 0 of every graph is its Start: dropped, the call enters instead.
    let mut index = vec![usize::MAX; inner.nodes.len()];
    for (i, n) in inner.nodes.iter().enumerate().skip(1) {
        let mut lines = n.lines.clone();
        if n.unit.is_none() {
            // Error handling and recognition failure, drawn outside the subgraphs.
            lines[0] = format!("{}: {}", callee.name(), lines[0]);
        }
        index[i] = g.nodes.len();
        g.nodes.push(Node {
            id: format!("{prefix}{}", n.id),
            lines,
            shape: n.shape,
            unit: n.unit.map(|u| u + cluster_base),
            at: n.at,
            flow: flow_base + n.flow,
            returns: false,
        });
    }
    for e in &inner.edges {
        // Branch ids belong to the called flow's own coverage.
        let from = if e.from == 0 { call } else { index[e.from] };
        let (label, kind) = if e.from == 0 {
            (Some("runs".to_string()), EdgeKind::Jump)
        } else {
            (e.label.clone(), e.kind)
        };
        g.edges.push(Edge {
            from,
            to: index[e.to],
            label,
            outcome: if e.from == 0 { None } else { e.outcome.clone() },
            branch: None,
            kind,
        });
    }
    for (i, n) in inner.nodes.iter().enumerate().skip(1) {
        if n.returns {
            g.edges.push(Edge {
                from: index[i],
                to: call,
                label: Some("returns".into()),
                outcome: None,
                branch: None,
                kind: EdgeKind::Jump,
            });
        }
    }
}
