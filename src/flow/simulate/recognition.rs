//! Ask for Intent's recognition point: the run's recogniser (flow/recognise.rs) says what
//! a customer message is and how sure it is; the bot's confidence thresholds decide what
//! the bot does with that (docs/fidelity.md, "Bots", confidence thresholds).

use crate::flow::model::Action;
use crate::flow::nlu::Understood;
use crate::flow::recognise::Band;
use crate::flow::simulate::{Sim, SimErrorKind, Stop};

impl<'f, 'i> Sim<'f, 'i> {
    /// What `msg` at Ask for Intent `a` is taken as. An intent the bot does not define is
    /// no match; below the bot's low threshold, no match; at or above its high threshold,
    /// the intent. In between Genesys asks the intent's confirmation question, which the
    /// simulator does not run: a located error, never a guess either way.
    pub(super) fn recognise_intent(&mut self, a: &Action, msg: &str) -> Result<Understood, Stop> {
        let flow = self.flow;
        let Some(bot) = flow.loaded.bot.as_deref() else {
            return Ok(Understood::default());
        };
        let r = self
            .input
            .recogniser
            .recognise(flow.name(), &bot.nlu, msg)
            .map_err(|why| {
                self.sim_at(
                    SimErrorKind::Unsupported,
                    a.at,
                    format!("recognising {msg:?}: {why}"),
                )
            })?;
        let mut notes: Vec<String> = r.note.into_iter().collect();
        let Some(intent) = r.understood.intent.clone() else {
            self.session.note = join(notes);
            return Ok(r.understood);
        };
        if !bot.nlu.intent_names().contains(&intent.as_str()) {
            notes.push(format!(
                "intent {intent:?} is not one of this bot's: no match"
            ));
            self.session.note = join(notes);
            return Ok(Understood::default());
        }
        let t = bot.thresholds;
        let percent = r.confidence * 100.0;
        match t.band(r.confidence) {
            Band::Take => {
                if r.confidence < 1.0 {
                    notes.push(format!("at or above the high threshold ({}%)", t.high));
                }
                self.session.note = join(notes);
                Ok(r.understood)
            }
            Band::NoMatch => {
                notes.push(format!(
                    "{percent:.0}% is below the bot's low confidence threshold ({}%): no match",
                    t.low
                ));
                self.session.note = join(notes);
                Ok(Understood::default())
            }
            Band::Confirm => Err(self.sim_at(
                SimErrorKind::Unsupported,
                a.at,
                format!(
                    "the NLU recognised {msg:?} as {intent:?} at {percent:.0}%, between the bot's confidence thresholds ({}% and {}%): Genesys would ask the intent's confirmation, which routecheck does not run; give the answer the case expects as `{{ text: {msg:?}, intent: ... }}`",
                    t.low, t.high
                ),
            )),
        }
    }

    /// The note of the last recognition, as a suffix of the ask's step detail.
    pub(super) fn recognition_note(&mut self) -> String {
        self.session
            .note
            .take()
            .map_or_else(String::new, |n| format!("; {n}"))
    }
}

fn join(notes: Vec<String>) -> Option<String> {
    (!notes.is_empty()).then(|| notes.join("; "))
}
