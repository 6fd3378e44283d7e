//! Collection, type-conversion and number functions.

use hcl::Value;
use hcl::eval::{FuncArgs, ParamType as P};

use super::{Reg, any, arr, num, obj, s, st, text};

pub(super) fn register(r: &mut Reg) {
    r.reg("coalesce", vec![], Some(any()), |a| {
        a.iter()
            .find(|v| !matches!(v, Value::Null) && v.as_str() != Some(""))
            .cloned()
            .ok_or_else(|| "no non-null, non-empty argument".into())
    });
    r.reg("coalescelist", vec![], Some(any()), |a| {
        a.iter()
            .find(|v| v.as_array().is_some_and(|l| !l.is_empty()))
            .cloned()
            .ok_or_else(|| "no non-empty list".into())
    });
    r.reg("compact", vec![P::array_of(any())], None, |a| {
        Ok(Value::Array(
            arr(&a[0])?
                .iter()
                .filter(|v| !matches!(v, Value::Null) && v.as_str() != Some(""))
                .cloned()
                .collect(),
        ))
    });
    r.reg("concat", vec![], Some(P::array_of(any())), |a| {
        Ok(Value::Array(
            a.iter()
                .flat_map(|l| l.as_array().cloned().unwrap_or_default())
                .collect(),
        ))
    });
    r.reg("contains", vec![any(), any()], None, |a| {
        Ok(Value::from(arr(&a[0])?.contains(&a[1])))
    });
    r.reg("distinct", vec![any()], None, |a| {
        let mut out: Vec<Value> = Vec::new();
        for v in arr(&a[0])? {
            if !out.contains(v) {
                out.push(v.clone());
            }
        }
        Ok(Value::Array(out))
    });
    r.reg("flatten", vec![any()], None, |a| {
        Ok(Value::Array(flatten(arr(&a[0])?)))
    });
    r.reg("element", vec![any(), P::Number], None, |a| {
        let l = arr(&a[0])?;
        let i = num(&a[1])? as usize;
        if l.is_empty() {
            return Err("cannot use element function with an empty list".into());
        }
        Ok(l[i % l.len()].clone())
    });
    r.reg("length", vec![any()], None, |a| {
        Ok(Value::from(match &a[0] {
            Value::Array(l) => l.len(),
            Value::Object(o) => o.len(),
            Value::String(s) => s.chars().count(),
            other => return Err(format!("length of {other}")),
        }))
    });
    r.reg("keys", vec![any()], None, |a| {
        Ok(Value::Array(
            obj(&a[0])?
                .keys()
                .map(|k| Value::from(k.as_str()))
                .collect(),
        ))
    });
    r.reg("values", vec![any()], None, |a| {
        Ok(Value::Array(obj(&a[0])?.values().cloned().collect()))
    });
    r.reg("lookup", vec![any(), s()], Some(any()), |a| {
        let m = obj(&a[0])?;
        match (m.get(st(&a[1])?), a.get(2)) {
            (Some(v), _) => Ok(v.clone()),
            (None, Some(d)) => Ok(d.clone()),
            (None, None) => Err(format!(
                "the map has no key `{}` and no default was given",
                st(&a[1])?
            )),
        }
    });
    r.reg("merge", vec![], Some(any()), |a| {
        let mut out = hcl::Map::new();
        for m in a.iter() {
            if matches!(m, Value::Null) {
                continue;
            }
            for (k, v) in obj(m)? {
                out.insert(k.clone(), v.clone());
            }
        }
        Ok(Value::Object(out))
    });
    r.reg("zipmap", vec![any(), any()], None, |a| {
        let (k, v) = (arr(&a[0])?, arr(&a[1])?);
        if k.len() != v.len() {
            return Err("the lists of keys and values have different lengths".into());
        }
        Ok(Value::Object(
            k.iter()
                .zip(v)
                .map(|(k, v)| Ok((text(k)?, v.clone())))
                .collect::<Result<_, String>>()?,
        ))
    });
    r.reg("tostring", vec![any()], None, |a| match &a[0] {
        Value::Null => Ok(Value::Null),
        v => text(v).map(Value::from),
    });
    r.reg("tonumber", vec![any()], None, |a| match &a[0] {
        Value::Number(_) | Value::Null => Ok(a[0].clone()),
        v => crate::terraform::vars::convert(v.clone(), "number"),
    });
    r.reg("tobool", vec![any()], None, |a| match &a[0] {
        Value::Bool(_) | Value::Null => Ok(a[0].clone()),
        v => crate::terraform::vars::convert(v.clone(), "bool"),
    });
    r.reg("tolist", vec![any()], None, |a| {
        Ok(Value::Array(arr(&a[0])?.clone()))
    });
    r.reg("toset", vec![any()], None, |a| {
        let mut l: Vec<Value> = arr(&a[0])?.clone();
        l.sort_by_key(|v| v.to_string());
        l.dedup();
        Ok(Value::Array(l))
    });
    r.reg("tomap", vec![any()], None, |a| {
        Ok(Value::Object(obj(&a[0])?.clone()))
    });
    r.reg("max", vec![], Some(P::Number), |a| fold(&a, f64::max));
    r.reg("min", vec![], Some(P::Number), |a| fold(&a, f64::min));
    r.reg("abs", vec![P::Number], None, |a| number(num(&a[0])?.abs()));
    r.reg("ceil", vec![P::Number], None, |a| {
        number(num(&a[0])?.ceil())
    });
    r.reg("floor", vec![P::Number], None, |a| {
        number(num(&a[0])?.floor())
    });
}

fn number(f: f64) -> Result<Value, String> {
    if f.fract() == 0.0 && f.abs() < 9e15 {
        return Ok(Value::from(f as i64));
    }
    hcl::Number::from_f64(f)
        .map(Value::Number)
        .ok_or_else(|| "not a finite number".into())
}

fn fold(a: &FuncArgs, f: fn(f64, f64) -> f64) -> Result<Value, String> {
    let mut it = a.iter().map(num);
    let first = it.next().ok_or("needs at least one number")??;
    number(it.try_fold(first, |acc, x| x.map(|x| f(acc, x)))?)
}

fn flatten(l: &[Value]) -> Vec<Value> {
    l.iter()
        .flat_map(|v| match v {
            Value::Array(inner) => flatten(inner),
            other => vec![other.clone()],
        })
        .collect()
}
