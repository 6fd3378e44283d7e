//! Module instances and what they hold, each evaluated once and on demand: locals,
//! outputs, the instances of a module call (with their variables from the call's
//! arguments), `count`/`for_each` of a block, and resources. A value being evaluated is
//! `Busy`, so a reference back to it is a located cycle error, not a stack overflow.
// Errors are located diagnostics built once per failed evaluation; boxing them would
// only move the allocation.
#![allow(clippy::result_large_err)]

use std::collections::BTreeMap;
use std::rc::Rc;

use hcl::Value;

use super::expr::walk;
use super::{Bind, Children, Ev, Inst, R, Rep, ResVal, Slot, V, prefix};
use crate::terraform::address::InstanceKey;
use crate::terraform::load::{Expr, Loc, ModuleCall};
use crate::terraform::model::{Origin, OriginKind, UnknownKind};
use crate::terraform::refs::Step;

impl Ev<'_> {
    pub(super) fn local(&self, inst: &Rc<Inst>, name: &str) -> R<V> {
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

    pub(super) fn output(&self, inst: &Rc<Inst>, name: &str) -> R<V> {
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
    pub(super) fn module_ref(&self, inst: &Rc<Inst>, ci: usize, steps: &[Step], loc: &Loc) -> R<V> {
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

    pub(super) fn all_outputs(&self, inst: &Rc<Inst>) -> R<Value> {
        let mut m = hcl::Map::new();
        for name in self.tree.modules[inst.decl].outputs.keys() {
            m.insert(name.clone(), self.output(inst, name)?.v);
        }
        Ok(Value::Object(m))
    }

    /// The instances of module call `ci` of `inst`, made once.
    pub(super) fn children(&self, inst: &Rc<Inst>, ci: usize) -> R<Rc<Children>> {
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
                        v.v = crate::terraform::vars::convert(v.v, ty)
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
                                crate::terraform::address::module_path(path),
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
                            format!(
                                "{}.var.{}",
                                crate::terraform::address::module_path(path),
                                var.name
                            ),
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
    pub(super) fn resource(&self, inst: &Rc<Inst>, ri: usize) -> R<Rc<ResVal>> {
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
