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
use crate::source::mapping::{self, Mapping};
use crate::source::yaml::{self, Node, NodeValue};
use crate::source::{FileKind, Problem};

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
    let m = Mapping::new(&src, FileKind::LintConfig, &root, KEYS).map_err(|e| vec![*e])?;
    let mut errors = Vec::new();
    // A path, or a list of paths.
    let paths = |key: &str, v: &Node, errors: &mut Vec<SourceDiagnostic>| -> Vec<PathBuf> {
        let items: &[Node] = match &v.value {
            NodeValue::Seq(s) => s,
            _ => std::slice::from_ref(v),
        };
        items
            .iter()
            .filter_map(|i| match i.as_str() {
                Some(s) => Some(base.join(s)),
                None => {
                    let what = format!("an entry of `{key}`");
                    errors.push(
                        mapping::wrong_type(&src, FileKind::LintConfig, i, &what, "a path")
                            .with_help(format!("`{key}` lists files or directories")),
                    );
                    None
                }
            })
            .collect()
    };
    for entry in m.entries() {
        let (key, k, v) = match entry {
            Ok(e) => e,
            Err(d) => {
                errors.push(*d);
                continue;
            }
        };
        match key {
            "flows" => cfg.flows = paths(key, v, &mut errors),
            "rules" => cfg.rules = paths(key, v, &mut errors),
            "manifests" => cfg.manifests = paths(key, v, &mut errors),
            "vars" => match m.map(key) {
                Ok(entries) => {
                    for (vk, vv) in entries.unwrap_or_default() {
                        match (vk.as_str(), vv.scalar_text()) {
                            (Some(n), Some(t)) if !matches!(vv.value, NodeValue::Null) => {
                                cfg.vars.insert(n.to_string(), t);
                            }
                            _ => errors.push(m.error(
                                vv,
                                Problem::WrongType,
                                "`vars` maps names to scalar values".into(),
                            )),
                        }
                    }
                }
                Err(e) => errors.push(e.with_help("write `vars: {NAME: VALUE}`")),
            },
            "max_bytes" => match m.positive(key) {
                Ok(n) => cfg.max_bytes = n,
                Err(e) => errors.push(*e),
            },
            _ => errors.push(m.error(k, Problem::UnknownKey, format!("unhandled key `{key}`"))),
        }
    }
    if errors.is_empty() {
        Ok(cfg)
    } else {
        Err(errors)
    }
}
