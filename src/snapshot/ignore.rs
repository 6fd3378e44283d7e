//! Volatile fields out of a snapshot comparison: one function strips them from the stored
//! and the fresh side alike, so a diff never shows an ignored field while the file that is
//! accepted keeps the fresh, real values.

use std::collections::BTreeSet;

use serde_json::Value;
use serde_json_path::JsonPath;

/// Keys ignored by default, at any depth except directly inside an `attributes` map
/// (attribute names are the customer's data, and routing reads them).
///
/// Timestamps Genesys sets as a conversation moves on, and ids, URIs and versions it
/// generates per read or per message.
pub const DEFAULT_IGNORED_KEYS: &[&str] = &[
    // Timestamps.
    "startTime",
    "endTime",
    "connectedTime",
    "disconnectedTime",
    "startAlertingTime",
    "startHoldTime",
    "startAcwTime",
    "endAcwTime",
    "conversationStart",
    "conversationEnd",
    "segmentStart",
    "segmentEnd",
    "messageTime",
    "timestamp",
    "dateCreated",
    "dateModified",
    "emitDate",
    // Generated ids, links and versions.
    "messageId",
    "messageURI",
    "selfUri",
    "version",
];

/// One way to name what to ignore.
#[derive(Debug, Clone)]
enum Rule {
    /// An object key, at any depth.
    Key(String),
    /// An RFC 9535 JSONPath: exactly the nodes it selects.
    Path(JsonPath),
}

/// What a comparison ignores: the default keys (unless turned off) plus configured entries.
#[derive(Debug, Clone)]
pub struct IgnoreSet {
    defaults: bool,
    keys: BTreeSet<String>,
    paths: Vec<(String, JsonPath)>,
}

impl Default for IgnoreSet {
    fn default() -> Self {
        IgnoreSet::new(true)
    }
}

impl IgnoreSet {
    /// The default keys (when `defaults`), and nothing else yet.
    pub fn new(defaults: bool) -> Self {
        IgnoreSet {
            defaults,
            keys: BTreeSet::new(),
            paths: Vec::new(),
        }
    }

    /// Add an entry: text starting with `$` is a JSONPath, anything else a key name.
    /// Returns why a JSONPath does not parse.
    pub fn add(&mut self, entry: &str) -> Result<(), String> {
        match parse_rule(entry)? {
            Rule::Key(k) => {
                self.keys.insert(k);
            }
            Rule::Path(p) => self.paths.push((entry.trim().to_string(), p)),
        }
        Ok(())
    }

    /// Every entry in force, for messages: default keys, added keys, then paths.
    pub fn describe(&self) -> Vec<String> {
        let defaults = if self.defaults {
            DEFAULT_IGNORED_KEYS
        } else {
            &[]
        };
        defaults
            .iter()
            .map(|k| k.to_string())
            .chain(self.keys.iter().cloned())
            .chain(self.paths.iter().map(|(t, _)| t.clone()))
            .collect()
    }

    /// A copy of `value` without the ignored fields. JSONPaths select on the document as
    /// given; keys are removed afterwards, wherever they occur.
    pub fn strip(&self, value: &Value) -> Value {
        let mut out = value.clone();
        let mut doomed: Vec<Vec<Step>> = Vec::new();
        for (_, path) in &self.paths {
            for loc in path.query_located(value).locations() {
                doomed.push(
                    loc.iter()
                        .map(|e| match e {
                            serde_json_path::PathElement::Name(n) => Step::Name(n.to_string()),
                            serde_json_path::PathElement::Index(i) => Step::Index(*i),
                        })
                        .collect(),
                );
            }
        }
        // Last first: removing a later array element never shifts an earlier one, and a
        // child goes before its parent.
        doomed.sort();
        doomed.dedup();
        for steps in doomed.iter().rev() {
            remove_at(&mut out, steps);
        }
        self.strip_keys(&mut out, false);
        out
    }

    fn ignores_key(&self, key: &str, in_attributes: bool) -> bool {
        self.keys.contains(key)
            || (self.defaults && !in_attributes && DEFAULT_IGNORED_KEYS.contains(&key))
    }

    fn strip_keys(&self, value: &mut Value, in_attributes: bool) {
        match value {
            Value::Object(map) => {
                map.retain(|k, _| !self.ignores_key(k, in_attributes));
                for (k, v) in map.iter_mut() {
                    self.strip_keys(v, k == "attributes" && v.is_object());
                }
            }
            Value::Array(items) => {
                for item in items {
                    self.strip_keys(item, false);
                }
            }
            _ => {}
        }
    }
}

fn parse_rule(entry: &str) -> Result<Rule, String> {
    let entry = entry.trim();
    if entry.is_empty() {
        return Err("an ignore entry is empty".into());
    }
    if entry.starts_with('$') {
        return JsonPath::parse(entry)
            .map(Rule::Path)
            .map_err(|e| format!("`{entry}` is not a valid JSONPath: {e}"));
    }
    Ok(Rule::Key(entry.to_string()))
}

/// One step of a normalized path, owned so the document can be mutated afterwards.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Index(usize),
    Name(String),
}

fn remove_at(value: &mut Value, steps: &[Step]) {
    let Some((last, parents)) = steps.split_last() else {
        // `$` itself: ignoring the whole document leaves nothing to compare.
        *value = Value::Null;
        return;
    };
    let mut cur = value;
    for s in parents {
        let next = match (s, cur) {
            (Step::Name(n), Value::Object(m)) => m.get_mut(n),
            (Step::Index(i), Value::Array(a)) => a.get_mut(*i),
            _ => None,
        };
        match next {
            Some(n) => cur = n,
            None => return,
        }
    }
    match (last, cur) {
        (Step::Name(n), Value::Object(m)) => {
            m.shift_remove(n);
        }
        (Step::Index(i), Value::Array(a)) if *i < a.len() => {
            a.remove(*i);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn default_keys_go_everywhere_but_attribute_names() {
        let v = json!({
            "startTime": "t", "selfUri": "/x", "id": "c1",
            "participants": [{"connectedTime": "t", "attributes": {"timestamp": "kept", "Tier": "gold"},
                              "messages": [{"messageId": "m1", "messageTime": "t", "messageStatus": "sent"}]}]
        });
        let s = IgnoreSet::default().strip(&v);
        assert_eq!(
            s,
            json!({"id": "c1", "participants": [{"attributes": {"timestamp": "kept", "Tier": "gold"},
                    "messages": [{"messageStatus": "sent"}]}]})
        );
        assert_eq!(IgnoreSet::new(false).strip(&v), v);
    }

    #[test]
    fn added_keys_and_paths() {
        let v = json!({"a": {"Tier": "gold", "x": 1}, "list": [1, 2, 3, 4],
                       "participants": [{"purpose": "agent", "name": "A"}, {"purpose": "customer", "name": "C"}]});
        let mut set = IgnoreSet::new(false);
        set.add("Tier").unwrap();
        set.add("$.list[1]").unwrap();
        set.add("$.list[3]").unwrap();
        set.add("$.participants[?@.purpose == 'agent'].name")
            .unwrap();
        let s = set.strip(&v);
        assert_eq!(
            s,
            json!({"a": {"x": 1}, "list": [1, 3],
                   "participants": [{"purpose": "agent"}, {"purpose": "customer", "name": "C"}]})
        );
        assert!(set.add("$.[").unwrap_err().contains("not a valid JSONPath"));
        assert!(set.add("  ").is_err());
        assert_eq!(
            set.describe(),
            [
                "Tier",
                "$.list[1]",
                "$.list[3]",
                "$.participants[?@.purpose == 'agent'].name"
            ]
        );
    }

    #[test]
    fn a_key_the_user_names_applies_inside_attributes_too() {
        let mut set = IgnoreSet::default();
        set.add("timestamp").unwrap();
        let v = json!({"attributes": {"timestamp": "1", "Tier": "gold"}});
        assert_eq!(set.strip(&v), json!({"attributes": {"Tier": "gold"}}));
    }
}
