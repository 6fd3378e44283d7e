//! The Architect function catalogue: for each function its name, signature, typing rule,
//! NOT_SET rule and evaluation. docs/fidelity.md documents every entry.

use super::ast::Expr;
use super::call::{self, CTy, Evaluator, NOT_SET_HELP, Typer, rt};
use super::value::{DateTime, Duration, Entity};
use super::{ExprError, Span, Type, Value};

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

/// One function of the catalogue: its name, signature and NOT_SET rule. Its typing rule
/// is its arm of [`check_call`] and its evaluation its arm of [`call`]; both matches are
/// exhaustive over [`Func`], so an entry without either does not compile.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Def {
    /// The function.
    pub func: Func,
    /// Canonical spelling.
    pub name: &'static str,
    /// The signature shown in hints.
    pub signature: &'static str,
    /// Which arguments may be NOT_SET.
    pub not_set: NotSetRule,
}

macro_rules! funcs {
    ($($v:ident => $sig:literal, $ns:expr;)*) => {
        /// A known function.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub(crate) enum Func { $($v),* }

        /// The catalogue, one entry per function, in [`Func`] order.
        pub(crate) const REGISTRY: &[Def] = &[$(Def {
            func: Func::$v,
            name: stringify!($v),
            signature: $sig,
            not_set: $ns,
        }),*];
    };
}

impl Func {
    /// This function's entry.
    pub(crate) fn def(self) -> &'static Def {
        // REGISTRY is generated in declaration order, so the discriminant is the index.
        &REGISTRY[self as usize]
    }

    /// Canonical spelling.
    pub(crate) fn name(self) -> &'static str {
        self.def().name
    }

    /// The signature shown in hints.
    pub(crate) fn signature(self) -> &'static str {
        self.def().signature
    }
}

funcs! {
    If => "If(Boolean, value, value)", NotSetRule::AfterFirst;
    IsSet => "IsSet(any)", NotSetRule::Always;
    IsNotSetOrEmpty => "IsNotSetOrEmpty(any)", NotSetRule::Always;
    Append => "Append(String, String, ...)", NotSetRule::Always;
    Trim => "Trim(String)", NotSetRule::Never;
    Lower => "Lower(String)", NotSetRule::Never;
    Upper => "Upper(String)", NotSetRule::Never;
    Length => "Length(String)", NotSetRule::Never;
    Substring => "Substring(String, start, length)", NotSetRule::Never;
    Left => "Left(String, count)", NotSetRule::Never;
    Right => "Right(String, count)", NotSetRule::Never;
    Contains => "Contains(String, String)", NotSetRule::Never;
    StartsWith => "StartsWith(String, String)", NotSetRule::Never;
    EndsWith => "EndsWith(String, String)", NotSetRule::Never;
    Replace => "Replace(String, search, replacement)", NotSetRule::Never;
    Split => "Split(String, delimiter)", NotSetRule::Never;
    FindString => "FindString(String, search)", NotSetRule::Never;
    ToString => "ToString(any) or ToString(collection, delimiter)", NotSetRule::First;
    ToDisplayString => "ToDisplayString(any)", NotSetRule::Always;
    ToInt => "ToInt(String or number)", NotSetRule::First;
    ToDecimal => "ToDecimal(String or number)", NotSetRule::First;
    ToBool => "ToBool(String or Boolean)", NotSetRule::First;
    ToDateTime => "ToDateTime(String or DateTime)", NotSetRule::First;
    ToDuration => "ToDuration(String or Duration)", NotSetRule::First;
    ToPhoneNumber => "ToPhoneNumber(String)", NotSetRule::First;
    ToScheduleGroup => "ToScheduleGroup(ScheduleGroup)", NotSetRule::First;
    GetCurrentDateTimeUtc => "GetCurrentDateTimeUtc()", NotSetRule::Never;
    DateTimeDiff => "DateTimeDiff(DateTime, DateTime)", NotSetRule::Never;
    AddDays => "AddDays(DateTime, Integer)", NotSetRule::Never;
    AddHours => "AddHours(DateTime, Integer)", NotSetRule::Never;
    AddMinutes => "AddMinutes(DateTime, Integer)", NotSetRule::Never;
    AddSeconds => "AddSeconds(DateTime, Integer)", NotSetRule::Never;
    MakeDuration => "MakeDuration(days, hours, minutes, seconds[, milliseconds])", NotSetRule::Never;
    Round => "Round(number)", NotSetRule::Never;
    Abs => "Abs(number)", NotSetRule::Never;
    Min => "Min(number, number, ...)", NotSetRule::Never;
    Max => "Max(number, number, ...)", NotSetRule::Never;
    MakeList => "MakeList(item, item, ...)", NotSetRule::Always;
    Count => "Count(collection)", NotSetRule::Never;
    GetAt => "GetAt(collection, index)", NotSetRule::Never;
    AddItem => "AddItem(collection, item)", NotSetRule::Only(1);
    AddItemAt => "AddItemAt(collection, index, item)", NotSetRule::Only(2);
    FindFirst => "FindFirst(collection, item)", NotSetRule::Only(1);
    JsonParse => "JsonParse(String)", NotSetRule::Never;
    GetJsonObjectProperty => "GetJsonObjectProperty(JSON, String)", NotSetRule::Never;
    AreEqual => "AreEqual(value, value)", NotSetRule::Always;
    FindQueue => "FindQueue(name)", NotSetRule::Never;
    FindQueueById => "FindQueueById(id)", NotSetRule::Never;
    FindSkill => "FindSkill(name)", NotSetRule::Never;
    FindUserById => "FindUserById(id)", NotSetRule::Never;
    FindEmergencyGroup => "FindEmergencyGroup(name)", NotSetRule::Never;
    MakeListAgentScorePair => "MakeListAgentScorePair(UserCollection, IntegerCollection)", NotSetRule::Never;
}

/// Architect caps collections at 2,000 items.
pub(crate) const MAX_LIST: usize = 2000;

/// Case-insensitive lookup.
pub(crate) fn lookup(name: &str) -> Option<Func> {
    REGISTRY
        .iter()
        .find(|d| d.name.eq_ignore_ascii_case(name))
        .map(|d| d.func)
}

/// The known function name closest to `name`, for a hint.
pub(crate) fn closest(name: &str) -> Option<&'static str> {
    crate::diag::closest(name, REGISTRY.iter().map(|d| d.name))
}

/// Whether argument `i` of `f` may be NOT_SET (otherwise: a runtime error).
pub(crate) fn allows_not_set(f: Func, i: usize) -> bool {
    f.def().not_set.allows(i)
}

/// A parameter kind for monomorphic signatures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum P {
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

fn ordinal(i: usize) -> String {
    format!("argument {}", i + 1)
}

/// The signature checks every typing rule is written with, on top of [`Typer`].
trait Sig: Typer {
    fn arity(&mut self, f: Func, n: usize, min: usize, max: Option<usize>, span: Span) -> bool {
        if n >= min && max.is_none_or(|m| n <= m) {
            return true;
        }
        let want = match max {
            Some(m) if m == min => format!("{min} argument{}", if min == 1 { "" } else { "s" }),
            Some(m) => format!("{min} to {m} arguments"),
            None => format!("at least {min} argument{}", if min == 1 { "" } else { "s" }),
        };
        self.error(
            span,
            format!("`{}` takes {want}, found {n}", f.name()),
            Some(format!("usage: {}", f.signature())),
        );
        false
    }

    /// A statically NOT_SET argument where the function rejects it.
    fn reject_not_set(&mut self, f: Func, i: usize, arg: &Expr) {
        self.error(
            arg.span,
            format!("`{}` does not accept NOT_SET as {}", f.name(), ordinal(i)),
            Some(NOT_SET_HELP.into()),
        );
    }

    /// Check one argument against a parameter kind.
    fn param(&mut self, f: Func, i: usize, arg: &mut Expr, t: &CTy, p: P) {
        match t {
            CTy::Unknown => {}
            CTy::NotSet => {
                if allows_not_set(f, i) {
                    self.settle(arg, &p.not_set_type());
                } else {
                    self.reject_not_set(f, i, arg);
                }
            }
            CTy::T(t) if p.accepts(t) => {}
            CTy::T(t) => {
                let help = match (p, t) {
                    (P::Str | P::StrOrNum | P::StrOrBool | P::StrOrDt | P::StrOrDur, _) => {
                        "convert it with ToString(...)".to_string()
                    }
                    (P::Int | P::Num, Type::String) => {
                        "convert it with ToInt(...) or ToDecimal(...)".into()
                    }
                    (P::Int, Type::Decimal) => "convert it with ToInt(...)".into(),
                    (P::Dt, Type::String) => "convert it with ToDateTime(...)".into(),
                    _ => format!("usage: {}", f.signature()),
                };
                self.error(
                    arg.span,
                    format!(
                        "{} of `{}` must be {}, found {t}",
                        ordinal(i),
                        f.name(),
                        p.describe()
                    ),
                    Some(help),
                );
            }
        }
    }

    /// Check a fixed signature and return `ret`.
    fn fixed(
        &mut self,
        f: Func,
        args: &mut [Expr],
        tys: &[CTy],
        span: Span,
        ps: &[P],
        ret: Type,
    ) -> CTy {
        if !self.arity(f, args.len(), ps.len(), Some(ps.len()), span) {
            return CTy::T(ret);
        }
        for (i, (a, p)) in args.iter_mut().zip(ps).enumerate() {
            self.param(f, i, a, &tys[i], *p);
        }
        CTy::T(ret)
    }

    /// Unify `items` (with their types) into one item type, promoting and settling them.
    fn items(&mut self, f: Func, first: usize, args: &mut [Expr], tys: &[CTy]) -> CTy {
        let mut acc = CTy::NotSet;
        for (i, t) in tys.iter().enumerate().skip(first) {
            match call::unify(&acc, t) {
                Some(u) => acc = u,
                None => {
                    self.error(
                        args[i].span,
                        format!(
                            "{} of `{}` is {}, but the others are {}",
                            ordinal(i),
                            f.name(),
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
            for (a, t) in args.iter_mut().zip(tys).skip(first) {
                self.coerce(a, t, ty);
            }
        }
        acc
    }

    /// The item type of a collection argument.
    fn list_arg(&mut self, f: Func, i: usize, args: &mut [Expr], tys: &[CTy]) -> CTy {
        match &tys[i] {
            CTy::T(Type::List(item)) => CTy::T((**item).clone()),
            CTy::Unknown => CTy::Unknown,
            t => {
                self.error(
                    args[i].span,
                    format!(
                        "{} of `{}` must be a collection, found {}",
                        ordinal(i),
                        f.name(),
                        t.describe()
                    ),
                    Some(format!("usage: {}", f.signature())),
                );
                CTy::Unknown
            }
        }
    }

    /// Check that an item fits a collection's item type.
    fn item_arg(&mut self, f: Func, i: usize, arg: &mut Expr, t: &CTy, item: &CTy) {
        let CTy::T(item_ty) = item else { return };
        match t {
            CTy::Unknown => {}
            CTy::NotSet => self.settle(arg, item_ty),
            CTy::T(x) if x == item_ty => {}
            CTy::T(Type::Integer) if item_ty == &Type::Decimal => self.coerce(arg, t, item_ty),
            CTy::T(x) => self.error(
                arg.span,
                format!(
                    "{} of `{}` must be {item_ty} to match the collection, found {x}",
                    ordinal(i),
                    f.name()
                ),
                None,
            ),
        }
    }
}

impl<T: Typer + ?Sized> Sig for T {}

/// Type a call to `f`.
pub(crate) fn check_call(
    ck: &mut dyn Typer,
    f: Func,
    args: &mut [Expr],
    tys: &[CTy],
    span: Span,
) -> CTy {
    use Func::*;
    use P::*;
    let n = args.len();
    match f {
        If => {
            if !ck.arity(f, n, 3, Some(3), span) {
                return CTy::Unknown;
            }
            ck.param(f, 0, &mut args[0], &tys[0], Bool);
            match call::unify(&tys[1], &tys[2]) {
                Some(CTy::NotSet) => CTy::NotSet,
                Some(u) => {
                    if let CTy::T(t) = &u {
                        let (a, b) = args.split_at_mut(2);
                        ck.coerce(&mut a[1], &tys[1], t);
                        ck.coerce(&mut b[0], &tys[2], t);
                    }
                    u
                }
                None => {
                    ck.error(
                        span,
                        format!(
                            "the branches of `If` have different types: {} and {}",
                            tys[1].describe(),
                            tys[2].describe()
                        ),
                        Some("both branches must have the same type; convert one with ToString(...), ToInt(...) or ToDecimal(...)".into()),
                    );
                    CTy::Unknown
                }
            }
        }
        IsSet | IsNotSetOrEmpty => ck.fixed(f, args, tys, span, &[Any], Type::Boolean),
        Append => {
            if ck.arity(f, n, 1, None, span) {
                for (i, a) in args.iter_mut().enumerate() {
                    ck.param(f, i, a, &tys[i], Str);
                }
            }
            CTy::T(Type::String)
        }
        Trim | Lower | Upper => ck.fixed(f, args, tys, span, &[Str], Type::String),
        Length => ck.fixed(f, args, tys, span, &[Str], Type::Integer),
        Substring => ck.fixed(f, args, tys, span, &[Str, Int, Int], Type::String),
        Left | Right => ck.fixed(f, args, tys, span, &[Str, Int], Type::String),
        Contains | StartsWith | EndsWith => {
            ck.fixed(f, args, tys, span, &[Str, Str], Type::Boolean)
        }
        Replace => ck.fixed(f, args, tys, span, &[Str, Str, Str], Type::String),
        Split => ck.fixed(
            f,
            args,
            tys,
            span,
            &[Str, Str],
            Type::List(Box::new(Type::String)),
        ),
        FindString => ck.fixed(f, args, tys, span, &[Str, Str], Type::Integer),
        ToString => {
            if n == 2 {
                ck.fixed(f, args, tys, span, &[List, Str], Type::String)
            } else {
                ck.fixed(f, args, tys, span, &[Any], Type::String)
            }
        }
        ToDisplayString => ck.fixed(f, args, tys, span, &[Any], Type::String),
        ToInt => ck.fixed(f, args, tys, span, &[StrOrNum], Type::Integer),
        ToDecimal => ck.fixed(f, args, tys, span, &[StrOrNum], Type::Decimal),
        ToBool => ck.fixed(f, args, tys, span, &[StrOrBool], Type::Boolean),
        ToDateTime => ck.fixed(f, args, tys, span, &[StrOrDt], Type::DateTime),
        ToDuration => ck.fixed(f, args, tys, span, &[StrOrDur], Type::Duration),
        ToPhoneNumber => ck.fixed(f, args, tys, span, &[Str], Type::PhoneNumber),
        ToScheduleGroup => ck.fixed(f, args, tys, span, &[Sched], Type::ScheduleGroup),
        GetCurrentDateTimeUtc => ck.fixed(f, args, tys, span, &[], Type::DateTime),
        DateTimeDiff => ck.fixed(f, args, tys, span, &[Dt, Dt], Type::Duration),
        AddDays | AddHours | AddMinutes | AddSeconds => {
            ck.fixed(f, args, tys, span, &[Dt, Int], Type::DateTime)
        }
        MakeDuration => {
            if ck.arity(f, n, 4, Some(5), span) {
                for (i, a) in args.iter_mut().enumerate() {
                    ck.param(f, i, a, &tys[i], Int);
                }
            }
            CTy::T(Type::Duration)
        }
        Round => ck.fixed(f, args, tys, span, &[Num], Type::Integer),
        Abs => {
            let t = tys.first().filter(|t| t.is_numeric()).cloned();
            ck.fixed(f, args, tys, span, &[Num], Type::Decimal);
            t.unwrap_or(CTy::Unknown)
        }
        Min | Max => {
            if !ck.arity(f, n, 2, None, span) {
                return CTy::Unknown;
            }
            for (i, a) in args.iter_mut().enumerate() {
                ck.param(f, i, a, &tys[i], Num);
            }
            if tys.iter().all(|t| t.is_numeric()) {
                ck.items(f, 0, args, tys)
            } else {
                CTy::Unknown
            }
        }
        MakeList => {
            if !ck.arity(f, n, 1, Some(MAX_LIST), span) {
                return CTy::Unknown;
            }
            match ck.items(f, 0, args, tys) {
                CTy::T(Type::List(_)) => {
                    ck.error(
                        span,
                        "collections of collections are not supported".into(),
                        None,
                    );
                    CTy::Unknown
                }
                CTy::T(t) => CTy::T(Type::List(Box::new(t))),
                CTy::NotSet => {
                    ck.error(
                        span,
                        "a collection of only NOT_SET has no item type".into(),
                        Some("give at least one item a type, e.g. MakeList(\"a\", NOT_SET)".into()),
                    );
                    CTy::Unknown
                }
                CTy::Unknown => CTy::Unknown,
            }
        }
        Count => {
            if ck.arity(f, n, 1, Some(1), span) {
                ck.list_arg(f, 0, args, tys);
            }
            CTy::T(Type::Integer)
        }
        GetAt => {
            if !ck.arity(f, n, 2, Some(2), span) {
                return CTy::Unknown;
            }
            ck.param(f, 1, &mut args[1], &tys[1], Int);
            ck.list_arg(f, 0, args, tys)
        }
        AddItem | FindFirst => {
            if !ck.arity(f, n, 2, Some(2), span) {
                return CTy::Unknown;
            }
            let item = ck.list_arg(f, 0, args, tys);
            ck.item_arg(f, 1, &mut args[1], &tys[1], &item);
            if f == FindFirst {
                CTy::T(Type::Integer)
            } else {
                tys[0].clone()
            }
        }
        AddItemAt => {
            if !ck.arity(f, n, 3, Some(3), span) {
                return CTy::Unknown;
            }
            let item = ck.list_arg(f, 0, args, tys);
            ck.param(f, 1, &mut args[1], &tys[1], Int);
            ck.item_arg(f, 2, &mut args[2], &tys[2], &item);
            tys[0].clone()
        }
        JsonParse => ck.fixed(f, args, tys, span, &[Str], Type::Json),
        GetJsonObjectProperty => ck.fixed(f, args, tys, span, &[Json, Str], Type::Json),
        AreEqual => {
            if ck.arity(f, n, 2, Some(2), span) && !call::comparable(&tys[0], &tys[1]) {
                ck.error(
                    span,
                    format!(
                        "`AreEqual` cannot compare {} with {}",
                        tys[0].describe(),
                        tys[1].describe()
                    ),
                    Some("both sides must have the same type".into()),
                );
            } else if n == 2 {
                match (&tys[0], &tys[1]) {
                    (CTy::NotSet, CTy::T(t)) => ck.settle(&mut args[0], t),
                    (CTy::T(t), CTy::NotSet) => ck.settle(&mut args[1], t),
                    (CTy::NotSet, CTy::NotSet) => {
                        ck.settle(&mut args[0], &Type::String);
                        ck.settle(&mut args[1], &Type::String);
                    }
                    _ => {}
                }
            }
            CTy::T(Type::Boolean)
        }
        FindQueue | FindQueueById => ck.fixed(f, args, tys, span, &[Str], Type::Queue),
        FindSkill => ck.fixed(f, args, tys, span, &[Str], Type::Skill),
        FindUserById => ck.fixed(f, args, tys, span, &[Str], Type::User),
        FindEmergencyGroup => ck.fixed(f, args, tys, span, &[Str], Type::EmergencyGroup),
        MakeListAgentScorePair => {
            let ret = Type::List(Box::new(Type::AgentScorePair));
            if !ck.arity(f, n, 2, Some(2), span) {
                return CTy::T(ret);
            }
            for (i, want) in [(0, Type::User), (1, Type::Integer)] {
                let want = Type::List(Box::new(want));
                match &tys[i] {
                    CTy::Unknown => {}
                    CTy::T(t) if *t == want => {}
                    t => ck.error(
                        args[i].span,
                        format!(
                            "{} of `{}` must be {want}, found {}",
                            ordinal(i),
                            f.name(),
                            t.describe()
                        ),
                        Some(format!("usage: {}", f.signature())),
                    ),
                }
            }
            CTy::T(ret)
        }
    }
}

// ---------------------------------------------------------------------------------------
// Evaluation

/// Text of a value as ToString gives it (NOT_SET handled by the callers).
pub(crate) fn to_text(v: &Value) -> String {
    match v {
        Value::NotSet(_) => String::new(),
        Value::String(s) => s.clone(),
        Value::Integer(i) => i.to_string(),
        Value::Decimal(d) => format_decimal(*d),
        Value::Boolean(b) => b.to_string(),
        Value::DateTime(d) => d.to_iso(),
        Value::Duration(d) => d.to_iso(),
        Value::Json(serde_json::Value::String(s)) => s.clone(),
        Value::Json(j) => j.to_string(),
        Value::Entity(_, e) => e.name.clone(),
        Value::List(_, items) => items.iter().map(to_text).collect::<Vec<_>>().join(","),
    }
}

/// A Decimal as text: at most 15 significant digits, so binary noise (`0.1 + 0.2`) does
/// not show, and no exponent.
pub(crate) fn format_decimal(d: f64) -> String {
    let rounded: f64 = format!("{d:.14e}").parse().unwrap_or(d);
    let s = format!("{rounded}");
    if s == "-0" { "0".into() } else { s }
}

/// Strict decimal syntax: optional sign, digits, optional fraction (no exponent, no
/// `inf`/`nan`, no surrounding spaces).
fn parse_decimal(s: &str) -> Option<f64> {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (int, frac) = body.split_once('.').unwrap_or((body, "0"));
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if !(digits(int) && digits(frac)) {
        return None;
    }
    s.parse().ok().filter(|d: &f64| d.is_finite())
}

fn chars_at(s: &str, start: usize, len: usize) -> Option<&str> {
    let mut idx = s
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(s.len()));
    let from = idx.nth(start)?;
    let to = if len == 0 { from } else { idx.nth(len - 1)? };
    s.get(from..to)
}

fn entity(t: Type, id: &str, name: &str) -> Value {
    Value::Entity(
        t,
        Entity {
            id: Some(id.to_string()),
            name: name.to_string(),
        },
    )
}

/// A phone number from `tel:+15551234567`, `+1 (555) 123-4567`, …: E.164 or an error.
fn phone_number(s: &str) -> Result<String, String> {
    let body = s.strip_prefix("tel:").unwrap_or(s);
    let mut out = String::from("+");
    let rest = body.trim().strip_prefix('+').ok_or_else(|| {
        format!(
            "`{s}` is not an international phone number (it needs a leading `+` and country code)"
        )
    })?;
    for c in rest.chars() {
        match c {
            '0'..='9' => out.push(c),
            ' ' | '-' | '(' | ')' | '.' => {}
            _ => return Err(format!("`{s}` is not a phone number")),
        }
    }
    if !(8..=16).contains(&out.len()) {
        return Err(format!(
            "`{s}` is not a phone number (E.164 has 7 to 15 digits)"
        ));
    }
    Ok(out)
}

/// A whole f64 as an i64, if it fits.
fn whole(f: f64) -> Option<i64> {
    (-9.223_372_036_854_776e18..9.223_372_036_854_776e18)
        .contains(&f)
        .then_some(f as i64)
}

fn int_arg(v: &Value) -> i64 {
    match v {
        Value::Integer(i) => *i,
        _ => 0,
    }
}

fn num(v: &Value) -> f64 {
    match v {
        Value::Integer(i) => *i as f64,
        Value::Decimal(d) => *d,
        _ => 0.0,
    }
}

fn index_in(i: i64, len: usize, what: &str, span: Span) -> Result<usize, ExprError> {
    usize::try_from(i).ok().filter(|&u| u < len).ok_or_else(|| {
        rt(
            span,
            format!("{what} {i} is out of range for a collection of {len} items"),
            Some("indexes are 0-based; check with Count(...) first".into()),
        )
    })
}

fn list_of(v: Value) -> (Type, Vec<Value>) {
    match v {
        Value::List(t, items) => (t, items),
        other => (other.ty(), Vec::new()),
    }
}

fn shift(dt: DateTime, amount: i64, unit_ms: i64, span: Span) -> Result<Value, ExprError> {
    amount
        .checked_mul(unit_ms)
        .and_then(|d| dt.0.checked_add(d))
        .and_then(DateTime::checked)
        .map(Value::DateTime)
        .ok_or_else(|| rt(span, "the date is out of range (years 1 to 9999)", None))
}

/// The conversion functions on a set value of another type: the result, or a message
/// and hint.
fn convert(f: Func, v: &Value) -> Result<Value, (String, Option<String>)> {
    if let (Func::ToInt, Value::Decimal(d)) = (f, v) {
        return whole(d.trunc()).map(Value::Integer).ok_or_else(|| {
            (
                format!("{} does not fit an Integer", format_decimal(*d)),
                None,
            )
        });
    }
    if let (Func::ToDecimal, Value::Integer(i)) = (f, v) {
        return Ok(Value::Decimal(*i as f64));
    }
    let text = to_text(v);
    let cannot = |what: &str| {
        format!(
            "`{}` cannot convert \"{}\"{what}",
            f.name(),
            text.escape_debug()
        )
    };
    let hint = |h: &str| Some(h.to_string());
    match f {
        Func::ToInt => text.parse().map(Value::Integer).map_err(|_| {
            (
                cannot(" to an Integer"),
                hint("only whole numbers such as \"42\" or \"-7\" convert; guard with If(...)"),
            )
        }),
        Func::ToDecimal => parse_decimal(&text).map(Value::Decimal).ok_or_else(|| {
            (
                cannot(" to a Decimal"),
                hint("numbers such as \"4.5\" or \"-2\" convert"),
            )
        }),
        Func::ToBool if text.eq_ignore_ascii_case("true") => Ok(Value::Boolean(true)),
        Func::ToBool if text.eq_ignore_ascii_case("false") => Ok(Value::Boolean(false)),
        Func::ToBool => Err((
            cannot(" to a Boolean"),
            hint("only \"true\" and \"false\" (any case) convert"),
        )),
        Func::ToDateTime => DateTime::parse(&text).map(Value::DateTime).map_err(|e| {
            (
                cannot(&format!(": {e}")),
                hint("use ISO 8601, e.g. \"2024-05-01T09:30:00.000Z\""),
            )
        }),
        Func::ToDuration => Duration::parse(&text).map(Value::Duration).map_err(|e| {
            (
                cannot(&format!(": {e}")),
                hint("use ISO 8601, e.g. \"P0DT1H30M0S\""),
            )
        }),
        Func::ToPhoneNumber => phone_number(&text)
            .map(|e164| entity(Type::PhoneNumber, &e164, &e164))
            .map_err(|e| (e, None)),
        _ => Err((format!("`{}` is not a conversion", f.name()), None)),
    }
}

/// Evaluate a call. `span` is the whole call.
pub(crate) fn call(
    ev: &dyn Evaluator,
    f: Func,
    args: &[Expr],
    ty: &Type,
    span: Span,
) -> Result<Value, ExprError> {
    use Func::*;
    // Argument i, NOT_SET rejected unless the function allows it.
    let arg = |i: usize| -> Result<Value, ExprError> {
        let a = args
            .get(i)
            .ok_or_else(|| rt(span, format!("`{}` is missing an argument", f.name()), None))?;
        let v = ev.eval(a)?;
        if v.is_not_set() && !allows_not_set(f, i) {
            return Err(rt(
                a.span,
                format!("{} of `{}` is NOT_SET", ordinal(i), f.name()),
                Some(NOT_SET_HELP.into()),
            ));
        }
        Ok(v)
    };
    let s = |i: usize| -> Result<String, ExprError> {
        Ok(match arg(i)? {
            Value::String(s) => s,
            other => to_text(&other),
        })
    };
    let int = |i: usize| -> Result<i64, ExprError> { Ok(int_arg(&arg(i)?)) };
    let dt = |i: usize| -> Result<DateTime, ExprError> {
        match arg(i)? {
            Value::DateTime(d) => Ok(d),
            other => Err(rt(
                span,
                format!("expected a DateTime, found {}", other.ty()),
                None,
            )),
        }
    };
    let arg_span = |i: usize| args.get(i).map_or(span, |a| a.span);
    Ok(match f {
        If => {
            let cond = match args.first() {
                Some(c) => ev.eval(c)?,
                None => return Err(rt(span, "`If` is missing its condition", None)),
            };
            match cond {
                Value::Boolean(true) => arg(1)?,
                Value::Boolean(false) => arg(2)?,
                Value::NotSet(_) => {
                    return Err(rt(
                        arg_span(0),
                        "the condition of `If` is NOT_SET",
                        Some(NOT_SET_HELP.into()),
                    ));
                }
                other => {
                    return Err(rt(
                        arg_span(0),
                        format!("condition is {}", other.ty()),
                        None,
                    ));
                }
            }
        }
        IsSet => Value::Boolean(!arg(0)?.is_not_set()),
        IsNotSetOrEmpty => Value::Boolean(match arg(0)? {
            Value::NotSet(_) => true,
            Value::String(s) => s.is_empty(),
            Value::Json(serde_json::Value::String(s)) => s.is_empty(),
            Value::Json(serde_json::Value::Null) => true,
            Value::List(_, items) => items.is_empty(),
            _ => false,
        }),
        Append => {
            let mut out = String::new();
            for a in args {
                match ev.eval(a)? {
                    Value::NotSet(_) => {}
                    Value::String(x) => out.push_str(&x),
                    other => out.push_str(&to_text(&other)),
                }
            }
            Value::String(out)
        }
        Trim => Value::String(s(0)?.trim().to_string()),
        Lower => Value::String(s(0)?.to_lowercase()),
        Upper => Value::String(s(0)?.to_uppercase()),
        Length => Value::Integer(s(0)?.chars().count() as i64),
        Substring => {
            let text = s(0)?;
            let (start, len) = (int(1)?, int(2)?);
            let count = text.chars().count();
            let sub = usize::try_from(start)
                .ok()
                .zip(usize::try_from(len).ok())
                .filter(|(a, b)| a.checked_add(*b).is_some_and(|e| e <= count))
                .and_then(|(a, b)| chars_at(&text, a, b));
            match sub {
                Some(x) => Value::String(x.to_string()),
                None => {
                    return Err(rt(
                        span,
                        format!("Substring start {start}, length {len} is out of range for a string of {count} characters"),
                        Some("start is 0-based and start + length must not exceed Length(...); guard with If(...)".into()),
                    ));
                }
            }
        }
        Left | Right => {
            let text = s(0)?;
            let k = int(1)?;
            let count = text.chars().count();
            let Some(k) = usize::try_from(k).ok().filter(|&k| k <= count) else {
                return Err(rt(
                    arg_span(1),
                    format!(
                        "`{}` count {k} is out of range for a string of {count} characters",
                        f.name()
                    ),
                    Some("the count must be between 0 and the string's length".into()),
                ));
            };
            let from = if f == Left { 0 } else { count - k };
            Value::String(chars_at(&text, from, k).unwrap_or_default().to_string())
        }
        Contains => Value::Boolean(s(0)?.contains(&s(1)?)),
        StartsWith => Value::Boolean(s(0)?.starts_with(&s(1)?)),
        EndsWith => Value::Boolean(s(0)?.ends_with(&s(1)?)),
        Replace => {
            let (text, from, to) = (s(0)?, s(1)?, s(2)?);
            if from.is_empty() {
                return Err(rt(
                    arg_span(1),
                    "`Replace` cannot search for an empty string",
                    None,
                ));
            }
            Value::String(text.replace(&from, &to))
        }
        Split => {
            let (text, delim) = (s(0)?, s(1)?);
            if delim.is_empty() {
                return Err(rt(arg_span(1), "`Split` needs a non-empty delimiter", None));
            }
            let items: Vec<Value> = text
                .split(&delim)
                .map(|p| Value::String(p.to_string()))
                .collect();
            if items.len() > MAX_LIST {
                return Err(rt(
                    span,
                    format!(
                        "`Split` would make {} items; collections hold at most {MAX_LIST}",
                        items.len()
                    ),
                    None,
                ));
            }
            Value::List(Type::String, items)
        }
        FindString => {
            let (text, needle) = (s(0)?, s(1)?);
            Value::Integer(
                text.find(&needle)
                    .map_or(-1, |b| text[..b].chars().count() as i64),
            )
        }
        ToString if args.len() == 2 => {
            let (_, items) = list_of(arg(0)?);
            let delim = s(1)?;
            let mut out = String::new();
            for (i, item) in items.iter().enumerate() {
                if item.is_not_set() {
                    return Err(rt(
                        arg_span(0),
                        format!("item {i} of the collection is NOT_SET"),
                        Some(NOT_SET_HELP.into()),
                    ));
                }
                if i > 0 {
                    out.push_str(&delim);
                }
                out.push_str(&to_text(item));
            }
            Value::String(out)
        }
        ToString => match arg(0)? {
            Value::NotSet(_) => Value::NotSet(Type::String),
            v => Value::String(to_text(&v)),
        },
        ToDisplayString => Value::String(to_text(&arg(0)?)),
        ToInt | ToDecimal | ToBool | ToDateTime | ToDuration | ToPhoneNumber => {
            let v = arg(0)?;
            if v.is_not_set() {
                return Ok(Value::NotSet(ty.clone()));
            }
            if v.ty() == *ty {
                return Ok(v);
            }
            convert(f, &v).map_err(|(msg, help)| rt(arg_span(0), msg, help))?
        }
        ToScheduleGroup => arg(0)?,
        GetCurrentDateTimeUtc => Value::DateTime(ev.context().now),
        DateTimeDiff => {
            let (a, b) = (dt(0)?, dt(1)?);
            Value::Duration(Duration(
                a.0.checked_sub(b.0)
                    .ok_or_else(|| rt(span, "duration out of range", None))?,
            ))
        }
        AddDays => shift(dt(0)?, int(1)?, 86_400_000, span)?,
        AddHours => shift(dt(0)?, int(1)?, 3_600_000, span)?,
        AddMinutes => shift(dt(0)?, int(1)?, 60_000, span)?,
        AddSeconds => shift(dt(0)?, int(1)?, 1_000, span)?,
        MakeDuration => {
            let mut total: i64 = 0;
            for (i, unit) in [86_400_000i64, 3_600_000, 60_000, 1_000, 1]
                .iter()
                .enumerate()
            {
                if i < args.len() {
                    total = int(i)?
                        .checked_mul(*unit)
                        .and_then(|x| total.checked_add(x))
                        .ok_or_else(|| rt(span, "duration out of range", None))?;
                }
            }
            Value::Duration(Duration(total))
        }
        Round => match arg(0)? {
            Value::Integer(i) => Value::Integer(i),
            v => {
                if let Some(i) = whole(num(&v).round()) {
                    Value::Integer(i)
                } else {
                    return Err(rt(span, "the rounded value does not fit an Integer", None));
                }
            }
        },
        Abs => match arg(0)? {
            Value::Integer(i) => Value::Integer(
                i.checked_abs()
                    .ok_or_else(|| rt(span, "integer overflow in `Abs`", None))?,
            ),
            v => Value::Decimal(num(&v).abs()),
        },
        Min | Max => {
            let mut best = arg(0)?;
            for i in 1..args.len() {
                let v = arg(i)?;
                let better = if f == Min {
                    num(&v) < num(&best)
                } else {
                    num(&v) > num(&best)
                };
                if better {
                    best = v;
                }
            }
            best
        }
        MakeList => {
            let item_ty = match ty {
                Type::List(t) => (**t).clone(),
                other => other.clone(),
            };
            let mut items = Vec::with_capacity(args.len());
            for a in args {
                items.push(ev.eval(a)?);
            }
            Value::List(item_ty, items)
        }
        Count => Value::Integer(list_of(arg(0)?).1.len() as i64),
        GetAt => {
            let (_, mut items) = list_of(arg(0)?);
            let i = index_in(int(1)?, items.len(), "index", arg_span(1))?;
            items.swap_remove(i)
        }
        AddItem => {
            let (t, mut items) = list_of(arg(0)?);
            if items.len() >= MAX_LIST {
                return Err(rt(
                    span,
                    format!("collections hold at most {MAX_LIST} items"),
                    None,
                ));
            }
            items.push(arg(1)?);
            Value::List(t, items)
        }
        AddItemAt => {
            let (t, mut items) = list_of(arg(0)?);
            let at = int(1)?;
            let len = items.len();
            let at = usize::try_from(at)
                .ok()
                .filter(|&u| u <= len)
                .ok_or_else(|| {
                    rt(
                        arg_span(1),
                        format!("position {at} is out of range for a collection of {len} items"),
                        Some("positions are 0-based, from 0 to Count(...)".into()),
                    )
                })?;
            if len >= MAX_LIST {
                return Err(rt(
                    span,
                    format!("collections hold at most {MAX_LIST} items"),
                    None,
                ));
            }
            items.insert(at, arg(2)?);
            Value::List(t, items)
        }
        FindFirst => {
            let (_, items) = list_of(arg(0)?);
            let needle = arg(1)?;
            Value::Integer(
                items
                    .iter()
                    .position(|x| super::eval::equal(x, &needle))
                    .map_or(-1, |p| p as i64),
            )
        }
        JsonParse => {
            let text = s(0)?;
            Value::Json(serde_json::from_str(&text).map_err(|e| {
                rt(
                    arg_span(0),
                    format!("`JsonParse` cannot parse the text: {e}"),
                    None,
                )
            })?)
        }
        GetJsonObjectProperty => {
            let j = arg(0)?;
            let key = s(1)?;
            match j {
                Value::Json(serde_json::Value::Object(mut m)) => match m.remove(&key) {
                    Some(v) => Value::Json(v),
                    None => Value::NotSet(Type::Json),
                },
                other => {
                    return Err(rt(
                        arg_span(0),
                        format!(
                            "`GetJsonObjectProperty` needs a JSON object, found {}",
                            to_text(&other)
                        ),
                        None,
                    ));
                }
            }
        }
        AreEqual => Value::Boolean(super::eval::equal(&arg(0)?, &arg(1)?)),
        FindQueueById => {
            let id = s(0)?;
            match ev.context().directory.queues.get(&id) {
                Some(name) => entity(Type::Queue, &id, name),
                None => Value::NotSet(Type::Queue),
            }
        }
        FindUserById => {
            let id = s(0)?;
            match ev.context().directory.users.get(&id) {
                Some(name) => entity(Type::User, &id, name),
                None => Value::NotSet(Type::User),
            }
        }
        FindQueue | FindSkill => {
            let name = s(0)?;
            let (map, t) = if f == FindQueue {
                (&ev.context().directory.queues, Type::Queue)
            } else {
                (&ev.context().directory.skills, Type::Skill)
            };
            match map.iter().find(|(_, n)| **n == name) {
                Some((id, n)) => entity(t, id, n),
                None => Value::NotSet(t),
            }
        }
        FindEmergencyGroup => {
            s(0)?;
            Value::NotSet(Type::EmergencyGroup)
        }
        MakeListAgentScorePair => {
            let (_, users) = list_of(arg(0)?);
            let (_, scores) = list_of(arg(1)?);
            if users.len() != scores.len() {
                return Err(rt(
                    span,
                    format!("{} users but {} scores", users.len(), scores.len()),
                    Some("pass one score per user".into()),
                ));
            }
            let mut pairs = Vec::with_capacity(users.len());
            for (i, (u, sc)) in users.iter().zip(&scores).enumerate() {
                match (u, sc) {
                    (Value::Entity(_, e), Value::Integer(score)) => pairs.push(Value::Entity(
                        Type::AgentScorePair,
                        Entity {
                            id: e.id.clone(),
                            name: format!("{}:{score}", e.name),
                        },
                    )),
                    _ => {
                        return Err(rt(
                            span,
                            format!("user or score {i} is NOT_SET"),
                            Some("an unknown user id gives NOT_SET; guard with IsSet(...)".into()),
                        ));
                    }
                }
            }
            Value::List(Type::AgentScorePair, pairs)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_text() {
        for (d, s) in [
            (2.5, "2.5"),
            (3.0, "3"),
            (0.1 + 0.2, "0.3"),
            (-0.0, "0"),
            (1e21, "1000000000000000000000"),
        ] {
            assert_eq!(format_decimal(d), s);
        }
    }

    #[test]
    fn strict_decimal_syntax() {
        assert_eq!(parse_decimal("-4.5"), Some(-4.5));
        for bad in ["", "1e5", "inf", "NaN", " 1", "1.", ".5", "1.2.3"] {
            assert_eq!(parse_decimal(bad), None, "{bad}");
        }
    }

    #[test]
    fn phone_numbers() {
        assert_eq!(
            phone_number("tel:+1 (317) 555-0100").as_deref(),
            Ok("+13175550100")
        );
        assert!(phone_number("3175550100").is_err());
        assert!(phone_number("+1abc").is_err());
    }

    #[test]
    fn every_function_has_a_distinct_name() {
        for (i, d) in REGISTRY.iter().enumerate() {
            assert_eq!(d.func as usize, i, "{} is at its discriminant", d.name);
            assert_eq!(lookup(&d.name.to_lowercase()), Some(d.func));
            assert!(
                d.signature.starts_with(&format!("{}(", d.name)),
                "{}",
                d.name
            );
        }
    }

    /// Every registered function is documented (a row of the Functions table of
    /// docs/fidelity.md) and evaluated (a call in the table-driven evaluation tests,
    /// tests/expr_eval.rs: "the evaluation table").
    #[test]
    fn every_registered_function_has_a_fidelity_row_and_an_evaluation_test() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let fidelity = std::fs::read_to_string(root.join("docs/fidelity.md")).unwrap();
        let section = fidelity
            .split("\n## Functions")
            .nth(1)
            .map(|s| s.split("\n## ").next().unwrap_or(s))
            .unwrap_or_default();
        let rows: Vec<&str> = section.lines().filter(|l| l.starts_with("| `")).collect();
        let eval = std::fs::read_to_string(root.join("tests/expr_eval.rs"))
            .unwrap()
            .to_lowercase();
        let mut missing = vec![];
        for d in REGISTRY {
            // A row names the function in its first cell: "| `Name(...)`", "| `A`, `Name`".
            let documented = rows.iter().any(|r| {
                let first_cell = r.split(" | ").next().unwrap_or_default();
                first_cell.contains(&format!("`{}(", d.name))
                    || first_cell.contains(&format!("`{}`", d.name))
            });
            if !documented {
                missing.push(format!("{}: no row in docs/fidelity.md", d.name));
            }
            let call = format!("{}(", d.name.to_lowercase());
            let tested = eval.match_indices(&call).any(|(i, _)| {
                !eval[..i]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
            });
            if !tested {
                missing.push(format!("{}: no call in tests/expr_eval.rs", d.name));
            }
        }
        assert!(missing.is_empty(), "{missing:#?}");
    }
}
