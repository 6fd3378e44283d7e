//! `routecheck gen`: write the suite for a flow. Find an input for every branch by
//! re-running the flow with the real simulator over candidate values taken from the
//! flow itself ([`candidates`], [`search`]), prove the branches no input can take dead
//! ([`dead`]), and write the inputs found as cases without recordings ([`write`]).

pub mod candidates;
pub mod clocks;
pub mod dead;
pub mod existing;
pub mod search;
pub mod write;

use std::collections::{BTreeMap, BTreeSet};

use crate::expr::{DateTime, Directory};
use crate::flow::probe::StubbedAction;
use crate::flow::{BranchInfo, Flow, Library, RunResult};

pub use dead::DeadBranch;
pub use search::{Budget, Goal, Input};

/// What one flow's generation found.
#[derive(Debug, Clone)]
pub struct Generated {
    /// One case per input that reached a branch nothing reached before, in the order found.
    pub cases: Vec<GenCase>,
    /// Branches no input can take.
    pub dead: Vec<DeadBranch>,
    /// Branches neither reached nor dead, each with why (the bound ran out first, or
    /// the condition reads the clock or the organisation); a called flow's labelled
    /// with its name and located in its file.
    pub unreached: Vec<(BranchInfo, String)>,
    /// Goals there were: the flow's branches and those of the flows it runs.
    pub goals: usize,
    /// The actions the cases stub (external actions, but calls to a flow that was found).
    pub stubbed: Vec<StubbedAction>,
    /// Calls to a bot or module that was not found: stubbed, so its paths are not goals.
    pub not_run: Vec<NotRun>,
    /// Simulator runs spent.
    pub runs: usize,
    /// The bound stopped the search.
    pub exhausted: bool,
    /// The schedule actions the deploy decides at each case's `now:`: the file stubs
    /// them not.
    pub decided: BTreeSet<String>,
}

/// `stubs` with every key that names several actions of `flow` written once per action
/// (`NAME@LINE`), so the rules file it goes into loads: a bare shared name is refused as
/// ambiguous. The simulator used the stub for each of those actions, so the runs are the same.
pub fn unambiguous(flow: &Flow, stubs: &write::StubMap) -> write::StubMap {
    stubs
        .iter()
        .flat_map(|(name, stub)| {
            flow.stub_keys(name)
                .into_iter()
                .map(move |k| (k, stub.clone()))
        })
        .collect()
}

/// A call gen stubs because the flow it names was not found (or did not load).
#[derive(Debug, Clone)]
pub struct NotRun {
    /// The call action's name.
    pub action: String,
    /// The file of the flow that makes the call.
    pub flow: String,
    /// Why the called flow was not found, as the library says it.
    pub why: String,
}

/// A stub value a branch needs: `(action, variable, value as JSON)`.
pub type StubValue = (String, String, String);

/// One generated case.
#[derive(Debug, Clone)]
pub struct GenCase {
    /// Named after the first branch it reached first.
    pub name: String,
    /// What the case sets.
    pub input: Input,
    /// What the flow did.
    pub run: RunResult,
    /// The branches it reached first (labels).
    pub reaches: Vec<String>,
    /// Expectations left out because they change with the clock (`responses`,
    /// `participant_data`, `route`): the run at another time differed.
    pub clock_dependent: Vec<&'static str>,
    /// Of those, the ones that need a stub to set a value (outside the flow's inputs):
    /// `(branch label, [(action, variable, value JSON)])`.
    pub needs_stub_values: Vec<(String, Vec<StubValue>)>,
}

/// How to generate.
#[derive(Debug, Clone, Copy)]
pub struct GenOptions<'a> {
    /// The clock the flow sees (and the clocks for the deploy's schedules start from).
    pub now: DateTime,
    /// The search bound per flow.
    pub budget: Budget,
    /// The deployment's own resources: the schedule actions it decides get `now:`
    /// clocks instead of stubs ([`clocks`]).
    pub deploy: &'a crate::deploy::Deploy,
}

impl Default for GenOptions<'_> {
    fn default() -> Self {
        GenOptions {
            now: crate::suite::runner::now(),
            budget: Budget::default(),
            deploy: &crate::deploy::EMPTY,
        }
    }
}

/// Generate cases for `flow`, counting the branches in `covered` (what existing suites
/// reach) as done. With a `library`, the bots and modules it calls run as well (no stub
/// for the call), and their paths are reached too.
pub fn generate(
    flow: &Flow,
    library: Option<&Library>,
    covered: &BTreeSet<usize>,
    directory: &Directory,
    opts: &GenOptions,
) -> Generated {
    let points = flow.branch_points();
    let pools = candidates::Pools::of(flow, &points);
    let (stubbed, not_run) = stubbed_actions(flow, library);
    let clocks = clocks::Clocks::of(flow, opts.deploy, opts.now);
    let mut s = search::Search::new(
        flow,
        library,
        &stubbed,
        &pools,
        covered.clone(),
        &clocks,
        directory,
        opts.budget,
    );
    let dead: Vec<DeadBranch> = dead::dead_branches(flow, &points, &pools);
    s.give_up_on(dead.iter().map(|d| d.branch));
    s.give_up_on(
        points
            .iter()
            .filter(|p| p.facts.contextual)
            .flat_map(|p| p.branches.iter().copied()),
    );
    s.search();
    let infos = goal_infos(flow, &s.called);
    let label = |g: Goal| {
        infos
            .get(&g)
            .map_or_else(|| format!("branch {}", g.1), |b| b.label.clone())
    };
    let mut names = BTreeMap::<String, usize>::new();
    let mut cases = Vec::new();
    // A new file needs a case even for a flow without branches: the plain conversation.
    if s.found.is_empty()
        && covered.is_empty()
        && let Some(run) = s.run(&s.base)
    {
        cases.push(GenCase {
            name: "plain new conversation".into(),
            input: search::Input {
                stubs: unambiguous(flow, &s.base.stubs),
                ..s.base.clone()
            },
            run,
            reaches: Vec::new(),
            clock_dependent: Vec::new(),
            needs_stub_values: Vec::new(),
        });
    }
    for f in &s.found {
        let mut name = case_name(&label(f.new[0]), f.changed.as_deref());
        let n = names.entry(name.clone()).or_default();
        *n += 1;
        if *n > 1 {
            name = format!("{name} ({n})");
        }
        let needs_stub_values = needs_stub_values(&s, f, &label);
        let clock_dependent = clock_dependent(&s, f, opts.now);
        cases.push(GenCase {
            clock_dependent,
            name,
            input: search::Input {
                stubs: unambiguous(flow, &f.input.stubs),
                ..f.input.clone()
            },
            run: f.run.clone(),
            reaches: f.new.iter().map(|&b| label(b)).collect(),
            needs_stub_values,
        });
    }
    let dead: Vec<DeadBranch> = dead
        .into_iter()
        .filter(|d| !s.covered.contains(&(0, d.branch)))
        .collect();
    let unreached = infos
        .iter()
        .filter(|(g, _)| {
            !(s.covered.contains(g) || g.0 == 0 && dead.iter().any(|d| d.branch == g.1))
        })
        .map(|(g, b)| {
            let contextual = g.0 == 0
                && points
                    .iter()
                    .any(|p| p.branches.contains(&g.1) && p.facts.contextual);
            let clock = if g.0 == 0 { clocks.why_unreached(&b.label) } else { None };
            let why = if let Some(why) = clock {
                why
            } else if contextual {
                "its condition reads the clock or the organisation (GetCurrentDateTimeUtc, Find*), which a case cannot set".to_string()
            } else {
                "no input found within the search bound".to_string()
            };
            (b.clone(), why)
        })
        .collect();
    Generated {
        goals: infos.len(),
        stubbed,
        not_run,
        cases,
        dead,
        unreached,
        runs: s.runs,
        exhausted: s.exhausted,
        decided: clocks.decided.clone(),
    }
}

/// The branches of `f` it reaches only because a stub sets a particular value: putting
/// that one value back to the plain one the search starts from loses them.
fn needs_stub_values(
    s: &search::Search<'_>,
    f: &search::Found,
    label: &dyn Fn(Goal) -> String,
) -> Vec<(String, Vec<StubValue>)> {
    let mut per_branch: BTreeMap<Goal, Vec<StubValue>> = BTreeMap::new();
    for (action, (_, values)) in &f.input.stubs {
        let plain = s.base.stubs.get(action).map(|(_, v)| v);
        for (var, value) in values {
            let base_value = plain.and_then(|p| p.get(var));
            if base_value == Some(value) {
                continue;
            }
            let mut reset = f.input.clone();
            if let Some((_, vals)) = reset.stubs.get_mut(action) {
                match base_value {
                    Some(b) => vals.insert(var.clone(), b.clone()),
                    None => vals.remove(var),
                };
            }
            let without = s.run(&reset).map(|r| s.reached(&r)).unwrap_or_default();
            for b in f.new.iter().filter(|b| !without.contains(b)) {
                per_branch.entry(*b).or_default().push((
                    action.clone(),
                    var.clone(),
                    value.clone(),
                ));
            }
        }
    }
    per_branch
        .into_iter()
        .map(|(b, values)| (label(b), values))
        .collect()
}

/// What changes when the same input runs a day and a bit later (a greeting with the
/// date, an open/closed decision on the clock): generated expectations leave it out.
fn clock_dependent(s: &search::Search<'_>, f: &search::Found, now: DateTime) -> Vec<&'static str> {
    let later = DateTime(now.0.saturating_add(((25 * 60 + 7) * 60 + 11) * 1000));
    let Some(other) = s.run_at(&f.input, later) else {
        return vec!["responses", "participant_data", "route"];
    };
    let mut out = Vec::new();
    if other.route != f.run.route {
        out.push("route");
    }
    if other.responses != f.run.responses {
        out.push("responses");
    }
    if other.participant_data != f.run.participant_data {
        out.push("participant_data");
    }
    out
}

/// `decision "Is VIP?" yes` → `Is VIP? › yes`, with the change that reached it.
fn case_name(label: &str, changed: Option<&str>) -> String {
    let base = match label
        .split_once(" \"")
        .and_then(|(_, rest)| rest.rsplit_once("\" "))
    {
        Some((name, branch)) => {
            // A switch case's label carries its condition: the number names it.
            let branch = branch.split(" (").next().unwrap_or(branch);
            format!("{name} › {branch}")
        }
        None => label.to_string(),
    };
    match changed {
        Some(c) => format!("{base}: {c}"),
        None => format!("{base}: plain new conversation"),
    }
}

/// The actions a run needs a stub for: the flow's external actions but the calls the
/// library finds a flow for, and those of the flows they run (a module's data actions).
/// Also each call that stays stubbed because its flow was not found, with why.
fn stubbed_actions(flow: &Flow, library: Option<&Library>) -> (Vec<StubbedAction>, Vec<NotRun>) {
    let Some(lib) = library else {
        return (flow.stubbed_actions(), Vec::new());
    };
    let mut out: Vec<StubbedAction> = Vec::new();
    let mut not_run: Vec<NotRun> = Vec::new();
    for f in std::iter::once(flow).chain(lib.called_by(flow).iter().map(|f| &**f)) {
        let mut found = Vec::new();
        for (action, (kind, name)) in f.calls() {
            match lib.find(kind, &name) {
                Ok(_) => found.push(action),
                Err(why) if !not_run.iter().any(|n| n.action == action) => {
                    not_run.push(NotRun {
                        action,
                        flow: f.file_name().to_string(),
                        why,
                    });
                }
                Err(_) => {}
            }
        }
        for a in f.stubbed_actions() {
            if !found.contains(&a.name) && !out.iter().any(|o| o.name == a.name) {
                out.push(a);
            }
        }
    }
    (out, not_run)
}

/// Each goal's branch: the flow's own, then each called flow's with its name before the
/// label (`Transfer To Queue › digitalMenu "Digital Menu" choice Purchase a book`) and
/// each bot's recognition failure handling.
fn goal_infos(flow: &Flow, called: &[std::sync::Arc<Flow>]) -> BTreeMap<Goal, BranchInfo> {
    let mut out: BTreeMap<Goal, BranchInfo> = flow
        .branches()
        .into_iter()
        .map(|b| ((0, b.id), b))
        .collect();
    for (i, f) in called.iter().enumerate() {
        for b in f.branches() {
            let label = format!("{} › {}", f.name(), b.label);
            out.insert((i + 1, b.id), BranchInfo { label, ..b });
        }
        if f.kind().is_bot() && f.asks() {
            // Located at the bot's setting for it, where it writes one.
            let at = f
                .source()
                .text
                .find("recognitionFailureEventHandling")
                .unwrap_or(0);
            out.insert(
                (i + 1, search::RECOGNITION_FAILURE),
                BranchInfo {
                    id: search::RECOGNITION_FAILURE,
                    label: format!(
                        "{} › no match {} times: recognition failure handling",
                        f.name(),
                        f.no_matches_max()
                    ),
                    location: f.source().location(at),
                    at,
                },
            );
        }
    }
    out
}

/// [`generate`] for several flows at once (the project's flows), in parallel; each
/// flow with the library its calls are found in and the branches already reached for it.
pub fn generate_all(
    flows: &[(&Flow, Option<&Library>, BTreeSet<usize>)],
    directory: &Directory,
    opts: &GenOptions,
) -> Vec<Generated> {
    use rayon::prelude::*;
    flows
        .par_iter()
        .map(|(flow, library, covered)| generate(flow, *library, covered, directory, opts))
        .collect()
}
