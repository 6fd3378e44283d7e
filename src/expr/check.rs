//! Static typing: resolves variable paths against the [`Scope`], types each call by its
//! registry entry, gives every node its type and collects every type error with a hint.

use super::ast::{BinOp, Expr, Kind, Member, UnOp, with_stack};
use super::call::Typer;
pub(crate) use super::call::{CTy, NOT_SET_HELP, comparable, is_scalar};
use super::error::{ErrorKind, ExprError, Span};
use super::functions::{self, Function};
use super::scope::Scope;
use super::types::Type;
use super::value::Value;

pub(crate) struct Checker<'s> {
    scope: &'s Scope,
    pub errors: Vec<ExprError>,
}

impl<'s> Checker<'s> {
    pub(crate) fn new(scope: &'s Scope) -> Self {
        Checker {
            scope,
            errors: Vec::new(),
        }
    }

    pub(crate) fn error(&mut self, span: Span, message: impl Into<String>, help: Option<String>) {
        self.errors.push(ExprError {
            kind: ErrorKind::Type,
            message: message.into(),
            span,
            help,
        });
    }

    /// Type `e` and everything under it.
    pub(crate) fn check(&mut self, e: &mut Expr) -> CTy {
        with_stack(|| self.check_node(e))
    }

    fn check_node(&mut self, e: &mut Expr) -> CTy {
        let span = e.span;
        let cty = match &mut e.kind {
            Kind::Lit(v) => CTy::T(v.ty()),
            Kind::NotSet => CTy::NotSet,
            Kind::Error => CTy::Unknown,
            Kind::Var { .. } => CTy::T(e.ty.clone()),
            Kind::Path(_) => return self.resolve_path(e),
            Kind::Unary(op, a) => {
                let op = *op;
                let t = self.check(a);
                self.unary(op, &t, a.span, span)
            }
            Kind::Binary(op, a, b) => {
                let op = *op;
                let ta = self.check(a);
                let tb = self.check(b);
                self.binary(op, a, b, &ta, &tb, span)
            }
            Kind::Call {
                name,
                name_span,
                func,
                args,
            } => {
                let tys: Vec<CTy> = args.iter_mut().map(|a| self.check(a)).collect();
                match *func {
                    Some(f) => f.check(&mut CallTyper {
                        ck: self,
                        args,
                        tys: &tys,
                        span,
                    }),
                    None => {
                        let help = functions::closest(name).map(|n| format!("did you mean `{n}`?"));
                        self.error(*name_span, format!("unknown function `{name}`"), help);
                        CTy::Unknown
                    }
                }
            }
            Kind::Index(a, i) => {
                let ta = self.check(a);
                let ti = self.check(i);
                self.expect_arg(i, &ti, &Type::Integer, "a collection index");
                match ta {
                    CTy::T(Type::List(item)) => CTy::T(*item),
                    CTy::Unknown => CTy::Unknown,
                    other => {
                        self.error(
                            a.span,
                            format!(
                                "cannot index {}: `[...]` needs a collection",
                                other.describe()
                            ),
                            None,
                        );
                        CTy::Unknown
                    }
                }
            }
            Kind::Member(a, name, name_span, member) => {
                let ta = self.check(a);
                let (m, t) = self.member(&ta, name, *name_span);
                *member = m;
                t
            }
        };
        if let CTy::T(t) = &cty {
            e.ty = t.clone();
        }
        cty
    }

    /// Give an untyped `NOT_SET` literal (possibly inside `If` branches) its type, and
    /// wrap an Integer where a Decimal is required in the promotion.
    pub(crate) fn coerce(&mut self, e: &mut Expr, from: &CTy, to: &Type) {
        match from {
            CTy::NotSet => settle(e, to),
            CTy::T(Type::Integer) if *to == Type::Decimal => {
                wrap(e, &functions::TO_DECIMAL, Type::Decimal)
            }
            _ => {}
        }
    }

    /// Check that an argument fits `want`, coercing NOT_SET/Integer; reports a mismatch.
    pub(crate) fn expect_arg(&mut self, e: &mut Expr, t: &CTy, want: &Type, what: &str) -> bool {
        let fits = match t {
            CTy::Unknown => true,
            CTy::NotSet => is_scalar(want),
            CTy::T(t) => t == want || (t == &Type::Integer && want == &Type::Decimal),
        };
        if fits {
            self.coerce(e, t, want);
        } else {
            self.error(
                e.span,
                format!("{what} must be {want}, found {}", t.describe()),
                conversion_hint(t, want),
            );
        }
        fits
    }

    fn resolve_path(&mut self, e: &mut Expr) -> CTy {
        let Kind::Path(segs) = &e.kind else {
            return CTy::Unknown;
        };
        let segs = segs.clone();
        // Longest declared prefix wins: `Message.Message.body`, `State.Queue` + `.id`.
        for n in (1..=segs.len()).rev() {
            let name = segs[..n]
                .iter()
                .map(|s| s.0.as_str())
                .collect::<Vec<_>>()
                .join(".");
            if let Some(decl) = self.scope.lookup(&name) {
                let var_span = Span::new(segs[0].1.start, segs[n - 1].1.end);
                let mut node = Expr::new(
                    Kind::Var {
                        key: name.to_ascii_lowercase().into(),
                        name: decl.name.clone().into(),
                    },
                    var_span,
                );
                node.ty = decl.ty.clone();
                for (m, mspan) in &segs[n..] {
                    let span = Span::new(var_span.start, mspan.end);
                    node = Expr::new(Kind::Member(Box::new(node), m.clone(), *mspan, None), span);
                }
                *e = node;
                return self.check(e);
            }
        }
        let full = segs
            .iter()
            .map(|s| s.0.as_str())
            .collect::<Vec<_>>()
            .join(".");
        // `Format.Date.shortYear`, `Format.String.playChars`: the formatting hints
        // ToCommunication takes (how a value is read out); a constant, its own name.
        if segs.len() == 3 && segs[0].0 == "Format" {
            e.kind = Kind::Lit(Value::String(full));
            e.ty = Type::String;
            return CTy::T(Type::String);
        }
        let first = segs[0].0.to_ascii_lowercase();
        let message = if ["flow", "state", "task", "message"].contains(&first.as_str()) {
            format!("unknown variable `{full}`")
        } else if segs.len() == 1 {
            format!("unknown name `{full}`")
        } else {
            format!("unknown variable `{full}`")
        };
        let help = if first == "not" && segs.len() == 1 {
            Some("Architect negates with `!`".to_string())
        } else {
            closest_var(self.scope, &full)
                .map(|n| format!("did you mean `{n}`?"))
                .or_else(|| {
                    Some(
                        "variables are written `Flow.Name`, `State.Name` or `Task.Name` and must be declared"
                            .to_string(),
                    )
                })
        };
        self.error(e.span, message, help);
        CTy::Unknown
    }

    fn member(&mut self, on: &CTy, name: &str, span: Span) -> (Option<Member>, CTy) {
        let t = match on {
            CTy::Unknown => return (None, CTy::Unknown),
            CTy::NotSet => {
                self.error(
                    span,
                    format!("NOT_SET has no member `{name}`"),
                    Some(NOT_SET_HELP.into()),
                );
                return (None, CTy::Unknown);
            }
            CTy::T(t) => t,
        };
        let lower = name.to_ascii_lowercase();
        let members: &[(&str, Member)] = match t {
            Type::PhoneNumber => &[("e164", Member::E164), ("dialingcode", Member::DialingCode)],
            t if t.is_entity() => &[("id", Member::Id), ("name", Member::Name)],
            _ => &[],
        };
        if let Some((_, m)) = members.iter().find(|(n, _)| *n == lower) {
            return (Some(*m), CTy::T(Type::String));
        }
        let help = if members.is_empty() {
            match t {
                Type::Json => {
                    Some("read JSON properties with GetJsonObjectProperty(json, \"key\")".into())
                }
                _ => None,
            }
        } else {
            Some(format!(
                "{t} has: {}",
                members
                    .iter()
                    .map(|(n, _)| match *n {
                        "dialingcode" => "dialingCode",
                        n => n,
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        };
        self.error(span, format!("{t} has no member `{name}`"), help);
        (None, CTy::Unknown)
    }

    fn unary(&mut self, op: UnOp, t: &CTy, operand: Span, span: Span) -> CTy {
        let ok = match (op, t) {
            (_, CTy::Unknown) => return CTy::Unknown,
            (_, CTy::NotSet) => {
                self.error(
                    span,
                    format!("`{}` on NOT_SET always fails at run time", op.symbol()),
                    Some(NOT_SET_HELP.into()),
                );
                return CTy::Unknown;
            }
            (UnOp::Neg | UnOp::Pos, CTy::T(Type::Integer | Type::Decimal | Type::Duration)) => true,
            (UnOp::Not, CTy::T(Type::Boolean)) => true,
            (UnOp::BitNot, CTy::T(Type::Integer)) => true,
            _ => false,
        };
        if ok {
            return t.clone();
        }
        let want = match op {
            UnOp::Neg | UnOp::Pos => "a number or Duration",
            UnOp::Not => "a Boolean",
            UnOp::BitNot => "an Integer",
        };
        self.error(
            operand,
            format!("`{}` needs {want}, found {}", op.symbol(), t.describe()),
            (op == UnOp::BitNot && t == &CTy::T(Type::Boolean))
                .then(|| "negate a Boolean with `!`".to_string()),
        );
        CTy::Unknown
    }

    fn binary(
        &mut self,
        op: BinOp,
        a: &mut Expr,
        b: &mut Expr,
        ta: &CTy,
        tb: &CTy,
        span: Span,
    ) -> CTy {
        use Type as T;
        if matches!(ta, CTy::Unknown) || matches!(tb, CTy::Unknown) {
            return match op {
                BinOp::Eq
                | BinOp::Ne
                | BinOp::Lt
                | BinOp::Le
                | BinOp::Gt
                | BinOp::Ge
                | BinOp::And
                | BinOp::Or => CTy::T(T::Boolean),
                _ => CTy::Unknown,
            };
        }
        if matches!(op, BinOp::Eq | BinOp::Ne) {
            if comparable(ta, tb) {
                match (ta, tb) {
                    (CTy::NotSet, CTy::T(t)) => settle(a, t),
                    (CTy::T(t), CTy::NotSet) => settle(b, t),
                    (CTy::NotSet, CTy::NotSet) => {
                        settle(a, &T::String);
                        settle(b, &T::String);
                    }
                    _ => {}
                }
            } else {
                self.error(
                    span,
                    format!(
                        "cannot compare {} with {} using `{}`",
                        ta.describe(),
                        tb.describe(),
                        op.symbol()
                    ),
                    Some(compare_hint(ta, tb)),
                );
            }
            return CTy::T(T::Boolean);
        }
        if matches!(ta, CTy::NotSet) || matches!(tb, CTy::NotSet) {
            let at = if matches!(ta, CTy::NotSet) {
                a.span
            } else {
                b.span
            };
            self.error(
                at,
                format!(
                    "`{}` with a NOT_SET operand always fails at run time",
                    op.symbol()
                ),
                Some(NOT_SET_HELP.into()),
            );
            return CTy::Unknown;
        }
        let (CTy::T(x), CTy::T(y)) = (ta, tb) else {
            return CTy::Unknown;
        };
        let num = || {
            if x == &T::Integer && y == &T::Integer {
                T::Integer
            } else {
                T::Decimal
            }
        };
        let both_num = x.is_numeric() && y.is_numeric();
        let result = match op {
            BinOp::And | BinOp::Or if x == &T::Boolean && y == &T::Boolean => Some(T::Boolean),
            BinOp::BitAnd | BinOp::BitOr if x == &T::Integer && y == &T::Integer => {
                Some(T::Integer)
            }
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
                if both_num || (x == y && matches!(x, T::String | T::DateTime | T::Duration)) =>
            {
                Some(T::Boolean)
            }
            BinOp::Add => match (x, y) {
                _ if both_num => Some(num()),
                (T::String, T::String) => Some(T::String),
                (T::DateTime, T::Duration) | (T::Duration, T::DateTime) => Some(T::DateTime),
                (T::Duration, T::Duration) => Some(T::Duration),
                _ => None,
            },
            BinOp::Sub => match (x, y) {
                _ if both_num => Some(num()),
                (T::DateTime, T::Duration) => Some(T::DateTime),
                (T::DateTime, T::DateTime) | (T::Duration, T::Duration) => Some(T::Duration),
                _ => None,
            },
            BinOp::Mul | BinOp::Mod if both_num => Some(num()),
            BinOp::Div | BinOp::Pow if both_num => Some(T::Decimal),
            _ => None,
        };
        if let Some(t) = result {
            return CTy::T(t);
        }
        let (want, help) = match op {
            BinOp::And | BinOp::Or => ("two Booleans", None),
            BinOp::BitAnd | BinOp::BitOr => (
                "two Integers",
                (x == &T::Boolean && y == &T::Boolean).then(|| {
                    format!(
                        "for logical {0} write `{0}`",
                        if op == BinOp::BitAnd { "and" } else { "or" }
                    )
                }),
            ),
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => (
                "two numbers, Strings, DateTimes or Durations",
                Some(compare_hint(ta, tb)),
            ),
            BinOp::Add => (
                "two numbers, two Strings, or DateTime and Duration",
                (x == &T::String || y == &T::String).then(|| {
                    "convert the other side with ToString(...), or use Append(...)".to_string()
                }),
            ),
            BinOp::Sub => ("two numbers, or DateTime/Duration operands", None),
            _ => (
                "two numbers",
                (x == &T::String || y == &T::String).then(|| {
                    "convert text to a number with ToInt(...) or ToDecimal(...)".to_string()
                }),
            ),
        };
        self.error(
            span,
            format!("`{}` needs {want}, found {x} and {y}", op.symbol()),
            help,
        );
        CTy::Unknown
    }
}

/// One call's arguments, as its function's typing rule sees them.
struct CallTyper<'c, 's> {
    ck: &'c mut Checker<'s>,
    args: &'c mut [Expr],
    tys: &'c [CTy],
    span: Span,
}

impl Typer for CallTyper<'_, '_> {
    fn len(&self) -> usize {
        self.args.len()
    }

    fn ty(&self, i: usize) -> &CTy {
        &self.tys[i]
    }

    fn span(&self, i: usize) -> Span {
        self.args[i].span
    }

    fn call_span(&self) -> Span {
        self.span
    }

    fn error(&mut self, span: Span, message: String, help: Option<String>) {
        self.ck.error(span, message, help);
    }

    fn coerce(&mut self, i: usize, to: &Type) {
        self.ck.coerce(&mut self.args[i], &self.tys[i], to);
    }

    fn settle(&mut self, i: usize, t: &Type) {
        settle(&mut self.args[i], t);
    }
}

/// Give a `NOT_SET` literal (directly or as an `If` branch) the type `t`.
pub(crate) fn settle(e: &mut Expr, t: &Type) {
    match &mut e.kind {
        Kind::NotSet => {
            e.kind = Kind::Lit(Value::NotSet(t.clone()));
            e.ty = t.clone();
        }
        Kind::Call {
            func: Some(f),
            args,
            ..
        } if *f == &functions::IF && args.len() == 3 => {
            for a in &mut args[1..] {
                settle(a, t);
            }
            e.ty = t.clone();
        }
        _ => {}
    }
}

/// Replace `e` by `func(e)` with result type `ty` (an inserted implicit conversion).
pub(crate) fn wrap(e: &mut Expr, func: &'static Function, ty: Type) {
    let span = e.span;
    let inner = std::mem::replace(e, Expr::error(span));
    let mut call = Expr::new(
        Kind::Call {
            name: func.name.to_string(),
            name_span: span,
            func: Some(func),
            args: vec![inner],
        },
        span,
    );
    call.ty = ty;
    *e = call;
}

fn conversion_hint(from: &CTy, want: &Type) -> Option<String> {
    let CTy::T(from) = from else {
        return None;
    };
    Some(match (from, want) {
        (_, Type::String) => "convert it with ToString(...)".into(),
        (Type::String, Type::Integer) => "convert it with ToInt(...)".into(),
        (Type::String, Type::Decimal) => "convert it with ToDecimal(...)".into(),
        (Type::Decimal, Type::Integer) => "convert it with ToInt(...)".into(),
        (Type::String, Type::DateTime) => "convert it with ToDateTime(...)".into(),
        (Type::String, Type::Boolean) => "compare it, e.g. `x == \"true\"`".into(),
        (Type::List(_), t) if !matches!(t, Type::List(_)) => {
            "take one item with GetAt(list, index) or list[index]".into()
        }
        _ => return None,
    })
}

fn compare_hint(a: &CTy, b: &CTy) -> String {
    let s = |t: &CTy| t == &CTy::T(Type::String);
    if s(a) || s(b) {
        "convert one side: ToString(...) for text, ToInt(...) or ToDecimal(...) for numbers".into()
    } else {
        "both sides must have the same type".into()
    }
}

fn closest_var(scope: &Scope, name: &str) -> Option<String> {
    let names: Vec<&str> = scope.iter().map(|d| d.name.as_str()).collect();
    crate::diag::closest(name, names).map(str::to_string)
}
