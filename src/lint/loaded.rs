//! What lint reads, as loaded: the writers of attributes (manifests, rules overlays,
//! fixtures), the attributes rules files read, the flows — and the two small helpers every
//! loader of them shares. Beneath both `inputs` (which loads manifests, fixtures and flows) and
//! `rules_reads` (which `inputs` calls for rules files), so neither imports the other.

use crate::diag::{SourceDiagnostic, SourceFile};
use crate::flow::Flow;
use crate::source::FileKind;
use crate::source::code::LintInputCode;
use crate::source::yaml::{self, Node};

use super::Finding;

/// Where a writer was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriterKind {
    /// An injection manifest.
    Manifest,
    /// A rules-file case's `attributes:` overlay.
    Overlay,
    /// A recorded conversation fixture.
    Fixture,
}

impl WriterKind {
    /// A noun for messages.
    pub fn noun(self) -> &'static str {
        match self {
            WriterKind::Manifest => "manifest",
            WriterKind::Overlay => "rules overlay",
            WriterKind::Fixture => "fixture",
        }
    }
}

/// One attribute key something sets.
#[derive(Debug, Clone)]
pub struct Writer {
    /// The key, exact.
    pub key: String,
    /// The values it may take; `None` when not known (a keys-only manifest entry, or a
    /// value that is not a string).
    pub values: Option<Vec<String>>,
    /// Where it comes from.
    pub kind: WriterKind,
    /// The file.
    pub file: SourceFile,
    /// Byte span of the key.
    pub span: (usize, usize),
}

/// An attribute a rules file reads: a binding (`Flow.X: attr`) or an `attribute:`
/// expectation, located at the name.
#[derive(Debug, Clone)]
pub struct RuleRead {
    /// The attribute, exact.
    pub attribute: String,
    /// What reads it, for messages: "binding `Flow.X:`" or "`attribute:`".
    pub role: String,
    /// The rules file.
    pub file: SourceFile,
    /// Byte span of the name.
    pub span: (usize, usize),
}

/// Everything loaded.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Attributes rules files read (bindings and `attribute:` expectations).
    pub rule_reads: Vec<RuleRead>,
    /// Bindings read (a lint that read no flow and no binding checked nothing).
    pub bindings: usize,
    /// The flows.
    pub flows: Vec<Flow>,
    /// Every writer, in input order.
    pub writers: Vec<Writer>,
    /// Findings about writers' content.
    pub findings: Vec<Finding>,
    /// Manifests read.
    pub manifest_count: usize,
    /// Rules files read.
    pub rules_count: usize,
    /// Warnings about inputs that are not findings: a `--var` a Terraform value beats.
    pub notes: Vec<String>,
}

pub(super) fn parse(src: &SourceFile, kind: FileKind) -> Result<Node, Box<SourceDiagnostic>> {
    yaml::parse_file(src, kind)
}

pub(super) fn load_error(
    src: &SourceFile,
    node: &Node,
    message: impl Into<String>,
) -> SourceDiagnostic {
    SourceDiagnostic::error(src, node.span, message).with_code(LintInputCode::Load)
}
