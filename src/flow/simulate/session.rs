//! Bot flows (`digitalBot:`, `botFlow:`) and common modules (`commonModule:`): loaded
//! with the message-flow loader (same placeholders, values and locations), found by
//! name when a message flow calls them, and run deterministically from their own
//! definitions — menu choices by value or label, intents by training utterance, slots
//! by entity type — with the customer's messages of the case, in order.

//!
//! This file: what a run keeps across the flows it calls (the calls, the bot session).
//! The loader is archy/bot_flow.rs, the interpreter simulate/bot_flow.rs, the model
//! model/bot.rs and nlu.rs, the flows found by name simulate/library.rs.

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::flow::Flow;

/// The flows a run called, each with the branch ids it reached there.
#[derive(Debug, Clone, Default)]
pub struct Called(pub Vec<(Arc<Flow>, BTreeSet<usize>)>);

impl PartialEq for Called {
    fn eq(&self, other: &Self) -> bool {
        self.0.len() == other.0.len()
            && self
                .0
                .iter()
                .zip(&other.0)
                .all(|((a, ha), (b, hb))| a.file_name() == b.file_name() && ha == hb)
    }
}

impl Called {
    /// Add `hits` for `flow` (merged with earlier calls of the same file).
    pub fn add(&mut self, flow: &Arc<Flow>, hits: &BTreeSet<usize>) {
        match self
            .0
            .iter_mut()
            .find(|(f, _)| f.file_name() == flow.file_name())
        {
            Some((_, h)) => h.extend(hits.iter().copied()),
            None => self.0.push((Arc::clone(flow), hits.clone())),
        }
    }

    /// Merge another run's calls.
    pub fn extend(&mut self, other: &Called) {
        for (f, h) in &other.0 {
            self.add(f, h);
        }
    }
}

/// A bot session's state across the flows of one run.
#[derive(Debug, Clone, Default)]
pub(crate) struct Session {
    /// Index of the next customer message in the case's conversation (the first one
    /// started the conversation).
    pub next: usize,
    /// The bot's input text, taken by the first ask.
    pub pending: Option<String>,
    /// The intent the bot last recognised.
    pub intent: Option<String>,
    /// What the last recognition said about its answer (a recorded answer, thresholds).
    pub note: Option<String>,
}

impl Session {
    pub fn new() -> Self {
        Session {
            next: 1,
            pending: None,
            intent: None,
            note: None,
        }
    }
}
