//! Typed diagnostic codes, one closed set per file kind: a loader names a variant, never
//! a string, so a code cannot be misspelt and `docs/hardening.md` can list every one.
//! The generic problems every kind shares ([`Problem`]) map onto each set in
//! [`FileKind::code`](super::FileKind::code).

use super::Problem;

/// One enum of codes rendered `routecheck::{area}::{name}`, with `ALL` for docs and tests
/// and `From<_> for String` so `SourceDiagnostic::with_code(Code::X)` reads naturally.
macro_rules! codes {
    ($(#[$m:meta])* $name:ident, $area:literal {
        $($(#[$vm:meta])* $v:ident => $s:literal,)*
    }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name {
            $($(#[$vm])* $v,)*
        }

        impl $name {
            /// Every code of this set.
            pub const ALL: &'static [$name] = &[$($name::$v,)*];

            /// The stable code, e.g. `routecheck::rules::type`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$v => concat!("routecheck::", $area, "::", $s),)*
                }
            }
        }

        impl From<$name> for String {
            fn from(c: $name) -> String {
                c.as_str().to_owned()
            }
        }
    };
}

codes! {
    /// Codes of a rules file (`rules/*.yaml`).
    RulesCode, "rules" {
        /// It could not be read.
        Read => "read",
        /// Not valid YAML.
        Yaml => "yaml",
        /// Empty, or a list that must not be.
        Empty => "empty",
        /// A key the format does not know.
        UnknownKey => "unknown-key",
        /// A required key is missing.
        MissingKey => "missing-key",
        /// A value of the wrong type.
        Type => "type",
        /// Two cases with one name.
        DuplicateCase => "duplicate-case",
        /// A variable declared twice.
        DuplicateVariable => "duplicate-variable",
        /// An expression names a variable nothing declares.
        UndeclaredVariable => "undeclared-variable",
        /// A variable name that is not `Flow.X`/`Task.X`.
        Variable => "variable",
        /// A `--var` value that does not parse as the declared type.
        Var => "var",
        /// An expectation that is not well formed.
        Expectation => "expectation",
        /// A problem with the legacy `attribute_path:` form.
        Legacy => "legacy",
        /// An invalid JSONPath.
        Jsonpath => "jsonpath",
        /// An invalid regular expression.
        Regex => "regex",
        /// `conversation:` or `--conversation` misused.
        Conversation => "conversation",
        /// A fixture path that names no file.
        Fixture => "fixture",
        /// A fixture path outside the project.
        FixtureOutside => "fixture-outside",
        /// `flow:` unusable.
        Flow => "flow",
        /// A flow path outside the project.
        FlowOutside => "flow-outside",
        /// A stub that is not well formed or matches nothing.
        Stub => "stub",
        /// A `tables:` entry that is not well formed.
        Table => "table",
        /// A flow placeholder without a value.
        Placeholder => "placeholder",
        /// A Terraform file the directory is read from.
        Terraform => "terraform",
        /// `${NAME}` interpolation failed.
        Interpolation => "interpolation",
        /// A `guest:` case that is not well formed.
        Guest => "guest",
    }
}

codes! {
    /// Codes of a Terraform configuration, variable file or plan (`--terraform`, `--tf-plan`).
    TerraformCode, "terraform" {
        /// Not valid HCL (or JSON, for a `.tfvars.json` file).
        Syntax => "syntax",
        /// A configuration Terraform itself would reject, or one that cannot be evaluated.
        Config => "config",
        /// A variable value that cannot be used (a file that cannot be read, a wrong type, an undeclared name).
        Variable => "variable",
        /// A construct routecheck does not read (JSON configuration, override files).
        Unsupported => "unsupported",
        /// The plan JSON is not `terraform show -json` output.
        Plan => "plan",
    }
}

codes! {
    /// Codes of `routecheck lint`'s inputs: manifests, `.routecheck-lint.yaml`, and the
    /// parts of rules files and fixtures lint reads.
    LintInputCode, "lint" {
        /// A file or directory could not be read.
        Io => "io",
        /// A manifest (or the part of a rules file lint reads) is not well formed.
        Load => "load",
        /// `.routecheck-lint.yaml` is not well formed.
        Config => "config",
        /// A fixture a rules file names is not a conversation.
        Fixture => "fixture",
        /// A path a rules file names leaves the project.
        Path => "path",
    }
}

codes! {
    /// Codes of `routecheck.yaml`.
    ProjectCode, "project" {
        /// It could not be read.
        Read => "read",
        /// It is not well formed.
        Config => "config",
        /// A path it names does not exist, or is a file where a directory goes.
        Path => "path",
    }
}

codes! {
    /// Codes of `.routecheck-snapshot.yaml`.
    SnapshotConfigCode, "snapshot" {
        /// It could not be read.
        Io => "io",
        /// It is not well formed.
        Config => "config",
    }
}

codes! {
    /// Codes of an Archy flow file, as the source layer reads it.
    FlowFileCode, "flow" {
        /// It could not be read.
        Io => "io",
        /// Not valid YAML.
        Yaml => "yaml",
        /// Valid YAML that is not a flow.
        Structure => "structure",
    }
}

codes! {
    /// Codes of a conversation fixture file.
    FixtureCode, "fixture" {
        /// It could not be read.
        Read => "read",
        /// Not valid JSON, or not a conversation.
        Json => "json",
    }
}

codes! {
    /// Codes of a `trace --stubs` file.
    StubsCode, "trace" {
        /// It could not be read.
        Read => "read",
        /// Not well formed.
        Stubs => "stubs",
    }
}

codes! {
    /// Codes of the recorded NLU answers file.
    NluCode, "nlu" {
        /// It could not be read.
        Read => "read",
        /// Not well formed.
        Answers => "answers",
    }
}

impl From<Problem> for RulesCode {
    fn from(p: Problem) -> Self {
        match p {
            Problem::Read => RulesCode::Read,
            Problem::Yaml | Problem::Json => RulesCode::Yaml,
            Problem::Empty => RulesCode::Empty,
            Problem::UnknownKey => RulesCode::UnknownKey,
            Problem::MissingKey => RulesCode::MissingKey,
            Problem::WrongType => RulesCode::Type,
        }
    }
}

/// Every code of every set, for the documentation test.
#[cfg(test)]
pub fn all() -> Vec<&'static str> {
    let mut v: Vec<&str> = Vec::new();
    v.extend(RulesCode::ALL.iter().map(|c| c.as_str()));
    v.extend(LintInputCode::ALL.iter().map(|c| c.as_str()));
    v.extend(TerraformCode::ALL.iter().map(|c| c.as_str()));
    v.extend(ProjectCode::ALL.iter().map(|c| c.as_str()));
    v.extend(SnapshotConfigCode::ALL.iter().map(|c| c.as_str()));
    v.extend(FlowFileCode::ALL.iter().map(|c| c.as_str()));
    v.extend(FixtureCode::ALL.iter().map(|c| c.as_str()));
    v.extend(StubsCode::ALL.iter().map(|c| c.as_str()));
    v.extend(NluCode::ALL.iter().map(|c| c.as_str()));
    v
}
