//! One module directory's `.tf` files parsed (hcl-rs's edit parser, which keeps spans)
//! into declarations; a syntax error is located at its line and column.

use std::path::Path;

use hcl::edit::Span as _;
use hcl::edit::expr::Expression as EditExpr;
use hcl::edit::structure::{Block, BlockLabel, Body, Structure};

use super::{
    BodyDecl, DynamicDecl, Expr, Key, Loc, ModuleCall, ModuleDecl, Node, ResourceDecl, VariableDecl,
};
use crate::diag::{SourceDiagnostic, SourceFile};
use crate::source::code::TerraformCode;

/// Arguments of a module block that are Terraform's, not the child's variables.
const META_ARGS: &[&str] = &[
    "source",
    "version",
    "count",
    "for_each",
    "providers",
    "depends_on",
];
pub(super) fn read_module(
    dir: &Path,
    rel: String,
    errors: &mut Vec<SourceDiagnostic>,
) -> ModuleDecl {
    let mut module = ModuleDecl {
        dir: dir.to_path_buf(),
        rel,
        ..Default::default()
    };
    let how = crate::source::walk::Walk {
        exts: &["tf", "tf.json"],
        shallow: true,
        ..Default::default()
    };
    let paths = match crate::source::walk::files(dir, &how) {
        Ok(p) => p,
        Err(e) => {
            errors.push(unlocated(format!("the Terraform directory: {e}")));
            return module;
        }
    };
    for path in paths {
        let name = crate::source::shown::shown(&path);
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let text = match crate::source::read_text(&path) {
            Ok(t) => t,
            Err(e) => {
                errors.push(unlocated(format!("cannot read {name}: {e}")));
                continue;
            }
        };
        let file = SourceFile::new(name.as_str(), text.as_str());
        // Terraform merges these into the files they override; routecheck does not, and
        // says so rather than read a resource twice.
        if file_name.ends_with(".tf.json")
            || file_name == "override.tf"
            || file_name.ends_with("_override.tf")
        {
            errors.push(
                SourceDiagnostic::error(
                    &file,
                    (0, 0),
                    format!("{name}: JSON configuration and override files are not read"),
                )
                .with_code(TerraformCode::Unsupported)
                .with_help("write the configuration in `.tf` files (see docs/terraform.md)"),
            );
            continue;
        }
        match hcl::edit::parser::parse_body(&text) {
            Ok(body) => read_body(&mut module, &file, &body, errors),
            Err(e) => {
                let l = e.location();
                let at = file.offset_of(l.line(), l.column());
                errors.push(
                    SourceDiagnostic::error(
                        &file,
                        (at, at),
                        format!("not valid HCL: {}", e.message()),
                    )
                    .with_code(TerraformCode::Syntax),
                );
            }
        }
    }
    module
}

pub fn unlocated(message: String) -> SourceDiagnostic {
    SourceDiagnostic::error(&SourceFile::unlocated("terraform"), (0, 0), message)
        .with_code(TerraformCode::Config)
}

fn loc_of(file: &SourceFile, span: Option<std::ops::Range<usize>>) -> Loc {
    let span = span.map(|r| (r.start, r.end)).unwrap_or((0, 0));
    Loc {
        file: file.clone(),
        span,
    }
}

fn label(l: &BlockLabel) -> String {
    match l {
        BlockLabel::Ident(i) => i.as_str().to_string(),
        BlockLabel::String(s) => s.value().to_string(),
    }
}

fn read_body(
    module: &mut ModuleDecl,
    file: &SourceFile,
    body: &Body,
    errors: &mut Vec<SourceDiagnostic>,
) {
    for structure in body.iter() {
        let Structure::Block(block) = structure else {
            continue;
        };
        let labels: Vec<String> = block.labels.iter().map(label).collect();
        let loc = loc_of(file, block.span());
        match (block.ident.as_str(), labels.as_slice()) {
            ("variable", [name]) => {
                let b = body_decl(file, &block.body);
                let type_expr = block
                    .body
                    .get_attribute("type")
                    .map(|a| a.value.to_string().trim().to_string());
                module.variables.push(VariableDecl {
                    name: name.clone(),
                    default: b.attr("default").cloned(),
                    type_expr,
                    loc,
                });
            }
            ("locals", []) => {
                for (k, e) in body_decl(file, &block.body).attrs {
                    if module.locals.contains_key(&k) {
                        errors.push(e.loc.error(format!("local `{k}` is declared twice")));
                    }
                    module.locals.insert(k, e);
                }
            }
            ("output", [name]) => {
                if let Some(v) = body_decl(file, &block.body).attr("value") {
                    module.outputs.insert(name.clone(), v.clone());
                }
            }
            ("resource" | "data", [kind, name]) => {
                let mut b = body_decl(file, &block.body);
                let take = |b: &mut BodyDecl, k: &str| {
                    let i = b.attrs.iter().position(|(n, _)| n == k)?;
                    Some(b.attrs.remove(i).1)
                };
                let count = take(&mut b, "count");
                let for_each = take(&mut b, "for_each");
                take(&mut b, "depends_on");
                take(&mut b, "provider");
                b.blocks
                    .retain(|(k, _)| k != "lifecycle" && k != "provisioner" && k != "connection");
                let data = block.ident.as_str() == "data";
                if module
                    .resources
                    .iter()
                    .any(|r| r.data == data && &r.kind == kind && &r.name == name)
                {
                    errors.push(loc.error(format!(
                        "{}{kind}.{name} is declared twice in this module",
                        if data { "data." } else { "" }
                    )));
                    continue;
                }
                module.resources.push(ResourceDecl {
                    data,
                    kind: kind.clone(),
                    name: name.clone(),
                    count,
                    for_each,
                    body: b,
                    loc,
                });
            }
            ("module", [name]) => {
                let b = body_decl(file, &block.body);
                let source = match b.attr("source").map(|e| &e.node) {
                    Some(Node::Leaf(hcl::Expression::String(s))) => s.clone(),
                    _ => {
                        errors.push(loc.error(format!("module `{name}` has no literal `source`")));
                        continue;
                    }
                };
                let mut count = None;
                let mut for_each = None;
                let mut args = Vec::new();
                for (k, e) in b.attrs {
                    match k.as_str() {
                        "count" => count = Some(e),
                        "for_each" => for_each = Some(e),
                        k if META_ARGS.contains(&k) => {}
                        _ => args.push((k, e)),
                    }
                }
                module.modules.push(ModuleCall {
                    name: name.clone(),
                    source,
                    count,
                    for_each,
                    args,
                    loc,
                    child: None,
                });
            }
            _ => {}
        }
    }
}

fn body_decl(file: &SourceFile, body: &Body) -> BodyDecl {
    let mut out = BodyDecl::default();
    for s in body.iter() {
        match s {
            Structure::Attribute(a) => out
                .attrs
                .push((a.key.as_str().to_string(), expr(file, &a.value))),
            Structure::Block(b) => nested(file, b, &mut out),
        }
    }
    out
}

fn nested(file: &SourceFile, b: &Block, out: &mut BodyDecl) {
    if b.ident.as_str() == "dynamic" {
        let kind = b.labels.first().map(label).unwrap_or_default();
        let inner = body_decl(file, &b.body);
        let iterator = match inner.attr("iterator").map(|e| &e.node) {
            Some(Node::Leaf(hcl::Expression::Variable(v))) => v.as_str().to_string(),
            _ => kind.clone(),
        };
        out.dynamic.push(DynamicDecl {
            for_each: inner.attr("for_each").cloned(),
            iterator,
            content: inner
                .blocks
                .into_iter()
                .find(|(k, _)| k == "content")
                .map(|(_, b)| b),
            kind,
            loc: loc_of(file, b.span()),
        });
        return;
    }
    out.blocks
        .push((b.ident.as_str().to_string(), body_decl(file, &b.body)));
}

/// An edit expression as a located [`Expr`].
pub fn expr(file: &SourceFile, e: &EditExpr) -> Expr {
    let loc = loc_of(file, e.span());
    let node = match e {
        EditExpr::Object(o) => Node::Object(
            o.iter()
                .map(|(k, v)| {
                    let key = match k {
                        hcl::edit::expr::ObjectKey::Ident(i) => Key::Ident(i.as_str().to_string()),
                        hcl::edit::expr::ObjectKey::Expression(e) => Key::Expr(e.clone().into()),
                    };
                    (key, expr(file, v.expr()))
                })
                .collect(),
        ),
        EditExpr::Array(a) => Node::Array(a.iter().map(|v| expr(file, v)).collect()),
        EditExpr::Conditional(c) => Node::Cond(Box::new((
            expr(file, &c.cond_expr),
            expr(file, &c.true_expr),
            expr(file, &c.false_expr),
        ))),
        EditExpr::Parenthesis(p) => return expr(file, p.inner()),
        other => Node::Leaf(other.clone().into()),
    };
    Expr { node, loc }
}
