//! Architect expressions: lexer → parser → type check → evaluator.
//!
//! The public surface used by the rest of the crate is small and stable:
//! [`Scope`] declares variables, [`compile`] turns source into a type-checked
//! [`Compiled`] expression (all syntax and type errors collected), and
//! [`Compiled::eval`] evaluates it against runtime [`Vars`] in an [`EvalContext`].
//!
//! The modules depend one way: `types`, `value`, `error` and `scope` are leaves; `call`
//! (the narrow traits a function sees of the checker and the evaluator) builds on them;
//! `functions` (the registry) on `call`; `ast` holds a resolved `&'static Function`;
//! `parser`, `check` and `eval` build on `ast` and `functions`; `visit` walks checked
//! trees for the rest of the crate.

pub(crate) mod ast;
mod call;
mod check;
mod error;
mod eval;
pub(crate) mod functions;
mod lexer;
mod parser;
mod scope;
pub mod types;
pub mod value;
pub(crate) mod visit;

pub use error::{ErrorKind, ExprError, Span};
pub use scope::{Directory, EvalContext, Scope, VarDecl, Vars};
pub use types::Type;
pub use value::{DateTime, Duration, Entity, Value};

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
            check::wrap(root, &functions::TO_DECIMAL, Type::Decimal)
        }
        CTy::T(t) if *target == Type::String && check::is_scalar(t) => {
            check::wrap(root, &functions::TO_STRING, Type::String)
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
