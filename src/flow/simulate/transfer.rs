//! Where a conversation ends up: Transfer to ACD (queue, skills, priority, preferred
//! agents), transfers to a flow, user, group or number, Disconnect, and the one-line
//! route summary. The flow's error handling transfers through here too.

use crate::expr::{Entity, Value};

use super::super::model::*;
use super::{Ctl, QueueRoute, Route, Sim, Stop, TransferRoute, show};

impl Sim<'_, '_> {
    /// Transfer to ACD: the queue route with everything the flow configured on it.
    pub(super) fn transfer_to_acd(&mut self, a: &Action, t: &Transfer) -> Result<Ctl, Stop> {
        let route = self.transfer(t)?;
        self.step(a, Some(route_summary(&route)), None);
        Ok(Ctl::Done(route))
    }

    /// A transfer to a flow, user, group or number.
    pub(super) fn transfer_other(&mut self, a: &Action, t: &OtherTransfer) -> Result<Ctl, Stop> {
        let target = match (&t.target, &t.target_name) {
            (Some(v), _) => match self.eval(v)? {
                Value::Entity(_, e) => e.name,
                other if other.is_not_set() => {
                    return Err(self.runtime_at(v.at, "the transfer's target is NOT_SET"));
                }
                other => other.to_string(),
            },
            (None, Some(n)) => n.clone(),
            (None, None) => String::new(),
        };
        let route = Route::Transfer(TransferRoute {
            to: t.to.clone(),
            target,
        });
        self.step(a, Some(route_summary(&route)), None);
        Ok(Ctl::Done(route))
    }

    pub(in crate::flow) fn transfer(&mut self, t: &Transfer) -> Result<Route, Stop> {
        let queue = match self.eval(&t.queue)? {
            Value::Entity(_, e) => e,
            Value::String(name) => Entity { id: None, name },
            other => {
                return Err(self.runtime_at(
                    t.queue.at,
                    format!("the transfer's target queue is {}", show(&other)),
                ));
            }
        };
        let mut skills = Vec::new();
        for s in &t.skills {
            let v = self.eval(s)?;
            if !v.is_not_set() {
                skills.push(v.to_string());
            }
        }
        let priority = match &t.priority {
            Some(p) => match self.eval(p)? {
                Value::Integer(i) => Some(i),
                _ => None,
            },
            None => None,
        };
        let preferred_agents = match &t.preferred {
            Some(p) => match self.eval(p)? {
                Value::List(_, items) => items.iter().map(ToString::to_string).collect(),
                _ => Vec::new(),
            },
            None => Vec::new(),
        };
        let opt = |s: &Self, v: &Option<Val>| -> Result<Option<String>, Stop> {
            Ok(match v {
                Some(v) => Some(s.eval(v)?)
                    .filter(|v| !v.is_not_set())
                    .map(|v| v.to_string()),
                None => None,
            })
        };
        let language_skill = opt(self, &t.language_skill)?;
        let direct_agent = opt(self, &t.direct_agent)?;
        Ok(Route::Queue(QueueRoute {
            name: queue.name,
            id: queue.id,
            skills,
            priority,
            preferred_agents,
            language_skill,
            direct_agent,
        }))
    }
}

/// One line for a route.
pub fn route_summary(r: &Route) -> String {
    match r {
        Route::Queue(q) => {
            let mut s = format!("queue \"{}\"", q.name);
            if let Some(id) = &q.id {
                s.push_str(&format!(" ({id})"));
            }
            if !q.skills.is_empty() {
                s.push_str(&format!(", skills {}", q.skills.join(", ")));
            }
            if let Some(p) = q.priority {
                s.push_str(&format!(", priority {p}"));
            }
            if !q.preferred_agents.is_empty() {
                s.push_str(&format!(
                    ", preferred agents {}",
                    q.preferred_agents.join(", ")
                ));
            }
            if let Some(l) = &q.language_skill {
                s.push_str(&format!(", language skill {l}"));
            }
            if let Some(d) = &q.direct_agent {
                s.push_str(&format!(", direct agent {d}"));
            }
            s
        }
        Route::Disconnect => "disconnect".into(),
        Route::Transfer(t) => format!("transfer to {} \"{}\"", t.to, t.target),
        Route::Waiting(w) => format!(
            "waiting for the customer's answer to {} ({}): {:?}",
            w.action, w.location, w.question
        ),
        Route::Error {
            message,
            location,
            then,
        } => {
            format!(
                "error at {location}: {message}; then {}",
                route_summary(then)
            )
        }
    }
}
