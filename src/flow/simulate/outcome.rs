//! What one run produced: where the conversation ended up, the trace lines, the screen
//! pops, and why a run could not complete.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::diag::SourceDiagnostic;
use crate::source::Location;

/// Where the conversation ended up.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Route {
    /// Transferred to an ACD queue.
    Queue(QueueRoute),
    /// The flow disconnected (explicitly, or by running out of actions).
    Disconnect,
    /// Transferred somewhere other than an ACD queue (a flow, a user, a group, a number).
    Transfer(TransferRoute),
    /// A bot is still waiting for the customer's answer: the case's messages ran out.
    Waiting(WaitingRoute),
    /// A runtime error sent the flow to its error handling.
    Error {
        /// The error, lowercase.
        message: String,
        /// Where it was raised in the flow file.
        location: Location,
        /// What the flow's error handling did.
        then: Box<Route>,
    },
}

/// A transfer to ACD as the flow configured it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueueRoute {
    /// Queue name.
    pub name: String,
    /// Queue id, where known (a `FindQueueById` result or a directory entry).
    pub id: Option<String>,
    /// ACD skill names.
    pub skills: Vec<String>,
    /// Priority, where set.
    pub priority: Option<i64>,
    /// Preferred agents, rendered (`user (score)`).
    pub preferred_agents: Vec<String>,
    /// Language skill, where set.
    pub language_skill: Option<String>,
    /// Direct agent, where set.
    pub direct_agent: Option<String>,
}

/// Where a bot waits for the customer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WaitingRoute {
    /// The question (or re-prompt) last sent.
    pub question: String,
    /// The asking action's kind and name.
    pub action: String,
    /// Where the action is.
    pub location: Location,
}

/// A transfer that is not to an ACD queue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TransferRoute {
    /// `flow`, `user`, `group` or `number` (from `transferToFlow`, …).
    pub to: String,
    /// The target's name (or number), as the flow gave it.
    pub target: String,
}

/// One action executed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    /// The action's `name:`.
    pub name: String,
    /// The Archy action kind.
    pub kind: String,
    /// Where it is in the flow file.
    pub location: Location,
    /// What it did: variable assignments, the evaluated condition, the stub used.
    pub detail: Option<String>,
    /// For branching actions: the path taken (`yes`, `case 2`, `default`, `success`).
    pub branch: Option<String>,
    /// Where that path is written (its `case:`, output key or menu choice), when the
    /// file writes it apart from the action.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub branch_location: Option<Location>,
    /// Task nesting depth (0 in a state).
    pub depth: usize,
}

/// A screen pop the flow set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScreenPop {
    /// The script's name.
    pub script: String,
    /// Its inputs, rendered.
    pub inputs: BTreeMap<String, String>,
}

/// Why a run could not be completed: the simulation itself, not the flow, is stuck.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SimErrorKind {
    /// An external action has no stub.
    MissingStub,
    /// A stub names an output or variable the action does not have, or a bad value.
    BadStub,
    /// The loop guard stopped a runaway flow.
    StepLimit,
    /// Something the model cannot run (end task outside a task, task recursion too deep).
    Unsupported,
}

/// A run that could not complete, located in the flow file, with the path so far.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}", .diagnostic.message)]
pub struct SimError {
    /// What kind of problem.
    pub kind: SimErrorKind,
    /// The located message.
    pub diagnostic: Box<SourceDiagnostic>,
    /// The actions executed before it stopped.
    pub trace: Vec<Step>,
}
