//! One scrubber for every output: the values that must never be printed (the client secret,
//! its Basic credential, every access token issued during the run, the values of
//! secret-named `${VAR}`s interpolated into rules files) are registered once, where they
//! enter the process, and every edge that writes text (the reporters, through the
//! scrubbing reporter of [`crate::report`]; the diagnostic renderer and stderr messages,
//! through [`text`]) replaces them. It imports nothing of the crate: it is the bottom layer.
//!
//! The registry is process-wide on purpose: a token issued before a 401 refresh is no longer
//! held by the client, yet a server may still echo it, and a secret interpolated into a case
//! name travels in many structs. Scrubbing at the edge covers them all without threading the
//! list through every layer.

use std::borrow::Cow;
use std::sync::RwLock;

/// What replaces a secret value.
pub const REDACTED: &str = "[redacted]";

/// Shorter values are not scrubbed: they cannot be real credentials, and replacing them
/// would mangle ordinary text (an `${API_TOKEN}` of `1`).
const MIN_LEN: usize = 4;

/// Registered values, longest first (a secret containing another is replaced whole).
static SECRETS: RwLock<Vec<String>> = RwLock::new(Vec::new());

/// Remember a value that must never be printed, for the rest of the process.
pub fn register(value: &str) {
    if value.chars().count() < MIN_LEN {
        return;
    }
    let mut secrets = match SECRETS.write() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    };
    if secrets.iter().any(|s| s == value) {
        return;
    }
    secrets.push(value.to_string());
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
}

/// `text` with every registered value replaced by [`REDACTED`].
pub fn text(text: &str) -> Cow<'_, str> {
    let secrets = match SECRETS.read() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    };
    let mut out = Cow::Borrowed(text);
    for s in secrets.iter() {
        if out.contains(s.as_str()) {
            out = Cow::Owned(out.replace(s.as_str(), REDACTED));
        }
    }
    out
}

/// Text a server sent (an error message, a close reason, an error code) with every control
/// character escaped as Rust writes it (`\r`, `\n`, `\u{1b}`): a bare carriage return
/// or an escape sequence from the network cannot move the cursor or rewrite a line the
/// user reads, on a terminal or in a CI log.
pub fn control(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    // The registry is process-wide; each test uses values no other test registers.
    #[test]
    fn registered_values_are_scrubbed_longest_first() {
        register("scrub-test-secret");
        register("scrub-test-secret-longer");
        register("abc"); // too short: ignored
        assert_eq!(
            text("a scrub-test-secret-longer b scrub-test-secret c abc"),
            "a [redacted] b [redacted] c abc"
        );
        assert!(matches!(text("nothing here"), Cow::Borrowed(_)));
    }

    #[test]
    fn server_text_has_every_control_character_escaped() {
        assert_eq!(control("plain ünïcode"), "plain ünïcode");
        assert_eq!(
            control("ok\rFAKE PASS\n\u{1b}[2J\u{7f}\u{9b}"),
            "ok\\rFAKE PASS\\n\\u{1b}[2J\\u{7f}\\u{9b}"
        );
    }
}
