//! Reading an answer: JSON bodies, HTTP errors with the help each status needs (the
//! permission a 403 points at), path segments, and the scrubbing of every secret the
//! client holds from what it reports.

use serde_json::Value;

use super::{Answer, Client, Endpoint, Method};
use crate::conversation::CUSTOMER;
use crate::genesys::auth::Secret;
use crate::genesys::error::GenesysError;

impl Client {
    pub(in crate::genesys) fn json_object(
        &self,
        method: Method,
        path: &str,
        answer: &Answer,
    ) -> Result<Value, GenesysError> {
        match serde_json::from_str::<Value>(&answer.body) {
            Ok(v @ Value::Object(_)) => Ok(v),
            Ok(_) => Err(GenesysError::Malformed {
                method: method.as_str(),
                path: path.to_string(),
                detail: "expected a JSON object".into(),
            }),
            Err(e) => Err(GenesysError::Malformed {
                method: method.as_str(),
                path: path.to_string(),
                detail: format!("invalid JSON ({e})"),
            }),
        }
    }

    pub(super) fn optional_json(
        &self,
        method: Method,
        path: &str,
        answer: &Answer,
    ) -> Result<Option<Value>, GenesysError> {
        if answer.body.trim().is_empty() {
            return Ok(None);
        }
        self.json_object(method, path, answer).map(Some)
    }

    pub(in crate::genesys) fn http_error(
        &self,
        method: Method,
        path: &str,
        answer: Answer,
        endpoint: Endpoint,
    ) -> GenesysError {
        let message = serde_json::from_str::<Value>(&answer.body)
            .ok()
            .and_then(|v| v.get("message").and_then(Value::as_str).map(str::to_string))
            .map(|m| self.scrub(&m));
        let help = match answer.status {
            400 => Some("Genesys rejected the request; see its message above".to_string()),
            401 => Some(
                "the token was refused even after a refresh: check that the OAuth client is still active and GENESYS_REGION is its region"
                    .to_string(),
            ),
            403 => Some(permission_help(endpoint).to_string()),
            404 => Some(format!(
                "not found at {}: check the id and that GENESYS_REGION is the org's region",
                self.config.hosts.api_base
            )),
            _ => None,
        };
        GenesysError::Http {
            method: method.as_str(),
            path: path.to_string(),
            status: answer.status,
            correlation_id: answer.correlation_id,
            message,
            help,
        }
    }

    /// Server text for a message: secrets removed ([`Client::scrub_secrets`]) and every
    /// control character escaped (a bare `\r` would rewrite the line the user reads).
    pub(super) fn scrub(&self, text: &str) -> String {
        crate::scrub::control(&self.scrub_secrets(text)).into_owned()
    }

    /// Remove the client secret, the Basic header and every token issued from `text`.
    pub(super) fn scrub_secrets(&self, text: &str) -> String {
        let mut out = self.config.client_secret.scrub(text);
        if let Some(b64) = self.basic.expose().strip_prefix("Basic ") {
            out = Secret::new(b64).scrub(&out);
        }
        if let Ok(guard) = self.token.try_lock()
            && let Some(t) = guard.as_ref()
        {
            out = t.value.scrub(&out);
        }
        // Tokens issued earlier in the run (before a 401 refresh) and any other secret.
        crate::scrub::text(&out).into_owned()
    }
}

/// A conversation body is what was asked for before anything records or tests it: its
/// `id` is the conversation requested, it has participants, and one of them is the
/// customer. A proxy, a cache or a wrong region can answer 200 with another conversation
/// or an empty shell; recorded, that would be a fixture of the wrong data that passes.
pub(in crate::genesys) fn conversation_body(
    method: Method,
    path: &str,
    asked: &str,
    body: Value,
) -> Result<Value, GenesysError> {
    let wrong = |detail: String| GenesysError::Malformed {
        method: method.as_str(),
        path: path.to_string(),
        detail,
    };
    let shown = |v: &Value| crate::diag::cut(&crate::scrub::control(&v.to_string()), 80);
    match body.get("id") {
        Some(Value::String(id)) if id == asked.trim() => {}
        Some(other) => {
            return Err(wrong(format!(
                "the body's `id` is {}, not the conversation asked for (`{}`)",
                shown(other),
                asked.trim()
            )));
        }
        None => {
            return Err(wrong(
                "the body has no `id`: it is not a conversation".into(),
            ));
        }
    }
    let participants = match body.get("participants") {
        Some(Value::Array(p)) if !p.is_empty() => p,
        Some(Value::Array(_)) => {
            return Err(wrong("the conversation has no participants".into()));
        }
        Some(other) => {
            return Err(wrong(format!(
                "`participants` is {}, not a list",
                shown(other)
            )));
        }
        None => return Err(wrong("the body has no `participants`".into())),
    };
    let purposes: Vec<Option<&str>> = participants
        .iter()
        .map(|p| p.get("purpose").and_then(Value::as_str))
        .collect();
    if !purposes.contains(&Some(CUSTOMER)) {
        let seen: Vec<String> = purposes
            .iter()
            .flatten()
            .map(|p| crate::diag::cut(&crate::scrub::control(p), 40))
            .collect();
        return Err(wrong(format!(
            "no participant has purpose `{CUSTOMER}` (purposes: {})",
            if seen.is_empty() {
                "none".to_string()
            } else {
                seen.join(", ")
            }
        )));
    }
    Ok(body)
}

/// The permission a 403 points at. The Platform SDK docs (platform-client-sdk-python
/// `docs/ConversationsApi.md`) list `conversation:communication:view` for the generic GET
/// and no permission for the messages GET and both attribute PATCHes: for those a 403 means
/// the role cannot reach the conversation (its division), so that is what we say.
fn permission_help(endpoint: Endpoint) -> &'static str {
    match endpoint {
        Endpoint::Needs(help) => help,
        Endpoint::GetConversation => {
            "the OAuth client's role needs the conversation:communication:view permission (Conversation > Communication > View) in the conversation's division"
        }
        Endpoint::GetMessage => {
            "Genesys documents no specific permission for GET /api/v2/conversations/messages/{id}: the OAuth client's role cannot reach this conversation; give it conversation:communication:view in the division of the conversation's queue"
        }
        Endpoint::PatchMessageAttributes | Endpoint::PatchConversationAttributes => {
            "Genesys documents no specific permission for the participant attributes PATCH: the OAuth client's role cannot reach this conversation; give the role the division of the conversation's queue (and conversation:communication:view to read it back)"
        }
    }
}

/// Percent-encode one path segment; ids are UUIDs in practice but come from users.
pub(in crate::genesys) fn path_segment(what: &str, id: &str) -> Result<String, GenesysError> {
    let id = id.trim();
    if id.is_empty() {
        return Err(GenesysError::config(
            format!("the {what} is empty"),
            "give the id shown in Genesys Cloud (a UUID)",
        ));
    }
    let mut out = String::with_capacity(id.len());
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    Ok(out)
}
