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

mod guest_case;
use super::model::{
    AttrTest, Binding, Case, Check, Expectation, FixtureRef, GuestRef, PathWant, Suite, SuiteFlow,
    ValueWant,
};
use super::yaml::{self, Node, NodeValue};
use crate::conversation::synthetic;
use crate::diag::{SourceDiagnostic, SourceFile, closest};
use crate::expr::{self, Compiled, Directory, Scope, Type, Value};
use crate::flow::{FlowExpect, RouteExpect, Stub, Stubs};
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
        resolver: crate::project::Resolver::new(path),
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

    fn file(
        &mut self,
        mut root: Node,
        path: &Path,
        overrides: &VarOverrides,
        used_overrides: &mut Vec<String>,
    ) -> Option<Suite> {
        // `cases:` is taken out of the tree so each case's nodes are freed as soon as the
        // case is loaded: the tree of a large file would otherwise double peak memory.
        let mut cases_node = None;
        if let NodeValue::Map(entries) = &mut root.value
            && let Some(i) = entries
                .iter()
                .position(|(k, _)| k.as_str() == Some("cases"))
        {
            cases_node = Some(entries.remove(i).1);
        }
        let root = &root;
        let mut name = None;
        let mut participant = None;
        let mut bindings = Vec::new();
        let mut variables: Vec<(String, Value, &Node)> = Vec::new();
        let mut flow_keys = FlowKeys::default();
        for (key, k, v) in self.entries(root, "the rules file", FILE_KEYS) {
            match key {
                "suite" => name = self.string(v, "`suite`"),
                "participant" => participant = self.string(v, "`participant`"),
                "bindings" => bindings = self.bindings(v),
                "variables" => variables = self.variables(v),
                "flow" | "vars" | "queues" | "users" | "skills" | "stubs" | "tables" => {
                    self.flow_key(key, k, v, &mut flow_keys)
                }
                _ => self.err(k, "unknown-key", format!("unhandled key `{key}`")),
            }
        }
        let directory = self.flow_keys_done(flow_keys);
        // Declarations: bindings are Strings, variables take their YAML type.
        let mut scope = Scope::new();
        let mut declared: HashMap<String, (Type, &Node)> = HashMap::new();
        for (b, node) in &bindings {
            self.declare(&mut scope, &mut declared, &b.variable, Type::String, node);
        }
        for (var, value, node) in &mut variables {
            self.declare(&mut scope, &mut declared, var, value.ty(), node);
            if let Some((oname, otext)) =
                overrides.iter().find(|(n, _)| n.eq_ignore_ascii_case(var))
            {
                match parse_override(otext, &value.ty()) {
                    Ok(v) => {
                        *value = v;
                        used_overrides.push(oname.clone());
                    }
                    Err(msg) => {
                        let d = self
                            .error(node, format!("--var {oname}={otext}: {msg}"))
                            .with_code("routecheck::rules::var")
                            .with_label("declared here");
                        self.push(d);
                        used_overrides.push(oname.clone());
                    }
                }
            }
        }
        let Some(cases_node) = cases_node else {
            let d = self
                .error(root, "the rules file has no `cases:`")
                .with_code("routecheck::rules::missing-key")
                .with_help("add `cases:` with at least one case (see `routecheck schema`)");
            self.push(SourceDiagnostic { span: (0, 0), ..d });
            return None;
        };
        let participant = participant.unwrap_or_else(|| "customer".to_owned());
        self.purpose.clone_from(&participant);
        let cases = self.cases(cases_node, &scope, &declared);
        let name = name.unwrap_or_else(|| {
            path.file_stem().map_or_else(
                || self.src.name.to_string(),
                |s| s.to_string_lossy().into_owned(),
            )
        });
        Some(Suite {
            name,
            file: self.src.name.to_string(),
            source: self.src.clone(),
            participant,
            bindings: bindings.into_iter().map(|(b, _)| b).collect(),
            variables: variables.into_iter().map(|(n, v, _)| (n, v)).collect(),
            scope,
            cases,
            redact: Vec::new(),
            flow: self.flow.take(),
            directory,
        })
    }

    fn declare<'n>(
        &mut self,
        scope: &mut Scope,
        declared: &mut HashMap<String, (Type, &'n Node)>,
        name: &str,
        ty: Type,
        node: &'n Node,
    ) {
        let lower = name.to_ascii_lowercase();
        if let Some((_, first)) = declared.get(&lower) {
            let (line, _) = self.src.line_col(first.span.0);
            let d = self
                .error(node, format!("variable `{name}` is declared twice"))
                .with_code("routecheck::rules::duplicate-variable")
                .with_help(format!("first declared on line {line}"));
            self.push(d);
            return;
        }
        if let Err(msg) = scope.declare(name, ty.clone()) {
            self.err(node, "variable", msg);
            return;
        }
        declared.insert(lower, (ty, node));
    }

    fn bindings<'n>(&mut self, node: &'n Node) -> Vec<(Binding, &'n Node)> {
        let Some(map) = node.as_map() else {
            self.expect_type(node, "`bindings`", "a mapping of variable: attribute name");
            return Vec::new();
        };
        let mut out = Vec::with_capacity(map.len());
        for (k, v) in map {
            let (Some(var), Some(attr)) = (
                self.string(k, "a variable name"),
                self.string(v, "an attribute name"),
            ) else {
                continue;
            };
            out.push((
                Binding {
                    variable: var,
                    attribute: attr,
                    span: v.span,
                },
                k,
            ));
        }
        out
    }

    fn variables<'n>(&mut self, node: &'n Node) -> Vec<(String, Value, &'n Node)> {
        let Some(map) = node.as_map() else {
            self.expect_type(node, "`variables`", "a mapping of variable: value");
            return Vec::new();
        };
        let mut out = Vec::with_capacity(map.len());
        for (k, v) in map {
            let (Some(name), Some(value)) =
                (self.string(k, "a variable name"), self.typed_value(v))
            else {
                continue;
            };
            out.push((name, value, k));
        }
        out
    }

    /// A variable's value: its type is the YAML scalar's.
    fn typed_value(&mut self, v: &Node) -> Option<Value> {
        Some(match &v.value {
            NodeValue::Int(i) => Value::Integer(*i),
            NodeValue::Float(f) => Value::Decimal(*f),
            NodeValue::Bool(b) => Value::Boolean(*b),
            NodeValue::Str(s) => Value::String(s.clone()),
            _ => {
                self.expect_type(
                    v,
                    "a variable's value",
                    "an integer, decimal, boolean or string",
                );
                return None;
            }
        })
    }

    fn cases(
        &mut self,
        node: Node,
        scope: &Scope,
        declared: &HashMap<String, (Type, &Node)>,
    ) -> Vec<Case> {
        let items = match node.value {
            NodeValue::Seq(ref items) if items.is_empty() => {
                self.err(&node, "empty", "`cases` is empty");
                return Vec::new();
            }
            NodeValue::Seq(items) => items,
            _ => {
                self.expect_type(&node, "`cases`", "a sequence");
                return Vec::new();
            }
        };
        let mut names: HashMap<String, usize> = HashMap::with_capacity(items.len());
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            // Names are checked even in cases with other errors, so all are reported.
            let name_node = item.as_map().and_then(|m| {
                m.iter()
                    .find(|(k, _)| k.as_str() == Some("name"))
                    .map(|(_, v)| v)
            });
            if let Some(n) = name_node
                && let Some(name) = n.as_str()
            {
                if let Some(first) = names.get(name) {
                    let d = SourceDiagnostic::error(
                        self.src,
                        n.span,
                        format!("duplicate case name `{name}`"),
                    )
                    .with_code("routecheck::rules::duplicate-case")
                    .with_help(format!(
                        "case names are unique in a file; the first is on line {first}"
                    ));
                    self.push(d);
                } else {
                    names.insert(
                        name.to_owned(),
                        self.lines.line_col(&self.src.text, n.span.0).0,
                    );
                }
            }
            if let Some(case) = self.case(&item, scope, declared) {
                out.push(case);
            }
        }
        out
    }

    fn case(
        &mut self,
        node: &Node,
        scope: &Scope,
        declared: &HashMap<String, (Type, &Node)>,
    ) -> Option<Case> {
        let errors_before = self.diags.errors.len();
        let mut name = None;
        let mut fixture = None;
        let mut conversation: Option<(&Node, Option<(FixtureRef, Location)>)> = None;
        let mut attributes = Vec::new();
        let mut attribute_spans = Vec::new();
        let mut message = None;
        let mut variables = Vec::new();
        let mut expects = Vec::new();
        let mut saw_expect = false;
        let mut own_stubs = Vec::new();
        let mut new_conversation = None;
        let mut guest: Option<(&Node, Option<_>)> = None;
        self.guest_case = node
            .as_map()
            .is_some_and(|m| m.iter().any(|(k, _)| k.as_str() == Some("guest")));
        let mut recordless = false;
        for (key, k, v) in self.entries(node, "a case", CASE_KEYS) {
            recordless |= matches!(key, "attributes" | "message" | "new_conversation");
            match key {
                "name" => name = self.string(v, "`name`"),
                "guest" => guest = Some((k, self.guest(k, v))),
                "fixture" | "conversation" | "attributes" | "message" if self.guest_case => {
                    self.err(k, "guest", format!("a `guest:` case starts its own conversation: `{key}:` does not apply (put custom attributes under `guest: attributes:` and messages under `guest: say:`)"));
                }
                "fixture" => fixture = self.fixture(v),
                "conversation" => conversation = Some((k, self.conversation(v))),
                "attributes" => (attributes, attribute_spans) = self.overlay(v).into_iter().unzip(),
                "message" => message = self.string(v, "`message`"),
                "variables" => variables = self.case_variables(v, declared),
                "expect" => {
                    saw_expect = true;
                    expects = self.expectations(v, scope);
                }
                "stubs" if self.needs_flow(k) => own_stubs = self.stubs(v),
                "new_conversation" if self.needs_flow(k) => {
                    new_conversation = self.bool(v, "`new_conversation`")
                }
                "stubs" | "new_conversation" => {}
                _ => self.err(k, "unknown-key", format!("unhandled key `{key}`")),
            }
        }
        let location = self.location(node.span.0);
        let clean = self.diags.errors.len() == errors_before;
        if name.is_none() && clean {
            self.missing(node, "name", "give the case a `name:` (unique in the file)");
        }
        let conflict = fixture.is_some() && conversation.is_some();
        let fixture = match (fixture, conversation) {
            (Some(_), Some((k, _))) => {
                self.err(
                    k,
                    "fixture",
                    "a case reads `fixture:` or `conversation:`, not both",
                );
                None
            }
            (f, None) => f,
            (None, Some((_, c))) => c,
        };
        let fixture = match (fixture, self.live, guest) {
            (_, _, Some((_, Some((spec, at))))) => Some((
                FixtureRef::Guest(GuestRef {
                    file: self.src.name.to_string(),
                    case: name.clone().unwrap_or_default(),
                    spec: Arc::new(spec),
                    at: Arc::new(at.clone()),
                }),
                at.guest,
            )),
            (_, _, Some((_, None))) => None,
            (Some((f, at)), None, None) => Some((f, at)),
            (f, Some(id), None) => Some((
                FixtureRef::Conversation(id.to_owned()),
                f.map_or_else(|| location.clone(), |(_, at)| at),
            )),
            // No recording: the conversation is built from the case itself.
            (None, None, None) if recordless && !conflict => Some((
                FixtureRef::Synthetic(synthetic::conversation_json(
                    &self.purpose,
                    &attributes,
                    message.as_deref(),
                )),
                location.clone(),
            )),
            (None, None, None) => {
                if clean && !conflict {
                    self.missing(
                        node,
                        "fixture",
                        "`fixture:` names the conversation JSON, relative to this file; `conversation:` a live conversation id (e.g. ${GENESYS_CONVERSATION_ID}); or, with no recording, give `attributes:` (and `message:`) and routecheck builds the conversation",
                    );
                }
                None
            }
        };
        if !saw_expect && clean {
            self.missing(
                node,
                "expect",
                "a case without expectations would always pass",
            );
        }
        if self.diags.errors.len() > errors_before {
            return None;
        }
        let (fixture, fixture_location) = fixture?;
        let needs_tree = expects
            .iter()
            .any(|e: &Expectation| matches!(e.check, Check::JsonPath { .. }));
        let mut stubs = Stubs::default();
        if let Some(f) = &self.flow {
            stubs
                .0
                .extend(f.stubs.iter().map(|(n, s, _)| (n.clone(), s.clone())));
        }
        stubs
            .0
            .extend(own_stubs.iter().map(|(n, s, _)| (n.clone(), s.clone())));
        Some(Case {
            name: name?,
            location,
            fixture_location,
            fixture,
            attributes,
            attribute_spans,
            message,
            variables,
            expects,
            needs_tree,
            own_stubs,
            stubs,
            new_conversation: new_conversation.unwrap_or(true),
        })
    }

    fn missing(&mut self, node: &Node, key: &str, help: &str) {
        let d = SourceDiagnostic::error(
            self.src,
            (node.span.0, node.span.0),
            format!("the case has no `{key}:`"),
        )
        .with_code("routecheck::rules::missing-key")
        .with_help(help.to_owned());
        self.push(d);
    }

    /// `conversation: ID` (after `${...}` interpolation).
    fn conversation(&mut self, v: &Node) -> Option<(FixtureRef, Location)> {
        let id = self.string(v, "`conversation`")?;
        let id = id.trim();
        if id.is_empty() || id.contains(|c: char| c.is_whitespace() || c == '/') {
            let d = self
                .error(v, "`conversation` must be a conversation id")
                .with_code("routecheck::rules::conversation")
                .with_help("the id shown in Genesys Cloud (a UUID), or ${GENESYS_CONVERSATION_ID}");
            self.push(d);
            return None;
        }
        Some((
            FixtureRef::Conversation(id.to_owned()),
            self.location(v.span.0),
        ))
    }

    fn fixture(&mut self, v: &Node) -> Option<(FixtureRef, Location)> {
        let rel = self.string(v, "`fixture`")?;
        if self.live.is_some() {
            // `--conversation` replaces every fixture: the file need not exist.
            let display = self.base_dir.join(&rel).display().to_string();
            return Some((
                FixtureRef::File {
                    canonical: display.clone().into(),
                    display,
                },
                self.location(v.span.0),
            ));
        }
        match self.resolver.resolve(&rel) {
            Ok((joined, canonical)) if canonical.is_file() => Some((
                FixtureRef::File {
                    canonical,
                    display: joined.display().to_string(),
                },
                self.location(v.span.0),
            )),
            Ok((joined, _)) => {
                self.err(
                    v,
                    "fixture",
                    format!("fixture `{}` is not a file", joined.display()),
                );
                None
            }
            Err(e) => {
                let outside = matches!(e, crate::project::PathError::Outside { .. });
                let mut d = self
                    .error(v, e.message("fixture"))
                    .with_code(if outside {
                        "routecheck::rules::fixture-outside"
                    } else {
                        "routecheck::rules::fixture"
                    })
                    .with_help(e.help("fixture"));
                if outside {
                    d = d.with_label("leaves the project");
                }
                self.push(d);
                None
            }
        }
    }

    fn overlay(&mut self, v: &Node) -> Vec<(OverlayEntry, (usize, usize))> {
        let Some(map) = v.as_map() else {
            self.expect_type(v, "`attributes`", "a mapping of attribute: value");
            return Vec::new();
        };
        let mut out = Vec::with_capacity(map.len());
        for (k, val) in map {
            let Some(name) = self.string(k, "an attribute name") else {
                continue;
            };
            match &val.value {
                NodeValue::Str(s) => out.push(((name, Some(s.clone())), k.span)),
                NodeValue::Null => out.push(((name, None), k.span)),
                other => {
                    let shown = val.scalar_text().unwrap_or_default();
                    let d = self
                        .error(val, format!("attribute `{name}` must be a string, found {}", other.kind()))
                        .with_code("routecheck::rules::type")
                        .with_help(if shown.is_empty() {
                            "participant attributes are flat strings".to_owned()
                        } else {
                            format!("participant attributes are strings: write \"{shown}\" (null removes the attribute)")
                        });
                    self.push(d);
                }
            }
        }
        out
    }

    fn case_variables(
        &mut self,
        v: &Node,
        declared: &HashMap<String, (Type, &Node)>,
    ) -> Vec<(String, Value)> {
        let mut out = Vec::new();
        for (name, value, k) in self.variables(v) {
            match declared.get(&name.to_ascii_lowercase()) {
                None => {
                    let d = self
                        .error(k, format!("variable `{name}` is not declared in the file's `variables:` or `bindings:`"))
                        .with_code("routecheck::rules::undeclared-variable")
                        .with_help("declare it with a default under the file's `variables:`; cases override it");
                    self.push(d);
                }
                Some((ty, _)) if *ty != value.ty() => {
                    let d = self
                        .error(
                            k,
                            format!("variable `{name}` is {ty}, this value is {}", value.ty()),
                        )
                        .with_code("routecheck::rules::type");
                    self.push(d);
                }
                Some(_) => out.push((name, value)),
            }
        }
        out
    }

    fn expectations(&mut self, v: &Node, scope: &Scope) -> Vec<Expectation> {
        let NodeValue::Seq(items) = &v.value else {
            self.expect_type(v, "`expect`", "a sequence of expectations");
            return Vec::new();
        };
        if items.is_empty() {
            self.err(
                v,
                "empty",
                "`expect` is empty: a case without expectations would always pass",
            );
        }
        items
            .iter()
            .filter_map(|e| self.expectation(e, scope))
            .collect()
    }

    fn expectation(&mut self, node: &Node, scope: &Scope) -> Option<Expectation> {
        let Some(map) = node.as_map() else {
            self.expect_type(node, "an expectation", "a mapping");
            return None;
        };
        let subjects: Vec<(&Key, &Node, &Node)> = map
            .iter()
            .filter_map(|(k, v)| {
                let name = k.as_str()?;
                SUBJECT_KEYS
                    .iter()
                    .find(|s| s.name == name)
                    .map(|s| (s, k, v))
            })
            .collect();
        // In the legacy form `value:` is the compared value, not an expression.
        let legacy = subjects
            .iter()
            .find(|(s, _, _)| s.name == "attribute_path")
            .copied();
        let (subject, sk, sv) = match (legacy, subjects.as_slice()) {
            (Some(l), _) => l,
            (None, [one]) => *one,
            (None, []) => {
                let d = SourceDiagnostic::error(
                    self.src,
                    node.span,
                    "an expectation needs one of `condition`, `value`, `attribute`, `jsonpath`, `route`, `responses` or `participant_data`",
                )
                .with_code("routecheck::rules::expectation");
                let d = match map.iter().find_map(|(k, _)| {
                    let n = k.as_str()?;
                    closest(n, SUBJECT_KEYS.iter().map(|s| s.name)).map(|c| (k, n, c))
                }) {
                    Some((k, n, c)) => SourceDiagnostic {
                        span: k.span,
                        message: format!("unknown key `{n}` in an expectation"),
                        help: Some(format!("did you mean `{c}`?")),
                        ..d
                    },
                    None => d,
                };
                self.push(d);
                return None;
            }
            (None, [_, (_, second, _), ..]) => {
                self.err(
                    second,
                    "expectation",
                    "an expectation checks one thing: split it into two list items",
                );
                return None;
            }
        };
        let allowed = modifier_keys(subject.name);
        let mut mods: Vec<(&str, &Node, &Node)> = Vec::new();
        let mut bad = false;
        for (k, v) in map {
            if std::ptr::eq(k, sk) {
                continue;
            }
            let Some(name) = k.as_str() else {
                self.expect_type(k, "a key", "a string");
                bad = true;
                continue;
            };
            match allowed.iter().find(|a| **a == name) {
                Some(a) => mods.push((a, k, v)),
                None => {
                    self.unknown_key(
                        k,
                        name,
                        &format!("this `{}` expectation", subject.name),
                        allowed.iter().copied(),
                    );
                    bad = true;
                }
            }
        }
        if bad {
            return None;
        }
        let location = self.location(node.span.0);
        let check = match subject.name {
            "condition" => self.condition(sv, &mods, scope),
            "value" => self.value(sv, &mods, scope),
            "attribute" => self.attribute(sv, &mods),
            "jsonpath" => self.jsonpath(sv, &mods),
            "attribute_path" => self.legacy(sk, sv, &mods),
            "route" | "responses" if self.guest_case => self.guest_expect(subject.name, sv),
            "route" | "responses" | "participant_data" if self.needs_flow(sk) => {
                self.flow_expect(subject.name, sv)
            }
            _ => None,
        }?;
        Some(Expectation { location, check })
    }

    /// Exactly one of the modifiers (for kinds that need one).
    fn one_modifier<'m, 'n>(
        &mut self,
        subject: &Node,
        kind: &str,
        mods: &'m [(&'m str, &'n Node, &'n Node)],
    ) -> Option<(&'m str, &'n Node)> {
        match mods {
            [(name, _, v)] => Some((name, v)),
            [] => {
                let d = self
                    .error(
                        subject,
                        format!("this `{kind}` expectation says nothing about the result"),
                    )
                    .with_code("routecheck::rules::expectation")
                    .with_help(format!("add one of: {}", modifier_keys(kind).join(", ")));
                self.push(d);
                None
            }
            [_, (_, k, _), ..] => {
                self.err(
                    k,
                    "expectation",
                    format!("a `{kind}` expectation takes one test: split it into two list items"),
                );
                None
            }
        }
    }

    fn compile(&mut self, node: &Node, scope: &Scope) -> Option<Arc<Compiled>> {
        let src = self.string(node, "an expression")?;
        if let Some(c) = self.exprs.get(&src) {
            return Some(Arc::clone(c));
        }
        match expr::compile(&src, scope) {
            Ok(c) => {
                let c = Arc::new(c);
                self.exprs.insert(src, Arc::clone(&c));
                Some(c)
            }
            Err(errs) => {
                let base = expr_base(self.src, node, &src);
                for e in errs {
                    let d = match base {
                        Some(b) => e.to_diagnostic(self.src, b),
                        None => {
                            let mut d = e.to_diagnostic(self.src, node.span.0);
                            d.span = node.span;
                            d
                        }
                    };
                    self.push(d);
                }
                None
            }
        }
    }

    fn condition(
        &mut self,
        sv: &Node,
        mods: &[(&str, &Node, &Node)],
        scope: &Scope,
    ) -> Option<Check> {
        let expect = match mods {
            [] => Some(true),
            [(_, _, v)] => self.bool(v, "`is`"),
            _ => None,
        };
        let expr = self.compile(sv, scope)?;
        if *expr.ty() != Type::Boolean {
            let d = self
                .error(
                    sv,
                    format!(
                        "a condition must be Boolean, this expression is {}",
                        expr.ty()
                    ),
                )
                .with_code("routecheck::rules::type")
                .with_help("use `value:` with `equals:` to check a non-Boolean result");
            self.push(d);
            return None;
        }
        Some(Check::Condition {
            expr,
            expect: expect?,
        })
    }

    fn value(&mut self, sv: &Node, mods: &[(&str, &Node, &Node)], scope: &Scope) -> Option<Check> {
        let (m, v) = self.one_modifier(sv, "value", mods)?;
        let want = match m {
            "equals" => ValueWant::Equals(self.expected_json(v)?),
            "not_set" => ValueWant::NotSet(self.bool(v, "`not_set`")?),
            "error" => {
                match self.bool(v, "`error`")? {
                    true => ValueWant::Error,
                    false => {
                        let d = self
                        .error(v, "`error: false` checks nothing: evaluation errors always fail a case")
                        .with_code("routecheck::rules::expectation")
                        .with_help("remove it, or use `equals:` / `not_set:`");
                        self.push(d);
                        return None;
                    }
                }
            }
            _ => return None,
        };
        let expr = self.compile(sv, scope)?;
        Some(Check::Value { expr, want })
    }

    /// A YAML value as JSON, for typed comparison; null is refused (use `not_set`).
    fn expected_json(&mut self, v: &Node) -> Option<serde_json::Value> {
        match to_json(v) {
            Ok(j) => Some(j),
            Err(at) => {
                let d = self
                    .error(at, "null cannot be compared")
                    .with_code("routecheck::rules::type")
                    .with_help("use `not_set: true` to expect NOT_SET");
                self.push(d);
                None
            }
        }
    }

    fn attribute(&mut self, sv: &Node, mods: &[(&str, &Node, &Node)]) -> Option<Check> {
        let name = self.string(sv, "`attribute`")?;
        let (m, v) = self.one_modifier(sv, "attribute", mods)?;
        let test = self.attr_test(m, v)?;
        Some(Check::Attribute {
            name,
            test,
            span: sv.span,
        })
    }

    fn attr_test(&mut self, m: &str, v: &Node) -> Option<AttrTest> {
        if m == "set" {
            return Some(AttrTest::Set(self.bool(v, "`set`")?));
        }
        let Some(s) = v.as_str() else {
            let shown = v.scalar_text().unwrap_or_default();
            let d = self
                .error(
                    v,
                    format!("`{m}` must be a string, found {}", v.value.kind()),
                )
                .with_code("routecheck::rules::type")
                .with_help(format!(
                    "participant attributes are strings: write \"{shown}\""
                ));
            self.push(d);
            return None;
        };
        let s = s.to_owned();
        Some(match m {
            "equals" => AttrTest::Equals(s),
            "not_equals" => AttrTest::NotEquals(s),
            "contains" => AttrTest::Contains(s),
            "starts_with" => AttrTest::StartsWith(s),
            "matches" => match self
                .regexes
                .get(&s)
                .cloned()
                .map_or_else(|| Regex::new(&s).map(Arc::new), Ok)
            {
                Ok(r) => {
                    self.regexes.entry(s).or_insert_with(|| r.clone());
                    AttrTest::Matches(r)
                }
                Err(e) => {
                    let msg = e.to_string();
                    let last = msg
                        .lines()
                        .last()
                        .unwrap_or("invalid regex")
                        .trim()
                        .to_owned();
                    self.err(
                        v,
                        "regex",
                        format!("invalid regex: {}", last.trim_start_matches("error: ")),
                    );
                    return None;
                }
            },
            _ => return None,
        })
    }

    fn jsonpath(&mut self, sv: &Node, mods: &[(&str, &Node, &Node)]) -> Option<Check> {
        let source = self.string(sv, "`jsonpath`")?;
        let (m, v) = self.one_modifier(sv, "jsonpath", mods)?;
        let want = match m {
            "equals" => match self.expected_json(v)? {
                serde_json::Value::Array(items) => PathWant::Equals(items),
                _ => {
                    let d = self
                        .error(v, "`equals` of a jsonpath is the list of matched values")
                        .with_code("routecheck::rules::type")
                        .with_help(format!("write [{}]", v.scalar_text().unwrap_or_default()));
                    self.push(d);
                    return None;
                }
            },
            "count" => match v.value {
                NodeValue::Int(n) if n >= 0 => PathWant::Count(n as usize),
                _ => {
                    self.expect_type(v, "`count`", "a non-negative integer");
                    return None;
                }
            },
            _ => return None,
        };
        let parsed = match self.paths.get(&source) {
            Some(p) => Ok(Arc::clone(p)),
            None => JsonPath::parse(&source).map(Arc::new),
        };
        let path = match parsed {
            Ok(p) => {
                self.paths.insert(source.clone(), Arc::clone(&p));
                p
            }
            Err(e) => {
                let d = self
                    .error(sv, format!("invalid JSONPath: {e}"))
                    .with_code("routecheck::rules::jsonpath")
                    .with_help("RFC 9535 syntax, e.g. $.participants[?@.purpose == 'customer'].attributes.tier");
                self.push(d);
                return None;
            }
        };
        Some(Check::JsonPath { source, path, want })
    }

    /// `{attribute_path: "{{participant.attributes.custom.KEY}}", operator, value}`.
    fn legacy(&mut self, sk: &Node, sv: &Node, mods: &[(&str, &Node, &Node)]) -> Option<Check> {
        let raw = self.string(sv, "`attribute_path`")?;
        let inner = raw.trim();
        let inner = inner
            .strip_prefix("{{")
            .and_then(|s| s.strip_suffix("}}"))
            .unwrap_or(inner)
            .trim();
        let rest = inner
            .strip_prefix("participant.attributes.")
            .or_else(|| inner.strip_prefix("participant.data."));
        let Some(rest) = rest else {
            let d = self
                .error(
                    sv,
                    format!("cannot read `{raw}` as a participant attribute"),
                )
                .with_code("routecheck::rules::legacy")
                .with_help("write `attribute: NAME` instead");
            self.push(d);
            return None;
        };
        let name = rest
            .strip_prefix("custom.")
            .or_else(|| rest.strip_prefix("system."))
            .unwrap_or(rest)
            .to_owned();
        let operator = mods.iter().find(|(m, _, _)| *m == "operator");
        let value = mods.iter().find(|(m, _, _)| *m == "value");
        let (Some((_, _, op)), Some((_, _, val))) = (operator, value) else {
            let d = self
                .error(sk, "the legacy form needs `operator:` and `value:`")
                .with_code("routecheck::rules::legacy")
                .with_help(format!("or write `attribute: {name}` with `equals: ...`"));
            self.push(d);
            return None;
        };
        let op_name = self.string(op, "`operator`")?;
        let m = match op_name.as_str() {
            "equals" | "contains" | "not_equals" => op_name.as_str(),
            other => {
                let d = self
                    .error(op, format!("unknown operator `{other}`"))
                    .with_code("routecheck::rules::legacy")
                    .with_help(match closest(other, ["equals", "contains", "not_equals"]) {
                        Some(c) => format!("did you mean `{c}`?"),
                        None => "expected one of: equals, contains, not_equals".to_owned(),
                    });
                self.push(d);
                return None;
            }
        };
        let test = self.attr_test(m, val)?;
        let w = SourceDiagnostic::warning(self.src, sk.span, format!("legacy `attribute_path` form: checked as `attribute: {name}`"))
            .with_code("routecheck::rules::legacy")
            .with_label("legacy form")
            .with_help(format!(
                "Web Messaging participant attributes are a flat map of strings (no `custom`/`system` nesting) that Architect reads with Get Participant Data; write `attribute: {name}` and `{m}: ...`"
            ));
        self.diags.warnings.push(w);
        Some(Check::Attribute {
            name,
            test,
            span: sv.span,
        })
    }
}

/// The file-level flow keys, read in any order and combined after the loop.
#[derive(Default)]
struct FlowKeys<'n> {
    flow: Option<(&'n Node, String)>,
    vars: BTreeMap<String, String>,
    stubs: Vec<(String, Stub, (usize, usize))>,
    tables: crate::flow::Tables,
    /// Keys that mean nothing without `flow:` (`vars:`, `stubs:`, `tables:`).
    needs_flow: Vec<&'n Node>,
    directory: Option<Directory>,
}

/// Flow simulation keys (`flow:`, `vars:`, `stubs:`, the directory and the flow
/// expectations). The flow itself is loaded by the runner, once per (path, vars).
impl Loader<'_> {
    fn flow_key<'n>(&mut self, key: &str, k: &'n Node, v: &'n Node, keys: &mut FlowKeys<'n>) {
        match key {
            "flow" => {
                if let Some(p) = self.string(v, "`flow`") {
                    keys.flow = Some((v, p));
                }
            }
            "vars" => {
                keys.vars = self.string_map(v, "`vars`", "placeholder: value");
                keys.needs_flow.push(k);
            }
            "stubs" => {
                keys.stubs = self.stubs(v);
                keys.needs_flow.push(k);
            }
            "tables" => {
                keys.tables = self.tables(v);
                keys.needs_flow.push(k);
            }
            _ => {
                let map = self.string_map(v, &format!("`{key}`"), "id: name");
                let d = keys.directory.get_or_insert_with(Directory::default);
                match key {
                    "queues" => d.queues = map,
                    "users" => d.users = map,
                    _ => d.skills = map,
                }
            }
        }
    }

    /// Resolve `flow:` and keep it for the cases; returns the file's directory.
    fn flow_keys_done(&mut self, keys: FlowKeys<'_>) -> Option<Directory> {
        match keys.flow {
            Some((node, rel)) if rel.starts_with("tf:") => {
                self.flow = Some(SuiteFlow {
                    path: std::path::PathBuf::from(&rel),
                    display: rel.clone(),
                    span: node.span,
                    vars: keys.vars,
                    stubs: keys.stubs,
                    terraform: Some(rel["tf:".len()..].to_string()),
                    tables: keys.tables,
                    loaded: None,
                    index: 0,
                });
            }
            Some((node, rel)) => {
                self.flow_failed = true;
                match self.resolver.resolve(&rel) {
                    Ok((joined, path)) if path.is_file() => {
                        // `a/../` folded away, unless a symlink makes that another file.
                        let display = match lexical(&joined) {
                            l if Path::new(&l).canonicalize().is_ok_and(|c| c == path) => l,
                            _ => joined.display().to_string(),
                        };
                        self.flow = Some(SuiteFlow {
                            path,
                            display,
                            span: node.span,
                            vars: keys.vars,
                            stubs: keys.stubs,
                            terraform: None,
                            tables: keys.tables,
                            loaded: None,
                            index: 0,
                        });
                        self.flow_failed = false;
                    }
                    Ok((joined, _)) => self.err(
                        node,
                        "flow",
                        format!("flow `{}` is not a file", joined.display()),
                    ),
                    Err(e) => {
                        let code = match e {
                            crate::project::PathError::Outside { .. } => {
                                "routecheck::rules::flow-outside"
                            }
                            crate::project::PathError::NotFound { .. } => "routecheck::rules::flow",
                        };
                        let d = self
                            .error(node, e.message("flow"))
                            .with_code(code)
                            .with_help(e.help("flow"));
                        self.push(d);
                    }
                }
            }
            None => {
                for k in keys.needs_flow {
                    self.needs_flow(k);
                }
            }
        }
        keys.directory
    }

    /// Whether the file has `flow:`; reports the key at `k` when it has not.
    fn needs_flow(&mut self, k: &Node) -> bool {
        if self.flow.is_some() {
            return true;
        }
        if self.flow_failed {
            return false;
        }
        let name = k.as_str().unwrap_or("this key").to_owned();
        let d = self
            .error(
                k,
                format!("`{name}:` needs a flow: the rules file has no `flow:`"),
            )
            .with_code("routecheck::rules::flow")
            .with_help("add `flow: path/to/flow.yaml` (an Archy export, relative to this file)");
        self.push(d);
        false
    }

    /// A mapping of names to scalars, each rendered as text.
    fn string_map(&mut self, v: &Node, what: &str, shape: &str) -> BTreeMap<String, String> {
        let Some(map) = v.as_map() else {
            self.expect_type(v, what, &format!("a mapping of {shape}"));
            return BTreeMap::new();
        };
        let mut out = BTreeMap::new();
        for (k, val) in map {
            let Some(name) = self.string(k, "a name") else {
                continue;
            };
            match &val.value {
                NodeValue::Null | NodeValue::Seq(_) | NodeValue::Map(_) => {
                    self.expect_type(val, &format!("`{name}`"), "a scalar")
                }
                _ => {
                    out.insert(name, val.scalar_text().unwrap_or_default());
                }
            }
        }
        out
    }

    /// `Action name: { output: ..., values: { Var: value } }`, each located by its name.
    fn stubs(&mut self, v: &Node) -> Vec<(String, Stub, (usize, usize))> {
        let Some(map) = v.as_map() else {
            self.expect_type(v, "`stubs`", "a mapping of action name: stub");
            return Vec::new();
        };
        let mut out = Vec::with_capacity(map.len());
        for (k, val) in map {
            let Some(name) = self.string(k, "an action name") else {
                continue;
            };
            if let Some(stub) = self.deserialize::<Stub>(
                val,
                "a stub",
                "write `{ output: success, values: { Flow.X: value } }` (output is omitted for single-path actions)",
            ) {
                out.push((name, stub, k.span));
            }
        }
        out
    }

    /// `Table name: { key: Column, rows: [...] | csv: file.csv }` for Data Table Lookup.
    fn tables(&mut self, v: &Node) -> crate::flow::Tables {
        let mut out = crate::flow::Tables::default();
        let Some(map) = v.as_map() else {
            self.expect_type(v, "`tables`", "a mapping of table name: table");
            return out;
        };
        for (k, val) in map {
            let Some(name) = self.string(k, "a table name") else {
                continue;
            };
            let Some(spec) = self.deserialize::<crate::flow::TableSpec>(
                val,
                "a data table",
                "write `{ key: Column, rows: [{ Column: value, ... }] }` or `{ key: Column, csv: table.csv }`",
            ) else {
                continue;
            };
            match crate::flow::Table::from_spec(&spec, self.base_dir) {
                Ok(t) => {
                    out.0.insert(name, t);
                }
                Err(e) => {
                    let d = self
                        .error(val, format!("data table `{name}`: {e}"))
                        .with_code("routecheck::rules::table")
                        .with_help("CSV paths are relative to the rules file; the key column names the row");
                    self.push(d);
                }
            }
        }
        out
    }

    /// A YAML value read through its serde type; errors are located at `v`.
    fn deserialize<T: serde::de::DeserializeOwned>(
        &mut self,
        v: &Node,
        what: &str,
        help: &str,
    ) -> Option<T> {
        let json = match to_json(v) {
            Ok(j) => j,
            Err(at) => {
                let d = self
                    .error(at, format!("null is not allowed in {what}"))
                    .with_code("routecheck::rules::type")
                    .with_help(help.to_owned());
                self.push(d);
                return None;
            }
        };
        match serde_json::from_value(json) {
            Ok(t) => Some(t),
            Err(e) => {
                let d = self
                    .error(v, format!("invalid {what}: {e}"))
                    .with_code("routecheck::rules::type")
                    .with_help(help.to_owned());
                self.push(d);
                None
            }
        }
    }

    fn flow_expect(&mut self, subject: &str, sv: &Node) -> Option<Check> {
        let mut want = FlowExpect::default();
        match subject {
            "route" => {
                want.route = Some(self.deserialize::<RouteExpect>(
                    sv,
                    "route",
                    "write `route: { queue: NAME }` (optionally with `skills: [...]` and `priority: N`), `route: disconnect` or `route: error`",
                )?)
            }
            "responses" => {
                want.responses = Some(self.deserialize::<Vec<String>>(
                    sv,
                    "responses",
                    "write the Send Response texts in order: `responses: [\"Hi\", ...]`",
                )?)
            }
            _ => {
                want.participant_data = Some(self.deserialize::<BTreeMap<String, String>>(
                    sv,
                    "participant data",
                    "participant data is a flat map of strings: `participant_data: { name: \"value\" }`",
                )?)
            }
        }
        Some(Check::Flow(want))
    }
}

/// One overlay entry: the key and its value (`None`: YAML null removes it).
type OverlayEntry = (String, Option<String>);

/// A path with `a/../` folded away (no filesystem access), so reports name the flow
/// file as `flows/x.yaml` rather than `rules/../flows/x.yaml`.
fn lexical(p: &Path) -> String {
    use std::path::Component;
    let mut out: Vec<Component<'_>> = Vec::new();
    for c in p.components() {
        match c {
            Component::CurDir if !out.is_empty() => {}
            Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    let joined: std::path::PathBuf = out.iter().collect();
    joined.display().to_string()
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

/// Where the expression's first character is in the file, when the scalar's text is the
/// expression verbatim (plain scalars, and quoted ones without escapes).
fn expr_base(src: &SourceFile, node: &Node, expr: &str) -> Option<usize> {
    let (s, e) = node.span;
    let text = src.text.get(s..e.max(s))?;
    if text == expr {
        return Some(s);
    }
    // The reported span of a quoted scalar may or may not include the quotes.
    for (q, off) in [('"', 1usize), ('\'', 1)] {
        if text.starts_with(q) && text.get(off..off + expr.len()) == Some(expr) {
            return Some(s + off);
        }
        if s > 0 && src.text[..s].ends_with(q) && src.text.get(s..s + expr.len()) == Some(expr) {
            return Some(s);
        }
    }
    if src.text.get(s..s + expr.len()) == Some(expr) {
        return Some(s);
    }
    None
}

/// Parse `--var` text as the declared type.
fn parse_override(text: &str, ty: &Type) -> Result<Value, String> {
    match ty {
        Type::Integer => text
            .parse()
            .map(Value::Integer)
            .map_err(|_| format!("`{text}` is not an integer (the variable is Integer)")),
        Type::Decimal => text
            .parse()
            .map(Value::Decimal)
            .map_err(|_| format!("`{text}` is not a decimal (the variable is Decimal)")),
        Type::Boolean => match text {
            "true" => Ok(Value::Boolean(true)),
            "false" => Ok(Value::Boolean(false)),
            _ => Err(format!(
                "`{text}` is not true or false (the variable is Boolean)"
            )),
        },
        _ => Ok(Value::String(text.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Load `text` as if it were `rules/t.yaml` of this repository (fixtures resolve).
    fn load_text(text: &str, vars: &[(&str, &str)]) -> (Option<Suite>, Diagnostics) {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/t.yaml");
        let overrides: VarOverrides = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let mut used = Vec::new();
        let mut diags = Diagnostics::default();
        let s = load_source(
            &path,
            SourceFile::new("t.yaml", text),
            None,
            &overrides,
            &mut used,
            &mut diags,
        );
        (s, diags)
    }

    const CASE: &str = "  - name: one\n    fixture: ../fixtures/platinum-vip.json\n";

    #[test]
    fn loads_a_complete_file() {
        let text = format!(
            "suite: S\nbindings:\n  Flow.Tier: priority_tier\nvariables:\n  Flow.N: 3\n  Flow.D: 1.5\n  Flow.B: true\ncases:\n{CASE}    variables: {{ Flow.N: 4 }}\n    expect:\n      - condition: Flow.Tier == \"platinum\"\n      - value: Flow.N\n        equals: 4\n"
        );
        let (s, d) = load_text(&text, &[]);
        assert!(d.errors.is_empty(), "{:?}", d.errors);
        let s = s.unwrap();
        assert_eq!(s.name, "S");
        assert_eq!(s.participant, "customer");
        assert_eq!(s.variables[1].1, Value::Decimal(1.5));
        assert_eq!(
            s.cases[0].variables,
            vec![("Flow.N".to_owned(), Value::Integer(4))]
        );
        assert_eq!(s.cases[0].expects.len(), 2);
    }

    #[test]
    fn unknown_keys_are_located_with_a_hint() {
        let text = format!(
            "suite: S\nbindigns: {{}}\ncases:\n{CASE}    expect:\n      - attribute: x\n        equal: y\n"
        );
        let (s, d) = load_text(&text, &[]);
        assert!(s.is_none());
        assert_eq!(d.errors.len(), 2, "{:?}", d.errors);
        assert_eq!(d.errors[0].location(), "t.yaml:2:1");
        assert_eq!(
            d.errors[0].help.as_deref(),
            Some("did you mean `bindings`?")
        );
        assert_eq!(d.errors[1].location(), "t.yaml:8:9");
        assert_eq!(d.errors[1].help.as_deref(), Some("did you mean `equals`?"));
    }

    #[test]
    fn flow_keys_need_a_flow() {
        let text =
            format!("cases:\n{CASE}    stubs: {{}}\n    expect:\n      - route: disconnect\n");
        let (_, d) = load_text(&text, &[]);
        assert_eq!(d.errors.len(), 2, "{:?}", d.errors);
        assert!(d.errors.iter().all(|e| e.message.contains("needs a flow")));
        // A missing flow file is one error, not one per flow key.
        let text =
            format!("flow: nope.yaml\ncases:\n{CASE}    expect:\n      - route: disconnect\n");
        let (_, d) = load_text(&text, &[]);
        assert_eq!(d.errors.len(), 1, "{:?}", d.errors);
        assert!(d.errors[0].message.contains("not found"));
        assert_eq!(d.errors[0].location(), "t.yaml:1:7");
    }

    #[test]
    fn the_legacy_form_is_checked_as_an_attribute_with_a_warning() {
        let text = format!(
            "cases:\n{CASE}    expect:\n      - attribute_path: \"{{{{participant.attributes.custom.priority_tier}}}}\"\n        operator: contains\n        value: plat\n"
        );
        let (s, d) = load_text(&text, &[]);
        assert!(d.errors.is_empty(), "{:?}", d.errors);
        assert_eq!(d.warnings.len(), 1);
        assert_eq!(d.warnings[0].location(), "t.yaml:5:9");
        assert!(
            d.warnings[0]
                .help
                .as_deref()
                .unwrap()
                .contains("Get Participant Data")
        );
        let s = s.unwrap();
        assert!(matches!(
            &s.cases[0].expects[0].check,
            Check::Attribute { name, test: AttrTest::Contains(v), .. } if name == "priority_tier" && v == "plat"
        ));
    }

    #[test]
    fn duplicate_case_names_point_at_the_second() {
        let text = format!(
            "cases:\n{CASE}    expect: [{{attribute: a, set: true}}]\n{CASE}    expect: [{{attribute: a, set: true}}]\n"
        );
        let (_, d) = load_text(&text, &[]);
        assert_eq!(d.errors.len(), 1, "{:?}", d.errors);
        assert!(d.errors[0].message.contains("duplicate case name `one`"));
        assert_eq!(d.errors[0].location(), "t.yaml:5:11");
    }

    #[test]
    fn expression_errors_point_into_the_yaml() {
        let text = format!(
            "cases:\n{CASE}    expect:\n      - condition: Flow.Nope == \"x\"\n      - value: \"1 +\"\n        equals: 1\n"
        );
        let (_, d) = load_text(&text, &[]);
        assert!(d.errors.len() >= 2, "{:?}", d.errors);
        assert_eq!(d.errors[0].location(), "t.yaml:5:20");
        assert_eq!(
            &d.errors[0].file.text[d.errors[0].span.0..d.errors[0].span.1],
            "Flow.Nope"
        );
        assert!(
            d.errors[1].location().starts_with("t.yaml:6:"),
            "{}",
            d.errors[1].location()
        );
    }

    #[test]
    fn variable_types_and_var_overrides() {
        let base = "variables:\n  Flow.N: 3\ncases:\n";
        let text = format!(
            "{base}{CASE}    variables: {{ Flow.N: \"4\", Flow.X: 1 }}\n    expect: [{{value: Flow.N, equals: 3}}]\n"
        );
        let (_, d) = load_text(&text, &[]);
        assert_eq!(d.errors.len(), 2, "{:?}", d.errors);
        assert!(d.errors[0].message.contains("is Integer"));
        assert!(d.errors[1].message.contains("not declared"));
        let text = format!("{base}{CASE}    expect: [{{value: Flow.N, equals: 3}}]\n");
        let (s, d) = load_text(&text, &[("flow.n", "9")]);
        assert!(d.errors.is_empty(), "{:?}", d.errors);
        assert_eq!(s.unwrap().variables[0].1, Value::Integer(9));
        let (_, d) = load_text(&text, &[("Flow.N", "nine")]);
        assert!(
            d.errors[0].message.contains("not an integer"),
            "{:?}",
            d.errors
        );
    }

    #[test]
    fn typed_attribute_values_need_quotes() {
        let text = format!(
            "cases:\n{CASE}    attributes: {{ visits: 3 }}\n    expect: [{{attribute: visits, equals: 3}}]\n"
        );
        let (_, d) = load_text(&text, &[]);
        assert_eq!(d.errors.len(), 2, "{:?}", d.errors);
        assert!(
            d.errors
                .iter()
                .all(|e| e.help.as_deref().unwrap().contains("\"3\""))
        );
    }

    #[test]
    fn a_case_needs_name_fixture_and_expectations() {
        let (_, d) = load_text("cases:\n  - {}\n", &[]);
        let msgs: Vec<_> = d.errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "the case has no `name:`",
                "the case has no `fixture:`",
                "the case has no `expect:`"
            ]
        );
    }

    #[test]
    fn a_case_without_a_recording_builds_its_conversation() {
        let text = "participant: external\ncases:\n  - name: c\n    attributes: { tier: gold, gone: null }\n    message: hi\n    expect: [{attribute: tier, equals: gold}]\n  - name: d\n    message: hi\n    expect: [{attribute: tier, set: false}]\n";
        let (s, d) = load_text(text, &[]);
        assert!(d.errors.is_empty(), "{:?}", d.errors);
        let s = s.unwrap();
        let FixtureRef::Synthetic(json) = &s.cases[0].fixture else {
            panic!("{:?}", s.cases[0].fixture)
        };
        let conv = crate::conversation::Conversation::parse("t", json).unwrap();
        let p = conv.select("external").unwrap().participant;
        assert_eq!(p.attribute("tier"), Some("gold"));
        assert_eq!(p.attribute("gone"), None);
        assert_eq!(p.last_message.body.as_deref(), Some("hi"));
        assert!(matches!(s.cases[1].fixture, FixtureRef::Synthetic(_)));
    }

    #[test]
    fn large_files_fit_the_scaled_budget() {
        // ~285k YAML nodes: more than serde-saphyr's default 250k.
        let mut text = String::from("cases:\n");
        for i in 0..5000 {
            text.push_str(&format!(
                "  - name: c{i}\n    fixture: ../fixtures/platinum-vip.json\n    expect:\n"
            ));
            for j in 0..10 {
                text.push_str(&format!("      - {{attribute: a{j}, equals: v}}\n"));
            }
        }
        let (s, d) = load_text(&text, &[]);
        assert!(d.errors.is_empty(), "{:?}", d.errors.first());
        assert_eq!(s.unwrap().cases.len(), 5000);
    }

    #[test]
    fn alias_bombs_fail_with_a_location() {
        let mut y = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..9 {
            let p = i - 1;
            y.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
        }
        y.push_str("cases: *a8\n");
        let (_, d) = load_text(&y, &[]);
        assert_eq!(d.errors.len(), 1, "{:?}", d.errors);
        assert!(
            d.errors[0].message.starts_with("invalid YAML"),
            "{}",
            d.errors[0].message
        );
        assert!(d.errors[0].location().starts_with("t.yaml:"));
    }

    #[test]
    fn line_index_matches_the_shared_one() {
        let text = "ab\nçd\n\nx";
        let idx = LineIndex::new(text);
        let src = SourceFile::new("t", text);
        for off in 0..=text.len() {
            if text.is_char_boundary(off) {
                assert_eq!(idx.line_col(text, off), src.line_col(off), "{off}");
            }
        }
    }

    fn load_live(text: &str, live: Option<&str>) -> (Option<Suite>, Diagnostics) {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/t.yaml");
        let mut diags = Diagnostics::default();
        let s = load_source(
            &path,
            SourceFile::new("t.yaml", text),
            live,
            &VarOverrides::new(),
            &mut Vec::new(),
            &mut diags,
        );
        (s, diags)
    }

    #[test]
    fn a_case_reads_a_fixture_or_a_conversation() {
        let expect = "    expect: [{attribute: a, set: true}]\n";
        let (s, d) = load_live(
            &format!("cases:\n  - name: c\n    conversation: abc-1\n{expect}"),
            None,
        );
        assert!(d.errors.is_empty(), "{:?}", d.errors);
        let case = &s.unwrap().cases[0];
        assert_eq!(case.fixture, FixtureRef::Conversation("abc-1".into()));
        assert_eq!(case.fixture_location.to_string(), "t.yaml:3:19");
        let (_, d) = load_live(
            &format!(
                "{}    conversation: abc-1\n{expect}",
                format_args!("cases:\n{CASE}")
            ),
            None,
        );
        assert_eq!(d.errors.len(), 1, "{:?}", d.errors);
        assert!(d.errors[0].message.contains("not both"));
        assert_eq!(d.errors[0].location(), "t.yaml:4:5");
        let (_, d) = load_live(
            &format!("cases:\n  - name: c\n    conversation: \"a b\"\n{expect}"),
            None,
        );
        assert_eq!(d.errors[0].location(), "t.yaml:3:19");
    }

    #[test]
    fn conversation_flag_replaces_every_fixture_unresolved() {
        let text = "cases:\n  - name: c\n    fixture: missing.json\n    expect: [{attribute: a, set: true}]\n  - name: d\n    expect: [{attribute: a, set: true}]\n";
        let (s, d) = load_live(text, Some("live-1"));
        assert!(d.errors.is_empty(), "{:?}", d.errors);
        let s = s.unwrap();
        assert!(
            s.cases
                .iter()
                .all(|c| c.fixture == FixtureRef::Conversation("live-1".into()))
        );
        let (_, d) = load_live(text, None);
        assert_eq!(d.errors.len(), 2, "{:?}", d.errors);
    }

    #[test]
    fn unset_variables_are_located_and_secrets_scrubbed() {
        let (_, d) = load_live(
            "cases:\n  - name: c\n    conversation: ${ROUTECHECK_TEST_UNSET_VAR_7}\n    expect: [{attribute: a, set: true}]\n",
            None,
        );
        assert_eq!(d.errors.len(), 1, "{:?}", d.errors);
        assert_eq!(d.errors[0].location(), "t.yaml:3:19");
        assert!(
            d.errors[0]
                .message
                .contains("ROUTECHECK_TEST_UNSET_VAR_7 is not set")
        );
    }
}
