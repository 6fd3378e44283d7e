//! The one directory walk, end to end: discovery (`test`), `lint` and `gen` agree on
//! what a directory holds; hidden and excluded directories are not entered, symlink
//! loops are cut, and a FIFO is refused at its path, never blocked on.

use std::path::Path;

use crate::project_cli::project;
use crate::support::{Run, run_cli};

fn run(dir: &Path, args: &[&str]) -> Run {
    run_cli(Some(dir), &[], args)
}

const BROKEN: &str = "cases:\n  - name: x\n    expct: []\n";

#[cfg(unix)]
#[test]
fn loops_hidden_and_excluded_directories_do_not_change_what_runs() {
    let (_tmp, root) = project();
    let before = run(&root, &["test"]);
    assert_eq!(before.code, 0, "{}{}", before.stdout, before.stderr);
    let summary = |o: &Run| {
        o.stdout
            .lines()
            .last()
            .unwrap_or("")
            .split(" in ")
            .next()
            .unwrap_or("")
            .to_owned()
    };
    // A loop back to rules/ and to the root, a hidden directory and an excluded one,
    // each holding (or reaching) files that would fail or double the count.
    std::os::unix::fs::symlink(root.join("rules"), root.join("rules/again")).unwrap();
    std::os::unix::fs::symlink(&root, root.join("rules/up")).unwrap();
    for d in ["rules/.drafts", "rules/wip"] {
        std::fs::create_dir_all(root.join(d)).unwrap();
        std::fs::write(root.join(d).join("broken.yaml"), BROKEN).unwrap();
    }
    for d in ["flows/.drafts", "flows/wip"] {
        std::fs::create_dir_all(root.join(d)).unwrap();
        std::fs::write(root.join(d).join("broken.yaml"), "inboundShortMessage: [\n").unwrap();
    }
    let config = std::fs::read_to_string(root.join("routecheck.yaml")).unwrap();
    std::fs::write(
        root.join("routecheck.yaml"),
        format!("{config}exclude: [rules/wip, flows/wip]\n"),
    )
    .unwrap();
    let after = run(&root, &["test"]);
    assert_eq!(after.code, 0, "{}{}", after.stdout, after.stderr);
    assert_eq!(summary(&after), summary(&before));
    // lint reads the same: the excluded and hidden flows are not loaded.
    let lint = run(&root, &["lint"]);
    assert_ne!(lint.code, 2, "{}{}", lint.stdout, lint.stderr);
    assert!(
        !lint.stderr.contains("broken") && !lint.stderr.contains("wip"),
        "{}",
        lint.stderr
    );
}

#[cfg(unix)]
#[test]
fn a_fifo_in_a_rules_directory_is_refused_at_its_path() {
    let (_tmp, root) = project();
    let fifo = root.join("rules/pipe.yaml");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        return;
    }
    let o = run(&root, &["test"]);
    assert_eq!(o.code, 2, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stderr.contains("pipe.yaml") && o.stderr.contains("FIFO"),
        "{}",
        o.stderr
    );
}
