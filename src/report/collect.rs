//! The run's cases grouped by rules file, for reporters that write everything at the end
//! (JSON, JUnit): suites in the order the runner announced them, cases in arrival order.

use super::{CaseResult, SuiteInfo};

/// Every suite seen so far, with each case as the reporter keeps it (`C`): JSON keeps the
/// result, JUnit its test case, built as the case arrives so little is left for the end.
#[derive(Debug)]
pub(crate) struct Suites<C = CaseResult> {
    pub(crate) list: Vec<SuiteCases<C>>,
}

impl<C> Default for Suites<C> {
    fn default() -> Self {
        Suites { list: Vec::new() }
    }
}

/// One rules file and the results of its cases.
#[derive(Debug)]
pub(crate) struct SuiteCases<C = CaseResult> {
    pub(crate) name: String,
    pub(crate) file: String,
    /// Cases the runner said it would run (0 for a suite it never announced).
    pub(crate) announced: usize,
    /// The flow file the rules file simulates, as announced.
    pub(crate) flow: Option<String>,
    pub(crate) cases: Vec<C>,
}

impl<C> SuiteCases<C> {
    /// Announced cases that never reported a result.
    pub(crate) fn missing(&self) -> usize {
        self.announced.saturating_sub(self.cases.len())
    }
}

impl Suites<CaseResult> {
    // A case from a suite that was never announced is still reported, after the others.
    pub(crate) fn add(&mut self, case: &CaseResult) {
        self.push(&case.suite_name, &case.suite_file, case.clone());
    }
}

impl<C> Suites<C> {
    pub(crate) fn announce(&mut self, info: &SuiteInfo) {
        let entry = self.entry(&info.name, &info.file);
        entry.announced += info.cases;
        if info.flow.is_some() {
            entry.flow.clone_from(&info.flow);
        }
    }

    /// Add a case of the suite `name` in `file` (one never announced goes after the others).
    pub(crate) fn push(&mut self, name: &str, file: &str, case: C) {
        self.entry(name, file).cases.push(case);
    }

    fn entry(&mut self, name: &str, file: &str) -> &mut SuiteCases<C> {
        let i = match self.list.iter().position(|s| s.file == file) {
            Some(i) => i,
            None => {
                self.list.push(SuiteCases {
                    name: name.to_string(),
                    file: file.to_string(),
                    announced: 0,
                    flow: None,
                    cases: Vec::new(),
                });
                self.list.len() - 1
            }
        };
        &mut self.list[i]
    }
}
