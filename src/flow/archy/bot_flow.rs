//! Reading bot actions, bot settings, NLU definitions and calls to other flows, with the
//! message-flow loader's values, blocks and diagnostics (so every problem is located in
//! the original file the same way).

use regex::Regex;

use crate::expr::Type;
use crate::flow::archy::Loader;
use crate::flow::model::Target;
use crate::source::yaml::{Node, NodeValue as Kind};

use crate::flow::model::bot::*;
use crate::flow::nlu::{EntityType, Intent, Nlu, Segment};
use crate::flow::recognise::Thresholds;

/// The bot actions, by Archy key (docs/fidelity.md, "Bot actions").
pub(crate) const BOT_ACTIONS: &[&str] = &[
    "communicate",
    "askForIntent",
    "askForSlot",
    "askForBoolean",
    "digitalMenu",
    "exitBotFlow",
    "clearSlot",
];

/// The key under which each call action names its flow.
pub(crate) fn call_key(kind: &str) -> Option<(&'static str, FlowKind)> {
    match kind {
        "callDigitalBotFlow" => Some(("digitalBotFlow", crate::flow::kind::DIGITAL_BOT)),
        "callBotFlow" => Some(("botFlow", crate::flow::kind::BOT)),
        "callCommonModule" => Some(("commonModule", crate::flow::kind::COMMON_MODULE)),
        _ => None,
    }
}

impl Loader<'_> {
    /// A bot action; None after a located error.
    pub(crate) fn bot_action(
        &mut self,
        kind: &str,
        body: &Node,
        name: &str,
        at: usize,
    ) -> Option<BotAction> {
        let label = |what: &str| format!("{kind} \"{name}\" {what}");
        Some(match kind {
            "communicate" => {
                let v = self.req_val(body, "communication", None)?;
                BotAction::Communicate(v)
            }
            "exitBotFlow" => BotAction::ExitBotFlow,
            "clearSlot" => BotAction::ClearSlot(self.cleared_slots(body)?),
            "askForIntent" => {
                let mut ask = self.ask(body);
                let outputs = body.get("outputs");
                ask.paths = self.named_paths(outputs, ("intents", "intent"), &label("intent"));
                if let Some(n) = outputs.and_then(|o| o.get("noIntent")) {
                    let branch =
                        self.branch(label("no intent"), self.output_at(body, "noIntent", at));
                    let actions = self.block(n.get("actions"));
                    ask.no_intent = Some(Path {
                        name: "noIntent".into(),
                        actions,
                        branch,
                    });
                }
                ask.max_no_matches = self.max_no_matches(body, &label("max no matches"), at);
                BotAction::AskForIntent(Box::new(ask))
            }
            "askForBoolean" => {
                let mut ask = self.ask(body);
                for p in ["yes", "no"] {
                    let branch = self.branch(label(p), self.output_at(body, p, at));
                    let actions = self.block(
                        body.get("outputs")
                            .and_then(|o| o.get(p))
                            .and_then(|o| o.get("actions")),
                    );
                    ask.paths.push(Path {
                        name: p.into(),
                        actions,
                        branch,
                    });
                }
                ask.max_no_matches = self.max_no_matches(body, &label("max no matches"), at);
                BotAction::AskForBoolean(Box::new(ask))
            }
            "askForSlot" => {
                let mut ask = self.ask(body);
                let slot = body
                    .get("slot")
                    .and_then(|s| s.get("name"))
                    .and_then(Node::scalar_text);
                let Some(slot) = slot else {
                    self.err(body, "ask for slot needs `slot: { name: ... }`");
                    return None;
                };
                let var = format!("Slot.{slot}");
                let target =
                    self.declared(&var, body.get("slot").map_or(at, |n| self.orig(n.off())));
                ask.max_no_matches = self.max_no_matches(body, &label("max no matches"), at);
                BotAction::AskForSlot(Box::new(ask), SlotAsk { slot, target })
            }
            "digitalMenu" => {
                let mut ask = self.ask(body);
                ask.paths =
                    self.named_paths(body.get("outputs"), ("paths", "path"), &label("choice"));
                ask.max_no_matches = self.max_no_matches(body, &label("max no matches"), at);
                let choices = menu_choices(body, &ask.paths);
                BotAction::DigitalMenu(Box::new(ask), choices)
            }
            _ => return None,
        })
    }

    /// `outputs.<list>: [ - <item>: { name, actions, enabled } ]`: one path each (a
    /// disabled one is left out), its branch labelled `<label> NAME`.
    fn named_paths(
        &mut self,
        outputs: Option<&Node>,
        (list, item_key): (&str, &str),
        label: &str,
    ) -> Vec<Path> {
        let mut out = Vec::new();
        for item in outputs
            .and_then(|o| o.get(list))
            .and_then(Node::as_seq)
            .unwrap_or(&[])
        {
            let Some(i) = item.get(item_key) else {
                self.err(item, format!("expected a `{item_key}:` entry"));
                continue;
            };
            if i.get("enabled")
                .is_some_and(|e| matches!(e.value, Kind::Bool(false)))
            {
                continue;
            }
            let name = i
                .get("name")
                .and_then(Node::scalar_text)
                .unwrap_or_default();
            // Each intent or menu choice is located at its own `- path:` item.
            let branch = self.branch(format!("{label} {name}"), self.orig(item.off()));
            let actions = self.block(i.get("actions"));
            out.push(Path {
                name,
                actions,
                branch,
            });
        }
        out
    }

    fn ask(&mut self, body: &Node) -> Ask {
        let question = body.get("question").and_then(|n| self.val(n, None));
        let no_match = body.get("noMatch").and_then(|n| self.val(n, None));
        Ask {
            prompts: Prompts { question, no_match },
            paths: Vec::new(),
            no_intent: None,
            max_no_matches: None,
        }
    }

    /// `outputs.maxNoMatches` when enabled.
    fn max_no_matches(&mut self, body: &Node, label: &str, at: usize) -> Option<Path> {
        let m = body.get("outputs")?.get("maxNoMatches")?;
        if m.get("enabled")
            .is_some_and(|e| matches!(e.value, Kind::Bool(false)))
        {
            return None;
        }
        let branch = self.branch(label.to_string(), self.output_at(body, "maxNoMatches", at));
        let actions = self.block(m.get("actions"));
        Some(Path {
            name: "maxNoMatches".into(),
            actions,
            branch,
        })
    }

    /// `clearSlot`'s `slots: [ - slot: { name: X } ]`: each a slot the bot declares
    /// (`Slot.X`, as every real export does); an unknown one is a located error.
    fn cleared_slots(&mut self, body: &Node) -> Option<Vec<SlotAsk>> {
        let Some(items) = body.get("slots").and_then(Node::as_seq) else {
            self.err(body, "clear slot needs `slots: [ - slot: { name: ... } ]`");
            return None;
        };
        let mut out = Vec::new();
        for item in items {
            let name = item
                .get("slot")
                .and_then(|s| s.get("name"))
                .and_then(Node::scalar_text);
            let Some(slot) = name else {
                self.err(item, "expected `- slot: { name: ... }`");
                return None;
            };
            let at = self.orig(item.off());
            let target = self.declared(&format!("Slot.{slot}"), at);
            if target.is_none() {
                self.err(
                    item,
                    format!("clear slot names `{slot}`, a slot this bot does not declare (no `Slot.{slot}` variable)"),
                );
                return None;
            }
            out.push(SlotAsk { slot, target });
        }
        Some(out)
    }

    /// A declared variable as a target (`Slot.X`), if the flow declares it.
    fn declared(&mut self, name: &str, at: usize) -> Option<Target> {
        let decl = self.scope_lookup(name)?;
        Some(Target {
            name: name.to_string(),
            ty: decl,
            at,
        })
    }

    /// A bot's or module's settings: user input, error handling, NLU, and the
    /// variables it takes and gives.
    pub(crate) fn bot_settings(&mut self, flow: &Node, kind: FlowKind) -> BotSettings {
        let mut s = BotSettings::module(output_vars(flow.get("variables")));
        if kind == crate::flow::kind::COMMON_MODULE {
            return s;
        }
        if let Some(u) = flow.get("settingsUserInput") {
            if let Some(Kind::Int(n)) = u
                .get("noMatchesMax")
                .and_then(|n| n.get("lit"))
                .map(|n| &n.value)
            {
                s.no_matches_max = (*n).max(1);
            }
            s.no_match_apology = u.get("noMatchApology").and_then(|n| self.val(n, None));
            s.no_to_confirmation_apology = u
                .get("noToConfirmationApology")
                .and_then(|n| self.val(n, None));
            s.thresholds = self.thresholds(u);
        }
        if let Some(e) = flow.get("settingsErrorHandling") {
            s.error = self.bot_handling(e.get("errorHandling"));
            s.error_handover = e.get("errorEventHandover").and_then(|n| self.val(n, None));
            s.recognition_failure = self.bot_handling(e.get("recognitionFailureEventHandling"));
            s.recognition_failure_handover = e
                .get("recognitionFailureEventHandover")
                .and_then(|n| self.val(n, None));
            s.agent_escalation = e
                .get("enableAgentEscalation")
                .and_then(|n| n.get("lit"))
                .is_some_and(|n| matches!(n.value, Kind::Bool(true)));
            s.agent_escalation_confirmation = e
                .get("agentEscalationConfirmation")
                .and_then(|n| self.val(n, None));
            s.agent_escalation_handover = e
                .get("agentEscalationHandover")
                .and_then(|n| self.val(n, None));
            s.agent_escalation_handling = self.bot_handling(e.get("agentEscalationHandling"));
        }
        if let Some(n) = flow
            .get("settingsNaturalLanguageUnderstanding")
            .and_then(|n| n.get("nluDomainVersion"))
        {
            s.nlu = self.nlu(n);
        }
        s
    }

    /// `collectionLowConfidenceThreshold` / `collectionHighConfidenceThreshold`: literal
    /// percentages, 0 ≤ low ≤ high ≤ 100; one left out keeps its default.
    fn thresholds(&mut self, u: &Node) -> Thresholds {
        let mut t = Thresholds::default();
        let read = |this: &mut Self, key: &str, into: &mut f64| {
            let Some(n) = u.get(key) else { return };
            match n.get("lit").map(|l| &l.value) {
                Some(Kind::Int(i)) if (0..=100).contains(i) => *into = *i as f64,
                Some(Kind::Float(f)) if (0.0..=100.0).contains(f) => *into = *f,
                _ => this.err(
                    n,
                    format!("`{key}` must be a literal percentage from 0 to 100 (`lit: 20`): routecheck applies the bot's confidence thresholds to the NLU's answers"),
                ),
            }
        };
        read(self, "collectionLowConfidenceThreshold", &mut t.low);
        read(self, "collectionHighConfidenceThreshold", &mut t.high);
        if t.low > t.high
            && let Some(n) = u.get("collectionLowConfidenceThreshold")
        {
            self.err(
                n,
                format!(
                    "the low confidence threshold ({}) is above the high one ({})",
                    t.low, t.high
                ),
            );
        }
        t
    }

    fn bot_handling(&mut self, node: Option<&Node>) -> Handling {
        let Some((k, knode, body)) = node.and_then(Node::single_entry) else {
            return Handling::Exit;
        };
        match k {
            "exit" => Handling::Exit,
            "disconnect" => Handling::Disconnect,
            "transferToAcd" => match self.transfer(body) {
                Some(t) => Handling::Transfer(Box::new(t)),
                None => Handling::Exit,
            },
            other => {
                self.err(
                    knode,
                    format!("unsupported bot error handling `{other}` (the simulator runs `exit`, `disconnect` and `transferToAcd`)"),
                );
                Handling::Exit
            }
        }
    }

    fn nlu(&mut self, n: &Node) -> Nlu {
        let mut nlu = Nlu::default();
        for i in n.get("intents").and_then(Node::as_seq).unwrap_or(&[]) {
            let name = i
                .get("name")
                .and_then(Node::scalar_text)
                .unwrap_or_default();
            let mut utterances = Vec::new();
            for u in i.get("utterances").and_then(Node::as_seq).unwrap_or(&[]) {
                let segs = u
                    .get("segments")
                    .and_then(Node::as_seq)
                    .unwrap_or(&[])
                    .iter()
                    .map(|s| Segment {
                        text: s
                            .get("text")
                            .and_then(Node::scalar_text)
                            .unwrap_or_default(),
                        entity: s
                            .get("entity")
                            .and_then(|e| e.get("name"))
                            .and_then(Node::scalar_text),
                    })
                    .collect();
                utterances.push(segs);
            }
            nlu.intents.push(Intent { name, utterances });
        }
        for e in n.get("entities").and_then(Node::as_seq).unwrap_or(&[]) {
            if let (Some(name), Some(ty)) = (
                e.get("name").and_then(Node::scalar_text),
                e.get("type").and_then(Node::scalar_text),
            ) {
                nlu.entities.insert(name, ty);
            }
        }
        for t in n.get("entityTypes").and_then(Node::as_seq).unwrap_or(&[]) {
            let Some(name) = t.get("name").and_then(Node::scalar_text) else {
                continue;
            };
            let mech = t.get("mechanism");
            let mtype = mech
                .and_then(|m| m.get("type"))
                .and_then(Node::scalar_text)
                .unwrap_or_default();
            let items = mech
                .and_then(|m| m.get("items"))
                .and_then(Node::as_seq)
                .unwrap_or(&[]);
            let ty = match mtype.as_str() {
                "Regex" => {
                    let mut res = Vec::new();
                    for it in items {
                        let Some(v) = it.get("value") else { continue };
                        let src = v.scalar_text().unwrap_or_default();
                        match Regex::new(&src) {
                            Ok(r) => res.push(r),
                            Err(e) => self.err(
                                v,
                                format!("slot type `{name}`: invalid regular expression: {e}"),
                            ),
                        }
                    }
                    EntityType::Regex(res)
                }
                "List" => EntityType::List(
                    items
                        .iter()
                        .filter_map(|it| {
                            let v = it.get("value").and_then(Node::scalar_text)?;
                            let syn = it
                                .get("synonyms")
                                .and_then(Node::as_seq)
                                .unwrap_or(&[])
                                .iter()
                                .filter_map(Node::scalar_text)
                                .collect();
                            Some((v, syn))
                        })
                        .collect(),
                ),
                other => EntityType::Builtin(format!("{name} ({other})")),
            };
            nlu.types.insert(name, ty);
        }
        for ty in nlu.entities.values() {
            if let Some(b) = ty.strip_prefix("builtin:")
                && b != "any"
                && !nlu.types.contains_key(ty)
            {
                nlu.types
                    .insert(ty.clone(), EntityType::Builtin(ty.clone()));
            }
            if ty == "builtin:any" {
                nlu.types.insert(ty.clone(), EntityType::Any);
            }
        }
        nlu
    }

    /// `callDigitalBotFlow` / `callBotFlow` / `callCommonModule`: which flow, and how
    /// values pass. None when the action names no flow the simulator can find by name
    /// (it then needs a stub, as any external action).
    pub(crate) fn call(&mut self, kind: &str, body: &Node) -> Option<Call> {
        let (key, target_kind) = call_key(kind)?;
        let (name, knode, vbody) = body.get(key)?.single_entry()?;
        let io = vbody.single_entry().map(|(_, _, io)| io);
        let mut inputs = Vec::new();
        for (k, v) in io
            .and_then(|io| io.get("inputs"))
            .and_then(Node::as_map)
            .unwrap_or(&[])
        {
            let Some(k) = k.scalar_text() else { continue };
            if v.get("noValue").is_some() {
                continue;
            }
            if let Some(val) = self.val(v, None) {
                inputs.push((k, val));
            }
        }
        let mut outputs = Vec::new();
        for (k, v) in io
            .and_then(|io| io.get("outputs"))
            .and_then(Node::as_map)
            .unwrap_or(&[])
        {
            let Some(k) = k.scalar_text() else { continue };
            if v.get("var").is_none() {
                continue;
            }
            if let Some(t) = self.target(v) {
                outputs.push((k, t));
            }
        }
        let var_of = |this: &mut Self, key: &str| {
            body.get(key)
                .filter(|n| n.get("var").is_some())
                .and_then(|n| this.target(n))
        };
        let exit_reason = var_of(self, "exitReason");
        let intent = var_of(self, "intent");
        let input_text = body
            .get("inputText")
            .filter(|n| n.get("noValue").is_none())
            .and_then(|n| self.val(n, Some(&Type::String)));
        Some(Call {
            kind: target_kind,
            name: name.to_string(),
            name_at: self.orig(knode.off()),
            input_text,
            inputs,
            outputs,
            exit_reason,
            intent,
        })
    }
}

/// The variables a flow declares with `isOutput: true`.
fn output_vars(list: Option<&Node>) -> Vec<String> {
    let mut outs = Vec::new();
    for item in list.and_then(Node::as_seq).unwrap_or(&[]) {
        let Some((_, _, body)) = item.single_entry() else {
            continue;
        };
        let Some(name) = body.get("name").and_then(Node::scalar_text) else {
            continue;
        };
        if body
            .get("isOutput")
            .is_some_and(|n| matches!(n.value, Kind::Bool(true)))
        {
            outs.push(name);
        }
    }
    outs
}

/// A menu's choices: each path by its name, and each quick-reply button and list-picker
/// item whose value names a path, with its label.
fn menu_choices(body: &Node, paths: &[Path]) -> Vec<Choice> {
    let mut out: Vec<Choice> = paths
        .iter()
        .enumerate()
        .map(|(i, p)| Choice {
            value: p.name.clone(),
            label: None,
            path: i,
        })
        .collect();
    let mut items = Vec::new();
    if let Some(chooser) = body.get("chooser") {
        collect_items(chooser, &mut items);
    }
    for (value, label) in items {
        if let Some(i) = paths.iter().position(|p| p.name == value) {
            if let Some(c) = out.iter_mut().find(|c| c.path == i && c.label.is_none()) {
                c.label = label;
            } else {
                out.push(Choice {
                    value,
                    label,
                    path: i,
                });
            }
        }
    }
    out
}

/// Every `{ value: { lit: V }, label: { lit: L } }` under a chooser (buttons, list
/// items, cards' actions), whatever the nesting of `lit:` wrappers.
fn collect_items(node: &Node, out: &mut Vec<(String, Option<String>)>) {
    crate::flow::deep(|| match &node.value {
        Kind::Map(entries) => {
            let lit_text = |k: &str| {
                node.get(k)
                    .and_then(|v| v.get("lit"))
                    .and_then(Node::scalar_text)
            };
            if let Some(v) = lit_text("value") {
                out.push((v, lit_text("label").filter(|l| !l.is_empty())));
                return;
            }
            for (_, v) in entries {
                collect_items(v, out);
            }
        }
        Kind::Seq(items) => items.iter().for_each(|n| collect_items(n, out)),
        _ => {}
    })
}
