//! Hooks for generating cases and proving branches dead (`routecheck gen`, the
//! `unreachable-branch` lint): the flow's branching actions with what their conditions
//! read, the actions stubs stand in for, and a probe that asks the real simulator which
//! way one branching action goes for given variable values — never a second evaluator.

use std::collections::{BTreeMap, BTreeSet};

use crate::expr::ast::Kind;
use crate::expr::visit::walk;
use crate::expr::{Compiled, DateTime, Directory, Type, Value};

use super::Flow;
use super::model::{Action, Body, Val, ValKind};
use super::simulate::{RunInput, Sim, Stubs};

/// What one expression reads and compares with.
#[derive(Debug, Clone, Default)]
pub struct ExprFacts {
    /// Variables read, canonical name and type, first read first.
    pub reads: Vec<(String, Type)>,
    /// Literal values written in it (NOT_SET literals included).
    pub literals: Vec<Value>,
    /// It calls a function whose result depends on more than its arguments (the clock,
    /// the organisation's queues and users): its value cannot be enumerated.
    pub contextual: bool,
}

impl ExprFacts {
    /// The facts of one compiled expression.
    pub fn of(c: &Compiled) -> ExprFacts {
        let mut f = ExprFacts::default();
        f.add(c);
        f
    }

    /// Add another expression's facts.
    pub fn add(&mut self, c: &Compiled) {
        walk(c.root(), &mut |e| match &e.kind {
            Kind::Lit(v) => self.literals.push(v.clone()),
            Kind::Var { name, .. }
                if !self.reads.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)) =>
            {
                self.reads.push((name.to_string(), e.ty.clone()));
            }
            // Functions whose result depends on the clock or the organisation.
            Kind::Call { func: Some(f), .. } => self.contextual |= f.contextual,
            _ => {}
        });
    }

    fn add_val(&mut self, v: &Val) {
        match &v.kind {
            ValKind::Exp { compiled, .. } => self.add(compiled),
            ValKind::Lit(value) => self.literals.push(value.clone()),
            ValKind::NoValue(t) => self.literals.push(Value::NotSet(t.clone())),
        }
    }
}

/// A decision or switch: the branches it chooses between and what its conditions read.
#[derive(Debug, Clone)]
pub struct BranchPoint {
    /// `decision` or `switch`.
    pub kind: String,
    /// The action's `name:`.
    pub name: String,
    /// Byte offset of the action in the flow file.
    pub at: usize,
    /// Its branch ids (yes, no; or each case, then default).
    pub branches: Vec<usize>,
    /// What its condition, subject and case values read and compare with.
    pub facts: ExprFacts,
    /// The action with its nested actions left out, for [`Flow::probe`].
    action: Action,
}

/// An action whose outcome comes from a stub, by the name stubs use.
#[derive(Debug, Clone)]
pub struct StubbedAction {
    /// The action name (every action of that name shares the stub).
    pub name: String,
    /// Its output paths (empty: a single path, the stub gives no `output:`).
    pub outputs: Vec<String>,
    /// Variables it may set, with their types.
    pub sets: Vec<(String, Type)>,
    /// The variables only some output paths assign (a data action's successOutputs on
    /// `success`), with those paths; the others are assigned on every path.
    pub only_on: BTreeMap<String, Vec<String>>,
}

impl StubbedAction {
    /// Whether taking `output` (None: the single path) can set `var`.
    pub fn assigns(&self, var: &str, output: Option<&str>) -> bool {
        match self.only_on.get(var) {
            Some(paths) => output.is_some_and(|o| paths.iter().any(|p| p == o)),
            None => true,
        }
    }
}

impl Flow {
    /// Every decision and switch, in file order.
    pub fn branch_points(&self) -> Vec<BranchPoint> {
        let mut out = Vec::new();
        self.each_action(&mut |a, _| {
            let mut facts = ExprFacts::default();
            let (kind, branches, stripped) = match &a.body {
                Body::Decision { cond, branches, .. } => {
                    facts.add_val(cond);
                    let body = Body::Decision {
                        cond: cond.clone(),
                        yes: Vec::new(),
                        no: Vec::new(),
                        branches: *branches,
                    };
                    ("decision", branches.to_vec(), body)
                }
                Body::Switch {
                    subject,
                    cases,
                    default_branch,
                    ..
                } => {
                    if let Some(s) = subject {
                        facts.add_val(s);
                    }
                    for (c, _, _) in cases {
                        facts.add_val(c);
                    }
                    let mut ids: Vec<usize> = cases.iter().map(|(_, _, id)| *id).collect();
                    ids.push(*default_branch);
                    let body = Body::Switch {
                        subject: subject.clone(),
                        cases: cases
                            .iter()
                            .map(|(c, _, id)| (c.clone(), Vec::new(), *id))
                            .collect(),
                        default: Vec::new(),
                        default_branch: *default_branch,
                    };
                    ("switch", ids, body)
                }
                _ => return,
            };
            out.push(BranchPoint {
                kind: kind.to_owned(),
                name: a.name.clone(),
                at: a.at,
                branches,
                facts,
                action: Action {
                    name: a.name.clone(),
                    kind: a.kind.clone(),
                    at: a.at,
                    body: stripped,
                },
            });
        });
        out
    }

    /// The branches `point` takes with these variable values (over the built-ins of a
    /// new conversation), as the simulator decides it. A runtime error reaches none.
    pub fn probe(
        &self,
        point: &BranchPoint,
        vars: &[(String, Value)],
        now: DateTime,
        directory: &Directory,
    ) -> BTreeSet<usize> {
        let stubs = Stubs::default();
        let input = RunInput::new(
            crate::conversation::synthetic::CONVERSATION_ID,
            &stubs,
            directory,
            now,
        );
        Sim::new(self, &input).probe(&point.action, vars)
    }

    /// Every action name a stub stands in for, with its outputs and the typed variables
    /// the actions of that name set.
    pub fn stubbed_actions(&self) -> Vec<StubbedAction> {
        let mut out: Vec<StubbedAction> = self
            .loaded
            .externals
            .iter()
            .map(|(name, info)| StubbedAction {
                name: name.clone(),
                outputs: info.outputs.clone(),
                sets: Vec::new(),
                only_on: info
                    .sets
                    .iter()
                    .filter_map(|v| {
                        let paths = info.assigned.paths_of(v)?;
                        Some((v.clone(), paths.into_iter().map(String::from).collect()))
                    })
                    .collect(),
            })
            .collect();
        self.each_action(&mut |a, _| {
            if let Body::External(e) = &a.body
                && let Some(s) = out.iter_mut().find(|s| s.name == a.name)
            {
                for t in &e.sets {
                    if !s.sets.iter().any(|(n, _)| n.eq_ignore_ascii_case(&t.name)) {
                        s.sets.push((t.name.clone(), t.ty.clone()));
                    }
                }
            }
        });
        out
    }

    /// Every assignment (Update Data) and what its value reads: a condition on the
    /// assigned variable is a condition on those reads.
    pub fn assignments(&self) -> Vec<(String, ExprFacts)> {
        let mut out = Vec::new();
        self.each_action(&mut |a, _| {
            if let Body::UpdateData(stmts) = &a.body {
                for (target, v) in stmts {
                    let mut f = ExprFacts::default();
                    f.add_val(v);
                    out.push((target.name.clone(), f));
                }
            }
        });
        out
    }
}
