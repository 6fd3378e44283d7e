//! The expression tree: the parser builds it (a call holds its registry entry), the
//! checker resolves variables and types in place, and the evaluator walks it (compile
//! once, evaluate many times).

use super::error::Span;
use super::functions::Function;
use super::types::Type;
use super::value::Value;

/// Deepest tree (and deepest parser recursion) accepted: real flows nest about ten
/// levels, and the bound keeps the checker and the evaluator off the end of the stack.
pub(crate) const MAX_DEPTH: u32 = 200;

/// Run a recursive step with enough stack: frames are large in debug builds and callers
/// may run on small thread stacks, so the walks grow the stack on demand rather than
/// trusting the depth bound alone.
#[inline]
pub(crate) fn with_stack<R>(f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(128 * 1024, 1024 * 1024, f)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UnOp {
    Neg,
    Pos,
    Not,
    BitNot,
}

impl UnOp {
    pub(crate) fn symbol(self) -> &'static str {
        match self {
            UnOp::Neg => "-",
            UnOp::Pos => "+",
            UnOp::Not => "!",
            UnOp::BitNot => "~",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BinOp {
    Or,
    And,
    BitOr,
    BitAnd,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
}

impl BinOp {
    pub(crate) fn symbol(self) -> &'static str {
        match self {
            BinOp::Or => "or",
            BinOp::And => "and",
            BinOp::BitOr => "|",
            BinOp::BitAnd => "&",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Mod => "%",
            BinOp::Pow => "^",
        }
    }
}

/// A member read with `.name` on a typed value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Member {
    /// `.id` of an organisation object.
    Id,
    /// `.name` of an organisation object.
    Name,
    /// `.e164` of a PhoneNumber.
    E164,
    /// `.dialingCode` of a PhoneNumber.
    DialingCode,
}

#[derive(Debug, Clone)]
pub(crate) enum Kind {
    /// A literal value (a `NOT_SET` literal becomes `Lit(NotSet(ty))` once typed).
    Lit(Value),
    /// `NOT_SET` before the checker gives it a type.
    NotSet,
    /// A dotted name (`Flow.Tier`, `State.Queue.id`) before the checker splits it into a
    /// variable and members.
    Path(Vec<(String, Span)>),
    /// A resolved variable: its lowercase key in `Vars` and its canonical name.
    Var {
        key: Box<str>,
        name: Box<str>,
    },
    Unary(UnOp, Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    Call {
        name: String,
        name_span: Span,
        /// The registry entry, resolved by the parser (`None`: an unknown name, which
        /// the checker reports).
        func: Option<&'static Function>,
        args: Vec<Expr>,
    },
    Index(Box<Expr>, Box<Expr>),
    /// `.member` after a value; resolved by the checker.
    Member(Box<Expr>, String, Span, Option<Member>),
    /// Placeholder where a syntax error was recovered from.
    Error,
}

#[derive(Debug, Clone)]
pub(crate) struct Expr {
    pub kind: Kind,
    pub span: Span,
    /// Static type, set by the checker (String until then).
    pub ty: Type,
    /// Height of this subtree (a leaf is 1).
    pub height: u32,
}

impl Expr {
    pub(crate) fn new(kind: Kind, span: Span) -> Expr {
        let child = |e: &Expr| e.height;
        let height = 1 + match &kind {
            Kind::Unary(_, e) | Kind::Member(e, ..) => child(e),
            Kind::Binary(_, a, b) | Kind::Index(a, b) => child(a).max(child(b)),
            Kind::Call { args, .. } => args.iter().map(child).max().unwrap_or(0),
            _ => 0,
        };
        Expr {
            kind,
            span,
            ty: Type::String,
            height,
        }
    }

    pub(crate) fn error(span: Span) -> Expr {
        Expr::new(Kind::Error, span)
    }
}
