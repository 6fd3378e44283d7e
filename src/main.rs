use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(routecheck::cli::main())
}
