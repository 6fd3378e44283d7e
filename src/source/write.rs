//! The one writer for every file routecheck produces: JUnit reports and job summaries,
//! fixtures (`record`, `gen --out`), pending `.new` snapshots and `snapshot accept`,
//! `init`'s config, inject manifests. Every write is judged by [`check`] first, which
//! callers with a live side effect (`inject`, live suites) also run up front, so nothing
//! is sent before a target that would be refused is known.
//!
//! - `-` means stdout.
//! - A symlink inside the project root (the target, or any directory link on its way)
//!   that leads outside the root, or dangles, is refused, naming the link: a pull
//!   request that plants `reports/junit.xml -> ~/.bashrc` cannot make CI overwrite a file
//!   of the runner. A path outside the project is written as named (`--junit
//!   "$RUNNER_TEMP/junit.xml"`): the links that matter are the ones a repository can carry.
//! - A FIFO, a device, a socket or a directory is refused before anything is opened (an
//!   open or a write could block forever; a device is never a report).
//! - A regular file (or a new path) is replaced atomically: temporary file beside it,
//!   then a rename, so a reader never sees half a file.
//!
//! The project root is the one the read side uses for the working directory: the
//! outermost of the nearest `routecheck.yaml`'s directory and the enclosing git work tree,
//! else the working directory.

use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

use super::read::irregular;

/// Why a file could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The target exists and overwriting was not asked for.
    #[error("refusing to overwrite {}", .0.display())]
    Exists(PathBuf),
    /// The target is something that cannot hold a file's contents.
    #[error("cannot write {}: it is {what}, not a regular file", .path.display())]
    Refused {
        /// The target.
        path: PathBuf,
        /// What it is ("a directory").
        what: &'static str,
    },
    /// A symlink inside the project leads outside it, or nowhere.
    #[error("{}", link_message(.path, .link, .root, *.dangling))]
    Link {
        /// The target as named.
        path: PathBuf,
        /// The offending link, as named (a prefix of `path`, or `path` itself).
        link: PathBuf,
        /// The project root it leaves.
        root: PathBuf,
        /// It points at nothing (else: outside the root).
        dangling: bool,
    },
    /// The file system refused.
    #[error("cannot {action} {}: {source}", .path.display())]
    Io {
        /// What was being done (`write`, `replace`, ...).
        action: &'static str,
        /// The target.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
}

fn link_message(path: &Path, link: &Path, root: &Path, dangling: bool) -> String {
    let which = if link == path {
        "it".to_string()
    } else {
        link.display().to_string()
    };
    let leads = if dangling {
        "that dangles".to_string()
    } else {
        format!("leading outside the project root {}", root.display())
    };
    format!(
        "cannot write {}: {which} is a symlink {leads} (a link in the project may not take a write elsewhere; name a path outside the project to write there)",
        path.display()
    )
}

impl WriteError {
    /// The I/O error kind, for callers that speak `io::Result`.
    pub fn kind(&self) -> io::ErrorKind {
        match self {
            WriteError::Exists(_) => io::ErrorKind::AlreadyExists,
            WriteError::Refused { .. } | WriteError::Link { .. } => io::ErrorKind::InvalidInput,
            WriteError::Io { source, .. } => source.kind(),
        }
    }
}

impl From<WriteError> for io::Error {
    fn from(e: WriteError) -> Self {
        io::Error::new(e.kind(), e.to_string())
    }
}

/// `-`: the path that means stdout.
pub fn is_stdout(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// The project root writes are judged against, for the working directory (see the module
/// docs); `None` when the working directory cannot be known.
pub fn project_root() -> Option<PathBuf> {
    let cwd = std::env::current_dir().ok()?.canonicalize().ok()?;
    Some(root_above(&cwd))
}

/// The outermost of `dir`'s nearest `routecheck.yaml` directory and enclosing git work
/// tree (`.git` is a directory in a clone, a file in a worktree), else `dir`.
pub fn root_above(dir: &Path) -> PathBuf {
    let config = dir
        .ancestors()
        .find(|d| d.join("routecheck.yaml").is_file());
    let git = dir.ancestors().find(|d| d.join(".git").exists());
    // Both are ancestors of `dir`: the shorter one is the outer.
    [config, git]
        .into_iter()
        .flatten()
        .min_by_key(|d| d.components().count())
        .unwrap_or(dir)
        .to_path_buf()
}

/// Whether `path` may be written, by the rules in the module docs, without opening it.
pub fn check(path: &Path) -> Result<(), WriteError> {
    match project_root() {
        Some(root) => check_in(path, &root),
        None => check_kind(path),
    }
}

/// [`check`] against an explicit (canonical) project root.
pub fn check_in(path: &Path, root: &Path) -> Result<(), WriteError> {
    if is_stdout(path) {
        return Ok(());
    }
    check_links(path, root)?;
    check_kind(path)
}

/// What is at `path` (links followed) must be a regular file, or nothing yet.
fn check_kind(path: &Path) -> Result<(), WriteError> {
    match std::fs::metadata(path) {
        Ok(meta) => match irregular(&meta) {
            None => Ok(()),
            Some(what) => Err(WriteError::Refused {
                path: path.to_path_buf(),
                what,
            }),
        },
        Err(_) => Ok(()),
    }
}

/// Walk `path` one component at a time as the kernel would, following each link; a link
/// that lies inside `root` must resolve inside it.
fn check_links(path: &Path, root: &Path) -> Result<(), WriteError> {
    let Ok(cwd) = std::env::current_dir() else {
        return Ok(());
    };
    // `real`: where the walk is, links resolved; `named`: the same prefix as written.
    let mut real = if path.is_absolute() {
        PathBuf::new()
    } else {
        cwd
    };
    let mut named = PathBuf::new();
    let mut exists = true;
    for c in path.components() {
        named.push(c);
        match c {
            Component::CurDir => continue,
            Component::ParentDir => {
                real.pop();
                continue;
            }
            Component::Prefix(_) | Component::RootDir => {
                real.push(c);
                continue;
            }
            Component::Normal(part) => real.push(part),
        }
        if !exists {
            continue;
        }
        let Ok(meta) = std::fs::symlink_metadata(&real) else {
            // Nothing there: the rest will be created, no link on the way.
            exists = false;
            continue;
        };
        if !meta.file_type().is_symlink() {
            continue;
        }
        let inside = real.starts_with(root);
        match std::fs::canonicalize(&real) {
            Ok(to) if inside && !to.starts_with(root) => {
                return Err(link_error(path, &named, root, false));
            }
            Ok(to) => real = to,
            Err(_) if inside => return Err(link_error(path, &named, root, true)),
            // Outside the project, a dangling link is the user's own: created as named.
            Err(_) => exists = false,
        }
    }
    Ok(())
}

fn link_error(path: &Path, link: &Path, root: &Path, dangling: bool) -> WriteError {
    WriteError::Link {
        path: path.to_path_buf(),
        link: link.to_path_buf(),
        root: root.to_path_buf(),
        dangling,
    }
}

/// Where a write to `path` lands: the final target of a chain of symlinks (which may not
/// exist yet, for a dangling link outside the project), so the link is kept and what it
/// points to is written.
fn resolve(path: &Path) -> PathBuf {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => match std::fs::read_link(&p) {
                Ok(target) => {
                    p = match p.parent() {
                        Some(dir) if target.is_relative() => dir.join(target),
                        _ => target,
                    };
                }
                Err(_) => return p,
            },
            _ => return p,
        }
    }
    p
}

/// Write `bytes` to `path` as described in the module docs. Without `overwrite`, an
/// existing target is an error ([`WriteError::Exists`]), checked atomically.
pub fn write_atomic(path: &Path, bytes: &[u8], overwrite: bool) -> Result<(), WriteError> {
    check(path)?;
    write_checked(path, bytes, overwrite)
}

/// A report or generated file (`--junit`, `--summary FILE`, `gen --out`): its missing
/// directories are created after the path was checked (creating them first would follow
/// a planted link).
pub fn write_report(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    check(path)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && !is_stdout(path)
    {
        std::fs::create_dir_all(dir).map_err(|source| WriteError::Io {
            action: "create the directory of",
            path: path.to_path_buf(),
            source,
        })?;
    }
    write_checked(path, bytes, true)
}

/// Append to `path` (`$GITHUB_STEP_SUMMARY`), after the same [`check`].
pub fn append(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    check(path)?;
    let io_err = |source| WriteError::Io {
        action: "append to",
        path: path.to_path_buf(),
        source,
    };
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(io_err)?;
    f.write_all(bytes).map_err(io_err)
}

fn write_checked(path: &Path, bytes: &[u8], overwrite: bool) -> Result<(), WriteError> {
    let io_err = |action: &'static str, source: io::Error| WriteError::Io {
        action,
        path: path.to_path_buf(),
        source,
    };
    if is_stdout(path) {
        let mut out = io::stdout().lock();
        return out
            .write_all(bytes)
            .and_then(|()| out.flush())
            .map_err(|e| io_err("write", e));
    }
    let target = match std::fs::metadata(path) {
        Ok(_) if !overwrite => return Err(WriteError::Exists(path.to_path_buf())),
        // A regular file ([`check`] refused anything else): replace what the links name.
        Ok(_) => std::fs::canonicalize(path).unwrap_or_else(|_| resolve(path)),
        // Nothing there yet, or a dangling link outside the project: create what it names.
        Err(_) => resolve(path),
    };
    replace(&target, bytes, overwrite).map_err(|(action, e)| match e.kind() {
        io::ErrorKind::AlreadyExists if !overwrite => WriteError::Exists(path.to_path_buf()),
        _ => io_err(action, e),
    })
}

/// Temporary file beside `target`, then rename (or hard link without `overwrite`, which
/// fails if the target appeared meanwhile).
fn replace(target: &Path, bytes: &[u8], overwrite: bool) -> Result<(), (&'static str, io::Error)> {
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or((
            "write",
            io::Error::new(io::ErrorKind::InvalidInput, "the path has no file name"),
        ))?;
    let (tmp, mut f) = temporary(dir, &name).map_err(|e| ("create a temporary file for", e))?;
    let cleanup = |action: &'static str, e: io::Error| {
        let _ = std::fs::remove_file(&tmp);
        (action, e)
    };
    f.write_all(bytes).map_err(|e| cleanup("write", e))?;
    f.sync_all().map_err(|e| cleanup("write", e))?;
    drop(f);
    if overwrite {
        return std::fs::rename(&tmp, target).map_err(|e| cleanup("replace", e));
    }
    let linked = std::fs::hard_link(&tmp, target);
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => Ok(()),
        // File systems without hard links: fall back to a plain create when nothing is there.
        Err(e) if e.kind() != io::ErrorKind::AlreadyExists && !target.exists() => {
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(target)
                .and_then(|mut f| f.write_all(bytes))
                .map_err(|e| ("write", e))
        }
        Err(e) => Err(("write", e)),
    }
}

/// A new temporary file beside the target, created exclusively: a name already taken
/// (also by a planted symlink, which `create_new` never follows) is skipped, never opened.
fn temporary(dir: &Path, name: &str) -> io::Result<(PathBuf, std::fs::File)> {
    let mut last = None;
    for n in 0..64u32 {
        let tmp = dir.join(format!(".{name}.tmp-{}-{n}", std::process::id()));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::other("no free temporary name")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_regular_files_and_refuses_without_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.xml");
        write_atomic(&p, b"1", true).unwrap();
        write_atomic(&p, b"2", true).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "2");
        assert!(matches!(
            write_atomic(&p, b"3", false),
            Err(WriteError::Exists(_))
        ));
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary file left behind");
    }

    #[test]
    fn the_root_is_the_outermost_of_config_and_git() {
        let dir = tempfile::tempdir().unwrap();
        let top = dir.path().canonicalize().unwrap();
        let sub = top.join("a/b");
        std::fs::create_dir_all(&sub).unwrap();
        assert_eq!(root_above(&sub), sub);
        std::fs::write(top.join("a/routecheck.yaml"), "").unwrap();
        assert_eq!(root_above(&sub), top.join("a"));
        std::fs::create_dir(top.join(".git")).unwrap();
        assert_eq!(root_above(&sub), top);
    }

    #[cfg(unix)]
    fn link(target: impl AsRef<Path>, at: &Path) {
        std::os::unix::fs::symlink(target, at).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn links_inside_the_project_must_stay_inside_it() {
        let dir = tempfile::tempdir().unwrap();
        let top = dir.path().canonicalize().unwrap();
        let root = top.join("project");
        std::fs::create_dir_all(root.join("reports")).unwrap();
        std::fs::write(top.join("bashrc"), "mine").unwrap();
        // Inside to inside: fine, the link is kept and its target written.
        link("reports/real.xml", &root.join("ok.xml"));
        std::fs::write(root.join("reports/real.xml"), "old").unwrap();
        check_in(&root.join("ok.xml"), &root).unwrap();
        // The target itself leads out.
        link(top.join("bashrc"), &root.join("reports/junit.xml"));
        let e = check_in(&root.join("reports/junit.xml"), &root).unwrap_err();
        assert!(
            matches!(&e, WriteError::Link { dangling: false, link, .. } if link.ends_with("reports/junit.xml")),
            "{e}"
        );
        assert!(
            e.to_string().contains("leading outside the project root"),
            "{e}"
        );
        // A directory link on the way leads out: named, not the file.
        std::fs::create_dir(top.join("elsewhere")).unwrap();
        link(top.join("elsewhere"), &root.join("out"));
        let e = check_in(&root.join("out/new/junit.xml"), &root).unwrap_err();
        assert!(
            matches!(&e, WriteError::Link { link, .. } if link.ends_with("project/out")),
            "{e}"
        );
        // Dangling, and a `..` that climbs back through a link: still judged where it lands.
        link("nowhere.xml", &root.join("d.xml"));
        let e = check_in(&root.join("d.xml"), &root).unwrap_err();
        assert!(e.to_string().contains("dangles"), "{e}");
        link(top.join("elsewhere"), &root.join("reports/up"));
        assert!(check_in(&root.join("reports/up/../x.xml"), &root).is_err());
        // Outside the project, as named: its links are the user's.
        link(top.join("bashrc"), &top.join("named.xml"));
        check_in(&top.join("named.xml"), &root).unwrap();
        link(top.join("gone"), &top.join("dangling.xml"));
        check_in(&top.join("dangling.xml"), &root).unwrap();
        // Nothing was written anywhere by a refusal.
        assert_eq!(std::fs::read_to_string(top.join("bashrc")).unwrap(), "mine");
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_is_kept_and_its_target_written() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.xml");
        std::fs::write(&real, "old").unwrap();
        let l = dir.path().join("link.xml");
        link("real.xml", &l);
        write_atomic(&l, b"new", true).unwrap();
        assert!(
            std::fs::symlink_metadata(&l)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
    }

    #[cfg(unix)]
    #[test]
    fn fifos_devices_and_directories_are_refused_without_opening_them() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.xml");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            // Opening it would block this test forever: the refusal comes first.
            for r in [
                write_atomic(&fifo, b"x", true),
                write_report(&fifo, b"x"),
                append(&fifo, b"x"),
            ] {
                let e = r.unwrap_err();
                assert!(e.to_string().contains("a named pipe (FIFO)"), "{e}");
            }
        }
        let e = write_atomic(Path::new("/dev/null"), b"x", true).unwrap_err();
        assert!(e.to_string().contains("it is a device"), "{e}");
        let e = write_atomic(dir.path(), b"x", true).unwrap_err();
        assert!(e.to_string().contains("a directory"), "{e}");
    }

    #[test]
    fn a_taken_temporary_name_is_skipped_never_opened() {
        let dir = tempfile::tempdir().unwrap();
        let taken = dir
            .path()
            .join(format!(".a.xml.tmp-{}-0", std::process::id()));
        #[cfg(unix)]
        link(dir.path().join("victim"), &taken);
        #[cfg(not(unix))]
        std::fs::write(&taken, "").unwrap();
        write_atomic(&dir.path().join("a.xml"), b"1", true).unwrap();
        assert!(!dir.path().join("victim").exists());
        assert_eq!(
            std::fs::read_to_string(dir.path().join("a.xml")).unwrap(),
            "1"
        );
    }
}
