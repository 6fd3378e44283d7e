//! Data tables for Data Table Lookup, as a rules file gives them under `tables:`: rows
//! written inline or read from a CSV file, keyed by the table's key column.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// Every table a run can look up, by the name the flow uses.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tables(pub BTreeMap<String, Table>);

/// No tables: every lookup takes the failure path.
pub static NO_TABLES: Tables = Tables(BTreeMap::new());

/// One data table: rows by key.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    /// The key column's name.
    pub key: String,
    /// Each row's columns (the key column included), by key.
    pub rows: BTreeMap<String, BTreeMap<String, serde_json::Value>>,
}

/// How a rules file writes one table: `key:` and `rows:` or `csv:`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TableSpec {
    /// The key column (Data Table Lookup finds the row whose key equals the value).
    pub key: String,
    /// Rows, each a mapping of column: value.
    #[serde(default)]
    pub rows: Vec<BTreeMap<String, serde_json::Value>>,
    /// A CSV file with a header row, relative to the rules file.
    #[serde(default)]
    pub csv: Option<String>,
}

impl Table {
    /// Build a table from its spec; CSV paths are relative to `base`. Errors are
    /// lowercase sentences naming the row or file.
    pub fn from_spec(spec: &TableSpec, base: &Path) -> Result<Table, String> {
        let mut rows = spec.rows.clone();
        if let Some(csv) = &spec.csv {
            rows.extend(read_csv(&base.join(csv), csv)?);
        }
        let mut table = Table {
            key: spec.key.clone(),
            rows: BTreeMap::new(),
        };
        for (i, row) in rows.into_iter().enumerate() {
            let key = match row.get(&spec.key) {
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(v @ (serde_json::Value::Number(_) | serde_json::Value::Bool(_))) => {
                    v.to_string()
                }
                _ => {
                    return Err(format!(
                        "row {} has no value in the key column `{}`",
                        i + 1,
                        spec.key
                    ));
                }
            };
            if table.rows.insert(key.clone(), row).is_some() {
                return Err(format!(
                    "row {} repeats the key `{key}`: data table keys are unique",
                    i + 1
                ));
            }
        }
        Ok(table)
    }

    /// The row whose key is exactly `key` (data table keys are matched as written).
    pub fn row(&self, key: &str) -> Option<&BTreeMap<String, serde_json::Value>> {
        self.rows.get(key)
    }
}

fn read_csv(path: &Path, shown: &str) -> Result<Vec<BTreeMap<String, serde_json::Value>>, String> {
    let mut reader = csv::Reader::from_path(path)
        .map_err(|e| format!("cannot read the table file `{shown}`: {e}"))?;
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| format!("`{shown}`: {e}"))?
        .iter()
        .map(str::to_owned)
        .collect();
    let mut out = Vec::new();
    for rec in reader.records() {
        let rec = rec.map_err(|e| format!("`{shown}`: {e}"))?;
        out.push(
            headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.clone(), serde_json::Value::String(v.to_owned())))
                .collect(),
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_rows_are_keyed_by_the_key_column() {
        let spec: TableSpec = serde_json::from_value(serde_json::json!({
            "key": "Store",
            "rows": [{"Store": "Paris", "Open": 9}, {"Store": 12, "Open": 8}]
        }))
        .unwrap();
        let t = Table::from_spec(&spec, Path::new(".")).unwrap();
        assert_eq!(t.row("Paris").unwrap()["Open"], 9);
        assert!(t.row("12").is_some());
        assert!(t.row("paris").is_none());
    }

    #[test]
    fn csv_rows_and_bad_tables() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("t.csv"),
            "Id,Queue\nA1,Sales\nB2,\"Support, EU\"\n",
        )
        .unwrap();
        let spec = TableSpec {
            key: "Id".into(),
            rows: vec![],
            csv: Some("t.csv".into()),
        };
        let t = Table::from_spec(&spec, dir.path()).unwrap();
        assert_eq!(t.row("B2").unwrap()["Queue"], "Support, EU");
        let dup = TableSpec {
            key: "Id".into(),
            rows: vec![BTreeMap::from([("Id".into(), "A1".into())])],
            csv: Some("t.csv".into()),
        };
        assert!(
            Table::from_spec(&dup, dir.path())
                .unwrap_err()
                .contains("repeats the key `A1`")
        );
        let missing = TableSpec {
            key: "Nope".into(),
            rows: vec![],
            csv: Some("t.csv".into()),
        };
        assert!(
            Table::from_spec(&missing, dir.path())
                .unwrap_err()
                .contains("key column `Nope`")
        );
    }
}
