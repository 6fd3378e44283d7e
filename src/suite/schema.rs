//! The JSON Schema of the rules format, for editors (`yaml-language-server`) and
//! `routecheck schema`. These types describe the format only; the loader reads files by
//! hand (for located errors), and a test keeps both in step.

#![allow(dead_code)] // the fields exist for the schema generator only

use std::collections::BTreeMap;

use schemars::JsonSchema;

/// A routecheck rules file: cases that check participant data and Architect expressions
/// against recorded Genesys Cloud conversations. In every string value, `${NAME}` is replaced
/// by the environment variable NAME (unset or empty is an error); `$${` is a literal `${`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, title = "routecheck rules file")]
struct RulesFile {
    /// Suite name shown in reports (default: the file name).
    suite: Option<String>,
    /// The `purpose` of the participant whose attributes are participant data (default: customer).
    participant: Option<String>,
    /// Get Participant Data by hand: variable name → attribute name. Variables are String;
    /// an attribute missing from the participant leaves its variable NOT_SET.
    bindings: Option<BTreeMap<String, String>>,
    /// Fixed variable values for every case; the YAML type gives the variable's type
    /// (integer, decimal, boolean, string). `--var NAME=VALUE` overrides them.
    variables: Option<BTreeMap<String, Scalar>>,
    /// An Archy-exported inbound message flow to simulate for every case, relative to
    /// this file. Enables `route:`, `responses:` and `participant_data:` expectations.
    flow: Option<String>,
    /// Values of the flow file's `{{placeholder}}`s; `--var NAME=VALUE` overrides or adds.
    vars: Option<BTreeMap<String, Scalar>>,
    /// Queue id → name, for `FindQueueById` and friends (flow and expressions).
    queues: Option<BTreeMap<String, String>>,
    /// User id → name, for `FindUserById`.
    users: Option<BTreeMap<String, String>>,
    /// Skill id → name, for `FindSkillById`.
    skills: Option<BTreeMap<String, String>>,
    /// Outcomes of the flow's external actions (data actions, bots, …) by action name.
    stubs: Option<crate::flow::Stubs>,
    /// Data tables for the flow's Data Table Lookup actions, by table name: rows inline
    /// or a CSV file, keyed by the `key` column.
    tables: Option<BTreeMap<String, crate::flow::TableSpec>>,
    /// The cases.
    #[schemars(length(min = 1))]
    cases: Vec<Case>,
}

/// A variable value.
#[derive(JsonSchema)]
#[schemars(untagged)]
enum Scalar {
    Integer(i64),
    Decimal(f64),
    Boolean(bool),
    String(String),
}

/// One conversation and what must hold for it.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Case {
    /// Unique in the file.
    name: String,
    /// Conversation JSON (GET /api/v2/conversations/{id} or /api/v2/conversations/messages/{id}), relative to this file.
    /// Give at most one of `fixture` and `conversation` (neither is needed with `routecheck test --conversation ID`).
    /// With neither, the case needs no recording: routecheck builds a minimal Web Messaging conversation
    /// (one participant of the file's `participant:` purpose carrying `attributes:`, `message:` as its first inbound message).
    fixture: Option<String>,
    /// A live conversation id, fetched from the Genesys Cloud API at run time, e.g. `${GENESYS_CONVERSATION_ID}`.
    conversation: Option<String>,
    /// Overlay on the participant's attributes (what an injection script sets); null removes one.
    attributes: Option<BTreeMap<String, Option<String>>>,
    /// Message.Message.body (default: the fixture's last customer message, else NOT_SET; without a fixture, the built conversation's first inbound message).
    message: Option<String>,
    /// The customer's messages in order, for a flow that calls a bot: the first starts the
    /// conversation (Message.Message.body, instead of `message:`), the rest answer the
    /// bot's questions. An entry is the text, or `{ text, intent, slots, agent }` naming what
    /// the org's NLU understands from it (`agent: true`: a request for a human agent).
    messages: Option<Vec<crate::flow::CustomerMessage>>,
    /// Per-case overrides of variables declared in the file.
    variables: Option<BTreeMap<String, Scalar>>,
    /// Stubs for this case; they replace the file's stubs of the same action name.
    stubs: Option<crate::flow::Stubs>,
    /// Message.IsNewConversation for the flow run (default true).
    new_conversation: Option<bool>,
    /// The case's clock, RFC 3339 (`2026-12-07T16:00:00Z`): `GetCurrentDateTimeUtc()` and
    /// schedules evaluated at the current time (over `--now`).
    now: Option<String>,
    /// Drive a real Web Messaging guest instead of reading a fixture (live mode): its
    /// conversation is read back through the Platform API. Excludes `fixture`,
    /// `conversation`, `attributes` and `message`.
    guest: Option<Guest>,
    /// What must hold.
    #[schemars(length(min = 1))]
    expect: Vec<Expectation>,
}

/// A guest session on a Messenger deployment (Guest API WebSocket).
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Guest {
    /// The Messenger deployment id, e.g. `${GENESYS_DEPLOYMENT_ID}`.
    deployment: String,
    /// The `Origin` header: an allowed domain of the deployment, e.g. `https://www.example.com`.
    origin: Option<String>,
    /// Custom attributes, sent in `message.channel.metadata.customAttributes` (flat strings).
    attributes: Option<BTreeMap<String, String>>,
    /// One message or several, sent in order.
    say: StringOrList,
    /// Reply collection ends after this much silence (`500ms`, `5s`, `2m`; default 5s).
    quiet: Option<Scalar>,
    /// The whole session's bound (default 60s, at most 1h).
    timeout: Option<Scalar>,
    /// Disconnect the test conversation afterwards so no agent sees it.
    cleanup: Option<bool>,
    /// Fetch the flow's execution data and compare it with the simulation of `flow:`.
    flow_path: Option<bool>,
}

/// A string or a list of strings.
#[derive(JsonSchema)]
#[schemars(untagged)]
enum StringOrList {
    One(String),
    Many(Vec<String>),
}

/// One expectation.
#[derive(JsonSchema)]
#[schemars(untagged)]
enum Expectation {
    Condition(Condition),
    ValueEquals(ValueEquals),
    ValueNotSet(ValueNotSet),
    ValueError(ValueError),
    Attribute(Attribute),
    JsonPathEquals(JsonPathEquals),
    JsonPathCount(JsonPathCount),
    Legacy(Legacy),
    Route(Route),
    Responses(Responses),
    ParticipantData(ParticipantData),
}

/// Where the simulated flow routed the conversation (needs `flow:`); in a `guest:` case,
/// the queue the real conversation reached (`{ queue: NAME }` only).
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Route {
    /// `{ queue: NAME, skills: [...], priority: N }`, `disconnect` or `error`.
    route: crate::flow::RouteExpect,
}

/// Every Send Response text of the simulated flow, in order (needs `flow:`); in a
/// `guest:` case, the real Outbound texts ordered by `channel.time`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Responses {
    /// Exact texts.
    responses: Vec<String>,
}

/// Participant data the simulated flow set (needs `flow:`); names not listed are not checked.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct ParticipantData {
    /// Name → value.
    participant_data: BTreeMap<String, String>,
}

/// A Boolean Architect expression.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Condition {
    /// e.g. `Flow.PriorityTier == "platinum"`.
    condition: String,
    /// The expected result (default true).
    is: Option<bool>,
}

/// An expression's value, compared typed: `5` is Integer 5, `"5"` is String "5".
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct ValueEquals {
    /// An Architect expression.
    value: String,
    /// The expected value.
    equals: serde_json::Value,
}

/// An expression that is (or is not) NOT_SET.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct ValueNotSet {
    /// An Architect expression.
    value: String,
    /// true: NOT_SET; false: any value.
    not_set: bool,
}

/// An expression that raises a runtime error (the flow's error path).
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct ValueError {
    /// An Architect expression.
    value: String,
    /// Must be true.
    error: bool,
}

/// Raw participant data (names are case-sensitive). Exactly one test.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Attribute {
    /// Attribute name.
    attribute: String,
    /// Present and equal.
    equals: Option<String>,
    /// Absent, or different.
    not_equals: Option<String>,
    /// Present and containing.
    contains: Option<String>,
    /// Present and starting with.
    starts_with: Option<String>,
    /// Present and matching this regex (unanchored).
    matches: Option<String>,
    /// Present (true) or absent (false).
    set: Option<bool>,
}

/// A JSONPath (RFC 9535) over the fixture's raw JSON: the matched values.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct JsonPathEquals {
    /// e.g. `$.participants[?@.purpose == 'customer'].attributes.tier`.
    jsonpath: String,
    /// The list of matched values, in document order.
    equals: Vec<serde_json::Value>,
}

/// A JSONPath (RFC 9535) over the fixture's raw JSON: the number of matches.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct JsonPathCount {
    /// A JSONPath query.
    jsonpath: String,
    /// The number of matches.
    count: u64,
}

/// Legacy seed form, checked as `attribute: KEY` (with a warning).
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Legacy {
    /// `{{participant.attributes.custom.KEY}}`.
    attribute_path: String,
    /// Comparison.
    operator: LegacyOperator,
    /// The value.
    value: String,
}

#[derive(JsonSchema)]
#[schemars(rename_all = "snake_case")]
enum LegacyOperator {
    Equals,
    Contains,
    NotEquals,
}

/// The schema as pretty JSON.
pub fn json() -> String {
    let schema = schemars::schema_for!(RulesFile);
    serde_json::to_string_pretty(&schema).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_the_loader_reads_is_in_the_schema() {
        let s = json();
        for k in crate::suite::load::known_keys() {
            assert!(
                s.contains(&format!("\"{k}\"")),
                "{k} missing from the schema"
            );
        }
    }
}
