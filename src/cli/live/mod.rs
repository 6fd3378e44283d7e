//! `routecheck record` and `routecheck inject`: the two commands that talk to a live
//! Genesys Cloud org — one turns conversations into redacted fixtures, the other sets
//! participant attributes and proves they were stored.
//!
//! - this file: the network flags and the errors both commands share.
//! - `record`: conversations to redacted fixtures.
//! - `inject`: attributes set on a participant, verified and written to a manifest.

use std::time::Duration;

use crate::exit;
use crate::genesys::{GenesysError, LiveOptions};

mod inject;
mod record;

pub use inject::{InjectArgs, inject};
pub use record::{RecordArgs, record};

/// Web Messaging custom-attribute budget, in UTF-8 bytes of keys plus values.
///
/// Genesys documents no fixed number: the Messenger transport SDK
/// (MyPureCloud genesys-messenger-transport-mobile-sdk, `CustomAttributesStoreImpl`) takes
/// `maxCustomDataBytes` from each session's `SessionResponse` and refuses a map whose keys
/// plus values exceed it. 2048 is our conservative default; set `--max-bytes` to the value
/// your deployment's sessions announce.
pub const DEFAULT_MAX_BYTES: usize = 2048;

/// Network flags shared by the live commands.
#[derive(Debug, Clone, clap::Args)]
pub struct NetArgs {
    /// Give up retrying one request after this many seconds (429 waits, 5xx backoff).
    #[arg(long, value_name = "SECS", default_value = "60", value_parser = parse_secs)]
    pub max_retry_time: Duration,
    /// Client-side pacing, in requests per minute (Genesys allows 300 per token).
    #[arg(long, value_name = "N", default_value_t = 300,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub rate_limit: u32,
    /// Connect and read timeout of every call, in seconds.
    #[arg(long, value_name = "SECS", default_value = "30", value_parser = parse_positive_secs)]
    pub timeout: Duration,
}

impl NetArgs {
    pub(crate) fn options(&self) -> LiveOptions {
        LiveOptions {
            max_retry_time: self.max_retry_time,
            rate_limit: self.rate_limit,
            timeout: self.timeout,
        }
    }
}

fn parse_secs(s: &str) -> Result<Duration, String> {
    let v: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a number of seconds"))?;
    if !v.is_finite() || !(0.0..=86_400.0).contains(&v) {
        return Err(format!("`{s}` must be between 0 and 86400 seconds"));
    }
    Ok(Duration::from_secs_f64(v))
}

fn parse_positive_secs(s: &str) -> Result<Duration, String> {
    let d = parse_secs(s)?;
    if d.is_zero() {
        return Err("must be more than 0 seconds".into());
    }
    Ok(d)
}

/// An error of the live commands themselves (usage, files), rendered like every other.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{message}")]
#[diagnostic(code(routecheck::live))]
struct LiveError {
    message: String,
    #[help]
    help: Option<String>,
}

/// Either layer's error, for a step that can fail in both.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
enum Failure {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Genesys(#[from] GenesysError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Live(#[from] LiveError),
}

fn fail(message: impl Into<String>, help: impl Into<Option<String>>) -> LiveError {
    LiveError {
        message: message.into(),
        help: help.into(),
    }
}

fn report(e: &dyn miette::Diagnostic) -> u8 {
    super::print_diagnostics([e]);
    exit::USAGE
}

fn warn(message: &str) {
    // `errln!` scrubs, and flushes stdout first so the warning lands after what it follows.
    crate::errln!("warning: {message}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_parse() {
        assert_eq!(parse_secs("1.5").unwrap(), Duration::from_millis(1500));
        assert!(parse_secs("-1").is_err());
        assert!(parse_secs("abc").is_err());
        assert!(parse_positive_secs("0").is_err());
    }
}
