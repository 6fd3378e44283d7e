//! Stub semantics: the outcome of an action that reaches outside the flow comes from
//! the stub addressed to it (`NAME@LINE`, else `NAME`): the output path it takes and the
//! values it sets, each converted to the variable's type. What a stub may name and what
//! an unstubbed output path means (issue #26) is decided here.

use crate::expr::{DateTime, Directory, Entity, Type, Value};

use super::super::model::*;
use super::{Ctl, Sim, SimErrorKind, Stop, Stub, bots, schedule, show};

impl<'i> Sim<'_, 'i> {
    /// The stub for an action: one addressed to it by line (`NAME@LINE`), else the
    /// one keyed by its name (load-time checks make that one unambiguous).
    pub(crate) fn stub_for(&self, a: &Action) -> Option<&'i Stub> {
        let line = self.flow.line_col(a.at).0;
        let stubs = self.input.stubs;
        stubs
            .0
            .get(&format!("{}@{line}", a.name))
            .or_else(|| stubs.0.get(&a.name))
    }

    /// An action that reaches outside the flow: bots and schedules have rooms of their
    /// own; everything else takes its outcome from a stub.
    pub(super) fn external(&mut self, a: &Action, ext: &External) -> Result<Ctl, Stop> {
        if bots::is_bot_call(&a.kind) {
            return self.call_bot(a, ext);
        }
        if schedule::is_schedule(&a.kind) {
            return self.evaluate_schedule(a, ext);
        }
        self.stubbed_external(a, ext)
    }

    /// An external action run from its stub, after its inputs were evaluated (a
    /// runtime error in one follows error handling).
    pub(super) fn stubbed_external(&mut self, a: &Action, ext: &External) -> Result<Ctl, Stop> {
        for v in &ext.inputs {
            self.eval(v)?;
        }
        self.stubbed(a, &ext.sets, &ext.assigned_on, &ext.outputs)
    }

    /// An action whose outcome is its stub: the output path taken and the values set.
    pub(in crate::flow) fn stubbed(
        &mut self,
        a: &Action,
        sets: &[Target],
        assigned: &AssignedOn,
        outputs: &[Output],
    ) -> Result<Ctl, Stop> {
        let Some(stub) = self.stub_for(a) else {
            let example = match outputs.first() {
                Some(o) => format!("{}: {{ output: {} }}", yaml_key(&a.name), o.name),
                None => format!("{}: {{ values: {{}} }}", yaml_key(&a.name)),
            };
            let d = self.sim_diag(
                &SimErrorKind::MissingStub,
                a.at,
                format!("no stub for {} action \"{}\"", a.kind, a.name),
            );
            return Err(Stop::Sim(
                SimErrorKind::MissingStub,
                Box::new(d.with_help(format!("add a stub such as `{example}`"))),
            ));
        };
        let names: Vec<&str> = outputs.iter().map(|o| o.name.as_str()).collect();
        let output = match (&stub.output, names.is_empty()) {
            (None, true) => None,
            (Some(o), true) => {
                return Err(self.sim_at(
                    SimErrorKind::BadStub,
                    a.at,
                    format!(
                        "the stub for \"{}\" names output `{o}`, but {} has a single path",
                        a.name, a.kind
                    ),
                ));
            }
            (None, false) => {
                return Err(self.sim_at(
                    SimErrorKind::BadStub,
                    a.at,
                    format!(
                        "the stub for \"{}\" needs an `output:` ({})",
                        a.name,
                        names.join(", ")
                    ),
                ));
            }
            (Some(o), false) => match outputs.iter().find(|x| x.name == *o) {
                Some(x) => Some(x),
                None => {
                    return Err(self.sim_at(
                        SimErrorKind::BadStub,
                        a.at,
                        format!(
                            "{} \"{}\" has no output `{o}` (it has {})",
                            a.kind,
                            a.name,
                            names.join(", ")
                        ),
                    ));
                }
            },
        };
        let mut details = Vec::new();
        for (name, raw) in &stub.values {
            // Stubs are keyed by name and several actions may share one: a value for a
            // variable another same-named action sets is skipped here; one that no
            // action of that name sets was rejected by `Flow::check_stubs`.
            let Some(target) = sets.iter().find(|t| t.name.eq_ignore_ascii_case(name)) else {
                let known = self
                    .flow
                    .loaded
                    .externals
                    .get(&a.name)
                    .is_some_and(|i| i.sets.iter().any(|s| s.eq_ignore_ascii_case(name)));
                if known {
                    continue;
                }
                let sets: Vec<&str> = sets.iter().map(|t| t.name.as_str()).collect();
                let has = if sets.is_empty() {
                    "it sets no variables".to_string()
                } else {
                    format!("it sets {}", sets.join(", "))
                };
                return Err(self.sim_at(
                    SimErrorKind::BadStub,
                    a.at,
                    format!(
                        "the stub for \"{}\" sets `{name}`, which this action does not set ({has})",
                        a.name
                    ),
                ));
            };
            let taken = output.map(|o| o.name.as_str());
            if !assigned.assigns(&target.name, taken) {
                // Also checked when the stubs are loaded (`Flow::check_stubs`), located
                // in the rules file; this catches stubs built elsewhere (gen).
                return Err(self.sim_at(
                    SimErrorKind::BadStub,
                    a.at,
                    format!(
                        "the stub for \"{}\" takes `{}` but sets `{name}`, which only {} assigns",
                        a.name,
                        taken.unwrap_or("its path"),
                        assigned
                            .paths_of(&target.name)
                            .unwrap_or_default()
                            .join(" or ")
                    ),
                ));
            }
            let value = match stub_value(raw, &target.ty, self.input.directory) {
                Ok(v) => v,
                Err(e) => {
                    return Err(self.sim_at(
                        SimErrorKind::BadStub,
                        a.at,
                        format!("the stub for \"{}\" gives `{name}` {e}", a.name),
                    ));
                }
            };
            details.push(format!("{} = {}", target.name, show(&value)));
            self.vars.set(&target.name, value);
        }
        // A bot returns its exit reason, intent and outputs every time: what the stub
        // does not give was not detected, so it reads NOT_SET.
        if bots::returns_every_output(&a.kind) {
            self.bot_returns(sets, stub);
        }
        let branch = output.map(|o| o.name.clone());
        self.push_step(
            &a.name,
            &a.kind,
            a.at,
            Some(details.join("; ")).filter(|s| !s.is_empty()),
            branch,
        );
        if let Some(o) = output {
            self.hit(o.branch);
        }
        match output {
            Some(o) => self.block(&o.actions),
            None => Ok(Ctl::Next),
        }
    }
}

/// A stub value converted to the type of the variable it sets.
pub(super) fn stub_value(
    raw: &serde_json::Value,
    ty: &Type,
    dir: &Directory,
) -> Result<Value, String> {
    use serde_json::Value as J;
    if raw.is_null() {
        return Ok(Value::NotSet(ty.clone()));
    }
    let want = |what: &str| format!("{raw}, which is not {what}");
    Ok(match ty {
        Type::String => match raw {
            J::String(s) => Value::String(s.clone()),
            J::Number(n) => Value::String(n.to_string()),
            J::Bool(b) => Value::String(b.to_string()),
            _ => return Err(want("a string")),
        },
        Type::Integer => match raw {
            J::Number(n) => Value::Integer(n.as_i64().ok_or_else(|| want("an integer"))?),
            J::String(s) => Value::Integer(s.trim().parse().map_err(|_| want("an integer"))?),
            _ => return Err(want("an integer")),
        },
        Type::Decimal => match raw {
            J::Number(n) => Value::Decimal(n.as_f64().ok_or_else(|| want("a number"))?),
            J::String(s) => Value::Decimal(s.trim().parse().map_err(|_| want("a number"))?),
            _ => return Err(want("a number")),
        },
        Type::Boolean => match raw {
            J::Bool(b) => Value::Boolean(*b),
            J::String(s) if s == "true" || s == "false" => Value::Boolean(s == "true"),
            _ => return Err(want("true or false")),
        },
        Type::Json => Value::Json(raw.clone()),
        Type::DateTime => match raw {
            J::String(s) => Value::DateTime(DateTime::parse(s).map_err(|e| format!("{raw}: {e}"))?),
            _ => return Err(want("a date-time")),
        },
        Type::Date => match raw {
            J::String(s) => {
                Value::Date(crate::expr::Date::parse(s).ok_or_else(|| want("a date (YYYY-MM-DD)"))?)
            }
            _ => return Err(want("a date (YYYY-MM-DD)")),
        },
        Type::Time => match raw {
            J::String(s) => {
                Value::Time(crate::expr::Time::parse(s).ok_or_else(|| want("a time (HH:MM:SS)"))?)
            }
            _ => return Err(want("a time (HH:MM:SS)")),
        },
        Type::Duration => match raw {
            J::String(s) => {
                Value::Duration(crate::expr::Duration::parse(s).map_err(|e| format!("{raw}: {e}"))?)
            }
            _ => return Err(want("a duration")),
        },
        t if t.is_entity() => {
            let (id, name) = match raw {
                J::String(s) => (None, s.clone()),
                J::Object(o) => (
                    o.get("id").and_then(J::as_str).map(String::from),
                    o.get("name")
                        .and_then(J::as_str)
                        .map(String::from)
                        .unwrap_or_default(),
                ),
                _ => return Err(want("a name or {id, name}")),
            };
            let table = match ty {
                Type::Queue => Some(&dir.queues),
                Type::User => Some(&dir.users),
                Type::Skill => Some(&dir.skills),
                _ => None,
            };
            let id = id.or_else(|| {
                table.and_then(|t| t.iter().find(|(_, n)| **n == name).map(|(i, _)| i.clone()))
            });
            Value::Entity(ty.clone(), Entity { id, name })
        }
        Type::List(item) => match raw {
            J::Array(items) => Value::List(
                (**item).clone(),
                items
                    .iter()
                    .map(|x| stub_value(x, item, dir))
                    .collect::<Result<_, _>>()?,
            ),
            _ => return Err(want("a list")),
        },
        other => return Err(format!("a value, but stubs cannot set {other} variables")),
    })
}

fn yaml_key(name: &str) -> String {
    if name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '_' || c == '-')
    {
        name.to_string()
    } else {
        format!("{name:?}")
    }
}
