//! `routecheck lint`: catch the mismatch between the participant attributes scripts
//! inject and the ones flows read, statically, before a conversation misroutes.
//!
//! [`inputs`] loads flows, injection manifests and rules files (overlays and fixtures)
//! into writers and readers; [`checks`] compares them and walks the flows' expressions.
//! Every finding is a located [`SourceDiagnostic`] with a stable code.

pub mod checks;
pub mod config;
pub mod inputs;
pub mod literals;
pub mod loaded;
pub mod queues;
pub mod race;
pub mod rules_reads;
pub mod terraform;
pub mod unreachable;

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::diag::{Severity, SourceDiagnostic};

/// What to lint.
#[derive(Debug, Clone, Default)]
pub struct LintInputs {
    /// Flow files or directories (`*.yaml`, `*.yml`).
    pub flows: Vec<PathBuf>,
    /// Rules files or directories.
    pub rules: Vec<PathBuf>,
    /// Manifest files or directories (`*.yaml`, `*.yml`, `*.json`).
    pub manifests: Vec<PathBuf>,
    /// `{{placeholder}}` values for the flows.
    pub vars: BTreeMap<String, String>,
    /// Web Messaging budget in UTF-8 bytes of keys plus values.
    pub max_bytes: usize,
    /// Directories the walk does not enter (canonical; routecheck.yaml's `exclude:`).
    pub excludes: Vec<PathBuf>,
    /// The deploy's Terraform: flows its resources deploy get their substitutions, and
    /// `tf:ADDRESS` names one (crate::lint::terraform).
    pub terraform: Option<std::sync::Arc<crate::terraform::Config>>,
}

/// The stable finding codes. Their spelling is part of the interface (JSON, GitHub
/// annotation titles, `routecheck::lint::<code>`): never rename one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    /// A flow reads an attribute nothing sets.
    UnsetAttribute,
    /// Writer and reader keys differ only in case.
    CaseMismatch,
    /// Writer and reader keys differ by a `custom.`/`system.`/`context.` prefix.
    PrefixMismatch,
    /// A condition compares an attribute with a string no writer produces.
    UnknownLiteral,
    /// An attribute is injected but no flow reads it.
    UnreadAttribute,
    /// A manifest or overlay gives a non-string value.
    NonStringValue,
    /// Keys plus values exceed the Web Messaging budget.
    PayloadTooLarge,
    /// Arithmetic, ordering or a numeric conversion on an optional attribute.
    NotSetArithmetic,
    /// A decision outcome or switch case no input can select.
    UnreachableBranch,
    /// Get Participant Data reads an attribute the flow set earlier (applied
    /// asynchronously by Genesys: the read may see the old value).
    ParticipantDataRace,
    /// A Transfer to ACD names a queue the deploy does not create (`--terraform`).
    UnknownQueue,
}

impl Code {
    /// Every code, for documentation and tests.
    pub const ALL: [Code; 11] = [
        Code::UnsetAttribute,
        Code::CaseMismatch,
        Code::PrefixMismatch,
        Code::UnknownLiteral,
        Code::UnreadAttribute,
        Code::NonStringValue,
        Code::PayloadTooLarge,
        Code::NotSetArithmetic,
        Code::UnreachableBranch,
        Code::ParticipantDataRace,
        Code::UnknownQueue,
    ];

    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::UnsetAttribute => "unset-attribute",
            Code::CaseMismatch => "case-mismatch",
            Code::PrefixMismatch => "prefix-mismatch",
            Code::UnknownLiteral => "unknown-literal",
            Code::UnreadAttribute => "unread-attribute",
            Code::NonStringValue => "non-string-value",
            Code::PayloadTooLarge => "payload-too-large",
            Code::NotSetArithmetic => "not-set-arithmetic",
            Code::UnreachableBranch => "unreachable-branch",
            Code::ParticipantDataRace => "participant-data-race",
            Code::UnknownQueue => "unknown-queue",
        }
    }

    /// How serious a finding of this code is.
    pub fn severity(self) -> Severity {
        match self {
            Code::UnsetAttribute
            | Code::CaseMismatch
            | Code::PrefixMismatch
            | Code::NonStringValue => Severity::Error,
            Code::UnknownLiteral
            | Code::PayloadTooLarge
            | Code::NotSetArithmetic
            | Code::UnreachableBranch
            | Code::ParticipantDataRace
            | Code::UnknownQueue => Severity::Warning,
            Code::UnreadAttribute => Severity::Info,
        }
    }
}

/// One finding: a code and the located diagnostic that explains it.
#[derive(Debug, Clone)]
pub struct Finding {
    /// Stable code.
    pub code: Code,
    /// Message, severity, place and help (code `routecheck::lint::<code>`).
    pub diagnostic: SourceDiagnostic,
}

impl Finding {
    /// A finding of `code` at `span` of `file`, with the code's severity.
    pub fn new(
        code: Code,
        file: &crate::diag::SourceFile,
        span: (usize, usize),
        message: impl Into<String>,
    ) -> Finding {
        let mut diagnostic = SourceDiagnostic::error(file, span, message)
            .with_code(format!("routecheck::lint::{}", code.as_str()));
        diagnostic.severity = code.severity();
        Finding { code, diagnostic }
    }

    /// Set the help line.
    pub fn help(mut self, help: impl Into<String>) -> Finding {
        self.diagnostic.help = Some(help.into());
        self
    }

    /// Set the caret label.
    pub fn label(mut self, label: impl Into<String>) -> Finding {
        self.diagnostic.label = Some(label.into());
        self
    }

    /// Its severity.
    pub fn severity(&self) -> Severity {
        self.diagnostic.severity
    }

    /// 1-based line and column of its start.
    pub fn line_col(&self) -> (usize, usize) {
        self.diagnostic.file.line_col(self.diagnostic.span.0)
    }
}

/// The result of a lint run.
#[derive(Debug, Default)]
pub struct LintReport {
    /// Findings, sorted by file, position and code.
    pub findings: Vec<Finding>,
    /// How many flows, manifests and rules files were read.
    pub flows: usize,
    /// Manifests read.
    pub manifests: usize,
    /// Rules files read.
    pub rules: usize,
    /// Rules-file bindings read.
    pub bindings: usize,
    /// Warnings about the inputs that are not findings (a `--var` a Terraform value
    /// beats), printed on stderr.
    pub notes: Vec<String>,
}

/// Load everything and run every check. Any input that cannot be loaded (a bad flow,
/// manifest, rules file or fixture) fails the whole run with located errors: a partial
/// lint would look like a pass.
pub fn lint(inputs: &LintInputs) -> Result<LintReport, Vec<SourceDiagnostic>> {
    let loaded = inputs::load(inputs)?;
    let mut findings = loaded.findings.clone();
    findings.extend(checks::run(&loaded));
    findings.extend(loaded.flows.iter().flat_map(unreachable::findings));
    findings.extend(loaded.flows.iter().flat_map(race::findings));
    if let Some(tf) = &inputs.terraform {
        let deploy = crate::terraform::deploy::read(tf);
        findings.extend(
            loaded
                .flows
                .iter()
                .flat_map(|f| queues::findings(f, &deploy)),
        );
    }
    findings.sort_by(|a, b| {
        let (fa, fb) = (&a.diagnostic.file.name, &b.diagnostic.file.name);
        (fa, a.diagnostic.span, a.code).cmp(&(fb, b.diagnostic.span, b.code))
    });
    findings.dedup_by(|a, b| {
        a.code == b.code
            && a.diagnostic.file.name == b.diagnostic.file.name
            && a.diagnostic.span == b.diagnostic.span
            && a.diagnostic.message == b.diagnostic.message
    });
    Ok(LintReport {
        findings,
        flows: loaded.flows.len(),
        manifests: loaded.manifest_count,
        rules: loaded.rules_count,
        bindings: loaded.bindings,
        notes: loaded.notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable_and_distinct() {
        let names: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(
            names,
            [
                "unset-attribute",
                "case-mismatch",
                "prefix-mismatch",
                "unknown-literal",
                "unread-attribute",
                "non-string-value",
                "payload-too-large",
                "not-set-arithmetic",
                "unreachable-branch",
                "participant-data-race",
                "unknown-queue"
            ]
        );
        assert_eq!(Code::UnreadAttribute.severity(), Severity::Info);
        assert_eq!(Code::UnknownLiteral.severity(), Severity::Warning);
        assert_eq!(Code::UnsetAttribute.severity(), Severity::Error);
    }

    #[test]
    fn findings_carry_the_namespaced_code() {
        let f = Finding::new(
            Code::CaseMismatch,
            &crate::diag::SourceFile::new("f", "abc"),
            (1, 2),
            "m",
        );
        assert_eq!(
            f.diagnostic.code.as_deref(),
            Some("routecheck::lint::case-mismatch")
        );
        assert_eq!(f.severity(), Severity::Error);
        assert_eq!(f.line_col(), (1, 2));
    }
}
