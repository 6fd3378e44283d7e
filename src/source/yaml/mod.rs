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
//!
//! - `build`: parser events to the tree, duplicate keys, budgets, the streamed parse.
//! - `scalar`: core-schema tags and scalar resolution, decoded-to-source offsets.
//! - `error`: the error kinds and the located error.

use super::{FileKind, Problem, SourceFile};
use crate::diag::SourceDiagnostic;

mod build;
mod error;
mod scalar;

pub use build::{Piece, parse_streaming, parse_with};
pub use error::{ErrorKind, YamlError};
pub use scalar::scalar_offsets;

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

#[cfg(test)]
mod tests;
