//! `routecheck init`: look at the directory's layout (flows, rules, fixtures,
//! manifests, Terraform files), write a routecheck.yaml with every key it could fill —
//! placeholder values Terraform or the rules files do not give written as markers — and,
//! when there are no rules files yet, a generated starter suite ([`starter`]), so that
//! `routecheck lint && routecheck test` pass on the first run; then say what it found,
//! what it could not fill and what to run next. It never overwrites an existing file.

mod flows;
mod report;
mod starter;

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

/// What the walk found: the config it gives, every flow file with its kind, and the
/// placeholder values rules files give (value, the file that gives it).
struct Survey {
    config: ProjectConfig,
    flows: Vec<flows::Found>,
    given: std::collections::BTreeMap<String, (String, String)>,
}

/// Build the config for the layout under `root` (every file by the one walk, build
/// output and dependencies not entered).
fn survey(root: &Path) -> Result<Survey, crate::source::walk::WalkError> {
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
        let from = f.strip_prefix(root).unwrap_or(f).display().to_string();
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
                vars.entry(k.to_owned()).or_insert((t, from.clone()));
            }
        }
    }
    let config = ProjectConfig {
        vars: vars
            .iter()
            .map(|(k, (v, _))| (k.clone(), v.clone()))
            .collect(),
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
    };
    Ok(Survey {
        config,
        flows: flows::classify(&all),
        given: vars,
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
        anstream::eprintln!(
            "error: {} is not a directory{}",
            args.dir.display(),
            report::nearest_dir(&args.dir)
        );
        return exit::USAGE;
    }
    let Survey {
        mut config,
        flows: found,
        given,
    } = match survey(&args.dir) {
        Ok(s) => s,
        Err(e) => {
            crate::errln!("error: {e}");
            return exit::USAGE;
        }
    };
    let root = crate::terraform::absolute_dir(&args.dir);
    let found: Vec<flows::Found> = found
        .into_iter()
        .map(|f| flows::Found {
            path: crate::terraform::absolute_dir(&f.path),
            kind: f.kind,
            unread: None,
        })
        .collect();
    let mut found = found;
    let tf = read_terraform(&root, &mut config);
    // Every flow routecheck loads, with its placeholders: the deploy's as `test` binds
    // them, then the files Terraform does not deploy.
    let kind_of = |p: &Path| {
        let text = crate::source::read_text(p).ok()?;
        let (key, _) = crate::flow::kind::top_key(&text)?;
        crate::flow::kind::by_key(key)
    };
    let mut plans: Vec<report::FlowPlan> = Vec::new();
    if let Some(tf) = &tf {
        for address in flows::addresses(tf) {
            let Some((file, fills)) = flows::deployed(tf, &address) else {
                continue;
            };
            let Some(kind) = kind_of(&file).filter(|k| k.simulated()) else {
                continue;
            };
            plans.push(report::FlowPlan {
                file,
                address: Some(address),
                fills,
                under_test: flows::under_test(kind),
            });
        }
    }
    for f in found.iter().filter(|f| f.kind.simulated()) {
        let deployed = tf.as_ref().is_some_and(|tf| flows::deploys(tf, &f.path));
        if !deployed {
            plans.push(report::FlowPlan {
                file: f.path.clone(),
                address: None,
                fills: flows::plain(&f.path, &given),
                under_test: flows::under_test(f.kind),
            });
        }
    }
    // A flow that does not load with these values (a construct routecheck does not model
    // yet) is named and left out: listed, lint would stop on it; a starter suite for it
    // would not run.
    plans.retain(|p| {
        let vars = p
            .fills
            .iter()
            .map(|f| (f.name.clone(), f.value.clone()))
            .collect();
        let Some(why) = flows::load_error(&p.file, &vars) else {
            return true;
        };
        for f in found.iter_mut().filter(|f| f.path == p.file) {
            f.unread = Some(why.clone());
        }
        false
    });
    config.flows = flows::entries(&root, &found);
    let missing: Vec<&flows::Fill> = plans
        .iter()
        .flat_map(|p| &p.fills)
        .filter(|f| matches!(f.source, flows::Source::Missing(_)))
        .collect();
    for m in &missing {
        config
            .vars
            .entry(m.name.clone())
            .or_insert_with(|| m.value.clone());
    }
    // No rules yet: the starter suite goes where `test` looks by default. With no flow
    // under test there is no starter to write, and naming a folder that will not exist
    // would make the first `lint` and `test` fail on the config instead of saying why.
    let any_under_test = plans.iter().any(|p| p.under_test);
    let starter_dir = (config.rules.is_empty() && any_under_test).then(|| {
        // `rules/` unless it already holds YAML that is not rules (test would read it).
        let taken = std::fs::read_dir(args.dir.join("rules")).is_ok_and(|d| {
            d.flatten().any(|e| {
                e.path()
                    .extension()
                    .is_some_and(|x| x == "yaml" || x == "yml")
            })
        }) || args.dir.join("rules").is_file();
        let name = if taken { "routecheck-rules" } else { "rules" };
        config.rules = vec![name.to_owned()];
        root.join(name)
    });
    let body = match serde_saphyr::to_string(&config) {
        Ok(b) => report::mark_todos(&b, &missing),
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
    // The config written is the result (stdout); what was found, filled, generated and
    // what to run next are notes (stderr).
    crate::source::render::out(&body);
    crate::errln!("wrote {}", target.display());
    let written = match &starter_dir {
        Some(dir) => {
            let targets: Vec<starter::Target> = plans
                .iter()
                .filter(|p| p.under_test)
                .map(|p| starter::Target {
                    file: p.file.clone(),
                    vars: p
                        .fills
                        .iter()
                        .map(|f| (f.name.clone(), f.value.clone()))
                        .collect(),
                    address: p.address.clone(),
                })
                .collect();
            starter::write(dir, &targets)
        }
        None => Vec::new(),
    };
    report::print(&report::Report {
        root: &root,
        config: &config,
        found: &found,
        plans: &plans,
        terraform: tf.as_ref(),
        written: &written,
        starter: starter_dir.is_some(),
    });
    exit::OK
}

/// The configuration routecheck.yaml's `terraform:` names, read as every command will
/// read it; when it cannot be read, the key is dropped (every command would stop on it)
/// and the problems are printed as warnings.
fn read_terraform(root: &Path, config: &mut ProjectConfig) -> Option<crate::terraform::Config> {
    let dir = flows::terraform_dir(config)?;
    let opts = crate::terraform::Options {
        dir: Some(crate::terraform::absolute_dir(&root.join(&dir))),
        ..Default::default()
    };
    match crate::terraform::read(&opts) {
        Ok(c) => Some(c),
        Err(diags) => {
            super::print_diagnostics(diags.iter().map(|d| d as &dyn miette::Diagnostic));
            crate::errln!(
                "warning: the Terraform in {dir} cannot be read (above), so routecheck.yaml gets no `terraform:`; fix it, then add `terraform: {{ dir: {dir} }}`"
            );
            config.terraform = None;
            None
        }
    }
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
        let c = survey(d.path()).unwrap().config;
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
