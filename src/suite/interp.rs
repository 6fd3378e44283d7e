//! `${NAME}` in rules files: a CI job passes what it only knows at run time (the live
//! conversation id, an environment's queue name) through environment variables, and the
//! file stays the same everywhere.
//!
//! Scope: every string scalar *value* of the file (mapping keys are structure and are left
//! alone). Expressions never need `${`; a literal `${` is written `$${`. An unset or empty
//! variable is an error located at the scalar. Values of variables whose names look
//! secret (`*SECRET*`, `*TOKEN*`, `*PASSWORD*`, `*PASSWD*`) are collected so every
//! message derived from the file can be scrubbed of them.

use super::yaml::{Node, NodeValue};
use crate::diag::{SourceDiagnostic, SourceFile};
use crate::source::code::RulesCode;

/// What replaces a secret value in messages.
pub const REDACTED: &str = crate::scrub::REDACTED;

/// Whether a variable's value must never be shown.
pub fn is_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    ["SECRET", "TOKEN", "PASSWORD", "PASSWD"]
        .iter()
        .any(|s| upper.contains(s))
}

/// Replace every secret value in `text`.
pub fn scrub(text: &str, secrets: &[String]) -> String {
    secrets
        .iter()
        .filter(|s| !s.is_empty())
        .fold(text.to_owned(), |t, s| t.replace(s.as_str(), REDACTED))
}

/// Scrub a diagnostic's texts.
pub fn scrub_diagnostic(d: &mut SourceDiagnostic, secrets: &[String]) {
    if secrets.is_empty() {
        return;
    }
    d.message = scrub(&d.message, secrets);
    for t in [&mut d.label, &mut d.help].into_iter().flatten() {
        *t = scrub(t, secrets);
    }
}

/// Interpolate every string scalar value under `root` in place. Errors go to `errors`;
/// returns the values of secret-named variables that were substituted.
pub fn interpolate(
    root: &mut Node,
    src: &SourceFile,
    lookup: &dyn Fn(&str) -> Option<String>,
    errors: &mut Vec<SourceDiagnostic>,
) -> Vec<String> {
    let mut secrets = Vec::new();
    walk(root, src, lookup, errors, &mut secrets);
    secrets.sort_unstable();
    secrets.dedup();
    // Names and every other text derived from the file are scrubbed at the output edge.
    for s in &secrets {
        crate::scrub::register(s);
    }
    // Longest first, so a secret containing another is replaced whole.
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    secrets
}

fn walk(
    node: &mut Node,
    src: &SourceFile,
    lookup: &dyn Fn(&str) -> Option<String>,
    errors: &mut Vec<SourceDiagnostic>,
    secrets: &mut Vec<String>,
) {
    match &mut node.value {
        NodeValue::Str(s) if s.contains("${") => match expand(s, lookup, secrets) {
            Ok(v) => *s = v,
            Err(e) => errors.push(e.diagnostic(src, node.span)),
        },
        NodeValue::Seq(items) => {
            for n in items {
                walk(n, src, lookup, errors, secrets);
            }
        }
        NodeValue::Map(entries) => {
            for (_, v) in entries {
                walk(v, src, lookup, errors, secrets);
            }
        }
        _ => {}
    }
}

/// Why a scalar cannot be interpolated.
#[derive(Debug, PartialEq, Eq)]
enum Problem {
    /// `${` without `}`.
    Unterminated,
    /// `${}` or a name that is not `[A-Za-z_][A-Za-z0-9_]*`; holds the text between braces.
    BadName(String),
    /// The variable is unset.
    Unset(String),
    /// The variable is set to the empty string (or only whitespace).
    Empty(String),
}

impl Problem {
    /// Located at the `${...}` when the scalar is written verbatim, else at the scalar.
    fn diagnostic(&self, src: &SourceFile, span: (usize, usize)) -> SourceDiagnostic {
        let raw = src.text.get(span.0..span.1.max(span.0)).unwrap_or("");
        let narrow = |needle: &str| {
            raw.find(needle)
                .map_or(span, |i| (span.0 + i, span.0 + i + needle.len()))
        };
        let (span, message, help) = match self {
            Problem::Unterminated => (
                narrow("${"),
                "`${` is not closed by `}`".to_owned(),
                "write `${NAME}` for an environment variable, `$${` for a literal `${`".to_owned(),
            ),
            Problem::BadName(name) => (
                narrow(&format!("${{{name}}}")),
                format!("`${{{name}}}` is not an environment variable reference"),
                "names are letters, digits and `_`, not starting with a digit; write `$${` for a literal `${`".to_owned(),
            ),
            Problem::Unset(name) => (
                narrow(&format!("${{{name}}}")),
                format!("environment variable {name} is not set"),
                format!("export {name} before running routecheck (rules files read `${{NAME}}` from the environment)"),
            ),
            Problem::Empty(name) => (
                narrow(&format!("${{{name}}}")),
                format!("environment variable {name} is empty"),
                format!("give {name} a value before running routecheck"),
            ),
        };
        SourceDiagnostic::error(src, span, message)
            .with_code(RulesCode::Interpolation)
            .with_label("interpolated from the environment")
            .with_help(help)
    }
}

fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn expand(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    secrets: &mut Vec<String>,
) -> Result<String, Problem> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        if let Some(tail) = after.strip_prefix("$${") {
            out.push_str("${");
            rest = tail;
        } else if let Some(tail) = after.strip_prefix("${") {
            let end = tail.find('}').ok_or(Problem::Unterminated)?;
            let name = &tail[..end];
            if !valid_name(name) {
                return Err(Problem::BadName(name.to_owned()));
            }
            let value = lookup(name).ok_or_else(|| Problem::Unset(name.to_owned()))?;
            if value.trim().is_empty() {
                return Err(Problem::Empty(name.to_owned()));
            }
            if is_secret_name(name) {
                secrets.push(value.clone());
            }
            out.push_str(&value);
            rest = &tail[end + 1..];
        } else {
            out.push('$');
            rest = &after[1..];
        }
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "ID" => Some("abc-123".into()),
            "EMPTY" => Some("  ".into()),
            "API_TOKEN" => Some("tok-xyz".into()),
            _ => None,
        }
    }

    fn run(text: &str) -> (Result<String, Problem>, Vec<String>) {
        let mut secrets = Vec::new();
        (expand(text, &env, &mut secrets), secrets)
    }

    #[test]
    fn substitutes_escapes_and_leaves_lone_dollars() {
        assert_eq!(run("id ${ID}!").0, Ok("id abc-123!".into()));
        assert_eq!(run("$${ID} and ${ID}").0, Ok("${ID} and abc-123".into()));
        assert_eq!(run("cost $5 $ {x}").0, Ok("cost $5 $ {x}".into()));
        assert_eq!(run("$$${ID}").0, Ok("$${ID}".into()));
    }

    #[test]
    fn reports_unset_empty_bad_and_unterminated() {
        assert_eq!(run("${NOPE}").0, Err(Problem::Unset("NOPE".into())));
        assert_eq!(run("${EMPTY}").0, Err(Problem::Empty("EMPTY".into())));
        assert_eq!(run("${}").0, Err(Problem::BadName(String::new())));
        assert_eq!(run("${1X}").0, Err(Problem::BadName("1X".into())));
        assert_eq!(run("x ${ID").0, Err(Problem::Unterminated));
    }

    #[test]
    fn secret_values_are_collected_and_scrubbed() {
        let (v, secrets) = run("Bearer ${API_TOKEN} for ${ID}");
        assert_eq!(v, Ok("Bearer tok-xyz for abc-123".into()));
        assert_eq!(secrets, ["tok-xyz"]);
        assert_eq!(
            scrub("expected `tok-xyz`", &secrets),
            "expected `[redacted]`"
        );
        assert!(is_secret_name("db_password") && !is_secret_name("GENESYS_CONVERSATION_ID"));
    }

    #[test]
    fn errors_point_at_the_reference_in_the_scalar() {
        let text = "conversation: \"id-${NOPE}\"\n";
        let src = SourceFile::new("t.yaml", text);
        let mut node = Node {
            span: (14, 25),
            value: NodeValue::Str("id-${NOPE}".into()),
        };
        let mut errors = Vec::new();
        interpolate(&mut node, &src, &env, &mut errors);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].location(), "t.yaml:1:19");
        assert_eq!(errors[0].message, "environment variable NOPE is not set");
    }
}
