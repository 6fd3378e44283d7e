//! The intent-recognition point of a bot's Ask for Intent: what a customer message was
//! taken as, and how sure the recogniser was. The run asks one [`Recognise`]r; the
//! offline rule ([`OfflineRule`]: a training utterance is its intent, anything else is no
//! match) is one, a replay of what the org's NLU answered is another. The bot's own
//! confidence thresholds ([`Thresholds`], `settingsUserInput`) then decide what the bot
//! does with the answer, as Genesys does with its NLU's (docs/fidelity.md, "Bots").

use std::fmt::Debug;

use crate::flow::nlu::{Nlu, Understood};

/// What one message was recognised as.
#[derive(Debug, Clone, PartialEq)]
pub struct Recognition {
    /// The intent (if any) and its slot values.
    pub understood: Understood,
    /// The recogniser's confidence in `understood.intent`, 0 to 1. The offline rule is
    /// certain of an utterance it matched (1).
    pub confidence: f64,
    /// Where the answer came from, when that is worth saying in the trace (a recorded
    /// answer, or none recorded and the offline rule used instead).
    pub note: Option<String>,
}

/// Something that recognises a bot's intents in customer messages.
pub trait Recognise: Debug + Send + Sync {
    /// What the bot flow named `bot`, whose NLU is `nlu`, recognises in `message`; an
    /// error (the org's NLU could not be asked) stops the case at the ask, located.
    fn recognise(&self, bot: &str, nlu: &Nlu, message: &str) -> Result<Recognition, String>;
}

/// The deterministic rule from the bot's own definitions ([`Nlu::intent`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct OfflineRule;

/// The offline rule, for inputs that name no other recogniser.
pub static OFFLINE_RULE: OfflineRule = OfflineRule;

impl Recognise for OfflineRule {
    fn recognise(&self, _bot: &str, nlu: &Nlu, message: &str) -> Result<Recognition, String> {
        let understood = nlu.intent(message);
        let confidence = if understood.intent.is_some() {
            1.0
        } else {
            0.0
        };
        Ok(Recognition {
            understood,
            confidence,
            note: None,
        })
    }
}

/// A bot's `settingsUserInput` `collectionLowConfidenceThreshold` /
/// `collectionHighConfidenceThreshold`, in percent (0 to 100, low ≤ high).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    pub low: f64,
    pub high: f64,
}

impl Default for Thresholds {
    /// 20 and 70: what every real export we hold sets (tests/data/bots, the session's
    /// real flows); a bot that omits them gets these.
    fn default() -> Self {
        Thresholds {
            low: 20.0,
            high: 70.0,
        }
    }
}

/// What the bot does with an intent recognised at a confidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Band {
    /// Below the low threshold: no match.
    NoMatch,
    /// From the low threshold up to (not including) the high one: the bot asks the
    /// intent's confirmation before taking it.
    Confirm,
    /// At or above the high threshold: the intent is taken.
    Take,
}

impl Thresholds {
    /// The band `confidence` (0 to 1) falls in.
    pub fn band(&self, confidence: f64) -> Band {
        let percent = confidence * 100.0;
        if percent < self.low {
            Band::NoMatch
        } else if percent < self.high {
            Band::Confirm
        } else {
            Band::Take
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_are_below_low_between_and_from_high() {
        let t = Thresholds::default();
        assert_eq!(t.band(0.19), Band::NoMatch);
        assert_eq!(t.band(0.2), Band::Confirm);
        assert_eq!(t.band(0.69), Band::Confirm);
        assert_eq!(t.band(0.7), Band::Take);
        assert_eq!(t.band(1.0), Band::Take);
        let strict = Thresholds {
            low: 100.0,
            high: 100.0,
        };
        assert_eq!(strict.band(1.0), Band::Take);
    }

    #[test]
    fn the_offline_rule_is_certain_of_what_it_matches() {
        let r = OFFLINE_RULE
            .recognise("Bot", &Nlu::default(), "anything")
            .unwrap();
        assert_eq!((r.understood.intent, r.confidence), (None, 0.0));
    }
}
