//! The references an expression makes (`var.x`, `local.y[0]`, `module.m["k"].out`),
//! each as a root name and its leading static steps, so the evaluator resolves exactly
//! those and hands hcl-rs a context of them. Names bound by `for` expressions and
//! template `for` directives are not references.

use hcl::Value;
use hcl::expr::{Expression, ObjectKey, TraversalOperator};
use hcl::template::{Directive, Element, Template};

/// One step after the root.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Attr(String),
    /// A literal index: a number or a string.
    Index(Value),
}

/// A reference: `root` then `steps`.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    pub root: String,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Ref {
    Path(Path),
    /// A function whose result is only known at apply time.
    Impure(String),
}

/// Functions Terraform evaluates only during apply (their plan value is unknown).
const IMPURE: &[&str] = &["timestamp", "uuid", "bcrypt"];

/// Every reference in `e`, in order of appearance, each once.
pub fn collect(e: &Expression) -> Vec<Ref> {
    let mut out = Vec::new();
    let mut bound = Vec::new();
    expr(e, &mut bound, &mut out, false);
    out
}

/// Functions that read only the shape of their argument (an object's keys, a
/// collection's length), never its values: Terraform knows `keys(TYPE.NAME)` of a
/// `for_each` resource at plan time though each instance's `id` is known only after apply.
const SHAPE_ONLY: &[&str] = &["keys", "length"];

/// The references of `e` that it reads only through [`SHAPE_ONLY`] functions, as their
/// sole argument (`keys(genesyscloud_architect_datatable.all)`): unknown values inside
/// them do not make `e` unknown, as long as the collection itself is known.
pub fn shape_only(e: &Expression) -> Vec<Path> {
    let mut pruned = Vec::new();
    expr(e, &mut Vec::new(), &mut pruned, true);
    collect(e)
        .into_iter()
        .filter(|r| !pruned.contains(r))
        .filter_map(|r| match r {
            Ref::Path(p) => Some(p),
            Ref::Impure(_) => None,
        })
        .collect()
}

/// `f(x)` for a shape-only `f` and a static reference `x`.
fn reads_only_shape(f: &hcl::expr::FuncCall) -> bool {
    f.name.namespace.is_empty()
        && SHAPE_ONLY.contains(&f.name.name.as_str())
        && !f.expand_final
        && match f.args.as_slice() {
            [Expression::Variable(_)] => true,
            [Expression::Traversal(t)] => {
                matches!(t.expr, Expression::Variable(_))
                    && t.operators.iter().all(|o| static_step(o).is_some())
            }
            _ => false,
        }
}

/// Whether `e` is exactly the reference `p` (so its value, unknown parts and origin
/// included, is the expression's).
pub fn is_exactly(e: &Expression, p: &Path) -> bool {
    match e {
        Expression::Parenthesis(inner) => is_exactly(inner, p),
        Expression::Variable(v) => p.steps.is_empty() && v.as_str() == p.root,
        Expression::Traversal(t) => {
            matches!(&t.expr, Expression::Variable(v) if v.as_str() == p.root)
                && t.operators.len() == p.steps.len()
                && t.operators.iter().all(|o| static_step(o).is_some())
        }
        Expression::TemplateExpr(t) => match Template::from_expr(t) {
            // `"${var.x}"` is the value of var.x (HCL's interpolation unwrapping).
            Ok(tpl) => match tpl.elements() {
                [Element::Interpolation(i)] => is_exactly(&i.expr, p),
                _ => false,
            },
            Err(_) => false,
        },
        _ => false,
    }
}

fn static_step(op: &TraversalOperator) -> Option<Step> {
    match op {
        TraversalOperator::GetAttr(a) => Some(Step::Attr(a.to_string())),
        TraversalOperator::Index(Expression::Number(n)) => Some(Step::Index(Value::Number(*n))),
        TraversalOperator::Index(Expression::String(s)) => {
            Some(Step::Index(Value::String(s.clone())))
        }
        TraversalOperator::LegacyIndex(i) => Some(Step::Index(Value::from(*i))),
        _ => None,
    }
}

fn push(out: &mut Vec<Ref>, r: Ref) {
    if !out.contains(&r) {
        out.push(r);
    }
}

fn expr(e: &Expression, bound: &mut Vec<String>, out: &mut Vec<Ref>, prune: bool) {
    match e {
        Expression::Variable(v) if !bound.iter().any(|b| b == v.as_str()) => {
            push(
                out,
                Ref::Path(Path {
                    root: v.to_string(),
                    steps: Vec::new(),
                }),
            );
        }
        Expression::Traversal(t) => {
            let mut rest: &[TraversalOperator] = &t.operators;
            match &t.expr {
                Expression::Variable(v) if !bound.iter().any(|b| b == v.as_str()) => {
                    let mut steps = Vec::new();
                    for op in &t.operators {
                        match static_step(op) {
                            Some(s) => steps.push(s),
                            None => break,
                        }
                    }
                    rest = &t.operators[steps.len()..];
                    push(
                        out,
                        Ref::Path(Path {
                            root: v.to_string(),
                            steps,
                        }),
                    );
                }
                other => expr(other, bound, out, prune),
            }
            for op in rest {
                if let TraversalOperator::Index(i) = op {
                    expr(i, bound, out, prune);
                }
            }
        }
        Expression::Array(a) => a.iter().for_each(|x| expr(x, bound, out, prune)),
        Expression::Object(o) => {
            for (k, v) in o {
                if let ObjectKey::Expression(k) = k {
                    expr(k, bound, out, prune);
                }
                expr(v, bound, out, prune);
            }
        }
        Expression::TemplateExpr(t) => {
            if let Ok(tpl) = Template::from_expr(t) {
                template(&tpl, bound, out, prune);
            }
        }
        Expression::FuncCall(f) if prune && reads_only_shape(f) => {}
        Expression::FuncCall(f) => {
            let name = f.name.name.as_str();
            if f.name.namespace.is_empty() && IMPURE.contains(&name) {
                push(out, Ref::Impure(name.to_string()));
            }
            f.args.iter().for_each(|x| expr(x, bound, out, prune));
        }
        Expression::Parenthesis(p) => expr(p, bound, out, prune),
        Expression::Conditional(c) => {
            expr(&c.cond_expr, bound, out, prune);
            expr(&c.true_expr, bound, out, prune);
            expr(&c.false_expr, bound, out, prune);
        }
        Expression::Operation(op) => match &**op {
            hcl::expr::Operation::Unary(u) => expr(&u.expr, bound, out, prune),
            hcl::expr::Operation::Binary(b) => {
                expr(&b.lhs_expr, bound, out, prune);
                expr(&b.rhs_expr, bound, out, prune);
            }
        },
        Expression::ForExpr(f) => {
            expr(&f.collection_expr, bound, out, prune);
            let n = bound.len();
            bound.extend(f.key_var.iter().map(|k| k.to_string()));
            bound.push(f.value_var.to_string());
            if let Some(k) = &f.key_expr {
                expr(k, bound, out, prune);
            }
            expr(&f.value_expr, bound, out, prune);
            if let Some(c) = &f.cond_expr {
                expr(c, bound, out, prune);
            }
            bound.truncate(n);
        }
        _ => {}
    }
}

fn template(t: &Template, bound: &mut Vec<String>, out: &mut Vec<Ref>, prune: bool) {
    for el in t.elements() {
        match el {
            Element::Literal(_) => {}
            Element::Interpolation(i) => expr(&i.expr, bound, out, prune),
            Element::Directive(d) => match &**d {
                Directive::If(d) => {
                    expr(&d.cond_expr, bound, out, prune);
                    template(&d.true_template, bound, out, prune);
                    if let Some(f) = &d.false_template {
                        template(f, bound, out, prune);
                    }
                }
                Directive::For(d) => {
                    expr(&d.collection_expr, bound, out, prune);
                    let n = bound.len();
                    bound.extend(d.key_var.iter().map(|k| k.to_string()));
                    bound.push(d.value_var.to_string());
                    template(&d.template, bound, out, prune);
                    bound.truncate(n);
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(s: &str) -> Vec<String> {
        let e: Expression = s.parse().unwrap();
        collect(&e)
            .into_iter()
            .map(|r| match r {
                Ref::Path(p) => format!(
                    "{}{}",
                    p.root,
                    p.steps
                        .iter()
                        .map(|s| match s {
                            Step::Attr(a) => format!(".{a}"),
                            Step::Index(v) => format!("[{v}]"),
                        })
                        .collect::<String>()
                ),
                Ref::Impure(f) => format!("{f}()"),
            })
            .collect()
    }

    #[test]
    fn references_and_bound_names() {
        assert_eq!(refs("var.a"), ["var.a"]);
        assert_eq!(refs("\"${var.a}-${local.b[0]}\""), ["var.a", "local.b[0]"]);
        assert_eq!(refs("var.m[each.key].x"), ["var.m", "each.key"]);
        assert_eq!(refs("[for k, v in var.m : \"${k}=${v.name}\"]"), ["var.m"]);
        assert_eq!(refs("module.m[\"k\"].out"), ["module.m[\"k\"].out"]);
        assert_eq!(refs("lower(timestamp())"), ["timestamp()"]);
        assert_eq!(refs("\"%{ for x in var.l }${x}%{ endfor }\""), ["var.l"]);
    }

    #[test]
    fn references_read_only_for_their_keys_or_length() {
        let shape = |s: &str| {
            let e: Expression = s.parse().unwrap();
            shape_only(&e)
                .into_iter()
                .map(|p| format!("{}.{}", p.root, p.steps.len()))
                .collect::<Vec<_>>()
        };
        // The rows of a for_each table: known whatever the tables' ids are.
        assert_eq!(
            shape("contains(keys(t.all), \"x\") ? local.rows : {}"),
            ["t.1"]
        );
        assert_eq!(shape("length(var.l) + length(var.m.x)"), ["var.1", "var.2"]);
        // Read for its values too, or through a dynamic step: not shape only.
        assert!(shape("{ for k in keys(t.all) : k => t.all[k].id }").is_empty());
        assert!(shape("keys(t.all[var.k])").is_empty());
        assert!(shape("lower(t.all)").is_empty());
    }
}
