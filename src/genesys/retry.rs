//! Waiting politely: Retry-After on 429, jittered exponential backoff on 5xx and dropped
//! connections, a total retry budget, and a client-side pacer so we rarely see a 429.
//!
//! Time goes through [`Clock`] so tests can observe (or skip) every wait.

use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The source of time and the way to wait. Shared across threads.
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current instant.
    fn now(&self) -> Instant;
    /// Block the calling thread for `d`.
    fn sleep(&self, d: Duration);
}

/// Real time.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
    fn sleep(&self, d: Duration) {
        if !d.is_zero() {
            std::thread::sleep(d);
        }
    }
}

/// Retry tuning.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Total time a request may spend waiting to retry.
    pub budget: Duration,
    /// First backoff step for 5xx and connection failures.
    pub base: Duration,
    /// Largest backoff step (Retry-After is never capped).
    pub max_step: Duration,
}

impl RetryPolicy {
    /// The default steps with the given budget.
    pub fn with_budget(budget: Duration) -> Self {
        RetryPolicy {
            budget,
            base: Duration::from_millis(500),
            max_step: Duration::from_secs(30),
        }
    }

    /// Backoff before retry number `attempt` (0-based): "equal jitter", half fixed and half
    /// random, so concurrent callers spread out but never retry immediately.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let step = self
            .base
            .saturating_mul(2u32.saturating_pow(attempt.min(16)))
            .min(self.max_step);
        let half = step / 2;
        let jitter_ns = (half.as_nanos() as u64).max(1);
        half + Duration::from_nanos(random_u64() % jitter_ns)
    }
}

/// A random number from std's per-process random hash keys (no extra dependency).
fn random_u64() -> u64 {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    h.finish()
}

/// The wait a 429 asks for: `Retry-After` seconds, else `inin-ratelimit-reset` seconds.
/// Never capped: Genesys can ask for more than 30 s and hammering it only extends the wait.
pub fn rate_limit_wait(retry_after: Option<&str>, reset: Option<&str>) -> Option<Duration> {
    retry_after
        .and_then(parse_seconds)
        .or_else(|| reset.and_then(parse_seconds))
}

fn parse_seconds(v: &str) -> Option<Duration> {
    let v = v.trim();
    if let Ok(n) = v.parse::<u64>() {
        return Some(Duration::from_secs(n));
    }
    v.parse::<f64>()
        .ok()
        .filter(|f| f.is_finite() && *f >= 0.0 && *f < 1e9)
        .map(Duration::from_secs_f64)
}

/// Paces requests to at most `per_minute`, evenly spaced (no bursts), across threads.
#[derive(Debug)]
pub struct RateLimiter {
    interval: Duration,
    next: Mutex<Option<Instant>>,
}

impl RateLimiter {
    /// A limiter for `per_minute` requests per minute (at least 1).
    pub fn new(per_minute: u32) -> Self {
        RateLimiter {
            interval: Duration::from_secs(60) / per_minute.max(1),
            next: Mutex::new(None),
        }
    }

    /// The spacing between two requests.
    pub fn interval(&self) -> Duration {
        self.interval
    }

    /// Reserve the next slot and wait for it.
    pub fn acquire(&self, clock: &dyn Clock) {
        let now = clock.now();
        let wait = {
            let mut next = self.next.lock().unwrap_or_else(|p| p.into_inner());
            let slot = match *next {
                Some(n) if n > now => n,
                _ => now,
            };
            *next = Some(slot + self.interval);
            slot - now
        };
        clock.sleep(wait);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// A clock that advances only when slept on, and records the sleeps.
    #[derive(Debug)]
    struct FakeClock {
        now: Mutex<Instant>,
        sleeps: Mutex<Vec<Duration>>,
    }

    impl Clock for FakeClock {
        fn now(&self) -> Instant {
            *self.now.lock().unwrap()
        }
        fn sleep(&self, d: Duration) {
            self.sleeps.lock().unwrap().push(d);
            *self.now.lock().unwrap() += d;
        }
    }

    #[test]
    fn retry_after_wins_and_is_not_capped() {
        assert_eq!(
            rate_limit_wait(Some("120"), Some("3")),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            rate_limit_wait(None, Some("7")),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            rate_limit_wait(Some("soon"), Some("2")),
            Some(Duration::from_secs(2))
        );
        assert_eq!(rate_limit_wait(None, None), None);
        assert_eq!(
            rate_limit_wait(Some("1.5"), None),
            Some(Duration::from_millis(1500))
        );
    }

    #[test]
    fn backoff_grows_with_jitter_inside_bounds() {
        let p = RetryPolicy::with_budget(Duration::from_secs(60));
        for attempt in 0..8 {
            let step = (Duration::from_millis(500) * 2u32.pow(attempt)).min(p.max_step);
            let b = p.backoff(attempt);
            assert!(b >= step / 2 && b <= step, "attempt {attempt}: {b:?}");
        }
        assert!(p.backoff(40) <= p.max_step);
    }

    #[test]
    fn limiter_spaces_requests_evenly() {
        let clock = Arc::new(FakeClock {
            now: Mutex::new(Instant::now()),
            sleeps: Mutex::new(vec![]),
        });
        let l = RateLimiter::new(120);
        assert_eq!(l.interval(), Duration::from_millis(500));
        let start = clock.now();
        for _ in 0..5 {
            l.acquire(clock.as_ref());
        }
        assert_eq!(clock.now() - start, Duration::from_secs(2));
    }
}
