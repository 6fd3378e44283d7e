//! The Guest API's documented rate limits (GUEST-API.md §5), kept on the client side so a
//! run never trips them: a sliding window per limit, waited on before each send.
//!
//! The Platform client's `RateLimiter` spaces requests evenly; these limits are bursts per
//! window (60 requests in any minute), and spacing them evenly would slow every session
//! to one request a second, so they get their own window.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// At most `max` events in any `per`.
#[derive(Debug)]
pub struct Window {
    max: usize,
    per: Duration,
    times: VecDeque<Instant>,
}

impl Window {
    /// A window of `max` (at least 1) events per `per`.
    pub fn new(max: usize, per: Duration) -> Self {
        Window {
            max: max.max(1),
            per,
            times: VecDeque::new(),
        }
    }

    /// Reserve the next slot at or after `now`; returns how long to wait for it.
    pub fn reserve(&mut self, now: Instant) -> Duration {
        while self.times.len() >= self.max {
            let oldest = self.times[self.times.len() - self.max];
            if oldest + self.per <= now {
                self.times.pop_front();
            } else {
                break;
            }
        }
        let at = if self.times.len() >= self.max {
            self.times[self.times.len() - self.max] + self.per
        } else {
            now
        };
        self.times.push_back(at);
        while self.times.len() > self.max {
            self.times.pop_front();
        }
        at.saturating_duration_since(now)
    }

    /// Reserve a slot and sleep until it.
    pub fn wait(&mut self) {
        std::thread::sleep(self.reserve(Instant::now()));
    }
}

/// Per session: 5 messages a second.
pub fn session_messages() -> Window {
    Window::new(5, Duration::from_secs(1))
}

/// Per connection: 60 requests a minute.
pub fn connection_requests() -> Window {
    Window::new(60, Duration::from_secs(60))
}

/// Per deployment: 1,000 new connections a minute, shared by every guest of the process.
pub fn new_connection(deployment: &str) {
    static DEPLOYMENTS: OnceLock<Mutex<HashMap<String, Window>>> = OnceLock::new();
    let wait = {
        let mut map = DEPLOYMENTS
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        map.entry(deployment.to_owned())
            .or_insert_with(|| Window::new(1000, Duration::from_secs(60)))
            .reserve(Instant::now())
    };
    std::thread::sleep(wait);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_allows_a_burst_then_waits_for_the_oldest() {
        let mut w = Window::new(3, Duration::from_secs(1));
        let t = Instant::now();
        assert_eq!(w.reserve(t), Duration::ZERO);
        assert_eq!(w.reserve(t), Duration::ZERO);
        assert_eq!(w.reserve(t + Duration::from_millis(100)), Duration::ZERO);
        assert_eq!(
            w.reserve(t + Duration::from_millis(200)),
            Duration::from_millis(800)
        );
        // The next waits for the second, not the reserved fourth.
        assert_eq!(
            w.reserve(t + Duration::from_millis(200)),
            Duration::from_millis(800)
        );
        assert_eq!(w.reserve(t + Duration::from_secs(3)), Duration::ZERO);
    }
}
