//! A resource block's instances: `count`/`for_each` expanded, arguments and nested
//! blocks evaluated, and, for `genesyscloud_flow`, the `name` the provider gives it (the
//! `name:` of its flow file after its substitutions), so `genesyscloud_flow.X.name`
//! is known as Terraform's plan knows it.
// Errors are located diagnostics built once per failed evaluation; boxing them would
// only move the allocation.
#![allow(clippy::result_large_err)]

use std::collections::BTreeMap;
use std::rc::Rc;

use hcl::Value;

use super::{Bind, Ev, Inst, Rep, ResVal};
use crate::diag::SourceDiagnostic;
use crate::terraform::address::{Address, InstanceKey};
use crate::terraform::load::{BodyDecl, DynamicDecl, Key, Node, ResourceDecl};
use crate::terraform::model::{Origin, Resource, ResourceMode, TfValue, UnknownKind};

type R<T> = Result<T, SourceDiagnostic>;

pub(super) fn instances(ev: &Ev<'_>, inst: &Rc<Inst>, d: &ResourceDecl) -> R<Rc<ResVal>> {
    let address = |key: Option<InstanceKey>| Address {
        module: inst.path.clone(),
        data: d.data,
        kind: d.kind.clone(),
        name: d.name.clone(),
        key,
    };
    let base = address(None).to_string();
    let rep = ev.repetition(inst, d.count.as_ref(), d.for_each.as_ref(), &base, &d.loc)?;
    let mut records = Vec::new();
    let value = match rep {
        Rep::One => {
            let (v, r) = one(ev, inst, d, address(None), &Bind::default())?;
            records.push(r);
            v
        }
        Rep::Count(n) => {
            let mut list = Vec::new();
            for i in 0..n {
                let b = Bind {
                    count: Some(i),
                    ..Bind::default()
                };
                let (v, r) = one(ev, inst, d, address(Some(InstanceKey::Int(i))), &b)?;
                list.push(v);
                records.push(r);
            }
            Value::Array(list)
        }
        Rep::Each(items) => {
            let mut m = hcl::Map::new();
            for (k, val) in items {
                let b = Bind {
                    each: Some((Value::String(k.clone()), val)),
                    ..Bind::default()
                };
                let (v, r) = one(ev, inst, d, address(Some(InstanceKey::Str(k.clone()))), &b)?;
                m.insert(k, v);
                records.push(r);
            }
            Value::Object(m)
        }
        // No instance can be listed; references to it are as unknown as its keys.
        Rep::Unknown(u) => u,
    };
    Ok(Rc::new(ResVal {
        value,
        instances: records,
    }))
}

fn one(
    ev: &Ev<'_>,
    inst: &Rc<Inst>,
    d: &ResourceDecl,
    address: Address,
    b: &Bind,
) -> R<(Value, Resource)> {
    let mut origins = BTreeMap::new();
    let mut attrs = body(ev, inst, &d.body, b, Some(&mut origins), "")?;
    let module_dir = ev.tree().modules[inst.decl].dir.clone();
    if d.kind == "genesyscloud_flow"
        && !d.data
        && let Some(name) = flow_name(ev, &attrs)
    {
        attrs.insert("name".into(), Value::String(name));
    }
    // Every managed resource has an `id`, known only after apply unless the
    // configuration sets it: an instance read whole (`for q in TYPE.NAME : q.id`, the
    // queues module of the Lambda blueprint) has it as `TYPE.NAME.id` has (#24).
    if !d.data && !attrs.contains_key("id") {
        let u = ev.unknown(
            format!("{address}.id"),
            UnknownKind::ResourceAttribute,
            &d.loc,
            "an attribute the configuration does not set is known only after apply: give the value the flow needs under `vars:`, or read a plan with `--tf-plan`".into(),
        );
        attrs.insert("id".into(), u);
    }
    let record = Resource {
        address,
        mode: if d.data {
            ResourceMode::Data
        } else {
            ResourceMode::Managed
        },
        at: d.loc.line(),
        module_dir,
        attrs: attrs
            .iter()
            .map(|(k, v)| (k.clone(), to_model(v)))
            .collect(),
        origins,
    };
    Ok((Value::Object(attrs), record))
}

/// A body's arguments and nested blocks (each block type a list of objects, as
/// Terraform exposes list-nested blocks), recording each value's origin by path.
fn body(
    ev: &Ev<'_>,
    inst: &Rc<Inst>,
    decl: &BodyDecl,
    b: &Bind,
    mut origins: Option<&mut BTreeMap<String, Origin>>,
    prefix: &str,
) -> R<hcl::Map<String, Value>> {
    let mut out = hcl::Map::new();
    for (k, e) in &decl.attrs {
        let v = ev.expr(inst, e, b)?;
        if let Some(o) = origins.as_deref_mut() {
            o.insert(format!("{prefix}{k}"), v.origin.clone());
            // One level down (a `substitutions` map): each entry's own origin.
            if let Node::Object(entries) = &e.node {
                for (key, ve) in entries {
                    if let Key::Ident(key) = key {
                        let ev_entry = ev.expr(inst, ve, b)?;
                        o.insert(format!("{prefix}{k}.{key}"), ev_entry.origin);
                    } else if let Key::Expr(hcl::Expression::String(key)) = key {
                        let ev_entry = ev.expr(inst, ve, b)?;
                        o.insert(format!("{prefix}{k}.{key}"), ev_entry.origin);
                    }
                }
            }
        }
        out.insert(k.clone(), v.v);
    }
    for (k, nested) in &decl.blocks {
        let v = body(ev, inst, nested, b, None, "")?;
        let list = out
            .entry(k.clone())
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Some(a) = list.as_array_mut() {
            a.push(Value::Object(v));
        }
    }
    for d in &decl.dynamic {
        let made = dynamic(ev, inst, d, b)?;
        let list = out
            .entry(d.kind.clone())
            .or_insert_with(|| Value::Array(Vec::new()));
        match (list.as_array_mut(), made) {
            (Some(a), Value::Array(items)) => a.extend(items),
            // Unknown `for_each`: the blocks are as unknown as it is.
            (_, unknown) => *list = unknown,
        }
    }
    Ok(out)
}

/// The blocks a `dynamic` block makes, as Terraform expands it: one per element of
/// `for_each` (a map by key, a list or set by index with the element as value), its
/// `content` evaluated with the iterator bound. An unknown `for_each` gives the
/// unknown in place of the list.
fn dynamic(ev: &Ev<'_>, inst: &Rc<Inst>, d: &DynamicDecl, b: &Bind) -> R<Value> {
    let (Some(for_each), Some(content)) = (&d.for_each, &d.content) else {
        return Err(d.loc.error(format!(
            "`dynamic \"{}\"` needs `for_each` and a `content` block",
            d.kind
        )));
    };
    let v = ev.expr(inst, for_each, b)?;
    if let Some(u) = Ev::first_unknown_of(&v.v) {
        return Ok(u);
    }
    let items: Vec<(Value, Value)> = match v.v {
        Value::Object(m) => m.into_iter().map(|(k, v)| (Value::String(k), v)).collect(),
        Value::Array(a) => a
            .into_iter()
            .enumerate()
            .map(|(i, v)| (Value::from(i as u64), v))
            .collect(),
        Value::Null => Vec::new(),
        other => {
            return Err(for_each.loc.error(format!(
                "`for_each` of a `dynamic` block must be a map, list or set, not {other}"
            )));
        }
    };
    let mut out = Vec::new();
    for (k, v) in items {
        let mut inner = b.clone();
        inner.iters.push((d.iterator.clone(), k, v));
        out.push(Value::Object(body(ev, inst, content, &inner, None, "")?));
    }
    Ok(Value::Array(out))
}

/// The `name:` of a flow file after its substitutions (unknown ones kept as their
/// sentinels, so the name is unknown exactly when it uses one). `None` when the file
/// cannot be read: loading the flow reports that.
fn flow_name(ev: &Ev<'_>, attrs: &hcl::Map<String, Value>) -> Option<String> {
    let path = attrs.get("filepath")?.as_str()?;
    if path.contains('\u{F8FF}') {
        return None;
    }
    let full = ev.tree().root.join(path);
    let text = crate::source::read_text(&full).ok()?;
    let mut vars = BTreeMap::new();
    if let Some(Value::Object(subs)) = attrs.get("substitutions") {
        for (k, v) in subs {
            let t = match v {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                _ => continue,
            };
            vars.insert(k.clone(), t);
        }
    }
    let substituted = crate::flow::placeholders::substitute(&text, &vars).ok()?;
    name_line(&substituted.text)
}

/// The first `name:` under the top-level flow-type key of an Archy file.
fn name_line(text: &str) -> Option<String> {
    let mut in_top = false;
    for line in text.lines() {
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let indented = line.starts_with(' ');
        if !indented {
            if in_top {
                return None;
            }
            in_top = true;
            continue;
        }
        if let Some(rest) = line.trim_start().strip_prefix("name:") {
            let raw = rest.trim();
            return Some(serde_saphyr::from_str::<String>(raw).unwrap_or_else(|_| raw.to_string()));
        }
    }
    None
}

/// An hcl value as a model value; sentinels are resolved by the caller.
pub(super) fn to_model(v: &Value) -> TfValue {
    match v {
        Value::Null => TfValue::Null,
        Value::Bool(b) => TfValue::Bool(*b),
        Value::Number(n) => TfValue::Number(*n),
        Value::String(s) => TfValue::String(s.clone()),
        Value::Array(a) => TfValue::List(a.iter().map(to_model).collect()),
        Value::Object(o) => TfValue::Map(o.iter().map(|(k, v)| (k.clone(), to_model(v))).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_of_an_archy_file() {
        assert_eq!(
            name_line("inboundShortMessage:\n  name: \"My Flow\"\n  division: Home\n").as_deref(),
            Some("My Flow")
        );
        assert_eq!(
            name_line("# c\nbot:\n  description: x\n  name: Plain Name\n").as_deref(),
            Some("Plain Name")
        );
        assert_eq!(name_line("a:\n  b: 1\nc:\n  name: x\n"), None);
    }
}
