//! Data actions: participant data read and written, Update Data, and Data Table Lookup
//! against the rules file's `tables:`. A data action (`callData`) and other lookups that
//! reach a live service are external actions (see `stubs`); an evaluator that models
//! them from the deploy (issue #24: queues, data tables, data actions) belongs here.

use crate::expr::{Type, Value};

use super::super::model::*;
use super::stubs::stub_value;
use super::{Ctl, Sim, SimErrorKind, Stop, show};

impl Sim<'_, '_> {
    /// Get Participant Data: each attribute the conversation carries, NOT_SET where absent.
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
            let value = match self.input.attributes.get(&name) {
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
        self.result.hits.insert(o.branch);
        self.push_step(
            &a.name,
            &a.kind,
            a.at,
            Some(details.join("; ")),
            Some(output.into()),
        );
        self.block(&o.actions)
    }
}
