//! Values a case gives (stub values, overlay attributes read into a variable) that no
//! comparison of the flow can match: one that equals a flow literal but for letter case
//! or spacing (string comparisons are ordinal and case-sensitive), or, for a variable a
//! `firstMatch` switch compares exactly, one that equals none of its literals. Either
//! silently falls to the default branch; each is a warning with the nearest literal.

use crate::diag::{SourceDiagnostic, closest};
use crate::suite::model::{Case, Suite};

/// The near-literal warnings of a case, located at the stub's name or the overlay key.
pub fn literal_warnings(suite: &Suite, case: &Case) -> Vec<SourceDiagnostic> {
    let Some(flow) = suite.flow.as_ref().and_then(|f| f.loaded.as_deref()) else {
        return Vec::new();
    };
    let given: Vec<(String, &str, String, (usize, usize))> = case
        .own_stubs
        .iter()
        .flat_map(|(name, stub, span)| {
            stub.values.iter().filter_map(move |(var, v)| {
                v.as_str().map(|v| {
                    (
                        var.clone(),
                        v,
                        format!("stub \"{name}\" sets `{var}` to"),
                        *span,
                    )
                })
            })
        })
        .collect();
    let reads = if case.attributes.is_empty() {
        Vec::new()
    } else {
        flow.attribute_reads()
    };
    let mut given = given;
    for ((attr, v), span) in case.attributes.iter().zip(&case.attribute_spans) {
        let Some(v) = v.as_deref() else { continue };
        for r in reads.iter().filter(|r| r.attribute == *attr) {
            let role = format!("attribute `{attr}` (read into `{}`) is", r.variable);
            given.push((r.variable.clone(), v, role, *span));
        }
    }
    if given.is_empty() {
        return Vec::new();
    }
    let compared = flow.compared_strings();
    let mut out = Vec::new();
    for (var, value, role, span) in given {
        let Some((lits, exact)) = compared.get(&var.to_ascii_lowercase()) else {
            continue;
        };
        if lits.is_empty() || lits.iter().any(|l| l == value) {
            continue;
        }
        // A flow that folds the variable's case or spacing before comparing
        // (`Lower(Flow.Tier) == "gold"`) matches such a value: not checked.
        let text = flow.source().text.to_ascii_lowercase();
        let v = var.to_ascii_lowercase();
        if ["lower(", "upper(", "trim("]
            .iter()
            .any(|f| text.contains(&format!("{f}{v}")))
        {
            continue;
        }
        let norm = |s: &str| {
            s.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase()
        };
        let (lit, why) = if let Some(l) = lits.iter().find(|l| norm(l) == norm(value)) {
            (
                l.as_str(),
                "differs from it only in letter case or spacing, and string comparisons are exact",
            )
        } else if *exact {
            let near = closest(value, lits.iter().map(String::as_str)).unwrap_or(lits[0].as_str());
            (near, "matches none of the values the flow compares it with")
        } else {
            continue;
        };
        out.push(
            SourceDiagnostic::warning(
                &suite.source,
                span,
                format!(
                    "{role} \"{value}\", which no comparison in the flow matches: the nearest literal is \"{lit}\""
                ),
            )
            .with_code("routecheck::flow::near-literal")
            .with_label(format!("did you mean \"{lit}\"?"))
            .with_help(format!(
                "\"{value}\" {why}, so the run takes the default branch; write \"{lit}\" if that branch is meant"
            )),
        );
    }
    out
}
