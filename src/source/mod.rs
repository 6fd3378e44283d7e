//! The one source layer: every input file is read, located, parsed and every output file
//! written and every diagnostic rendered through here, so a FIFO, a long line, a duplicate
//! key or a closed stdout behaves the same for every file kind and command.
//!
//! - [`read`]: regular files only, one size limit, one UTF-8 check, one wording.
//! - [`location`]: the one [`Location`] type and the line index behind it.
//! - [`yaml`]: one located YAML tree built from the parser's events, with budgets.
//! - [`json`]: JSON documents with duplicate keys and depth checked the same everywhere.
//! - [`mapping`]: reading a mapping against known keys, with "did you mean".
//! - [`diag`]: located diagnostics, the one shape of every located error (`crate::diag`).
//! - [`code`]: the typed diagnostic codes of each file kind.
//! - [`write`]: the one atomic writer (reports, fixtures, `.new` files, manifests).
//! - [`render`]: diagnostics and stdout/stderr that never panic.
//! - [`shown`]: paths as messages show them (relative to the working directory).
//! - [`walk`]: the one directory walk (order, hidden, excludes, symlinks, FIFOs).
//!
//! What each file kind accepts and refuses is listed in `docs/hardening.md`.

pub mod code;
pub mod diag;
mod file;
pub mod json;
pub mod location;
pub mod mapping;
pub mod read;
pub mod render;
pub mod shown;
pub mod walk;
pub mod write;
pub mod yaml;

pub use file::SourceFile;
pub use location::{LineIndex, Location};
pub use read::{MAX_FILE_BYTES, ReadError, read_source, read_text};

/// The kinds of file routecheck reads; each has its own noun and diagnostic codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A rules file (`rules/*.yaml`).
    Rules,
    /// An Archy-exported flow.
    Flow,
    /// A conversation fixture (JSON).
    Fixture,
    /// A lint manifest (attributes a script injects).
    Manifest,
    /// `.routecheck-lint.yaml`.
    LintConfig,
    /// `.routecheck-snapshot.yaml`.
    SnapshotConfig,
    /// A `trace --stubs` file.
    Stubs,
    /// `routecheck.yaml`, the project config.
    Project,
    /// The org's NLU answers recorded beside the fixtures (`test --nlu-record`).
    NluAnswers,
}

/// What went wrong with a file, independent of its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// It could not be read (missing, not a regular file, too large, not UTF-8).
    Read,
    /// It is not valid YAML (syntax, duplicate key, tag, budget).
    Yaml,
    /// It is not valid JSON (syntax, duplicate key, depth).
    Json,
    /// It is empty.
    Empty,
    /// A key the format does not know.
    UnknownKey,
    /// A required key is missing.
    MissingKey,
    /// A value of the wrong type.
    WrongType,
}

impl FileKind {
    /// How messages name the file: "the {noun}".
    pub fn noun(self) -> &'static str {
        match self {
            FileKind::Rules => "rules file",
            FileKind::Flow => "flow file",
            FileKind::Fixture => "fixture",
            FileKind::Manifest => "manifest",
            FileKind::LintConfig => "lint config",
            FileKind::SnapshotConfig => "snapshot config",
            FileKind::Stubs => "stubs file",
            FileKind::Project => "project config",
            FileKind::NluAnswers => "NLU answers file",
        }
    }

    /// The stable diagnostic code for a problem with a file of this kind, e.g.
    /// `routecheck::flow::yaml`.
    pub fn code(self, problem: Problem) -> &'static str {
        use FileKind as F;
        use Problem as P;
        use code::*;
        match (self, problem) {
            (F::Rules, p) => RulesCode::from(p).as_str(),
            (F::Flow, P::Read) => FlowFileCode::Io.as_str(),
            (F::Flow, P::Yaml | P::Json | P::Empty) => FlowFileCode::Yaml.as_str(),
            (F::Flow, _) => FlowFileCode::Structure.as_str(),
            (F::Fixture, P::Read) => FixtureCode::Read.as_str(),
            (F::Fixture, _) => FixtureCode::Json.as_str(),
            (F::Manifest, P::Read) => LintInputCode::Io.as_str(),
            (F::Manifest, _) => LintInputCode::Load.as_str(),
            (F::LintConfig, _) => LintInputCode::Config.as_str(),
            (F::SnapshotConfig, P::Read) => SnapshotConfigCode::Io.as_str(),
            (F::SnapshotConfig, _) => SnapshotConfigCode::Config.as_str(),
            (F::Stubs, P::Read) => StubsCode::Read.as_str(),
            (F::Stubs, _) => StubsCode::Stubs.as_str(),
            (F::Project, P::Read) => ProjectCode::Read.as_str(),
            (F::Project, _) => ProjectCode::Config.as_str(),
            (F::NluAnswers, P::Read) => NluCode::Read.as_str(),
            (F::NluAnswers, _) => NluCode::Answers.as_str(),
        }
    }
}

#[cfg(test)]
mod tests {
    /// docs/hardening.md states these limits; it must say what the code decides.
    #[test]
    fn the_hardening_doc_states_the_limits_the_code_uses() {
        let doc =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/hardening.md"))
                .unwrap();
        let limits = super::yaml::Limits::for_len(0);
        let big = super::yaml::Limits::for_len(usize::MAX);
        for fact in [
            super::MAX_FILE_BYTES.to_string(),
            format!("nesting deeper than {}", super::json::MAX_DEPTH),
            format!("between {} and {}", limits.max_depth, big.max_depth),
            format!("more than {} anchors", fmt_thousands(limits.max_anchors)),
            format!("{} aliases", fmt_thousands(limits.max_aliases)),
            format!("max({}", fmt_thousands(limits.max_nodes)),
        ] {
            assert!(
                doc.contains(&fact),
                "docs/hardening.md does not say `{fact}`"
            );
        }
        for kind in [
            super::FileKind::Rules,
            super::FileKind::Flow,
            super::FileKind::Manifest,
            super::FileKind::Stubs,
        ] {
            assert!(doc.contains(kind.code(super::Problem::Yaml)) || doc.contains(kind.noun()));
        }
        for code in super::code::all() {
            assert!(
                doc.contains(&format!("`{code}`")),
                "docs/hardening.md does not list `{code}`"
            );
        }
    }

    fn fmt_thousands(n: usize) -> String {
        let s = n.to_string();
        let mut out = String::new();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        out
    }
}
