//! `routecheck record`: conversations fetched by id, redacted and written as fixtures,
//! every target checked before anything is fetched.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use super::{Failure, LiveError, NetArgs, fail, report};
use crate::conversation::fixture;
use crate::exit;
use crate::genesys::Client;

/// Arguments of `routecheck record`.
#[derive(Debug, clap::Args)]
pub struct RecordArgs {
    /// Conversation ids to fetch.
    #[arg(required = true, value_name = "CONVERSATION_ID")]
    pub ids: Vec<String>,
    /// Directory to write `<id>.json` fixtures into (created if missing; default:
    /// routecheck.yaml's `fixtures:`).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Keep names, addresses, emails, phone numbers and message bodies (default: redact).
    #[arg(long)]
    pub keep_pii: bool,
    /// Overwrite fixtures that already exist.
    #[arg(long)]
    pub update: bool,
    #[command(flatten)]
    pub net: NetArgs,
}

// ---------------------------------------------------------------- record

/// `routecheck record`.
pub fn record(mut args: RecordArgs) -> u8 {
    if args.out.is_none() {
        match crate::cli::project() {
            Ok(p) => args.out = p.and_then(|p| p.fixtures_dir()),
            Err(code) => return code,
        }
    }
    let Some(out) = args.out.clone() else {
        return report(&fail(
            "no fixture directory: pass --out DIR",
            Some(format!(
                "or set `fixtures: DIR` in {} (relative to it)",
                crate::project::FILE_NAME
            )),
        ));
    };
    let targets = match plan_record(&args, &out) {
        Ok(t) => t,
        Err(e) => return report(&e),
    };
    let client = match Client::from_env(&args.net.options(), crate::project::working_dir_region()) {
        Ok(c) => c,
        Err(e) => return report(&e),
    };
    if let Err(e) = std::fs::create_dir_all(&out) {
        return report(&fail(
            format!("cannot create {}: {e}", out.display()),
            None::<String>,
        ));
    }
    let bar = (std::io::stderr().is_terminal() && targets.len() > 1).then(|| {
        let bar = indicatif::ProgressBar::new(targets.len() as u64);
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {wide_msg}")
        {
            bar.set_style(style);
        }
        bar
    });
    let mut failed = 0usize;
    for (id, path) in &targets {
        if let Some(b) = &bar {
            b.set_message(id.clone());
        }
        let outcome = record_one(&client, id, path, &args);
        let line = match &outcome {
            Ok(_) if args.keep_pii => format!("recorded {} (personal data kept)", path.display()),
            Ok(n) => format!("recorded {} ({n} value(s) redacted)", path.display()),
            Err(_) => String::new(),
        };
        let print = |f: &dyn Fn()| match &bar {
            Some(b) => b.suspend(f),
            None => f(),
        };
        match outcome {
            Ok(_) => print(&|| crate::outln!("{line}")),
            Err(e) => {
                failed += 1;
                print(&|| {
                    crate::cli::print_diagnostics([&e as &dyn miette::Diagnostic]);
                });
            }
        }
        if let Some(b) = &bar {
            b.inc(1);
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    if failed > 0 {
        crate::errln!(
            "error: {failed} of {} conversation(s) could not be recorded",
            targets.len()
        );
        return exit::USAGE;
    }
    exit::OK
}

/// Check every id and target before touching the network or the disk: nothing is fetched
/// if any fixture would be overwritten without `--update` or could not be written.
fn plan_record(args: &RecordArgs, dir: &Path) -> Result<Vec<(String, PathBuf)>, LiveError> {
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for id in &args.ids {
        let id = id.trim();
        if !fixture::is_fixture_id(id) {
            return Err(fail(
                format!("`{id}` is not a conversation id that can name a fixture file"),
                Some("conversation ids are UUIDs: letters, digits and `-`".into()),
            ));
        }
        if !seen.insert(id.to_string()) {
            continue;
        }
        let path = dir.join(format!("{id}.json"));
        if path.exists() && !args.update {
            return Err(fail(
                format!("refusing to overwrite {}", path.display()),
                Some("pass --update to replace existing fixtures".into()),
            ));
        }
        // Links out of the project, FIFOs, devices: refused before anything is fetched.
        crate::source::write::check(&path).map_err(|e| fail(e.to_string(), None::<String>))?;
        out.push((id.to_string(), path));
    }
    Ok(out)
}

fn record_one(client: &Client, id: &str, path: &Path, args: &RecordArgs) -> Result<usize, Failure> {
    let fixture = fixture::normalize(client.get_conversation(id)?, args.keep_pii);
    write_atomic(path, fixture.text.as_bytes(), args.update)?;
    Ok(fixture.redacted.total())
}

/// [`fixture::write_atomic`], with the help `record` gives when a fixture exists.
pub(super) fn write_atomic(path: &Path, bytes: &[u8], overwrite: bool) -> Result<(), LiveError> {
    fixture::write_atomic(path, bytes, overwrite).map_err(|e| {
        let help = matches!(e, fixture::WriteError::Exists(_))
            .then(|| "pass --update to replace existing fixtures".to_string());
        fail(e.to_string(), help)
    })
}
