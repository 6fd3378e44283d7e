//! Personal data out of recorded fixtures: a conversation fetched from Genesys is rewritten
//! with stable placeholders (`<redacted:name:1>`) before it is written to a repository.
//!
//! The rule is by what a field means (its key, split into words: `messageBody`,
//! `postal_code`, `context.addressStreet`) and by what a value looks like, not by a list of
//! known payloads. Ids, timestamps, states, queue and flow data stay.
//! - Anywhere, by key: free text (last word `body`, `text`, `notes`/`note`, `comment(s)`,
//!   `subject`, `content`, `transcript`: message bodies, wrap-up notes); email (a word
//!   `email`); phone (`phone`, `mobile`, `msisdn`, `fax`, `e164`); address (first word
//!   `address`, or `street`, `postal`, `zip`, `postcode`, `city`, and `ani`, `dnis`,
//!   `callerId`, `callbackNumbers`); person names (a last word `name` after a person word:
//!   `firstName`, `customerName`, `callerIdName`, `callbackUserName`, `displayName`, …,
//!   and `remote`).
//! - People: items of `participants` and address objects (`fromAddress`, …): also `name`
//!   and `participantName`, except on participants that are not people (purpose `acd`, whose
//!   name is the queue's, `ivr`, `workflow`, `campaign`, `dialer`). Contact objects (a last
//!   word `contact(s)`, `customer`, `person`: `externalContact`): every string except ids,
//!   URIs, dates, times, types and states.
//! - In `attributes` maps, at any depth (nested objects and arrays included): the key rules
//!   above (plus a last dotted segment `name`), everything under a key whose last word names
//!   people (`contacts`, `emergencyContact`, `customer`, `household.members`: lists of names
//!   and numbers, nested records), and values that look like an email or a phone number
//!   (7–15 digits with `+` or separators, or 10+ digits). A list under a contact key
//!   anywhere (`contacts: [...]`) goes item by item.
//! - Anywhere: any string containing an email address, and any object key that is one (an
//!   attribute keyed by the customer's email) or, in attributes, looks like a phone number.
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

/// The personal values in `value` by the rules of [`redact`], as (kind, original): what a
/// run must never print when a conversation was recorded with `--keep-pii` or read live.
/// Placeholders of an already redacted fixture are not personal. A value under a people key
/// (`emergencyContacts: "Jane Doe, +44 20 7946 0958"`) also gives its items, split at `,`,
/// `;`, `|` and line breaks, since a flow may split the list and print one.
pub fn personal_values(mut value: Value) -> Vec<(&'static str, String)> {
    let mut r = Redactor::default();
    r.walk(&mut value, Context::Plain);
    let mut out: Vec<(&'static str, String)> = Vec::new();
    for (kind, original) in r.seen.into_keys() {
        if is_placeholder(&original) {
            continue;
        }
        if kind == "name" {
            for part in original.split([',', ';', '|', '\n']) {
                let part = part.trim();
                if !part.is_empty() && part != original.trim() && !is_placeholder(part) {
                    let kind = value_kind(part, Context::Contact).unwrap_or("name");
                    out.push((kind, part.to_string()));
                }
            }
        }
        out.push((kind, original));
    }
    out.sort();
    out.dedup();
    out
}

/// `<redacted:KIND:N>`, what [`redact`] writes.
fn is_placeholder(s: &str) -> bool {
    s.strip_prefix("<redacted:")
        .and_then(|r| r.strip_suffix('>'))
        .and_then(|r| r.split_once(':'))
        .is_some_and(|(k, n)| KINDS.contains(&k) && n.parse::<usize>().is_ok())
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
    /// A participant or an address object: `name` is a person's.
    Participant,
    /// A participant that is not a person (`acd`, `ivr`, ...): its `name` is the queue's or
    /// the flow's.
    NonPerson,
    /// A contact record: every string but its ids and metadata is personal.
    Contact,
    /// An `attributes` map, at any depth.
    Attributes,
}

/// Purposes of participants that are not people.
const NON_PERSON_PURPOSES: &[&str] = &["acd", "ivr", "workflow", "campaign", "dialer"];

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
                // Visit in sorted key order (stable numbering), keep the payload's order.
                let mut entries: Vec<(String, Value)> = std::mem::take(map).into_iter().collect();
                let mut order: Vec<usize> = (0..entries.len()).collect();
                order.sort_by(|&a, &b| entries[a].0.cmp(&entries[b].0));
                for i in order {
                    let (k, v) = &mut entries[i];
                    let original = k.clone();
                    *k = self.redact_key(&original, ctx);
                    self.field(&original, v, ctx);
                }
                map.extend(entries);
            }
            Value::Array(items) => {
                // Items of `participants`, of address lists and of contact lists are people;
                // items of an attribute's array value are attribute values.
                let item_ctx = match ctx {
                    Context::Participant | Context::Contact | Context::Attributes => ctx,
                    Context::Plain | Context::NonPerson => Context::Plain,
                };
                for item in items {
                    if item_ctx == Context::Participant {
                        let purpose = item.get("purpose").and_then(Value::as_str);
                        let person = !purpose.is_some_and(|p| NON_PERSON_PURPOSES.contains(&p));
                        let c = if person { ctx } else { Context::NonPerson };
                        self.walk(item, c);
                    } else if let (Context::Contact, Value::String(s)) = (item_ctx, &mut *item) {
                        // A list under a contact key (`contacts: [name, number]`) is
                        // people: every item goes, by its shape or as a name.
                        if !s.is_empty() {
                            let kind = value_kind(s, Context::Contact).unwrap_or("name");
                            *s = self.placeholder(kind, s);
                        }
                    } else {
                        self.walk(item, item_ctx);
                    }
                }
            }
            Value::String(s) => {
                if let Some(kind) = value_kind(s, ctx) {
                    *s = self.placeholder(kind, s);
                }
            }
            _ => {}
        }
    }

    /// A key that is itself personal data (an email used as an attribute name) becomes a
    /// placeholder too.
    fn redact_key(&mut self, key: &str, ctx: Context) -> String {
        if looks_like_email(key) {
            self.placeholder("email", key)
        } else if ctx == Context::Attributes && looks_like_phone(key) {
            self.placeholder("phone", key)
        } else {
            key.to_string()
        }
    }

    /// One member of an object: redact it by what its key means, or descend.
    fn field(&mut self, key: &str, v: &mut Value, ctx: Context) {
        let words = words(key);
        // Objects (address objects, a contact's `workPhone: {display, e164}`) are descended
        // into so their ids and structure stay; strings and lists of strings are replaced
        // whole. Inside attributes everything under a personal key goes.
        let container = match v {
            Value::Object(_) => true,
            Value::Array(items) => items.iter().any(Value::is_object),
            _ => false,
        };
        let kind = match ctx {
            Context::Attributes => attribute_kind(key, &words),
            Context::Contact => contact_kind(&words),
            Context::Participant if is_name_key(key) => Some("name"),
            _ => field_kind(key, &words),
        }
        .or_else(|| {
            // An address that is a phone number (an SMS `fromAddress`), whatever the key's
            // first word; a UUID address (web messaging) is not one and stays.
            let address = words.last().is_some_and(|w| w == "address");
            (address && v.as_str().is_some_and(looks_like_phone)).then_some("phone")
        });
        if let Some(kind) = kind
            && (!container || ctx == Context::Attributes)
        {
            self.replace_strings(v, kind);
            return;
        }
        let last = words.last().map(String::as_str).unwrap_or_default();
        let child = match (&*v, ctx) {
            (_, Context::Attributes) => Context::Attributes,
            // A contact's ids and metadata (`ids: [...]`) stay.
            (_, Context::Contact) if contact_kind(&words).is_none() => Context::Plain,
            (_, Context::Contact) => Context::Contact,
            (Value::Object(_), _) if key == "attributes" => Context::Attributes,
            (Value::Object(_) | Value::Array(_), _)
                if matches!(last, "contact" | "contacts" | "customer" | "person") =>
            {
                Context::Contact
            }
            (Value::Object(_) | Value::Array(_), _)
                if key == "participants" || matches!(last, "address" | "addresses") =>
            {
                Context::Participant
            }
            _ => Context::Plain,
        };
        self.walk(v, child);
    }

    /// Replace a string, or every string inside an array or object (e.g. `callbackNumbers`).
    fn replace_strings(&mut self, v: &mut Value, kind: &'static str) {
        match v {
            Value::String(s) if !s.is_empty() => {
                // Under a person's key a list mixes names, numbers and addresses.
                let kind = match kind {
                    "name" => value_kind(s, Context::Contact).unwrap_or(kind),
                    _ => kind,
                };
                *s = self.placeholder(kind, s)
            }
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

/// A key split into lowercase words: `messageBody` → `message body`, `postal_code` →
/// `postal code`, `context.addressStreet` → `context address street`, `address1` →
/// `address 1`.
fn words(key: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut prev: Option<char> = None;
    for c in key.chars() {
        let boundary = match prev {
            _ if !c.is_alphanumeric() => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                prev = None;
                continue;
            }
            Some(p) => {
                (p.is_lowercase() && c.is_uppercase())
                    || (p.is_alphabetic() && c.is_ascii_digit())
                    || (p.is_ascii_digit() && c.is_alphabetic())
            }
            None => false,
        };
        if boundary && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        cur.extend(c.to_lowercase());
        prev = Some(c);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Words that make a following `name` a person's name.
const PERSON_WORDS: &[&str] = &[
    "first",
    "last",
    "middle",
    "given",
    "family",
    "sur",
    "full",
    "nick",
    "customer",
    "contact",
    "caller",
    "callee",
    "user",
    "person",
    "sender",
    "recipient",
    "from",
    "to",
    "display",
    "screen",
    "agent",
    "client",
    "guest",
    "member",
    "legal",
    "maiden",
];

/// Last words of an attribute key that name people or contacts.
const PEOPLE_WORDS: &[&str] = &[
    "contact",
    "contacts",
    "customer",
    "customers",
    "person",
    "persons",
    "people",
    "caller",
    "callers",
    "recipient",
    "recipients",
    "sender",
    "guest",
    "guests",
    "member",
    "members",
    "kin",
];

/// Single words that are a person's name field (lowercase attribute keys: `firstname`).
const NAME_WORDS: &[&str] = &[
    "firstname",
    "lastname",
    "fullname",
    "surname",
    "nickname",
    "username",
    "givenname",
    "familyname",
    "middlename",
    "displayname",
    "customername",
    "contactname",
    "remote",
];

/// `name` and `participantName`: a person's on a participant or an address object.
fn is_name_key(key: &str) -> bool {
    matches!(key, "name" | "participantName")
}

/// What a field anywhere holds, from its key's words.
fn field_kind(key: &str, words: &[String]) -> Option<&'static str> {
    let w = |s: &str| words.iter().any(|x| x == s);
    let first = words.first().map(String::as_str).unwrap_or_default();
    let last = words.last().map(String::as_str).unwrap_or_default();
    if w("email") || w("emails") {
        return Some("email");
    }
    // `e164` splits into `e 164`: matched on the joined words.
    if ["phone", "phones", "mobile", "msisdn", "fax"]
        .iter()
        .any(|p| w(p))
        || words.concat().contains("e164")
    {
        return Some("phone");
    }
    if first == "address"
        || [
            "street", "postal", "zip", "zipcode", "postcode", "city", "ani", "dnis",
        ]
        .iter()
        .any(|p| w(p))
        || matches!(key, "callerId" | "callbackNumbers")
    {
        return Some("address");
    }
    if NAME_WORDS.contains(&last)
        || (last == "name"
            && words[..words.len() - 1]
                .iter()
                .any(|x| PERSON_WORDS.contains(&x.as_str())))
    {
        return Some("name");
    }
    if matches!(
        last,
        "body"
            | "text"
            | "notes"
            | "note"
            | "comment"
            | "comments"
            | "subject"
            | "content"
            | "transcript"
    ) {
        return Some("text");
    }
    None
}

/// What an attribute holds, from its key: the field rules on the last dotted segment
/// (`context.addressStreet`), and a last segment that is just `name`.
fn attribute_kind(key: &str, words: &[String]) -> Option<&'static str> {
    let last_segment = key.rsplit('.').next().unwrap_or(key);
    let seg_words = self::words(last_segment);
    if let Some(kind) = field_kind(last_segment, &seg_words) {
        return Some(kind);
    }
    if seg_words.len() == 1 && seg_words[0] == "name" {
        return Some("name");
    }
    // A key that names people (`contacts`, `emergencyContact`, `customer`): its value, at
    // any depth, is theirs (a list of names and numbers, a nested record).
    if seg_words
        .last()
        .is_some_and(|w| PEOPLE_WORDS.contains(&w.as_str()))
    {
        return Some("name");
    }
    // An email or phone word anywhere in a prefixed key (`customer.email.primary`).
    match field_kind(key, words) {
        Some(k @ ("email" | "phone")) => Some(k),
        _ => None,
    }
}

/// In a contact record every string is personal unless it is an id or metadata.
fn contact_kind(words: &[String]) -> Option<&'static str> {
    let last = words.last().map(String::as_str).unwrap_or_default();
    if matches!(
        last,
        "id" | "ids" | "uri" | "date" | "time" | "type" | "state" | "version" | "purpose"
    ) {
        return None;
    }
    Some(field_kind("", words).unwrap_or("name"))
}

/// What a bare string value is, by its shape: an email anywhere; a phone number in
/// attributes and contact records.
fn value_kind(s: &str, ctx: Context) -> Option<&'static str> {
    if looks_like_email(s) {
        Some("email")
    } else if matches!(ctx, Context::Attributes | Context::Contact) && looks_like_phone(s) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn personal_values_are_what_redaction_replaces_with_list_items_and_no_placeholders() {
        let v = json!({"participants": [{"purpose": "customer", "attributes": {
            "tier": "gold",
            "customer_id": "CUST-1",
            "first_name": "Rosalind",
            "emergencyContacts": "Jonah Whitcombe; +44 7700 900123",
            "household": {"members": ["Idris Okafor", "+44 7700 900456"]},
            "context.firstName": "<redacted:name:1>"
        }, "messages": [{"textBody": "call me", "fromAddress": "+15550100777"}]}]});
        let got = personal_values(v);
        for want in [
            ("name", "Rosalind"),
            ("name", "Jonah Whitcombe; +44 7700 900123"),
            ("name", "Jonah Whitcombe"),
            ("phone", "+44 7700 900123"),
            ("name", "Idris Okafor"),
            ("phone", "+44 7700 900456"),
            ("text", "call me"),
            ("phone", "+15550100777"),
        ] {
            assert!(
                got.contains(&(want.0, want.1.to_string())),
                "{want:?}: {got:?}"
            );
        }
        for not in ["gold", "CUST-1", "customer", "<redacted:name:1>"] {
            assert!(got.iter().all(|(_, v)| v != not), "{not}: {got:?}");
        }
    }

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
        // The acd participant's name is its queue's: not personal data.
        assert_eq!(p[1]["name"], "Blanche Stokes");
        assert_eq!(p[0]["ani"], "<redacted:address:1>");
        let a = &p[0]["attributes"];
        assert_eq!(a["context.firstName"], "<redacted:name:1>");
        assert_eq!(p[1]["attributes"]["context.firstName"], "<redacted:name:1>");
        assert_eq!(a["context.email"], "<redacted:email:1>");
        assert_eq!(v["note"], "<redacted:text:1>", "free text goes whole");
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
        assert_eq!(report.replaced.get("name"), Some(&3));
    }

    /// Every field of issue 10's list, in the shapes the Platform API uses.
    #[test]
    fn wrapup_notes_bodies_contacts_nested_attributes_and_email_keys_are_redacted() {
        let mut v = json!({
            "participants": [
                {"purpose": "customer", "name": "Ann Lee",
                 "externalContact": {
                    "id": "ec-1", "firstName": "Ann", "lastName": "Lee",
                    "workPhone": {"display": "+1 (317) 555-0100", "e164": "+13175550100"},
                    "address": {"address1": "1 Main St", "city": "Indianapolis",
                                "postalCode": "46204"},
                    "personalEmail": "ann@example.org",
                    "modifyDate": "2024-01-01T00:00:00Z",
                    "externalOrganization": {"id": "org-1", "name": "Lee Family Farm"}
                 },
                 "attributes": {
                    "ann.lee@example.org": "vip",
                    "customerName": "Ann Lee",
                    "postal_code": "46204",
                    "order": {"shipTo": {"street": "1 Main St", "phone": "317 555 0100"},
                              "items": ["sku-1", "ann@example.org"]},
                    "contacts": ["+44 20 7946 0958"],
                    "Tier": "gold"
                 },
                 "messages": [{"messageBody": "my card is 4111", "messageId": "m1",
                               "fromAddress": "+13175550199"}],
                 "wrapup": {"code": "wc-1", "name": "Resolved", "notes": "angry about the bill"}},
                {"purpose": "acd", "name": "Billing Queue", "queueName": "Billing Queue",
                 "participantName": "Billing Queue"},
                {"purpose": "agent", "name": "Agent Smith",
                 "wrapup": {"code": "wc-2", "notes": "called back at home"}}
            ]
        });
        redact(&mut v);
        let text = v.to_string();
        for pii in [
            "Ann",
            "Lee",
            "555",
            "0100",
            "Main St",
            "Indianapolis",
            "46204",
            "ann@example.org",
            "ann.lee@example.org",
            "4111",
            "angry",
            "called back",
            "Agent Smith",
            "7946",
            "0199",
        ] {
            assert!(!text.contains(pii), "{pii} left in {text}");
        }
        let p = &v["participants"];
        assert_eq!(p[1]["name"], "Billing Queue", "queue names stay");
        assert_eq!(p[1]["participantName"], "Billing Queue");
        assert_eq!(p[0]["attributes"]["Tier"], "gold");
        assert_eq!(p[0]["attributes"]["order"]["items"][0], "sku-1");
        assert_eq!(p[0]["wrapup"]["code"], "wc-1");
        assert_eq!(
            p[0]["wrapup"]["name"], "Resolved",
            "a wrap-up code's name stays"
        );
        let c = &p[0]["externalContact"];
        assert_eq!(c["id"], "ec-1");
        assert_eq!(c["modifyDate"], "2024-01-01T00:00:00Z");
        assert_eq!(c["externalOrganization"]["id"], "org-1");
        assert!(
            c["workPhone"]["e164"]
                .as_str()
                .unwrap()
                .starts_with("<redacted:phone:")
        );
        let keys: Vec<&String> = p[0]["attributes"].as_object().unwrap().keys().collect();
        assert!(
            keys.iter().any(|k| k.starts_with("<redacted:email:")),
            "{keys:?}"
        );
    }

    #[test]
    fn real_payloads_keep_queue_and_routing_data() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/real-conversations");
        for name in [
            "callback-get-conversation.json",
            "chat-v2-get-conversation.json",
            "notification-users-conversations-callback.json",
            "analytics-details-webchat-no-attributes.json",
        ] {
            let text = std::fs::read_to_string(dir.join(name)).unwrap();
            let mut v: Value = serde_json::from_str(&text).unwrap();
            redact(&mut v);
            let out = v.to_string();
            for pii in [
                "mustafa",
                "905394826532",
                "Blanche",
                "Stokes",
                "679-8637",
                "Dolgel",
                "24667",
                "Hajdidimitrov",
                "John Doe",
            ] {
                assert!(!out.contains(pii), "{pii} left in {name}");
            }
            for kept in [
                "Callback_Queue",
                "CXService",
                "PureCloud",
                "Webchat Provider",
            ] {
                assert_eq!(text.contains(kept), out.contains(kept), "{kept} in {name}");
            }
        }
    }

    /// The held-out style: lists of names and numbers, and nested records, under keys
    /// that name people, in attributes and at the top level.
    #[test]
    fn lists_and_records_under_people_keys_are_redacted_at_any_depth() {
        let mut v = json!({
            "contacts": ["Bob Stone", "+44 20 7946 0958"],
            "participants": [{"purpose": "customer", "attributes": {
                "emergencyContacts": ["Ann Lee", "07700 900123", "ann@example.org"],
                "customer": {"id": "c-1", "names": [["Ann", "Lee"]], "tier": "gold"},
                "household.members": "Ann Lee; Tom Lee",
                "Tier": "platinum",
                "customerType": "returning"
            }}],
            "externalContact": {"id": "ec-1", "ids": ["ec-1", "ec-2"], "aliases": ["Annie"]}
        });
        redact(&mut v);
        let text = v.to_string();
        for pii in [
            "Bob",
            "Stone",
            "7946",
            "Ann",
            "Lee",
            "900123",
            "example.org",
            "Tom",
        ] {
            assert!(!text.contains(pii), "{pii} left in {text}");
        }
        let a = &v["participants"][0]["attributes"];
        assert_eq!(a["Tier"], "platinum");
        assert_eq!(a["customerType"], "returning");
        assert!(
            a["emergencyContacts"][1]
                .as_str()
                .unwrap()
                .starts_with("<redacted:phone:")
        );
        assert!(
            a["emergencyContacts"][2]
                .as_str()
                .unwrap()
                .starts_with("<redacted:email:")
        );
        assert_eq!(
            v["externalContact"]["ids"][1], "ec-2",
            "a contact's ids stay"
        );
        assert!(
            v["contacts"][0]
                .as_str()
                .unwrap()
                .starts_with("<redacted:name:")
        );
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
