//! Stage 1, load: find the rules files (paths given, directories walked), load and
//! compile each with its flows and fixtures' references, and select the cases to run
//! (filters, shards). A new file kind the runner picks up is recognised here.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::diag::{SourceDiagnostic, SourceFile};
use crate::suite::load::{self, Diagnostics};
use crate::suite::model::Suite;
use crate::suite::prefetch::Prefetch;

use super::*;

/// A usage error, shown against the command-line argument that caused it.
pub(super) fn usage_diag(arg: &str, message: String) -> SourceDiagnostic {
    SourceDiagnostic::error(&SourceFile::command_line(arg), (0, arg.len()), message)
        .with_code("routecheck::usage")
}

/// Expand paths: files as given, directories walked for *.yaml / *.yml (sorted).
pub fn collect_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Vec<SourceDiagnostic>> {
    discover(paths, &[]).map(|(files, _)| files)
}

/// Expand paths: files as given (always loaded), directories walked for rules files
/// (YAML whose top level has `cases:`), sorted. Hidden directories and `excludes` are
/// not entered. Also returns how many other YAML files were skipped.
pub fn discover(
    paths: &[PathBuf],
    excludes: &[PathBuf],
) -> Result<(Vec<PathBuf>, usize), Vec<SourceDiagnostic>> {
    let mut files = Vec::new();
    let mut skipped = 0;
    let mut errors = Vec::new();
    for p in paths {
        if p.is_dir() {
            let before = files.len();
            let skipped_before = skipped;
            if let Err(e) = walk(p, excludes, &mut files, &mut skipped) {
                errors.push(usage_diag(&e.dir.display().to_string(), e.to_string()));
            } else if files.len() == before {
                let others = skipped - skipped_before;
                errors.push(usage_diag(
                    &p.display().to_string(),
                    if others > 0 {
                        format!(
                            "no rules files in {}: {others} YAML file{} without a top-level `cases:`",
                            p.display(),
                            if others == 1 { "" } else { "s" }
                        )
                    } else {
                        format!("no rules files (*.yaml, *.yml) in {}", p.display())
                    },
                ));
            }
        } else if p.is_file() {
            files.push(p.clone());
        } else {
            let d = usage_diag(
                &p.display().to_string(),
                format!("{}: no such file or directory", p.display()),
            );
            errors.push(match crate::source::read::near(&p.display().to_string()) {
                Some(n) => d.with_help(format!("did you mean {n}?")),
                None => d,
            });
        }
    }
    if errors.is_empty() {
        files.dedup();
        Ok((files, skipped))
    } else {
        Err(errors)
    }
}

/// The rules files under `dir` by the one walk ([`crate::source::walk`]); YAML files
/// without a top-level `cases:` are counted in `skipped`.
pub(super) fn walk(
    dir: &Path,
    excludes: &[PathBuf],
    out: &mut Vec<PathBuf>,
    skipped: &mut usize,
) -> Result<(), crate::source::walk::WalkError> {
    let how = crate::source::walk::Walk {
        exts: &["yaml", "yml"],
        excludes,
        ..Default::default()
    };
    for p in crate::source::walk::files(dir, &how)? {
        if p.file_name()
            .is_some_and(|n| n == crate::project::FILE_NAME)
        {
            continue;
        }
        if is_rules_file(&p) {
            out.push(p);
        } else {
            *skipped += 1;
        }
    }
    Ok(())
}

/// A rules file has `cases:` at its top level. Read as text (a key at column 0, in
/// block or quoted form, or a flow mapping that names it) so discovery stays cheap on
/// large trees; an unreadable file counts as a rules file, so loading reports why.
pub fn is_rules_file(path: &Path) -> bool {
    // Through the source layer: a FIFO is refused before it is opened.
    let Ok(text) = crate::source::read_text(path) else {
        return true;
    };
    text.lines().any(|l| {
        let l = l.trim_end();
        ["cases", "\"cases\"", "'cases'"].iter().any(|k| {
            l.strip_prefix(k)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        }) || (l.starts_with('{') && l.contains("cases"))
    })
}

/// Load and compile every file; all errors of all files, or the suites.
pub fn load(config: &RunConfig) -> Result<Loaded, Vec<SourceDiagnostic>> {
    let (files, non_rules_files) = discover(&config.paths, &config.excludes)?;
    let prefetch = config
        .source
        .reads_files()
        .then(|| Arc::new(Prefetch::new(&config.project_vars, &config.vars)));
    let results: Vec<(Option<Suite>, Diagnostics, Vec<String>)> = files
        .par_iter()
        .map(|f| {
            let mut diags = Diagnostics::default();
            let mut used = Vec::new();
            let s = load::load_file(
                f,
                &crate::source::shown::shown(f),
                config.conversation.as_deref(),
                &config.vars,
                &mut used,
                &mut diags,
                prefetch.as_deref(),
            );
            (s, diags, used)
        })
        .collect();
    let mut loaded = Loaded {
        non_rules_files,
        prefetch,
        directory: config.directory.clone(),
        ..Loaded::default()
    };
    let mut errors = Vec::new();
    let mut used_vars: Vec<String> = Vec::new();
    for (suite, diags, used) in results {
        errors.extend(diags.errors);
        loaded.warnings.extend(diags.warnings);
        used_vars.extend(used);
        if let Some(s) = suite {
            loaded.suites.push(s);
        }
    }
    // Read only when some rules file names a `tf:` flow, or a plan or directory was given
    // explicitly: its errors are the run's.
    let terraform = if config.terraform.is_empty() {
        None
    } else {
        match crate::terraform::read(&config.terraform) {
            Ok(t) => Some(t),
            Err(e) => {
                errors.extend(e);
                None
            }
        }
    };
    let shared = crate::flow::stubs_file::read_all(&config.stubs).unwrap_or_else(|e| {
        errors.extend(e);
        Vec::new()
    });
    if let Some(t) = &terraform {
        loaded.deploy = crate::terraform::deploy::read(t);
        loaded.deploy.fill(&mut loaded.directory);
        crate::suite::deploy::share(&mut loaded.suites, &loaded.deploy);
    }
    loaded.flows = crate::suite::flows::bind(
        &mut loaded.suites,
        &config.vars,
        &config.project_vars,
        terraform.as_ref(),
        !config.terraform.is_empty() && terraform.is_none(),
        &shared,
        loaded.prefetch.as_deref(),
        &mut used_vars,
        &mut loaded.warnings,
        &mut errors,
    );
    crate::suite::deploy::check_contracts(&loaded.suites, &loaded.deploy, &mut errors);
    for f in &loaded.flows {
        loaded.warnings.extend(f.warnings().iter().cloned());
    }
    for (name, value) in &config.vars {
        if !used_vars.contains(name) {
            errors.push(usage_diag(
                &format!("--var {name}={value}"),
                format!("--var {name}: no rules file declares this variable under `variables:` and no flow has a `{{{{{name}}}}}` placeholder"),
            ));
        }
    }
    if errors.is_empty() {
        Ok(loaded)
    } else {
        if let Some(p) = &loaded.prefetch {
            p.cancel();
        }
        Err(errors)
    }
}

/// The cases `--run` and `--shard` select, as (suite, case) indices in file order.
pub fn select(loaded: &Loaded, config: &RunConfig) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for (si, s) in loaded.suites.iter().enumerate() {
        for (ci, c) in s.cases.iter().enumerate() {
            let matches = config
                .filter
                .as_ref()
                .is_none_or(|r| r.is_match(&c.name) || r.is_match(&s.name));
            let in_shard = config.shard.is_none_or(|sh| sh.contains(&s.name, &c.name));
            if matches && in_shard {
                out.push((si, ci));
            }
        }
    }
    out
}
