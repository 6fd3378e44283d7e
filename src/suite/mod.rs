//! Rules files: the declarative format, its loader and the runner.
//!
//! Data flows one way: [`yaml`] parses a file into a located tree, [`load`] turns it
//! into a compiled [`model::Suite`] (every error located), [`runner`] streams cases
//! through their fixtures and [`check`] evaluates each one.

pub mod check;
pub mod deploy;
pub mod flow_vars;
pub mod flows;
pub mod interp;
pub mod live;
pub mod load;
pub mod model;
pub mod near;
pub mod prefetch;
pub mod runner;
pub mod schema;
/// The located YAML tree every file kind shares (see [`crate::source::yaml`]).
pub use crate::source::yaml;

pub use live::{GuestOptions, LiveSource};
pub use runner::{FileSource, FixtureSource, Loaded, RunConfig, RunReport, RunStatus, Shard, run};
