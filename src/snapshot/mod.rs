//! Snapshot review of fixtures: re-record each stored conversation (live, or from a fresh
//! export), compare it with the fixture while ignoring volatile fields, and keep the fresh
//! version as `FIXTURE.new` for a person to accept or reject — `cargo insta review` for
//! recorded conversations.
//!
//! Personal data: a fresh version is redacted exactly as `record` redacts, unless the stored
//! fixture was recorded with `--keep-pii`. Fixtures carry no marker; the mode is read from
//! the file itself (see [`pii_mode`]), so fixtures recorded before snapshots existed work,
//! and a fixture with nothing personal in it never gains personal data from a re-record.

pub mod config;
pub mod diff;
pub mod ignore;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::conversation::{fixture, redact};
use crate::diag::{SourceDiagnostic, SourceFile};
use crate::genesys::{Client, GenesysError};
use crate::source::FileKind;
use ignore::IgnoreSet;

/// Where fixtures live when no path is given.
pub const DEFAULT_DIR: &str = "fixtures";
/// Appended to a fixture's file name for its pending fresh version.
pub const PENDING_SUFFIX: &str = ".new";

/// Why a snapshot step could not be done.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum SnapshotError {
    /// A problem at a place in a file (bad JSON, a fixture without an id, a bad config).
    #[error(transparent)]
    #[diagnostic(transparent)]
    Located(Box<SourceDiagnostic>),
    /// Reading the live conversation failed.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Genesys(#[from] GenesysError),
    /// Anything else: a missing file, a refused write.
    #[error("{message}")]
    #[diagnostic(code(routecheck::snapshot))]
    Plain {
        /// What went wrong.
        message: String,
        /// What to do about it.
        #[help]
        help: Option<String>,
    },
}

impl SnapshotError {
    fn plain(message: impl Into<String>, help: impl Into<String>) -> Self {
        SnapshotError::Plain {
            message: message.into(),
            help: Some(help.into()),
        }
    }

    fn io(path: &Path, e: std::io::Error) -> Self {
        let message = if e.kind() == std::io::ErrorKind::NotFound {
            format!("{} does not exist", path.display())
        } else {
            format!("cannot read {}: {e}", path.display())
        };
        SnapshotError::Plain {
            message,
            help: None,
        }
    }
}

impl From<fixture::WriteError> for SnapshotError {
    fn from(e: fixture::WriteError) -> Self {
        SnapshotError::Plain {
            message: e.to_string(),
            help: None,
        }
    }
}

/// Whether a fixture holds personal data as recorded, or placeholders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PiiMode {
    /// Redact the fresh version (the default of `record`).
    Redacted,
    /// The fixture was recorded with `--keep-pii`: keep the fresh version's personal data.
    Kept,
}

/// How a fixture was recorded: `Redacted` when it holds any `<redacted:KIND:N>` placeholder;
/// otherwise `Kept` when redacting it would replace something (so it was recorded with
/// `--keep-pii`); otherwise `Redacted` — nothing personal to keep, and redacting is safe.
pub fn pii_mode(stored: &Value) -> PiiMode {
    if has_placeholder(stored) {
        return PiiMode::Redacted;
    }
    let mut copy = stored.clone();
    if redact::redact(&mut copy).total() > 0 {
        PiiMode::Kept
    } else {
        PiiMode::Redacted
    }
}

fn has_placeholder(v: &Value) -> bool {
    match v {
        Value::String(s) => s
            .strip_prefix("<redacted:")
            .and_then(|rest| rest.split_once(':'))
            .is_some_and(|(kind, _)| redact::KINDS.contains(&kind)),
        Value::Array(a) => a.iter().any(has_placeholder),
        Value::Object(m) => m.values().any(has_placeholder),
        _ => false,
    }
}

/// `FIXTURE.new`.
pub fn pending_path(fixture: &Path) -> PathBuf {
    let mut s = fixture.as_os_str().to_os_string();
    s.push(PENDING_SUFFIX);
    PathBuf::from(s)
}

/// Files under `dir` whose name ends with `suffix` (`.json`, `.json.new`), by the one
/// walk ([`crate::source::walk`]).
fn walk(dir: &Path, suffix: &str, out: &mut Vec<PathBuf>) -> Result<(), SnapshotError> {
    let exts = [suffix.trim_start_matches('.')];
    let how = crate::source::walk::Walk {
        exts: &exts,
        ..Default::default()
    };
    let found =
        crate::source::walk::files(dir, &how).map_err(|e| SnapshotError::io(&e.dir, e.source))?;
    out.extend(found);
    Ok(())
}

/// The fixtures to check: each path as given (a directory stands for its `*.json` files),
/// or every `*.json` under [`DEFAULT_DIR`].
pub fn fixtures(paths: &[PathBuf]) -> Result<Vec<PathBuf>, SnapshotError> {
    let default = [PathBuf::from(DEFAULT_DIR)];
    let given = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    let mut out = Vec::new();
    for p in given {
        if p.is_dir() {
            let before = out.len();
            walk(p, ".json", &mut out)?;
            if out.len() == before {
                return Err(SnapshotError::plain(
                    format!("no fixtures (*.json) under {}", p.display()),
                    "record some with `routecheck record --out DIR ID...`",
                ));
            }
        } else if p.to_string_lossy().ends_with(PENDING_SUFFIX) {
            return Err(SnapshotError::plain(
                format!("{} is a pending snapshot, not a fixture", p.display()),
                "name its fixture, or review it with `routecheck snapshot accept|reject`",
            ));
        } else if p.is_file() {
            out.push(p.clone());
        } else {
            return Err(SnapshotError::plain(
                format!("{} does not exist", p.display()),
                if paths.is_empty() {
                    "run from the project root, or name the fixtures to check"
                } else {
                    "name fixture files or directories of fixtures"
                },
            ));
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    out.retain(|p| seen.insert(p.clone()));
    Ok(out)
}

/// Parse JSON text, with a located error.
fn parse_json(source: &SourceFile, what: &str) -> Result<Value, SnapshotError> {
    // A byte order mark (Windows editors, PowerShell's `Out-File`) is skipped as the
    // fixture reader skips it: one character of line 1 in every location.
    let (text, bom) = match source.text.strip_prefix('\u{feff}') {
        Some(rest) => (rest, 1),
        None => (&source.text[..], 0),
    };
    crate::source::json::parse(text).map_err(|e| {
        let col = e.column().max(1) + if e.line() <= 1 { bom } else { 0 };
        let at = source.offset_of(e.line(), col);
        let msg = e.to_string();
        let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
        SnapshotError::Located(Box::new(
            SourceDiagnostic::error(source, (at, at), format!("{what} is not valid JSON: {msg}"))
                .with_code("routecheck::snapshot::json"),
        ))
    })
}

fn read_source(path: &Path) -> Result<SourceFile, SnapshotError> {
    let name = path.display().to_string();
    match crate::source::read_text(path) {
        Ok(text) => Ok(SourceFile::new(name, text)),
        Err(crate::source::ReadError::Io(e)) => Err(SnapshotError::io(path, e)),
        Err(e) => Err(SnapshotError::Located(Box::new(
            e.diagnostic(FileKind::Fixture, &name),
        ))),
    }
}

/// A stored fixture, parsed.
#[derive(Debug, Clone)]
pub struct Stored {
    /// Its file.
    pub path: PathBuf,
    /// The conversation id (top-level `id`).
    pub id: String,
    /// The document.
    pub value: Value,
}

/// Read a fixture and its conversation id.
pub fn load_stored(path: &Path) -> Result<Stored, SnapshotError> {
    let source = read_source(path)?;
    let value = parse_json(&source, "the fixture")?;
    let id = conversation_id(&value).map_err(|why| {
        let at = source.text.find("\"id\"").unwrap_or(0);
        SnapshotError::Located(Box::new(
            SourceDiagnostic::error(&source, (at, at), why)
                .with_help("a fixture is a conversation as `routecheck record` writes it, with its id at the top level")
                .with_code("routecheck::snapshot::id"),
        ))
    })?;
    Ok(Stored {
        path: path.to_path_buf(),
        id,
        value,
    })
}

fn conversation_id(v: &Value) -> Result<String, String> {
    let Some(obj) = v.as_object() else {
        return Err("expected a conversation object".into());
    };
    match obj.get("id") {
        Some(Value::String(id)) if fixture::is_fixture_id(id) => Ok(id.clone()),
        Some(Value::String(id)) => Err(format!("`{id}` is not a conversation id")),
        Some(_) => Err("the top-level `id` is not a string".into()),
        None => Err("the conversation has no top-level `id`".into()),
    }
}

/// Fresh exports indexed by conversation id, for `--from`.
#[derive(Debug, Default)]
pub struct Exports {
    by_id: BTreeMap<String, (PathBuf, Value)>,
}

impl Exports {
    /// Read a file, or every `*.json` under a directory. A file holds one conversation, an
    /// array of them, or a listing object with an `entities` array (Genesys's paged shape).
    pub fn load(path: &Path) -> Result<Exports, SnapshotError> {
        let files = if path.is_dir() {
            let mut out = Vec::new();
            walk(path, ".json", &mut out)?;
            out
        } else {
            vec![path.to_path_buf()]
        };
        let mut exports = Exports::default();
        for file in files {
            let source = read_source(&file)?;
            let value = parse_json(&source, "the export")?;
            let items = match value {
                Value::Array(items) => items,
                Value::Object(ref m) if !m.contains_key("id") => match m.get("entities") {
                    Some(Value::Array(items)) => items.clone(),
                    _ => vec![value],
                },
                other => vec![other],
            };
            for (i, item) in items.into_iter().enumerate() {
                let id = conversation_id(&item).map_err(|why| {
                    SnapshotError::plain(
                        format!("{}: conversation #{}: {why}", file.display(), i + 1),
                        "an export holds conversations as the Genesys GET endpoints return them",
                    )
                })?;
                if let Some((first, _)) = exports.by_id.get(&id) {
                    return Err(SnapshotError::plain(
                        format!(
                            "conversation {id} is exported twice: in {} and {}",
                            first.display(),
                            file.display()
                        ),
                        "keep one export per conversation",
                    ));
                }
                exports.by_id.insert(id, (file.clone(), item));
            }
        }
        Ok(exports)
    }

    /// The exported conversation with this id.
    pub fn get(&self, id: &str) -> Option<&Value> {
        self.by_id.get(id).map(|(_, v)| v)
    }

    /// How many conversations were read.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// Whether none were.
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }
}

/// Where fresh versions come from.
pub enum Source<'a> {
    /// Re-read from the live API.
    Live(&'a Client),
    /// Taken from exports already on disk.
    Export {
        /// The conversations.
        exports: &'a Exports,
        /// What `--from` named, for messages.
        origin: &'a Path,
    },
}

/// The result of checking one fixture.
#[derive(Debug)]
pub struct Checked {
    /// The fixture.
    pub fixture: PathBuf,
    /// Its `.new` path (written when changed, removed when unchanged).
    pub pending: PathBuf,
    /// How personal data was handled.
    pub mode: PiiMode,
    /// What was found.
    pub outcome: Outcome,
}

/// Same or different, after ignoring volatile fields.
#[derive(Debug)]
pub enum Outcome {
    /// Matches; `removed_stale` when an old `.new` was deleted.
    Unchanged {
        /// Whether a stale `.new` file was removed.
        removed_stale: bool,
    },
    /// Differs; the fresh version was written to the `.new` file.
    Changed {
        /// The paths that differ.
        changes: Vec<diff::Change>,
        /// The stored fixture, normalized and stripped of ignored fields.
        old_text: String,
        /// The fresh version, stripped of ignored fields.
        new_text: String,
    },
}

/// Check one fixture: get its fresh version, compare with `ignore` applied to both sides,
/// and write or clear `FIXTURE.new`.
pub fn check(
    path: &Path,
    source: &Source<'_>,
    ignore: &IgnoreSet,
) -> Result<Checked, SnapshotError> {
    let stored = load_stored(path)?;
    let mode = pii_mode(&stored.value);
    let raw = match source {
        Source::Live(client) => client.get_conversation(&stored.id)?,
        Source::Export { exports, origin } => {
            exports.get(&stored.id).cloned().ok_or_else(|| {
                SnapshotError::plain(
                    format!(
                        "{}: no conversation {} in {}",
                        path.display(),
                        stored.id,
                        origin.display()
                    ),
                    "export the conversation again, or check without --from to re-read it live",
                )
            })?
        }
    };
    let fresh = fixture::normalize(raw, mode == PiiMode::Kept);
    let old = ignore.strip(&redact::sort_keys(&stored.value));
    let new = ignore.strip(&fresh.value);
    let pending = pending_path(path);
    if old == new {
        let removed_stale = match std::fs::remove_file(&pending) {
            Ok(()) => true,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
            Err(e) => {
                return Err(SnapshotError::Plain {
                    message: format!("cannot remove the stale {}: {e}", pending.display()),
                    help: None,
                });
            }
        };
        return Ok(Checked {
            fixture: path.to_path_buf(),
            pending,
            mode,
            outcome: Outcome::Unchanged { removed_stale },
        });
    }
    fixture::write_atomic(&pending, fresh.text.as_bytes(), true)?;
    if mode == PiiMode::Kept {
        // The files keep personal data, the printed changes and diff do not (src/scrub.rs).
        for v in [&stored.value, &fresh.value] {
            for (kind, original) in redact::personal_values(v.clone()) {
                crate::scrub::register_personal(kind, &original);
            }
        }
    }
    Ok(Checked {
        fixture: path.to_path_buf(),
        pending,
        mode,
        outcome: Outcome::Changed {
            changes: diff::changes(&old, &new),
            old_text: fixture::pretty(&old),
            new_text: fixture::pretty(&new),
        },
    })
}

/// A fresh version waiting for review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    /// The fixture it would replace.
    pub fixture: PathBuf,
    /// The `.new` file.
    pub new: PathBuf,
}

/// What `accept`/`reject` act on.
#[derive(Debug, Default)]
pub struct Review {
    /// Pending fresh versions.
    pub pending: Vec<Pending>,
    /// Fixtures named on the command line that have nothing pending.
    pub idle: Vec<PathBuf>,
}

/// Find pending `.new` files: for each path (a fixture, its `.new` file, or a directory), or
/// under [`DEFAULT_DIR`]. A named path that is neither a fixture nor pending is an error.
pub fn review(paths: &[PathBuf]) -> Result<Review, SnapshotError> {
    let mut r = Review::default();
    let add = |new: PathBuf, r: &mut Review| {
        let s = new.as_os_str().to_string_lossy();
        let fixture = PathBuf::from(s.strip_suffix(PENDING_SUFFIX).unwrap_or(&s));
        let p = Pending { fixture, new };
        if !r.pending.contains(&p) {
            r.pending.push(p);
        }
    };
    if paths.is_empty() {
        let dir = Path::new(DEFAULT_DIR);
        if !dir.is_dir() {
            return Err(SnapshotError::plain(
                format!("{DEFAULT_DIR} does not exist"),
                "run from the project root, or name the fixtures to review",
            ));
        }
        let mut found = Vec::new();
        walk(dir, ".json.new", &mut found)?;
        for f in found {
            add(f, &mut r);
        }
        return Ok(r);
    }
    for p in paths {
        if p.is_dir() {
            let mut found = Vec::new();
            walk(p, ".json.new", &mut found)?;
            for f in found {
                add(f, &mut r);
            }
        } else if p.to_string_lossy().ends_with(PENDING_SUFFIX) {
            if !p.is_file() {
                return Err(SnapshotError::plain(
                    format!("{} does not exist", p.display()),
                    "run `routecheck snapshot check` first",
                ));
            }
            add(p.clone(), &mut r);
        } else if pending_path(p).is_file() {
            add(pending_path(p), &mut r);
        } else if p.is_file() {
            r.idle.push(p.clone());
        } else {
            return Err(SnapshotError::plain(
                format!(
                    "{} does not exist, and nothing is pending for it",
                    p.display()
                ),
                "name fixture files, their .new files, or directories of fixtures",
            ));
        }
    }
    Ok(r)
}

/// Replace the fixture with its fresh version (one rename). The `.new` file must still be
/// a JSON document, so a damaged file never replaces a good fixture.
pub fn accept(p: &Pending) -> Result<(), SnapshotError> {
    let source = read_source(&p.new)?;
    parse_json(&source, "the pending snapshot")?;
    // Through the one writer (a symlinked fixture keeps its link), then the `.new` goes.
    crate::source::write::write_atomic(&p.fixture, source.text.as_bytes(), true)?;
    std::fs::remove_file(&p.new).map_err(|e| SnapshotError::Plain {
        message: format!("cannot remove {}: {e}", p.new.display()),
        help: None,
    })
}

/// Delete the fresh version.
pub fn reject(p: &Pending) -> Result<(), SnapshotError> {
    std::fs::remove_file(&p.new).map_err(|e| SnapshotError::Plain {
        message: format!("cannot remove {}: {e}", p.new.display()),
        help: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pii_mode_is_read_from_the_fixture() {
        let redacted =
            json!({"participants": [{"purpose": "customer", "name": "<redacted:name:1>"}]});
        assert_eq!(pii_mode(&redacted), PiiMode::Redacted);
        let kept = json!({"participants": [{"purpose": "customer", "name": "Ann Lee"}]});
        assert_eq!(pii_mode(&kept), PiiMode::Kept);
        let nothing =
            json!({"participants": [{"purpose": "customer", "attributes": {"Tier": "gold"}}]});
        assert_eq!(pii_mode(&nothing), PiiMode::Redacted);
        let lookalike = json!({"note": "<redacted:weird:1>", "email": "a@b.co"});
        assert_eq!(pii_mode(&lookalike), PiiMode::Kept);
    }

    #[test]
    fn fixtures_expand_directories_once_and_refuse_pending_files() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        for f in [
            "a.json",
            "a.json.new",
            ".hidden.json",
            "notes.txt",
            "sub/b.json",
        ] {
            std::fs::write(dir.path().join(f), "{}").unwrap();
        }
        let a = dir.path().join("a.json");
        let got = fixtures(&[dir.path().to_path_buf(), a.clone()]).unwrap();
        assert_eq!(got, [a, sub.join("b.json")]);
        let err = fixtures(&[dir.path().join("a.json.new")]).unwrap_err();
        assert!(err.to_string().contains("pending snapshot"), "{err}");
    }

    #[test]
    fn pending_paths_append_new() {
        assert_eq!(
            pending_path(Path::new("f/a.json")),
            PathBuf::from("f/a.json.new")
        );
    }

    #[test]
    fn stored_fixture_errors_are_located() {
        let dir = tempfile::tempdir().unwrap();
        let bad = dir.path().join("bad.json");
        std::fs::write(&bad, "{\n  \"id\": \"x\",\n  oops\n}\n").unwrap();
        let Err(SnapshotError::Located(d)) = load_stored(&bad) else {
            panic!("expected a located error")
        };
        assert!(d.location().ends_with("bad.json:3:3"), "{}", d.location());
        let noid = dir.path().join("noid.json");
        std::fs::write(&noid, "{\"participants\": []}").unwrap();
        let Err(SnapshotError::Located(d)) = load_stored(&noid) else {
            panic!("expected a located error")
        };
        assert!(d.message.contains("no top-level `id`"));
        let slash = dir.path().join("slash.json");
        std::fs::write(&slash, "{\"id\": \"../x\"}").unwrap();
        assert!(load_stored(&slash).is_err());
    }

    #[test]
    fn exports_accept_objects_arrays_and_listings() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("one.json"), r#"{"id": "a"}"#).unwrap();
        std::fs::write(
            dir.path().join("many.json"),
            r#"[{"id": "b"}, {"id": "c"}]"#,
        )
        .unwrap();
        std::fs::write(
            dir.path().join("page.json"),
            r#"{"entities": [{"id": "d"}], "pageSize": 25}"#,
        )
        .unwrap();
        let e = Exports::load(dir.path()).unwrap();
        assert_eq!(e.len(), 4);
        assert!(e.get("d").is_some());
        std::fs::write(dir.path().join("twice.json"), r#"{"id": "a"}"#).unwrap();
        let err = Exports::load(dir.path()).unwrap_err().to_string();
        assert!(err.contains("exported twice"), "{err}");
    }
}
