//! The lint checks proper: readers against writers (unset, case and prefix mismatches,
//! unread keys) and a walk of every flow expression (unknown literals, NOT_SET
//! arithmetic).
//!
//! The NOT_SET check is syntactic and conservative: a variable bound by Get Participant
//! Data counts as guarded in an expression when that expression, or the condition of a
//! decision or switch it is nested in (either side), mentions it inside `IsSet`,
//! `IsNotSetOrEmpty` or an `If` condition, or when any Update Data statement assigns it
//! a value computed under such a guard (a defaulting step). It does not follow
//! `changeState` or task calls, and does not tell a decision's true side from its false
//! side.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::diag::SourceFile;
use crate::expr::Value;
use crate::expr::ast::{BinOp, Expr, Kind};
use crate::expr::functions::{IF, IS_NOT_SET_OR_EMPTY, IS_SET, LOWER, TO_DECIMAL, TO_INT, UPPER};
use crate::expr::visit::walk;
use crate::flow::inspect::{ExprRole, FlowExpr};

use super::literals::{LiteralCheck, Produced};
use super::loaded::{Loaded, RuleRead, Writer, WriterKind};
use super::{Code, Finding};

/// Prefixes people add that participant attributes do not have.
const PREFIXES: &[&str] = &["custom.", "system.", "context."];

/// Run every check.
pub fn run(l: &Loaded) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut by_key: BTreeMap<&str, Vec<&Writer>> = BTreeMap::new();
    for w in &l.writers {
        by_key.entry(&w.key).or_default().push(w);
    }
    let writers = WriterIndex::new(&l.writers);
    let produced = Produced::new(&by_key);
    // Keys only overlays set, decided once rather than per rules-file read.
    let overlay_only: HashSet<&str> = by_key
        .iter()
        .filter(|(_, ws)| ws.iter().all(|w| w.kind == WriterKind::Overlay))
        .map(|(k, _)| *k)
        .collect();
    let mut reads: Vec<String> = Vec::new();
    for flow in &l.flows {
        let src = flow.source();
        let flow_reads = flow.attribute_reads();
        let bound: HashMap<String, String> = flow_reads
            .iter()
            .map(|r| (r.variable.to_ascii_lowercase(), r.attribute.clone()))
            .collect();
        let unguarded = expressions(flow, &bound, &produced, &mut out);
        for r in &flow_reads {
            if !by_key.contains_key(r.attribute.as_str()) {
                let guarded = !unguarded.contains(&r.variable.to_ascii_lowercase());
                out.push(unset(src, r, guarded, &writers));
            }
        }
        reads.extend(flow_reads.into_iter().map(|r| r.attribute));
    }
    for r in &l.rule_reads {
        if !by_key.contains_key(r.attribute.as_str()) {
            out.extend(rule_read(r, &writers, &overlay_only));
        }
        reads.push(r.attribute.clone());
    }
    let read_keys: BTreeSet<&str> = reads.iter().map(String::as_str).collect();
    if l.flows.is_empty() {
        out.extend(overlay_near_misses(l, &read_keys));
    }
    if !l.flows.is_empty() {
        // Indexed once: the first read of each normalised key, and the reads bucketed for
        // "did you mean", so the unread-key check is not reads × writers.
        let mut normalized: HashMap<String, &str> = HashMap::new();
        for r in &reads {
            normalized.entry(normalize(r)).or_insert(r.as_str());
        }
        let near_reads = crate::suite::near::NearIndex::new(reads.iter().map(String::as_str));
        // Once per key: a key a thousand manifests set and no flow reads is one search.
        let mut near_of: HashMap<&str, Option<&str>> = HashMap::new();
        for w in &l.writers {
            if w.kind == WriterKind::Fixture || read_keys.contains(w.key.as_str()) {
                continue;
            }
            let near = *near_of.entry(w.key.as_str()).or_insert_with(|| {
                normalized
                    .get(&normalize(&w.key))
                    .copied()
                    .or_else(|| near_reads.closest(&w.key).map(|(r, _)| r))
            });
            out.push(
                Finding::new(
                    Code::UnreadAttribute,
                    &w.file,
                    w.span,
                    format!("attribute `{}` is injected but no flow reads it", w.key),
                )
                .label("never read")
                .help(match near {
                    Some(r) => format!("a flow reads `{r}`, which is a different key"),
                    None => {
                        "drop it from the script, or read it with Get Participant Data".to_string()
                    }
                }),
            );
        }
    }
    out
}

/// With no flow to say what is read, an overlay key nothing reads while a rules file reads
/// a close name (a binding, an `attribute:`) is the overlay's typo: reported at the key,
/// with the name that is read.
fn overlay_near_misses(l: &Loaded, read_keys: &BTreeSet<&str>) -> Vec<Finding> {
    use crate::suite::near::{self, Kind};
    let near_reads = near::NearIndex::new(read_keys.iter().copied());
    let mut out = Vec::new();
    for w in &l.writers {
        if w.kind != WriterKind::Overlay || read_keys.contains(w.key.as_str()) {
            continue;
        }
        let Some((read, kind)) = near_reads.closest(&w.key) else {
            continue;
        };
        let code = match kind {
            Kind::Case => Code::CaseMismatch,
            Kind::Prefix => Code::PrefixMismatch,
            Kind::Typo => Code::UnsetAttribute,
        };
        out.push(
            Finding::new(
                code,
                &w.file,
                w.span,
                format!(
                    "overlay key `{}` is read by nothing; the rules file reads `{read}`",
                    w.key
                ),
            )
            .label(format!("did you mean `{read}`?"))
            .help(format!(
                "did you mean `{read}`? ({}; the overlay adds `{}` and `{read}` keeps its recorded value)",
                kind.explain(),
                w.key
            )),
        );
    }
    out
}

/// A rules file reads an attribute nothing sets while a close key is set: the typo
/// routecheck exists to catch. A name with nothing close may be deliberately absent
/// (`set: false`), so only near misses are findings.
fn rule_read(
    r: &RuleRead,
    writers: &WriterIndex<'_>,
    overlay_only: &HashSet<&str>,
) -> Option<Finding> {
    use crate::suite::near::{self, Kind};
    let (key, kind) = writers.near.closest(&r.attribute)?;
    let w = writers.exact(key)?;
    // Only a case's own overlay sets the close key: the overlay, written to feed this
    // read, is the likelier typo, and `overlay_near_misses` reports it at the overlay key.
    if overlay_only.contains(key) {
        return None;
    }
    let code = match kind {
        Kind::Case => Code::CaseMismatch,
        Kind::Prefix => Code::PrefixMismatch,
        Kind::Typo => Code::UnsetAttribute,
    };
    Some(
        Finding::new(
            code,
            &r.file,
            r.span,
            format!(
                "{} reads attribute `{}`, which nothing sets; the {} sets `{key}`",
                r.role,
                r.attribute,
                place(w)
            ),
        )
        .label(format!("did you mean `{key}`?"))
        .help(near::help(&r.attribute, key, kind)),
    )
}

fn strip_prefix(k: &str) -> &str {
    let lower = k.to_ascii_lowercase();
    PREFIXES
        .iter()
        .find(|p| lower.starts_with(*p))
        .map_or(k, |p| &k[p.len()..])
}

/// Equal once a `custom.`/`system.`/`context.` prefix is dropped (any case), but not
/// equal as written.
fn unprefixed_eq(a: &str, b: &str) -> bool {
    let (sa, sb) = (strip_prefix(a), strip_prefix(b));
    (sa.len() != a.len() || sb.len() != b.len()) && sa.eq_ignore_ascii_case(sb)
}

/// Lowercase with `_`, `-`, `.` and spaces removed: `priorityTier` ~ `priority_tier`.
fn normalize(k: &str) -> String {
    strip_prefix(k)
        .chars()
        .filter(|c| !matches!(c, '_' | '-' | '.' | ' '))
        .flat_map(char::to_lowercase)
        .collect()
}

fn place(w: &Writer) -> String {
    let (l, c) = w.file.line_col(w.span.0);
    format!("{} {}:{l}:{c}", w.kind.noun(), w.file.name)
}

/// The writers, pre-normalised and bucketed once per run: every lookup below returns the
/// writer a scan of the list in order would (the first of equals), without comparing each
/// read with every writer key.
struct WriterIndex<'w> {
    writers: &'w [Writer],
    near: crate::suite::near::NearIndex<'w>,
    /// Exact key → first writer.
    exact: HashMap<&'w str, usize>,
    /// ASCII-lowercase key → first writer.
    lower: HashMap<String, usize>,
    /// ASCII-lowercase key without a prefix → writers, in order.
    unprefixed: HashMap<String, Vec<usize>>,
    /// Each writer's normalised key, and those keys indexed for near misses.
    normalized: Vec<String>,
    near_normalized: crate::diag::EditIndex,
    /// [`WriterIndex::nearest_normalized`]'s answers by read: a name a thousand flows
    /// read is searched for once.
    nearest: RefCell<HashMap<String, Option<usize>>>,
}

impl<'w> WriterIndex<'w> {
    fn new(writers: &'w [Writer]) -> Self {
        let mut ix = WriterIndex {
            writers,
            near: crate::suite::near::NearIndex::new(writers.iter().map(|w| w.key.as_str())),
            exact: HashMap::new(),
            lower: HashMap::new(),
            unprefixed: HashMap::new(),
            normalized: writers.iter().map(|w| normalize(&w.key)).collect(),
            near_normalized: Default::default(),
            nearest: RefCell::default(),
        };
        ix.near_normalized = crate::diag::EditIndex::new(ix.normalized.iter().map(String::as_str));
        for (i, w) in writers.iter().enumerate() {
            ix.exact.entry(w.key.as_str()).or_insert(i);
            ix.lower.entry(w.key.to_ascii_lowercase()).or_insert(i);
            ix.unprefixed
                .entry(strip_prefix(&w.key).to_ascii_lowercase())
                .or_default()
                .push(i);
        }
        ix
    }

    fn exact(&self, key: &str) -> Option<&'w Writer> {
        self.exact.get(key).map(|&i| &self.writers[i])
    }

    fn case_insensitive(&self, attr: &str) -> Option<&'w Writer> {
        self.lower
            .get(&attr.to_ascii_lowercase())
            .map(|&i| &self.writers[i])
    }

    fn unprefixed(&self, attr: &str) -> Option<&'w Writer> {
        self.unprefixed
            .get(&strip_prefix(attr).to_ascii_lowercase())?
            .iter()
            .map(|&i| &self.writers[i])
            .find(|w| unprefixed_eq(&w.key, attr))
    }

    /// The writer whose normalised key is nearest `attr`'s (within a third of its length,
    /// at least 2 edits; the first of equals). Keys too different to be within the limit
    /// are not compared.
    fn nearest_normalized(&self, attr: &str) -> Option<&'w Writer> {
        if let Some(&i) = self.nearest.borrow().get(attr) {
            return i.map(|i| &self.writers[i]);
        }
        let n = normalize(attr);
        let limit = (n.chars().count() / 3).max(2);
        let i = self.near_normalized.nearest(&n, limit).map(|(_, i)| i);
        self.nearest.borrow_mut().insert(attr.to_string(), i);
        i.map(|i| &self.writers[i])
    }
}

/// A read with no exact writer: a case or prefix mismatch, a near miss of a key that is
/// set (an error: the typo lint exists for), or an attribute nothing sets at all, which
/// may simply be optional: `guarded` (every use of its variable is under an `IsSet`/
/// `IsNotSetOrEmpty`/`If` guard, or defaulted) makes that info, else a warning.
fn unset(
    src: &SourceFile,
    read: &crate::flow::inspect::AttributeRead,
    guarded: bool,
    writers: &WriterIndex<'_>,
) -> Finding {
    let (span, attr, var) = (read.span, read.attribute.as_str(), read.variable.as_str());
    if let Some(w) = writers.case_insensitive(attr) {
        return Finding::new(
            Code::CaseMismatch,
            src,
            span,
            format!(
                "the flow reads attribute `{attr}` but the {} sets `{}`: the keys differ only in case",
                place(w),
                w.key
            ),
        )
        .label("case differs from the writer")
        .help(format!(
            "attribute names are case-sensitive: read `{}` here, or make the script send `{attr}`",
            w.key
        ));
    }
    if let Some(w) = writers.unprefixed(attr) {
        return Finding::new(
            Code::PrefixMismatch,
            src,
            span,
            format!(
                "the flow reads attribute `{attr}` but the {} sets `{}`: the keys differ by a prefix",
                place(w),
                w.key
            ),
        )
        .label("prefix differs from the writer")
        .help(format!(
            "participant attributes are a flat map and the prefix is part of the name: read `{}` here, or make the script send `{attr}`",
            w.key
        ));
    }
    let said = format!(
        "the flow reads attribute `{attr}` into `{var}`, but no manifest, overlay or fixture sets it"
    );
    if let Some(w) = writers.nearest_normalized(attr) {
        return Finding::new(Code::UnsetAttribute, src, span, said)
            .label("never set")
            .help(format!(
                "the nearest key that is set is `{}` ({}); attribute names must match exactly",
                w.key,
                place(w)
            ));
    }
    // Nothing close is set: an optional attribute, or one no manifest lists yet. How the
    // flow uses it says how much its absence matters.
    let (how, severity) = if guarded {
        (
            format!(
                "`{var}` is only read with an IsSet/IsNotSetOrEmpty guard or a default, so a missing value takes the flow's not-set path"
            ),
            crate::diag::Severity::Info,
        )
    } else {
        (
            format!(
                "`{var}` is used unguarded (no IsSet/IsNotSetOrEmpty check or default before it), so a missing value is NOT_SET where the flow uses it"
            ),
            crate::diag::Severity::Warning,
        )
    };
    let mut f =
        Finding::new(Code::UnsetAttribute, src, span, format!("{said}; {how}")).label(if guarded {
            "never set (guarded)"
        } else {
            "never set (unguarded)"
        });
    f.diagnostic.severity = severity;
    if writers.writers.is_empty() {
        f.help("list the attributes each script sends in a manifest (--manifest) so lint can check them")
    } else {
        f.help("no writer sets anything like it: add it to the script and its manifest if it is meant to be set, or stop reading it")
    }
}

/// `Flow.X` (or `Lower(Flow.X)`/`Upper(Flow.X)`) where `Flow.X` is bound to an attribute:
/// the attribute and the case transform applied.
fn bound_var<'a>(e: &Expr, bound: &'a HashMap<String, String>) -> Option<(&'a str, Option<bool>)> {
    if let Some((key, _)) = e.as_var() {
        return bound.get(key).map(|a| (a.as_str(), None));
    }
    let (f, _, [arg]) = e.as_call()? else {
        return None;
    };
    let upper = if f == &UPPER {
        true
    } else if f == &LOWER {
        false
    } else {
        return None;
    };
    let (key, _) = arg.as_var()?;
    bound.get(key).map(|a| (a.as_str(), Some(upper)))
}

fn string_lit(e: &Expr) -> Option<&str> {
    match &e.kind {
        Kind::Lit(Value::String(s)) => Some(s),
        _ => None,
    }
}

/// Walk every expression of the flow: literal and NOT_SET checks into `out`; returns
/// the bound variables (lowercase) some expression uses outside a guard.
fn expressions(
    flow: &crate::flow::Flow,
    bound: &HashMap<String, String>,
    produced: &Produced<'_>,
    out: &mut Vec<Finding>,
) -> BTreeSet<String> {
    let mut unguarded = BTreeSet::new();
    let src = flow.source();
    let lc = LiteralCheck { src, produced };
    let exprs = flow.expressions();
    // Variables defaulted by an Update Data statement computed under a guard.
    let mut defaulted: BTreeSet<String> = BTreeSet::new();
    for e in &exprs {
        if e.role == ExprRole::Assignment
            && let Some(var) = e.assigns
        {
            let key = var.to_ascii_lowercase();
            if bound.contains_key(&key) && guarded_vars(e.compiled.root()).contains(&key) {
                defaulted.insert(key);
            }
        }
    }
    for e in &exprs {
        let root = e.compiled.root();
        // Switch `exp:` cases compared with a bound subject.
        if e.role == ExprRole::SwitchCase
            && let Some(subject) = e.subject
            && let Some((attr, t)) = bound_var(subject.root(), bound)
            && let Some(lit) = string_lit(root)
        {
            lc.check(
                attr,
                t,
                lit,
                e.file_span(root.span.start, root.span.end),
                out,
            );
        }
        let mut guarded = guarded_vars(root);
        for c in &e.enclosing {
            guarded.extend(guarded_vars(c.root()));
        }
        guarded.extend(defaulted.iter().cloned());
        walk(root, &mut |x| {
            if let Some((key, _)) = x.as_var()
                && bound.contains_key(key)
                && !guarded.contains(key)
            {
                unguarded.insert(key.to_string());
            }
            if let Kind::Binary(op, a, b) = &x.kind {
                if matches!(op, BinOp::Eq | BinOp::Ne) {
                    for (v, l) in [(a, b), (b, a)] {
                        if let (Some((attr, t)), Some(lit)) = (bound_var(v, bound), string_lit(l)) {
                            lc.check(attr, t, lit, e.file_span(l.span.start, l.span.end), out);
                        }
                    }
                }
                let arith = matches!(
                    op,
                    BinOp::Add
                        | BinOp::Sub
                        | BinOp::Mul
                        | BinOp::Div
                        | BinOp::Mod
                        | BinOp::Pow
                        | BinOp::Lt
                        | BinOp::Le
                        | BinOp::Gt
                        | BinOp::Ge
                );
                if arith {
                    for v in [a, b] {
                        not_set(src, e, v, op.symbol(), bound, &guarded, out);
                    }
                }
            }
            if let Some((f, name, args)) = x.as_call()
                && (f == &TO_INT || f == &TO_DECIMAL)
                && let Some(v) = args.first()
            {
                not_set(src, e, v, name, bound, &guarded, out);
            }
        });
    }
    for s in flow.switch_literals() {
        if let Some((attr, t)) = bound_var(s.subject.root(), bound) {
            lc.check(attr, t, &s.literal, s.span, out);
        }
    }
    unguarded
}

fn not_set(
    src: &SourceFile,
    e: &FlowExpr<'_>,
    v: &Expr,
    op: &str,
    bound: &HashMap<String, String>,
    guarded: &BTreeSet<String>,
    out: &mut Vec<Finding>,
) {
    let Some((key, name)) = v.as_var() else {
        return;
    };
    let Some(attr) = bound.get(key) else {
        return;
    };
    if guarded.contains(key) {
        return;
    }
    let what = if op.chars().all(char::is_alphabetic) {
        format!("`{op}`")
    } else {
        format!("the `{op}` operator")
    };
    out.push(
        Finding::new(
            Code::NotSetArithmetic,
            src,
            e.file_span(v.span.start, v.span.end),
            format!("`{name}` holds attribute `{attr}`, which may be missing: {what} on NOT_SET is a runtime error (the flow's error handling)"),
        )
        .label("may be NOT_SET")
        .help(format!(
            "guard it: check IsNotSetOrEmpty({name}) in a decision first, or default it with If(IsNotSetOrEmpty({name}), \"0\", {name})"
        )),
    );
}

/// Variables the expression mentions inside `IsSet`, `IsNotSetOrEmpty` or an `If`
/// condition (lowercase keys).
fn guarded_vars(root: &Expr) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    walk(root, &mut |x| {
        if let Some((f, _, args)) = x.as_call() {
            let guard = [&IS_SET, &IS_NOT_SET_OR_EMPTY, &IF].contains(&f);
            if guard && let Some(a) = args.first() {
                walk(a, &mut |y| {
                    if let Some((key, _)) = y.as_var() {
                        out.insert(key.to_string());
                    }
                });
            }
        }
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_folds_case_and_separators() {
        assert_eq!(normalize("priorityTier"), normalize("priority_tier"));
        assert_eq!(normalize("custom.Priority-Tier"), "prioritytier");
    }

    #[test]
    fn prefixes_compare_unprefixed() {
        assert!(unprefixed_eq("custom.tier", "tier"));
        assert!(unprefixed_eq("Context.Tier", "tier"));
        assert!(!unprefixed_eq("tier", "tier"));
        assert!(!unprefixed_eq("custom.tier", "level"));
    }
}

#[cfg(test)]
mod expr_tests {
    use super::*;
    use crate::expr::{Scope, Type, compile};

    fn scope() -> Scope {
        let mut s = Scope::new();
        s.declare("Flow.Tier", Type::String).unwrap();
        s.declare("Flow.N", Type::String).unwrap();
        s
    }

    #[test]
    fn guards_are_found_in_isset_isnotsetorempty_and_if() {
        let c = compile("!IsNotSetOrEmpty(Flow.N) and ToInt(Flow.N) > 1", &scope()).unwrap();
        assert!(guarded_vars(c.root()).contains("flow.n"));
        let c = compile("If(IsSet(Flow.Tier), Flow.Tier, \"x\") == \"a\"", &scope()).unwrap();
        assert!(guarded_vars(c.root()).contains("flow.tier"));
        let c = compile("ToInt(Flow.N) > 1", &scope()).unwrap();
        assert!(guarded_vars(c.root()).is_empty());
    }

    #[test]
    fn bound_variables_through_lower_and_upper() {
        let bound: HashMap<String, String> = [("flow.tier".to_string(), "tier".to_string())].into();
        let c = compile("Upper(Flow.Tier)", &scope()).unwrap();
        assert_eq!(bound_var(c.root(), &bound), Some(("tier", Some(true))));
        let c = compile("Flow.Tier", &scope()).unwrap();
        assert_eq!(bound_var(c.root(), &bound), Some(("tier", None)));
        let c = compile("Trim(Flow.Tier)", &scope()).unwrap();
        assert_eq!(bound_var(c.root(), &bound), None);
    }
}
