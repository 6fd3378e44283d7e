//! What changed between a stored fixture and its fresh version, for a reviewer: the JSON
//! paths that differ, and a unified diff of the two documents (volatile fields already
//! stripped from both), coloured on a terminal.

use std::fmt::Write;

use owo_colors::OwoColorize;
use serde_json::Value;

/// One difference, at a JSON path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Only in the fresh version.
    Added(String),
    /// Only in the stored fixture.
    Removed(String),
    /// In both, with different values (scalars, or containers of different kinds).
    Changed(String),
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Change::Added(p) => write!(f, "added    {p}"),
            Change::Removed(p) => write!(f, "removed  {p}"),
            Change::Changed(p) => write!(f, "changed  {p}"),
        }
    }
}

/// The paths where `old` and `new` differ, in document order.
pub fn changes(old: &Value, new: &Value) -> Vec<Change> {
    let mut out = Vec::new();
    walk(old, new, "$".to_string(), &mut out);
    out
}

fn walk(old: &Value, new: &Value, path: String, out: &mut Vec<Change>) {
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, va) in a {
                let p = child(&path, k);
                match b.get(k) {
                    Some(vb) => walk(va, vb, p, out),
                    None => out.push(Change::Removed(p)),
                }
            }
            for k in b.keys().filter(|k| !a.contains_key(*k)) {
                out.push(Change::Added(child(&path, k)));
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for (i, va) in a.iter().enumerate() {
                let p = format!("{path}[{i}]");
                match b.get(i) {
                    Some(vb) => walk(va, vb, p, out),
                    None => out.push(Change::Removed(p)),
                }
            }
            for i in a.len()..b.len() {
                out.push(Change::Added(format!("{path}[{i}]")));
            }
        }
        (a, b) if a != b => out.push(Change::Changed(path)),
        _ => {}
    }
}

/// `path.key`, or `path['key']` when the key is not a plain identifier (`context.email`).
fn child(path: &str, key: &str) -> String {
    let plain = key
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain {
        format!("{path}.{key}")
    } else {
        let quoted = key.replace('\\', "\\\\").replace('\'', "\\'");
        format!("{path}['{quoted}']")
    }
}

/// A unified diff (3 lines of context) from `old` to `new`, headed with their names;
/// coloured with ANSI escapes when `color`.
pub fn unified(old: &str, new: &str, old_name: &str, new_name: &str, color: bool) -> String {
    let diff = similar::TextDiff::from_lines(old, new);
    let mut out = String::new();
    let header = [format!("--- {old_name}"), format!("+++ {new_name}")];
    for h in header {
        if color {
            let _ = writeln!(out, "{}", h.bold());
        } else {
            let _ = writeln!(out, "{h}");
        }
    }
    for hunk in diff.unified_diff().context_radius(3).iter_hunks() {
        let head = hunk.header().to_string();
        if color {
            let _ = writeln!(out, "{}", head.cyan());
        } else {
            let _ = writeln!(out, "{head}");
        }
        for change in hunk.iter_changes() {
            let (sign, tag) = match change.tag() {
                similar::ChangeTag::Delete => ("-", 1),
                similar::ChangeTag::Insert => ("+", 2),
                similar::ChangeTag::Equal => (" ", 0),
            };
            let line = format!("{sign}{}", change.value().trim_end_matches('\n'));
            let _ = match (color, tag) {
                (true, 1) => writeln!(out, "{}", line.red()),
                (true, 2) => writeln!(out, "{}", line.green()),
                _ => writeln!(out, "{line}"),
            };
            if change.missing_newline() {
                let _ = writeln!(out, "\\ No newline at end of file");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn changes_name_paths() {
        let old = json!({"a": 1, "p": [{"attributes": {"context.email": "x", "Tier": "gold"}}], "gone": true});
        let new = json!({"a": 1, "p": [{"attributes": {"context.email": "y", "Tier": "gold"}}, {}], "new": 1});
        assert_eq!(
            changes(&old, &new),
            [
                Change::Changed("$.p[0].attributes['context.email']".into()),
                Change::Added("$.p[1]".into()),
                Change::Removed("$.gone".into()),
                Change::Added("$.new".into()),
            ]
        );
        assert!(changes(&old, &old).is_empty());
    }

    #[test]
    fn unified_diff_marks_lines_and_colours_on_request() {
        let old = "{\n  \"Tier\": \"gold\",\n  \"x\": 1\n}\n";
        let new = "{\n  \"Tier\": \"platinum\",\n  \"x\": 1\n}\n";
        let plain = unified(old, new, "a.json", "a.json.new", false);
        assert!(
            plain.starts_with("--- a.json\n+++ a.json.new\n@@ -1,4 +1,4 @@\n"),
            "{plain}"
        );
        assert!(plain.contains("\n-  \"Tier\": \"gold\",\n+  \"Tier\": \"platinum\",\n"));
        assert!(!plain.contains('\u{1b}'));
        let coloured = unified(old, new, "a", "b", true);
        assert!(
            coloured.contains("\u{1b}[31m-  \"Tier\": \"gold\","),
            "{coloured:?}"
        );
        assert!(coloured.contains("\u{1b}[32m+"));
    }
}
