//! `routecheck eval`.

use crate::exit;

/// Arguments of `routecheck eval`.
#[derive(Debug, clap::Args)]
pub struct EvalArgs {
    /// The expression.
    pub expr: String,
}

pub fn run(_args: EvalArgs) -> u8 {
    eprintln!("routecheck eval: the expression engine is being built");
    exit::USAGE
}
