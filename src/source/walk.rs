//! The one directory walk: every command that turns a directory into files (rules
//! discovery, lint's flows, rules and manifests, `gen`'s flows, `snapshot`'s fixtures,
//! `init`'s survey, a Terraform directory) goes through [`files`], so they all agree:
//!
//! - **Order**: entries sorted by name in each directory, depth first, so runs repeat.
//! - **Hidden** entries (a name starting with `.`) are skipped, files and directories
//!   alike; the directory given to the walk is entered even if its own name is hidden.
//! - **Excluded** directories (routecheck.yaml's `exclude:`, compared after symlinks)
//!   and directories named in [`Walk::skip_names`] are not entered.
//! - **Symlinks** are followed, and each directory is entered once (by its canonical
//!   path), so a link to a sibling cannot double a file; a link to the walked directory
//!   or one above it (a loop) is not entered.
//! - **Non-regular files** (FIFO, socket, device) and entries that cannot be inspected
//!   (a dangling link) are never opened by the walk: one with a wanted name is returned
//!   like a file, and its reader ([`super::read_text`], which checks before it opens)
//!   refuses it at its path, so a stray FIFO is reported, not hidden and not blocked on.
//! - **Unreadable directories** are an error naming the directory.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// How to walk.
#[derive(Debug, Clone, Copy, Default)]
pub struct Walk<'a> {
    /// Wanted file-name endings after a dot, compared without regard to case (`yaml`,
    /// `json.new`); empty takes every file.
    pub exts: &'a [&'a str],
    /// Canonical directories not entered.
    pub excludes: &'a [PathBuf],
    /// Directory names not entered anywhere below the root (`target`, `node_modules`).
    pub skip_names: &'a [&'a str],
    /// Only the directory itself, not its subdirectories (a Terraform module).
    pub shallow: bool,
}

/// A directory that could not be read.
#[derive(Debug, thiserror::Error)]
#[error("cannot read directory {}: {source}", dir.display())]
pub struct WalkError {
    /// The directory.
    pub dir: PathBuf,
    /// Why.
    #[source]
    pub source: io::Error,
}

/// The wanted files under `dir`, by the rules above.
pub fn files(dir: &Path, how: &Walk<'_>) -> Result<Vec<PathBuf>, WalkError> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    walk(dir, how, None, &mut seen, &mut out)?;
    Ok(out)
}

/// Whether `path`'s file name ends with one of `exts` (after a dot), ignoring case.
pub fn wanted(path: &Path, exts: &[&str]) -> bool {
    if exts.is_empty() {
        return true;
    }
    let Some(name) = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
    else {
        return false;
    };
    exts.iter().any(|e| {
        name.strip_suffix(&e.to_ascii_lowercase())
            .is_some_and(|stem| stem.len() > 1 && stem.ends_with('.'))
    })
}

/// `root` is the walked directory, canonical (`None` for the walked directory itself).
fn walk(
    dir: &Path,
    how: &Walk<'_>,
    root: Option<&Path>,
    seen: &mut HashSet<PathBuf>,
    out: &mut Vec<PathBuf>,
) -> Result<(), WalkError> {
    let error = |source| WalkError {
        dir: dir.to_path_buf(),
        source,
    };
    let canonical = dir.canonicalize().map_err(error)?;
    if let Some(root) = root
        && (how.excludes.contains(&canonical) || root.starts_with(&canonical))
    {
        return Ok(());
    }
    if !seen.insert(canonical.clone()) {
        return Ok(());
    }
    let root = root.unwrap_or(&canonical);
    let mut entries: Vec<(std::ffi::OsString, PathBuf)> = fs::read_dir(dir)
        .map_err(error)?
        .map(|e| e.map(|e| (e.file_name(), e.path())))
        .collect::<io::Result<_>>()
        .map_err(error)?;
    entries.sort();
    for (name, path) in entries {
        let name = name.to_string_lossy();
        if name.starts_with('.') {
            continue;
        }
        // Follows symlinks: a link is what it points to.
        match fs::metadata(&path) {
            Ok(m) if m.is_dir() => {
                if !how.shallow && !how.skip_names.iter().any(|s| *s == name) {
                    walk(&path, how, Some(root), seen, out)?;
                }
            }
            // A file, or a FIFO, socket, device or dangling link for its reader to refuse.
            _ => {
                if wanted(&path, how.exts) {
                    out.push(path);
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path, files: &[PathBuf]) -> Vec<String> {
        files
            .iter()
            .map(|f| f.strip_prefix(dir).unwrap().display().to_string())
            .collect()
    }

    fn touch(dir: &Path, rel: &str) {
        let p = dir.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, "x").unwrap();
    }

    #[test]
    fn sorted_depth_first_hidden_and_excluded_skipped_extensions_filtered() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        for f in [
            "b.yaml",
            "a/z.YML",
            "a.yaml",
            "notes.txt",
            ".hidden.yaml",
            ".git/x.yaml",
            "vendor/v.yaml",
            "target/t.yaml",
            "c/d/e.yaml",
        ] {
            touch(root, f);
        }
        let excludes = [root.join("vendor").canonicalize().unwrap()];
        let how = Walk {
            exts: &["yaml", "yml"],
            excludes: &excludes,
            skip_names: &["target"],
            shallow: false,
        };
        let found = files(root, &how).unwrap();
        assert_eq!(
            names(root, &found),
            ["a/z.YML", "a.yaml", "b.yaml", "c/d/e.yaml"]
        );
        let shallow = files(
            root,
            &Walk {
                shallow: true,
                ..how
            },
        )
        .unwrap();
        assert_eq!(names(root, &shallow), ["a.yaml", "b.yaml"]);
        assert!(wanted(Path::new("x.json.new"), &["json.new"]));
        assert!(!wanted(Path::new("x.json.new"), &["json"]));
        assert!(!wanted(Path::new(".json"), &["json"]));
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_are_cut_and_fifos_are_left_to_their_reader() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        touch(root, "rules/a.yaml");
        std::os::unix::fs::symlink(root.join("rules"), root.join("rules/again")).unwrap();
        std::os::unix::fs::symlink(root, root.join("rules/up")).unwrap();
        std::os::unix::fs::symlink(root.join("nowhere.yaml"), root.join("rules/dangling.yaml"))
            .unwrap();
        let fifo = root.join("rules/pipe.yaml");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        let found = files(
            &root.join("rules"),
            &Walk {
                exts: &["yaml"],
                ..Walk::default()
            },
        )
        .unwrap();
        // `again` and `up` loop back (to the walked directory, to one above it): not
        // entered. The dangling link and the FIFO are returned for their reader to refuse.
        let mut expected = vec!["a.yaml", "dangling.yaml"];
        if made.is_ok_and(|s| s.success()) {
            expected.push("pipe.yaml");
            let refused = crate::source::read_text(&fifo).unwrap_err();
            assert!(matches!(refused, crate::source::ReadError::NotRegular(_)));
        }
        assert_eq!(names(&root.join("rules"), &found), expected);
    }

    #[cfg(unix)]
    #[test]
    fn an_unreadable_directory_is_an_error_naming_it() {
        use std::os::unix::fs::PermissionsExt;
        let d = tempfile::tempdir().unwrap();
        touch(d.path(), "locked/a.yaml");
        let locked = d.path().join("locked");
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
        let result = files(d.path(), &Walk::default());
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).unwrap();
        // Root reads every directory: then there is nothing to see.
        if let Err(e) = result {
            assert!(e.to_string().contains("locked"), "{e}");
        }
    }
}
