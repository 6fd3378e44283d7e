//! `routecheck record` and `routecheck inject`.

use std::path::PathBuf;

use crate::exit;

/// Arguments of `routecheck record`.
#[derive(Debug, clap::Args)]
pub struct RecordArgs {
    /// Conversation ids.
    pub ids: Vec<String>,
    /// Output directory.
    #[arg(long)]
    pub out: PathBuf,
}

/// Arguments of `routecheck inject`.
#[derive(Debug, clap::Args)]
pub struct InjectArgs {
    /// Conversation id.
    pub conversation: String,
    /// KEY=VALUE pairs.
    pub pairs: Vec<String>,
}

pub fn record(_args: RecordArgs) -> u8 {
    exit::USAGE
}

pub fn inject(_args: InjectArgs) -> u8 {
    exit::USAGE
}
