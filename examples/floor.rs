//! The floor for the benchmark: a program that only reads and parses what `routecheck test DIR`
//! reads — the rules YAML with serde-saphyr into a `serde_json::Value` on one thread while the
//! fixtures are parsed with serde_json on the other — and does nothing else. routecheck's
//! target is a ratio to this program, so the figure holds on any machine.
//!
//! `cargo run --release --example floor -- DIR` (a directory written by `gen_bench`).

use std::path::{Path, PathBuf};

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if let Some("yaml" | "yml") = path.extension().and_then(|e| e.to_str()) {
            out.push(path);
        }
    }
    Ok(())
}

fn main() -> std::io::Result<()> {
    let Some(dir) = std::env::args().nth(1).map(PathBuf::from) else {
        eprintln!("usage: floor DIR   (a directory written by gen_bench)");
        std::process::exit(2);
    };
    let mut rules = Vec::new();
    yaml_files(&dir, &mut rules)?;
    let fixtures_dir = dir.join("fixtures");
    let fixtures = std::thread::spawn(move || -> std::io::Result<usize> {
        let mut bytes = 0;
        for entry in std::fs::read_dir(&fixtures_dir)? {
            let text = std::fs::read(entry?.path())?;
            bytes += text.len();
            let value: serde_json::Value =
                serde_json::from_slice(&text).map_err(std::io::Error::other)?;
            std::hint::black_box(value);
        }
        Ok(bytes)
    });
    for path in rules {
        let text = std::fs::read_to_string(&path)?;
        // The same budget routecheck gives a rules file of this size (alias limits kept).
        let mut budget = serde_saphyr::Budget::default();
        budget.max_nodes = budget.max_nodes.max(text.len() + 1024);
        budget.max_events = budget.max_events.max(text.len() * 2 + 1024);
        let mut options = serde_saphyr::Options::default();
        options.budget = Some(budget);
        let value: serde_json::Value =
            serde_saphyr::from_str_with_options(&text, options).map_err(std::io::Error::other)?;
        std::hint::black_box(value);
    }
    let bytes = fixtures.join().expect("fixture thread")?;
    eprintln!("floor: parsed {bytes} bytes of fixtures");
    Ok(())
}
