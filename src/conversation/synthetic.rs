//! The conversation a case without a recording runs against: a minimal Web Messaging
//! conversation built from the case's `attributes:` and `message:`, so a suite can be
//! written (or generated) before anything is recorded.
//!
//! Its shape is that of `GET /api/v2/conversations/{id}` trimmed to what routing reads
//! (documented in the README's rules-file section): one participant of the suite's
//! `participant:` purpose carrying the attributes, whose one Web Messaging communication
//! holds the message as its first inbound message. Ids are fixed, so runs are repeatable.

use serde_json::{Map, Value, json};

/// `Message.ConversationId` of every conversation built here.
pub const CONVERSATION_ID: &str = "00000000-0000-4000-8000-000000000000";
const PARTICIPANT_ID: &str = "00000000-0000-4000-8000-000000000001";
const COMMUNICATION_ID: &str = "00000000-0000-4000-8000-000000000002";
const MESSAGE_ID: &str = "00000000-0000-4000-8000-000000000003";

/// The conversation JSON for one participant of `purpose` with these attributes (a
/// `None` value is left out: absent) and, when given, `message` as its inbound message.
pub fn conversation_json(
    purpose: &str,
    attributes: &[(String, Option<String>)],
    message: Option<&str>,
) -> String {
    let mut attrs = Map::new();
    for (k, v) in attributes {
        match v {
            Some(v) => attrs.insert(k.clone(), Value::String(v.clone())),
            None => attrs.remove(k),
        };
    }
    let mut participant = json!({
        "id": PARTICIPANT_ID,
        "purpose": purpose,
        "attributes": attrs,
    });
    if let Some(body) = message {
        participant["messages"] = json!([{
            "id": COMMUNICATION_ID,
            "type": "webmessaging",
            "direction": "inbound",
            "state": "connected",
            "messages": [{
                "messageId": MESSAGE_ID,
                "messageStatus": "received",
                "textBody": body,
            }],
        }]);
    }
    json!({ "id": CONVERSATION_ID, "participants": [participant] }).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::Conversation;

    #[test]
    fn the_built_conversation_reads_back_as_written() {
        let attrs = vec![
            ("tier".to_string(), Some("gold".to_string())),
            ("gone".to_string(), Some("x".to_string())),
            ("gone".to_string(), None),
        ];
        let text = conversation_json("customer", &attrs, Some("hello"));
        let conv = Conversation::parse("t", &text).unwrap();
        assert_eq!(conv.id.as_deref(), Some(CONVERSATION_ID));
        let p = conv.select("customer").unwrap().participant;
        assert_eq!(p.attribute("tier"), Some("gold"));
        assert_eq!(p.attribute("gone"), None);
        assert_eq!(p.last_message.body.as_deref(), Some("hello"));
        let none = conversation_json("customer", &[], None);
        let conv = Conversation::parse("t", &none).unwrap();
        assert_eq!(
            conv.select("customer")
                .unwrap()
                .participant
                .last_message
                .body,
            None
        );
    }
}
