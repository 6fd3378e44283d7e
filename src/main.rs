use std::process::ExitCode;

/// See Cargo.toml: the binary's allocator (the library leaves the choice to its user).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    ExitCode::from(routecheck::cli::main())
}
