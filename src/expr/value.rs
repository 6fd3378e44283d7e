//! Runtime values. NOT_SET is a state of a typed scalar, never an empty string.

use std::fmt;

use super::Type;

/// A UTC instant, in milliseconds since the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime(pub i64);

/// A length of time, in milliseconds (may be negative).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Duration(pub i64);

/// An organisation object (queue, user, skill, …) found in the [`super::Directory`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Entity {
    /// Its id, where known.
    pub id: Option<String>,
    /// Its name.
    pub name: String,
}

/// An Architect value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// NOT_SET, of the type the slot would hold.
    NotSet(Type),
    /// Text.
    String(String),
    /// Integer.
    Integer(i64),
    /// Decimal.
    Decimal(f64),
    /// Boolean.
    Boolean(bool),
    /// A UTC instant.
    DateTime(DateTime),
    /// A length of time.
    Duration(Duration),
    /// JSON.
    Json(serde_json::Value),
    /// Queue, User, Skill, … (the type says which).
    Entity(Type, Entity),
    /// A collection, with its item type (a collection is never NOT_SET).
    List(Type, Vec<Value>),
}

impl Value {
    /// The value's type (for NOT_SET, the type it stands in for).
    pub fn ty(&self) -> Type {
        match self {
            Value::NotSet(t) => t.clone(),
            Value::String(_) => Type::String,
            Value::Integer(_) => Type::Integer,
            Value::Decimal(_) => Type::Decimal,
            Value::Boolean(_) => Type::Boolean,
            Value::DateTime(_) => Type::DateTime,
            Value::Duration(_) => Type::Duration,
            Value::Json(_) => Type::Json,
            Value::Entity(t, _) => t.clone(),
            Value::List(t, _) => Type::List(Box::new(t.clone())),
        }
    }

    /// True for NOT_SET.
    pub fn is_not_set(&self) -> bool {
        matches!(self, Value::NotSet(_))
    }
}

impl fmt::Display for Value {
    /// A plain rendering for reports (`NOT_SET` for NOT_SET, strings unquoted).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::NotSet(_) => f.write_str("NOT_SET"),
            Value::String(s) => f.write_str(s),
            Value::Integer(i) => write!(f, "{i}"),
            Value::Decimal(d) => write!(f, "{d}"),
            Value::Boolean(b) => write!(f, "{b}"),
            Value::DateTime(d) => write!(f, "{}ms", d.0),
            Value::Duration(d) => write!(f, "{}ms", d.0),
            Value::Json(j) => write!(f, "{j}"),
            Value::Entity(_, e) => f.write_str(&e.name),
            Value::List(_, items) => {
                f.write_str("[")?;
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str("]")
            }
        }
    }
}
