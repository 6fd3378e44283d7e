//! Expectations a rules file states about a flow run (`route:`, `responses:`,
//! `participant_data:`) and the check that compares them with a [`RunResult`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::simulate::{Route, RunResult, route_summary};
use super::trace::render_path;

/// What a case expects from the flow.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FlowExpect {
    /// `route: { queue: VIP Support }`, `route: disconnect` or `route: error`.
    #[serde(default)]
    pub route: Option<RouteExpect>,
    /// Every Send Response text, in order (exact).
    #[serde(default)]
    pub responses: Option<Vec<String>>,
    /// Participant data the flow set: each listed name must have this value (others
    /// the flow set are not checked).
    #[serde(default)]
    pub participant_data: Option<BTreeMap<String, String>>,
}

/// An expected route.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum RouteExpect {
    /// `disconnect` or `error`.
    Keyword(RouteKeyword),
    /// `{ queue: NAME }`, optionally with skills and priority.
    Queue(QueueExpect),
    /// `{ transfer: NAME }`: a transfer to a flow, user, group or number of that name.
    Transfer(TransferExpect),
    /// `{ waiting: QUESTION }`: a bot still waits for the answer to this question.
    Waiting(WaitingExpect),
}

/// An expected bot question left unanswered (the case's messages ran out).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WaitingExpect {
    /// The question (or re-prompt) the bot last sent, exact.
    pub waiting: String,
}

/// An expected transfer that is not to an ACD queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferExpect {
    /// The target's name (exact, case-sensitive).
    pub transfer: String,
    /// `flow`, `user`, `group` or `number`, when given.
    #[serde(default)]
    pub to: Option<String>,
}

/// A route named by one word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RouteKeyword {
    /// The flow disconnected (not through error handling).
    Disconnect,
    /// A runtime error sent the flow to its error handling.
    Error,
    /// A bot waits for an answer, whatever the question.
    Waiting,
}

/// An expected transfer to ACD.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QueueExpect {
    /// Queue name (exact, case-sensitive).
    pub queue: String,
    /// ACD skills, in any order, when given.
    #[serde(default)]
    pub skills: Option<Vec<String>>,
    /// Priority, when given.
    #[serde(default)]
    pub priority: Option<i64>,
}

/// One expectation that did not hold.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FlowMismatch {
    /// What was checked, lowercase.
    pub message: String,
    /// Expected, rendered.
    pub expected: Option<String>,
    /// Actual, rendered.
    pub actual: Option<String>,
    /// The path the flow took, one line per action (`file:line kind "name" …`).
    pub notes: Vec<String>,
}

impl FlowExpect {
    /// Every expectation that `result` does not meet (empty: all hold).
    pub fn check(&self, result: &RunResult) -> Vec<FlowMismatch> {
        let mut out = Vec::new();
        let mut fail = |message: String, expected: String, actual: String| {
            out.push(FlowMismatch {
                message,
                expected: Some(expected),
                actual: Some(actual),
                notes: render_path(&result.trace, &result.route),
            });
        };
        if let Some(want) = &self.route
            && !want.matches(&result.route)
        {
            fail(
                "the flow took another route".into(),
                want.describe(),
                route_summary(&result.route),
            );
        }
        if let Some(want) = &self.responses
            && *want != result.responses
        {
            fail(
                "the flow sent other responses".into(),
                format!("{want:?}"),
                format!("{:?}", result.responses),
            );
        }
        if let Some(want) = &self.participant_data {
            for (k, v) in want {
                match result.participant_data.get(k) {
                    Some(actual) if actual == v => {}
                    Some(actual) => fail(
                        format!("participant data `{k}` differs"),
                        format!("{v:?}"),
                        format!("{actual:?}"),
                    ),
                    None => fail(
                        format!("the flow did not set participant data `{k}`"),
                        format!("{v:?}"),
                        "not set".into(),
                    ),
                }
            }
        }
        out
    }
}

impl RouteExpect {
    /// Does the actual route satisfy this expectation?
    pub fn matches(&self, route: &Route) -> bool {
        match (self, route) {
            (RouteExpect::Keyword(RouteKeyword::Disconnect), Route::Disconnect) => true,
            (RouteExpect::Keyword(RouteKeyword::Error), Route::Error { .. }) => true,
            (RouteExpect::Keyword(RouteKeyword::Waiting), Route::Waiting(_)) => true,
            (RouteExpect::Waiting(want), Route::Waiting(w)) => want.waiting == w.question,
            (RouteExpect::Queue(want), Route::Queue(q)) => {
                let skills_ok = want.skills.as_ref().is_none_or(|s| {
                    let mut a = s.clone();
                    let mut b = q.skills.clone();
                    a.sort();
                    b.sort();
                    a == b
                });
                want.queue == q.name
                    && skills_ok
                    && want.priority.is_none_or(|p| q.priority == Some(p))
            }
            (RouteExpect::Transfer(want), Route::Transfer(t)) => {
                want.transfer == t.target && want.to.as_ref().is_none_or(|k| *k == t.to)
            }
            _ => false,
        }
    }

    /// The expectation in words, shaped like [`route_summary`].
    pub fn describe(&self) -> String {
        match self {
            RouteExpect::Keyword(RouteKeyword::Disconnect) => "disconnect".into(),
            RouteExpect::Keyword(RouteKeyword::Error) => "error".into(),
            RouteExpect::Keyword(RouteKeyword::Waiting) => "waiting for the customer".into(),
            RouteExpect::Waiting(w) => {
                format!("waiting for the customer's answer to {:?}", w.waiting)
            }
            RouteExpect::Queue(q) => {
                let mut s = format!("queue \"{}\"", q.queue);
                if let Some(sk) = &q.skills {
                    s.push_str(&format!(", skills {}", sk.join(", ")));
                }
                if let Some(p) = q.priority {
                    s.push_str(&format!(", priority {p}"));
                }
                s
            }
            RouteExpect::Transfer(t) => match &t.to {
                Some(to) => format!("transfer to {to} \"{}\"", t.transfer),
                None => format!("transfer to \"{}\"", t.transfer),
            },
        }
    }
}
