//! `.routecheck-lint.yaml` and default discovery: what `routecheck lint` reads when no
//! paths are given on the command line.
//!
//! The file (looked for in the current directory) may say
//! `flows: [...]`, `rules: [...]`, `manifests: [...]` (files or directories, relative to
//! the file), `vars: {NAME: VALUE}` and `max_bytes: N`. Without it, the directories
//! `flows/`, `rules/` and `manifests/` are used where they exist.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diag::SourceDiagnostic;
use crate::source::FileKind;
use crate::source::yaml::{self, Node, NodeValue};

/// The config file's name.
pub const FILE_NAME: &str = ".routecheck-lint.yaml";

const KEYS: &[&str] = &["flows", "rules", "manifests", "vars", "max_bytes"];

/// What the config file (or discovery) gives.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    /// Flow paths.
    pub flows: Vec<PathBuf>,
    /// Rules paths.
    pub rules: Vec<PathBuf>,
    /// Manifest paths.
    pub manifests: Vec<PathBuf>,
    /// Placeholder values.
    pub vars: BTreeMap<String, String>,
    /// Byte budget, if set.
    pub max_bytes: Option<usize>,
}

/// Read `dir/.routecheck-lint.yaml` if it exists, else discover `flows/`, `rules/` and
/// `manifests/` under `dir`.
pub fn discover(dir: &Path) -> Result<Config, Vec<SourceDiagnostic>> {
    // `./flows/x.yaml` reads worse than `flows/x.yaml` in every location printed.
    let join = |name: &str| {
        if dir == Path::new(".") {
            PathBuf::from(name)
        } else {
            dir.join(name)
        }
    };
    let path = join(FILE_NAME);
    if path.is_file() {
        return load(&path);
    }
    let existing = |name: &str| {
        let p = join(name);
        if p.is_dir() { vec![p] } else { Vec::new() }
    };
    Ok(Config {
        flows: existing("flows"),
        rules: existing("rules"),
        manifests: existing("manifests"),
        ..Config::default()
    })
}

/// Parse a config file; paths in it are relative to its directory.
pub fn load(path: &Path) -> Result<Config, Vec<SourceDiagnostic>> {
    let name = path.display().to_string();
    let src =
        crate::source::read_source(path, &name, FileKind::LintConfig).map_err(|e| vec![*e])?;
    let mut cfg = Config::default();
    if src.text.trim().is_empty() {
        return Ok(cfg);
    }
    let root = yaml::parse_file(&src, FileKind::LintConfig).map_err(|e| vec![*e])?;
    let base = path.parent().unwrap_or(Path::new("."));
    let err = |n: &Node, m: String| {
        SourceDiagnostic::error(&src, n.span, m).with_code("routecheck::lint::config")
    };
    let Some(map) = root.as_map() else {
        return Err(vec![err(
            &root,
            format!(
                "expected a mapping with {}, found {}",
                KEYS.join(", "),
                root.value.kind()
            ),
        )]);
    };
    let mut errors = Vec::new();
    for (k, v) in map {
        let key = k.as_str().unwrap_or_default();
        let paths = |v: &Node, errors: &mut Vec<SourceDiagnostic>| -> Vec<PathBuf> {
            let items: &[Node] = match &v.value {
                NodeValue::Seq(s) => s,
                _ => std::slice::from_ref(v),
            };
            items
                .iter()
                .filter_map(|i| match i.as_str() {
                    Some(s) => Some(base.join(s)),
                    None => {
                        errors.push(err(
                            i,
                            format!("`{key}` lists paths, found {}", i.value.kind()),
                        ));
                        None
                    }
                })
                .collect()
        };
        match key {
            "flows" => cfg.flows = paths(v, &mut errors),
            "rules" => cfg.rules = paths(v, &mut errors),
            "manifests" => cfg.manifests = paths(v, &mut errors),
            "vars" => match v.as_map() {
                Some(m) => {
                    for (vk, vv) in m {
                        match (vk.as_str(), vv.scalar_text()) {
                            (Some(n), Some(t)) if !matches!(vv.value, NodeValue::Null) => {
                                cfg.vars.insert(n.to_string(), t);
                            }
                            _ => errors.push(err(vv, "`vars` maps names to scalar values".into())),
                        }
                    }
                }
                None => errors.push(err(v, "`vars` must be a mapping of NAME: VALUE".into())),
            },
            "max_bytes" => match &v.value {
                NodeValue::Int(i) if *i > 0 => cfg.max_bytes = usize::try_from(*i).ok(),
                _ => errors.push(err(v, "`max_bytes` must be a positive integer".into())),
            },
            _ => errors.push(
                err(
                    k,
                    format!("unknown key `{}`", k.scalar_text().unwrap_or_default()),
                )
                .with_help(format!("{FILE_NAME} has {}", KEYS.join(", "))),
            ),
        }
    }
    if errors.is_empty() {
        Ok(cfg)
    } else {
        Err(errors)
    }
}
