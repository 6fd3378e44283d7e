//! The module tree: the root module and every child it calls, a local `source = "./…"`
//! or one `terraform init` installed, each directory loaded once.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::read::read_module;
use super::{ModuleDecl, Tree};
use crate::diag::SourceDiagnostic;

/// Load `root` and its local child modules.
pub fn load_tree(root: &Path) -> Result<Tree, Vec<SourceDiagnostic>> {
    let mut tree = Tree {
        modules: Vec::new(),
        root: root.to_path_buf(),
    };
    let mut errors = Vec::new();
    let mut by_dir: BTreeMap<PathBuf, usize> = BTreeMap::new();
    let installed = installed_modules(root);
    let mut ctx = Walk {
        by_dir: &mut by_dir,
        installed: &installed,
        errors: &mut errors,
    };
    load_module(&mut tree, &mut ctx, root, ".".into(), "", 0);
    if errors.is_empty() {
        Ok(tree)
    } else {
        Err(errors)
    }
}

/// What loading carries down the module tree.
struct Walk<'a> {
    by_dir: &'a mut BTreeMap<PathBuf, usize>,
    /// `.terraform/modules/modules.json`: module key (`a.b`) → directory, relative to the root.
    installed: &'a BTreeMap<String, String>,
    errors: &'a mut Vec<SourceDiagnostic>,
}

/// The modules `terraform init` installed, from `.terraform/modules/modules.json`
/// (`{"Modules":[{"Key":"a.b","Source":…,"Dir":".terraform/modules/a.b"}]}`): a remote
/// module there is read like a local one, as `terraform plan` reads it. Missing or
/// unreadable: none (each remote module is then an unknown, with how to give it).
fn installed_modules(root: &Path) -> BTreeMap<String, String> {
    #[derive(serde::Deserialize)]
    struct Manifest {
        #[serde(rename = "Modules", default)]
        modules: Vec<Entry>,
    }
    #[derive(serde::Deserialize)]
    struct Entry {
        #[serde(rename = "Key")]
        key: String,
        #[serde(rename = "Dir")]
        dir: String,
    }
    let Ok(text) = crate::source::read_text(&root.join(".terraform/modules/modules.json")) else {
        return BTreeMap::new();
    };
    serde_json::from_str::<Manifest>(&text)
        .map(|m| {
            m.modules
                .into_iter()
                .filter(|e| !e.key.is_empty())
                .map(|e| (e.key, e.dir))
                .collect()
        })
        .unwrap_or_default()
}

fn load_module(
    tree: &mut Tree,
    ctx: &mut Walk<'_>,
    dir: &Path,
    rel: String,
    module_key: &str,
    depth: usize,
) -> usize {
    let key = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    if let Some(&i) = ctx.by_dir.get(&key) {
        return i;
    }
    let index = tree.modules.len();
    ctx.by_dir.insert(key, index);
    tree.modules.push(ModuleDecl {
        dir: dir.to_path_buf(),
        rel: rel.clone(),
        ..Default::default()
    });
    let mut module = read_module(dir, rel.clone(), ctx.errors);
    // Deeper than any real configuration: a module that calls its own parent.
    if depth > 32 {
        return index;
    }
    for call in &mut module.modules {
        let child_key = if module_key.is_empty() {
            call.name.clone()
        } else {
            format!("{module_key}.{}", call.name)
        };
        // Where the child is: a local path, or where `terraform init` installed it.
        let place = match local_source(&call.source) {
            None => ctx
                .installed
                .get(&child_key)
                .map(|i| (lexical_join(&tree.root, i), lexical_rel(".", i)))
                .filter(|(d, _)| d.is_dir()),
            Some(local) => {
                let child_dir = lexical_join(dir, local);
                if !child_dir.is_dir() {
                    ctx.errors.push(
                        call.loc
                            .error(format!(
                                "module `{}`: no directory {}",
                                call.name,
                                crate::source::shown::shown(&child_dir)
                            ))
                            .with_label("source named here"),
                    );
                    continue;
                }
                Some((child_dir, lexical_rel(&rel, local)))
            }
        };
        if let Some((child_dir, child_rel)) = place {
            call.child = Some(load_module(
                tree,
                ctx,
                &child_dir,
                child_rel,
                &child_key,
                depth + 1,
            ));
        }
    }
    tree.modules[index] = module;
    index
}

/// A module source that is a local path (`./x`, `../x`), as Terraform defines it.
fn local_source(source: &str) -> Option<&str> {
    (source.starts_with("./") || source.starts_with("../") || source == "." || source == "..")
        .then_some(source)
}

/// `dir/rel` with `.` and `..` folded away.
fn lexical_join(dir: &Path, rel: &str) -> PathBuf {
    let mut out = dir.to_path_buf();
    for part in rel.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            p => out.push(p),
        }
    }
    out
}

/// `path.module` of a child: its parent's joined with the source, folded, as Terraform
/// prints it (`modules/a`, `modules/a/b`, `.` for the root).
fn lexical_rel(parent: &str, source: &str) -> String {
    let mut parts: Vec<&str> = parent
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    for part in source.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|l| *l != "..") => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn child_paths_as_terraform_prints_them() {
        assert_eq!(lexical_rel(".", "./modules/a"), "modules/a");
        assert_eq!(lexical_rel("modules/a", "./b2"), "modules/a/b2");
        assert_eq!(lexical_rel("modules/a", "../b"), "modules/b");
        assert_eq!(lexical_rel(".", "../shared"), "../shared");
        assert_eq!(lexical_rel("modules/a", ".."), "modules");
    }

    #[test]
    fn local_sources_only() {
        assert!(local_source("./m").is_some());
        assert!(local_source("../m").is_some());
        assert!(local_source("git::https://x/y.git").is_none());
        assert!(local_source("hashicorp/consul/aws").is_none());
    }
}
