//! `guest:` cases: drive a real Web Messaging guest over the Guest API WebSocket, then read
//! the conversation it started back through the Platform API.
//!
//! `session` speaks the Guest API (strict frame order, limits, error codes); `readback`
//! finds the conversation, the queue it reached and the flow's execution data; `flowpath`
//! compares that data with routecheck's own simulation. Protocol facts and their sources
//! are in ../shared/GUEST-API.md; decisions where Genesys is silent in docs/fidelity.md.

pub mod error;
pub mod flowpath;
pub mod limits;
pub mod pool;
pub mod protocol;
pub mod readback;
pub mod session;

use std::time::Duration;

pub use error::{GuestError, Part};
pub use readback::GuestRun;
pub use session::{Observed, SessionOptions};

/// What a `guest:` case asks for (after `${...}` interpolation).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GuestSpec {
    /// The Messenger deployment id.
    pub deployment: String,
    /// `Origin` header: an allowed domain of the deployment.
    pub origin: Option<String>,
    /// Custom attributes, flat strings, in file order.
    pub attributes: Vec<(String, String)>,
    /// The messages, in order (at least one).
    pub say: Vec<String>,
    /// Reply collection ends after this much silence.
    pub quiet: Duration,
    /// The whole session's bound.
    pub timeout: Duration,
    /// Disconnect the conversation afterwards.
    pub cleanup: bool,
    /// Fetch the flow's execution data (also `--flow-path`).
    pub flow_path: bool,
}

/// Default `quiet:`.
pub const DEFAULT_QUIET: Duration = Duration::from_secs(5);
/// Default `timeout:`.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// The Guest API base: `GENESYS_WEBMESSAGING_BASE` (`wss://host[:port]`, or `ws://` to
/// loopback only), else `wss://webmessaging.{domain}` of `GENESYS_REGION`/`GENESYS_DOMAIN`.
pub fn webmessaging_base(get: impl Fn(&str) -> Option<String>) -> Result<String, GuestError> {
    let var = |n: &str| get(n).filter(|v| !v.trim().is_empty());
    let config = |message: String, help: &str| GuestError::Config {
        message,
        help: help.to_owned(),
        at: Part::Guest,
    };
    if let Some(base) = var("GENESYS_WEBMESSAGING_BASE") {
        let b = base.trim().trim_end_matches('/');
        let (scheme, rest) = b.split_once("://").unwrap_or(("", b));
        if rest.is_empty() || rest.contains(['/', '?', '@']) {
            return Err(config(
                format!("GENESYS_WEBMESSAGING_BASE `{base}` must be a scheme and host only"),
                "e.g. wss://webmessaging.mypurecloud.ie (the /v1?deploymentId=... part is added)",
            ));
        }
        let loopback = crate::genesys::region::is_loopback(crate::genesys::region::host_of(rest));
        return match scheme.to_ascii_lowercase().as_str() {
            "wss" => Ok(b.to_owned()),
            "ws" if loopback => Ok(b.to_owned()),
            "ws" => Err(config(
                format!(
                    "GENESYS_WEBMESSAGING_BASE `{base}` uses plain ws:// to a host that is not loopback"
                ),
                "plain ws:// is allowed only for 127.0.0.0/8, ::1 and localhost (tests); use wss://",
            )),
            _ => Err(config(
                format!("GENESYS_WEBMESSAGING_BASE `{base}` is not a wss:// URL"),
                "e.g. wss://webmessaging.mypurecloud.ie",
            )),
        };
    }
    let region = var("GENESYS_REGION").or_else(|| var("GENESYS_DOMAIN")).ok_or_else(|| {
        config(
            "GENESYS_REGION is not set: the Guest API host is unknown".into(),
            "set GENESYS_REGION to the org's region (e.g. eu_west_1), or GENESYS_WEBMESSAGING_BASE",
        )
    })?;
    let domain = crate::genesys::region::domain_for(&region).map_err(|e| {
        use miette::Diagnostic;
        config(
            e.to_string(),
            &e.help().map(|h| h.to_string()).unwrap_or_default(),
        )
    })?;
    Ok(format!("wss://webmessaging.{domain}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(vars: &[(&str, &str)]) -> Result<String, GuestError> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        webmessaging_base(|n| vars.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone()))
    }

    #[test]
    fn the_host_follows_the_region_and_ws_is_loopback_only() {
        assert_eq!(
            base(&[("GENESYS_REGION", "eu_west_1")]).unwrap(),
            "wss://webmessaging.mypurecloud.ie"
        );
        assert_eq!(
            base(&[("GENESYS_WEBMESSAGING_BASE", "ws://127.0.0.1:9/")]).unwrap(),
            "ws://127.0.0.1:9"
        );
        assert!(base(&[("GENESYS_WEBMESSAGING_BASE", "ws://example.com")]).is_err());
        assert!(base(&[("GENESYS_WEBMESSAGING_BASE", "https://example.com")]).is_err());
        assert!(base(&[]).is_err());
    }
}
