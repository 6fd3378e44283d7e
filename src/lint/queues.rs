//! `unknown-queue`: a Transfer to ACD whose queue (after substitution) is not a queue
//! the deploy creates (`genesyscloud_routing_queue`, read with `--terraform` /
//! `--tf-plan`). A name that is one of the deploy's but for letter case or two edits is a
//! typo the transfer would fail on at run time: a warning with the fix. Any other name
//! may be a queue made outside Terraform (by hand, by another configuration): info.
//! A deploy that creates no queue says nothing about the flow's, so nothing is reported.

use crate::deploy::{Deploy, queues};
use crate::diag::Severity;
use crate::flow::Flow;

use super::{Code, Finding};

/// One finding per literal queue of `flow` that `deploy` does not create.
pub fn findings(flow: &Flow, deploy: &Deploy) -> Vec<Finding> {
    if deploy.queues.is_empty() {
        return Vec::new();
    }
    let names = || deploy.queues.keys().map(String::as_str);
    let mut out = Vec::new();
    for (name, span) in flow.queue_targets() {
        if deploy.queues.contains_key(&name) {
            continue;
        }
        // The fix is in the substitution when the name is a placeholder's value.
        let from = match flow.source().text.get(span.0..span.1) {
            Some(raw) if raw.contains("{{") => format!(
                ": give `{}` that value in the flow's `substitutions`",
                raw.trim_matches(|c| c == '"' || c == '\'')
            ),
            _ => String::new(),
        };
        let finding = match queues::near(&name, names()) {
            Some(q) => Finding::new(
                Code::UnknownQueue,
                flow.source(),
                span,
                format!(
                    "Transfer to ACD names queue `{name}`, which the deploy does not create; it creates `{q}` ({})",
                    deploy.queues[q]
                ),
            )
            .label("not a queue of the deploy")
            .help(format!(
                "did you mean `{q}`? Genesys finds a queue by its exact name: write `{q}`{from}"
            )),
            None => {
                let mut f = Finding::new(
                    Code::UnknownQueue,
                    flow.source(),
                    span,
                    format!(
                        "Transfer to ACD names queue `{name}`, which the deploy does not create (it may exist in the org outside Terraform)"
                    ),
                )
                .label("not a queue of the deploy")
                .help(format!(
                    "the deploy creates {}",
                    list(names().collect())
                ));
                f.diagnostic.severity = Severity::Info;
                f
            }
        };
        out.push(finding);
    }
    out
}

/// `a`, `a` and `b`, or the first five and how many more.
fn list(names: Vec<&str>) -> String {
    let shown: Vec<String> = names.iter().take(5).map(|n| format!("`{n}`")).collect();
    match names.len() {
        0 => "no queue".into(),
        n if n > 5 => format!("{} and {} more", shown.join(", "), n - 5),
        _ => shown.join(", "),
    }
}
