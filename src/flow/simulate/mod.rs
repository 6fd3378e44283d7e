//! Running a loaded flow for one conversation: actions in order, decisions and switches
//! on evaluated expressions, loops and tasks, and stubs for everything that reaches
//! outside the flow. A runtime expression error follows the flow's error handling.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::diag::SourceDiagnostic;
use crate::expr::{DateTime, Directory, Entity, EvalContext, Type, Value, Vars};

use super::Flow;
use super::archy::expr_diagnostic;
use super::model::*;

mod bot_flow;
mod bots;
mod control;
mod data;
mod effects;
mod escalation;
mod library;
mod outcome;
mod recognition;
mod schedule;
mod session;
mod stubs;
mod transfer;

pub use bot_flow::RECOGNITION_FAILURE_STEP;
pub use data::{PdAction, Race, Races};
pub use library::{Bound, Library, flow_kind_of};
pub use outcome::{
    QueueRoute, Route, ScreenPop, SimError, SimErrorKind, Step, TransferRoute, WaitingRoute,
};
pub use session::Called;
pub(crate) use session::Session;
pub use transfer::route_summary;
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
    /// The flows calls reach (bots, common modules); None: every call needs a stub.
    pub library: Option<&'a Library>,
    /// What recognises a bot's intents in the customer's messages (the offline rule
    /// unless a run replays the org's NLU).
    pub recogniser: &'a dyn crate::flow::recognise::Recognise,
    /// The customer's messages in order: the first started the conversation, the rest
    /// answer a bot's questions (empty: only `message_body`).
    pub conversation: &'a [super::CustomerMessage],
    pub stubs: &'a Stubs,
    /// Queue/user/skill lookups for expressions such as `FindQueueById`.
    pub directory: &'a Directory,
    /// The clock.
    pub now: DateTime,
    /// The action limit: the most actions one run may execute before error handling.
    pub max_steps: usize,
    /// Data tables for Data Table Lookup.
    pub tables: &'a crate::deploy::Tables,
    /// The deploy's schedules, for Evaluate Schedule (Group) without a stub.
    pub deploy: &'a crate::deploy::Deploy,
    /// Which value a Get Participant Data reads for an attribute set earlier in the run
    /// (Genesys applies Set Participant Data asynchronously): the one from before the
    /// flow (false, the default) or the new one.
    pub reads_new_participant_data: bool,
    /// `now` is only the wall clock (no `now:` on the case, no `--now`): expressions may
    /// read it, but a schedule evaluated at it is an error, since its outcome would
    /// change with the hour the run happens at.
    pub wall_clock: bool,
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
            library: None,
            recogniser: &crate::flow::recognise::OFFLINE_RULE,
            conversation: &[],
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
            tables: &crate::deploy::tables::NO_TABLES,
            deploy: &crate::deploy::EMPTY,
            reads_new_participant_data: false,
            wall_clock: false,
        }
    }
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
    /// The flows the run called (bots, common modules) and the branches reached in each.
    #[serde(skip)]
    pub called: Called,
    /// Reads of participant data the run set earlier, and who set each name.
    #[serde(skip)]
    pub races: data::Races,
}

pub(super) enum Ctl {
    Next,
    /// A bot exits back to its caller with this exit reason (or a module's output path).
    Exit(String),
    LoopNext,
    LoopExit,
    EndTask(String),
    ChangeState(usize),
    Done(Route),
}

pub(super) enum Stop {
    Runtime(Box<SourceDiagnostic>),
    Sim(SimErrorKind, Box<SourceDiagnostic>),
}

pub(crate) struct Sim<'f, 'i> {
    pub(super) flow: &'f Flow,
    pub(super) input: &'f RunInput<'i>,
    pub(super) vars: Vars,
    steps: usize,
    pub(super) depth: usize,
    pub(super) result: RunResult,
    /// The bot session: which customer message comes next, the input text the first
    /// ask takes, the intent last recognised.
    pub(super) session: Session,
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
                called: Called::default(),
                races: data::Races::default(),
            },
            session: Session::new(),
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

    pub(super) fn builtins(&mut self) {
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
                Ctl::EndTask(_) | Ctl::LoopNext | Ctl::LoopExit | Ctl::Exit(_) => {
                    return Err(self.sim_at(
                        SimErrorKind::Unsupported,
                        unit.at,
                        "end task, loop next, loop exit or exit bot flow ran outside a task, loop or bot",
                    ));
                }
            }
        }
    }

    pub(super) fn init_vars(&mut self, vars: &[VarInit]) -> Result<(), Stop> {
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
            branch_location: None,
            depth: 0,
        });
        Ok(Route::Error {
            message: d.message.clone(),
            location,
            then: Box::new(then),
        })
    }

    pub(super) fn sim_diag(
        &self,
        kind: &SimErrorKind,
        at: usize,
        msg: impl Into<String>,
    ) -> SourceDiagnostic {
        let end = (at + 1).min(self.flow.file.text.len().max(at));
        SourceDiagnostic::error(&self.flow.file, (at, end), msg).with_code(match kind {
            SimErrorKind::MissingStub => "routecheck::flow::missing-stub",
            SimErrorKind::BadStub => "routecheck::flow::bad-stub",
            SimErrorKind::StepLimit => "routecheck::flow::step-limit",
            SimErrorKind::Unsupported => "routecheck::flow::unsupported",
        })
    }

    pub(super) fn sim_at(&self, kind: SimErrorKind, at: usize, msg: impl Into<String>) -> Stop {
        let d = self.sim_diag(&kind, at, msg);
        Stop::Sim(kind, Box::new(d))
    }

    pub(super) fn runtime_at(&self, at: usize, msg: impl Into<String>) -> Stop {
        let end = (at + 1).min(self.flow.file.text.len().max(at));
        Stop::Runtime(Box::new(
            SourceDiagnostic::error(&self.flow.file, (at, end), msg)
                .with_code("routecheck::flow::runtime"),
        ))
    }

    pub(super) fn push_step(
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
            branch_location: None,
            depth: self.depth,
        });
    }

    /// Branch `id` was taken by the step just pushed: count it for coverage and say in
    /// the trace where the branch is written.
    pub(super) fn hit(&mut self, id: usize) {
        self.result.hits.insert(id);
        let at = self.flow.loaded.branches.get(id).map(|b| b.at);
        if let (Some(at), Some(step)) = (at, self.result.trace.last_mut())
            && step.branch.is_some()
            && step.branch_location.is_none()
        {
            step.branch_location = Some(self.flow.location(at));
        }
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

    pub(super) fn eval(&self, v: &Val) -> Result<Value, Stop> {
        match &v.kind {
            ValKind::Lit(value) => Ok(self.resolve_entity(value.clone())),
            // A collection is never NOT_SET: no value is an empty one.
            ValKind::NoValue(Type::List(item)) => Ok(Value::List((**item).clone(), Vec::new())),
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

    pub(super) fn block(&mut self, actions: &[Action]) -> Result<Ctl, Stop> {
        for a in actions {
            self.tick(a.at)?;
            match super::deep(|| self.action(a))? {
                Ctl::Next => {}
                other => return Ok(other),
            }
        }
        Ok(Ctl::Next)
    }

    /// One action, dispatched by action family to the file that runs it.
    fn action(&mut self, a: &Action) -> Result<Ctl, Stop> {
        match &a.body {
            Body::GetParticipantData(attrs) => self.get_participant_data(a, attrs),
            Body::SetParticipantData(attrs) => self.set_participant_data(a, attrs),
            Body::UpdateData(stmts) => self.update_data(a, stmts),
            Body::TableLookup(t) => self.table_lookup(a, t),
            Body::Decision {
                cond,
                yes,
                no,
                branches,
            } => self.decision(a, cond, yes, no, branches),
            Body::Switch {
                subject,
                cases,
                default,
                default_branch,
            } => self.switch(a, subject, cases, default, default_branch),
            Body::Loop { count, index, body } => self.run_loop(a, count, index, body),
            Body::LoopNext => {
                self.step(a, None, None);
                Ok(Ctl::LoopNext)
            }
            Body::LoopExit => {
                self.step(a, None, None);
                Ok(Ctl::LoopExit)
            }
            Body::CallTask { task, outputs } => self.call_task(a, task, outputs),
            Body::EndTask(path) => {
                self.step(a, None, Some(path.clone()));
                Ok(Ctl::EndTask(path.clone()))
            }
            Body::ChangeState(s) => self.change_state(a, s),
            Body::SendResponse(v) => self.send_response(a, v),
            Body::ScreenPop { script, inputs } => self.screen_pop(a, script, inputs),
            Body::Record(values) => self.record(a, values),
            Body::Bot(b) => self.bot_action(a, b),
            Body::Transfer(t) => self.transfer_to_acd(a, t),
            Body::TransferOther(t) => self.transfer_other(a, t),
            Body::Disconnect => {
                self.step(a, None, None);
                Ok(Ctl::Done(Route::Disconnect))
            }
            Body::External(ext) => self.external(a, ext),
        }
    }

    /// The trace line for action `a`.
    fn step(&mut self, a: &Action, detail: Option<String>, branch: Option<String>) {
        self.push_step(&a.name, &a.kind, a.at, detail, branch)
    }
}

/// A value for a trace line: strings quoted, NOT_SET bare.
pub(crate) fn show(v: &Value) -> String {
    match v {
        Value::String(s) => format!("{s:?}"),
        other => other.to_string(),
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
mod tests;
