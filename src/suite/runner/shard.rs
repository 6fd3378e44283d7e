//! `--shard K/N`: which cases a shard runs, by a stable hash of (rules file, case).

use std::hash::Hasher;
use std::str::FromStr;

/// `--shard K/N`: run the K-th of N disjoint slices (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// K, 1..=N.
    pub index: u64,
    /// N ≥ 1.
    pub count: u64,
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let (k, n) = s
            .split_once('/')
            .ok_or_else(|| format!("`{s}` is not K/N (e.g. 1/4)"))?;
        let index: u64 = k
            .trim()
            .parse()
            .map_err(|_| format!("`{k}` is not a shard number"))?;
        let count: u64 = n
            .trim()
            .parse()
            .map_err(|_| format!("`{n}` is not a shard count"))?;
        if count == 0 || index == 0 || index > count {
            return Err(format!("`{index}/{count}`: K must be between 1 and N"));
        }
        Ok(Shard { index, count })
    }
}

impl Shard {
    /// Whether this shard runs the case: FNV-1a of suite and case name, stable across
    /// machines and runs, so the N shards are disjoint and together run everything.
    pub fn contains(&self, suite: &str, case: &str) -> bool {
        let mut h = Fnv1a::default();
        h.write(suite.as_bytes());
        h.write(&[0]);
        h.write(case.as_bytes());
        h.finish() % self.count == self.index - 1
    }
}

/// 64-bit FNV-1a.
pub(super) struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv1a {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}
