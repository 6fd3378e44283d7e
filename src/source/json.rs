//! JSON documents (fixtures, exports): duplicate keys and nesting depth are checked the
//! same way for every reader, including fields the reader then ignores.
//!
//! serde_json keeps the last of two equal keys and skips an unread field without its
//! recursion limit, so a fixture could pass `test` and fail `snapshot check`. Every JSON
//! reader calls [`check`] first; its errors carry serde_json's line and column.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// Deepest nesting accepted (serde_json's own recursion limit, applied everywhere).
pub const MAX_DEPTH: usize = 128;

/// Check that `text` is one JSON value with no duplicate key in any object and no
/// nesting deeper than [`MAX_DEPTH`].
pub fn check(text: &str) -> Result<(), serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    Checked::deserialize(&mut de)?;
    de.end()
}

/// Parse a JSON value after [`check`].
pub fn parse(text: &str) -> Result<serde_json::Value, serde_json::Error> {
    check(text)?;
    serde_json::from_str(text)
}

/// Any JSON value, walked with the same duplicate-key and depth rules: readers that keep
/// only some fields deserialize the others as this, so one pass both checks and reads.
pub struct Checked;

/// An object key or a string, borrowed from the text when it has no escapes.
pub struct Key<'de>(pub Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// The keys of one object seen so far, to refuse a duplicate.
#[derive(Default)]
pub struct Keys<'de> {
    // Objects are small, so a linear scan beats hashing until one grows large. This runs
    // over every key of every fixture.
    seen: Vec<Cow<'de, str>>,
    large: HashSet<Cow<'de, str>>,
}

impl<'de> Keys<'de> {
    /// Record `k`, or the error for a key the object already has.
    #[allow(clippy::ptr_arg)] // cloning the `Cow` keeps a borrowed key borrowed (no copy)
    pub fn insert<E: de::Error>(&mut self, k: &Cow<'de, str>) -> Result<(), E> {
        let duplicate = if self.large.is_empty() && self.seen.len() < 32 {
            let d = self.seen.contains(k);
            self.seen.push(k.clone());
            d
        } else {
            self.large.extend(self.seen.drain(..));
            !self.large.insert(k.clone())
        };
        if duplicate {
            let shown: String = k.chars().take(60).collect();
            return Err(de::Error::custom(format!("duplicate key `{shown}`")));
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for Checked {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // serde_json counts nesting in `deserialize_any` and stops at 128.
        d.deserialize_any(CheckVisitor)
    }
}

struct CheckVisitor;

impl<'de> Visitor<'de> for CheckVisitor {
    type Value = Checked;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_str<E>(self, _: &str) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_unit<E>(self) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, a: A) -> Result<Checked, A::Error> {
        walk_seq(a)
    }
    fn visit_map<A: MapAccess<'de>>(self, a: A) -> Result<Checked, A::Error> {
        walk_map(a)
    }
}

/// Walk the rest of an array with the checks (for visitors that read no item).
pub fn walk_seq<'de, A: SeqAccess<'de>>(mut a: A) -> Result<Checked, A::Error> {
    while a.next_element::<Checked>()?.is_some() {}
    Ok(Checked)
}

/// Walk the rest of an object with the checks (for visitors that read no member).
pub fn walk_map<'de, A: MapAccess<'de>>(mut a: A) -> Result<Checked, A::Error> {
    let mut keys = Keys::default();
    while let Some(Key(k)) = a.next_key::<Key<'de>>()? {
        keys.insert(&k)?;
        a.next_value::<Checked>()?;
    }
    Ok(Checked)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_keys_are_refused_at_any_depth() {
        let e = check(r#"{"a": {"b": 1, "b": 2}}"#).unwrap_err();
        assert!(e.to_string().contains("duplicate key `b`"), "{e}");
        assert_eq!(e.line(), 1);
        assert!(check(r#"{"a": {"b": 1}, "b": 2}"#).is_ok());
    }

    #[test]
    fn deep_nesting_is_refused_even_where_nobody_reads() {
        let deep = format!(
            r#"{{"id": "x", "unused": {}{}}}"#,
            "[".repeat(10_000),
            "]".repeat(10_000)
        );
        let e = check(&deep).unwrap_err();
        assert!(e.to_string().contains("recursion limit"), "{e}");
        assert!(check(&format!("{}{}", "[".repeat(100), "]".repeat(100))).is_ok());
    }

    #[test]
    fn trailing_text_is_refused() {
        assert!(check("{} x").is_err());
    }
}
