//! What the org's own NLU answered, recorded beside the fixtures (`routecheck test
//! --nlu-record`) and replayed offline with no credentials: a reviewable YAML file,
//!
//! ```yaml
//! bots:
//!   Dude Bot:                      # the bot flow's name
//!     domain: 0b1c…                # NLU domain id and version the answers came from
//!     version: 5e2f…
//!     answers:
//!       "where is my parcel":      # the customer's message, exactly as sent
//!         - intent: Check Order Status
//!           probability: 0.91
//!           slots: { OrderNumber: "12345678" }
//! ```
//!
//! Each message's intents are the NLU's, most probable first; an empty list is "no intent".
//! The replay ([`Replay`]) takes the most probable one at its probability (the bot's
//! thresholds then apply); a message with no recorded answer falls back to the offline
//! rule, and the trace says so.

use std::collections::BTreeMap;
use std::path::Path;

use crate::diag::{SourceDiagnostic, SourceFile};
use crate::flow::nlu::{Nlu, Understood};
use crate::flow::recognise::{OFFLINE_RULE, Recognise, Recognition};
use crate::source::{self, FileKind, Problem, yaml::Node};

/// The file: each bot's answers.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answers {
    #[serde(default)]
    pub bots: BTreeMap<String, BotAnswers>,
}

/// One bot's NLU domain version and what it detected in each message.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BotAnswers {
    pub domain: String,
    pub version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(default)]
    pub answers: BTreeMap<String, Vec<Detected>>,
}

/// One intent detected, with its probability (0 to 1) and slot values.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Detected {
    pub intent: String,
    pub probability: f64,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub slots: BTreeMap<String, String>,
}

impl Answers {
    /// Read and check the file; an error is located in it.
    pub fn read(path: &Path) -> Result<Answers, Box<SourceDiagnostic>> {
        let name = path.display().to_string();
        let source = source::read_source(path, &name, FileKind::NluAnswers)?;
        let root = source::yaml::parse_file(&source, FileKind::NluAnswers)?;
        let answers: Answers =
            source::mapping::deserialize(&source, FileKind::NluAnswers, &root, "the NLU answers")?;
        check_probabilities(&source, &root, &answers)?;
        Ok(answers)
    }

    /// The file's text: YAML, keys sorted, each message's intents most probable first.
    pub fn to_yaml(&self) -> String {
        let mut sorted = self.clone();
        for bot in sorted.bots.values_mut() {
            for list in bot.answers.values_mut() {
                list.sort_by(|a, b| b.probability.total_cmp(&a.probability));
            }
        }
        let body = serde_saphyr::to_string(&sorted).unwrap_or_default();
        format!(
            "# What the org's NLU detected, recorded by `routecheck test --nlu-record`; runs replay it offline.\n{body}"
        )
    }
}

/// A probability outside 0–1 is not an NLU's answer: located at the value.
fn check_probabilities(
    source: &SourceFile,
    root: &Node,
    answers: &Answers,
) -> Result<(), Box<SourceDiagnostic>> {
    for (bot, b) in &answers.bots {
        for (text, list) in &b.answers {
            for (i, d) in list.iter().enumerate() {
                if (0.0..=1.0).contains(&d.probability) {
                    continue;
                }
                let node = root
                    .get("bots")
                    .and_then(|n| n.get(bot))
                    .and_then(|n| n.get("answers"))
                    .and_then(|n| n.get(text))
                    .and_then(|n| n.as_seq())
                    .and_then(|s| s.get(i))
                    .and_then(|n| n.get("probability"))
                    .unwrap_or(root);
                return Err(Box::new(
                    SourceDiagnostic::error(
                        source,
                        node.span,
                        format!(
                            "the probability of intent {:?} for {text:?} is {}, not from 0 to 1",
                            d.intent, d.probability
                        ),
                    )
                    .with_code(FileKind::NluAnswers.code(Problem::WrongType))
                    .with_help("record the answers again with `routecheck test --nlu-record`"),
                ));
            }
        }
    }
    Ok(())
}

/// What a recorded answer is taken as: its most probable intent at its probability.
pub fn recognition(list: &[Detected], from: &str) -> Recognition {
    let best = list
        .iter()
        .max_by(|a, b| a.probability.total_cmp(&b.probability));
    match best {
        Some(d) => Recognition {
            understood: Understood {
                intent: Some(d.intent.clone()),
                slots: d.slots.clone(),
                ambiguous: Vec::new(),
            },
            confidence: d.probability,
            note: Some(format!(
                "the org's NLU ({from}): {:?} at {:.0}%",
                d.intent,
                d.probability * 100.0
            )),
        },
        None => Recognition {
            understood: Understood::default(),
            confidence: 0.0,
            note: Some(format!("the org's NLU ({from}): no intent")),
        },
    }
}

/// Replays recorded answers; a message without one gets the offline rule, and says so.
#[derive(Debug, Clone)]
pub struct Replay {
    pub answers: Answers,
    /// The file, as messages name it.
    pub file: String,
}

impl Recognise for Replay {
    fn recognise(&self, bot: &str, nlu: &Nlu, message: &str) -> Result<Recognition, String> {
        match self
            .answers
            .bots
            .get(bot)
            .and_then(|b| b.answers.get(message))
        {
            Some(list) => Ok(recognition(list, &format!("recorded in {}", self.file))),
            None => {
                let mut r = OFFLINE_RULE.recognise(bot, nlu, message)?;
                r.note = Some(format!(
                    "no recorded NLU answer in {} for bot {bot:?}: the offline rule",
                    self.file
                ));
                Ok(r)
            }
        }
    }
}
