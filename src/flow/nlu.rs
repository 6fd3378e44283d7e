//! Deterministic understanding of customer messages from a bot's own definitions: a
//! message is an intent only when it *is* one of the intent's training utterances, and
//! a slot value only when the slot's entity type accepts it. Anything else is no match —
//! never a guess at what a trained model would say (a case can state that with
//! `messages: [{ text, intent, slots }]`).
//!
//! Normalisation (docs/fidelity.md, "Bots"): surrounding whitespace is dropped, runs of
//! whitespace count as one space, letter case is ignored in utterance text and list
//! values, and trailing `.`, `!`, `?` are ignored. In an utterance, an entity segment
//! stands for any value its entity type accepts (a list value or synonym, a regex match,
//! anything for `builtin:any`), and that value fills the slot.

use std::collections::BTreeMap;

use regex::Regex;

/// The NLU part of a bot: intents, entities (slots) and entity types.
#[derive(Debug, Clone, Default)]
pub struct Nlu {
    pub(crate) intents: Vec<Intent>,
    /// Entity (slot) name → its entity type's name.
    pub(crate) entities: BTreeMap<String, String>,
    pub(crate) types: BTreeMap<String, EntityType>,
}

/// One intent and its training utterances.
#[derive(Debug, Clone)]
pub(crate) struct Intent {
    pub name: String,
    /// Each utterance as its segments.
    pub utterances: Vec<Vec<Segment>>,
}

/// Text, or an entity's sample value.
#[derive(Debug, Clone)]
pub(crate) struct Segment {
    pub text: String,
    pub entity: Option<String>,
}

/// How an entity type recognises values.
#[derive(Debug, Clone)]
pub(crate) enum EntityType {
    /// Values, each with its synonyms.
    List(Vec<(String, Vec<String>)>),
    /// Regular expressions (the slot takes the text matched).
    Regex(Vec<Regex>),
    /// `builtin:any`: any text.
    Any,
    /// Another built-in (`builtin:date`, …): not modelled; a case states the value.
    Builtin(String),
}

/// What a message was understood as.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Understood {
    /// The intent, if one utterance is the message.
    pub intent: Option<String>,
    /// Slot values the utterance's entity segments took.
    pub slots: BTreeMap<String, String>,
    /// Why nothing matched, when the message matched utterances of several intents.
    pub ambiguous: Vec<String>,
}

/// Why a slot could not be read.
#[derive(Debug, Clone, PartialEq)]
pub enum SlotError {
    /// The slot's type is a built-in the simulator does not model.
    Unmodelled(String),
    /// A `builtin:date` / `builtin:time` slot, and a message not in the one form read
    /// offline (`YYYY-MM-DD`, 24-hour `HH:MM[:SS]`): the type and the form.
    NotReadable(String, &'static str),
    /// No entity of that name.
    Unknown,
}

/// `s` without surrounding whitespace and trailing sentence punctuation, whitespace
/// runs as one space.
pub fn normalise(s: &str) -> String {
    let words: Vec<&str> = s.split_whitespace().collect();
    words
        .join(" ")
        .trim_end_matches(['.', '!', '?'])
        .trim_end()
        .to_string()
}

/// `pattern` compiled once per thread: a bot's utterances are matched against every
/// message of every run (`gen` runs a bot thousands of times), and compiling is most of
/// the cost of a match.
fn compiled(pattern: &str) -> Option<Regex> {
    use std::cell::RefCell;
    use std::collections::HashMap;
    thread_local! {
        static COMPILED: RefCell<HashMap<String, Option<Regex>>> = RefCell::new(HashMap::new());
    }
    COMPILED.with(|c| {
        c.borrow_mut()
            .entry(pattern.to_string())
            .or_insert_with(|| Regex::new(pattern).ok())
            .clone()
    })
}

/// Equal after [`normalise`], ignoring letter case.
pub fn same(a: &str, b: &str) -> bool {
    normalise(a).to_lowercase() == normalise(b).to_lowercase()
}

impl Nlu {
    /// The intent whose utterance the message is (with its slot values); none when no
    /// utterance is it, or when utterances of several intents are.
    pub fn intent(&self, message: &str) -> Understood {
        let text = normalise(message);
        let mut found: Vec<(String, BTreeMap<String, String>)> = Vec::new();
        for intent in &self.intents {
            for u in &intent.utterances {
                if let Some(slots) = self.utterance_match(u, &text) {
                    if !found.iter().any(|(n, _)| *n == intent.name) {
                        found.push((intent.name.clone(), slots));
                    }
                    break;
                }
            }
        }
        match found.len() {
            1 => {
                let (intent, slots) = found.remove(0);
                Understood {
                    intent: Some(intent),
                    slots,
                    ambiguous: Vec::new(),
                }
            }
            0 => Understood::default(),
            _ => Understood {
                ambiguous: found.into_iter().map(|(n, _)| n).collect(),
                ..Understood::default()
            },
        }
    }

    fn utterance_match(
        &self,
        segments: &[Segment],
        text: &str,
    ) -> Option<BTreeMap<String, String>> {
        let mut pattern = String::from("^");
        let mut groups = Vec::new();
        let last = segments.len().saturating_sub(1);
        for (i, s) in segments.iter().enumerate() {
            if i > 0 {
                pattern.push_str(r"\s*");
            }
            match &s.entity {
                None => {
                    let t = if i == last {
                        normalise(&s.text)
                    } else {
                        s.text.clone()
                    };
                    let words: Vec<String> = t.split_whitespace().map(regex::escape).collect();
                    pattern.push_str(&format!("(?i:{})", words.join(r"\s+")));
                }
                Some(entity) => {
                    let inner = self.value_pattern(entity)?;
                    groups.push(entity.clone());
                    pattern.push_str(&format!("({inner})"));
                }
            }
        }
        pattern.push('$');
        let re = compiled(&pattern)?;
        let caps = re.captures(text)?;
        let mut slots = BTreeMap::new();
        for (i, entity) in groups.iter().enumerate() {
            let raw = caps.get(i + 1).map_or("", |m| m.as_str());
            slots.insert(entity.clone(), self.canonical(entity, raw));
        }
        Some(slots)
    }

    /// A regex (no anchors) for the values an entity accepts; None for a type that is
    /// not modelled (the utterance then matches nothing).
    fn value_pattern(&self, entity: &str) -> Option<String> {
        let ty = self.types.get(self.entities.get(entity)?);
        match ty {
            Some(EntityType::List(values)) => {
                let mut alts: Vec<String> = values
                    .iter()
                    .flat_map(|(v, syn)| std::iter::once(v).chain(syn))
                    .map(|v| {
                        let w: Vec<String> =
                            normalise(v).split_whitespace().map(regex::escape).collect();
                        w.join(r"\s+")
                    })
                    .collect();
                // Longest first, so a value that extends another wins.
                alts.sort_by_key(|a| std::cmp::Reverse(a.len()));
                Some(format!("(?i:{})", alts.join("|")))
            }
            Some(EntityType::Regex(res)) => Some(
                res.iter()
                    .map(|r| {
                        let s = r.as_str();
                        let s = s.strip_prefix('^').unwrap_or(s);
                        let s = s.strip_suffix('$').unwrap_or(s);
                        format!("(?:{s})")
                    })
                    .collect::<Vec<_>>()
                    .join("|"),
            ),
            Some(EntityType::Any) => Some(".+?".into()),
            None if self
                .entities
                .get(entity)
                .is_some_and(|t| t == "builtin:any") =>
            {
                Some(".+?".into())
            }
            _ => None,
        }
    }

    /// A list value's canonical form (a synonym gives its value); other types keep the text.
    fn canonical(&self, entity: &str, raw: &str) -> String {
        if let Some(EntityType::List(values)) =
            self.entities.get(entity).and_then(|t| self.types.get(t))
        {
            for (v, syn) in values {
                if same(v, raw) || syn.iter().any(|s| same(s, raw)) {
                    return v.clone();
                }
            }
        }
        raw.trim().to_string()
    }

    /// The value a message gives slot `entity`: a list value or synonym equal to the
    /// message, the first match of the type's regexes, or the message for `builtin:any`.
    pub fn slot(&self, entity: &str, message: &str) -> Result<Option<String>, SlotError> {
        let Some(ty_name) = self.entities.get(entity) else {
            return Err(SlotError::Unknown);
        };
        let text = message.trim();
        match self.types.get(ty_name) {
            Some(EntityType::List(values)) => Ok(values
                .iter()
                .find(|(v, syn)| same(v, text) || syn.iter().any(|s| same(s, text)))
                .map(|(v, _)| v.clone())),
            Some(EntityType::Regex(res)) => Ok(res
                .iter()
                .find_map(|r| r.find(text))
                .map(|m| m.as_str().to_string())),
            Some(EntityType::Any) => Ok((!text.is_empty()).then(|| text.to_string())),
            Some(EntityType::Builtin(b)) => builtin_value(b, text),
            None if ty_name == "builtin:any" => Ok((!text.is_empty()).then(|| text.to_string())),
            None => Err(SlotError::Unmodelled(ty_name.clone())),
        }
    }

    /// The type name of slot `entity` (`builtin:date`, a custom type's name).
    pub fn slot_type(&self, entity: &str) -> Option<&str> {
        self.entities.get(entity).map(String::as_str)
    }

    /// Every intent name, in file order.
    pub fn intent_names(&self) -> Vec<&str> {
        self.intents.iter().map(|i| i.name.as_str()).collect()
    }

    /// A message that is the intent: its first utterance, each entity segment with
    /// its sample text (what `gen` sends to reach the intent's path).
    pub fn sample(&self, intent: &str) -> Option<String> {
        let i = self.intents.iter().find(|i| i.name == intent)?;
        i.utterances
            .iter()
            .map(|u| u.iter().map(|s| s.text.as_str()).collect::<String>())
            .find(|text| self.intent(text).intent.as_deref() == Some(intent))
    }
}

/// Ask for Yes/No answers (docs/fidelity.md): these words, after [`normalise`], any case.
pub const YES: &[&str] = &["yes", "y", "yeah", "yep", "sure", "ok", "okay"];
/// See [`YES`].
pub const NO: &[&str] = &["no", "n", "nope", "nah"];

/// `Some(true)` for a yes, `Some(false)` for a no, else no match.
pub fn yes_no(message: &str) -> Option<bool> {
    let m = normalise(message).to_lowercase();
    if YES.contains(&m.as_str()) {
        Some(true)
    } else if NO.contains(&m.as_str()) {
        Some(false)
    } else {
        None
    }
}

/// A date or time slot read deterministically: ISO `YYYY-MM-DD` and 24-hour `HH:MM[:SS]`
/// only (what the NLU makes of "next Friday" or "2pm" is the NLU's; a case states it).
fn builtin_value(ty: &str, text: &str) -> Result<Option<String>, SlotError> {
    match ty {
        "builtin:date" => crate::expr::Date::parse(text)
            .map(|d| Some(d.to_string()))
            .ok_or(SlotError::NotReadable(ty.into(), "YYYY-MM-DD")),
        "builtin:time" => crate::expr::Time::parse(text)
            .map(|t| Some(t.to_string()))
            .ok_or(SlotError::NotReadable(
                ty.into(),
                "HH:MM or HH:MM:SS, 24-hour",
            )),
        other => Err(SlotError::Unmodelled(other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nlu() -> Nlu {
        let seg = |t: &str, e: Option<&str>| Segment {
            text: t.into(),
            entity: e.map(String::from),
        };
        Nlu {
            intents: vec![
                Intent {
                    name: "Cancel".into(),
                    utterances: vec![
                        vec![seg("Cancel my order", None)],
                        vec![
                            seg("Cancel my order.  My order number is ", None),
                            seg("87654321", Some("Order")),
                        ],
                    ],
                },
                Intent {
                    name: "Status".into(),
                    utterances: vec![vec![seg("Where's my stuff?", None)]],
                },
                Intent {
                    name: "Colour".into(),
                    utterances: vec![vec![seg("I like ", None), seg("red", Some("Colour"))]],
                },
            ],
            entities: [
                ("Order", "Num"),
                ("Colour", "Colours"),
                ("Free", "builtin:any"),
            ]
            .into_iter()
            .map(|(a, b)| (a.into(), b.into()))
            .collect(),
            types: [
                (
                    "Num".to_string(),
                    EntityType::Regex(vec![Regex::new(r"\b[0-9]{8}\b").unwrap()]),
                ),
                (
                    "Colours".to_string(),
                    EntityType::List(vec![("red".into(), vec!["crimson".into()])]),
                ),
            ]
            .into_iter()
            .collect(),
        }
    }

    #[test]
    fn an_utterance_is_its_intent_after_normalisation_and_nothing_else_is() {
        let n = nlu();
        assert_eq!(
            n.intent("  cancel   MY order. ").intent.as_deref(),
            Some("Cancel")
        );
        assert_eq!(
            n.intent("where's my stuff").intent.as_deref(),
            Some("Status")
        );
        assert_eq!(n.intent("please cancel my order").intent, None);
        assert_eq!(n.intent("Cancel").intent, None);
    }

    #[test]
    fn entity_segments_take_any_value_of_their_type_and_fill_the_slot() {
        let n = nlu();
        let u = n.intent("Cancel my order. My order number is 12345678");
        assert_eq!(u.intent.as_deref(), Some("Cancel"));
        assert_eq!(u.slots["Order"], "12345678");
        let u = n.intent("I like Crimson");
        assert_eq!(
            (u.intent.as_deref(), u.slots["Colour"].as_str()),
            (Some("Colour"), "red")
        );
        assert_eq!(n.intent("I like blue").intent, None);
        assert_eq!(
            n.intent("Cancel my order. My order number is 123").intent,
            None
        );
    }

    #[test]
    fn slots_come_from_their_entity_type() {
        let n = nlu();
        assert_eq!(
            n.slot("Order", "it is 12345678").unwrap().as_deref(),
            Some("12345678")
        );
        assert_eq!(n.slot("Order", "1234").unwrap(), None);
        assert_eq!(n.slot("Colour", "CRIMSON").unwrap().as_deref(), Some("red"));
        assert_eq!(
            n.slot("Free", " anything ").unwrap().as_deref(),
            Some("anything")
        );
        assert_eq!(n.slot("Nope", "x"), Err(SlotError::Unknown));
        assert_eq!(n.sample("Cancel").as_deref(), Some("Cancel my order"));
    }

    #[test]
    fn yes_and_no() {
        assert_eq!(yes_no("Yes!"), Some(true));
        assert_eq!(yes_no(" NO "), Some(false));
        assert_eq!(yes_no("maybe"), None);
    }
}
