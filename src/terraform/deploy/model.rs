//! Reading the deploy's resources off the Terraform model ([`Config`](crate::terraform::Config)):
//! typed accessors over a [`Resource`]'s evaluated attributes, and how one resource
//! refers to another. A value known only after apply (`genesyscloud_architect_schedules.open.id`)
//! is a [`TfValue::Unknown`] naming the address it refers to, so references between
//! resources still resolve offline; a known id (a plan of resources already applied)
//! resolves through the target's own `id`.

use crate::deploy::DeployProblem;
use crate::terraform::{OriginKind, Resource, TfValue, UnknownKind};

/// A string attribute, or why it cannot be used.
pub(super) fn text<'r>(r: &'r Resource, name: &str) -> Result<Option<&'r str>, String> {
    match r.attr(name) {
        None | Some(TfValue::Null) => Ok(None),
        Some(TfValue::String(s)) => Ok(Some(s)),
        Some(TfValue::Unknown(u)) => Err(format!("its `{name}` cannot be known offline: {u}")),
        Some(other) => Err(format!(
            "its `{name}` is not a string ({})",
            describe(other)
        )),
    }
}

/// A string attribute the resource must have.
pub(super) fn required<'r>(r: &'r Resource, name: &str) -> Result<&'r str, String> {
    text(r, name)?.ok_or_else(|| format!("it has no `{name}`"))
}

/// The items of a list or set attribute (a single value is one item). A list unknown as
/// a whole (`compact([for … : lookup(ids, n, null)])` over ids known only after apply is
/// unknown in Terraform too) cannot say what it holds: an error, never one item.
pub(super) fn items<'r>(r: &'r Resource, name: &str) -> Result<Vec<&'r TfValue>, String> {
    match r.attr(name) {
        None | Some(TfValue::Null) => Ok(Vec::new()),
        Some(TfValue::List(l)) => Ok(l.iter().collect()),
        Some(TfValue::Unknown(u)) => Err(format!(
            "its `{name}` cannot be known offline: the whole list is computed from `{}`, {}, so which items it holds is known only after apply; read a plan of the applied configuration with --tf-plan",
            u.address,
            u.kind.describe()
        )),
        Some(one) => Ok(vec![one]),
    }
}

/// What a reference to another resource's id names: the resource's address for an id
/// known only after apply (`module.m.TYPE.NAME.id` → `module.m.TYPE.NAME`), the id itself
/// when known. `Err` when it names something the deploy cannot hold (a data source).
pub(super) fn reference(v: &TfValue) -> Result<String, String> {
    match v {
        TfValue::String(s) => Ok(s.clone()),
        TfValue::Unknown(u) if u.kind == UnknownKind::DataSource => Err(format!(
            "`{}` is a data source: what it names is read from the org at plan time, not defined in the configuration",
            u.address
        )),
        TfValue::Unknown(u) => Ok(u
            .address
            .strip_suffix(".id")
            .unwrap_or(&u.address)
            .to_string()),
        other => Err(format!("{} is not a resource id", describe(other))),
    }
}

/// A short description of a value for messages (never the whole value).
pub(super) fn describe(v: &TfValue) -> &'static str {
    match v {
        TfValue::Null => "null",
        TfValue::Bool(_) => "a bool",
        TfValue::Number(_) => "a number",
        TfValue::String(_) => "a string",
        TfValue::List(_) => "a list",
        TfValue::Map(_) => "an object",
        TfValue::Unknown(_) => "unknown offline",
    }
}

/// A resource's address, and the same without its instance key (`TYPE.NAME`, the form
/// a reference to a counted resource's attribute takes offline).
pub(super) fn addresses(r: &Resource) -> [String; 2] {
    let mut bare = r.address.clone();
    bare.key = None;
    [r.address.to_string(), bare.to_string()]
}

/// The problem of a resource that cannot be read, named by its `name` when it has one.
pub(super) fn problem(r: &Resource, message: String) -> DeployProblem {
    DeployProblem {
        address: r.address.to_string(),
        at: r.at.clone(),
        name: text(r, "name").ok().flatten().map(str::to_string),
        message,
    }
}

/// [`problem`], located at the attribute the message names first (`` `rrule` has … ``):
/// where its value was written (the `.tf` line, or the variable file that set it), else
/// the resource.
pub(super) fn problem_at(r: &Resource, message: &str) -> DeployProblem {
    let mut p = problem(r, message.to_string());
    let attr = message
        .strip_prefix('`')
        .and_then(|m| m.split_once('`'))
        .map(|(a, _)| a);
    if let Some(o) = attr.and_then(|a| r.origins.get(a))
        && !matches!(o.kind, OriginKind::Environment | OriginKind::Flag)
    {
        p.at = o.at.clone();
    }
    p
}
