//! The Architect function registry: one entry per function — its name, signature, result
//! type, NOT_SET rule, typing rule and evaluation — in files by family. docs/fidelity.md
//! has a row for every entry (a test keeps the two in step).
//!
//! An entry is a `static` [`Function`], so the parser resolves a call's name once and the
//! tree holds the `&'static Function`; the checker and the evaluator reach an entry only
//! through the narrow traits of [`super::call`], so nothing here depends on the tree, the
//! checker or the evaluator. Adding a function is one entry in its family's `family!`
//! table plus its evaluation beside it.

use super::call::{CTy, Evaluator, Typer};
use super::error::ExprError;
use super::value::Value;

mod args;
mod collection;
mod convert;
mod logic;
mod lookup;
mod math;
mod signature;
mod text;
mod time;

pub(crate) use convert::{TO_DECIMAL, TO_INT, TO_STRING};
pub(crate) use logic::{IF, IS_NOT_SET_OR_EMPTY, IS_SET};
pub(crate) use text::{LOWER, UPPER};

use args::{Args, entity, list_of, num, too_many, whole};
use signature::{NotSetRule, P, Ret, Ty, Typing};

/// Declare a family's entries: each becomes a `pub(crate) static`, and the family's
/// `FUNCTIONS` lists them all, so an entry cannot be left out of the registry.
macro_rules! family {
    ($($(#[$doc:meta])* $id:ident = $entry:expr;)*) => {
        $($(#[$doc])* pub(crate) static $id: super::Function = $entry;)*

        /// This family's entries, in catalogue order.
        pub(super) static FUNCTIONS: &[&super::Function] = &[$(&$id),*];
    };
}
use family;

/// The registry: every family's entries.
static FAMILIES: &[&[&Function]] = &[
    logic::FUNCTIONS,
    text::FUNCTIONS,
    convert::FUNCTIONS,
    time::FUNCTIONS,
    math::FUNCTIONS,
    collection::FUNCTIONS,
    lookup::FUNCTIONS,
];

/// Architect caps collections at 2,000 items.
pub(crate) const MAX_LIST: usize = 2000;

/// One function of the catalogue.
pub(crate) struct Function {
    /// Canonical spelling (calls match it in any case).
    pub name: &'static str,
    /// The signature shown in hints, e.g. `Substring(String, start, length)`.
    pub usage: &'static str,
    /// Parameters and result type, or the rule that types a call.
    pub typing: Typing,
    /// Which arguments may be NOT_SET.
    pub not_set: NotSetRule,
    /// The result depends on the clock or the organisation, not only the arguments, so
    /// `routecheck gen` cannot enumerate it.
    pub contextual: bool,
    /// Evaluate a call whose arguments were checked against `typing`.
    pub evaluate: fn(&Args<'_>) -> Result<Value, ExprError>,
}

impl std::fmt::Debug for Function {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

/// Entries are statics: one function is one address.
impl PartialEq for Function {
    fn eq(&self, other: &Function) -> bool {
        std::ptr::eq(self, other)
    }
}

impl Eq for Function {}

/// Every entry, in catalogue order.
pub(crate) fn all() -> impl Iterator<Item = &'static Function> {
    FAMILIES.iter().flat_map(|f| f.iter().copied())
}

/// Case-insensitive lookup.
pub(crate) fn lookup(name: &str) -> Option<&'static Function> {
    all().find(|f| f.name.eq_ignore_ascii_case(name))
}

/// The known function name closest to `name`, for a hint.
pub(crate) fn closest(name: &str) -> Option<&'static str> {
    crate::diag::closest(name, all().map(|f| f.name))
}

impl Function {
    /// Whether argument `i` may be NOT_SET (otherwise: a runtime error).
    pub(crate) fn allows_not_set(&self, i: usize) -> bool {
        self.not_set.allows(i)
    }

    /// Type a call.
    pub(crate) fn check(&'static self, typer: &mut dyn Typer) -> CTy {
        let mut ty = Ty { f: self, t: typer };
        match &self.typing {
            Typing::Fixed(ps, ret) => ty.fixed(ps, ret.ty()),
            Typing::Repeat {
                each,
                min,
                max,
                ret,
            } => {
                if ty.arity(*min, *max) {
                    for i in 0..ty.len() {
                        ty.param(i, *each);
                    }
                }
                CTy::T(ret.ty())
            }
            Typing::Rule(rule) => rule(&mut ty),
        }
    }

    /// Evaluate a checked call.
    pub(crate) fn call(&'static self, ev: &dyn Evaluator) -> Result<Value, ExprError> {
        (self.evaluate)(&Args { f: self, ev })
    }
}

#[cfg(test)]
mod tests;
