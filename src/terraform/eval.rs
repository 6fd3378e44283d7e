//! Evaluation: module instances, their variables, locals, resources and outputs, each
//! computed once and on demand (so declaration order does not matter, as in Terraform),
//! expressions by hcl-rs with a context holding exactly the references each one makes.
//!
//! A value that cannot be known offline is carried as a sentinel string naming its
//! [`Unknown`] (private-use characters no configuration writes). A pure reference passes
//! it on unchanged, so a map with one unknown entry keeps its known ones; any other
//! expression that reads an unknown is unknown as a whole (Terraform's rule: an
//! operation on an unknown value is unknown), and is never evaluated with the sentinel.
// Errors are located diagnostics built once per failed evaluation; boxing them would
// only move the allocation.
#![allow(clippy::result_large_err)]

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;
use std::sync::Arc;

use hcl::Value;

use super::address::InstanceKey;
use super::load::{Expr, Key, Loc, ModuleCall, Node, ResourceDecl, Tree};
use super::model::{Config, Origin, OriginKind, Resource, TfValue, Unknown, UnknownKind};
use super::refs::{self, Ref, Step};
use super::vars::RootValues;
use crate::diag::SourceDiagnostic;

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
    let _base = super::functions::set_base(&tree.root);
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

    // ---- expressions ----------------------------------------------------------------

    fn default_value(&self, d: &Expr) -> R<V> {
        // A default is a constant: no references (Terraform rejects them).
        let root = Rc::new(Inst::new(0, Vec::new(), BTreeMap::new()));
        let mut v = self.expr(&root, d, &Bind::default())?;
        v.origin = Origin::new(OriginKind::Default, d.loc.line());
        Ok(v)
    }

    pub(super) fn expr(&self, inst: &Rc<Inst>, e: &Expr, b: &Bind) -> R<V> {
        let literal = || Origin::new(OriginKind::Literal, e.loc.line());
        match &e.node {
            Node::Object(entries) => {
                let mut m = hcl::Map::new();
                for (k, v) in entries {
                    let key = match k {
                        Key::Ident(i) => i.clone(),
                        Key::Expr(x) => {
                            let kv = self.leaf(inst, x, &e.loc, b)?;
                            match kv.v {
                                Value::String(s) if !s.contains(MARK) => s,
                                Value::Number(n) => n.to_string(),
                                Value::Bool(b) => b.to_string(),
                                other => match Self::first_unknown(&other) {
                                    Some(u) => {
                                        return Ok(V {
                                            v: u,
                                            origin: literal(),
                                        });
                                    }
                                    None => {
                                        return Err(e.loc.error(format!(
                                            "an object key must be a string, not {other}"
                                        )));
                                    }
                                },
                            }
                        }
                    };
                    m.insert(key, self.expr(inst, v, b)?.v);
                }
                Ok(V {
                    v: Value::Object(m),
                    origin: literal(),
                })
            }
            Node::Array(items) => {
                let v = items
                    .iter()
                    .map(|i| self.expr(inst, i, b).map(|v| v.v))
                    .collect::<R<Vec<_>>>()?;
                Ok(V {
                    v: Value::Array(v),
                    origin: literal(),
                })
            }
            Node::Cond(c) => {
                let (cond, yes, no) = &**c;
                let cv = self.expr(inst, cond, b)?;
                if let Some(u) = Self::first_unknown(&cv.v) {
                    return Ok(V {
                        v: u,
                        origin: literal(),
                    });
                }
                match cv.v {
                    Value::Bool(true) => self.expr(inst, yes, b),
                    Value::Bool(false) => self.expr(inst, no, b),
                    other => Err(cond
                        .loc
                        .error(format!("a condition must be a bool, not {other}"))),
                }
            }
            Node::Leaf(x) => self.leaf(inst, x, &e.loc, b),
        }
    }

    /// An expression hcl-rs evaluates, with a context of exactly the references it makes.
    fn leaf(&self, inst: &Rc<Inst>, x: &hcl::Expression, loc: &Loc, b: &Bind) -> R<V> {
        let found = refs::collect(x);
        let mut ctx = super::functions::context();
        let mut roots: BTreeMap<String, Value> = BTreeMap::new();
        let mut unknown = None;
        let mut single = None;
        for r in &found {
            let v = match r {
                Ref::Path(r) => self.reference(inst, r, loc, b)?,
                Ref::Impure(name) => V {
                    v: self.unknown(
                        format!("{name}()"),
                        UnknownKind::Function,
                        loc,
                        format!("`{name}()` changes on every run; give the value the flow needs under `vars:`"),
                    ),
                    origin: Origin::new(OriginKind::Literal, loc.line()),
                },
            };
            if unknown.is_none() {
                unknown = Self::first_unknown(&v.v);
            }
            if let Ref::Path(r) = r {
                insert(
                    roots.entry(r.root.clone()).or_insert(Value::Null),
                    &r.steps,
                    v.v.clone(),
                );
                if refs::is_exactly(x, r) {
                    single = Some(v);
                }
            }
        }
        if let Some(v) = single {
            // A pure reference: its value, unknown leaves and all, and its origin.
            return Ok(v);
        }
        let origin = Origin::new(OriginKind::Literal, loc.line());
        if let Some(u) = unknown {
            return Ok(V { v: u, origin });
        }
        for (root, v) in roots {
            ctx.declare_var(root, v);
        }
        match hcl::eval::Evaluate::evaluate(x, &ctx) {
            Ok(v) => Ok(V { v, origin }),
            Err(err) => Err(loc.error(format!("cannot evaluate `{x}`: {}", err.kind()))),
        }
    }

    /// The value of one reference (`var.x`, `module.m.out`, `TYPE.NAME[0].attr`).
    fn reference(&self, inst: &Rc<Inst>, r: &refs::Path, loc: &Loc, b: &Bind) -> R<V> {
        let decl = &self.tree.modules[inst.decl];
        let lit = |v: Value| V {
            v,
            origin: Origin::new(OriginKind::Literal, loc.line()),
        };
        let attr = |i: usize| match r.steps.get(i) {
            Some(Step::Attr(a)) => Some(a.as_str()),
            _ => None,
        };
        let undeclared = |what: String| Err(loc.error(format!("reference to undeclared {what}")));
        if let Some((_, k, v)) = b.iters.iter().rev().find(|(n, _, _)| *n == r.root) {
            return match attr(0) {
                Some("key") => walk(lit(k.clone()), &r.steps[1..], loc),
                Some("value") => walk(lit(v.clone()), &r.steps[1..], loc),
                _ => Err(loc.error(format!(
                    "the `dynamic` iterator `{}` has only `key` and `value`",
                    r.root
                ))),
            };
        }
        let (base, used) = match r.root.as_str() {
            "var" => {
                let Some(name) = attr(0) else {
                    return Err(loc.error("`var` must be followed by a variable name"));
                };
                let Some(v) = inst.vars.get(name) else {
                    return undeclared(format!("variable `var.{name}`"));
                };
                let mut v = v.clone();
                v.origin.via.get_or_insert_with(|| format!("var.{name}"));
                (v, 1)
            }
            "local" => {
                let Some(name) = attr(0) else {
                    return Err(loc.error("`local` must be followed by a name"));
                };
                if !decl.locals.contains_key(name) {
                    return undeclared(format!("local value `local.{name}`"));
                }
                (self.local(inst, name)?, 1)
            }
            "path" => match attr(0) {
                Some("module") => (lit(Value::String(decl.rel.clone())), 1),
                Some("root") => (lit(Value::String(".".into())), 1),
                Some("cwd") => (lit(Value::String(self.tree.root.display().to_string())), 1),
                _ => return Err(loc.error("`path` has only `module`, `root` and `cwd`")),
            },
            "terraform" => match attr(0) {
                Some("workspace") => (lit(Value::String(workspace(&self.tree.root))), 1),
                _ => return Err(loc.error("`terraform` has only `workspace` here")),
            },
            "each" => match (&b.each, attr(0)) {
                (Some((k, _)), Some("key")) => (lit(k.clone()), 1),
                (Some((_, v)), Some("value")) => (lit(v.clone()), 1),
                _ => return Err(loc.error("`each` is only available in a block with `for_each`")),
            },
            "count" => match (b.count, attr(0)) {
                (Some(i), Some("index")) => (lit(Value::from(i)), 1),
                _ => {
                    return Err(
                        loc.error("`count.index` is only available in a block with `count`")
                    );
                }
            },
            "module" => {
                let Some(name) = attr(0) else {
                    return Err(loc.error("`module` must be followed by a name"));
                };
                let Some(ci) = decl.modules.iter().position(|m| m.name == name) else {
                    return undeclared(format!("module `module.{name}`"));
                };
                return self.module_ref(inst, ci, &r.steps[1..], loc);
            }
            "data" => {
                let (Some(kind), Some(name)) = (attr(0), attr(1)) else {
                    return Err(loc.error("`data` must be followed by a type and a name"));
                };
                let Some(d) = decl
                    .resources
                    .iter()
                    .find(|d| d.data && d.kind == kind && d.name == name)
                else {
                    return undeclared(format!("data source `data.{kind}.{name}`"));
                };
                let address = format!("{}data.{kind}.{name}", prefix(&inst.path));
                let u = self.unknown(
                    address,
                    UnknownKind::DataSource,
                    &d.loc,
                    "a data source is read from Genesys Cloud at plan time: give the value the flow needs under `vars:`, or read a plan with `--tf-plan`".into(),
                );
                return Ok(lit(u));
            }
            "self" => {
                return Err(loc.error(
                    "`self` is only available in provisioners, which routecheck does not read",
                ));
            }
            kind => {
                let Some(name) = attr(0) else {
                    return undeclared(format!("name `{kind}`"));
                };
                let Some(ri) = decl
                    .resources
                    .iter()
                    .position(|d| !d.data && d.kind == kind && d.name == name)
                else {
                    return undeclared(format!("resource `{kind}.{name}`"));
                };
                let rv = self.resource(inst, ri)?;
                let d = &decl.resources[ri];
                return self.walk_resource(inst, d, &rv.value, &r.steps[1..], loc);
            }
        };
        walk(base, &r.steps[used..], loc)
    }

    /// `TYPE.NAME…` after the name: the instance (by key when counted), then its
    /// attribute; an attribute the configuration does not set is known only after apply.
    fn walk_resource(
        &self,
        inst: &Inst,
        d: &ResourceDecl,
        value: &Value,
        steps: &[Step],
        loc: &Loc,
    ) -> R<V> {
        let origin = Origin::new(OriginKind::Resource, d.loc.line());
        let counted = d.count.is_some() || d.for_each.is_some();
        let (mut v, rest) = match (counted, steps.first()) {
            (true, Some(Step::Index(k))) => (index(value, k).cloned(), &steps[1..]),
            (true, _) => (Some(value.clone()), steps),
            (false, _) => (Some(value.clone()), steps),
        };
        if v.as_ref()
            .is_some_and(|v| Self::first_unknown(v).is_some() && !v.is_object())
        {
            return Ok(V {
                v: v.unwrap_or(Value::Null),
                origin,
            });
        }
        let mut rest = rest;
        if let (Some(Value::Object(o)), Some(Step::Attr(a))) = (&v, rest.first()) {
            v = match o.get(a) {
                Some(x) => Some(x.clone()),
                None => {
                    let address = format!("{}{}.{}.{a}", prefix(&inst.path), d.kind, d.name);
                    let u = self.unknown(
                        address,
                        UnknownKind::ResourceAttribute,
                        &d.loc,
                        "an attribute the configuration does not set is known only after apply: give the value the flow needs under `vars:`, or read a plan with `--tf-plan`".into(),
                    );
                    return Ok(V { v: u, origin });
                }
            };
            rest = &rest[1..];
        }
        match v {
            Some(v) => walk(V { v, origin }, rest, loc),
            None => Err(loc.error(format!(
                "`{}.{}` has no instance {}",
                d.kind,
                d.name,
                steps_text(steps)
            ))),
        }
    }

    fn local(&self, inst: &Rc<Inst>, name: &str) -> R<V> {
        match inst.locals.borrow().get(name) {
            Some(Slot::Done(v)) => return Ok(v.clone()),
            Some(Slot::Busy) => {
                let e = &self.tree.modules[inst.decl].locals[name];
                return Err(e
                    .loc
                    .error(format!("`local.{name}` refers to itself (a cycle)")));
            }
            None => {}
        }
        inst.locals
            .borrow_mut()
            .insert(name.to_string(), Slot::Busy);
        let e = &self.tree.modules[inst.decl].locals[name];
        let result = self.expr(inst, e, &Bind::default());
        let v = match result {
            Ok(mut v) => {
                let from = v.origin.clone();
                v.origin = Origin {
                    kind: OriginKind::Local,
                    at: e.loc.line(),
                    via: Some(format!("local.{name}")),
                    from: (from.kind != OriginKind::Literal).then(|| Box::new(from)),
                };
                v
            }
            Err(err) => {
                inst.locals.borrow_mut().remove(name);
                return Err(err);
            }
        };
        inst.locals
            .borrow_mut()
            .insert(name.to_string(), Slot::Done(v.clone()));
        Ok(v)
    }

    fn output(&self, inst: &Rc<Inst>, name: &str) -> R<V> {
        match inst.outputs.borrow().get(name) {
            Some(Slot::Done(v)) => return Ok(v.clone()),
            Some(Slot::Busy) => {
                let e = &self.tree.modules[inst.decl].outputs[name];
                return Err(e
                    .loc
                    .error(format!("output `{name}` refers to itself (a cycle)")));
            }
            None => {}
        }
        inst.outputs
            .borrow_mut()
            .insert(name.to_string(), Slot::Busy);
        let e = &self.tree.modules[inst.decl].outputs[name];
        let mut v = match self.expr(inst, e, &Bind::default()) {
            Ok(v) => v,
            Err(err) => {
                inst.outputs.borrow_mut().remove(name);
                return Err(err);
            }
        };
        let from = v.origin.clone();
        v.origin = Origin {
            kind: OriginKind::ModuleOutput,
            at: e.loc.line(),
            via: Some(format!("{}output.{name}", prefix(&inst.path))),
            from: (from.kind != OriginKind::Literal).then(|| Box::new(from)),
        };
        inst.outputs
            .borrow_mut()
            .insert(name.to_string(), Slot::Done(v.clone()));
        Ok(v)
    }

    /// `module.NAME…`: the instance (by key when counted), then an output.
    fn module_ref(&self, inst: &Rc<Inst>, ci: usize, steps: &[Step], loc: &Loc) -> R<V> {
        let children = self.children(inst, ci)?;
        let origin = || Origin::new(OriginKind::ModuleOutput, loc.line());
        let (child, rest) = match (&*children, steps.first()) {
            (Children::Unknown(u), _) => return Ok(V { v: u.clone(), origin: origin() }),
            (Children::One(c), _) => (c.clone(), steps),
            (Children::Count(v), Some(Step::Index(Value::Number(n)))) => {
                match n.as_u64().and_then(|i| v.get(i as usize)) {
                    Some(c) => (c.clone(), &steps[1..]),
                    None => return Err(loc.error(format!("module instance [{n}] does not exist"))),
                }
            }
            (Children::Each(v), Some(Step::Index(Value::String(k)))) => match v.iter().find(|(kk, _)| kk == k) {
                Some((_, c)) => (c.clone(), &steps[1..]),
                None => return Err(loc.error(format!("module instance [\"{k}\"] does not exist"))),
            },
            (Children::Count(v), None) => {
                let outs = v.iter().map(|c| self.all_outputs(c)).collect::<R<Vec<_>>>()?;
                return Ok(V { v: Value::Array(outs), origin: origin() });
            }
            (Children::Each(v), None) => {
                let mut m = hcl::Map::new();
                for (k, c) in v {
                    m.insert(k.clone(), self.all_outputs(c)?);
                }
                return Ok(V { v: Value::Object(m), origin: origin() });
            }
            _ => return Err(loc.error("a module with `count` or `for_each` is read by instance: `module.NAME[KEY].OUTPUT`")),
        };
        match rest.first() {
            Some(Step::Attr(out)) => {
                if !self.tree.modules[child.decl].outputs.contains_key(out) {
                    return Err(loc.error(format!("the module has no output `{out}`")));
                }
                let v = self.output(&child, out)?;
                walk(v, &rest[1..], loc)
            }
            None => Ok(V {
                v: self.all_outputs(&child)?,
                origin: origin(),
            }),
            Some(_) => Err(loc.error("a module's outputs are read by name")),
        }
    }

    fn all_outputs(&self, inst: &Rc<Inst>) -> R<Value> {
        let mut m = hcl::Map::new();
        for name in self.tree.modules[inst.decl].outputs.keys() {
            m.insert(name.clone(), self.output(inst, name)?.v);
        }
        Ok(Value::Object(m))
    }

    /// The instances of module call `ci` of `inst`, made once.
    fn children(&self, inst: &Rc<Inst>, ci: usize) -> R<Rc<Children>> {
        let call = &self.tree.modules[inst.decl].modules[ci];
        match inst.children.borrow().get(&ci) {
            Some(Slot::Done(c)) => return Ok(c.clone()),
            Some(Slot::Busy) => {
                return Err(call.loc.error(format!(
                    "module `{}` depends on itself (a cycle)",
                    call.name
                )));
            }
            None => {}
        }
        inst.children.borrow_mut().insert(ci, Slot::Busy);
        let made = self.make_children(inst, call);
        match &made {
            Ok(c) => inst.children.borrow_mut().insert(ci, Slot::Done(c.clone())),
            Err(_) => inst.children.borrow_mut().remove(&ci),
        };
        made
    }

    fn make_children(&self, inst: &Rc<Inst>, call: &ModuleCall) -> R<Rc<Children>> {
        let mut path = inst.path.clone();
        let address = format!("{}module.{}", prefix(&inst.path), call.name);
        let Some(child) = call.child else {
            let u = self.unknown(
                address,
                UnknownKind::RemoteModule,
                &call.loc,
                format!(
                    "`source = \"{}\"` is not a local path and `terraform init` has not installed it (.terraform/modules/modules.json): run `terraform init` (the installed module is then read as a local one), give the values the flows need under `vars:`, or read a plan with `--tf-plan`",
                    call.source
                ),
            );
            return Ok(Rc::new(Children::Unknown(u)));
        };
        let make = |key: Option<InstanceKey>,
                    b: &Bind,
                    path: &mut Vec<(String, Option<InstanceKey>)>|
         -> R<Rc<Inst>> {
            path.push((call.name.clone(), key));
            let vars = self.module_vars(inst, call, child, b, path)?;
            let p = path.clone();
            path.pop();
            Ok(Rc::new(Inst::new(child, p, vars)))
        };
        match self.repetition(
            inst,
            call.count.as_ref(),
            call.for_each.as_ref(),
            &address,
            &call.loc,
        )? {
            Rep::One => Ok(Rc::new(Children::One(make(
                None,
                &Bind::default(),
                &mut path,
            )?))),
            Rep::Unknown(u) => Ok(Rc::new(Children::Unknown(u))),
            Rep::Count(n) => {
                let v = (0..n)
                    .map(|i| {
                        make(
                            Some(InstanceKey::Int(i)),
                            &Bind {
                                count: Some(i),
                                ..Bind::default()
                            },
                            &mut path,
                        )
                    })
                    .collect::<R<Vec<_>>>()?;
                Ok(Rc::new(Children::Count(v)))
            }
            Rep::Each(items) => {
                let mut v = Vec::new();
                for (k, val) in items {
                    let b = Bind {
                        each: Some((Value::String(k.clone()), val)),
                        ..Bind::default()
                    };
                    v.push((k.clone(), make(Some(InstanceKey::Str(k)), &b, &mut path)?));
                }
                Ok(Rc::new(Children::Each(v)))
            }
        }
    }

    /// A child instance's variables: the module block's arguments (evaluated in the
    /// caller), else the child's defaults; one it leaves unset is unknown.
    fn module_vars(
        &self,
        inst: &Rc<Inst>,
        call: &ModuleCall,
        child: usize,
        b: &Bind,
        path: &[(String, Option<InstanceKey>)],
    ) -> R<BTreeMap<String, V>> {
        let decl = &self.tree.modules[child];
        for (k, e) in &call.args {
            if !decl.variables.iter().any(|v| &v.name == k) {
                let close = crate::diag::closest(k, decl.variables.iter().map(|v| v.name.as_str()))
                    .map(|c| format!("; did you mean `{c}`?"))
                    .unwrap_or_default();
                return Err(e.loc.error(format!(
                    "module `{}` declares no variable `{k}`{close}",
                    call.name
                )));
            }
        }
        let mut vars = BTreeMap::new();
        for var in &decl.variables {
            let v = match call.args.iter().find(|(k, _)| k == &var.name) {
                Some((_, e)) => {
                    let mut v = self.expr(inst, e, b)?;
                    if let Some(ty) = &var.type_expr
                        && Self::first_unknown(&v.v).is_none()
                    {
                        v.v = super::vars::convert(v.v, ty)
                            .map_err(|m| e.loc.error(format!("variable `{}`: {m}", var.name)))?;
                    }
                    let from = v.origin.clone();
                    V {
                        v: v.v,
                        origin: Origin {
                            kind: OriginKind::ModuleArgument,
                            at: e.loc.line(),
                            via: Some(format!(
                                "{}.var.{}",
                                super::address::module_path(path),
                                var.name
                            )),
                            from: (from.kind != OriginKind::Literal).then(|| Box::new(from)),
                        },
                    }
                }
                None => match &var.default {
                    Some(d) => self.default_value(d)?,
                    None => V {
                        v: self.unknown(
                            format!("{}.var.{}", super::address::module_path(path), var.name),
                            UnknownKind::MissingModuleArgument,
                            &call.loc,
                            format!(
                                "Terraform requires it: set `{} = …` in this module block",
                                var.name
                            ),
                        ),
                        origin: Origin::new(OriginKind::Default, var.loc.line()),
                    },
                },
            };
            vars.insert(var.name.clone(), v);
        }
        Ok(vars)
    }

    /// `count` or `for_each` of a block, evaluated.
    pub(super) fn repetition(
        &self,
        inst: &Rc<Inst>,
        count: Option<&Expr>,
        for_each: Option<&Expr>,
        address: &str,
        loc: &Loc,
    ) -> R<Rep> {
        let unknown_rep = |u: Value| -> R<Rep> {
            // The instances themselves cannot be known: the unknown is the reason.
            let _ = address;
            Ok(Rep::Unknown(u))
        };
        if let Some(c) = count {
            let v = self.expr(inst, c, &Bind::default())?;
            if let Some(u) = Self::first_unknown(&v.v) {
                return unknown_rep(u);
            }
            return match v.v {
                Value::Number(n) if n.as_u64().is_some() => Ok(Rep::Count(n.as_u64().unwrap_or(0))),
                other => Err(c
                    .loc
                    .error(format!("`count` must be a whole number, not {other}"))),
            };
        }
        if let Some(f) = for_each {
            let v = self.expr(inst, f, &Bind::default())?;
            if let Some(u) = Self::first_unknown(&v.v) {
                return unknown_rep(u);
            }
            return match v.v {
                Value::Object(m) => Ok(Rep::Each(m.into_iter().collect())),
                Value::Array(a) => {
                    // A set of strings: each.key and each.value are the element.
                    let mut items = Vec::new();
                    for x in a {
                        match x {
                            Value::String(s) => items.push((s.clone(), Value::String(s))),
                            other => {
                                return Err(f.loc.error(format!(
                                    "`for_each` over a set needs strings, not {other}"
                                )));
                            }
                        }
                    }
                    items.sort_by(|a, b| a.0.cmp(&b.0));
                    items.dedup_by(|a, b| a.0 == b.0);
                    Ok(Rep::Each(items))
                }
                other => Err(f.loc.error(format!(
                    "`for_each` must be a map or a set of strings, not {other}"
                ))),
            };
        }
        let _ = loc;
        Ok(Rep::One)
    }

    /// Resource `ri` of `inst`: every instance evaluated, once.
    fn resource(&self, inst: &Rc<Inst>, ri: usize) -> R<Rc<ResVal>> {
        let d = &self.tree.modules[inst.decl].resources[ri];
        match inst.resources.borrow().get(&ri) {
            Some(Slot::Done(r)) => return Ok(r.clone()),
            Some(Slot::Busy) => {
                return Err(d.loc.error(format!(
                    "`{}.{}` refers to itself (a cycle)",
                    d.kind, d.name
                )));
            }
            None => {}
        }
        inst.resources.borrow_mut().insert(ri, Slot::Busy);
        let made = super::resource::instances(self, inst, d);
        match &made {
            Ok(r) => inst
                .resources
                .borrow_mut()
                .insert(ri, Slot::Done(r.clone())),
            Err(_) => inst.resources.borrow_mut().remove(&ri),
        };
        made
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
    let p = super::address::module_path(path);
    if p.is_empty() { p } else { format!("{p}.") }
}

/// `terraform.workspace`: `TF_WORKSPACE`, else the one `terraform workspace select` wrote.
fn workspace(root: &std::path::Path) -> String {
    if let Ok(w) = std::env::var("TF_WORKSPACE")
        && !w.is_empty()
    {
        return w;
    }
    std::fs::read_to_string(root.join(".terraform/environment"))
        .map(|s| s.trim().to_string())
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "default".into())
}

/// The rest of a reference's static steps applied to a value.
fn walk(mut v: V, steps: &[Step], loc: &Loc) -> R<V> {
    for (i, s) in steps.iter().enumerate() {
        if Ev::first_unknown(&v.v).is_some() && !v.v.is_object() && !v.v.is_array() {
            return Ok(v);
        }
        let next = match s {
            Step::Attr(a) => v.v.as_object().and_then(|o| o.get(a)),
            Step::Index(k) => index(&v.v, k),
        };
        match next {
            Some(n) => v.v = n.clone(),
            None => {
                return Err(loc.error(format!(
                    "`{}` has no {}",
                    steps_text(&steps[..i]).trim_start_matches('.'),
                    match s {
                        Step::Attr(a) => format!("attribute `{a}`"),
                        Step::Index(k) => format!("element [{k}]"),
                    }
                )));
            }
        }
    }
    Ok(v)
}

fn index<'v>(v: &'v Value, k: &Value) -> Option<&'v Value> {
    match (v, k) {
        (Value::Array(a), Value::Number(n)) => n.as_u64().and_then(|i| a.get(i as usize)),
        (Value::Object(o), Value::String(s)) => o.get(s),
        (Value::Object(o), Value::Number(n)) => o.get(&n.to_string()),
        _ => None,
    }
}

fn steps_text(steps: &[Step]) -> String {
    steps
        .iter()
        .map(|s| match s {
            Step::Attr(a) => format!(".{a}"),
            Step::Index(k) => format!("[{k}]"),
        })
        .collect()
}

/// Put `value` at `steps` inside `into`, making the objects and lists on the way.
fn insert(into: &mut Value, steps: &[Step], value: Value) {
    let Some((first, rest)) = steps.split_first() else {
        *into = value;
        return;
    };
    match first {
        Step::Attr(a) | Step::Index(Value::String(a)) => {
            if !into.is_object() {
                *into = Value::Object(hcl::Map::new());
            }
            if let Some(o) = into.as_object_mut() {
                insert(o.entry(a.clone()).or_insert(Value::Null), rest, value);
            }
        }
        Step::Index(Value::Number(n)) => {
            let i = n.as_u64().unwrap_or(0) as usize;
            if !into.is_array() {
                *into = Value::Array(Vec::new());
            }
            if let Some(a) = into.as_array_mut() {
                if a.len() <= i {
                    a.resize(i + 1, Value::Null);
                }
                insert(&mut a[i], rest, value);
            }
        }
        Step::Index(_) => *into = value,
    }
}

impl<'t> Ev<'t> {
    pub(super) fn tree(&self) -> &'t Tree {
        self.tree
    }
}
