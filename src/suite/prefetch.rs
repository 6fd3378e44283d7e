//! Reading fixtures (and loading flows) while the rules are still being loaded.
//!
//! Loading a large rules file (parsing its YAML, compiling its cases) runs on one thread
//! per file; without this, the other core idles until the last case is compiled and only
//! then does the first fixture get read. The loader hands each fixture path to
//! [`Prefetch::request`] as soon as the path has passed the path rule, and a pool thread
//! reads and parses it; the runner later [`Prefetch::take`]s the result. Nothing is
//! reported from here: a failed load discards everything fetched, and a fixture that was
//! not fetched in time is parsed by whoever needs it first (the slot is shared, so it is
//! parsed once either way).
//!
//! The read-ahead is bounded: at most [`WINDOW`] fixtures are parsed (or being parsed)
//! and not yet taken. Requests past it wait in a queue, and each `take` of a fixture the
//! pool parsed frees a place in the window, so the pool parses the next queued ones while
//! the runner works; a fixture the runner reaches while it still waits is parsed by the
//! runner (the pool skips it). So what is held ahead of the run is the window's
//! fixtures, not every fixture of a 40,000-case run, and a taken fixture is dropped with
//! its group.
//!
//! A flow works the same way: [`Prefetch::request_flow`] when a rules file's header names
//! it, [`Prefetch::take_flow`] when `flows::bind` reaches it.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, Mutex, OnceLock, Weak};

use super::flow_vars::{VarOverrides, flow_vars, placeholder_names_in};
use crate::conversation::Conversation;
use crate::diag::SourceDiagnostic;
use crate::flow::Flow;

/// A parsed fixture: the lean conversation, and the whole JSON tree when a case reads it
/// with a JSONPath; or why it could not be had (the runner's wording).
pub type Parsed = Result<(Conversation, Option<serde_json::Value>), String>;

/// One fixture's result, filled once by whichever thread gets to it first.
#[derive(Debug, Default)]
pub struct Slot {
    cell: OnceLock<Parsed>,
    /// [`QUEUED`], [`RESERVED`] or [`TAKEN`]: whether the fixture holds a place in the
    /// window, decided once between the pool (reserving) and the runner (taking).
    state: AtomicU8,
}

/// Requested, not handed to the pool yet.
const QUEUED: u8 = 0;
/// Handed to the pool: it holds a place in the window until it is taken.
const RESERVED: u8 = 1;
/// Taken by the runner; the pool no longer reads it.
const TAKEN: u8 = 2;

impl Slot {
    /// The parsed fixture, parsing it now (with `parse`) if no pool thread has yet.
    pub fn get_or_parse(&self, parse: impl FnOnce() -> Parsed) -> &Parsed {
        self.cell.get_or_init(parse)
    }
}

/// Fixtures per pool job.
const BATCH: usize = 16;

/// Most fixtures parsed ahead of the runner and not yet taken. A parsed fixture of a few
/// dozen messages holds a few KB; 1,024 of them (a few MB) keep the other core busy while
/// a large rules file loads. Measured on a 40,000-case run: unbounded, the fixtures held
/// ahead were about 85 MB of its 277 MB peak; from 128 to 2,048 the peak is within 3 MB
/// of reading nothing ahead at all, and the CPU time the same.
pub const WINDOW: usize = 1024;

/// A requested fixture: its slot (weak: a fixture taken and done with is not kept alive
/// by the queue), canonical path, name in messages, and whether the JSON tree is wanted.
type Job = (Weak<Slot>, PathBuf, String, bool);

/// The requests waiting for a place in the window, and how many places are held.
#[derive(Debug, Default)]
struct Queue {
    jobs: VecDeque<Job>,
    /// Fixtures handed to the pool and not yet taken.
    ahead: usize,
}

/// A flow loaded early: the values it was loaded with, and the flow or why it failed.
type FlowSlot = Arc<OnceLock<(BTreeMap<String, String>, FlowLoad)>>;

/// A flow file (canonical) and the `vars:` of the rules file that named it.
type FlowKey = (PathBuf, BTreeMap<String, String>);

/// What `Flow::load` gave.
pub type FlowLoad = Result<Arc<Flow>, Vec<SourceDiagnostic>>;

/// The fixtures requested so far, by canonical path, and the flows rules files named.
#[derive(Debug, Default)]
pub struct Prefetch {
    /// Flows by (canonical path, the rules file's `vars:`).
    flows: Mutex<HashMap<FlowKey, FlowSlot>>,
    /// The placeholder names of each flow file read early, so binding need not read it
    /// again.
    placeholders: Arc<Mutex<HashMap<PathBuf, BTreeSet<String>>>>,
    /// `routecheck.yaml`'s `vars:` and `--var`: a flow's values are worked out from them
    /// exactly as `flows::bind` does, so the early load is the one binding would make.
    defaults: VarOverrides,
    overrides: VarOverrides,
    slots: Mutex<HashMap<PathBuf, Arc<Slot>>>,
    /// Requests not yet handed to the pool: they go in batches, since waking a pool
    /// thread per fixture cost more than reading a small one, and only while the window
    /// has room.
    queue: Mutex<Queue>,
    /// Set when the load failed or the run is over: queued reads are skipped.
    cancelled: Arc<AtomicBool>,
}

impl Prefetch {
    /// Read ahead for a run with these placeholder defaults and `--var` values.
    pub fn new(defaults: &VarOverrides, overrides: &VarOverrides) -> Self {
        Prefetch {
            defaults: defaults.clone(),
            overrides: overrides.clone(),
            ..Prefetch::default()
        }
    }

    /// Start loading the flow at `canonical` (named `display` by the rules file, whose
    /// `vars:` are `file_vars`) on the pool. A flow with a placeholder left without a
    /// value is not loaded: binding reports it.
    pub fn request_flow(
        &self,
        canonical: &Path,
        display: &str,
        file_vars: &BTreeMap<String, String>,
    ) {
        let key = (canonical.to_path_buf(), file_vars.clone());
        let slot: FlowSlot = {
            let Ok(mut flows) = self.flows.lock() else {
                return;
            };
            if flows.contains_key(&key) {
                return;
            }
            let slot = FlowSlot::default();
            flows.insert(key, Arc::clone(&slot));
            slot
        };
        let (canonical, display) = (canonical.to_path_buf(), display.to_owned());
        let (file_vars, defaults, overrides) = (
            file_vars.clone(),
            self.defaults.clone(),
            self.overrides.clone(),
        );
        let cancelled = Arc::clone(&self.cancelled);
        let names = Arc::clone(&self.placeholders);
        rayon::spawn(move || {
            if cancelled.load(Ordering::Relaxed) {
                return;
            }
            // Read once for both the placeholder names and the flow.
            let Ok(text) = crate::source::read_text(&canonical) else {
                return;
            };
            let ph = placeholder_names_in(&text);
            if let Ok(mut names) = names.lock() {
                names.insert(canonical.clone(), ph.clone());
            }
            let (vars, _, missing) = flow_vars(&ph, &file_vars, &defaults, &overrides);
            if missing.is_empty() {
                slot.get_or_init(|| {
                    let load = Flow::from_text(&display, &text, &vars).map(Arc::new);
                    (vars, load)
                });
            }
        });
    }

    /// The placeholder names of the flow file at `canonical`, if it was read early.
    pub fn flow_placeholders(&self, canonical: &Path) -> Option<BTreeSet<String>> {
        self.placeholders.lock().ok()?.get(canonical).cloned()
    }

    /// The flow at `canonical` that a rules file with `file_vars` asked for, loaded with
    /// `vars` (binding's values for it); `None` when nobody asked. A load under way is
    /// waited for, one not started yet is done here (the pool then skips it), so binding
    /// never waits on a queue.
    pub fn take_flow(
        &self,
        canonical: &Path,
        display: &str,
        file_vars: &BTreeMap<String, String>,
        vars: &BTreeMap<String, String>,
    ) -> Option<FlowLoad> {
        let slot = {
            let flows = self.flows.lock().ok()?;
            Arc::clone(flows.get(&(canonical.to_path_buf(), file_vars.clone()))?)
        };
        let (loaded_with, load) = slot.get_or_init(|| {
            let load = Flow::load(Path::new(display), vars).map(Arc::new);
            (vars.clone(), load)
        });
        // The same inputs give the same values; anything else is loaded by the caller.
        (loaded_with == vars).then(|| load.clone())
    }

    /// Start reading `canonical` (shown as `display`) on the pool, parsing the JSON tree
    /// too when `tree`. A path already requested is not read twice.
    pub fn request(&self, canonical: &Path, display: &str, tree: bool) {
        let slot = {
            let Ok(mut slots) = self.slots.lock() else {
                return;
            };
            if slots.contains_key(canonical) {
                return;
            }
            let slot = Arc::new(Slot::default());
            slots.insert(canonical.to_path_buf(), Arc::clone(&slot));
            slot
        };
        let job = (
            Arc::downgrade(&slot),
            canonical.to_path_buf(),
            display.to_owned(),
            tree,
        );
        if let Ok(mut queue) = self.queue.lock() {
            queue.jobs.push_back(job);
        }
        self.pump(false);
    }

    /// Hand the requests still waiting for a full batch to the pool (a loader calls this
    /// when its file is done), as far as the window has room.
    pub fn flush(&self) {
        self.pump(true);
    }

    /// Hand queued requests to the pool in batches while the window has room for one; a
    /// short batch only when `short` (the queue's tail after a file was loaded, or once
    /// the runner takes).
    fn pump(&self, short: bool) {
        loop {
            let batch: Vec<(Arc<Slot>, PathBuf, String, bool)> = {
                let Ok(mut queue) = self.queue.lock() else {
                    return;
                };
                let want = BATCH.min(queue.jobs.len());
                let room = WINDOW.saturating_sub(queue.ahead);
                if want == 0 || room < want || (want < BATCH && !short) {
                    return;
                }
                let mut batch = Vec::with_capacity(want);
                while batch.len() < want {
                    let Some((slot, canonical, display, tree)) = queue.jobs.pop_front() else {
                        break;
                    };
                    // Gone or taken: the runner has (or had) it; nothing to read ahead.
                    let Some(slot) = slot.upgrade() else {
                        continue;
                    };
                    if slot
                        .state
                        .compare_exchange(QUEUED, RESERVED, Ordering::AcqRel, Ordering::Acquire)
                        .is_ok()
                    {
                        batch.push((slot, canonical, display, tree));
                    }
                }
                queue.ahead += batch.len();
                batch
            };
            if batch.is_empty() {
                continue;
            }
            let cancelled = Arc::clone(&self.cancelled);
            rayon::spawn(move || {
                for (slot, canonical, display, tree) in batch {
                    if cancelled.load(Ordering::Relaxed) {
                        return;
                    }
                    slot.get_or_parse(|| read_and_parse(&canonical, &display, tree));
                }
            });
        }
    }

    /// The slot of `canonical`, removed so its memory goes when the caller is done. A
    /// fixture the pool had been handed gives its place in the window to the next queued.
    pub fn take(&self, canonical: &Path) -> Option<Arc<Slot>> {
        let slot = self.slots.lock().ok()?.remove(canonical)?;
        if slot.state.swap(TAKEN, Ordering::AcqRel) == RESERVED {
            if let Ok(mut queue) = self.queue.lock() {
                queue.ahead -= 1;
            }
            self.pump(true);
        }
        Some(slot)
    }

    /// Skip every read not yet started.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
        if let Ok(mut queue) = self.queue.lock() {
            queue.jobs.clear();
        }
    }
}

/// Read a fixture file and parse it, with the runner's messages.
pub fn read_and_parse(canonical: &Path, display: &str, tree: bool) -> Parsed {
    let text =
        crate::source::read_text(canonical).map_err(|e| format!("{display}: cannot read: {e}"))?;
    parse(display, &text, tree)
}

/// Parse a fixture's text: the lean conversation, and the JSON tree when `tree`.
pub fn parse(display: &str, text: &str, tree: bool) -> Parsed {
    let conv = Conversation::parse(display, text).map_err(|e| e.to_string())?;
    let tree = if tree {
        Some(serde_json::from_str::<serde_json::Value>(text).map_err(|e| e.to_string())?)
    } else {
        None
    };
    Ok((conv, tree))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_requested_fixture_is_parsed_once_and_taken_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.json");
        std::fs::write(
            &path,
            r#"{"id":"c","participants":[{"id":"p","purpose":"customer","attributes":{"a":"1"}}]}"#,
        )
        .unwrap();
        let p = Prefetch::default();
        p.request(&path, "c.json", false);
        p.request(&path, "c.json", true);
        let slot = p.take(&path).expect("requested");
        assert!(p.take(&path).is_none(), "taken once");
        // Whoever comes first (the pool or this call) parses it; the other reuses it.
        let parsed = slot.get_or_parse(|| read_and_parse(&path, "c.json", false));
        let (conv, tree) = parsed.as_ref().unwrap();
        assert_eq!(conv.participants.len(), 1);
        assert!(tree.is_none(), "the first request decides");
        assert!(std::ptr::eq(parsed, slot.get_or_parse(|| unreachable!())));
    }

    #[test]
    fn the_read_ahead_stops_at_the_window_and_each_take_refills_it() {
        let dir = tempfile::tempdir().unwrap();
        let n = WINDOW + 3 * BATCH + 5;
        let paths: Vec<_> = (0..n)
            .map(|i| {
                let path = dir.path().join(format!("c{i}.json"));
                std::fs::write(&path, format!(r#"{{"id":"c{i}","participants":[]}}"#)).unwrap();
                path
            })
            .collect();
        let p = Prefetch::default();
        for path in &paths {
            p.request(path, "c.json", false);
        }
        p.flush();
        let held = |p: &Prefetch| {
            let q = p.queue.lock().unwrap();
            (q.ahead, q.jobs.len())
        };
        // Everything past the window waits, however long the pool has had.
        assert_eq!(held(&p), (WINDOW, n - WINDOW));
        // The last one is still queued: its taker parses it, and the pool never will.
        let last = p.take(&paths[n - 1]).unwrap();
        assert_eq!(held(&p).0, WINDOW, "a queued fixture holds no place");
        let conv = last.get_or_parse(|| read_and_parse(&paths[n - 1], "c.json", false));
        assert_eq!(conv.as_ref().unwrap().0.id, Some(format!("c{}", n - 1)));
        // A batch's worth of takes lets the next batch in.
        for (i, path) in paths.iter().enumerate().take(BATCH) {
            let slot = p.take(path).unwrap();
            let parsed = slot.get_or_parse(|| read_and_parse(path, "c.json", false));
            assert_eq!(parsed.as_ref().unwrap().0.id, Some(format!("c{i}")));
        }
        assert_eq!(held(&p), (WINDOW, n - WINDOW - BATCH));
        for (i, path) in paths.iter().enumerate().take(n - 1).skip(BATCH) {
            let slot = p.take(path).unwrap();
            let parsed = slot.get_or_parse(|| read_and_parse(path, "c.json", false));
            assert_eq!(parsed.as_ref().unwrap().0.id, Some(format!("c{i}")));
        }
        assert_eq!(held(&p), (0, 0), "every place given back");
    }

    #[test]
    fn a_flow_named_by_a_rules_file_is_loaded_once_with_binding_s_values() {
        let path = std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/flows/web-messaging-vip.yaml"
        ))
        .canonicalize()
        .unwrap();
        let display = path.display().to_string();
        let ph = super::super::flows::placeholder_names(&path).unwrap();
        let defaults: VarOverrides = ph.iter().map(|n| (n.clone(), "x".into())).collect();
        let p = Prefetch::new(&defaults, &VarOverrides::new());
        let file_vars = BTreeMap::new();
        p.request_flow(&path, &display, &file_vars);
        let (vars, _, missing) = super::flow_vars(&ph, &file_vars, &defaults, &VarOverrides::new());
        assert!(missing.is_empty());
        let flow = p
            .take_flow(&path, &display, &file_vars, &vars)
            .unwrap()
            .unwrap();
        // Asked again (a second rules file): the same load, not another.
        let again = p
            .take_flow(&path, &display, &file_vars, &vars)
            .unwrap()
            .unwrap();
        assert!(Arc::ptr_eq(&flow, &again));
        // Other values than it was loaded with: the caller loads it itself.
        let mut other = vars.clone();
        other.insert("extra".into(), "y".into());
        assert!(p.take_flow(&path, &display, &file_vars, &other).is_none());
        // Never asked for with these file values.
        let mut unasked = file_vars.clone();
        unasked.insert("a".into(), "b".into());
        assert!(p.take_flow(&path, &display, &unasked, &vars).is_none());
    }

    #[test]
    fn errors_carry_the_runner_wording() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("gone.json");
        let e = read_and_parse(&missing, "fixtures/gone.json", false).unwrap_err();
        assert!(e.starts_with("fixtures/gone.json: cannot read:"), "{e}");
    }
}
