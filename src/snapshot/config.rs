//! `.routecheck-snapshot.yaml`: the project's own list of fields a snapshot check ignores,
//! kept next to the fixtures in version control so every developer and CI agree.
//!
//! ```yaml
//! default_ignores: true        # optional; false compares the default volatile keys too
//! ignore:
//!   - lastSeen                 # a key name: ignored at any depth
//!   - "$.participants[?@.purpose == 'agent'].name"   # a JSONPath: exactly those nodes
//! ```

use std::path::Path;

use serde::Deserialize;
use serde_saphyr::Spanned;

use super::SnapshotError;
use super::ignore::IgnoreSet;
use crate::diag::{SourceDiagnostic, SourceFile};

/// The file looked for in the current directory when `--config` is not given.
pub const DEFAULT_CONFIG: &str = ".routecheck-snapshot.yaml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(default)]
    default_ignores: Option<bool>,
    #[serde(default)]
    ignore: Vec<Spanned<String>>,
}

/// Read a config file into an ignore set, then add `extra` (the `--ignore` flags).
/// `no_defaults` (from `--no-default-ignores`) wins over the file's `default_ignores`.
pub fn load(
    path: Option<&Path>,
    extra: &[String],
    no_defaults: bool,
) -> Result<IgnoreSet, SnapshotError> {
    let mut file_defaults = true;
    let mut entries: Vec<(String, Option<SourceDiagnostic>)> = Vec::new();
    if let Some(path) = path {
        let text = std::fs::read_to_string(path).map_err(|e| SnapshotError::io(path, e))?;
        let source = SourceFile::from_path(path, text.as_str());
        let raw: Raw = if text.trim().is_empty() {
            Raw {
                default_ignores: None,
                ignore: vec![],
            }
        } else {
            serde_saphyr::from_str(&text).map_err(|e| {
                let at = e
                    .location()
                    .map_or(0, |l| offset(&source, l.line(), l.column()));
                SnapshotError::Located(Box::new(
                    SourceDiagnostic::error(
                        &source,
                        (at, at),
                        format!("invalid snapshot config: {}", message(&e.to_string())),
                    )
                    .with_help("expected `ignore:` (a list of key names or JSONPaths) and optionally `default_ignores: true|false`")
                    .with_code("routecheck::snapshot::config"),
                ))
            })?
        };
        file_defaults = raw.default_ignores.unwrap_or(true);
        for s in raw.ignore {
            let at = offset(&source, s.referenced.line(), s.referenced.column());
            let end = at
                + source
                    .text
                    .get(at..)
                    .map_or(0, |t| t.find('\n').unwrap_or(t.len()));
            let located = SourceDiagnostic::error(&source, (at, end), "invalid ignore entry")
                .with_code("routecheck::snapshot::config");
            entries.push((s.value, Some(located)));
        }
    }
    let mut set = IgnoreSet::new(file_defaults && !no_defaults);
    entries.extend(extra.iter().map(|e| (e.clone(), None)));
    for (entry, located) in entries {
        if let Err(why) = set.add(&entry) {
            return Err(match located {
                Some(d) => SnapshotError::Located(Box::new(d.with_label(why).with_help(
                    "a JSONPath starts with `$` (RFC 9535, e.g. `$.participants[*].attributes.lastSeen`); anything else is a key name",
                ))),
                None => SnapshotError::plain(
                    format!("--ignore: {why}"),
                    "a JSONPath starts with `$` (RFC 9535, e.g. `$.participants[*].attributes.lastSeen`); anything else is a key name",
                ),
            });
        }
    }
    Ok(set)
}

fn offset(source: &SourceFile, line: u64, column: u64) -> usize {
    source.offset_of(
        usize::try_from(line).unwrap_or(usize::MAX),
        usize::try_from(column).unwrap_or(usize::MAX),
    )
}

/// The parser's message without its own `error: line L column C:` prefix (the caret says where).
pub(crate) fn message(s: &str) -> String {
    let first = s.lines().next().unwrap_or(s);
    let rest = first.strip_prefix("error: ").unwrap_or(first);
    match rest.split_once(": ") {
        Some((at, msg)) if at.starts_with("line ") && at.contains(" column ") => msg.to_string(),
        _ => rest.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn write(text: &str) -> tempfile::NamedTempFile {
        let f = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(f.path(), text).unwrap();
        f
    }

    #[test]
    fn entries_and_flags_combine() {
        let f = write("default_ignores: false\nignore:\n  - lastSeen\n  - \"$.a[0]\"\n");
        let set = load(Some(f.path()), &["Tier".into()], false).unwrap();
        assert_eq!(set.describe(), ["Tier", "lastSeen", "$.a[0]"]);
        let v = json!({"a": [1, 2], "startTime": "t", "lastSeen": "x"});
        assert_eq!(set.strip(&v), json!({"a": [2], "startTime": "t"}));
        let defaults = load(None, &[], false).unwrap();
        assert!(defaults.describe().contains(&"startTime".to_string()));
        assert!(load(None, &[], true).unwrap().describe().is_empty());
    }

    #[test]
    fn errors_are_located() {
        let f = write("ignore:\n  - ok\n  - \"$.[\"\n");
        let Err(SnapshotError::Located(d)) = load(Some(f.path()), &[], false) else {
            panic!("expected a located error");
        };
        assert!(d.location().ends_with(":3:5"), "{}", d.location());
        let f = write("ignores: [a]\n");
        let Err(SnapshotError::Located(d)) = load(Some(f.path()), &[], false) else {
            panic!("expected a located error");
        };
        assert!(
            d.message
                .starts_with("invalid snapshot config: unknown field `ignores`"),
            "{}",
            d.message
        );
        assert!(matches!(
            load(None, &["$[".into()], false),
            Err(SnapshotError::Plain { .. })
        ));
    }
}
