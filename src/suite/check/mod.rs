//! Evaluating one case against its parsed conversation: the participant data a flow
//! would see, the variables Get Participant Data would fill, and every expectation.
//!
//! - this file: the case's participant data and [`evaluate_run`], which runs the flow and
//!   checks every expectation.
//! - `expect`: one expectation (conditions, attributes, values) and typed comparison.
//! - `flow`: the flow simulation of a case and its failures.
//! - `warnings`: near-miss attribute names, as located warnings.
//! - `literals`: case values no comparison of the flow matches (near literals).
//! - `race`: participant data read back in the run that set it, routed both ways.
//! - `guest`: the checks of a `guest:` case against the real session.

use crate::conversation::{Conversation, Participant};
use crate::expr::{self, DateTime, Directory, EvalContext, Type, Value, Vars};
use crate::flow::RunResult;
use crate::report::{Failure, Location, Outcome};

use super::model::{Case, Check, Suite};
use crate::guest::GuestRun;

mod expect;
mod flow;
mod guest;
mod literals;
mod race;
mod warnings;
use super::near;

use expect::check;
pub use expect::{render, typed_eq};
use flow::{sim_error, simulate};
pub use literals::literal_warnings;
pub use race::race_warnings;
pub use warnings::near_miss_warnings;

/// What every case of a run shares.
#[derive(Debug, Clone, Copy)]
pub struct Env<'a> {
    /// `GetCurrentDateTimeUtc()`, unless the case has its own `now:`.
    pub now: DateTime,
    /// `now` is only the wall clock (no `--now`): a case without `now:` cannot evaluate
    /// a schedule at it.
    pub wall_clock: bool,
    /// The deploy's resources (`--terraform`, `--tf-plan`).
    pub deploy: &'a crate::deploy::Deploy,
    /// Lookup directory.
    pub directory: &'a Directory,
    /// A `guest:` case's session and read-back.
    pub guest: Option<&'a GuestRun>,
    /// What recognises bot intents (RunConfig's).
    pub recogniser: &'a dyn crate::flow::recognise::Recognise,
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

fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
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
        now: case.now.unwrap_or(env.now),
        wall_clock: env.wall_clock && case.now.is_none(),
        ..env
    };
    let run = match suite.flow.as_ref().and_then(|f| {
        f.loaded
            .as_deref()
            .map(|l| (l, &f.tables, f.library.as_deref()))
    }) {
        Some((flow, tables, library)) => {
            let reading = |reads_new| {
                simulate(
                    flow,
                    tables,
                    library,
                    case,
                    conv,
                    participant,
                    &data,
                    env,
                    reads_new,
                )
            };
            match reading(false) {
                Ok(mut r) if !r.races.found.is_empty() => {
                    // The other reading of participant data set in the run (issue #26).
                    r.races.new_reading = Some(Box::new(
                        reading(true)
                            .map(|n| n.route)
                            .map_err(|e| e.diagnostic.message),
                    ));
                    Some(r)
                }
                Ok(r) => Some(r),
                Err(e) => return (sim_error(&e), None),
            }
        }
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
            if let Check::Flow(want) = &e.check
                && let Some(flow) = suite.flow.as_ref().and_then(|f| f.loaded.as_deref())
                && let Some(hint) = flow::queue_hint(flow, want, run.as_ref())
            {
                f.notes.insert(0, hint);
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
