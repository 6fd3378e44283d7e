//! The Platform API endpoints a `guest:` case and `routecheck doctor` use, in the mock:
//! message details, queues, the conversation disconnect, flow execution data (query, job,
//! signed download), and permission denials. Shapes from the Platform SDK models
//! (MessageData, Queue, FlowExecutionDataQueryResult, GetFlowExecutionDataJobResult).

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use serde_json::{Value, json};

use super::{State, error_body};

/// Guest-related state of the Platform mock.
#[derive(Debug, Default)]
pub struct PlatformGuest {
    /// `http://127.0.0.1:PORT`, for download links.
    pub base: String,
    /// Message ids starting with the prefix belong to the conversation.
    pub messages: Vec<(String, String)>,
    /// Queue id → name.
    pub queues: HashMap<String, String>,
    /// Conversation id → flow instances (query entity, execution data download).
    pub flow_instances: HashMap<String, Vec<(Value, Value)>>,
    /// Conversations disconnected through PATCH.
    pub disconnected: Vec<String>,
    /// Path prefixes answered 403 `missing.any.permissions`.
    pub denied: HashSet<String>,
    /// Downloads fetched with an Authorization header (must stay empty).
    pub downloads_with_auth: usize,
    jobs: HashMap<String, Vec<String>>,
}

impl PlatformGuest {
    /// Message ids with `prefix` are in conversation `cid`.
    pub fn message(&mut self, prefix: &str, cid: &str) {
        self.messages.push((prefix.into(), cid.into()));
    }

    /// A flow instance of `cid` that ran these actions (`(kind, actionName)`), in a
    /// `flow.execution` with a task nesting the rest after the first action.
    pub fn flow_instance(&mut self, cid: &str, flow_name: &str, actions: &[(&str, &str)]) {
        let n = self.flow_instances.values().map(Vec::len).sum::<usize>() + 1;
        let id = format!("inst-{n}");
        let entity = json!({
            "id": id, "flowId": "flow-1", "flowName": flow_name,
            "flowType": "INBOUNDSHORTMESSAGE", "flowVersion": "3.0",
            "conversationId": cid, "startDateTime": "2026-05-02T10:00:00.000Z",
            "endDateTime": "2026-05-02T10:00:01.000Z"
        });
        let mut records: Vec<Value> = actions
            .iter()
            .map(|(k, a)| json!({ *k: {"dateTime": "2026-05-02T10:00:00.100Z", "actionName": a, "trackingId": "t"} }))
            .collect();
        let nested: Vec<Value> = records.split_off(records.len().min(1));
        records.insert(
            0,
            json!({"flowStart": {"dateTime": "2026-05-02T10:00:00.000Z"}}),
        );
        records.push(json!({"task": {"taskName": "main", "execution": nested}}));
        let data = json!({"flow": {"id": "flow-1", "name": flow_name, "execution": records}});
        self.flow_instances
            .entry(cid.into())
            .or_default()
            .push((entity, data));
    }
}

fn not_found(what: &str) -> String {
    error_body(
        404,
        "not.found",
        &format!("The requested {what} was not found."),
    )
}

/// The guest endpoints; `None` for any other request.
pub(super) fn route(
    state: &Mutex<State>,
    method: &str,
    segments: &[&str],
    body: &str,
) -> Option<(u16, String)> {
    let mut guard = state.lock().unwrap();
    let g = &mut guard.guest;
    let path = format!("/{}", segments.join("/"));
    if g.denied.iter().any(|d| path.starts_with(d.as_str())) {
        return Some((
            403,
            error_body(
                403,
                "missing.any.permissions",
                "Unable to perform the requested action. You are missing the following permission(s)",
            ),
        ));
    }
    Some(match (method, segments) {
        ("GET", ["api", "v2", "conversations", "messages", id, "details"]) => {
            match g.messages.iter().find(|(p, _)| id.starts_with(p.as_str())) {
                Some((_, cid)) => (
                    200,
                    json!({"id": id, "conversationId": cid, "timestamp": "2026-05-02T10:00:00.000Z",
                           "direction": "inbound", "messengerType": "webmessaging",
                           "textBody": "redacted", "status": "received"})
                    .to_string(),
                ),
                None => (404, not_found("message")),
            }
        }
        ("GET", ["api", "v2", "routing", "queues", id]) => match g.queues.get(*id) {
            Some(name) => (200, json!({"id": id, "name": name}).to_string()),
            None => (404, not_found("queue")),
        },
        ("GET", ["api", "v2", "routing", "queues"]) => {
            (200, json!({"entities": [], "pageSize": 1}).to_string())
        }
        ("PATCH", ["api", "v2", "conversations", "messages", cid]) => {
            let v: Value = serde_json::from_str(body).unwrap_or(Value::Null);
            if v.get("state").and_then(Value::as_str) != Some("disconnected") {
                return Some((
                    400,
                    error_body(400, "bad.request", "state must be disconnected"),
                ));
            }
            g.disconnected.push(cid.to_string());
            (200, json!({"id": cid}).to_string())
        }
        ("POST", ["api", "v2", "flows", "instances", "query"]) => {
            let v: Value = serde_json::from_str(body).unwrap_or(Value::Null);
            let cid = v
                .pointer("/query/0/criteria/0")
                .filter(|c| c.get("key").and_then(Value::as_str) == Some("ConversationId"))
                .and_then(|c| c.get("value"))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let entities: Vec<Value> = g
                .flow_instances
                .get(&cid)
                .into_iter()
                .flatten()
                .map(|(e, _)| e.clone())
                .collect();
            (
                200,
                json!({"entities": entities, "pageSize": 200}).to_string(),
            )
        }
        ("POST", ["api", "v2", "flows", "instances", "jobs"]) => {
            let v: Value = serde_json::from_str(body).unwrap_or(Value::Null);
            let ids: Vec<String> = v
                .get("ids")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|i| i.as_str().map(str::to_owned))
                .collect();
            let id = format!("job-{}", g.jobs.len() + 1);
            g.jobs.insert(id.clone(), ids);
            (202, json!({"id": id, "jobState": "Submitted"}).to_string())
        }
        ("GET", ["api", "v2", "flows", "instances", "jobs", id]) => match g.jobs.get(*id) {
            Some(ids) => {
                let entities: Vec<Value> = ids
                    .iter()
                    .map(|i| json!({"id": i, "downloadUri": format!("{}/downloads/{i}", g.base), "failed": false, "statusCode": 200}))
                    .collect();
                (
                    200,
                    json!({"id": id, "jobState": "Success", "entities": entities}).to_string(),
                )
            }
            None => (404, not_found("job")),
        },
        _ => return None,
    })
}

/// A signed download of one instance's execution data.
pub(super) fn download(state: &Mutex<State>, id: &str, with_auth: bool) -> (u16, String) {
    let mut guard = state.lock().unwrap();
    let g = &mut guard.guest;
    if with_auth {
        g.downloads_with_auth += 1;
    }
    g.flow_instances
        .values()
        .flatten()
        .find(|(e, _)| e.get("id").and_then(Value::as_str) == Some(id))
        .map_or_else(
            || (404, not_found("download")),
            |(_, d)| (200, d.to_string()),
        )
}
