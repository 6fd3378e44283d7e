//! Arbitrary bytes as each of lint's inputs: the first byte picks a manifest (YAML or JSON),
//! a rules file, the lint config or a fixture, the rest is its text. `lint` against a real
//! flow must never panic or hang, and every diagnostic and finding must render.
#![no_main]

use std::collections::BTreeMap;
use std::path::PathBuf;

use libfuzzer_sys::fuzz_target;
use routecheck::lint::{LintInputs, config, lint};

fn data(p: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/data/lint")).join(p)
}

fuzz_target!(|bytes: &[u8]| {
    let Some((&pick, text)) = bytes.split_first() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let name = match pick % 5 {
        0 => "m.yaml",
        1 => "m.json",
        2 => "rules.yaml",
        3 => ".routecheck-lint.yaml",
        _ => "fx.json",
    };
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    if name == ".routecheck-lint.yaml" {
        if let Err(diags) = config::load(&path) {
            for d in &diags {
                let _ = routecheck::diag::render(d, false);
            }
        }
        return;
    }
    let mut inputs = LintInputs {
        flows: vec![data("flows/reads.yaml")],
        rules: vec![],
        manifests: vec![data("manifests/keys.yaml")],
        vars: BTreeMap::new(),
        max_bytes: 2048,
        excludes: Vec::new(),
    };
    match name {
        "rules.yaml" => inputs.rules.push(path),
        // A fixture is read through a rules file that names it.
        "fx.json" => {
            let rules = dir.path().join("r.yaml");
            std::fs::write(
                &rules,
                "suite: f\ncases:\n  - name: a\n    fixture: fx.json\n    expect: [ {condition: \"true\"} ]\n",
            )
            .unwrap();
            inputs.rules.push(rules);
        }
        _ => inputs.manifests.push(path),
    }
    match lint(&inputs) {
        Ok(report) => {
            for f in &report.findings {
                let _ = routecheck::diag::render(&f.diagnostic, false);
            }
        }
        Err(diags) => {
            assert!(!diags.is_empty());
            for d in &diags {
                let _ = routecheck::diag::render(d, false);
            }
        }
    }
});
