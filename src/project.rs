//! The user's repository: `routecheck.yaml` (the project config, found by walking up
//! from the working directory) and the one rule every path a file names obeys.
//!
//! The path rule: a path written in a file (`fixture:`, `flow:`, stubs files, tables,
//! manifests) is relative to that file, and must stay inside the file's project root
//! after symlinks are resolved. The root is the directory of the nearest
//! `routecheck.yaml` above the file, else the enclosing git work tree, else the file's
//! own directory. Nothing here depends on the working directory, so a rules file means
//! the same thing from wherever it is run. A path written `//a/b` is relative to the
//! project root instead of the file: what `gen` writes when it cannot know where its
//! output will be saved (stdout).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::diag::SourceDiagnostic;
use crate::source::FileKind;
use crate::source::code::ProjectCode;
use crate::source::mapping;
use crate::source::yaml::{self, NodeValue};

mod paths;

/// The project config's file name.
pub const FILE_NAME: &str = "routecheck.yaml";

/// Where lint starts failing (`lint: { deny: ... }`), as `routecheck lint --deny`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum DenyLevel {
    /// Any finding fails.
    Info,
    /// Warnings and errors fail (the default).
    Warning,
    /// Only errors fail.
    Error,
}

/// `lint:` — what `routecheck lint` reads besides the shared paths.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LintSection {
    /// The lowest finding severity that fails the run (`--deny` overrides it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deny: Option<DenyLevel>,
    /// Web Messaging budget in UTF-8 bytes of keys plus values (`--max-bytes`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_bytes: Option<usize>,
}

/// `snapshot:` — what `routecheck snapshot check` ignores.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SnapshotSection {
    /// Key names (ignored at any depth) or JSONPaths (`$...`, exactly those nodes).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignore: Vec<String>,
    /// `false` compares the default volatile keys (timestamps, ids) too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_ignores: Option<bool>,
}

/// `terraform:` — where the deploy's Terraform is, every path relative to routecheck.yaml.
/// The old string form (`terraform: infra`) is the root module directory alone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum TerraformConfig {
    /// The root module directory.
    Dir(String),
    /// The root module, variable files and values, or a plan.
    Section(TerraformSection),
}

/// `terraform: { dir, var_files, vars, plan }`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TerraformSection {
    /// The root module directory (where `terraform plan` runs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dir: Option<String>,
    /// Variable definitions files, applied in order as `terraform plan -var-file`
    /// (after terraform.tfvars and *.auto.tfvars; `--tf-var-file` comes after these).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub var_files: Vec<String>,
    /// Root module variables, as `terraform plan -var NAME=VALUE` (after `var_files`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub vars: BTreeMap<String, String>,
    /// The JSON of `terraform show -json PLANFILE`, read instead of evaluating `dir`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
}

impl TerraformConfig {
    /// The section form of either spelling.
    pub fn section(&self) -> TerraformSection {
        match self {
            TerraformConfig::Dir(d) => TerraformSection {
                dir: Some(d.clone()),
                ..TerraformSection::default()
            },
            TerraformConfig::Section(s) => s.clone(),
        }
    }
}

/// `routecheck.yaml`. Paths are relative to the file; secrets never go here (they are
/// read from the environment).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "routecheck.yaml", description = "routecheck project config")]
pub struct ProjectConfig {
    /// Rules files or directories `routecheck test` runs (default `rules/`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<String>,
    /// Archy flow files or directories `routecheck lint` reads.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flows: Vec<String>,
    /// Injection manifests `routecheck lint` reads.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub manifests: Vec<String>,
    /// The fixture directory: where `routecheck record` writes without `--out`, and what
    /// `routecheck snapshot check|accept|reject` review without fixture arguments
    /// (default: `fixtures/` beside this file when it exists). Rules files still name
    /// each `fixture:` relative to themselves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixtures: Option<String>,
    /// Values for flows' `{{placeholder}}`s (`--var` overrides them).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub vars: BTreeMap<String, String>,
    /// Stubs files (`Action name: { output: success, values: { Flow.X: value } }`)
    /// shared by every command that simulates a flow (`test` for a rules file with
    /// `flow:`, `trace`, `gen --check` and `gen --for`): each flow gets the entries for
    /// the external actions it has, a later file's over an earlier one's. Per action, a
    /// flag (`trace --stub`, `trace --stubs`) beats the case's `stubs:`, which beats the
    /// rules file's `stubs:`, which beats these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stubs: Vec<String>,
    /// The Terraform configuration the deploy is read from (docs/terraform.md): the
    /// root module directory (`terraform: infra`), or `{ dir, var_files, vars, plan }`.
    /// `--terraform`, `--tf-var-file`, `--tf-var` and `--tf-plan` override it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terraform: Option<TerraformConfig>,
    /// Fail `routecheck test` when a flow's branch coverage is below this percentage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0, max = 100.0))]
    pub min_coverage: Option<f64>,
    /// Directories (relative to this file) that discovery never enters.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<String>,
    /// Genesys Cloud region, e.g. `mypurecloud.com` (`GENESYS_REGION` overrides it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// `routecheck lint` settings.
    #[serde(default, skip_serializing_if = "is_default")]
    pub lint: LintSection,
    /// `routecheck snapshot` settings.
    #[serde(default, skip_serializing_if = "is_default")]
    pub snapshot: SnapshotSection,
    /// The org's own NLU: runs replay its answers recorded in `answers` (offline, no
    /// credentials); `routecheck test --nlu-record` asks it (the only way the network is
    /// called for it) for the bots listed and writes them there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nlu: Option<NluSection>,
}

/// `nlu:` of routecheck.yaml.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NluSection {
    /// The recorded answers file (default `nlu-answers.yaml` in the fixture directory,
    /// else beside this file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answers: Option<String>,
    /// By bot flow name: the NLU domain and version `--nlu-record` asks.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub bots: BTreeMap<String, NluBot>,
}

/// One bot's NLU domain version (Genesys Cloud: the bot flow's NLU domain id and version id).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NluBot {
    /// The NLU domain id.
    pub domain: String,
    /// The domain version id.
    pub version: String,
    /// The language sent with each message (e.g. `en-us`), if the domain needs one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

fn is_default<T: Default + PartialEq>(v: &T) -> bool {
    *v == T::default()
}

/// The recorded NLU answers file's name when `nlu: answers:` does not give one.
pub const NLU_ANSWERS: &str = "nlu-answers.yaml";

/// A loaded `routecheck.yaml` and the directory its paths are relative to.
#[derive(Debug, Clone, PartialEq)]
pub struct Project {
    /// The file, as found.
    pub file: PathBuf,
    /// Its directory: the project root.
    pub root: PathBuf,
    /// What it says.
    pub config: ProjectConfig,
}

impl Project {
    /// A path the config names, resolved against its directory. Printed paths stay
    /// short when the config is in the working directory.
    pub fn path(&self, rel: &str) -> PathBuf {
        if self.root.as_os_str().is_empty() || self.root == Path::new(".") {
            PathBuf::from(rel)
        } else {
            self.root.join(rel)
        }
    }

    /// Every path of a list, resolved.
    pub fn paths(&self, rels: &[String]) -> Vec<PathBuf> {
        rels.iter().map(|r| self.path(r)).collect()
    }

    /// The recorded NLU answers file of `nlu:`, if the config has one.
    pub fn nlu_answers(&self) -> Option<PathBuf> {
        let nlu = self.config.nlu.as_ref()?;
        Some(match &nlu.answers {
            Some(a) => self.path(a),
            None => self
                .fixtures_dir()
                .map_or_else(|| self.path(NLU_ANSWERS), |d| d.join(NLU_ANSWERS)),
        })
    }

    /// The fixture directory: `fixtures:` resolved, else `fixtures/` beside the config
    /// when it exists (`record` writes there, `snapshot` reviews it).
    pub fn fixtures_dir(&self) -> Option<PathBuf> {
        match &self.config.fixtures {
            Some(f) => Some(self.path(f)),
            None => Some(self.path(crate::snapshot::DEFAULT_DIR)).filter(|d| d.is_dir()),
        }
    }

    /// The `exclude:` directories, canonical (missing ones dropped).
    pub fn excludes(&self) -> Vec<PathBuf> {
        self.config
            .exclude
            .iter()
            .filter_map(|e| self.path(e).canonicalize().ok())
            .collect()
    }
}

/// The JSON Schema of `routecheck.yaml`.
pub fn schema_json() -> String {
    let schema = schemars::schema_for!(ProjectConfig);
    serde_json::to_string_pretty(&schema).unwrap_or_default()
}

/// The folders a flow file's calls (bots, common modules) are found in: the flow's own
/// folder, then the flows folders (`flows:`) of the project's routecheck.yaml above it.
/// A project that does not load adds nothing here: the command reports it where it reads it.
pub fn call_dirs(flow_file: &Path) -> Vec<PathBuf> {
    let dir = flow_file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let mut dirs = vec![dir.clone()];
    if let Some(cfg) = find(&dir)
        && let Ok(project) = load(&cfg)
    {
        for p in project.paths(&project.config.flows) {
            if !dirs.contains(&p) {
                dirs.push(p);
            }
        }
    }
    dirs
}

/// The nearest `routecheck.yaml` at or above `dir` (the working directory for commands).
pub fn find(dir: &Path) -> Option<PathBuf> {
    let start = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let abs = start.canonicalize().ok()?;
    let mut cur = Some(abs.as_path());
    while let Some(d) = cur {
        let candidate = d.join(FILE_NAME);
        if candidate.is_file() {
            // Relative to the working directory when it is below it, so messages stay short.
            return Some(
                match std::env::current_dir().ok().and_then(|cwd| {
                    cwd.canonicalize()
                        .ok()
                        .and_then(|c| candidate.strip_prefix(&c).ok().map(Path::to_path_buf))
                }) {
                    Some(rel) => rel,
                    None => candidate,
                },
            );
        }
        cur = d.parent();
    }
    None
}

/// Find and load the project config for a command run in `dir`. `Ok(None)`: no file.
pub fn discover(dir: &Path) -> Result<Option<Project>, Vec<SourceDiagnostic>> {
    match find(dir) {
        Some(file) => load(&file).map(Some),
        None => Ok(None),
    }
}

/// routecheck.yaml's `region:` (never a secret) of the project around the working directory,
/// for the API client when GENESYS_REGION is not set; a broken config is reported by the
/// command that reads it, not here.
pub fn working_dir_region() -> Option<String> {
    discover(Path::new("."))
        .ok()
        .flatten()
        .and_then(|p| p.config.region)
}

/// Read one `routecheck.yaml` through the source layer (regular file, size limit, UTF-8,
/// the located YAML tree); every error is located in it.
pub fn load(file: &Path) -> Result<Project, Vec<SourceDiagnostic>> {
    let name = file.display().to_string();
    let source =
        crate::source::read_source(file, &name, FileKind::Project).map_err(|e| vec![*e])?;
    let help = "see `routecheck schema --config` for every key; paths are relative to this file";
    let located = |d: Box<SourceDiagnostic>| {
        let d = SourceDiagnostic {
            message: format!("invalid {FILE_NAME}: {}", d.message),
            ..*d
        };
        vec![if d.help.is_some() {
            d
        } else {
            d.with_help(help)
        }]
    };
    let config = if source.text.trim().is_empty() {
        ProjectConfig::default()
    } else {
        let root = yaml::parse_file(&source, FileKind::Project).map_err(located)?;
        if matches!(root.value, NodeValue::Null) {
            ProjectConfig::default()
        } else {
            let config: ProjectConfig =
                mapping::deserialize(&source, FileKind::Project, &root, "the project config")
                    .map_err(located)?;
            if let Some(min) = config.min_coverage
                && !(0.0..=100.0).contains(&min)
            {
                let at = root.get("min_coverage").unwrap_or(&root);
                return Err(vec![
                    SourceDiagnostic::error(
                        &source,
                        at.span,
                        format!("`min_coverage` {min} is not a percentage from 0 to 100"),
                    )
                    .with_code(ProjectCode::Config),
                ]);
            }
            config
        }
    };
    Ok(Project {
        root: file.parent().map(Path::to_path_buf).unwrap_or_default(),
        file: file.to_path_buf(),
        config,
    })
}

/// How the project root of a file was chosen (named in help texts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RootKind {
    /// The directory of the nearest `routecheck.yaml` above the file.
    Config,
    /// The enclosing git work tree.
    Git,
    /// No config, no git: the file's own directory.
    FileDir,
}

/// The project root of a file (canonical) and how it was chosen.
pub fn root_of(file: &Path) -> (PathBuf, RootKind) {
    let dir = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let Ok(dir) = dir.canonicalize() else {
        return (dir.to_path_buf(), RootKind::FileDir);
    };
    if let Some(d) = dir.ancestors().find(|d| d.join(FILE_NAME).is_file()) {
        return (d.to_path_buf(), RootKind::Config);
    }
    // `.git` is a directory in a clone and a file in a worktree or submodule.
    if let Some(d) = dir.ancestors().find(|d| d.join(".git").exists()) {
        return (d.to_path_buf(), RootKind::Git);
    }
    (dir, RootKind::FileDir)
}

/// Why a path a file names cannot be used.
#[derive(Debug, Clone, PartialEq)]
pub enum PathError {
    /// It does not exist (or cannot be read).
    NotFound {
        /// The path as joined (naming file's directory + the text).
        joined: PathBuf,
        /// The OS error.
        reason: String,
        /// The path as the naming file writes it.
        written: String,
    },
    /// It resolves outside the naming file's project root.
    Outside {
        /// The path as joined.
        joined: PathBuf,
        /// Where it really is.
        canonical: PathBuf,
        /// The root it left.
        root: PathBuf,
        /// How that root was chosen.
        kind: RootKind,
    },
}

impl PathError {
    /// The error message (`what` is e.g. "fixture").
    pub fn message(&self, what: &str) -> String {
        match self {
            PathError::NotFound { joined, reason, .. } => {
                format!("{what} `{}` not found: {reason}", joined.display())
            }
            PathError::Outside {
                joined, canonical, ..
            } => format!(
                "{what} `{}` resolves to `{}`, outside the project root",
                joined.display(),
                canonical.display()
            ),
        }
    }

    /// The help: for `Outside`, the root and how to widen it.
    pub fn help(&self, what: &str) -> String {
        match self {
            PathError::NotFound {
                joined, written, ..
            } => {
                let rule = format!(
                    "{what} paths are relative to the file that names them (`//path` is relative to its project root)"
                );
                // A sibling whose name is a plausible typo, as the naming file would write it.
                let sibling =
                    crate::source::read::near(&joined.display().to_string()).and_then(|n| {
                        Path::new(&n)
                            .file_name()
                            .map(|f| f.to_string_lossy().into_owned())
                    });
                match sibling {
                    Some(name) => {
                        let at = written.rfind('/').map_or(0, |i| i + 1);
                        format!("did you mean `{}{name}`? {rule}", &written[..at])
                    }
                    None => rule,
                }
            }
            PathError::Outside { root, kind, .. } => {
                let why = match kind {
                    RootKind::Config => format!("the directory of its {FILE_NAME}"),
                    RootKind::Git => "its git work tree".to_owned(),
                    RootKind::FileDir => {
                        "its own directory (no routecheck.yaml or git work tree above it)"
                            .to_owned()
                    }
                };
                format!(
                    "the project root of this file is {} ({why}); a {what} must be inside it. To widen the root, put a {FILE_NAME} in a directory above both files (or move the {what} under {})",
                    root.display(),
                    root.display()
                )
            }
        }
    }
}

/// Resolve `rel`, written in `naming_file`, by the path rule: relative to the naming
/// file's directory, and (after symlinks) inside its project root. Returns the joined
/// path (for messages) and the canonical one (for reading).
pub fn resolve(naming_file: &Path, rel: &str) -> Result<(PathBuf, PathBuf), PathError> {
    Resolver::new(naming_file).resolve(rel)
}

/// The rest of a path written root-relative (`//flows/x.yaml` → `flows/x.yaml`): the form
/// every path a file names may take to mean "from the project root" instead of "from this
/// file". `///x` is not that form (it would be an absolute path either way).
pub fn root_relative(rel: &str) -> Option<&str> {
    rel.strip_prefix("//")
        .filter(|rest| !rest.starts_with(['/', '\\']))
}

/// `path` as a root-relative path (`//` + its path below its own project root), when that
/// root is a `routecheck.yaml`'s or a git work tree's directory (both stay where they are
/// wherever a file naming the path is written inside them); None otherwise.
pub fn as_root_relative(path: &Path) -> Option<String> {
    let (root, kind) = root_of(path);
    if kind == RootKind::FileDir {
        return None;
    }
    let canonical = path.canonicalize().ok()?;
    let below = canonical.strip_prefix(&root).ok()?;
    let parts: Vec<String> = below
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Some(format!("//{}", parts.join("/")))
}

/// [`resolve`] for many paths named by one file (a rules file's fixtures): the project root
/// is found once, and each directory is canonicalised once, so a path costs one `lstat`
/// instead of a `realpath` of every component plus a root search.
#[derive(Debug)]
pub struct Resolver {
    naming_file: PathBuf,
    root: Option<(PathBuf, RootKind)>,
    /// Directory as joined → its canonical form (`None`: it failed; the slow path then
    /// reports the exact error).
    dirs: HashMap<PathBuf, Option<PathBuf>>,
}

impl Resolver {
    /// Paths named by `naming_file`.
    pub fn new(naming_file: &Path) -> Self {
        Resolver {
            naming_file: naming_file.to_path_buf(),
            root: None,
            dirs: HashMap::new(),
        }
    }

    /// Resolve `rel` by the path rule; the same result as [`resolve`].
    pub fn resolve(&mut self, rel: &str) -> Result<(PathBuf, PathBuf), PathError> {
        self.resolve_file(rel)
            .map(|(joined, canonical, _)| (joined, canonical))
    }

    /// [`Resolver::resolve`], and whether the path names a regular file (after symlinks):
    /// the `lstat` the path rule makes already says so, which saves a fixture a second
    /// look-up of its path.
    pub fn resolve_file(&mut self, rel: &str) -> Result<(PathBuf, PathBuf, bool), PathError> {
        let joined = match root_relative(rel) {
            // `//flows/x.yaml`: from the project root, wherever the naming file sits (what
            // `gen` writes when it cannot know where its output lands).
            Some(rest) => {
                let (root, _) = self.root.get_or_insert_with(|| root_of(&self.naming_file));
                root.join(rest)
            }
            None => self.naming_file.parent().unwrap_or(Path::new("")).join(rel),
        };
        let (canonical, is_file) = match self.quick(&joined, rel) {
            Some(found) => found,
            None => {
                let c = joined.canonicalize().map_err(|e| PathError::NotFound {
                    joined: joined.clone(),
                    reason: e.to_string(),
                    written: rel.to_owned(),
                })?;
                let is_file = c.is_file();
                (c, is_file)
            }
        };
        let (root, kind) = self
            .root
            .get_or_insert_with(|| root_of(&self.naming_file))
            .clone();
        if !canonical.starts_with(&root) {
            return Err(PathError::Outside {
                joined,
                canonical,
                root,
                kind,
            });
        }
        Ok((joined, canonical, is_file))
    }

    /// The canonical path (and whether it is a regular file) when it is the canonical directory plus a last name that is not a
    /// symlink (then `realpath` would give exactly that); `None` sends anything else
    /// (a symlink, `..`, a trailing `/`, an error) to `canonicalize` itself.
    fn quick(&mut self, joined: &Path, rel: &str) -> Option<(PathBuf, bool)> {
        // `a/.` names `a` (which `Path::components` would hide), and lstat would follow `a`
        // if it is a symlink: such paths, like a trailing `/`, take the slow path.
        if matches!(rel.rsplit(['/', '\\']).next(), None | Some("" | "." | "..")) {
            return None;
        }
        let Some(std::path::Component::Normal(name)) = joined.components().next_back() else {
            return None;
        };
        let dir = joined
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let kind = std::fs::symlink_metadata(joined).ok()?.file_type();
        if kind.is_symlink() {
            return None;
        }
        let canon_dir = self
            .dirs
            .entry(dir.to_path_buf())
            .or_insert_with(|| dir.canonicalize().ok())
            .as_ref()?;
        Some((canon_dir.join(name), kind.is_file()))
    }
}

/// A warning for an old config file the project config replaces (it still works).
pub fn legacy_warning(old: &Path, key: &str) -> String {
    format!(
        "warning: {} is deprecated: move its settings to {FILE_NAME} under `{key}` (see `routecheck schema --config`)",
        old.display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_relative_paths_start_with_two_slashes_only() {
        assert_eq!(root_relative("//flows/x.yaml"), Some("flows/x.yaml"));
        assert_eq!(root_relative("flows/x.yaml"), None);
        assert_eq!(root_relative("/flows/x.yaml"), None);
        assert_eq!(root_relative("///flows/x.yaml"), None);
    }

    #[test]
    fn the_config_loads_and_unknown_keys_are_located() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join(FILE_NAME);
        std::fs::write(
            &f,
            "rules: [suites]\nvars: { a: b }\nmin_coverage: 80\nlint: { deny: error }\nsnapshot: { ignore: [lastSeen] }\n",
        )
        .unwrap();
        let p = load(&f).unwrap();
        assert_eq!(p.config.rules, ["suites"]);
        assert_eq!(p.config.min_coverage, Some(80.0));
        assert_eq!(p.config.lint.deny, Some(DenyLevel::Error));
        assert_eq!(p.path("suites"), dir.path().join("suites"));
        std::fs::write(&f, "rules: [a]\nrulez: [b]\n").unwrap();
        let e = load(&f).unwrap_err();
        assert_eq!(e[0].location(), format!("{}:2:1", f.display()));
        assert!(e[0].message.contains("rulez"), "{}", e[0].message);
        std::fs::write(&f, "min_coverage: 140\n").unwrap();
        assert!(load(&f).unwrap_err()[0].message.contains("140"));
    }

    /// Every config error goes through the source layer: located at the key or value,
    /// with the project's typed codes, and the same refusals as every other file kind.
    #[test]
    fn config_errors_are_located_like_every_file_kind() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join(FILE_NAME);
        let err = |text: &str| {
            std::fs::write(&f, text).unwrap();
            let e = load(&f).unwrap_err().remove(0);
            let at = e.location();
            (at[f.display().to_string().len()..].to_owned(), e)
        };
        let (at, e) = err("rules: [a]\nrulez: [b]\n");
        assert_eq!(at, ":2:1");
        assert!(
            e.message
                .contains("unknown key `rulez` in the project config"),
            "{}",
            e.message
        );
        assert_eq!(e.help.as_deref(), Some("did you mean `rules`?"));
        assert_eq!(e.code.as_deref(), Some("routecheck::project::config"));
        // Inside a section: the key, named with its section.
        let (at, e) = err("lint:\n  deny: error\n  denyy: info\n");
        assert_eq!(at, ":3:3");
        assert!(
            e.message.contains("unknown key `denyy` in `lint`"),
            "{}",
            e.message
        );
        // A wrong type: the value.
        let (at, e) = err("rules: [a]\nvars: [x]\n");
        assert_eq!(at, ":2:7");
        assert!(e.message.contains("invalid `vars`"), "{}", e.message);
        let (at, e) = err("lint: { deny: loud }\n");
        assert_eq!(at, ":1:15");
        assert!(e.message.contains("loud"), "{}", e.message);
        // The YAML tree's refusals: duplicate keys, unknown tags.
        let (at, e) = err("rules: [a]\nrules: [b]\n");
        assert_eq!(at, ":2:1");
        assert!(e.message.contains("duplicate"), "{}", e.message);
        let (_, e) = err("region: !foo x\n");
        assert!(e.message.contains("tag"), "{}", e.message);
        // Not UTF-8: the message names the first bad byte.
        std::fs::write(&f, b"region: caf\xe9\n").unwrap();
        let e = load(&f).unwrap_err().remove(0);
        assert!(e.message.contains("line 1, column 12"), "{}", e.message);
        assert_eq!(e.code.as_deref(), Some("routecheck::project::read"));
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_config_is_refused_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join(FILE_NAME);
        let ok = std::process::Command::new("mkfifo").arg(&f).status();
        if !ok.is_ok_and(|s| s.success()) {
            return;
        }
        let e = load(&f).unwrap_err().remove(0);
        assert!(e.message.contains("not a regular file"), "{}", e.message);
    }

    #[test]
    fn the_root_is_the_config_then_git_then_the_file_dir() {
        let dir = tempfile::tempdir().unwrap();
        let top = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(top.join("p/rules/deep")).unwrap();
        let file = top.join("p/rules/deep/a.yaml");
        assert_eq!(
            root_of(&file),
            (top.join("p/rules/deep"), RootKind::FileDir)
        );
        std::fs::create_dir(top.join(".git")).unwrap();
        assert_eq!(root_of(&file), (top.clone(), RootKind::Git));
        std::fs::write(top.join("p").join(FILE_NAME), "").unwrap();
        assert_eq!(root_of(&file), (top.join("p"), RootKind::Config));
        std::fs::write(top.join("outside.json"), "{}").unwrap();
        let e = resolve(&file, "../../../outside.json").unwrap_err();
        assert!(matches!(
            e,
            PathError::Outside {
                kind: RootKind::Config,
                ..
            }
        ));
        assert!(
            e.help("fixture")
                .contains(&top.join("p").display().to_string())
        );
        std::fs::write(top.join("p/rules/x.json"), "{}").unwrap();
        assert!(resolve(&file, "../x.json").is_ok());
    }

    /// The resolver's quick path (a canonical directory plus one lstat) gives what
    /// `canonicalize` alone gave, through symlinks, `..`, `.` and trailing slashes.
    #[cfg(unix)]
    #[test]
    fn the_resolver_agrees_with_canonicalize() {
        let dir = tempfile::tempdir().unwrap();
        let top = dir.path().canonicalize().unwrap();
        std::fs::write(top.join(".git"), "").unwrap();
        std::fs::create_dir_all(top.join("rules/fx")).unwrap();
        std::fs::create_dir_all(top.join("other")).unwrap();
        std::fs::write(top.join("rules/fx/a.json"), "{}").unwrap();
        std::fs::write(top.join("other/b.json"), "{}").unwrap();
        std::os::unix::fs::symlink(top.join("other"), top.join("rules/ln")).unwrap();
        std::os::unix::fs::symlink(top.join("other/b.json"), top.join("rules/fx/c.json")).unwrap();
        let file = top.join("rules/a.yaml");
        let mut r = Resolver::new(&file);
        for rel in [
            "fx/a.json",
            "fx/c.json",
            "ln/b.json",
            "ln/../fx/a.json",
            "fx/../ln/b.json",
            "ln",
            "ln/",
            "ln/.",
            "fx/.",
            "./fx/a.json",
            "fx//a.json",
            "missing.json",
            "fx/missing/..",
        ] {
            let quick = r.resolve(rel).map(|(_, c)| c).ok();
            let slow = top.join("rules").join(rel).canonicalize().ok();
            assert_eq!(quick, slow, "{rel}");
            if let Ok((_, c, is_file)) = r.resolve_file(rel) {
                assert_eq!(is_file, c.is_file(), "{rel}");
            }
        }
    }

    #[test]
    fn the_schema_names_every_key() {
        let s = schema_json();
        for key in [
            "rules",
            "flows",
            "vars",
            "min_coverage",
            "exclude",
            "region",
            "deny",
        ] {
            assert!(s.contains(&format!("\"{key}\"")), "{key}");
        }
    }
}
