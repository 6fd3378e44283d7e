//! What can end a guest case before its expectations are checked, typed, each with the
//! fix; rendered once, by the runner, at the case's place in the rules file.

use std::time::Duration;

/// Which part of a `guest:` case an error points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The `guest:` mapping itself.
    Guest,
    /// `attributes:`.
    Attributes,
    /// The n-th `say:` message (0-based).
    Say(usize),
}

/// A guest session or its read-back failed.
#[derive(Debug, thiserror::Error)]
pub enum GuestError {
    /// Bad setting (base URL, origin).
    #[error("{message}")]
    Config {
        /// What is wrong.
        message: String,
        /// The fix.
        help: String,
        /// Where.
        at: Part,
    },
    /// The socket could not be opened.
    #[error("cannot open the Guest API WebSocket {url}: {detail}")]
    Connect {
        /// The URL (no secrets: a deployment id is not one).
        url: String,
        /// Why.
        detail: String,
    },
    /// Over `maxCustomDataBytes`, found before any conversation started.
    #[error(
        "custom attributes are {bytes} bytes (UTF-8 keys plus values), over the deployment's maxCustomDataBytes of {max}: no conversation was started"
    )]
    AttributesTooLarge {
        /// Measured.
        bytes: usize,
        /// Allowed.
        max: u64,
    },
    /// An error code from the Guest API.
    #[error("the Guest API refused {action} with code {code} ({}): {message}", meaning(*.code))]
    Refused {
        /// The request.
        action: &'static str,
        /// Guest API code.
        code: u64,
        /// Its body.
        message: String,
        /// Where.
        at: Part,
    },
    /// The session turned read-only (the conversation was disconnected) with messages unsent.
    #[error(
        "the conversation was disconnected (Presence Disconnect / 409 read-only) before `say` message {} was sent", .unsent + 1
    )]
    ReadOnly {
        /// Index of the first unsent message.
        unsent: usize,
    },
    /// Nothing came back in time.
    #[error("no {waiting} within the timeout of {}", humantime(*.timeout))]
    Timeout {
        /// What was awaited.
        waiting: String,
        /// The case's timeout.
        timeout: Duration,
        /// Where.
        at: Part,
    },
    /// The connection ended mid-session.
    #[error("the Guest API connection ended mid-session: {detail}")]
    Disconnected {
        /// How.
        detail: String,
    },
    /// A frame that breaks the protocol.
    #[error("the Guest API sent {detail}")]
    Protocol {
        /// What.
        detail: String,
    },
    /// Back on the Platform API.
    #[error("{message}")]
    Platform {
        /// The client's error, rendered with its help.
        message: String,
    },
}

fn meaning(code: u64) -> &'static str {
    match code {
        4000 => "feature unavailable",
        4006 => "session expired",
        4007 => "session not found",
        4011 => "message too long",
        4013 => "custom attributes too large",
        4017 => "an authenticated session cannot be downgraded",
        4020 => "missing parameter",
        4029 => "rate too high",
        409 => "session is read-only",
        5000 => "unexpected server error",
        4001..=4005 | 4008..=4010 => "attachment refused",
        _ => "undocumented code",
    }
}

fn humantime(d: Duration) -> String {
    let ms = d.as_millis();
    if ms.is_multiple_of(1000) {
        format!("{}s", ms / 1000)
    } else {
        format!("{ms}ms")
    }
}

impl GuestError {
    /// The part of the case to point at.
    pub fn part(&self) -> Part {
        match self {
            GuestError::Config { at, .. } => *at,
            GuestError::Refused { code: 4013, .. } | GuestError::AttributesTooLarge { .. } => {
                Part::Attributes
            }
            GuestError::Refused { at, .. } | GuestError::Timeout { at, .. } => *at,
            GuestError::ReadOnly { unsent } => Part::Say(*unsent),
            _ => Part::Guest,
        }
    }

    /// The fix.
    pub fn help(&self) -> Option<String> {
        Some(match self {
            GuestError::Config { help, .. } => help.clone(),
            GuestError::Connect { .. } => "check GENESYS_REGION (or GENESYS_WEBMESSAGING_BASE), the network, and that `deployment` is the Messenger deployment's id".into(),
            GuestError::AttributesTooLarge { .. } | GuestError::Refused { code: 4013, .. } => {
                "send fewer or shorter `attributes` (the limit is the deployment's maxCustomDataBytes, 2048 by default)".into()
            }
            GuestError::Refused { code, .. } => match code {
                4006 => "the guest session lapsed; each case uses a fresh session, so rerun, and keep `timeout` under the session lifetime".into(),
                4007 => "the Guest API does not know this session: rerun; if it repeats, check the deployment is active".into(),
                4011 => "shorten the `say` message: inbound text is limited to 4096 bytes".into(),
                4029 => "the Guest API's rate limit held past the timeout: run fewer `--guests` at once or raise `timeout`".into(),
                5000 => "Genesys failed the request (\"Request failed.\"): retry later; if it repeats, check the deployment's configuration in Admin > Messenger Deployments".into(),
                4000 => "enable the feature on the deployment's Messenger configuration".into(),
                _ => return None,
            },
            GuestError::ReadOnly { .. } => "the flow (or an agent) ended the conversation early: check the flow path, or send fewer `say` messages".into(),
            GuestError::Timeout { .. } => "raise `timeout`, or check that the deployment's flow answers (Admin > Messenger Deployments)".into(),
            GuestError::Disconnected { .. } => "the server or a network device closed the socket: rerun; if it repeats, check the deployment and `origin` (an origin outside the deployment's allowed domains is refused)".into(),
            GuestError::Protocol { .. } | GuestError::Platform { .. } => return None,
        })
    }

    /// Message and fix on one text, as the runner reports errors.
    pub fn render(&self) -> String {
        match self.help() {
            Some(h) => format!("{self}\nhelp: {h}"),
            None => self.to_string(),
        }
    }
}
