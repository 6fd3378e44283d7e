//! Data tables from `genesyscloud_architect_datatable` and its
//! `genesyscloud_architect_datatable_row`s, in the shape `tables:` gives the simulator.

use std::collections::BTreeMap;

use serde_json::Value as J;

use super::model;
use crate::deploy::{DeployProblem, Table, Tables};
use crate::terraform::{Config, Resource, TfValue};

/// One column: its schema name, the title Architect shows, its type and default.
struct Column {
    name: String,
    title: Option<String>,
    ty: String,
    default: Option<String>,
}

/// Every table with its rows. A row whose table is not in the deploy, or whose
/// `properties_json` is not a JSON object, is a problem.
pub(super) fn build(config: &Config) -> (Tables, Vec<DeployProblem>) {
    let mut problems = Vec::new();
    let problem = model::problem;
    // By every form a row's `datatable_id` takes (see `model::reference`), the table's
    // name; the schemas by name.
    let mut by_ref: BTreeMap<String, String> = BTreeMap::new();
    let mut schemas: BTreeMap<String, Vec<Column>> = BTreeMap::new();
    for it in config.of_type("genesyscloud_architect_datatable") {
        match schema(it) {
            Ok((name, cols)) => {
                for a in model::addresses(it) {
                    by_ref.insert(a, name.clone());
                }
                if let Some(TfValue::String(id)) = it.attr("id") {
                    by_ref.insert(id.clone(), name.clone());
                }
                schemas.insert(name, cols);
            }
            Err(m) => problems.push(problem(it, m)),
        }
    }
    let mut tables = Tables::default();
    for (name, cols) in &schemas {
        let key = cols.iter().find(|c| c.name == "key");
        let key_name = key
            .and_then(|c| c.title.clone())
            .unwrap_or_else(|| "key".into());
        tables.0.insert(
            name.clone(),
            Table {
                key: key_name,
                rows: BTreeMap::new(),
            },
        );
    }
    for it in config.of_type("genesyscloud_architect_datatable_row") {
        let table = match it.attr("datatable_id").map(model::reference) {
            Some(Ok(t)) => t,
            Some(Err(e)) => {
                problems.push(problem(it, format!("its `datatable_id` names {e}")));
                continue;
            }
            None => {
                problems.push(problem(it, "it has no `datatable_id`".into()));
                continue;
            }
        };
        let Some((name, cols)) = by_ref
            .get(&table)
            .and_then(|n| schemas.get(n).map(|c| (n, c)))
        else {
            problems.push(problem(
                it,
                format!("its `datatable_id` names `{table}`, which is not a `genesyscloud_architect_datatable` of the deploy"),
            ));
            continue;
        };
        let key = match model::text(it, "key_value") {
            Ok(Some(k)) => k.to_string(),
            Ok(None) => {
                problems.push(problem(it, "it has no `key_value`".into()));
                continue;
            }
            Err(m) => {
                problems.push(problem(it, m));
                continue;
            }
        };
        let given: serde_json::Map<String, J> = match model::text(it, "properties_json") {
            Ok(None) => serde_json::Map::new(),
            Ok(Some(text)) => match serde_json::from_str(text) {
                Ok(J::Object(m)) => m,
                _ => {
                    problems.push(problem(
                        it,
                        "its `properties_json` is not a JSON object".into(),
                    ));
                    continue;
                }
            },
            Err(m) => {
                problems.push(problem(it, m));
                continue;
            }
        };
        let mut row = BTreeMap::new();
        for c in cols {
            let v = if c.name == "key" {
                J::String(key.clone())
            } else {
                match given.get(&c.name) {
                    Some(v) => v.clone(),
                    // The provider fills missing properties with their defaults.
                    None => match &c.default {
                        Some(d) => typed_default(d, &c.ty),
                        None => continue,
                    },
                }
            };
            if let Some(t) = &c.title {
                row.insert(t.clone(), v.clone());
            }
            row.insert(c.name.clone(), v);
        }
        if let Some(t) = tables.0.get_mut(name)
            && t.rows.insert(key.clone(), row).is_some()
        {
            problems.push(problem(
                it,
                format!("table `{name}` has two rows with the key `{key}`"),
            ));
        }
    }
    (tables, problems)
}

fn schema(it: &Resource) -> Result<(String, Vec<Column>), String> {
    let name = model::required(it, "name")?.to_string();
    let mut cols = Vec::new();
    for p in model::items(it, "properties")? {
        let TfValue::Map(m) = p else {
            return Err(format!("a `properties` block is {}", model::describe(p)));
        };
        let text = |k: &str| m.get(k).and_then(TfValue::text);
        let Some(col) = text("name") else {
            return Err("a `properties` block has no `name`".into());
        };
        cols.push(Column {
            title: text("title").filter(|t| *t != col),
            ty: text("type").unwrap_or_else(|| "string".into()),
            default: text("default"),
            name: col,
        });
    }
    if !cols.iter().any(|c| c.name == "key") {
        return Err("its `properties` have no `key` column (the provider requires one)".into());
    }
    Ok((name, cols))
}

/// A column default, written as a string, converted to the column's type as the
/// provider documents ("set 'true' or 'false' for booleans").
fn typed_default(d: &str, ty: &str) -> J {
    match ty {
        "boolean" => d
            .parse::<bool>()
            .map(J::Bool)
            .unwrap_or_else(|_| J::String(d.into())),
        "integer" => d
            .parse::<i64>()
            .map(J::from)
            .unwrap_or_else(|_| J::String(d.into())),
        "number" => d
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(J::Number)
            .unwrap_or_else(|| J::String(d.into())),
        _ => J::String(d.into()),
    }
}
