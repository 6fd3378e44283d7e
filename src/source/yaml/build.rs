//! The tree builder: parser events to located nodes, with duplicate keys refused, the
//! budgets (depth, nodes, anchors, aliases) enforced, and the streamed parse that hands
//! out one item of a long sequence at a time.

use std::collections::{HashMap, HashSet};

use granit_parser::{Event, Parser};

use super::error::{scan_error, span_of};
use super::scalar::{core_tag, resolve_scalar};
use super::{ErrorKind, Node, NodeValue, Options, YamlError};

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
