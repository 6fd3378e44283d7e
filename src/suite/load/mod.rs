//! The rules-file loader: a located YAML tree in, a compiled [`Suite`] out, and every
//! problem found on the way reported at its place (not just the first one).
//!
//! Each key is handled in one place: the `*_KEYS` tables list what a level accepts
//! and the matching `match` arm reads it. Adding a key is one table entry and one arm.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, mpsc};

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
use super::yaml::{self, Node, NodeValue, Piece};
use crate::diag::{SourceDiagnostic, SourceFile};
use crate::expr::Compiled;
use crate::source::Location;
use crate::source::code::RulesCode;
use crate::source::mapping::{self, Mapping};
use crate::source::{FileKind, LineIndex, Problem};

pub use super::flow_vars::VarOverrides;

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
    "messages",
    "variables",
    "expect",
    "stubs",
    "new_conversation",
    "now",
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
///
/// The YAML is parsed on its own thread and each case is compiled as soon as the parser
/// has it, so with `prefetch` the first fixtures are being read while the rest of a large
/// file is still being parsed (see `yaml::parse_streaming`). A file with top-level keys
/// after `cases:` is loaded again from the whole tree, since its cases need those keys.
pub fn load_source(
    path: &Path,
    source: SourceFile,
    conversation: Option<&str>,
    overrides: &VarOverrides,
    used_overrides: &mut Vec<String>,
    diags: &mut Diagnostics,
    prefetch: Option<&Prefetch>,
) -> Option<Suite> {
    let ctx = Context {
        path,
        conversation,
        overrides,
        prefetch,
    };
    let suite = load_streamed_or_whole(&ctx, source, used_overrides, diags);
    if let Some(p) = prefetch {
        p.flush();
    }
    suite
}

fn load_streamed_or_whole(
    ctx: &Context<'_>,
    source: SourceFile,
    used_overrides: &mut Vec<String>,
    diags: &mut Diagnostics,
) -> Option<Suite> {
    if !source.text.trim().is_empty() {
        let before = (
            diags.errors.len(),
            diags.warnings.len(),
            used_overrides.len(),
        );
        match streamed(ctx, &source, used_overrides, diags) {
            Streamed::Loaded(suite) => return suite,
            Streamed::SyntaxError(e) => {
                diags.errors.truncate(before.0);
                diags.warnings.truncate(before.1);
                used_overrides.truncate(before.2);
                diags.errors.push(*e);
                return None;
            }
            Streamed::NeedsTree => {
                diags.errors.truncate(before.0);
                diags.warnings.truncate(before.1);
                used_overrides.truncate(before.2);
            }
        }
    }
    load_tree(ctx, source, used_overrides, diags)
}

/// Cases handed from the parser's thread to the loader at a time.
const PIECES_PER_BATCH: usize = 32;

/// What a rules file's load does besides its text.
struct Context<'a> {
    path: &'a Path,
    conversation: Option<&'a str>,
    overrides: &'a VarOverrides,
    prefetch: Option<&'a Prefetch>,
}

// One value per rules file, moved once: boxing the suite would buy nothing.
#[allow(clippy::large_enum_variant)]
enum Streamed {
    Loaded(Option<Suite>),
    /// The YAML is not well-formed (whatever the cases said is dropped: the tree would
    /// not have been built either).
    SyntaxError(Box<SourceDiagnostic>),
    /// No root `cases:` sequence, or keys after it: load from the whole tree.
    NeedsTree,
}

fn streamed(
    ctx: &Context<'_>,
    source: &SourceFile,
    used_overrides: &mut Vec<String>,
    diags: &mut Diagnostics,
) -> Streamed {
    // Pieces go over in batches: a handoff per case cost more in wake-ups than the case.
    let (tx, rx) = mpsc::sync_channel::<Vec<Piece>>(16);
    let text: &str = &source.text;
    std::thread::scope(|scope| {
        let parser = scope.spawn(move || {
            let opts = yaml::Options::for_len(text.len());
            let mut batch = Vec::with_capacity(PIECES_PER_BATCH);
            let parsed = yaml::parse_streaming(text, opts, "cases", &mut |piece| {
                let header = matches!(piece, Piece::Header(_));
                batch.push(piece);
                if header || batch.len() == PIECES_PER_BATCH {
                    // The receiver hangs up only when it is done with the file.
                    let _ = tx.send(std::mem::take(&mut batch));
                }
            });
            if !batch.is_empty() {
                let _ = tx.send(batch);
            }
            parsed
        });
        let mut pieces = rx.iter().flatten();
        let Some(Piece::Header(entries)) = pieces.next() else {
            // Nothing streamed: the parser sent no header and has hung up.
            let _ = parser.join();
            return Streamed::NeedsTree;
        };
        let lookup = |name: &str| std::env::var(name).ok();
        let mut unset = Vec::new();
        let mut secrets = Vec::new();
        let mut header_root = Node {
            span: (0, 0),
            value: NodeValue::Map(entries),
        };
        secrets.extend(interp::interpolate(
            &mut header_root,
            source,
            &lookup,
            &mut unset,
        ));
        let warnings_before = diags.warnings.len();
        let errors_before = diags.errors.len();
        let mut l = Loader::new(ctx, source, diags);
        let header = l.header(&header_root, ctx.overrides, used_overrides);
        let mut names = HashMap::new();
        let mut cases = Vec::new();
        let mut items = 0usize;
        for piece in pieces {
            let Piece::Item(mut item) = piece else {
                continue;
            };
            items += 1;
            secrets.extend(interp::interpolate(&mut item, source, &lookup, &mut unset));
            // An unset variable would only cascade into confusing errors about its scalar.
            if unset.is_empty() {
                cases.extend(l.case_item(&item, &mut names, &header.scope, &header.declared));
            }
        }
        let rest = match parser
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        {
            Ok(rest) => rest,
            Err(e) => {
                return Streamed::SyntaxError(Box::new(e.diagnostic(source, FileKind::Rules)));
            }
        };
        if keys_after_cases(&rest) {
            return Streamed::NeedsTree;
        }
        if items == 0
            && let Some(node) = rest.get("cases")
        {
            l.err(node, RulesCode::Empty, "`cases` is empty");
        }
        let suite = l.suite(header, cases, ctx.path);
        drop(l);
        secrets.sort_unstable();
        secrets.dedup();
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        if !unset.is_empty() {
            diags.errors.truncate(errors_before);
            diags.warnings.truncate(warnings_before);
            diags.errors.extend(unset);
            return Streamed::Loaded(None);
        }
        Streamed::Loaded(finish(
            diags,
            (errors_before, warnings_before),
            &secrets,
            suite,
        ))
    })
}

/// Whether the root mapping has a key after `cases:` (which its cases may need).
fn keys_after_cases(root: &Node) -> bool {
    root.as_map().is_some_and(|entries| {
        entries
            .iter()
            .position(|(k, _)| k.as_str() == Some("cases"))
            .is_some_and(|i| i + 1 < entries.len())
    })
}

/// Scrub secrets from the file's diagnostics; the suite unless it has errors.
fn finish(
    diags: &mut Diagnostics,
    (errors_before, warnings_before): (usize, usize),
    secrets: &[String],
    suite: Suite,
) -> Option<Suite> {
    for d in diags.errors[errors_before..]
        .iter_mut()
        .chain(&mut diags.warnings[warnings_before..])
    {
        interp::scrub_diagnostic(d, secrets);
    }
    if diags.errors.len() > errors_before {
        return None;
    }
    let mut suite = suite;
    suite.redact = secrets.to_vec();
    Some(suite)
}

/// Load from the whole tree (files that cannot be streamed).
fn load_tree(
    ctx: &Context<'_>,
    source: SourceFile,
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
    let mut l = Loader::new(ctx, &source, diags);
    let suite = l.file(root, ctx.path, ctx.overrides, used_overrides);
    drop(l);
    finish(diags, (before, warnings_before), &secrets, suite?)
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

impl<'a> Loader<'a> {
    fn new(ctx: &Context<'a>, src: &'a SourceFile, diags: &'a mut Diagnostics) -> Self {
        Loader {
            lines: LineIndex::new(&src.text),
            exprs: HashMap::new(),
            regexes: HashMap::new(),
            paths: HashMap::new(),
            src,
            diags,
            base_dir: ctx.path.parent().unwrap_or(Path::new(".")),
            resolver: crate::project::Resolver::new(ctx.path),
            prefetch: ctx.prefetch,
            live: ctx.conversation,
            flow: None,
            flow_failed: false,
            guest_case: false,
            purpose: String::new(),
        }
    }
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
