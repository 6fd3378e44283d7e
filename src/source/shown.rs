//! Paths as messages show them: relative to the working directory, so a note or a
//! `file:line` stays short however the path was reached (a project's absolute root, a
//! Terraform `filepath`, `routecheck test "$PWD/rules"`).

use std::path::{Component, Path};

/// `target` relative to the directory `from` (both made absolute first, lexically:
/// symlinks are not resolved, so the path shown is the one the user gave). With nothing
/// in common (another drive), the target as it is.
pub fn relative(target: &Path, from: &Path) -> String {
    // `generated.yaml`'s parent is the empty path: the working directory.
    let from = if from.as_os_str().is_empty() {
        Path::new(".")
    } else {
        from
    };
    let abs = |p: &Path| {
        std::path::absolute(p)
            .map(|a| {
                a.components()
                    .filter(|c| !matches!(c, Component::CurDir))
                    .map(|c| c.as_os_str().to_owned())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    let (t, f) = (abs(target), abs(from));
    let common = t.iter().zip(&f).take_while(|(a, b)| a == b).count();
    if common == 0 {
        return target.display().to_string();
    }
    let mut parts: Vec<String> = f[common..].iter().map(|_| "..".to_string()).collect();
    parts.extend(t[common..].iter().map(|c| c.to_string_lossy().into_owned()));
    if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    }
}

/// An absolute `path` as shown to the user: relative to the working directory when that
/// is shorter (`flows/vip.yaml`, `../flows/vip.yaml`), else as it is. A relative path is
/// already what the user typed, and is kept.
pub fn shown(path: &Path) -> String {
    if !path.is_absolute() {
        return path.display().to_string();
    }
    let rel = relative(path, Path::new("."));
    let abs = path.display().to_string();
    // The name is also how the file is opened: keep it only if it opens the same file
    // (a `..` out of a symlinked directory might not).
    let same = match (Path::new(&rel).canonicalize(), path.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        (Err(_), Err(_)) => true,
        _ => false,
    };
    if same && rel.len() < abs.len() {
        rel
    } else {
        abs
    }
}

/// The existing path nearest to a mistyped `typed`, spelled the way it was typed: each
/// component that does not exist is replaced by the closest entry of its parent (a plausible
/// typo, [`crate::diag::closest`]); directories only when `dir`, else a file may end it.
/// `None` when a component has no near entry, or when `typed` exists as asked.
pub fn nearest_existing(typed: &Path, dir: bool) -> Option<std::path::PathBuf> {
    let parts: Vec<Component> = typed.components().collect();
    let mut cur = std::path::PathBuf::new();
    for (i, c) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        let want_dir = dir || !last;
        let next = cur.join(c.as_os_str());
        let fits = |p: &Path| if want_dir { p.is_dir() } else { p.exists() };
        if !matches!(c, Component::Normal(_)) || fits(&next) {
            cur = next;
            continue;
        }
        let parent = if cur.as_os_str().is_empty() {
            Path::new(".")
        } else {
            cur.as_path()
        };
        let names: Vec<String> = std::fs::read_dir(parent)
            .ok()?
            .filter_map(|e| e.ok())
            .filter(|e| fits(&e.path()))
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        let word = c.as_os_str().to_string_lossy();
        let near = crate::diag::closest(&word, names.iter().map(String::as_str))?;
        cur = cur.join(near);
    }
    (cur != typed && if dir { cur.is_dir() } else { cur.exists() }).then_some(cur)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_absolute_path_under_the_working_directory_is_shown_relative() {
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(shown(&cwd.join("flows/vip.yaml")), "flows/vip.yaml");
        assert_eq!(shown(&cwd.join("a/../b.yaml")), "a/../b.yaml");
        assert_eq!(shown(Path::new("rules/x.yaml")), "rules/x.yaml");
        let parent = cwd.parent().unwrap().join("sibling/f.yaml");
        let name = cwd.file_name().unwrap().to_string_lossy();
        assert_eq!(shown(&parent), "../sibling/f.yaml", "{name}");
    }

    #[test]
    fn a_mistyped_directory_is_met_by_the_nearest_one() {
        let tmp = tempfile::tempdir().unwrap();
        let t = tmp.path();
        std::fs::create_dir_all(t.join("infra/modules/flows")).unwrap();
        std::fs::write(t.join("infra/main.tf"), "").unwrap();
        let near = |p: &str, dir| nearest_existing(&t.join(p), dir);
        assert_eq!(
            near("infar/modules/flow", true),
            Some(t.join("infra/modules/flows"))
        );
        assert_eq!(near("infra/mian.tf", false), Some(t.join("infra/main.tf")));
        assert_eq!(near("infra", true), None);
        assert_eq!(near("elsewhere", true), None);
    }

    #[test]
    fn far_away_paths_stay_absolute() {
        let deep = "/".to_string() + &"d/".repeat(60);
        // Not shorter as `../../..`: kept.
        assert!(shown(Path::new("/x.yaml")).len() <= "/x.yaml".len());
        assert!(relative(Path::new(&deep), Path::new("/")).starts_with('d'));
    }
}
