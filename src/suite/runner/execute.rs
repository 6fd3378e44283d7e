//! Stage 2, execute: group the selected cases by fixture, run the groups in parallel
//! and release results to the reporters in (file, case) order; coverage and the
//! summary are tallied here. What one group does is `group`.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::atomic::AtomicBool;
use std::sync::mpsc;
use std::time::Instant;

use rayon::prelude::*;

use crate::diag::SourceDiagnostic;
use crate::report::summary::CoveragePicture;
use crate::report::{CaseResult, Coverage, Event, Outcome, SuiteInfo, Summary};
use crate::suite::model::FixtureRef;

use super::group::{Done, RESULT_BATCH, RESULT_LATENCY, run_group};
use super::*;

/// Run the selected cases and send `RunStarted`, warnings, `CaseFinished` (in selection
/// order) and `RunFinished`.
pub(super) fn execute(
    loaded: &Loaded,
    selection: &[(usize, usize)],
    config: &RunConfig,
    em: &mut Emitter<'_>,
    started: Instant,
) -> Summary {
    let mut per_suite: Vec<usize> = vec![0; loaded.suites.len()];
    for (si, _) in selection {
        per_suite[*si] += 1;
    }
    em.emit(&Event::RunStarted {
        suites: loaded
            .suites
            .iter()
            .zip(&per_suite)
            .filter(|(_, n)| **n > 0)
            .map(|(s, n)| SuiteInfo {
                name: s.name.clone(),
                file: s.file.clone(),
                cases: *n,
                flow: s
                    .flow
                    .as_ref()
                    .map(|f| loaded.flows[f.index].file_name().to_owned()),
            })
            .collect(),
    });
    for w in &loaded.warnings {
        em.emit(&Event::Warning(w.clone()));
    }
    // A near miss shows in every case that reads the same name: report each once.
    let mut warned: HashSet<(String, (usize, usize), String)> = HashSet::new();
    let mut warnings = loaded.warnings.len();

    // Group by fixture, groups ordered by their first case so results arrive roughly in
    // the order they are released.
    let mut index: HashMap<&FixtureRef, usize> = HashMap::new();
    let mut groups: Vec<(&FixtureRef, Vec<usize>)> = Vec::new();
    for (seq, (si, ci)) in selection.iter().enumerate() {
        let f = &loaded.suites[*si].cases[*ci].fixture;
        let g = *index.entry(f).or_insert_with(|| {
            groups.push((f, Vec::new()));
            groups.len() - 1
        });
        groups[g].1.push(seq);
    }

    let stop = AtomicBool::new(false);
    let env = loaded.env(config);
    let mut summary = Summary {
        non_rules_files: loaded.non_rules_files,
        ..Summary::default()
    };
    let (tx, rx) = mpsc::channel::<Vec<Done>>();
    // The bots and common modules the cases ran, with the branches reached in each.
    let mut called = crate::flow::Called::default();
    // Branches reached per flow, over the selected cases (this shard's, with --shard).
    let mut hits: Vec<Option<BTreeSet<usize>>> = vec![None; loaded.flows.len()];
    for (si, _) in selection {
        if let Some(f) = &loaded.suites[*si].flow {
            hits[f.index].get_or_insert_with(BTreeSet::new);
        }
    }
    // Results travel in batches (a channel message and a reporter flush per case cost
    // more than a case); a batch is sent early when its groups are slow (live reads), so
    // results still show as they finish. Small runs keep a group per job, so slow groups
    // still run in parallel.
    let per_job = (groups.len() / (rayon::current_num_threads() * 16)).clamp(1, RESULT_BATCH);
    std::thread::scope(|scope| {
        scope.spawn(|| {
            groups.par_chunks(per_job).for_each_with(tx, |tx, chunk| {
                let mut done = Vec::new();
                let mut since = Instant::now();
                for (fixture, seqs) in chunk {
                    run_group(
                        loaded, selection, fixture, seqs, config, env, &stop, &mut done,
                    );
                    if since.elapsed() >= RESULT_LATENCY {
                        let _ = tx.send(std::mem::take(&mut done));
                        since = Instant::now();
                    }
                }
                if !done.is_empty() {
                    let _ = tx.send(done);
                }
            });
        });
        let mut pending: BTreeMap<usize, (CaseResult, Vec<SourceDiagnostic>)> = BTreeMap::new();
        let mut next = 0usize;
        // Each case's near misses go out just before it, in selection order, so every
        // reporter shows them in a stable place.
        let mut release = |(r, near): (CaseResult, Vec<SourceDiagnostic>),
                           summary: &mut Summary,
                           em: &mut Emitter| {
            for w in near {
                if warned.insert((w.file.name.to_string(), w.span, w.message.clone())) {
                    warnings += 1;
                    em.emit(&Event::Warning(w));
                }
            }
            tally(summary, &r.outcome);
            em.emit(&Event::CaseFinished(r));
        };
        for batch in rx {
            for (seq, result, reached, near) in batch {
                if let Some((flow, reached, ran)) = reached
                    && let Some(Some(set)) = hits.get_mut(flow)
                {
                    set.extend(reached);
                    called.extend(&ran);
                }
                pending.insert(seq, (result, near));
                while let Some(done) = pending.remove(&next) {
                    release(done, &mut summary, em);
                    next += 1;
                }
            }
            em.flush();
        }
        // Anything left (cannot happen unless a worker panicked) still gets reported.
        for (_, done) in pending {
            release(done, &mut summary, em);
        }
    });
    summary.duration = started.elapsed();
    summary.warnings = warnings;
    // A called flow that is also a suite's own flow counts once, as that flow.
    let called: Vec<_> = called
        .0
        .into_iter()
        .filter(|(f, _)| {
            !loaded
                .flows
                .iter()
                .any(|own| own.file_name() == f.file_name())
        })
        .collect();
    if config.coverage || config.min_coverage.is_some() {
        if let Some(sink) = &config.pictures
            && let Ok(mut p) = sink.lock()
        {
            // The same flows and hit sets, in the same order, as the coverage below.
            p.coverage = loaded
                .flows
                .iter()
                .zip(&hits)
                .filter_map(|(f, h)| {
                    h.as_ref().map(|h| CoveragePicture {
                        flow: f.clone(),
                        hits: h.clone(),
                    })
                })
                .chain(called.iter().map(|(f, h)| CoveragePicture {
                    flow: f.clone(),
                    hits: h.clone(),
                }))
                .collect();
        }
        summary.coverage = Some(Coverage {
            flows: loaded
                .flows
                .iter()
                .zip(&hits)
                .filter_map(|(f, h)| h.as_ref().map(|h| f.coverage(h)))
                // The bots and modules the flows ran count their own branches.
                .chain(called.iter().map(|(f, h)| f.coverage(h)))
                .collect(),
            min_percent: config.min_coverage,
        });
    }
    em.emit(&Event::RunFinished(summary.clone()));
    summary
}

pub(super) fn tally(s: &mut Summary, o: &Outcome) {
    match o {
        Outcome::Passed => s.passed += 1,
        Outcome::Failed { .. } => s.failed += 1,
        Outcome::Error { .. } => s.errors += 1,
        Outcome::Skipped { .. } => s.skipped += 1,
    }
}
