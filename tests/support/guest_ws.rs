//! An in-process Guest API (Web Messaging WebSocket) on loopback, speaking the frame shapes
//! of ../shared/GUEST-API.md (Kotlin transport fixtures, frames recorded from real
//! sessions), with scripted behaviour and faults. It records every frame it receives and
//! every breach of the protocol order it sees.

use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use tungstenite::handshake::server::{Request, Response};
use tungstenite::{Message, WebSocket};

/// How the mock behaves; one script for every connection.
#[derive(Debug, Clone)]
pub struct Script {
    /// `maxCustomDataBytes` of GetConfigurationResponse and SessionResponse.
    pub max_custom_data_bytes: u64,
    /// Outbound texts sent after the echo of message n (index n).
    pub replies: Vec<Vec<String>>,
    /// Send each message's replies before its echo, with their `channel.time`s in reverse
    /// of the send order (the server does not guarantee order).
    pub out_of_order: bool,
    /// Interleave health-check answers and typing events with everything.
    pub noise: bool,
    /// Refuse the first onMessage with 4029 and this retryAfter.
    pub rate_limit_first: Option<u64>,
    /// Refuse every onMessage with this code and body (class `string`).
    pub refuse_message: Option<(u64, String)>,
    /// Close the socket after the first echo.
    pub drop_after_echo: bool,
    /// Never echo a message (nothing comes back).
    pub silent: bool,
    /// Answer configureSession with SessionExpiredEvent... the session has lapsed.
    pub expire_on_message: bool,
    /// Send Presence Disconnect after the first message's replies; later sends get 409.
    pub disconnect_after_first: bool,
    /// Prefix of message ids (the Platform mock maps it to a conversation).
    pub message_prefix: String,
}

impl Default for Script {
    fn default() -> Self {
        Script {
            max_custom_data_bytes: 2048,
            replies: Vec::new(),
            out_of_order: false,
            noise: false,
            rate_limit_first: None,
            refuse_message: None,
            drop_after_echo: false,
            silent: false,
            expire_on_message: false,
            disconnect_after_first: false,
            message_prefix: "gm-".into(),
        }
    }
}

/// What the mock saw on one connection.
#[derive(Debug, Clone, Default)]
pub struct Connection {
    /// The request target (`/v1?deploymentId=...`).
    pub target: String,
    /// The `Origin` header.
    pub origin: Option<String>,
    /// Every text frame, parsed, in order.
    pub frames: Vec<Value>,
    /// WebSocket pings received.
    pub pings: usize,
    /// Protocol breaches (a request before configureSession was acknowledged, ...).
    pub breaches: Vec<String>,
}

/// The running mock.
pub struct GuestMock {
    /// `ws://127.0.0.1:PORT`
    pub base: String,
    connections: Arc<Mutex<Vec<Connection>>>,
    stop: Arc<AtomicBool>,
    /// Most connections open at once.
    pub most_open: Arc<AtomicUsize>,
}

impl GuestMock {
    /// Start serving `script`.
    pub fn start(script: Script) -> GuestMock {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.set_nonblocking(true).expect("nonblocking");
        let port = listener.local_addr().unwrap().port();
        let connections = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let most_open = Arc::new(AtomicUsize::new(0));
        let open = Arc::new(AtomicUsize::new(0));
        {
            let (connections, stop, most_open) =
                (connections.clone(), stop.clone(), most_open.clone());
            std::thread::spawn(move || {
                let born = std::time::Instant::now();
                while !stop.load(Ordering::SeqCst) && born.elapsed() < Duration::from_secs(120) {
                    let Ok((tcp, _)) = listener.accept() else {
                        std::thread::sleep(Duration::from_millis(5));
                        continue;
                    };
                    let _ = tcp.set_nonblocking(false);
                    let index = {
                        let mut c = connections.lock().unwrap();
                        c.push(Connection::default());
                        c.len() - 1
                    };
                    let (connections, script, open, most_open) = (
                        connections.clone(),
                        script.clone(),
                        open.clone(),
                        most_open.clone(),
                    );
                    std::thread::spawn(move || {
                        let n = open.fetch_add(1, Ordering::SeqCst) + 1;
                        most_open.fetch_max(n, Ordering::SeqCst);
                        serve(tcp, index, &script, &connections);
                        open.fetch_sub(1, Ordering::SeqCst);
                    });
                }
            });
        }
        GuestMock {
            base: format!("ws://127.0.0.1:{port}"),
            connections,
            stop,
            most_open,
        }
    }

    /// Every connection so far.
    pub fn connections(&self) -> Vec<Connection> {
        self.connections.lock().unwrap().clone()
    }
}

impl Drop for GuestMock {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

fn frame(kind: &str, class: &str, code: u64, body: Value) -> Message {
    Message::text(json!({"type": kind, "class": class, "code": code, "body": body}).to_string())
}

fn error(code: u64, text: &str) -> Message {
    frame("response", "string", code, json!(text))
}

fn time(ms: u64) -> String {
    format!("2026-05-02T10:00:{:02}.{:03}Z", ms / 1000 % 60, ms % 1000)
}

fn outbound(id: String, text: &str, at: u64) -> Message {
    frame(
        "message",
        "StructuredMessage",
        200,
        json!({"id": id, "direction": "Outbound", "type": "Text", "text": text,
               "channel": {"time": time(at), "type": "Private"},
               "originatingEntity": "Bot", "metadata": {"correlationId": "c"}}),
    )
}

fn noise(ws: &mut WebSocket<std::net::TcpStream>) {
    let _ = ws.send(frame(
        "response",
        "StructuredMessage",
        200,
        json!({"direction": "Inbound", "type": "Text", "text": "ping", "channel": {"time": time(1)}}),
    ));
    let _ = ws.send(frame(
        "message",
        "StructuredMessage",
        200,
        json!({"direction": "Outbound", "type": "Event",
               "events": [{"eventType": "Typing", "typing": {"type": "On", "duration": 5000}}],
               "channel": {"time": time(2)}}),
    ));
}

#[allow(clippy::result_large_err)] // the handshake callback's type is tungstenite's
fn serve(
    tcp: std::net::TcpStream,
    index: usize,
    script: &Script,
    connections: &Mutex<Vec<Connection>>,
) {
    let record = |f: &mut dyn FnMut(&mut Connection)| f(&mut connections.lock().unwrap()[index]);
    let ws = tungstenite::accept_hdr(tcp, |req: &Request, resp: Response| {
        let target = req.uri().to_string();
        let origin = req
            .headers()
            .get("Origin")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        connections.lock().unwrap()[index].target = target;
        connections.lock().unwrap()[index].origin = origin;
        Ok(resp)
    });
    let Ok(mut ws) = ws else { return };
    let _ = ws.get_ref().set_read_timeout(Some(Duration::from_secs(30)));
    let mut configured = false;
    let mut read_only = false;
    let mut sent = 0u64; // messages accepted
    let mut limited = false;
    let mut clock = 1000u64;
    loop {
        let msg = match ws.read() {
            Ok(m) => m,
            Err(_) => return,
        };
        let text = match msg {
            Message::Text(t) => t.to_string(),
            Message::Ping(_) => {
                record(&mut |c| c.pings += 1);
                continue;
            }
            Message::Close(_) => return,
            _ => continue,
        };
        let Ok(v) = serde_json::from_str::<Value>(&text) else {
            record(&mut |c| c.breaches.push(format!("not JSON: {text}")));
            continue;
        };
        record(&mut |c| c.frames.push(v.clone()));
        let action = v
            .get("action")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        if !configured && action != "getConfiguration" && action != "configureSession" {
            record(&mut |c| {
                c.breaches.push(format!(
                    "`{action}` before configureSession was acknowledged"
                ))
            });
        }
        if v.get("token")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
        {
            record(&mut |c| c.breaches.push(format!("`{action}` without a token")));
        }
        // Not after an echo: a typing event is activity and would hold the quiet window open.
        if script.noise && action != "echo" {
            noise(&mut ws);
        }
        match action.as_str() {
            "getConfiguration" => {
                let _ = ws.send(frame("response", "GetConfigurationResponse", 200,
                    json!({"maxCustomDataBytes": script.max_custom_data_bytes, "messageRoutingEnabled": true,
                           "allowedMedia": {}, "blockedExtensions": [], "sessionDurationSeconds": 259200})));
            }
            "configureSession" => {
                configured = true;
                let _ = ws.send(frame("response", "SessionResponse", 200,
                    json!({"connected": true, "newSession": true, "readOnly": false, "clearedExistingSession": false,
                           "maxCustomDataBytes": script.max_custom_data_bytes, "allowedMedia": {}, "blockedExtensions": [],
                           "durationSeconds": 259200, "expirationDate": 0})));
            }
            "echo" => {
                let _ = ws.send(frame(
                    "response",
                    "StructuredMessage",
                    200,
                    json!({"direction": "Inbound", "type": "Text", "text": "ping", "id": "hc"}),
                ));
            }
            "closeSession" => {
                let _ = ws.send(frame(
                    "response",
                    "SessionResponse",
                    200,
                    json!({"connected": false}),
                ));
                let _ = ws.close(None);
            }
            "onMessage" => {
                if v.get("channel").is_some() {
                    record(&mut |c| {
                        c.breaches
                            .push("attributes in the deprecated top-level channel".into())
                    });
                }
                if read_only {
                    let _ = ws.send(error(409, "Session is read-only, no new messages allowed"));
                    continue;
                }
                if let Some(secs) = script.rate_limit_first
                    && !limited
                {
                    limited = true;
                    let _ = ws.send(frame("response", "TooManyRequestsErrorMessage", 429,
                        json!({"retryAfter": secs, "errorCode": 4029, "errorMessage": "Message rate too high for this session"})));
                    continue;
                }
                if let Some((code, body)) = &script.refuse_message {
                    let _ = ws.send(error(*code, body));
                    continue;
                }
                if script.expire_on_message {
                    let _ = ws.send(frame("message", "SessionExpiredEvent", 200, json!({})));
                    continue;
                }
                if script.silent {
                    continue;
                }
                let attrs = v
                    .pointer("/message/channel/metadata/customAttributes")
                    .cloned()
                    .unwrap_or(Value::Null);
                let bytes: usize = attrs
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, v)| k.len() + v.as_str().map_or(0, str::len))
                    .sum();
                if bytes as u64 > script.max_custom_data_bytes {
                    let _ = ws.send(error(
                        4013,
                        &format!(
                            "Custom Attributes in channel metadata is larger than {} bytes",
                            script.max_custom_data_bytes
                        ),
                    ));
                    continue;
                }
                let n = sent;
                sent += 1;
                let id = format!("{}{index}-{n}", script.message_prefix);
                let text = v.pointer("/message/text").cloned().unwrap_or(Value::Null);
                let echo = frame(
                    "message",
                    "StructuredMessage",
                    200,
                    json!({"id": id, "direction": "Inbound", "type": "Text", "text": text,
                           "channel": {"time": time(clock), "messageId": id}, "metadata": {"correlationId": "c"}}),
                );
                let replies = script.replies.get(n as usize).cloned().unwrap_or_default();
                let count = replies.len() as u64;
                let timed: Vec<Message> = replies
                    .iter()
                    .enumerate()
                    .map(|(i, r)| {
                        outbound(
                            format!("out-{index}-{n}-{i}"),
                            r,
                            clock + 10 * (i as u64 + 1),
                        )
                    })
                    .collect();
                clock += 10 * (count + 1);
                if script.out_of_order {
                    for m in timed.into_iter().rev() {
                        let _ = ws.send(m);
                    }
                    let _ = ws.send(echo);
                } else {
                    let _ = ws.send(echo);
                    if script.drop_after_echo {
                        drop(ws);
                        return;
                    }
                    for m in timed {
                        std::thread::sleep(Duration::from_millis(20));
                        let _ = ws.send(m);
                    }
                }
                if script.disconnect_after_first && n == 0 {
                    read_only = true;
                    let _ = ws.send(frame("message", "StructuredMessage", 200,
                        json!({"direction": "Outbound", "type": "Event",
                               "events": [{"eventType": "Presence", "presence": {"type": "Disconnect"}}],
                               "metadata": {"readOnly": "true"}, "channel": {"time": time(clock)}})));
                }
            }
            other => {
                let _ = ws.send(error(4020, &format!("unknown action {other}")));
            }
        }
    }
}
