//! Arbitrary bytes as a rules file, loaded and run against real fixtures: every outcome
//! must be a located diagnostic or a report, never a panic, overflow or hang.
#![no_main]

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use routecheck::suite::{FileSource, RunConfig, run};

/// A private directory holding the sample fixtures, so `fixture:` paths in seeds resolve.
fn workdir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        // Under the working directory: fixtures are read only inside the rules file's
        // directory or the working directory, and the samples' fixtures are `../fixtures`.
        let dir = std::env::current_dir()
            .expect("working directory")
            .join("target")
            .join(format!("rules-workdir-{}", std::process::id()));
        let fixtures = dir.join("fixtures");
        std::fs::create_dir_all(&fixtures).expect("create fuzz workdir");
        std::fs::create_dir_all(dir.join("rules")).expect("create fuzz rules dir");
        let samples = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures");
        for entry in std::fs::read_dir(samples).expect("read sample fixtures") {
            let entry = entry.expect("sample fixture entry");
            std::fs::copy(entry.path(), fixtures.join(entry.file_name())).expect("copy fixture");
        }
        dir
    })
}

fuzz_target!(|data: &[u8]| {
    let dir = workdir();
    // In `rules/` like the samples, so their `../fixtures/...` paths resolve.
    let rules = dir.join("rules").join("rules.yaml");
    std::fs::write(&rules, data).expect("write rules file");
    let config = RunConfig {
        paths: vec![rules],
        now: routecheck::expr::DateTime(1_714_555_800_000),
        source: Arc::new(FileSource),
        ..RunConfig::default()
    };
    let report = run(&config, &mut []);
    let _ = report.status.exit_code();
    // A load that failed must also render: spans inside the text, no miette panic.
    if let Ok(text) = std::str::from_utf8(data) {
        let file = routecheck::diag::SourceFile::new("rules.yaml", text);
        let mut diags = routecheck::suite::load::Diagnostics::default();
        let _ = routecheck::suite::load::load_source(
            &dir.join("rules").join("rules.yaml"),
            file,
            None,
            &Default::default(),
            &mut Vec::new(),
            &mut diags,
            None,
        );
        for d in diags.errors.iter().chain(&diags.warnings) {
            let _ = routecheck::diag::render(d, false);
        }
    }
});
