//! routecheck: check Genesys Cloud Web Messaging routing — participant attributes,
//! Architect expressions and inbound message flows — against recorded conversations.
//!
//! Data flows one way: load → compile → evaluate → report. Each layer has its own
//! typed errors; they are rendered once, at the edge (`cli`).

pub mod cli;
pub mod conversation;
pub mod deploy;
pub mod expr;
pub mod flow;
pub mod r#gen;
pub mod genesys;
pub mod guest;
pub mod lint;
pub mod project;
pub mod report;
pub mod scrub;
pub mod snapshot;
pub mod source;
pub mod suite;
pub mod terraform;

/// Located diagnostics belong to the source layer (docs/architecture.md); every layer names
/// them, so they keep their short path.
pub use source::diag;

/// Process exit codes, shared by every subcommand.
pub mod exit {
    /// Everything evaluated and every check passed.
    pub const OK: u8 = 0;
    /// A check failed (or, for `eval`, the expression raised a runtime error).
    pub const FAILED: u8 = 1;
    /// Usage, load, syntax, type or compile error: nothing could be trusted to run.
    pub const USAGE: u8 = 2;
}
