//! The Terraform flags every command that reads flows shares: `--tf-var-file`,
//! `--tf-var` and `--tf-plan` (with `--terraform DIR`, which each command declares so its
//! help says what it reads), resolved into [`crate::terraform::Options`]: flags against
//! the working directory, routecheck.yaml's `terraform:` against the file's directory.

use std::path::{Path, PathBuf};

use crate::project::Project;
use crate::terraform::{Options, VarSource};

/// `--tf-var-file`, `--tf-var`, `--tf-plan`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct TfArgs {
    /// A Terraform variable definitions file (`.tfvars` or `.tfvars.json`), applied after
    /// terraform.tfvars and *.auto.tfvars, as `terraform plan -var-file`; repeatable, a
    /// later file wins.
    #[arg(long = "tf-var-file", value_name = "FILE")]
    pub tf_var_files: Vec<PathBuf>,
    /// A Terraform root variable, as `terraform plan -var NAME=VALUE`; repeatable; wins
    /// over every file.
    #[arg(long = "tf-var", value_name = "NAME=VALUE")]
    pub tf_vars: Vec<String>,
    /// Read the deploy from the JSON of `terraform show -json PLANFILE` instead of
    /// evaluating the configuration.
    #[arg(long = "tf-plan", value_name = "FILE")]
    pub tf_plan: Option<PathBuf>,
}

impl TfArgs {
    /// The options the flags and routecheck.yaml give (`dir` is `--terraform DIR`).
    pub fn options(
        &self,
        dir: Option<&Path>,
        project: Option<&Project>,
    ) -> Result<Options, String> {
        let mut vars: Vec<VarSource> = self
            .tf_var_files
            .iter()
            .cloned()
            .map(VarSource::File)
            .collect();
        for a in &self.tf_vars {
            let Some((name, value)) = a.split_once('=') else {
                return Err(format!("--tf-var {a}: expected NAME=VALUE"));
            };
            if name.trim().is_empty() {
                return Err(format!("--tf-var {a}: the variable name is empty"));
            }
            vars.push(VarSource::Assign {
                name: name.trim().to_string(),
                value: value.to_string(),
                from: "--tf-var".into(),
            });
        }
        let dir = dir
            .map(Path::to_path_buf)
            .or_else(|| project.and_then(|p| p.config.terraform.as_deref().map(|t| p.path(t))));
        Ok(Options {
            dir: dir.map(|d| crate::terraform::absolute_dir(&d)),
            vars,
            plan: self.tf_plan.clone(),
        })
    }
}
