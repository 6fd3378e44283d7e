//! Running a loaded flow for one conversation: actions in order, decisions and switches
//! on evaluated expressions, loops and tasks, and stubs for everything that reaches
//! outside the flow. A runtime expression error follows the flow's error handling.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::diag::SourceDiagnostic;
use crate::expr::{DateTime, Directory, Entity, EvalContext, Type, Value, Vars};
use crate::source::Location;

use super::Flow;
use super::archy::expr_diagnostic;
use super::model::*;

/// Architect's action limit: at most this many actions per flow invocation, then the
/// flow's error handling (help.mypurecloud.com/?p=20587; docs/fidelity.md).
pub const DEFAULT_MAX_STEPS: usize = 10_000;
/// The actions error handling may run once the action limit is reached; past them
/// the conversation is disconnected silently.
pub const ERROR_HANDLING_STEPS: usize = 1_000;
/// How deeply tasks may call tasks.
const MAX_TASK_DEPTH: usize = 64;

/// What a stubbed action does: which output path it takes and the values it sets.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Stub {
    /// The output path (`success`, `failure`, `timeout`, `found`, `active`, …); omitted
    /// for single-path actions such as callBotFlow and callCommonModule.
    #[serde(default)]
    pub output: Option<String>,
    /// Variables the action sets, e.g. `State.OrderStatus: shipped`.
    #[serde(default)]
    pub values: BTreeMap<String, serde_json::Value>,
}

/// Stubs keyed by action name (every action of that name uses it).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(transparent)]
pub struct Stubs(pub BTreeMap<String, Stub>);

impl Stubs {
    /// These stubs with `over`'s entries replacing same-named ones (file, then case).
    pub fn merged(&self, over: &Stubs) -> Stubs {
        let mut m = self.0.clone();
        m.extend(over.0.iter().map(|(k, v)| (k.clone(), v.clone())));
        Stubs(m)
    }
}

/// One conversation to run the flow for.
#[derive(Debug, Clone)]
pub struct RunInput<'a> {
    /// `Message.ConversationId`.
    pub conversation_id: String,
    /// The customer participant's attributes (what Get Participant Data reads).
    pub attributes: BTreeMap<String, String>,
    /// `Message.Message.body`; None reads NOT_SET.
    pub message_body: Option<String>,
    /// `Message.Message.senderAddress`.
    pub sender_address: Option<String>,
    /// `Message.IsNewConversation` (default true).
    pub is_new_conversation: bool,
    /// `Message.Language`.
    pub language: Option<String>,
    /// `Message.IsAuthenticated`.
    pub is_authenticated: Option<bool>,
    /// `Message.ExternalTag`.
    pub external_tag: Option<String>,
    /// Outcomes of actions that reach outside the flow.
    pub stubs: &'a Stubs,
    /// Queue/user/skill lookups for expressions such as `FindQueueById`.
    pub directory: &'a Directory,
    /// The clock.
    pub now: DateTime,
    /// The action limit: the most actions one run may execute before error handling.
    pub max_steps: usize,
    /// Data tables for Data Table Lookup.
    pub tables: &'a super::tables::Tables,
}

impl<'a> RunInput<'a> {
    /// An input with no attributes, a new conversation, and the default step limit.
    pub fn new(
        conversation_id: impl Into<String>,
        stubs: &'a Stubs,
        directory: &'a Directory,
        now: DateTime,
    ) -> Self {
        RunInput {
            conversation_id: conversation_id.into(),
            attributes: BTreeMap::new(),
            message_body: None,
            sender_address: None,
            is_new_conversation: true,
            language: None,
            is_authenticated: None,
            external_tag: None,
            stubs,
            directory,
            now,
            max_steps: DEFAULT_MAX_STEPS,
            tables: &super::tables::NO_TABLES,
        }
    }
}

/// Where the conversation ended up.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Route {
    /// Transferred to an ACD queue.
    Queue(QueueRoute),
    /// The flow disconnected (explicitly, or by running out of actions).
    Disconnect,
    /// Transferred somewhere other than an ACD queue (a flow, a user, a group, a number).
    Transfer(TransferRoute),
    /// A runtime error sent the flow to its error handling.
    Error {
        /// The error, lowercase.
        message: String,
        /// Where it was raised in the flow file.
        location: Location,
        /// What the flow's error handling did.
        then: Box<Route>,
    },
}

/// A transfer to ACD as the flow configured it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueueRoute {
    /// Queue name.
    pub name: String,
    /// Queue id, where known (a `FindQueueById` result or a directory entry).
    pub id: Option<String>,
    /// ACD skill names.
    pub skills: Vec<String>,
    /// Priority, where set.
    pub priority: Option<i64>,
    /// Preferred agents, rendered (`user (score)`).
    pub preferred_agents: Vec<String>,
    /// Language skill, where set.
    pub language_skill: Option<String>,
    /// Direct agent, where set.
    pub direct_agent: Option<String>,
}

/// A transfer that is not to an ACD queue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TransferRoute {
    /// `flow`, `user`, `group` or `number` (from `transferToFlow`, …).
    pub to: String,
    /// The target's name (or number), as the flow gave it.
    pub target: String,
}

/// One action executed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    /// The action's `name:`.
    pub name: String,
    /// The Archy action kind.
    pub kind: String,
    /// Where it is in the flow file.
    pub location: Location,
    /// What it did: variable assignments, the evaluated condition, the stub used.
    pub detail: Option<String>,
    /// For branching actions: the path taken (`yes`, `case 2`, `default`, `success`).
    pub branch: Option<String>,
    /// Task nesting depth (0 in a state).
    pub depth: usize,
}

/// A screen pop the flow set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScreenPop {
    /// The script's name.
    pub script: String,
    /// Its inputs, rendered.
    pub inputs: BTreeMap<String, String>,
}

/// The outcome of one run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunResult {
    /// Where the conversation went.
    pub route: Route,
    /// Every Send Response text, in order.
    pub responses: Vec<String>,
    /// What Set Participant Data set (last value per name).
    pub participant_data: BTreeMap<String, String>,
    /// Screen pops set.
    pub screen_pops: Vec<ScreenPop>,
    /// Every action executed, in order.
    pub trace: Vec<Step>,
    /// Branch ids reached (see [`Flow::branches`]).
    pub hits: BTreeSet<usize>,
}

/// Why a run could not be completed: the simulation itself, not the flow, is stuck.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SimErrorKind {
    /// An external action has no stub.
    MissingStub,
    /// A stub names an output or variable the action does not have, or a bad value.
    BadStub,
    /// The loop guard stopped a runaway flow.
    StepLimit,
    /// Something the model cannot run (end task outside a task, task recursion too deep).
    Unsupported,
}

/// A run that could not complete, located in the flow file, with the path so far.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}", .diagnostic.message)]
pub struct SimError {
    /// What kind of problem.
    pub kind: SimErrorKind,
    /// The located message.
    pub diagnostic: Box<SourceDiagnostic>,
    /// The actions executed before it stopped.
    pub trace: Vec<Step>,
}

enum Ctl {
    Next,
    LoopNext,
    LoopExit,
    EndTask(String),
    ChangeState(usize),
    Done(Route),
}

enum Stop {
    Runtime(Box<SourceDiagnostic>),
    Sim(SimErrorKind, Box<SourceDiagnostic>),
}

pub(crate) struct Sim<'f, 'i> {
    flow: &'f Flow,
    input: &'f RunInput<'i>,
    vars: Vars,
    steps: usize,
    depth: usize,
    result: RunResult,
}

impl<'f, 'i> Sim<'f, 'i> {
    pub fn new(flow: &'f Flow, input: &'f RunInput<'i>) -> Self {
        Sim {
            flow,
            input,
            vars: Vars::new(),
            steps: 0,
            depth: 0,
            result: RunResult {
                route: Route::Disconnect,
                responses: Vec::new(),
                participant_data: BTreeMap::new(),
                screen_pops: Vec::new(),
                trace: Vec::new(),
                hits: BTreeSet::new(),
            },
        }
    }

    pub fn run(mut self) -> Result<RunResult, SimError> {
        self.builtins();
        let outcome = self.run_states();
        let route = match outcome {
            Ok(route) => route,
            Err(Stop::Runtime(d)) => self.error_route(&d)?,
            Err(Stop::Sim(kind, diagnostic)) => {
                return Err(SimError {
                    kind,
                    diagnostic,
                    trace: self.result.trace,
                });
            }
        };
        self.result.route = route;
        Ok(self.result)
    }

    fn builtins(&mut self) {
        let i = self.input;
        let s = |v: &Option<String>| v.clone().map_or(Value::NotSet(Type::String), Value::String);
        self.vars.set(
            "Message.ConversationId",
            Value::String(i.conversation_id.clone()),
        );
        self.vars.set(
            "Message.IsNewConversation",
            Value::Boolean(i.is_new_conversation),
        );
        self.vars.set("Message.Message.body", s(&i.message_body));
        self.vars
            .set("Message.Message.senderAddress", s(&i.sender_address));
        self.vars.set("Message.Language", s(&i.language));
        self.vars.set(
            "Message.IsAuthenticated",
            i.is_authenticated
                .map_or(Value::NotSet(Type::Boolean), Value::Boolean),
        );
        self.vars.set("Message.ExternalTag", s(&i.external_tag));
    }

    fn run_states(&mut self) -> Result<Route, Stop> {
        self.init_vars(&self.flow.loaded.flow_vars)?;
        let mut state = self.flow.loaded.start;
        loop {
            let Some(unit) = self.flow.loaded.states.get(state) else {
                return Err(self.sim_at(SimErrorKind::Unsupported, 0, "state index out of range"));
            };
            self.init_vars(&unit.vars)?;
            match self.block(&unit.actions)? {
                Ctl::Next => {
                    let at = unit.at;
                    self.push_step(
                        "end of state",
                        "disconnect",
                        at,
                        Some("the state ran out of actions: the flow disconnects".into()),
                        None,
                    );
                    return Ok(Route::Disconnect);
                }
                Ctl::ChangeState(next) => state = next,
                Ctl::Done(route) => return Ok(route),
                Ctl::EndTask(_) | Ctl::LoopNext | Ctl::LoopExit => {
                    return Err(self.sim_at(
                        SimErrorKind::Unsupported,
                        unit.at,
                        "end task, loop next or loop exit ran outside a task or loop",
                    ));
                }
            }
        }
    }

    fn init_vars(&mut self, vars: &[VarInit]) -> Result<(), Stop> {
        for v in vars {
            let value = self.eval(&v.init)?;
            self.vars.set(&v.target.name, value);
        }
        Ok(())
    }

    fn error_route(&mut self, d: &SourceDiagnostic) -> Result<Route, SimError> {
        let location = d.file.location(d.span.0);
        let then = match &self.flow.loaded.error_handling {
            ErrorHandling::Disconnect => Route::Disconnect,
            ErrorHandling::Transfer(t) => match self.transfer(t) {
                Ok(r) => r,
                Err(Stop::Runtime(_)) => Route::Disconnect,
                Err(Stop::Sim(kind, diagnostic)) => {
                    return Err(SimError {
                        kind,
                        diagnostic,
                        trace: std::mem::take(&mut self.result.trace),
                    });
                }
            },
        };
        self.result.trace.push(Step {
            name: "error handling".into(),
            kind: "settingsErrorHandling".into(),
            location: location.clone(),
            detail: Some(d.message.clone()),
            branch: Some(route_summary(&then)),
            depth: 0,
        });
        Ok(Route::Error {
            message: d.message.clone(),
            location,
            then: Box::new(then),
        })
    }

    fn sim_diag(&self, kind: &SimErrorKind, at: usize, msg: impl Into<String>) -> SourceDiagnostic {
        let end = (at + 1).min(self.flow.file.text.len().max(at));
        SourceDiagnostic::error(&self.flow.file, (at, end), msg).with_code(match kind {
            SimErrorKind::MissingStub => "routecheck::flow::missing-stub",
            SimErrorKind::BadStub => "routecheck::flow::bad-stub",
            SimErrorKind::StepLimit => "routecheck::flow::step-limit",
            SimErrorKind::Unsupported => "routecheck::flow::unsupported",
        })
    }

    fn sim_at(&self, kind: SimErrorKind, at: usize, msg: impl Into<String>) -> Stop {
        let d = self.sim_diag(&kind, at, msg);
        Stop::Sim(kind, Box::new(d))
    }

    fn runtime_at(&self, at: usize, msg: impl Into<String>) -> Stop {
        let end = (at + 1).min(self.flow.file.text.len().max(at));
        Stop::Runtime(Box::new(
            SourceDiagnostic::error(&self.flow.file, (at, end), msg)
                .with_code("routecheck::flow::runtime"),
        ))
    }

    fn push_step(
        &mut self,
        name: &str,
        kind: &str,
        at: usize,
        detail: Option<String>,
        branch: Option<String>,
    ) {
        let location = self.flow.location(at);
        self.result.trace.push(Step {
            name: name.to_string(),
            kind: kind.to_string(),
            location,
            detail,
            branch,
            depth: self.depth,
        });
    }

    /// Count one action against Architect's action limit; past it the flow goes to
    /// its error handling (entering a task does not count, each action does).
    fn tick(&mut self, at: usize) -> Result<(), Stop> {
        self.steps += 1;
        if self.steps > self.input.max_steps {
            return Err(self.runtime_at(
                at,
                format!(
                    "the flow reached Architect's limit of {} actions in one run",
                    self.input.max_steps
                ),
            ));
        }
        Ok(())
    }

    fn eval(&self, v: &Val) -> Result<Value, Stop> {
        match &v.kind {
            ValKind::Lit(value) => Ok(self.resolve_entity(value.clone())),
            ValKind::NoValue(t) => Ok(Value::NotSet(t.clone())),
            ValKind::Exp { compiled, offsets } => {
                let cx = EvalContext {
                    vars: &self.vars,
                    now: self.input.now,
                    directory: self.input.directory,
                };
                compiled.eval(&cx).map_err(|e| {
                    Stop::Runtime(Box::new(expr_diagnostic(&self.flow.file, &e, offsets)))
                })
            }
        }
    }

    /// A literal queue named in the flow gets its id from the directory, where listed.
    fn resolve_entity(&self, v: Value) -> Value {
        match v {
            Value::Entity(Type::Queue, Entity { id: None, name }) => {
                let id = self
                    .input
                    .directory
                    .queues
                    .iter()
                    .find(|(_, n)| **n == name)
                    .map(|(id, _)| id.clone());
                Value::Entity(Type::Queue, Entity { id, name })
            }
            other => other,
        }
    }

    fn block(&mut self, actions: &[Action]) -> Result<Ctl, Stop> {
        for a in actions {
            self.tick(a.at)?;
            match super::deep(|| self.action(a))? {
                Ctl::Next => {}
                other => return Ok(other),
            }
        }
        Ok(Ctl::Next)
    }

    fn action(&mut self, a: &Action) -> Result<Ctl, Stop> {
        let step = |s: &mut Self, detail: Option<String>, branch: Option<String>| {
            s.push_step(&a.name, &a.kind, a.at, detail, branch)
        };
        match &a.body {
            Body::GetParticipantData(attrs) => {
                let mut details = Vec::new();
                for (name_val, target) in attrs {
                    let name = self.eval(name_val)?;
                    let Value::String(name) = name else {
                        return Err(self.runtime_at(name_val.at, "the attribute name is NOT_SET"));
                    };
                    let value = match self.input.attributes.get(&name) {
                        Some(v) => Value::String(v.clone()),
                        None => Value::NotSet(Type::String),
                    };
                    details.push(format!(
                        "{} = {} (attribute `{name}`)",
                        target.name,
                        show(&value)
                    ));
                    self.vars.set(&target.name, value);
                }
                step(self, Some(details.join("; ")), None);
                Ok(Ctl::Next)
            }
            Body::SetParticipantData(attrs) => {
                let mut details = Vec::new();
                for (n, v) in attrs {
                    let Value::String(name) = self.eval(n)? else {
                        return Err(self.runtime_at(n.at, "the attribute name is NOT_SET"));
                    };
                    let value = self.eval(v)?;
                    if value.is_not_set() {
                        details.push(format!("{name} not set (value is NOT_SET)"));
                        continue;
                    }
                    details.push(format!("{name} = {}", show(&value)));
                    self.result.participant_data.insert(name, value.to_string());
                }
                step(self, Some(details.join("; ")), None);
                Ok(Ctl::Next)
            }
            Body::UpdateData(stmts) => {
                let mut details = Vec::new();
                for (target, v) in stmts {
                    let value = self.eval(v)?;
                    details.push(format!("{} = {}", target.name, show(&value)));
                    self.vars.set(&target.name, value);
                }
                step(self, Some(details.join("; ")), None);
                Ok(Ctl::Next)
            }
            Body::Decision {
                cond,
                yes,
                no,
                branches,
            } => {
                let b = match self.eval(cond)? {
                    Value::Boolean(b) => b,
                    other => {
                        return Err(self.runtime_at(
                            cond.at,
                            format!(
                                "the decision condition is {}, not true or false",
                                show(&other)
                            ),
                        ));
                    }
                };
                let (label, id, actions) = if b {
                    ("yes", branches[0], yes)
                } else {
                    ("no", branches[1], no)
                };
                self.result.hits.insert(id);
                step(self, Some(format!("condition = {b}")), Some(label.into()));
                self.block(actions)
            }
            Body::Switch {
                subject,
                cases,
                default,
                default_branch,
            } => {
                let subject_value = match subject {
                    Some(s) => {
                        let v = self.eval(s)?;
                        if v.is_not_set() {
                            return Err(self.runtime_at(s.at, "the switch expression is NOT_SET"));
                        }
                        Some(v)
                    }
                    None => None,
                };
                for (i, (v, actions, id)) in cases.iter().enumerate() {
                    let value = self.eval(v)?;
                    let taken = match &subject_value {
                        Some(sv) => *sv == value,
                        None => match value {
                            Value::Boolean(b) => b,
                            other => {
                                return Err(self.runtime_at(
                                    v.at,
                                    format!(
                                        "switch case {} is {}, not true or false",
                                        i + 1,
                                        show(&other)
                                    ),
                                ));
                            }
                        },
                    };
                    if taken {
                        self.result.hits.insert(*id);
                        let detail = match &subject_value {
                            Some(sv) => format!("value = {} matches case {}", show(sv), i + 1),
                            None => match &v.kind {
                                ValKind::Exp { compiled, .. } => {
                                    format!(
                                        "{} is true",
                                        compiled
                                            .source()
                                            .split_whitespace()
                                            .collect::<Vec<_>>()
                                            .join(" ")
                                    )
                                }
                                _ => format!("case {} is true", i + 1),
                            },
                        };
                        step(self, Some(detail), Some(format!("case {}", i + 1)));
                        return self.block(actions);
                    }
                }
                self.result.hits.insert(*default_branch);
                let detail = match &subject_value {
                    Some(sv) => format!("value = {} matches no case", show(sv)),
                    None => "no case is true".to_string(),
                };
                step(self, Some(detail), Some("default".into()));
                self.block(default)
            }
            Body::Loop { count, index, body } => {
                let n = match self.eval(count)? {
                    Value::Integer(n) => n.max(0),
                    other => {
                        return Err(self
                            .runtime_at(count.at, format!("the loop count is {}", show(&other))));
                    }
                };
                step(self, Some(format!("loop count = {n}")), None);
                for i in 0..n {
                    if i > 0 {
                        self.tick(a.at)?;
                    }
                    if let Some(t) = index {
                        self.vars.set(&t.name, Value::Integer(i));
                    }
                    match self.block(body)? {
                        Ctl::Next | Ctl::LoopNext => {}
                        Ctl::LoopExit => break,
                        other => return Ok(other),
                    }
                }
                Ok(Ctl::Next)
            }
            Body::LoopNext => {
                step(self, None, None);
                Ok(Ctl::LoopNext)
            }
            Body::LoopExit => {
                step(self, None, None);
                Ok(Ctl::LoopExit)
            }
            Body::CallTask { task, outputs } => {
                let Some(unit) = self.flow.loaded.tasks.get(*task) else {
                    return Err(self.sim_at(
                        SimErrorKind::Unsupported,
                        a.at,
                        "task index out of range",
                    ));
                };
                step(self, Some(format!("task \"{}\"", unit.name)), None);
                if self.depth >= MAX_TASK_DEPTH {
                    return Err(self.sim_at(
                        SimErrorKind::Unsupported,
                        a.at,
                        format!("tasks call each other more than {MAX_TASK_DEPTH} deep"),
                    ));
                }
                self.init_vars(&unit.vars)?;
                self.depth += 1;
                let ctl = self.block(&unit.actions);
                self.depth -= 1;
                let path = match ctl? {
                    Ctl::Next => "default".to_string(),
                    Ctl::EndTask(p) => p,
                    Ctl::LoopNext | Ctl::LoopExit => {
                        return Err(self.sim_at(
                            SimErrorKind::Unsupported,
                            unit.at,
                            "loop next or loop exit ran outside a loop",
                        ));
                    }
                    other => return Ok(other),
                };
                match outputs.iter().find(|(n, _)| *n == path) {
                    Some((_, actions)) => self.block(actions),
                    None => Ok(Ctl::Next),
                }
            }
            Body::EndTask(path) => {
                step(self, None, Some(path.clone()));
                Ok(Ctl::EndTask(path.clone()))
            }
            Body::ChangeState(s) => {
                let name = self
                    .flow
                    .loaded
                    .states
                    .get(*s)
                    .map(|u| u.name.clone())
                    .unwrap_or_default();
                step(self, Some(format!("to state \"{name}\"")), None);
                Ok(Ctl::ChangeState(*s))
            }
            Body::SendResponse(v) => {
                let text = match self.eval(v)? {
                    Value::String(s) => s,
                    other if other.is_not_set() => {
                        return Err(self.runtime_at(v.at, "the message body is NOT_SET"));
                    }
                    other => other.to_string(),
                };
                step(self, Some(format!("{text:?}")), None);
                self.result.responses.push(text);
                Ok(Ctl::Next)
            }
            Body::Transfer(t) => {
                let route = self.transfer(t)?;
                step(self, Some(route_summary(&route)), None);
                Ok(Ctl::Done(route))
            }
            Body::Disconnect => {
                step(self, None, None);
                Ok(Ctl::Done(Route::Disconnect))
            }
            Body::ScreenPop { script, inputs } => {
                let mut rendered = BTreeMap::new();
                for (k, v) in inputs {
                    rendered.insert(k.clone(), self.eval(v)?.to_string());
                }
                step(self, Some(format!("script \"{script}\"")), None);
                self.result.screen_pops.push(ScreenPop {
                    script: script.clone(),
                    inputs: rendered,
                });
                Ok(Ctl::Next)
            }
            Body::External(ext) => self.external(a, ext),
            Body::TableLookup(t) => self.table_lookup(a, t),
            Body::TransferOther(t) => {
                let target = match (&t.target, &t.target_name) {
                    (Some(v), _) => match self.eval(v)? {
                        Value::Entity(_, e) => e.name,
                        other if other.is_not_set() => {
                            return Err(self.runtime_at(v.at, "the transfer's target is NOT_SET"));
                        }
                        other => other.to_string(),
                    },
                    (None, Some(n)) => n.clone(),
                    (None, None) => String::new(),
                };
                let route = Route::Transfer(TransferRoute {
                    to: t.to.clone(),
                    target,
                });
                step(self, Some(route_summary(&route)), None);
                Ok(Ctl::Done(route))
            }
            Body::Record(values) => {
                let mut shown = Vec::new();
                for v in values {
                    shown.push(show(&self.eval(v)?));
                }
                let detail = (!shown.is_empty())
                    .then(|| format!("no effect on routing ({})", shown.join(", ")));
                step(self, detail.or(Some("no effect on routing".into())), None);
                Ok(Ctl::Next)
            }
        }
    }

    /// The stub for an action: one addressed to it by line (`NAME@LINE`), else the
    /// one keyed by its name (load-time checks make that one unambiguous).
    fn stub_for(&self, a: &Action) -> Option<&'i Stub> {
        let line = self.flow.line_col(a.at).0;
        let stubs = self.input.stubs;
        stubs
            .0
            .get(&format!("{}@{line}", a.name))
            .or_else(|| stubs.0.get(&a.name))
    }

    fn transfer(&mut self, t: &Transfer) -> Result<Route, Stop> {
        let queue = match self.eval(&t.queue)? {
            Value::Entity(_, e) => e,
            Value::String(name) => Entity { id: None, name },
            other => {
                return Err(self.runtime_at(
                    t.queue.at,
                    format!("the transfer's target queue is {}", show(&other)),
                ));
            }
        };
        let mut skills = Vec::new();
        for s in &t.skills {
            let v = self.eval(s)?;
            if !v.is_not_set() {
                skills.push(v.to_string());
            }
        }
        let priority = match &t.priority {
            Some(p) => match self.eval(p)? {
                Value::Integer(i) => Some(i),
                _ => None,
            },
            None => None,
        };
        let preferred_agents = match &t.preferred {
            Some(p) => match self.eval(p)? {
                Value::List(_, items) => items.iter().map(ToString::to_string).collect(),
                _ => Vec::new(),
            },
            None => Vec::new(),
        };
        let opt = |s: &Self, v: &Option<Val>| -> Result<Option<String>, Stop> {
            Ok(match v {
                Some(v) => Some(s.eval(v)?)
                    .filter(|v| !v.is_not_set())
                    .map(|v| v.to_string()),
                None => None,
            })
        };
        let language_skill = opt(self, &t.language_skill)?;
        let direct_agent = opt(self, &t.direct_agent)?;
        Ok(Route::Queue(QueueRoute {
            name: queue.name,
            id: queue.id,
            skills,
            priority,
            preferred_agents,
            language_skill,
            direct_agent,
        }))
    }

    fn external(&mut self, a: &Action, ext: &External) -> Result<Ctl, Stop> {
        for v in &ext.inputs {
            self.eval(v)?;
        }
        self.stubbed(a, &ext.sets, &ext.outputs)
    }

    /// Run a table lookup from the rules file's tables, unless a stub addresses it.
    fn table_lookup(&mut self, a: &Action, t: &TableLookup) -> Result<Ctl, Stop> {
        let key = self.eval(&t.key)?;
        if self.stub_for(a).is_some() {
            let sets: Vec<Target> = t
                .found
                .iter()
                .chain(&t.failure)
                .map(|(_, x)| x.clone())
                .collect();
            return self.stubbed(a, &sets, &t.outputs);
        }
        let path = |name: &str| t.outputs.iter().find(|o| o.name == name);
        let mut details = Vec::new();
        let (output, failure) = match (self.input.tables.0.get(&t.table), &key) {
            (None, _) => (
                "failure",
                Some((
                    "TableNotFound",
                    format!("no table `{}` in the rules file's `tables:`", t.table),
                )),
            ),
            (Some(_), k) if k.is_not_set() => (
                "failure",
                Some((
                    "InvalidLookupValue",
                    "the lookup value is NOT_SET".to_string(),
                )),
            ),
            (Some(table), k) => {
                let text = match k {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                match table.row(&text) {
                    Some(row) => {
                        details.push(format!("row `{text}` of `{}`", t.table));
                        for (col, target) in &t.found {
                            let value = match row.get(col) {
                                Some(raw) => stub_value(raw, &target.ty, self.input.directory)
                                    .map_err(|e| {
                                        self.runtime_at(
                                            target.at,
                                            format!(
                                                "column `{col}` of table `{}` holds {e}",
                                                t.table
                                            ),
                                        )
                                    })?,
                                None => Value::NotSet(target.ty.clone()),
                            };
                            details.push(format!("{} = {}", target.name, show(&value)));
                            self.vars.set(&target.name, value);
                        }
                        ("found", None)
                    }
                    None => {
                        details.push(format!("no row `{text}` in `{}`", t.table));
                        ("notFound", None)
                    }
                }
            }
        };
        if let Some((kind, message)) = failure {
            details.push(message.clone());
            for (col, target) in &t.failure {
                let v = match col.as_str() {
                    "errorType" => Value::String(kind.into()),
                    "errorMessage" => Value::String(message.clone()),
                    _ => Value::NotSet(target.ty.clone()),
                };
                self.vars.set(&target.name, v);
            }
        }
        let Some(o) = path(output) else {
            return Err(self.sim_at(
                SimErrorKind::Unsupported,
                a.at,
                "data table lookup without its output paths",
            ));
        };
        self.result.hits.insert(o.branch);
        self.push_step(
            &a.name,
            &a.kind,
            a.at,
            Some(details.join("; ")),
            Some(output.into()),
        );
        self.block(&o.actions)
    }

    /// An action whose outcome is its stub: the output path taken and the values set.
    fn stubbed(&mut self, a: &Action, sets: &[Target], outputs: &[Output]) -> Result<Ctl, Stop> {
        let Some(stub) = self.stub_for(a) else {
            let example = match outputs.first() {
                Some(o) => format!("{}: {{ output: {} }}", yaml_key(&a.name), o.name),
                None => format!("{}: {{ values: {{}} }}", yaml_key(&a.name)),
            };
            let d = self.sim_diag(
                &SimErrorKind::MissingStub,
                a.at,
                format!("no stub for {} action \"{}\"", a.kind, a.name),
            );
            return Err(Stop::Sim(
                SimErrorKind::MissingStub,
                Box::new(d.with_help(format!("add a stub such as `{example}`"))),
            ));
        };
        let names: Vec<&str> = outputs.iter().map(|o| o.name.as_str()).collect();
        let output = match (&stub.output, names.is_empty()) {
            (None, true) => None,
            (Some(o), true) => {
                return Err(self.sim_at(
                    SimErrorKind::BadStub,
                    a.at,
                    format!(
                        "the stub for \"{}\" names output `{o}`, but {} has a single path",
                        a.name, a.kind
                    ),
                ));
            }
            (None, false) => {
                return Err(self.sim_at(
                    SimErrorKind::BadStub,
                    a.at,
                    format!(
                        "the stub for \"{}\" needs an `output:` ({})",
                        a.name,
                        names.join(", ")
                    ),
                ));
            }
            (Some(o), false) => match outputs.iter().find(|x| x.name == *o) {
                Some(x) => Some(x),
                None => {
                    return Err(self.sim_at(
                        SimErrorKind::BadStub,
                        a.at,
                        format!(
                            "{} \"{}\" has no output `{o}` (it has {})",
                            a.kind,
                            a.name,
                            names.join(", ")
                        ),
                    ));
                }
            },
        };
        let mut details = Vec::new();
        for (name, raw) in &stub.values {
            // Stubs are keyed by name and several actions may share one: a value for a
            // variable another same-named action sets is skipped here; one that no
            // action of that name sets was rejected by `Flow::check_stubs`.
            let Some(target) = sets.iter().find(|t| t.name.eq_ignore_ascii_case(name)) else {
                let known = self
                    .flow
                    .loaded
                    .externals
                    .get(&a.name)
                    .is_some_and(|i| i.sets.iter().any(|s| s.eq_ignore_ascii_case(name)));
                if known {
                    continue;
                }
                let sets: Vec<&str> = sets.iter().map(|t| t.name.as_str()).collect();
                let has = if sets.is_empty() {
                    "it sets no variables".to_string()
                } else {
                    format!("it sets {}", sets.join(", "))
                };
                return Err(self.sim_at(
                    SimErrorKind::BadStub,
                    a.at,
                    format!(
                        "the stub for \"{}\" sets `{name}`, which this action does not set ({has})",
                        a.name
                    ),
                ));
            };
            let value = match stub_value(raw, &target.ty, self.input.directory) {
                Ok(v) => v,
                Err(e) => {
                    return Err(self.sim_at(
                        SimErrorKind::BadStub,
                        a.at,
                        format!("the stub for \"{}\" gives `{name}` {e}", a.name),
                    ));
                }
            };
            details.push(format!("{} = {}", target.name, show(&value)));
            self.vars.set(&target.name, value);
        }
        // A bot returns its exit reason, intent and outputs every time: what the stub
        // does not give was not detected, so it reads NOT_SET.
        if matches!(a.kind.as_str(), "callBotFlow" | "callDigitalBotFlow") {
            for t in sets {
                if !stub.values.keys().any(|k| k.eq_ignore_ascii_case(&t.name)) {
                    self.vars.set(&t.name, Value::NotSet(t.ty.clone()));
                }
            }
        }
        let branch = output.map(|o| o.name.clone());
        if let Some(o) = output {
            self.result.hits.insert(o.branch);
        }
        self.push_step(
            &a.name,
            &a.kind,
            a.at,
            Some(details.join("; ")).filter(|s| !s.is_empty()),
            branch,
        );
        match output {
            Some(o) => self.block(&o.actions),
            None => Ok(Ctl::Next),
        }
    }
}

/// A stub value converted to the type of the variable it sets.
fn stub_value(raw: &serde_json::Value, ty: &Type, dir: &Directory) -> Result<Value, String> {
    use serde_json::Value as J;
    if raw.is_null() {
        return Ok(Value::NotSet(ty.clone()));
    }
    let want = |what: &str| format!("{raw}, which is not {what}");
    Ok(match ty {
        Type::String => match raw {
            J::String(s) => Value::String(s.clone()),
            J::Number(n) => Value::String(n.to_string()),
            J::Bool(b) => Value::String(b.to_string()),
            _ => return Err(want("a string")),
        },
        Type::Integer => match raw {
            J::Number(n) => Value::Integer(n.as_i64().ok_or_else(|| want("an integer"))?),
            J::String(s) => Value::Integer(s.trim().parse().map_err(|_| want("an integer"))?),
            _ => return Err(want("an integer")),
        },
        Type::Decimal => match raw {
            J::Number(n) => Value::Decimal(n.as_f64().ok_or_else(|| want("a number"))?),
            J::String(s) => Value::Decimal(s.trim().parse().map_err(|_| want("a number"))?),
            _ => return Err(want("a number")),
        },
        Type::Boolean => match raw {
            J::Bool(b) => Value::Boolean(*b),
            J::String(s) if s == "true" || s == "false" => Value::Boolean(s == "true"),
            _ => return Err(want("true or false")),
        },
        Type::Json => Value::Json(raw.clone()),
        Type::DateTime => match raw {
            J::String(s) => Value::DateTime(DateTime::parse(s).map_err(|e| format!("{raw}: {e}"))?),
            _ => return Err(want("a date-time")),
        },
        Type::Duration => match raw {
            J::String(s) => {
                Value::Duration(crate::expr::Duration::parse(s).map_err(|e| format!("{raw}: {e}"))?)
            }
            _ => return Err(want("a duration")),
        },
        t if t.is_entity() => {
            let (id, name) = match raw {
                J::String(s) => (None, s.clone()),
                J::Object(o) => (
                    o.get("id").and_then(J::as_str).map(String::from),
                    o.get("name")
                        .and_then(J::as_str)
                        .map(String::from)
                        .unwrap_or_default(),
                ),
                _ => return Err(want("a name or {id, name}")),
            };
            let table = match ty {
                Type::Queue => Some(&dir.queues),
                Type::User => Some(&dir.users),
                Type::Skill => Some(&dir.skills),
                _ => None,
            };
            let id = id.or_else(|| {
                table.and_then(|t| t.iter().find(|(_, n)| **n == name).map(|(i, _)| i.clone()))
            });
            Value::Entity(ty.clone(), Entity { id, name })
        }
        Type::List(item) => match raw {
            J::Array(items) => Value::List(
                (**item).clone(),
                items
                    .iter()
                    .map(|x| stub_value(x, item, dir))
                    .collect::<Result<_, _>>()?,
            ),
            _ => return Err(want("a list")),
        },
        other => return Err(format!("a value, but stubs cannot set {other} variables")),
    })
}

/// A value for a trace line: strings quoted, NOT_SET bare.
pub(crate) fn show(v: &Value) -> String {
    match v {
        Value::String(s) => format!("{s:?}"),
        other => other.to_string(),
    }
}

/// One line for a route.
pub fn route_summary(r: &Route) -> String {
    match r {
        Route::Queue(q) => {
            let mut s = format!("queue \"{}\"", q.name);
            if let Some(id) = &q.id {
                s.push_str(&format!(" ({id})"));
            }
            if !q.skills.is_empty() {
                s.push_str(&format!(", skills {}", q.skills.join(", ")));
            }
            if let Some(p) = q.priority {
                s.push_str(&format!(", priority {p}"));
            }
            if !q.preferred_agents.is_empty() {
                s.push_str(&format!(
                    ", preferred agents {}",
                    q.preferred_agents.join(", ")
                ));
            }
            if let Some(l) = &q.language_skill {
                s.push_str(&format!(", language skill {l}"));
            }
            if let Some(d) = &q.direct_agent {
                s.push_str(&format!(", direct agent {d}"));
            }
            s
        }
        Route::Disconnect => "disconnect".into(),
        Route::Transfer(t) => format!("transfer to {} \"{}\"", t.to, t.target),
        Route::Error {
            message,
            location,
            then,
        } => {
            format!(
                "error at {location}: {message}; then {}",
                route_summary(then)
            )
        }
    }
}

fn yaml_key(name: &str) -> String {
    if name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '_' || c == '-')
    {
        name.to_string()
    } else {
        format!("{name:?}")
    }
}

/// Static reachability (`routecheck gen`, the `unreachable-branch` lint) asks the real
/// engine which way one branching action goes for given variable values.
impl Sim<'_, '_> {
    /// Run `action` alone (the caller strips its nested actions) with `vars` set over
    /// the built-in variables: the branch ids it reached. A runtime error reaches none.
    pub(crate) fn probe(mut self, action: &Action, vars: &[(String, Value)]) -> BTreeSet<usize> {
        self.builtins();
        for (name, value) in vars {
            self.vars.set(name, value.clone());
        }
        let _ = self.action(action);
        self.result.hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A one-state flow with `vars` declarations, `actions` (indented 8) and `tasks`.
    fn flow(vars: &str, actions: &str, tasks: &str) -> Result<Flow, Vec<SourceDiagnostic>> {
        let text = format!(
            "inboundShortMessage:\n  name: T\n  startUpRef: \"/inboundShortMessage/states/state[S_1]\"\n  settingsErrorHandling:\n    errorHandling:\n      disconnect:\n        none: true\n  variables:\n{vars}  states:\n    - state:\n        name: S\n        refId: S_1\n        actions:\n{actions}  tasks:\n{tasks}"
        );
        Flow::from_text("t.yaml", &text, &BTreeMap::new())
    }

    fn ok(vars: &str, actions: &str, tasks: &str) -> Flow {
        flow(vars, actions, tasks).unwrap_or_else(|d| {
            panic!(
                "{:?}",
                d.iter()
                    .map(|d| format!("{} {}", d.location(), d.message))
                    .collect::<Vec<_>>()
            )
        })
    }

    fn run_with(
        f: &Flow,
        attrs: &[(&str, &str)],
        stubs: &Stubs,
        max: usize,
    ) -> Result<RunResult, SimError> {
        let dir = Directory::default();
        let mut input = RunInput::new("c-1", stubs, &dir, DateTime(0));
        input.attributes = attrs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        input.max_steps = max;
        f.run(&input)
    }

    fn run(f: &Flow, attrs: &[(&str, &str)]) -> RunResult {
        run_with(f, attrs, &Stubs::default(), DEFAULT_MAX_STEPS).unwrap()
    }

    fn var(name: &str, kind: &str, init: &str) -> String {
        format!("    - {kind}:\n        name: {name}\n        initialValue:\n          {init}\n")
    }

    fn respond(exp: &str) -> String {
        format!(
            "          - sendResponse:\n              name: Say\n              messageBody:\n                exp: '{exp}'\n"
        )
    }

    const QUEUE: &str = "          - transferToAcd:\n              name: T\n              targetQueue:\n                lit:\n                  name: Q\n";

    #[test]
    fn missing_attributes_read_as_not_set_and_names_are_case_sensitive() {
        let f = ok(
            &var("Flow.Tier", "stringVariable", "lit: seed"),
            &format!(
                "          - getParticipantData:\n              name: Get\n              attributes:\n                - attribute:\n                    name:\n                      lit: Tier\n                    variable: Flow.Tier\n{}",
                respond("If(IsSet(Flow.Tier), Flow.Tier, \"unset\")")
            ),
            "",
        );
        assert_eq!(run(&f, &[("tier", "gold")]).responses, vec!["unset"]);
        assert_eq!(run(&f, &[("Tier", "gold")]).responses, vec!["gold"]);
    }

    #[test]
    fn update_data_assigns_every_statement_type() {
        let stmts = [
            ("string", "Flow.S", "\"a\" + \"b\""),
            ("boolean", "Flow.B", "1 < 2"),
            ("integer", "Flow.I", "3 * 4"),
            ("decimal", "Flow.D", "1.5"),
            ("json", "Flow.J", "JsonParse(\"{\\\"k\\\": 1}\")"),
            ("dateTime", "Flow.T", "GetCurrentDateTimeUtc()"),
            ("duration", "Flow.U", "MakeDuration(0, 0, 1, 0)"),
            ("stringCollection", "Flow.C", "MakeList(\"x\", \"y\")"),
        ];
        let body: String = stmts
            .iter()
            .map(|(t, v, e)| format!("                - {t}:\n                    variable: {v}\n                    value:\n                      exp: '{e}'\n"))
            .collect();
        let f = ok(
            "",
            &format!(
                "          - updateData:\n              name: Set all\n              statements:\n{body}{}",
                respond(
                    "Append(Flow.S, ToString(Flow.B), ToString(Flow.I), ToString(Count(Flow.C)))"
                )
            ),
            "",
        );
        let r = run(&f, &[]);
        assert_eq!(r.responses, vec!["abtrue122"]);
        let detail = r.trace[0].detail.clone().unwrap();
        assert!(
            detail.contains("Flow.D = 1.5") && detail.contains("Flow.C = [x, y]"),
            "{detail}"
        );
    }

    #[test]
    fn decisions_branch_and_record_hits() {
        let f = ok(
            "",
            &format!(
                "          - decision:\n              name: New?\n              condition:\n                exp: Message.IsNewConversation\n              outputs:\n                \"yes\":\n                  actions:\n{}                \"no\":\n                  actions:\n                    - disconnect:\n                        name: Bye\n",
                QUEUE.replace("          ", "                    ")
            ),
            "",
        );
        let r = run(&f, &[]);
        assert!(matches!(&r.route, Route::Queue(q) if q.name == "Q"));
        assert_eq!(r.trace[0].branch.as_deref(), Some("yes"));
        let cov = f.coverage(&r.hits);
        assert_eq!(cov.branches.iter().filter(|b| b.hit).count(), 1);
        assert_eq!(cov.branches[1].label, "decision \"New?\" no");
    }

    fn switch_flow(mode: &str) -> Flow {
        let cases = if mode == "firstTrue" {
            "                  cases:\n                    - case:\n                        value:\n                          exp: Flow.T == \"a\"\n                        actions:\n                          - disconnect:\n                              name: A\n                    - case:\n                        value:\n                          exp: Flow.T != \"\"\n                        actions:\n                          - disconnect:\n                              name: B\n".to_string()
        } else {
            "                  expression:\n                    exp: Flow.T\n                  cases:\n                    - case:\n                        value:\n                          lit: a\n                        actions:\n                          - disconnect:\n                              name: A\n                    - case:\n                        value:\n                          lit: b\n                        actions:\n                          - disconnect:\n                              name: B\n".to_string()
        };
        ok(
            &var("Flow.T", "stringVariable", "noValue: true"),
            &format!(
                "          - getParticipantData:\n              name: Get\n              attributes:\n                - attribute:\n                    name:\n                      lit: t\n                    variable: Flow.T\n          - switch:\n              name: Sw\n              evaluate:\n                {mode}:\n{cases}                  default:\n                    actions:\n{}",
                QUEUE.replace("          ", "                      ")
            ),
            "",
        )
    }

    #[test]
    fn switch_first_true_takes_the_first_true_case() {
        let f = switch_flow("firstTrue");
        let r = run(&f, &[("t", "a")]);
        assert_eq!(r.trace[1].branch.as_deref(), Some("case 1"));
        assert_eq!(r.trace[2].name, "A");
        assert_eq!(run(&f, &[("t", "b")]).trace[2].name, "B");
        assert_eq!(
            run(&f, &[("t", "")]).trace[1].branch.as_deref(),
            Some("default")
        );
    }

    #[test]
    fn switch_first_match_compares_with_the_expression() {
        let f = switch_flow("firstMatch");
        assert_eq!(run(&f, &[("t", "b")]).trace[2].name, "B");
        let r = run(&f, &[("t", "B")]);
        assert_eq!(r.trace[1].branch.as_deref(), Some("default"));
        // NOT_SET cannot be compared: the error handling disconnects.
        assert!(matches!(run(&f, &[]).route, Route::Error { .. }));
    }

    #[test]
    fn loops_count_index_and_exit() {
        let f = ok(
            &(var("Flow.Acc", "stringVariable", "lit: \"\"")
                + &var("Flow.I", "integerVariable", "lit: 0")),
            &format!(
                "          - loop:\n              name: L\n              loopCount:\n                lit: 5\n              currentIndex:\n                var: Flow.I\n              outputs:\n                loop:\n                  actions:\n                    - decision:\n                        name: Stop?\n                        condition:\n                          exp: Flow.I == 3\n                        outputs:\n                          \"yes\":\n                            actions:\n                              - loopExit:\n                                  name: Exit\n                    - updateData:\n                        name: Acc\n                        statements:\n                          - string:\n                              variable: Flow.Acc\n                              value:\n                                exp: Append(Flow.Acc, ToString(Flow.I))\n{}",
                respond("Flow.Acc")
            ),
            "",
        );
        assert_eq!(run(&f, &[]).responses, vec!["012"]);
    }

    #[test]
    fn the_action_limit_sends_a_runaway_flow_to_error_handling() {
        let f = ok(
            "",
            "          - loop:\n              name: Forever\n              loopCount:\n                lit: 1000000\n              outputs:\n                loop:\n                  actions:\n                    - loopNext:\n                        name: Next\n",
            "",
        );
        let r = run_with(&f, &[], &Stubs::default(), 50).unwrap();
        let Route::Error {
            message,
            location,
            then,
        } = &r.route
        else {
            panic!("{:?}", r.route)
        };
        assert!(message.contains("limit of 50 actions"), "{message}");
        assert_eq!(location.file, "t.yaml");
        assert_eq!(**then, Route::Disconnect);
        // The default limit is Architect's: 10,000 actions, the 10,001st is refused.
        let r = run_with(&f, &[], &Stubs::default(), DEFAULT_MAX_STEPS).unwrap();
        assert!(matches!(r.route, Route::Error { .. }));
        assert_eq!(
            r.trace.last().map(|s| s.kind.as_str()),
            Some("settingsErrorHandling")
        );
    }

    #[test]
    fn nested_tasks_return_through_output_paths() {
        let tasks = "    - task:\n        name: Outer\n        refId: Outer_1\n        actions:\n          - callTask:\n              name: Call inner\n              targetTaskRef: \"/inboundShortMessage/tasks/task[Inner_2]\"\n              outputs:\n                Found:\n                  actions:\n                    - endTask:\n                        name: Done\n                        outputPath:\n                          name: Yes\n        outputPaths:\n          - outputPath:\n              name: Yes\n    - task:\n        name: Inner\n        refId: Inner_2\n        actions:\n          - endTask:\n              name: Found it\n              outputPath:\n                name: Found\n        outputPaths:\n          - outputPath:\n              name: Found\n";
        let f = ok(
            "",
            &format!(
                "          - callTask:\n              name: Call outer\n              targetTaskRef: \"/inboundShortMessage/tasks/task[Outer_1]\"\n              outputs:\n                Yes:\n                  actions:\n{}",
                QUEUE.replace("          ", "                    ")
            ),
            tasks,
        );
        let r = run(&f, &[]);
        assert!(matches!(r.route, Route::Queue(_)));
        let depths: Vec<usize> = r.trace.iter().map(|s| s.depth).collect();
        assert_eq!(depths, vec![0, 1, 2, 1, 0]);
    }

    #[test]
    fn a_runtime_error_follows_error_handling_with_its_location() {
        let f = ok(
            &var("Flow.N", "integerVariable", "noValue: true"),
            &respond("ToString(Flow.N + 1)"),
            "",
        );
        let r = run(&f, &[]);
        let Route::Error { location, then, .. } = &r.route else {
            panic!("{:?}", r.route)
        };
        assert_eq!((location.line, **then == Route::Disconnect), (21, true));
        assert_eq!(
            r.trace.last().map(|s| s.kind.as_str()),
            Some("settingsErrorHandling")
        );
    }

    fn call_data_flow() -> Flow {
        ok(
            &var("State.Status", "stringVariable", "noValue: true"),
            &format!(
                "          - callData:\n              name: Lookup\n              category:\n                Cat:\n                  dataAction:\n                    Act:\n                      inputs:\n                        id:\n                          exp: Message.ConversationId\n                      successOutputs:\n                        status:\n                          var: State.Status\n              outputs:\n                success:\n                  actions:\n{}",
                respond("State.Status").replace("          ", "                    ")
            ),
            "",
        )
    }

    fn stubs(yaml: &str) -> Stubs {
        serde_saphyr::from_str(yaml).unwrap()
    }

    /// The call-data flow run with a stub that succeeds with `shipped`.
    fn shipped() -> (Flow, RunResult) {
        let f = call_data_flow();
        let s = stubs("Lookup: { output: success, values: { State.Status: shipped } }");
        let r = run_with(&f, &[], &s, 100).unwrap();
        (f, r)
    }

    #[test]
    fn stubs_choose_the_output_and_set_values() {
        let (f, r) = shipped();
        assert_eq!(r.responses, vec!["shipped"]);
        assert_eq!(r.route, Route::Disconnect);
        let r = run_with(&f, &[], &stubs("Lookup: { output: timeout }"), 100).unwrap();
        assert!(r.responses.is_empty());
        assert_eq!(
            f.coverage(&r.hits)
                .branches
                .iter()
                .filter(|b| b.hit)
                .map(|b| b.label.as_str())
                .collect::<Vec<_>>(),
            vec!["callData \"Lookup\" timeout"]
        );
    }

    #[test]
    fn a_missing_stub_names_the_action() {
        let e = run_with(&call_data_flow(), &[], &Stubs::default(), 100).unwrap_err();
        assert_eq!(e.kind, SimErrorKind::MissingStub);
        assert!(e.diagnostic.message.contains("\"Lookup\""));
        assert_eq!(e.diagnostic.location(), "t.yaml:18:13");
    }

    #[test]
    fn bad_stubs_are_rejected() {
        let f = call_data_flow();
        for (yaml, want) in [
            ("Lookup: { output: maybe }", "no output `maybe`"),
            (
                "Lookup: { output: success, values: { State.Other: x } }",
                "sets `State.Other`, which this action does not set",
            ),
            ("Lookup: { values: {} }", "needs an `output:`"),
        ] {
            let e = run_with(&f, &[], &stubs(yaml), 100).unwrap_err();
            assert_eq!(e.kind, SimErrorKind::BadStub, "{yaml}");
            assert!(
                e.diagnostic.message.contains(want),
                "{yaml}: {}",
                e.diagnostic.message
            );
        }
        assert_eq!(f.check_stubs(&stubs("Nope: { output: success }")).len(), 1);
        assert!(
            f.check_stubs(&stubs(
                "Lookup: { output: success, values: { State.Other: x } }"
            ))[0]
                .contains("State.Other")
        );
    }

    #[test]
    fn expectations_compare_route_responses_and_participant_data() {
        let (_, r) = shipped();
        let want: crate::flow::FlowExpect = serde_saphyr::from_str(
            "route: { queue: VIP }\nresponses: [shipped]\nparticipant_data: { a: b }",
        )
        .unwrap();
        let fails = want.check(&r);
        assert_eq!(fails.len(), 2);
        assert_eq!(fails[0].expected.as_deref(), Some("queue \"VIP\""));
        assert_eq!(fails[0].actual.as_deref(), Some("disconnect"));
        assert!(fails[0].notes.iter().any(|n| n.contains("t.yaml:")));
        let ok: crate::flow::FlowExpect =
            serde_saphyr::from_str("route: disconnect\nresponses: [shipped]").unwrap();
        assert!(ok.check(&r).is_empty());
    }
}
