//! Expressions: the split shapes of [`Node`] (objects, arrays, conditionals) and the
//! leaves hcl-rs evaluates, each with a context of exactly the references it makes; a
//! reference resolved to its value (`var.`, `local.`, `path.`, `each.`, `count.`,
//! `module.`, `data.`, `TYPE.NAME`), then the rest of its steps applied.
// Errors are located diagnostics built once per failed evaluation; boxing them would
// only move the allocation.
#![allow(clippy::result_large_err)]

use std::collections::BTreeMap;
use std::rc::Rc;

use hcl::Value;

use super::{Bind, Ev, Inst, MARK, R, V, prefix};
use crate::terraform::load::{Expr, Key, Loc, Node, ResourceDecl};
use crate::terraform::model::{Origin, OriginKind, UnknownKind};
use crate::terraform::refs::{self, Ref, Step};

impl Ev<'_> {
    pub(super) fn default_value(&self, d: &Expr) -> R<V> {
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
        let shape = refs::shape_only(x);
        let mut ctx = crate::terraform::functions::context();
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
            // A known collection read only for its keys or length is known whatever
            // unknowns it holds (Terraform's plan lists a `for_each` resource's keys).
            let shape_only = matches!(r, Ref::Path(p) if shape.contains(p))
                && (v.v.is_object() || v.v.is_array());
            if unknown.is_none() && !shape_only {
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
pub(super) fn walk(mut v: V, steps: &[Step], loc: &Loc) -> R<V> {
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
