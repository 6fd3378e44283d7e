//! The deployment's own resources, as its Terraform configuration (or plan) defines
//! them: routing queues, schedules, schedule and emergency groups, data tables with
//! their rows, and data actions with their contracts, each by the name a flow uses.
//!
//! Load ([`model`]: resources of any reader, [`Deploy::from_items`]) → evaluate
//! ([`schedules`]: what a schedule decides at a clock) → the simulator and lint read
//! it. A rules file's own `tables:` and stubs win over the deploy's.

pub mod actions;
pub mod model;
pub mod queues;
pub mod schedules;
mod tables;

use std::collections::BTreeMap;

pub use actions::{Contract, DataAction};
pub use model::{Attr, DeployProblem, Item};
pub use schedules::{EmergencyGroup, GroupOutcome, Schedule, ScheduleGroup};

/// Everything the deploy defines that a flow can name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Deploy {
    /// Queue names, with the address of each.
    pub queues: BTreeMap<String, String>,
    pub schedules: BTreeMap<String, Schedule>,
    pub schedule_groups: BTreeMap<String, ScheduleGroup>,
    pub emergency_groups: BTreeMap<String, EmergencyGroup>,
    /// Data tables with their rows, by table name.
    pub tables: crate::flow::Tables,
    /// Data actions by `(category, name)`.
    pub actions: BTreeMap<(String, String), DataAction>,
    /// Resources that could not be read, by name when it is known: a flow that names
    /// one gets this instead of "the deploy lacks it".
    pub problems: Vec<DeployProblem>,
}

/// A deploy with nothing in it: every schedule still needs a stub.
pub static EMPTY: std::sync::LazyLock<Deploy> = std::sync::LazyLock::new(Deploy::default);

impl Deploy {
    /// Build the model from resource instances (any reader's). Resources of other types
    /// are ignored; a resource that cannot be read is recorded in `problems`.
    pub fn from_items(items: &[Item]) -> Deploy {
        let mut d = Deploy::default();
        // Schedule groups and rows refer to other resources by address: index names first.
        let mut schedule_names: BTreeMap<String, String> = BTreeMap::new();
        for it in items {
            let problem = |message: String| DeployProblem {
                address: it.address.clone(),
                at: it.at.clone(),
                message,
            };
            let result: Result<(), String> = (|| {
                match it.kind.as_str() {
                    "genesyscloud_routing_queue" => {
                        if let Some(n) = it.text("name")? {
                            d.queues.insert(n.to_string(), it.address.clone());
                        }
                    }
                    "genesyscloud_architect_schedules" => {
                        let name = required(it, "name")?;
                        let s = Schedule::new(
                            name,
                            required(it, "start")?,
                            required(it, "end")?,
                            it.text("rrule")?,
                        )?;
                        schedule_names.insert(it.address.clone(), name.to_string());
                        d.schedules.insert(name.to_string(), s);
                    }
                    "genesyscloud_architect_emergencygroup" => {
                        let name = required(it, "name")?;
                        let enabled = matches!(it.attr("enabled"), Some(Attr::Bool(true)));
                        if let Some(Attr::Unknown(a)) = it.attr("enabled") {
                            return Err(format!(
                                "its `enabled` is `{a}`, which cannot be known offline"
                            ));
                        }
                        d.emergency_groups.insert(
                            name.to_string(),
                            EmergencyGroup {
                                name: name.to_string(),
                                enabled,
                            },
                        );
                    }
                    "genesyscloud_integration_action" => {
                        let a = DataAction::from_item(it)?;
                        d.actions.insert((a.category.clone(), a.name.clone()), a);
                    }
                    _ => {}
                }
                Ok(())
            })();
            if let Err(m) = result {
                d.problems.push(problem(m));
            }
        }
        for it in items
            .iter()
            .filter(|i| i.kind == "genesyscloud_architect_schedulegroups")
        {
            match group(it, &schedule_names) {
                Ok(g) => {
                    d.schedule_groups.insert(g.name.clone(), g);
                }
                Err(m) => d.problems.push(DeployProblem {
                    address: it.address.clone(),
                    at: it.at.clone(),
                    message: m,
                }),
            }
        }
        let (tables, problems) = tables::build(items);
        d.tables = tables;
        d.problems.extend(problems);
        d
    }

    /// Whether the deploy defines anything at all (an empty one changes nothing).
    pub fn is_empty(&self) -> bool {
        self.queues.is_empty()
            && self.schedules.is_empty()
            && self.schedule_groups.is_empty()
            && self.emergency_groups.is_empty()
            && self.tables.0.is_empty()
            && self.actions.is_empty()
    }

    /// The problem recorded for a resource named `name`, if any.
    pub fn problem_for(&self, name: &str) -> Option<&DeployProblem> {
        self.problems
            .iter()
            .find(|p| p.message.contains(&format!("`{name}`")))
    }
}

fn required<'i>(it: &'i Item, name: &str) -> Result<&'i str, String> {
    it.text(name)?.ok_or_else(|| format!("it has no `{name}`"))
}

/// A schedule group, its schedules named by the address their `.id` refers to.
fn group(it: &Item, schedules: &BTreeMap<String, String>) -> Result<ScheduleGroup, String> {
    let name = required(it, "name")?.to_string();
    let refs = |key: &str| -> Result<Vec<String>, String> {
        let mut out = Vec::new();
        for v in it.attr(key).map(Attr::items).unwrap_or_default() {
            let address = match v {
                Attr::Unknown(a) => a.strip_suffix(".id").unwrap_or(a).to_string(),
                Attr::String(s) => s.clone(),
                other => return Err(format!("`{key}` holds {other:?}, not schedule ids")),
            };
            match schedules.get(&address) {
                Some(n) => out.push(n.clone()),
                None => {
                    return Err(format!(
                        "`{key}` names `{address}`, which is not a `genesyscloud_architect_schedules` of the deploy"
                    ));
                }
            }
        }
        Ok(out)
    };
    Ok(ScheduleGroup {
        time_zone: it.text("time_zone")?.map(str::to_string),
        open: refs("open_schedules_id")?,
        closed: refs("closed_schedules_id")?,
        holiday: refs("holiday_schedules_id")?,
        name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn item(kind: &str, name: &str, attrs: &[(&str, Attr)]) -> Item {
        Item {
            kind: kind.into(),
            address: format!("{kind}.{name}"),
            at: "main.tf:1".into(),
            attrs: attrs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        }
    }

    fn s(v: &str) -> Attr {
        Attr::String(v.into())
    }

    #[test]
    fn groups_resolve_schedules_through_their_ids() {
        let items = vec![
            item(
                "genesyscloud_routing_queue",
                "q",
                &[("name", s("dude-general-support"))],
            ),
            item(
                "genesyscloud_architect_schedules",
                "open",
                &[
                    ("name", s("Open")),
                    ("start", s("2026-01-05T09:00:00.000000")),
                    ("end", s("2026-01-05T17:00:00.000000")),
                    ("rrule", s("FREQ=DAILY")),
                ],
            ),
            item(
                "genesyscloud_architect_schedulegroups",
                "g",
                &[
                    ("name", s("Hours")),
                    ("time_zone", s("Europe/Paris")),
                    (
                        "open_schedules_id",
                        Attr::List(vec![Attr::Unknown(
                            "genesyscloud_architect_schedules.open.id".into(),
                        )]),
                    ),
                ],
            ),
            item(
                "genesyscloud_architect_schedulegroups",
                "bad",
                &[
                    ("name", s("Bad")),
                    (
                        "open_schedules_id",
                        Attr::List(vec![Attr::Unknown(
                            "genesyscloud_architect_schedules.nope.id".into(),
                        )]),
                    ),
                ],
            ),
        ];
        let d = Deploy::from_items(&items);
        assert!(d.queues.contains_key("dude-general-support"));
        assert_eq!(d.schedule_groups["Hours"].open, vec!["Open".to_string()]);
        assert_eq!(d.problems.len(), 1);
        assert!(
            d.problems[0].message.contains("schedules.nope"),
            "{:?}",
            d.problems
        );
    }

    #[test]
    fn a_table_from_its_rows_with_titles_and_defaults() {
        let prop = |n: &str, t: &str, title: &str, default: Option<&str>| {
            let mut m = BTreeMap::from([
                ("name".to_string(), s(n)),
                ("type".to_string(), s(t)),
                ("title".to_string(), s(title)),
            ]);
            if let Some(d) = default {
                m.insert("default".into(), s(d));
            }
            Attr::Map(m)
        };
        let items = vec![
            item(
                "genesyscloud_architect_datatable",
                "stores",
                &[
                    ("name", s("Store Hours")),
                    (
                        "properties",
                        Attr::List(vec![
                            prop("key", "string", "Store", None),
                            prop("open", "string", "Open", None),
                            prop("vip", "boolean", "VIP", Some("false")),
                        ]),
                    ),
                ],
            ),
            item(
                "genesyscloud_architect_datatable_row",
                "paris",
                &[
                    (
                        "datatable_id",
                        Attr::Unknown("genesyscloud_architect_datatable.stores.id".into()),
                    ),
                    ("key_value", s("Paris")),
                    ("properties_json", s(r#"{"open": "09:00"}"#)),
                ],
            ),
            item(
                "genesyscloud_architect_datatable_row",
                "stray",
                &[
                    (
                        "datatable_id",
                        Attr::Unknown("genesyscloud_architect_datatable.other.id".into()),
                    ),
                    ("key_value", s("x")),
                ],
            ),
        ];
        let d = Deploy::from_items(&items);
        let t = &d.tables.0["Store Hours"];
        assert_eq!(t.key, "Store");
        let row = t.row("Paris").unwrap();
        assert_eq!(row["Open"], "09:00");
        assert_eq!(row["VIP"], false);
        assert_eq!(row["Store"], "Paris");
        assert_eq!(d.problems.len(), 1);
        assert!(d.problems[0].message.contains("datatable.other"));
    }
}
