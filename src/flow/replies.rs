//! What a customer can say to a bot, read from the bot's own definitions: each menu
//! choice's value and label, one utterance per intent ([`Nlu::sample`]), values of each
//! slot it asks for (list values and synonyms, the sample values its training utterances
//! give a regex slot), yes and no. These are the messages `gen` sends to reach each path
//! of a called bot; anything else the bot takes as no match.

use super::Flow;
use super::kind::FlowKind;
use super::model::Body;
use super::model::bot::BotAction;
use super::nlu::{EntityType, NO, Nlu, YES};
// The trace step a bot's recognition failure handling leaves (its no-match limit ran
// out with no `maxNoMatches` path): how `gen` tells that route apart.
use super::simulate::{RECOGNITION_FAILURE_STEP, RunResult};

/// The sample of a `builtin:date` slot (a Tuesday) and of a `builtin:time` slot.
const BUILTIN_DATE: &str = "2030-01-15";
const BUILTIN_TIME: &str = "10:00";

/// Most values taken from one slot's entity type (a list of hundreds needs only a few).
const PER_SLOT: usize = 4;

impl Flow {
    /// The messages that select each of this bot's answers, in file order, each once.
    /// Empty for a flow that asks nothing.
    pub fn customer_replies(&self) -> Vec<String> {
        let nlu = self.loaded.bot.as_deref().map(|s| &s.nlu);
        let mut out: Vec<String> = Vec::new();
        let mut push = |s: &str| {
            let s = s.trim();
            if !s.is_empty() && !out.iter().any(|o| o == s) {
                out.push(s.to_string());
            }
        };
        self.each_action(&mut |a, _| {
            let Body::Bot(b) = &a.body else {
                return;
            };
            match &**b {
                BotAction::DigitalMenu(_, choices) => {
                    for c in choices {
                        push(&c.value);
                        if let Some(l) = &c.label {
                            push(l);
                        }
                    }
                }
                BotAction::AskForIntent(ask) => {
                    for p in &ask.paths {
                        if let Some(u) = nlu.and_then(|n| n.sample(&p.name)) {
                            push(&u);
                        }
                    }
                }
                BotAction::AskForSlot(_, slot) => {
                    for v in nlu.map(|n| slot_samples(n, &slot.slot)).unwrap_or_default() {
                        push(&v);
                    }
                }
                BotAction::AskForBoolean(_) => {
                    push(YES[0]);
                    push(NO[0]);
                }
                BotAction::Communicate(_) | BotAction::ExitBotFlow | BotAction::ClearSlot(_) => {}
            }
        });
        out
    }

    /// This bot's recognition failure handling ran in `run` (its own trace steps, by file).
    pub fn recognition_failed_in(&self, run: &RunResult) -> bool {
        run.trace
            .iter()
            .any(|s| s.name == RECOGNITION_FAILURE_STEP && s.location.file == self.file_name())
    }

    /// The calls this flow makes (`callDigitalBotFlow`, `callBotFlow`, `callCommonModule`):
    /// the action's name, and the kind and name of the flow it calls, in file order.
    pub fn calls(&self) -> Vec<(String, (FlowKind, String))> {
        let mut out = Vec::new();
        self.each_action(&mut |a, _| {
            if let Body::External(e) = &a.body
                && let Some(c) = &e.call
            {
                out.push((a.name.clone(), (c.kind, c.name.clone())));
            }
        });
        out
    }

    /// How many no matches in a row the bot takes before its failure handling (`noMatchesMax`).
    pub fn no_matches_max(&self) -> i64 {
        self.loaded.bot.as_deref().map_or(3, |s| s.no_matches_max)
    }

    /// Whether this flow asks the customer anything (a bot with asks).
    pub fn asks(&self) -> bool {
        let mut asks = false;
        self.each_action(&mut |a, _| {
            if let Body::Bot(b) = &a.body {
                asks |= b.ask().is_some();
            }
        });
        asks
    }
}

/// Values slot `slot` accepts: a list type's first values (and a synonym of each), else
/// the sample values training utterances give the entity, checked against its type.
fn slot_samples(nlu: &Nlu, slot: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(EntityType::List(values)) = nlu.entities.get(slot).and_then(|t| nlu.types.get(t)) {
        for (v, syn) in values.iter().take(PER_SLOT) {
            out.push(v.clone());
            out.extend(syn.first().cloned());
        }
        return out;
    }
    // A built-in date or time reads ISO text only (nlu.rs): a weekday morning well after
    // any clock a case sets, so a bot that wants a future, open hour takes it.
    if let Some(EntityType::Builtin(b)) = nlu.entities.get(slot).and_then(|t| nlu.types.get(t)) {
        match b.as_str() {
            "builtin:date" => out.push(BUILTIN_DATE.into()),
            "builtin:time" => out.push(BUILTIN_TIME.into()),
            _ => {}
        }
    }
    if let Some(EntityType::Regex(res)) = nlu.entities.get(slot).and_then(|t| nlu.types.get(t)) {
        for r in res {
            if let Some(v) = regex_sample(r.as_str())
                && matches!(nlu.slot(slot, &v), Ok(Some(_)))
                && !out.contains(&v)
            {
                out.push(v);
            }
        }
    }
    for i in &nlu.intents {
        for u in &i.utterances {
            for s in u.iter().filter(|s| s.entity.as_deref() == Some(slot)) {
                if out.len() < PER_SLOT
                    && !out.contains(&s.text)
                    && matches!(nlu.slot(slot, &s.text), Ok(Some(_)))
                {
                    out.push(s.text.clone());
                }
            }
        }
    }
    out
}

/// A short text `pattern` matches: each repetition its least times, the first branch of
/// each alternation, a letter or digit from each class where it has one.
pub fn regex_sample(pattern: &str) -> Option<String> {
    let hir = regex_syntax::parse(pattern).ok()?;
    let mut out = String::new();
    sample(&hir, &mut out, 0).then_some(out)
}

fn sample(h: &regex_syntax::hir::Hir, out: &mut String, depth: usize) -> bool {
    use regex_syntax::hir::{Class, HirKind};
    if depth > 64 || out.len() > 256 {
        return false;
    }
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => true,
        HirKind::Literal(l) => match std::str::from_utf8(&l.0) {
            Ok(s) => {
                out.push_str(s);
                true
            }
            Err(_) => false,
        },
        HirKind::Class(Class::Unicode(c)) => {
            let ranges = c.ranges();
            let has = |ch: char| ranges.iter().any(|r| r.start() <= ch && ch <= r.end());
            match ['a', '0', 'A']
                .into_iter()
                .find(|&ch| has(ch))
                .or_else(|| ranges.first().map(|r| r.start()))
            {
                Some(ch) => {
                    out.push(ch);
                    true
                }
                None => false,
            }
        }
        HirKind::Class(Class::Bytes(c)) => match c.ranges().first() {
            Some(r) if r.start().is_ascii() => {
                let has = |b: u8| c.ranges().iter().any(|r| r.start() <= b && b <= r.end());
                let b = [b'a', b'0', b'A']
                    .into_iter()
                    .find(|&b| has(b))
                    .unwrap_or(r.start());
                out.push(b as char);
                true
            }
            _ => false,
        },
        HirKind::Repetition(r) => (0..r.min).all(|_| sample(&r.sub, out, depth + 1)),
        HirKind::Capture(c) => sample(&c.sub, out, depth + 1),
        HirKind::Concat(parts) => parts.iter().all(|p| sample(p, out, depth + 1)),
        HirKind::Alternation(alts) => alts.first().is_some_and(|a| sample(a, out, depth + 1)),
    }
}

#[cfg(test)]
mod tests {
    use super::regex_sample;

    #[test]
    fn a_regex_sample_is_matched_by_its_regex() {
        for pattern in [
            r"\b[0-9]{8}\b",
            "[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?",
            r"(?i)order-[A-Z]{2}\d+",
            r"yes|no",
        ] {
            let s = regex_sample(pattern).expect(pattern);
            assert!(
                regex::Regex::new(pattern).unwrap().is_match(&s),
                "{pattern}: {s}"
            );
        }
        assert_eq!(regex_sample(r"\b[0-9]{8}\b").as_deref(), Some("00000000"));
    }
}
