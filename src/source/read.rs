//! Reading input files: regular files only, one size limit, one UTF-8 check, one wording.
//!
//! A FIFO, a device or a directory is refused before it is opened (opening a FIFO for
//! reading blocks until a writer appears, which hung `trace`, `lint` and `snapshot check`).

use std::fs::{File, Metadata};
use std::io::{self, Read};
use std::path::Path;

use super::{FileKind, Problem, SourceFile};
use crate::diag::SourceDiagnostic;

/// The largest file any loader reads (rules, flows, fixtures, manifests, configs).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Why a file could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// The path names something that is not a regular file.
    NotRegular(&'static str),
    /// Larger than [`MAX_FILE_BYTES`].
    TooLarge,
    /// Not UTF-8; the text up to the first bad byte, to say where it is.
    NotUtf8 {
        /// The valid prefix.
        valid: String,
    },
    /// The operating system's error (missing, permission denied, …).
    Io(io::Error),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::NotRegular(what) => write!(f, "it is {what}, not a regular file"),
            ReadError::TooLarge => write!(f, "it is larger than {MAX_FILE_BYTES} bytes"),
            ReadError::NotUtf8 { valid } => {
                let (line, col) = super::LineIndex::new(valid).line_col(valid, valid.len());
                write!(
                    f,
                    "it is not UTF-8 text (the first bad byte is at line {line}, column {col})"
                )
            }
            ReadError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl ReadError {
    /// The one located message for a file of `kind` named `display` that could not be
    /// read: `cannot read the flow file: it is a named pipe (FIFO), not a regular file`.
    pub fn diagnostic(&self, kind: FileKind, display: &str) -> SourceDiagnostic {
        // The file as a whole is refused: the location is its start, the message says
        // where a bad byte is.
        let d = SourceDiagnostic::error(
            &SourceFile::new(display, ""),
            (0, 0),
            format!("cannot read the {}: {self}", kind.noun()),
        )
        .with_code(kind.code(Problem::Read));
        match self {
            ReadError::Io(e) if e.kind() == io::ErrorKind::NotFound => match near(display) {
                Some(n) => d.with_help(format!("did you mean {n}?")),
                None => d,
            },
            _ => d,
        }
    }
}

/// A file beside a path that does not exist whose name is a plausible typo of it
/// (`web-messaging-triage-bot.yml` for `.yaml`), as the path would be written. Also used
/// where a command line names a missing path (test, lint).
pub fn near(display: &str) -> Option<String> {
    let path = Path::new(display);
    let name = path.file_name()?.to_string_lossy();
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
    let entries = std::fs::read_dir(parent.unwrap_or(Path::new("."))).ok()?;
    let names: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    let n = crate::diag::closest(&name, names.iter().map(String::as_str))?;
    Some(match parent {
        Some(p) => p.join(n).display().to_string(),
        None => n.to_owned(),
    })
}

/// What a non-regular file is, for messages; `None` for a regular file.
pub fn irregular(meta: &Metadata) -> Option<&'static str> {
    let t = meta.file_type();
    if t.is_file() {
        return None;
    }
    if t.is_dir() {
        return Some("a directory");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("a named pipe (FIFO)");
        }
        if t.is_char_device() || t.is_block_device() {
            return Some("a device");
        }
        if t.is_socket() {
            return Some("a socket");
        }
    }
    Some("not a regular file")
}

/// Read a regular file (symlinks followed) as UTF-8 text.
pub fn read_text(path: &Path) -> Result<String, ReadError> {
    let meta = std::fs::metadata(path).map_err(ReadError::Io)?;
    if let Some(what) = irregular(&meta) {
        return Err(ReadError::NotRegular(what));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge);
    }
    let file = File::open(path).map_err(ReadError::Io)?;
    // The path may have been swapped between the check and the open.
    if let Some(what) = irregular(&file.metadata().map_err(ReadError::Io)?) {
        return Err(ReadError::NotRegular(what));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge);
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let mut bytes = e.into_bytes();
        bytes.truncate(at);
        ReadError::NotUtf8 {
            valid: String::from_utf8(bytes).unwrap_or_default(),
        }
    })
}

/// Read a file of `kind` into a [`SourceFile`] named `display`, or the located error.
pub fn read_source(
    path: &Path,
    display: &str,
    kind: FileKind,
) -> Result<SourceFile, Box<SourceDiagnostic>> {
    read_text(path)
        .map(|t| SourceFile::new(display, t))
        .map_err(|e| Box::new(e.diagnostic(kind, display)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_are_read_and_others_refused_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.yaml");
        std::fs::write(&f, "a: 1\n").unwrap();
        assert_eq!(read_text(&f).unwrap(), "a: 1\n");
        let e = read_text(dir.path()).unwrap_err();
        assert!(e.to_string().contains("a directory"), "{e}");
        #[cfg(unix)]
        {
            let fifo = dir.path().join("p.json");
            let ok = std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .is_ok_and(|s| s.success());
            if ok {
                let e = read_text(&fifo).unwrap_err();
                assert!(e.to_string().contains("FIFO"), "{e}");
            }
            let e = read_text(Path::new("/dev/null")).unwrap_err();
            assert!(e.to_string().contains("device"), "{e}");
        }
        let e = read_text(&dir.path().join("missing")).unwrap_err();
        assert!(e.to_string().contains("No such file"), "{e}");
    }

    #[test]
    fn bad_utf8_points_at_the_first_bad_byte() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.yaml");
        std::fs::write(&f, b"ok: 1\nb: \xff\n").unwrap();
        let d = read_source(&f, "a.yaml", FileKind::Rules).unwrap_err();
        assert_eq!(d.location(), "a.yaml:1:1");
        assert!(d.message.contains("not UTF-8"), "{}", d.message);
        assert!(d.message.contains("line 2, column 4"), "{}", d.message);
    }
}
