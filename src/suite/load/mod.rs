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
use super::yaml::{self, Node, NodeValue};
use crate::diag::{SourceDiagnostic, SourceFile};
use crate::expr::Compiled;
use crate::source::Location;
use crate::source::code::RulesCode;
use crate::source::mapping::{self, Mapping};
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

/// The keys a mapping accepts.
type Keys = &'static [&'static str];

const FILE_KEYS: Keys = &[
    "suite",
    "participant",
    "bindings",
    "variables",
    "cases",
    "flow",
    "vars",
    "queues",
    "users",
    "skills",
    "stubs",
    "tables",
];

const CASE_KEYS: Keys = &[
    "name",
    "fixture",
    "attributes",
    "message",
    "variables",
    "expect",
    "stubs",
    "new_conversation",
    "conversation",
    "guest",
];

/// The key that says what an expectation checks.
const SUBJECT_KEYS: Keys = &[
    "condition",
    "value",
    "attribute",
    "jsonpath",
    "attribute_path",
    "route",
    "responses",
    "participant_data",
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

/// The names every key table knows, for the schema test.
#[cfg(test)]
pub fn known_keys() -> Vec<&'static str> {
    let mut v: Vec<&str> = FILE_KEYS
        .iter()
        .chain(CASE_KEYS)
        .chain(SUBJECT_KEYS)
        .chain(guest_case::GUEST_KEYS)
        .copied()
        .collect();
    for s in SUBJECT_KEYS {
        v.extend(modifier_keys(s));
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
) -> Option<Suite> {
    let source = match crate::source::read_source(path, display, FileKind::Rules) {
        Ok(s) => s,
        Err(e) => {
            diags.errors.push(*e);
            return None;
        }
    };
    load_source(path, source, conversation, overrides, used_overrides, diags)
}

/// Load from text already read (`path` resolves relative fixture paths).
pub fn load_source(
    path: &Path,
    source: SourceFile,
    conversation: Option<&str>,
    overrides: &VarOverrides,
    used_overrides: &mut Vec<String>,
    diags: &mut Diagnostics,
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
        file_path: path,
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
    /// The rules file itself: paths it names follow `crate::project::resolve`.
    file_path: &'a Path,
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

    fn err(&mut self, node: &Node, code: RulesCode, message: impl Into<String>) {
        let d = self.error(node, message).with_code(code);
        self.push(d);
    }

    fn expect_type(&mut self, node: &Node, what: &str, want: &str) {
        let d = mapping::wrong_type(self.src, FileKind::Rules, node, what, want);
        self.push(d);
    }

    /// The entries of a mapping whose keys are all strings in `table`, read through the
    /// source layer's mapping reader: every other key is reported (unknown, with a hint),
    /// in document order with the errors of the known entries.
    fn entries<'n>(
        &mut self,
        node: &'n Node,
        what: &str,
        table: Keys,
    ) -> Vec<(&'static str, &'n Node, &'n Node)> {
        let m = match Mapping::named(self.src, FileKind::Rules, node, table, what) {
            Ok(m) => m,
            Err(e) => {
                self.push(*e);
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        for e in m.entries() {
            match e {
                Ok(entry) => out.push(entry),
                Err(d) => self.push(*d),
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
        let d = mapping::unknown_key(self.src, FileKind::Rules, k, name, what, candidates);
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
