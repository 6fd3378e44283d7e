//! The loaded shape of bot actions, bot settings and calls to other flows, beside the
//! message-flow model (`flow::model`): the same values, targets and blocks.

use std::collections::BTreeMap;

use crate::flow::model::{Block, Target, Val};

use crate::flow::nlu::Nlu;
use crate::flow::recognise::Thresholds;

pub use crate::flow::kind::FlowKind;

/// A prompt and its re-prompts.
#[derive(Debug, Clone, Default)]
pub(crate) struct Prompts {
    pub question: Option<Val>,
    pub no_match: Option<Val>,
}

/// A path an action takes, with its branch id.
#[derive(Debug, Clone)]
pub(crate) struct Path {
    /// The path's name (an intent, a menu choice, `yes`, `maxNoMatches`).
    pub name: String,
    pub actions: Block,
    pub branch: usize,
}

/// The customer-facing questions a bot asks, and what it does with the answer.
#[derive(Debug, Clone)]
pub(crate) enum BotAction {
    /// `communicate`: send a message.
    Communicate(Val),
    /// `askForIntent`: one path per intent, `noIntent`, and the failure paths.
    AskForIntent(Box<Ask>),
    /// `askForSlot`: fill `Slot.NAME` from the slot's entity type.
    AskForSlot(Box<Ask>, SlotAsk),
    /// `askForBoolean` (Ask for Yes/No): paths `yes` and `no`.
    AskForBoolean(Box<Ask>),
    /// `digitalMenu`: one path per choice.
    DigitalMenu(Box<Ask>, Vec<Choice>),
    /// `exitBotFlow`: back to the calling flow, exit reason `TriggeredByFlow`.
    ExitBotFlow,
    /// `clearSlot`: these slots become NOT_SET, so the next Ask for Slot asks again.
    ClearSlot(Vec<SlotAsk>),
}

impl BotAction {
    /// The ask's parts, for the walks over every action.
    pub fn ask(&self) -> Option<&Ask> {
        match self {
            BotAction::AskForIntent(a)
            | BotAction::AskForSlot(a, _)
            | BotAction::AskForBoolean(a)
            | BotAction::DigitalMenu(a, _) => Some(a),
            BotAction::Communicate(_) | BotAction::ExitBotFlow | BotAction::ClearSlot(_) => None,
        }
    }

    /// Every path with its actions: answers, then no intent and max no matches.
    pub fn paths(&self) -> Vec<&Path> {
        match self.ask() {
            Some(a) => a
                .paths
                .iter()
                .chain(&a.no_intent)
                .chain(&a.max_no_matches)
                .collect(),
            None => Vec::new(),
        }
    }

    /// Every nested action list.
    pub fn blocks(&self) -> Vec<&Block> {
        self.paths().into_iter().map(|p| &p.actions).collect()
    }

    /// Every value the action evaluates (prompts, messages).
    pub fn vals(&self) -> Vec<&Val> {
        match self {
            BotAction::Communicate(v) => vec![v],
            _ => self
                .ask()
                .map(|a| {
                    a.prompts
                        .question
                        .iter()
                        .chain(&a.prompts.no_match)
                        .collect()
                })
                .unwrap_or_default(),
        }
    }
}

/// What every asking action has.
#[derive(Debug, Clone)]
pub(crate) struct Ask {
    pub prompts: Prompts,
    /// The answer paths (intents, `yes`/`no`, menu choices) in file order.
    pub paths: Vec<Path>,
    /// `noIntent` (askForIntent only).
    pub no_intent: Option<Path>,
    /// `outputs.maxNoMatches` when `enabled: true`.
    pub max_no_matches: Option<Path>,
}

/// The slot an `askForSlot` fills.
#[derive(Debug, Clone)]
pub(crate) struct SlotAsk {
    /// The slot's name (`OrderNumberType`).
    pub slot: String,
    /// `Slot.NAME`, where the flow declares it.
    pub target: Option<Target>,
}

/// One menu choice: the customer selects it with its value or its label.
#[derive(Debug, Clone)]
pub(crate) struct Choice {
    pub value: String,
    pub label: Option<String>,
    /// Index into the menu's `paths`.
    pub path: usize,
}

/// How a bot ends up after a failure it cannot recover from.
#[derive(Debug, Clone)]
pub(crate) enum Handling {
    /// `exit: none` — back to the calling flow with an exit reason.
    Exit,
    /// A transfer to ACD (the bot routes the conversation itself).
    Transfer(Box<crate::flow::model::Transfer>),
    /// `disconnect`.
    Disconnect,
}

/// A bot's `settingsUserInput`, `settingsErrorHandling` and NLU.
#[derive(Debug, Clone)]
pub(crate) struct BotSettings {
    /// `noMatchesMax` (default 3).
    pub no_matches_max: i64,
    pub no_match_apology: Option<Val>,
    /// What a runtime error does, and the message first sent.
    pub error: Handling,
    pub error_handover: Option<Val>,
    /// What the bot does once no-matches run out, and the message first sent.
    pub recognition_failure: Handling,
    pub recognition_failure_handover: Option<Val>,
    /// `enableAgentEscalation`: a customer asking for an agent ends the bot.
    pub agent_escalation: bool,
    /// `agentEscalationConfirmation`: asked first; a yes escalates.
    pub agent_escalation_confirmation: Option<Val>,
    pub agent_escalation_handover: Option<Val>,
    /// `noToConfirmationApology`: sent after a no to a confirmation.
    pub no_to_confirmation_apology: Option<Val>,
    pub agent_escalation_handling: Handling,
    pub nlu: Nlu,
    /// `collectionLow/HighConfidenceThreshold`: what an intent recognised at a
    /// confidence does (flow/recognise.rs).
    pub thresholds: Thresholds,
    /// `isOutput` variables (`Slot.X`, `Common.X`), by name: what a call gets back.
    pub outputs: Vec<String>,
}

impl BotSettings {
    /// Settings with Architect's defaults, for a common module.
    pub fn module(outputs: Vec<String>) -> Self {
        BotSettings {
            no_matches_max: 3,
            no_match_apology: None,
            error: Handling::Exit,
            error_handover: None,
            recognition_failure: Handling::Exit,
            recognition_failure_handover: None,
            agent_escalation: false,
            agent_escalation_confirmation: None,
            agent_escalation_handover: None,
            no_to_confirmation_apology: None,
            agent_escalation_handling: Handling::Exit,
            nlu: Nlu::default(),
            thresholds: Thresholds::default(),
            outputs,
        }
    }
}

/// A message flow's `callDigitalBotFlow` / `callBotFlow` / `callCommonModule`: the
/// called flow by name and how values pass both ways.
#[derive(Debug, Clone)]
pub(crate) struct Call {
    pub kind: FlowKind,
    /// The called flow's name (after substitution).
    pub name: String,
    /// Byte offset of the name in the calling flow.
    pub name_at: usize,
    /// `inputText` (bots).
    pub input_text: Option<Val>,
    /// Called-flow variable and the value it is given.
    pub inputs: Vec<(String, Val)>,
    /// Called-flow variable and the calling flow's variable it is copied to.
    pub outputs: Vec<(String, Target)>,
    pub exit_reason: Option<Target>,
    pub intent: Option<Target>,
}

/// What the NLU understood from one customer message, as a case states it.
#[derive(
    Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct NluAnswer {
    /// The intent recognised (none: no intent).
    #[serde(default)]
    pub intent: Option<String>,
    /// Slot values recognised with it, by slot name.
    #[serde(default)]
    pub slots: BTreeMap<String, String>,
    /// The NLU detects a request for a human agent (the bot's agent escalation).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub agent: bool,
}

/// One customer message of a case's `messages:`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum CustomerMessage {
    /// The text alone: recognised from the bot's own definitions.
    Text(String),
    /// The text and what the NLU makes of it (`{ text, intent, slots }`).
    Understood {
        /// The message.
        text: String,
        /// The intent the NLU returns for it.
        #[serde(default)]
        intent: Option<String>,
        /// The slots it fills.
        #[serde(default)]
        slots: BTreeMap<String, String>,
        /// `agent: true`: the NLU detects a request for a human agent, which a bot with
        /// agent escalation enabled answers with its escalation (exit reason
        /// AgentRequestedByUser).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        agent: bool,
    },
}

impl CustomerMessage {
    /// The message text.
    pub fn text(&self) -> &str {
        match self {
            CustomerMessage::Text(t) | CustomerMessage::Understood { text: t, .. } => t,
        }
    }

    /// What the case says the NLU makes of it, if it says.
    pub fn answer(&self) -> Option<NluAnswer> {
        match self {
            CustomerMessage::Text(_) => None,
            CustomerMessage::Understood {
                intent,
                slots,
                agent,
                ..
            } => Some(NluAnswer {
                intent: intent.clone(),
                slots: slots.clone(),
                agent: *agent,
            }),
        }
    }
}
