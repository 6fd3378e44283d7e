//! The flow run of a case: its input from the participant data, the fixture and the
//! case's stubs, a run that could not finish, and flow expectations against the run.

use std::collections::BTreeMap;

use super::{Data, Env, failure};
use crate::conversation::{Conversation, Participant};
use crate::flow::{Flow, FlowExpect, RunInput, RunResult, SimError};
use crate::report::{Failure, Location, Outcome};
use crate::suite::model::Case;

/// Run the file's flow for this case: the participant data with the case's overlay,
/// the conversation and message from the fixture (or `message:`), the case's stubs;
/// `reads_new`: participant data the run set is read back new (see [`RunInput`]).
#[allow(clippy::too_many_arguments)] // one call site; the case's run, piece by piece
pub(super) fn simulate(
    flow: &Flow,
    tables: &crate::flow::Tables,
    library: Option<&crate::flow::Library>,
    case: &Case,
    conv: &Conversation,
    participant: &Participant,
    data: &Data<'_>,
    env: Env<'_>,
    reads_new: bool,
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
    input.conversation = &case.messages;
    input.library = library;
    input.reads_new_participant_data = reads_new;
    input.deploy = env.deploy;
    input.wall_clock = env.wall_clock;
    input.recogniser = env.recogniser;
    flow.run(&input)
}

/// A run the simulator could not finish (a missing stub, the step limit): the case
/// cannot be judged, so it is an error located in the flow file, with the path so far.
pub(super) fn sim_error(e: &SimError) -> Outcome {
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
pub(super) fn flow_failure(
    loc: &Location,
    want: &FlowExpect,
    run: Option<&RunResult>,
) -> Option<Failure> {
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

/// For a failed `route: { queue: Q }` whose Q is no queue the flow can reach (a Transfer
/// to ACD with a literal queue, after substitution, or the queue the run reached): the
/// nearest one it can reach, else the ones it can. `None` when Q is reachable (the case
/// took another path) or nothing else was expected.
pub(super) fn queue_hint(
    flow: &Flow,
    want: &FlowExpect,
    run: Option<&RunResult>,
) -> Option<String> {
    let crate::flow::RouteExpect::Queue(q) = want.route.as_ref()? else {
        return None;
    };
    let mut reachable: Vec<String> = flow.queue_targets().into_iter().map(|(n, _)| n).collect();
    if let Some(crate::flow::Route::Queue(actual)) = run.map(|r| &r.route) {
        reachable.push(actual.name.clone());
    }
    reachable.sort();
    reachable.dedup();
    if reachable.is_empty() || reachable.contains(&q.queue) {
        return None;
    }
    let names = || reachable.iter().map(String::as_str);
    let near = crate::deploy::queues::near(&q.queue, names())
        .or_else(|| crate::diag::closest(&q.queue, names()));
    Some(match near {
        Some(n) => format!(
            "did you mean `{n}`? The flow can reach no queue `{}`; `{n}` is the nearest it can",
            q.queue
        ),
        None => format!(
            "the flow can reach no queue `{}`: it transfers to {}",
            q.queue,
            reachable
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    })
}
