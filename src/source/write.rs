//! The one writer for every file routecheck produces: JUnit and lint reports, fixtures,
//! pending `.new` snapshots, inject manifests.
//!
//! - A regular file (or a new path) is replaced atomically: temporary file beside it,
//!   then a rename, so a reader never sees half a file.
//! - A symlink is followed and its target written; the link itself is never replaced.
//! - A FIFO or character device (`--junit /dev/stdout`, `/dev/null`) is written through.
//! - A directory, block device or socket is refused with a clear message.
//! - `-` means stdout.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::read::irregular;

/// Why a file could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The target exists and overwriting was not asked for.
    #[error("refusing to overwrite {}", .0.display())]
    Exists(PathBuf),
    /// The target is something that cannot hold a file's contents.
    #[error("cannot write {}: it is {what}", .path.display())]
    Refused {
        /// The target.
        path: PathBuf,
        /// What it is ("a directory").
        what: &'static str,
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

impl WriteError {
    /// The I/O error kind, for callers that speak `io::Result`.
    pub fn kind(&self) -> io::ErrorKind {
        match self {
            WriteError::Exists(_) => io::ErrorKind::AlreadyExists,
            WriteError::Refused { .. } => io::ErrorKind::InvalidInput,
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

/// Where a write to `path` lands: the final target of a chain of symlinks (which may not
/// exist yet), so the link is kept and what it points to is written.
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
    // The kernel follows the links (including /proc's magic ones such as /dev/stdout).
    let target = match std::fs::metadata(path) {
        Ok(meta) => {
            if !overwrite {
                return Err(WriteError::Exists(path.to_path_buf()));
            }
            match irregular(&meta) {
                None => std::fs::canonicalize(path).unwrap_or_else(|_| resolve(path)),
                Some(_) if writes_through(&meta) => {
                    return write_through(path, bytes).map_err(|e| io_err("write", e));
                }
                Some(what) => {
                    return Err(WriteError::Refused {
                        path: path.to_path_buf(),
                        what,
                    });
                }
            }
        }
        // Nothing there yet, or a dangling link: create what the link names.
        Err(_) => resolve(path),
    };
    replace(&target, bytes, overwrite).map_err(|(action, e)| match e.kind() {
        io::ErrorKind::AlreadyExists if !overwrite => WriteError::Exists(path.to_path_buf()),
        _ => io_err(action, e),
    })
}

/// FIFOs and character devices take a stream; block devices are never written.
fn writes_through(meta: &std::fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        t.is_fifo() || t.is_char_device()
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        false
    }
}

fn write_through(target: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut f = std::fs::OpenOptions::new().write(true).open(target)?;
    f.write_all(bytes)?;
    f.flush()
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
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let cleanup = |action: &'static str, e: io::Error| {
        let _ = std::fs::remove_file(&tmp);
        (action, e)
    };
    {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .or_else(|_| std::fs::File::create(&tmp))
            .map_err(|e| cleanup("create a temporary file for", e))?;
        f.write_all(bytes).map_err(|e| cleanup("write", e))?;
        f.sync_all().map_err(|e| cleanup("write", e))?;
    }
    if overwrite {
        return std::fs::rename(&tmp, target).map_err(|e| cleanup("replace", e));
    }
    let linked = std::fs::hard_link(&tmp, target);
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => Ok(()),
        // File systems without hard links: fall back to a rename when nothing is there.
        Err(e) if e.kind() != io::ErrorKind::AlreadyExists && !target.exists() => {
            std::fs::write(target, bytes).map_err(|e| ("write", e))
        }
        Err(e) => Err(("write", e)),
    }
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

    #[cfg(unix)]
    #[test]
    fn a_symlink_is_kept_and_its_target_written() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.xml");
        std::fs::write(&real, "old").unwrap();
        let link = dir.path().join("link.xml");
        std::os::unix::fs::symlink("real.xml", &link).unwrap();
        write_atomic(&link, b"new", true).unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
        // A dangling link: its target is created.
        let dangling = dir.path().join("d.xml");
        std::os::unix::fs::symlink("made.xml", &dangling).unwrap();
        write_atomic(&dangling, b"x", true).unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join("made.xml")).unwrap(),
            "x"
        );
    }

    #[cfg(unix)]
    #[test]
    fn devices_are_written_through_and_directories_refused() {
        write_atomic(Path::new("/dev/null"), b"x", true).unwrap();
        assert!(
            std::fs::metadata("/dev/null")
                .unwrap()
                .file_type()
                .is_file()
                .eq(&false)
        );
        let dir = tempfile::tempdir().unwrap();
        let e = write_atomic(dir.path(), b"x", true).unwrap_err();
        assert!(e.to_string().contains("a directory"), "{e}");
    }
}
