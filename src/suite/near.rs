//! Attribute near misses: a participant attribute a rules file names that the
//! participant does not have, while a close one exists. This is the mistake routecheck
//! exists to catch (a typo makes a binding NOT_SET, and `set: false` then passes), so
//! it is looked for wherever a rules file names an attribute: bindings, `attribute:`
//! expectations and overlay keys, in `test` and in `lint`.

use std::collections::HashMap;

use crate::diag::{EditIndex, edit_distance};

/// Prefixes that legacy chat (`context.`), Genesys system data (`system.`) and custom
/// attribute conventions (`custom.`) put before a name; adding or dropping one is a
/// near miss.
pub const PREFIXES: &[&str] = &["custom.", "context.", "system."];

/// How a name differs from the attribute that is present.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// Only in letter case (attribute names are case-sensitive).
    Case,
    /// By a `custom.`/`context.`/`system.` prefix added or dropped.
    Prefix,
    /// Within edit distance 2 (a typo).
    Typo,
}

impl Kind {
    /// Why the two names differ, for messages.
    pub fn explain(self) -> &'static str {
        match self {
            Kind::Case => "attribute names are case-sensitive",
            Kind::Prefix => {
                "a `context.`/`custom.`/`system.` prefix is added or dropped (`context.` comes from legacy web chat v2; Web Messaging attributes carry the exact name the script set)"
            }
            Kind::Typo => "the names differ by a typo",
        }
    }
}

fn strip_prefix(name: &str) -> &str {
    PREFIXES
        .iter()
        .find_map(|p| {
            name.get(..p.len())
                .filter(|h| h.eq_ignore_ascii_case(p))
                .map(|_| &name[p.len()..])
        })
        .unwrap_or(name)
}

/// How `name` relates to `present`, if it is a near miss of it.
pub fn relation(name: &str, present: &str) -> Option<Kind> {
    if name == present {
        return None;
    }
    if name.eq_ignore_ascii_case(present) {
        return Some(Kind::Case);
    }
    let (a, b) = (strip_prefix(name), strip_prefix(present));
    if (a.len() != name.len() || b.len() != present.len()) && a.eq_ignore_ascii_case(b) {
        return Some(Kind::Prefix);
    }
    // Two edits in a three-letter name would match almost anything: scale with length.
    let shorter = name.chars().count().min(present.chars().count());
    let limit = match shorter {
        0..=2 => 0,
        3..=5 => 1,
        _ => 2,
    };
    // Each edit changes the length by at most one: most keys are ruled out here, before
    // the distance is computed (this runs for every absent name against every key).
    if limit == 0 || lower_len(name).abs_diff(lower_len(present)) > limit {
        return None;
    }
    let d = edit_distance(name, present);
    (d > 0 && d <= limit).then_some(Kind::Typo)
}

/// The closest present attribute `name` nearly matches (case first, then prefix, then
/// the smallest edit distance, then the smallest counting letter case; ties
/// alphabetically, so reports are stable). The caller
/// has established that `name` itself is absent.
pub fn closest<'c>(
    name: &str,
    present: impl IntoIterator<Item = &'c str>,
) -> Option<(&'c str, Kind)> {
    present
        .into_iter()
        .filter_map(|p| relation(name, p).map(|k| (p, k)))
        .min_by_key(|(p, k)| {
            (
                *k,
                edit_distance(name, p),
                crate::diag::edit_distance_exact(name, p),
                case_gap(name, p),
                *p,
            )
        })
}

/// The length [`edit_distance`] compares: characters after lowercasing.
pub fn lower_len(s: &str) -> usize {
    if s.is_ascii() {
        return s.len();
    }
    s.chars().flat_map(char::to_lowercase).count()
}

/// The candidates of [`closest`], pre-normalised and indexed once so that looking up many
/// names (lint: every read against every writer key) compares each name only with the
/// candidates that could be a near miss — the same lowercase name, the same name without a
/// prefix, or one sharing enough characters to be within the typo limit — instead of with
/// every key. [`NearIndex::closest`] returns exactly what [`closest`] returns over the
/// same list.
#[derive(Debug, Default)]
pub struct NearIndex<'c> {
    keys: Vec<&'c str>,
    /// ASCII-lowercase name without a prefix → positions in `keys` (covers Case and Prefix).
    folded: HashMap<String, Vec<usize>>,
    /// The keys by shared characters (a Typo is at most 2 edits).
    typos: EditIndex,
}

impl<'c> NearIndex<'c> {
    /// Index `candidates` (duplicates allowed, and indexed once; order kept for ties).
    pub fn new(candidates: impl IntoIterator<Item = &'c str>) -> Self {
        // One of each name: the answer is a name, and a key that a thousand manifests set
        // would otherwise be measured a thousand times per lookup.
        let mut seen = std::collections::HashSet::new();
        let keys: Vec<&'c str> = candidates.into_iter().filter(|k| seen.insert(*k)).collect();
        let mut folded: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, k) in keys.iter().enumerate() {
            folded
                .entry(strip_prefix(k).to_ascii_lowercase())
                .or_default()
                .push(i);
        }
        NearIndex {
            typos: EditIndex::new(keys.iter().copied()),
            keys,
            folded,
        }
    }

    /// [`closest`] over the indexed candidates.
    pub fn closest(&self, name: &str) -> Option<(&'c str, Kind)> {
        let pick = |picked: Vec<usize>| closest(name, picked.into_iter().map(|i| self.keys[i]));
        // A case or prefix near miss outranks every typo, so typos are looked for only
        // when there is none.
        let same = self
            .folded
            .get(&strip_prefix(name).to_ascii_lowercase())
            .cloned()
            .unwrap_or_default();
        if let Some(found) = pick(same) {
            return Some(found);
        }
        // Then the smaller distance wins: a typo within one edit outranks any at two, so
        // the wide search (whose reach grows fast where keys differ by a few characters,
        // `own1234_x` and `own1243_x`) runs only when nothing is within one.
        // `relation` allows no typo in a name of two characters or fewer, and one in a
        // name of up to five: a wider walk could find nothing it would accept.
        let reach = match name.chars().count() {
            0..=2 => 0,
            3..=5 => 1,
            _ => 2,
        };
        for k in 1..=reach {
            if let Some(found) = pick(self.typos.candidates(name, k)) {
                return Some(found);
            }
        }
        None
    }
}

/// How far apart the letter case of two names is (count of capitals), so a tie in
/// edit distance (which ignores case) goes to the candidate written like the name.
fn case_gap(a: &str, b: &str) -> usize {
    let caps = |s: &str| s.chars().filter(char::is_ascii_uppercase).count();
    caps(a).abs_diff(caps(b))
}

/// The sentence every reporter shows: where the name is is the caller's location.
pub fn message(role: &str, name: &str, present: &str) -> String {
    format!("{role} `{name}` is not an attribute of the participant, which has `{present}`")
}

/// The help line: the intended key.
pub fn help(name: &str, present: &str, kind: Kind) -> String {
    format!(
        "did you mean `{present}`? ({}; `{name}` is NOT_SET)",
        kind.explain()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_finds_what_the_scan_finds() {
        let keys = [
            "priority_tier",
            "Priority_Tier",
            "context.tier",
            "tier",
            "customer_id",
            "custmer_id",
            "language",
            "region",
            "ab",
            "id",
            "Tier",
            "system.TIER",
            "prioirty_tier",
            "ÄÖÜ_name",
            "äöü_name",
            "tier",
        ];
        let ix = NearIndex::new(keys.iter().copied());
        let names = [
            "priority_tier",
            "Priority_tier",
            "tier",
            "custom.tier",
            "Custmer_ID",
            "languag",
            "regions",
            "id",
            "xy",
            "äöü_Name",
            "TIER",
            "system.tier",
            "context.Tier",
            "",
        ];
        for n in names {
            assert_eq!(ix.closest(n), closest(n, keys.iter().copied()), "{n}");
        }
    }

    #[test]
    fn the_index_deepens_one_edit_at_a_time_and_finds_what_the_scan_finds() {
        // Keys a digit apart: a name has neighbours at one and at two edits, and a case
        // or prefix near miss must still outrank a closer-looking typo.
        let mut keys: Vec<String> = Vec::new();
        for i in [1234, 1243, 1235, 124, 12345, 2234, 9999] {
            for w in ["customer", "order", "Customer"] {
                keys.push(format!("own{i}_{w}"));
            }
        }
        keys.push("custom.own7777_order".into());
        let ix = NearIndex::new(keys.iter().map(String::as_str));
        let names = [
            "own1236_customer",
            "own1324_customer",
            "own1234_custome",
            "own12_customer",
            "own7777_order",
            "OWN9999_ORDER",
            "own5555_order",
            "own1234_Customerr",
            "own99_x",
        ];
        for n in names {
            let want = closest(n, keys.iter().map(String::as_str));
            assert_eq!(ix.closest(n), want, "{n}");
        }
        assert_eq!(
            ix.closest("own7777_order"),
            Some(("custom.own7777_order", Kind::Prefix))
        );
    }

    #[test]
    fn every_near_miss_form() {
        assert_eq!(relation("Priority_Tier", "priority_tier"), Some(Kind::Case));
        assert_eq!(relation("tier", "context.tier"), Some(Kind::Prefix));
        assert_eq!(relation("custom.tier", "tier"), Some(Kind::Prefix));
        assert_eq!(relation("System.Tier", "tier"), Some(Kind::Prefix));
        assert_eq!(relation("priorty_tier", "priority_tier"), Some(Kind::Typo));
        assert_eq!(relation("custmer_id", "customer_id"), Some(Kind::Typo));
        assert_eq!(relation("prioirty_tier", "priority_tier"), Some(Kind::Typo));
        assert_eq!(relation("tier", "tier"), None);
        assert_eq!(relation("id", "ab"), None);
        assert_eq!(relation("language", "region"), None);
        let present = ["customer_id", "priority_tier", "context.lang"];
        assert_eq!(
            closest("priorty_tier", present),
            Some(("priority_tier", Kind::Typo))
        );
        assert_eq!(
            closest("lang", present),
            Some(("context.lang", Kind::Prefix))
        );
        assert_eq!(closest("channel", present), None);
        // Equal without case, the candidate spelled like the name wins: a held-out
        // project's binding `acountId` means the recorded `accountId`, not the overlay
        // typo `Accountid` (alphabetically first).
        assert_eq!(
            closest("acountId", ["Accountid", "accountId"]),
            Some(("accountId", Kind::Typo))
        );
    }
}
