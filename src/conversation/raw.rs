//! A fixture's JSON, read in one pass: the few fields routing uses are kept (strings
//! borrowed from the text where they have no escapes), every other value is walked with the
//! same duplicate-key and depth rules as `source::json::check`, so reading a fixture and
//! checking it is one parse, not two.
//!
//! Objects only: serde's derived structs would also accept a JSON array as a struct
//! (fields by position), which no Genesys payload is.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::source::json::{Checked, Key, Keys, walk_map, walk_seq};

/// A string field, borrowed where possible.
pub(super) type Str<'de> = Option<Cow<'de, str>>;

fn next_str<'de, A: MapAccess<'de>>(a: &mut A) -> Result<Str<'de>, A::Error> {
    Ok(a.next_value::<Option<Key<'de>>>()?.map(|Key(k)| k))
}

/// `null` or a missing key is an empty list.
fn next_list<'de, A: MapAccess<'de>, T: Deserialize<'de>>(a: &mut A) -> Result<Vec<T>, A::Error> {
    Ok(a.next_value::<Option<Vec<T>>>()?.unwrap_or_default())
}

/// Implement `Deserialize` for an object type through a `visit_map` body.
macro_rules! object {
    ($ty:ident, $what:literal, |$a:ident, $keys:ident, $key:ident, $out:ident| $body:block) => {
        impl<'de> Deserialize<'de> for $ty<'de> {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> Visitor<'de> for V {
                    type Value = $ty<'de>;
                    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                        f.write_str($what)
                    }
                    fn visit_map<A: MapAccess<'de>>(self, mut $a: A) -> Result<$ty<'de>, A::Error> {
                        let mut $keys = Keys::default();
                        let mut $out = $ty::default();
                        while let Some(Key($key)) = $a.next_key::<Key<'de>>()? {
                            $keys.insert(&$key)?;
                            $body
                        }
                        Ok($out)
                    }
                }
                d.deserialize_map(V)
            }
        }
    };
}

#[derive(Debug, Default)]
pub(super) struct RawConversation<'de> {
    pub id: Str<'de>,
    pub participants: Option<Vec<RawParticipant<'de>>>,
}

object!(
    RawConversation,
    "a conversation object",
    |a, keys, k, out| {
        match &*k {
            "id" => out.id = next_str(&mut a)?,
            "participants" => out.participants = a.next_value()?,
            _ => {
                a.next_value::<Checked>()?;
            }
        }
    }
);

#[derive(Debug, Default)]
pub(super) struct RawParticipant<'de> {
    pub id: Str<'de>,
    pub purpose: Str<'de>,
    pub attributes: Option<AttrMap>,
    /// MessageConversation: `MessageDetails[]`; Conversation: `Message[]` communications,
    /// each holding its own `messages: MessageDetails[]`.
    pub messages: Vec<RawMessageItem<'de>>,
    pub from_address: Option<RawAddress<'de>>,
}

object!(RawParticipant, "a participant object", |a, keys, k, out| {
    match &*k {
        "id" => out.id = next_str(&mut a)?,
        "purpose" => out.purpose = next_str(&mut a)?,
        "attributes" => out.attributes = a.next_value()?,
        "messages" => out.messages = next_list(&mut a)?,
        "fromAddress" => out.from_address = a.next_value()?,
        _ => {
            a.next_value::<Checked>()?;
        }
    }
});

#[derive(Debug, Default)]
pub(super) struct RawMessageItem<'de> {
    pub message_id: Str<'de>,
    pub text_body: Str<'de>,
    pub message_time: Str<'de>,
    pub from_address: Option<RawAddress<'de>>,
    /// Present on a Conversation's message communication.
    pub messages: Vec<RawMessageItem<'de>>,
}

object!(RawMessageItem, "a message object", |a, keys, k, out| {
    match &*k {
        "messageId" => out.message_id = next_str(&mut a)?,
        "textBody" => out.text_body = next_str(&mut a)?,
        "messageTime" => out.message_time = next_str(&mut a)?,
        "fromAddress" => out.from_address = a.next_value()?,
        "messages" => out.messages = next_list(&mut a)?,
        _ => {
            a.next_value::<Checked>()?;
        }
    }
});

/// `fromAddress`: a plain string in `MessageData`, an `Address` object elsewhere; any
/// other shape (or an object whose address fields are not strings) carries no address.
#[derive(Debug)]
pub(super) enum RawAddress<'de> {
    Plain(Cow<'de, str>),
    Object { normalized: Str<'de>, raw: Str<'de> },
    Other,
}

impl RawAddress<'_> {
    pub fn text(&self) -> Option<&str> {
        match self {
            RawAddress::Plain(s) => Some(s),
            RawAddress::Object { normalized, raw } => normalized.as_deref().or(raw.as_deref()),
            RawAddress::Other => None,
        }
    }
}

/// A string, `null` (`Ok(None)`), or another kind (`Err(())`), walked with the checks.
struct StrOrOther<'de>(Result<Str<'de>, ()>);

impl<'de> Deserialize<'de> for StrOrOther<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(AnyVisitor(|v: Result<Option<Key<'de>>, &'static str>| {
            StrOrOther(v.map(|s| s.map(|Key(k)| k)).map_err(|_| ()))
        }))
    }
}

impl<'de> Deserialize<'de> for RawAddress<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawAddress<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an address")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<RawAddress<'de>, E> {
                Ok(RawAddress::Plain(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<RawAddress<'de>, E> {
                Ok(RawAddress::Plain(Cow::Owned(v.to_owned())))
            }
            fn visit_bool<E>(self, _: bool) -> Result<RawAddress<'de>, E> {
                Ok(RawAddress::Other)
            }
            fn visit_i64<E>(self, _: i64) -> Result<RawAddress<'de>, E> {
                Ok(RawAddress::Other)
            }
            fn visit_u64<E>(self, _: u64) -> Result<RawAddress<'de>, E> {
                Ok(RawAddress::Other)
            }
            fn visit_f64<E>(self, _: f64) -> Result<RawAddress<'de>, E> {
                Ok(RawAddress::Other)
            }
            fn visit_unit<E>(self) -> Result<RawAddress<'de>, E> {
                Ok(RawAddress::Other)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, a: A) -> Result<RawAddress<'de>, A::Error> {
                walk_seq(a)?;
                Ok(RawAddress::Other)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<RawAddress<'de>, A::Error> {
                let mut keys = Keys::default();
                let (mut normalized, mut raw, mut other) = (None, None, false);
                while let Some(Key(k)) = a.next_key::<Key<'de>>()? {
                    keys.insert(&k)?;
                    let slot = match &*k {
                        "addressNormalized" => &mut normalized,
                        "addressRaw" => &mut raw,
                        _ => {
                            a.next_value::<Checked>()?;
                            continue;
                        }
                    };
                    match a.next_value::<StrOrOther<'de>>()?.0 {
                        Ok(s) => *slot = s,
                        Err(()) => other = true,
                    }
                }
                Ok(if other {
                    RawAddress::Other
                } else {
                    RawAddress::Object { normalized, raw }
                })
            }
        }
        d.deserialize_any(V)
    }
}

/// An attribute value as found in the fixture: Genesys documents strings only.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum AttrValue {
    Str(String),
    /// Anything else: the JSON kind, for the error message.
    Other(&'static str),
}

impl<'de> Deserialize<'de> for AttrValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(AnyVisitor(
            |v: Result<Option<Key<'de>>, &'static str>| match v {
                Ok(Some(Key(s))) => AttrValue::Str(s.into_owned()),
                Ok(None) => AttrValue::Other("null"),
                Err(kind) => AttrValue::Other(kind),
            },
        ))
    }
}

/// Visits any value: a string as `Ok(Some)`, `null` as `Ok(None)`, anything else as
/// `Err(kind)` after walking it with the checks; `f` makes the result.
struct AnyVisitor<F>(F);

impl<'de, T, F> Visitor<'de> for AnyVisitor<F>
where
    F: FnOnce(Result<Option<Key<'de>>, &'static str>) -> T,
{
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<T, E> {
        Ok((self.0)(Ok(Some(Key(Cow::Borrowed(v))))))
    }
    fn visit_str<E>(self, v: &str) -> Result<T, E> {
        Ok((self.0)(Ok(Some(Key(Cow::Owned(v.to_owned()))))))
    }
    fn visit_unit<E>(self) -> Result<T, E> {
        Ok((self.0)(Ok(None)))
    }
    fn visit_bool<E>(self, _: bool) -> Result<T, E> {
        Ok((self.0)(Err("a boolean")))
    }
    fn visit_i64<E>(self, _: i64) -> Result<T, E> {
        Ok((self.0)(Err("a number")))
    }
    fn visit_u64<E>(self, _: u64) -> Result<T, E> {
        Ok((self.0)(Err("a number")))
    }
    fn visit_f64<E>(self, _: f64) -> Result<T, E> {
        Ok((self.0)(Err("a number")))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, a: A) -> Result<T, A::Error> {
        walk_seq(a)?;
        Ok((self.0)(Err("an array")))
    }
    fn visit_map<A: MapAccess<'de>>(self, a: A) -> Result<T, A::Error> {
        walk_map(a)?;
        Ok((self.0)(Err("an object")))
    }
}

/// A JSON object kept as pairs in payload order (no hashing: fixtures are small).
#[derive(Debug, Default)]
pub(super) struct AttrMap(pub Vec<(String, AttrValue)>);

impl<'de> Deserialize<'de> for AttrMap {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = AttrMap;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of attributes")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<AttrMap, A::Error> {
                let mut keys = Keys::default();
                let mut out = Vec::with_capacity(a.size_hint().unwrap_or(8));
                while let Some(Key(k)) = a.next_key::<Key<'de>>()? {
                    keys.insert(&k)?;
                    out.push((k.into_owned(), a.next_value::<AttrValue>()?));
                }
                Ok(AttrMap(out))
            }
        }
        d.deserialize_map(V)
    }
}
