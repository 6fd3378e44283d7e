//! What `init` says on stderr: what it found, where each placeholder's value comes
//! from, what it could not fill (and wrote as a marker), the starter suite, and what to
//! run next. The config itself is the result, on stdout.

use std::fmt::Write as _;
use std::path::Path;

use super::flows::{Fill, Found, Source};
use super::starter::Outcome;
use crate::project::ProjectConfig;

/// One flow routecheck runs and its placeholders.
#[derive(Debug, Clone)]
pub struct FlowPlan {
    pub file: std::path::PathBuf,
    /// The `genesyscloud_flow` that deploys it.
    pub address: Option<String>,
    pub fills: Vec<Fill>,
    /// The flow under test (a starter suite is written for it), not a bot flow or
    /// common module it calls.
    pub under_test: bool,
}

pub struct Report<'a> {
    pub root: &'a Path,
    pub config: &'a ProjectConfig,
    pub found: &'a [Found],
    pub plans: &'a [FlowPlan],
    pub terraform: Option<&'a crate::terraform::Config>,
    pub written: &'a [Outcome],
    /// Whether a starter suite was asked for (there were no rules files).
    pub starter: bool,
}

/// `path` as the report shows it: relative to the working directory when shorter.
fn shown(p: &Path) -> String {
    crate::source::shown::relative(p, Path::new("."))
}

fn cut(v: &str) -> String {
    const MAX: usize = 60;
    if v.chars().count() <= MAX {
        format!("{v:?}")
    } else {
        let head: String = v.chars().take(MAX).collect();
        format!("{head:?}… ({} chars)", v.chars().count())
    }
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}

/// Print the report.
pub fn print(r: &Report<'_>) {
    let mut s = String::new();
    let of = |keep: &dyn Fn(&Found) -> bool| -> Vec<String> {
        r.found
            .iter()
            .filter(|f| keep(f))
            .map(|f| shown(&f.path))
            .collect()
    };
    let run = of(&|f| super::flows::runs(f) && super::flows::under_test(f.kind));
    let called = of(&|f| super::flows::runs(f) && !super::flows::under_test(f.kind));
    let other: Vec<String> = r
        .found
        .iter()
        .filter(|f| !f.kind.simulated())
        .map(|f| format!("{} ({})", shown(&f.path), f.kind.what))
        .collect();
    let unread: Vec<String> = r
        .found
        .iter()
        .filter_map(|f| Some(format!("{} ({})", shown(&f.path), f.unread.as_ref()?)))
        .collect();
    let _ = writeln!(s, "found in {}:", shown(r.root));
    let _ = writeln!(s, "  flows under test: {}", list(&run));
    if !called.is_empty() {
        let _ = writeln!(
            s,
            "  bot flows and common modules, run when a flow calls them: {}",
            called.join(", ")
        );
    }
    if !other.is_empty() {
        let _ = writeln!(
            s,
            "  flows of kinds routecheck does not model (left out of `flows:`): {}",
            other.join(", ")
        );
    }
    if !unread.is_empty() {
        let _ = writeln!(
            s,
            "  flows routecheck cannot read yet (left out of `flows:`; a call to one runs as a stub): {}",
            unread.join("; ")
        );
    }
    match (r.terraform, super::flows::terraform_dir(r.config)) {
        (Some(tf), Some(dir)) => {
            let _ = writeln!(
                s,
                "  Terraform root module: {dir} ({} genesyscloud_flow)",
                super::flows::addresses(tf).len()
            );
        }
        _ => {
            let _ = writeln!(s, "  Terraform root module: none");
        }
    }
    let _ = writeln!(
        s,
        "  rules: {}; fixtures: {}; manifests: {}",
        if r.starter {
            "none".into()
        } else {
            list(&r.config.rules)
        },
        r.config.fixtures.as_deref().unwrap_or("none"),
        list(&r.config.manifests)
    );
    let mut missing = Vec::new();
    for p in r.plans {
        if p.fills.is_empty() {
            continue;
        }
        let name = match &p.address {
            Some(a) => format!("tf:{a} ({})", shown(&p.file)),
            None => shown(&p.file),
        };
        let _ = writeln!(s, "placeholders of {name}:");
        for f in &p.fills {
            match &f.source {
                Source::Terraform(from) => {
                    let _ = writeln!(s, "  {} = {} (Terraform: {from})", f.name, cut(&f.value));
                }
                Source::Rules(from) => {
                    let _ = writeln!(s, "  {} = {} (vars: of {from})", f.name, cut(&f.value));
                }
                Source::Missing(why) => {
                    let _ = writeln!(s, "  {} = ? {why}", f.name);
                    missing.push(f.name.clone());
                }
            }
        }
    }
    missing.sort();
    missing.dedup();
    if !missing.is_empty() {
        let _ = writeln!(
            s,
            "could not fill {} placeholder(s): {}; routecheck.yaml `vars:` has each as `TODO-NAME` so every command runs — set the real values there",
            missing.len(),
            missing.join(", ")
        );
    }
    let mut generated = false;
    for o in r.written {
        match o {
            Outcome::Written {
                file,
                cases,
                branches,
                unreached,
            } => {
                generated = true;
                let reach = match (branches, unreached) {
                    (0, _) => "the flow has no branches".to_string(),
                    (b, 0) => format!("every branch reached ({b})"),
                    (b, u) => format!("{u} of {b} branches unreached (the file says why)"),
                };
                let _ = writeln!(
                    s,
                    "wrote {}: {cases} case(s), {reach}; generated from the flow as it is today: review the expectations",
                    shown(file)
                );
            }
            Outcome::NotLoaded(file) => {
                let _ = writeln!(
                    s,
                    "warning: no starter suite for {}: it does not load (above)",
                    shown(file)
                );
            }
            Outcome::Failed(file, e) => {
                let _ = writeln!(
                    s,
                    "warning: no starter suite written to {}: {e}",
                    shown(file)
                );
            }
        }
    }
    if run.is_empty() && r.config.rules.is_empty() {
        // Nothing to run: `lint` and `test` would only say "nothing to check", so they
        // are not suggested; the config names no folder that does not exist.
        let _ = writeln!(
            s,
            "nothing for routecheck to run yet: no inbound message flow was found (routecheck runs inbound message flows and the bots and modules they call)"
        );
        let _ = writeln!(
            s,
            "next: add the message flow under a flows folder (or the `genesyscloud_flow` that deploys it), then name it in routecheck.yaml's `flows:` (or delete routecheck.yaml and run `routecheck init` again)"
        );
        crate::source::render::err(&s);
        return;
    }
    if r.starter && run.is_empty() {
        let _ = writeln!(
            s,
            "no starter suite: no flow routecheck runs was found (write rules/NAME.yaml with `cases:`; see `routecheck schema`)"
        );
    }
    let _ = writeln!(s, "next:");
    if !r.config.flows.is_empty() || r.terraform.is_some() {
        let _ = writeln!(
            s,
            "  routecheck lint        # what scripts inject vs what flows read"
        );
    }
    let _ = writeln!(s, "  routecheck test        # run the rules files");
    if !missing.is_empty() && generated {
        let _ = writeln!(
            s,
            "  (once the TODO- values are set, the generated expectations that name them change: regenerate with `routecheck gen --out {}/`)",
            r.config.rules.first().map_or("rules", String::as_str)
        );
    }
    crate::source::render::err(&s);
}

/// The config's text with a comment on each `vars:` line init filled with a marker.
pub fn mark_todos(body: &str, missing: &[&Fill]) -> String {
    let mut out = String::with_capacity(body.len());
    for line in body.lines() {
        out.push_str(line);
        let t = line.trim_start();
        if line.starts_with(' ')
            && missing.iter().any(|m| {
                t.split_once(':').is_some_and(|(k, v)| {
                    k.trim_matches(['"', '\'']) == m.name
                        && v.trim().trim_matches(['"', '\'']) == m.value
                })
            })
        {
            out.push_str("   # could not fill: set the real value");
        }
        out.push('\n');
    }
    out
}

/// ` (did you mean ../x?)` for a directory that does not exist but has a sibling of a
/// near name; else nothing.
pub fn nearest_dir(dir: &Path) -> String {
    let (Some(parent), Some(name)) = (dir.parent(), dir.file_name()) else {
        return String::new();
    };
    let parent_read = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    let Ok(entries) = std::fs::read_dir(parent_read) else {
        return String::new();
    };
    let names: Vec<String> = entries
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    match crate::diag::closest(&name.to_string_lossy(), names.iter().map(String::as_str)) {
        Some(n) => format!(" (did you mean {}?)", parent.join(n).display()),
        None => String::new(),
    }
}
