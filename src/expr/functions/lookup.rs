//! Data from outside the expression: JSON (`JsonParse`, `GetJsonObjectProperty`) and the
//! organisation (`FindQueue`, `FindQueueById`, `FindSkill`, `FindUserById`,
//! `FindEmergencyGroup`, `MakeListAgentScorePair`). Lookups resolve against the
//! [`Directory`](crate::expr::Directory); an id or name not in it is NOT_SET.

use std::collections::BTreeMap;

use super::{Args, Function, NotSetRule, P, Ret, Ty, Typing, entity, family, list_of};
use crate::expr::call::{CTy, rt};
use crate::expr::error::ExprError;
use crate::expr::types::Type;
use crate::expr::value::{Entity, Value, to_text};

use P::{Json, Str};

family! {
    JSON_PARSE = Function {
        name: "JsonParse",
        usage: "JsonParse(String)",
        typing: Typing::Fixed(&[Str], Ret::Is(Type::Json)),
        not_set: NotSetRule::Never,
        contextual: false,
        evaluate: json_parse,
    };
    /// Case-sensitive key; a missing key is NOT_SET JSON.
    GET_JSON_OBJECT_PROPERTY = Function {
        name: "GetJsonObjectProperty",
        usage: "GetJsonObjectProperty(JSON, String)",
        typing: Typing::Fixed(&[Json, Str], Ret::Is(Type::Json)),
        not_set: NotSetRule::Never,
        contextual: false,
        evaluate: get_json_object_property,
    };
    FIND_QUEUE = Function {
        name: "FindQueue",
        usage: "FindQueue(name)",
        typing: Typing::Fixed(&[Str], Ret::Is(Type::Queue)),
        not_set: NotSetRule::Never,
        contextual: true,
        evaluate: |a| by_name(a, &a.cx().directory.queues, Type::Queue),
    };
    FIND_QUEUE_BY_ID = Function {
        name: "FindQueueById",
        usage: "FindQueueById(id)",
        typing: Typing::Fixed(&[Str], Ret::Is(Type::Queue)),
        not_set: NotSetRule::Never,
        contextual: true,
        evaluate: |a| by_id(a, &a.cx().directory.queues, Type::Queue),
    };
    FIND_SKILL = Function {
        name: "FindSkill",
        usage: "FindSkill(name)",
        typing: Typing::Fixed(&[Str], Ret::Is(Type::Skill)),
        not_set: NotSetRule::Never,
        contextual: true,
        evaluate: |a| by_name(a, &a.cx().directory.skills, Type::Skill),
    };
    FIND_USER_BY_ID = Function {
        name: "FindUserById",
        usage: "FindUserById(id)",
        typing: Typing::Fixed(&[Str], Ret::Is(Type::User)),
        not_set: NotSetRule::Never,
        contextual: true,
        evaluate: |a| by_id(a, &a.cx().directory.users, Type::User),
    };
    /// The deploy's emergency groups (`genesyscloud_architect_emergencygroup`); a name
    /// not among them is NOT_SET.
    FIND_EMERGENCY_GROUP = Function {
        name: "FindEmergencyGroup",
        usage: "FindEmergencyGroup(name)",
        typing: Typing::Fixed(&[Str], Ret::Is(Type::EmergencyGroup)),
        not_set: NotSetRule::Never,
        contextual: true,
        evaluate: |a| by_name(a, &a.cx().directory.emergency_groups, Type::EmergencyGroup),
    };
    MAKE_LIST_AGENT_SCORE_PAIR = Function {
        name: "MakeListAgentScorePair",
        usage: "MakeListAgentScorePair(UserCollection, IntegerCollection)",
        typing: Typing::Rule(type_agent_score_pairs),
        not_set: NotSetRule::Never,
        contextual: false,
        evaluate: agent_score_pairs,
    };
}

fn json_parse(a: &Args<'_>) -> Result<Value, ExprError> {
    let text = a.text(0)?;
    serde_json::from_str(&text).map(Value::Json).map_err(|e| {
        rt(
            a.span_of(0),
            format!("`JsonParse` cannot parse the text: {e}"),
            None,
        )
    })
}

fn get_json_object_property(a: &Args<'_>) -> Result<Value, ExprError> {
    let j = a.arg(0)?;
    let key = a.text(1)?;
    match j {
        Value::Json(serde_json::Value::Object(mut m)) => Ok(match m.remove(&key) {
            Some(v) => Value::Json(v),
            None => Value::NotSet(Type::Json),
        }),
        other => Err(rt(
            a.span_of(0),
            format!(
                "`GetJsonObjectProperty` needs a JSON object, found {}",
                to_text(&other)
            ),
            None,
        )),
    }
}

/// The object with this id (`map` is id → name).
fn by_id(a: &Args<'_>, map: &BTreeMap<String, String>, t: Type) -> Result<Value, ExprError> {
    let id = a.text(0)?;
    Ok(match map.get(&id) {
        Some(name) => entity(t, &id, name),
        None => Value::NotSet(t),
    })
}

/// The first object (in id order) with exactly this name.
fn by_name(a: &Args<'_>, map: &BTreeMap<String, String>, t: Type) -> Result<Value, ExprError> {
    let name = a.text(0)?;
    Ok(match map.iter().find(|(_, n)| **n == name) {
        Some((id, n)) => entity(t, id, n),
        None => Value::NotSet(t),
    })
}

fn type_agent_score_pairs(ty: &mut Ty<'_>) -> CTy {
    let ret = Type::List(Box::new(Type::AgentScorePair));
    if !ty.arity(2, Some(2)) {
        return CTy::T(ret);
    }
    for (i, want) in [(0, Type::User), (1, Type::Integer)] {
        let want = Type::List(Box::new(want));
        match ty.ty(i) {
            CTy::Unknown => {}
            CTy::T(t) if t == want => {}
            t => {
                let (span, usage) = (ty.span(i), ty.usage());
                ty.error(
                    span,
                    format!(
                        "argument {} of `{}` must be {want}, found {}",
                        i + 1,
                        ty.f.name,
                        t.describe()
                    ),
                    usage,
                );
            }
        }
    }
    CTy::T(ret)
}

/// One pair per user, the score carried in the name (`Ann:10`).
fn agent_score_pairs(a: &Args<'_>) -> Result<Value, ExprError> {
    let (_, users) = list_of(a.arg(0)?);
    let (_, scores) = list_of(a.arg(1)?);
    if users.len() != scores.len() {
        return Err(rt(
            a.span(),
            format!("{} users but {} scores", users.len(), scores.len()),
            Some("pass one score per user".into()),
        ));
    }
    let mut pairs = Vec::with_capacity(users.len());
    for (i, (u, sc)) in users.iter().zip(&scores).enumerate() {
        match (u, sc) {
            (Value::Entity(_, e), Value::Integer(score)) => pairs.push(Value::Entity(
                Type::AgentScorePair,
                Entity {
                    id: e.id.clone(),
                    name: format!("{}:{score}", e.name),
                },
            )),
            _ => {
                return Err(rt(
                    a.span(),
                    format!("user or score {i} is NOT_SET"),
                    Some("an unknown user id gives NOT_SET; guard with IsSet(...)".into()),
                ));
            }
        }
    }
    Ok(Value::List(Type::AgentScorePair, pairs))
}
