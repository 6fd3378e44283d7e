//! One guest session over the Guest API WebSocket, in the strict order of GUEST-API.md §7:
//! `getConfiguration`, the attribute budget, `configureSession` (nothing else is sent
//! before its SessionResponse), one `onMessage` per `say:` acknowledged by its Inbound
//! echo, Outbound frames gathered until the quiet window, `closeSession`.

use std::collections::BTreeMap;
use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use tungstenite::client::IntoClientRequest;
use tungstenite::http::HeaderValue;
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

use super::GuestSpec;
use super::error::{GuestError, Part};
use super::limits::{self, Window};
use super::protocol::{self, Frame, Outbound};

/// How a session talks to the Guest API.
#[derive(Debug, Clone)]
pub struct SessionOptions {
    /// `wss://webmessaging.{domain}` or the `GENESYS_WEBMESSAGING_BASE` override.
    pub base: String,
    /// WebSocket pings on long waits (the Kotlin transport's 15 s).
    pub ping_every: Duration,
    /// Application `echo` on long waits (at most once per 30 s, else rate limited).
    pub echo_every: Duration,
    /// How often a wait wakes to keep the connection alive.
    pub poll: Duration,
    /// TCP connect and handshake timeout.
    pub connect_timeout: Duration,
}

impl SessionOptions {
    /// The documented intervals against `base`.
    pub fn new(base: impl Into<String>) -> Self {
        SessionOptions {
            base: base.into(),
            ping_every: Duration::from_secs(15),
            echo_every: Duration::from_secs(30),
            poll: Duration::from_millis(100),
            connect_timeout: Duration::from_secs(15),
        }
    }
}

/// What a session saw.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Observed {
    /// `body.id` of each acknowledged message, in order (the first is the lookup key).
    pub message_ids: Vec<String>,
    /// Outbound messages, ordered by `channel.time` (arrival order breaks ties).
    pub outbound: Vec<Outbound>,
    /// The conversation was disconnected (Presence Disconnect).
    pub disconnected: bool,
    /// The deployment's `maxCustomDataBytes`.
    pub max_custom_data_bytes: Option<u64>,
    /// The deployment's `messageRoutingEnabled`.
    pub message_routing_enabled: Option<bool>,
}

impl Observed {
    /// The Outbound texts in order: what `responses:` compares.
    pub fn responses(&self) -> Vec<String> {
        self.outbound
            .iter()
            .filter_map(|o| o.text.clone())
            .collect()
    }
}

type Socket = WebSocket<MaybeTlsStream<TcpStream>>;

struct Conn<'o> {
    ws: Socket,
    opts: &'o SessionOptions,
    token: String,
    deadline: Instant,
    timeout: Duration,
    requests: Window,
    configured: bool,
    last_ping: Instant,
    last_echo: Instant,
    seen: Observed,
    arrival: usize,
    stamped: Vec<(usize, Outbound)>,
}

/// Open the socket: `{base}/v1?deploymentId={id}`, with `Origin` when given.
pub fn connect(
    opts: &SessionOptions,
    deployment: &str,
    origin: Option<&str>,
) -> Result<Socket, GuestError> {
    let url = format!(
        "{}/v1?deploymentId={}",
        opts.base,
        encode_query(deployment.trim())
    );
    let mut request = url
        .as_str()
        .into_client_request()
        .map_err(|e| GuestError::Connect {
            url: url.clone(),
            detail: e.to_string(),
        })?;
    if let Some(o) = origin {
        let v = HeaderValue::from_str(o).map_err(|_| GuestError::Config {
            message: format!("`origin` {o:?} is not a valid header value"),
            help: "give the site's origin, e.g. https://www.example.com".into(),
            at: Part::Guest,
        })?;
        request.headers_mut().insert("Origin", v);
    }
    let uri = request.uri().clone();
    let host = uri.host().unwrap_or_default().trim_matches(['[', ']']);
    let port = uri.port_u16().unwrap_or(if uri.scheme_str() == Some("ws") {
        80
    } else {
        443
    });
    let fail = |detail: String| GuestError::Connect {
        url: url.clone(),
        detail,
    };
    let addr = (host, port)
        .to_socket_addrs()
        .map_err(|e| fail(e.to_string()))?
        .next()
        .ok_or_else(|| fail("the host has no address".into()))?;
    let tcp =
        TcpStream::connect_timeout(&addr, opts.connect_timeout).map_err(|e| fail(e.to_string()))?;
    let _ = tcp.set_read_timeout(Some(opts.connect_timeout));
    let _ = tcp.set_write_timeout(Some(opts.connect_timeout));
    let (ws, _) = tungstenite::client_tls_with_config(request, tcp, None, None)
        .map_err(|e| fail(e.to_string()))?;
    let inner = match ws.get_ref() {
        MaybeTlsStream::Plain(s) => Some(s),
        MaybeTlsStream::Rustls(s) => Some(&s.sock),
        _ => None,
    };
    if let Some(s) = inner {
        let _ = s.set_read_timeout(Some(opts.poll));
    }
    Ok(ws)
}

fn encode_query(v: &str) -> String {
    v.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A session that failed, with what it saw before (a conversation may exist: `cleanup`
/// still needs the message ids).
#[derive(Debug)]
pub struct SessionFailed {
    /// Why.
    pub error: GuestError,
    /// What was seen until then.
    pub seen: Observed,
}

/// Drive one session for `spec`; the socket is closed on every path.
pub fn run(spec: &GuestSpec, opts: &SessionOptions) -> Result<Observed, Box<SessionFailed>> {
    let failed = |error, seen| Box::new(SessionFailed { error, seen });
    let mut conn = Conn::open(opts, &spec.deployment, spec.origin.as_deref(), spec.timeout)
        .map_err(|e| failed(e, Observed::default()))?;
    let result = conn.drive(spec);
    conn.close();
    let seen = conn.finish();
    match result {
        Ok(()) => Ok(seen),
        Err(e) => Err(failed(e, seen)),
    }
}

/// Only `getConfiguration` (no session, no conversation): the deployment's
/// `maxCustomDataBytes` and `messageRoutingEnabled`, for `routecheck doctor`.
pub fn configuration(
    opts: &SessionOptions,
    deployment: &str,
    origin: Option<&str>,
    timeout: Duration,
) -> Result<Observed, GuestError> {
    let mut conn = Conn::open(opts, deployment, origin, timeout)?;
    let result = conn.configure(deployment);
    conn.close();
    result.map(|_| conn.finish())
}

impl<'o> Conn<'o> {
    fn open(
        opts: &'o SessionOptions,
        deployment: &str,
        origin: Option<&str>,
        timeout: Duration,
    ) -> Result<Self, GuestError> {
        limits::new_connection(deployment);
        let started = Instant::now();
        let ws = connect(opts, deployment, origin)?;
        Ok(Conn {
            ws,
            opts,
            token: uuid::Uuid::new_v4().to_string(),
            deadline: started + timeout,
            timeout,
            requests: limits::connection_requests(),
            configured: false,
            last_ping: Instant::now(),
            last_echo: Instant::now(),
            seen: Observed::default(),
            arrival: 0,
            stamped: Vec::new(),
        })
    }

    /// `getConfiguration`, 4029 waited out: the deployment's attribute budget.
    fn configure(&mut self, deployment: &str) -> Result<Option<u64>, GuestError> {
        let config = protocol::get_configuration(&self.token, deployment);
        loop {
            self.send(&config)?;
            if let Frame::Configuration {
                max_custom_data_bytes,
                message_routing_enabled,
            } = self.answer("getConfiguration", Part::Guest)?
            {
                self.seen.max_custom_data_bytes = max_custom_data_bytes;
                self.seen.message_routing_enabled = message_routing_enabled;
                return Ok(max_custom_data_bytes);
            }
        }
    }
}

impl Conn<'_> {
    fn drive(&mut self, spec: &GuestSpec) -> Result<(), GuestError> {
        let attrs: BTreeMap<String, String> = spec.attributes.iter().cloned().collect();
        let bytes = protocol::attribute_bytes(&attrs);

        let max = self.configure(&spec.deployment)?;
        check_budget(bytes, max)?;

        let configure = protocol::configure_session(&self.token, &spec.deployment);
        loop {
            self.send(&configure)?;
            match self.answer("configureSession", Part::Guest)? {
                Frame::Session {
                    read_only,
                    max_custom_data_bytes,
                } => {
                    if read_only {
                        return Err(GuestError::ReadOnly { unsent: 0 });
                    }
                    self.configured = true;
                    self.seen.max_custom_data_bytes = max_custom_data_bytes.or(max);
                    check_budget(bytes, self.seen.max_custom_data_bytes)?;
                    break;
                }
                _ => continue,
            }
        }

        let mut per_second = limits::session_messages();
        for (i, text) in spec.say.iter().enumerate() {
            if self.seen.disconnected {
                return Err(GuestError::ReadOnly { unsent: i });
            }
            let frame = protocol::on_message(&self.token, text, &attrs);
            loop {
                per_second.wait();
                self.send(&frame)?;
                match self.answer("onMessage", Part::Say(i)) {
                    Ok(Frame::Inbound { id, .. }) => {
                        if let Some(id) = id {
                            self.seen.message_ids.push(id);
                        }
                        break;
                    }
                    Ok(_) => continue,
                    Err(GuestError::Refused { code: 409, .. }) => {
                        self.seen.disconnected = true;
                        return Err(GuestError::ReadOnly { unsent: i });
                    }
                    Err(e) => return Err(e),
                }
            }
        }

        // Gather until `quiet` passes with nothing new, within the timeout.
        let mut last = Instant::now();
        while !self.seen.disconnected {
            let until = (last + spec.quiet).min(self.deadline);
            match self.next(until)? {
                None => break,
                Some(Frame::Outbound(_) | Frame::Event | Frame::Inbound { .. }) => {
                    last = Instant::now()
                }
                Some(Frame::Disconnect) => break,
                Some(f) => self.fatal(f, "the replies", Part::Guest)?,
            }
        }
        Ok(())
    }

    /// Send a text frame within the per-connection budget.
    fn send(&mut self, text: &str) -> Result<(), GuestError> {
        self.requests.wait();
        self.ws
            .send(Message::text(text))
            .map_err(|e| GuestError::Disconnected {
                detail: e.to_string(),
            })
    }

    /// Wait for the answer to a request. A 4029 is waited out (`Ok` of the frame: resend);
    /// errors, expiry and the timeout end the case.
    fn answer(&mut self, action: &'static str, part: Part) -> Result<Frame, GuestError> {
        loop {
            let Some(frame) = self.next(self.deadline)? else {
                return Err(GuestError::Timeout {
                    waiting: format!("answer to {action}"),
                    timeout: self.timeout,
                    at: part,
                });
            };
            let wanted = matches!(
                (&frame, action),
                (Frame::Configuration { .. }, "getConfiguration")
                    | (Frame::Session { .. }, "configureSession")
                    | (Frame::Inbound { .. }, "onMessage")
            );
            if wanted {
                return Ok(frame);
            }
            if let Frame::TooManyRequests { retry_after, .. } = frame {
                let wait = Duration::from_secs(retry_after);
                if Instant::now() + wait > self.deadline {
                    return Err(GuestError::Refused {
                        action,
                        code: 4029,
                        message: format!(
                            "rate too high; waiting retryAfter {retry_after} s would pass the timeout"
                        ),
                        at: part,
                    });
                }
                self.sleep(wait)?;
                return Ok(frame);
            }
            self.fatal(frame, action, part)?;
        }
    }

    /// A frame that ends the case.
    fn fatal(&self, frame: Frame, action: &'static str, part: Part) -> Result<(), GuestError> {
        Err(match frame {
            Frame::Error { code, message } => GuestError::Refused {
                action,
                code,
                message: crate::scrub::control(&message).into_owned(),
                at: part,
            },
            Frame::Expired => GuestError::Refused {
                action,
                code: 4006,
                message: "SessionExpiredEvent".into(),
                at: part,
            },
            Frame::Closed(class) => GuestError::Disconnected {
                detail: format!("{class}: the session was closed from elsewhere"),
            },
            Frame::TooManyRequests { message, .. } => GuestError::Refused {
                action,
                code: 4029,
                message: crate::scrub::control(&message).into_owned(),
                at: part,
            },
            _ => return Ok(()),
        })
    }

    /// The next text frame before `until` (`None` when it passes). Outbound frames are
    /// collected here, whatever the caller waits for, so replies that overtake an echo
    /// are kept.
    fn next(&mut self, until: Instant) -> Result<Option<Frame>, GuestError> {
        loop {
            if Instant::now() >= until {
                return Ok(None);
            }
            self.keepalive()?;
            match self.ws.read() {
                Ok(Message::Text(t)) => {
                    let frame = protocol::parse(t.as_str())
                        .map_err(|detail| GuestError::Protocol { detail })?;
                    match &frame {
                        Frame::Outbound(o) => {
                            self.arrival += 1;
                            self.stamped.push((self.arrival, o.clone()));
                        }
                        Frame::Disconnect => self.seen.disconnected = true,
                        _ => {}
                    }
                    return Ok(Some(frame));
                }
                Ok(Message::Close(c)) => {
                    return Err(GuestError::Disconnected {
                        detail: c.map_or_else(
                            || "close frame".into(),
                            |c| {
                                let reason = crate::scrub::control(&c.reason);
                                format!("close code {} {reason}", u16::from(c.code))
                            },
                        ),
                    });
                }
                Ok(_) => {}
                Err(tungstenite::Error::Io(e))
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) => {}
                Err(e) => {
                    return Err(GuestError::Disconnected {
                        detail: e.to_string(),
                    });
                }
            }
        }
    }

    /// On long waits: a WebSocket ping every `ping_every`, an `echo` every `echo_every`;
    /// neither before the session is configured (only getConfiguration may precede it).
    fn keepalive(&mut self) -> Result<(), GuestError> {
        if !self.configured {
            return Ok(());
        }
        let now = Instant::now();
        if now.duration_since(self.last_ping) >= self.opts.ping_every {
            self.last_ping = now;
            self.ws
                .send(Message::Ping(Vec::new().into()))
                .map_err(|e| GuestError::Disconnected {
                    detail: e.to_string(),
                })?;
        }
        if now.duration_since(self.last_echo) >= self.opts.echo_every {
            self.last_echo = now;
            let echo = protocol::echo(&self.token);
            self.send(&echo)?;
        }
        Ok(())
    }

    /// Wait out a 4029 while keeping the connection alive and collecting replies.
    fn sleep(&mut self, wait: Duration) -> Result<(), GuestError> {
        let until = Instant::now() + wait;
        while let Some(f) = self.next(until)? {
            if let Frame::Expired | Frame::Closed(_) = f {
                self.fatal(f, "the retry wait", Part::Guest)?;
            }
        }
        Ok(())
    }

    /// `closeSession` when a session exists, then close the socket; best effort.
    fn close(&mut self) {
        if self.configured && self.ws.can_write() {
            let close = protocol::close_session(&self.token);
            let _ = self.send(&close);
        }
        let _ = self.ws.close(None);
        let until = Instant::now() + Duration::from_secs(1);
        while Instant::now() < until {
            match self.ws.read() {
                Ok(_) => {}
                Err(tungstenite::Error::Io(e))
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) => {}
                Err(_) => break,
            }
        }
    }

    fn finish(mut self) -> Observed {
        // No ordering guarantee on the channel: order by `channel.time`, arrival breaking
        // ties; untimed frames keep their arrival place after the timed ones.
        self.stamped.sort_by(|(a, x), (b, y)| {
            (x.time.is_none(), &x.time, a).cmp(&(y.time.is_none(), &y.time, b))
        });
        self.seen.outbound = self.stamped.drain(..).map(|(_, o)| o).collect();
        self.seen
    }
}

fn check_budget(bytes: usize, max: Option<u64>) -> Result<(), GuestError> {
    match max {
        Some(max) if bytes as u64 > max => Err(GuestError::AttributesTooLarge { bytes, max }),
        _ => Ok(()),
    }
}
