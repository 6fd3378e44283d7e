//! The unknown-literal check: a condition compares an attribute with a string no writer
//! produces. What the writers of an attribute produce (under `Lower`/`Upper` or as sent)
//! is gathered once per attribute and transform and shared by every comparison in every
//! flow: thousands of flows comparing one attribute that thousands of manifests set
//! would otherwise gather the same values once per comparison (flows × manifests).

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;

use crate::diag::SourceFile;

use super::loaded::Writer;
use super::{Code, Finding};

/// Values shown in a finding's help before `…`.
const SHOWN: usize = 8;

/// What the writers of one attribute produce, under one transform.
struct Values {
    set: BTreeSet<String>,
    /// ASCII-lowercase value → the first value (in `set` order) equal to it ignoring case.
    folded: HashMap<String, String>,
    /// The help's list: the first values, quoted, and `…` when there are more.
    listed: String,
}

impl Values {
    fn new(set: BTreeSet<String>) -> Values {
        let mut folded = HashMap::new();
        for v in &set {
            folded
                .entry(v.to_ascii_lowercase())
                .or_insert_with(|| v.clone());
        }
        let shown: Vec<String> = set.iter().take(SHOWN).map(|v| format!("\"{v}\"")).collect();
        let more = if set.len() > SHOWN { ", …" } else { "" };
        Values {
            listed: format!("{}{more}", shown.join(", ")),
            set,
            folded,
        }
    }
}

/// `None` for "as sent", `Some(true)` for `Upper(...)`, `Some(false)` for `Lower(...)`.
type Transform = Option<bool>;

/// What an attribute's writers produce under a transform; `None` when some writer's
/// values are not known.
type Memo<'a> = HashMap<(&'a str, Transform), Option<Rc<Values>>>;

/// The writers by key, and what they produce, gathered on first use.
pub struct Produced<'a> {
    by_key: &'a BTreeMap<&'a str, Vec<&'a Writer>>,
    memo: RefCell<Memo<'a>>,
}

impl<'a> Produced<'a> {
    /// Over the writers grouped by key.
    pub fn new(by_key: &'a BTreeMap<&'a str, Vec<&'a Writer>>) -> Self {
        Produced {
            by_key,
            memo: RefCell::default(),
        }
    }

    /// The values writers produce for `attr` under `transform`, if every writer's are
    /// known.
    fn values(&self, attr: &str, transform: Transform) -> Option<Rc<Values>> {
        let (&key, writers) = self.by_key.get_key_value(attr)?;
        if let Some(v) = self.memo.borrow().get(&(key, transform)) {
            return v.clone();
        }
        let gathered = (|| {
            let mut set = BTreeSet::new();
            for w in writers {
                set.extend(w.values.as_ref()?.iter().map(|v| match transform {
                    Some(true) => v.to_uppercase(),
                    Some(false) => v.to_lowercase(),
                    None => v.clone(),
                }));
            }
            Some(Rc::new(Values::new(set)))
        })();
        self.memo
            .borrow_mut()
            .insert((key, transform), gathered.clone());
        gathered
    }
}

/// The check, for the comparisons of one flow.
pub struct LiteralCheck<'a, 'p> {
    /// The flow's file.
    pub src: &'a SourceFile,
    /// The run's writers.
    pub produced: &'a Produced<'p>,
}

impl LiteralCheck<'_, '_> {
    /// Report `lit` at `span` when the writers of `attr` are all known and none produces
    /// it (after `transform`).
    pub fn check(
        &self,
        attr: &str,
        transform: Transform,
        lit: &str,
        span: (usize, usize),
        out: &mut Vec<Finding>,
    ) {
        let Some(values) = self.produced.values(attr, transform) else {
            return;
        };
        if values.set.contains(lit) {
            return;
        }
        let help = match values.folded.get(&lit.to_ascii_lowercase()) {
            Some(v) => format!(
                "writers send \"{v}\": comparisons are case-sensitive (compare Lower(...) with a lowercase literal, or fix the literal)"
            ),
            None => format!("writers of `{attr}` send {}", values.listed),
        };
        out.push(
            Finding::new(
                Code::UnknownLiteral,
                self.src,
                span,
                format!("attribute `{attr}` is compared with \"{lit}\", a value no manifest, overlay or fixture produces"),
            )
            .label("never produced")
            .help(help),
        );
    }
}
