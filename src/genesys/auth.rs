//! OAuth client credentials: the secret wrapper that never prints, the token request, and
//! the cached token refreshed before it expires.

use std::fmt;
use std::time::{Duration, Instant};

/// A credential (client secret, access token). Its `Debug` and `Display` print `***`; the
/// value is reachable only through [`Secret::expose`], at the one place it goes on the wire.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wrap a value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The raw value, for an Authorization header only.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Replace every occurrence of this secret in `text` with `***`.
    pub fn scrub(&self, text: &str) -> String {
        if self.0.len() < 4 {
            // Too short to be a real credential; scrubbing it would mangle ordinary text.
            return text.to_string();
        }
        text.replace(&self.0, "***")
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// An access token and when to stop using it.
#[derive(Debug, Clone)]
pub struct Token {
    /// The bearer token.
    pub value: Secret,
    /// When to fetch a new one (some margin before Genesys's expiry).
    pub refresh_at: Instant,
    /// Counts tokens fetched, so a 401 refreshes only a token that is still current.
    pub generation: u64,
}

impl Token {
    /// A token fetched at `now` that Genesys says lives `expires_in` seconds.
    pub fn new(value: Secret, now: Instant, expires_in: u64, generation: u64) -> Self {
        let life = Duration::from_secs(expires_in);
        // Refresh a little early: a tenth of the lifetime, at most a minute.
        let margin = (life / 10).min(Duration::from_secs(60));
        Token {
            value,
            refresh_at: now + life.saturating_sub(margin),
            generation,
        }
    }

    /// Still usable at `now`.
    pub fn fresh(&self, now: Instant) -> bool {
        now < self.refresh_at
    }
}

/// `Basic base64(client_id:client_secret)`.
pub fn basic_auth(client_id: &str, secret: &Secret) -> Secret {
    Secret::new(format!(
        "Basic {}",
        base64(format!("{client_id}:{}", secret.expose()).as_bytes())
    ))
}

/// Standard base64 with padding (RFC 4648), for the one Basic header we send.
fn base64(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The fields of the token endpoint's answer we use.
#[derive(Debug, serde::Deserialize)]
pub struct TokenResponse {
    /// The bearer token.
    pub access_token: String,
    /// Lifetime in seconds.
    #[serde(default = "default_expires_in")]
    pub expires_in: u64,
}

fn default_expires_in() -> u64 {
    // Genesys's documented default token lifetime is a day; assume less so we refresh.
    3600
}

/// The login service's error body (`{"error":"invalid_client","description":"..."}`).
#[derive(Debug, Default, serde::Deserialize)]
pub struct TokenError {
    /// OAuth error code.
    #[serde(default)]
    pub error: Option<String>,
    /// Human description.
    #[serde(default, alias = "error_description")]
    pub description: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print() {
        let s = Secret::new("hunter2-very-secret");
        assert_eq!(format!("{s}"), "***");
        assert_eq!(format!("{s:?}"), "***");
        let t = Token::new(s.clone(), Instant::now(), 60, 1);
        assert!(!format!("{t:?}").contains("hunter2"));
        assert_eq!(s.scrub("x hunter2-very-secret y"), "x *** y");
    }

    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (i, o) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(i.as_bytes()), o);
        }
        assert_eq!(
            basic_auth("id", &Secret::new("pw")).expose(),
            "Basic aWQ6cHc="
        );
    }

    #[test]
    fn tokens_refresh_before_expiry() {
        let now = Instant::now();
        let t = Token::new(Secret::new("abcd"), now, 86_400, 1);
        assert!(t.fresh(now + Duration::from_secs(86_000)));
        assert!(!t.fresh(now + Duration::from_secs(86_341)));
        let short = Token::new(Secret::new("abcd"), now, 10, 1);
        assert!(!short.fresh(now + Duration::from_secs(9)));
    }
}
