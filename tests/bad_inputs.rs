//! End-to-end: every kind of bad input a team's CI can feed routecheck must end in exit 2,
//! a located message, no panic, and no report that could read as a pass.
//!
//! The corpus is data: `tests/bad-inputs/<case>/` holds the input files and an
//! `expect.json` (see [`Expect`]). Inputs too large to commit (10,000-deep nesting, alias
//! bombs) are generated here into a temporary directory and checked the same way.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde::Deserialize;

use crate::support::copy_dir_except;

/// What one case runs and must produce.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    /// Why the case exists.
    #[allow(dead_code)]
    about: String,
    /// Arguments after `routecheck`, run in the case's copy as working directory.
    args: Vec<String>,
    /// The exit code (bad input is always 2).
    #[serde(default = "usage_exit")]
    exit: i32,
    /// Fragments stdout + stderr must contain (locations as `file:line:col`).
    output: Vec<String>,
    /// Files to copy from the repository into the case's copy (name → repo path).
    #[serde(default)]
    copy: BTreeMap<String, String>,
    /// Files to copy from the repository next to (outside) the working directory.
    #[serde(default)]
    outside: BTreeMap<String, String>,
    /// Symlinks to create in the case's copy (name → target).
    #[serde(default)]
    symlinks: BTreeMap<String, String>,
    /// Empty directories to create in the case's copy.
    #[serde(default)]
    mkdir: Vec<String>,
    /// Fragments for the matrix's `lint` runs, where they differ from `output`.
    #[serde(default)]
    lint_output: Option<Vec<String>>,
    /// Fragments for the matrix's `test` runs, where they differ from `output`.
    #[serde(default)]
    test_output: Option<Vec<String>>,
    /// Why the case is not run as `test` and `lint` in every format (it is about another
    /// command's own input), if it is not.
    #[serde(default)]
    matrix_skip: Option<String>,
}

fn usage_exit() -> i32 {
    2
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Lay out `<tmp>/work` (the working directory) and `<tmp>` (outside it) for a case.
fn prepare(expect: &Expect, inputs: Option<&Path>, tmp: &Path) -> PathBuf {
    let work = tmp.join("work");
    match inputs {
        Some(dir) => copy_dir_except(dir, &work, &["expect.json"]),
        None => std::fs::create_dir_all(&work).unwrap(),
    }
    for (name, from) in &expect.copy {
        std::fs::copy(repo().join(from), work.join(name)).unwrap();
    }
    for (name, from) in &expect.outside {
        std::fs::copy(repo().join(from), tmp.join(name)).unwrap();
    }
    for dir in &expect.mkdir {
        std::fs::create_dir_all(work.join(dir)).unwrap();
    }
    for (name, target) in &expect.symlinks {
        #[cfg(unix)]
        std::os::unix::fs::symlink(target, work.join(name)).unwrap();
        #[cfg(not(unix))]
        let _ = (name, target);
    }
    work
}

/// Run one invocation; every problem found, as lines (empty when it behaved).
fn run_once(name: &str, expect: &Expect, work: &Path, junit: Option<&Path>) -> Vec<String> {
    let mut cmd = Command::cargo_bin("routecheck").unwrap();
    cmd.current_dir(work)
        .env("NO_COLOR", "1")
        .args(&expect.args);
    if let Some(j) = junit {
        cmd.arg("--junit").arg(j);
    }
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let all = format!("{stdout}{stderr}");
    let mode = if junit.is_some() { " (--junit)" } else { "" };
    let mut problems = Vec::new();
    let mut problem = |p: String| problems.push(format!("{name}{mode}: {p}"));
    match out.status.code() {
        Some(c) if c == expect.exit => {}
        Some(c) => problem(format!("exit {c}, want {}", expect.exit)),
        None => problem("killed by a signal (stack overflow?)".into()),
    }
    if all.contains("panicked") {
        problem(format!("panicked:\n{stderr}"));
    }
    for fragment in &expect.output {
        if !all.contains(fragment.as_str()) {
            problem(format!("output lacks `{fragment}`:\n{all}"));
        }
    }
    if all.contains('✓') {
        problem(format!("output shows a pass mark:\n{stdout}"));
    }
    if expect.args.first().is_some_and(|c| c == "test") {
        let summary = stdout.lines().rev().find(|l| !l.trim().is_empty());
        if !summary.is_some_and(|l| l.contains("error") || l.contains("failed: 1")) {
            problem(format!(
                "the summary line does not report errors:\n{stdout}"
            ));
        }
    }
    if let Some(j) = junit {
        match std::fs::read_to_string(j) {
            Ok(xml) => {
                if junit_problems(&xml) == 0 {
                    problem(format!(
                        "the JUnit report records no error or failure:\n{xml}"
                    ));
                }
            }
            Err(e) => problem(format!("no JUnit report written: {e}")),
        }
    }
    problems
}

/// The largest `errors=` or `failures=` count in a JUnit file.
fn junit_problems(xml: &str) -> u64 {
    let mut most = 0;
    for attr in ["errors=\"", "failures=\""] {
        for (i, _) in xml.match_indices(attr) {
            let rest = &xml[i + attr.len()..];
            let n: String = rest.chars().take_while(char::is_ascii_digit).collect();
            most = most.max(n.parse().unwrap_or(0));
        }
    }
    most
}

/// Run a case (plus once more with `--junit` for `test`); every problem found.
fn check(name: &str, expect: &Expect, inputs: Option<&Path>) -> Vec<String> {
    let tmp = tempfile::tempdir().unwrap();
    let work = prepare(expect, inputs, tmp.path());
    let mut problems = run_once(name, expect, &work, None);
    let own_junit = expect.args.iter().any(|a| a == "--junit");
    if expect.args.first().is_some_and(|c| c == "test") && !own_junit {
        let junit = tmp.path().join("junit.xml");
        problems.extend(run_once(name, expect, &work, Some(&junit)));
    }
    problems
}

#[test]
fn the_corpus() {
    let root = repo().join("tests/bad-inputs");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    names.sort();
    assert!(names.len() >= 30, "the corpus shrank: {names:?}");
    let mut problems = Vec::new();
    for dir in &names {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(dir.join("expect.json"))
            .unwrap_or_else(|e| panic!("{name}/expect.json: {e}"));
        let expect: Expect =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}/expect.json: {e}"));
        problems.extend(check(&name, &expect, Some(dir)));
        problems.extend(crate::bad_inputs_matrix::check(
            &name,
            &expect_cells(&expect),
            |tmp| prepare(&expect, Some(dir), tmp),
        ));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

/// A case as the matrix runs it: its inputs named for `test` and for `lint`.
fn expect_cells(expect: &Expect) -> crate::bad_inputs_matrix::Case {
    crate::bad_inputs_matrix::Case {
        args: expect.args.clone(),
        output: expect.output.clone(),
        lint_output: expect.lint_output.clone(),
        test_output: expect.test_output.clone(),
        skip: expect.matrix_skip.clone(),
    }
}

/// A generated case: `files` written into the working directory.
fn generated(name: &str, files: &[(&str, Vec<u8>)], args: &[&str], output: &[&str]) {
    let src = tempfile::tempdir().unwrap();
    for (file, bytes) in files {
        std::fs::write(src.path().join(file), bytes).unwrap();
    }
    let mut copy = BTreeMap::new();
    if !files.iter().any(|(f, _)| *f == "fx.json") {
        copy.insert(
            "fx.json".to_owned(),
            "fixtures/platinum-vip.json".to_owned(),
        );
    }
    let expect = Expect {
        args: args.iter().map(|s| (*s).to_owned()).collect(),
        exit: 2,
        output: output.iter().map(|s| (*s).to_owned()).collect(),
        copy,
        ..Expect::default()
    };
    let problems = check(name, &expect, Some(src.path()));
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

const DEPTH: usize = 10_000;

fn nested(open: &str, inner: &str, close: &str) -> String {
    format!("{}{inner}{}", open.repeat(DEPTH), close.repeat(DEPTH))
}

/// Nine levels of nine references each: 9^9 nodes if expanded.
fn alias_bomb(last_key: &str) -> Vec<u8> {
    let mut s = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let mut prev = 'a';
    for c in "bcdefghi".chars() {
        let refs = vec![format!("*{prev}"); 9].join(",");
        s.push_str(&format!("{c}: &{c} [{refs}]\n"));
        prev = c;
    }
    s.push_str(&format!("{last_key}: *i\n"));
    s.into_bytes()
}

fn rules_with_fixture(fixture: &str) -> Vec<u8> {
    format!(
        "suite: x\ncases:\n  - name: a\n    fixture: {fixture}\n    expect: [ {{condition: \"true\"}} ]\n"
    )
    .into_bytes()
}

const TEST: &[&str] = &["test", "rules.yaml"];
const TRACE: &[&str] = &["trace", "--flow", "flow.yaml", "--fixture", "fx.json"];

#[test]
fn rules_alias_bomb() {
    let mut rules = alias_bomb("anchors");
    rules.extend_from_slice(b"suite: x\ncases: []\n");
    generated(
        "rules-alias-bomb",
        &[("rules.yaml", rules)],
        TEST,
        &["rules.yaml:6:", "invalid YAML", "budget"],
    );
}

#[test]
fn rules_deep_flow_sequences() {
    let rules = format!("suite: x\ncases: {}\n", nested("[", "", "]"));
    generated(
        "rules-deep-flow-sequences",
        &[("rules.yaml", rules.into_bytes())],
        TEST,
        &["rules.yaml:2:", "invalid YAML"],
    );
}

#[test]
fn rules_deep_block_sequences() {
    let rules = format!("suite: x\ncases:\n  {}x\n", "- ".repeat(DEPTH));
    generated(
        "rules-deep-block-sequences",
        &[("rules.yaml", rules.into_bytes())],
        TEST,
        &["rules.yaml:3:", "invalid YAML"],
    );
}

#[test]
fn rules_deep_json_objects() {
    let rules = format!(
        "{{\"suite\": \"x\", \"cases\": {}}}",
        nested("{\"a\": ", "1", "}")
    );
    generated(
        "rules-deep-json-objects",
        &[("rules.yaml", rules.into_bytes())],
        TEST,
        &["rules.yaml:1:", "invalid YAML"],
    );
}

#[test]
fn fixture_deep_json_arrays() {
    generated(
        "fixture-deep-json-arrays",
        &[
            ("rules.yaml", rules_with_fixture("fx.json")),
            ("fx.json", nested("[", "", "]").into_bytes()),
        ],
        TEST,
        &[
            "rules.yaml:4:14",
            "fx.json:1:",
            "not a conversation payload",
        ],
    );
}

#[test]
fn fixture_deep_json_inside_a_conversation() {
    let in_attributes = format!(
        "{{\"id\": \"c\", \"participants\": [{{\"purpose\": \"customer\", \"attributes\": {{\"deep\": {}}}}}]}}",
        nested("[", "\"v\"", "]")
    );
    let in_participants = format!("{{\"participants\": [{}]}}", nested("{\"a\": ", "1", "}"));
    for (name, fx) in [
        ("fixture-deep-json-in-attributes", in_attributes),
        ("fixture-deep-json-in-participants", in_participants),
    ] {
        generated(
            name,
            &[
                ("rules.yaml", rules_with_fixture("fx.json")),
                ("fx.json", fx.into_bytes()),
            ],
            TEST,
            &["rules.yaml:4:14", "fx.json:1:"],
        );
    }
}

#[test]
fn flow_alias_bomb() {
    generated(
        "flow-alias-bomb",
        &[("flow.yaml", alias_bomb("inboundShortMessage"))],
        TRACE,
        &["flow.yaml:6:", "invalid YAML", "budget"],
    );
}

#[test]
fn stubs_alias_bomb() {
    generated(
        "trace-stubs-alias-bomb",
        &[
            (
                "flow.yaml",
                std::fs::read(repo().join("tests/bad-inputs/tiny-flow.yaml")).unwrap(),
            ),
            ("stubs.yaml", alias_bomb("Call Data Action")),
        ],
        &[TRACE, &["--stubs", "stubs.yaml"]].concat(),
        &["stubs.yaml:6:", "invalid YAML", "budget"],
    );
}

#[test]
fn flow_deep_nesting() {
    for (name, flow) in [
        (
            "flow-deep-flow-sequences",
            format!("inboundShortMessage: {}\n", nested("[", "", "]")),
        ),
        (
            "flow-deep-block-sequences",
            format!(
                "inboundShortMessage:\n  states:\n    {}x\n",
                "- ".repeat(DEPTH)
            ),
        ),
        (
            "flow-deep-json-objects",
            format!(
                "{{\"inboundShortMessage\": {}}}",
                nested("{\"a\": ", "1", "}")
            ),
        ),
    ] {
        generated(
            name,
            &[("flow.yaml", flow.into_bytes())],
            TRACE,
            &["flow.yaml:", "invalid YAML"],
        );
    }
}

#[test]
fn trace_deep_fixture() {
    generated(
        "trace-deep-fixture",
        &[
            (
                "flow.yaml",
                std::fs::read(repo().join("tests/bad-inputs/tiny-flow.yaml")).unwrap(),
            ),
            (
                "fx.json",
                format!("{{\"participants\": [{}]}}", nested("{\"a\": ", "1", "}")).into_bytes(),
            ),
        ],
        TRACE,
        // Nesting nobody reads is refused as `snapshot check` refuses it.
        &["fx.json:1:", "recursion limit exceeded"],
    );
}
