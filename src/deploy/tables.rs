//! Data tables from `genesyscloud_architect_datatable` and its
//! `genesyscloud_architect_datatable_row`s, in the shape `tables:` gives the simulator.

use std::collections::BTreeMap;

use serde_json::Value as J;

use super::model::{Attr, DeployProblem, Item};
use crate::flow::{Table, Tables};

/// One column: its schema name, the title Architect shows, its type and default.
struct Column {
    name: String,
    title: Option<String>,
    ty: String,
    default: Option<String>,
}

/// Every table with its rows. A row whose table is not in the deploy, or whose
/// `properties_json` is not a JSON object, is a problem.
pub(super) fn build(items: &[Item]) -> (Tables, Vec<DeployProblem>) {
    let mut problems = Vec::new();
    let problem = |it: &Item, message: String| DeployProblem {
        address: it.address.clone(),
        at: it.at.clone(),
        message,
    };
    let mut schemas: BTreeMap<String, (String, Vec<Column>)> = BTreeMap::new();
    for it in items
        .iter()
        .filter(|i| i.kind == "genesyscloud_architect_datatable")
    {
        match schema(it) {
            Ok((name, cols)) => {
                schemas.insert(it.address.clone(), (name, cols));
            }
            Err(m) => problems.push(problem(it, m)),
        }
    }
    let mut tables = Tables::default();
    for (name, cols) in schemas.values() {
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
    for it in items
        .iter()
        .filter(|i| i.kind == "genesyscloud_architect_datatable_row")
    {
        let table = match it.attr("datatable_id") {
            Some(Attr::Unknown(a)) => a.strip_suffix(".id").unwrap_or(a).to_string(),
            Some(Attr::String(s)) => s.clone(),
            other => {
                problems.push(problem(
                    it,
                    format!("its `datatable_id` is {other:?}, not a table's id"),
                ));
                continue;
            }
        };
        let Some((name, cols)) = schemas.get(&table) else {
            problems.push(problem(
                it,
                format!("its `datatable_id` names `{table}`, which is not a `genesyscloud_architect_datatable` of the deploy"),
            ));
            continue;
        };
        let key = match it.text("key_value") {
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
        let given: serde_json::Map<String, J> = match it.text("properties_json") {
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

fn schema(it: &Item) -> Result<(String, Vec<Column>), String> {
    let name = it.text("name")?.ok_or("it has no `name`")?.to_string();
    let mut cols = Vec::new();
    for p in it.attr("properties").map(Attr::items).unwrap_or_default() {
        let Attr::Map(m) = p else {
            return Err(format!("a `properties` block is {p:?}"));
        };
        let text = |k: &str| m.get(k).and_then(Attr::as_str).map(str::to_string);
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
