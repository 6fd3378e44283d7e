//! `routecheck init`: look at the directory's layout (flows, rules, fixtures,
//! manifests, Terraform files), write a routecheck.yaml with every key it could fill,
//! and print the next commands. It never overwrites an existing file.

use std::path::{Path, PathBuf};

use crate::exit;
use crate::project::{FILE_NAME, ProjectConfig};

/// Arguments of `routecheck init`.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The project directory (default: the working directory).
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
}

/// What a YAML file under the project looks like, from its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Rules,
    Flow,
    Manifest,
    Other,
}

fn kind(path: &Path) -> Kind {
    // Through the source layer: a FIFO is refused, never opened.
    let Ok(text) = crate::source::read_text(path) else {
        return Kind::Other;
    };
    let top = |key: &str| {
        text.lines().any(|l| {
            l.strip_prefix(key)
                .is_some_and(|r| r.trim_start().starts_with(':'))
        })
    };
    if top("cases") {
        Kind::Rules
    } else if top("inboundShortMessage") {
        Kind::Flow
    } else if top("attributes") || top("values") {
        Kind::Manifest
    } else {
        Kind::Other
    }
}

/// The directories holding the files of one kind, relative to `root`, each listed once
/// (a directory whose parent is already listed is covered by it).
fn dirs_of(root: &Path, found: &[&PathBuf]) -> Vec<String> {
    let mut dirs: Vec<PathBuf> = found
        .iter()
        .filter_map(|f| f.parent()?.strip_prefix(root).ok().map(Path::to_path_buf))
        .collect();
    dirs.sort();
    dirs.dedup();
    let mut out: Vec<PathBuf> = Vec::new();
    for d in dirs {
        if !out.iter().any(|o| d.starts_with(o)) {
            out.push(d);
        }
    }
    out.iter()
        .map(|d| {
            let s = d.display().to_string();
            if s.is_empty() { ".".to_owned() } else { s }
        })
        .collect()
}

/// Build the config for the layout under `root` (every file by the one walk, build
/// output and dependencies not entered).
fn survey(root: &Path) -> Result<ProjectConfig, crate::source::walk::WalkError> {
    let how = crate::source::walk::Walk {
        skip_names: &["target", "node_modules"],
        ..Default::default()
    };
    let all = crate::source::walk::files(root, &how)?;
    let yaml = |p: &&PathBuf| p.extension().is_some_and(|e| e == "yaml" || e == "yml");
    let of =
        |k: Kind| -> Vec<&PathBuf> { all.iter().filter(yaml).filter(|p| kind(p) == k).collect() };
    let fixtures: Vec<&PathBuf> = all
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .filter(|p| crate::source::read_text(p).is_ok_and(|t| t.contains("\"participants\"")))
        .collect();
    let terraform: Vec<PathBuf> = all
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "tf"))
        .cloned()
        .collect();
    let first = |v: Vec<String>| v.into_iter().next();
    // Placeholder values the rules files already give their flows: lint needs them too.
    let mut vars = std::collections::BTreeMap::new();
    for f in of(Kind::Rules) {
        let Ok(text) = crate::source::read_text(f) else {
            continue;
        };
        let src = crate::diag::SourceFile::new(f.display().to_string(), text);
        let Ok(root) = crate::source::yaml::parse_file(&src, crate::source::FileKind::Rules) else {
            continue;
        };
        let entries = root.as_map().unwrap_or_default();
        let given = entries
            .iter()
            .find(|(k, _)| k.as_str() == Some("vars"))
            .and_then(|(_, v)| v.as_map())
            .unwrap_or_default();
        for (k, v) in given {
            if let (Some(k), Some(t)) = (k.as_str(), v.scalar_text()) {
                vars.entry(k.to_owned()).or_insert(t);
            }
        }
    }
    Ok(ProjectConfig {
        vars,
        rules: dirs_of(root, &of(Kind::Rules)),
        flows: dirs_of(root, &of(Kind::Flow)),
        manifests: dirs_of(root, &of(Kind::Manifest)),
        fixtures: first(dirs_of(root, &fixtures)),
        // The root module whose tree deploys the flows (not a child module's directory).
        terraform: root_module(root, &terraform).map(|dir| {
            crate::project::TerraformConfig::Section(crate::project::TerraformSection {
                dir: Some(dir),
                ..Default::default()
            })
        }),
        ..ProjectConfig::default()
    })
}

/// The root module whose tree deploys the flows (not a child module's directory, and
/// wherever in the tree the `genesyscloud_flow` resources are), relative to `root`.
fn root_module(root: &Path, tf_files: &[PathBuf]) -> Option<String> {
    let files: Vec<PathBuf> = tf_files
        .iter()
        .map(|f| crate::terraform::absolute_dir(f))
        .collect();
    let first = crate::terraform::flow_roots(&files).into_iter().next()?;
    let rel = first
        .strip_prefix(crate::terraform::absolute_dir(root))
        .ok()?
        .display()
        .to_string();
    Some(if rel.is_empty() { ".".into() } else { rel })
}

/// `routecheck init`.
pub fn run(args: &InitArgs) -> u8 {
    let target = args.dir.join(FILE_NAME);
    if target.exists() {
        anstream::eprintln!(
            "error: {} already exists; init never overwrites it (edit it, or delete it and run init again)",
            target.display()
        );
        return exit::USAGE;
    }
    if !args.dir.is_dir() {
        anstream::eprintln!("error: {} is not a directory", args.dir.display());
        return exit::USAGE;
    }
    let config = match survey(&args.dir) {
        Ok(c) => c,
        Err(e) => {
            crate::errln!("error: {e}");
            return exit::USAGE;
        }
    };
    let body = match serde_saphyr::to_string(&config) {
        Ok(b) if config != ProjectConfig::default() => b,
        Ok(_) => "rules: [rules]\n".to_owned(),
        Err(e) => {
            anstream::eprintln!("error: cannot write the config: {e}");
            return exit::USAGE;
        }
    };
    let text = format!(
        "# routecheck project config, written by `routecheck init` for the layout it found.\n# Paths are relative to this file; every command run here or below reads it.\n# Every key: `routecheck schema --config`. Secrets never go here (GENESYS_* env vars).\n{body}"
    );
    // The one writer, without overwrite: never replaces a file, even one that appeared
    // since the check above.
    if let Err(e) = crate::source::write::write_atomic(&target, text.as_bytes(), false) {
        anstream::eprintln!("error: {e}");
        return exit::USAGE;
    }
    // The config written is the result (stdout); what was done and what to run next are
    // notes (stderr).
    crate::errln!("wrote {}", target.display());
    crate::source::render::out(&body);
    let mut next = String::from("next:\n");
    if !config.flows.is_empty() || !config.rules.is_empty() {
        next.push_str("  routecheck lint        # what scripts inject vs what flows read\n");
    }
    next.push_str("  routecheck test        # run the rules files\n");
    if config.rules.is_empty() {
        next.push_str(
            "  (no rules files found: write rules/NAME.yaml with `cases:`; see `routecheck schema`)\n",
        );
    }
    crate::source::render::err(&next);
    exit::OK
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_survey_finds_every_kind_of_file() {
        let d = tempfile::tempdir().unwrap();
        let w = |p: &str, t: &str| {
            let p = d.path().join(p);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, t).unwrap();
        };
        w("checks/a/x.yaml", "cases: []\n");
        w(
            "checks/b.yaml",
            "flow: ../archy/f.yaml\nvars: { q: VIP }\ncases: []\n",
        );
        w("archy/f.yaml", "inboundShortMessage:\n  name: f\n");
        w("scripts/m.yaml", "attributes: {a: b}\n");
        w("recordings/c.json", "{\"participants\": []}\n");
        w("infra/main.tf", "");
        w(".github/w.yaml", "cases: []\n");
        let c = survey(d.path()).unwrap();
        assert_eq!(c.rules, ["checks"]);
        assert_eq!(c.flows, ["archy"]);
        assert_eq!(c.manifests, ["scripts"]);
        assert_eq!(c.fixtures.as_deref(), Some("recordings"));
        assert_eq!(
            c.terraform.map(|t| t.section().dir),
            Some(Some("infra".to_string()))
        );
        assert_eq!(c.vars.get("q").map(String::as_str), Some("VIP"));
    }
}
