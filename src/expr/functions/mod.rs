//! The Architect function registry: one entry per function — its name, signature, result
//! type, NOT_SET rule, typing rule and evaluation — in files by family. docs/fidelity.md
//! has a row for every entry (a test keeps the two in step).
//!
//! An entry is a `static` [`Function`], so the parser resolves a call's name once and the
//! tree holds the `&'static Function`; the checker and the evaluator reach an entry only
//! through the narrow traits of [`super::call`], so nothing here depends on the tree, the
//! checker or the evaluator. Adding a function is one entry in its family's `family!`
//! table plus its evaluation beside it.

use super::call::{CTy, Evaluator, NOT_SET_HELP, Typer, rt};
use super::error::{ExprError, Span};
use super::scope::EvalContext;
use super::types::Type;
use super::value::{DateTime, Entity, Value};

mod collection;
mod convert;
mod logic;
mod lookup;
mod math;
mod text;
mod time;

pub(crate) use convert::{TO_DECIMAL, TO_INT, TO_STRING};
pub(crate) use logic::{IF, IS_NOT_SET_OR_EMPTY, IS_SET};
pub(crate) use text::{LOWER, UPPER};

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

/// How a call is typed.
pub(crate) enum Typing {
    /// Exactly these parameters, and this result.
    Fixed(&'static [P], Ret),
    /// `min` to `max` arguments (no upper bound when `None`), each of kind `each`.
    Repeat {
        each: P,
        min: usize,
        max: Option<usize>,
        ret: Ret,
    },
    /// The result type depends on the arguments: the rule checks arity and arguments too.
    Rule(fn(&mut Ty<'_>) -> CTy),
}

/// A fixed result type.
pub(crate) enum Ret {
    /// This type.
    Is(Type),
    /// A collection of this type.
    ListOf(Type),
}

impl Ret {
    fn ty(&self) -> Type {
        match self {
            Ret::Is(t) => t.clone(),
            Ret::ListOf(t) => Type::List(Box::new(t.clone())),
        }
    }
}

/// Where a function accepts NOT_SET arguments (anywhere else NOT_SET is a runtime error,
/// and a NOT_SET literal a type error).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NotSetRule {
    /// No argument may be NOT_SET.
    Never,
    /// Every argument may be.
    Always,
    /// The first (`To<Type>(NOT_SET)` is NOT_SET of that type).
    First,
    /// Every argument but the first (`If`'s branches, not its condition).
    AfterFirst,
    /// Only this argument (the item of `AddItem`).
    Only(usize),
}

impl NotSetRule {
    fn allows(self, i: usize) -> bool {
        match self {
            NotSetRule::Never => false,
            NotSetRule::Always => true,
            NotSetRule::First => i == 0,
            NotSetRule::AfterFirst => i > 0,
            NotSetRule::Only(k) => i == k,
        }
    }
}

/// A parameter kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum P {
    Str,
    Int,
    Num,
    Bool,
    Dt,
    Json,
    Any,
    List,
    Sched,
    StrOrNum,
    StrOrBool,
    StrOrDt,
    StrOrDur,
}

impl P {
    fn accepts(self, t: &Type) -> bool {
        match self {
            P::Str => t == &Type::String,
            P::Int => t == &Type::Integer,
            P::Num => t.is_numeric(),
            P::Bool => t == &Type::Boolean,
            P::Dt => t == &Type::DateTime,
            P::Json => t == &Type::Json,
            P::Any => true,
            P::List => matches!(t, Type::List(_)),
            P::Sched => t == &Type::ScheduleGroup,
            P::StrOrNum => t == &Type::String || t.is_numeric(),
            P::StrOrBool => matches!(t, Type::String | Type::Boolean),
            P::StrOrDt => matches!(t, Type::String | Type::DateTime),
            P::StrOrDur => matches!(t, Type::String | Type::Duration),
        }
    }

    /// The type a NOT_SET literal takes in this position.
    fn not_set_type(self) -> Type {
        match self {
            P::Int => Type::Integer,
            P::Num => Type::Decimal,
            P::Bool => Type::Boolean,
            P::Dt => Type::DateTime,
            P::Json => Type::Json,
            P::Sched => Type::ScheduleGroup,
            _ => Type::String,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            P::Str => "a String",
            P::Int => "an Integer",
            P::Num => "a number",
            P::Bool => "a Boolean",
            P::Dt => "a DateTime",
            P::Json => "a JSON value",
            P::Any => "a value",
            P::List => "a collection",
            P::Sched => "a ScheduleGroup",
            P::StrOrNum => "a String or a number",
            P::StrOrBool => "a String or a Boolean",
            P::StrOrDt => "a String or a DateTime",
            P::StrOrDur => "a String or a Duration",
        }
    }
}

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

fn ordinal(i: usize) -> String {
    format!("argument {}", i + 1)
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

/// One call being typed: the signature checks every typing rule is written with.
pub(crate) struct Ty<'t> {
    f: &'static Function,
    t: &'t mut dyn Typer,
}

impl Ty<'_> {
    fn len(&self) -> usize {
        self.t.len()
    }

    /// The checked type of argument `i`.
    fn ty(&self, i: usize) -> CTy {
        self.t.ty(i).clone()
    }

    fn span(&self, i: usize) -> Span {
        self.t.span(i)
    }

    fn call_span(&self) -> Span {
        self.t.call_span()
    }

    fn error(&mut self, span: Span, message: String, help: Option<String>) {
        self.t.error(span, message, help);
    }

    fn usage(&self) -> Option<String> {
        Some(format!("usage: {}", self.f.usage))
    }

    /// Whether the call has `min` to `max` arguments; a type error when not.
    fn arity(&mut self, min: usize, max: Option<usize>) -> bool {
        let n = self.len();
        if n >= min && max.is_none_or(|m| n <= m) {
            return true;
        }
        let want = match max {
            Some(m) if m == min => format!("{min} argument{}", if min == 1 { "" } else { "s" }),
            Some(m) => format!("{min} to {m} arguments"),
            None => format!("at least {min} argument{}", if min == 1 { "" } else { "s" }),
        };
        let (span, usage) = (self.call_span(), self.usage());
        self.error(
            span,
            format!("`{}` takes {want}, found {n}", self.f.name),
            usage,
        );
        false
    }

    /// Check argument `i` against a parameter kind.
    fn param(&mut self, i: usize, p: P) {
        let span = self.span(i);
        match self.ty(i) {
            CTy::Unknown => {}
            CTy::NotSet => {
                if self.f.allows_not_set(i) {
                    self.t.settle(i, &p.not_set_type());
                } else {
                    self.error(
                        span,
                        format!(
                            "`{}` does not accept NOT_SET as {}",
                            self.f.name,
                            ordinal(i)
                        ),
                        Some(NOT_SET_HELP.into()),
                    );
                }
            }
            CTy::T(t) if p.accepts(&t) => {}
            CTy::T(t) => {
                let help = match (p, &t) {
                    (P::Str | P::StrOrNum | P::StrOrBool | P::StrOrDt | P::StrOrDur, _) => {
                        "convert it with ToString(...)".to_string()
                    }
                    (P::Int | P::Num, Type::String) => {
                        "convert it with ToInt(...) or ToDecimal(...)".into()
                    }
                    (P::Int, Type::Decimal) => "convert it with ToInt(...)".into(),
                    (P::Dt, Type::String) => "convert it with ToDateTime(...)".into(),
                    _ => format!("usage: {}", self.f.usage),
                };
                self.error(
                    span,
                    format!(
                        "{} of `{}` must be {}, found {t}",
                        ordinal(i),
                        self.f.name,
                        p.describe()
                    ),
                    Some(help),
                );
            }
        }
    }

    /// Check a fixed signature and return `ret`.
    fn fixed(&mut self, ps: &[P], ret: Type) -> CTy {
        if self.arity(ps.len(), Some(ps.len())) {
            for (i, p) in ps.iter().enumerate() {
                self.param(i, *p);
            }
        }
        CTy::T(ret)
    }

    /// Unify arguments `first..` into one item type, promoting and settling them.
    fn items(&mut self, first: usize) -> CTy {
        let mut acc = CTy::NotSet;
        for i in first..self.len() {
            let t = self.ty(i);
            match super::call::unify(&acc, &t) {
                Some(u) => acc = u,
                None => {
                    let span = self.span(i);
                    self.error(
                        span,
                        format!(
                            "{} of `{}` is {}, but the others are {}",
                            ordinal(i),
                            self.f.name,
                            t.describe(),
                            acc.describe()
                        ),
                        Some("every item must have the same type".into()),
                    );
                    return CTy::Unknown;
                }
            }
        }
        if let CTy::T(ty) = &acc {
            for i in first..self.len() {
                self.t.coerce(i, ty);
            }
        }
        acc
    }

    /// The item type of collection argument `i`.
    fn list_arg(&mut self, i: usize) -> CTy {
        match self.ty(i) {
            CTy::T(Type::List(item)) => CTy::T(*item),
            CTy::Unknown => CTy::Unknown,
            t => {
                let (span, usage) = (self.span(i), self.usage());
                self.error(
                    span,
                    format!(
                        "{} of `{}` must be a collection, found {}",
                        ordinal(i),
                        self.f.name,
                        t.describe()
                    ),
                    usage,
                );
                CTy::Unknown
            }
        }
    }

    /// Check that argument `i` fits a collection's item type.
    fn item_arg(&mut self, i: usize, item: &CTy) {
        let CTy::T(item_ty) = item else { return };
        match self.ty(i) {
            CTy::Unknown => {}
            CTy::NotSet => self.t.settle(i, item_ty),
            CTy::T(x) if &x == item_ty => {}
            CTy::T(Type::Integer) if item_ty == &Type::Decimal => self.t.coerce(i, item_ty),
            CTy::T(x) => {
                let span = self.span(i);
                self.error(
                    span,
                    format!(
                        "{} of `{}` must be {item_ty} to match the collection, found {x}",
                        ordinal(i),
                        self.f.name
                    ),
                    None,
                );
            }
        }
    }
}

/// One call being evaluated: its arguments, read on demand.
pub(crate) struct Args<'e> {
    f: &'static Function,
    ev: &'e dyn Evaluator,
}

impl Args<'_> {
    fn len(&self) -> usize {
        self.ev.len()
    }

    /// The whole call.
    fn span(&self) -> Span {
        self.ev.call_span()
    }

    /// Argument `i`, or the whole call when there is none.
    fn span_of(&self, i: usize) -> Span {
        self.ev.span(i).unwrap_or_else(|| self.span())
    }

    /// The call's checked result type.
    fn ty(&self) -> &Type {
        self.ev.result_type()
    }

    fn cx(&self) -> &EvalContext<'_> {
        self.ev.context()
    }

    /// Argument `i`, NOT_SET included.
    fn raw(&self, i: usize) -> Result<Value, ExprError> {
        self.ev.eval(i).unwrap_or_else(|| {
            Err(rt(
                self.span(),
                format!("`{}` is missing an argument", self.f.name),
                None,
            ))
        })
    }

    /// Argument `i`; NOT_SET is a runtime error unless the function allows it there.
    fn arg(&self, i: usize) -> Result<Value, ExprError> {
        let v = self.raw(i)?;
        if v.is_not_set() && !self.f.allows_not_set(i) {
            return Err(rt(
                self.span_of(i),
                format!("{} of `{}` is NOT_SET", ordinal(i), self.f.name),
                Some(NOT_SET_HELP.into()),
            ));
        }
        Ok(v)
    }

    /// Argument `i` as text.
    fn text(&self, i: usize) -> Result<String, ExprError> {
        Ok(match self.arg(i)? {
            Value::String(s) => s,
            other => super::value::to_text(&other),
        })
    }

    /// Argument `i`, an Integer.
    fn int(&self, i: usize) -> Result<i64, ExprError> {
        Ok(match self.arg(i)? {
            Value::Integer(i) => i,
            _ => 0,
        })
    }

    /// Argument `i`, a DateTime.
    fn datetime(&self, i: usize) -> Result<DateTime, ExprError> {
        match self.arg(i)? {
            Value::DateTime(d) => Ok(d),
            other => Err(rt(
                self.span(),
                format!("expected a DateTime, found {}", other.ty()),
                None,
            )),
        }
    }
}

/// A number as f64 (the checker guarantees a number).
fn num(v: &Value) -> f64 {
    match v {
        Value::Integer(i) => *i as f64,
        Value::Decimal(d) => *d,
        _ => 0.0,
    }
}

/// A whole f64 as an i64, if it fits.
fn whole(f: f64) -> Option<i64> {
    (-9.223_372_036_854_776e18..9.223_372_036_854_776e18)
        .contains(&f)
        .then_some(f as i64)
}

/// A collection's item type and items.
fn list_of(v: Value) -> (Type, Vec<Value>) {
    match v {
        Value::List(t, items) => (t, items),
        other => (other.ty(), Vec::new()),
    }
}

/// An organisation object (or a phone number) with an id and a name.
fn entity(t: Type, id: &str, name: &str) -> Value {
    Value::Entity(
        t,
        Entity {
            id: Some(id.to_string()),
            name: name.to_string(),
        },
    )
}

/// The "collections hold at most 2,000 items" runtime error.
fn too_many(span: Span) -> ExprError {
    rt(
        span,
        format!("collections hold at most {MAX_LIST} items"),
        None,
    )
}

#[cfg(test)]
mod tests;
