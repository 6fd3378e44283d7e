//! Reading a YAML mapping against the keys a format knows: typed getters, one message for
//! a missing key, a wrong type or an unknown key (with a "did you mean" hint).

use super::yaml::{Node, NodeValue};
use super::{FileKind, Problem, SourceFile};
use crate::diag::{SourceDiagnostic, closest};

/// A mapping node of a file of some kind, read against its known keys.
pub struct Mapping<'a> {
    src: &'a SourceFile,
    kind: FileKind,
    node: &'a Node,
    entries: &'a [(Node, Node)],
    known: &'a [&'a str],
}

impl<'a> Mapping<'a> {
    /// `node` must be a mapping (else the located error says which keys were expected).
    pub fn new(
        src: &'a SourceFile,
        kind: FileKind,
        node: &'a Node,
        known: &'a [&'a str],
    ) -> Result<Self, Box<SourceDiagnostic>> {
        match node.as_map() {
            Some(entries) => Ok(Mapping {
                src,
                kind,
                node,
                entries,
                known,
            }),
            None => Err(Box::new(
                SourceDiagnostic::error(
                    src,
                    node.span,
                    format!(
                        "expected a mapping with {}, found {}",
                        known.join(", "),
                        node.value.kind()
                    ),
                )
                .with_code(kind.code(Problem::WrongType)),
            )),
        }
    }

    /// An error at `node` with this file kind's code for `problem`.
    pub fn error(&self, node: &Node, problem: Problem, message: String) -> SourceDiagnostic {
        SourceDiagnostic::error(self.src, node.span, message).with_code(self.kind.code(problem))
    }

    /// One error per key that is not among the known keys (non-string keys included).
    pub fn unknown_keys(&self) -> Vec<SourceDiagnostic> {
        self.entries
            .iter()
            .filter(|(k, _)| k.as_str().is_none_or(|s| !self.known.contains(&s)))
            .map(|(k, _)| {
                let shown = k.scalar_text().unwrap_or_else(|| k.value.kind().into());
                let d = self.error(k, Problem::UnknownKey, format!("unknown key `{shown}`"));
                match closest(&shown, self.known.iter().copied()) {
                    Some(near) => d.with_help(format!("did you mean `{near}`?")),
                    None => d.with_help(format!(
                        "the {} has {}",
                        self.kind.noun(),
                        self.known.join(", ")
                    )),
                }
            })
            .collect()
    }

    /// The value of `key`, if present.
    pub fn get(&self, key: &str) -> Option<&'a Node> {
        self.node.get(key)
    }

    /// The value of a required `key`, or an error at the mapping naming it.
    pub fn require(&self, key: &str) -> Result<&'a Node, Box<SourceDiagnostic>> {
        self.get(key).ok_or_else(|| {
            let d = self.error(
                self.node,
                Problem::MissingKey,
                format!("missing key `{key}`"),
            );
            Box::new(d.with_help(format!("add `{key}:`")))
        })
    }

    fn typed<T>(
        &self,
        key: &str,
        what: &str,
        f: impl FnOnce(&'a Node) -> Option<T>,
    ) -> Result<Option<T>, Box<SourceDiagnostic>> {
        let Some(v) = self.get(key) else {
            return Ok(None);
        };
        f(v).map(Some).ok_or_else(|| {
            Box::new(self.error(
                v,
                Problem::WrongType,
                format!("`{key}` must be {what}, found {}", v.value.kind()),
            ))
        })
    }

    /// A string value.
    pub fn str(&self, key: &str) -> Result<Option<&'a str>, Box<SourceDiagnostic>> {
        self.typed(key, "a string", Node::as_str)
    }

    /// A boolean value.
    pub fn bool(&self, key: &str) -> Result<Option<bool>, Box<SourceDiagnostic>> {
        self.typed(key, "`true` or `false`", |v| match v.value {
            NodeValue::Bool(b) => Some(b),
            _ => None,
        })
    }

    /// A sequence value.
    pub fn seq(&self, key: &str) -> Result<Option<&'a [Node]>, Box<SourceDiagnostic>> {
        self.typed(key, "a list", Node::as_seq)
    }
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
