//! Stage 2 per fixture: read and parse one fixture once, evaluate each of its cases
//! (checks, flow runs, guest runs) and drop the conversation before the next group;
//! secrets are redacted from what leaves here. A new kind of check is evaluated here
//! (its logic in `suite::check`).

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::diag::SourceDiagnostic;
use crate::report::summary::PathPicture;
use crate::report::{CaseResult, Failure, Outcome};
use crate::suite::check::{self, Env};
use crate::suite::interp::scrub;
use crate::suite::model::{Check, FixtureRef, GuestCheck};
use crate::suite::prefetch;

use super::*;

/// Most results per channel message.
pub(super) const RESULT_BATCH: usize = 64;

/// A batch is sent once its groups have taken this long, full or not.
pub(super) const RESULT_LATENCY: Duration = Duration::from_millis(50);

/// A finished case: its sequence number, result, the flow branches it reached (and
/// those of the bots and modules it ran), and its attribute near misses (warnings
/// located in the rules file).
pub(super) type Done = (
    usize,
    CaseResult,
    Option<(usize, BTreeSet<usize>, crate::flow::Called)>,
    Vec<SourceDiagnostic>,
);

#[allow(clippy::too_many_arguments)] // one call site; a struct would only rename these
pub(super) fn run_group(
    loaded: &Loaded,
    selection: &[(usize, usize)],
    fixture: &FixtureRef,
    seqs: &[usize],
    config: &RunConfig,
    env: Env<'_>,
    stop: &AtomicBool,
    out: &mut Vec<Done>,
) {
    let result = |seq: usize, outcome: Outcome, path: Vec<String>, duration: Duration| {
        let (si, ci) = selection[seq];
        let suite = &loaded.suites[si];
        let case = &suite.cases[ci];
        CaseResult {
            suite_file: suite.file.clone(),
            suite_name: suite.name.clone(),
            case_name: case.name.clone(),
            location: case.location.clone(),
            outcome: redact(outcome, &suite.redact),
            path: path.into_iter().map(|l| scrub(&l, &suite.redact)).collect(),
            duration,
        }
    };
    let skipped = || Outcome::Skipped {
        reason: "--fail-fast: an earlier case failed".into(),
    };
    if config.fail_fast && stop.load(Ordering::Relaxed) {
        for &seq in seqs {
            out.push((
                seq,
                result(seq, skipped(), Vec::new(), Duration::ZERO),
                None,
                Vec::new(),
            ));
        }
        return;
    }
    let t0 = Instant::now();
    // The full tree only when a jsonpath expectation reads it.
    let needs_tree = seqs.iter().any(|&s| {
        let (si, ci) = selection[s];
        loaded.suites[si].cases[ci].needs_tree
    });
    let parse = |text: String| prefetch::parse(fixture.display(), &text, needs_tree);
    // A guest case runs its session here; its errors point into the `guest:` mapping.
    let guest_run = match fixture {
        FixtureRef::Guest(g) => {
            let (si, ci) = selection[seqs[0]];
            let suite = &loaded.suites[si];
            let route = suite.cases[ci]
                .expects
                .iter()
                .any(|e| matches!(e.check, Check::Guest(GuestCheck::Queue(_))));
            let directory = suite.directory.as_ref().unwrap_or(&config.directory);
            Some(
                config
                    .source
                    .guest(g, directory, route)
                    .map_err(|e| (e.render(), g.location(e.part()))),
            )
        }
        _ => None,
    };
    // Read while the rules loaded, unless a case needs the tree the early read skipped.
    let slot = match fixture {
        FixtureRef::File { canonical, .. } => {
            loaded.prefetch.as_ref().and_then(|p| p.take(canonical))
        }
        _ => None,
    };
    let fetched = slot.as_ref().and_then(|slot| {
        let read = || config.source.read(fixture).and_then(parse);
        let parsed = slot.get_or_parse(read);
        (!needs_tree || matches!(parsed, Ok((_, Some(_))) | Err(_))).then_some(parsed)
    });
    let owned;
    let parsed = match (fetched, &guest_run) {
        (Some(p), _) => p,
        (None, Some(Err((msg, _)))) => {
            owned = Err(msg.clone());
            &owned
        }
        (None, Some(Ok(run))) => {
            owned = parse(run.conversation.to_string());
            &owned
        }
        // A case without a recording carries its conversation: no source is asked for it.
        (None, None) => {
            owned = match fixture {
                FixtureRef::Synthetic(text) => parse(text.clone()),
                _ => config.source.read(fixture).and_then(parse),
            };
            &owned
        }
    };
    let env = Env {
        guest: guest_run.as_ref().and_then(|r| r.as_ref().ok()),
        ..env
    };
    let parse_time = t0.elapsed();
    for &seq in seqs {
        let (si, ci) = selection[seq];
        let suite = &loaded.suites[si];
        let case = &suite.cases[ci];
        if config.fail_fast && stop.load(Ordering::Relaxed) {
            out.push((
                seq,
                result(seq, skipped(), Vec::new(), Duration::ZERO),
                None,
                Vec::new(),
            ));
            continue;
        }
        let t = Instant::now();
        let mut near = Vec::new();
        let mut path = Vec::new();
        let (outcome, reached) = match parsed {
            Ok((conv, tree)) => {
                near = check::near_miss_warnings(suite, case, conv);
                let (outcome, run) = check::evaluate_run(suite, case, conv, tree.as_ref(), env);
                near.extend(check::race_warnings(suite, case, run.as_ref()));
                near.extend(check::literal_warnings(suite, case));
                if let (Some(sink), Some(run), Some(flow), Outcome::Failed { .. }) = (
                    &config.pictures,
                    &run,
                    suite.flow.as_ref().and_then(|f| f.loaded.clone()),
                    &outcome,
                ) && let Ok(mut p) = sink.lock()
                {
                    p.paths.push(PathPicture {
                        suite_file: suite.file.clone(),
                        case_name: case.name.clone(),
                        flow,
                        trace: run.trace.clone(),
                        route: run.route.clone(),
                    });
                }
                if config.show_paths
                    && let Some(run) = &run
                {
                    path = crate::flow::trace::render_path(&run.trace, &run.route);
                }
                (outcome, run.map(|r| (r.hits, r.called)))
            }
            Err(msg) => (
                Outcome::Error {
                    message: match fixture {
                        FixtureRef::File { .. } => format!("fixture {msg}"),
                        FixtureRef::Conversation(_)
                        | FixtureRef::Guest(_)
                        | FixtureRef::Synthetic(_) => msg.clone(),
                    },
                    location: Some(match &guest_run {
                        Some(Err((_, at))) => at.clone(),
                        _ => case.fixture_location.clone(),
                    }),
                },
                None,
            ),
        };
        let reached = reached
            .zip(suite.flow.as_ref())
            .map(|((r, c), f)| (f.index, r, c));
        if !matches!(outcome, Outcome::Passed) {
            stop.store(true, Ordering::Relaxed);
        }
        // The fixture's parse time is charged to the group's first case.
        let spent = t.elapsed()
            + if seq == seqs[0] {
                parse_time
            } else {
                Duration::ZERO
            };
        out.push((seq, result(seq, outcome, path, spent), reached, near));
    }
}

/// The outcome with every secret value scrubbed from its texts.
pub fn redact(outcome: Outcome, secrets: &[String]) -> Outcome {
    if secrets.is_empty() {
        return outcome;
    }
    let s = |t: String| scrub(&t, secrets);
    match outcome {
        Outcome::Failed { failures } => Outcome::Failed {
            failures: failures
                .into_iter()
                .map(|f| Failure {
                    message: s(f.message),
                    expected: f.expected.map(s),
                    actual: f.actual.map(s),
                    notes: f.notes.into_iter().map(s).collect(),
                    ..f
                })
                .collect(),
        },
        Outcome::Error { message, location } => Outcome::Error {
            message: s(message),
            location,
        },
        Outcome::Skipped { reason } => Outcome::Skipped { reason: s(reason) },
        Outcome::Passed => Outcome::Passed,
    }
}
