//! An in-process mock of the Genesys Cloud Platform API for the live-mode tests: the token
//! endpoint (with Basic auth checking), both conversation GETs, both attribute PATCHes, and
//! injectable faults. Runs on 127.0.0.1:0 on one thread, stops when dropped or after a
//! bounded lifetime/request count.
#![allow(dead_code)] // each test binary uses a different part

pub mod guest_api;
pub mod guest_ws;

use std::collections::{HashMap, HashSet, VecDeque};
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tiny_http::{Header, Response, Server};

/// The OAuth client the mock accepts.
pub const CLIENT_ID: &str = "7f1c2a44-routecheck-test-client";
/// Its secret: tests grep every output for it.
pub const CLIENT_SECRET: &str = "S3cr3t-Gr3p-Me-0f4c1b9e2d";
/// Web messaging conversation served by the messages endpoint.
pub const WEB_ID: &str = "5e1f7a92-3c1d-4b8e-9f02-7d6a1c0b4e11";
/// Its customer participant.
pub const WEB_CUSTOMER: &str = "c7b0e1d2-5a4f-4c3b-8e9d-0f1a2b3c4d5e";
/// The callback conversation of tests/data (only on the generic endpoint).
pub const CALLBACK_ID: &str = "ffff-ffff-ffff-ffff";
/// The agentless SMS MessageConversation of tests/data.
pub const SMS_ID: &str = "a1b23c4d-ab12-1abc-1234-1a23b4c56789";

const LIFETIME: Duration = Duration::from_secs(120);
const MAX_REQUESTS: usize = 5_000;

/// A fault served once, to the next request that matches.
#[derive(Debug, Clone)]
pub enum Fault {
    /// 429 with `Retry-After` seconds.
    RateLimited(u64),
    /// 429 with only `inin-ratelimit-reset` seconds.
    RateLimitedReset(u64),
    /// 503.
    Unavailable,
    /// 401, as when the token expired server-side.
    ExpiredToken,
    /// A status with Genesys's error body.
    Status(u16, &'static str),
    /// Answer after this delay.
    Slow(Duration),
    /// 200 with a body that is not JSON.
    Malformed,
    /// 200 whose body breaks off mid-stream.
    DropMidBody,
    /// This status with an error body that echoes every token issued so far, as a server
    /// quoting the rejected credential would.
    EchoTokens(u16),
    /// 200 with a JSON body of this many bytes (to exceed the client's size limit).
    Oversized(usize),
    /// Served as usual: queued first, it aims the next fault at a later request.
    Pass,
}

/// One request as the mock saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub at: Instant,
    pub status: u16,
}

#[derive(Default)]
struct State {
    /// id → (served by the messages endpoint, body)
    conversations: HashMap<String, (bool, Value)>,
    faults: VecDeque<(String, String, Fault)>,
    tokens: Vec<String>,
    valid: HashSet<String>,
    dropped_keys: HashSet<String>,
    seen: Vec<Seen>,
    expires_in: u64,
    /// Guest API additions: see `guest_api`.
    guest: guest_api::PlatformGuest,
    /// NLU detect: message text → `output.intents`; other texts detect nothing.
    detections: HashMap<String, Value>,
}

/// The running mock.
pub struct Mock {
    /// `http://127.0.0.1:PORT`
    pub base: String,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

fn data(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/real-conversations")
        .join(name);
    let text = std::fs::read_to_string(&path).expect("fixture readable");
    serde_json::from_str(&text).expect("fixture is JSON")
}

/// A Web Messaging MessageConversation in the documented model shape
/// (`MessageConversation` / `MessageMediaParticipant` of the Platform API): customer, acd and
/// agent, with the attributes copied onto the acd participant as Genesys does.
pub fn web_messaging_conversation() -> Value {
    let attributes = json!({
        "Tier": "gold",
        "context.email": "blanche.stokes@example.com",
        "context.phoneNumber": "+1 938 679 8637",
        "context.firstName": "Blanche",
        "Intent": "billing"
    });
    json!({
        "id": WEB_ID,
        "participants": [
            {
                "id": WEB_CUSTOMER,
                "name": "Blanche Stokes",
                "purpose": "customer",
                "state": "connected",
                "direction": "inbound",
                "held": false,
                "wrapupRequired": false,
                "attributes": attributes,
                "fromAddress": {"name": "Blanche Stokes", "addressNormalized": "b7e1-guest-session"},
                "toAddress": {"name": "Web Messaging Deployment", "addressNormalized": "deployment-1"},
                "messages": [
                    {"messageId": "m-1", "messageStatus": "delivery-success", "messageTime": "2024-05-02T10:00:01.000Z",
                     "textBody": "hi, I was double charged"}
                ],
                "type": "webmessaging"
            },
            {
                "id": "acd-participant-1",
                "name": "Billing",
                "purpose": "acd",
                "state": "disconnected",
                "queue": {"id": "q-billing", "selfUri": "/api/v2/routing/queues/q-billing"},
                "attributes": attributes,
                "type": "webmessaging"
            },
            {
                "id": "agent-participant-1",
                "name": "Agent Smith",
                "purpose": "agent",
                "state": "connected",
                "attributes": {},
                "type": "webmessaging"
            }
        ],
        "recordingState": "none",
        "selfUri": format!("/api/v2/conversations/messages/{WEB_ID}")
    })
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("valid header")
}

impl Mock {
    /// Start a mock serving the web messaging conversation, the real SMS MessageConversation
    /// and the real callback and chat conversations.
    pub fn start() -> Mock {
        let server = Server::http("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let port = server.server_addr().to_ip().expect("ip listener").port();
        let mut state = State {
            expires_in: 86_399,
            ..State::default()
        };
        state.guest.base = format!("http://127.0.0.1:{port}");
        state
            .conversations
            .insert(WEB_ID.into(), (true, web_messaging_conversation()));
        state.conversations.insert(
            SMS_ID.into(),
            (true, data("agentless-sms-get-message-conversation.json")),
        );
        state.conversations.insert(
            CALLBACK_ID.into(),
            (false, data("callback-get-conversation.json")),
        );
        state.conversations.insert(
            "my_conversation_id".into(),
            (false, data("chat-v2-get-conversation.json")),
        );
        let state = Arc::new(Mutex::new(state));
        let stop = Arc::new(AtomicBool::new(false));
        let handle = {
            let state = state.clone();
            let stop = stop.clone();
            std::thread::spawn(move || serve(server, state, stop))
        };
        Mock {
            base: format!("http://127.0.0.1:{port}"),
            state,
            stop,
            handle: Some(handle),
        }
    }

    /// Queue a fault for the next request whose method matches and whose path starts with
    /// `path_prefix`.
    pub fn fault(&self, method: &str, path_prefix: &str, fault: Fault) {
        self.state
            .lock()
            .unwrap()
            .faults
            .push_back((method.into(), path_prefix.into(), fault));
    }

    /// Make the messages PATCH accept but not store `key`.
    pub fn drop_key(&self, key: &str) {
        self.state.lock().unwrap().dropped_keys.insert(key.into());
    }

    /// Token lifetime the login endpoint announces.
    pub fn set_expires_in(&self, secs: u64) {
        self.state.lock().unwrap().expires_in = secs;
    }

    /// What the NLU detect endpoint answers for `text`: `output.intents` of an
    /// `NluDetectionResponse`.
    pub fn detects(&self, text: &str, intents: Value) {
        self.state
            .lock()
            .unwrap()
            .detections
            .insert(text.into(), intents);
    }

    /// Every request so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.state.lock().unwrap().seen.clone()
    }

    /// Tokens issued so far.
    pub fn tokens(&self) -> Vec<String> {
        self.state.lock().unwrap().tokens.clone()
    }

    /// A stored conversation.
    pub fn conversation(&self, id: &str) -> Option<Value> {
        self.state
            .lock()
            .unwrap()
            .conversations
            .get(id)
            .map(|(_, v)| v.clone())
    }

    /// Change a stored conversation in place, as the org would between two reads; returns
    /// whether the conversation exists.
    pub fn edit_conversation(&self, id: &str, edit: impl FnOnce(&mut Value)) -> bool {
        match self.state.lock().unwrap().conversations.get_mut(id) {
            Some((_, v)) => {
                edit(v);
                true
            }
            None => false,
        }
    }

    /// Environment for the CLI pointing at this mock.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("GENESYS_CLIENT_ID", CLIENT_ID.into()),
            ("GENESYS_CLIENT_SECRET", CLIENT_SECRET.into()),
            ("GENESYS_API_BASE", self.base.clone()),
            ("GENESYS_LOGIN_BASE", self.base.clone()),
        ]
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

impl Mock {
    /// Change the Guest API part of the mock's state (message details, queues, flow data).
    pub fn guest(&self, edit: impl FnOnce(&mut guest_api::PlatformGuest)) {
        edit(&mut self.state.lock().unwrap().guest);
    }

    /// Read the Guest API part of the mock's state.
    pub fn guest_state<T>(&self, read: impl FnOnce(&guest_api::PlatformGuest) -> T) -> T {
        read(&self.state.lock().unwrap().guest)
    }
}

fn serve(server: Server, state: Arc<Mutex<State>>, stop: Arc<AtomicBool>) {
    let born = Instant::now();
    let mut count = 0usize;
    while !stop.load(Ordering::SeqCst) && born.elapsed() < LIFETIME && count < MAX_REQUESTS {
        let Ok(Some(request)) = server.recv_timeout(Duration::from_millis(20)) else {
            continue;
        };
        count += 1;
        handle(request, &state);
    }
}

fn error_body(status: u16, code: &str, message: &str) -> String {
    json!({"message": message, "code": code, "status": status, "contextId": "ctx-1", "details": [], "errors": []})
        .to_string()
}

fn handle(mut request: tiny_http::Request, state: &Mutex<State>) {
    let method = request.method().as_str().to_string();
    let path = request.url().split('?').next().unwrap_or("").to_string();
    let auth = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Authorization"))
        .map(|h| h.value.as_str().to_string())
        .unwrap_or_default();
    let mut body = String::new();
    let _ = request.as_reader().read_to_string(&mut body);

    let fault = {
        let mut s = state.lock().unwrap();
        let i = s
            .faults
            .iter()
            .position(|(m, p, _)| *m == method && path.starts_with(p.as_str()));
        i.and_then(|i| s.faults.remove(i)).map(|(_, _, f)| f)
    };
    let correlation = format!("corr-{}", state.lock().unwrap().seen.len() + 1);
    let record = |status: u16| {
        state.lock().unwrap().seen.push(Seen {
            method: method.clone(),
            path: path.clone(),
            at: Instant::now(),
            status,
        });
    };
    let json_response = |status: u16, text: String| {
        Response::from_string(text)
            .with_status_code(status)
            .with_header(header("Content-Type", "application/json"))
            .with_header(header("ININ-Correlation-Id", &correlation))
    };

    match fault {
        Some(Fault::RateLimited(secs)) => {
            record(429);
            let r = json_response(
                429,
                error_body(429, "too.many.requests", "Rate limit exceeded the maximum"),
            )
            .with_header(header("Retry-After", &secs.to_string()))
            .with_header(header("inin-ratelimit-count", "301"))
            .with_header(header("inin-ratelimit-allowed", "300"))
            .with_header(header("inin-ratelimit-reset", &secs.to_string()));
            let _ = request.respond(r);
            return;
        }
        Some(Fault::RateLimitedReset(secs)) => {
            record(429);
            let r = json_response(
                429,
                error_body(429, "too.many.requests", "Rate limit exceeded the maximum"),
            )
            .with_header(header("inin-ratelimit-reset", &secs.to_string()));
            let _ = request.respond(r);
            return;
        }
        Some(Fault::Unavailable) => {
            record(503);
            let _ = request.respond(json_response(
                503,
                error_body(503, "service.unavailable", "Service Unavailable"),
            ));
            return;
        }
        Some(Fault::ExpiredToken) => {
            record(401);
            let _ = request.respond(json_response(
                401,
                error_body(401, "bad.credentials", "Invalid login credentials."),
            ));
            return;
        }
        Some(Fault::Status(status, message)) => {
            record(status);
            let _ = request.respond(json_response(status, error_body(status, "fault", message)));
            return;
        }
        Some(Fault::Malformed) => {
            record(200);
            let _ = request.respond(json_response(
                200,
                "{\"id\": \"x\", \"participants\": [".into(),
            ));
            return;
        }
        Some(Fault::DropMidBody) => {
            record(200);
            let mut w = request.into_writer();
            // tiny_http cannot close the socket from a handler, so the break is a chunked body
            // that stops being a valid stream after its first chunk: the client sees the
            // connection fail mid-body.
            let _ = w.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n{\"id\":\"partial\",\r\nnot-a-chunk\r\n",
            );
            let _ = w.flush();
            return;
        }
        Some(Fault::EchoTokens(status)) => {
            record(status);
            let tokens = state.lock().unwrap().tokens.join(", ");
            let _ = request.respond(json_response(
                status,
                error_body(status, "fault", &format!("tokens seen: {tokens}")),
            ));
            return;
        }
        Some(Fault::Oversized(bytes)) => {
            record(200);
            let padding = "x".repeat(bytes.saturating_sub(16));
            let _ = request.respond(json_response(200, format!("{{\"pad\": \"{padding}\"}}")));
            return;
        }
        Some(Fault::Slow(d)) => std::thread::sleep(d),
        Some(Fault::Pass) | None => {}
    }

    // Signed download links of flow execution data carry no bearer token.
    if let Some(id) = path.strip_prefix("/downloads/") {
        let (status, text) = guest_api::download(state, id, !auth.is_empty());
        record(status);
        let _ = request.respond(json_response(status, text));
        return;
    }

    if method == "POST" && path == "/oauth/token" {
        let expected = format!(
            "Basic {}",
            b64(format!("{CLIENT_ID}:{CLIENT_SECRET}").as_bytes())
        );
        if auth != expected || !body.contains("grant_type=client_credentials") {
            record(400);
            let _ = request.respond(json_response(
                400,
                json!({"error": "invalid_client", "description": "client not found"}).to_string(),
            ));
            return;
        }
        let mut s = state.lock().unwrap();
        let noise = {
            use std::hash::{BuildHasher, Hasher};
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_usize(s.tokens.len());
            h.finish()
        };
        let token = format!("tok{}-{noise:016x}", s.tokens.len() + 1);
        s.tokens.push(token.clone());
        s.valid.clear();
        s.valid.insert(token.clone());
        let expires_in = s.expires_in;
        drop(s);
        record(200);
        let _ = request.respond(json_response(
            200,
            json!({"access_token": token, "token_type": "bearer", "expires_in": expires_in})
                .to_string(),
        ));
        return;
    }

    let token_ok = auth
        .strip_prefix("Bearer ")
        .is_some_and(|t| state.lock().unwrap().valid.contains(t));
    if !token_ok {
        record(401);
        let _ = request.respond(json_response(
            401,
            error_body(
                401,
                "authentication.required",
                "No authentication bearer token specified in authorization header.",
            ),
        ));
        return;
    }

    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let not_found = |what: &str| {
        error_body(
            404,
            "not.found",
            &format!("The requested {what} was not found."),
        )
    };
    if let Some((status, text)) = guest_api::route(state, &method, &segments, &body) {
        record(status);
        let _ = request.respond(json_response(status, text));
        return;
    }
    let (status, text) = match (method.as_str(), segments.as_slice()) {
        ("GET", ["api", "v2", "conversations", "messages", id]) => {
            match state.lock().unwrap().conversations.get(*id) {
                Some((true, v)) => (200, v.to_string()),
                _ => (404, not_found("conversation")),
            }
        }
        ("GET", ["api", "v2", "conversations", id]) => {
            match state.lock().unwrap().conversations.get(*id) {
                Some((_, v)) => (200, v.to_string()),
                None => (404, not_found("conversation")),
            }
        }
        (
            "PATCH",
            [
                "api",
                "v2",
                "conversations",
                "messages",
                cid,
                "participants",
                pid,
                "attributes",
            ],
        ) => patch(state, cid, pid, &body, true),
        (
            "PATCH",
            [
                "api",
                "v2",
                "conversations",
                cid,
                "participants",
                pid,
                "attributes",
            ],
        ) => patch(state, cid, pid, &body, false),
        (
            "POST",
            [
                "api",
                "v2",
                "languageunderstanding",
                "domains",
                domain,
                "versions",
                version,
                "detect",
            ],
        ) => detect(state, domain, version, &body),
        _ => (404, not_found("resource")),
    };
    record(status);
    if status == 202 {
        let _ = request
            .respond(Response::empty(202).with_header(header("ININ-Correlation-Id", &correlation)));
    } else {
        let _ = request.respond(json_response(status, text));
    }
}

/// Merge attributes into a participant; the messages endpoint answers 200 with the
/// participant's attributes, the generic one 202 with no body.
fn patch(state: &Mutex<State>, cid: &str, pid: &str, body: &str, messages: bool) -> (u16, String) {
    let Ok(parsed) = serde_json::from_str::<Value>(body) else {
        return (
            400,
            error_body(
                400,
                "bad.request",
                "The request could not be understood by the server due to malformed syntax.",
            ),
        );
    };
    let Some(new) = parsed.get("attributes").and_then(Value::as_object).cloned() else {
        return (
            400,
            error_body(400, "bad.request", "attributes is required"),
        );
    };
    let mut s = state.lock().unwrap();
    let dropped = s.dropped_keys.clone();
    let Some((is_message, conv)) = s.conversations.get_mut(cid) else {
        return (
            404,
            error_body(
                404,
                "not.found",
                "The requested conversation was not found.",
            ),
        );
    };
    if messages && !*is_message {
        return (
            404,
            error_body(
                404,
                "not.found",
                "The requested conversation was not found.",
            ),
        );
    }
    let Some(p) = conv
        .get_mut("participants")
        .and_then(Value::as_array_mut)
        .and_then(|ps| {
            ps.iter_mut()
                .find(|p| p.get("id").and_then(Value::as_str) == Some(pid))
        })
    else {
        return (
            404,
            error_body(404, "not.found", "The requested participant was not found."),
        );
    };
    if p.get("attributes").is_none_or(|a| !a.is_object()) {
        p["attributes"] = json!({});
    }
    if let Some(attrs) = p.get_mut("attributes").and_then(Value::as_object_mut) {
        for (k, v) in new {
            if !dropped.contains(&k) {
                attrs.insert(k, v);
            }
        }
    }
    if messages {
        (
            200,
            json!({"attributes": p["attributes"].clone()}).to_string(),
        )
    } else {
        (202, String::new())
    }
}

/// An `NluDetectionResponse` for `{"input": {"text", "language"?}}`; a body without
/// `input.text` is a 400, as Genesys answers a request its model rejects.
fn detect(state: &Mutex<State>, domain: &str, version: &str, body: &str) -> (u16, String) {
    let parsed = serde_json::from_str::<Value>(body).unwrap_or(Value::Null);
    let Some(text) = parsed.pointer("/input/text").and_then(Value::as_str) else {
        return (
            400,
            error_body(400, "bad.request", "input.text is required"),
        );
    };
    let intents = state
        .lock()
        .unwrap()
        .detections
        .get(text)
        .cloned()
        .unwrap_or_else(|| json!([]));
    let language = parsed
        .pointer("/input/language")
        .cloned()
        .unwrap_or(json!("en-us"));
    (
        200,
        json!({
            "version": {"id": version, "domain": {"id": domain}, "language": language},
            "output": {"intents": intents, "dialogActs": []},
            "input": {"text": text}
        })
        .to_string(),
    )
}

fn b64(input: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            out.push(if i <= chunk.len() {
                A[((n >> (18 - 6 * i)) & 63) as usize] as char
            } else {
                '='
            });
        }
    }
    out
}

/// The Basic credential string as sent on the wire (also grepped for in outputs).
pub fn basic_credential() -> String {
    b64(format!("{CLIENT_ID}:{CLIENT_SECRET}").as_bytes())
}

/// What one CLI run printed.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// stdout and stderr, with diagnostics' wrapping and frame undone (`│`, `·`, newlines,
    /// runs of spaces), so a message is matched whatever the width wrapped it at.
    pub fn all(&self) -> String {
        let text = format!("{}\n{}", self.stdout, self.stderr).replace(['│', '·'], " ");
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// The exit code and both streams as printed, for an assertion's message.
    pub fn dump(&self) -> String {
        format!(
            "exit {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Run `routecheck` in `dir` with the test's own environment plus `env` (`NO_COLOR` set,
/// `CI` removed so output does not depend on where the tests run).
pub fn run_in_env(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Run {
    let mut cmd = assert_cmd::Command::cargo_bin("routecheck").expect("the binary is built");
    cmd.current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CI")
        .envs(env.iter().copied())
        .args(args)
        .timeout(Duration::from_secs(60));
    let out = cmd.output().expect("the binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// [`run_in_env`] with no extra variables.
pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    run_in_env(dir, &[], args)
}

/// Copy a tree of test data (regular files and directories).
pub fn copy_dir(from: &Path, to: &Path) {
    copy_dir_except(from, to, &[]);
}

/// [`copy_dir`], leaving out files with one of these names.
pub fn copy_dir_except(from: &Path, to: &Path, skip: &[&str]) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir_except(&e.path(), &target, skip);
        } else if !skip.iter().any(|n| e.file_name() == **n) {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// Run `routecheck` with exactly these environment variables (plus `NO_COLOR`), in `dir`
/// when given.
pub fn run_cli(dir: Option<&Path>, vars: &[(&str, String)], args: &[&str]) -> Run {
    let mut cmd = assert_cmd::Command::cargo_bin("routecheck").expect("the binary is built");
    cmd.env_clear()
        .envs(vars.iter().map(|(k, v)| (*k, v.as_str())))
        .env("NO_COLOR", "1")
        .args(args)
        .timeout(Duration::from_secs(60));
    if let Some(d) = dir {
        cmd.current_dir(d);
    }
    let out = cmd.output().expect("the binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Fail if the client secret, the Basic credential or any token the mock issued appears in
/// one of the named texts or in any file under `dir`.
pub fn assert_no_secrets(mock: &Mock, texts: &[(String, String)], dir: &Path) {
    let mut needles = vec![CLIENT_SECRET.to_string(), basic_credential()];
    needles.extend(mock.tokens());
    let mut haystacks = texts.to_vec();
    for f in files_under(dir) {
        haystacks.push((
            f.display().to_string(),
            std::fs::read_to_string(&f).unwrap_or_default(),
        ));
    }
    for n in &needles {
        for (name, text) in &haystacks {
            assert!(!text.contains(n.as_str()), "secret leaked into {name}");
        }
    }
}

/// [`assert_no_secrets`] over the stdout and stderr of every run (named by its arguments).
pub fn assert_runs_have_no_secrets(mock: &Mock, runs: &[(String, Run)], dir: &Path) {
    let texts: Vec<(String, String)> = runs
        .iter()
        .flat_map(|(args, r)| {
            [
                (format!("stdout of `{args}`"), r.stdout.clone()),
                (format!("stderr of `{args}`"), r.stderr.clone()),
            ]
        })
        .collect();
    assert_no_secrets(mock, &texts, dir);
}

/// Every file under `dir`, recursively.
pub fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = vec![];
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out
}
