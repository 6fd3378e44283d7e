//! Walking checked trees: the one traversal every static analysis uses (lint's checks,
//! `gen`'s facts about what a condition reads), with typed views of the nodes they ask
//! about — calls by registry entry, never by spelling.

use super::ast::{Expr, Kind, with_stack};
use super::functions::Function;

/// Visit every node of a tree, parents first.
pub(crate) fn walk(e: &Expr, f: &mut dyn FnMut(&Expr)) {
    with_stack(|| {
        f(e);
        match &e.kind {
            Kind::Unary(_, a) | Kind::Member(a, ..) => walk(a, f),
            Kind::Binary(_, a, b) | Kind::Index(a, b) => {
                walk(a, f);
                walk(b, f);
            }
            Kind::Call { args, .. } => {
                for a in args {
                    walk(a, f);
                }
            }
            Kind::Lit(_) | Kind::NotSet | Kind::Path(_) | Kind::Var { .. } | Kind::Error => {}
        }
    });
}

impl Expr {
    /// A resolved call: the registry entry, the name as written, and the arguments.
    pub(crate) fn as_call(&self) -> Option<(&'static Function, &str, &[Expr])> {
        match &self.kind {
            Kind::Call {
                func: Some(f),
                name,
                args,
                ..
            } => Some((*f, name, args)),
            _ => None,
        }
    }

    /// A variable read: its lowercase key and its canonical name.
    pub(crate) fn as_var(&self) -> Option<(&str, &str)> {
        match &self.kind {
            Kind::Var { key, name } => Some((key, name)),
            _ => None,
        }
    }
}
