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
    fn far_away_paths_stay_absolute() {
        let deep = "/".to_string() + &"d/".repeat(60);
        // Not shorter as `../../..`: kept.
        assert!(shown(Path::new("/x.yaml")).len() <= "/x.yaml".len());
        assert!(relative(Path::new(&deep), Path::new("/")).starts_with('d'));
    }
}
