//! The paths routecheck.yaml names, checked before a command uses them: a missing one
//! (or a file where a directory goes) is an error at its line in routecheck.yaml, with
//! the sibling it was probably meant to be, never an unlocated `no such file` later.

use std::path::Path;

use super::Project;
use crate::diag::{SourceDiagnostic, SourceFile};
use crate::source::FileKind;
use crate::source::code::ProjectCode;
use crate::source::yaml::{self, Node, NodeValue};

/// What a key's paths must be.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A file or a directory (`rules`, `flows`, `manifests`).
    Any,
    /// A file (`stubs`, `terraform.plan`).
    File,
    /// A directory (`terraform`, `terraform.dir`).
    Dir,
}

impl Project {
    /// Every path under `keys` (of `rules`, `flows`, `manifests`, `stubs`, `terraform`)
    /// that does not exist or is the wrong kind, located in routecheck.yaml.
    pub fn path_errors(&self, keys: &[&str]) -> Vec<SourceDiagnostic> {
        let Ok(text) = crate::source::read_text(&self.file) else {
            return Vec::new();
        };
        let name = crate::source::shown::shown(&self.file);
        let source = SourceFile::new(name.as_str(), text.as_str());
        // A file that does not parse was refused when it was loaded.
        let Ok(root) = yaml::parse_file(&source, FileKind::Project) else {
            return Vec::new();
        };
        let mut named: Vec<(&str, &Node, Kind)> = Vec::new();
        for key in keys {
            let Some(v) = root.get(key) else { continue };
            match (*key, &v.value) {
                ("terraform", NodeValue::Map(_)) => {
                    named.extend(v.get("dir").map(|d| ("terraform.dir", d, Kind::Dir)));
                    named.extend(v.get("plan").map(|p| ("terraform.plan", p, Kind::File)));
                    if let Some(NodeValue::Seq(files)) = v.get("var_files").map(|f| &f.value) {
                        named.extend(files.iter().map(|f| ("terraform.var_files", f, Kind::File)));
                    }
                }
                ("terraform", _) => named.push(("terraform", v, Kind::Dir)),
                (_, NodeValue::Seq(items)) => {
                    let kind = if *key == "stubs" {
                        Kind::File
                    } else {
                        Kind::Any
                    };
                    named.extend(items.iter().map(|i| (*key, i, kind)));
                }
                _ => {}
            }
        }
        named
            .into_iter()
            .filter_map(|(key, node, kind)| self.check(&source, key, node, kind))
            .collect()
    }

    fn check(
        &self,
        source: &SourceFile,
        key: &str,
        node: &Node,
        kind: Kind,
    ) -> Option<SourceDiagnostic> {
        let written = node.as_str()?;
        let path = self.path(written);
        let problem = match std::fs::metadata(&path) {
            Err(_) => "does not exist",
            Ok(m) if kind == Kind::Dir && !m.is_dir() => "is not a directory",
            Ok(m) if kind == Kind::File && m.is_dir() => "is a directory, not a file",
            Ok(_) => return None,
        };
        let rule = "paths in routecheck.yaml are relative to its directory";
        let help = match sibling(&path, kind) {
            Some(name) => {
                let at = written
                    .trim_end_matches('/')
                    .rfind('/')
                    .map_or(0, |i| i + 1);
                format!("did you mean `{}{name}`? {rule}", &written[..at])
            }
            None => rule.to_owned(),
        };
        Some(
            SourceDiagnostic::error(
                source,
                node.span,
                format!("`{key}:` names `{written}`, which {problem}"),
            )
            .with_code(ProjectCode::Path)
            .with_label("named here")
            .with_help(help),
        )
    }
}

/// A sibling of `path` of the right kind whose name is a plausible typo of its name.
fn sibling(path: &Path, kind: Kind) -> Option<String> {
    let name = path.file_name()?.to_string_lossy();
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let names: Vec<String> = std::fs::read_dir(parent)
        .ok()?
        .flatten()
        .filter(|e| {
            let dir = e.path().is_dir();
            match kind {
                Kind::Any => true,
                Kind::Dir => dir,
                Kind::File => !dir,
            }
        })
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| *n != name)
        .collect();
    crate::diag::closest(&name, names.iter().map(String::as_str)).map(str::to_owned)
}
