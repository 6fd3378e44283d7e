//! Which kind of Architect flow a file is, told from its top-level key before anything else
//! is read: a call flow's `{{placeholders}}` or menus would otherwise be reported first, as
//! if the file were a broken message flow.
//!
//! The kinds are the flow types of the Platform API (`Flow.type`: BOT, COMMONMODULE,
//! DIGITALBOT, INBOUNDCALL, INBOUNDCHAT, INBOUNDEMAIL, INBOUNDSHORTMESSAGE, INQUEUECALL,
//! INQUEUEEMAIL, INQUEUESHORTMESSAGE, OUTBOUNDCALL, SECURECALL, SPEECH, SURVEYINVITE, VOICE,
//! VOICEMAIL, VOICESURVEY, WORKFLOW, WORKITEM — platform-client-sdk `docs/Flow.md`). Archy
//! writes each as the camel-cased type (`inboundCall:`, `inqueueCall:`, `workflow:`), a bot
//! flow as `botFlow:`; keys are matched without regard to case because Archy's own spelling
//! varies between releases (`inqueueCall` / `inQueueCall`, `securecall` / `secureCall`).

use crate::diag::{SourceDiagnostic, SourceFile};

/// One flow type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlowKind {
    /// The top-level key Archy writes.
    pub key: &'static str,
    /// Other spellings of the key seen in Archy exports.
    pub aliases: &'static [&'static str],
    /// What the kind is, for people: "an inbound call flow".
    pub what: &'static str,
    /// Whether routecheck loads and simulates this kind.
    pub simulated: bool,
}

const fn kind(
    key: &'static str,
    aliases: &'static [&'static str],
    what: &'static str,
    simulated: bool,
) -> FlowKind {
    FlowKind {
        key,
        aliases,
        what,
        simulated,
    }
}

/// Every flow type, in the Platform API's order.
pub const KINDS: &[FlowKind] = &[
    kind("botFlow", &["bot"], "a bot flow", false),
    kind("commonModule", &[], "a common module flow", false),
    kind(
        "digitalBot",
        &["digitalBotFlow"],
        "a digital bot flow",
        false,
    ),
    kind("inboundCall", &[], "an inbound call flow", false),
    kind("inboundChat", &[], "an inbound chat flow", false),
    kind("inboundEmail", &[], "an inbound email flow", false),
    kind("inboundShortMessage", &[], "an inbound message flow", true),
    kind("inqueueCall", &[], "an in-queue call flow", false),
    kind("inqueueEmail", &[], "an in-queue email flow", false),
    kind(
        "inqueueShortMessage",
        &[],
        "an in-queue message flow",
        false,
    ),
    kind("outboundCall", &[], "an outbound call flow", false),
    kind("secureCall", &[], "a secure call flow", false),
    kind("speech", &[], "a speech flow", false),
    kind("surveyInvite", &[], "a survey invite flow", false),
    kind("voice", &[], "a voice flow", false),
    kind("voicemail", &[], "a voicemail flow", false),
    kind("voiceSurvey", &[], "a voice survey flow", false),
    kind("workflow", &[], "a workflow", false),
    kind("workitem", &[], "a workitem flow", false),
];

/// The kind a top-level key names, in any letter case.
pub fn by_key(key: &str) -> Option<&'static FlowKind> {
    KINDS.iter().find(|k| {
        k.key.eq_ignore_ascii_case(key) || k.aliases.iter().any(|a| a.eq_ignore_ascii_case(key))
    })
}

/// What routecheck simulates, for the help of the error: "inbound message flows
/// (`inboundShortMessage:`)", one entry per simulated kind.
pub fn simulated_summary() -> String {
    let each: Vec<String> = KINDS
        .iter()
        .filter(|k| k.simulated)
        .map(|k| format!("{} (`{}:`)", plural(k.what), k.key))
        .collect();
    match each.as_slice() {
        [] => "no flow type".to_string(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// "an inbound message flow" → "inbound message flows".
fn plural(what: &str) -> String {
    let bare = what
        .strip_prefix("an ")
        .or_else(|| what.strip_prefix("a "))
        .unwrap_or(what);
    format!("{bare}s")
}

/// The first top-level key of `text` and its byte span, read by lines (the file has not
/// been parsed yet: its placeholders are still in it). Comments, directives, document
/// markers and blank lines are skipped; a quoted key is unquoted.
pub fn top_key(text: &str) -> Option<(&str, (usize, usize))> {
    let mut off = 0;
    for line in text.split_inclusive('\n') {
        let start = off;
        off += line.len();
        let t = line.trim_end();
        let t = t.strip_prefix('\u{feff}').unwrap_or(t);
        let bom = line.len() - line.trim_start_matches('\u{feff}').len();
        if t.is_empty() || t.starts_with(['#', ' ', '\t', '%']) || t.starts_with("---") {
            continue;
        }
        let raw = t.split(':').next().unwrap_or("");
        let key = raw.trim().trim_matches(['"', '\'']);
        let lead = raw.len() - raw.trim_start_matches(['"', '\'']).len();
        let at = start + bom + lead;
        return Some((key, (at, at + key.len().max(1))));
    }
    None
}

/// A file of a kind routecheck does not simulate, told first: "this is an inbound call
/// flow (`inboundCall:`); routecheck simulates inbound message flows ...". `None` for a
/// simulated kind and for a file whose first key names no flow type (the loader reports
/// what it lacks).
pub fn unsupported(file: &SourceFile) -> Option<SourceDiagnostic> {
    let (key, span) = top_key(&file.text)?;
    let kind = by_key(key)?;
    if kind.simulated {
        return None;
    }
    Some(
        SourceDiagnostic::error(
            file,
            span,
            format!(
                "this is {} (`{key}:`); routecheck simulates {}",
                kind.what,
                simulated_summary()
            ),
        )
        .with_code("routecheck::flow::kind")
        .with_label("flow type")
        .with_help(format!(
            "routecheck reads only {}: leave {} out of `flow:` and of the directories `test` and `lint` are given",
            simulated_summary(),
            plural(kind.what)
        )),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_platform_type_has_one_kind() {
        let api = [
            "BOT",
            "COMMONMODULE",
            "DIGITALBOT",
            "INBOUNDCALL",
            "INBOUNDCHAT",
            "INBOUNDEMAIL",
            "INBOUNDSHORTMESSAGE",
            "INQUEUECALL",
            "INQUEUEEMAIL",
            "INQUEUESHORTMESSAGE",
            "OUTBOUNDCALL",
            "SECURECALL",
            "SPEECH",
            "SURVEYINVITE",
            "VOICE",
            "VOICEMAIL",
            "VOICESURVEY",
            "WORKFLOW",
            "WORKITEM",
        ];
        assert_eq!(KINDS.len(), api.len());
        for t in api {
            assert!(
                KINDS.iter().any(|k| k.key.eq_ignore_ascii_case(t)
                    || k.aliases.iter().any(|a| a.eq_ignore_ascii_case(t))),
                "{t}"
            );
        }
    }

    #[test]
    fn keys_match_in_any_case_and_by_alias() {
        assert_eq!(by_key("inQueueCall").unwrap().key, "inqueueCall");
        assert_eq!(by_key("securecall").unwrap().key, "secureCall");
        assert_eq!(by_key("bot").unwrap().key, "botFlow");
        assert!(by_key("cases").is_none());
    }

    #[test]
    fn the_top_key_skips_comments_and_markers() {
        let text = "# exported\n%YAML 1.2\n---\n\"workitem\": {}\n";
        let (key, span) = top_key(text).unwrap();
        assert_eq!(key, "workitem");
        assert_eq!(&text[span.0..span.1], "workitem");
    }

    #[test]
    fn the_summary_names_each_simulated_kind() {
        assert!(simulated_summary().contains("inbound message flows (`inboundShortMessage:`)"));
    }
}
