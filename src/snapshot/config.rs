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

use super::SnapshotError;
use super::ignore::IgnoreSet;
use crate::diag::{SourceDiagnostic, SourceFile};
use crate::source::mapping::Mapping;
use crate::source::{FileKind, ReadError, yaml};

/// The file looked for in the current directory when `--config` is not given.
pub const DEFAULT_CONFIG: &str = ".routecheck-snapshot.yaml";

/// The keys of the config file.
const KEYS: &[&str] = &["default_ignores", "ignore"];

const SHAPE_HELP: &str = "expected `ignore:` (a list of key names or JSONPaths) and optionally `default_ignores: true|false`";

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
        let name = path.display().to_string();
        let source = match crate::source::read_text(path) {
            Ok(text) => SourceFile::new(name, text),
            Err(ReadError::Io(e)) => return Err(SnapshotError::io(path, e)),
            Err(e) => {
                let d = e.diagnostic(FileKind::SnapshotConfig, &name);
                return Err(SnapshotError::Located(Box::new(d)));
            }
        };
        if !source.text.trim().is_empty() {
            let located = |d: Box<SourceDiagnostic>| {
                let message = format!("invalid snapshot config: {}", d.message);
                let d = SourceDiagnostic { message, ..*d };
                SnapshotError::Located(Box::new(if d.help.is_some() {
                    d
                } else {
                    d.with_help(SHAPE_HELP)
                }))
            };
            let root = yaml::parse_file(&source, FileKind::SnapshotConfig).map_err(located)?;
            let m =
                Mapping::new(&source, FileKind::SnapshotConfig, &root, KEYS).map_err(located)?;
            if let Some(d) = m.unknown_keys().into_iter().next() {
                return Err(located(Box::new(d)));
            }
            file_defaults = m.bool("default_ignores").map_err(located)?.unwrap_or(true);
            for item in m.seq("ignore").map_err(located)?.unwrap_or_default() {
                let Some(entry) = item.as_str() else {
                    let d = m.error(
                        item,
                        crate::source::Problem::WrongType,
                        format!(
                            "an ignore entry must be a string, found {}",
                            item.value.kind()
                        ),
                    );
                    return Err(located(Box::new(d)));
                };
                let d = SourceDiagnostic::error(&source, item.span, "invalid ignore entry")
                    .with_code(FileKind::SnapshotConfig.code(crate::source::Problem::WrongType));
                entries.push((entry.to_string(), Some(d)));
            }
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
                .starts_with("invalid snapshot config: unknown key `ignores`"),
            "{}",
            d.message
        );
        assert!(matches!(
            load(None, &["$[".into()], false),
            Err(SnapshotError::Plain { .. })
        ));
    }
}
