//! One request: pacing, retries on 429 / 502-504 / dropped connections within the retry
//! budget, the 401 token refresh, and ureq's failures sorted into retry or final error.

use std::time::Duration;

use super::Client;
use crate::genesys::auth::Secret;
use crate::genesys::error::{GenesysError, secs};
use crate::genesys::retry::rate_limit_wait;

/// Largest response body we read (a conversation with many participants is well below this).
const MAX_BODY: u64 = 32 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::genesys) enum Method {
    Get,
    Patch,
    Post,
}

impl Method {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Patch => "PATCH",
            Method::Post => "POST",
        }
    }
}

/// What a request sends besides its method and URL.
#[derive(Clone, Copy)]
pub(in crate::genesys) enum Payload<'a> {
    Empty,
    Json(&'a str),
    Form(&'a str),
}

/// A response that is not retried: its status, correlation id and body text.
#[derive(Debug)]
pub(in crate::genesys) struct Answer {
    pub(in crate::genesys) status: u16,
    pub(in crate::genesys) correlation_id: Option<String>,
    pub(in crate::genesys) body: String,
}

/// Which endpoint, to explain a 403 precisely.
#[derive(Debug, Clone, Copy)]
pub(in crate::genesys) enum Endpoint {
    /// Another endpoint, with the permission it needs (routecheck's own lookups).
    Needs(&'static str),
    GetMessage,
    GetConversation,
    PatchMessageAttributes,
    PatchConversationAttributes,
}

enum Attempt {
    Done(Answer),
    Retry { wait: Option<Duration>, why: String },
}

impl Client {
    /// An API call with the bearer token; a 401 refreshes the token once and retries once.
    pub(in crate::genesys) fn call(
        &self,
        method: Method,
        path: &str,
        payload: Payload<'_>,
    ) -> Result<Answer, GenesysError> {
        let url = format!("{}{}", self.config.hosts.api_base, path);
        let mut refreshed = false;
        loop {
            let token = self.token()?;
            let bearer = Secret::new(format!("Bearer {}", token.value.expose()));
            let answer = self.send(method, &url, path, &bearer, payload, true)?;
            if answer.status == 401 && !refreshed {
                self.invalidate(token.generation);
                refreshed = true;
                continue;
            }
            return Ok(answer);
        }
    }

    /// Send with pacing (API calls only) and retries on 429, 502/503/504, dropped
    /// connections and timeouts, within the retry budget.
    pub(in crate::genesys) fn send(
        &self,
        method: Method,
        url: &str,
        path: &str,
        auth: &Secret,
        payload: Payload<'_>,
        paced: bool,
    ) -> Result<Answer, GenesysError> {
        let start = self.clock.now();
        let mut attempts: u32 = 0;
        let mut backoffs: u32 = 0;
        loop {
            if paced {
                self.limiter.acquire(self.clock.as_ref());
            }
            attempts += 1;
            let (wait, why) = match self.attempt(method, url, path, auth, payload)? {
                Attempt::Done(answer) => return Ok(answer),
                Attempt::Retry { wait, why } => (wait, why),
            };
            let wait = wait.unwrap_or_else(|| {
                backoffs += 1;
                self.policy.backoff(backoffs - 1)
            });
            let spent = self.clock.now().saturating_duration_since(start);
            let left = self.policy.budget.saturating_sub(spent);
            if wait > left {
                return Err(GenesysError::RetryBudget {
                    method: method.as_str(),
                    path: path.to_string(),
                    attempts,
                    budget: self.policy.budget,
                    last: format!(
                        "{why}; the next wait ({}) does not fit in the {} left",
                        secs(&wait),
                        secs(&left)
                    ),
                });
            }
            self.clock.sleep(wait);
        }
    }

    fn attempt(
        &self,
        method: Method,
        url: &str,
        path: &str,
        auth: &Secret,
        payload: Payload<'_>,
    ) -> Result<Attempt, GenesysError> {
        let result = match (method, payload) {
            (Method::Get, _) => {
                let get = self.agent.get(url).header("Accept", "application/json");
                // A download link (flow execution data) carries its own signature: no token.
                if auth.expose().is_empty() {
                    get.call()
                } else {
                    get.header("Authorization", auth.expose()).call()
                }
            }
            (Method::Patch | Method::Post, p) => {
                let builder = match method {
                    Method::Patch => self.agent.patch(url),
                    _ => self.agent.post(url),
                }
                .header("Authorization", auth.expose())
                .header("Accept", "application/json");
                match p {
                    Payload::Empty => builder.send_empty(),
                    Payload::Json(b) => builder.content_type("application/json").send(b),
                    Payload::Form(b) => builder
                        .content_type("application/x-www-form-urlencoded")
                        .send(b),
                }
            }
        };
        let mut response = match result {
            Ok(r) => r,
            Err(e) => return self.transport_failure(method, path, e, false),
        };
        let status = response.status().as_u16();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let correlation_id = header("ININ-Correlation-Id");
        let retry_after = header("Retry-After");
        let reset = header("inin-ratelimit-reset");
        let body = match response
            .body_mut()
            .with_config()
            .limit(MAX_BODY)
            .lossy_utf8(true)
            .read_to_string()
        {
            Ok(b) => self.scrub_secrets(&b),
            Err(e) => return self.transport_failure(method, path, e, true),
        };
        let why = |what: &str| {
            let cid = correlation_id
                .as_ref()
                .map(|c| format!(", correlation id {c}"))
                .unwrap_or_default();
            format!("{what} (http {status}{cid})")
        };
        Ok(match status {
            429 => Attempt::Retry {
                wait: rate_limit_wait(retry_after.as_deref(), reset.as_deref()),
                why: why("rate limited by Genesys"),
            },
            502..=504 => Attempt::Retry {
                wait: None,
                why: why("Genesys is temporarily unavailable"),
            },
            _ => Attempt::Done(Answer {
                status,
                correlation_id,
                body,
            }),
        })
    }

    /// Sort a ureq failure into "retry" (resets, drops, timeouts) or a final error.
    fn transport_failure(
        &self,
        method: Method,
        path: &str,
        e: ureq::Error,
        in_body: bool,
    ) -> Result<Attempt, GenesysError> {
        use std::io::ErrorKind;
        let detail = self.scrub(&e.to_string());
        let retry = |why: String| Ok(Attempt::Retry { wait: None, why });
        match &e {
            // A bigger body would be just as big on the next attempt: one clear error.
            ureq::Error::BodyExceedsLimit(limit) => Err(GenesysError::Transport {
                method: method.as_str(),
                path: path.to_string(),
                detail: format!(
                    "the response body is larger than the {} MiB limit; not retried",
                    limit / (1024 * 1024)
                ),
                help: Some(
                    "a conversation this large is not one Genesys documents; check GENESYS_API_BASE points at the Platform API (not a proxy or a file server)"
                        .into(),
                ),
            }),
            ureq::Error::Timeout(_) => retry(format!(
                "no answer within the {} timeout ({detail})",
                secs(&self.timeout)
            )),
            _ if in_body => retry(format!(
                "the connection broke while reading the response body ({detail})"
            )),
            ureq::Error::Io(io)
                if matches!(
                    io.kind(),
                    ErrorKind::ConnectionReset
                        | ErrorKind::ConnectionAborted
                        | ErrorKind::BrokenPipe
                        | ErrorKind::UnexpectedEof
                        | ErrorKind::TimedOut
                        | ErrorKind::Interrupted
                ) =>
            {
                retry(format!("the connection was dropped ({detail})"))
            }
            ureq::Error::Protocol(_) => retry(format!("the connection was dropped ({detail})")),
            ureq::Error::HostNotFound => Err(GenesysError::Transport {
                method: method.as_str(),
                path: path.to_string(),
                detail: format!("cannot resolve the host ({detail})"),
                help: Some(
                    "check GENESYS_REGION (or GENESYS_API_BASE/GENESYS_LOGIN_BASE) and the network"
                        .into(),
                ),
            }),
            _ => Err(GenesysError::Transport {
                method: method.as_str(),
                path: path.to_string(),
                detail,
                help: Some("check the network and GENESYS_REGION".into()),
            }),
        }
    }
}
