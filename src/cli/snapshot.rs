//! `routecheck snapshot check|accept|reject`: review recorded fixtures against the live
//! org (or a fresh export) the way `cargo insta review` reviews snapshots.

use std::path::PathBuf;

use clap::Subcommand;
use owo_colors::OwoColorize;

use super::live::NetArgs;
use crate::exit;
use crate::genesys::Client;
use crate::project::Project;
use crate::snapshot::{self, Outcome, PiiMode, Source, config};

/// Arguments of `routecheck snapshot`.
#[derive(Debug, clap::Args)]
pub struct SnapshotArgs {
    #[command(subcommand)]
    action: Action,
}

#[derive(Debug, Subcommand)]
enum Action {
    /// Re-record fixtures and diff them with what is stored, ignoring volatile fields;
    /// a changed fixture gets its fresh version written beside it as FIXTURE.new (exit 1).
    Check(CheckArgs),
    /// Replace fixtures with their pending FIXTURE.new versions.
    Accept(ReviewArgs),
    /// Delete pending FIXTURE.new versions.
    Reject(ReviewArgs),
}

#[derive(Debug, clap::Args)]
struct CheckArgs {
    /// Fixture files or directories of them (default: every *.json under fixtures/).
    #[arg(value_name = "FIXTURE")]
    fixtures: Vec<PathBuf>,
    /// Take fresh versions from this export file or directory of *.json (matched by
    /// conversation id) instead of the live API: no network, no credentials.
    #[arg(long, value_name = "FILE_OR_DIR")]
    from: Option<PathBuf>,
    /// Also ignore this key (at any depth) or, when it starts with `$`, this JSONPath;
    /// repeat for more.
    #[arg(long = "ignore", value_name = "KEY_OR_JSONPATH")]
    ignore: Vec<String>,
    /// Compare the default volatile fields (timestamps, generated ids) too.
    #[arg(long)]
    no_default_ignores: bool,
    /// Snapshot config file (default: .routecheck-snapshot.yaml when it exists).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(flatten)]
    net: NetArgs,
}

#[derive(Debug, clap::Args)]
struct ReviewArgs {
    /// Fixtures, their .new files, or directories (default: everything pending under
    /// fixtures/).
    #[arg(value_name = "FIXTURE")]
    fixtures: Vec<PathBuf>,
}

/// `routecheck snapshot`.
pub fn run(args: SnapshotArgs) -> u8 {
    match args.action {
        Action::Check(a) => check(a),
        Action::Accept(a) => review(a, true),
        Action::Reject(a) => review(a, false),
    }
}

fn report(e: &dyn miette::Diagnostic) -> u8 {
    super::print_diagnostics([e]);
    exit::USAGE
}

/// The fixtures a command names, else the project's fixture directory (routecheck.yaml
/// `fixtures:`, else `fixtures/` beside it), else `fixtures/` here.
fn fixture_paths(named: &[PathBuf], project: Option<&Project>) -> Vec<PathBuf> {
    match project.and_then(Project::fixtures_dir) {
        Some(dir) if named.is_empty() => vec![dir],
        _ => named.to_vec(),
    }
}

fn check(args: CheckArgs) -> u8 {
    // `--color` is global now (every command); it still reads `snapshot check --color`.
    let color = super::stdout_color();
    let project = match super::project() {
        Ok(p) => p,
        Err(code) => return code,
    };
    let fixtures = match snapshot::fixtures(&fixture_paths(&args.fixtures, project.as_ref())) {
        Ok(f) => f,
        Err(e) => return report(&e),
    };
    let default_config = PathBuf::from(config::DEFAULT_CONFIG);
    let legacy = args.config.is_none() && default_config.is_file();
    if legacy {
        anstream::eprintln!(
            "{}",
            crate::project::legacy_warning(
                &default_config,
                "snapshot: { ignore, default_ignores }"
            )
        );
    }
    let config_path = args
        .config
        .clone()
        .or_else(|| legacy.then_some(default_config));
    // Without a snapshot config, routecheck.yaml's `snapshot:` section; flags add to it.
    let mut extra = args.ignore.clone();
    let mut no_defaults = args.no_default_ignores;
    if config_path.is_none()
        && let Some(p) = &project
    {
        extra.splice(0..0, p.config.snapshot.ignore.iter().cloned());
        no_defaults |= p.config.snapshot.default_ignores == Some(false);
    }
    let ignore = match config::load(config_path.as_deref(), &extra, no_defaults) {
        Ok(i) => i,
        Err(e) => return report(&e),
    };
    let exports;
    let client;
    let source = match &args.from {
        Some(from) => {
            exports = match snapshot::Exports::load(from) {
                Ok(e) => e,
                Err(e) => return report(&e),
            };
            Source::Export {
                exports: &exports,
                origin: from,
            }
        }
        None => {
            client =
                match Client::from_env(&args.net.options(), crate::project::working_dir_region()) {
                    Ok(c) => c,
                    Err(e) => return report(&e),
                };
            Source::Live(&client)
        }
    };

    let (mut same, mut changed, mut failed) = (0usize, 0usize, 0usize);
    for path in &fixtures {
        match snapshot::check(path, &source, &ignore) {
            Ok(c) => {
                let kept = if c.mode == PiiMode::Kept {
                    " (personal data kept, as recorded)"
                } else {
                    ""
                };
                match c.outcome {
                    Outcome::Unchanged { removed_stale } => {
                        same += 1;
                        let stale = if removed_stale {
                            format!("; removed the stale {}", c.pending.display())
                        } else {
                            String::new()
                        };
                        crate::outln!(
                            "{} {}{kept}{stale}",
                            status("ok", color),
                            c.fixture.display()
                        );
                    }
                    Outcome::Changed {
                        changes,
                        old_text,
                        new_text,
                    } => {
                        changed += 1;
                        crate::outln!(
                            "{} {}{kept}: fresh version written to {}",
                            status("changed", color),
                            c.fixture.display(),
                            c.pending.display()
                        );
                        for ch in &changes {
                            crate::outln!("  {ch}");
                        }
                        let old_name = format!("{} (stored)", c.fixture.display());
                        let new_name = format!("{} (fresh)", c.pending.display());
                        crate::source::render::out(&snapshot::diff::unified(
                            &old_text, &new_text, &old_name, &new_name, color,
                        ));
                    }
                }
            }
            Err(e) => {
                failed += 1;
                crate::outln!("{} {}", status("error", color), path.display());
                super::print_diagnostics([&e as &dyn miette::Diagnostic]);
            }
        }
    }
    crate::outln!(
        "{} fixture(s): {same} unchanged, {changed} changed, {failed} could not be checked",
        fixtures.len()
    );
    if changed > 0 {
        // A hint, not a result: stderr.
        crate::errln!(
            "review the diffs, then `routecheck snapshot accept` to keep the fresh versions or `routecheck snapshot reject` to drop them"
        );
    }
    if failed > 0 {
        exit::USAGE
    } else if changed > 0 {
        exit::FAILED
    } else {
        exit::OK
    }
}

/// A status word padded to one width, coloured when asked.
fn status(word: &str, color: bool) -> String {
    let padded = format!("{word:<8}");
    if !color {
        return padded;
    }
    match word {
        "ok" => padded.green().to_string(),
        "changed" => padded.yellow().to_string(),
        _ => padded.red().to_string(),
    }
}

fn review(args: ReviewArgs, accept: bool) -> u8 {
    let project = match super::project() {
        Ok(p) => p,
        Err(code) => return code,
    };
    let named = fixture_paths(&args.fixtures, project.as_ref());
    let found = match snapshot::review(&named) {
        Ok(r) => r,
        Err(e) => return report(&e),
    };
    for idle in &found.idle {
        crate::outln!("nothing pending for {}", idle.display());
    }
    if found.pending.is_empty() {
        if args.fixtures.is_empty() {
            let dir = named.first().map_or_else(
                || snapshot::DEFAULT_DIR.to_owned(),
                |d| d.display().to_string(),
            );
            crate::outln!("no pending snapshots under {dir}/");
        } else if found.idle.is_empty() {
            crate::outln!("no pending snapshots");
        }
        return exit::OK;
    }
    let mut failed = 0usize;
    for p in &found.pending {
        let done = if accept {
            snapshot::accept(p).map(|()| {
                format!(
                    "accepted {} (from {})",
                    p.fixture.display(),
                    p.new.display()
                )
            })
        } else {
            snapshot::reject(p).map(|()| format!("rejected {}", p.new.display()))
        };
        match done {
            Ok(line) => crate::outln!("{line}"),
            Err(e) => {
                failed += 1;
                super::print_diagnostics([&e as &dyn miette::Diagnostic]);
            }
        }
    }
    if failed > 0 {
        return exit::USAGE;
    }
    exit::OK
}
