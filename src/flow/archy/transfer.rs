//! Transfers: Transfer to ACD with its queue, skills, priority and agents, and the
//! transfers to a flow, user, group or number.

use crate::expr::Type;
use crate::source::yaml::Node;

use super::super::model::*;
use super::Loader;

impl Loader<'_> {
    pub(crate) fn transfer(&mut self, body: &Node) -> Option<Transfer> {
        let queue = self.req_val(body, "targetQueue", Some(&Type::Queue));
        let mut skills = Vec::new();
        for s in body.get("acdSkills").and_then(Node::as_seq).unwrap_or(&[]) {
            let node = s.get("acdSkill").unwrap_or(s);
            if let Some(v) = self.val(node, Some(&Type::Skill)) {
                skills.push(v);
            }
        }
        let opt = |this: &mut Self, key: &str, ty: Type| {
            body.get(key).and_then(|n| this.val(n, Some(&ty)))
        };
        let priority = opt(self, "priority", Type::Integer);
        let preferred = opt(
            self,
            "preferredAgents",
            Type::List(Box::new(Type::AgentScorePair)),
        );
        let language_skill = opt(self, "languageSkill", Type::LanguageSkill);
        let direct_agent = opt(self, "directAgent", Type::User);
        Some(Transfer {
            queue: queue?,
            skills,
            priority,
            preferred,
            language_skill,
            direct_agent,
        })
    }

    /// `transferToFlow` / `transferToUser` / …: the `target…` value, or a target
    /// written as a mapping key (`targetFlow: { Billing: {...} }`).
    pub(super) fn other_transfer(&mut self, kind: &str, body: &Node) -> OtherTransfer {
        let to = kind
            .strip_prefix("transferTo")
            .unwrap_or(kind)
            .to_ascii_lowercase();
        let mut out = OtherTransfer {
            to,
            target: None,
            target_name: None,
        };
        let entries = body.as_map().unwrap_or(&[]);
        let Some((_, v)) = entries
            .iter()
            .find(|(k, _)| k.as_str().is_some_and(|k| k.starts_with("target")))
        else {
            return out;
        };
        match v.single_entry() {
            Some(("lit" | "exp" | "var" | "noValue", _, _)) => out.target = self.val(v, None),
            Some((name, _, _)) if v.get("name").is_none() => out.target_name = Some(name.into()),
            _ => out.target_name = v.get("name").and_then(Node::scalar_text),
        }
        out
    }
}
