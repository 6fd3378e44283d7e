//! Collections: `MakeList`, `Count`, `GetAt`, `AddItem`, `AddItemAt`, `FindFirst`.
//! Indexes are 0-based; a collection holds at most 2,000 items and is never NOT_SET.

use super::{Args, Function, MAX_LIST, NotSetRule, P, Ty, Typing, family, list_of, too_many};
use crate::expr::call::{CTy, rt};
use crate::expr::error::ExprError;
use crate::expr::types::Type;
use crate::expr::value::{Value, equal};

family! {
    /// Items of one type (Integer and Decimal unify to Decimal).
    MAKE_LIST = Function {
        name: "MakeList",
        usage: "MakeList(item, item, ...)",
        typing: Typing::Rule(type_make_list),
        not_set: NotSetRule::Always,
        contextual: false,
        evaluate: make_list,
    };
    COUNT = Function {
        name: "Count",
        usage: "Count(collection)",
        typing: Typing::Rule(type_count),
        not_set: NotSetRule::Never,
        contextual: false,
        evaluate: |a| Ok(Value::Integer(list_of(a.arg(0)?).1.len() as i64)),
    };
    GET_AT = Function {
        name: "GetAt",
        usage: "GetAt(collection, index)",
        typing: Typing::Rule(type_get_at),
        not_set: NotSetRule::Never,
        contextual: false,
        evaluate: get_at,
    };
    ADD_ITEM = Function {
        name: "AddItem",
        usage: "AddItem(collection, item)",
        typing: Typing::Rule(type_add_item),
        not_set: NotSetRule::Only(1),
        contextual: false,
        evaluate: add_item,
    };
    ADD_ITEM_AT = Function {
        name: "AddItemAt",
        usage: "AddItemAt(collection, index, item)",
        typing: Typing::Rule(type_add_item_at),
        not_set: NotSetRule::Only(2),
        contextual: false,
        evaluate: add_item_at,
    };
    /// By `==`; -1 when absent.
    FIND_FIRST = Function {
        name: "FindFirst",
        usage: "FindFirst(collection, item)",
        typing: Typing::Rule(type_find_first),
        not_set: NotSetRule::Only(1),
        contextual: false,
        evaluate: find_first,
    };
}

fn type_make_list(ty: &mut Ty<'_>) -> CTy {
    if !ty.arity(1, Some(MAX_LIST)) {
        return CTy::Unknown;
    }
    let span = ty.call_span();
    match ty.items(0) {
        CTy::T(Type::List(_)) => {
            ty.error(
                span,
                "collections of collections are not supported".into(),
                None,
            );
            CTy::Unknown
        }
        CTy::T(t) => CTy::T(Type::List(Box::new(t))),
        CTy::NotSet => {
            ty.error(
                span,
                "a collection of only NOT_SET has no item type".into(),
                Some("give at least one item a type, e.g. MakeList(\"a\", NOT_SET)".into()),
            );
            CTy::Unknown
        }
        CTy::Unknown => CTy::Unknown,
    }
}

fn make_list(a: &Args<'_>) -> Result<Value, ExprError> {
    let item_ty = match a.ty() {
        Type::List(t) => (**t).clone(),
        other => other.clone(),
    };
    let mut items = Vec::with_capacity(a.len());
    for i in 0..a.len() {
        items.push(a.raw(i)?);
    }
    Ok(Value::List(item_ty, items))
}

fn type_count(ty: &mut Ty<'_>) -> CTy {
    if ty.arity(1, Some(1)) {
        ty.list_arg(0);
    }
    CTy::T(Type::Integer)
}

fn type_get_at(ty: &mut Ty<'_>) -> CTy {
    if !ty.arity(2, Some(2)) {
        return CTy::Unknown;
    }
    ty.param(1, P::Int);
    ty.list_arg(0)
}

fn get_at(a: &Args<'_>) -> Result<Value, ExprError> {
    let (_, mut items) = list_of(a.arg(0)?);
    let (i, len) = (a.int(1)?, items.len());
    let at = usize::try_from(i)
        .ok()
        .filter(|&u| u < len)
        .ok_or_else(|| {
            rt(
                a.span_of(1),
                format!("index {i} is out of range for a collection of {len} items"),
                Some("indexes are 0-based; check with Count(...) first".into()),
            )
        })?;
    Ok(items.swap_remove(at))
}

/// `(collection, item)`: the item must fit the collection's item type.
fn collection_and_item(ty: &mut Ty<'_>) -> bool {
    if !ty.arity(2, Some(2)) {
        return false;
    }
    let item = ty.list_arg(0);
    ty.item_arg(1, &item);
    true
}

fn type_add_item(ty: &mut Ty<'_>) -> CTy {
    if collection_and_item(ty) {
        ty.ty(0)
    } else {
        CTy::Unknown
    }
}

fn add_item(a: &Args<'_>) -> Result<Value, ExprError> {
    let (t, mut items) = list_of(a.arg(0)?);
    if items.len() >= MAX_LIST {
        return Err(too_many(a.span()));
    }
    items.push(a.arg(1)?);
    Ok(Value::List(t, items))
}

fn type_add_item_at(ty: &mut Ty<'_>) -> CTy {
    if !ty.arity(3, Some(3)) {
        return CTy::Unknown;
    }
    let item = ty.list_arg(0);
    ty.param(1, P::Int);
    ty.item_arg(2, &item);
    ty.ty(0)
}

fn add_item_at(a: &Args<'_>) -> Result<Value, ExprError> {
    let (t, mut items) = list_of(a.arg(0)?);
    let at = a.int(1)?;
    let len = items.len();
    let at = usize::try_from(at)
        .ok()
        .filter(|&u| u <= len)
        .ok_or_else(|| {
            rt(
                a.span_of(1),
                format!("position {at} is out of range for a collection of {len} items"),
                Some("positions are 0-based, from 0 to Count(...)".into()),
            )
        })?;
    if len >= MAX_LIST {
        return Err(too_many(a.span()));
    }
    items.insert(at, a.arg(2)?);
    Ok(Value::List(t, items))
}

fn type_find_first(ty: &mut Ty<'_>) -> CTy {
    if collection_and_item(ty) {
        CTy::T(Type::Integer)
    } else {
        CTy::Unknown
    }
}

fn find_first(a: &Args<'_>) -> Result<Value, ExprError> {
    let (_, items) = list_of(a.arg(0)?);
    let needle = a.arg(1)?;
    Ok(Value::Integer(
        items
            .iter()
            .position(|x| equal(x, &needle))
            .map_or(-1, |p| p as i64),
    ))
}
