//! One case: its name, recording (fixture, conversation or built), overlays and variables.

use std::collections::HashMap;
use std::sync::Arc;

use super::{CASE_KEYS, Loader};
use crate::conversation::synthetic;
use crate::diag::SourceDiagnostic;
use crate::expr::{Scope, Type, Value};
use crate::flow::Stubs;
use crate::source::Location;
use crate::source::code::RulesCode;
use crate::suite::model::{Case, Check, Expectation, FixtureRef, GuestRef};
use crate::suite::yaml::{Node, NodeValue};

impl Loader<'_> {
    pub(super) fn cases(
        &mut self,
        node: Node,
        scope: &Scope,
        declared: &HashMap<String, (Type, &Node)>,
    ) -> Vec<Case> {
        let items = match node.value {
            NodeValue::Seq(ref items) if items.is_empty() => {
                self.err(&node, RulesCode::Empty, "`cases` is empty");
                return Vec::new();
            }
            NodeValue::Seq(items) => items,
            _ => {
                self.expect_type(&node, "`cases`", "a sequence");
                return Vec::new();
            }
        };
        let mut names: HashMap<String, usize> = HashMap::with_capacity(items.len());
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            if let Some(case) = self.case_item(&item, &mut names, scope, declared) {
                out.push(case);
            }
        }
        out
    }

    /// One item of `cases:`; `names` holds the names seen so far (with their line).
    pub(super) fn case_item(
        &mut self,
        item: &Node,
        names: &mut HashMap<String, usize>,
        scope: &Scope,
        declared: &HashMap<String, (Type, &Node)>,
    ) -> Option<Case> {
        // Names are checked even in cases with other errors, so all are reported.
        let name_node = item.as_map().and_then(|m| {
            m.iter()
                .find(|(k, _)| k.as_str() == Some("name"))
                .map(|(_, v)| v)
        });
        if let Some(n) = name_node
            && let Some(name) = n.as_str()
        {
            if let Some(first) = names.get(name) {
                let d = SourceDiagnostic::error(
                    self.src,
                    n.span,
                    format!("duplicate case name `{name}`"),
                )
                .with_code(RulesCode::DuplicateCase)
                .with_help(format!(
                    "case names are unique in a file; the first is on line {first}"
                ));
                self.push(d);
            } else {
                names.insert(
                    name.to_owned(),
                    self.lines.line_col(&self.src.text, n.span.0).0,
                );
            }
        }
        self.case(item, scope, declared)
    }

    fn case(
        &mut self,
        node: &Node,
        scope: &Scope,
        declared: &HashMap<String, (Type, &Node)>,
    ) -> Option<Case> {
        let errors_before = self.diags.errors.len();
        let mut name = None;
        let mut fixture = None;
        let mut conversation: Option<(&Node, Option<(FixtureRef, Location)>)> = None;
        let mut attributes = Vec::new();
        let mut attribute_spans = Vec::new();
        let mut message = None;
        let mut messages: Vec<crate::flow::CustomerMessage> = Vec::new();
        let mut variables = Vec::new();
        let mut expects = Vec::new();
        let mut saw_expect = false;
        let mut own_stubs = Vec::new();
        let mut new_conversation = None;
        let mut now = None;
        let mut guest: Option<(&Node, Option<_>)> = None;
        self.guest_case = node
            .as_map()
            .is_some_and(|m| m.iter().any(|(k, _)| k.as_str() == Some("guest")));
        for (key, k, v) in self.entries(node, "a case", CASE_KEYS) {
            match key {
                "name" => name = self.string(v, "`name`"),
                "guest" => guest = Some((k, self.guest(k, v))),
                "fixture" | "conversation" | "attributes" | "message" | "messages"
                    if self.guest_case =>
                {
                    self.err(k, RulesCode::Guest, format!("a `guest:` case starts its own conversation: `{key}:` does not apply (put custom attributes under `guest: attributes:` and messages under `guest: say:`)"));
                }
                "fixture" => fixture = self.fixture(v),
                "conversation" => conversation = Some((k, self.conversation(v))),
                "attributes" => (attributes, attribute_spans) = self.overlay(v).into_iter().unzip(),
                "message" => message = self.string(v, "`message`"),
                "messages" => messages = self.customer_messages(v),
                "variables" => variables = self.case_variables(v, declared),
                "expect" => {
                    saw_expect = true;
                    expects = self.expectations(v, scope);
                }
                "stubs" if self.needs_flow(k) => own_stubs = self.stubs(v),
                "new_conversation" if self.needs_flow(k) => {
                    new_conversation = self.bool(v, "`new_conversation`")
                }
                "stubs" | "new_conversation" => {}
                "now" => now = self.clock(v),
                _ => self.err(k, RulesCode::UnknownKey, format!("unhandled key `{key}`")),
            }
        }
        if !messages.is_empty() {
            if message.is_some() {
                let at = node.get("messages").unwrap_or(node);
                self.err(at, RulesCode::UnknownKey, "a case gives `message:` or `messages:`, not both (the first of `messages:` is the message)");
            }
            message = Some(messages[0].text().to_string());
        }
        let location = self.location(node.span.0);
        let clean = self.diags.errors.len() == errors_before;
        if name.is_none() && clean {
            self.missing(node, "name", "give the case a `name:` (unique in the file)");
        }
        let conflict = fixture.is_some() && conversation.is_some();
        let fixture = match (fixture, conversation) {
            (Some(_), Some((k, _))) => {
                self.err(
                    k,
                    RulesCode::Fixture,
                    "a case reads `fixture:` or `conversation:`, not both",
                );
                None
            }
            (f, None) => f,
            (None, Some((_, c))) => c,
        };
        let fixture = match (fixture, self.live, guest) {
            (_, _, Some((_, Some((spec, at))))) => Some((
                FixtureRef::Guest(GuestRef {
                    file: self.src.name.to_string(),
                    case: name.clone().unwrap_or_default(),
                    spec: Arc::new(spec),
                    at: Arc::new(at.clone()),
                }),
                at.guest,
            )),
            (_, _, Some((_, None))) => None,
            (Some((f, at)), None, None) => Some((f, at)),
            (f, Some(id), None) => Some((
                FixtureRef::Conversation(id.to_owned()),
                f.map_or_else(|| location.clone(), |(_, at)| at),
            )),
            // No recording: the conversation is built from the case itself (its
            // `attributes:` and `message:`, each optional: a guest who sets nothing and
            // has said nothing yet is a case too).
            (None, None, None) if !conflict => Some((
                FixtureRef::Synthetic(synthetic::conversation_json(
                    &self.purpose,
                    &attributes,
                    message.as_deref(),
                )),
                location.clone(),
            )),
            (None, None, None) => None,
        };
        if !saw_expect && clean {
            self.missing(
                node,
                "expect",
                "a case without expectations would always pass",
            );
        }
        if self.diags.errors.len() > errors_before {
            return None;
        }
        let (fixture, fixture_location) = fixture?;
        let needs_tree = expects
            .iter()
            .any(|e: &Expectation| matches!(e.check, Check::JsonPath { .. }));
        if let (Some(p), FixtureRef::File { canonical, display }) = (self.prefetch, &fixture)
            && self.live.is_none()
        {
            p.request(canonical, display, needs_tree);
        }
        let mut stubs = Stubs::default();
        if let Some(f) = &self.flow {
            stubs
                .0
                .extend(f.stubs.iter().map(|(n, s, _)| (n.clone(), s.clone())));
        }
        stubs
            .0
            .extend(own_stubs.iter().map(|(n, s, _)| (n.clone(), s.clone())));
        Some(Case {
            name: name?,
            location,
            span: node
                .get("name")
                .map_or((node.span.0, node.span.0), |n| n.span),
            fixture_location,
            fixture,
            attributes,
            attribute_spans,
            message,
            messages,
            variables,
            expects,
            needs_tree,
            own_stubs,
            stubs,
            new_conversation: new_conversation.unwrap_or(true),
            now,
        })
    }

    /// `messages:`: texts, or `{ text, intent, slots }`.
    fn customer_messages(&mut self, v: &Node) -> Vec<crate::flow::CustomerMessage> {
        use crate::flow::CustomerMessage;
        let Some(items) = v.as_seq() else {
            self.expect_type(v, "`messages`", "a list of messages");
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items {
            if item.as_map().is_none() {
                if let Some(t) = self.string(item, "a message") {
                    out.push(CustomerMessage::Text(t));
                }
                continue;
            }
            let mut text = None;
            let mut intent = None;
            let mut slots = std::collections::BTreeMap::new();
            let mut agent = false;
            for (key, k, val) in
                self.entries(item, "a message", &["text", "intent", "slots", "agent"])
            {
                match key {
                    "agent" => match val.value {
                        crate::source::yaml::NodeValue::Bool(b) => agent = b,
                        _ => self.err(val, RulesCode::Type, "`agent` is true or false".to_string()),
                    },
                    "text" => text = self.string(val, "`text`"),
                    "intent" => intent = self.string(val, "`intent`"),
                    "slots" => {
                        for (sk, sv) in val.as_map().unwrap_or(&[]) {
                            if let (Some(sk), Some(sv)) =
                                (sk.scalar_text(), self.string(sv, "a slot value"))
                            {
                                slots.insert(sk, sv);
                            }
                        }
                    }
                    _ => self.err(k, RulesCode::UnknownKey, format!("unhandled key `{key}`")),
                }
            }
            match text {
                Some(text) => out.push(CustomerMessage::Understood {
                    text,
                    intent,
                    slots,
                    agent,
                }),
                None => self.missing(item, "text", "give the message's `text:`"),
            }
        }
        out
    }

    /// `now: 2026-12-07T16:00:00Z`: the case's clock, RFC 3339 with an offset.
    fn clock(&mut self, v: &Node) -> Option<crate::expr::DateTime> {
        let text = self.string(v, "`now`")?;
        match crate::expr::DateTime::parse(text.trim()) {
            Ok(t) => Some(t),
            Err(e) => {
                self.err(v, RulesCode::Type, format!("`now`: {e}"));
                None
            }
        }
    }

    fn missing(&mut self, node: &Node, key: &str, help: &str) {
        let d = SourceDiagnostic::error(
            self.src,
            (node.span.0, node.span.0),
            format!("the case has no `{key}:`"),
        )
        .with_code(RulesCode::MissingKey)
        .with_help(help.to_owned());
        self.push(d);
    }

    /// `conversation: ID` (after `${...}` interpolation).
    fn conversation(&mut self, v: &Node) -> Option<(FixtureRef, Location)> {
        let id = self.string(v, "`conversation`")?;
        let id = id.trim();
        if id.is_empty() || id.contains(|c: char| c.is_whitespace() || c == '/') {
            let d = self
                .error(v, "`conversation` must be a conversation id")
                .with_code(RulesCode::Conversation)
                .with_help("the id shown in Genesys Cloud (a UUID), or ${GENESYS_CONVERSATION_ID}");
            self.push(d);
            return None;
        }
        Some((
            FixtureRef::Conversation(id.to_owned()),
            self.location(v.span.0),
        ))
    }

    fn fixture(&mut self, v: &Node) -> Option<(FixtureRef, Location)> {
        let rel = self.string(v, "`fixture`")?;
        if self.live.is_some() {
            // `--conversation` replaces every fixture: the file need not exist.
            let display = self.base_dir.join(&rel).display().to_string();
            return Some((
                FixtureRef::File {
                    canonical: display.clone().into(),
                    display,
                },
                self.location(v.span.0),
            ));
        }
        match self.resolver.resolve_file(&rel) {
            Ok((joined, canonical, true)) => Some((
                FixtureRef::File {
                    canonical,
                    display: crate::source::shown::shown(&joined),
                },
                self.location(v.span.0),
            )),
            Ok((joined, _, false)) => {
                self.err(
                    v,
                    RulesCode::Fixture,
                    format!("fixture `{}` is not a file", joined.display()),
                );
                None
            }
            Err(e) => {
                let outside = matches!(e, crate::project::PathError::Outside { .. });
                let mut d = self
                    .error(v, e.message("fixture"))
                    .with_code(if outside {
                        RulesCode::FixtureOutside
                    } else {
                        RulesCode::Fixture
                    })
                    .with_help(e.help("fixture"));
                if outside {
                    d = d.with_label("leaves the project");
                }
                self.push(d);
                None
            }
        }
    }

    pub(super) fn overlay(&mut self, v: &Node) -> Vec<(OverlayEntry, (usize, usize))> {
        let Some(map) = v.as_map() else {
            self.expect_type(v, "`attributes`", "a mapping of attribute: value");
            return Vec::new();
        };
        let mut out = Vec::with_capacity(map.len());
        for (k, val) in map {
            let Some(name) = self.string(k, "an attribute name") else {
                continue;
            };
            match &val.value {
                NodeValue::Str(s) => out.push(((name, Some(s.clone())), k.span)),
                NodeValue::Null => out.push(((name, None), k.span)),
                other => {
                    let shown = val.scalar_text().unwrap_or_default();
                    let d = self
                        .error(val, format!("attribute `{name}` must be a string, found {}", other.kind()))
                        .with_code(RulesCode::Type)
                        .with_help(if shown.is_empty() {
                            "participant attributes are flat strings".to_owned()
                        } else {
                            format!("participant attributes are strings: write \"{shown}\" (null removes the attribute)")
                        });
                    self.push(d);
                }
            }
        }
        out
    }

    fn case_variables(
        &mut self,
        v: &Node,
        declared: &HashMap<String, (Type, &Node)>,
    ) -> Vec<(String, Value)> {
        let mut out = Vec::new();
        for (name, value, k) in self.variables(v) {
            match declared.get(&name.to_ascii_lowercase()) {
                None => {
                    let d = self
                        .error(k, format!("variable `{name}` is not declared in the file's `variables:` or `bindings:`"))
                        .with_code(RulesCode::UndeclaredVariable)
                        .with_help("declare it with a default under the file's `variables:`; cases override it");
                    self.push(d);
                }
                Some((ty, _)) if *ty != value.ty() => {
                    let d = self
                        .error(
                            k,
                            format!("variable `{name}` is {ty}, this value is {}", value.ty()),
                        )
                        .with_code(RulesCode::Type);
                    self.push(d);
                }
                Some(_) => out.push((name, value)),
            }
        }
        out
    }
}

/// One overlay entry: the key and its value (`None`: YAML null removes it).
type OverlayEntry = (String, Option<String>);
