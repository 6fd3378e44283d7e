//! Running calls and bot actions inside the simulator: a call finds the named flow,
//! runs it with its inputs (the steps nested one level under the call), and copies its
//! outputs, exit reason and intent back as the call maps them; a bot's asks take the
//! case's customer messages in order and follow the bot's own no-match handling.

use std::sync::Arc;

use crate::expr::{Type, Value};
use crate::flow::Flow;
use crate::flow::model::{Action, External, Val};
use crate::flow::simulate::{Ctl, Route, Sim, SimErrorKind, Stop, WaitingRoute, show};

use crate::flow::model::bot::*;
use crate::flow::nlu::{SlotError, same, yes_no};

/// Exit reasons a bot returns (H:232080, "Execution results: Exit reasons").
const TRIGGERED_BY_FLOW: &str = "TriggeredByFlow";
const RECOGNITION_FAILURE: &str = "RecognitionFailure";
const ERROR: &str = "Error";

/// The name of the trace step a bot's recognition failure handling leaves (its no-match
/// limit ran out with no `maxNoMatches` path): the route has no branch of its own.
pub const RECOGNITION_FAILURE_STEP: &str = "recognition failure handling";

/// What the customer's answer was taken as.
enum Taken {
    /// Answer path index (intent, choice, yes/no), or None: understood, no path.
    Path(Option<usize>),
    /// The slot's value.
    Slot(String),
}

impl<'f, 'i> Sim<'f, 'i> {
    /// A call action with no stub: run the called flow.
    pub(in crate::flow) fn call_flow(
        &mut self,
        a: &Action,
        ext: &External,
        call: &Call,
    ) -> Result<Ctl, Stop> {
        let found = match self.input.library {
            Some(lib) => lib.find(call.kind, &call.name),
            None => Err("routecheck was not given the project's flows".to_string()),
        };
        let child_flow: Arc<Flow> = match found {
            Ok(f) => f,
            Err(why) => {
                let d = self
                    .sim_diag(
                        &SimErrorKind::MissingStub,
                        call.name_at,
                        format!("no stub for {} action \"{}\", and {why}", a.kind, a.name),
                    )
                    .with_help(format!(
                        "put the {} in a flows folder (routecheck.yaml `flows:`, or beside this flow), or add a stub such as `{}: {{ values: {{}} }}`",
                        call.kind.noun(),
                        a.name
                    ));
                return Err(Stop::Sim(SimErrorKind::MissingStub, Box::new(d)));
            }
        };
        let mut inputs = Vec::new();
        for (k, v) in &call.inputs {
            inputs.push((k.clone(), self.eval(v)?));
        }
        let input_text = match &call.input_text {
            Some(v) => match self.eval(v)? {
                Value::String(s) => Some(s),
                _ => None,
            },
            None => None,
        };
        self.push_step(
            &a.name,
            &a.kind,
            a.at,
            Some(format!(
                "runs {} \"{}\" ({})",
                child_flow.kind().noun(),
                child_flow.name(),
                child_flow.file_name()
            )),
            None,
        );
        let mut child = Sim::new(&child_flow, self.input);
        child.depth = self.depth + 1;
        child.session.next = self.session.next;
        child.session.pending = input_text;
        // What this run set so far is set for the called flow too (participant data
        // belongs to the conversation): its reads of it are races like the caller's.
        child.result.participant_data = self.result.participant_data.clone();
        child.result.races.set_by = self.result.races.set_by.clone();
        let end = child.run_called(&inputs);
        // Everything the called flow did is part of this run.
        self.session.next = child.session.next;
        self.result.trace.append(&mut child.result.trace);
        self.result.responses.append(&mut child.result.responses);
        self.result
            .participant_data
            .append(&mut child.result.participant_data);
        self.result
            .races
            .set_by
            .append(&mut child.result.races.set_by);
        self.result
            .races
            .found
            .append(&mut child.result.races.found);
        self.result
            .screen_pops
            .append(&mut child.result.screen_pops);
        self.result.called.add(&child_flow, &child.result.hits);
        self.result.called.extend(&child.result.called);
        let reason = match end? {
            Ctl::Exit(reason) => reason,
            Ctl::Done(route) => return Ok(Ctl::Done(route)),
            _ => TRIGGERED_BY_FLOW.to_string(),
        };
        // What the bot returns: every variable the call binds is set, NOT_SET where the
        // bot gave nothing.
        let mut details = vec![format!("exit reason {reason:?}")];
        for t in &ext.sets {
            self.vars.set(&t.name, Value::NotSet(t.ty.clone()));
        }
        if let Some(t) = &call.exit_reason {
            let v = if child_flow.kind().is_bot() {
                Value::String(reason.clone())
            } else {
                Value::NotSet(Type::String)
            };
            self.vars.set(&t.name, v);
        }
        if let Some(t) = &call.intent {
            let v = child
                .session
                .intent
                .clone()
                .map_or(Value::NotSet(Type::String), Value::String);
            details.push(format!("{} = {}", t.name, show(&v)));
            self.vars.set(&t.name, v);
        }
        let declared_outputs = child_flow.loaded.bot.as_deref().map(|b| &b.outputs);
        for (k, t) in &call.outputs {
            // Only variables the called flow marks `isOutput` are returned.
            let returned =
                declared_outputs.is_none_or(|o| o.iter().any(|n| n.eq_ignore_ascii_case(k)));
            let v = match child.vars.get(k).filter(|_| returned) {
                Some(v) => convert(v.clone(), &t.ty),
                None => Value::NotSet(t.ty.clone()),
            };
            details.push(format!("{} = {} (from {k})", t.name, show(&v)));
            self.vars.set(&t.name, v);
        }
        self.push_step(
            &a.name,
            &a.kind,
            a.at,
            Some(details.join("; ")),
            Some("returned".into()),
        );
        Ok(Ctl::Next)
    }

    /// Run this (called) flow from its start with `inputs` set: `Exit(reason)` back to
    /// the caller, or `Done(route)` when it routed the conversation itself.
    fn run_called(&mut self, inputs: &[(String, Value)]) -> Result<Ctl, Stop> {
        self.builtins();
        self.init_vars(&self.flow.loaded.flow_vars)?;
        for (k, v) in inputs {
            self.vars.set(k, v.clone());
        }
        let outcome = self.run_units();
        match outcome {
            Err(Stop::Runtime(d)) if self.flow.kind().is_bot() => {
                // The bot's own error handling: its handover message, then exit/transfer.
                let at = d.span.0;
                self.push_step(
                    "error handling",
                    "settingsErrorHandling",
                    at,
                    Some(d.message.clone()),
                    None,
                );
                let (handover, handling) = match self.flow.loaded.bot.as_deref() {
                    Some(s) => (s.error_handover.clone(), s.error.clone()),
                    None => (None, Handling::Exit),
                };
                self.say_opt(handover.as_ref());
                self.handle(&handling, ERROR)
            }
            other => other,
        }
    }

    fn run_units(&mut self) -> Result<Ctl, Stop> {
        let mut unit = self.flow.loaded.start;
        loop {
            let Some(u) = self.flow.loaded.states.get(unit) else {
                return Err(self.sim_at(SimErrorKind::Unsupported, 0, "bot index out of range"));
            };
            self.init_vars(&u.vars)?;
            match self.block(&u.actions)? {
                // Running out of actions ends the bot as Exit Bot Flow does, and a
                // module through its default path.
                Ctl::Next => {
                    let end = if self.flow.kind().is_bot() {
                        TRIGGERED_BY_FLOW
                    } else {
                        "default"
                    };
                    return Ok(Ctl::Exit(end.into()));
                }
                Ctl::EndTask(path) => return Ok(Ctl::Exit(path)),
                Ctl::ChangeState(next) => unit = next,
                other => return Ok(other),
            }
        }
    }

    /// A bot action.
    pub(in crate::flow) fn bot_action(&mut self, a: &Action, b: &BotAction) -> Result<Ctl, Stop> {
        match b {
            BotAction::Communicate(v) => {
                let text = self.say(v)?;
                self.push_step(&a.name, &a.kind, a.at, text.map(|t| format!("{t:?}")), None);
                Ok(Ctl::Next)
            }
            BotAction::ExitBotFlow => {
                self.push_step(
                    &a.name,
                    &a.kind,
                    a.at,
                    Some(format!("exit reason {TRIGGERED_BY_FLOW:?}")),
                    None,
                );
                Ok(Ctl::Exit(TRIGGERED_BY_FLOW.into()))
            }
            BotAction::ClearSlot(slots) => {
                let mut names = Vec::new();
                for s in slots {
                    let name = format!("Slot.{}", s.slot);
                    let ty = s.target.as_ref().map_or(Type::String, |t| t.ty.clone());
                    self.vars.set(&name, Value::NotSet(ty));
                    names.push(name);
                }
                self.push_step(
                    &a.name,
                    &a.kind,
                    a.at,
                    Some(format!("{} = NOT_SET", names.join(", "))),
                    None,
                );
                Ok(Ctl::Next)
            }
            BotAction::AskForSlot(ask, slot) => {
                let filled = self
                    .vars
                    .get(&format!("Slot.{}", slot.slot))
                    .is_some_and(|v| !v.is_not_set());
                if filled {
                    self.push_step(
                        &a.name,
                        &a.kind,
                        a.at,
                        Some(format!("slot {} is already filled: not asked", slot.slot)),
                        None,
                    );
                    return Ok(Ctl::Next);
                }
                self.ask(a, ask, |this, msg, answer| {
                    if let Some(v) = answer.and_then(|n| n.slots.get(&slot.slot).cloned()) {
                        return Ok(Some(Taken::Slot(v)));
                    }
                    let nlu = &this.flow.loaded.bot.as_deref().map(|s| &s.nlu);
                    match nlu.map(|n| n.slot(&slot.slot, msg)) {
                        Some(Ok(v)) => Ok(v.map(Taken::Slot)),
                        Some(Err(SlotError::NotReadable(t, form))) => Err(this.sim_at(
                            SimErrorKind::Unsupported,
                            a.at,
                            format!("slot `{}` ({t}): {msg:?} is not a value routecheck reads offline ({form}); give what the NLU returns as `{{ text: {msg:?}, slots: {{ {}: ... }} }}`", slot.slot, slot.slot),
                        )),
                        Some(Err(SlotError::Unmodelled(t))) => Err(this.sim_at(
                            SimErrorKind::Unsupported,
                            a.at,
                            format!("slot `{}` has type {t}, which the simulator does not recognise values of", slot.slot),
                        )),
                        _ => Err(this.sim_at(
                            SimErrorKind::Unsupported,
                            a.at,
                            format!("the bot defines no slot `{}` in its NLU entities", slot.slot),
                        )),
                    }
                })
            }
            BotAction::AskForIntent(ask) => self.ask(a, ask, |this, msg, answer| {
                let understood = match answer {
                    Some(n) => crate::flow::nlu::Understood {
                        intent: n.intent.clone(),
                        slots: n.slots.clone(),
                        ambiguous: Vec::new(),
                    },
                    None => this.recognise_intent(a, msg)?,
                };
                let Some(intent) = understood.intent else {
                    return Ok(None);
                };
                for (k, v) in &understood.slots {
                    let name = format!("Slot.{k}");
                    let ty = this.vars.get(&name).map_or(Type::String, Value::ty);
                    let value = this.slot_value(a.at, &name, &ty, v.clone())?;
                    this.vars.set(&name, value);
                }
                this.session.intent = Some(intent.clone());
                Ok(Some(Taken::Path(
                    ask.paths.iter().position(|p| p.name == intent),
                )))
            }),
            BotAction::AskForBoolean(ask) => self.ask(a, ask, |_, msg, answer| {
                let yes = match answer.and_then(|n| n.intent.as_deref()) {
                    Some(i) => yes_no(i),
                    None => yes_no(msg),
                };
                Ok(yes.map(|y| Taken::Path(Some(if y { 0 } else { 1 }))))
            }),
            BotAction::DigitalMenu(ask, choices) => self.ask(a, ask, |_, msg, answer| {
                let said = answer
                    .and_then(|n| n.intent.clone())
                    .unwrap_or_else(|| msg.to_string());
                Ok(choices
                    .iter()
                    .find(|c| {
                        same(&c.value, &said) || c.label.as_deref().is_some_and(|l| same(l, &said))
                    })
                    .map(|c| Taken::Path(Some(c.path))))
            }),
        }
    }

    /// Ask: the input text (first ask only) or the next customer message, re-prompting
    /// after each no match until `noMatchesMax`, then the failure path.
    fn ask(
        &mut self,
        a: &Action,
        ask: &Ask,
        mut take: impl FnMut(&mut Self, &str, Option<&NluAnswer>) -> Result<Option<Taken>, Stop>,
    ) -> Result<Ctl, Stop> {
        let settings = self.flow.loaded.bot.as_deref().cloned();
        let max = settings.as_ref().map_or(3, |s| s.no_matches_max);
        let mut no_matches = 0;
        let mut prompt = ask.prompts.question.clone();
        let mut last_question = String::new();
        loop {
            // The call's input text is the first ask's answer, without the question.
            let (message, answer) = match self.session.pending.take() {
                Some(text) => {
                    let answer = self.answer_for(&text, 0);
                    (text, answer)
                }
                None => {
                    if let Some(q) = self.say_opt(prompt.as_ref()) {
                        last_question = q;
                    }
                    let Some(m) = self.input.conversation.get(self.session.next) else {
                        self.push_step(
                            &a.name,
                            &a.kind,
                            a.at,
                            Some(format!("asks {last_question:?}: no more customer messages")),
                            Some("waiting".into()),
                        );
                        return Ok(Ctl::Done(Route::Waiting(WaitingRoute {
                            question: last_question,
                            action: format!("{} \"{}\"", a.kind, a.name),
                            location: self.flow.location(a.at),
                        })));
                    };
                    self.session.next += 1;
                    (m.text().to_string(), m.answer())
                }
            };
            // Agent escalation comes before what the ask itself listens for.
            if let Some(s) = settings.as_ref().filter(|s| s.agent_escalation)
                && answer.as_ref().is_some_and(|n| n.agent)
            {
                match self.escalate(a, s, &message)? {
                    Some(end) => return Ok(end),
                    None => {
                        prompt = ask.prompts.question.clone();
                        continue;
                    }
                }
            }
            self.session.note = None;
            let taken = take(self, &message, answer.as_ref())?;
            let note = self.recognition_note();
            match taken {
                Some(Taken::Slot(v)) => {
                    if let BotAction::AskForSlot(_, s) = bot_of(a) {
                        let name = format!("Slot.{}", s.slot);
                        let ty = s.target.as_ref().map_or(Type::String, |t| t.ty.clone());
                        let value = self.slot_value(a.at, &name, &ty, v)?;
                        self.push_step(
                            &a.name,
                            &a.kind,
                            a.at,
                            Some(format!("customer {message:?}: {name} = {}", show(&value))),
                            None,
                        );
                        self.vars.set(&name, value);
                    }
                    return Ok(Ctl::Next);
                }
                Some(Taken::Path(p)) => {
                    let path = p.and_then(|i| ask.paths.get(i));
                    let label = path.map_or("understood (no path)".to_string(), |p| p.name.clone());
                    self.push_step(
                        &a.name,
                        &a.kind,
                        a.at,
                        Some(format!("customer {message:?}{note}")),
                        Some(label.clone()),
                    );
                    return match path {
                        Some(p) => {
                            self.hit(p.branch);
                            self.block(&p.actions)
                        }
                        None => Ok(Ctl::Next),
                    };
                }
                None => {
                    no_matches += 1;
                    self.push_step(
                        &a.name,
                        &a.kind,
                        a.at,
                        Some(format!(
                            "customer {message:?}: no match ({no_matches} of {max}){note}"
                        )),
                        None,
                    );
                    if no_matches >= max {
                        let fallback = ask.max_no_matches.as_ref().or(ask.no_intent.as_ref());
                        if let Some(p) = fallback {
                            self.result.hits.insert(p.branch);
                            return self.block(&p.actions);
                        }
                        let (handover, handling) = match &settings {
                            Some(s) => (
                                s.recognition_failure_handover.clone(),
                                s.recognition_failure.clone(),
                            ),
                            None => (None, Handling::Exit),
                        };
                        // Said in the trace: this route has no path of its own to count.
                        self.push_step(
                            RECOGNITION_FAILURE_STEP,
                            "settingsErrorHandling",
                            a.at,
                            Some(format!("{max} no matches")),
                            Some(RECOGNITION_FAILURE.into()),
                        );
                        self.say_opt(handover.as_ref());
                        return self.handle(&handling, RECOGNITION_FAILURE);
                    }
                    if let Some(apology) =
                        settings.as_ref().and_then(|s| s.no_match_apology.clone())
                    {
                        self.say(&apology)?;
                    }
                    prompt = ask
                        .prompts
                        .no_match
                        .clone()
                        .or(ask.prompts.question.clone());
                }
            }
        }
    }

    /// A slot's value as its variable's type: text that does not read as that type (a
    /// date slot given "tomorrow") is a simulation error, never a silent NOT_SET.
    fn slot_value(&self, at: usize, name: &str, ty: &Type, text: String) -> Result<Value, Stop> {
        let v = convert(Value::String(text.clone()), ty);
        if v.is_not_set() && !text.trim().is_empty() {
            return Err(self.sim_at(
                SimErrorKind::Unsupported,
                at,
                format!("{name} is a {ty} slot: {text:?} does not read as one (a Date is YYYY-MM-DD, a Time HH:MM[:SS], 24-hour)"),
            ));
        }
        Ok(v)
    }

    /// What the case says the NLU made of conversation message `i`, if `text` is it.
    fn answer_for(&self, text: &str, i: usize) -> Option<NluAnswer> {
        self.input
            .conversation
            .get(i)
            .filter(|m| m.text() == text)
            .and_then(|m| m.answer())
    }

    /// How a bot ends after a failure: exit with `reason`, transfer or disconnect.
    pub(super) fn handle(&mut self, h: &Handling, reason: &str) -> Result<Ctl, Stop> {
        match h {
            Handling::Exit => Ok(Ctl::Exit(reason.into())),
            Handling::Disconnect => Ok(Ctl::Done(Route::Disconnect)),
            Handling::Transfer(t) => Ok(Ctl::Done(self.transfer(t)?)),
        }
    }

    /// Send a bot message (NOT_SET sends nothing): its text.
    fn say(&mut self, v: &Val) -> Result<Option<String>, Stop> {
        match self.eval(v)? {
            Value::NotSet(_) => Ok(None),
            Value::String(s) => {
                self.result.responses.push(s.clone());
                Ok(Some(s))
            }
            other => {
                let s = other.to_string();
                self.result.responses.push(s.clone());
                Ok(Some(s))
            }
        }
    }

    /// [`Self::say`] for an optional prompt; an error in it sends nothing.
    pub(super) fn say_opt(&mut self, v: Option<&Val>) -> Option<String> {
        v.and_then(|v| self.say(v).ok().flatten())
    }
}

fn bot_of(a: &Action) -> &BotAction {
    match &a.body {
        crate::flow::model::Body::Bot(b) => b,
        _ => &BotAction::ExitBotFlow,
    }
}

/// A value given to a variable of type `ty`: text converts where it reads as one.
fn convert(v: Value, ty: &Type) -> Value {
    match (v, ty) {
        (Value::String(s), Type::Integer) => s
            .trim()
            .parse()
            .map_or(Value::NotSet(Type::Integer), Value::Integer),
        (Value::String(s), Type::Decimal) => s
            .trim()
            .parse()
            .map_or(Value::NotSet(Type::Decimal), Value::Decimal),
        (Value::String(s), Type::Boolean) => match s.as_str() {
            "true" => Value::Boolean(true),
            "false" => Value::Boolean(false),
            _ => Value::NotSet(Type::Boolean),
        },
        (Value::String(s), Type::Date) => {
            crate::expr::Date::parse(&s).map_or(Value::NotSet(Type::Date), Value::Date)
        }
        (Value::String(s), Type::Time) => {
            crate::expr::Time::parse(&s).map_or(Value::NotSet(Type::Time), Value::Time)
        }
        (v, _) => v,
    }
}
