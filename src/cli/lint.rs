//! `routecheck lint`: validate arguments (or discover inputs), run the lint, print the
//! findings for people, JSON or GitHub Actions, and turn them into an exit code.

use std::path::PathBuf;

use super::stop::{Reports, Shape, Stopped, usage_unlocated};
use crate::diag::Severity;
use crate::exit;
use crate::lint::{self, LintInputs, config};
use crate::project::{DenyLevel, Project};
use crate::report::Format;

/// The lowest severity that fails the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Deny {
    /// Any finding fails.
    Info,
    /// Warnings and errors fail (default).
    Warning,
    /// Only errors fail.
    Error,
}

impl Deny {
    fn severity(self) -> Severity {
        match self {
            Deny::Info => Severity::Info,
            Deny::Warning => Severity::Warning,
            Deny::Error => Severity::Error,
        }
    }
}

/// Arguments of `routecheck lint`.
#[derive(Debug, clap::Args)]
pub struct LintArgs {
    /// Archy flow file or directory (repeatable).
    #[arg(long = "flow", value_name = "PATH")]
    pub flows: Vec<PathBuf>,
    /// Rules file or directory: its cases' `attributes:` overlays and fixtures (repeatable).
    #[arg(long = "rules", value_name = "PATH")]
    pub rules: Vec<PathBuf>,
    /// Injection manifest file or directory (repeatable).
    #[arg(long = "manifest", value_name = "PATH")]
    pub manifests: Vec<PathBuf>,
    /// Value for a flow's `{{placeholder}}` (repeatable); with Terraform, only for what
    /// it cannot know offline.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    #[command(flatten)]
    pub tf: super::tf::TfArgs,
    /// Config file to read instead of routecheck.yaml (found by walking up) or the
    /// deprecated ./.routecheck-lint.yaml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Web Messaging budget in UTF-8 bytes of keys plus values (as `inject --max-bytes`).
    #[arg(long, value_name = "N")]
    pub max_bytes: Option<usize>,
    /// Fail (exit 1) on findings at or above this severity (default: routecheck.yaml's
    /// `lint.deny`, else warning).
    #[arg(long, value_enum)]
    pub deny: Option<Deny>,
    /// Output format on stdout.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// The reports `args` asks for, where a stopping error is written.
pub(super) fn reports(args: &LintArgs) -> Reports {
    Reports {
        shape: Shape::Lint,
        format: args.format,
        junit: None,
        summary: None,
    }
}

/// `routecheck lint`: the exit code, or what stopped it before anything was checked.
pub fn run(args: LintArgs) -> Result<u8, Stopped> {
    let vars =
        super::pairs(&args.vars, "--var", "NAME=VALUE").map_err(|e| vec![usage_unlocated(e)])?;
    let explicit = !(args.flows.is_empty() && args.rules.is_empty() && args.manifests.is_empty());
    // A legacy file in the working directory is nearer than a routecheck.yaml above it.
    let legacy_here = std::path::Path::new(config::FILE_NAME).is_file()
        && !std::path::Path::new(crate::project::FILE_NAME).is_file();
    let project = match &args.config {
        Some(_) => None,
        None if legacy_here => None,
        None => super::project_for(&super::file_inputs(
            args.flows.iter().chain(&args.rules).chain(&args.manifests),
        ))?,
    };
    if let Some(p) = &project {
        // What routecheck.yaml names for this run, located there.
        let mut keys = Vec::new();
        if !explicit {
            keys.extend(["flows", "rules", "manifests"]);
        }
        if args.tf.dir.is_none() && args.tf.tf_plan.is_none() {
            keys.push("terraform");
        }
        let errors = p.path_errors(&keys);
        if !errors.is_empty() {
            return Err(errors);
        }
    }
    let cfg = match (&args.config, &project, explicit) {
        (Some(path), _, _) if is_project_file(path) => {
            crate::project::load(path).map(|p| from_project(&p, false))
        }
        (Some(path), _, _) => config::load(path),
        (None, Some(p), explicit) => Ok(from_project(p, explicit)),
        (None, None, false) => {
            let legacy = std::path::Path::new(config::FILE_NAME);
            if legacy.is_file() {
                anstream::eprintln!(
                    "{}",
                    crate::project::legacy_warning(legacy, "flows/rules/manifests/vars/lint")
                );
            }
            config::discover(std::path::Path::new("."))
        }
        (None, None, true) => Ok(config::Config::default()),
    };
    let cfg = cfg?;
    let mut inputs = LintInputs {
        flows: cfg.flows,
        rules: cfg.rules,
        manifests: cfg.manifests,
        vars: cfg.vars,
        max_bytes: args
            .max_bytes
            .or(cfg.max_bytes)
            .unwrap_or(super::live::DEFAULT_MAX_BYTES),
        excludes: project.as_ref().map(Project::excludes).unwrap_or_default(),
        terraform: None,
    };
    if let Some(tf) = args.tf.load(project.as_ref())? {
        // Every flow the deploy has, unless the command line names what to lint.
        if !explicit {
            inputs.flows.extend(super::tf::deployed_flows(&tf));
        }
        inputs.terraform = Some(std::sync::Arc::new(tf));
    }
    inputs.flows.extend(args.flows);
    inputs.rules.extend(args.rules);
    inputs.manifests.extend(args.manifests);
    inputs.vars.extend(vars);
    if inputs.flows.is_empty() && inputs.manifests.is_empty() && inputs.rules.is_empty() {
        return Err(vec![usage_unlocated(format!(
            "nothing to lint: pass --flow, --manifest and --rules, write {}, or create flows/, manifests/ and rules/",
            config::FILE_NAME
        ))]);
    }
    let report = lint::lint(&inputs)?;
    // Manifests alone were read for their own size and values, but no flow was checked
    // against them: the findings stand, and the run stops.
    let stop = if report.flows == 0 && report.bindings == 0 {
        vec![usage_unlocated(
            "nothing was checked: no flow and no rules-file binding was read (pass --flow, or --rules with a file that names a `flow:` or has `bindings:`)",
        )]
    } else {
        Vec::new()
    };
    for note in &report.notes {
        crate::errln!("warning: {note}");
    }
    if let Err(e) = super::lint_report::write_report(args.format, &report, &stop, true) {
        // The report is stdout: a reader that went away (`| head`) ends the run quietly,
        // as every command does; a full device says why (#29).
        crate::source::render::stdout_failed(&e);
    }
    if !stop.is_empty() {
        return Ok(exit::USAGE);
    }
    let deny = args
        .deny
        .or(match project.as_ref().and_then(|p| p.config.lint.deny) {
            Some(DenyLevel::Info) => Some(Deny::Info),
            Some(DenyLevel::Warning) => Some(Deny::Warning),
            Some(DenyLevel::Error) => Some(Deny::Error),
            None => None,
        })
        .unwrap_or(Deny::Warning)
        .severity();
    Ok(if report.findings.iter().any(|f| f.severity() >= deny) {
        exit::FAILED
    } else {
        exit::OK
    })
}

fn is_project_file(path: &std::path::Path) -> bool {
    path.file_name()
        .is_some_and(|n| n == crate::project::FILE_NAME)
}

/// What lint reads from routecheck.yaml: its paths unless the command line names
/// inputs (`explicit`), and always its vars and byte budget. Without `flows:`,
/// `rules:` or `manifests:`, the root's `flows/`, `rules/` and `manifests/` are used
/// where they exist.
fn from_project(p: &Project, explicit: bool) -> config::Config {
    let c = &p.config;
    let or_dir = |list: &[String], dir: &str| {
        if list.is_empty() {
            let d = p.path(dir);
            if d.is_dir() { vec![d] } else { Vec::new() }
        } else {
            p.paths(list)
        }
    };
    let (flows, rules, manifests) = if explicit {
        Default::default()
    } else {
        (
            or_dir(&c.flows, "flows"),
            or_dir(&c.rules, "rules"),
            or_dir(&c.manifests, "manifests"),
        )
    };
    config::Config {
        flows,
        rules,
        manifests,
        vars: c.vars.clone(),
        max_bytes: c.lint.max_bytes,
    }
}
