//! The one way a fetched conversation becomes fixture text, and the one way fixture files are
//! written: `record` and `snapshot check` share both, so a re-recorded conversation compares
//! byte for byte with the fixture recorded from it.

use serde_json::Value;

use super::redact;

/// A conversation in fixture form.
#[derive(Debug, Clone)]
pub struct Normalized {
    /// Redacted (unless personal data was kept) with keys sorted at every level.
    pub value: Value,
    /// `value` as pretty JSON with a final newline: the file content.
    pub text: String,
    /// What redaction replaced (empty when personal data was kept).
    pub redacted: redact::Report,
}

/// Redact (unless `keep_pii`), sort keys and render, exactly as `record` writes a fixture.
pub fn normalize(mut conversation: Value, keep_pii: bool) -> Normalized {
    let redacted = if keep_pii {
        redact::Report::default()
    } else {
        redact::redact(&mut conversation)
    };
    let value = redact::sort_keys(&conversation);
    let text = pretty(&value);
    Normalized {
        value,
        text,
        redacted,
    }
}

/// Pretty JSON with a final newline, the layout of every fixture.
pub fn pretty(value: &Value) -> String {
    // Serializing a `Value` cannot fail (keys are strings, no non-finite numbers exist).
    let mut text = serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string());
    text.push('\n');
    text
}

/// Whether `id` can name a fixture file (`<id>.json`) and a URL path segment: letters,
/// digits, `-`, `_` and `.`, and not `.` or `..`.
pub fn is_fixture_id(id: &str) -> bool {
    !id.is_empty()
        && id != "."
        && id != ".."
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// The one writer (see [`crate::source::write`]), kept under its old name here.
pub use crate::source::write::{WriteError, write_atomic};

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn normalize_redacts_sorts_and_ends_with_a_newline() {
        let raw = json!({"z": 1, "participants": [{"purpose": "customer", "name": "Ann Lee"}]});
        let n = normalize(raw.clone(), false);
        assert_eq!(n.value["participants"][0]["name"], "<redacted:name:1>");
        assert_eq!(n.redacted.total(), 1);
        assert!(n.text.ends_with("}\n"));
        assert!(n.text.find("participants") < n.text.find("\"z\""));
        let kept = normalize(raw, true);
        assert_eq!(kept.value["participants"][0]["name"], "Ann Lee");
        assert_eq!(kept.redacted.total(), 0);
    }

    #[test]
    fn ids_that_cannot_name_a_file_are_refused() {
        assert!(is_fixture_id("5e1f7a92-3c1d-4b8e-9f02-7d6a1c0b4e11"));
        for bad in ["", ".", "..", "a/b", "a b", "x\\y"] {
            assert!(!is_fixture_id(bad), "{bad}");
        }
    }

    #[test]
    fn atomic_write_refuses_or_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.json");
        write_atomic(&p, b"1", false).unwrap();
        assert!(matches!(
            write_atomic(&p, b"2", false),
            Err(WriteError::Exists(_))
        ));
        write_atomic(&p, b"3", true).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "3");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary file left");
    }
}
