//! The Guest API's wire format: the requests a guest sends and the frames it receives,
//! exactly as ../shared/GUEST-API.md records them (Kotlin transport SDK fixtures, the
//! Java SDK models, frames recorded from real sessions).

use std::collections::BTreeMap;

use serde_json::{Value, json};

/// `getConfiguration`: names its deployment, so it needs no session.
pub fn get_configuration(token: &str, deployment: &str) -> String {
    json!({"action": "getConfiguration", "token": token, "deploymentId": deployment}).to_string()
}

/// `configureSession` with a fresh token: always a new session (`startNew` is only
/// meaningful for a known token).
pub fn configure_session(token: &str, deployment: &str) -> String {
    json!({"action": "configureSession", "deploymentId": deployment, "token": token}).to_string()
}

/// `onMessage` with the custom attributes in `message.channel.metadata.customAttributes`.
/// The top-level `channel.metadata` is deprecated and ignored from 5 June 2026, so it is
/// never written.
pub fn on_message(token: &str, text: &str, attributes: &BTreeMap<String, String>) -> String {
    let mut message = json!({"type": "Text", "text": text});
    if !attributes.is_empty() {
        message["channel"] = json!({"metadata": {"customAttributes": attributes}});
    }
    json!({"action": "onMessage", "token": token, "message": message}).to_string()
}

/// The tracing id the Kotlin transport puts on its health check (base64 of
/// "HealthCheckMessageId"): its answer is recognised by it as well as by `type:"response"`.
pub const ECHO_TRACING_ID: &str = "SGVhbHRoQ2hlY2tNZXNzYWdlSWQ=";

/// Application-level health check (at most once per 30 s).
pub fn echo(token: &str) -> String {
    json!({"action": "echo", "token": token, "tracingId": ECHO_TRACING_ID,
           "message": {"type": "Text", "text": "ping"}})
    .to_string()
}

/// `closeSession`, closing every connection of the session.
pub fn close_session(token: &str) -> String {
    json!({"action": "closeSession", "token": token, "closeAllConnections": true}).to_string()
}

/// UTF-8 bytes of every key plus every value: how the Kotlin transport measures custom
/// attributes against `maxCustomDataBytes` (`CustomAttributesStoreImpl.isSizeExceeded`).
pub fn attribute_bytes(attributes: &BTreeMap<String, String>) -> usize {
    attributes.iter().map(|(k, v)| k.len() + v.len()).sum()
}

/// One received frame, classified.
#[derive(Debug, Clone, PartialEq)]
pub enum Frame {
    /// GetConfigurationResponse.
    Configuration {
        /// `maxCustomDataBytes`.
        max_custom_data_bytes: Option<u64>,
        /// `messageRoutingEnabled`.
        message_routing_enabled: Option<bool>,
    },
    /// SessionResponse.
    Session {
        /// `readOnly`: a read-only session accepts no messages.
        read_only: bool,
        /// `maxCustomDataBytes`, when given.
        max_custom_data_bytes: Option<u64>,
    },
    /// A pushed StructuredMessage the guest sent (the acknowledgement of an onMessage).
    Inbound {
        /// `body.id` (also `channel.messageId`): the message-details lookup key.
        id: Option<String>,
        /// `body.text`.
        text: Option<String>,
    },
    /// A pushed StructuredMessage from the bot or an agent.
    Outbound(Outbound),
    /// A Presence Disconnect event: the conversation was disconnected, the session is
    /// read-only from now on.
    Disconnect,
    /// Any other event (typing, join, ...): activity, not a reply.
    Event,
    /// The answer to an `echo` (type `response`, text `ping`), or any other response
    /// that is not an error: not a conversation message.
    HealthCheck,
    /// TooManyRequests (4029): the request was refused; resend after `retry_after` s.
    TooManyRequests {
        /// `retryAfter` seconds.
        retry_after: u64,
        /// `errorMessage`.
        message: String,
    },
    /// An error response: Guest API code and the body's text.
    Error {
        /// `code` (4006, 4007, 4011, 4013, 5000, 409, ...).
        code: u64,
        /// The body.
        message: String,
    },
    /// SessionExpiredEvent.
    Expired,
    /// ConnectionClosedEvent, SessionClearedEvent: the session was ended elsewhere.
    Closed(String),
    /// A frame of a class this driver does not know: kept for the timeout message.
    Other(String),
}

/// One bot or agent message.
#[derive(Debug, Clone, PartialEq)]
pub struct Outbound {
    /// `body.id`.
    pub id: Option<String>,
    /// `body.channel.time` (ISO 8601 with milliseconds; sorts as text when uniform).
    pub time: Option<String>,
    /// `body.text` (for Structured messages the prompt text), `None` for pure attachments.
    pub text: Option<String>,
    /// `originatingEntity`: Bot or Human.
    pub from: Option<String>,
}

/// Classify one text frame; `Err` when it is not a JSON envelope.
pub fn parse(text: &str) -> Result<Frame, String> {
    let v: Value =
        serde_json::from_str(text).map_err(|e| format!("a frame that is not JSON ({e})"))?;
    let kind = v.get("type").and_then(Value::as_str).unwrap_or_default();
    let class = v.get("class").and_then(Value::as_str).unwrap_or_default();
    let code = v.get("code").and_then(Value::as_u64).unwrap_or(200);
    let body = v.get("body").cloned().unwrap_or(Value::Null);
    let body_text = || match &body {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    };
    Ok(match class {
        "TooManyRequestsErrorMessage" => Frame::TooManyRequests {
            retry_after: body.get("retryAfter").and_then(Value::as_u64).unwrap_or(1),
            message: body
                .get("errorMessage")
                .and_then(Value::as_str)
                .unwrap_or("rate too high")
                .to_owned(),
        },
        _ if code != 200 => Frame::Error {
            code: body
                .get("errorCode")
                .and_then(Value::as_u64)
                .unwrap_or(code),
            message: body_text(),
        },
        "GetConfigurationResponse" => Frame::Configuration {
            max_custom_data_bytes: body.get("maxCustomDataBytes").and_then(Value::as_u64),
            message_routing_enabled: body.get("messageRoutingEnabled").and_then(Value::as_bool),
        },
        "SessionResponse" => Frame::Session {
            read_only: body
                .get("readOnly")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            max_custom_data_bytes: body.get("maxCustomDataBytes").and_then(Value::as_u64),
        },
        "SessionExpiredEvent" => Frame::Expired,
        "ConnectionClosedEvent" | "SessionClearedEvent" => Frame::Closed(class.to_owned()),
        // A `response` is an answer to one of our requests (the echo's is a
        // StructuredMessage too); only pushed `message` frames are conversation messages.
        "StructuredMessage" if kind == "response" => Frame::HealthCheck,
        "StructuredMessage" => structured(&body),
        "string" => Frame::HealthCheck,
        other => Frame::Other(other.to_owned()),
    })
}

fn structured(body: &Value) -> Frame {
    let s = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_owned);
    let direction = body.get("direction").and_then(Value::as_str);
    if body.get("type").and_then(Value::as_str) == Some("Event") {
        let disconnect = body
            .get("events")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .any(|e| {
                e.get("eventType").and_then(Value::as_str) == Some("Presence")
                    && e.pointer("/presence/type").and_then(Value::as_str) == Some("Disconnect")
            });
        return if disconnect && direction != Some("Inbound") {
            Frame::Disconnect
        } else {
            Frame::Event
        };
    }
    let id = s(body.get("id")).or_else(|| s(body.pointer("/channel/messageId")));
    match direction {
        Some("Inbound") => Frame::Inbound {
            id,
            text: s(body.get("text")),
        },
        _ => Frame::Outbound(Outbound {
            id,
            time: s(body.pointer("/channel/time")),
            text: s(body.get("text")),
            from: s(body.get("originatingEntity")),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_go_inside_the_message_never_top_level() {
        let mut a = BTreeMap::new();
        a.insert("priority_tier".to_owned(), "platinum".to_owned());
        let v: Value = serde_json::from_str(&on_message("t", "Hi", &a)).unwrap();
        assert_eq!(
            v.pointer("/message/channel/metadata/customAttributes/priority_tier"),
            Some(&json!("platinum"))
        );
        assert!(v.get("channel").is_none());
    }

    #[test]
    fn bytes_are_utf8_keys_plus_values() {
        let mut a = BTreeMap::new();
        a.insert("é".to_owned(), "ab".to_owned());
        assert_eq!(attribute_bytes(&a), 4);
    }

    #[test]
    fn frames_are_told_apart() {
        let echo = r#"{"type":"response","class":"StructuredMessage","code":200,"body":{"direction":"Inbound","type":"Text","text":"ping"}}"#;
        assert_eq!(parse(echo).unwrap(), Frame::HealthCheck);
        let inbound = r#"{"type":"message","class":"StructuredMessage","code":200,"body":{"id":"m1","direction":"Inbound","type":"Text","text":"Hi","channel":{"time":"2024-01-01T00:00:00.000Z","messageId":"m1"}}}"#;
        assert!(matches!(parse(inbound).unwrap(), Frame::Inbound { id: Some(i), .. } if i == "m1"));
        let limited = r#"{"type":"response","class":"TooManyRequestsErrorMessage","code":429,"body":{"retryAfter":3,"errorCode":4029,"errorMessage":"Message rate too high for this session"}}"#;
        assert!(matches!(
            parse(limited).unwrap(),
            Frame::TooManyRequests { retry_after: 3, .. }
        ));
        let ro = r#"{"type":"response","class":"string","code":409,"body":"Session is read-only, no new messages allowed"}"#;
        assert!(matches!(parse(ro).unwrap(), Frame::Error { code: 409, .. }));
        let bye = r#"{"type":"message","class":"StructuredMessage","code":200,"body":{"direction":"Outbound","type":"Event","events":[{"eventType":"Presence","presence":{"type":"Disconnect"}}],"metadata":{"readOnly":"true"}}}"#;
        assert_eq!(parse(bye).unwrap(), Frame::Disconnect);
        assert!(parse("nope").is_err());
    }
}
