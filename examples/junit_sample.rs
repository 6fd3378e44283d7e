//! Writes the JUnit file of the shared report fixture (a known run), for CI to check
//! with readers other than ours: `cargo run --example junit_sample -- FILE [--load-failed]`.

#[path = "../tests/report_fixture/mod.rs"]
mod fixture;

use std::path::PathBuf;
use std::process::ExitCode;

use routecheck::report::junit::Junit;

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let Some(path) = args.next().map(PathBuf::from) else {
        eprintln!("usage: junit_sample FILE [--load-failed]");
        return ExitCode::from(2);
    };
    let events = if args.next().is_some_and(|a| a == "--load-failed") {
        fixture::load_failed()
    } else {
        fixture::run()
    };
    let mut junit = Junit::new(path);
    match fixture::feed(&mut junit, &events) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
