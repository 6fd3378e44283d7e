//! A bot's agent escalation (`settingsErrorHandling.enableAgentEscalation`): a customer
//! message the NLU takes as a request for a human agent — offline, a case's
//! `{ text, agent: true }` — is confirmed with `agentEscalationConfirmation` when the bot
//! has one, then answered with `agentEscalationHandover` and `agentEscalationHandling`:
//! exit with reason `AgentRequestedByUser` (H:232080), a transfer, or a disconnect.
//! docs/fidelity.md, "Agent escalation".

use crate::flow::model::Action;
use crate::flow::model::bot::BotSettings;
use crate::flow::nlu::yes_no;
use crate::flow::simulate::{Ctl, Route, Sim, Stop, WaitingRoute};

/// The exit reason Genesys documents for it (H:232080, "Execution results: Exit reasons").
pub(super) const AGENT_REQUESTED_BY_USER: &str = "AgentRequestedByUser";

impl Sim<'_, '_> {
    /// Escalate at ask `a` after `message`: the bot's end (handed back, transferred, or
    /// waiting on the confirmation), or None when the customer says no to the
    /// confirmation (the ask asks again).
    pub(super) fn escalate(
        &mut self,
        a: &Action,
        s: &BotSettings,
        message: &str,
    ) -> Result<Option<Ctl>, Stop> {
        self.push_step(
            &a.name,
            &a.kind,
            a.at,
            Some(format!("customer {message:?}: asks for an agent")),
            Some("agent escalation".into()),
        );
        if let Some(confirm) = &s.agent_escalation_confirmation {
            let question = self.say_opt(Some(confirm)).unwrap_or_default();
            let Some(m) = self.input.conversation.get(self.session.next) else {
                self.push_step(
                    "agent escalation",
                    "agentEscalationConfirmation",
                    a.at,
                    Some(format!("asks {question:?}: no more customer messages")),
                    Some("waiting".into()),
                );
                return Ok(Some(Ctl::Done(Route::Waiting(WaitingRoute {
                    question,
                    action: format!("{} \"{}\" (agent escalation confirmation)", a.kind, a.name),
                    location: self.flow.location(a.at),
                }))));
            };
            self.session.next += 1;
            let said = m.text().to_string();
            let yes = match m.answer().and_then(|n| n.intent) {
                Some(i) => yes_no(&i),
                None => yes_no(&said),
            };
            self.push_step(
                "agent escalation",
                "agentEscalationConfirmation",
                a.at,
                Some(format!("customer {said:?}")),
                Some(if yes == Some(true) { "yes" } else { "no" }.into()),
            );
            // Anything but a yes keeps the customer with the bot (inferred).
            if yes != Some(true) {
                self.say_opt(s.no_to_confirmation_apology.as_ref());
                return Ok(None);
            }
        }
        self.say_opt(s.agent_escalation_handover.as_ref());
        self.handle(&s.agent_escalation_handling, AGENT_REQUESTED_BY_USER)
            .map(Some)
    }
}
