//! A source file's name and text, with its line index built once on first use.

use std::sync::{Arc, OnceLock};

use super::location::{LineIndex, Location};

/// A source file's name and text, shared cheaply between the diagnostics that point into it.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Display name (a path as the user gave it, or `<expr>`).
    pub name: Arc<str>,
    /// Full text.
    pub text: Arc<str>,
    /// Built on the first lookup and shared by every clone: locating each executed action
    /// of a large flow is a binary search, not a scan from the start of the file.
    lines: Arc<OnceLock<LineIndex>>,
}

impl SourceFile {
    /// A named source.
    pub fn new(name: impl Into<Arc<str>>, text: impl Into<Arc<str>>) -> Self {
        SourceFile {
            name: name.into(),
            text: text.into(),
            lines: Arc::default(),
        }
    }

    /// A stand-in for a problem that is about no file (the environment, the command
    /// line): named `<what>`, with no text, and rendered without a snippet.
    pub fn unlocated(what: &str) -> Self {
        Self::new(format!("<{what}>"), "")
    }

    /// A command-line argument shown as its own one-line source (a caret under the bad
    /// part), named `<command line>`: not a file, so no annotation points at one.
    pub fn command_line(arg: &str) -> Self {
        Self::new("<command line>", arg)
    }

    /// A real file (not `<expr>`, `<command line>` or an [`SourceFile::unlocated`] stand-in).
    pub fn is_file(&self) -> bool {
        !self.name.starts_with('<')
    }

    /// True for [`SourceFile::unlocated`].
    pub fn is_unlocated(&self) -> bool {
        self.text.is_empty() && self.name.starts_with('<')
    }

    /// The file's line index.
    pub fn lines(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(&self.text))
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        self.lines().line_col(&self.text, offset)
    }

    /// Byte offset of a 1-based line and column (in characters); clamps to the text.
    pub fn offset_of(&self, line: usize, col: usize) -> usize {
        self.lines().offset_of(&self.text, line, col)
    }

    /// The [`Location`] of a byte offset.
    pub fn location(&self, offset: usize) -> Location {
        let (line, col) = self.line_col(offset);
        Location {
            file: self.name.to_string(),
            line,
            col,
        }
    }
}
