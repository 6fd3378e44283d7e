//! The HTTP client: one ureq agent, a cached token, paced and retried requests, and the two
//! conversation reads and the attribute write the runner and the live commands need.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;

use super::auth::{Secret, Token, TokenError, TokenResponse, basic_auth};
use super::error::{GenesysError, secs};
use super::region::{Hosts, resolve};
use super::retry::{Clock, RateLimiter, RetryPolicy, SystemClock, rate_limit_wait};

/// Largest response body we read (a conversation with many participants is well below this).
const MAX_BODY: u64 = 32 * 1024 * 1024;

/// Knobs shared by the live commands and the runner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiveOptions {
    /// Total time one request may spend waiting to retry (`--max-retry-time`).
    pub max_retry_time: Duration,
    /// Client-side pacing in requests per minute (`--rate-limit`).
    pub rate_limit: u32,
    /// Connect and read timeout of every call (`--timeout`).
    pub timeout: Duration,
}

impl Default for LiveOptions {
    fn default() -> Self {
        LiveOptions {
            max_retry_time: Duration::from_secs(60),
            rate_limit: 300,
            timeout: Duration::from_secs(30),
        }
    }
}

/// Who we are and where the org lives.
#[derive(Debug, Clone)]
pub struct Config {
    /// OAuth client id (not secret, but not printed either).
    pub client_id: String,
    /// OAuth client secret.
    pub client_secret: Secret,
    /// API and login base URLs.
    pub hosts: Hosts,
}

impl Config {
    /// Read `GENESYS_CLIENT_ID`, `GENESYS_CLIENT_SECRET`, `GENESYS_REGION` (or its alias
    /// `GENESYS_DOMAIN`), and the test overrides `GENESYS_API_BASE`/`GENESYS_LOGIN_BASE`.
    pub fn from_env() -> Result<Config, GenesysError> {
        // routecheck.yaml's `region:` (never a secret) when GENESYS_REGION is not set; a
        // broken config is reported by the command that reads it, not here.
        let project_region = crate::project::discover(std::path::Path::new("."))
            .ok()
            .flatten()
            .and_then(|p| p.config.region);
        Self::from_lookup(|name| {
            std::env::var(name).ok().or_else(|| {
                (name == "GENESYS_REGION")
                    .then(|| project_region.clone())
                    .flatten()
            })
        })
    }

    /// Like [`Config::from_env`] with another source of variables (tests, config files).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Config, GenesysError> {
        let var = |name: &str| get(name).filter(|v| !v.trim().is_empty());
        let client_id = var("GENESYS_CLIENT_ID").ok_or_else(|| {
            GenesysError::config(
                "GENESYS_CLIENT_ID is not set",
                "create an OAuth client (grant type: client credentials) in Genesys Cloud Admin > Integrations > OAuth and export its id and secret",
            )
        })?;
        let client_secret = var("GENESYS_CLIENT_SECRET").map(Secret::new).ok_or_else(|| {
            GenesysError::config(
                "GENESYS_CLIENT_SECRET is not set",
                "export the OAuth client's secret (from a CI secret store, never a committed file)",
            )
        })?;
        let hosts = resolve(
            var("GENESYS_REGION").as_deref(),
            var("GENESYS_DOMAIN").as_deref(),
            var("GENESYS_API_BASE").as_deref(),
            var("GENESYS_LOGIN_BASE").as_deref(),
        )?;
        Ok(Config {
            client_id: client_id.trim().to_string(),
            client_secret,
            hosts,
        })
    }
}

/// A Genesys Cloud Platform API client. Cheap to share: `Send + Sync`, one token and one
/// pacer for every thread.
pub struct Client {
    agent: ureq::Agent,
    config: Config,
    basic: Secret,
    policy: RetryPolicy,
    limiter: RateLimiter,
    timeout: Duration,
    clock: Arc<dyn Clock>,
    token: Mutex<Option<Token>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("client_id", &self.config.client_id)
            .field("client_secret", &self.config.client_secret)
            .field("hosts", &self.config.hosts)
            .field("policy", &self.policy)
            .field("limiter", &self.limiter)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Method {
    Get,
    Patch,
    Post,
}

impl Method {
    fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Patch => "PATCH",
            Method::Post => "POST",
        }
    }
}

/// What a request sends besides its method and URL.
#[derive(Clone, Copy)]
pub(super) enum Payload<'a> {
    Empty,
    Json(&'a str),
    Form(&'a str),
}

/// A response that is not retried: its status, correlation id and body text.
#[derive(Debug)]
pub(super) struct Answer {
    pub(super) status: u16,
    pub(super) correlation_id: Option<String>,
    pub(super) body: String,
}

/// Which endpoint, to explain a 403 precisely.
#[derive(Debug, Clone, Copy)]
pub(super) enum Endpoint {
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
    /// A client configured from the environment (see [`Config::from_env`]).
    pub fn from_env(opts: &LiveOptions) -> Result<Client, GenesysError> {
        Ok(Self::new(Config::from_env()?, opts))
    }

    /// A client for `config`, on real time.
    pub fn new(config: Config, opts: &LiveOptions) -> Client {
        Self::with_clock(config, opts, Arc::new(SystemClock))
    }

    /// A client whose waits go through `clock` (tests observe the sleeps).
    pub fn with_clock(config: Config, opts: &LiveOptions, clock: Arc<dyn Clock>) -> Client {
        let t = Some(opts.timeout);
        let agent: ureq::Agent = ureq::Agent::config_builder()
            // Non-2xx answers come back as responses so 429's headers can be read.
            .http_status_as_error(false)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .user_agent(concat!("routecheck/", env!("CARGO_PKG_VERSION")))
            .timeout_connect(t)
            .timeout_send_request(t)
            .timeout_send_body(t)
            .timeout_recv_response(t)
            .timeout_recv_body(t)
            .build()
            .into();
        let basic = basic_auth(&config.client_id, &config.client_secret);
        // Never printed by any output of the run, whatever echoes them.
        crate::scrub::register(config.client_secret.expose());
        if let Some(b64) = basic.expose().strip_prefix("Basic ") {
            crate::scrub::register(b64);
        }
        Client {
            agent,
            basic,
            config,
            policy: RetryPolicy::with_budget(opts.max_retry_time),
            limiter: RateLimiter::new(opts.rate_limit),
            timeout: opts.timeout,
            clock,
            token: Mutex::new(None),
        }
    }

    /// The API base URL in use (for messages, never secret).
    pub fn api_base(&self) -> &str {
        &self.config.hosts.api_base
    }

    /// Read a conversation: `GET /api/v2/conversations/messages/{id}` (MessageConversation)
    /// first, `GET /api/v2/conversations/{id}` when that is a 404 (not a message conversation).
    pub fn get_conversation(&self, id: &str) -> Result<Value, GenesysError> {
        let seg = path_segment("conversation id", id)?;
        let first = format!("/api/v2/conversations/messages/{seg}");
        let answer = self.call(Method::Get, &first, Payload::Empty)?;
        match answer.status {
            200 => return self.json_object(Method::Get, &first, &answer),
            404 => {}
            _ => return Err(self.http_error(Method::Get, &first, answer, Endpoint::GetMessage)),
        }
        let generic = format!("/api/v2/conversations/{seg}");
        let answer = self.call(Method::Get, &generic, Payload::Empty)?;
        match answer.status {
            200 => self.json_object(Method::Get, &generic, &answer),
            _ => Err(self.http_error(Method::Get, &generic, answer, Endpoint::GetConversation)),
        }
    }

    /// Merge `attributes` into a participant's attributes:
    /// `PATCH /api/v2/conversations/messages/{cid}/participants/{pid}/attributes`, and the
    /// generic `/api/v2/conversations/{cid}/participants/{pid}/attributes` when the messages
    /// endpoint answers 404. Returns the body when Genesys sends one (the messages endpoint's
    /// `ParticipantAttributes`); the generic endpoint answers 202 with none.
    pub fn patch_participant_attributes(
        &self,
        conversation_id: &str,
        participant_id: &str,
        attributes: &BTreeMap<String, String>,
    ) -> Result<Option<Value>, GenesysError> {
        let c = path_segment("conversation id", conversation_id)?;
        let p = path_segment("participant id", participant_id)?;
        let body = serde_json::json!({ "attributes": attributes }).to_string();
        let first = format!("/api/v2/conversations/messages/{c}/participants/{p}/attributes");
        let answer = self.call(Method::Patch, &first, Payload::Json(&body))?;
        match answer.status {
            200..=299 => return self.optional_json(Method::Patch, &first, &answer),
            404 => {}
            _ => {
                return Err(self.http_error(
                    Method::Patch,
                    &first,
                    answer,
                    Endpoint::PatchMessageAttributes,
                ));
            }
        }
        let generic = format!("/api/v2/conversations/{c}/participants/{p}/attributes");
        let answer = self.call(Method::Patch, &generic, Payload::Json(&body))?;
        match answer.status {
            200..=299 => self.optional_json(Method::Patch, &generic, &answer),
            _ => Err(self.http_error(
                Method::Patch,
                &generic,
                answer,
                Endpoint::PatchConversationAttributes,
            )),
        }
    }

    /// An API call with the bearer token; a 401 refreshes the token once and retries once.
    pub(super) fn call(
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

    /// The cached token, or a new one when it is missing or about to expire.
    pub(super) fn token(&self) -> Result<Token, GenesysError> {
        // Held across the fetch so concurrent threads wait for one refresh, not start many.
        let mut guard = self.token.lock().unwrap_or_else(|p| p.into_inner());
        let now = self.clock.now();
        if let Some(t) = guard.as_ref().filter(|t| t.fresh(now)) {
            return Ok(t.clone());
        }
        let generation = guard.as_ref().map_or(1, |t| t.generation + 1);
        let token = self.fetch_token(generation)?;
        *guard = Some(token.clone());
        Ok(token)
    }

    fn invalidate(&self, generation: u64) {
        let mut guard = self.token.lock().unwrap_or_else(|p| p.into_inner());
        if guard.as_ref().is_some_and(|t| t.generation == generation) {
            *guard = None;
        }
    }

    fn fetch_token(&self, generation: u64) -> Result<Token, GenesysError> {
        let path = "/oauth/token";
        let url = format!("{}{}", self.config.hosts.login_base, path);
        let answer = self.send(
            Method::Post,
            &url,
            path,
            &self.basic,
            Payload::Form("grant_type=client_credentials"),
            false,
        )?;
        match answer.status {
            200 => {
                let parsed: TokenResponse =
                    serde_json::from_str(&answer.body).map_err(|e| GenesysError::Malformed {
                        method: "POST",
                        path: path.to_string(),
                        detail: format!("the token answer is not the documented JSON ({e})"),
                    })?;
                if parsed.access_token.is_empty() {
                    return Err(GenesysError::Malformed {
                        method: "POST",
                        path: path.to_string(),
                        detail: "the token answer has an empty access_token".into(),
                    });
                }
                // Every token issued stays scrubbed after a refresh replaces it: a server
                // may still echo an old one.
                crate::scrub::register(&parsed.access_token);
                Ok(Token::new(
                    Secret::new(parsed.access_token),
                    self.clock.now(),
                    parsed.expires_in,
                    generation,
                ))
            }
            400 | 401 | 403 => {
                let err: TokenError = serde_json::from_str(&answer.body).unwrap_or_default();
                let code = err
                    .error
                    .unwrap_or_else(|| format!("http {}", answer.status));
                let detail = err
                    .description
                    .map(|d| format!(": {}", self.scrub(&d)))
                    .unwrap_or_default();
                let help = if code == "invalid_client" || answer.status == 401 {
                    format!(
                        "the client id/secret pair is not known to the login service at {}: check GENESYS_CLIENT_ID and GENESYS_CLIENT_SECRET, and that GENESYS_REGION is the org's region (a wrong region is the most common cause: OAuth clients exist in one region only)",
                        self.config.hosts.login_base
                    )
                } else {
                    "check that the OAuth client's grant type is Client Credentials and that it has a role".into()
                };
                Err(GenesysError::Auth {
                    message: format!(
                        "the login service refused the OAuth client ({}){detail}",
                        self.scrub(&code)
                    ),
                    correlation_id: answer.correlation_id,
                    help: Some(help),
                })
            }
            _ => Err(self.http_error(Method::Post, path, answer, Endpoint::GetConversation)),
        }
    }

    /// Send with pacing (API calls only) and retries on 429, 502/503/504, dropped
    /// connections and timeouts, within the retry budget.
    pub(super) fn send(
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
            Ok(b) => self.scrub(&b),
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

    pub(super) fn json_object(
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

    fn optional_json(
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

    pub(super) fn http_error(
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

    /// Remove the client secret, the Basic header and every token issued from `text`.
    fn scrub(&self, text: &str) -> String {
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
pub(super) fn path_segment(what: &str, id: &str) -> Result<String, GenesysError> {
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

// The runner shares one client across rayon threads.
const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Client>();
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_are_encoded() {
        assert_eq!(path_segment("x", "abc-123").unwrap(), "abc-123");
        assert_eq!(path_segment("x", "a/b?c").unwrap(), "a%2Fb%3Fc");
        assert!(path_segment("x", "  ").is_err());
    }

    #[test]
    fn config_from_lookup_and_debug_hides_the_secret() {
        let env = |k: &str| match k {
            "GENESYS_CLIENT_ID" => Some("id-1".to_string()),
            "GENESYS_CLIENT_SECRET" => Some("s3cr3t-value".to_string()),
            "GENESYS_REGION" => Some("eu_central_1".to_string()),
            _ => None,
        };
        let c = Config::from_lookup(env).unwrap();
        assert_eq!(c.hosts.api_base, "https://api.mypurecloud.de");
        let client = Client::new(c, &LiveOptions::default());
        let dbg = format!("{client:?}");
        assert!(!dbg.contains("s3cr3t-value"), "{dbg}");
        assert!(dbg.contains("***"));
    }

    #[test]
    fn missing_credentials_are_clear() {
        let e = Config::from_lookup(|_| None).unwrap_err();
        assert!(e.to_string().contains("GENESYS_CLIENT_ID"));
    }
}
