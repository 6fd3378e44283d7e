//! The HTTP client: one ureq agent, a cached token, paced and retried requests, and the two
//! conversation reads and the attribute write the runner and the live commands need.
//!
//! - this file: the options, the credentials and region, the client and its two
//!   conversation endpoints.
//! - `transport`: one request with pacing, retries and the 401 refresh.
//! - `token`: the cached OAuth token and its refresh.
//! - `answer`: reading answers, HTTP errors and what a 403 needs, path segments, scrubbing.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;

use super::auth::{Secret, Token, basic_auth};
use super::error::GenesysError;
use super::region::{Hosts, resolve};
use super::retry::{Clock, RateLimiter, RetryPolicy, SystemClock};

mod answer;
use answer::conversation_body;
mod token;
mod transport;

pub(super) use answer::path_segment;
pub(super) use transport::{Answer, Endpoint, Method, Payload};

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
    /// `default_region` (routecheck.yaml's `region:`, from the caller: the client knows no
    /// project) stands in when GENESYS_REGION is not set.
    pub fn from_env(default_region: Option<String>) -> Result<Config, GenesysError> {
        Self::from_lookup(|name| {
            std::env::var(name).ok().or_else(|| {
                (name == "GENESYS_REGION")
                    .then(|| default_region.clone())
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

impl Client {
    /// A client configured from the environment (see [`Config::from_env`]).
    pub fn from_env(
        opts: &LiveOptions,
        default_region: Option<String>,
    ) -> Result<Client, GenesysError> {
        Ok(Self::new(Config::from_env(default_region)?, opts))
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
            200 => {
                let body = self.json_object(Method::Get, &first, &answer)?;
                return conversation_body(Method::Get, &first, id, body);
            }
            404 => {}
            _ => return Err(self.http_error(Method::Get, &first, answer, Endpoint::GetMessage)),
        }
        let generic = format!("/api/v2/conversations/{seg}");
        let answer = self.call(Method::Get, &generic, Payload::Empty)?;
        match answer.status {
            200 => {
                let body = self.json_object(Method::Get, &generic, &answer)?;
                conversation_body(Method::Get, &generic, id, body)
            }
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
