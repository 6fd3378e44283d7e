//! `routecheck trace`.

use std::path::PathBuf;

use crate::exit;

/// Arguments of `routecheck trace`.
#[derive(Debug, clap::Args)]
pub struct TraceArgs {
    /// The Archy flow file.
    #[arg(long)]
    pub flow: PathBuf,
    /// The conversation fixture.
    #[arg(long)]
    pub fixture: PathBuf,
}

pub fn run(_args: TraceArgs) -> u8 {
    exit::USAGE
}
