//! A located YAML tree. serde-saphyr's `Spanned` loses locations under `flatten` and
//! `untagged`, and Archy actions are single-key maps of many shapes, so the flow file is
//! read into this generic tree (every node with its byte offset) and walked by hand.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

/// A YAML node and where it starts (byte offset in the parsed text).
#[derive(Debug, Clone)]
pub struct Node {
    /// The value.
    pub kind: Kind,
    /// Byte offset of the node's first character.
    pub off: usize,
    /// Byte length where known (scalars), else 0.
    pub len: usize,
}

/// A YAML value.
#[derive(Debug, Clone)]
pub enum Kind {
    /// `~`, `null` or empty.
    Null,
    /// A boolean scalar.
    Bool(bool),
    /// An integer scalar.
    Int(i64),
    /// A float scalar.
    Float(f64),
    /// A string scalar.
    Str(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in file order; keys are rendered as strings.
    Map(Vec<(Node, Node)>),
}

#[derive(Debug)]
enum Raw {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Spanned<Raw>>),
    Map(Vec<(Spanned<Raw>, Spanned<Raw>)>),
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Raw;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a yaml value")
            }
            fn visit_unit<E>(self) -> Result<Raw, E> {
                Ok(Raw::Null)
            }
            fn visit_none<E>(self) -> Result<Raw, E> {
                Ok(Raw::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Raw, D::Error> {
                Raw::deserialize(d)
            }
            fn visit_bool<E>(self, v: bool) -> Result<Raw, E> {
                Ok(Raw::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Raw, E> {
                Ok(Raw::Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Raw, E> {
                i64::try_from(v)
                    .map(Raw::Int)
                    .map_err(|_| E::custom("integer out of range"))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Raw, E> {
                Ok(Raw::Float(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Raw, E> {
                Ok(Raw::Str(v.to_string()))
            }
            fn visit_string<E>(self, v: String) -> Result<Raw, E> {
                Ok(Raw::Str(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<Raw, A::Error> {
                let mut v = Vec::new();
                while let Some(x) = s.next_element()? {
                    v.push(x);
                }
                Ok(Raw::Seq(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Raw, A::Error> {
                let mut v = Vec::new();
                while let Some(k) = m.next_key()? {
                    let val = m.next_value()?;
                    v.push((k, val));
                }
                Ok(Raw::Map(v))
            }
        }
        super::deep(|| d.deserialize_any(V))
    }
}

/// A YAML syntax error: message and byte offset in the parsed text.
#[derive(Debug, Clone)]
pub struct YamlError {
    /// What went wrong.
    pub message: String,
    /// Where (byte offset in the parsed text), if known.
    pub off: Option<usize>,
}

/// Parse `text` into a located tree.
pub fn parse(text: &str) -> Result<Node, YamlError> {
    // Nesting grows with the flow (a 200-deep decision chain is ~1,200 levels): the
    // depth budget scales with the input, as the rules loader's node budget does.
    let mut options = serde_saphyr::Options::default();
    let mut budget = crate::suite::yaml::budget_for(text.len());
    budget.max_depth = budget.max_depth.max(text.len() / 4);
    options.budget = Some(budget);
    let raw: Spanned<Raw> =
        serde_saphyr::from_str_with_options(text, options).map_err(|e| YamlError {
            off: e
                .location()
                .and_then(|l| l.span().byte_offset())
                .map(|o| o as usize),
            message: e
                .to_string()
                .lines()
                .next()
                .unwrap_or("invalid yaml")
                .to_string(),
        })?;
    Ok(convert(raw, text))
}

fn convert(raw: Spanned<Raw>, text: &str) -> Node {
    super::deep(|| convert_node(raw, text))
}

fn convert_node(raw: Spanned<Raw>, text: &str) -> Node {
    let span = raw.referenced.span();
    let off = span.byte_offset().map_or(0, |o| o as usize).min(text.len());
    let len = span.byte_len().map_or(0, |l| l as usize);
    let kind = match raw.value {
        Raw::Null => Kind::Null,
        // YAML 1.1 booleans (`yes`, `On`) keep their spelling: Archy names such as an
        // output path `Yes` are text, and real booleans are written `true`/`false`.
        Raw::Bool(b) => {
            let raw = plain_at(text, off);
            if raw.eq_ignore_ascii_case("true") || raw.eq_ignore_ascii_case("false") {
                Kind::Bool(b)
            } else {
                Kind::Str(raw.to_string())
            }
        }
        Raw::Int(i) => Kind::Int(i),
        Raw::Float(f) => Kind::Float(f),
        Raw::Str(s) => Kind::Str(s),
        Raw::Seq(items) => Kind::Seq(items.into_iter().map(|n| convert(n, text)).collect()),
        Raw::Map(entries) => Kind::Map(
            entries
                .into_iter()
                .map(|(k, v)| {
                    let mut key = convert(k, text);
                    // A key is a name: keep the spelling (`no`, `yes`, `1`) not its value.
                    if !matches!(key.kind, Kind::Str(_) | Kind::Map(_) | Kind::Seq(_)) {
                        let raw = plain_at(text, key.off);
                        key.kind = Kind::Str(raw.to_string());
                    }
                    (key, convert(v, text))
                })
                .collect(),
        ),
    };
    Node { kind, off, len }
}

/// The plain scalar that starts at `off` (up to `:`+space, ` #` or the end of line).
fn plain_at(text: &str, off: usize) -> &str {
    let rest = text.get(off..).unwrap_or("");
    let line = rest.split(['\n', '\r']).next().unwrap_or("");
    let end = line
        .find(": ")
        .or_else(|| line.strip_suffix(':').map(str::len))
        .or_else(|| line.find(" #"))
        .unwrap_or(line.len());
    line[..end].trim_end()
}

impl Node {
    /// The string of a string scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The entries of a mapping.
    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.kind {
            Kind::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The items of a sequence.
    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.kind {
            Kind::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// A mapping's value for `key`.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_map()?
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v)
    }

    /// The single entry of a one-key mapping (`- updateData: {...}`).
    pub fn single_entry(&self) -> Option<(&str, &Node, &Node)> {
        match self.as_map()? {
            [(k, v)] => Some((k.as_str()?, k, v)),
            _ => None,
        }
    }

    /// A scalar rendered as text (strings as-is, numbers and booleans formatted).
    pub fn scalar_text(&self) -> Option<String> {
        Some(match &self.kind {
            Kind::Str(s) => s.clone(),
            Kind::Int(i) => i.to_string(),
            Kind::Float(f) => f.to_string(),
            Kind::Bool(b) => b.to_string(),
            _ => return None,
        })
    }

    /// A short description of the node's shape, for error messages.
    pub fn shape(&self) -> &'static str {
        match self.kind {
            Kind::Null => "nothing",
            Kind::Bool(_) => "a boolean",
            Kind::Int(_) => "an integer",
            Kind::Float(_) => "a number",
            Kind::Str(_) => "a string",
            Kind::Seq(_) => "a list",
            Kind::Map(_) => "a mapping",
        }
    }
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
mod tests {
    use super::*;

    #[test]
    fn nodes_know_their_offsets_and_keys_keep_their_spelling() {
        let text = "a:\n  no: [1, x]\n  \"yes\": ~\n";
        let root = parse(text).unwrap();
        let a = root.get("a").unwrap();
        assert_eq!(a.off, 5);
        let no = a.get("no").unwrap();
        assert_eq!(no.as_seq().unwrap()[1].off, text.find('x').unwrap());
        assert!(matches!(a.get("yes").unwrap().kind, Kind::Null));
    }

    #[test]
    fn double_quoted_escapes_map_to_source_columns() {
        let text = r#"exp: "Append(\"a\",\n X)""#;
        let root = parse(text).unwrap();
        let node = root.get("exp").unwrap();
        let v = node.as_str().unwrap();
        let map = scalar_offsets(text, node.off, v);
        let x = v.find('X').unwrap();
        assert_eq!(&text[map[x]..map[x] + 1], "X");
        let quote = v.find('"').unwrap();
        assert_eq!(&text[map[quote]..map[quote] + 2], "\\\"");
    }

    #[test]
    fn plain_scalars_map_one_to_one() {
        let text = "exp: Flow.A == 1\n";
        let root = parse(text).unwrap();
        let node = root.get("exp").unwrap();
        let map = scalar_offsets(text, node.off, node.as_str().unwrap());
        assert_eq!(map[7], text.find("==").unwrap());
    }
}
