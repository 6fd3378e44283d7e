//! `--guests N`: sessions run on N worker threads of their own, started before the cases
//! are evaluated, so guests wait in parallel whatever the evaluation pool's size; each
//! case takes its session's result when it gets to it.

use std::collections::{HashMap, HashSet, VecDeque};
use std::hash::Hash;
use std::sync::{Arc, Condvar, Mutex};

use super::GuestSpec;
use super::session::{self, Observed, SessionFailed, SessionOptions};

/// A session's result.
pub type Outcome = Result<Observed, Box<SessionFailed>>;

/// Finished sessions; `None` once taken.
type Results<K> = (Mutex<HashMap<K, Option<Outcome>>>, Condvar);

/// Sessions in flight.
pub struct Pool<K> {
    known: HashSet<K>,
    results: Arc<Results<K>>,
}

impl<K> std::fmt::Debug for Pool<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool")
            .field("sessions", &self.known.len())
            .finish()
    }
}

impl<K: Hash + Eq + Clone + Send + 'static> Pool<K> {
    /// Start every session, `parallel` at a time, in `jobs` order.
    pub fn start(jobs: Vec<(K, GuestSpec)>, opts: SessionOptions, parallel: usize) -> Self {
        let known = jobs.iter().map(|(k, _)| k.clone()).collect();
        let workers = parallel.max(1).min(jobs.len());
        let queue = Arc::new(Mutex::new(VecDeque::from(jobs)));
        let results: Arc<Results<K>> = Arc::new((Mutex::new(HashMap::new()), Condvar::new()));
        for _ in 0..workers {
            let (queue, results, opts) = (queue.clone(), results.clone(), opts.clone());
            std::thread::spawn(move || {
                loop {
                    let job = queue.lock().unwrap_or_else(|p| p.into_inner()).pop_front();
                    let Some((key, spec)) = job else { break };
                    let outcome = session::run(&spec, &opts);
                    let (map, ready) = &*results;
                    map.lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .insert(key, Some(outcome));
                    ready.notify_all();
                }
            });
        }
        Pool { known, results }
    }

    /// Wait for `key`'s session; `None` if it was never started (or already taken).
    pub fn take(&self, key: &K) -> Option<Outcome> {
        if !self.known.contains(key) {
            return None;
        }
        let (map, ready) = &*self.results;
        let mut guard = map.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if let Some(slot) = guard.get_mut(key) {
                return slot.take();
            }
            guard = ready.wait(guard).unwrap_or_else(|p| p.into_inner());
        }
    }
}
