//! Every action Architect offers in inbound message flows, by its Archy YAML name, and
//! how the simulator treats it. docs/fidelity.md ("Action catalogue") gives the
//! evidence for each entry; an action kind outside this table is a located load error.

/// How the simulator runs an action kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Handling {
    /// Run from the flow's own data (decisions, data updates, transfers, …).
    Simulated,
    /// Reaches outside the flow: its outcome comes from a stub. The output paths
    /// (empty: a single path).
    Stub(&'static [&'static str]),
    /// Data Table Lookup: the rules file's `tables:` (or a stub).
    Table,
    /// A transfer that ends the flow somewhere other than an ACD queue.
    Transfer,
    /// No effect on routing: the values are evaluated and the action is traced.
    Record,
    /// Offered by Architect, but the simulator does not model it: a load error.
    NotModelled(&'static str),
}

/// One action kind.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ActionKind {
    /// The Archy YAML key.
    pub name: &'static str,
    pub handling: Handling,
}

const fn k(name: &'static str, handling: Handling) -> ActionKind {
    ActionKind { name, handling }
}

const FOUND: Handling = Handling::Stub(&["found", "notFound"]);
const SINGLE: Handling = Handling::Stub(&[]);

/// The catalogue, in the order docs/fidelity.md lists it.
pub(crate) const CATALOGUE: &[ActionKind] = &[
    // Flow control.
    k("decision", Handling::Simulated),
    k("switch", Handling::Simulated),
    k("loop", Handling::Simulated),
    k("loopNext", Handling::Simulated),
    k("loopExit", Handling::Simulated),
    k("callTask", Handling::Simulated),
    k("endTask", Handling::Simulated),
    k("changeState", Handling::Simulated),
    k("disconnect", Handling::Simulated),
    // Data.
    k("updateData", Handling::Simulated),
    k("getParticipantData", Handling::Simulated),
    k("setParticipantData", Handling::Simulated),
    k("dataTableLookup", Handling::Table),
    k(
        "callData",
        Handling::Stub(&["success", "failure", "timeout"]),
    ),
    k("callCommonModule", SINGLE),
    // Messaging and transfers.
    k("sendResponse", Handling::Simulated),
    k("transferToAcd", Handling::Simulated),
    k("transferToFlow", Handling::Transfer),
    k("transferToUser", Handling::Transfer),
    k("transferToGroup", Handling::Transfer),
    k("transferToNumber", Handling::Transfer),
    k("setScreenPop", Handling::Simulated),
    // Bots.
    k("callBotFlow", SINGLE),
    k("callDigitalBotFlow", SINGLE),
    // Schedules and look-ups.
    k(
        "evaluateSchedule",
        Handling::Stub(&["active", "inactive", "holiday"]),
    ),
    k(
        "evaluateScheduleGroup",
        Handling::Stub(&["open", "closed", "holiday", "emergency"]),
    ),
    k("findQueue", FOUND),
    k("findQueueById", FOUND),
    k("findUser", FOUND),
    k("findUserById", FOUND),
    k("findGroup", FOUND),
    k("findSkill", FOUND),
    k("findLanguageSkill", FOUND),
    k("findSchedule", FOUND),
    k("findScheduleGroup", FOUND),
    k("findEmergencyGroup", FOUND),
    // No effect on where the conversation goes.
    k("addFlowMilestone", Handling::Record),
    k("initializeFlowOutcome", Handling::Record),
    k("setFlowOutcome", Handling::Record),
    k("setWrapupCode", Handling::Record),
    k("setUtilizationLabel", Handling::Record),
    k("setLanguage", Handling::Record),
    // Third-party bots: their outputs branch on the bot's own intents.
    k(
        "callLexBot",
        Handling::NotModelled("its output paths are the Lex bot's intents"),
    ),
    k(
        "callLexV2Bot",
        Handling::NotModelled("its output paths are the Lex V2 bot's intents"),
    ),
    k(
        "callDialogflowBot",
        Handling::NotModelled("its output paths are the Dialogflow agent's intents"),
    ),
    k(
        "callDialogflowCXBot",
        Handling::NotModelled("its outcome depends on the Dialogflow CX agent"),
    ),
    k(
        "callBotConnector",
        Handling::NotModelled("its outcome depends on the third-party bot"),
    ),
];

/// The catalogue entry for an Archy action key.
pub(crate) fn lookup(kind: &str) -> Option<&'static ActionKind> {
    CATALOGUE.iter().find(|a| a.name == kind)
}

/// Every action kind the simulator runs, for the unknown-kind hint.
pub(crate) fn runnable() -> Vec<&'static str> {
    CATALOGUE
        .iter()
        .filter(|a| !matches!(a.handling, Handling::NotModelled(_)))
        .map(|a| a.name)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_listed_once() {
        let mut names: Vec<_> = CATALOGUE.iter().map(|a| a.name).collect();
        names.sort_unstable();
        let n = names.len();
        names.dedup();
        assert_eq!(names.len(), n);
    }

    #[test]
    fn digital_bot_flow_is_single_path_like_bot_flow() {
        assert_eq!(lookup("callDigitalBotFlow").unwrap().handling, SINGLE);
        assert_eq!(
            lookup("callDigitalBotFlow").unwrap().handling,
            lookup("callBotFlow").unwrap().handling
        );
    }
}
