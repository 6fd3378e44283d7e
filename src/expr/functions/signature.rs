//! Signatures: parameter kinds, result types, NOT_SET rules, and the checks every typing
//! rule is written with ([`Ty`]), on top of the checker's narrow [`Typer`] trait.

use super::Function;
use crate::expr::call::{CTy, NOT_SET_HELP, Typer, unify};
use crate::expr::error::Span;
use crate::expr::types::Type;

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
    pub(super) fn ty(&self) -> Type {
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
    pub(super) fn allows(self, i: usize) -> bool {
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

pub(super) fn ordinal(i: usize) -> String {
    format!("argument {}", i + 1)
}

/// One call being typed: the signature checks every typing rule is written with.
pub(crate) struct Ty<'t> {
    pub(super) f: &'static Function,
    pub(super) t: &'t mut dyn Typer,
}

impl Ty<'_> {
    pub(super) fn len(&self) -> usize {
        self.t.len()
    }

    /// The checked type of argument `i`.
    pub(super) fn ty(&self, i: usize) -> CTy {
        self.t.ty(i).clone()
    }

    pub(super) fn span(&self, i: usize) -> Span {
        self.t.span(i)
    }

    pub(super) fn call_span(&self) -> Span {
        self.t.call_span()
    }

    pub(super) fn error(&mut self, span: Span, message: String, help: Option<String>) {
        self.t.error(span, message, help);
    }

    pub(super) fn usage(&self) -> Option<String> {
        Some(format!("usage: {}", self.f.usage))
    }

    /// Whether the call has `min` to `max` arguments; a type error when not.
    pub(super) fn arity(&mut self, min: usize, max: Option<usize>) -> bool {
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
    pub(super) fn param(&mut self, i: usize, p: P) {
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
    pub(super) fn fixed(&mut self, ps: &[P], ret: Type) -> CTy {
        if self.arity(ps.len(), Some(ps.len())) {
            for (i, p) in ps.iter().enumerate() {
                self.param(i, *p);
            }
        }
        CTy::T(ret)
    }

    /// Unify arguments `first..` into one item type, promoting and settling them.
    pub(super) fn items(&mut self, first: usize) -> CTy {
        let mut acc = CTy::NotSet;
        for i in first..self.len() {
            let t = self.ty(i);
            match unify(&acc, &t) {
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
    pub(super) fn list_arg(&mut self, i: usize) -> CTy {
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
    pub(super) fn item_arg(&mut self, i: usize, item: &CTy) {
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
