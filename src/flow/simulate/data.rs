//! Data actions: participant data read and written, Update Data, and Data Table Lookup
//! against the rules file's `tables:`. A data action (`callData`) and other lookups that
//! reach a live service are external actions (see `stubs`); an evaluator that models
//! them from the deploy (issue #24: queues, data tables, data actions) belongs here.

use std::collections::BTreeMap;

use crate::expr::{Type, Value};
use crate::source::Location;

use super::super::model::*;
use super::stubs::stub_value;
use super::{Ctl, Sim, SimErrorKind, Stop, show};

/// A Set or Get Participant Data action, for the race report.
#[derive(Debug, Clone, PartialEq)]
pub struct PdAction {
    /// The action's `name:`.
    pub name: String,
    /// Where it is (in whichever flow of the run it is).
    pub location: Location,
}

/// A Get Participant Data reading an attribute the run set earlier (in this flow or in
/// the flow that called it): Genesys applies Set Participant Data asynchronously, so
/// the read may see the value from before or the new one (docs/fidelity.md).
#[derive(Debug, Clone, PartialEq)]
pub struct Race {
    /// The attribute's name.
    pub attribute: String,
    /// The action that set it.
    pub set: PdAction,
    /// The action that read it.
    pub get: PdAction,
}

/// The races of a run, and the action that last set each attribute (so that a called
/// flow's reads are matched against its caller's sets).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Races {
    /// Each read of an attribute set earlier, in run order.
    pub found: Vec<Race>,
    /// Attribute name → the Set Participant Data that last set it.
    pub set_by: BTreeMap<String, PdAction>,
    /// Where the run goes when those reads see the new values (the run itself reads the
    /// old ones); the error of that run where it could not finish. Filled by the suite.
    pub new_reading: Option<Box<Result<super::Route, String>>>,
}

impl Sim<'_, '_> {
    /// Get Participant Data: each attribute the conversation carries, NOT_SET where absent.
    /// An attribute the run set earlier reads its value from before the flow unless the
    /// input asks for the new one; either way the read is recorded as a race.
    pub(super) fn get_participant_data(
        &mut self,
        a: &Action,
        attrs: &[(Val, Target)],
    ) -> Result<Ctl, Stop> {
        let mut details = Vec::new();
        for (name_val, target) in attrs {
            let name = self.eval(name_val)?;
            let Value::String(name) = name else {
                return Err(self.runtime_at(name_val.at, "the attribute name is NOT_SET"));
            };
            let new = self.result.participant_data.get(&name);
            if let Some(set) = self.result.races.set_by.get(&name) {
                self.result.races.found.push(Race {
                    attribute: name.clone(),
                    set: set.clone(),
                    get: PdAction {
                        name: a.name.clone(),
                        location: self.flow.location(a.at),
                    },
                });
            }
            let read = match new {
                Some(v) if self.input.reads_new_participant_data => Some(v),
                _ => self.input.attributes.get(&name),
            };
            let value = match read {
                Some(v) => Value::String(v.clone()),
                None => Value::NotSet(Type::String),
            };
            details.push(format!(
                "{} = {} (attribute `{name}`)",
                target.name,
                show(&value)
            ));
            self.vars.set(&target.name, value);
        }
        self.step(a, Some(details.join("; ")), None);
        Ok(Ctl::Next)
    }

    /// Set Participant Data: what the flow leaves on the conversation (NOT_SET values
    /// are skipped).
    pub(super) fn set_participant_data(
        &mut self,
        a: &Action,
        attrs: &[(Val, Val)],
    ) -> Result<Ctl, Stop> {
        let mut details = Vec::new();
        for (n, v) in attrs {
            let Value::String(name) = self.eval(n)? else {
                return Err(self.runtime_at(n.at, "the attribute name is NOT_SET"));
            };
            let value = self.eval(v)?;
            if value.is_not_set() {
                details.push(format!("{name} not set (value is NOT_SET)"));
                continue;
            }
            details.push(format!("{name} = {}", show(&value)));
            let by = PdAction {
                name: a.name.clone(),
                location: self.flow.location(a.at),
            };
            self.result.races.set_by.insert(name.clone(), by);
            self.result.participant_data.insert(name, value.to_string());
        }
        self.step(a, Some(details.join("; ")), None);
        Ok(Ctl::Next)
    }

    /// Update Data: each statement assigns its variable, in order.
    pub(super) fn update_data(&mut self, a: &Action, stmts: &[(Target, Val)]) -> Result<Ctl, Stop> {
        let mut details = Vec::new();
        for (target, v) in stmts {
            let value = self.eval(v)?;
            details.push(format!("{} = {}", target.name, show(&value)));
            self.vars.set(&target.name, value);
        }
        self.step(a, Some(details.join("; ")), None);
        Ok(Ctl::Next)
    }

    /// Run a table lookup from the rules file's tables, unless a stub addresses it.
    pub(super) fn table_lookup(&mut self, a: &Action, t: &TableLookup) -> Result<Ctl, Stop> {
        let key = self.eval(&t.key)?;
        if self.stub_for(a).is_some() {
            let sets: Vec<Target> = t
                .found
                .iter()
                .chain(&t.failure)
                .map(|(_, x)| x.clone())
                .collect();
            return self.stubbed(a, &sets, &t.assigned, &t.outputs);
        }
        let path = |name: &str| t.outputs.iter().find(|o| o.name == name);
        let mut details = Vec::new();
        let (output, failure) = match (self.input.tables.0.get(&t.table), &key) {
            (None, _) => (
                "failure",
                Some((
                    "TableNotFound",
                    format!("no table `{}` in the rules file's `tables:`", t.table),
                )),
            ),
            (Some(_), k) if k.is_not_set() => (
                "failure",
                Some((
                    "InvalidLookupValue",
                    "the lookup value is NOT_SET".to_string(),
                )),
            ),
            (Some(table), k) => {
                let text = match k {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                match table.row(&text) {
                    Some(row) => {
                        details.push(format!("row `{text}` of `{}`", t.table));
                        for (col, target) in &t.found {
                            let value = match row.get(col) {
                                Some(raw) => stub_value(raw, &target.ty, self.input.directory)
                                    .map_err(|e| {
                                        self.runtime_at(
                                            target.at,
                                            format!(
                                                "column `{col}` of table `{}` holds {e}",
                                                t.table
                                            ),
                                        )
                                    })?,
                                None => Value::NotSet(target.ty.clone()),
                            };
                            details.push(format!("{} = {}", target.name, show(&value)));
                            self.vars.set(&target.name, value);
                        }
                        ("found", None)
                    }
                    None => {
                        details.push(format!("no row `{text}` in `{}`", t.table));
                        ("notFound", None)
                    }
                }
            }
        };
        if let Some((kind, message)) = failure {
            details.push(message.clone());
            for (col, target) in &t.failure {
                let v = match col.as_str() {
                    "errorType" => Value::String(kind.into()),
                    "errorMessage" => Value::String(message.clone()),
                    _ => Value::NotSet(target.ty.clone()),
                };
                self.vars.set(&target.name, v);
            }
        }
        let Some(o) = path(output) else {
            return Err(self.sim_at(
                SimErrorKind::Unsupported,
                a.at,
                "data table lookup without its output paths",
            ));
        };
        self.push_step(
            &a.name,
            &a.kind,
            a.at,
            Some(details.join("; ")),
            Some(output.into()),
        );
        self.hit(o.branch);
        self.block(&o.actions)
    }
}
