//! The checks of a `guest:` case that read the real session rather than the conversation:
//! the replies, the queue reached, the cleanup, and the path the org took against the
//! simulation of the same inputs.

use std::collections::BTreeMap;

use super::{Env, failure, quote};
use crate::flow::RunInput;
use crate::guest::GuestRun;
use crate::guest::flowpath::{self, Instance};
use crate::report::{Failure, Location};
use crate::suite::model::{Case, FixtureRef, GuestCheck, Suite};

fn list(items: &[String]) -> String {
    format!(
        "[{}]",
        items
            .iter()
            .map(|s| quote(s))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// `responses:` / `route:` against what the session and the read-back saw.
pub(super) fn expectation(
    loc: &Location,
    want: &GuestCheck,
    run: Option<&GuestRun>,
) -> Option<Failure> {
    let run = run?;
    match want {
        GuestCheck::Responses(want) => {
            let got = run.observed.responses();
            if &got == want {
                return None;
            }
            let mut f = failure(
                loc,
                "the replies differ from `responses`".into(),
                Some(list(want)),
                Some(list(&got)),
            );
            if got.is_empty() {
                f.notes.push(
                    "nothing came back before the quiet window passed: raise `quiet` if the flow is slow"
                        .into(),
                );
            }
            if run.observed.disconnected {
                f.notes
                    .push("the conversation was disconnected (Presence Disconnect)".into());
            }
            Some(f)
        }
        GuestCheck::Queue(want) => match &run.queue {
            Some(q) if &q.name == want => None,
            Some(q) => {
                let mut f = failure(
                    loc,
                    format!("the conversation reached queue {}", quote(&q.name)),
                    Some(quote(want)),
                    Some(quote(&q.name)),
                );
                f.notes.push(format!("queue id {}", q.id));
                Some(f)
            }
            None => Some(failure(
                loc,
                format!(
                    "conversation {} reached no queue (no acd participant with a queue)",
                    run.conversation_id
                ),
                Some(quote(want)),
                Some("no queue".into()),
            )),
        },
    }
}

/// After the expectations: a failed cleanup, and the flow path comparison.
pub(super) fn after(suite: &Suite, case: &Case, run: &GuestRun, env: Env<'_>) -> Vec<Failure> {
    let mut out = Vec::new();
    let at = &case.fixture_location;
    if let Some(e) = &run.cleanup_error {
        out.push(failure(
            at,
            format!(
                "`cleanup: true` could not disconnect conversation {}: {e}",
                run.conversation_id
            ),
            None,
            None,
        ));
    }
    let (Some(instances), Some(flow), FixtureRef::Guest(g)) = (
        &run.flow_path,
        suite.flow.as_ref().and_then(|f| f.loaded.as_deref()),
        &case.fixture,
    ) else {
        return out;
    };
    let Some(instance) = pick(instances, flow.name()) else {
        let names: Vec<String> = instances
            .iter()
            .map(|i| quote(i.flow_name.as_deref().unwrap_or("?")))
            .collect();
        out.push(failure(
            at,
            format!(
                "no flow execution data for flow {} in conversation {}",
                quote(flow.name()),
                run.conversation_id
            ),
            Some(quote(flow.name())),
            Some(format!("[{}]", names.join(", "))),
        ));
        return out;
    };
    let spec = &g.spec;
    let mut input = RunInput::new(
        run.conversation_id.clone(),
        &case.stubs,
        env.directory,
        env.now,
    );
    input.attributes = spec.attributes.iter().cloned().collect::<BTreeMap<_, _>>();
    input.message_body = spec.say.first().cloned();
    let sim = match flow.run(&input) {
        Ok(r) => r,
        Err(e) => {
            out.push(failure(
                at,
                format!("the flow path cannot be compared: the simulation stopped: {e}"),
                None,
                None,
            ));
            return out;
        }
    };
    if let Some(p) = flowpath::compare(&instance.actions, &sim.trace) {
        let name = |n: &Option<String>| n.as_deref().map_or("nothing (it had ended)".into(), quote);
        let mut f = failure(
            at,
            format!(
                "the org and the simulation part at action {}: the org ran {}, the simulation {}",
                p.at,
                name(&p.org),
                name(&p.simulated)
            ),
            p.simulated.as_ref().map(|s| quote(s)),
            p.org.as_ref().map(|s| quote(s)),
        );
        if let Some(r) = &instance.flow_error {
            f.notes.push(format!("the org's flow ended in error: {r}"));
        }
        f.notes.extend(p.notes);
        out.push(f);
    }
    out
}

/// The instance of `flow`: by name, or the only one.
fn pick<'i>(instances: &'i [Instance], flow: &str) -> Option<&'i Instance> {
    instances
        .iter()
        .find(|i| i.flow_name.as_deref() == Some(flow))
        .or(match instances {
            [only] => Some(only),
            _ => None,
        })
}
