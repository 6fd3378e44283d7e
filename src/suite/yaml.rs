//! A YAML document as a tree of located nodes, so the loader can classify every key and
//! value by hand and point each error at its exact place.
//!
//! serde-saphyr's `Spanned<T>` loses positions inside flattened and untagged types, and
//! derive-based structs stop at the first error; a generic located tree has neither
//! problem. The tree lives only while one rules file is being loaded.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Budget, Options, Spanned};

use crate::diag::{SourceDiagnostic, SourceFile};

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
}

/// The inner value deserialized under a `Spanned` wrapper.
struct Inner(NodeValue);

impl<'de> Deserialize<'de> for Inner {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(InnerVisitor)
    }
}

struct InnerVisitor;

impl<'de> Visitor<'de> for InnerVisitor {
    type Value = Inner;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E>(self) -> Result<Inner, E> {
        Ok(Inner(NodeValue::Null))
    }
    fn visit_none<E>(self) -> Result<Inner, E> {
        Ok(Inner(NodeValue::Null))
    }
    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Inner, D::Error> {
        Inner::deserialize(d)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Inner, E> {
        Ok(Inner(NodeValue::Bool(v)))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Inner, E> {
        Ok(Inner(NodeValue::Int(v)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Inner, E> {
        i64::try_from(v)
            .map(|i| Inner(NodeValue::Int(i)))
            .map_err(|_| E::custom(format!("integer {v} is too large")))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Inner, E> {
        i64::try_from(v)
            .map(|i| Inner(NodeValue::Int(i)))
            .map_err(|_| E::custom(format!("integer {v} is too large")))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Inner, E> {
        i64::try_from(v)
            .map(|i| Inner(NodeValue::Int(i)))
            .map_err(|_| E::custom(format!("integer {v} is too large")))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Inner, E> {
        Ok(Inner(NodeValue::Float(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Inner, E> {
        Ok(Inner(NodeValue::Str(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Inner, E> {
        Ok(Inner(NodeValue::Str(v)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Inner, A::Error> {
        let mut items = Vec::with_capacity(a.size_hint().unwrap_or(4));
        while let Some(n) = a.next_element::<Located>()? {
            items.push(n.0);
        }
        Ok(Inner(NodeValue::Seq(items)))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Inner, A::Error> {
        let mut entries = Vec::with_capacity(a.size_hint().unwrap_or(4));
        while let Some((k, v)) = a.next_entry::<Located, Located>()? {
            entries.push((k.0, v.0));
        }
        Ok(Inner(NodeValue::Map(entries)))
    }
}

/// A node deserialized through `Spanned`, converted to byte offsets.
struct Located(Node);

impl<'de> Deserialize<'de> for Located {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Spanned::<Inner>::deserialize(d)?;
        let span = s.referenced.span();
        let start = span.byte_offset().unwrap_or(0) as usize;
        let len = span.byte_len().unwrap_or(0) as usize;
        Ok(Located(Node {
            span: (start, start + len),
            value: s.value.0,
        }))
    }
}

/// The parser's limits for a document of `len` bytes. Node and event counts grow with the
/// input (a 10k-case file has millions of events), bounded by what the text can hold
/// without aliases; alias and anchor limits stay at serde-saphyr's defaults, which is what
/// stops "billion laughs" expansion.
pub fn budget_for(len: usize) -> Budget {
    let mut b = Budget::default();
    b.max_nodes = b.max_nodes.max(len.saturating_add(1024));
    b.max_events = b.max_events.max(len.saturating_mul(2).saturating_add(1024));
    b.max_documents = 1;
    b
}

/// Parse a rules file into a located tree. Every YAML error (syntax, duplicate key,
/// budget) becomes a located diagnostic.
pub fn parse(source: &SourceFile) -> Result<Node, Box<SourceDiagnostic>> {
    let text: &str = &source.text;
    if text.trim().is_empty() {
        return Err(Box::new(
            SourceDiagnostic::error(source, (0, 0), "the rules file is empty")
                .with_code("routecheck::rules::empty")
                .with_help("start with `cases:` (see `routecheck schema`)"),
        ));
    }
    let mut options = Options::default();
    options.budget = Some(budget_for(text.len()));
    match serde_saphyr::from_str_with_options::<Located>(text, options) {
        Ok(Located(node)) => Ok(node),
        Err(e) => Err(Box::new(yaml_error(source, &e))),
    }
}

pub(crate) fn yaml_error(source: &SourceFile, e: &serde_saphyr::Error) -> SourceDiagnostic {
    let (start, end) = match e.location() {
        Some(loc) if loc.line() > 0 => {
            let span = loc.span();
            match span.byte_offset() {
                Some(off) => {
                    let off = off as usize;
                    (off, off + span.byte_len().unwrap_or(0) as usize)
                }
                None => {
                    let off = source.offset_of(loc.line() as usize, loc.column() as usize);
                    (off, off)
                }
            }
        }
        _ => (0, 0),
    };
    let raw = e.without_snippet().to_string();
    let message = first_line(&raw);
    let lower = message.to_ascii_lowercase();
    let mut d = SourceDiagnostic::error(source, (start, end), format!("invalid YAML: {message}"))
        .with_code("routecheck::rules::yaml");
    if lower.contains("budget") || lower.contains("alias") || lower.contains("anchor") {
        d = d.with_help(
            "the file expands to too much data through anchors and aliases (a YAML bomb?); write the cases out instead",
        );
    } else if lower.contains("duplicate") {
        d = d.with_help("each key may appear once per mapping");
    }
    d
}

/// serde-saphyr messages may carry their own location suffix and snippet.
fn first_line(s: &str) -> String {
    let line = s.lines().next().unwrap_or(s).trim();
    let line = match line.find(" at line ") {
        Some(i) => &line[..i],
        None => line,
    };
    let mut out = line.trim_end_matches('.').to_string();
    if let Some(c) = out.get(..1)
        && c.chars().all(|c| c.is_ascii_uppercase())
        && out.chars().nth(1).is_some_and(|c| c.is_lowercase())
    {
        out.replace_range(..1, &c.to_ascii_lowercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(t: &str) -> SourceFile {
        SourceFile::new("t.yaml", t)
    }

    #[test]
    fn keeps_spans_and_types() {
        let s = src("a: 5\nb: \"5\"\nc:\n  - x\n");
        let n = parse(&s).unwrap();
        let m = n.as_map().unwrap();
        assert_eq!(m.len(), 3);
        assert!(matches!(m[0].1.value, NodeValue::Int(5)));
        assert!(matches!(&m[1].1.value, NodeValue::Str(v) if v == "5"));
        assert_eq!(&s.text[m[0].0.span.0..m[0].0.span.1], "a");
        assert_eq!(s.line_col(m[1].1.span.0), (2, 4));
        let NodeValue::Seq(items) = &m[2].1.value else {
            panic!()
        };
        assert_eq!(s.line_col(items[0].span.0), (4, 5));
    }

    #[test]
    fn syntax_and_duplicate_errors_are_located() {
        let s = src("a: 1\na: 2\n");
        let e = parse(&s).unwrap_err();
        assert!(e.message.contains("duplicate"), "{}", e.message);
        assert_eq!(e.location(), "t.yaml:2:1");
        let e = parse(&src("a: [1, 2\nb: 3\n")).unwrap_err();
        assert!(e.message.starts_with("invalid YAML"), "{}", e.message);
    }

    #[test]
    fn billion_laughs_is_stopped_with_a_location() {
        let mut y = String::from(
            "a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        for i in 1..10 {
            let p = i - 1;
            y.push_str(&format!(
                "a{i}: &a{i} [*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p}]\n"
            ));
        }
        let e = parse(&src(&y)).unwrap_err();
        assert!(e.location().starts_with("t.yaml:"), "{}", e.location());
        assert!(e.help.is_some(), "{e:?}");
    }

    #[test]
    fn budget_scales_with_input_but_keeps_alias_limits() {
        let small = budget_for(10);
        let big = budget_for(7_000_000);
        assert_eq!(small.max_nodes, Budget::default().max_nodes);
        assert!(big.max_nodes >= 7_000_000);
        assert!(big.max_events >= 14_000_000);
        assert_eq!(big.max_aliases, Budget::default().max_aliases);
        assert_eq!(big.max_anchors, Budget::default().max_anchors);
        assert_eq!(
            big.max_recorded_anchor_events,
            Budget::default().max_recorded_anchor_events
        );
    }
}
