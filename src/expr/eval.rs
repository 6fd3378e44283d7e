//! Walks a checked tree against runtime variables. NOT_SET is never coerced: arithmetic
//! and ordering on it are runtime errors located at the operand.

use std::cmp::Ordering;

use super::ast::{BinOp, Expr, Kind, Member, UnOp, with_stack};
use super::call::{Evaluator, NOT_SET_HELP, rt};
use super::error::{ExprError, Span};
use super::scope::EvalContext;
use super::types::Type;
use super::value::{DateTime, Duration, Value, equal};

pub(crate) struct Ev<'a> {
    pub cx: &'a EvalContext<'a>,
}

/// One call's arguments, as its function's evaluation sees them.
struct CallArgs<'e> {
    ev: &'e Ev<'e>,
    args: &'e [Expr],
    ty: &'e Type,
    span: Span,
}

impl Evaluator for CallArgs<'_> {
    fn len(&self) -> usize {
        self.args.len()
    }

    fn eval(&self, i: usize) -> Option<Result<Value, ExprError>> {
        self.args.get(i).map(|a| self.ev.eval(a))
    }

    fn span(&self, i: usize) -> Option<Span> {
        self.args.get(i).map(|a| a.span)
    }

    fn call_span(&self) -> Span {
        self.span
    }

    fn result_type(&self) -> &Type {
        self.ty
    }

    fn context(&self) -> &EvalContext<'_> {
        self.ev.cx
    }
}

/// Whether a value fits a declared type (NOT_SET of any type fits any scalar slot).
fn fits(v: &Value, t: &Type) -> bool {
    match (v, t) {
        (Value::NotSet(_), t) => !matches!(t, Type::List(_)),
        (Value::String(_), Type::String)
        | (Value::Integer(_), Type::Integer)
        | (Value::Decimal(_), Type::Decimal)
        | (Value::Boolean(_), Type::Boolean)
        | (Value::DateTime(_), Type::DateTime)
        | (Value::Duration(_), Type::Duration)
        | (Value::Date(_), Type::Date)
        | (Value::Time(_), Type::Time)
        | (Value::Json(_), Type::Json) => true,
        (Value::Entity(a, _), b) => a == b,
        (Value::List(a, _), Type::List(b)) => a == &**b,
        _ => false,
    }
}

fn overflow(op: BinOp, span: Span) -> ExprError {
    rt(
        span,
        format!("integer overflow in `{}`", op.symbol()),
        Some("Architect integers are 64-bit; use ToDecimal(...) for larger values".into()),
    )
}

fn finite(d: f64, op: BinOp, span: Span) -> Result<Value, ExprError> {
    if d.is_finite() {
        Ok(Value::Decimal(d))
    } else {
        Err(rt(
            span,
            format!("`{}` gives a number too large to represent", op.symbol()),
            None,
        ))
    }
}

fn div_zero(span: Span) -> ExprError {
    rt(
        span,
        "division by zero",
        Some("guard the divisor, e.g. If(x != 0, a / x, 0)".into()),
    )
}

impl Ev<'_> {
    pub(crate) fn eval(&self, e: &Expr) -> Result<Value, ExprError> {
        with_stack(|| self.eval_node(e))
    }

    fn eval_node(&self, e: &Expr) -> Result<Value, ExprError> {
        match &e.kind {
            Kind::Lit(v) => Ok(v.clone()),
            Kind::Var { key, name } => match self.cx.vars.map.get(&**key) {
                None => Ok(Value::NotSet(e.ty.clone())),
                Some(Value::NotSet(_)) => Ok(Value::NotSet(e.ty.clone())),
                Some(v) if fits(v, &e.ty) => Ok(v.clone()),
                Some(v) => Err(rt(
                    e.span,
                    format!(
                        "variable `{name}` holds a {} but is declared {}",
                        v.ty(),
                        e.ty
                    ),
                    None,
                )),
            },
            Kind::Unary(op, a) => self.unary(*op, a, e.span),
            Kind::Binary(op, a, b) => self.binary(*op, a, b, e.span),
            Kind::Call {
                func: Some(f),
                args,
                ..
            } => f.call(&CallArgs {
                ev: self,
                args,
                ty: &e.ty,
                span: e.span,
            }),
            Kind::Index(a, i) => {
                let list = self.eval(a)?;
                let idx = self.operand(i, "the index")?;
                let (Value::List(_, mut items), Value::Integer(i)) = (list, idx) else {
                    return Err(internal(e.span));
                };
                let len = items.len();
                let at = usize::try_from(i)
                    .ok()
                    .filter(|&u| u < len)
                    .ok_or_else(|| {
                        rt(
                            e.span,
                            format!("index {i} is out of range for a collection of {len} items"),
                            Some("indexes are 0-based; check with Count(...) first".into()),
                        )
                    })?;
                Ok(items.swap_remove(at))
            }
            Kind::Member(a, name, span, Some(m)) => {
                let v = self.eval(a)?;
                match (v, m) {
                    (Value::NotSet(_), _) => Err(rt(
                        a.span,
                        format!("cannot read `.{name}` of NOT_SET"),
                        Some(NOT_SET_HELP.into()),
                    )),
                    (Value::Entity(_, ent), Member::Id | Member::E164) => Ok(ent
                        .id
                        .map_or(Value::NotSet(Type::String), Value::String)),
                    (Value::Entity(_, ent), Member::Name) => Ok(Value::String(ent.name)),
                    (Value::Entity(..), Member::DialingCode) => Err(rt(
                        *span,
                        "`.dialingCode` cannot be computed offline",
                        Some("routecheck has no numbering-plan data; compare `.e164` prefixes instead".into()),
                    )),
                    _ => Err(internal(e.span)),
                }
            }
            Kind::NotSet => Ok(Value::NotSet(e.ty.clone())),
            Kind::Path(_) | Kind::Call { func: None, .. } | Kind::Member(..) | Kind::Error => {
                Err(internal(e.span))
            }
        }
    }

    /// Evaluate an operand that must be set.
    fn operand(&self, e: &Expr, role: &str) -> Result<Value, ExprError> {
        let v = self.eval(e)?;
        if v.is_not_set() {
            return Err(rt(
                e.span,
                format!("{role} is NOT_SET"),
                Some(NOT_SET_HELP.into()),
            ));
        }
        Ok(v)
    }

    fn unary(&self, op: UnOp, a: &Expr, span: Span) -> Result<Value, ExprError> {
        let v = self.operand(a, &format!("the operand of `{}`", op.symbol()))?;
        Ok(match (op, v) {
            (UnOp::Pos, v) => v,
            (UnOp::Neg, Value::Integer(i)) => {
                Value::Integer(i.checked_neg().ok_or_else(|| overflow(BinOp::Sub, span))?)
            }
            (UnOp::Neg, Value::Decimal(d)) => Value::Decimal(-d),
            (UnOp::Neg, Value::Duration(d)) => Value::Duration(Duration(
                d.0.checked_neg()
                    .ok_or_else(|| overflow(BinOp::Sub, span))?,
            )),
            (UnOp::Not, Value::Boolean(b)) => Value::Boolean(!b),
            (UnOp::BitNot, Value::Integer(i)) => Value::Integer(!i),
            _ => return Err(internal(span)),
        })
    }

    fn boolean(&self, e: &Expr, op: BinOp) -> Result<bool, ExprError> {
        match self.operand(e, &format!("an operand of `{}`", op.symbol()))? {
            Value::Boolean(b) => Ok(b),
            _ => Err(internal(e.span)),
        }
    }

    fn binary(&self, op: BinOp, a: &Expr, b: &Expr, span: Span) -> Result<Value, ExprError> {
        match op {
            // Short-circuit: flows guard with `IsSet(x) and Lower(x) == "true"`.
            BinOp::And => {
                return Ok(Value::Boolean(self.boolean(a, op)? && self.boolean(b, op)?));
            }
            BinOp::Or => {
                return Ok(Value::Boolean(self.boolean(a, op)? || self.boolean(b, op)?));
            }
            BinOp::Eq | BinOp::Ne => {
                let (x, y) = (self.eval(a)?, self.eval(b)?);
                return Ok(Value::Boolean(equal(&x, &y) == (op == BinOp::Eq)));
            }
            _ => {}
        }
        let x = self.operand(a, &format!("the left operand of `{}`", op.symbol()))?;
        let y = self.operand(b, &format!("the right operand of `{}`", op.symbol()))?;
        let ord = |o: Ordering| {
            Value::Boolean(match op {
                BinOp::Lt => o.is_lt(),
                BinOp::Le => o.is_le(),
                BinOp::Gt => o.is_gt(),
                _ => o.is_ge(),
            })
        };
        let is_cmp = matches!(op, BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge);
        Ok(match (x, y) {
            (Value::Integer(i), Value::Integer(j)) => match op {
                _ if is_cmp => ord(i.cmp(&j)),
                BinOp::Add => Value::Integer(i.checked_add(j).ok_or_else(|| overflow(op, span))?),
                BinOp::Sub => Value::Integer(i.checked_sub(j).ok_or_else(|| overflow(op, span))?),
                BinOp::Mul => Value::Integer(i.checked_mul(j).ok_or_else(|| overflow(op, span))?),
                BinOp::Mod if j == 0 => return Err(div_zero(b.span)),
                BinOp::Mod => Value::Integer(i.checked_rem(j).ok_or_else(|| overflow(op, span))?),
                BinOp::Div if j == 0 => return Err(div_zero(b.span)),
                BinOp::Div => finite(i as f64 / j as f64, op, span)?,
                BinOp::Pow => finite((i as f64).powf(j as f64), op, span)?,
                BinOp::BitAnd => Value::Integer(i & j),
                BinOp::BitOr => Value::Integer(i | j),
                _ => return Err(internal(span)),
            },
            (
                x @ (Value::Integer(_) | Value::Decimal(_)),
                y @ (Value::Integer(_) | Value::Decimal(_)),
            ) => {
                let (p, q) = (num(&x), num(&y));
                match op {
                    _ if is_cmp => ord(p.partial_cmp(&q).unwrap_or(Ordering::Equal)),
                    BinOp::Add => finite(p + q, op, span)?,
                    BinOp::Sub => finite(p - q, op, span)?,
                    BinOp::Mul => finite(p * q, op, span)?,
                    BinOp::Div | BinOp::Mod if q == 0.0 => return Err(div_zero(b.span)),
                    BinOp::Div => finite(p / q, op, span)?,
                    BinOp::Mod => finite(p % q, op, span)?,
                    BinOp::Pow => finite(p.powf(q), op, span)?,
                    _ => return Err(internal(span)),
                }
            }
            (Value::String(s), Value::String(t)) => match op {
                _ if is_cmp => ord(s.as_str().cmp(t.as_str())),
                BinOp::Add => Value::String(s + &t),
                _ => return Err(internal(span)),
            },
            (Value::DateTime(d), Value::DateTime(e)) => match op {
                _ if is_cmp => ord(d.cmp(&e)),
                BinOp::Sub => Value::Duration(Duration(
                    d.0.checked_sub(e.0).ok_or_else(|| overflow(op, span))?,
                )),
                _ => return Err(internal(span)),
            },
            (Value::Duration(d), Value::Duration(e)) => match op {
                _ if is_cmp => ord(d.cmp(&e)),
                BinOp::Add => Value::Duration(Duration(
                    d.0.checked_add(e.0).ok_or_else(|| overflow(op, span))?,
                )),
                BinOp::Sub => Value::Duration(Duration(
                    d.0.checked_sub(e.0).ok_or_else(|| overflow(op, span))?,
                )),
                _ => return Err(internal(span)),
            },
            (Value::DateTime(d), Value::Duration(e)) | (Value::Duration(e), Value::DateTime(d)) => {
                let ms = match op {
                    BinOp::Add => d.0.checked_add(e.0),
                    BinOp::Sub => d.0.checked_sub(e.0),
                    _ => return Err(internal(span)),
                };
                Value::DateTime(
                    ms.and_then(DateTime::checked).ok_or_else(|| {
                        rt(span, "the date is out of range (years 1 to 9999)", None)
                    })?,
                )
            }
            _ => return Err(internal(span)),
        })
    }
}

fn num(v: &Value) -> f64 {
    match v {
        Value::Integer(i) => *i as f64,
        Value::Decimal(d) => *d,
        _ => 0.0,
    }
}

/// A state the checker rules out; reported rather than panicking.
fn internal(span: Span) -> ExprError {
    rt(
        span,
        "internal error: value of an unexpected type (please report this expression)",
        None,
    )
}
