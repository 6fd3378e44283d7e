//! Loading: a module directory's `*.tf` files into declarations (variables, locals,
//! resources, data sources, module calls, outputs), each expression kept with its file
//! and byte span, and every local child module (`source = "./…"`) loaded the same way,
//! recursively. Nothing is evaluated here.
//!
//! - this file: the declarations.
//! - `tree`: the module tree, local and `terraform init`-installed children.
//! - `read`: one directory's `.tf` files parsed into declarations.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::diag::{SourceDiagnostic, SourceFile};
use crate::source::code::TerraformCode;

mod read;
mod tree;

pub use read::unlocated;
pub use tree::load_tree;

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
