//! Evaluating one case against its parsed conversation: the participant data a flow
//! would see, the variables Get Participant Data would fill, and every expectation.

use std::collections::BTreeMap;

use crate::conversation::{Conversation, Participant};
use crate::expr::{self, DateTime, Directory, EvalContext, Type, Value, Vars};
use crate::flow::{Flow, FlowExpect, RunInput, RunResult, SimError};
use crate::report::{Failure, Location, Outcome};

use super::model::{AttrTest, Case, Check, Expectation, PathWant, Suite, ValueWant};
use crate::guest::GuestRun;

mod guest;
use super::near;
use crate::diag::SourceDiagnostic;

/// What every case of a run shares.
#[derive(Debug, Clone, Copy)]
pub struct Env<'a> {
    /// `GetCurrentDateTimeUtc()`.
    pub now: DateTime,
    /// Lookup directory.
    pub directory: &'a Directory,
    /// A `guest:` case's session and read-back.
    pub guest: Option<&'a GuestRun>,
}

/// The participant data of one case: the fixture's attributes with the case's overlay.
struct Data<'a> {
    base: &'a [(String, String)],
    overlay: &'a [(String, Option<String>)],
}

impl<'a> Data<'a> {
    fn get(&self, name: &str) -> Option<&'a str> {
        if let Some((_, v)) = self.overlay.iter().rev().find(|(k, _)| k == name) {
            return v.as_deref();
        }
        self.base
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn names(&self) -> impl Iterator<Item = &'a str> {
        let overlay = self.overlay;
        self.base
            .iter()
            .map(|(k, _)| k.as_str())
            .chain(
                overlay
                    .iter()
                    .filter(|(_, v)| v.is_some())
                    .map(|(k, _)| k.as_str()),
            )
            .filter(move |k| self.get(k).is_some())
    }

    /// Hints for an attribute that is not there: the present one it nearly names.
    fn near_misses(&self, name: &str) -> Vec<String> {
        near::closest(name, self.names())
            .map(|(other, kind)| {
                format!(
                    "the participant has `{other}`, not `{name}`: {}",
                    kind.explain()
                )
            })
            .into_iter()
            .collect()
    }
}

/// Every attribute name the case's rules file writes (bindings, `attribute:`
/// expectations, overlay keys) that the participant lacks while a close one exists, as
/// warnings located at the name. A check that passes only because of such a name
/// (`set: false`, `not_equals`, a NOT_SET condition) is then still reported.
pub fn near_miss_warnings(
    suite: &Suite,
    case: &Case,
    conv: &Conversation,
) -> Vec<SourceDiagnostic> {
    let Ok(sel) = conv.select(&suite.participant) else {
        return Vec::new();
    };
    let base = sel.participant.attributes.as_deref().unwrap_or_default();
    let data = Data {
        base,
        overlay: &case.attributes,
    };
    let mut out = Vec::new();
    let mut warn = |role: String, name: &str, present: &str, kind: near::Kind, span| {
        out.push(
            SourceDiagnostic::warning(&suite.source, span, near::message(&role, name, present))
                .with_code("routecheck::attribute::near-miss")
                .with_label(format!("did you mean `{present}`?"))
                .with_help(near::help(name, present, kind)),
        );
    };
    let synthetic = matches!(case.fixture, super::model::FixtureRef::Synthetic(_));
    // The names this file reads in this case: its bindings and `attribute:` checks, and
    // what its flow's Get Participant Data reads (walked only when an overlay key needs
    // it, so a case without a suspicious key costs nothing per flow size).
    let flow_reads = std::cell::OnceCell::<Vec<String>>::new();
    let file_reads: Vec<&str> = suite
        .bindings
        .iter()
        .map(|b| b.attribute.as_str())
        .chain(case.expects.iter().filter_map(|e| match &e.check {
            Check::Attribute { name, .. } => Some(name.as_str()),
            _ => None,
        }))
        .collect();
    let reads = || -> Vec<&str> {
        let flow = flow_reads.get_or_init(|| {
            suite
                .flow
                .as_ref()
                .and_then(|f| f.loaded.as_ref())
                .map(|f| {
                    f.attribute_reads()
                        .into_iter()
                        .map(|r| r.attribute)
                        .collect()
                })
                .unwrap_or_default()
        });
        let mut all = file_reads.clone();
        all.extend(flow.iter().map(String::as_str));
        all
    };
    // Overlay keys that are themselves near misses: of a key the recording has (the
    // overlay adds a new attribute and the intended one keeps its recorded value), or of
    // a name the file reads that nothing sets. In a recorded case such a key is no
    // candidate for the reads' own near misses (the recording says which name is real);
    // in a case without a recording nothing does, so both ends are reported.
    let mut suspects: Vec<&str> = Vec::new();
    let overlaid = |n: &str| case.attributes.iter().any(|(k, _)| k == n);
    let mut typed = Vec::new();
    for ((key, _), span) in case.attributes.iter().zip(&case.attribute_spans) {
        if file_reads.contains(&key.as_str()) || (!synthetic && base.iter().any(|(k, _)| k == key))
        {
            continue;
        }
        let reads = reads();
        if reads.contains(&key.as_str()) {
            continue;
        }
        let recorded = base
            .iter()
            .map(|(k, _)| k.as_str())
            .filter(|k| !synthetic && !overlaid(k));
        if let Some((p, k)) = near::closest(key, recorded) {
            warn("overlay key".into(), key, p, k, *span);
            suspects.push(key);
        } else if let Some((p, k)) =
            near::closest(key, reads.iter().copied().filter(|r| !overlaid(r)))
        {
            typed.push(overlay_read_miss(suite, key, p, k, *span));
            if !synthetic {
                suspects.push(key);
            }
        }
    }
    let present = || data.names().filter(|n| !suspects.contains(n));
    for b in &suite.bindings {
        if data.get(&b.attribute).is_none()
            && let Some((p, k)) = near::closest(&b.attribute, present())
        {
            warn(
                format!("binding `{}:`", b.variable),
                &b.attribute,
                p,
                k,
                b.span,
            );
        }
    }
    for e in &case.expects {
        if let Check::Attribute { name, span, .. } = &e.check
            && data.get(name).is_none()
            && let Some((p, k)) = near::closest(name, present())
        {
            warn("`attribute:`".into(), name, p, k, *span);
        }
    }
    out.extend(typed);
    out
}

/// An overlay key nothing in the file reads, next to a name the file reads that no
/// attribute of the case has: one of the two is misspelt, and the overlay sets the
/// wrong one as far as this file can tell.
fn overlay_read_miss(
    suite: &Suite,
    key: &str,
    read: &str,
    kind: near::Kind,
    span: (usize, usize),
) -> SourceDiagnostic {
    SourceDiagnostic::warning(
        &suite.source,
        span,
        format!("overlay key `{key}` is not read by this rules file, which reads `{read}`"),
    )
    .with_code("routecheck::attribute::near-miss")
    .with_label(format!("did you mean `{read}`?"))
    .with_help(format!(
        "did you mean `{read}`? ({}; the case sets `{key}` and `{read}` stays NOT_SET)",
        kind.explain()
    ))
}

fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

/// A value as a report shows it: strings quoted so `"5"` and `5` differ.
pub fn render(v: &Value) -> String {
    match v {
        Value::String(s) => quote(s),
        Value::List(_, items) => {
            let inner: Vec<String> = items.iter().map(render).collect();
            format!("[{}]", inner.join(", "))
        }
        other => other.to_string(),
    }
}

fn render_json(v: &serde_json::Value) -> String {
    v.to_string()
}

fn render_list(v: &[&serde_json::Value]) -> String {
    let inner: Vec<String> = v.iter().map(|j| j.to_string()).collect();
    format!("[{}]", inner.join(", "))
}

/// Typed equality of an Architect value with a YAML value: `5` equals Integer 5 and
/// Decimal 5.0, `"5"` equals only String "5"; NOT_SET equals nothing.
pub fn typed_eq(actual: &Value, want: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    match (actual, want) {
        (Value::String(a), J::String(b)) => a == b,
        (Value::Integer(a), J::Number(n)) => {
            n.as_i64() == Some(*a) || (n.is_f64() && n.as_f64() == Some(*a as f64))
        }
        (Value::Decimal(a), J::Number(n)) => n.as_f64() == Some(*a),
        (Value::Boolean(a), J::Bool(b)) => a == b,
        (Value::List(_, items), J::Array(want)) => {
            items.len() == want.len() && items.iter().zip(want).all(|(a, b)| typed_eq(a, b))
        }
        (Value::Json(j), w) => j == w,
        (Value::DateTime(_) | Value::Duration(_) | Value::Entity(..), J::String(b)) => {
            actual.to_string() == *b
        }
        _ => false,
    }
}

/// Evaluate one case (`tree` is the fixture's JSON when a jsonpath expectation needs
/// it), with the whole flow run when the case's file simulates a flow: its path (for
/// pictures) and the branches it reached (for coverage; `None` when the flow did not run
/// to the end).
pub fn evaluate_run(
    suite: &Suite,
    case: &Case,
    conv: &Conversation,
    tree: Option<&serde_json::Value>,
    env: Env<'_>,
) -> (Outcome, Option<RunResult>) {
    let participant: &Participant = match conv.select(&suite.participant) {
        Ok(sel) => sel.participant,
        Err(e) => {
            let outcome = Outcome::Error {
                message: format!("fixture {e}"),
                location: Some(case.fixture_location.clone()),
            };
            return (outcome, None);
        }
    };
    let data = Data {
        base: participant.attributes.as_deref().unwrap_or_default(),
        overlay: &case.attributes,
    };
    let env = Env {
        directory: suite.directory.as_ref().unwrap_or(env.directory),
        ..env
    };
    let run = match suite
        .flow
        .as_ref()
        .and_then(|f| f.loaded.as_deref().map(|l| (l, &f.tables)))
    {
        Some((flow, tables)) => match simulate(flow, tables, case, conv, participant, &data, env) {
            Ok(r) => Some(r),
            Err(e) => return (sim_error(&e), None),
        },
        None => None,
    };
    let mut vars = Vars::new();
    for b in &suite.bindings {
        vars.set(
            &b.variable,
            match data.get(&b.attribute) {
                Some(v) => Value::String(v.to_owned()),
                None => Value::NotSet(Type::String),
            },
        );
    }
    for (name, value) in suite.variables.iter().chain(&case.variables) {
        vars.set(name, value.clone());
    }
    let set_str = |vars: &mut Vars, name: &str, v: Option<&str>| {
        vars.set(
            name,
            v.map_or(Value::NotSet(Type::String), |s| Value::String(s.to_owned())),
        );
    };
    set_str(&mut vars, "Message.ConversationId", conv.id.as_deref());
    set_str(
        &mut vars,
        "Message.Message.body",
        case.message
            .as_deref()
            .or(participant.first_message.body.as_deref()),
    );
    set_str(
        &mut vars,
        "Message.Message.senderAddress",
        participant.first_message.sender.as_deref(),
    );
    let cx = EvalContext {
        vars: &vars,
        now: env.now,
        directory: env.directory,
    };
    let mut failures = Vec::new();
    for e in &case.expects {
        if let Check::Guest(want) = &e.check {
            failures.extend(guest::expectation(&e.location, want, env.guest));
            continue;
        }
        if let Some(mut f) = check(e, &data, &cx, tree, conv, run.as_ref()) {
            if let Check::Condition { expr, .. } | Check::Value { expr, .. } = &e.check {
                add_binding_notes(suite, &data, expr.source(), &mut f.notes);
            }
            failures.push(f);
        }
    }
    if let Some(g) = env.guest {
        failures.extend(guest::after(suite, case, g, env));
    }
    let outcome = if failures.is_empty() {
        Outcome::Passed
    } else {
        Outcome::Failed { failures }
    };
    (outcome, run)
}

/// Run the file's flow for this case: the participant data with the case's overlay,
/// the conversation and message from the fixture (or `message:`), the case's stubs.
fn simulate(
    flow: &Flow,
    tables: &crate::flow::Tables,
    case: &Case,
    conv: &Conversation,
    participant: &Participant,
    data: &Data<'_>,
    env: Env<'_>,
) -> Result<RunResult, SimError> {
    let conversation_id = conv.id.clone().unwrap_or_default();
    let mut input = RunInput::new(conversation_id, &case.stubs, env.directory, env.now);
    input.attributes = data
        .names()
        .filter_map(|k| data.get(k).map(|v| (k.to_owned(), v.to_owned())))
        .collect::<BTreeMap<_, _>>();
    input.message_body = case
        .message
        .clone()
        .or_else(|| participant.first_message.body.clone());
    input.sender_address = participant.first_message.sender.clone();
    input.is_new_conversation = case.new_conversation;
    input.tables = tables;
    flow.run(&input)
}

/// A run the simulator could not finish (a missing stub, the step limit): the case
/// cannot be judged, so it is an error located in the flow file, with the path so far.
fn sim_error(e: &SimError) -> Outcome {
    let d = &e.diagnostic;
    let mut message = format!("the flow simulation stopped: {}", d.message);
    if let Some(h) = &d.help {
        message.push_str(&format!("\nhelp: {h}"));
    }
    if !e.trace.is_empty() {
        message.push_str("\npath so far:");
        for s in &e.trace {
            message.push_str(&format!("\n  {}", crate::flow::trace::render_step(s)));
        }
    }
    Outcome::Error {
        message,
        location: Some(d.file.location(d.span.0)),
    }
}

/// A flow expectation against the run; several mismatches (participant data names)
/// become one failure at the expectation's place.
fn flow_failure(loc: &Location, want: &FlowExpect, run: Option<&RunResult>) -> Option<Failure> {
    let Some(run) = run else {
        return Some(failure(loc, "the flow did not run".into(), None, None));
    };
    let mismatches = want.check(run);
    let first = mismatches.first()?;
    let join = |f: fn(&crate::flow::FlowMismatch) -> Option<&String>| {
        let parts: Vec<&str> = mismatches
            .iter()
            .filter_map(|m| f(m).map(String::as_str))
            .collect();
        (!parts.is_empty()).then(|| parts.join("; "))
    };
    let mut out = failure(
        loc,
        mismatches
            .iter()
            .map(|m| m.message.as_str())
            .collect::<Vec<_>>()
            .join("; "),
        join(|m| m.expected.as_ref()),
        join(|m| m.actual.as_ref()),
    );
    out.notes.push("path taken:".into());
    out.notes
        .extend(first.notes.iter().map(|n| format!("  {n}")));
    Some(out)
}

/// Bound attributes that are missing but nearly present explain most failed conditions.
fn add_binding_notes(suite: &Suite, data: &Data<'_>, source: &str, notes: &mut Vec<String>) {
    let source = source.to_ascii_lowercase();
    for b in &suite.bindings {
        if data.get(&b.attribute).is_none() && source.contains(&b.variable.to_ascii_lowercase()) {
            for n in data.near_misses(&b.attribute) {
                notes.push(format!("{} is NOT_SET: {n}", b.variable));
            }
        }
    }
}

fn failure(
    location: &Location,
    message: String,
    expected: Option<String>,
    actual: Option<String>,
) -> Failure {
    Failure {
        message,
        expected,
        actual,
        location: location.clone(),
        notes: Vec::new(),
    }
}

fn eval_error(loc: &Location, src: &str, e: &expr::ExprError) -> Failure {
    let mut f = failure(
        loc,
        format!("`{src}` raised a runtime error: {}", e.message),
        None,
        Some("runtime error".into()),
    );
    if let Some(h) = &e.help {
        f.notes.push(h.clone());
    }
    f.notes
        .push("in a flow this takes the action's failure (error handling) path".into());
    f
}

fn check(
    e: &Expectation,
    data: &Data<'_>,
    cx: &EvalContext<'_>,
    tree: Option<&serde_json::Value>,
    conv: &Conversation,
    run: Option<&RunResult>,
) -> Option<Failure> {
    let loc = &e.location;
    match &e.check {
        Check::Flow(want) => flow_failure(loc, want, run),
        Check::Guest(_) => None, // checked by `guest::expectation`
        Check::Condition { expr, expect } => match expr.eval(cx) {
            Ok(Value::Boolean(b)) if b == *expect => None,
            Ok(v) => Some(failure(
                loc,
                format!("condition `{}` was {}", expr.source(), render(&v)),
                Some(expect.to_string()),
                Some(render(&v)),
            )),
            Err(err) => Some(eval_error(loc, expr.source(), &err)),
        },
        Check::Value { expr, want } => match (expr.eval(cx), want) {
            (Err(_), ValueWant::Error) => None,
            (Err(err), _) => Some(eval_error(loc, expr.source(), &err)),
            (Ok(v), ValueWant::Error) => Some(failure(
                loc,
                format!("`{}` evaluated without a runtime error", expr.source()),
                Some("runtime error".into()),
                Some(render(&v)),
            )),
            (Ok(v), ValueWant::NotSet(want_not_set)) => (v.is_not_set() != *want_not_set).then(|| {
                failure(
                    loc,
                    format!(
                        "`{}` was {}",
                        expr.source(),
                        if v.is_not_set() { "NOT_SET" } else { "set" }
                    ),
                    Some(if *want_not_set { "NOT_SET".into() } else { "a value".into() }),
                    Some(render(&v)),
                )
            }),
            (Ok(v), ValueWant::Equals(w)) => (!typed_eq(&v, w)).then(|| {
                let mut f = failure(
                    loc,
                    format!("`{}` did not equal the expected value", expr.source()),
                    Some(render_json(w)),
                    Some(format!("{} ({})", render(&v), v.ty())),
                );
                if let (serde_json::Value::String(s), false) = (w, matches!(v, Value::String(_)))
                    && !v.is_not_set()
                    && v.to_string() == *s
                {
                    f.notes.push(format!(
                        "the expected value is a string and the result is {}: compare typed values (write it unquoted) or convert with ToString()",
                        v.ty()
                    ));
                }
                f
            }),
        },
        Check::Attribute { name, test, .. } => attribute(loc, name, test, data),
        Check::JsonPath { source, path, want } => {
            let Some(tree) = tree else {
                return Some(failure(
                    loc,
                    format!("jsonpath `{source}` could not read the fixture {}", conv.file),
                    None,
                    None,
                ));
            };
            let found = path.query(tree).all();
            match want {
                PathWant::Count(n) => (found.len() != *n).then(|| {
                    failure(
                        loc,
                        format!("jsonpath `{source}` matched {} value(s)", found.len()),
                        Some(n.to_string()),
                        Some(found.len().to_string()),
                    )
                }),
                PathWant::Equals(items) => {
                    let same = found.len() == items.len() && found.iter().zip(items).all(|(a, b)| *a == b);
                    (!same).then(|| {
                        failure(
                            loc,
                            format!("jsonpath `{source}` matched other values"),
                            Some(render_list(&items.iter().collect::<Vec<_>>())),
                            Some(render_list(&found)),
                        )
                    })
                }
            }
        }
    }
}

fn attribute(loc: &Location, name: &str, test: &AttrTest, data: &Data<'_>) -> Option<Failure> {
    let actual = data.get(name);
    let (ok, expected) = match test {
        AttrTest::Set(want) => (
            actual.is_some() == *want,
            if *want {
                "set".to_owned()
            } else {
                "not set".to_owned()
            },
        ),
        AttrTest::Equals(w) => (actual == Some(w.as_str()), quote(w)),
        AttrTest::NotEquals(w) => (actual != Some(w.as_str()), format!("not {}", quote(w))),
        AttrTest::Contains(w) => (
            actual.is_some_and(|a| a.contains(w.as_str())),
            format!("containing {}", quote(w)),
        ),
        AttrTest::StartsWith(w) => (
            actual.is_some_and(|a| a.starts_with(w.as_str())),
            format!("starting with {}", quote(w)),
        ),
        AttrTest::Matches(r) => (
            actual.is_some_and(|a| r.is_match(a)),
            format!("matching /{}/", r.as_str()),
        ),
    };
    if ok {
        return None;
    }
    let mut f = failure(
        loc,
        match actual {
            Some(_) => format!("attribute `{name}` did not hold"),
            None => format!("attribute `{name}` is not set on the participant"),
        },
        Some(expected),
        Some(actual.map_or_else(|| "not set".to_owned(), quote)),
    );
    if actual.is_none() {
        f.notes = data.near_misses(name);
    }
    Some(f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn typed_comparison_keeps_strings_and_numbers_apart() {
        assert!(typed_eq(&Value::Integer(5), &json!(5)));
        assert!(!typed_eq(&Value::Integer(5), &json!("5")));
        assert!(!typed_eq(&Value::String("5".into()), &json!(5)));
        assert!(typed_eq(&Value::Decimal(2.5), &json!(2.5)));
        assert!(typed_eq(&Value::Boolean(true), &json!(true)));
        assert!(!typed_eq(&Value::NotSet(Type::String), &json!("")));
        assert!(typed_eq(
            &Value::List(Type::String, vec![Value::String("a".into())]),
            &json!(["a"])
        ));
    }

    #[test]
    fn near_misses_name_case_and_context_prefix() {
        let base = vec![
            ("priority_tier".to_owned(), "gold".to_owned()),
            ("context.tier".to_owned(), "x".to_owned()),
        ];
        let d = Data {
            base: &base,
            overlay: &[],
        };
        let n = d.near_misses("Priority_Tier");
        assert!(
            n[0].contains("case-sensitive") && n[0].contains("`priority_tier`"),
            "{n:?}"
        );
        let n = d.near_misses("tier");
        assert!(
            n[0].contains("context.tier") && n[0].contains("legacy"),
            "{n:?}"
        );
    }
}
