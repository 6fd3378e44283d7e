//! Strings indexed for "which of them are within `k` edits of this one", so lint can
//! compare thousands of keys with thousands of keys without measuring every pair.
//!
//! The strings, folded as [`super::edit_distance`] compares them (lowercased), are kept
//! sorted: that is a trie laid flat, where the strings sharing a prefix are one block.
//! A query walks them in order with one Levenshtein row per depth; a string reuses the
//! rows of the prefix it shares with the one before it, and once every entry of a row
//! exceeds the bound no extension of that prefix can come back within it (a row's
//! minimum never falls with depth), so the whole block is skipped by a binary search.
//! What a query costs therefore grows with the distinct prefixes within reach of it,
//! not with the number of strings: attribute keys share a vocabulary (`customer…`,
//! `order_…`) and their differing tails are cut off a few characters in.
//!
//! The answers are exact (the distance [`super::edit_distance`] gives), not a superset
//! of candidates to measure; the counting filter this replaced still scanned, for every
//! query, every key sharing a common pair such as `er` or `12`, which made lint
//! quadratic in keys.

/// See the module documentation.
#[derive(Debug, Default)]
pub struct EditIndex {
    /// The distinct folded strings, sorted, each with the positions (ascending, in the
    /// order the strings were given) of the strings that fold to it: a thousand manifests
    /// setting one key are one entry, walked once.
    sorted: Vec<(Box<[char]>, Vec<usize>)>,
}

/// A cell of a Levenshtein row outside the band a walk computes: farther than any bound.
const FAR: usize = usize::MAX / 4;

/// The characters [`super::edit_distance`] compares.
fn folded(s: &str) -> Vec<char> {
    s.chars().flat_map(char::to_lowercase).collect()
}

impl EditIndex {
    /// Index `strings`; answers are positions in this order.
    pub fn new<'s>(strings: impl IntoIterator<Item = &'s str>) -> Self {
        let mut all: Vec<(Box<[char]>, usize)> = strings
            .into_iter()
            .enumerate()
            .map(|(i, s)| (folded(s).into_boxed_slice(), i))
            .collect();
        all.sort_unstable();
        let mut sorted: Vec<(Box<[char]>, Vec<usize>)> = Vec::new();
        for (s, i) in all {
            match sorted.last_mut() {
                Some((last, at)) if *last == s => at.push(i),
                _ => sorted.push((s, vec![i])),
            }
        }
        EditIndex { sorted }
    }

    /// The positions, ascending, of every string within `k` edits of `query`.
    pub fn candidates(&self, query: &str, k: usize) -> Vec<usize> {
        let mut found = Vec::new();
        self.walk(&folded(query), k, false, &mut found);
        let mut out: Vec<usize> = found
            .into_iter()
            .flat_map(|(_, e)| self.sorted[e].1.iter().copied())
            .collect();
        out.sort_unstable();
        out
    }

    /// The smallest distance from `query` to an indexed string, if it is at most `k`, and
    /// the first position of a string at that distance.
    pub fn nearest(&self, query: &str, k: usize) -> Option<(usize, usize)> {
        let q = folded(query);
        let mut found = Vec::new();
        // A near miss is usually within one or two edits: those walks are cheap (blocks
        // are cut a character or two past where they part from the query), and when one
        // finds something the wider walks are not needed. What a walk of reach `r` visits
        // grows with the keys within about `r` edits, which for keys that differ in a few
        // digits (`own1234_x`) is many at `r = 2` and most of them at `r = 3`.
        for r in (1..k).filter(|r| *r <= 2) {
            self.walk(&q, r, true, &mut found);
            if !found.is_empty() {
                break;
            }
        }
        if found.is_empty() {
            self.walk(&q, k, true, &mut found);
        }
        found
            .into_iter()
            .map(|(d, e)| (d, self.sorted[e].1[0]))
            .min()
    }

    /// How many entries from `i` on share entry `i`'s first `depth` characters (at least
    /// one). Galloping from `i`, not a binary search of everything after it: the block
    /// cut is usually a handful of strings deep in the trie, and the whole search was a
    /// fifth of lint's time at 4,000 flows.
    fn block_len(&self, i: usize, depth: usize) -> usize {
        let rest = &self.sorted[i..];
        let prefix = &rest[0].0[..depth];
        let inside = |t: &[char]| t.len() >= depth && &t[..depth] == prefix;
        // rest[..lo] is inside; rest[hi..] (when hi < len) starts outside.
        let (mut lo, mut step) = (1, 1);
        let hi = loop {
            let probe = lo + step - 1;
            if probe >= rest.len() {
                break rest.len();
            }
            if !inside(&rest[probe].0) {
                break probe;
            }
            lo = probe + 1;
            step *= 2;
        };
        lo + rest[lo..hi].partition_point(|(t, _)| inside(t))
    }

    /// Every entry within `bound` of `q` as (distance, entry); with `shrink`, the
    /// bound tightens to the best distance found so far (strings farther than the final
    /// best may still be among the results: callers keep the minimum).
    fn walk(&self, q: &[char], mut bound: usize, shrink: bool, found: &mut Vec<(usize, usize)>) {
        let n = q.len();
        // rows[d] is the Levenshtein row of the current string's first d characters.
        let mut rows: Vec<Vec<usize>> = vec![(0..=n).collect()];
        // How many of `rows` (beyond the first) hold the previous string's prefix rows.
        let mut valid = 0usize;
        let mut prev: &[char] = &[];
        let mut i = 0;
        while i < self.sorted.len() {
            let s = &self.sorted[i].0;
            let shared = prev
                .iter()
                .zip(s.iter())
                .take_while(|(a, b)| a == b)
                .count()
                .min(valid);
            let mut depth = shared;
            let mut cut = false;
            while depth < s.len() {
                if rows.len() <= depth + 1 {
                    rows.push(vec![0; n + 1]);
                }
                let (done, rest) = rows.split_at_mut(depth + 1);
                let (row, next) = (&done[depth], &mut rest[0]);
                let c = s[depth];
                // Only the cells within `bound` of the diagonal: a cell farther off it is
                // farther than `bound` (each step off the diagonal is an edit), and an
                // alignment within `bound` never leaves the band, so every cell it passes
                // is exact. The cells just outside are marked too far for the next row.
                let d = depth + 1;
                let (lo, hi) = (d.saturating_sub(bound).max(1), (d + bound).min(n));
                next[0] = d;
                if lo > 1 && lo - 1 <= n {
                    next[lo - 1] = FAR;
                }
                if hi < n {
                    next[hi + 1] = FAR;
                }
                let mut min = next[0];
                for j in lo..=hi {
                    let v = (row[j - 1] + usize::from(q[j - 1] != c))
                        .min(row[j] + 1)
                        .min(next[j - 1] + 1);
                    next[j] = v;
                    min = min.min(v);
                }
                depth += 1;
                if min > bound {
                    cut = true;
                    break;
                }
            }
            valid = depth;
            prev = s;
            if cut {
                // Skip every string with this prefix: they are the block that follows.
                i += self.block_len(i, depth);
                continue;
            }
            // The last cell is computed only when it lies in the band.
            let d = if s.len().abs_diff(n) <= bound {
                rows[s.len()][n]
            } else {
                FAR
            };
            if d <= bound {
                found.push((d, i));
                if shrink {
                    bound = d;
                }
            }
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::edit_distance;
    use super::*;

    const WORDS: [&str; 30] = [
        "",
        "a",
        "ab",
        "ba",
        "abc",
        "tier",
        "Tier",
        "tire",
        "priority_tier",
        "prioritytier",
        "priority-tier",
        "PRIORITY_TIER",
        "prioirty_tier",
        "customer_id",
        "custmer_id",
        "customerid",
        "ÄÖÜ_name",
        "äöü_name",
        "aaaa",
        "aaaaaa",
        "abab",
        "baba",
        "key12_3",
        "key21_3",
        "unread12",
        "segment12x",
        "İstanbul",
        "istanbul",
        "tier",
        "customer",
    ];

    #[test]
    fn candidates_are_exactly_the_strings_within_reach() {
        let ix = EditIndex::new(WORDS.iter().copied());
        for q in WORDS
            .iter()
            .chain(&["tier_", "x", "custom.tier", "keys12_3", "customers"])
        {
            for k in 0..6 {
                let want: Vec<usize> = (0..WORDS.len())
                    .filter(|&i| edit_distance(q, WORDS[i]) <= k)
                    .collect();
                assert_eq!(ix.candidates(q, k), want, "{q:?} within {k}");
            }
        }
    }

    #[test]
    fn nearest_is_the_minimum_at_its_first_position() {
        let ix = EditIndex::new(WORDS.iter().copied());
        for q in WORDS
            .iter()
            .chain(&["tier_", "segment1x", "prority_tier", "zzzz"])
        {
            for k in 0..6 {
                let best = (0..WORDS.len())
                    .map(|i| edit_distance(q, WORDS[i]))
                    .filter(|&d| d <= k)
                    .min();
                let want = best.map(|b| {
                    let first = (0..WORDS.len())
                        .find(|&i| edit_distance(q, WORDS[i]) == b)
                        .unwrap();
                    (b, first)
                });
                assert_eq!(ix.nearest(q, k), want, "{q:?} within {k}");
            }
        }
    }

    #[test]
    fn keys_a_few_digits_apart_are_found_as_the_scan_finds_them() {
        // The walk computes only a band of each row: keys that differ in digits and
        // length (the lint benchmark's `own{i}_{word}`) cross its edges in every way.
        let words = ["customer", "order", "id", "Tier"];
        let keys: Vec<String> = (0..400)
            .map(|i| format!("own{}_{}", (i * 37) % 1200, words[i % 4]))
            .chain(["", "o", "own", "own1_"].map(String::from))
            .collect();
        let ix = EditIndex::new(keys.iter().map(String::as_str));
        let queries = (0..60)
            .map(|i| format!("own{}_{}", (i * 53) % 1500, words[(i / 4) % 4]))
            .chain(["", "ow", "own12345_customerx", "own7_ti", "owno"].map(String::from));
        for q in queries {
            for k in 0..5 {
                let dist: Vec<usize> = keys.iter().map(|s| edit_distance(&q, s)).collect();
                let within: Vec<usize> = (0..keys.len()).filter(|&i| dist[i] <= k).collect();
                assert_eq!(ix.candidates(&q, k), within, "{q:?} within {k}");
                let want = within.iter().map(|&i| (dist[i], i)).min();
                assert_eq!(ix.nearest(&q, k), want, "{q:?} nearest within {k}");
            }
        }
    }

    #[test]
    fn an_empty_index_finds_nothing() {
        let ix = EditIndex::new([]);
        assert!(ix.candidates("tier", 3).is_empty());
        assert_eq!(ix.nearest("tier", 3), None);
    }
}
