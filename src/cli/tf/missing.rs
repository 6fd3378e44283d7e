//! A Terraform path that is not there — the root module directory, a variable file, a
//! plan — reported where it was given: on the flag (`<command line>`), or at the value in
//! routecheck.yaml, spelled as given there, with the nearest path that exists spelled the
//! same way (relative to the working directory for a flag, to routecheck.yaml for a key).

use std::path::{Path, PathBuf};

use crate::diag::{SourceDiagnostic, SourceFile};
use crate::project::Project;
use crate::source::code::TerraformCode;
use crate::source::shown::{nearest_existing, shown};

/// Where a path was given.
pub(super) enum Given<'a> {
    /// A flag and its value, as typed (relative to the working directory).
    Flag(&'static str, &'a Path),
    /// A key of routecheck.yaml's `terraform:` and its value (relative to the file).
    Yaml(&'a Project, &'static str, &'a str),
}

/// What the path must be.
#[derive(Clone, Copy)]
pub(super) enum Want {
    Dir,
    VarFile,
    Plan,
}

impl Want {
    fn is_dir(self) -> bool {
        matches!(self, Want::Dir)
    }

    fn code(self) -> TerraformCode {
        match self {
            Want::Dir => TerraformCode::Config,
            Want::VarFile => TerraformCode::Variable,
            Want::Plan => TerraformCode::Plan,
        }
    }

    /// What to give when nothing near exists.
    fn hint(self) -> &'static str {
        match self {
            Want::Dir => "give the root module: the directory where `terraform plan` runs",
            Want::VarFile => {
                "give a `.tfvars` or `.tfvars.json` file, as `terraform plan -var-file`"
            }
            Want::Plan => {
                "give the JSON that `terraform show -json PLANFILE` prints, saved to a file"
            }
        }
    }
}

/// The diagnostic for `given` when it is not what `want` asks (`None` when it is).
pub(super) fn not_there(given: Given<'_>, want: Want) -> Option<SourceDiagnostic> {
    // `typed` is spelled as the user wrote it; `base` is what it is relative to.
    let (typed, base): (PathBuf, Option<&Path>) = match &given {
        Given::Flag(_, p) => (p.to_path_buf(), None),
        Given::Yaml(p, _, raw) => (PathBuf::from(raw), Some(p.root.as_path())),
    };
    let full = match base {
        Some(b) if !b.as_os_str().is_empty() && !typed.is_absolute() => b.join(&typed),
        _ => typed.clone(),
    };
    let (what, near) = match (want.is_dir(), full.is_dir(), full.is_file()) {
        (true, true, _) | (false, _, true) => return None,
        (true, _, true) => (
            "a file, not the root module's directory",
            full.parent().map(Path::to_path_buf),
        ),
        (false, true, _) => ("a directory, not a file", None),
        (dir, _, _) => (
            if dir {
                "no such directory"
            } else {
                "no such file"
            },
            nearest_existing(&full, dir),
        ),
    };
    // The nearest, spelled relative to what `typed` is relative to.
    let near = near.map(|n| match base {
        Some(b) if !b.as_os_str().is_empty() && !typed.is_absolute() => {
            n.strip_prefix(b).map(Path::to_path_buf).unwrap_or(n)
        }
        _ => n,
    });
    let help = match near {
        Some(n) => {
            let n = n.display().to_string();
            format!("did you mean `{}`?", if n.is_empty() { "." } else { &n })
        }
        None => want.hint().to_string(),
    };
    let text = typed.display().to_string();
    let d = match given {
        Given::Flag(flag, _) => SourceDiagnostic::error(
            &SourceFile::command_line(&text),
            (0, text.len()),
            format!("{flag} {text}: {what}"),
        ),
        Given::Yaml(p, key, raw) => {
            let yaml = crate::source::read_text(&p.file).unwrap_or_default();
            let file = SourceFile::new(shown(&p.file).as_str(), yaml.as_str());
            let span = value_at(&yaml, raw).map_or((0, 0), |at| (at, at + raw.len()));
            SourceDiagnostic::error(&file, span, format!("`terraform:` {key} {text}: {what}"))
        }
    };
    Some(d.with_code(want.code()).with_help(help))
}

/// Where routecheck.yaml writes `raw`: its first occurrence after `terraform:` (the
/// section names each path once), else its first anywhere.
fn value_at(yaml: &str, raw: &str) -> Option<usize> {
    let after = yaml.find("terraform:").unwrap_or(0);
    yaml[after..]
        .find(raw)
        .map(|i| after + i)
        .or_else(|| yaml.find(raw))
}
