//! Participant data timing: Genesys applies Set Participant Data asynchronously, so a
//! Get Participant Data of the same attribute later in the run (in the flow or in a flow
//! it calls) may read the value from before, blank, or the new one. A case runs both
//! readings; where they route differently the case is warned, both routes shown.

use crate::diag::SourceDiagnostic;
use crate::flow::simulate::route_summary;
use crate::flow::{Race, RunResult};
use crate::suite::model::{Case, Suite};

/// The `participant-data-race` warning of a case whose run read back participant data
/// it set and routes differently with the new value than with the old.
pub fn race_warnings(suite: &Suite, case: &Case, run: Option<&RunResult>) -> Vec<SourceDiagnostic> {
    let Some(run) = run else {
        return Vec::new();
    };
    let Some(new) = run.races.new_reading.as_deref() else {
        return Vec::new();
    };
    let old = route_summary(&run.route);
    let new = match new {
        Ok(route) if *route == run.route => return Vec::new(),
        Ok(route) => route_summary(route),
        Err(e) => format!("the run stops: {e}"),
    };
    let reads: Vec<String> = run.races.found.iter().map(describe).collect();
    let one = reads.len() == 1;
    vec![
        SourceDiagnostic::warning(
            &suite.source,
            case.span,
            format!(
                "case \"{}\" routes by participant data read back in the run that set it: {}; \
                 read as before the flow it goes to {old}, read as set to {new}",
                case.name,
                reads.join("; ")
            ),
        )
        .with_code("routecheck::flow::participant-data-race")
        .with_label("routes two ways")
        .with_help(format!(
            "Genesys applies Set Participant Data asynchronously: a Get Participant Data soon after may read the old value, blank or the new one. Keep the value in a flow variable (Update Data) where it was set and read {} instead; expectations are checked against the old reading",
            if one { "that" } else { "those" }
        )),
    ]
}

fn describe(r: &Race) -> String {
    let at = |l: &crate::source::Location| format!("{}:{}", l.file, l.line);
    format!(
        "getParticipantData \"{}\" ({}) reads `{}`, set by setParticipantData \"{}\" ({})",
        r.get.name,
        at(&r.get.location),
        r.attribute,
        r.set.name,
        at(&r.set.location)
    )
}
