//! The static types of Architect values.

use std::fmt;

/// An Architect data type. Collections are `List` of an item type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Type {
    /// Text.
    String,
    /// 64-bit integer.
    Integer,
    /// Decimal number.
    Decimal,
    /// true / false.
    Boolean,
    /// A UTC instant (Architect has no time-zone type).
    DateTime,
    /// A length of time.
    Duration,
    /// A calendar date without a time (`dateVariable`, a `builtin:date` slot).
    Date,
    /// A time of day without a date (`timeVariable`, a `builtin:time` slot).
    Time,
    /// A JSON value.
    Json,
    /// An ACD queue.
    Queue,
    /// A user (agent).
    User,
    /// An ACD skill.
    Skill,
    /// A language skill.
    LanguageSkill,
    /// A group.
    Group,
    /// A schedule.
    Schedule,
    /// A schedule group.
    ScheduleGroup,
    /// An emergency group.
    EmergencyGroup,
    /// A phone number (`.e164`, `.dialingCode`).
    PhoneNumber,
    /// A (user, score) pair for preferred-agent routing.
    AgentScorePair,
    /// A communication (bot and message values).
    Communication,
    /// A collection of items of one type.
    List(Box<Type>),
}

impl Type {
    /// The type an Archy variable declaration or `updateData` statement names:
    /// `stringVariable`/`string` → String, `stringCollectionVariable`/`stringCollection`
    /// → List(String), `agentScorePairCollection` → List(AgentScorePair), …
    pub fn from_archy(kind: &str) -> Option<Type> {
        let base = kind.strip_suffix("Variable").unwrap_or(kind);
        if let Some(item) = base.strip_suffix("Collection") {
            return Type::from_archy(item).map(|t| Type::List(Box::new(t)));
        }
        Some(match base {
            "string" => Type::String,
            "integer" => Type::Integer,
            "decimal" => Type::Decimal,
            "boolean" => Type::Boolean,
            "dateTime" => Type::DateTime,
            "duration" => Type::Duration,
            "date" => Type::Date,
            "time" => Type::Time,
            "json" => Type::Json,
            "queue" => Type::Queue,
            "user" => Type::User,
            "skill" | "acdSkill" => Type::Skill,
            "languageSkill" => Type::LanguageSkill,
            "group" => Type::Group,
            "schedule" => Type::Schedule,
            "scheduleGroup" => Type::ScheduleGroup,
            "emergencyGroup" => Type::EmergencyGroup,
            "phoneNumber" => Type::PhoneNumber,
            "agentScorePair" => Type::AgentScorePair,
            "communication" => Type::Communication,
            _ => return None,
        })
    }

    /// Organisation objects: a name and maybe an id (`.name`, `.id`), found by lookups.
    pub fn is_entity(&self) -> bool {
        matches!(
            self,
            Type::Queue
                | Type::User
                | Type::Skill
                | Type::LanguageSkill
                | Type::Group
                | Type::Schedule
                | Type::ScheduleGroup
                | Type::EmergencyGroup
        )
    }

    /// Integer or Decimal.
    pub fn is_numeric(&self) -> bool {
        matches!(self, Type::Integer | Type::Decimal)
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::List(item) => write!(f, "{item}Collection"),
            other => write!(f, "{other:?}"),
        }
    }
}
