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
mod calendar;
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

pub use calendar::{Date, Time};
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

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    /// The expression modules depend one way (see the module docs): no child module of
    /// `expr` reaches, through `super::` or `crate::expr::` paths, a module that reaches
    /// it back.
    #[test]
    fn the_expression_modules_form_no_cycle() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/expr");
        let mut files = vec![];
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                for f in std::fs::read_dir(&path).unwrap() {
                    files.push(f.unwrap().path());
                }
            } else {
                files.push(path);
            }
        }
        let module = |p: &std::path::Path| -> String {
            let rel = p.strip_prefix(&dir).unwrap();
            let first = rel.components().next().unwrap().as_os_str();
            first.to_string_lossy().trim_end_matches(".rs").to_string()
        };
        let modules: BTreeSet<String> = files.iter().map(|p| module(p)).collect();
        let mut deps: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for path in &files {
            let from = module(path);
            if from == "mod" {
                continue;
            }
            let text = std::fs::read_to_string(path).unwrap();
            // Code only: comments may name any module.
            let text: String = text
                .split("#[cfg(test)]")
                .next()
                .unwrap_or_default()
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n");
            // Inside `functions/`, `super::` is the registry itself, except in its mod.rs.
            let nested = path.parent() != Some(dir.as_path());
            let is_root = !nested || path.ends_with("mod.rs");
            let mut prefixes = vec!["crate::expr::", "super::super::"];
            if is_root {
                prefixes.push("super::");
            }
            for prefix in prefixes {
                for (i, _) in text.match_indices(prefix) {
                    if prefix == "super::" && text[..i].ends_with("super::") {
                        continue;
                    }
                    let rest = &text[i + prefix.len()..];
                    let name: String = rest
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    if modules.contains(&name) && name != from && name != "mod" {
                        deps.entry(from.clone()).or_default().insert(name);
                    }
                }
            }
        }
        // Depth-first search for a back edge.
        fn visit(
            m: &str,
            deps: &BTreeMap<String, BTreeSet<String>>,
            path: &mut Vec<String>,
            done: &mut BTreeSet<String>,
        ) -> Option<Vec<String>> {
            if let Some(at) = path.iter().position(|p| p == m) {
                let mut cycle = path[at..].to_vec();
                cycle.push(m.to_string());
                return Some(cycle);
            }
            if !done.insert(m.to_string()) {
                return None;
            }
            path.push(m.to_string());
            for d in deps.get(m).into_iter().flatten() {
                if let Some(c) = visit(d, deps, path, done) {
                    return Some(c);
                }
            }
            path.pop();
            None
        }
        assert!(
            deps.contains_key("ast") && deps.contains_key("check"),
            "{deps:?}"
        );
        let mut done = BTreeSet::new();
        for m in &modules {
            let cycle = visit(m, &deps, &mut vec![], &mut done);
            assert!(cycle.is_none(), "module cycle: {:?}", cycle.unwrap());
        }
    }
}
