//! Control flow inside a flow: Decision, Switch, Loop (and loop next / exit), tasks
//! (Call Task, End Task) and Change State. Nothing here reaches outside the flow.

use crate::expr::Value;

use super::super::model::*;
use super::{Ctl, MAX_TASK_DEPTH, Sim, SimErrorKind, Stop, show};

impl Sim<'_, '_> {
    /// Decision: the yes or no path on a boolean condition.
    pub(super) fn decision(
        &mut self,
        a: &Action,
        cond: &Val,
        yes: &Block,
        no: &Block,
        branches: &[usize; 2],
    ) -> Result<Ctl, Stop> {
        let b = match self.eval(cond)? {
            Value::Boolean(b) => b,
            other => {
                return Err(self.runtime_at(
                    cond.at,
                    format!(
                        "the decision condition is {}, not true or false",
                        show(&other)
                    ),
                ));
            }
        };
        let (label, id, actions) = if b {
            ("yes", branches[0], yes)
        } else {
            ("no", branches[1], no)
        };
        self.step(a, Some(format!("condition = {b}")), Some(label.into()));
        self.hit(id);
        self.block(actions)
    }

    /// Switch: the first case that is true (`firstTrue`) or equals the subject
    /// (`firstMatch`), else the default.
    pub(super) fn switch(
        &mut self,
        a: &Action,
        subject: &Option<Val>,
        cases: &[(Val, Block, usize)],
        default: &Block,
        default_branch: &usize,
    ) -> Result<Ctl, Stop> {
        let subject_value = match subject {
            Some(s) => {
                let v = self.eval(s)?;
                if v.is_not_set() {
                    return Err(self.runtime_at(s.at, "the switch expression is NOT_SET"));
                }
                Some(v)
            }
            None => None,
        };
        for (i, (v, actions, id)) in cases.iter().enumerate() {
            let value = self.eval(v)?;
            let taken = match &subject_value {
                Some(sv) => *sv == value,
                None => match value {
                    Value::Boolean(b) => b,
                    other => {
                        return Err(self.runtime_at(
                            v.at,
                            format!(
                                "switch case {} is {}, not true or false",
                                i + 1,
                                show(&other)
                            ),
                        ));
                    }
                },
            };
            if taken {
                let detail = match &subject_value {
                    Some(sv) => format!("value = {} matches case {}", show(sv), i + 1),
                    None => match &v.kind {
                        ValKind::Exp { compiled, .. } => {
                            format!(
                                "{} is true",
                                compiled
                                    .source()
                                    .split_whitespace()
                                    .collect::<Vec<_>>()
                                    .join(" ")
                            )
                        }
                        _ => format!("case {} is true", i + 1),
                    },
                };
                self.step(a, Some(detail), Some(format!("case {}", i + 1)));
                self.hit(*id);
                return self.block(actions);
            }
        }
        let detail = match &subject_value {
            Some(sv) => format!("value = {} matches no case", show(sv)),
            None => "no case is true".to_string(),
        };
        self.step(a, Some(detail), Some("default".into()));
        self.hit(*default_branch);
        self.block(default)
    }

    /// Loop: the body `count` times with its index variable; loop next and loop exit
    /// end an iteration or the loop.
    pub(super) fn run_loop(
        &mut self,
        a: &Action,
        count: &Val,
        index: &Option<Target>,
        body: &Block,
    ) -> Result<Ctl, Stop> {
        let n = match self.eval(count)? {
            Value::Integer(n) => n.max(0),
            other => {
                return Err(
                    self.runtime_at(count.at, format!("the loop count is {}", show(&other)))
                );
            }
        };
        self.step(a, Some(format!("loop count = {n}")), None);
        for i in 0..n {
            if i > 0 {
                self.tick(a.at)?;
            }
            if let Some(t) = index {
                self.vars.set(&t.name, Value::Integer(i));
            }
            match self.block(body)? {
                Ctl::Next | Ctl::LoopNext => {}
                Ctl::LoopExit => break,
                other => return Ok(other),
            }
        }
        Ok(Ctl::Next)
    }

    /// Call Task: the task's actions one level deeper, then the output path its End
    /// Task named.
    pub(super) fn call_task(
        &mut self,
        a: &Action,
        task: &usize,
        outputs: &[(String, Block)],
    ) -> Result<Ctl, Stop> {
        let Some(unit) = self.flow.loaded.tasks.get(*task) else {
            return Err(self.sim_at(SimErrorKind::Unsupported, a.at, "task index out of range"));
        };
        self.step(a, Some(format!("task \"{}\"", unit.name)), None);
        if self.depth >= MAX_TASK_DEPTH {
            return Err(self.sim_at(
                SimErrorKind::Unsupported,
                a.at,
                format!("tasks call each other more than {MAX_TASK_DEPTH} deep"),
            ));
        }
        self.init_vars(&unit.vars)?;
        self.depth += 1;
        let ctl = self.block(&unit.actions);
        self.depth -= 1;
        let path = match ctl? {
            Ctl::Next => "default".to_string(),
            Ctl::EndTask(p) => p,
            Ctl::LoopNext | Ctl::LoopExit => {
                return Err(self.sim_at(
                    SimErrorKind::Unsupported,
                    unit.at,
                    "loop next or loop exit ran outside a loop",
                ));
            }
            other => return Ok(other),
        };
        match outputs.iter().find(|(n, _)| *n == path) {
            Some((_, actions)) => self.block(actions),
            None => Ok(Ctl::Next),
        }
    }

    /// Change State: the state machine moves on once this block unwinds.
    pub(super) fn change_state(&mut self, a: &Action, s: &usize) -> Result<Ctl, Stop> {
        let name = self
            .flow
            .loaded
            .states
            .get(*s)
            .map(|u| u.name.clone())
            .unwrap_or_default();
        self.step(a, Some(format!("to state \"{name}\"")), None);
        Ok(Ctl::ChangeState(*s))
    }
}
