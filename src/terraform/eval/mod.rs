//! Evaluation: module instances, their variables, locals, resources and outputs, each
//! computed once and on demand (so declaration order does not matter, as in Terraform),
//! expressions by hcl-rs with a context holding exactly the references each one makes.
//!
//! A value that cannot be known offline is carried as a sentinel string naming its
//! [`Unknown`] (private-use characters no configuration writes). A pure reference passes
//! it on unchanged, so a map with one unknown entry keeps its known ones; any other
//! expression that reads an unknown is unknown as a whole (Terraform's rule: an
//! operation on an unknown value is unknown), and is never evaluated with the sentinel.
//!
//! - this file: the instance and value types, [`evaluate`], the walk that collects every
//!   resource instance, and the unknown sentinels.
//! - `expr`: expressions, references and the steps applied to a value.
//! - `module`: locals, outputs, child module instances and their variables, repetition
//!   (`count`/`for_each`), and each resource evaluated once.
//! - `resource`: one resource block's instances.
// Errors are located diagnostics built once per failed evaluation; boxing them would
// only move the allocation.
#![allow(clippy::result_large_err)]

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;
use std::sync::Arc;

use hcl::Value;

use crate::diag::SourceDiagnostic;
use crate::terraform::address::InstanceKey;
use crate::terraform::load::{Loc, Tree};
use crate::terraform::model::{
    Config, Origin, OriginKind, Resource, TfValue, Unknown, UnknownKind,
};
use crate::terraform::vars::RootValues;

mod expr;
mod module;
mod resource;

const MARK: char = '\u{F8FF}';

type R<T> = Result<T, SourceDiagnostic>;

/// A value and where it came from.
#[derive(Debug, Clone)]
pub(super) struct V {
    pub v: Value,
    pub origin: Origin,
}

/// `each` and `count` of the instance being evaluated.
#[derive(Debug, Clone, Default)]
pub(super) struct Bind {
    pub each: Option<(Value, Value)>,
    pub count: Option<u64>,
    /// `dynamic` block iterators in scope, innermost last: name, key, value.
    pub iters: Vec<(String, Value, Value)>,
}

enum Slot<T> {
    Busy,
    Done(T),
}

/// One module instance.
pub(super) struct Inst {
    pub(super) decl: usize,
    pub(super) path: Vec<(String, Option<InstanceKey>)>,
    vars: BTreeMap<String, V>,
    locals: RefCell<HashMap<String, Slot<V>>>,
    outputs: RefCell<HashMap<String, Slot<V>>>,
    resources: RefCell<HashMap<usize, Slot<Rc<ResVal>>>>,
    children: RefCell<HashMap<usize, Slot<Rc<Children>>>>,
}

/// A resource's value as references see it, and its instances for the model.
pub(super) struct ResVal {
    pub(super) value: Value,
    pub(super) instances: Vec<Resource>,
}

enum Children {
    /// Not followed: a remote module (or unknown `count`/`for_each`), as this sentinel.
    Unknown(Value),
    One(Rc<Inst>),
    Count(Vec<Rc<Inst>>),
    Each(Vec<(String, Rc<Inst>)>),
}

pub(super) struct Ev<'t> {
    tree: &'t Tree,
    unknowns: RefCell<Vec<Arc<Unknown>>>,
    by_address: RefCell<HashMap<String, usize>>,
}

/// Evaluate every module instance and resource of `tree`.
pub fn evaluate(tree: &Tree, root_vars: RootValues) -> Result<Config, Vec<SourceDiagnostic>> {
    let _base = crate::terraform::functions::set_base(&tree.root);
    let ev = Ev {
        tree,
        unknowns: RefCell::default(),
        by_address: RefCell::default(),
    };
    let root_decl = &tree.modules[0];
    let mut vars = BTreeMap::new();
    for decl in &root_decl.variables {
        let v = match root_vars.get(&decl.name) {
            Some((v, origin)) => V {
                v: v.clone(),
                origin: origin.clone(),
            },
            None => match &decl.default {
                Some(d) => ev.default_value(d).map_err(|e| vec![e])?,
                None => V {
                    v: ev.unknown(
                        format!("var.{}", decl.name),
                        UnknownKind::RequiredVariable,
                        &decl.loc,
                        format!(
                            "give it in terraform.tfvars, a *.auto.tfvars file, `--tf-var-file FILE`, TF_VAR_{0} or `--tf-var {0}=VALUE` (or routecheck.yaml `terraform: vars:`)",
                            decl.name
                        ),
                    ),
                    origin: Origin::new(OriginKind::Default, decl.loc.line()),
                },
            },
        };
        vars.insert(decl.name.clone(), v);
    }
    let root = Rc::new(Inst::new(0, Vec::new(), vars));
    let mut resources = Vec::new();
    let mut errors = Vec::new();
    ev.collect(&root, &mut resources, &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    let unknowns = ev.unknowns.borrow().clone();
    let resources = resources
        .into_iter()
        .map(|mut r| {
            for v in r.attrs.values_mut() {
                ev.resolve_marks(v);
            }
            r
        })
        .collect();
    Ok(Config {
        root: tree.root.clone(),
        resources,
        unknowns,
        plan: None,
    })
}

impl Inst {
    fn new(
        decl: usize,
        path: Vec<(String, Option<InstanceKey>)>,
        vars: BTreeMap<String, V>,
    ) -> Self {
        Inst {
            decl,
            path,
            vars,
            locals: RefCell::default(),
            outputs: RefCell::default(),
            resources: RefCell::default(),
            children: RefCell::default(),
        }
    }
}

impl<'t> Ev<'t> {
    /// Every resource instance of `inst` and its descendants, in declaration order.
    fn collect(
        &self,
        inst: &Rc<Inst>,
        out: &mut Vec<Resource>,
        errors: &mut Vec<SourceDiagnostic>,
    ) {
        let decl = &self.tree.modules[inst.decl];
        for i in 0..decl.resources.len() {
            match self.resource(inst, i) {
                Ok(r) => out.extend(r.instances.iter().cloned()),
                Err(e) => errors.push(e),
            }
        }
        // Outputs are evaluated for their errors even when nothing reads them.
        for name in decl.outputs.keys() {
            if let Err(e) = self.output(inst, name) {
                errors.push(e);
            }
        }
        for i in 0..decl.modules.len() {
            match self.children(inst, i) {
                Ok(c) => match &*c {
                    Children::Unknown(_) => {}
                    Children::One(c) => self.collect(c, out, errors),
                    Children::Count(v) => v.iter().for_each(|c| self.collect(c, out, errors)),
                    Children::Each(v) => v.iter().for_each(|(_, c)| self.collect(c, out, errors)),
                },
                Err(e) => errors.push(e),
            }
        }
    }

    // ---- unknowns -------------------------------------------------------------------

    /// The sentinel of the unknown at `address`, registered once.
    pub(super) fn unknown(
        &self,
        address: String,
        kind: UnknownKind,
        loc: &Loc,
        help: String,
    ) -> Value {
        let mut by = self.by_address.borrow_mut();
        let id = *by.entry(address.clone()).or_insert_with(|| {
            let mut u = self.unknowns.borrow_mut();
            u.push(Arc::new(Unknown {
                address,
                kind,
                at: loc.line(),
                help,
            }));
            u.len() - 1
        });
        Value::String(format!("{MARK}{id}{MARK}"))
    }

    /// [`Self::first_unknown`], for the other evaluation files.
    pub(super) fn first_unknown_of(v: &Value) -> Option<Value> {
        Self::first_unknown(v)
    }

    /// The first unknown inside `v`, as its sentinel.
    fn first_unknown(v: &Value) -> Option<Value> {
        match v {
            Value::String(s) => {
                let start = s.find(MARK)?;
                let rest = &s[start + MARK.len_utf8()..];
                let end = rest.find(MARK)?;
                Some(Value::String(format!("{MARK}{}{MARK}", &rest[..end])))
            }
            Value::Array(a) => a.iter().find_map(Self::first_unknown),
            Value::Object(o) => o.values().find_map(Self::first_unknown),
            _ => None,
        }
    }

    fn unknown_of(&self, s: &str) -> Option<Arc<Unknown>> {
        let inner = s.strip_prefix(MARK)?.strip_suffix(MARK)?;
        let id: usize = inner.parse().ok()?;
        self.unknowns.borrow().get(id).cloned()
    }

    /// Sentinels in a model value replaced by the unknowns they name.
    fn resolve_marks(&self, v: &mut TfValue) {
        match v {
            TfValue::String(s) if s.contains(MARK) => {
                let u = self.unknown_of(s).or_else(|| {
                    Self::first_unknown(&Value::String(s.clone()))
                        .and_then(|m| m.as_str().and_then(|m| self.unknown_of(m)))
                });
                if let Some(u) = u {
                    *v = TfValue::Unknown(u);
                }
            }
            TfValue::List(l) => l.iter_mut().for_each(|v| self.resolve_marks(v)),
            TfValue::Map(m) => m.values_mut().for_each(|v| self.resolve_marks(v)),
            _ => {}
        }
    }
}

/// How many instances a block has.
pub(super) enum Rep {
    One,
    Count(u64),
    Each(Vec<(String, Value)>),
    Unknown(Value),
}

/// `module.a.` for an instance path (empty for the root), to prefix addresses.
fn prefix(path: &[(String, Option<InstanceKey>)]) -> String {
    let p = crate::terraform::address::module_path(path);
    if p.is_empty() { p } else { format!("{p}.") }
}

impl<'t> Ev<'t> {
    pub(super) fn tree(&self) -> &'t Tree {
        self.tree
    }
}
