//! Near-miss attribute names: a name the rules file reads or sets that the participant
//! lacks while a close one exists, reported as a located warning so a check that passes
//! only because of the misspelling is still seen.

use super::{Data, near};
use crate::conversation::Conversation;
use crate::diag::SourceDiagnostic;
use crate::suite::model::{Case, Check, Suite};

/// Every attribute name the case's rules file writes (bindings, `attribute:`
/// expectations, overlay keys) that the participant lacks while a close one exists, as
/// warnings located at the name. A check that passes only because of such a name
/// (`set: false`, `not_equals`, a NOT_SET condition) is then still reported.
pub fn near_miss_warnings(
    suite: &Suite,
    case: &Case,
    conv: &Conversation,
) -> Vec<SourceDiagnostic> {
    let Ok(sel) = conv.select(&suite.participant) else {
        return Vec::new();
    };
    let base = sel.participant.attributes.as_deref().unwrap_or_default();
    let data = Data {
        base,
        overlay: &case.attributes,
    };
    let mut out = Vec::new();
    let mut warn = |role: String, name: &str, present: &str, kind: near::Kind, span| {
        out.push(
            SourceDiagnostic::warning(&suite.source, span, near::message(&role, name, present))
                .with_code("routecheck::attribute::near-miss")
                .with_label(format!("did you mean `{present}`?"))
                .with_help(near::help(name, present, kind)),
        );
    };
    let synthetic = matches!(case.fixture, crate::suite::model::FixtureRef::Synthetic(_));
    // The names this file reads in this case: its bindings and `attribute:` checks, and
    // what its flow's Get Participant Data reads (walked only when an overlay key needs
    // it, so a case without a suspicious key costs nothing per flow size).
    let flow_reads = std::cell::OnceCell::<Vec<String>>::new();
    let file_reads: Vec<&str> = suite
        .bindings
        .iter()
        .map(|b| b.attribute.as_str())
        .chain(case.expects.iter().filter_map(|e| match &e.check {
            Check::Attribute { name, .. } => Some(name.as_str()),
            _ => None,
        }))
        .collect();
    let reads = || -> Vec<&str> {
        let flow = flow_reads.get_or_init(|| {
            suite
                .flow
                .as_ref()
                .and_then(|f| f.loaded.as_ref())
                .map(|f| {
                    f.attribute_reads()
                        .into_iter()
                        .map(|r| r.attribute)
                        .collect()
                })
                .unwrap_or_default()
        });
        let mut all = file_reads.clone();
        all.extend(flow.iter().map(String::as_str));
        all
    };
    // Overlay keys that are themselves near misses: of a key the recording has (the
    // overlay adds a new attribute and the intended one keeps its recorded value), or of
    // a name the file reads that nothing sets. In a recorded case such a key is no
    // candidate for the reads' own near misses (the recording says which name is real);
    // in a case without a recording nothing does, so both ends are reported.
    let mut suspects: Vec<&str> = Vec::new();
    let overlaid = |n: &str| case.attributes.iter().any(|(k, _)| k == n);
    let mut typed = Vec::new();
    for ((key, _), span) in case.attributes.iter().zip(&case.attribute_spans) {
        if file_reads.contains(&key.as_str()) || (!synthetic && base.iter().any(|(k, _)| k == key))
        {
            continue;
        }
        let reads = reads();
        if reads.contains(&key.as_str()) {
            continue;
        }
        let recorded = base
            .iter()
            .map(|(k, _)| k.as_str())
            .filter(|k| !synthetic && !overlaid(k));
        if let Some((p, k)) = near::closest(key, recorded) {
            warn("overlay key".into(), key, p, k, *span);
            suspects.push(key);
        } else if let Some((p, k)) =
            near::closest(key, reads.iter().copied().filter(|r| !overlaid(r)))
        {
            typed.push(overlay_read_miss(suite, key, p, k, *span));
            if !synthetic {
                suspects.push(key);
            }
        }
    }
    let present = || data.names().filter(|n| !suspects.contains(n));
    for b in &suite.bindings {
        if data.get(&b.attribute).is_none()
            && let Some((p, k)) = near::closest(&b.attribute, present())
        {
            warn(
                format!("binding `{}:`", b.variable),
                &b.attribute,
                p,
                k,
                b.span,
            );
        }
    }
    for e in &case.expects {
        if let Check::Attribute { name, span, .. } = &e.check
            && data.get(name).is_none()
            && let Some((p, k)) = near::closest(name, present())
        {
            warn("`attribute:`".into(), name, p, k, *span);
        }
    }
    out.extend(typed);
    out
}

/// An overlay key nothing in the file reads, next to a name the file reads that no
/// attribute of the case has: one of the two is misspelt, and the overlay sets the
/// wrong one as far as this file can tell.
fn overlay_read_miss(
    suite: &Suite,
    key: &str,
    read: &str,
    kind: near::Kind,
    span: (usize, usize),
) -> SourceDiagnostic {
    SourceDiagnostic::warning(
        &suite.source,
        span,
        format!("overlay key `{key}` is not read by this rules file, which reads `{read}`"),
    )
    .with_code("routecheck::attribute::near-miss")
    .with_label(format!("did you mean `{read}`?"))
    .with_help(format!(
        "did you mean `{read}`? ({}; the case sets `{key}` and `{read}` stays NOT_SET)",
        kind.explain()
    ))
}
