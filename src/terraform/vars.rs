//! The root module's variable values in Terraform's precedence, checked against
//! Terraform 1.11 itself (docs/terraform.md): a later source wins over an earlier one.
//!
//! 1. the `default` of the `variable` block;
//! 2. `TF_VAR_name` environment variables;
//! 3. `terraform.tfvars`, then `terraform.tfvars.json`;
//! 4. `*.auto.tfvars` and `*.auto.tfvars.json`, in lexical order of their names;
//! 5. `-var-file` and `-var` (here routecheck.yaml's `var_files`/`vars`, then
//!    `--tf-var-file`/`--tf-var`), in the order given.
//!
//! A value from the environment or `-var` is taken as a literal string when the
//! variable's type is a primitive (or not given), and parsed as HCL otherwise, as
//! Terraform does.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::load::{self, Loc, Tree, VariableDecl};
use super::model::{Origin, OriginKind};
use crate::diag::{SourceDiagnostic, SourceFile};
use crate::source::code::TerraformCode;

/// One `-var-file` or `-var` equivalent.
#[derive(Debug, Clone)]
pub enum VarSource {
    /// A variable definitions file (`.tfvars` or `.tfvars.json`).
    File(PathBuf),
    /// `NAME=VALUE`; `from` says where it was given (`--tf-var`, `routecheck.yaml:12`).
    Assign {
        name: String,
        value: String,
        from: String,
    },
}

/// A root variable's value and where it came from.
pub type RootValues = BTreeMap<String, (hcl::Value, Origin)>;

/// The root module's variables that have a value, by the precedence above.
pub fn root_values(tree: &Tree, given: &[VarSource]) -> Result<RootValues, Vec<SourceDiagnostic>> {
    let root = &tree.modules[0];
    let decls: BTreeMap<&str, &VariableDecl> = root
        .variables
        .iter()
        .map(|v| (v.name.as_str(), v))
        .collect();
    let mut out = RootValues::new();
    let mut errors = Vec::new();
    for (name, value) in std::env::vars() {
        if let Some(var) = name.strip_prefix("TF_VAR_")
            && let Some(decl) = decls.get(var)
        {
            let origin = Origin::new(
                OriginKind::Environment,
                format!("environment variable {name}"),
            );
            match literal(decl, &value) {
                Ok(v) => {
                    out.insert(var.to_string(), (v, origin));
                }
                Err(e) => errors.push(load::unlocated(format!("{name}: {e}"))),
            }
        }
    }
    let mut auto: Vec<PathBuf> = Vec::new();
    for fixed in ["terraform.tfvars", "terraform.tfvars.json"] {
        let p = tree.root.join(fixed);
        if p.is_file() {
            auto.push(p);
        }
    }
    let mut lexical: Vec<PathBuf> = std::fs::read_dir(&tree.root)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    let n = p
                        .file_name()
                        .map(|n| n.to_string_lossy().to_string())
                        .unwrap_or_default();
                    !n.starts_with('.')
                        && (n.ends_with(".auto.tfvars") || n.ends_with(".auto.tfvars.json"))
                        && p.is_file()
                })
                .collect()
        })
        .unwrap_or_default();
    lexical.sort();
    auto.extend(lexical);
    for p in &auto {
        read_file(p, &decls, &mut out, &mut errors, false);
    }
    for source in given {
        match source {
            VarSource::File(p) => read_file(p, &decls, &mut out, &mut errors, true),
            VarSource::Assign { name, value, from } => match decls.get(name.as_str()) {
                Some(decl) => match literal(decl, value) {
                    Ok(v) => {
                        out.insert(
                            name.clone(),
                            (v, Origin::new(OriginKind::Flag, from.clone())),
                        );
                    }
                    Err(e) => errors.push(load::unlocated(format!("{from} {name}: {e}"))),
                },
                None => {
                    let close = crate::diag::closest(name, decls.keys().copied())
                        .map(|c| format!("; did you mean `{c}`?"))
                        .unwrap_or_default();
                    errors.push(
                        load::unlocated(format!(
                            "{from} {name}=…: the root module declares no variable `{name}`{close}"
                        ))
                        .with_code(TerraformCode::Variable),
                    );
                }
            },
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// A `-var`/`TF_VAR_` value: literal for a primitive type, HCL for a complex one.
fn literal(decl: &VariableDecl, raw: &str) -> Result<hcl::Value, String> {
    let ty = decl.type_expr.as_deref().unwrap_or("any");
    match ty {
        "string" | "any" => Ok(hcl::Value::String(raw.to_string())),
        "number" | "bool" => convert(hcl::Value::String(raw.to_string()), ty),
        _ => {
            let e: hcl::Expression = raw.parse().map_err(|e| format!("not an HCL value: {e}"))?;
            let v = hcl::eval::Evaluate::evaluate(&e, &hcl::eval::Context::new())
                .map_err(|e| e.to_string())?;
            convert(v, ty)
        }
    }
}

/// Terraform's conversion of a value to a variable's primitive (or simple collection)
/// type; other types are kept as given.
pub fn convert(v: hcl::Value, ty: &str) -> Result<hcl::Value, String> {
    use hcl::Value as V;
    let ty = ty.trim();
    match (ty, v) {
        ("string", V::Number(n)) => Ok(V::String(n.to_string())),
        ("string", V::Bool(b)) => Ok(V::String(b.to_string())),
        ("number", V::String(s)) => s
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(hcl::Number::from_f64)
            .map(|n| match s.trim().parse::<i64>() {
                Ok(i) => V::Number(i.into()),
                Err(_) => V::Number(n),
            })
            .ok_or_else(|| format!("`{s}` is not a number")),
        ("bool", V::String(s)) => match s.as_str() {
            "true" => Ok(V::Bool(true)),
            "false" => Ok(V::Bool(false)),
            _ => Err(format!("`{s}` is not a bool")),
        },
        (t, V::Object(m)) if t.starts_with("map(") && t.ends_with(')') => {
            let inner = &t[4..t.len() - 1];
            m.into_iter()
                .map(|(k, v)| Ok((k, convert(v, inner)?)))
                .collect::<Result<_, String>>()
                .map(V::Object)
        }
        (t, V::Array(a))
            if (t.starts_with("list(") || t.starts_with("set(")) && t.ends_with(')') =>
        {
            let inner = &t[t.find('(').unwrap_or(0) + 1..t.len() - 1];
            a.into_iter()
                .map(|v| convert(v, inner))
                .collect::<Result<_, String>>()
                .map(V::Array)
        }
        (_, v) => Ok(v),
    }
}

fn read_file(
    path: &Path,
    decls: &BTreeMap<&str, &VariableDecl>,
    out: &mut RootValues,
    errors: &mut Vec<SourceDiagnostic>,
    explicit: bool,
) {
    let name = crate::source::shown::shown(path);
    let text = match crate::source::read_text(path) {
        Ok(t) => t,
        Err(e) => {
            errors.push(
                load::unlocated(format!("cannot read variable file {name}: {e}"))
                    .with_code(TerraformCode::Variable),
            );
            return;
        }
    };
    let file = SourceFile::new(name.as_str(), text.as_str());
    let set = |key: &str,
               value: hcl::Value,
               at: usize,
               out: &mut RootValues,
               errors: &mut Vec<SourceDiagnostic>| {
        let loc = Loc {
            file: file.clone(),
            span: (at, at + key.len()),
        };
        let Some(decl) = decls.get(key) else {
            // Terraform warns about an undeclared variable in a file and goes on.
            return;
        };
        let ty = decl.type_expr.as_deref().unwrap_or("any");
        match convert(value, ty) {
            Ok(v) => {
                let kind = if explicit {
                    OriginKind::VarFile
                } else {
                    OriginKind::AutoVarFile
                };
                out.insert(key.to_string(), (v, Origin::new(kind, loc.line())));
            }
            Err(e) => errors.push(
                loc.error(format!("variable `{key}`: {e}"))
                    .with_code(TerraformCode::Variable),
            ),
        }
    };
    if name.ends_with(".json") {
        match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&text) {
            Ok(map) => {
                for (k, v) in map {
                    let at = text.find(&format!("\"{k}\"")).map(|i| i + 1).unwrap_or(0);
                    match serde_json::from_value::<hcl::Value>(v) {
                        Ok(v) => set(&k, v, at, out, errors),
                        Err(e) => {
                            errors.push(SourceDiagnostic::error(&file, (at, at), e.to_string()))
                        }
                    }
                }
            }
            Err(e) => {
                let at = file.offset_of(e.line(), e.column());
                errors.push(
                    SourceDiagnostic::error(&file, (at, at), format!("not valid JSON: {e}"))
                        .with_code(TerraformCode::Syntax),
                );
            }
        }
        return;
    }
    let body = match hcl::edit::parser::parse_body(&text) {
        Ok(b) => b,
        Err(e) => {
            let l = e.location();
            let at = file.offset_of(l.line(), l.column());
            errors.push(
                SourceDiagnostic::error(&file, (at, at), format!("not valid HCL: {}", e.message()))
                    .with_code(TerraformCode::Syntax),
            );
            return;
        }
    };
    for attr in body.attributes() {
        use hcl::edit::Span as _;
        let at = attr.span().map(|s| s.start).unwrap_or(0);
        let e: hcl::Expression = attr.value.clone().into();
        // Variable files hold values, not expressions: no variables, no functions.
        match hcl::eval::Evaluate::evaluate(&e, &hcl::eval::Context::new()) {
            Ok(v) => set(attr.key.as_str(), v, at, out, errors),
            Err(err) => {
                let span = attr
                    .value
                    .span()
                    .map(|s| (s.start, s.end))
                    .unwrap_or((at, at));
                errors.push(
                    SourceDiagnostic::error(&file, span, format!("variable `{}` is not a value: {err}", attr.key.as_str()))
                        .with_code(TerraformCode::Variable)
                        .with_help("a variable definitions file gives literal values; Terraform allows no references or functions here"),
                );
            }
        }
    }
}
