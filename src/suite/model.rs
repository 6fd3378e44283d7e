//! A loaded, compiled rules file: what the runner executes. Everything user-written has
//! been checked and every expression compiled, so running cannot fail on the rules.

use std::path::PathBuf;
use std::sync::Arc;

use regex::Regex;
use serde_json_path::JsonPath;

use crate::diag::SourceFile;
use crate::expr::{Compiled, Directory, Value};
use crate::flow::{Flow, FlowExpect, Stub, Stubs};
use crate::guest::{GuestSpec, Part};
use crate::report::Location;

/// Where a case's conversation comes from. Today a fixture file; live mode adds a
/// conversation id fetched from the API (`conversation:`), read through the same seam.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FixtureRef {
    /// A JSON file: canonical path (the cache key) and the path as the rules file wrote
    /// it, resolved against the rules file's directory (for messages).
    File {
        /// Canonical path.
        canonical: PathBuf,
        /// Display path.
        display: String,
    },
    /// A live conversation id.
    Conversation(String),
    /// A `guest:` case: the conversation its own guest session starts.
    Guest(GuestRef),
    /// No recording: the case's `attributes:` and `message:` as a minimal Web Messaging
    /// conversation (its JSON text, see [`crate::conversation::synthetic`]).
    Synthetic(String),
}

/// A `guest:` case's session. Each case opens its own session, so it is keyed by file
/// and case name (the spec may repeat across cases).
#[derive(Debug, Clone)]
pub struct GuestRef {
    /// The rules file.
    pub file: String,
    /// The case name.
    pub case: String,
    /// What the session does.
    pub spec: Arc<GuestSpec>,
    /// Where its parts are written (errors point there).
    pub at: Arc<GuestAt>,
}

/// Where the parts of a `guest:` mapping are written.
#[derive(Debug, Clone)]
pub struct GuestAt {
    /// The `guest:` value.
    pub guest: Location,
    /// `attributes:`.
    pub attributes: Option<Location>,
    /// Each `say:` message.
    pub say: Vec<Location>,
}

impl GuestRef {
    /// Where an error about `part` points.
    pub fn location(&self, part: Part) -> Location {
        match part {
            Part::Attributes => self.at.attributes.as_ref(),
            Part::Say(i) => self.at.say.get(i),
            Part::Guest => None,
        }
        .unwrap_or(&self.at.guest)
        .clone()
    }
}

impl PartialEq for GuestRef {
    fn eq(&self, other: &Self) -> bool {
        (&self.file, &self.case) == (&other.file, &other.case)
    }
}
impl Eq for GuestRef {}
impl std::hash::Hash for GuestRef {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        (&self.file, &self.case).hash(h)
    }
}
impl PartialOrd for GuestRef {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for GuestRef {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (&self.file, &self.case).cmp(&(&other.file, &other.case))
    }
}

impl FixtureRef {
    /// How messages name it.
    pub fn display(&self) -> &str {
        match self {
            FixtureRef::File { display, .. } => display,
            FixtureRef::Conversation(id) => id,
            FixtureRef::Guest(g) => &g.case,
            FixtureRef::Synthetic(_) => "the conversation built from the case (no recording)",
        }
    }
}

/// One rules file.
#[derive(Debug)]
pub struct Suite {
    /// `suite:` or the file stem.
    pub name: String,
    /// The file, as the user gave it (or as found walking a directory).
    pub file: String,
    /// Its text, for diagnostics.
    pub source: SourceFile,
    /// The `purpose` of the participant whose attributes are participant data.
    pub participant: String,
    /// `bindings:` in file order.
    pub bindings: Vec<Binding>,
    /// `variables:` (after `--var` overrides), in file order.
    pub variables: Vec<(String, Value)>,
    /// Cases in file order.
    pub cases: Vec<Case>,
    /// Values interpolated from secret-named environment variables: scrubbed from every
    /// message about this suite's cases.
    pub redact: Vec<String>,
    /// `flow:` and what goes with it; `None` in a file without a flow.
    pub flow: Option<SuiteFlow>,
    /// `queues:` / `users:` / `skills:`; `None` uses the run's directory.
    pub directory: Option<Directory>,
}

/// A rules file's flow: what the loader read, and the flow once the runner loaded it.
#[derive(Debug)]
pub struct SuiteFlow {
    /// The flow file, resolved against the rules file (canonical: the cache key).
    pub path: PathBuf,
    /// The flow file as the rules file names it, resolved (for messages).
    pub display: String,
    /// Byte span of the `flow:` value in the rules file.
    pub span: (usize, usize),
    /// `vars:` — placeholder values (before `--var`).
    pub vars: std::collections::BTreeMap<String, String>,
    /// File-level `stubs:`, each with the byte span of its name in the rules file.
    pub stubs: Vec<(String, Stub, (usize, usize))>,
    /// `flow: tf:genesyscloud_flow.NAME`: the Terraform resource named, resolved by the
    /// runner against `--terraform DIR`.
    pub terraform: Option<String>,
    /// `tables:` — data tables for Data Table Lookup.
    pub tables: crate::flow::Tables,
    /// The loaded flow (shared by every file naming the same path and vars), set by
    /// the runner after every rules file is loaded.
    pub loaded: Option<Arc<Flow>>,
    /// The flows its calls reach (the project's flows folders), read on first use.
    pub library: Option<Arc<crate::flow::Library>>,
    /// Index of the flow in the run's flow list (coverage is per flow).
    pub index: usize,
}

/// `Flow.X: attribute` — Get Participant Data by hand.
#[derive(Debug, Clone)]
pub struct Binding {
    /// Variable name, e.g. `Flow.PriorityTier`.
    pub variable: String,
    /// Attribute name, exact (attribute names are case-sensitive).
    pub attribute: String,
    /// Byte span of the attribute name in the rules file (near misses point here).
    pub span: (usize, usize),
}

/// One case.
#[derive(Debug)]
pub struct Case {
    /// Unique in its file.
    pub name: String,
    /// Where the case starts.
    pub location: Location,
    /// Byte span of its `name:` value (warnings about the whole case point here).
    pub span: (usize, usize),
    /// Where `fixture:` or `conversation:` is written (errors reading it point here).
    pub fixture_location: Location,
    /// The conversation.
    pub fixture: FixtureRef,
    /// `attributes:` overlay: a value sets, `None` (YAML null) removes.
    pub attributes: Vec<(String, Option<String>)>,
    /// Byte span of each overlay key, parallel to `attributes` (near misses point here).
    pub attribute_spans: Vec<(usize, usize)>,
    /// `message:` — Message.Message.body.
    pub message: Option<String>,
    /// `messages:` — the customer's messages in order (the first is `message`).
    pub messages: Vec<crate::flow::CustomerMessage>,
    /// Per-case variable overrides.
    pub variables: Vec<(String, Value)>,
    /// What must hold, in file order.
    pub expects: Vec<Expectation>,
    /// Some expectation reads the raw JSON (jsonpath): keep the fixture's tree.
    pub needs_tree: bool,
    /// The case's own `stubs:`, each with the byte span of its name (checked against
    /// the flow after loading).
    pub own_stubs: Vec<(String, Stub, (usize, usize))>,
    /// The stubs a flow run uses: the file's, with the case's replacing same-named ones.
    pub stubs: Stubs,
    /// `new_conversation:` — Message.IsNewConversation (default true).
    pub new_conversation: bool,
    /// `now:` — the case's clock (over the run's `--now`).
    pub now: Option<crate::expr::DateTime>,
}

/// One expectation, located.
#[derive(Debug)]
pub struct Expectation {
    /// Where it is written.
    pub location: Location,
    /// What it checks.
    pub check: Check,
}

/// The kinds of expectation. New kinds are added here and in `load::expectation`.
#[derive(Debug)]
pub enum Check {
    /// A Boolean expression that must evaluate to `expect`.
    Condition {
        /// Compiled expression.
        expr: Arc<Compiled>,
        /// Expected truth value (`is:`, default true).
        expect: bool,
    },
    /// An expression's value.
    Value {
        /// Compiled expression.
        expr: Arc<Compiled>,
        /// What it must be.
        want: ValueWant,
    },
    /// Raw participant data.
    Attribute {
        /// Attribute name, exact.
        name: String,
        /// The test.
        test: AttrTest,
        /// Byte span of the name in the rules file (near misses point here).
        span: (usize, usize),
    },
    /// A JSONPath query over the fixture's raw JSON.
    JsonPath {
        /// The query as written.
        source: String,
        /// Parsed query (shared by every case that writes the same query).
        path: Arc<JsonPath>,
        /// What the matched values must be.
        want: PathWant,
    },
    /// `route:`, `responses:` or `participant_data:` — what the simulated flow did.
    Flow(FlowExpect),
    /// In a `guest:` case, `responses:` and `route:` — what the real org did.
    Guest(GuestCheck),
}

/// What a `guest:` case's `responses:` / `route:` compare.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GuestCheck {
    /// The Outbound texts, in `channel.time` order.
    Responses(Vec<String>),
    /// The name of the queue the conversation reached.
    Queue(String),
}

/// What a `value:` expectation wants.
#[derive(Debug)]
pub enum ValueWant {
    /// Typed equality with a YAML value (kept as JSON: strings and numbers stay apart).
    Equals(serde_json::Value),
    /// `not_set: true` (NOT_SET) or `not_set: false` (anything but NOT_SET).
    NotSet(bool),
    /// `error: true`: evaluation raises a runtime error (the flow's error path).
    Error,
}

/// What an `attribute:` expectation tests.
#[derive(Debug)]
pub enum AttrTest {
    /// Present and equal.
    Equals(String),
    /// Absent, or present and different.
    NotEquals(String),
    /// Present and containing.
    Contains(String),
    /// Present and starting with.
    StartsWith(String),
    /// Present and matching (unanchored, like `regex::Regex::is_match`).
    Matches(Arc<Regex>),
    /// Present (`true`) or absent (`false`).
    Set(bool),
}

/// What a `jsonpath:` expectation wants.
#[derive(Debug)]
pub enum PathWant {
    /// The matched values, in document order.
    Equals(Vec<serde_json::Value>),
    /// The number of matches.
    Count(usize),
}
