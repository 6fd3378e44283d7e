//! The evaluated configuration: every resource instance with its attribute values, the
//! values that cannot be known offline, and where each value came from.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::address::Address;

/// An evaluated value. `Unknown` leaves can sit anywhere inside a list or map: one
/// substitution that comes from a data source does not hide its known neighbours.
#[derive(Debug, Clone, PartialEq)]
pub enum TfValue {
    Null,
    Bool(bool),
    Number(hcl::Number),
    String(String),
    List(Vec<TfValue>),
    Map(BTreeMap<String, TfValue>),
    Unknown(Arc<Unknown>),
}

impl TfValue {
    /// The value as Terraform converts it to a string (a `map(string)` attribute such
    /// as `substitutions`): strings as they are, numbers and bools printed; `None` for
    /// null, collections and unknowns.
    pub fn text(&self) -> Option<String> {
        match self {
            TfValue::String(s) => Some(s.clone()),
            TfValue::Number(n) => Some(n.to_string()),
            TfValue::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            TfValue::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&BTreeMap<String, TfValue>> {
        match self {
            TfValue::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The unknown this value is, when it is one.
    pub fn unknown(&self) -> Option<&Arc<Unknown>> {
        match self {
            TfValue::Unknown(u) => Some(u),
            _ => None,
        }
    }

    /// The value at `path` (map keys and list indexes as strings).
    pub fn get(&self, path: &[&str]) -> Option<&TfValue> {
        let mut v = self;
        for p in path {
            v = match v {
                TfValue::Map(m) => m.get(*p)?,
                TfValue::List(l) => l.get(p.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(v)
    }
}

/// Why a value cannot be known offline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum UnknownKind {
    /// A root variable with no default and no value from any source.
    RequiredVariable,
    /// A child module's variable with no default that its module block does not set.
    MissingModuleArgument,
    /// `data.TYPE.NAME`: read from the provider at plan time.
    DataSource,
    /// A module whose `source` is not a local path, and not downloaded by `terraform init`.
    RemoteModule,
    /// A resource attribute the configuration does not set (`id` and other computed ones).
    ResourceAttribute,
    /// A function whose result is not known before apply (`timestamp()`, `uuid()`).
    Function,
    /// `after_unknown` in a plan: known only after apply.
    PlanUnknown,
}

impl UnknownKind {
    pub fn describe(self) -> &'static str {
        match self {
            UnknownKind::RequiredVariable => "a required variable with no value",
            UnknownKind::MissingModuleArgument => "a module variable its module block does not set",
            UnknownKind::DataSource => "a data source, read from Genesys Cloud at plan time",
            UnknownKind::RemoteModule => "an output of a remote module, not read offline",
            UnknownKind::ResourceAttribute => "a resource attribute known only after apply",
            UnknownKind::Function => "a function result known only at apply time",
            UnknownKind::PlanUnknown => "known only after apply (the plan's after_unknown)",
        }
    }
}

/// One value that cannot be known offline, listed once however often it is used.
#[derive(Debug, Clone, PartialEq)]
pub struct Unknown {
    /// Its Terraform address: `var.greeting`, `data.genesyscloud_auth_division_home.home`,
    /// `module.queues`, `genesyscloud_routing_queue.q.id`, `module.x.var.y`.
    pub address: String,
    pub kind: UnknownKind,
    /// `file:line` of its declaration (the variable, data or module block).
    pub at: String,
    /// How to give it.
    pub help: String,
}

impl std::fmt::Display for Unknown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "`{}` ({}, {}): {}",
            self.address,
            self.kind.describe(),
            self.at,
            self.help
        )
    }
}

/// Where a value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OriginKind {
    /// Written in a `.tf` file (a literal, or an expression of other values).
    Literal,
    /// A `variable` block's `default`.
    Default,
    /// `TF_VAR_name`.
    Environment,
    /// `terraform.tfvars` or a `*.auto.tfvars` file.
    AutoVarFile,
    /// A `-var-file` equivalent.
    VarFile,
    /// A `-var` equivalent.
    Flag,
    /// A `local` value.
    Local,
    /// A module block's argument.
    ModuleArgument,
    /// A module's output.
    ModuleOutput,
    /// Another resource's attribute (a flow's `name`).
    Resource,
    /// A plan's planned values.
    Plan,
}

/// One step of where a value came from; a value passed down through modules has a
/// chain, nearest first (`module argument at main.tf:12` ← `dev.auto.tfvars:3`).
#[derive(Debug, Clone, PartialEq)]
pub struct Origin {
    pub kind: OriginKind,
    /// `file:line`, or the environment variable or flag.
    pub at: String,
    /// The Terraform expression's subject (`var.x`, `local.y`), when it was a reference.
    pub via: Option<String>,
    pub from: Option<Box<Origin>>,
}

impl Origin {
    pub fn new(kind: OriginKind, at: String) -> Self {
        Origin {
            kind,
            at,
            via: None,
            from: None,
        }
    }

    /// Every step, nearest first.
    pub fn chain(&self) -> Vec<&Origin> {
        let mut out = vec![self];
        let mut o = self;
        while let Some(next) = &o.from {
            out.push(next);
            o = next;
        }
        out
    }

    /// The last step: where the value was actually written.
    pub fn source(&self) -> &Origin {
        let mut o = self;
        while let Some(next) = &o.from {
            o = next;
        }
        o
    }
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self
            .chain()
            .iter()
            .map(|o| {
                let what = match o.kind {
                    OriginKind::Literal => "set at",
                    OriginKind::Default => "default at",
                    OriginKind::Environment => "from",
                    OriginKind::AutoVarFile | OriginKind::VarFile => "from",
                    OriginKind::Flag => "from",
                    OriginKind::Local => "local at",
                    OriginKind::ModuleArgument => "module argument at",
                    OriginKind::ModuleOutput => "module output at",
                    OriginKind::Resource => "from",
                    OriginKind::Plan => "planned value in",
                };
                match &o.via {
                    Some(v) => format!("{v}, {what} {}", o.at),
                    None => format!("{what} {}", o.at),
                }
            })
            .collect();
        f.write_str(&parts.join(" ← "))
    }
}

/// Managed resource or data source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourceMode {
    Managed,
    Data,
}

/// One resource instance.
#[derive(Debug, Clone)]
pub struct Resource {
    pub address: Address,
    pub mode: ResourceMode,
    /// `file:line` of the resource block (or the plan file).
    pub at: String,
    /// The directory of the module that declares it, absolute.
    pub module_dir: PathBuf,
    /// Arguments and nested blocks (each block type a list of maps), evaluated.
    pub attrs: BTreeMap<String, TfValue>,
    /// Where each value came from, by dotted path (`substitutions.flow_name`).
    pub origins: BTreeMap<String, Origin>,
}

impl Resource {
    pub fn attr(&self, name: &str) -> Option<&TfValue> {
        self.attrs.get(name)
    }
}

/// The whole configuration, evaluated.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The root module directory, absolute: Terraform's working directory, against which
    /// relative paths (`filepath = "${path.module}/x.yaml"`) resolve.
    pub root: PathBuf,
    /// Every resource instance of every module, in declaration order.
    pub resources: Vec<Resource>,
    /// Every value that cannot be known offline, once each.
    pub unknowns: Vec<Arc<Unknown>>,
    /// `file:line` of the plan when read from one.
    pub plan: Option<String>,
}

impl Config {
    /// Every instance of a resource type (managed resources only).
    pub fn of_type<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Resource> + 'a {
        self.resources
            .iter()
            .filter(move |r| r.mode == ResourceMode::Managed && r.address.kind == kind)
    }

    /// A path value resolved as Terraform resolves it: against the root module directory.
    pub fn path(&self, p: &str) -> PathBuf {
        let p = Path::new(p);
        if p.is_absolute() {
            super::normalise(p)
        } else {
            super::normalise(&self.root.join(p))
        }
    }
}
