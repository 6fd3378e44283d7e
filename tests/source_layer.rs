//! The one source layer end to end (issue 10): what every command does with a FIFO, a
//! directory, a line past column 65,535, a closed or full stdout, a symlinked or device
//! report path, duplicate keys, unknown tags and deep nesting. Every bad input ends in
//! exit 2 with a located message and never a panic or a hang.

use std::path::Path;
use std::process::{Command as StdCommand, Stdio};
use std::time::Duration;

use assert_cmd::Command;

/// `trace` of the tiny flow with the fixture, as laid out by [`project`].
const TRACE: [&str; 5] = ["trace", "--flow", "flow.yaml", "--fixture", "fx.json"];

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

struct Out {
    code: Option<i32>,
    all: String,
    stdout: String,
}

/// Run routecheck in `dir`; killed after 20 s (a hang is a failure, not a stuck suite).
fn run(dir: &Path, args: &[&str]) -> Out {
    let out = Command::cargo_bin("routecheck")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let all = format!("{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(!all.contains("panicked"), "{args:?} panicked:\n{all}");
    Out {
        code: out.status.code(),
        all,
        stdout,
    }
}

fn refused(dir: &Path, args: &[&str], fragments: &[&str]) {
    let o = run(dir, args);
    assert_eq!(o.code, Some(2), "{args:?}:\n{}", o.all);
    for f in fragments {
        assert!(o.all.contains(f), "{args:?} lacks `{f}`:\n{}", o.all);
    }
}

/// A working directory with the tiny flow, a fixture and a rules file.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::copy(
        repo().join("tests/bad-inputs/tiny-flow.yaml"),
        p.join("flow.yaml"),
    )
    .unwrap();
    std::fs::copy(repo().join("fixtures/platinum-vip.json"), p.join("fx.json")).unwrap();
    std::fs::write(
        p.join("rules.yaml"),
        "suite: x\ncases:\n  - name: a\n    fixture: fx.json\n    expect: [ {condition: \"true\"} ]\n",
    )
    .unwrap();
    dir
}

#[cfg(unix)]
fn mkfifo(p: &Path) {
    let ok = StdCommand::new("mkfifo").arg(p).status().unwrap().success();
    assert!(ok, "mkfifo {}", p.display());
}

#[cfg(unix)]
#[test]
fn a_fifo_is_refused_at_once_by_every_command() {
    let dir = project();
    let p = dir.path();
    mkfifo(&p.join("pipe.yaml"));
    mkfifo(&p.join("pipe.json"));
    let fifo = ["named pipe (FIFO)"];
    refused(p, &["test", "pipe.yaml"], &[]);
    refused(
        p,
        &["trace", "--flow", "pipe.yaml", "--fixture", "fx.json"],
        &["pipe.yaml:1:1", fifo[0]],
    );
    refused(
        p,
        &["trace", "--flow", "flow.yaml", "--fixture", "pipe.json"],
        &["pipe.json:1:1", fifo[0]],
    );
    refused(
        p,
        &[&TRACE[..], &["--stubs", "pipe.yaml"]].concat(),
        &["pipe.yaml:1:1", fifo[0]],
    );
    refused(
        p,
        &["lint", "--manifest", "pipe.yaml"],
        &["pipe.yaml", fifo[0]],
    );
    refused(p, &["lint", "--flow", "pipe.yaml"], &["pipe.yaml", fifo[0]]);
    // A directory scan that meets a `*.json` FIFO.
    let fixtures = p.join("fixtures");
    std::fs::create_dir(&fixtures).unwrap();
    std::fs::copy(p.join("fx.json"), fixtures.join("a.json")).unwrap();
    mkfifo(&fixtures.join("b.json"));
    refused(
        p,
        &["snapshot", "check", "fixtures", "--from", "fixtures"],
        &["b.json", fifo[0]],
    );
}

#[test]
fn a_directory_given_as_a_file_is_refused() {
    let dir = project();
    std::fs::create_dir(dir.path().join("d.yaml")).unwrap();
    refused(
        dir.path(),
        &["trace", "--flow", "d.yaml", "--fixture", "fx.json"],
        &["d.yaml:1:1", "a directory"],
    );
}

/// A one-line file with an error past column 65,535.
#[test]
fn an_error_far_along_one_line_is_shown_as_a_window() {
    let dir = project();
    let p = dir.path();
    let pad = "x".repeat(70_000);
    // Rules: an unknown key at column 70,000-odd of a flow-style document.
    std::fs::write(
        p.join("wide.yaml"),
        format!(
            "{{suite: \"{pad}\", cases: [{{name: a, fixture: fx.json, expct: [{{condition: \"true\"}}]}}]}}\n"
        ),
    )
    .unwrap();
    let junit = p.join("junit.xml");
    refused(
        p,
        &["test", "wide.yaml", "--junit", junit.to_str().unwrap()],
        &["wide.yaml:1:700", "unknown key `expct`"],
    );
    assert!(
        std::fs::read_to_string(&junit)
            .unwrap()
            .contains("errors=\"1\"")
    );
    // A fixture whose JSON breaks far along its one line.
    std::fs::write(
        p.join("wide.json"),
        format!("{{\"id\": \"{pad}\", \"participants\": [}}"),
    )
    .unwrap();
    refused(
        p,
        &["trace", "--flow", "flow.yaml", "--fixture", "wide.json"],
        &["wide.json:1:700"],
    );
    std::fs::create_dir(p.join("snap")).unwrap();
    std::fs::copy(p.join("wide.json"), p.join("snap/wide.json")).unwrap();
    refused(
        p,
        &["snapshot", "check", "snap", "--from", "snap"],
        &["wide.json:1:700"],
    );
}

#[cfg(unix)]
#[test]
fn a_full_stdout_is_an_error_and_a_closed_one_a_quiet_exit() {
    let bin = assert_cmd::cargo::cargo_bin("routecheck");
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = StdCommand::new(&bin)
        .arg("schema")
        .stdout(full)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("cannot write to stdout"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    // The reader goes away before anything is written.
    let mut child = StdCommand::new(&bin)
        .arg("schema")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert!(matches!(out.status.code(), Some(0 | 2)), "{:?}", out.status);
}

#[cfg(unix)]
#[test]
fn junit_follows_links_inside_the_project_refuses_devices_and_dash_is_stdout() {
    let dir = project();
    let p = dir.path();
    // A symlinked report inside the project: the link stays, its target gets the report.
    std::fs::create_dir(p.join("reports")).unwrap();
    std::os::unix::fs::symlink("reports/real.xml", p.join("junit.xml")).unwrap();
    std::fs::write(p.join("reports/real.xml"), "").unwrap();
    let o = run(p, &["test", "rules.yaml", "--junit", "junit.xml"]);
    assert_eq!(o.code, Some(0), "{}", o.all);
    assert!(
        std::fs::symlink_metadata(p.join("junit.xml"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(p.join("reports/real.xml"))
            .unwrap()
            .contains("<testsuites")
    );
    // `-` is stdout.
    let o = run(
        p,
        &["test", "rules.yaml", "--format", "json", "--junit", "-"],
    );
    assert_eq!(o.code, Some(0), "{}", o.all);
    assert!(o.stdout.contains("<testsuites"), "{}", o.stdout);
    // /dev/stdout (here a pipe, through /proc's magic link) and a device are refused
    // before the run: a write to either could block; `-` is the way to stdout.
    let o = run(p, &["test", "rules.yaml", "--junit", "/dev/stdout"]);
    assert_eq!(o.code, Some(2), "{}", o.all);
    assert!(o.all.contains("use `-` for stdout"), "{}", o.all);
    let o = run(p, &["test", "rules.yaml", "--junit", "/dev/null"]);
    assert_eq!(o.code, Some(2), "{}", o.all);
    assert!(o.all.contains("it is a device"), "{}", o.all);
    // A directory is refused clearly.
    let o = run(p, &["test", "rules.yaml", "--junit", "reports"]);
    assert_eq!(o.code, Some(2), "{}", o.all);
    assert!(o.all.contains("a directory"), "{}", o.all);
}

/// A flow whose start state nests `depth` decisions, each in the previous one's `yes`.
fn nested_decisions(depth: usize) -> String {
    let mut s = String::from(
        "inboundShortMessage:\n  name: Deep\n  startUpRef: \"/inboundShortMessage/states/state[Initial State_10]\"\n  defaultLanguage: en-us\n  supportedLanguages:\n    en-us:\n      defaultLanguageSkill:\n        noValue: true\n  states:\n    - state:\n        name: Initial State\n        refId: Initial State_10\n        actions:\n",
    );
    let mut indent = 10;
    for i in 0..depth {
        let pad = " ".repeat(indent);
        s.push_str(&format!(
            "{pad}- decision:\n{pad}    name: D{i}\n{pad}    condition:\n{pad}      exp: \"true\"\n{pad}    outputs:\n{pad}      \"yes\":\n{pad}        actions:\n"
        ));
        indent += 10;
    }
    let pad = " ".repeat(indent);
    s.push_str(&format!("{pad}- disconnect:\n{pad}    name: End\n"));
    s
}

#[test]
fn deeply_nested_flows_load_and_run() {
    let dir = project();
    for depth in [12, 200] {
        std::fs::write(dir.path().join("deep.yaml"), nested_decisions(depth)).unwrap();
        let o = run(
            dir.path(),
            &["trace", "--flow", "deep.yaml", "--fixture", "fx.json"],
        );
        assert_eq!(o.code, Some(0), "depth {depth}:\n{}", o.all);
        assert!(o.all.contains(&format!("D{}", depth - 1)), "{}", o.all);
    }
}

#[test]
fn unknown_tags_and_duplicate_keys_are_refused_in_every_yaml_file() {
    let dir = project();
    let p = dir.path();
    let flow = std::fs::read_to_string(p.join("flow.yaml")).unwrap();
    for (name, text, fragment) in [
        (
            "tag.yaml",
            flow.replace("name: Tiny", "name: !foo Tiny"),
            "unknown tag `!foo`",
        ),
        (
            "bin.yaml",
            flow.replace("name: Tiny", "name: !!binary VGlueQ=="),
            "unknown tag `!!binary`",
        ),
        (
            "dup.yaml",
            flow.replace("  name: Tiny\n", "  name: Tiny\n  name: Tiny\n"),
            "duplicate key `name`",
        ),
    ] {
        std::fs::write(p.join(name), text).unwrap();
        refused(
            p,
            &["trace", "--flow", name, "--fixture", "fx.json"],
            &[&format!("{name}:"), fragment],
        );
    }
    std::fs::write(
        p.join("r.yaml"),
        "suite: !!binary eA==\ncases:\n  - name: a\n    fixture: fx.json\n    expect: [ {condition: \"true\"} ]\n",
    )
    .unwrap();
    refused(
        p,
        &["test", "r.yaml"],
        &["r.yaml:1:8", "unknown tag `!!binary`"],
    );
    std::fs::write(
        p.join("s.yaml"),
        "Disconnect: {output: a}\nDisconnect: {output: b}\n",
    )
    .unwrap();
    refused(
        p,
        &[&TRACE[..], &["--stubs", "s.yaml"]].concat(),
        &["s.yaml:2:1", "duplicate key `Disconnect`"],
    );
    std::fs::write(p.join("m.yaml"), "attributes:\n  a: 1\n  a: 2\n").unwrap();
    refused(
        p,
        &["lint", "--manifest", "m.yaml"],
        &["m.yaml:3:3", "duplicate key `a`"],
    );
}

#[test]
fn fixtures_refuse_duplicate_keys_and_deep_nesting_nobody_reads() {
    let dir = project();
    let p = dir.path();
    let fx = std::fs::read_to_string(p.join("fx.json")).unwrap();
    let dup = fx.replacen(
        "\"attributes\": {",
        "\"attributes\": {\"Tier\": \"gold\", \"Tier\": \"platinum\", ",
        1,
    );
    assert_ne!(dup, fx, "the fixture has attributes");
    std::fs::write(p.join("fx.json"), &dup).unwrap();
    refused(
        p,
        &["test", "rules.yaml"],
        &["rules.yaml:4:14", "duplicate key `Tier`"],
    );
    let deep = format!(
        "{{\"unread\": {}{}, {}",
        "[".repeat(10_000),
        "]".repeat(10_000),
        fx.trim_start().trim_start_matches('{')
    );
    std::fs::write(p.join("fx.json"), deep).unwrap();
    refused(
        p,
        &["test", "rules.yaml"],
        &["rules.yaml:4:14", "recursion limit exceeded"],
    );
}
