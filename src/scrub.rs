//! One scrubber for every output: the values that must never be printed (the client secret,
//! its Basic credential, every access token issued during the run, the values of
//! secret-named `${VAR}`s interpolated into rules files) are registered once, where they
//! enter the process, and every edge that writes text (the reporters, through the
//! scrubbing reporter of [`crate::report`]; the diagnostic renderer and stderr messages,
//! through [`text`]) replaces them. It imports nothing of the crate: it is the bottom layer.
//!
//! Personal values read from a conversation (a fixture recorded with `--keep-pii`, a live
//! `--conversation`) are registered the same way ([`register_personal`]), and every edge
//! replaces them with `[redacted KIND #hhhh]`: the kind of value and a fixed 16-bit
//! fingerprint, so a reader can still tell a name from a phone number and two different
//! values apart (expected against actual), and nothing of the value itself. They are matched
//! ignoring ASCII case (a flow's `Upper(name)`).
//!
//! The registry is process-wide on purpose: a token issued before a 401 refresh is no longer
//! held by the client, yet a server may still echo it, and a secret interpolated into a case
//! name travels in many structs. Scrubbing at the edge covers them all without threading the
//! list through every layer.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::sync::{Mutex, RwLock};

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

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
    drop(secrets);
    match personal(&out) {
        Some(scrubbed) => Cow::Owned(scrubbed),
        None => out,
    }
}

/// Personal values of 4 characters or more are replaced wherever they occur; a 2–3 character
/// one (a name such as `Li`) only as a whole word, so it does not eat ordinary words. Shorter
/// values, and free text under 4 characters (`Hi`, a menu choice `1`), are not scrubbed.
const PERSONAL_MIN_LEN: usize = 2;

/// Text of the repository's flows (their string values and the quoted literals in their
/// expressions), lowercased: a customer's message equal to a menu choice or to a literal the
/// flow compares with is not personal, and the flow's own labels stay readable.
static PUBLIC: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());

/// Remember a text the repository itself holds (a flow's literal): a registered personal
/// value equal to it, ignoring ASCII case, is not replaced.
pub fn register_public(value: &str) {
    let value = value.trim();
    if value.chars().count() < 4 {
        return;
    }
    let mut p = match PUBLIC.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    };
    p.insert(value.to_ascii_lowercase());
}

/// One registered personal value.
struct Entry {
    value: String,
    /// `value` lowercased, looked up in the public texts at each match.
    lower: String,
    replacement: String,
    whole_word: bool,
}

/// Values matched together by one automaton.
struct Batch {
    matcher: Option<AhoCorasick>,
    entries: Vec<Entry>,
}

/// Personal values: a test run may read thousands of fixtures while it reports, so values
/// are kept in batches whose sizes at least double down the list (as a binary counter):
/// registering N values builds O(N log N) automaton entries in all, and a text is scanned
/// by O(log N) automata.
#[derive(Default)]
struct Personal {
    known: BTreeSet<String>,
    batches: Vec<Batch>,
    pending: Vec<Entry>,
}

static PERSONAL: Mutex<Personal> = Mutex::new(Personal {
    known: BTreeSet::new(),
    batches: Vec::new(),
    pending: Vec::new(),
});

/// What replaces a personal value: its kind and a fingerprint (FNV-1a, 16 bits: enough to
/// tell values of one report apart, far too little to recover one).
pub fn personal_placeholder(kind: &str, value: &str) -> String {
    let mut h: u32 = 0x811c_9dc5;
    for b in value.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    format!("[redacted {kind} #{:04x}]", (h ^ (h >> 16)) & 0xffff)
}

/// Remember a personal value (`kind`: name, phone, email, address, text) for the rest of
/// the process: every output edge replaces it by [`personal_placeholder`].
pub fn register_personal(kind: &str, value: &str) {
    let value = value.trim();
    let len = value.chars().count();
    if len < PERSONAL_MIN_LEN || (kind == "text" && len < 4) {
        return;
    }
    let mut p = match PERSONAL.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    };
    if !p.known.insert(value.to_string()) {
        return;
    }
    p.pending.push(Entry {
        value: value.to_string(),
        lower: value.to_ascii_lowercase(),
        replacement: personal_placeholder(kind, value),
        whole_word: len < 4,
    });
}

fn build(entries: Vec<Entry>) -> Batch {
    // A contiguous NFA: built in one pass (a DFA per small batch would cost more to build
    // than the few texts it scans before the next merge).
    let matcher = AhoCorasick::builder()
        .kind(Some(AhoCorasickKind::ContiguousNFA))
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .build(entries.iter().map(|e| e.value.as_str()))
        .ok();
    Batch { matcher, entries }
}

impl Personal {
    /// Move pending values into batches, merging while a batch is no larger than the next.
    fn settle(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let mut entries = std::mem::take(&mut self.pending);
        while self
            .batches
            .last()
            .is_some_and(|b| b.entries.len() <= entries.len())
        {
            if let Some(b) = self.batches.pop() {
                entries.extend(b.entries);
            }
        }
        self.batches.push(build(entries));
    }

    /// Every match in `text`: (start, end, replacement).
    fn matches<'a>(
        &'a self,
        text: &str,
        public: &BTreeSet<String>,
        out: &mut Vec<(usize, usize, &'a str)>,
    ) {
        let bytes = text.as_bytes();
        let word =
            |i: usize| -> bool { text[i..].chars().next().is_some_and(char::is_alphanumeric) };
        let before_is_word = |i: usize| -> bool {
            text[..i]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric)
        };
        for b in &self.batches {
            let found: Vec<(usize, usize, usize)> = match &b.matcher {
                Some(m) => m
                    .find_iter(text)
                    .map(|f| (f.start(), f.end(), f.pattern().as_usize()))
                    .collect(),
                // An automaton that could not be built: the same search, slowly.
                None => {
                    let lower = text.to_ascii_lowercase();
                    b.entries
                        .iter()
                        .enumerate()
                        .flat_map(|(i, e)| {
                            lower
                                .match_indices(e.lower.as_str())
                                .map(move |(s, _)| (s, s + e.value.len(), i))
                                .collect::<Vec<_>>()
                        })
                        .collect()
                }
            };
            for (start, end, i) in found {
                let e = &b.entries[i];
                if e.whole_word && (before_is_word(start) || (end < bytes.len() && word(end))) {
                    continue;
                }
                if !public.is_empty() && public.contains(&e.lower) {
                    continue;
                }
                out.push((start, end, e.replacement.as_str()));
            }
        }
    }
}

/// `text` with every registered personal value replaced, or `None` when none occurs.
/// Overlapping matches (a first name inside a full name registered later) are replaced as
/// one span, so no part of either is left.
fn personal(text: &str) -> Option<String> {
    let mut p = match PERSONAL.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    };
    if p.known.is_empty() {
        return None;
    }
    p.settle();
    let public = match PUBLIC.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    };
    let mut found = Vec::new();
    p.matches(text, &public, &mut found);
    drop(public);
    if found.is_empty() {
        return None;
    }
    found.sort_by_key(|&(s, e, _)| (s, std::cmp::Reverse(e)));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    let mut i = 0;
    while i < found.len() {
        let (start, mut end, mut repl) = found[i];
        let mut longest = end - start;
        i += 1;
        while i < found.len() && found[i].0 < end {
            if found[i].1 - found[i].0 > longest {
                longest = found[i].1 - found[i].0;
                repl = found[i].2;
            }
            end = end.max(found[i].1);
            i += 1;
        }
        out.push_str(&text[at..start]);
        out.push_str(repl);
        at = end;
    }
    out.push_str(&text[at..]);
    Some(out)
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
    fn personal_values_are_replaced_by_kind_and_fingerprint_ignoring_case() {
        register_personal("name", "Scrubtest Annabel");
        register_personal("phone", "+1 555 0100 777");
        register_personal("name", "Qx"); // short: only as a whole word
        register_personal("text", "ok"); // short free text: ignored
        let name = personal_placeholder("name", "Scrubtest Annabel");
        assert!(name.starts_with("[redacted name #"), "{name}");
        assert_eq!(
            text("to SCRUBTEST ANNABEL at +1 555 0100 777; Qx and Qxy, ok"),
            format!(
                "to {name} at {}; {} and Qxy, ok",
                personal_placeholder("phone", "+1 555 0100 777"),
                personal_placeholder("name", "Qx")
            )
        );
        assert_ne!(name, personal_placeholder("name", "Scrubtest Annabelle"));
    }

    #[test]
    fn a_personal_value_the_flows_hold_is_not_replaced() {
        register_public("Scrubpublic Purchase a book");
        register_personal("text", "scrubpublic purchase A BOOK");
        register_personal("text", "scrubpublic my own words");
        assert_eq!(
            text("choice Scrubpublic Purchase a book"),
            "choice Scrubpublic Purchase a book"
        );
        assert!(text("scrubpublic my own words").starts_with("[redacted text #"));
    }

    #[test]
    fn a_shorter_personal_value_registered_first_leaves_nothing_of_a_longer_one() {
        register_personal("name", "Scrubfirst");
        register_personal("name", "Scrubfirst Lastwordz");
        let t = text("to Scrubfirst Lastwordz!");
        assert!(!t.contains("Lastwordz") && !t.contains("Scrubfirst"), "{t}");
        assert!(
            t.starts_with("to [redacted name #") && t.ends_with("]!"),
            "{t}"
        );
    }

    #[test]
    fn many_personal_values_are_batched_and_all_found() {
        for i in 0..300 {
            register_personal("phone", &format!("+44 7700 9{i:05}"));
            // Scanned between registrations, as a run reports while it reads fixtures.
            let _ = text("nothing");
        }
        for i in [0, 150, 299] {
            let t = text(&format!("call +44 7700 9{i:05} now")).into_owned();
            assert!(t.starts_with("call [redacted phone #"), "{t}");
        }
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
