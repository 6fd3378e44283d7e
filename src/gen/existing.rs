//! What existing suites already reach: the rules files run with coverage, each flow's
//! reached branch ids read back, and the flows they loaded (with their `vars:`).

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use crate::diag::SourceDiagnostic;
use crate::flow::Flow;
use crate::report::{Coverage, Event, Reporter};
use crate::suite::runner::{self, RunConfig};

/// One flow the suites simulate and the branch ids they reach.
#[derive(Debug, Clone)]
pub struct Reached {
    /// The flow as the rules files load it.
    pub flow: Arc<Flow>,
    /// Branch ids reached by at least one case.
    pub hits: BTreeSet<usize>,
    /// Where its calls find the flows they run, as the first suite of it has it.
    pub library: Option<Arc<crate::flow::Library>>,
}

struct Capture(Arc<Mutex<(Option<Coverage>, Vec<SourceDiagnostic>)>>);

impl Reporter for Capture {
    fn event(&mut self, event: &Event) -> std::io::Result<()> {
        let mut g = self.0.lock().unwrap_or_else(|p| p.into_inner());
        match event {
            Event::RunFinished(s) => g.0.clone_from(&s.coverage),
            Event::LoadFailed { errors } => g.1.extend(errors.iter().cloned()),
            _ => {}
        }
        Ok(())
    }
}

/// Run the rules files `config` names with coverage: every flow they simulate and what
/// they reach. A rules file that cannot load is an error (a partial answer would make
/// `--check` pass wrongly).
pub fn reached(config: RunConfig) -> Result<Vec<Reached>, Vec<SourceDiagnostic>> {
    let config = RunConfig {
        coverage: true,
        ..config
    };
    let loaded = runner::load(&config)?;
    let shared = Arc::new(Mutex::new((None, Vec::new())));
    let mut reporters: Vec<Box<dyn Reporter>> = vec![Box::new(Capture(shared.clone()))];
    runner::run(&config, &mut reporters);
    let (coverage, errors) = std::mem::take(&mut *shared.lock().unwrap_or_else(|p| p.into_inner()));
    if !errors.is_empty() {
        return Err(errors);
    }
    let coverage = coverage.unwrap_or_default();
    Ok(loaded
        .flows
        .iter()
        .enumerate()
        .map(|(index, flow)| {
            let library = loaded
                .suites
                .iter()
                .filter_map(|s| s.flow.as_ref())
                .find(|f| f.index == index && f.loaded.is_some())
                .and_then(|f| f.library.clone());
            // Coverage lists a flow's branches in the order `Flow::branches` gives them.
            let branches = flow.branches();
            let hits = coverage
                .flows
                .iter()
                .filter(|c| c.file == flow.file_name() && c.name == flow.name())
                .flat_map(|c| {
                    c.branches
                        .iter()
                        .zip(&branches)
                        .filter(|(b, _)| b.hit)
                        .map(|(_, info)| info.id)
                        .collect::<Vec<_>>()
                })
                .collect();
            Reached {
                flow: flow.clone(),
                hits,
                library,
            }
        })
        .collect())
}
