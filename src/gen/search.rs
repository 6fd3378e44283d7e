//! The search for inputs: start from a plain new conversation (no attributes, no
//! message, every stubbed action on its first output), then change one input at a time
//! to each of its candidate values, re-running the flow with the real simulator; an
//! input that reaches a branch nothing reached before becomes a case and is searched
//! from in turn (depth first). Pairs of changes follow for what single changes miss.
//! Bounded by a number of runs, so the result does not depend on the machine.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::time::{Duration, Instant};

use serde_json::Value as J;

use crate::conversation::synthetic::CONVERSATION_ID;
use crate::expr::{DateTime, Directory, Type, Value};
use crate::flow::probe::StubbedAction;
use crate::flow::{Flow, RunInput, RunResult, Stub, Stubs};

use super::candidates::{Pools, expand};
use super::clocks::Clocks;

/// What a case without a recording can set.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Input {
    /// Participant attributes (absent ones are not listed).
    pub attributes: BTreeMap<String, String>,
    /// `message:`.
    pub message: Option<String>,
    /// `new_conversation:`.
    pub new_conversation: bool,
    /// Per stubbed action: its output and the values it sets (JSON text, `null` NOT_SET).
    pub stubs: BTreeMap<String, (Option<String>, BTreeMap<String, String>)>,
    /// `now:` (ms): set when the deploy decides a schedule action of the flow.
    pub now: Option<i64>,
}

impl Input {
    /// As the simulator's stubs.
    pub fn stubs(&self) -> Stubs {
        Stubs(
            self.stubs
                .iter()
                .map(|(name, (output, values))| {
                    let values = values
                        .iter()
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

/// An input found, the run it gave, and the branches it reached first.
#[derive(Debug, Clone)]
pub struct Found {
    pub input: Input,
    pub run: RunResult,
    pub new: Vec<usize>,
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
    knobs: Vec<(Knob, Vec<Setting>)>,
    pub base: Input,
    pub covered: BTreeSet<usize>,
    all: BTreeSet<usize>,
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

impl<'a> Search<'a> {
    pub fn new(
        flow: &'a Flow,
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
        knobs.push((Knob::Message, strings(pools.get("Message.Message.body"))));
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
        let all = flow.branches().iter().map(|b| b.id).collect();
        let mut search = Search {
            flow,
            now: clocks.now,
            deploy: clocks.deploy,
            directory,
            knobs,
            base,
            covered,
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
            self.all.remove(&id);
        }
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
        let new: Vec<usize> = run.hits.difference(&self.covered).copied().collect();
        if new.is_empty() {
            return false;
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
            for k in 0..self.knobs.len() {
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
        }
        // Pairs of changes, from the base and every case found.
        let mut froms = vec![self.base.clone()];
        froms.extend(self.found.iter().map(|f| f.input.clone()));
        for from in froms {
            for a in 0..self.knobs.len() {
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
                format!("\"{action}\" sets {var} = {json}")
            }
        };
        self.fit(&mut next);
        (next, changed)
    }
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
