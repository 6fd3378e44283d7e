//! Architect expressions: lexer → parser → type check → evaluator.
//!
//! The public surface used by the rest of the crate is small and stable:
//! [`Scope`] declares variables, [`compile`] turns source into a type-checked
//! [`Compiled`] expression (all syntax and type errors collected), and
//! [`Compiled::eval`] evaluates it against runtime [`Vars`] in an [`EvalContext`].

pub(crate) mod ast;
mod call;
mod check;
mod eval;
mod functions;
mod lexer;
mod parser;
pub mod types;
pub mod value;

pub(crate) use functions::Func;
pub use types::Type;
pub use value::{DateTime, Duration, Entity, Value};

use std::collections::{BTreeMap, HashMap};

use crate::diag::{SourceDiagnostic, SourceFile};

/// Byte range in the expression source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`.
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
}

/// Which stage rejected an expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ErrorKind {
    /// Lexing or parsing failed.
    Syntax,
    /// Type check, unknown variable or function, arity.
    Type,
    /// Raised during evaluation (in a flow: the error-handling path).
    Runtime,
}

/// An error about an expression, located by a span in its source.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct ExprError {
    /// Stage.
    pub kind: ErrorKind,
    /// What went wrong, lowercase, no trailing period.
    pub message: String,
    /// Where, in the expression source.
    pub span: Span,
    /// A hint (closest function name, NOT_SET guard, …).
    pub help: Option<String>,
}

impl ExprError {
    /// Turn into a located diagnostic. `base` is the byte offset of the expression's
    /// first character inside `source` (0 when the source is the expression itself).
    pub fn to_diagnostic(&self, source: &SourceFile, base: usize) -> SourceDiagnostic {
        let text = &source.text;
        let mut end = (base + self.span.end).min(text.len());
        let mut start = (base + self.span.start).min(end);
        // A zero-width span (a missing `)` at the end) would draw no caret: widen it to
        // the neighbouring character.
        if start == end {
            if let Some(c) = text.get(end..).and_then(|t| t.chars().next()) {
                end += c.len_utf8();
            } else if let Some(c) = text.get(..start).and_then(|t| t.chars().next_back()) {
                start -= c.len_utf8();
            }
        }
        let mut d =
            SourceDiagnostic::error(source, (start, end), self.message.clone()).with_code(format!(
                "routecheck::expr::{}",
                match self.kind {
                    ErrorKind::Syntax => "syntax",
                    ErrorKind::Type => "type",
                    ErrorKind::Runtime => "runtime",
                }
            ));
        if let Some(h) = &self.help {
            d = d.with_help(h.clone());
        }
        d
    }
}

/// One declared variable.
#[derive(Debug, Clone, PartialEq)]
pub struct VarDecl {
    /// Canonical spelling, e.g. `Flow.PriorityTier`.
    pub name: String,
    /// Declared type.
    pub ty: Type,
    /// Built-ins (`Message.*`) cannot be assigned.
    pub readonly: bool,
}

/// The variables an expression may reference. Names resolve case-insensitively.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    vars: HashMap<String, VarDecl>,
}

impl Scope {
    /// An empty scope with the read-only `Message.*` built-ins of an inbound message flow.
    pub fn new() -> Self {
        let mut s = Scope::default();
        for (name, ty) in [
            ("Message.ConversationId", Type::String),
            ("Message.IsNewConversation", Type::Boolean),
            ("Message.Message.body", Type::String),
            ("Message.Message.senderAddress", Type::String),
            ("Message.Message.mediaType", Type::String),
            ("Message.Message.type", Type::String),
            ("Message.Message.toAddress", Type::String),
            ("Message.Language", Type::String),
            ("Message.IsAuthenticated", Type::Boolean),
            ("Message.ExternalTag", Type::String),
        ] {
            s.vars.insert(
                name.to_ascii_lowercase(),
                VarDecl {
                    name: name.to_string(),
                    ty,
                    readonly: true,
                },
            );
        }
        s
    }

    /// Declare (or redeclare) a variable such as `Flow.Tier`. Errors on a name that is not
    /// `Flow.`, `State.` or `Task.` followed by an identifier, or that shadows a built-in.
    pub fn declare(&mut self, name: &str, ty: Type) -> Result<&VarDecl, String> {
        let key = name.to_ascii_lowercase();
        if let Some(existing) = self.vars.get(&key)
            && existing.readonly
        {
            return Err(format!("`{}` is a read-only built-in", existing.name));
        }
        let (prefix, rest) = name.split_once('.').ok_or_else(|| {
            format!("variable `{name}` needs a `Flow.`, `State.` or `Task.` prefix")
        })?;
        if !["flow", "state", "task"].contains(&prefix.to_ascii_lowercase().as_str()) {
            return Err(format!(
                "variable `{name}` needs a `Flow.`, `State.` or `Task.` prefix"
            ));
        }
        if rest.is_empty()
            || !rest
                .chars()
                .next()
                .is_some_and(|c| c.is_alphabetic() || c == '_')
            || !rest.chars().all(|c| c.is_alphanumeric() || c == '_')
        {
            return Err(format!("`{name}` is not a valid variable name"));
        }
        self.vars.insert(
            key.clone(),
            VarDecl {
                name: name.to_string(),
                ty,
                readonly: false,
            },
        );
        Ok(&self.vars[&key])
    }

    /// Look a variable up, case-insensitively.
    pub fn lookup(&self, name: &str) -> Option<&VarDecl> {
        self.vars.get(&name.to_ascii_lowercase())
    }

    /// Every declared variable (built-ins included), in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = &VarDecl> {
        self.vars.values()
    }
}

/// Runtime values of variables, keyed case-insensitively. A declared variable with no
/// entry reads as NOT_SET of its declared type.
#[derive(Debug, Clone, Default)]
pub struct Vars {
    map: HashMap<String, Value>,
}

impl Vars {
    /// No values.
    pub fn new() -> Self {
        Vars::default()
    }

    /// Set a variable's value.
    pub fn set(&mut self, name: &str, value: Value) {
        self.map.insert(name.to_ascii_lowercase(), value);
    }

    /// A variable's value, if one was set.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.map.get(&name.to_ascii_lowercase())
    }
}

/// Organisation objects that lookups such as `FindQueueById` resolve against.
/// An id or name not listed resolves to NOT_SET.
#[derive(Debug, Clone, Default)]
pub struct Directory {
    /// Queue id → queue name.
    pub queues: BTreeMap<String, String>,
    /// User id → user name.
    pub users: BTreeMap<String, String>,
    /// Skill id → skill name.
    pub skills: BTreeMap<String, String>,
}

/// What evaluation may read besides the expression itself.
#[derive(Debug, Clone, Copy)]
pub struct EvalContext<'a> {
    /// Variable values.
    pub vars: &'a Vars,
    /// The clock: `GetCurrentDateTimeUtc()` returns this.
    pub now: DateTime,
    /// Lookup directory.
    pub directory: &'a Directory,
}

/// A parsed, type-checked expression, ready to evaluate any number of times.
#[derive(Debug, Clone)]
pub struct Compiled {
    source: String,
    ty: Type,
    root: ast::Expr,
}

impl Compiled {
    /// The expression's source text.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The statically known result type.
    pub fn ty(&self) -> &Type {
        &self.ty
    }

    /// The checked tree, for static analyses such as `routecheck lint`.
    pub(crate) fn root(&self) -> &ast::Expr {
        &self.root
    }

    /// Evaluate. A runtime error (NOT_SET arithmetic, a NOT_SET argument where the
    /// function does not allow it, …) is an `ExprError` of kind `Runtime`.
    pub fn eval(&self, cx: &EvalContext<'_>) -> Result<Value, ExprError> {
        eval::Ev { cx }.eval(&self.root)
    }
}

/// Parse and type-check `src` against `scope`. Every syntax error is collected, then
/// every type error; the result is either a `Compiled` or all of them.
pub fn compile(src: &str, scope: &Scope) -> Result<Compiled, Vec<ExprError>> {
    compile_inner(src, scope, None)
}

fn compile_inner(
    src: &str,
    scope: &Scope,
    target: Option<&Type>,
) -> Result<Compiled, Vec<ExprError>> {
    let (mut root, mut errors) = parser::parse(src);
    let mut ck = check::Checker::new(scope);
    let cty = ck.check(&mut root);
    let ty = match (target, cty) {
        (Some(t), cty) => {
            cast_to(&mut ck, &mut root, &cty, t);
            t.clone()
        }
        (None, check::CTy::T(t)) => t,
        // A bare NOT_SET with no target: a NOT_SET String.
        (None, check::CTy::NotSet) => {
            check::settle(&mut root, &Type::String);
            Type::String
        }
        (None, check::CTy::Unknown) => Type::String,
    };
    ck.errors.sort_by_key(|e| (e.span.start, e.span.end));
    errors.append(&mut ck.errors);
    if errors.is_empty() {
        Ok(Compiled {
            source: src.to_string(),
            ty,
            root,
        })
    } else {
        Err(errors)
    }
}

/// Architect's implicit cast of an expression result into a variable of type `target`.
fn cast_to(ck: &mut check::Checker<'_>, root: &mut ast::Expr, from: &check::CTy, target: &Type) {
    use check::CTy;
    match from {
        CTy::Unknown => {}
        CTy::NotSet if check::is_scalar(target) => check::settle(root, target),
        CTy::T(t) if t == target => {}
        CTy::T(Type::Integer) if *target == Type::Decimal => {
            check::wrap(root, functions::Func::ToDecimal, Type::Decimal)
        }
        CTy::T(t) if *target == Type::String && check::is_scalar(t) => {
            check::wrap(root, functions::Func::ToString, Type::String)
        }
        other => {
            let help = match (other, target) {
                (CTy::T(Type::Decimal), Type::Integer) => {
                    Some("Architect does not round implicitly: wrap it in ToInt(...)".to_string())
                }
                (CTy::T(Type::String), Type::Integer) => Some("wrap it in ToInt(...)".into()),
                (CTy::T(Type::String), Type::Decimal) => Some("wrap it in ToDecimal(...)".into()),
                (CTy::T(Type::String), Type::Boolean) => {
                    Some("compare it instead, e.g. `x == \"true\"`".into())
                }
                (CTy::T(Type::Json), Type::String) => None,
                (CTy::NotSet, Type::List(_)) => Some(
                    "a collection is never NOT_SET; use an empty MakeList or skip the assignment"
                        .into(),
                ),
                _ => None,
            };
            ck.error(
                root.span,
                format!("cannot assign {} to a {target} variable", other.describe()),
                help,
            );
        }
    }
}

/// Like [`compile`], for a value assigned to a variable of type `target`: Architect
/// wraps a result of another type in the implicit cast (`3+4` into a string is
/// `ToString(3+4)`); where no cast exists, a type error.
pub fn compile_as(src: &str, scope: &Scope, target: &Type) -> Result<Compiled, Vec<ExprError>> {
    compile_inner(src, scope, Some(target))
}
