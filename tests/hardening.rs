//! Issue #29's offline points end to end: `lint` refuses what `test` refuses, located,
//! in every format; long values are cut in every report; an error about a path a file
//! names is located at that file's line.

use std::path::Path;

use serde_json::Value;

use crate::support::{Run, run_in};

fn repo(rel: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// A working directory with the tiny flow, a fixture and `rules.yaml` holding `rules`.
fn project(rules: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        repo("tests/bad-inputs/tiny-flow.yaml"),
        dir.path().join("flow.yaml"),
    )
    .unwrap();
    std::fs::copy(
        repo("fixtures/platinum-vip.json"),
        dir.path().join("fx.json"),
    )
    .unwrap();
    std::fs::write(dir.path().join("rules.yaml"), rules).unwrap();
    dir
}

/// The error `format` shows for a located diagnostic, as `(file, line, col)`.
fn located(format: &str, run: &Run) -> Vec<(String, u64, u64)> {
    match format {
        "json" => {
            let doc: Value = serde_json::from_str(&run.stdout)
                .unwrap_or_else(|e| panic!("not one JSON document ({e}):\n{}", run.dump()));
            // Load errors in `errors`, then each case's own `error`.
            let cases = doc["suites"]
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|s| s["cases"].as_array().into_iter().flatten())
                .map(|c| &c["error"])
                .filter(|e| !e.is_null());
            doc["errors"]
                .as_array()
                .unwrap_or_else(|| panic!("no `errors`:\n{}", run.dump()))
                .iter()
                .chain(cases)
                .map(|e| {
                    let l = &e["location"];
                    (
                        l["file"].as_str().unwrap_or_default().to_owned(),
                        l["line"].as_u64().unwrap_or(0),
                        l["col"].as_u64().unwrap_or(0),
                    )
                })
                .collect()
        }
        "github" => run
            .stdout
            .lines()
            .filter_map(|l| l.strip_prefix("::error file="))
            .map(|l| {
                let field = |k: &str| {
                    l.split([',', ':'])
                        .find_map(|p| p.strip_prefix(k))
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(0)
                };
                let file = l.split(',').next().unwrap_or_default().to_owned();
                (file, field("line="), field("col="))
            })
            .collect(),
        _ => {
            // miette's frame of a load error, `╭─[rules.yaml:5:5]`, or a case error's own
            // line under its name, `    rules.yaml:4:14`.
            let place = |s: &str| {
                let mut parts = s.rsplitn(3, ':');
                let col = parts.next()?.parse().ok()?;
                let line = parts.next()?.parse().ok()?;
                Some((parts.next()?.to_owned(), line, col))
            };
            let framed = run
                .stderr
                .split("╭─[")
                .skip(1)
                .filter_map(|s| s.split(']').next())
                .filter_map(place);
            let listed = run
                .stdout
                .lines()
                .filter(|l| l.starts_with("    ") && !l.trim().contains(' '))
                .filter_map(|l| place(l.trim()));
            framed.chain(listed).collect()
        }
    }
}

const FORMATS: &[&str] = &["human", "json", "github"];

#[test]
fn lint_refuses_a_rules_file_that_test_refuses_in_every_format() {
    for (rules, at, words) in [
        (
            "suite: x\ncases:\n  - name: a\n    fixture: fx.json\n    expct: [ {condition: \"true\"} ]\n",
            (5, 5),
            "unknown key `expct`",
        ),
        (
            "suite: x\ncases:\n  - name: a\n    fixture: fx.json\n    expect: [ {condition: \"Flow.Tier == (\"} ]\n",
            (5, 42),
            "expected",
        ),
    ] {
        let dir = project(rules);
        // With a flow (so something else would be checked) and without one.
        for flow in [&["--flow", "flow.yaml"][..], &[]] {
            for format in FORMATS {
                let args = [
                    &["lint", "--rules", "rules.yaml", "--format", format][..],
                    flow,
                ]
                .concat();
                let run = run_in(dir.path(), &args);
                assert_eq!(run.code, 2, "{args:?}\n{}", run.dump());
                let found = located(format, &run);
                assert_eq!(
                    found.first(),
                    Some(&("rules.yaml".to_owned(), at.0, at.1)),
                    "{args:?}: the rules file's own error first\n{}",
                    run.dump()
                );
                assert!(run.all().contains(words), "{args:?}\n{}", run.dump());
                assert!(
                    !run.all().contains("nothing was checked: no flow"),
                    "{args:?}: a usage error hides the rules file's\n{}",
                    run.dump()
                );
            }
        }
        // `test` on the same file agrees.
        let run = run_in(dir.path(), &["test", "rules.yaml", "--format", "github"]);
        assert_eq!(run.code, 2, "{}", run.dump());
        assert_eq!(
            located("github", &run).first(),
            Some(&("rules.yaml".to_owned(), at.0, at.1))
        );
    }
}

#[test]
fn long_values_are_cut_with_their_length_in_every_format() {
    let big = "x".repeat(200_000);
    let rules = [
        // A load error quoting the value.
        format!(
            "suite: x\ncases:\n  - name: a\n    fixture: {big}.json\n    expect: [ {{condition: \"true\"}} ]\n"
        ),
        // A failure whose expected value is long.
        format!(
            "suite: x\ncases:\n  - name: a\n    fixture: fx.json\n    expect:\n      - attribute: tier\n        equals: \"{big}\"\n"
        ),
        // A long case name, in every line that names the case.
        format!(
            "suite: x\ncases:\n  - name: {big}\n    fixture: fx.json\n    expect:\n      - attribute: tier\n        equals: nope\n"
        ),
    ];
    let bound = 16_000;
    for (i, text) in rules.iter().enumerate() {
        let dir = project(text);
        let p = dir.path();
        for format in FORMATS {
            let run = run_in(
                p,
                &[
                    "test",
                    "rules.yaml",
                    "--format",
                    format,
                    "--junit",
                    "j.xml",
                    "--summary",
                    "s.md",
                ],
            );
            assert!(matches!(run.code, 1 | 2), "case {i} {format}: {}", run.code);
            let junit = std::fs::read_to_string(p.join("j.xml")).unwrap();
            let summary = std::fs::read_to_string(p.join("s.md")).unwrap();
            for (what, out) in [
                ("stdout", &run.stdout),
                ("stderr", &run.stderr),
                ("junit", &junit),
                ("summary", &summary),
            ] {
                assert!(
                    out.len() < bound,
                    "case {i} {format} {what}: {} bytes",
                    out.len()
                );
            }
            // Where the value is shown, it is shown cut, with its length.
            let shown = if *format == "json" {
                &run.stdout
            } else {
                &junit
            };
            let cut_once = shown.contains("… (2000") || shown.contains("…` (2000");
            assert!(
                cut_once && shown.matches("characters)").count() >= 1,
                "case {i} {format}: {shown}"
            );
            assert!(!shown.contains("(81 characters)"), "cut twice: {shown}");
            let lint = run_in(
                p,
                &[
                    "lint",
                    "--rules",
                    "rules.yaml",
                    "--flow",
                    "flow.yaml",
                    "--format",
                    format,
                ],
            );
            assert!(
                lint.stdout.len() + lint.stderr.len() < bound,
                "lint case {i} {format}"
            );
        }
    }
    // A manifest's long non-string value is quoted in the help: bounded too.
    let dir = project("suite: x\ncases: []\n");
    std::fs::write(
        dir.path().join("m.yaml"),
        format!("attributes:\n  k: {}\n", "1".repeat(200_000)),
    )
    .unwrap();
    for format in FORMATS {
        let lint = run_in(
            dir.path(),
            &[
                "lint",
                "--manifest",
                "m.yaml",
                "--flow",
                "flow.yaml",
                "--format",
                format,
            ],
        );
        assert!(
            lint.stdout.len() + lint.stderr.len() < bound,
            "manifest {format}: {}",
            lint.dump().len()
        );
    }
}

/// Run `args` in `dir` in every format: exit 2, the first error at `at`, `words` said.
fn first_error_at(dir: &Path, args: &[&str], at: (&str, u64, u64), words: &str) {
    for format in FORMATS {
        let args = [args, &["--format", format]].concat();
        let run = run_in(dir, &args);
        assert_eq!(run.code, 2, "{args:?}\n{}", run.dump());
        assert_eq!(
            located(format, &run).first(),
            Some(&(at.0.to_owned(), at.1, at.2)),
            "{args:?}\n{}",
            run.dump()
        );
        assert!(
            run.all().contains(words),
            "{args:?}: no {words:?}\n{}",
            run.dump()
        );
    }
}

#[test]
fn a_path_a_rules_file_names_is_located_at_its_line_with_the_sibling_meant() {
    for (head, fixture, at, words) in [
        ("", "fx.jsn", (4, 14), "did you mean `fx.json`?"),
        ("", "adir", (4, 14), "fixture `adir` is not a file"),
        (
            "flow: flw.yaml\n",
            "fx.json",
            (2, 7),
            "did you mean `flow.yaml`?",
        ),
        (
            "flow: adir\n",
            "fx.json",
            (2, 7),
            "flow `adir` is not a file",
        ),
    ] {
        let dir = project(&format!(
            "suite: x\n{head}cases:\n  - name: a\n    fixture: {fixture}\n    expect: [ {{condition: \"true\"}} ]\n"
        ));
        std::fs::create_dir(dir.path().join("adir")).unwrap();
        let at = ("rules.yaml", at.0, at.1);
        first_error_at(dir.path(), &["test", "rules.yaml"], at, words);
        first_error_at(
            dir.path(),
            &["lint", "--rules", "rules.yaml", "--flow", "flow.yaml"],
            at,
            words,
        );
    }
}

#[test]
fn a_path_routecheck_yaml_names_is_located_at_its_line_for_test_and_lint() {
    let dir = project(
        "suite: x\ncases:\n  - name: a\n    fixture: ../fx.json\n    expect: [ {condition: \"true\"} ]\n",
    );
    let p = dir.path();
    std::fs::create_dir_all(p.join("rules")).unwrap();
    std::fs::rename(p.join("rules.yaml"), p.join("rules/r.yaml")).unwrap();
    std::fs::create_dir_all(p.join("infra")).unwrap();
    std::fs::write(p.join("infra/main.tf"), "").unwrap();
    let both: &[&[&str]] = &[&["test"], &["lint"]];
    let lint: &[&[&str]] = &[&["lint"]];
    for (config, commands, at, words) in [
        ("rules: [rulez]\n", both, (1, 9), "did you mean `rules`?"),
        (
            "flows: [flw.yaml]\n",
            lint,
            (1, 9),
            "did you mean `flow.yaml`?",
        ),
        (
            "manifests: [nope]\n",
            lint,
            (1, 13),
            "`manifests:` names `nope`, which does not exist",
        ),
        (
            "stubs: [rules]\n",
            both.split_at(1).0,
            (1, 9),
            "is a directory, not a file",
        ),
        ("terraform: infr\n", both, (1, 12), "did you mean `infra`?"),
        (
            "terraform: flow.yaml\n",
            both,
            (1, 12),
            "which is not a directory",
        ),
        (
            "terraform:\n  dir: infr\n",
            both,
            (2, 8),
            "did you mean `infra`?",
        ),
    ] {
        std::fs::write(p.join("routecheck.yaml"), config).unwrap();
        for args in commands {
            first_error_at(p, args, ("routecheck.yaml", at.0, at.1), words);
        }
        // From a directory below, the file is named as reached from there.
        std::fs::create_dir_all(p.join("rules/sub")).unwrap();
        let below = p.join("rules/sub");
        let run = run_in(&below, &[commands[0][0], "--format", "github"]);
        assert_eq!(run.code, 2, "{config}\n{}", run.dump());
        assert!(
            run.stdout.contains(&format!(
                "::error file=../../routecheck.yaml,line={},col={}",
                at.0, at.1
            )),
            "{config}\n{}",
            run.dump()
        );
    }
}

const UNKNOWN_KEY: &str =
    "suite: x\ncases:\n  - name: a\n    fixture: fx.json\n    expct: [ {condition: \"true\"} ]\n";

#[test]
fn windows_files_read_as_written_and_locate_alike() {
    let crlf = UNKNOWN_KEY.replace('\n', "\r\n");
    for (what, text) in [
        ("CRLF", crlf.clone()),
        ("BOM", format!("\u{feff}{UNKNOWN_KEY}")),
        ("BOM and CRLF", format!("\u{feff}{crlf}")),
    ] {
        let dir = project(&text);
        let at = ("rules.yaml", 5, 5);
        first_error_at(
            dir.path(),
            &["test", "rules.yaml"],
            at,
            "unknown key `expct`",
        );
        first_error_at(
            dir.path(),
            &["lint", "--rules", "rules.yaml", "--flow", "flow.yaml"],
            at,
            "unknown key `expct`",
        );
        // Fixed, it runs, with the fixture written the same way.
        let good = text.replace("expct", "expect");
        std::fs::write(dir.path().join("rules.yaml"), good).unwrap();
        let fixture = std::fs::read_to_string(repo("fixtures/platinum-vip.json")).unwrap();
        let mut windows = fixture.replace('\n', "\r\n");
        if what.contains("BOM") {
            windows.insert(0, '\u{feff}');
        }
        std::fs::write(dir.path().join("fx.json"), &windows).unwrap();
        let run = run_in(dir.path(), &["test", "rules.yaml"]);
        assert_eq!(run.code, 0, "{what}\n{}", run.dump());
        let run = run_in(
            dir.path(),
            &["lint", "--rules", "rules.yaml", "--flow", "flow.yaml"],
        );
        assert!(run.code < 2, "{what}\n{}", run.dump());
        // A BOM'd fixture broken on its first line is located counting the mark as a
        // character, as every other location does (`]` is the 18th after it).
        if what.contains("BOM") {
            std::fs::write(dir.path().join("fx.json"), "\u{feff}{\"participants\": ]}").unwrap();
            let run = run_in(dir.path(), &["test", "rules.yaml"]);
            assert_eq!(run.code, 2, "{what}\n{}", run.dump());
            assert!(
                run.stdout.contains("fx.json:1:19"),
                "{what}\n{}",
                run.dump()
            );
        }
    }
}

#[test]
fn a_file_that_is_not_what_it_claims_is_refused_at_its_place() {
    // A rules file written as JSON is YAML: read, and located in its JSON.
    let dir = project(
        "{\"suite\": \"x\",\n \"cases\": [\n  {\"name\": \"a\", \"fixture\": \"fx.json\",\n   \"expct\": [{\"condition\": \"true\"}]}]}\n",
    );
    first_error_at(
        dir.path(),
        &["test", "rules.yaml"],
        ("rules.yaml", 4, 4),
        "unknown key `expct`",
    );
    // A fixture that is YAML, not JSON; one that is a flow.
    for fixture in [
        "participants:\n  - purpose: customer\n",
        "inboundShortMessage:\n  name: x\n",
    ] {
        let dir = project(UNKNOWN_KEY.replace("expct", "expect").as_str());
        std::fs::write(dir.path().join("fx.json"), fixture).unwrap();
        first_error_at(
            dir.path(),
            &["test", "rules.yaml"],
            ("rules.yaml", 4, 14),
            "fx.json:1:1",
        );
        first_error_at(
            dir.path(),
            &["lint", "--rules", "rules.yaml", "--flow", "flow.yaml"],
            ("rules.yaml", 4, 14),
            "fixture fx.json:1:1: not a conversation payload",
        );
    }
    // A flow that is a fixture.
    let dir = project(
        "suite: x\nflow: fx.json\ncases:\n  - name: a\n    fixture: fx.json\n    expect: [ {condition: \"true\"} ]\n",
    );
    first_error_at(
        dir.path(),
        &["test", "rules.yaml"],
        ("fx.json", 1, 1),
        "not an inbound message flow",
    );
    first_error_at(
        dir.path(),
        &["lint", "--rules", "rules.yaml"],
        ("fx.json", 1, 1),
        "not an inbound message flow",
    );
}

#[test]
fn a_path_given_from_another_directory_is_named_as_given() {
    let dir = project(
        &UNKNOWN_KEY
            .replace("fx.json", "fx.jsn")
            .replace("expct", "expect"),
    );
    let p = dir.path();
    std::fs::create_dir_all(p.join("sub/deeper")).unwrap();
    for f in ["rules.yaml", "fx.json", "flow.yaml"] {
        std::fs::rename(p.join(f), p.join("sub").join(f)).unwrap();
    }
    for (cwd, rules) in [
        (p.to_path_buf(), "sub/rules.yaml"),
        (p.join("sub/deeper"), "../rules.yaml"),
    ] {
        first_error_at(
            &cwd,
            &["test", rules],
            (rules, 4, 14),
            "did you mean `fx.json`?",
        );
        first_error_at(
            &cwd,
            &["lint", "--rules", rules],
            (rules, 4, 14),
            "did you mean `fx.json`?",
        );
    }
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_is_refused_at_its_place() {
    use std::os::unix::fs::PermissionsExt;
    let dir = project(&UNKNOWN_KEY.replace("expct", "expect"));
    let p = dir.path();
    for f in ["rules.yaml", "fx.json"] {
        std::fs::set_permissions(p.join(f), std::fs::Permissions::from_mode(0o000)).unwrap();
    }
    // Root (the CI container, this machine) reads a mode-000 file anyway: there is no
    // unreadable file to give then, so the case is skipped, saying so.
    if std::fs::read(p.join("rules.yaml")).is_ok() {
        eprintln!("skipped: this user reads a mode-000 file (root), no unreadable file to test");
        return;
    }
    first_error_at(
        p,
        &["test", "rules.yaml"],
        ("rules.yaml", 1, 1),
        "ermission denied",
    );
    first_error_at(
        p,
        &["lint", "--rules", "rules.yaml", "--flow", "flow.yaml"],
        ("rules.yaml", 1, 1),
        "ermission denied",
    );
    std::fs::set_permissions(p.join("rules.yaml"), std::fs::Permissions::from_mode(0o644)).unwrap();
    first_error_at(
        p,
        &["test", "rules.yaml"],
        ("rules.yaml", 4, 14),
        "ermission denied",
    );
}

#[test]
fn a_huge_single_line_is_located_at_its_column_and_shown_as_a_window() {
    // A minified rules file: one line of 2 MB, the misspelt key at its end.
    let name = "a".repeat(2 << 20);
    let head = format!(
        "{{\"suite\": \"x\", \"cases\": [{{\"name\": \"{name}\", \"fixture\": \"fx.json\", "
    );
    // The key is located at its opening quote.
    let col = head.chars().count() as u64 + 1;
    let dir = project(&format!(
        "{head}\"expct\": [{{\"condition\": \"true\"}}]}}]}}\n"
    ));
    for args in [
        &["test", "rules.yaml"][..],
        &["lint", "--rules", "rules.yaml", "--flow", "flow.yaml"],
    ] {
        first_error_at(
            dir.path(),
            args,
            ("rules.yaml", 1, col),
            "unknown key `expct`",
        );
        for format in FORMATS {
            let run = run_in(dir.path(), &[args, &["--format", format]].concat());
            let size = run.stdout.len() + run.stderr.len();
            assert!(size < 20_000, "{args:?} {format}: {size} bytes of output");
        }
    }
}

#[test]
fn commands_without_reports_that_cannot_run_leave_no_result_on_stdout() {
    let dir = project(&UNKNOWN_KEY.replace("expct", "expect"));
    let p = dir.path();
    std::fs::write(p.join("bad.yaml"), "inboundShortMessage:\n  name: [\n").unwrap();
    for args in [
        &["trace", "--flow", "bad.yaml", "--fixture", "fx.json"][..],
        &["graph", "--flow", "bad.yaml"],
        &["gen", "--flow", "bad.yaml"],
        &["gen", "--flow", "bad.yaml", "--out", "out.yaml"],
    ] {
        let run = run_in(p, args);
        assert_eq!(run.code, 2, "{args:?}\n{}", run.dump());
        assert_eq!(run.stdout, "", "{args:?}\n{}", run.dump());
        assert!(
            run.stderr.contains("bad.yaml:2:9"),
            "{args:?}\n{}",
            run.dump()
        );
    }
    assert!(!p.join("out.yaml").exists(), "gen --out created its file");
    let run = run_in(p, &["eval", "1 +", "--format", "json"]);
    assert_eq!(run.code, 2, "{}", run.dump());
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["errors"][0]["kind"], "syntax", "{}", run.dump());
    let run = run_in(p, &["init", "--bogus"]);
    assert_eq!(run.code, 2, "{}", run.dump());
    assert!(!p.join("routecheck.yaml").exists(), "init wrote a config");
}
