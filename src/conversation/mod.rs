//! Conversation fixtures: the JSON bodies of Genesys's conversation GET endpoints.
//!
//! A fixture is what `GET /api/v2/conversations/{id}` (Conversation) or
//! `GET /api/v2/conversations/messages/{id}` (MessageConversation) returns. Only the few
//! fields routing depends on are kept (a lean struct, so thousands of fixtures stream
//! through without holding their trees): the conversation id, every participant's
//! `purpose` and flat `attributes`, and the customer's message bodies where a recorder
//! merged them in. Unknown fields are ignored.
//!
//! Message bodies: `MessageDetails` (the items of a participant's `messages`) carries ids
//! and statuses only; the text lives in `MessageData` (`GET .../messages/{messageId}`),
//! whose `textBody`/`fromAddress` a recorder may merge into the same item. A fixture
//! without any `textBody` has no body: `Message.Message.body` is NOT_SET.

pub mod fixture;
mod locate;
mod raw;
pub mod redact;
pub mod synthetic;

use std::borrow::Cow;

use serde::Deserialize;

use raw::{AttrMap, AttrValue, RawAddress, RawConversation, RawMessageItem, RawParticipant};

pub use locate::locate;

/// One step of a JSON path, for locating an error inside a fixture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathStep {
    /// An object member.
    Key(String),
    /// An array item.
    Index(usize),
}

/// Render a JSON path such as `$.participants[0].attributes.tier`.
pub fn render_path(steps: &[PathStep]) -> String {
    let mut s = String::from("$");
    for step in steps {
        match step {
            PathStep::Key(k) if is_plain_key(k) => {
                s.push('.');
                s.push_str(k);
            }
            PathStep::Key(k) => {
                s.push_str("['");
                s.push_str(&k.replace('\\', "\\\\").replace('\'', "\\'"));
                s.push_str("']");
            }
            PathStep::Index(i) => {
                s.push('[');
                s.push_str(&i.to_string());
                s.push(']');
            }
        }
    }
    s
}

fn is_plain_key(k: &str) -> bool {
    let mut chars = k.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Why a fixture cannot be used, located in the fixture file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}:{col}: {message}{}", path.as_ref().map(|p| format!(" (at {p})")).unwrap_or_default())]
pub struct FixtureError {
    /// The fixture file, as the rules file named it.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub col: usize,
    /// What is wrong, lowercase.
    pub message: String,
    /// The JSON path of the offending value, where there is one.
    pub path: Option<String>,
}

/// One participant of a fixture.
#[derive(Debug, Clone)]
pub struct Participant {
    /// Participant id (a UUID in real payloads).
    pub id: Option<String>,
    /// `customer`, `acd`, `agent`, … (a free string).
    pub purpose: Option<String>,
    /// Flat attributes in payload order; `None` when the key is absent.
    pub attributes: Option<Vec<(String, String)>>,
    /// The last message this participant sent (ids, body and sender where present).
    pub last_message: LastMessage,
    /// The message that started the conversation: this participant's earliest message
    /// with a body by `messageTime` (document order where times are missing). An
    /// inbound message flow runs on it (docs/fidelity.md, "The triggering message").
    pub first_message: LastMessage,
    /// A non-string attribute value, located: the participant cannot be used as data.
    pub bad_attribute: Option<FixtureError>,
}

/// The last message a participant sent, where the fixture carries one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LastMessage {
    /// `messageId`.
    pub id: Option<String>,
    /// `textBody`: NOT_SET when absent.
    pub body: Option<String>,
    /// Sender address: the message's `fromAddress`, else the participant's.
    pub sender: Option<String>,
}

/// A parsed fixture: only what routing reads.
#[derive(Debug, Clone)]
pub struct Conversation {
    /// The fixture's file name, for messages.
    pub file: String,
    /// Top-level `id`.
    pub id: Option<String>,
    /// Every participant, in payload order.
    pub participants: Vec<Participant>,
    /// Set when two or more participants are customers (located at the second one).
    ambiguous_customer: Option<FixtureError>,
}

/// The participant a case reads data from.
#[derive(Debug, Clone, Copy)]
pub struct Selected<'a> {
    /// Its index in `participants`.
    pub index: usize,
    /// The participant.
    pub participant: &'a Participant,
}

impl Participant {
    /// An attribute by exact (case-sensitive) name, as Get Participant Data reads it.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .as_deref()
            .unwrap_or_default()
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

impl Conversation {
    /// Parse a fixture's text. `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<Conversation, FixtureError> {
        // Duplicate keys and depth are checked over the whole document, read or not.
        // One pass: duplicate keys and depth are checked over the whole document, read or
        // not, while the fields routing uses are read.
        // A UTF-8 byte order mark (Windows editors and PowerShell write one) is skipped, as
        // the YAML reader skips it; it is one character of line 1 in every location.
        let (text, bom) = match text.strip_prefix('\u{feff}') {
            Some(rest) => (rest, 1),
            None => (text, 0),
        };
        let raw: RawConversation = parse_checked(text).map_err(|e| FixtureError {
            file: file.to_owned(),
            line: e.line().max(1),
            col: e.column().max(1) + if e.line() <= 1 { bom } else { 0 },
            message: format!("not a conversation payload: {}", strip_serde_position(&e)),
            path: None,
        })?;
        let Some(participants) = raw.participants else {
            return Err(FixtureError {
                file: file.to_owned(),
                line: 1,
                col: 1,
                message: "not a conversation payload: no `participants` array (expected the body of GET /api/v2/conversations/{id} or /api/v2/conversations/messages/{id})".into(),
                path: Some("$.participants".into()),
            });
        };
        let mut out = Vec::with_capacity(participants.len());
        for (index, p) in participants.into_iter().enumerate() {
            let last_message = last_message(&p);
            let first_message = first_message(&p);
            let mut bad_attribute = None;
            let attributes = p.attributes.map(|AttrMap(attrs)| {
                let mut good = Vec::with_capacity(attrs.len());
                for (k, v) in attrs {
                    match v {
                        AttrValue::Str(s) => good.push((k, s)),
                        AttrValue::Other(kind) if bad_attribute.is_none() => {
                            let steps = [
                                PathStep::Key("participants".into()),
                                PathStep::Index(index),
                                PathStep::Key("attributes".into()),
                                PathStep::Key(k.clone()),
                            ];
                            let (line, col) = locate(text, &steps).unwrap_or((1, 1));
                            bad_attribute = Some(FixtureError {
                                file: file.to_owned(),
                                line,
                                col,
                                message: format!(
                                    "attribute `{k}` is {kind}: participant attributes are strings"
                                ),
                                path: Some(render_path(&steps)),
                            });
                        }
                        AttrValue::Other(_) => {}
                    }
                }
                good
            });
            out.push(Participant {
                id: p.id.map(Cow::into_owned),
                purpose: p.purpose.map(Cow::into_owned),
                attributes,
                last_message,
                first_message,
                bad_attribute,
            });
        }
        let customers = customer_indices(out.iter().map(|p| p.purpose.as_deref()));
        let ambiguous_customer = (customers.len() > 1).then(|| {
            let steps = [
                PathStep::Key("participants".into()),
                PathStep::Index(customers[1]),
                PathStep::Key("purpose".into()),
            ];
            let (line, col) = locate(text, &steps).unwrap_or((1, 1));
            FixtureError {
                file: file.to_owned(),
                line,
                col,
                message: ambiguous_customer_message(&customers),
                path: Some(render_path(&steps)),
            }
        });
        let conversation = Conversation {
            file: file.to_owned(),
            id: raw.id.map(Cow::into_owned),
            participants: out,
            ambiguous_customer,
        };
        conversation.register_personal();
        Ok(conversation)
    }

    /// Register every personal value routing can read from this conversation (attributes,
    /// message bodies, senders) with the output scrubber, by the rules `record` redacts by:
    /// a fixture recorded with `--keep-pii`, or a live conversation, keeps them, and no
    /// report, trace or diagnostic may print them (docs/fidelity.md, "Personal data in
    /// output"). Only what this struct keeps can reach an output, so only that is read.
    fn register_personal(&self) {
        use serde_json::{Map, Value};
        let message = |m: &LastMessage| {
            let mut o = Map::new();
            for (k, v) in [("textBody", &m.body), ("fromAddress", &m.sender)] {
                if let Some(v) = v {
                    o.insert(k.into(), Value::String(v.clone()));
                }
            }
            Value::Object(o)
        };
        let participants = self
            .participants
            .iter()
            .map(|p| {
                let mut o = Map::new();
                if let Some(purpose) = &p.purpose {
                    o.insert("purpose".into(), Value::String(purpose.clone()));
                }
                // An attribute holding JSON (`{"name": …}`) is read by the same rules, at
                // any depth.
                let attributes = p.attributes.iter().flatten().map(|(k, v)| {
                    let parsed = serde_json::from_str::<Value>(v)
                        .ok()
                        .filter(|j| j.is_object() || j.is_array());
                    (
                        k.clone(),
                        parsed.unwrap_or_else(|| Value::String(v.clone())),
                    )
                });
                o.insert("attributes".into(), Value::Object(attributes.collect()));
                o.insert(
                    "messages".into(),
                    Value::Array(vec![message(&p.first_message), message(&p.last_message)]),
                );
                Value::Object(o)
            })
            .collect();
        let value = Value::Object(Map::from_iter([(
            "participants".to_string(),
            Value::Array(participants),
        )]));
        for (kind, original) in redact::personal_values(value) {
            crate::scrub::register_personal(kind, &original);
        }
    }

    /// The first participant whose `purpose` is `purpose` (case-sensitive, as the API
    /// spells it), or a located error naming the purposes that do exist.
    ///
    /// Two customers are refused rather than the first used: which one's data a flow reads
    /// is not knowable from the payload (`inject` refuses the same way). Other purposes
    /// repeat legitimately (a callback offered to five agents) and the first is used.
    pub fn select(&self, purpose: &str) -> Result<Selected<'_>, FixtureError> {
        if purpose == CUSTOMER
            && let Some(e) = &self.ambiguous_customer
        {
            return Err(e.clone());
        }
        let found = self
            .participants
            .iter()
            .enumerate()
            .find(|(_, p)| p.purpose.as_deref() == Some(purpose));
        match found {
            Some((index, participant)) => match &participant.bad_attribute {
                Some(e) => Err(e.clone()),
                None => Ok(Selected { index, participant }),
            },
            None => {
                let mut seen: Vec<&str> = self
                    .participants
                    .iter()
                    .filter_map(|p| p.purpose.as_deref())
                    .collect();
                seen.dedup();
                Err(FixtureError {
                    file: self.file.clone(),
                    line: 1,
                    col: 1,
                    message: if seen.is_empty() {
                        format!(
                            "no participant with purpose `{purpose}` (no participant has a purpose)"
                        )
                    } else {
                        format!(
                            "no participant with purpose `{purpose}` (purposes present: {})",
                            seen.join(", ")
                        )
                    },
                    path: Some("$.participants[*].purpose".into()),
                })
            }
        }
    }
}

/// The purpose of the participant a conversation's routing data belongs to.
pub const CUSTOMER: &str = "customer";

/// Indices of the participants whose purpose is `customer`.
pub fn customer_indices<'a>(purposes: impl Iterator<Item = Option<&'a str>>) -> Vec<usize> {
    purposes
        .enumerate()
        .filter(|(_, p)| *p == Some(CUSTOMER))
        .map(|(i, _)| i)
        .collect()
}

/// The one wording, for fixtures, live runs and `inject`, of a conversation with more than
/// one customer participant.
pub fn ambiguous_customer_message(indices: &[usize]) -> String {
    let list: Vec<String> = indices
        .iter()
        .map(|i| format!("$.participants[{i}]"))
        .collect();
    format!(
        "the conversation has {} customer participants ({}): which one's attributes to use is ambiguous",
        indices.len(),
        list.join(", ")
    )
}

fn parse_checked(text: &str) -> Result<RawConversation<'_>, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let raw = RawConversation::deserialize(&mut de)?;
    de.end()?;
    Ok(raw)
}

/// serde_json appends " at line L column C"; the position is reported separately.
fn strip_serde_position(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_owned(),
        None => s,
    }
}

/// The earliest message with a body: by `messageTime` where it parses, timed messages
/// before untimed ones, document order breaking ties.
fn first_message(p: &RawParticipant) -> LastMessage {
    fn walk<'a, 'de>(items: &'a [RawMessageItem<'de>], out: &mut Vec<&'a RawMessageItem<'de>>) {
        for m in items {
            if m.text_body.is_some() {
                out.push(m);
            }
            walk(&m.messages, out);
        }
    }
    let mut with_body = Vec::new();
    walk(&p.messages, &mut with_body);
    let time = |m: &RawMessageItem| {
        m.message_time
            .as_deref()
            .and_then(|t| crate::expr::DateTime::parse(t).ok())
    };
    // Each time is parsed once (a fixture may carry hundreds of messages).
    let chosen = with_body
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let t = time(m);
            ((t.is_none(), t, i), *m)
        })
        .min_by_key(|(k, _)| *k)
        .map(|(_, m)| m);
    let sender = chosen
        .and_then(|m| m.from_address.as_ref().and_then(RawAddress::text))
        .or_else(|| p.from_address.as_ref().and_then(RawAddress::text));
    LastMessage {
        id: chosen.and_then(|m| m.message_id.as_deref().map(str::to_owned)),
        body: chosen.and_then(|m| m.text_body.as_deref().map(str::to_owned)),
        sender: sender.map(str::to_owned),
    }
}

fn last_message(p: &RawParticipant) -> LastMessage {
    fn walk<'a, 'de>(items: &'a [RawMessageItem<'de>], out: &mut Option<&'a RawMessageItem<'de>>) {
        for m in items {
            if m.message_id.is_some() || m.text_body.is_some() {
                *out = Some(m);
            }
            walk(&m.messages, out);
        }
    }
    // Prefer the last message that carries a body; else the last one with an id.
    let mut with_body = None;
    fn walk_body<'a, 'de>(
        items: &'a [RawMessageItem<'de>],
        out: &mut Option<&'a RawMessageItem<'de>>,
    ) {
        for m in items {
            if m.text_body.is_some() {
                *out = Some(m);
            }
            walk_body(&m.messages, out);
        }
    }
    walk_body(&p.messages, &mut with_body);
    let mut any = None;
    walk(&p.messages, &mut any);
    let chosen = with_body.or(any);
    let participant_sender = p.from_address.as_ref().and_then(RawAddress::text);
    let comm_sender = p
        .messages
        .iter()
        .rev()
        .find_map(|m| m.from_address.as_ref().and_then(RawAddress::text));
    LastMessage {
        id: chosen.and_then(|m| m.message_id.as_deref().map(str::to_owned)),
        body: chosen.and_then(|m| m.text_body.as_deref().map(str::to_owned)),
        sender: chosen
            .and_then(|m| m.from_address.as_ref().and_then(RawAddress::text))
            .or(comm_sender)
            .or(participant_sender)
            .map(str::to_owned),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn real(name: &str) -> String {
        let p = format!(
            "{}/tests/data/real-conversations/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(p).unwrap()
    }

    #[test]
    fn one_pass_refuses_duplicates_and_depth_wherever_they_are() {
        let p = |body: &str| {
            format!(r#"{{"id":"c","participants":[{{"purpose":"customer",{body}}}]}}"#)
        };
        let cases = [
            // A kept field twice, at each level that keeps fields.
            (
                r#"{"id":"a","id":"b","participants":[]}"#.to_owned(),
                "duplicate key `id`",
            ),
            (p(r#""purpose":"agent""#), "duplicate key `purpose`"),
            (p(r#""attributes":{"k":"1","k":"2"}"#), "duplicate key `k`"),
            (
                p(r#""messages":[{"textBody":"a","textBody":"b"}]"#),
                "duplicate key `textBody`",
            ),
            (
                p(r#""fromAddress":{"addressRaw":"a","addressRaw":"b"}"#),
                "duplicate key `addressRaw`",
            ),
            // Where nothing is read: an unknown field, an attribute's object value.
            (p(r#""wrapup":{"x":{"y":1,"y":2}}"#), "duplicate key `y`"),
            (
                p(r#""attributes":{"k":{"z":1,"z":1}}"#),
                "duplicate key `z`",
            ),
            (
                p(&format!(
                    r#""unused":{}{}"#,
                    "[".repeat(200),
                    "]".repeat(200)
                )),
                "recursion limit",
            ),
            // An array is not an object, even where serde would read one by position.
            (r#"["c",[]]"#.to_owned(), "expected a conversation object"),
        ];
        for (text, want) in cases {
            let e = Conversation::parse("f.json", &text).unwrap_err();
            assert!(e.message.contains(want), "{text}: {e}");
            assert!(
                e.line >= 1 && e.col > 1 || want.contains("object"),
                "{text}: located"
            );
        }
        // Escaped keys are compared by their value.
        let e = Conversation::parse("f.json", &p(r#""attributes":{"k":"1","\u006b":"2"}"#))
            .unwrap_err();
        assert!(e.message.contains("duplicate key `k`"), "{e}");
    }

    #[test]
    fn addresses_of_every_shape_and_the_first_timed_message() {
        let text = r#"{"participants":[{"purpose":"customer","fromAddress":{"addressNormalized":5},
            "messages":[{"messageId":"m2","textBody":"later","messageTime":"2024-01-01T00:00:02Z","fromAddress":"p2"},
                        {"messageId":"m1","textBody":"first","messageTime":"2024-01-01T00:00:01Z","fromAddress":{"addressRaw":"r1"}},
                        {"messageId":"m0","textBody":"untimed"}]}]}"#;
        let c = Conversation::parse("f.json", text).unwrap();
        let p = &c.participants[0];
        assert_eq!(p.first_message.id.as_deref(), Some("m1"));
        assert_eq!(p.first_message.sender.as_deref(), Some("r1"));
        // The last message has no sender of its own; the participant's is not a string.
        assert_eq!(p.last_message.id.as_deref(), Some("m0"));
        assert_eq!(p.last_message.sender.as_deref(), Some("r1"));
    }

    #[test]
    fn chat_v2_conversation_has_context_prefixed_customer_attributes() {
        let c = Conversation::parse("chat.json", &real("chat-v2-get-conversation.json")).unwrap();
        assert_eq!(c.id.as_deref(), Some("my_conversation_id"));
        let sel = c.select("customer").unwrap();
        assert_eq!(sel.index, 0);
        assert!(sel.participant.attribute("context.firstName").is_some());
        assert_eq!(sel.participant.attribute("firstName"), None);
    }

    #[test]
    fn callback_conversation_picks_the_customer_not_the_acd_copy() {
        let c = Conversation::parse("cb.json", &real("callback-get-conversation.json")).unwrap();
        assert_eq!(c.participants.len(), 7);
        let sel = c.select("customer").unwrap();
        assert_eq!(sel.participant.purpose.as_deref(), Some("customer"));
        assert!(sel.participant.attribute("veUrl").is_some());
        let acd = c.select("acd").unwrap();
        assert!(acd.index > sel.index);
    }

    #[test]
    fn message_conversation_without_attributes_has_none() {
        let c = Conversation::parse(
            "sms.json",
            &real("agentless-sms-get-message-conversation.json"),
        )
        .unwrap();
        let sel = c.select("customer").unwrap();
        assert!(sel.participant.attributes.is_none());
        assert_eq!(sel.participant.attribute("x"), None);
        let agent = c.select("agent").unwrap().participant;
        assert_eq!(
            agent.last_message.id.as_deref(),
            Some("abc12345-ab12-1abc-1234-1a23b4c56789")
        );
        assert_eq!(agent.last_message.body, None);
    }

    #[test]
    fn analytics_records_parse_but_have_no_attributes() {
        let c = Conversation::parse(
            "a.json",
            &real("analytics-details-webchat-no-attributes.json"),
        )
        .unwrap();
        assert!(
            c.select("customer")
                .unwrap()
                .participant
                .attributes
                .is_none()
        );
    }

    #[test]
    fn a_request_body_is_not_a_conversation() {
        let e = Conversation::parse("p.json", &real("patch-participant-attributes-request.json"))
            .unwrap_err();
        assert!(e.message.contains("no `participants`"), "{e}");
        assert_eq!(e.path.as_deref(), Some("$.participants"));
    }

    #[test]
    fn non_string_attribute_is_located_with_its_json_path() {
        let text = "{\n  \"participants\": [\n    {\"purpose\": \"agent\"},\n    {\"purpose\": \"customer\",\n     \"attributes\": {\"tier\": \"gold\", \"vip\": true}}\n  ]\n}";
        let c = Conversation::parse("f.json", text).unwrap();
        let e = c.select("customer").unwrap_err();
        assert_eq!((e.line, e.col), (5, 44));
        assert_eq!(e.path.as_deref(), Some("$.participants[1].attributes.vip"));
        assert!(e.message.contains("is a boolean"), "{e}");
        assert_eq!(
            e.to_string(),
            "f.json:5:44: attribute `vip` is a boolean: participant attributes are strings (at $.participants[1].attributes.vip)"
        );
        // Another participant's bad value does not matter.
        assert!(c.select("agent").is_ok());
    }

    #[test]
    fn syntax_errors_carry_serde_positions() {
        let e = Conversation::parse("f.json", "{\n  \"participants\": [,]\n}").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(!e.message.contains(" at line "), "{e}");
        let e = Conversation::parse("f.json", "[]").unwrap_err();
        assert!(e.message.starts_with("not a conversation payload"), "{e}");
    }

    #[test]
    fn two_customer_participants_are_a_located_error() {
        let text = "{\"participants\": [\n  {\"purpose\": \"customer\"},\n  {\"purpose\": \"acd\"},\n  {\"purpose\": \"customer\"}\n]}";
        let c = Conversation::parse("two.json", text).unwrap();
        let e = c.select("customer").unwrap_err();
        assert_eq!((e.line, e.col), (4, 15));
        assert_eq!(e.path.as_deref(), Some("$.participants[2].purpose"));
        assert!(e.message.contains("2 customer participants"), "{e}");
        assert!(c.select("acd").is_ok(), "other purposes are unaffected");
    }

    #[test]
    fn missing_purpose_lists_what_exists() {
        let c = Conversation::parse(
            "f.json",
            r#"{"participants":[{"purpose":"agent"},{"purpose":"acd"}]}"#,
        )
        .unwrap();
        let e = c.select("customer").unwrap_err();
        assert!(e.message.contains("purposes present: agent, acd"), "{e}");
    }

    #[test]
    fn last_customer_message_body_and_sender() {
        let text = r#"{"id":"c1","participants":[{"purpose":"customer",
            "fromAddress":{"addressNormalized":"guest-1"},
            "messages":[{"messageId":"m1","textBody":"first"},{"messageId":"m2","textBody":"second"},{"messageId":"m3"}]}]}"#;
        let c = Conversation::parse("f.json", text).unwrap();
        let m = &c.select("customer").unwrap().participant.last_message;
        assert_eq!(m.id.as_deref(), Some("m2"));
        assert_eq!(m.body.as_deref(), Some("second"));
        assert_eq!(m.sender.as_deref(), Some("guest-1"));
    }

    #[test]
    fn the_triggering_message_is_the_earliest_by_time() {
        let text = r#"{"id":"c1","participants":[{"purpose":"customer",
            "messages":[{"messageId":"m2","textBody":"are you there?","messageTime":"2026-11-20T09:14:09.104Z"},
                        {"messageId":"m1","textBody":"agent","messageTime":"2026-11-20T09:14:02.512Z"},
                        {"messageId":"m0","textBody":"untimed"}]}]}"#;
        let c = Conversation::parse("f.json", text).unwrap();
        let p = &c.select("customer").unwrap().participant;
        assert_eq!(p.first_message.body.as_deref(), Some("agent"));
        assert_eq!(p.last_message.body.as_deref(), Some("untimed"));
        let untimed = r#"{"participants":[{"purpose":"customer",
            "messages":[{"textBody":"agent"},{"textBody":"are you there?"}]}]}"#;
        let c = Conversation::parse("f.json", untimed).unwrap();
        let p = &c.select("customer").unwrap().participant;
        assert_eq!(p.first_message.body.as_deref(), Some("agent"));
    }

    #[test]
    fn paths_render_like_jsonpath() {
        assert_eq!(
            render_path(&[
                PathStep::Key("participants".into()),
                PathStep::Index(0),
                PathStep::Key("attributes".into()),
                PathStep::Key("context.tier".into())
            ]),
            "$.participants[0].attributes['context.tier']"
        );
    }
}
