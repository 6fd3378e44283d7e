//! The rules-file loader: a located YAML tree in, a compiled [`Suite`] out, and every
//! problem found on the way reported at its place (not just the first one).
//!
//! Each key is handled in one place: the `*_KEYS` tables list what a level accepts
//! and the matching `match` arm reads it. Adding a key is one table entry and one arm.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use regex::Regex;
use serde_json_path::JsonPath;

use super::interp;

mod attribute;
mod cases;
mod expect;
mod flow;
mod guest_case;
mod suite;
#[cfg(test)]
mod tests;

use super::model::{Suite, SuiteFlow};
use super::prefetch::Prefetch;
use super::yaml::{self, Node, NodeValue};
use crate::diag::{SourceDiagnostic, SourceFile, closest};
use crate::expr::Compiled;
use crate::report::Location;
use crate::source::{FileKind, LineIndex, Problem};

/// `--var NAME=VALUE` pairs, applied while loading.
pub type VarOverrides = BTreeMap<String, String>;

/// Everything the loader reports about one file: errors stop the run, warnings do not.
#[derive(Debug, Default)]
pub struct Diagnostics {
    /// Fatal.
    pub errors: Vec<SourceDiagnostic>,
    /// Not fatal.
    pub warnings: Vec<SourceDiagnostic>,
}

/// A key a mapping accepts.
struct Key {
    name: &'static str,
}

const fn key(name: &'static str) -> Key {
    Key { name }
}

const FILE_KEYS: &[Key] = &[
    key("suite"),
    key("participant"),
    key("bindings"),
    key("variables"),
    key("cases"),
    key("flow"),
    key("vars"),
    key("queues"),
    key("users"),
    key("skills"),
    key("stubs"),
    key("tables"),
];

const CASE_KEYS: &[Key] = &[
    key("name"),
    key("fixture"),
    key("attributes"),
    key("message"),
    key("variables"),
    key("expect"),
    key("stubs"),
    key("new_conversation"),
    key("conversation"),
    key("guest"),
];

/// The key that says what an expectation checks.
const SUBJECT_KEYS: &[Key] = &[
    key("condition"),
    key("value"),
    key("attribute"),
    key("jsonpath"),
    key("attribute_path"),
    key("route"),
    key("responses"),
    key("participant_data"),
];

/// The keys each subject accepts besides itself.
fn modifier_keys(subject: &str) -> &'static [&'static str] {
    match subject {
        "condition" => &["is"],
        "value" => &["equals", "not_set", "error"],
        "attribute" => &[
            "equals",
            "not_equals",
            "contains",
            "starts_with",
            "matches",
            "set",
        ],
        "jsonpath" => &["equals", "count"],
        "attribute_path" => &["operator", "value"],
        _ => &[],
    }
}

/// The names every key table knows, for the schema test and hints.
pub fn known_keys() -> Vec<&'static str> {
    let mut v: Vec<&str> = FILE_KEYS
        .iter()
        .chain(CASE_KEYS)
        .chain(SUBJECT_KEYS)
        .chain(guest_case::GUEST_KEYS)
        .map(|k| k.name)
        .collect();
    for s in SUBJECT_KEYS {
        v.extend(modifier_keys(s.name));
    }
    v.sort_unstable();
    v.dedup();
    v
}

/// Load and compile one rules file. `display` is how the file is named in messages;
/// `conversation` is `--conversation ID` (every case reads that live conversation).
/// Returns `None` when it has errors (all of them are in `diags`).
pub fn load_file(
    path: &Path,
    display: &str,
    conversation: Option<&str>,
    overrides: &VarOverrides,
    used_overrides: &mut Vec<String>,
    diags: &mut Diagnostics,
    prefetch: Option<&Prefetch>,
) -> Option<Suite> {
    let source = match crate::source::read_source(path, display, FileKind::Rules) {
        Ok(s) => s,
        Err(e) => {
            diags.errors.push(*e);
            return None;
        }
    };
    load_source(
        path,
        source,
        conversation,
        overrides,
        used_overrides,
        diags,
        prefetch,
    )
}

/// Load from text already read (`path` resolves relative fixture paths). Each fixture a
/// case names is handed to `prefetch` as soon as its path is checked.
pub fn load_source(
    path: &Path,
    source: SourceFile,
    conversation: Option<&str>,
    overrides: &VarOverrides,
    used_overrides: &mut Vec<String>,
    diags: &mut Diagnostics,
    prefetch: Option<&Prefetch>,
) -> Option<Suite> {
    let before = diags.errors.len();
    let mut root = match yaml::parse_file(&source, FileKind::Rules) {
        Ok(n) => n,
        Err(e) if e.code.as_deref() == Some(FileKind::Rules.code(Problem::Empty)) => {
            diags
                .errors
                .push(e.with_help("start with `cases:` (see `routecheck schema`)"));
            return None;
        }
        Err(e) => {
            diags.errors.push(*e);
            return None;
        }
    };
    let secrets = interp::interpolate(
        &mut root,
        &source,
        &|name| std::env::var(name).ok(),
        &mut diags.errors,
    );
    // An unset variable would only cascade into confusing errors about its scalar.
    if diags.errors.len() > before {
        return None;
    }
    let warnings_before = diags.warnings.len();
    let mut l = Loader {
        lines: LineIndex::new(&source.text),
        exprs: HashMap::new(),
        regexes: HashMap::new(),
        paths: HashMap::new(),
        src: &source,
        diags,
        base_dir: path.parent().unwrap_or(Path::new(".")),
        resolver: crate::project::Resolver::new(path),
        prefetch,
        live: conversation,
        flow: None,
        flow_failed: false,
        guest_case: false,
        purpose: String::new(),
    };
    let suite = l.file(root, path, overrides, used_overrides);
    for d in diags.errors[before..]
        .iter_mut()
        .chain(&mut diags.warnings[warnings_before..])
    {
        interp::scrub_diagnostic(d, &secrets);
    }
    if diags.errors.len() > before {
        return None;
    }
    suite.map(|mut s| {
        s.source = source.clone();
        s.redact = secrets;
        s
    })
}

struct Loader<'a> {
    lines: LineIndex,
    /// Compiled once per distinct text: suites repeat the same expressions, regexes and
    /// queries across many cases, and they share one scope per file.
    exprs: HashMap<String, Arc<Compiled>>,
    regexes: HashMap<String, Arc<Regex>>,
    paths: HashMap<String, Arc<JsonPath>>,
    src: &'a SourceFile,
    diags: &'a mut Diagnostics,
    base_dir: &'a Path,
    /// Paths the rules file names follow `crate::project::resolve`; its root is found once
    /// (every case names a fixture).
    resolver: crate::project::Resolver,
    /// Where a checked fixture path goes to be read early (`None`: not a file run).
    prefetch: Option<&'a Prefetch>,
    /// `--conversation ID`: every case reads it, `fixture:` paths are not resolved.
    live: Option<&'a str>,
    /// The file's `flow:` (read before the cases, which need its stubs).
    flow: Option<SuiteFlow>,
    /// `flow:` was written but is unusable (already reported: no cascade of errors).
    flow_failed: bool,
    /// The case being read has `guest:`: `responses:` and `route:` check the real org.
    guest_case: bool,
    /// `participant:` — the purpose of the participant a case without a recording has.
    purpose: String,
}

impl Loader<'_> {
    fn location(&self, offset: usize) -> Location {
        let (line, col) = self.lines.line_col(&self.src.text, offset);
        Location {
            file: self.src.name.to_string(),
            line,
            col,
        }
    }

    fn error(&mut self, node: &Node, message: impl Into<String>) -> SourceDiagnostic {
        SourceDiagnostic::error(self.src, node.span, message)
    }

    fn push(&mut self, d: SourceDiagnostic) {
        self.diags.errors.push(d);
    }

    fn err(&mut self, node: &Node, code: &str, message: impl Into<String>) {
        let d = self
            .error(node, message)
            .with_code(format!("routecheck::rules::{code}"));
        self.push(d);
    }

    fn expect_type(&mut self, node: &Node, what: &str, want: &str) {
        let d = self
            .error(
                node,
                format!("{what} must be {want}, found {}", node.value.kind()),
            )
            .with_code("routecheck::rules::type");
        self.push(d);
    }

    /// The entries of a mapping whose keys are all strings in `table`; every other key
    /// is reported (unknown, with a hint). Also yields duplicates
    /// as errors (the YAML parser already rejects them; this keeps the loader safe).
    fn entries<'n>(
        &mut self,
        node: &'n Node,
        what: &str,
        table: &[Key],
    ) -> Vec<(&'static str, &'n Node, &'n Node)> {
        let Some(map) = node.as_map() else {
            self.expect_type(node, what, "a mapping");
            return Vec::new();
        };
        let mut out = Vec::with_capacity(map.len());
        for (k, v) in map {
            let Some(name) = k.as_str() else {
                self.expect_type(k, "a key", "a string");
                continue;
            };
            match table.iter().find(|t| t.name == name) {
                Some(t) => out.push((t.name, k, v)),
                None => self.unknown_key(k, name, what, table.iter().map(|t| t.name)),
            }
        }
        out
    }

    fn unknown_key<'c>(
        &mut self,
        k: &Node,
        name: &str,
        what: &str,
        candidates: impl Iterator<Item = &'c str> + Clone,
    ) {
        let mut d = self
            .error(k, format!("unknown key `{name}` in {what}"))
            .with_code("routecheck::rules::unknown-key")
            .with_label("not a key of this mapping");
        d = match closest(name, candidates.clone()) {
            Some(c) => d.with_help(format!("did you mean `{c}`?")),
            None => d.with_help(format!(
                "expected one of: {}",
                candidates.collect::<Vec<_>>().join(", ")
            )),
        };
        self.push(d);
    }

    fn string(&mut self, node: &Node, what: &str) -> Option<String> {
        match &node.value {
            NodeValue::Str(s) => Some(s.clone()),
            _ => {
                self.expect_type(node, what, "a string");
                None
            }
        }
    }

    fn bool(&mut self, node: &Node, what: &str) -> Option<bool> {
        match node.value {
            NodeValue::Bool(b) => Some(b),
            _ => {
                self.expect_type(node, what, "true or false");
                None
            }
        }
    }
}

/// The YAML node as JSON; `Err` names a null inside it.
fn to_json(v: &Node) -> Result<serde_json::Value, &Node> {
    use serde_json::Value as J;
    Ok(match &v.value {
        NodeValue::Null => return Err(v),
        NodeValue::Bool(b) => J::Bool(*b),
        NodeValue::Int(i) => J::from(*i),
        NodeValue::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
        NodeValue::Str(s) => J::String(s.clone()),
        NodeValue::Seq(items) => J::Array(items.iter().map(to_json).collect::<Result<_, _>>()?),
        NodeValue::Map(entries) => {
            let mut m = serde_json::Map::with_capacity(entries.len());
            for (k, val) in entries {
                let key = k.scalar_text().ok_or(k)?;
                m.insert(key, to_json(val)?);
            }
            J::Object(m)
        }
    })
}
