//! Where the root module is, for `routecheck init`: among the directories holding `.tf`
//! files, the ones no other calls as a local module (`source = "./…"`), and of those the
//! ones whose module tree declares a `genesyscloud_flow` — wherever in the tree it is. A
//! child directory that only declares the resource is never the answer: `terraform plan`
//! runs in the root.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use hcl::edit::structure::{BlockLabel, Structure};

/// What one directory's `.tf` files declare.
#[derive(Default)]
struct Dir {
    /// Local module sources, as directories (lexically joined).
    calls: Vec<PathBuf>,
    flows: bool,
}

/// The root modules under the `.tf` files `files`, those whose tree deploys a
/// `genesyscloud_flow` first; each in path order. Files that do not parse are skipped
/// (the commands that read the configuration report them, located).
pub fn flow_roots(files: &[PathBuf]) -> Vec<PathBuf> {
    let mut dirs: BTreeMap<PathBuf, Dir> = BTreeMap::new();
    for f in files {
        let Some(dir) = f.parent() else { continue };
        let d = dirs.entry(super::normalise(dir)).or_default();
        let Ok(text) = crate::source::read_text(f) else {
            continue;
        };
        let Ok(body) = hcl::edit::parser::parse_body(&text) else {
            continue;
        };
        for s in body.iter() {
            let Structure::Block(b) = s else { continue };
            let labels: Vec<&str> = b
                .labels
                .iter()
                .map(|l| match l {
                    BlockLabel::Ident(i) => i.as_str(),
                    BlockLabel::String(s) => s.value().as_str(),
                })
                .collect();
            match (b.ident.as_str(), labels.as_slice()) {
                ("resource", ["genesyscloud_flow", _]) => d.flows = true,
                ("module", [_]) => {
                    let source = b
                        .body
                        .get_attribute("source")
                        .and_then(|a| a.value.as_str().map(str::to_string));
                    if let Some(src) =
                        source.filter(|s| s.starts_with("./") || s.starts_with("../"))
                    {
                        d.calls.push(super::normalise(&dir.join(src)));
                    }
                }
                _ => {}
            }
        }
    }
    let called: BTreeSet<&PathBuf> = dirs.values().flat_map(|d| &d.calls).collect();
    let roots: Vec<&PathBuf> = dirs.keys().filter(|d| !called.contains(d)).collect();
    let deploys = |root: &Path| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![root.to_path_buf()];
        while let Some(d) = todo.pop() {
            if !seen.insert(d.clone()) {
                continue;
            }
            if let Some(decl) = dirs.get(&d) {
                if decl.flows {
                    return true;
                }
                todo.extend(decl.calls.iter().cloned());
            }
        }
        false
    };
    let (mut with, without): (Vec<PathBuf>, Vec<PathBuf>) =
        roots.into_iter().cloned().partition(|r| deploys(r));
    with.extend(without);
    with
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_that_calls_the_flow_module_not_the_module() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path();
        let w = |p: &str, t: &str| {
            let p = d.join(p);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, t).unwrap();
            p
        };
        let files = vec![
            w("aws/main.tf", "resource \"aws_s3_bucket\" \"b\" {}\n"),
            w(
                "infra/main.tf",
                "module \"m\" {\n  source = \"./modules/flow\"\n}\n",
            ),
            w(
                "infra/modules/flow/main.tf",
                "resource \"genesyscloud_flow\" \"f\" {\n  filepath = \"x.yaml\"\n}\n",
            ),
        ];
        let roots = flow_roots(&files);
        assert_eq!(roots, [d.join("infra"), d.join("aws")]);
    }
}
