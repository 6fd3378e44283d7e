//! The Platform API calls a `guest:` case and `routecheck doctor` make besides reading a
//! conversation: message details, queue names, disconnecting a test conversation, flow
//! execution data, and permission probes. Same client, token, pacing and retries.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::client::{Client, Endpoint, Method, Payload, path_segment};
use super::error::GenesysError;
use super::{Secret, region};

const DETAILS_HELP: &str = "the OAuth client's role needs conversation:message:view or conversation:webmessaging:view (Conversation > Message > View)";
const QUEUE_HELP: &str =
    "the OAuth client's role needs routing:queue:view (Routing > Queue > View)";
const DISCONNECT_HELP: &str = "the OAuth client's role needs conversation:communication:disconnect (Conversation > Communication > Disconnect) in the conversation's division";
const FLOW_DATA_HELP: &str = "the OAuth client's role needs Architect > Flow Instance Execution Data > View (architect:flowInstanceExecutionData:view), and execution data must be on for the org and the flow's log level";

/// How a permission probe came out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    /// HTTP status.
    pub status: u16,
    /// Genesys's error `code` (`not.found`, `missing.any.permissions`, ...).
    pub code: Option<String>,
}

impl Client {
    /// Get a token: proves the credentials and region.
    pub fn check_credentials(&self) -> Result<(), GenesysError> {
        self.token().map(|_| ())
    }

    /// The conversation a message belongs to:
    /// `GET /api/v2/conversations/messages/{messageId}/details` → `conversationId`.
    /// `None` on 404 (not yet indexed, or unknown).
    pub fn message_conversation_id(
        &self,
        message_id: &str,
    ) -> Result<Option<String>, GenesysError> {
        let path = format!(
            "/api/v2/conversations/messages/{}/details",
            path_segment("message id", message_id)?
        );
        let answer = self.call(Method::Get, &path, Payload::Empty)?;
        match answer.status {
            200 => {
                let v = self.json_object(Method::Get, &path, &answer)?;
                match v.get("conversationId").and_then(Value::as_str) {
                    Some(id) if !id.is_empty() => Ok(Some(id.to_owned())),
                    _ => Err(GenesysError::Malformed {
                        method: "GET",
                        path,
                        detail: "the message details have no conversationId".into(),
                    }),
                }
            }
            404 => Ok(None),
            _ => Err(self.http_error(Method::Get, &path, answer, Endpoint::Needs(DETAILS_HELP))),
        }
    }

    /// A queue's name: `GET /api/v2/routing/queues/{id}` → `name`.
    pub fn queue_name(&self, queue_id: &str) -> Result<String, GenesysError> {
        let path = format!(
            "/api/v2/routing/queues/{}",
            path_segment("queue id", queue_id)?
        );
        let answer = self.call(Method::Get, &path, Payload::Empty)?;
        if answer.status != 200 {
            return Err(self.http_error(Method::Get, &path, answer, Endpoint::Needs(QUEUE_HELP)));
        }
        let v = self.json_object(Method::Get, &path, &answer)?;
        v.get("name")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or(GenesysError::Malformed {
                method: "GET",
                path,
                detail: "the queue has no name".into(),
            })
    }

    /// Disconnect a test conversation so no agent sees it:
    /// `PATCH /api/v2/conversations/messages/{id}` `{"state":"disconnected"}`.
    pub fn disconnect_message_conversation(
        &self,
        conversation_id: &str,
    ) -> Result<(), GenesysError> {
        let path = format!(
            "/api/v2/conversations/messages/{}",
            path_segment("conversation id", conversation_id)?
        );
        let body = json!({"state": "disconnected"}).to_string();
        let answer = self.call(Method::Patch, &path, Payload::Json(&body))?;
        match answer.status {
            200..=299 => Ok(()),
            _ => Err(self.http_error(
                Method::Patch,
                &path,
                answer,
                Endpoint::Needs(DISCONNECT_HELP),
            )),
        }
    }

    /// Flow instances of a conversation:
    /// `POST /api/v2/flows/instances/query` with the `ConversationId` criterion.
    pub fn flow_instances(&self, conversation_id: &str) -> Result<Vec<Value>, GenesysError> {
        let path = "/api/v2/flows/instances/query?pageSize=200";
        let body = json!({"query": [{"criteria": [{"key": "ConversationId", "operator": "eq", "value": conversation_id}]}]}).to_string();
        let answer = self.call(Method::Post, path, Payload::Json(&body))?;
        if answer.status != 200 {
            return Err(self.http_error(
                Method::Post,
                path,
                answer,
                Endpoint::Needs(FLOW_DATA_HELP),
            ));
        }
        let v = self.json_object(Method::Post, path, &answer)?;
        Ok(v.get("entities")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default())
    }

    /// The execution data of flow instances: a job (`POST /api/v2/flows/instances/jobs`),
    /// polled until it ends (within `wait`), then each entity's download. In `ids` order.
    pub fn flow_instance_data(
        &self,
        ids: &[String],
        wait: Duration,
    ) -> Result<Vec<Value>, GenesysError> {
        let path = "/api/v2/flows/instances/jobs";
        let body = json!({ "ids": ids }).to_string();
        let answer = self.call(Method::Post, path, Payload::Json(&body))?;
        if !(200..=299).contains(&answer.status) {
            return Err(self.http_error(
                Method::Post,
                path,
                answer,
                Endpoint::Needs(FLOW_DATA_HELP),
            ));
        }
        let job = self.json_object(Method::Post, path, &answer)?;
        let job_id = job
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let poll = format!("{path}/{}", path_segment("job id", &job_id)?);
        let until = Instant::now() + wait;
        let mut pause = Duration::from_millis(250);
        let entities = loop {
            let answer = self.call(Method::Get, &poll, Payload::Empty)?;
            if answer.status != 200 {
                return Err(self.http_error(
                    Method::Get,
                    &poll,
                    answer,
                    Endpoint::Needs(FLOW_DATA_HELP),
                ));
            }
            let v = self.json_object(Method::Get, &poll, &answer)?;
            match v.get("jobState").and_then(Value::as_str) {
                Some("Success") => {
                    break v
                        .get("entities")
                        .and_then(Value::as_array)
                        .cloned()
                        .unwrap_or_default();
                }
                Some("Failed") => {
                    return Err(GenesysError::Malformed {
                        method: "GET",
                        path: poll,
                        detail: "the execution data job failed".into(),
                    });
                }
                _ if Instant::now() + pause > until => {
                    return Err(GenesysError::config(
                        "the flow execution data job did not finish in time",
                        "rerun; the job can take a while after the conversation ends",
                    ));
                }
                _ => {
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_secs(4));
                }
            }
        };
        let mut out = Vec::new();
        for e in &entities {
            if e.get("failed").and_then(Value::as_bool) == Some(true) {
                return Err(GenesysError::Malformed {
                    method: "GET",
                    path: poll.clone(),
                    detail: format!(
                        "the execution data of instance {} could not be prepared (status {})",
                        e.get("id").and_then(Value::as_str).unwrap_or("?"),
                        e.get("statusCode")
                            .map(Value::to_string)
                            .unwrap_or_default()
                    ),
                });
            }
            let Some(uri) = e.get("downloadUri").and_then(Value::as_str) else {
                continue;
            };
            out.push(self.download(uri)?);
        }
        Ok(out)
    }

    /// GET a signed download link (https, or http to loopback for tests), without the token.
    fn download(&self, url: &str) -> Result<Value, GenesysError> {
        let shown = "<flow execution data download>";
        let allowed = match url.split_once("://") {
            Some(("https", _)) => true,
            Some(("http", rest)) => {
                region::is_loopback(region::host_of(rest.split('/').next().unwrap_or("")))
            }
            _ => false,
        };
        if !allowed {
            return Err(GenesysError::Malformed {
                method: "GET",
                path: shown.into(),
                detail: "the download link is not https".into(),
            });
        }
        let answer = self.send(
            Method::Get,
            url,
            shown,
            &Secret::new(""),
            Payload::Empty,
            true,
        )?;
        if answer.status != 200 {
            return Err(self.http_error(
                Method::Get,
                shown,
                answer,
                Endpoint::Needs(FLOW_DATA_HELP),
            ));
        }
        self.json_object(Method::Get, shown, &answer)
    }

    /// Call an endpoint only to see whether the role may: status and error code.
    pub fn probe(&self, post: Option<&str>, path: &str) -> Result<Probe, GenesysError> {
        let answer = match post {
            Some(body) => self.call(Method::Post, path, Payload::Json(body))?,
            None => self.call(Method::Get, path, Payload::Empty)?,
        };
        let code = serde_json::from_str::<Value>(&answer.body)
            .ok()
            .and_then(|v| v.get("code").and_then(Value::as_str).map(str::to_owned));
        Ok(Probe {
            status: answer.status,
            code,
        })
    }
}
