//! Typed errors of the Genesys client: each names what was asked (method, path), what
//! Genesys answered (status, `ININ-Correlation-Id`, the body's `message`) and what to do.

use std::fmt;
use std::time::Duration;

/// What went wrong talking to Genesys Cloud. Never carries a secret: messages taken from
/// responses are scrubbed of the client secret and the access token before they get here.
#[derive(Debug, Clone, thiserror::Error, miette::Diagnostic)]
pub enum GenesysError {
    /// The environment does not describe a usable client (missing id, bad region, ...).
    #[error("{message}")]
    #[diagnostic(code(routecheck::genesys::config))]
    Config {
        /// What is wrong, lowercase.
        message: String,
        /// How to fix it.
        #[help]
        help: Option<String>,
    },

    /// The login service refused the client credentials.
    #[error("{message}{}", correlation(.correlation_id))]
    #[diagnostic(code(routecheck::genesys::auth))]
    Auth {
        /// What the login service said.
        message: String,
        /// Genesys's `ININ-Correlation-Id`, for a support ticket.
        correlation_id: Option<String>,
        /// How to fix it.
        #[help]
        help: Option<String>,
    },

    /// The API answered with a status that is not success and not worth retrying.
    #[error("{method} {path} failed: {status}{}{}", correlation(.correlation_id), api_message(.message))]
    #[diagnostic(code(routecheck::genesys::http))]
    Http {
        /// HTTP method.
        method: &'static str,
        /// Request path (no host, no query).
        path: String,
        /// HTTP status code.
        status: u16,
        /// Genesys's `ININ-Correlation-Id`.
        correlation_id: Option<String>,
        /// The `message` field of Genesys's error body.
        message: Option<String>,
        /// What to do about it (the missing permission on a 403, ...).
        #[help]
        help: Option<String>,
    },

    /// The request could not be sent or the answer could not be read.
    #[error("{method} {path} failed: {detail}")]
    #[diagnostic(code(routecheck::genesys::transport))]
    Transport {
        /// HTTP method.
        method: &'static str,
        /// Request path.
        path: String,
        /// What the network layer said.
        detail: String,
        /// How to fix it.
        #[help]
        help: Option<String>,
    },

    /// Retries did not get an answer within `--max-retry-time`.
    #[error(
        "{method} {path} gave up after {attempts} attempt(s) in {}: {last}",
        secs(.budget)
    )]
    #[diagnostic(
        code(routecheck::genesys::retry_budget),
        help("raise --max-retry-time, or lower --rate-limit if Genesys keeps answering 429")
    )]
    RetryBudget {
        /// HTTP method.
        method: &'static str,
        /// Request path.
        path: String,
        /// Attempts made.
        attempts: u32,
        /// The total retry budget.
        budget: Duration,
        /// Why the last attempt failed (and, if so, the wait that would not fit).
        last: String,
    },

    /// The answer was not the JSON shape the endpoint documents.
    #[error("{method} {path}: malformed response: {detail}")]
    #[diagnostic(code(routecheck::genesys::malformed))]
    Malformed {
        /// HTTP method.
        method: &'static str,
        /// Request path.
        path: String,
        /// What was wrong.
        detail: String,
    },
}

impl GenesysError {
    /// A configuration error with a hint.
    pub fn config(message: impl Into<String>, help: impl Into<String>) -> Self {
        GenesysError::Config {
            message: message.into(),
            help: Some(help.into()),
        }
    }

    /// The HTTP status, when Genesys answered with one.
    pub fn status(&self) -> Option<u16> {
        match self {
            GenesysError::Http { status, .. } => Some(*status),
            _ => None,
        }
    }
}

fn correlation(id: &Option<String>) -> String {
    id.as_ref()
        .map(|id| format!(" (correlation id {id})"))
        .unwrap_or_default()
}

fn api_message(message: &Option<String>) -> String {
    message
        .as_ref()
        .map(|m| format!(": {m}"))
        .unwrap_or_default()
}

/// Seconds with up to one decimal, for budgets and waits in messages.
pub(crate) fn secs(d: &Duration) -> SecsDisplay {
    SecsDisplay(*d)
}

/// Displays a duration as `1.5 s`.
pub(crate) struct SecsDisplay(Duration);

impl fmt::Display for SecsDisplay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.0.as_secs_f64();
        if (s - s.round()).abs() < 0.05 {
            write!(f, "{} s", s.round())
        } else {
            write!(f, "{s:.1} s")
        }
    }
}
