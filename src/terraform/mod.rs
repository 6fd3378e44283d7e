//! The deployment as Terraform reads it: a configuration's root module and every local
//! child module, evaluated offline the way `terraform plan` would (variables in
//! Terraform's precedence, `locals`, module arguments and outputs, `count`/`for_each`,
//! templates, conditionals and the functions in [`functions`]), or read from the JSON of
//! `terraform show -json PLAN` ([`plan`]).
//!
//! The result is a [`Config`]: every resource instance of every type, addressed as
//! `terraform state list` prints it, with each attribute's evaluated value. A value that
//! cannot be known offline (a required variable without a value, a data source, a remote
//! module, a computed resource attribute, `after_unknown` in a plan) is a
//! [`TfValue::Unknown`] pointing at one [`Unknown`], which names its Terraform address,
//! the `.tf` file and line, and how to give it; nothing is guessed.
//!
//! Data flows load ([`load`]: `.tf` files into declarations) → evaluate ([`eval`]) →
//! model (this file). Consumers: the suite binds `flow: tf:ADDRESS` through
//! [`Config::flow`]; other readers take [`Config::resources`] of the types they know.

mod address;
mod bind;
pub mod deploy;
mod discover;
mod eval;
pub mod functions;
mod load;
mod lookup;
mod model;
pub mod plan;
mod refs;
mod vars;

use std::path::{Path, PathBuf};

pub use address::{Address, InstanceKey};
pub use bind::{BindError, Fill, FlowBinding, Substitution, SubstitutionSource};
pub use discover::flow_roots;
pub use lookup::FlowResource;
pub use model::{
    Config, Origin, OriginKind, Resource, ResourceMode, TfValue, Unknown, UnknownKind,
};
pub use vars::VarSource;

use crate::diag::SourceDiagnostic;

/// What to read, with every path already resolved (flags against the working
/// directory, routecheck.yaml keys against its directory).
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The root module directory (`--terraform DIR`).
    pub dir: Option<PathBuf>,
    /// `-var-file` and `-var` equivalents, in the order Terraform applies them (later wins).
    pub vars: Vec<VarSource>,
    /// `--tf-plan FILE`: the JSON of `terraform show -json PLAN`.
    pub plan: Option<PathBuf>,
}

impl Options {
    /// Whether anything Terraform was asked for.
    pub fn is_empty(&self) -> bool {
        self.dir.is_none() && self.plan.is_none()
    }
}

/// Read the configuration (or plan) `opts` names. Errors are located in the `.tf`,
/// `.tfvars` or plan file; every one is returned, not only the first.
pub fn read(opts: &Options) -> Result<Config, Vec<SourceDiagnostic>> {
    if let Some(plan) = &opts.plan {
        return plan::read(plan, opts.dir.as_deref());
    }
    let Some(dir) = &opts.dir else {
        return Err(vec![SourceDiagnostic::error(
            &crate::diag::SourceFile::unlocated("<terraform>"),
            (0, 0),
            "no Terraform directory or plan was given",
        )]);
    };
    let root = absolute(dir);
    let tree = load::load_tree(&root)?;
    let values = vars::root_values(&tree, &opts.vars)?;
    eval::evaluate(&tree, values)
}

/// `dir` made absolute against the working directory, without resolving symlinks (the
/// paths shown stay the ones the user gave).
pub fn absolute_dir(dir: &Path) -> PathBuf {
    absolute(dir)
}

pub(crate) fn absolute(dir: &Path) -> PathBuf {
    let joined = if dir.is_absolute() {
        dir.to_path_buf()
    } else {
        match std::env::current_dir() {
            Ok(cwd) => cwd.join(dir),
            Err(_) => dir.to_path_buf(),
        }
    };
    normalise(&joined)
}

/// `a/./b` and `a/x/../b` as `a/b`, lexically: `--terraform .` must not print
/// `/repo/./modules/x` (a symlinked `x/..` is rare in a configuration, and Terraform
/// itself joins module paths lexically).
pub(crate) fn normalise(p: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}
