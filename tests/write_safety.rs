//! Issue #29's write rule end to end, writer by writer: a symlink in the project that
//! leads outside it or dangles is refused naming it (exit 2, the file outside untouched),
//! a FIFO is refused without blocking, `inject --manifest` is judged before the PATCH, and
//! a path outside the project named on the command line is written as named.
#![cfg(unix)]

use crate::support;

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

use support::{Mock, Run, WEB_ID, run_cli};

/// `<tmp>/work` (the project, working directory) with a rules file, fixture and flow, and
/// `<tmp>/victim.txt`, the runner's file a planted link aims at.
struct Project {
    tmp: tempfile::TempDir,
    mock: Mock,
}

const VICTIM: &str = "the runner's own file\n";

impl Project {
    fn new() -> Project {
        let tmp = tempfile::tempdir().unwrap();
        let work = tmp.path().join("work");
        std::fs::create_dir_all(work.join("reports")).unwrap();
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        std::fs::copy(
            repo.join("tests/bad-inputs/tiny-flow.yaml"),
            work.join("flow.yaml"),
        )
        .unwrap();
        std::fs::copy(
            repo.join("fixtures/platinum-vip.json"),
            work.join("fx.json"),
        )
        .unwrap();
        std::fs::write(
            work.join("rules.yaml"),
            "suite: x\ncases:\n  - name: a\n    fixture: fx.json\n    expect: [ {condition: \"true\"} ]\n",
        )
        .unwrap();
        std::fs::write(tmp.path().join("victim.txt"), VICTIM).unwrap();
        Project {
            tmp,
            mock: Mock::start(),
        }
    }

    fn work(&self) -> PathBuf {
        self.tmp.path().join("work")
    }

    fn victim(&self) -> PathBuf {
        self.tmp.path().join("victim.txt")
    }

    fn run(&self, args: &[&str]) -> Run {
        self.run_env(&[], args)
    }

    fn run_env(&self, extra: &[(&'static str, String)], args: &[&str]) -> Run {
        let mut env = self.mock.env();
        env.extend(extra.iter().cloned());
        run_cli(Some(&self.work()), &env, args)
    }

    /// `rel` (inside the project) becomes a link out to the victim, a dangling link, or a
    /// FIFO; each run of `args` must be refused naming `rel`, leaving the victim as it was.
    fn refuses_each_plant(&self, rel: &str, args: &[&str]) {
        self.refuses(rel, args, &["outside", "dangling", "fifo"]);
    }

    fn refuses(&self, rel: &str, args: &[&str], plants: &[&str]) {
        let at = self.work().join(rel);
        std::fs::create_dir_all(at.parent().unwrap()).unwrap();
        for &plant in plants {
            let _ = std::fs::remove_file(&at);
            match plant {
                "outside" => symlink(self.victim(), &at).unwrap(),
                "dangling" => symlink(self.tmp.path().join("made-by-ci.txt"), &at).unwrap(),
                _ => {
                    let made = std::process::Command::new("mkfifo").arg(&at).status();
                    if !made.is_ok_and(|s| s.success()) {
                        continue;
                    }
                }
            }
            let r = self.run(args);
            let all = flat(&format!("{}{}", r.stdout, r.stderr));
            let said = match plant {
                "outside" => "leading outside the project root",
                "dangling" => "that dangles",
                _ => "a named pipe (FIFO)",
            };
            // A FIFO that blocked would be killed by run_cli's timeout (code -1).
            assert_eq!(r.code, 2, "{args:?} onto {plant} {rel}: {all}");
            assert!(all.contains(rel), "{args:?} names {rel}: {all}");
            assert!(all.contains(said), "{args:?} onto {plant}: {all}");
            assert!(!all.contains("panicked"), "{all}");
            assert_eq!(std::fs::read_to_string(self.victim()).unwrap(), VICTIM);
            assert!(!self.tmp.path().join("made-by-ci.txt").exists(), "{args:?}");
        }
        let _ = std::fs::remove_file(&at);
    }
}

/// Output with miette's wrapping undone: one space between words.
fn flat(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c == '│')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn reports_and_generated_files_refuse_planted_links_and_fifos() {
    let p = Project::new();
    let junit = "reports/junit.xml";
    p.refuses_each_plant(junit, &["test", "rules.yaml", "--junit", junit]);
    p.refuses_each_plant(
        junit,
        &["test", "rules.yaml", "--format", "json", "--junit", junit],
    );
    let summary = "reports/summary.md";
    p.refuses_each_plant(summary, &["test", "rules.yaml", "--summary", summary]);
    p.refuses_each_plant(
        "rules/gen.yaml",
        &["gen", "--flow", "flow.yaml", "--out", "rules/gen.yaml"],
    );
    // `init`'s routecheck.yaml: a link out is an existing file, which init never
    // overwrites; a dangling one is refused by the writer.
    p.refuses("routecheck.yaml", &["init"], &["dangling"]);
    symlink(p.victim(), p.work().join("routecheck.yaml")).unwrap();
    assert_eq!(p.run(&["init"]).code, 2);
    assert_eq!(std::fs::read_to_string(p.victim()).unwrap(), VICTIM);
}

#[test]
fn a_directory_link_on_the_way_out_is_named() {
    let p = Project::new();
    let elsewhere = p.tmp.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    symlink(&elsewhere, p.work().join("out")).unwrap();
    let r = p.run(&["test", "rules.yaml", "--junit", "out/deep/junit.xml"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("out is a symlink leading outside"),
        "{}",
        r.stderr
    );
    assert!(
        support::files_under(&elsewhere).is_empty(),
        "nothing created there"
    );
}

#[test]
fn the_job_summary_file_is_never_opened_when_it_is_a_fifo() {
    let p = Project::new();
    let fifo = p.tmp.path().join("step-summary");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        return;
    }
    let env = [("GITHUB_STEP_SUMMARY", fifo.display().to_string())];
    let r = p.run_env(&env, &["test", "rules.yaml", "--summary"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        flat(&r.stderr).contains("a named pipe (FIFO)"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_path_outside_the_project_is_written_as_named() {
    let p = Project::new();
    // The user's own link outside the project (as `$RUNNER_TEMP` may be): followed.
    symlink(p.victim(), p.tmp.path().join("junit-link.xml")).unwrap();
    let named = p.tmp.path().join("junit-link.xml");
    let r = p.run(&["test", "rules.yaml", "--junit", named.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        std::fs::read_to_string(p.victim())
            .unwrap()
            .contains("<testsuites")
    );
}

#[test]
fn record_snapshot_and_accept_refuse_planted_links_and_fifos() {
    let p = Project::new();
    let fixture = format!("fixtures/{WEB_ID}.json");
    let r = p.run(&["record", WEB_ID, "--out", "fixtures"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let recorded = std::fs::read_to_string(p.work().join(&fixture)).unwrap();
    // `record --update` over a planted fixture.
    let saved = p.work().join("saved.json");
    std::fs::rename(p.work().join(&fixture), &saved).unwrap();
    p.refuses_each_plant(
        &fixture,
        &["record", WEB_ID, "--out", "fixtures", "--update"],
    );
    std::fs::rename(&saved, p.work().join(&fixture)).unwrap();
    // A planted `.new` beside a fixture the org has changed under.
    assert!(p.mock.edit_conversation(WEB_ID, |c| {
        c["participants"][0]["attributes"]["Tier"] = serde_json::json!("changed");
    }));
    let pending = format!("{fixture}.new");
    p.refuses_each_plant(&pending, &["snapshot", "check"]);
    // `snapshot accept` onto a fixture that became a link out.
    let r = p.run(&["snapshot", "check"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    std::fs::remove_file(p.work().join(&fixture)).unwrap();
    symlink(p.victim(), p.work().join(&fixture)).unwrap();
    let r = p.run(&["snapshot", "accept"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("symlink"), "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(p.victim()).unwrap(), VICTIM);
    assert_ne!(recorded, VICTIM);
}

#[test]
fn inject_judges_its_manifest_before_the_patch_is_sent() {
    let p = Project::new();
    let manifest = "reports/sent.yaml";
    p.refuses_each_plant(
        manifest,
        &["inject", WEB_ID, "Tier=gold", "--manifest", manifest],
    );
    assert!(
        !p.mock.seen().iter().any(|s| s.method == "PATCH"),
        "nothing was sent: {:?}",
        p.mock.seen()
    );
    let r = p.run(&["inject", WEB_ID, "Tier=gold", "--manifest", "/dev/null"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.all().contains("nothing was sent"), "{}", r.stderr);
    assert!(!p.mock.seen().iter().any(|s| s.method == "PATCH"));
}
