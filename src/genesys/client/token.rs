//! The OAuth token: cached for every thread, refreshed once when missing, expiring or
//! refused, and a refused login explained (wrong region, wrong grant type).

use super::{Client, Endpoint, Method, Payload};
use crate::genesys::auth::{Secret, Token, TokenError, TokenResponse};
use crate::genesys::error::GenesysError;

impl Client {
    /// The cached token, or a new one when it is missing or about to expire.
    pub(in crate::genesys) fn token(&self) -> Result<Token, GenesysError> {
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

    pub(super) fn invalidate(&self, generation: u64) {
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
}
