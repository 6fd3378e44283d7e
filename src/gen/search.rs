//! The search for inputs: start from a plain new conversation (no attributes, no
//! message, every stubbed action on its first output), then change one input at a time
//! to each of its candidate values, re-running the flow with the real simulator; an
//! input that reaches a branch nothing reached before becomes a case and is searched
//! from in turn (depth first). Pairs of changes follow for what single changes miss.
//! Bounded by a number of runs, so the result does not depend on the machine.
//!
//! A flow that calls a bot runs the bot too ([`Called`]): its paths are goals like the
//! flow's own branches, and a run that ends with the bot waiting for an answer is carried
//! on with each message the bot can take ([`Flow::customer_replies`]) as the next one.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value as J;

use crate::conversation::synthetic::CONVERSATION_ID;
use crate::expr::{DateTime, Directory, Type, Value};
use crate::flow::probe::StubbedAction;
use crate::flow::{CustomerMessage, Flow, Library, Route, RunInput, RunResult, Stub, Stubs};

use super::candidates::{Pools, expand};
use super::clocks::Clocks;

/// What a case without a recording can set.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Input {
    /// Participant attributes (absent ones are not listed).
    pub attributes: BTreeMap<String, String>,
    /// `message:`, the first of `messages:` when there are replies.
    pub message: Option<String>,
    /// The customer's answers to a called bot's questions after the first message, in
    /// order (`messages:` after the first).
    pub replies: Vec<String>,
    /// `new_conversation:`.
    pub new_conversation: bool,
    /// Per stubbed action: its output and the values it sets (JSON text; `null`: left out).
    pub stubs: BTreeMap<String, (Option<String>, BTreeMap<String, String>)>,
    /// `now:` (ms): set when the deploy decides a schedule action of the flow.
    pub now: Option<i64>,
}

impl Input {
    /// The customer's messages as a case's `messages:` gives them: the first message,
    /// then the replies (empty without a first message).
    pub fn conversation(&self) -> Vec<CustomerMessage> {
        match &self.message {
            Some(m) => std::iter::once(m)
                .chain(&self.replies)
                .map(|t| CustomerMessage::Text(t.clone()))
                .collect(),
            None => Vec::new(),
        }
    }

    /// As the simulator's stubs.
    pub fn stubs(&self) -> Stubs {
        Stubs(
            self.stubs
                .iter()
                .map(|(name, (output, values))| {
                    // `null` is a value the stub leaves out (a rules file cannot write
                    // one): the action then leaves the variable as it was, as `test` runs it.
                    let values = values
                        .iter()
                        .filter(|(_, v)| v.as_str() != "null")
                        .map(|(k, v)| (k.clone(), serde_json::from_str(v).unwrap_or(J::Null)))
                        .collect();
                    (
                        name.clone(),
                        Stub {
                            output: output.clone(),
                            values,
                        },
                    )
                })
                .collect(),
        )
    }
}

/// One thing the search can change.
#[derive(Debug, Clone)]
enum Knob {
    Attribute(String),
    Message,
    NewConversation,
    Output(String),
    Value(String, String),
    /// `now:`, among the clocks of [`Clocks`].
    Clock,
}

/// A knob's value: a string or absent; a Boolean; a stub value as JSON text.
type Setting = Option<String>;

/// What the search tries to reach: branch `.1` of the flow under test (`.0 == 0`) or of
/// the `.0`-th flow it calls ([`Search::called`], from 1).
pub type Goal = (usize, usize);

/// The goal of a called bot's recognition failure handling, which has no branch id.
pub const RECOGNITION_FAILURE: usize = usize::MAX;

/// The message the search sends as no match: no bot's answer, no flow's literal.
pub const NO_MATCH: &str = "x";

/// Most answers after the first message (a bot that asks again and again stops here).
const MAX_REPLIES: usize = 12;

/// An input found, the run it gave, and the branches it reached first.
#[derive(Debug, Clone)]
pub struct Found {
    pub input: Input,
    pub run: RunResult,
    pub new: Vec<Goal>,
    /// The knob changed to find it, rendered (`priority_tier = "gold"`), if any.
    pub changed: Option<String>,
}

/// The bounds of one flow's search.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    /// Most simulator runs.
    pub runs: usize,
    /// Wall-clock guard on top (only a very slow flow reaches it).
    pub time: Duration,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            runs: 20_000,
            time: Duration::from_secs(20),
        }
    }
}

pub struct Search<'a> {
    flow: &'a Flow,
    now: DateTime,
    deploy: &'a crate::deploy::Deploy,
    directory: &'a Directory,
    /// Where the flows its calls name are found; None: every call is stubbed.
    library: Option<&'a Library>,
    /// The flows the flow calls that the library finds (goals `(i + 1, _)`).
    pub called: Vec<Arc<Flow>>,
    /// What the customer can answer the called bots, then [`NO_MATCH`].
    replies: Vec<String>,
    knobs: Vec<(Knob, Vec<Setting>)>,
    pub base: Input,
    pub covered: BTreeSet<Goal>,
    all: BTreeSet<Goal>,
    seen: HashSet<Input>,
    pub runs: usize,
    budget: Budget,
    started: Instant,
    pub found: Vec<Found>,
    /// The bound stopped the search before it was done.
    pub exhausted: bool,
    stubbed: Vec<StubbedAction>,
    /// Per stubbed action, the plain value of each variable it sets.
    plain: BTreeMap<String, BTreeMap<String, String>>,
}

/// The flows `flow` calls that `library` finds, and every message they can take.
pub fn called_flows(flow: &Flow, library: Option<&Library>) -> (Vec<Arc<Flow>>, Vec<String>) {
    let called = library.map(|l| l.called_by(flow)).unwrap_or_default();
    let mut replies: Vec<String> = Vec::new();
    for f in &called {
        for r in f.customer_replies() {
            if !replies.contains(&r) {
                replies.push(r);
            }
        }
    }
    if called.iter().any(|f| f.asks()) && !replies.iter().any(|r| r == NO_MATCH) {
        replies.push(NO_MATCH.into());
    }
    (called, replies)
}

impl<'a> Search<'a> {
    #[allow(clippy::too_many_arguments)] // one call site; each part of the search's world
    pub fn new(
        flow: &'a Flow,
        library: Option<&'a Library>,
        stubbed: &[StubbedAction],
        pools: &Pools,
        covered: BTreeSet<usize>,
        clocks: &Clocks<'a>,
        directory: &'a Directory,
        budget: Budget,
    ) -> Self {
        // The actions the deploy decides are not stubbed: the clock decides them.
        let stubbed: Vec<StubbedAction> = stubbed
            .iter()
            .filter(|s| !clocks.decided.contains(&s.name))
            .cloned()
            .collect();
        let stubbed = &stubbed[..];
        let (called, replies) = called_flows(flow, library);
        let mut knobs = Vec::new();
        let mut attrs: Vec<(String, Vec<String>)> = Vec::new();
        for r in flow.attribute_reads() {
            match attrs.iter_mut().find(|(a, _)| *a == r.attribute) {
                Some((_, vars)) => vars.push(r.variable),
                None => attrs.push((r.attribute, vec![r.variable])),
            }
        }
        for (attr, vars) in attrs {
            let lits: Vec<Value> = vars.iter().flat_map(|v| pools.get(v).to_vec()).collect();
            let mut settings = strings(&lits);
            settings.extend(pools.json_strings().iter().filter_map(json_text));
            knobs.push((Knob::Attribute(attr), settings));
        }
        let mut messages = strings(pools.get("Message.Message.body"));
        // The first message is the bot's input text where the call passes it on.
        for r in &replies {
            if !messages.iter().any(|m| m.as_deref() == Some(r.as_str())) {
                messages.push(Some(r.clone()));
            }
        }
        knobs.push((Knob::Message, messages));
        knobs.push((Knob::NewConversation, vec![Some("false".into())]));
        let mut base = Input {
            new_conversation: true,
            now: clocks.clocks.first().copied(),
            ..Input::default()
        };
        if clocks.clocks.len() > 1 {
            knobs.push((
                Knob::Clock,
                clocks.clocks[1..]
                    .iter()
                    .map(|c| Some(c.to_string()))
                    .collect(),
            ));
        }
        let mut plain = BTreeMap::new();
        for s in stubbed {
            let first = s.outputs.first().cloned();
            // A data action that succeeds sets its outputs: each starts with a plain
            // value of its type, so later actions do not fail on NOT_SET.
            let values: BTreeMap<String, String> = s
                .sets
                .iter()
                .filter_map(|(var, ty)| Some((var.clone(), typical(var, ty, pools)?)))
                .collect();
            plain.insert(s.name.clone(), values);
            base.stubs.insert(s.name.clone(), (first, BTreeMap::new()));
            if s.outputs.len() > 1 {
                knobs.push((
                    Knob::Output(s.name.clone()),
                    s.outputs.iter().map(|o| Some(o.clone())).collect(),
                ));
            }
        }
        for s in stubbed {
            for (var, ty) in &s.sets {
                let mut settings: Vec<Setting> = vec![Some("null".into())];
                for v in pools.candidates(var, ty).unwrap_or_default() {
                    if let Some(j) = json_of(&v) {
                        settings.push(j);
                    }
                }
                if *ty == Type::String {
                    settings.extend(pools.json_strings().iter().filter_map(json_of));
                }
                if settings.len() <= 2 && pools.get(var).is_empty() && *ty != Type::String {
                    // Compared with nothing: absent or a plain value is all there is to try.
                    settings.truncate(1);
                }
                settings.dedup();
                knobs.push((Knob::Value(s.name.clone(), var.clone()), settings));
            }
        }
        let mut all: BTreeSet<Goal> = flow.branches().iter().map(|b| (0, b.id)).collect();
        for (i, f) in called.iter().enumerate() {
            all.extend(f.branches().iter().map(|b| (i + 1, b.id)));
            if f.kind().is_bot() && f.asks() {
                all.insert((i + 1, RECOGNITION_FAILURE));
            }
        }
        let mut search = Search {
            flow,
            now: clocks.now,
            deploy: clocks.deploy,
            directory,
            library,
            called,
            replies,
            knobs,
            base,
            covered: covered.into_iter().map(|b| (0, b)).collect(),
            all,
            seen: HashSet::new(),
            runs: 0,
            budget,
            started: Instant::now(),
            found: Vec::new(),
            exhausted: false,
            stubbed: stubbed.to_vec(),
            plain,
        };
        let mut base = std::mem::take(&mut search.base);
        search.fit(&mut base);
        search.base = base;
        search
    }

    /// `input` with each stub setting only what its output path assigns (Genesys
    /// assigns a data action's successOutputs only on success, its failureOutputs only
    /// on failure, nothing on timeout): a value the path cannot set is dropped, and a
    /// variable the path assigns that has no value gets the plain one the search
    /// starts from. So every generated stub is one the org can produce.
    fn fit(&self, input: &mut Input) {
        for s in &self.stubbed {
            let Some((output, values)) = input.stubs.get_mut(&s.name) else {
                continue;
            };
            values.retain(|var, _| s.assigns(var, output.as_deref()));
            for (var, value) in self.plain.get(&s.name).into_iter().flatten() {
                if s.assigns(var, output.as_deref()) && !values.contains_key(var) {
                    values.insert(var.clone(), value.clone());
                }
            }
        }
    }

    /// Stop searching for these branches (dead ones, ones no input controls); they
    /// still count when reached.
    pub fn give_up_on(&mut self, ids: impl IntoIterator<Item = usize>) {
        for id in ids {
            self.all.remove(&(0, id));
        }
    }

    /// Every goal: the flow's branches, the called flows' branches and recognition failures.
    pub fn goals(&self) -> &BTreeSet<Goal> {
        &self.all
    }

    /// The goals `run` reached.
    pub fn reached(&self, run: &RunResult) -> BTreeSet<Goal> {
        let mut out: BTreeSet<Goal> = run.hits.iter().map(|&b| (0, b)).collect();
        for (i, f) in self.called.iter().enumerate() {
            if let Some((_, hits)) = run
                .called
                .0
                .iter()
                .find(|(c, _)| c.file_name() == f.file_name())
            {
                out.extend(hits.iter().map(|&b| (i + 1, b)));
            }
            if f.recognition_failed_in(run) {
                out.insert((i + 1, RECOGNITION_FAILURE));
            }
        }
        out
    }

    /// Run the flow for `input`; None when the simulation cannot finish.
    pub fn run(&self, input: &Input) -> Option<RunResult> {
        self.run_at(input, self.now)
    }

    /// [`Search::run`] with another clock.
    pub fn run_at(&self, input: &Input, now: DateTime) -> Option<RunResult> {
        let stubs = input.stubs();
        // A case with `now:` runs at its clock whenever `test` runs it.
        let now = input.now.map_or(now, DateTime);
        let mut ri = RunInput::new(CONVERSATION_ID, &stubs, self.directory, now);
        ri.deploy = self.deploy;
        ri.attributes = input
            .attributes
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        ri.message_body = input.message.clone();
        ri.is_new_conversation = input.new_conversation;
        let conversation = input.conversation();
        ri.conversation = &conversation;
        ri.library = self.library;
        self.flow.run(&ri).ok()
    }

    fn done(&self) -> bool {
        self.all.is_subset(&self.covered)
    }

    fn out_of_budget(&mut self) -> bool {
        if self.runs >= self.budget.runs || self.started.elapsed() >= self.budget.time {
            self.exhausted = true;
        }
        self.exhausted
    }

    /// Try one input: a case when it reaches something new.
    fn try_input(&mut self, input: Input, changed: Option<String>) -> bool {
        if !self.seen.insert(input.clone()) || self.out_of_budget() {
            return false;
        }
        self.runs += 1;
        let Some(run) = self.run(&input) else {
            return false;
        };
        let new: Vec<Goal> = self
            .reached(&run)
            .difference(&self.covered)
            .copied()
            .collect();
        if new.is_empty() {
            // A bot asking again after no match is on its way to its no-match handling:
            // carried on, though it reached nothing new yet.
            let last = input.replies.last().or(input.message.as_ref());
            return matches!(run.route, Route::Waiting(_))
                && last.is_some_and(|m| m == NO_MATCH)
                && !self.called.is_empty();
        }
        self.covered.extend(&new);
        self.found.push(Found {
            input,
            run,
            new,
            changed,
        });
        true
    }

    /// Search until every branch is reached or the bound is spent.
    pub fn search(&mut self) {
        self.try_input(self.base.clone(), None);
        // Depth first over single changes, from the base and from every input that
        // reached something new.
        let mut stack = vec![self.base.clone()];
        while let Some(from) = stack.pop() {
            let ran = self.run(&from);
            for k in 0..self.knobs.len() {
                if !self.matters(k, ran.as_ref()) {
                    continue;
                }
                for s in 0..self.knobs[k].1.len() {
                    if self.done() || self.out_of_budget() {
                        return;
                    }
                    let (next, changed) = self.apply(&from, k, s);
                    if self.try_input(next.clone(), Some(changed)) {
                        stack.push(next);
                    }
                }
            }
            // A bot waiting on an answer: each message it can take next.
            if from.message.is_none() || from.replies.len() >= MAX_REPLIES {
                continue;
            }
            if !ran
                .as_ref()
                .is_some_and(|r| matches!(r.route, Route::Waiting(_)))
            {
                continue;
            }
            for r in self.replies.clone() {
                if self.done() || self.out_of_budget() {
                    return;
                }
                let mut next = from.clone();
                next.replies.push(r);
                let changed = format!("messages {}", shown_messages(&next));
                if self.try_input(next.clone(), Some(changed)) {
                    stack.push(next);
                }
            }
        }
        // Pairs of changes, from the base and every case found.
        let mut froms = vec![self.base.clone()];
        froms.extend(self.found.iter().map(|f| f.input.clone()));
        for from in froms {
            let ran = self.run(&from);
            for a in 0..self.knobs.len() {
                if !self.matters(a, ran.as_ref()) {
                    continue;
                }
                for b in a + 1..self.knobs.len() {
                    for sa in 0..self.knobs[a].1.len() {
                        let (mid, ca) = self.apply(&from, a, sa);
                        for sb in 0..self.knobs[b].1.len() {
                            if self.done() || self.out_of_budget() {
                                return;
                            }
                            let (next, cb) = self.apply(&mid, b, sb);
                            self.try_input(next, Some(format!("{ca}, {cb}")));
                        }
                    }
                }
            }
        }
    }

    /// Whether changing knob `k` can change the run `ran`: a stub's output or values
    /// only matter to a run that executed the action (a bot's conversation reaches its
    /// data action on few paths, and each stub value is a run per case otherwise).
    fn matters(&self, k: usize, ran: Option<&RunResult>) -> bool {
        let action = match &self.knobs[k].0 {
            Knob::Output(a) | Knob::Value(a, _) => a,
            _ => return true,
        };
        ran.is_none_or(|r| r.trace.iter().any(|step| &step.name == action))
    }

    /// `from` with knob `k` set to its `s`-th value, and that change in words.
    fn apply(&self, from: &Input, k: usize, s: usize) -> (Input, String) {
        let (knob, settings) = &self.knobs[k];
        let setting = settings[s].clone();
        let mut next = from.clone();
        let shown = |v: &Setting| {
            v.as_ref()
                .map_or("absent".to_string(), |v| format!("{v:?}"))
        };
        let changed = match knob {
            Knob::Attribute(a) => {
                match &setting {
                    Some(v) => next.attributes.insert(a.clone(), v.clone()),
                    None => next.attributes.remove(a),
                };
                format!("{a} {}", shown(&setting))
            }
            Knob::Message => {
                next.message = setting.clone();
                format!("message {}", shown(&setting))
            }
            Knob::NewConversation => {
                next.new_conversation = setting.as_deref() != Some("false");
                "returning conversation".to_string()
            }
            Knob::Output(action) => {
                if let Some(e) = next.stubs.get_mut(action) {
                    e.0 = setting.clone();
                }
                format!("stub output {}", setting.as_deref().unwrap_or(""))
            }
            Knob::Clock => {
                next.now = setting.as_deref().and_then(|c| c.parse().ok());
                format!(
                    "now {}",
                    next.now.map(super::clocks::rfc3339).unwrap_or_default()
                )
            }
            Knob::Value(action, var) => {
                let json = setting.clone().unwrap_or_else(|| "null".into());
                if let Some(e) = next.stubs.get_mut(action) {
                    e.1.insert(var.clone(), json.clone());
                }
                match json.as_str() {
                    "null" => format!("\"{action}\" leaves {var} out"),
                    _ => format!("\"{action}\" sets {var} = {json}"),
                }
            }
        };
        self.fit(&mut next);
        (next, changed)
    }
}

/// `"hi", "Cancel my order"`: the messages of `input` in order.
fn shown_messages(input: &Input) -> String {
    input
        .message
        .iter()
        .chain(&input.replies)
        .map(|m| format!("{m:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// String candidates for an attribute or the message: absent first.
fn strings(lits: &[Value]) -> Vec<Setting> {
    expand(lits, &Type::String)
        .unwrap_or_default()
        .into_iter()
        .map(|v| match v {
            Value::String(s) => Some(s),
            _ => None,
        })
        .collect()
}

/// A string candidate as an attribute value.
fn json_text(v: &Value) -> Option<Setting> {
    match v {
        Value::String(s) => Some(Some(s.clone())),
        _ => None,
    }
}

/// A candidate as a stub value's JSON text (`null`: NOT_SET).
fn json_of(v: &Value) -> Option<Setting> {
    let j = match v {
        Value::NotSet(_) => J::Null,
        Value::String(s) => J::String(s.clone()),
        Value::Integer(n) => J::from(*n),
        Value::Decimal(d) => serde_json::Number::from_f64(*d).map(J::Number)?,
        Value::Boolean(b) => J::Bool(*b),
        _ => return None,
    };
    Some(Some(j.to_string()))
}

/// A plain value of `ty` for a variable a stub sets, as JSON text: its name's last part
/// for strings and entities (a queue found by name), 1, true, the flow's JSON shape.
fn typical(var: &str, ty: &Type, pools: &Pools) -> Option<String> {
    let short = var.rsplit('.').next().unwrap_or(var);
    let j = match ty {
        Type::String => J::String(short.to_owned()),
        Type::Integer => J::from(1),
        Type::Decimal => J::from(1.0),
        Type::Boolean => J::Bool(true),
        Type::Json => serde_json::from_str(&pools.json_shape()).ok()?,
        t if t.is_entity() => J::String(short.to_owned()),
        _ => return None,
    };
    Some(j.to_string())
}
