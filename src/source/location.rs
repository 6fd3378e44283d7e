//! Places in a file: the one `Location` type every layer reports, and the line index that
//! turns a byte offset into a line and column in O(log n).

use serde::Serialize;

/// A place in a file, 1-based.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Location {
    /// Path as the user gave it (relative paths stay relative).
    pub file: String,
    /// Line, 1-based.
    pub line: usize,
    /// Column, 1-based, in characters.
    pub col: usize,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.col)
    }
}

/// Where each line starts, and whether it is ASCII (then a column is a subtraction, not a
/// count of characters: a minified one-line export is located as fast as a short file).
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    starts: Vec<usize>,
    ascii: Vec<bool>,
}

impl LineIndex {
    /// Index `text` (one pass).
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut ascii = Vec::new();
        let mut line_ascii = true;
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'\n' {
                ascii.push(line_ascii);
                line_ascii = true;
                starts.push(i + 1);
            } else if b >= 0x80 {
                line_ascii = false;
            }
        }
        ascii.push(line_ascii);
        LineIndex { starts, ascii }
    }

    /// Number of lines (an empty text has one).
    pub fn lines(&self) -> usize {
        self.starts.len()
    }

    /// Byte offset where 1-based `line` starts (clamped to the last line).
    pub fn line_start(&self, line: usize) -> usize {
        self.starts[line.clamp(1, self.starts.len()) - 1]
    }

    /// 1-based line and column (in characters) of a byte offset in `text` (the text this
    /// index was built from); offsets past the end or inside a character are clamped.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let col = if self.ascii.get(line - 1).copied().unwrap_or(false) {
            offset - start
        } else {
            text.get(start..offset).map_or(0, |s| s.chars().count())
        };
        (line, col + 1)
    }

    /// Byte offset of a 1-based line and column (in characters); clamps to the text.
    pub fn offset_of(&self, text: &str, line: usize, col: usize) -> usize {
        if line == 0 || line > self.starts.len() {
            return text.len();
        }
        let start = self.starts[line - 1];
        let end = self.starts.get(line).copied().unwrap_or(text.len());
        let l = &text[start..end];
        let col = col.saturating_sub(1);
        if self.ascii[line - 1] {
            return start + col.min(l.len());
        }
        start + l.char_indices().nth(col).map_or(l.len(), |(b, _)| b)
    }
}

/// The largest char boundary at or below `i`.
pub fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_round_trip_through_lines_and_columns() {
        let text = "ab\ncé d\n\nlast";
        let idx = LineIndex::new(text);
        assert_eq!(idx.lines(), 4);
        assert_eq!(idx.line_col(text, 0), (1, 1));
        assert_eq!(idx.line_col(text, 3), (2, 1));
        let d = text.find('d').unwrap();
        assert_eq!(idx.line_col(text, d), (2, 4));
        assert_eq!(idx.offset_of(text, 2, 4), d);
        assert_eq!(idx.line_col(text, text.len()), (4, 5));
        assert_eq!(idx.line_col(text, 10_000), (4, 5));
        assert_eq!(idx.offset_of(text, 9, 1), text.len());
        // Inside `é`: clamped to its start.
        assert_eq!(idx.line_col(text, 5), (2, 2));
    }

    #[test]
    fn a_long_ascii_line_is_located_without_counting() {
        let text = "x".repeat(200_000);
        let idx = LineIndex::new(&text);
        assert_eq!(idx.line_col(&text, 150_000), (1, 150_001));
    }
}
