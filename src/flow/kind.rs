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
    /// What routecheck does with a flow of this kind.
    pub runs: Runs,
}

/// What routecheck does with a flow of a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Runs {
    /// Simulated as the flow under test (`flow:`, `--flow`).
    UnderTest,
    /// Run when the flow under test calls it (`callDigitalBotFlow`, `callBotFlow`,
    /// `callCommonModule`): a bot starts from a customer's message and hands back an
    /// exit reason, so on its own it has no conversation to run; given as the flow
    /// under test it is told what it is.
    WhenCalled,
    /// Not modelled: told first, before anything else in the file.
    No,
}

const fn kind(
    key: &'static str,
    aliases: &'static [&'static str],
    what: &'static str,
    runs: Runs,
) -> FlowKind {
    FlowKind {
        key,
        aliases,
        what,
        runs,
    }
}

/// `botFlow:` — a (dialog engine) bot flow.
pub const BOT: FlowKind = kind("botFlow", &["bot"], "a bot flow", Runs::WhenCalled);
/// `commonModule:` — a common module.
pub const COMMON_MODULE: FlowKind = kind(
    "commonModule",
    &[],
    "a common module flow",
    Runs::WhenCalled,
);
/// `digitalBot:` — a digital bot flow.
pub const DIGITAL_BOT: FlowKind = kind(
    "digitalBot",
    &["digitalBotFlow"],
    "a digital bot flow",
    Runs::WhenCalled,
);
/// `inboundShortMessage:` — an inbound message flow, the flow under test.
pub const MESSAGE: FlowKind = kind(
    "inboundShortMessage",
    &[],
    "an inbound message flow",
    Runs::UnderTest,
);

/// Every flow type, in the Platform API's order.
pub const KINDS: &[FlowKind] = &[
    BOT,
    COMMON_MODULE,
    DIGITAL_BOT,
    kind("inboundCall", &[], "an inbound call flow", Runs::No),
    kind("inboundChat", &[], "an inbound chat flow", Runs::No),
    kind("inboundEmail", &[], "an inbound email flow", Runs::No),
    MESSAGE,
    kind("inqueueCall", &[], "an in-queue call flow", Runs::No),
    kind("inqueueEmail", &[], "an in-queue email flow", Runs::No),
    kind(
        "inqueueShortMessage",
        &[],
        "an in-queue message flow",
        Runs::No,
    ),
    kind("outboundCall", &[], "an outbound call flow", Runs::No),
    kind("secureCall", &[], "a secure call flow", Runs::No),
    kind("speech", &[], "a speech flow", Runs::No),
    kind("surveyInvite", &[], "a survey invite flow", Runs::No),
    kind("voice", &[], "a voice flow", Runs::No),
    kind("voicemail", &[], "a voicemail flow", Runs::No),
    kind("voiceSurvey", &[], "a voice survey flow", Runs::No),
    kind("workflow", &[], "a workflow", Runs::No),
    kind("workitem", &[], "a workitem flow", Runs::No),
];

impl FlowKind {
    /// Whether routecheck loads and runs this kind (as the flow under test or called).
    pub fn simulated(&self) -> bool {
        self.runs != Runs::No
    }

    /// A bot (digital or not): asks the customer questions and exits with a reason.
    pub fn is_bot(&self) -> bool {
        *self == DIGITAL_BOT || *self == BOT
    }

    /// The list of units (`states`, `bots`, `tasks`) and the key of one unit.
    pub fn units(&self) -> (&'static str, &'static str) {
        if self.is_bot() {
            ("bots", "bot")
        } else if *self == COMMON_MODULE {
            ("tasks", "task")
        } else {
            ("states", "state")
        }
    }

    /// The kind without its article, for messages: "digital bot flow".
    pub fn noun(&self) -> &'static str {
        self.what
            .strip_prefix("an ")
            .or_else(|| self.what.strip_prefix("a "))
            .unwrap_or(self.what)
    }
}

/// The kind a top-level key names, in any letter case.
pub fn by_key(key: &str) -> Option<&'static FlowKind> {
    KINDS.iter().find(|k| {
        k.key.eq_ignore_ascii_case(key) || k.aliases.iter().any(|a| a.eq_ignore_ascii_case(key))
    })
}

/// What routecheck simulates, for the help of the error: "inbound message flows
/// (`inboundShortMessage:`), and the digital bot flows (`digitalBot:`), … they call".
pub fn simulated_summary() -> String {
    let list = |runs: Runs| -> String {
        let each: Vec<String> = KINDS
            .iter()
            .filter(|k| k.runs == runs)
            .map(|k| format!("{} (`{}:`)", plural(k.what), k.key))
            .collect();
        match each.as_slice() {
            [] => String::new(),
            [one] => one.clone(),
            [init @ .., last] => format!("{} and {last}", init.join(", ")),
        }
    };
    match (list(Runs::UnderTest), list(Runs::WhenCalled)) {
        (t, c) if t.is_empty() && c.is_empty() => "no flow type".to_string(),
        (t, c) if c.is_empty() => t,
        (t, c) => format!("{t}, and the {c} they call"),
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

/// The kind of the flow file at `path` when it is one routecheck neither simulates nor
/// runs when called (an inbound call flow, a workflow): read from the file's first
/// 64 KiB, so a folder's walk costs little. `None` for a simulated kind, a file that
/// names no flow type, and a file that cannot be read (its loader says why).
pub fn not_run(path: &std::path::Path) -> Option<&'static FlowKind> {
    of_file(path).filter(|k| k.runs == Runs::No)
}

/// The flow kind the file at `path` names in its first 64 KiB (see [`not_run`]). Only a
/// regular file is opened: a FIFO a folder's walk found would block the open, and its
/// loader refuses it with a located error.
pub fn of_file(path: &std::path::Path) -> Option<&'static FlowKind> {
    use std::io::Read;
    if !std::fs::metadata(path).ok()?.is_file() {
        return None;
    }
    let mut head = Vec::new();
    std::fs::File::open(path)
        .ok()?
        .take(64 * 1024)
        .read_to_end(&mut head)
        .ok()?;
    let text = String::from_utf8_lossy(&head);
    let (key, _) = top_key(&text)?;
    by_key(key)
}

/// A file of a kind routecheck does not simulate, told first: "this is an inbound call
/// flow (`inboundCall:`); routecheck simulates inbound message flows ...". `None` for a
/// simulated kind and for a file whose first key names no flow type (the loader reports
/// what it lacks). A kind run only when called is told too unless `called` (the file is
/// loaded as a call's target or read by `lint`).
pub fn unsupported(file: &SourceFile, called: bool) -> Option<SourceDiagnostic> {
    let (key, span) = top_key(&file.text)?;
    let kind = by_key(key)?;
    match kind.runs {
        Runs::UnderTest => return None,
        Runs::WhenCalled if called => return None,
        Runs::WhenCalled => return Some(called_alone(file, span, key, kind)),
        Runs::No => {}
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
            "routecheck reads only {}: leave {} out of `flow:` and `--flow` (a folder's walk skips them)",
            simulated_summary(),
            plural(kind.what)
        )),
    )
}

/// A bot or module given as the flow under test: what it is, and what to give instead.
fn called_alone(
    file: &SourceFile,
    span: (usize, usize),
    key: &str,
    kind: &FlowKind,
) -> SourceDiagnostic {
    let call = match kind.key {
        "digitalBot" => "callDigitalBotFlow",
        "botFlow" => "callBotFlow",
        _ => "callCommonModule",
    };
    SourceDiagnostic::error(
        file,
        span,
        format!(
            "this is {} (`{key}:`); routecheck runs it when the flow under test calls it (`{call}`), not on its own",
            kind.what
        ),
    )
    .with_code("routecheck::flow::kind")
    .with_label("flow type")
    .with_help(format!(
        "give the inbound message flow that calls it as `flow:` (or --flow); {} beside it or under routecheck.yaml's `flows:` are found by name",
        plural(kind.what)
    ))
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
        assert_eq!(
            simulated_summary(),
            "inbound message flows (`inboundShortMessage:`), and the bot flows (`botFlow:`), \
             common module flows (`commonModule:`) and digital bot flows (`digitalBot:`) they call"
        );
    }

    #[test]
    fn the_kinds_routecheck_runs_are_the_ones_the_loader_reads() {
        let runs: Vec<&str> = KINDS
            .iter()
            .filter(|k| k.simulated())
            .map(|k| k.key)
            .collect();
        assert_eq!(
            runs,
            [
                "botFlow",
                "commonModule",
                "digitalBot",
                "inboundShortMessage"
            ]
        );
        assert!(DIGITAL_BOT.is_bot() && BOT.is_bot() && !COMMON_MODULE.is_bot());
        assert_eq!(COMMON_MODULE.units(), ("tasks", "task"));
        assert_eq!(DIGITAL_BOT.noun(), "digital bot flow");
    }
}
