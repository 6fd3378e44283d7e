//! The flow as a graph of nodes and edges, for pictures (`routecheck graph`, the trace
//! and coverage diagrams). Text here is raw; `report::mermaid` escapes and lays it out.
//!
//! Node ids come from the action's path in the flow (unit, then kind and name with an
//! occurrence count among same-named siblings, then the output it sits under), hashed:
//! adding or removing an unrelated action elsewhere leaves every other id unchanged.

use std::collections::{HashMap, HashSet};

use super::Flow;
use super::model::{Action, Block, Body, ErrorHandling, Transfer, Unit, Val, ValKind};

mod bots;
mod walk;

use bots::bot_shape;
pub use walk::Walk;

/// How a node is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// The flow's entry.
    Start,
    /// An ordinary action.
    Action,
    /// A decision or switch.
    Choice,
    /// A loop head.
    Loop,
    /// A call into a reusable task.
    Call,
    /// Where a conversation leaves the flow (transfer, disconnect, error handling, end).
    Terminal,
}

/// One node.
#[derive(Debug, Clone)]
pub struct Node {
    /// Mermaid-safe id, stable across edits elsewhere in the flow.
    pub id: String,
    /// Label lines, raw text (the first is `kind: name`).
    pub lines: Vec<String>,
    pub shape: Shape,
    /// The state or task it belongs to (`None`: outside every unit).
    pub unit: Option<usize>,
    /// Byte offset of the action in the flow file, for ordering and trace matching.
    pub at: usize,
    /// The flow the node is in: 0 the graph's own, `k` its `k`th called flow
    /// ([`Graph::called`]).
    pub flow: usize,
    /// Where a called flow hands control back to its caller (Exit Bot Flow, a module's
    /// end, a bot's failure handling that exits).
    pub returns: bool,
}

/// How an edge is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeKind {
    /// The next action, or an outcome.
    Flow,
    /// A jump: change state, call task.
    Jump,
}

/// One edge.
#[derive(Debug, Clone)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    /// Raw label (`yes`, `case 2: Flow.X == 1`, `success`, `call`).
    pub label: Option<String>,
    /// The outcome name the simulator records for this edge (`yes`, `case 2`, `default`,
    /// an output name), to follow a trace.
    pub outcome: Option<String>,
    /// The coverage branch id this edge is, if any (see [`Flow::branches`]).
    pub branch: Option<usize>,
    pub kind: EdgeKind,
}

/// A state or a reusable task.
#[derive(Debug, Clone)]
pub struct Cluster {
    pub id: String,
    pub title: String,
    pub is_task: bool,
}

/// The whole flow as a graph.
#[derive(Debug, Clone)]
pub struct Graph {
    pub name: String,
    pub clusters: Vec<Cluster>,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    /// The error-handling node.
    pub error_node: usize,
    /// Per unit: its fall-through end node, if anything reaches it.
    ends: Vec<Option<usize>>,
    /// The calls to bots and modules: the call's node, the called flow's kind and name.
    pub(crate) calls: Vec<(usize, super::FlowKind, String)>,
    /// The called flows drawn inside this graph (see `graph_calls`).
    pub called: Vec<std::sync::Arc<Flow>>,
}

/// Where control goes after a block.
#[derive(Clone, Copy)]
enum Cont {
    Node(usize),
    /// The unit's end (created when first needed).
    End(usize),
}

/// An edge target not known until every unit is built.
enum Pending {
    Node(usize),
    Entry(usize),
}

struct Builder<'a> {
    flow: &'a Flow,
    nodes: Vec<Node>,
    /// Edges with their targets still to resolve (`Edge::to` is set at the end).
    edges: Vec<(Edge, Pending)>,
    ends: Vec<Option<usize>>,
    used: HashSet<String>,
    clusters: Vec<Cluster>,
    calls: Vec<(usize, super::FlowKind, String)>,
    /// A bot's "no match" end (its recognition-failure handling), made when first needed.
    no_match: Option<usize>,
}

impl Flow {
    /// The flow as a graph of its states, tasks and actions.
    pub fn graph(&self) -> Graph {
        let l = &self.loaded;
        let units: Vec<&Unit> = l.states.iter().chain(&l.tasks).collect();
        let mut b = Builder {
            flow: self,
            nodes: Vec::new(),
            edges: Vec::new(),
            ends: vec![None; units.len()],
            used: HashSet::new(),
            clusters: Vec::new(),
            calls: Vec::new(),
            no_match: None,
        };
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut paths = Vec::with_capacity(units.len());
        for (i, u) in units.iter().enumerate() {
            let is_task = i >= l.states.len();
            let base = format!("{}:{}", if is_task { "task" } else { "state" }, u.name);
            let n = seen.entry(base.clone()).or_insert(0);
            let path = format!("{base}#{n}");
            *n += 1;
            let id = b.fresh_id("u", &path);
            b.clusters.push(Cluster {
                id,
                title: format!("{}: {}", if is_task { "Task" } else { "State" }, u.name),
                is_task,
            });
            paths.push(path);
        }
        let start = b.node("start", vec!["Start".into()], Shape::Start, None, 0);
        let error_lines = match &l.error_handling {
            ErrorHandling::Disconnect => vec!["error handling".into(), "disconnect".into()],
            ErrorHandling::Transfer(t) => vec![
                "error handling".into(),
                format!("transfer to queue {}", val_text(&t.queue)),
            ],
        };
        let error_node = b.node("error", error_lines, Shape::Terminal, None, usize::MAX);
        let mut entries = Vec::with_capacity(units.len());
        for (i, u) in units.iter().enumerate() {
            let e = b.block(&u.actions, i, &paths[i], Cont::End(i), None);
            entries.push(e);
        }
        b.push(
            start,
            Pending::Entry(l.start),
            None,
            None,
            None,
            EdgeKind::Flow,
        );
        let edges = b
            .edges
            .into_iter()
            .map(|(e, to)| Edge {
                to: match to {
                    Pending::Node(n) => n,
                    Pending::Entry(u) => entries[u],
                },
                ..e
            })
            .collect();
        Graph {
            name: l.name.clone(),
            clusters: b.clusters,
            nodes: b.nodes,
            edges,
            error_node,
            ends: b.ends,
            calls: b.calls,
            called: Vec::new(),
        }
    }
}

impl Builder<'_> {
    /// A Mermaid-safe id from a path: a prefix and 48 bits of FNV-1a (a collision, very
    /// unlikely, gets a numbered suffix so ids stay unique).
    fn fresh_id(&mut self, prefix: &str, path: &str) -> String {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in path.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        let base = format!("{prefix}{:012x}", h >> 16);
        let mut id = base.clone();
        let mut k = 2;
        while !self.used.insert(id.clone()) {
            id = format!("{base}_{k}");
            k += 1;
        }
        id
    }

    fn node(
        &mut self,
        path: &str,
        lines: Vec<String>,
        shape: Shape,
        unit: Option<usize>,
        at: usize,
    ) -> usize {
        let id = self.fresh_id("n", path);
        self.nodes.push(Node {
            id,
            lines,
            shape,
            unit,
            at,
            flow: 0,
            returns: false,
        });
        self.nodes.len() - 1
    }

    fn edge(&mut self, from: usize, to: Pending, label: Option<String>, branch: Option<usize>) {
        let outcome = label.clone();
        self.push(from, to, label, outcome, branch, EdgeKind::Flow);
    }

    fn push(
        &mut self,
        from: usize,
        to: Pending,
        label: Option<String>,
        outcome: Option<String>,
        branch: Option<usize>,
        kind: EdgeKind,
    ) {
        let edge = Edge {
            from,
            to: usize::MAX,
            label,
            outcome,
            branch,
            kind,
        };
        self.edges.push((edge, to));
    }

    fn target(&mut self, c: Cont) -> usize {
        match c {
            Cont::Node(n) => n,
            Cont::End(u) => {
                if let Some(n) = self.ends[u] {
                    return n;
                }
                let l = &self.flow.loaded;
                let kind = self.flow.kind();
                let (lines, at) = match l.states.get(u) {
                    // A bot that runs out of actions exits as Exit Bot Flow does.
                    Some(s) if kind.is_bot() => (vec!["end of state".into(), "exit".into()], s.at),
                    Some(s) => (vec!["end of state".into(), "disconnect".into()], s.at),
                    None => (
                        vec!["end of task".into(), "return".into()],
                        l.tasks[u - l.states.len()].at,
                    ),
                };
                let path = format!("end of unit {}", self.clusters[u].id);
                let n = self.node(&path, lines, Shape::Terminal, Some(u), at);
                // A called flow's end hands back to its caller.
                self.nodes[n].returns = kind.runs == super::kind::Runs::WhenCalled;
                self.ends[u] = Some(n);
                n
            }
        }
    }

    /// Build a block whose end continues at `next`; returns its entry node.
    fn block(
        &mut self,
        block: &Block,
        unit: usize,
        path: &str,
        next: Cont,
        lp: Option<(usize, Cont)>,
    ) -> usize {
        // Each action's path: kind, name, and how many same kind+name siblings precede it.
        let mut count: HashMap<(&str, &str), usize> = HashMap::new();
        let paths: Vec<String> = block
            .iter()
            .map(|a| {
                let n = count.entry((&a.kind, &a.name)).or_insert(0);
                let p = format!("{path}/{}:{}#{n}", a.kind, a.name);
                *n += 1;
                p
            })
            .collect();
        let mut after = next;
        for (a, p) in block.iter().zip(&paths).rev() {
            after = Cont::Node(self.action(a, unit, p, after, lp));
        }
        self.target(after)
    }

    fn action(
        &mut self,
        a: &Action,
        unit: usize,
        path: &str,
        next: Cont,
        lp: Option<(usize, Cont)>,
    ) -> usize {
        let head = format!("{}: {}", a.kind, a.name);
        let l = &self.flow.loaded;
        let (shape, detail): (Shape, Option<String>) = match &a.body {
            Body::Decision { cond, .. } => (Shape::Choice, Some(val_text(cond))),
            Body::Switch { subject, .. } => (Shape::Choice, subject.as_ref().map(val_text)),
            Body::Loop { count, .. } => (Shape::Loop, Some(format!("{} times", val_text(count)))),
            Body::CallTask { task, .. } => (
                Shape::Call,
                l.tasks.get(*task).map(|t| format!("task {}", t.name)),
            ),
            Body::ChangeState(s) => (
                Shape::Action,
                l.states.get(*s).map(|t| format!("to state {}", t.name)),
            ),
            Body::Transfer(t) => (Shape::Terminal, Some(transfer_text(t))),
            Body::Disconnect => (Shape::Terminal, None),
            Body::EndTask(p) => (Shape::Terminal, Some(format!("output {p}"))),
            Body::SendResponse(v) => (Shape::Action, Some(val_text(v))),
            Body::ScreenPop { script, .. } => (Shape::Action, Some(format!("script {script}"))),
            Body::External(e) if e.call.is_some() => (
                Shape::Call,
                e.call.as_ref().map(|c| format!("\"{}\"", c.name)),
            ),
            Body::Bot(b) => bot_shape(b),
            _ => (Shape::Action, None),
        };
        let mut lines = vec![head];
        lines.extend(detail);
        let me = self.node(path, lines, shape, Some(unit), a.at);
        if let Body::External(e) = &a.body
            && let Some(c) = &e.call
        {
            self.calls.push((me, c.kind, c.name.clone()));
        }
        match &a.body {
            Body::Decision {
                yes, no, branches, ..
            } => {
                for (label, blk, id) in [("yes", yes, branches[0]), ("no", no, branches[1])] {
                    let e = self.block(blk, unit, &format!("{path}/{label}"), next, lp);
                    self.edge(me, Pending::Node(e), Some(label.into()), Some(id));
                }
            }
            Body::Switch {
                cases,
                default,
                default_branch,
                ..
            } => {
                for (i, (cond, blk, id)) in cases.iter().enumerate() {
                    let outcome = format!("case {}", i + 1);
                    let e = self.block(blk, unit, &format!("{path}/{outcome}"), next, lp);
                    self.push(
                        me,
                        Pending::Node(e),
                        Some(format!("{outcome}: {}", val_text(cond))),
                        Some(outcome),
                        Some(*id),
                        EdgeKind::Flow,
                    );
                }
                let e = self.block(default, unit, &format!("{path}/default"), next, lp);
                self.edge(
                    me,
                    Pending::Node(e),
                    Some("default".into()),
                    Some(*default_branch),
                );
            }
            Body::Loop { body, .. } => {
                let e = self.block(
                    body,
                    unit,
                    &format!("{path}/body"),
                    Cont::Node(me),
                    Some((me, next)),
                );
                self.edge(me, Pending::Node(e), Some("each".into()), None);
                let n = self.target(next);
                self.edge(me, Pending::Node(n), Some("done".into()), None);
            }
            Body::LoopNext | Body::LoopExit => {
                let to = match (lp, &a.body) {
                    (Some((head, _)), Body::LoopNext) => head,
                    (Some((_, after)), _) => self.target(after),
                    (None, _) => self.target(next),
                };
                self.edge(me, Pending::Node(to), None, None);
            }
            Body::CallTask { task, outputs } => {
                self.push(
                    me,
                    Pending::Entry(l.states.len() + task),
                    Some("call".into()),
                    None,
                    None,
                    EdgeKind::Jump,
                );
                for (name, blk) in outputs {
                    let e = self.block(blk, unit, &format!("{path}/{name}"), next, lp);
                    self.edge(me, Pending::Node(e), Some(name.clone()), None);
                }
                let n = self.target(next);
                let label = (!outputs.is_empty()).then(|| "other".to_string());
                self.edge(me, Pending::Node(n), label, None);
            }
            Body::ChangeState(s) => {
                self.push(me, Pending::Entry(*s), None, None, None, EdgeKind::Jump);
            }
            Body::External(ext) if !ext.outputs.is_empty() => {
                for o in &ext.outputs {
                    let e = self.block(&o.actions, unit, &format!("{path}/{}", o.name), next, lp);
                    self.edge(me, Pending::Node(e), Some(o.name.clone()), Some(o.branch));
                }
            }
            Body::Bot(b) => self.bot(b, me, unit, path, next, lp),
            Body::EndTask(_) => {
                self.nodes[me].returns = self.flow.kind().runs == super::kind::Runs::WhenCalled;
            }
            Body::Transfer(_) | Body::Disconnect => {}
            _ => {
                let n = self.target(next);
                self.edge(me, Pending::Node(n), None, None);
            }
        }
        me
    }
}

/// A value slot as text: a literal's value, an expression's source.
fn val_text(v: &Val) -> String {
    match &v.kind {
        ValKind::Lit(value) => value.to_string(),
        ValKind::Exp { compiled, .. } => compiled.source().to_string(),
        ValKind::NoValue(_) => "NOT_SET".into(),
    }
}

fn transfer_text(t: &Transfer) -> String {
    format!("queue {}", val_text(&t.queue))
}
