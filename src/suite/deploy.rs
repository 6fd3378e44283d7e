//! What the deploy (`--terraform`, `--tf-plan`) adds to loaded suites: its data tables
//! under every flow's own `tables:` (a rules file's table of the same name wins), its
//! queues and emergency groups in every lookup directory, and every stub of a data
//! action checked against the action's deployed success contract.

use super::model::Suite;
use crate::deploy::Deploy;
use crate::diag::SourceDiagnostic;
use crate::source::code::RulesCode;

/// Give every suite the deploy's tables and lookups (before flows are bound).
pub fn share(suites: &mut [Suite], deploy: &Deploy) {
    for s in suites {
        if let Some(d) = &mut s.directory {
            deploy.fill(d);
        }
        if let Some(f) = &mut s.flow {
            for (name, table) in &deploy.tables.0 {
                f.tables
                    .0
                    .entry(name.clone())
                    .or_insert_with(|| table.clone());
            }
        }
    }
}

/// A stub of a `callData` whose data action the deploy defines may only set, through
/// the action's success outputs, fields its `contract_output` has, with their types:
/// each departure is an error at the stub, naming the contract field.
pub fn check_contracts(suites: &[Suite], deploy: &Deploy, errors: &mut Vec<SourceDiagnostic>) {
    if deploy.actions.is_empty() {
        return;
    }
    for suite in suites {
        let Some(flow) = suite.flow.as_ref().and_then(|f| f.loaded.as_deref()) else {
            continue;
        };
        let stubs = suite
            .flow
            .iter()
            .flat_map(|f| &f.stubs)
            .chain(suite.cases.iter().flat_map(|c| &c.own_stubs));
        for (name, stub, span) in stubs {
            for call in flow.data_actions(name) {
                let key = (call.category.clone(), call.action.clone());
                let Some(action) = deploy.actions.get(&key) else {
                    continue;
                };
                for problem in action.check_stub(&call.success, &stub.values) {
                    errors.push(
                        SourceDiagnostic::error(&suite.source, *span, format!("stub for \"{name}\": {problem}"))
                            .with_code(RulesCode::Stub)
                            .with_label("this stub")
                            .with_help("a stub of a deployed data action sets what its success contract returns (`contract_output`), with the contract's types"),
                    );
                }
            }
        }
    }
}
