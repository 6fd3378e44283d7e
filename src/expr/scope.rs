//! What an expression is compiled and evaluated against: the declared variables, their
//! runtime values, the organisation directory and the clock.

use std::collections::{BTreeMap, HashMap};

use super::types::Type;
use super::value::{DateTime, Value};

/// One declared variable.
#[derive(Debug, Clone, PartialEq)]
pub struct VarDecl {
    /// Canonical spelling, e.g. `Flow.PriorityTier`.
    pub name: String,
    /// Declared type.
    pub ty: Type,
    /// Built-ins (`Message.*`) cannot be assigned.
    pub readonly: bool,
}

/// The variables an expression may reference. Names resolve case-insensitively.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    vars: HashMap<String, VarDecl>,
}

impl Scope {
    /// An empty scope with the read-only `Message.*` built-ins of an inbound message flow.
    pub fn new() -> Self {
        let mut s = Scope::default();
        for (name, ty) in [
            ("Message.ConversationId", Type::String),
            ("Message.IsNewConversation", Type::Boolean),
            ("Message.Message.body", Type::String),
            ("Message.Message.senderAddress", Type::String),
            ("Message.Message.mediaType", Type::String),
            ("Message.Message.type", Type::String),
            ("Message.Message.toAddress", Type::String),
            ("Message.Language", Type::String),
            ("Message.IsAuthenticated", Type::Boolean),
            ("Message.ExternalTag", Type::String),
        ] {
            s.vars.insert(
                name.to_ascii_lowercase(),
                VarDecl {
                    name: name.to_string(),
                    ty,
                    readonly: true,
                },
            );
        }
        s
    }

    /// Declare (or redeclare) a variable such as `Flow.Tier`. Errors on a name that is not
    /// `Flow.`, `State.` or `Task.` followed by an identifier, or that shadows a built-in.
    pub fn declare(&mut self, name: &str, ty: Type) -> Result<&VarDecl, String> {
        let key = name.to_ascii_lowercase();
        if let Some(existing) = self.vars.get(&key)
            && existing.readonly
        {
            return Err(format!("`{}` is a read-only built-in", existing.name));
        }
        let (prefix, rest) = name.split_once('.').ok_or_else(|| {
            format!("variable `{name}` needs a `Flow.`, `State.` or `Task.` prefix")
        })?;
        // `Slot.` (bot slots) and `Common.` (common module variables) besides the
        // message flow's scopes.
        if !["flow", "state", "task", "slot", "common"]
            .contains(&prefix.to_ascii_lowercase().as_str())
        {
            return Err(format!(
                "variable `{name}` needs a `Flow.`, `State.` or `Task.` prefix"
            ));
        }
        if rest.is_empty()
            || !rest
                .chars()
                .next()
                .is_some_and(|c| c.is_alphabetic() || c == '_')
            || !rest.chars().all(|c| c.is_alphanumeric() || c == '_')
        {
            return Err(format!("`{name}` is not a valid variable name"));
        }
        self.vars.insert(
            key.clone(),
            VarDecl {
                name: name.to_string(),
                ty,
                readonly: false,
            },
        );
        Ok(&self.vars[&key])
    }

    /// Look a variable up, case-insensitively.
    pub fn lookup(&self, name: &str) -> Option<&VarDecl> {
        self.vars.get(&name.to_ascii_lowercase())
    }

    /// Every declared variable (built-ins included), in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = &VarDecl> {
        self.vars.values()
    }
}

/// Runtime values of variables, keyed case-insensitively. A declared variable with no
/// entry reads as NOT_SET of its declared type.
#[derive(Debug, Clone, Default)]
pub struct Vars {
    pub(super) map: HashMap<String, Value>,
}

impl Vars {
    /// No values.
    pub fn new() -> Self {
        Vars::default()
    }

    /// Set a variable's value.
    pub fn set(&mut self, name: &str, value: Value) {
        self.map.insert(name.to_ascii_lowercase(), value);
    }

    /// A variable's value, if one was set.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.map.get(&name.to_ascii_lowercase())
    }
}

/// Organisation objects that lookups such as `FindQueueById` resolve against.
/// An id or name not listed resolves to NOT_SET.
#[derive(Debug, Clone, Default)]
pub struct Directory {
    /// Queue id → queue name.
    pub queues: BTreeMap<String, String>,
    /// User id → user name.
    pub users: BTreeMap<String, String>,
    /// Skill id → skill name.
    pub skills: BTreeMap<String, String>,
    /// Emergency group id → name (`FindEmergencyGroup`; the deploy's).
    pub emergency_groups: BTreeMap<String, String>,
}

/// What evaluation may read besides the expression itself.
#[derive(Debug, Clone, Copy)]
pub struct EvalContext<'a> {
    /// Variable values.
    pub vars: &'a Vars,
    /// The clock: `GetCurrentDateTimeUtc()` returns this.
    pub now: DateTime,
    /// Lookup directory.
    pub directory: &'a Directory,
}
