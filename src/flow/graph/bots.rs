//! Bot actions on the graph: an edge per answer path, the bot's "no match" end.

use crate::flow::model::bot::{BotAction, Handling};

use super::*;

impl Builder<'_> {
    /// A bot action's edges: one per answer path (intent, menu choice, yes/no, no
    /// intent, max no matches) with its branch; a filled slot goes on; an ask with no
    /// path for running out of no-matches ends in the bot's recognition-failure handling.
    pub(super) fn bot(
        &mut self,
        b: &BotAction,
        me: usize,
        unit: usize,
        path: &str,
        next: Cont,
        lp: Option<(usize, Cont)>,
    ) {
        if let BotAction::ExitBotFlow = b {
            self.nodes[me].returns = true;
            return;
        }
        let Some(ask) = b.ask() else {
            let n = self.target(next);
            self.edge(me, Pending::Node(n), None, None);
            return;
        };
        for p in b.paths() {
            let e = self.block(&p.actions, unit, &format!("{path}/{}", p.name), next, lp);
            self.edge(me, Pending::Node(e), Some(p.name.clone()), Some(p.branch));
        }
        if let BotAction::AskForSlot(_, s) = b {
            let n = self.target(next);
            self.edge(me, Pending::Node(n), Some(format!("Slot.{}", s.slot)), None);
        }
        if ask.max_no_matches.is_none() && ask.no_intent.is_none() {
            let n = self.no_match_node();
            self.edge(me, Pending::Node(n), Some("no match".into()), None);
        }
    }

    /// The bot's recognition-failure end: its handling (exit back to the caller, a
    /// transfer, disconnect).
    fn no_match_node(&mut self) -> usize {
        if let Some(n) = self.no_match {
            return n;
        }
        let handling = self
            .flow
            .loaded
            .bot
            .as_deref()
            .map_or(&Handling::Exit, |s| &s.recognition_failure);
        let (what, returns) = match handling {
            Handling::Exit => ("exit".to_string(), true),
            Handling::Transfer(t) => (format!("transfer to {}", transfer_text(t)), false),
            Handling::Disconnect => ("disconnect".to_string(), false),
        };
        let lines = vec!["recognition failure".into(), what];
        let n = self.node("no match", lines, Shape::Terminal, None, usize::MAX - 1);
        self.nodes[n].returns = returns;
        self.no_match = Some(n);
        n
    }
}

/// How a bot action is drawn.
pub(super) fn bot_shape(b: &BotAction) -> (Shape, Option<String>) {
    match b {
        BotAction::Communicate(v) => (Shape::Action, Some(val_text(v))),
        BotAction::ExitBotFlow => (Shape::Terminal, Some("exit reason TriggeredByFlow".into())),
        BotAction::AskForSlot(_, s) => (Shape::Choice, Some(format!("slot {}", s.slot))),
        BotAction::ClearSlot(slots) => (
            Shape::Action,
            Some(
                slots
                    .iter()
                    .map(|s| format!("Slot.{}", s.slot))
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        ),
        _ => (
            Shape::Choice,
            b.ask()
                .and_then(|a| a.prompts.question.as_ref())
                .map(val_text),
        ),
    }
}
