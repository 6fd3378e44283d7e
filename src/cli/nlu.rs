//! `routecheck test` and the org's own NLU (routecheck.yaml `nlu:`): runs replay the
//! answers recorded beside the fixtures (no credentials, no network); `--nlu-record` asks
//! the org's NLU for every message a listed bot's Ask for Intent takes, routes by its
//! answer, and writes the answers file after the run. That flag is the only way the NLU
//! is ever called.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use super::live::NetArgs;
use super::stop::{Stopped, usage};
use crate::flow::nlu::Nlu;
use crate::flow::nlu_answers::{Answers, BotAnswers, Detected, Replay, recognition};
use crate::flow::recognise::{Recognise, Recognition};
use crate::genesys::Client;
use crate::project::{NluBot, Project};

/// The run's recogniser, and the recorder to write out after it (with `--nlu-record`).
pub(super) type Chosen = (Arc<dyn Recognise>, Option<Arc<Recorder>>);

/// What recognises bot intents in this run: None (the offline rule) without `nlu:`.
pub(super) fn recogniser(
    record: bool,
    project: Option<&Project>,
    net: &NetArgs,
) -> Result<Option<Chosen>, Stopped> {
    let section = project.and_then(|p| p.config.nlu.as_ref().map(|n| (p, n)));
    let Some((project, nlu)) = section else {
        if record {
            return Err(vec![usage(
                "--nlu-record",
                format!(
                    "--nlu-record needs an `nlu:` section in {} naming each bot's NLU domain and version: `nlu: {{ bots: {{ BOT: {{ domain: ID, version: ID }} }} }}`",
                    crate::project::FILE_NAME
                ),
            )]);
        }
        return Ok(None);
    };
    let path = project.nlu_answers().unwrap_or_default();
    let file = path.display().to_string();
    let answers = if path.exists() || !record {
        if !path.exists() {
            return Err(vec![usage(
                "nlu",
                format!(
                    "{} names recorded NLU answers in {file}, which does not exist: run `routecheck test --nlu-record` (with credentials) to record them",
                    crate::project::FILE_NAME
                ),
            )]);
        }
        Answers::read(&path).map_err(|d| vec![*d])?
    } else {
        Answers::default()
    };
    if !record {
        stale_warnings(&nlu.bots, &answers, &file);
    }
    let replay = Replay { answers, file };
    if !record {
        return Ok(Some((Arc::new(replay), None)));
    }
    if nlu.bots.is_empty() {
        return Err(vec![usage(
            "--nlu-record",
            format!(
                "`nlu:` in {} lists no bots: add `bots: {{ BOT: {{ domain: ID, version: ID }} }}`",
                crate::project::FILE_NAME
            ),
        )]);
    }
    let client =
        Client::from_env(&net.options(), crate::project::working_dir_region()).map_err(|e| {
            let help = miette::Diagnostic::help(&e).map(|h| format!("; {h}"));
            vec![usage(
                "--nlu-record",
                format!("{e}{}", help.unwrap_or_default()),
            )]
        })?;
    let recorded = replay.answers.clone();
    let recorder = Arc::new(Recorder {
        client,
        bots: nlu.bots.clone(),
        replay,
        recorded: Mutex::new(recorded),
        path,
    });
    Ok(Some((recorder.clone(), Some(recorder))))
}

/// Answers recorded from another NLU domain version than routecheck.yaml names are
/// replayed as recorded, with a warning: they say what that version detected.
fn stale_warnings(bots: &BTreeMap<String, NluBot>, answers: &Answers, file: &str) {
    for (name, ids) in bots {
        if let Some(b) = answers.bots.get(name)
            && (b.domain != ids.domain || b.version != ids.version)
        {
            crate::errln!(
                "warning: {file}: the answers of bot {name:?} were recorded from NLU domain {} version {}, but {} names domain {} version {}: they are replayed as recorded; run `routecheck test --nlu-record` to record this version's",
                b.domain,
                b.version,
                crate::project::FILE_NAME,
                ids.domain,
                ids.version
            );
        }
    }
}

/// Asks the org's NLU for the bots `nlu: bots:` lists, remembering each answer.
#[derive(Debug)]
pub(super) struct Recorder {
    client: Client,
    bots: BTreeMap<String, NluBot>,
    replay: Replay,
    recorded: Mutex<Answers>,
    path: PathBuf,
}

impl Recognise for Recorder {
    fn recognise(&self, bot: &str, nlu: &Nlu, message: &str) -> Result<Recognition, String> {
        let Some(ids) = self.bots.get(bot) else {
            return self.replay.recognise(bot, nlu, message);
        };
        let intents = self
            .client
            .detect(&ids.domain, &ids.version, message, ids.language.as_deref())
            .map_err(|e| format!("asking the org's NLU: {e}"))?;
        let list = intents
            .into_iter()
            .map(|i| {
                let probability = i.probability.ok_or_else(|| {
                    format!(
                        "the org's NLU gave intent {:?} no probability, so the bot's confidence thresholds cannot apply",
                        i.name
                    )
                })?;
                let slots = i
                    .entities
                    .into_iter()
                    .filter_map(|e| e.resolved.or(e.raw).map(|v| (e.name, v)))
                    .collect();
                Ok(Detected {
                    intent: i.name,
                    probability,
                    slots,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let r = recognition(&list, "asked now, recorded");
        let mut all = self.recorded.lock().unwrap_or_else(|p| p.into_inner());
        let entry = all.bots.entry(bot.to_string()).or_default();
        if entry.domain != ids.domain || entry.version != ids.version {
            // Answers of another domain version are not this one's: start afresh.
            *entry = BotAnswers {
                domain: ids.domain.clone(),
                version: ids.version.clone(),
                language: ids.language.clone(),
                answers: BTreeMap::new(),
            };
        }
        entry.answers.insert(message.to_string(), list);
        Ok(r)
    }
}

impl Recorder {
    /// Write the answers file; what was written, for stderr.
    pub(super) fn write(&self) -> Result<String, String> {
        let all = self.recorded.lock().unwrap_or_else(|p| p.into_inner());
        let count: usize = all.bots.values().map(|b| b.answers.len()).sum();
        crate::source::write::write_report(&self.path, all.to_yaml().as_bytes())
            .map_err(|e| format!("writing the NLU answers to {}: {e}", self.path.display()))?;
        Ok(format!(
            "recorded the org's NLU answers for {count} message(s) in {}",
            self.path.display()
        ))
    }
}
