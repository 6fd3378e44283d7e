//! Reading a YAML mapping against the keys a format knows: typed getters, one message for
//! a missing key, a wrong type or an unknown key (with a "did you mean" hint, capped in
//! cost by [`closest`]). Every loader of a YAML file kind reads its mappings here, so an
//! unknown key reads the same in a rules file, a manifest or a config.

use std::borrow::Cow;

use super::yaml::{Node, NodeValue};
use super::{FileKind, Problem, SourceFile};
use crate::diag::{SourceDiagnostic, closest};

/// A getter's answer: the value if the key is present, or the located wrong-type error.
pub type Got<T> = Result<Option<T>, Box<SourceDiagnostic>>;

/// A mapping node of a file of some kind, read against its known keys.
pub struct Mapping<'s, 'a> {
    src: &'s SourceFile,
    kind: FileKind,
    node: &'a Node,
    entries: &'a [(Node, Node)],
    known: &'a [&'static str],
    /// How messages name the mapping: "the rules file", "a case".
    what: Cow<'s, str>,
}

impl<'s, 'a> Mapping<'s, 'a> {
    /// The file's top-level mapping, named "the {noun}" in messages. `node` must be a
    /// mapping (else the located error says so and which keys were expected).
    pub fn new(
        src: &'s SourceFile,
        kind: FileKind,
        node: &'a Node,
        known: &'a [&'static str],
    ) -> Result<Self, Box<SourceDiagnostic>> {
        Self::named(src, kind, node, known, format!("the {}", kind.noun()))
    }

    /// A mapping named `what` in messages ("a case", "`values`").
    pub fn named(
        src: &'s SourceFile,
        kind: FileKind,
        node: &'a Node,
        known: &'a [&'static str],
        what: impl Into<Cow<'s, str>>,
    ) -> Result<Self, Box<SourceDiagnostic>> {
        let what = what.into();
        match node.as_map() {
            Some(entries) => Ok(Mapping {
                src,
                kind,
                node,
                entries,
                known,
                what,
            }),
            None => Err(Box::new(
                wrong_type(src, kind, node, &what, "a mapping")
                    .with_help(format!("expected keys: {}", known.join(", "))),
            )),
        }
    }

    /// An error at `node` with this file kind's code for `problem`.
    pub fn error(&self, node: &Node, problem: Problem, message: String) -> SourceDiagnostic {
        SourceDiagnostic::error(self.src, node.span, message).with_code(self.kind.code(problem))
    }

    /// Every entry in document order: a known key with its `&'static` name (to `match`
    /// on), or the error for a key that is not known (non-string keys included).
    pub fn entries(
        &self,
    ) -> impl Iterator<Item = Result<(&'static str, &'a Node, &'a Node), Box<SourceDiagnostic>>> + '_
    {
        self.entries.iter().map(|(k, v)| match k.as_str() {
            None => Err(Box::new(wrong_type(
                self.src, self.kind, k, "a key", "a string",
            ))),
            Some(name) => match self.known.iter().find(|n| **n == name) {
                Some(known) => Ok((*known, k, v)),
                None => Err(Box::new(unknown_key(
                    self.src,
                    self.kind,
                    k,
                    name,
                    &self.what,
                    self.known.iter().copied(),
                ))),
            },
        })
    }

    /// One error per key that is not among the known keys (non-string keys included).
    pub fn unknown_keys(&self) -> Vec<SourceDiagnostic> {
        self.entries().filter_map(|e| e.err().map(|d| *d)).collect()
    }

    /// The value of `key`, if present.
    pub fn get(&self, key: &str) -> Option<&'a Node> {
        self.node.get(key)
    }

    /// The key node and the value of `key`, if present.
    pub fn entry(&self, key: &str) -> Option<(&'a Node, &'a Node)> {
        self.node.entry(key)
    }

    /// The value of a required `key`, or an error at the mapping naming it.
    pub fn require(&self, key: &str) -> Result<&'a Node, Box<SourceDiagnostic>> {
        self.get(key).ok_or_else(|| {
            let d = self.error(
                self.node,
                Problem::MissingKey,
                format!("{} needs `{key}:`", self.what),
            );
            Box::new(d.with_help(format!("add `{key}:`")))
        })
    }

    fn typed<T>(&self, key: &str, what: &str, f: impl FnOnce(&'a Node) -> Option<T>) -> Got<T> {
        let Some(v) = self.get(key) else {
            return Ok(None);
        };
        f(v).map(Some).ok_or_else(|| {
            Box::new(wrong_type(
                self.src,
                self.kind,
                v,
                &format!("`{key}`"),
                what,
            ))
        })
    }

    /// A string value.
    pub fn str(&self, key: &str) -> Got<&'a str> {
        self.typed(key, "a string", Node::as_str)
    }

    /// A string value, or null (an optional string left empty).
    pub fn str_or_null(&self, key: &str) -> Got<&'a str> {
        self.typed(key, "a string", |v| match v.value {
            NodeValue::Null => Some(None),
            _ => v.as_str().map(Some),
        })
        .map(Option::flatten)
    }

    /// A boolean value.
    pub fn bool(&self, key: &str) -> Got<bool> {
        self.typed(key, "`true` or `false`", |v| match v.value {
            NodeValue::Bool(b) => Some(b),
            _ => None,
        })
    }

    /// A positive integer.
    pub fn positive(&self, key: &str) -> Got<usize> {
        self.typed(key, "a positive integer", |v| match v.value {
            NodeValue::Int(i) if i > 0 => usize::try_from(i).ok(),
            _ => None,
        })
    }

    /// A sequence value.
    pub fn seq(&self, key: &str) -> Got<&'a [Node]> {
        self.typed(key, "a list", Node::as_seq)
    }

    /// A mapping value, as its entries.
    pub fn map(&self, key: &str) -> Got<&'a [(Node, Node)]> {
        self.typed(key, "a mapping", Node::as_map)
    }
}

/// `{what} must be {want}, found {kind}` at `node`, with `kind`'s wrong-type code.
pub fn wrong_type(
    src: &SourceFile,
    kind: FileKind,
    node: &Node,
    what: &str,
    want: &str,
) -> SourceDiagnostic {
    SourceDiagnostic::error(
        src,
        node.span,
        format!("{what} must be {want}, found {}", node.value.kind()),
    )
    .with_code(kind.code(Problem::WrongType))
}

/// The one unknown-key message: `unknown key `name` in {what}`, with "did you mean" when
/// a candidate is a plausible typo, else the list of what the mapping accepts.
pub fn unknown_key<'c>(
    src: &SourceFile,
    kind: FileKind,
    k: &Node,
    name: &str,
    what: &str,
    candidates: impl Iterator<Item = &'c str> + Clone,
) -> SourceDiagnostic {
    SourceDiagnostic::error(src, k.span, format!("unknown key `{name}` in {what}"))
        .with_code(kind.code(Problem::UnknownKey))
        .with_label("not a key of this mapping")
        .with_help(one_of(name, candidates))
}

/// "did you mean `x`?" when a candidate is a plausible typo of `word`, else
/// "expected one of: a, b, c".
pub fn one_of<'c>(word: &str, candidates: impl Iterator<Item = &'c str> + Clone) -> String {
    match closest(word, candidates.clone()) {
        Some(c) => format!("did you mean `{c}`?"),
        None => format!(
            "expected one of: {}",
            candidates.collect::<Vec<_>>().join(", ")
        ),
    }
}

/// `node` read as the typed `T` (a `serde` struct, the same one a JSON Schema is generated
/// from), every error located in the tree: at the value that has the wrong type, or at the
/// key that is unknown (then with the one unknown-key message and "did you mean").
pub fn deserialize<T: serde::de::DeserializeOwned>(
    src: &SourceFile,
    kind: FileKind,
    node: &Node,
    what: &str,
) -> Result<T, Box<SourceDiagnostic>> {
    let e = match serde_path_to_error::deserialize::<_, T>(node.to_json()) {
        Ok(t) => return Ok(t),
        Err(e) => e,
    };
    // Walk the failing path down the tree: the deepest node it reaches is the place.
    // Each step: how messages name the node, the node, and its key (for a map entry).
    let mut steps: Vec<(String, &Node, Option<&Node>)> = vec![(what.to_owned(), node, None)];
    for seg in e.path().iter() {
        let Some((_, at, _)) = steps.last() else {
            break;
        };
        let next = match seg {
            serde_path_to_error::Segment::Map { key: name } => at
                .as_map()
                .and_then(|m| {
                    m.iter()
                        .find(|(k, _)| k.scalar_text().as_deref() == Some(name))
                })
                .map(|(k, v)| (format!("`{name}`"), v, Some(k))),
            serde_path_to_error::Segment::Seq { index } => {
                at.as_seq().and_then(|s| s.get(*index)).map(|v| {
                    (
                        format!("an entry of {}", steps.last().map_or("", |s| &s.0)),
                        v,
                        None,
                    )
                })
            }
            _ => None,
        };
        match next {
            Some(step) => steps.push(step),
            None => break,
        }
    }
    let inner = e.into_inner().to_string();
    if let Some(rest) = inner.strip_prefix("unknown field `") {
        // serde's own wording: "unknown field `x`, expected `a` or `b`" / "one of `a`, `b`".
        let name = rest.split('`').next().unwrap_or_default();
        let candidates: Vec<&str> = rest
            .split_once("expected")
            .map(|(_, tail)| tail.split('`').skip(1).step_by(2).collect())
            .unwrap_or_default();
        // The path ends at the unknown key's value when the walk reached it.
        let (keynode, owner) = match steps.as_slice() {
            [.., (owner, _, _), (_, _, Some(k))] if k.scalar_text().as_deref() == Some(name) => {
                (*k, owner.clone())
            }
            [.., (owner, at, _)] => (*at, owner.clone()),
            [] => (node, what.to_owned()),
        };
        return Err(Box::new(unknown_key(
            src,
            kind,
            keynode,
            name,
            &owner,
            candidates.into_iter(),
        )));
    }
    let (parent, at) = steps
        .last()
        .map_or((what.to_owned(), node), |(n, at, _)| (n.clone(), *at));
    Err(Box::new(
        SourceDiagnostic::error(src, at.span, format!("invalid {parent}: {inner}"))
            .with_code(kind.code(Problem::WrongType)),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::yaml;

    #[test]
    fn typed_getters_unknown_keys_and_missing_keys_are_located() {
        let src = SourceFile::new("c.yaml", "ignore: [a]\ndefault_ignore: true\nflag: 3\n");
        let root = yaml::parse_file(&src, FileKind::SnapshotConfig).unwrap();
        let known = ["ignore", "default_ignores", "flag"];
        let m = Mapping::new(&src, FileKind::SnapshotConfig, &root, &known).unwrap();
        assert_eq!(m.seq("ignore").unwrap().unwrap().len(), 1);
        let unknown = m.unknown_keys();
        assert_eq!(unknown.len(), 1);
        assert_eq!(unknown[0].location(), "c.yaml:2:1");
        assert_eq!(
            unknown[0].help.as_deref(),
            Some("did you mean `default_ignores`?")
        );
        let e = m.bool("flag").unwrap_err();
        assert_eq!(e.location(), "c.yaml:3:7");
        assert!(m.require("absent").is_err());
        assert_eq!(m.str("absent").unwrap(), None);
    }
}
