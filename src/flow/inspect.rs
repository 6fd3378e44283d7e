//! Read-only views of a loaded flow for static analyses (`routecheck lint`): which
//! participant attributes it reads, and every compiled expression with its place in the
//! file and the guards of the decisions around it.

use crate::expr::Compiled;

use super::Flow;
use super::model::{Action, Block, Body, Transfer, Val, ValKind};

/// One attribute a Get Participant Data action reads.
#[derive(Debug, Clone)]
pub struct AttributeRead {
    /// The attribute name, exact (attribute names are case-sensitive).
    pub attribute: String,
    /// The variable it is stored in, as written (e.g. `Flow.Tier`).
    pub variable: String,
    /// Byte span of the attribute name in the flow file.
    pub span: (usize, usize),
}

/// An Evaluate Schedule or Evaluate Schedule Group action, as far as literals tell.
#[derive(Debug, Clone, PartialEq)]
pub struct ScheduleUse {
    /// The action's name (its stub key).
    pub action: String,
    /// Evaluate Schedule Group (else Evaluate Schedule).
    pub group: bool,
    /// Every setting is a literal or absent: what it evaluates is known without running.
    pub literal: bool,
    /// The schedule or schedule group it names.
    pub target: Option<String>,
    /// The emergency group it checks.
    pub emergency: Option<String>,
    /// The zone a schedule is read in (`scheduleTimeZone`, else `evaluationTimeZone`).
    pub zone: Option<String>,
}

/// Where an expression sits in the flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExprRole {
    /// A decision's condition.
    Decision,
    /// A switch's `firstMatch` subject.
    SwitchSubject,
    /// A switch case (its value or its condition).
    SwitchCase,
    /// An Update Data statement's value; the variable it assigns is given.
    Assignment,
    /// Any other value slot.
    Other,
}

/// One compiled expression of the flow.
#[derive(Debug, Clone)]
pub struct FlowExpr<'a> {
    /// The expression.
    pub compiled: &'a Compiled,
    /// Original-file offset of each byte of its source (plus one past it).
    pub offsets: &'a [usize],
    /// Its role.
    pub role: ExprRole,
    /// For an assignment: the variable assigned, as written.
    pub assigns: Option<&'a str>,
    /// For a switch case: the switch's subject (a `firstMatch` switch compares them).
    pub subject: Option<&'a Compiled>,
    /// Conditions of the decisions and switches this expression is nested in
    /// (innermost last), whether it sits on their true or false side.
    pub enclosing: Vec<&'a Compiled>,
}

/// A `lit:` case of a `firstMatch` switch.
#[derive(Debug, Clone)]
pub struct SwitchLiteral<'a> {
    /// The expression the cases are compared with.
    pub subject: &'a Compiled,
    /// The case's string.
    pub literal: String,
    /// Byte span of the literal in the flow file.
    pub span: (usize, usize),
}

impl FlowExpr<'_> {
    /// The file byte span of the expression bytes `start..end`.
    pub fn file_span(&self, start: usize, end: usize) -> (usize, usize) {
        let last = self.offsets.last().copied().unwrap_or(0);
        let s = self.offsets.get(start).copied().unwrap_or(last);
        let e = self.offsets.get(end).copied().unwrap_or(last).max(s);
        (s, e)
    }
}

impl Flow {
    /// Every attribute read by Get Participant Data with a literal name, in file order.
    /// (A name computed by an expression cannot be known statically and is skipped.)
    pub fn attribute_reads(&self) -> Vec<AttributeRead> {
        let mut out = Vec::new();
        self.each_action(&mut |a, _| {
            if let Body::GetParticipantData(attrs) = &a.body {
                for (name, target) in attrs {
                    if let ValKind::Lit(crate::expr::Value::String(s)) = &name.kind {
                        out.push(AttributeRead {
                            attribute: s.clone(),
                            variable: target.name.clone(),
                            span: scalar_span(&self.file.text, name.at),
                        });
                    }
                }
            }
        });
        out.sort_by_key(|r| r.span);
        out
    }

    /// The string literals each variable (lowercase name) meets in the flow's decisions
    /// and switches, and whether some switch compares it exactly (a `firstMatch` whose
    /// subject is the bare variable, or a `firstTrue` whose every case is an equality of
    /// it with a literal): what a value given for it can match.
    pub fn compared_strings(&self) -> std::collections::HashMap<String, (Vec<String>, bool)> {
        let mut out: std::collections::HashMap<String, (Vec<String>, bool)> =
            std::collections::HashMap::new();
        for bp in self.branch_points() {
            for (var, _) in &bp.facts.reads {
                let e = out.entry(var.to_ascii_lowercase()).or_default();
                for l in &bp.facts.literals {
                    if let crate::expr::Value::String(s) = l
                        && !e.0.contains(s)
                    {
                        e.0.push(s.clone());
                    }
                }
            }
        }
        let mut exact: Vec<(String, String)> = self
            .switch_literals()
            .into_iter()
            .filter_map(|s| {
                let (var, _) = s.subject.root().as_var()?;
                Some((var.to_string(), s.literal))
            })
            .collect();
        exact.extend(self.first_true_equalities());
        for (var, literal) in exact {
            let e = out.entry(var.to_ascii_lowercase()).or_default();
            e.1 = true;
            if !e.0.contains(&literal) {
                e.0.push(literal);
            }
        }
        out
    }

    /// The `firstTrue` switches that enumerate one variable's values — every case is
    /// `Var == "literal"` (either side) on the same variable — as (variable, literal)
    /// pairs: such a switch compares exactly, like a `firstMatch` on the bare variable.
    /// A switch mixing other conditions is left out (its cases can match otherwise).
    fn first_true_equalities(&self) -> Vec<(String, String)> {
        use crate::expr::ast::{BinOp, Expr, Kind};
        fn equality(e: &Expr) -> Option<(&str, &str)> {
            let Kind::Binary(BinOp::Eq, a, b) = &e.kind else {
                return None;
            };
            fn lit(e: &Expr) -> Option<&str> {
                match &e.kind {
                    Kind::Lit(crate::expr::Value::String(s)) => Some(s.as_str()),
                    _ => None,
                }
            }
            match (a.as_var(), b.as_var()) {
                (Some((_, var)), None) => Some((var, lit(b)?)),
                (None, Some((_, var))) => Some((var, lit(a)?)),
                _ => None,
            }
        }
        let mut out = Vec::new();
        self.each_action(&mut |a, _| {
            let Body::Switch {
                subject: None,
                cases,
                ..
            } = &a.body
            else {
                return;
            };
            let pairs: Option<Vec<(&str, &str)>> = cases
                .iter()
                .map(|(c, _, _)| compiled(c).and_then(|c| equality(c.root())))
                .collect();
            let Some(pairs) = pairs.filter(|p| !p.is_empty()) else {
                return;
            };
            if pairs
                .iter()
                .all(|(v, _)| v.eq_ignore_ascii_case(pairs[0].0))
            {
                out.extend(pairs.iter().map(|(v, l)| (v.to_string(), l.to_string())));
            }
        });
        out
    }

    /// Every attribute written by Set Participant Data with a literal name, in file
    /// order: the name and the byte span of the name.
    pub fn attribute_writes(&self) -> Vec<(String, (usize, usize))> {
        let mut out = Vec::new();
        self.each_action(&mut |a, _| {
            if let Body::SetParticipantData(pairs) = &a.body {
                for (name, _) in pairs {
                    if let ValKind::Lit(crate::expr::Value::String(s)) = &name.kind {
                        out.push((s.clone(), scalar_span(&self.file.text, name.at)));
                    }
                }
            }
        });
        out.sort_by_key(|w| w.1);
        out
    }

    /// Every Transfer to ACD whose queue is a literal: the queue's name (after
    /// substitution) and the byte span of the value in the flow file, in file order. A
    /// queue computed by an expression cannot be known statically and is skipped.
    pub fn queue_targets(&self) -> Vec<(String, (usize, usize))> {
        let mut out = Vec::new();
        self.each_action(&mut |a, _| {
            if let Body::Transfer(t) = &a.body
                && let ValKind::Lit(crate::expr::Value::Entity(_, e)) = &t.queue.kind
            {
                out.push((e.name.clone(), scalar_span(&self.file.text, t.queue.at)));
            }
        });
        out.sort_by_key(|q| q.1);
        out
    }

    /// Every Evaluate Schedule (Group) action, with what it names when it names it by a
    /// literal (after substitution): `gen` picks clocks from the deploy's schedules for the
    /// ones the deploy can decide.
    pub fn schedule_uses(&self) -> Vec<ScheduleUse> {
        let mut out = Vec::new();
        self.each_action(&mut |a, _| {
            let Body::External(e) = &a.body else { return };
            let Some(call) = e.schedule.as_deref() else {
                return;
            };
            // `Some(None)`: absent or NOT_SET; `None`: an expression.
            let literal = |v: &Option<Val>| -> Option<Option<String>> {
                match v.as_ref().map(|v| &v.kind) {
                    None | Some(ValKind::NoValue(_)) => Some(None),
                    Some(ValKind::Lit(crate::expr::Value::Entity(_, e))) => {
                        Some(Some(e.name.clone()))
                    }
                    Some(ValKind::Lit(crate::expr::Value::String(s))) => Some(Some(s.clone())),
                    Some(ValKind::Lit(crate::expr::Value::NotSet(_))) => Some(None),
                    Some(_) => None,
                }
            };
            let (target, emergency, zone) = (
                literal(&call.target),
                literal(&call.emergency),
                literal(&call.time_zone),
            );
            out.push(ScheduleUse {
                action: a.name.clone(),
                group: a.kind == "evaluateScheduleGroup",
                literal: target.is_some() && emergency.is_some() && zone.is_some(),
                target: target.flatten(),
                emergency: emergency.flatten(),
                zone: zone.flatten().or_else(|| call.default_zone.clone()),
            });
        });
        out
    }

    /// Every compiled expression of the flow (variable initial values included), with
    /// the conditions of the decisions and switches it is nested in.
    pub fn expressions(&self) -> Vec<FlowExpr<'_>> {
        let mut out = Vec::new();
        for unit in self.loaded.states.iter().chain(&self.loaded.tasks) {
            for v in &unit.vars {
                push_val(&mut out, &v.init, ExprRole::Other, &[]);
            }
            walk_exprs(&unit.actions, &mut Vec::new(), &mut out);
        }
        for v in &self.loaded.flow_vars {
            push_val(&mut out, &v.init, ExprRole::Other, &[]);
        }
        out
    }

    /// The string literal cases of `firstMatch` switches: each with the switch's subject
    /// expression, the literal, and the literal's span in the file.
    pub fn switch_literals(&self) -> Vec<SwitchLiteral<'_>> {
        let mut out = Vec::new();
        self.each_action(&mut |a, _| {
            if let Body::Switch {
                subject: Some(subject),
                cases,
                ..
            } = &a.body
                && let Some(subject) = compiled(subject)
            {
                for (c, _, _) in cases {
                    if let ValKind::Lit(crate::expr::Value::String(s)) = &c.kind {
                        out.push(SwitchLiteral {
                            subject,
                            literal: s.clone(),
                            span: scalar_span(&self.file.text, c.at),
                        });
                    }
                }
            }
        });
        out
    }

    pub(super) fn each_action<'a>(&'a self, f: &mut dyn FnMut(&'a Action, usize)) {
        fn walk<'a>(block: &'a Block, depth: usize, f: &mut dyn FnMut(&'a Action, usize)) {
            for a in block {
                f(a, depth);
                for b in child_blocks(&a.body) {
                    walk(b, depth + 1, f);
                }
            }
        }
        for unit in self.loaded.states.iter().chain(&self.loaded.tasks) {
            walk(&unit.actions, 0, f);
        }
    }
}

/// The nested action lists of an action.
fn child_blocks(body: &Body) -> Vec<&Block> {
    match body {
        Body::Decision { yes, no, .. } => vec![yes, no],
        Body::Switch { cases, default, .. } => {
            let mut v: Vec<&Block> = cases.iter().map(|(_, b, _)| b).collect();
            v.push(default);
            v
        }
        Body::Loop { body, .. } => vec![body],
        Body::CallTask { outputs, .. } => outputs.iter().map(|(_, b)| b).collect(),
        Body::External(e) => e.outputs.iter().map(|o| &o.actions).collect(),
        Body::TableLookup(t) => t.outputs.iter().map(|o| &o.actions).collect(),
        Body::Bot(b) => b.blocks(),
        _ => Vec::new(),
    }
}

fn compiled(v: &Val) -> Option<&Compiled> {
    match &v.kind {
        ValKind::Exp { compiled, .. } => Some(compiled),
        _ => None,
    }
}

fn push_val<'a>(
    out: &mut Vec<FlowExpr<'a>>,
    v: &'a Val,
    role: ExprRole,
    enclosing: &[&'a Compiled],
) {
    if let ValKind::Exp { compiled, offsets } = &v.kind {
        out.push(FlowExpr {
            compiled,
            offsets,
            role,
            assigns: None,
            subject: None,
            enclosing: enclosing.to_vec(),
        });
    }
}

fn walk_exprs<'a>(block: &'a Block, guards: &mut Vec<&'a Compiled>, out: &mut Vec<FlowExpr<'a>>) {
    for a in block {
        let g: &[&Compiled] = guards;
        match &a.body {
            Body::GetParticipantData(attrs) => {
                for (name, _) in attrs {
                    push_val(out, name, ExprRole::Other, g);
                }
            }
            Body::SetParticipantData(pairs) => {
                for (k, v) in pairs {
                    push_val(out, k, ExprRole::Other, g);
                    push_val(out, v, ExprRole::Other, g);
                }
            }
            Body::UpdateData(stmts) => {
                for (target, v) in stmts {
                    let before = out.len();
                    push_val(out, v, ExprRole::Assignment, g);
                    if let Some(e) = out.get_mut(before) {
                        e.assigns = Some(&target.name);
                    }
                }
            }
            Body::Decision { cond, .. } => push_val(out, cond, ExprRole::Decision, g),
            Body::Switch { subject, cases, .. } => {
                if let Some(s) = subject {
                    push_val(out, s, ExprRole::SwitchSubject, g);
                }
                let subj = subject.as_ref().and_then(compiled);
                for (c, _, _) in cases {
                    let before = out.len();
                    push_val(out, c, ExprRole::SwitchCase, g);
                    if let Some(e) = out.get_mut(before) {
                        e.subject = subj;
                    }
                }
            }
            Body::Loop { count, .. } => push_val(out, count, ExprRole::Other, g),
            Body::SendResponse(v) => push_val(out, v, ExprRole::Other, g),
            Body::Transfer(t) => push_transfer(out, t, g),
            Body::ScreenPop { inputs, .. } => {
                for (_, v) in inputs {
                    push_val(out, v, ExprRole::Other, g);
                }
            }
            Body::External(e) => {
                for v in &e.inputs {
                    push_val(out, v, ExprRole::Other, g);
                }
            }
            Body::TableLookup(t) => push_val(out, &t.key, ExprRole::Other, g),
            Body::TransferOther(t) => {
                if let Some(v) = &t.target {
                    push_val(out, v, ExprRole::Other, g);
                }
            }
            Body::Record(values) => {
                for v in values {
                    push_val(out, v, ExprRole::Other, g);
                }
            }
            Body::Bot(b) => {
                for v in b.vals() {
                    push_val(out, v, ExprRole::Other, g);
                }
            }
            Body::LoopNext
            | Body::LoopExit
            | Body::CallTask { .. }
            | Body::EndTask(_)
            | Body::ChangeState(_)
            | Body::Disconnect => {}
        }
        // Nested blocks see the conditions of this decision or switch.
        let pushed = match &a.body {
            Body::Decision { cond, .. } => compiled(cond).map(|c| vec![c]),
            Body::Switch { subject, cases, .. } => Some(
                subject
                    .iter()
                    .chain(cases.iter().map(|(c, _, _)| c))
                    .filter_map(compiled)
                    .collect(),
            ),
            _ => None,
        }
        .unwrap_or_default();
        let n = pushed.len();
        guards.extend(pushed);
        for b in child_blocks(&a.body) {
            super::deep(|| walk_exprs(b, guards, out));
        }
        guards.truncate(guards.len() - n);
    }
}

fn push_transfer<'a>(out: &mut Vec<FlowExpr<'a>>, t: &'a Transfer, g: &[&'a Compiled]) {
    push_val(out, &t.queue, ExprRole::Other, g);
    for v in t
        .skills
        .iter()
        .chain(&t.priority)
        .chain(&t.preferred)
        .chain(&t.language_skill)
        .chain(&t.direct_agent)
    {
        push_val(out, v, ExprRole::Other, g);
    }
}

/// The span of a YAML scalar starting at `at`: a quoted string through its closing
/// quote, a plain scalar to the end of its line (before a comment).
fn scalar_span(text: &str, at: usize) -> (usize, usize) {
    let rest = text.get(at..).unwrap_or("");
    let line = rest.split('\n').next().unwrap_or("");
    let len = match line.chars().next() {
        Some(q @ ('"' | '\'')) => line[1..].find(q).map_or(line.len(), |i| i + 2),
        _ => line.find(" #").unwrap_or(line.len()),
    };
    let len = line[..len].trim_end().len().max(1).min(rest.len());
    (at, at + len)
}
