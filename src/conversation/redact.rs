//! Personal data out of recorded fixtures: a conversation fetched from Genesys is rewritten
//! with stable placeholders (`<redacted:name:1>`) before it is written to a repository.
//!
//! What is redacted (string values only; keys, ids, timestamps, queue and flow data stay):
//! - on participants (objects in a `participants` array) and on address objects (values of
//!   keys ending in `Address`/`Addresses`, e.g. `fromAddress`, `toAddress`): `name`,
//!   `participantName`;
//! - anywhere: `address`, `addressNormalized`, `addressRaw`, `addressDisplayable`, `ani`,
//!   `dnis`, `callerId`, `callbackNumbers` (address); `callerIdName`, `callbackUserName`,
//!   `remote`, `fromName`, `toName` (name); `email`, `emailAddress` (email); `phoneNumber`
//!   (phone); `textBody`, `text`, `body`, `subject`, `content` (text: message bodies);
//! - anywhere: any string containing an email address;
//! - in every `attributes` map: values whose key names an email, phone, person name or postal
//!   address (`*email*`, `*phone*`, `*mobile*`, `*firstName`, `*lastName`, `*fullName`, a last
//!   dotted segment starting with `address`, `*street*`, `*postalCode*`, `*zipCode*`), and
//!   values that look like an email or a phone number (7–15 digits with `+` or separators, or
//!   10+ digits).
//!
//! The same value gets the same placeholder everywhere in one file, so equal-value checks
//! between participants still hold; numbering follows the sorted key order, so it is stable.

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use regex::Regex;
use serde_json::{Map, Value};

/// Kinds of personal data, as they appear in placeholders.
pub const KINDS: &[&str] = &["name", "address", "email", "phone", "text"];

static EMAIL: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)+").ok());

/// Counts of what was replaced, per kind.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    /// Kind → number of values replaced (occurrences, not distinct values).
    pub replaced: BTreeMap<&'static str, usize>,
}

impl Report {
    /// Total replacements.
    pub fn total(&self) -> usize {
        self.replaced.values().sum()
    }
}

/// A copy of `value` with every object's keys sorted (fixtures diff cleanly).
pub fn sort_keys(value: &Value) -> Value {
    match value {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let mut out = Map::with_capacity(m.len());
            for k in keys {
                if let Some(v) = m.get(k) {
                    out.insert(k.clone(), sort_keys(v));
                }
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(sort_keys).collect()),
        other => other.clone(),
    }
}

/// Redact personal data in place (see the module docs for the exact fields).
pub fn redact(value: &mut Value) -> Report {
    let mut r = Redactor::default();
    r.walk(value, Context::Plain);
    r.report
}

#[derive(Default)]
struct Redactor {
    seen: HashMap<(&'static str, String), usize>,
    next: HashMap<&'static str, usize>,
    report: Report,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    Plain,
    Participant,
    Attributes,
}

impl Redactor {
    fn placeholder(&mut self, kind: &'static str, original: &str) -> String {
        *self.report.replaced.entry(kind).or_default() += 1;
        let key = (kind, original.to_string());
        let n = match self.seen.get(&key) {
            Some(n) => *n,
            None => {
                let n = self.next.entry(kind).or_default();
                *n += 1;
                let n = *n;
                self.seen.insert(key, n);
                n
            }
        };
        format!("<redacted:{kind}:{n}>")
    }

    fn walk(&mut self, value: &mut Value, ctx: Context) {
        match value {
            Value::Object(map) => {
                let mut keys: Vec<String> = map.keys().cloned().collect();
                keys.sort();
                for k in keys {
                    let Some(v) = map.get_mut(&k) else { continue };
                    let kind = match ctx {
                        Context::Attributes => attribute_kind(&k, v),
                        Context::Participant => field_kind(&k, true),
                        Context::Plain => field_kind(&k, false),
                    };
                    if let Some(kind) = kind {
                        self.replace_strings(v, kind);
                        continue;
                    }
                    let lower = k.to_ascii_lowercase();
                    let person = lower == "participants"
                        || lower.ends_with("address")
                        || lower.ends_with("addresses");
                    let child = match &*v {
                        Value::Object(_) if k == "attributes" => Context::Attributes,
                        Value::Object(_) | Value::Array(_) if person => Context::Participant,
                        _ => Context::Plain,
                    };
                    if ctx == Context::Attributes {
                        // Attribute values are strings; anything nested is still scanned for emails.
                        self.walk(v, Context::Plain);
                    } else {
                        self.walk(v, child);
                    }
                }
            }
            Value::Array(items) => {
                // Items of `participants` and of address lists are people; other lists are not.
                let item_ctx = if ctx == Context::Participant {
                    Context::Participant
                } else {
                    Context::Plain
                };
                for item in items {
                    self.walk(item, item_ctx);
                }
            }
            Value::String(s) if looks_like_email(s) => {
                *s = self.placeholder("email", s);
            }
            _ => {}
        }
    }

    /// Replace a string, or every string inside an array or object (e.g. `callbackNumbers`).
    fn replace_strings(&mut self, v: &mut Value, kind: &'static str) {
        match v {
            Value::String(s) if !s.is_empty() => *s = self.placeholder(kind, s),
            Value::Array(items) => {
                for item in items {
                    self.replace_strings(item, kind);
                }
            }
            Value::Object(map) => {
                let mut keys: Vec<String> = map.keys().cloned().collect();
                keys.sort();
                for k in keys {
                    if let Some(item) = map.get_mut(&k) {
                        self.replace_strings(item, kind);
                    }
                }
            }
            _ => {}
        }
    }
}

fn field_kind(key: &str, participant: bool) -> Option<&'static str> {
    Some(match key {
        "name" | "participantName" if participant => "name",
        "callerIdName" | "callbackUserName" | "remote" | "fromName" | "toName" => "name",
        "address" | "addressNormalized" | "addressRaw" | "addressDisplayable" | "ani" | "dnis"
        | "callerId" | "callbackNumbers" => "address",
        "email" | "emailAddress" => "email",
        "phoneNumber" => "phone",
        "textBody" | "text" | "body" | "subject" | "content" => "text",
        _ => return None,
    })
}

/// The kind of an attribute value to redact, from its key or its value.
fn attribute_kind(key: &str, value: &Value) -> Option<&'static str> {
    let k = key.to_ascii_lowercase();
    let last = k.rsplit('.').next().unwrap_or(&k);
    if k.contains("email") {
        return Some("email");
    }
    if k.contains("phone") || k.contains("mobile") || k.contains("msisdn") {
        return Some("phone");
    }
    if last.ends_with("firstname") || last.ends_with("lastname") || last.ends_with("fullname") {
        return Some("name");
    }
    if last.starts_with("address")
        || k.contains("street")
        || k.contains("postalcode")
        || k.contains("zipcode")
    {
        return Some("address");
    }
    let s = value.as_str()?;
    if looks_like_email(s) {
        Some("email")
    } else if looks_like_phone(s) {
        Some("phone")
    } else {
        None
    }
}

fn looks_like_email(s: &str) -> bool {
    EMAIL.as_ref().is_some_and(|re| re.is_match(s))
}

/// 7–15 digits made of digits and phone punctuation, with a `+` or a separator, or 10+
/// digits bare; plain decimals (`1250.00`) are not phones.
pub fn looks_like_phone(s: &str) -> bool {
    let s = s.trim();
    if s.is_empty()
        || !s
            .chars()
            .all(|c| c.is_ascii_digit() || " +().-".contains(c))
    {
        return false;
    }
    let b = s.as_bytes();
    let iso_date = b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-';
    if iso_date {
        return false;
    }
    let digits = s.chars().filter(char::is_ascii_digit).count();
    if !(7..=15).contains(&digits) {
        return false;
    }
    let is_decimal = s.split_once('.').is_some_and(|(a, b)| {
        !a.is_empty()
            && !b.is_empty()
            && a.chars().all(|c| c.is_ascii_digit())
            && b.chars().all(|c| c.is_ascii_digit())
    });
    if is_decimal {
        return false;
    }
    s.starts_with('+') || s.chars().any(|c| " ()-.".contains(c)) || digits >= 10
}

/// Whether a string looks like an email address or a phone number (used by `inject` to warn).
pub fn looks_like_pii(s: &str) -> bool {
    looks_like_email(s) || looks_like_phone(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn participants_and_attributes_are_redacted_stably() {
        let mut v = json!({
            "id": "c1",
            "participants": [
                {"purpose": "customer", "name": "Blanche Stokes", "ani": "+15551234567",
                 "attributes": {
                    "context.firstName": "Blanche",
                    "context.email": "b@example.com",
                    "context.phoneNumber": "(938) 679-8637",
                    "contact": "+44 20 7946 0958",
                    "Tier": "platinum",
                    "cart": "1250.00",
                    "context.genesys.legacyRoutingTargetQueueAddress": "CXService"
                 }},
                {"purpose": "acd", "name": "Blanche Stokes", "queueName": "Support",
                 "attributes": {"context.firstName": "Blanche"}}
            ],
            "divisions": [{"division": {"name": "Home"}}],
            "note": "write to b@example.com"
        });
        let report = redact(&mut v);
        let p = &v["participants"];
        // Sorted order: `attributes` comes before `name`, `note` before `participants`.
        assert_eq!(p[0]["name"], "<redacted:name:2>");
        assert_eq!(p[1]["name"], "<redacted:name:2>");
        assert_eq!(p[0]["ani"], "<redacted:address:1>");
        let a = &p[0]["attributes"];
        assert_eq!(a["context.firstName"], "<redacted:name:1>");
        assert_eq!(p[1]["attributes"]["context.firstName"], "<redacted:name:1>");
        assert_eq!(a["context.email"], "<redacted:email:2>");
        assert_eq!(v["note"], "<redacted:email:1>");
        assert!(
            a["context.phoneNumber"]
                .as_str()
                .unwrap()
                .starts_with("<redacted:phone")
        );
        assert!(
            a["contact"]
                .as_str()
                .unwrap()
                .starts_with("<redacted:phone")
        );
        assert_eq!(a["Tier"], "platinum");
        assert_eq!(a["cart"], "1250.00");
        assert_eq!(
            a["context.genesys.legacyRoutingTargetQueueAddress"],
            "CXService"
        );
        assert_eq!(p[1]["queueName"], "Support");
        assert_eq!(v["divisions"][0]["division"]["name"], "Home");
        assert_eq!(report.replaced.get("name"), Some(&4));
    }

    #[test]
    fn phone_heuristic() {
        assert!(looks_like_phone("+905394826532"));
        assert!(looks_like_phone("(938) 679-8637"));
        assert!(looks_like_phone("5551234567"));
        assert!(!looks_like_phone("123456"));
        assert!(!looks_like_phone("12345.678"));
        assert!(!looks_like_phone("2021-01-20"));
        assert!(!looks_like_phone("platinum"));
    }

    #[test]
    fn keys_are_sorted_recursively() {
        let v = json!({"b": 1, "a": {"d": 1, "c": [ {"z": 1, "y": 2} ]}});
        let s = serde_json::to_string(&sort_keys(&v)).unwrap();
        assert_eq!(s, r#"{"a":{"c":[{"y":2,"z":1}],"d":1},"b":1}"#);
    }
}
