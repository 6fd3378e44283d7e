//! The starter suite `init` writes when a repository has no rules files yet: for each
//! flow routecheck runs, the rules file `routecheck gen` writes (its generated-header
//! says the expectations pin down what the flow does today and must be reviewed), so
//! `routecheck test` has something true to run on the first try. Never over a file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::expr::Directory;
use crate::flow::Flow;
use crate::r#gen::{self as generator, GenOptions};

/// One flow to write a suite for.
#[derive(Debug, Clone)]
pub struct Target {
    /// The file to load.
    pub file: PathBuf,
    /// Its placeholder values, as `test` will bind them.
    pub vars: BTreeMap<String, String>,
    /// `tf:ADDRESS` when Terraform deploys it (the rules file then names it so, and its
    /// values come from the deploy); else the suite names the file relative to itself.
    pub address: Option<String>,
}

/// A suite written, or why none could be.
#[derive(Debug)]
pub enum Outcome {
    Written {
        file: PathBuf,
        cases: usize,
        branches: usize,
        unreached: usize,
    },
    /// The flow does not load: its diagnostics were printed.
    NotLoaded(PathBuf),
    Failed(PathBuf, String),
}

/// Write one `<flow>.generated.yaml` per target into `dir` (made when missing).
pub fn write(dir: &Path, targets: &[Target]) -> Vec<Outcome> {
    let mut flows = Vec::new();
    let mut out = Vec::new();
    for t in targets {
        match Flow::load(&t.file, &t.vars) {
            Ok(f) => flows.push((t, f)),
            Err(diags) => {
                super::super::print_diagnostics(diags.iter().map(|d| d as &dyn miette::Diagnostic));
                out.push(Outcome::NotLoaded(t.file.clone()));
            }
        }
    }
    if flows.is_empty() {
        return out;
    }
    if let Err(e) = std::fs::create_dir_all(dir) {
        out.push(Outcome::Failed(
            dir.to_path_buf(),
            format!("cannot create {}: {e}", dir.display()),
        ));
        return out;
    }
    let libraries: Vec<crate::flow::Library> = flows
        .iter()
        .map(|(t, _)| crate::flow::Library::new(crate::project::call_dirs(&t.file), t.vars.clone()))
        .collect();
    let pairs: Vec<(&Flow, Option<&crate::flow::Library>, BTreeSet<usize>)> = flows
        .iter()
        .zip(&libraries)
        .map(|((_, f), l)| (f, Some(l), BTreeSet::new()))
        .collect();
    let results = generator::generate_all(&pairs, &Directory::default(), &GenOptions::default());
    let mut taken: BTreeSet<PathBuf> = BTreeSet::new();
    for ((t, flow), g) in flows.iter().zip(&results) {
        let file = free_name(dir, &t.file, &mut taken);
        let beside = crate::source::shown::relative(&t.file, dir);
        let flow_ref = match &t.address {
            Some(a) => format!("tf:{a}"),
            None => beside.clone(),
        };
        // No `vars:` in the file: the values live in routecheck.yaml (and Terraform), so
        // filling a marker there reaches every suite.
        let text = super::super::r#gen::rules_text(flow, g, &flow_ref, &beside, &BTreeMap::new());
        match crate::source::write::write_atomic(&file, text.as_bytes(), false) {
            Ok(()) => out.push(Outcome::Written {
                file,
                cases: g.cases.len(),
                branches: flow.branches().len(),
                unreached: g.dead.len() + g.unreached.len(),
            }),
            Err(e) => out.push(Outcome::Failed(file, e.to_string())),
        }
    }
    out
}

/// `<stem>.generated.yaml` in `dir`, or `<stem>-2.generated.yaml`, … when that name is
/// taken (two flows of one name in different folders, or a file already there).
fn free_name(dir: &Path, flow: &Path, taken: &mut BTreeSet<PathBuf>) -> PathBuf {
    let stem = flow
        .file_stem()
        .map_or("flow".into(), |s| s.to_string_lossy().into_owned());
    let stem: String = stem
        .chars()
        .map(|c| if c.is_whitespace() { '-' } else { c })
        .collect();
    let mut n = 1;
    loop {
        let name = if n == 1 {
            format!("{stem}.generated.yaml")
        } else {
            format!("{stem}-{n}.generated.yaml")
        };
        let p = dir.join(name);
        if !p.exists() && taken.insert(p.clone()) {
            return p;
        }
        n += 1;
    }
}
