//! The Terraform flags every command that reads flows shares (`--terraform DIR`,
//! `--tf-var-file`, `--tf-var`, `--tf-plan`), resolved into
//! [`crate::terraform::Options`] — flags against the working directory, routecheck.yaml's
//! `terraform:` against the file's directory — and the one way a command's `--flow`
//! argument becomes a file and its placeholder values: `tf:ADDRESS`, or a file that a
//! `genesyscloud_flow` resource deploys (then with that resource's substitutions).

mod missing;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::project::Project;
use crate::terraform::{Config, Fill, FlowBinding, Options, VarSource};

/// `--terraform`, `--tf-var-file`, `--tf-var`, `--tf-plan`.
#[derive(Debug, Clone, Default)]
pub struct TfArgs {
    pub dir: Option<PathBuf>,
    pub tf_var_files: Vec<PathBuf>,
    pub tf_vars: Vec<String>,
    pub tf_plan: Option<PathBuf>,
    /// The order `--tf-var-file` (true) and `--tf-var` (false) were given in, from clap's
    /// argument indices: Terraform applies `-var-file` and `-var` in command-line order (a
    /// later one wins), and clap keeps each flag's values apart.
    pub order: Vec<bool>,
}

/// The flags as clap declares them; [`TfArgs`] adds the order they were given in.
#[derive(Debug, Clone, Default, clap::Args)]
struct TfFlags {
    /// The Terraform root module: its configuration and local modules are evaluated
    /// (docs/terraform.md), flows its `genesyscloud_flow` resources deploy get their
    /// substitutions, and a flow may be named `tf:ADDRESS` (default: routecheck.yaml's
    /// `terraform:`).
    #[arg(long = "terraform", value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// A Terraform variable definitions file (`.tfvars` or `.tfvars.json`), applied after
    /// terraform.tfvars and *.auto.tfvars, as `terraform plan -var-file`; repeatable, a
    /// later file wins.
    #[arg(long = "tf-var-file", value_name = "FILE")]
    pub tf_var_files: Vec<PathBuf>,
    /// A Terraform root variable, as `terraform plan -var NAME=VALUE`; repeatable; with
    /// `--tf-var-file`, applied in command-line order (a later one wins).
    #[arg(long = "tf-var", value_name = "NAME=VALUE")]
    pub tf_vars: Vec<String>,
    /// Read the deploy from the JSON of `terraform show -json PLANFILE` instead of
    /// evaluating the configuration.
    #[arg(long = "tf-plan", value_name = "FILE")]
    pub tf_plan: Option<PathBuf>,
}

impl clap::FromArgMatches for TfArgs {
    fn from_arg_matches(m: &clap::ArgMatches) -> Result<Self, clap::Error> {
        let f = TfFlags::from_arg_matches(m)?;
        let mut at: Vec<(usize, bool)> = Vec::new();
        for (id, is_file) in [("tf_var_files", true), ("tf_vars", false)] {
            if let Some(ix) = m.indices_of(id) {
                at.extend(ix.map(|i| (i, is_file)));
            }
        }
        at.sort();
        Ok(TfArgs {
            dir: f.dir,
            tf_var_files: f.tf_var_files,
            tf_vars: f.tf_vars,
            tf_plan: f.tf_plan,
            order: at.into_iter().map(|(_, f)| f).collect(),
        })
    }

    fn update_from_arg_matches(&mut self, m: &clap::ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(m)?;
        Ok(())
    }
}

impl clap::Args for TfArgs {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        TfFlags::augment_args(cmd)
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        TfFlags::augment_args_for_update(cmd)
    }
}

impl TfArgs {
    /// The options the flags and routecheck.yaml give. routecheck.yaml's `var_files`,
    /// `vars` and `plan` belong to its `dir`: they apply unless `--terraform` names
    /// another directory (its `plan` also unless `--tf-plan` is given); the flags' files
    /// and values come after its own, as later `-var-file`/`-var` arguments do.
    pub fn options(&self, project: Option<&Project>) -> Result<Options, String> {
        let section = match (&self.dir, project) {
            (None, Some(p)) => p.config.terraform.as_ref().map(|t| (p, t.section())),
            _ => None,
        };
        let mut vars: Vec<VarSource> = Vec::new();
        let mut dir = self.dir.clone();
        let mut plan = self.tf_plan.clone();
        if let Some((p, s)) = &section {
            dir = s.dir.as_deref().map(|d| p.path(d));
            vars.extend(s.var_files.iter().map(|f| VarSource::File(p.path(f))));
            let from = format!("{} terraform: vars:", p.file.display());
            vars.extend(s.vars.iter().map(|(k, v)| VarSource::Assign {
                name: k.clone(),
                value: v.clone(),
                from: from.clone(),
            }));
            if plan.is_none() {
                plan = s.plan.as_deref().map(|f| p.path(f));
            }
        }
        let mut files = self.tf_var_files.iter();
        let mut values = self.tf_vars.iter();
        for is_file in self.flag_order() {
            if is_file {
                vars.extend(files.next().cloned().map(VarSource::File));
                continue;
            }
            let Some(a) = values.next() else { continue };
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
        if dir.is_none() && plan.is_none() && !vars.is_empty() {
            return Err(
                "--tf-var-file and --tf-var need --terraform DIR (or routecheck.yaml `terraform: { dir: … }`)"
                    .into(),
            );
        }
        Ok(Options {
            dir: dir.map(|d| crate::terraform::absolute_dir(&d)),
            vars,
            plan: plan.map(|p| crate::terraform::absolute_dir(&p)),
        })
    }

    /// [`Self::options`], with every path they name that Terraform would read checked
    /// first: a root module directory, variable file or plan that is not there is a
    /// located diagnostic (on the flag, or in routecheck.yaml) with the nearest that exists.
    /// Problems are located diagnostics (a flag's as a usage error).
    pub fn checked(
        &self,
        project: Option<&Project>,
    ) -> Result<Options, Vec<crate::diag::SourceDiagnostic>> {
        let opts = self
            .options(project)
            .map_err(|e| vec![super::stop::usage_unlocated(e)])?;
        let missing = self.missing(project, opts.plan.is_some());
        if missing.is_empty() {
            Ok(opts)
        } else {
            Err(missing)
        }
    }

    /// The configuration the flags and routecheck.yaml name, read; `Ok(None)` when none
    /// is. Problems are located diagnostics (a flag's as a usage error).
    pub fn load(
        &self,
        project: Option<&Project>,
    ) -> Result<Option<Config>, Vec<crate::diag::SourceDiagnostic>> {
        let opts = self.checked(project)?;
        if opts.is_empty() {
            return Ok(None);
        }
        // A plan's values were fixed when `terraform plan` ran, with that run's variables:
        // values given here cannot change them. A warning, not an error, since CI commonly
        // passes one set of flags to every step (decision in docs/terraform.md).
        if opts.plan.is_some() && !opts.vars.is_empty() {
            crate::errln!(
                "warning: --tf-plan: {} variable value(s) from --tf-var-file / --tf-var / routecheck.yaml `terraform:` are not used; the plan's values are those its `terraform plan` run was given (pass them there)",
                opts.vars.len()
            );
        }
        crate::terraform::read(&opts).map(Some)
    }

    /// [`Self::order`] when it accounts for every value; else (the arguments were built
    /// another way) files first.
    fn flag_order(&self) -> Vec<bool> {
        let files = self.order.iter().filter(|&&f| f).count();
        if files == self.tf_var_files.len() && self.order.len() - files == self.tf_vars.len() {
            return self.order.clone();
        }
        std::iter::repeat_n(true, self.tf_var_files.len())
            .chain(std::iter::repeat_n(false, self.tf_vars.len()))
            .collect()
    }

    /// The paths [`Self::options`] takes that are not there, as [`Self::checked`] reports
    /// them: the root module directory only when no plan replaces it.
    fn missing(
        &self,
        project: Option<&Project>,
        with_plan: bool,
    ) -> Vec<crate::diag::SourceDiagnostic> {
        use missing::{Given, Want, not_there};
        let mut out = Vec::new();
        let mut check = |given: Given<'_>, want: Want| out.extend(not_there(given, want));
        let section = match (&self.dir, project) {
            (None, Some(p)) => p.config.terraform.as_ref().map(|t| (p, t.section())),
            _ => None,
        };
        if let Some((p, s)) = &section {
            if let Some(d) = s.dir.as_deref().filter(|_| !with_plan) {
                check(Given::Yaml(p, "dir", d), Want::Dir);
            }
            for f in &s.var_files {
                check(Given::Yaml(p, "var_files", f), Want::VarFile);
            }
            if let Some(f) = s.plan.as_deref().filter(|_| self.tf_plan.is_none()) {
                check(Given::Yaml(p, "plan", f), Want::Plan);
            }
        }
        if let Some(d) = self.dir.as_deref().filter(|_| !with_plan) {
            check(Given::Flag("--terraform", d), Want::Dir);
        }
        for f in &self.tf_var_files {
            check(Given::Flag("--tf-var-file", f), Want::VarFile);
        }
        if let Some(f) = &self.tf_plan {
            check(Given::Flag("--tf-plan", f), Want::Plan);
        }
        out
    }

    /// [`Self::load`], its problems printed and returned as the exit code.
    pub fn read(&self, project: Option<&Project>) -> Result<Option<Config>, u8> {
        self.load(project).map_err(|diags| {
            super::print_diagnostics(diags.iter().map(|d| d as &dyn miette::Diagnostic));
            crate::exit::USAGE
        })
    }
}

/// A command's flow, ready to load.
#[derive(Debug, Clone)]
pub struct FlowArg {
    /// The file, as messages show it (relative to the working directory when under it).
    pub path: PathBuf,
    /// Its placeholder values.
    pub vars: BTreeMap<String, String>,
    /// The `genesyscloud_flow` it is, when Terraform deploys it.
    pub binding: Option<FlowBinding>,
}

impl FlowArg {
    /// How a rules file names this flow when it cannot be a relative path: `tf:ADDRESS`.
    pub fn terraform_ref(&self) -> Option<String> {
        self.binding.as_ref().map(|b| format!("tf:{}", b.address))
    }

    /// Print the binding's warnings (a `--var` that Terraform's value beats, …).
    pub fn warn(&self) {
        for w in self.binding.iter().flat_map(|b| &b.warnings) {
            crate::errln!("warning: {w}");
        }
    }
}

/// `--var` then routecheck.yaml `vars:`, the fills of a command without rules files.
pub fn fills<'a>(cli: &'a BTreeMap<String, String>, project: Option<&'a Project>) -> Vec<Fill<'a>> {
    let mut out = vec![Fill {
        label: "--var",
        vars: cli,
    }];
    if let Some(p) = project {
        out.push(Fill {
            label: "routecheck.yaml `vars:`",
            vars: &p.config.vars,
        });
    }
    out
}

/// Resolve `--flow ARG`: `tf:ADDRESS` binds that resource; a file that exactly one
/// `genesyscloud_flow` deploys is bound to it; any other file is read as it is, with
/// the fills as its placeholder values (the first fill that has a name gives it).
pub fn flow(arg: &Path, tf: Option<&Config>, fills: &[Fill<'_>]) -> Result<FlowArg, String> {
    let text = arg.to_string_lossy();
    let bind = |tf: &Config, address: &str| -> Result<FlowArg, String> {
        let b = tf
            .bind(address, fills)
            .map_err(|e| format!("{}\n  help: {}", e.message, e.help))?;
        Ok(FlowArg {
            path: PathBuf::from(crate::source::shown::shown(&b.path)),
            vars: b.vars.clone(),
            binding: Some(b),
        })
    };
    if let Some(address) = text.strip_prefix("tf:") {
        let Some(tf) = tf else {
            return Err(format!(
                "--flow {text} names a Terraform resource, but no Terraform configuration was given (pass --terraform DIR or --tf-plan FILE, or set `terraform:` in routecheck.yaml)"
            ));
        };
        return bind(tf, address);
    }
    if let Some(tf) = tf {
        match tf.flows_of_file(arg).as_slice() {
            [] => {}
            [one] => return bind(tf, one),
            many => {
                return Err(format!(
                    "{} is deployed by {} `genesyscloud_flow` instances, each with its own substitutions; name one: {}",
                    arg.display(),
                    many.len(),
                    many.iter()
                        .map(|a| format!("--flow 'tf:{a}'"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
    }
    let mut vars = BTreeMap::new();
    for f in fills.iter().rev() {
        vars.extend(f.vars.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    Ok(FlowArg {
        path: arg.to_path_buf(),
        vars,
        binding: None,
    })
}

/// The `genesyscloud_flow` instances a command reads when it is given no flow: those
/// whose file is of a kind routecheck runs on its own (a bot flow is read through the
/// message flow that calls it). A file that cannot be read is kept: loading reports it.
pub fn deployed_flows(tf: &Config) -> Vec<PathBuf> {
    tf.flow_addresses()
        .into_iter()
        .filter(|a| {
            let Some(path) = tf.flow(a).ok().and_then(|f| f.filepath.ok()) else {
                return true;
            };
            let Ok(text) = crate::source::read_text(&path) else {
                return true;
            };
            crate::flow::kind::top_key(&text)
                .and_then(|(k, _)| crate::flow::kind::by_key(k))
                .is_none_or(|k| k.runs == crate::flow::kind::Runs::UnderTest)
        })
        .map(|a| PathBuf::from(format!("tf:{a}")))
        .collect()
}
