//! `participant-data-race`: a Get Participant Data reading an attribute the same flow
//! sets earlier with Set Participant Data. Genesys applies Set Participant Data
//! asynchronously, so the read may see the value from before the flow, blank, or the new
//! one; `test` runs both readings of each case (docs/fidelity.md).
//!
//! Static and by file order: a set before the read in the file is taken to run before
//! it (a set in a later state reached again by a loop is not seen; names computed by an
//! expression are not known).

use crate::flow::Flow;

use super::{Code, Finding};

/// A finding at each of the two actions: the read and the set before it.
pub fn findings(flow: &Flow) -> Vec<Finding> {
    let writes = flow.attribute_writes();
    let line = |at: usize| flow.source().line_col(at).0;
    let mut out = Vec::new();
    let mut sets_reported = Vec::new();
    for r in flow.attribute_reads() {
        let Some((_, set)) = writes
            .iter()
            .rev()
            .find(|(name, span)| *name == r.attribute && span.0 < r.span.0)
        else {
            continue;
        };
        let help = "Genesys applies Set Participant Data asynchronously: keep the value in a flow variable (Update Data) where it is set and read that; `routecheck test` runs each case with both readings and warns where they route differently";
        out.push(
            Finding::new(
                Code::ParticipantDataRace,
                flow.source(),
                r.span,
                format!(
                    "Get Participant Data reads `{}`, which this flow sets on line {}: the read may see the value from before the flow, blank, or the new one",
                    r.attribute,
                    line(set.0)
                ),
            )
            .label("may read the old value")
            .help(help),
        );
        if !sets_reported.contains(set) {
            sets_reported.push(*set);
            out.push(
                Finding::new(
                    Code::ParticipantDataRace,
                    flow.source(),
                    *set,
                    format!(
                        "Set Participant Data sets `{}`, which this flow reads back on line {}: the read may not see this value yet",
                        r.attribute,
                        line(r.span.0)
                    ),
                )
                .label("applied asynchronously")
                .help(help),
            );
        }
    }
    out
}
