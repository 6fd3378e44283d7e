//! Back on the Platform API after a guest session: the conversation the first message
//! started (message details), the conversation itself, the queue it reached, the flow's
//! execution data, and the cleanup.

use std::time::{Duration, Instant};

use serde_json::Value;

use super::GuestSpec;
use super::error::GuestError;
use super::flowpath::{self, Instance};
use super::session::Observed;
use crate::expr::Directory;
use crate::genesys::{Client, GenesysError};

/// A finished guest case's facts.
#[derive(Debug, Clone)]
pub struct GuestRun {
    /// What the socket saw.
    pub observed: Observed,
    /// The conversation id (from the first message's details).
    pub conversation_id: String,
    /// The conversation as the Platform API returns it (read like `conversation:` cases).
    pub conversation: Value,
    /// The queue reached, when a `route:` expectation asks.
    pub queue: Option<Queue>,
    /// The flow instances' execution data, with `flow_path`.
    pub flow_path: Option<Vec<Instance>>,
    /// Why `cleanup: true` could not disconnect the conversation.
    pub cleanup_error: Option<String>,
}

/// The queue of the last acd participant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queue {
    /// Queue id.
    pub id: String,
    /// Its name, when it could be resolved.
    pub name: String,
}

/// How long the Platform side is waited for.
#[derive(Debug, Clone, Copy)]
pub struct Waits {
    /// Message details may lag the socket: 404s are retried this long.
    pub details: Duration,
    /// Flow instances are listed once they end: polled this long.
    pub flow_data: Duration,
}

impl Default for Waits {
    fn default() -> Self {
        Waits {
            details: Duration::from_secs(20),
            flow_data: Duration::from_secs(60),
        }
    }
}

fn platform(e: GenesysError) -> GuestError {
    use miette::Diagnostic;
    GuestError::Platform {
        message: match e.help() {
            Some(h) => format!("{e}\nhelp: {h}"),
            None => e.to_string(),
        },
    }
}

/// Read the conversation a session started; `route` resolves the queue, `flow_path`
/// fetches execution data.
pub fn read_back(
    client: &Client,
    spec: &GuestSpec,
    observed: Observed,
    directory: Option<&Directory>,
    route: bool,
    waits: Waits,
) -> Result<GuestRun, GuestError> {
    let first = observed
        .message_ids
        .first()
        .ok_or_else(|| GuestError::Protocol {
            detail: "no message id on the Inbound echo: the conversation cannot be found".into(),
        })?;
    let conversation_id = conversation_of(client, first, waits.details)?;
    let conversation = client
        .get_conversation(&conversation_id)
        .map_err(platform)?;
    let queue = if route {
        last_queue(&conversation)
            .map(|(id, name)| resolve(client, id, name, directory))
            .transpose()?
    } else {
        None
    };
    let cleanup_error = spec
        .cleanup
        .then(|| {
            client
                .disconnect_message_conversation(&conversation_id)
                .err()
        })
        .flatten()
        .map(|e| platform(e).to_string());
    let flow_path = if spec.flow_path {
        Some(execution(client, &conversation_id, waits.flow_data)?)
    } else {
        None
    };
    Ok(GuestRun {
        observed,
        conversation_id,
        conversation,
        queue,
        flow_path,
        cleanup_error,
    })
}

/// `cleanup: true` after a failed session: disconnect the conversation it may have
/// started, best effort (the session's error is what the case reports).
pub fn abandon(client: &Client, seen: &Observed, waits: Waits) {
    if let Some(first) = seen.message_ids.first()
        && let Ok(cid) = conversation_of(client, first, waits.details)
    {
        let _ = client.disconnect_message_conversation(&cid);
    }
}

/// `GET .../messages/{id}/details`, retrying 404 (the index lags the socket) with backoff.
fn conversation_of(
    client: &Client,
    message_id: &str,
    wait: Duration,
) -> Result<String, GuestError> {
    let until = Instant::now() + wait;
    let mut pause = Duration::from_millis(500);
    loop {
        if let Some(id) = client
            .message_conversation_id(message_id)
            .map_err(platform)?
        {
            return Ok(id);
        }
        if Instant::now() + pause > until {
            return Err(GuestError::Platform {
                message: format!(
                    "the details of message {message_id} were not found within {} s: the conversation cannot be read back\nhelp: check that GENESYS_REGION is the deployment's region and that the OAuth client's role can view web messaging conversations",
                    wait.as_secs()
                ),
            });
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_secs(4));
    }
}

/// The last acd participant's queue: `queue.id` (MessageConversation) or `queueId`
/// (Conversation), with `queueName` when the answer carries it.
pub fn last_queue(conversation: &Value) -> Option<(String, Option<String>)> {
    let participants = conversation.get("participants")?.as_array()?;
    participants
        .iter()
        .filter(|p| p.get("purpose").and_then(Value::as_str) == Some("acd"))
        .filter_map(|p| {
            let id = p
                .pointer("/queue/id")
                .or_else(|| p.get("queueId"))
                .and_then(Value::as_str)?;
            let name = p
                .get("queueName")
                .and_then(Value::as_str)
                .map(str::to_owned);
            Some((id.to_owned(), name))
        })
        .next_back()
}

fn resolve(
    client: &Client,
    id: String,
    name: Option<String>,
    directory: Option<&Directory>,
) -> Result<Queue, GuestError> {
    let name = match name.or_else(|| directory.and_then(|d| d.queues.get(&id).cloned())) {
        Some(n) => n,
        None => client.queue_name(&id).map_err(platform)?,
    };
    Ok(Queue { id, name })
}

fn execution(
    client: &Client,
    conversation_id: &str,
    wait: Duration,
) -> Result<Vec<Instance>, GuestError> {
    let until = Instant::now() + wait;
    let mut pause = Duration::from_millis(500);
    let entities = loop {
        let found = client.flow_instances(conversation_id).map_err(platform)?;
        if !found.is_empty() {
            break found;
        }
        if Instant::now() + pause > until {
            return Err(GuestError::Platform {
                message: format!(
                    "no flow execution data for conversation {conversation_id} within {} s\nhelp: turn on flow execution data (Admin > Architect > Flow Instance Settings) and the flow's log level; instances are listed once they end",
                    wait.as_secs()
                ),
            });
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_secs(4));
    };
    let ids: Vec<String> = entities
        .iter()
        .filter_map(|e| e.get("id").and_then(Value::as_str).map(str::to_owned))
        .collect();
    let data = client.flow_instance_data(&ids, wait).map_err(platform)?;
    Ok(entities
        .iter()
        .zip(data.iter().map(Some).chain(std::iter::repeat(None)))
        .map(|(e, d)| Instance {
            flow_name: e.get("flowName").and_then(Value::as_str).map(str::to_owned),
            flow_error: e
                .get("flowErrorReason")
                .and_then(Value::as_str)
                .map(str::to_owned),
            actions: d.map(flowpath::actions).unwrap_or_default(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_last_acd_queue_is_read_from_either_conversation_shape() {
        let messages = json!({"participants": [
            {"purpose": "customer"},
            {"purpose": "acd", "queue": {"id": "q-1", "selfUri": "/api/v2/routing/queues/q-1"}},
            {"purpose": "acd", "queue": {"id": "q-2"}},
            {"purpose": "agent"}
        ]});
        assert_eq!(last_queue(&messages), Some(("q-2".into(), None)));
        let generic = json!({"participants": [
            {"purpose": "acd", "queueId": "q-9", "queueName": "VIP Support"}
        ]});
        assert_eq!(
            last_queue(&generic),
            Some(("q-9".into(), Some("VIP Support".into())))
        );
        assert_eq!(
            last_queue(&json!({"participants": [{"purpose": "customer"}]})),
            None
        );
    }
}
