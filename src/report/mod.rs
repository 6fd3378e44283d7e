//! Reporters: one stream of run events, rendered for people and pipelines.
//!
//! The runner emits [`Event`]s in order; every reporter consumes the same stream, so
//! the human, JSON, GitHub and JUnit outputs cannot disagree about a run.

pub mod event;

pub use event::{
    Branch, CaseResult, Coverage, Event, Failure, FlowCoverage, Location, Outcome, Reporter,
    SuiteInfo, Summary,
};
