//! Loading: a module directory's `*.tf` files into declarations (variables, locals,
//! resources, data sources, module calls, outputs), each expression kept with its file
//! and byte span, and every local child module (`source = "./…"`) loaded the same way,
//! recursively. Nothing is evaluated here.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use hcl::edit::Span as _;
use hcl::edit::expr::Expression as EditExpr;
use hcl::edit::structure::{Block, BlockLabel, Body, Structure};

use crate::diag::{SourceDiagnostic, SourceFile};
use crate::source::code::TerraformCode;

/// Where a declaration or expression is: a file and a byte span in it.
#[derive(Debug, Clone)]
pub struct Loc {
    pub file: SourceFile,
    pub span: (usize, usize),
}

impl Loc {
    /// `file:line`, as messages and provenance print it.
    pub fn line(&self) -> String {
        format!("{}:{}", self.file.name, self.file.line_col(self.span.0).0)
    }

    pub fn error(&self, message: impl Into<String>) -> SourceDiagnostic {
        SourceDiagnostic::error(&self.file, self.span, message).with_code(TerraformCode::Config)
    }
}

/// An expression kept in the shape its structure gives: object and array literals and
/// conditionals are split so that one unknown entry does not make its neighbours
/// unknown, and each entry keeps its own location (provenance names the line).
#[derive(Debug, Clone)]
pub enum Node {
    Object(Vec<(Key, Expr)>),
    Array(Vec<Expr>),
    Cond(Box<(Expr, Expr, Expr)>),
    /// Anything else, evaluated by hcl-rs.
    Leaf(hcl::Expression),
}

/// An object key: a bare identifier, or an expression (`(var.k) = …`, `"a b" = …`).
#[derive(Debug, Clone)]
pub enum Key {
    Ident(String),
    Expr(hcl::Expression),
}

#[derive(Debug, Clone)]
pub struct Expr {
    pub node: Node,
    pub loc: Loc,
}

/// A body: its arguments and nested blocks, in file order.
#[derive(Debug, Clone, Default)]
pub struct BodyDecl {
    pub attrs: Vec<(String, Expr)>,
    /// Nested blocks by type; Terraform exposes them as lists of objects.
    pub blocks: Vec<(String, BodyDecl)>,
    /// `dynamic "TYPE" { for_each, iterator, content }`: blocks of TYPE, one per element.
    pub dynamic: Vec<DynamicDecl>,
}

/// A `dynamic` block, expanded at evaluation like Terraform's.
#[derive(Debug, Clone)]
pub struct DynamicDecl {
    /// The block type it makes.
    pub kind: String,
    pub for_each: Option<Expr>,
    /// The iterator's name (`iterator = x`; default the block type).
    pub iterator: String,
    pub content: Option<BodyDecl>,
    pub loc: Loc,
}

impl BodyDecl {
    pub fn attr(&self, name: &str) -> Option<&Expr> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, e)| e)
    }
}

#[derive(Debug, Clone)]
pub struct VariableDecl {
    pub name: String,
    pub default: Option<Expr>,
    /// The type constraint as written (`string`, `map(string)`), when given.
    pub type_expr: Option<String>,
    pub loc: Loc,
}

#[derive(Debug, Clone)]
pub struct ResourceDecl {
    pub data: bool,
    pub kind: String,
    pub name: String,
    pub count: Option<Expr>,
    pub for_each: Option<Expr>,
    pub body: BodyDecl,
    pub loc: Loc,
}

#[derive(Debug, Clone)]
pub struct ModuleCall {
    pub name: String,
    pub source: String,
    pub count: Option<Expr>,
    pub for_each: Option<Expr>,
    /// The child's variables as this block sets them.
    pub args: Vec<(String, Expr)>,
    pub loc: Loc,
    /// The loaded child when `source` is a local path; else `None` (a remote module).
    pub child: Option<usize>,
}

/// One module directory.
#[derive(Debug, Default)]
pub struct ModuleDecl {
    /// Absolute directory.
    pub dir: PathBuf,
    /// `path.module` as Terraform gives it: relative to the root module (`.` for the root).
    pub rel: String,
    pub variables: Vec<VariableDecl>,
    pub locals: BTreeMap<String, Expr>,
    pub resources: Vec<ResourceDecl>,
    pub modules: Vec<ModuleCall>,
    pub outputs: BTreeMap<String, Expr>,
}

/// The root module and every local module it calls; index 0 is the root. A directory
/// called twice is loaded once.
#[derive(Debug, Default)]
pub struct Tree {
    pub modules: Vec<ModuleDecl>,
    /// The root module directory, absolute.
    pub root: PathBuf,
}

/// Arguments of a module block that are Terraform's, not the child's variables.
const META_ARGS: &[&str] = &[
    "source",
    "version",
    "count",
    "for_each",
    "providers",
    "depends_on",
];

/// Load `root` and its local child modules.
pub fn load_tree(root: &Path) -> Result<Tree, Vec<SourceDiagnostic>> {
    let mut tree = Tree {
        modules: Vec::new(),
        root: root.to_path_buf(),
    };
    let mut errors = Vec::new();
    let mut by_dir: BTreeMap<PathBuf, usize> = BTreeMap::new();
    let installed = installed_modules(root);
    let mut ctx = Walk {
        by_dir: &mut by_dir,
        installed: &installed,
        errors: &mut errors,
    };
    load_module(&mut tree, &mut ctx, root, ".".into(), "", 0);
    if errors.is_empty() {
        Ok(tree)
    } else {
        Err(errors)
    }
}

/// What loading carries down the module tree.
struct Walk<'a> {
    by_dir: &'a mut BTreeMap<PathBuf, usize>,
    /// `.terraform/modules/modules.json`: module key (`a.b`) → directory, relative to the root.
    installed: &'a BTreeMap<String, String>,
    errors: &'a mut Vec<SourceDiagnostic>,
}

/// The modules `terraform init` installed, from `.terraform/modules/modules.json`
/// (`{"Modules":[{"Key":"a.b","Source":…,"Dir":".terraform/modules/a.b"}]}`): a remote
/// module there is read like a local one, as `terraform plan` reads it. Missing or
/// unreadable: none (each remote module is then an unknown, with how to give it).
fn installed_modules(root: &Path) -> BTreeMap<String, String> {
    #[derive(serde::Deserialize)]
    struct Manifest {
        #[serde(rename = "Modules", default)]
        modules: Vec<Entry>,
    }
    #[derive(serde::Deserialize)]
    struct Entry {
        #[serde(rename = "Key")]
        key: String,
        #[serde(rename = "Dir")]
        dir: String,
    }
    let Ok(text) = crate::source::read_text(&root.join(".terraform/modules/modules.json")) else {
        return BTreeMap::new();
    };
    serde_json::from_str::<Manifest>(&text)
        .map(|m| {
            m.modules
                .into_iter()
                .filter(|e| !e.key.is_empty())
                .map(|e| (e.key, e.dir))
                .collect()
        })
        .unwrap_or_default()
}

fn load_module(
    tree: &mut Tree,
    ctx: &mut Walk<'_>,
    dir: &Path,
    rel: String,
    module_key: &str,
    depth: usize,
) -> usize {
    let key = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    if let Some(&i) = ctx.by_dir.get(&key) {
        return i;
    }
    let index = tree.modules.len();
    ctx.by_dir.insert(key, index);
    tree.modules.push(ModuleDecl {
        dir: dir.to_path_buf(),
        rel: rel.clone(),
        ..Default::default()
    });
    let mut module = read_module(dir, rel.clone(), ctx.errors);
    // Deeper than any real configuration: a module that calls its own parent.
    if depth > 32 {
        return index;
    }
    for call in &mut module.modules {
        let child_key = if module_key.is_empty() {
            call.name.clone()
        } else {
            format!("{module_key}.{}", call.name)
        };
        // Where the child is: a local path, or where `terraform init` installed it.
        let place = match local_source(&call.source) {
            None => ctx
                .installed
                .get(&child_key)
                .map(|i| (lexical_join(&tree.root, i), lexical_rel(".", i)))
                .filter(|(d, _)| d.is_dir()),
            Some(local) => {
                let child_dir = lexical_join(dir, local);
                if !child_dir.is_dir() {
                    ctx.errors.push(
                        call.loc
                            .error(format!(
                                "module `{}`: no directory {}",
                                call.name,
                                display(&child_dir)
                            ))
                            .with_label("source named here"),
                    );
                    continue;
                }
                Some((child_dir, lexical_rel(&rel, local)))
            }
        };
        if let Some((child_dir, child_rel)) = place {
            call.child = Some(load_module(
                tree,
                ctx,
                &child_dir,
                child_rel,
                &child_key,
                depth + 1,
            ));
        }
    }
    tree.modules[index] = module;
    index
}

/// A module source that is a local path (`./x`, `../x`), as Terraform defines it.
fn local_source(source: &str) -> Option<&str> {
    (source.starts_with("./") || source.starts_with("../") || source == "." || source == "..")
        .then_some(source)
}

/// `dir/rel` with `.` and `..` folded away.
fn lexical_join(dir: &Path, rel: &str) -> PathBuf {
    let mut out = dir.to_path_buf();
    for part in rel.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            p => out.push(p),
        }
    }
    out
}

/// `path.module` of a child: its parent's joined with the source, folded, as Terraform
/// prints it (`modules/a`, `modules/a/b`, `.` for the root).
fn lexical_rel(parent: &str, source: &str) -> String {
    let mut parts: Vec<&str> = parent
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    for part in source.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|l| *l != "..") => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    }
}

/// A path as messages show it: relative to the working directory when under it.
pub fn display(path: &Path) -> String {
    if let Ok(cwd) = std::env::current_dir()
        && let Ok(rel) = path.strip_prefix(&cwd)
    {
        let s = rel.display().to_string();
        return if s.is_empty() { ".".into() } else { s };
    }
    path.display().to_string()
}

fn read_module(dir: &Path, rel: String, errors: &mut Vec<SourceDiagnostic>) -> ModuleDecl {
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
        let name = display(&path);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn child_paths_as_terraform_prints_them() {
        assert_eq!(lexical_rel(".", "./modules/a"), "modules/a");
        assert_eq!(lexical_rel("modules/a", "./b2"), "modules/a/b2");
        assert_eq!(lexical_rel("modules/a", "../b"), "modules/b");
        assert_eq!(lexical_rel(".", "../shared"), "../shared");
        assert_eq!(lexical_rel("modules/a", ".."), "modules");
    }

    #[test]
    fn local_sources_only() {
        assert!(local_source("./m").is_some());
        assert!(local_source("../m").is_some());
        assert!(local_source("git::https://x/y.git").is_none());
        assert!(local_source("hashicorp/consul/aws").is_none());
    }
}
