//! One located YAML tree, built straight from the parser's events.
//!
//! serde-saphyr's `Spanned` loses positions inside flattened and untagged types, and
//! Archy actions are single-key maps of many shapes, so every YAML file (rules, flows,
//! lint manifests and config, snapshot config, stubs) is read into this generic tree and
//! walked by hand. Skipping the serde layer is also about twice as fast on large files.
//!
//! One reading for every file kind (YAML 1.2 core schema): `true`/`false` (any case
//! spelling the spec allows) are booleans, `yes`/`on`/`y` are text; `~`, `null` and
//! nothing are null; explicit tags other than the core ones (`!foo`, `!!binary`) and
//! duplicate keys are refused; one document per file. Budgets scale with the input so a
//! deep flow loads, while anchors and aliases stay capped so an alias bomb still fails.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use granit_parser::{Event, Parser, ScalarStyle, ScanError, Span, Tag};

use super::{FileKind, Problem, SourceFile};
use crate::diag::SourceDiagnostic;

/// A YAML node with its byte span in the source.
#[derive(Debug, Clone)]
pub struct Node {
    /// Byte range of the node (for an alias: where the alias is used).
    pub span: (usize, usize),
    /// The value.
    pub value: NodeValue,
}

/// The value of a node. Scalars keep YAML's resolution: `5` is an integer, `"5"` a string.
#[derive(Debug, Clone)]
pub enum NodeValue {
    /// `~`, `null` or nothing.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string (quoted, or plain text that resolves to no other type).
    Str(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in file order, keys located.
    Map(Vec<(Node, Node)>),
}

impl NodeValue {
    /// A noun for messages: "a string", "a mapping", …
    pub fn kind(&self) -> &'static str {
        match self {
            NodeValue::Null => "null",
            NodeValue::Bool(_) => "a boolean",
            NodeValue::Int(_) => "an integer",
            NodeValue::Float(_) => "a decimal",
            NodeValue::Str(_) => "a string",
            NodeValue::Seq(_) => "a sequence",
            NodeValue::Map(_) => "a mapping",
        }
    }
}

impl Node {
    /// Byte offset of the node's first character.
    pub fn off(&self) -> usize {
        self.span.0
    }

    /// The string, if this is a string scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            NodeValue::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Mapping entries, if this is a mapping.
    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.value {
            NodeValue::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The items of a sequence.
    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            NodeValue::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// A mapping's value for `key`.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    /// A mapping's key node and value for `key`.
    pub fn entry(&self, key: &str) -> Option<(&Node, &Node)> {
        self.as_map()?
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(k, v)| (k, v))
    }

    /// The single entry of a one-key mapping (`- updateData: {...}`).
    pub fn single_entry(&self) -> Option<(&str, &Node, &Node)> {
        match self.as_map()? {
            [(k, v)] => Some((k.as_str()?, k, v)),
            _ => None,
        }
    }

    /// Render a scalar as YAML would show it (for messages and `--var`-style text).
    pub fn scalar_text(&self) -> Option<String> {
        Some(match &self.value {
            NodeValue::Null => "null".into(),
            NodeValue::Bool(b) => b.to_string(),
            NodeValue::Int(i) => i.to_string(),
            NodeValue::Float(f) => f.to_string(),
            NodeValue::Str(s) => s.clone(),
            NodeValue::Seq(_) | NodeValue::Map(_) => return None,
        })
    }

    /// The node as JSON (null stays null; a float JSON cannot hold becomes null).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            NodeValue::Null => J::Null,
            NodeValue::Bool(b) => J::Bool(*b),
            NodeValue::Int(i) => J::from(*i),
            NodeValue::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
            NodeValue::Str(s) => J::String(s.clone()),
            NodeValue::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            NodeValue::Map(entries) => J::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.scalar_text().unwrap_or_default(), v.to_json()))
                    .collect(),
            ),
        }
    }

    /// A short description of the node's shape, for flow error messages.
    pub fn shape(&self) -> &'static str {
        match self.value {
            NodeValue::Null => "nothing",
            NodeValue::Bool(_) => "a boolean",
            NodeValue::Int(_) => "an integer",
            NodeValue::Float(_) => "a number",
            NodeValue::Str(_) => "a string",
            NodeValue::Seq(_) => "a list",
            NodeValue::Map(_) => "a mapping",
        }
    }
}

/// Resource limits of one parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Deepest nesting of sequences and mappings.
    pub max_depth: usize,
    /// Nodes in the tree, counting every alias expansion in full.
    pub max_nodes: usize,
    /// `*alias` uses.
    pub max_aliases: usize,
    /// `&anchor` definitions.
    pub max_anchors: usize,
}

impl Limits {
    /// The limits for a document of `len` bytes. Nodes and depth grow with the input
    /// (nothing written out by hand can exceed them); depth is capped so every recursive
    /// walk of the tree stays far inside the stack; aliases and anchors stay fixed, which
    /// with the node budget is what stops "billion laughs" expansion.
    pub fn for_len(len: usize) -> Self {
        Limits {
            max_depth: (len / 16).clamp(256, 4096),
            max_nodes: len.saturating_add(1024).max(250_000),
            max_aliases: 10_000,
            max_anchors: 10_000,
        }
    }
}

/// How to read one file kind.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Keep a plain scalar key's spelling as a string (`no:`, `1:` stay `"no"`, `"1"`):
    /// flow keys are names. Otherwise keys resolve like values and loaders refuse non-strings.
    pub keys_as_text: bool,
    /// Resource limits.
    pub limits: Limits,
}

impl Options {
    /// Default options for a document of `len` bytes.
    pub fn for_len(len: usize) -> Self {
        Options {
            keys_as_text: false,
            limits: Limits::for_len(len),
        }
    }
}

/// What kind of YAML error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The parser's syntax error.
    Syntax,
    /// A key twice in one mapping.
    DuplicateKey,
    /// A tag outside the core schema, or a value its tag does not fit.
    Tag,
    /// Too deep, too many nodes, anchors or aliases.
    Budget,
    /// More than one document.
    Documents,
}

/// A YAML error: message and byte span in the parsed text.
#[derive(Debug, Clone)]
pub struct YamlError {
    /// What went wrong, lowercase.
    pub message: String,
    /// Where (byte range in the parsed text).
    pub span: (usize, usize),
    /// Which kind of problem.
    pub kind: ErrorKind,
}

impl YamlError {
    fn new(kind: ErrorKind, span: (usize, usize), message: impl Into<String>) -> Self {
        YamlError {
            message: message.into(),
            span,
            kind,
        }
    }

    /// A help line for this kind of error, if there is a useful one.
    pub fn help(&self) -> Option<&'static str> {
        match self.kind {
            ErrorKind::Budget => Some(
                "the file expands to too much data through anchors and aliases (a YAML bomb?) or nests too deep; write the values out instead",
            ),
            ErrorKind::DuplicateKey => Some("each key may appear once per mapping"),
            ErrorKind::Tag => Some("remove the tag: no routecheck file uses YAML tags"),
            ErrorKind::Documents => Some("a file holds one YAML document: remove the `---`"),
            ErrorKind::Syntax => None,
        }
    }

    /// The located diagnostic for a file of `kind` (the YAML was `source`'s text).
    pub fn diagnostic(&self, source: &SourceFile, kind: FileKind) -> SourceDiagnostic {
        let mut d =
            SourceDiagnostic::error(source, self.span, format!("invalid YAML: {}", self.message))
                .with_code(kind.code(Problem::Yaml));
        if let Some(h) = self.help() {
            d = d.with_help(h);
        }
        d
    }
}

fn span_of(s: &Span) -> (usize, usize) {
    let start = s.start.byte_offset().unwrap_or(0);
    (start, s.end.byte_offset().unwrap_or(start).max(start))
}

fn scan_error(e: &ScanError) -> YamlError {
    let at = e.marker().byte_offset().unwrap_or(0);
    let mut message = e.info();
    if let Some(c) = message.get(..1)
        && c.chars().all(|c| c.is_ascii_uppercase())
        && message.chars().nth(1).is_some_and(char::is_lowercase)
    {
        message.replace_range(..1, &c.to_ascii_lowercase());
    }
    let mut message = message.trim_end_matches('.').to_string();
    let kind = if message.contains("nesting") || message.contains("limit") {
        message = format!("budget exceeded: {message}");
        ErrorKind::Budget
    } else {
        ErrorKind::Syntax
    };
    YamlError::new(kind, (at, at), message)
}

const CORE: &str = "tag:yaml.org,2002:";

/// The core-schema tag name of an explicit tag (`!!str` → `str`); `Err` for any other tag.
fn core_tag(tag: Option<&Cow<'_, Tag>>, span: (usize, usize)) -> Result<Option<String>, YamlError> {
    let Some(tag) = tag else { return Ok(None) };
    if tag.handle() == "!" && tag.suffix().is_empty() {
        return Ok(Some("str".into()));
    }
    if tag.handle() == CORE
        && matches!(
            tag.suffix(),
            "str" | "int" | "float" | "bool" | "null" | "seq" | "map"
        )
    {
        return Ok(Some(tag.suffix().to_string()));
    }
    let shown = if tag.handle() == CORE {
        format!("!!{}", tag.suffix())
    } else {
        tag.to_string()
    };
    Err(YamlError::new(
        ErrorKind::Tag,
        span,
        format!("unknown tag `{shown}`"),
    ))
}

fn resolve_plain(v: Cow<'_, str>) -> NodeValue {
    // Most plain scalars in rules and flows are words: only these first characters can
    // start a null, boolean, number or special float.
    if !v
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_digit() || b"+-.~nNtTfF".contains(&b))
        && !v.is_empty()
    {
        return NodeValue::Str(v.into_owned());
    }
    match &*v {
        "" | "~" | "null" | "Null" | "NULL" => return NodeValue::Null,
        "true" | "True" | "TRUE" => return NodeValue::Bool(true),
        "false" | "False" | "FALSE" => return NodeValue::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return NodeValue::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return NodeValue::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return NodeValue::Float(f64::NAN),
        _ => {}
    }
    if let Some(i) = parse_int(&v) {
        return i;
    }
    if is_float(&v)
        && let Ok(f) = v.parse::<f64>()
    {
        return NodeValue::Float(f);
    }
    NodeValue::Str(v.into_owned())
}

/// A core-schema integer: decimal, `0o` octal or `0x` hex. One that does not fit in 64
/// bits is a decimal number (the nearest float), never silently wrapped.
fn parse_int(v: &str) -> Option<NodeValue> {
    let (neg, digits) = match v.as_bytes().first()? {
        b'-' => (true, &v[1..]),
        b'+' => (false, &v[1..]),
        _ => (false, v),
    };
    let (radix, body) = if let Some(h) = digits.strip_prefix("0x").filter(|_| v == digits) {
        (16, h)
    } else if let Some(o) = digits.strip_prefix("0o").filter(|_| v == digits) {
        (8, o)
    } else {
        (10, digits)
    };
    if body.is_empty() || !body.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let signed = if neg {
        format!("-{body}")
    } else {
        body.to_string()
    };
    Some(match i64::from_str_radix(&signed, radix) {
        Ok(i) => NodeValue::Int(i),
        Err(_) => NodeValue::Float(v.parse().unwrap_or(f64::INFINITY)),
    })
}

/// `[-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?`
fn is_float(v: &str) -> bool {
    let b = v.trim_start_matches(['-', '+']);
    if v.len() - b.len() > 1 {
        return false;
    }
    let (mant, exp) = match b.find(['e', 'E']) {
        Some(i) => (&b[..i], Some(&b[i + 1..])),
        None => (b, None),
    };
    let (int, frac) = match mant.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mant, None),
    };
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    let mant_ok = match frac {
        Some(f) => digits(int) && digits(f) && !(int.is_empty() && f.is_empty()),
        None => !int.is_empty() && digits(int),
    };
    let exp_ok = exp.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mant_ok && exp_ok
}

fn resolve_scalar(
    v: Cow<'_, str>,
    style: ScalarStyle,
    tag: Option<&str>,
    span: (usize, usize),
) -> Result<NodeValue, YamlError> {
    let plain = matches!(style, ScalarStyle::Plain);
    let bad = |what: &str| {
        YamlError::new(
            ErrorKind::Tag,
            span,
            format!("`{v}` is not {what} (tag `!!{}`)", tag.unwrap_or("")),
        )
    };
    Ok(match tag {
        None if plain => resolve_plain(v),
        None | Some("str") => NodeValue::Str(v.into_owned()),
        Some("null") => match resolve_plain(Cow::Borrowed(&v)) {
            NodeValue::Null => NodeValue::Null,
            _ => return Err(bad("null")),
        },
        Some("bool") => match resolve_plain(Cow::Borrowed(&v)) {
            b @ NodeValue::Bool(_) => b,
            _ => return Err(bad("a boolean")),
        },
        Some("int") => match parse_int(&v) {
            Some(i @ NodeValue::Int(_)) => i,
            _ => return Err(bad("an integer")),
        },
        Some("float") => match resolve_plain(Cow::Borrowed(&v)) {
            NodeValue::Int(i) => NodeValue::Float(i as f64),
            f @ NodeValue::Float(_) => f,
            _ => return Err(bad("a number")),
        },
        Some(other) => {
            return Err(YamlError::new(
                ErrorKind::Tag,
                span,
                format!("a scalar cannot have the tag `!!{other}`"),
            ));
        }
    })
}

/// A collection being built.
struct Frame {
    start: usize,
    anchor: usize,
    nodes_before: usize,
    body: Body,
}

enum Body {
    Seq(Vec<Node>),
    Map {
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
        /// Key identities, built only once a mapping is large: small ones (nearly all)
        /// are scanned, which allocates nothing.
        seen: Option<HashSet<String>>,
    },
}

/// Mappings up to this many entries find a duplicate key by scanning.
const SCAN_KEYS: usize = 16;

/// Whether two keys are the same key (`1` and `"1"` differ unless keys are read as text);
/// a collection key never equals another.
fn same_key(a: &Node, b: &Node) -> bool {
    match (&a.value, &b.value) {
        (NodeValue::Str(x), NodeValue::Str(y)) => x == y,
        (NodeValue::Seq(_) | NodeValue::Map(_), _) | (_, NodeValue::Seq(_) | NodeValue::Map(_)) => {
            false
        }
        (x, y) => x.kind() == y.kind() && a.scalar_text() == b.scalar_text(),
    }
}

/// Whether `key` repeats a key of `entries` (`seen` caches identities past [`SCAN_KEYS`]).
fn repeats(entries: &[(Node, Node)], seen: &mut Option<HashSet<String>>, key: &Node) -> bool {
    if entries.len() < SCAN_KEYS {
        return entries.iter().any(|(k, _)| same_key(k, key));
    }
    let seen = seen.get_or_insert_with(|| {
        entries
            .iter()
            .filter_map(|(k, _)| key_identity(k))
            .collect()
    });
    key_identity(key).is_some_and(|id| !seen.insert(id))
}

/// The identity of a scalar key for duplicate detection (`1` and `"1"` differ unless keys
/// are read as text).
fn key_identity(k: &Node) -> Option<String> {
    Some(match &k.value {
        NodeValue::Str(s) => format!("s{s}"),
        NodeValue::Seq(_) | NodeValue::Map(_) => return None,
        v => format!("{}{}", v.kind(), k.scalar_text()?),
    })
}

/// What [`parse_streaming`] hands out while it parses.
#[derive(Debug)]
pub enum Piece {
    /// The root mapping's entries written before the streamed key, sent when that key's
    /// sequence opens.
    Header(Vec<(Node, Node)>),
    /// One item of the streamed sequence, complete.
    Item(Node),
}

/// Where a streamed parse is: waiting for the key's sequence, inside it (the stack depth
/// of its frame), or past it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum StreamState {
    Waiting,
    Active(usize),
    Done,
}

struct Stream<'s> {
    key: &'s str,
    sink: &'s mut dyn FnMut(Piece),
    state: StreamState,
}

struct Builder<'t, 's> {
    text: &'t str,
    opts: Options,
    stream: Option<Stream<'s>>,
    stack: Vec<Frame>,
    root: Option<Node>,
    anchors: HashMap<usize, (Node, usize)>,
    nodes: usize,
    aliases: usize,
}

impl Builder<'_, '_> {
    fn count(&mut self, n: usize, span: (usize, usize)) -> Result<(), YamlError> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > self.opts.limits.max_nodes {
            return Err(YamlError::new(
                ErrorKind::Budget,
                span,
                format!(
                    "budget exceeded: the document has more than {} nodes (aliases counted in full)",
                    self.opts.limits.max_nodes
                ),
            ));
        }
        Ok(())
    }

    fn remember(&mut self, anchor: usize, node: &Node, count: usize) -> Result<(), YamlError> {
        if anchor == 0 {
            return Ok(());
        }
        if self.anchors.len() >= self.opts.limits.max_anchors {
            return Err(YamlError::new(
                ErrorKind::Budget,
                node.span,
                format!(
                    "budget exceeded: more than {} anchors",
                    self.opts.limits.max_anchors
                ),
            ));
        }
        self.anchors.insert(anchor, (node.clone(), count));
        Ok(())
    }

    fn open(&mut self, start: usize, anchor: usize, body: Body) -> Result<(), YamlError> {
        if self.stack.len() >= self.opts.limits.max_depth {
            return Err(YamlError::new(
                ErrorKind::Budget,
                (start, start),
                format!(
                    "budget exceeded: nesting deeper than {} levels",
                    self.opts.limits.max_depth
                ),
            ));
        }
        self.count(1, (start, start))?;
        // The streamed key's sequence (not anchored: an alias of it would need its items).
        if let Some(st) = &mut self.stream
            && st.state == StreamState::Waiting
            && anchor == 0
            && matches!(body, Body::Seq(_))
            && let [root] = self.stack.as_slice()
            && let Body::Map {
                entries,
                key: Some(k),
                ..
            } = &root.body
            && k.as_str() == Some(st.key)
        {
            st.state = StreamState::Active(2);
            (st.sink)(Piece::Header(entries.clone()));
        }
        self.stack.push(Frame {
            start,
            anchor,
            nodes_before: self.nodes - 1,
            body,
        });
        Ok(())
    }

    fn close(&mut self, end: usize) -> Result<(), YamlError> {
        if let Some(st) = &mut self.stream
            && st.state == StreamState::Active(self.stack.len())
        {
            st.state = StreamState::Done;
        }
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        let value = match frame.body {
            Body::Seq(items) => NodeValue::Seq(items),
            Body::Map { entries, .. } => NodeValue::Map(entries),
        };
        let node = Node {
            span: (frame.start, end.max(frame.start)),
            value,
        };
        let count = self.nodes - frame.nodes_before;
        self.remember(frame.anchor, &node, count)?;
        self.push(node)
    }

    fn push(&mut self, mut node: Node) -> Result<(), YamlError> {
        if let Some(st) = &mut self.stream
            && st.state == StreamState::Active(self.stack.len())
        {
            (st.sink)(Piece::Item(node));
            return Ok(());
        }
        let Some(top) = self.stack.last_mut() else {
            self.root = Some(node);
            return Ok(());
        };
        match &mut top.body {
            Body::Seq(items) => items.push(node),
            Body::Map { entries, key, seen } => match key.take() {
                Some(k) => entries.push((k, node)),
                None => {
                    if self.opts.keys_as_text
                        && !matches!(
                            node.value,
                            NodeValue::Str(_) | NodeValue::Seq(_) | NodeValue::Map(_)
                        )
                    {
                        let raw = self.text.get(node.span.0..node.span.1).unwrap_or("");
                        node.value = NodeValue::Str(raw.trim_end().to_string());
                    }
                    if repeats(entries, seen, &node) {
                        let shown = node.scalar_text().unwrap_or_default();
                        return Err(YamlError::new(
                            ErrorKind::DuplicateKey,
                            node.span,
                            format!("duplicate key `{}`", shorten(&shown)),
                        ));
                    }
                    *key = Some(node);
                }
            },
        }
        Ok(())
    }
}

/// At most 60 characters of `s`, for messages.
fn shorten(s: &str) -> String {
    match s.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// Parse `text` (one document) into a located tree.
pub fn parse_with(text: &str, opts: Options) -> Result<Node, YamlError> {
    build(text, opts, None)
}

/// Parse `text` like [`parse_with`], but when the root mapping's `key` holds a sequence,
/// hand `sink` the entries before it ([`Piece::Header`]) and then each item as soon as it
/// is complete ([`Piece::Item`]) instead of keeping them: a consumer on another thread
/// works on the first items while the rest is parsed, and the whole list never exists
/// as one tree. The returned root holds that key with an empty sequence. When no such
/// sequence is found, nothing is sent and the whole tree is returned, as by `parse_with`.
pub fn parse_streaming(
    text: &str,
    opts: Options,
    key: &str,
    sink: &mut dyn FnMut(Piece),
) -> Result<Node, YamlError> {
    build(
        text,
        opts,
        Some(Stream {
            key,
            sink,
            state: StreamState::Waiting,
        }),
    )
}

fn build(text: &str, opts: Options, stream: Option<Stream<'_>>) -> Result<Node, YamlError> {
    let mut popts = granit_parser::Options::default();
    popts.flow_nesting_limit = opts.limits.max_depth;
    popts.block_nesting_limit = opts.limits.max_depth;
    let parser = Parser::new_from_str_with_options(text, popts);
    let mut b = Builder {
        text,
        opts,
        stream,
        stack: Vec::new(),
        root: None,
        anchors: HashMap::new(),
        nodes: 0,
        aliases: 0,
    };
    let mut documents = 0;
    for item in parser {
        let (event, span) = item.map_err(|e| scan_error(&e))?;
        let at = span_of(&span);
        // A tag error points at the tag.
        let tag_at = span
            .tag_start
            .and_then(|m| m.byte_offset())
            .map_or(at, |t| (t.min(at.0), at.1));
        match event {
            Event::DocumentStart(..) => {
                documents += 1;
                if documents > 1 {
                    return Err(YamlError::new(
                        ErrorKind::Documents,
                        at,
                        "more than one document in the file",
                    ));
                }
            }
            Event::Alias(id) => {
                b.aliases += 1;
                if b.aliases > opts.limits.max_aliases {
                    return Err(YamlError::new(
                        ErrorKind::Budget,
                        at,
                        format!(
                            "budget exceeded: more than {} aliases",
                            opts.limits.max_aliases
                        ),
                    ));
                }
                let Some((node, count)) = b.anchors.get(&id).cloned() else {
                    return Err(YamlError::new(ErrorKind::Syntax, at, "unknown alias"));
                };
                b.count(count, at)?;
                b.push(Node { span: at, ..node })?;
            }
            Event::Scalar(v, style, anchor, tag) => {
                let tag = core_tag(tag.as_ref(), tag_at)?;
                let value = resolve_scalar(v, style, tag.as_deref(), tag_at)?;
                b.count(1, at)?;
                let node = Node { span: at, value };
                b.remember(anchor, &node, 1)?;
                b.push(node)?;
            }
            Event::SequenceStart(_, anchor, tag) => {
                if let Some(t) = core_tag(tag.as_ref(), tag_at)?.filter(|t| t != "seq") {
                    return Err(YamlError::new(
                        ErrorKind::Tag,
                        tag_at,
                        format!("a sequence cannot have the tag `!!{t}`"),
                    ));
                }
                b.open(at.0, anchor, Body::Seq(Vec::new()))?;
            }
            Event::MappingStart(_, anchor, tag) => {
                if let Some(t) = core_tag(tag.as_ref(), tag_at)?.filter(|t| t != "map") {
                    return Err(YamlError::new(
                        ErrorKind::Tag,
                        tag_at,
                        format!("a mapping cannot have the tag `!!{t}`"),
                    ));
                }
                b.open(
                    at.0,
                    anchor,
                    Body::Map {
                        entries: Vec::new(),
                        key: None,
                        seen: None,
                    },
                )?;
            }
            Event::SequenceEnd | Event::MappingEnd => b.close(at.1)?,
            _ => {}
        }
    }
    Ok(b.root.unwrap_or(Node {
        span: (0, 0),
        value: NodeValue::Null,
    }))
}

/// Parse `text` with the default options for its size.
pub fn parse(text: &str) -> Result<Node, YamlError> {
    parse_with(text, Options::for_len(text.len()))
}

/// Parse a whole file of `kind`: an empty (whitespace-only) file and every YAML error
/// become located diagnostics.
pub fn parse_file(source: &SourceFile, kind: FileKind) -> Result<Node, Box<SourceDiagnostic>> {
    if source.text.trim().is_empty() {
        return Err(Box::new(
            SourceDiagnostic::error(source, (0, 0), format!("the {} is empty", kind.noun()))
                .with_code(kind.code(Problem::Empty)),
        ));
    }
    parse(&source.text).map_err(|e| Box::new(e.diagnostic(source, kind)))
}

/// For a string scalar at `off` in `text` whose decoded value is `value`, the offset in
/// `text` of each decoded byte (plus one past the end). Double-quoted escapes are walked
/// so an expression error inside `exp: "Append(\"a\", X)"` lands on the right column;
/// where the decoding is not understood every byte maps to the scalar's start.
pub fn scalar_offsets(text: &str, off: usize, value: &str) -> Vec<usize> {
    let fallback = || vec![off; value.len() + 1];
    let Some(rest) = text.get(off..) else {
        return fallback();
    };
    let mut map = Vec::with_capacity(value.len() + 1);
    let mut decoded = String::with_capacity(value.len());
    let push = |decoded: &mut String, map: &mut Vec<usize>, c: char, at: usize| {
        for _ in 0..c.len_utf8() {
            map.push(at);
        }
        decoded.push(c);
    };
    if let Some(body) = rest.strip_prefix('"') {
        let mut it = body.char_indices().peekable();
        while let Some((i, c)) = it.next() {
            let at = off + 1 + i;
            match c {
                '"' => break,
                '\\' => {
                    let Some((_, e)) = it.next() else { break };
                    let d = match e {
                        'n' => '\n',
                        't' => '\t',
                        'r' => '\r',
                        '0' => '\0',
                        '"' => '"',
                        '\\' => '\\',
                        '/' => '/',
                        ' ' => ' ',
                        _ => return fallback(),
                    };
                    push(&mut decoded, &mut map, d, at);
                }
                '\n' => return fallback(),
                c => push(&mut decoded, &mut map, c, at),
            }
        }
    } else if let Some(body) = rest.strip_prefix('\'') {
        let mut it = body.char_indices().peekable();
        while let Some((i, c)) = it.next() {
            let at = off + 1 + i;
            if c == '\'' {
                if it.peek().is_some_and(|(_, n)| *n == '\'') {
                    it.next();
                    push(&mut decoded, &mut map, '\'', at);
                    continue;
                }
                break;
            }
            if c == '\n' {
                return fallback();
            }
            push(&mut decoded, &mut map, c, at);
        }
    } else {
        for (i, c) in rest.char_indices() {
            if decoded.len() >= value.len() {
                break;
            }
            push(&mut decoded, &mut map, c, off + i);
        }
    }
    if decoded != value {
        return fallback();
    }
    map.push(map.last().map_or(off, |l| l + 1));
    map
}

#[cfg(test)]
mod tests;
