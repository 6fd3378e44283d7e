//! `routecheck gen` end to end: on the sample flow and every real flow (the directory is
//! iterated, so flows added later are covered), the generated rules file passes with
//! full coverage, or the branches it leaves out are the ones the table says, each
//! reported unreachable; dead-branch detection, stub outputs, `--for` and `--check`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn routecheck() -> Command {
    let mut c = Command::cargo_bin("routecheck").unwrap();
    c.env("NO_COLOR", "1");
    c
}

/// What a flow's generated suite leaves out, by branch label prefix, and how gen must
/// report it: `unreachable-branch` (dead), or not reached because the condition reads
/// the clock. Flows not listed must reach 100%.
const LEFT_OUT: &[(&str, &[(&str, Why)])] = &[
    (
        "dead-branches.yaml",
        &[
            ("decision \"Contradiction\" yes", Why::Dead),
            ("switch \"Shadowed\" case 2", Why::Dead),
            ("switch \"Exhaustive\" default", Why::Dead),
        ],
    ),
    ("inputs.yaml", &[("decision \"Time\" yes", Why::Clock)]),
];

#[derive(Debug, Clone, Copy, PartialEq)]
enum Why {
    Dead,
    Clock,
}

/// Branches reached only through a value a stub sets (outside the flow's inputs):
/// each must be listed as needing a stub value, naming the action.
const NEEDS_STUB_VALUE: &[(&str, &[&str])] = &[
    (
        "dude-wheres-my-stuff-message.yaml",
        &[
            "switch \"Switch\" case 1 (State.TheIntent==\"Check Order Status\") — reached when \"Call Bot Flow\" sets State.TheIntent",
        ],
    ),
    (
        "dr-webmessaging-emergency-group.yaml",
        &[
            "switch \"Switch\" case 1 (State.TheIntent==\"Life Insurance\") — reached when \"Call Bot Flow\" sets State.TheIntent",
        ],
    ),
];

/// Every `{{placeholder}}` of a flow file, each given its own name as the value (a
/// language placeholder a real language).
fn vars_of(flow: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(flow).unwrap();
    let mut names = BTreeSet::new();
    let mut rest = text.as_str();
    while let Some(i) = rest.find("{{") {
        rest = &rest[i + 2..];
        if let Some(j) = rest.find("}}") {
            names.insert(rest[..j].trim().to_string());
            rest = &rest[j + 2..];
        }
    }
    names
        .into_iter()
        .flat_map(|n| {
            let v = if n.contains("language") {
                "en-us".to_string()
            } else {
                n.replace('_', " ")
            };
            ["--var".to_string(), format!("{n}={v}")]
        })
        .collect()
}

fn flows() -> Vec<PathBuf> {
    let mut out = vec![
        PathBuf::from("flows/web-messaging-vip.yaml"),
        PathBuf::from("tests/data/gen/dead-branches.yaml"),
        PathBuf::from("tests/data/gen/inputs.yaml"),
    ];
    let mut real: Vec<PathBuf> = std::fs::read_dir("tests/data/real-flows")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .collect();
    real.sort();
    out.extend(real);
    out
}

/// Generate for `flow` into `dir`; the rules file and gen's stderr.
fn generate(flow: &Path, dir: &Path) -> (PathBuf, String) {
    // A rules file's `flow:` must stay inside its project (here the temporary directory):
    // generate from a copy of the flow beside the rules file.
    std::fs::create_dir_all(dir.join("flows")).unwrap();
    let copy = dir.join("flows").join(flow.file_name().unwrap());
    std::fs::copy(flow, &copy).unwrap();
    let flow = copy.as_path();
    let out = dir.join(format!(
        "{}.yaml",
        flow.file_stem().unwrap().to_string_lossy()
    ));
    let o = routecheck()
        .arg("gen")
        .args(["--flow", flow.to_str().unwrap()])
        .args(vars_of(flow))
        .args(["--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(0), "{}: {stderr}", flow.display());
    (out, stderr)
}

/// `routecheck test --coverage --format json` on one file: exit code and unreached labels.
fn unreached(rules: &Path) -> (i32, Vec<String>) {
    let o = routecheck()
        .arg("test")
        .arg(rules)
        .args(["--coverage", "--format", "json"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stderr)));
    let labels = doc["coverage"]["flows"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|f| f["branches"].as_array().unwrap().clone())
        .filter(|b| b["hit"] == false)
        .map(|b| b["label"].as_str().unwrap().to_string())
        .collect();
    (o.status.code().unwrap(), labels)
}

/// `routecheck test --min-coverage 100` passes on `rules`.
fn passes_with_full_coverage(rules: &Path) {
    routecheck()
        .arg("test")
        .arg(rules)
        .args(["--min-coverage", "100"])
        .assert()
        .success();
}

#[test]
fn every_flow_gets_a_suite_that_passes_and_reaches_every_reachable_branch() {
    let dir = tempfile::tempdir().unwrap();
    for flow in flows() {
        let name = flow.file_name().unwrap().to_string_lossy().into_owned();
        let (rules, stderr) = generate(&flow, dir.path());
        let text = std::fs::read_to_string(&rules).unwrap();
        assert!(
            text.starts_with("# Generated by `routecheck gen`"),
            "{name}"
        );
        assert!(text.contains("must be reviewed"), "{name}");
        let (code, left) = unreached(&rules);
        assert_eq!(code, 0, "{name}: the generated suite fails");
        let want: &[(&str, Why)] = LEFT_OUT
            .iter()
            .find(|(f, _)| *f == name)
            .map_or(&[], |(_, l)| l);
        assert_eq!(
            left.len(),
            want.len(),
            "{name}: left out {left:?}, expected {want:?}\n{stderr}"
        );
        for (w, why) in want {
            assert!(
                left.iter().any(|l| l.starts_with(w)),
                "{name}: {w} reached?"
            );
            let action = w.split('"').nth(1).unwrap();
            let reported = stderr.lines().any(|l| match why {
                Why::Dead => l.contains("unreachable-branch") && l.contains(action),
                Why::Clock => l.contains(&format!("not reached: {w}")) && l.contains("clock"),
            });
            assert!(reported, "{name}: {w} not reported as {why:?}:\n{stderr}");
        }
        for n in NEEDS_STUB_VALUE
            .iter()
            .filter(|(f, _)| *f == name)
            .flat_map(|(_, l)| l.iter())
        {
            assert!(
                stderr.contains(&format!("needs a stub value: {n}")),
                "{name}: {n}\n{stderr}"
            );
        }
        if want.is_empty() {
            // `--min-coverage 100` agrees.
            passes_with_full_coverage(&rules);
        }
    }
}

#[test]
fn dead_branches_are_lint_findings_at_their_line() {
    let o = routecheck()
        .args([
            "lint",
            "--flow",
            "tests/data/gen/dead-branches.yaml",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let dead: Vec<(u64, String)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "unreachable-branch")
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let lines: Vec<u64> = dead.iter().map(|(l, _)| *l).collect();
    // Each at its own output or case (issue #26), not at its decision or switch (36, 45, 72).
    assert_eq!(lines, [41, 58, 85], "{dead:?}");
    assert!(dead[0].1.contains("\"Contradiction\": yes"));
    assert!(dead[1].1.contains("\"Shadowed\": case 2"));
    assert!(dead[2].1.contains("\"Exhaustive\": the default"));
    // The sample flow has none.
    let o = routecheck()
        .args([
            "lint",
            "--flow",
            "flows/web-messaging-vip.yaml",
            "--format",
            "json",
        ])
        .args([
            "--var",
            "general_queue=G",
            "--var",
            "vip_queue=V",
            "--var",
            "flow_name=F",
            "--var",
            "data_action_category=C",
        ])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&o.stdout).contains("unreachable-branch"));
}

const VIP_VARS: [&str; 8] = [
    "--var",
    "flow_name=VIP",
    "--var",
    "general_queue=General Support",
    "--var",
    "vip_queue=VIP Support",
    "--var",
    "data_action_category=Orders",
];

#[test]
fn thresholds_through_arithmetic_pairs_returning_and_message_inputs_are_found() {
    let o = routecheck()
        .args(["gen", "--flow", "tests/data/gen/inputs.yaml"])
        .output()
        .unwrap();
    let text = String::from_utf8(o.stdout).unwrap();
    // `ToInt(score) >= 70`: a neighbour of the threshold, as text.
    assert!(
        text.contains("\"score\": \"70\"") || text.contains("\"score\": \"71\""),
        "{text}"
    );
    // `Flow.N = ToInt(score) - 60` then `Flow.N > 15`: 75 and its neighbour.
    assert!(text.contains("\"score\": \"76\""), "{text}");
    // Two attributes at once.
    assert!(
        text.contains("\"lang\": \"fr\"") && text.contains("\"region\": \"EU\""),
        "{text}"
    );
    assert!(text.contains("new_conversation: false"), "{text}");
    // A firstMatch switch on Lower(Trim(body)): a padded or upper-case message is tried.
    assert!(
        text.contains("reaches: switch \"By message\" case 2"),
        "{text}"
    );
}

#[test]
fn every_output_of_a_stubbed_action_and_case_variants_get_a_case() {
    let o = routecheck()
        .args(["gen", "--flow", "flows/web-messaging-vip.yaml"])
        .args(VIP_VARS)
        .output()
        .unwrap();
    assert!(o.status.success());
    let text = String::from_utf8(o.stdout).unwrap();
    for output in ["failure", "timeout"] {
        assert!(
            text.contains(&format!("\"Look up last order\": {{ output: \"{output}\"")),
            "{output}:\n{text}"
        );
    }
    // The switch lowercases the tier: a differently cased or padded value is tried.
    assert!(text.contains("\"priority_tier\": \" platinum \""), "{text}");
    assert!(
        text.contains("reaches: switch \"Route by tier\" case 2"),
        "{text}"
    );
}

/// A directory holding the sample flow and a rules file with one hand-written case.
fn partial_suite() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy("flows/web-messaging-vip.yaml", dir.path().join("vip.yaml")).unwrap();
    let rules = dir.path().join("vip-rules.yaml");
    std::fs::write(
        &rules,
        "suite: hand-written\nflow: vip.yaml\nvars: { flow_name: VIP, general_queue: General Support, vip_queue: VIP Support, data_action_category: Orders }\nstubs:\n  Look up last order: { output: success, values: { Flow.OrderStatus: shipped } }\ncases:\n  - name: platinum by hand\n    attributes: { priority_tier: platinum }\n    expect:\n      - route: { queue: VIP Support, priority: 10 }\n",
    )
    .unwrap();
    (dir, rules)
}

#[test]
fn check_fails_on_unreached_branches_and_for_appends_only_what_is_missing() {
    let (dir, rules) = partial_suite();
    let before = std::fs::read_to_string(&rules).unwrap();
    let check = |rules: &Path| {
        routecheck()
            .current_dir(dir.path())
            .args(["gen", "--check", "--rules"])
            .arg(rules)
            .output()
            .unwrap()
    };
    let o = check(&rules);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("unreached: switch \"Route by tier\" case 2"),
        "{out}"
    );
    assert!(out.contains("- name: \"Route by tier › case 2"), "{out}");
    assert!(
        !out.contains("unreached: switch \"Route by tier\" case 1"),
        "{out}"
    );

    let o = routecheck()
        .args(["gen", "--for"])
        .arg(&rules)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let after = std::fs::read_to_string(&rules).unwrap();
    assert!(
        after.starts_with(&before),
        "hand-written cases changed:\n{after}"
    );
    let added = &after[before.len()..];
    assert!(added.contains("must be reviewed"));
    assert!(
        !added.contains("Route by tier › case 1"),
        "case 1 was already reached:\n{added}"
    );
    passes_with_full_coverage(&rules);
    assert_eq!(check(&rules).status.code(), Some(0));

    // Nothing left to add: the file stays as it is.
    routecheck()
        .args(["gen", "--for"])
        .arg(&rules)
        .assert()
        .success();
    assert_eq!(std::fs::read_to_string(&rules).unwrap(), after);
}

#[test]
fn bad_input_is_a_located_error_with_exit_2() {
    routecheck()
        .args(["gen", "--flow", "tests/data/flows/bad-unknown-action.yaml"])
        .assert()
        .code(2);
    // Outside a project (no routecheck.yaml to name flows or fill placeholders).
    let dir = tempfile::tempdir().unwrap();
    routecheck()
        .current_dir(dir.path())
        .args(["gen"])
        .assert()
        .code(2);
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("flows/web-messaging-vip.yaml"),
        dir.path().join("vip.yaml"),
    )
    .unwrap();
    routecheck()
        .current_dir(dir.path())
        .args(["gen", "--flow", "vip.yaml"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("flow_name"));
}

#[test]
fn cases_without_recordings_run_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy("flows/web-messaging-vip.yaml", dir.path().join("vip.yaml")).unwrap();
    let rules = dir.path().join("r.yaml");
    std::fs::write(
        &rules,
        r#"suite: no recordings
participant: customer
flow: vip.yaml
vars: { flow_name: VIP, general_queue: General Support, vip_queue: VIP Support, data_action_category: Orders }
stubs:
  Look up last order: { output: success, values: { Flow.OrderStatus: shipped } }
cases:
  - name: gold with a message
    attributes: { priority_tier: gold, first_name: Ann }
    message: "Where is my order?"
    expect:
      - route: { queue: VIP Support, priority: 5 }
      - responses: ["Hi Ann, an agent will be with you shortly."]
      - jsonpath: "$.participants[0].messages[0].messages[0].textBody"
        equals: ["Where is my order?"]
      - value: Message.Message.body
        equals: "Where is my order?"
  - name: a returning guest with nothing set
    new_conversation: false
    expect:
      - route: error
      - attribute: priority_tier
        set: false
"#,
    )
    .unwrap();
    let o = routecheck().arg("test").arg(&rules).output().unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(out.contains("2 passed, 0 failed"), "{out}");
}

#[test]
fn with_no_flow_gen_covers_every_flow_of_the_project_config() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::create_dir(dir.path().join("flows")).unwrap();
    std::fs::copy(
        root.join("flows/web-messaging-vip.yaml"),
        dir.path().join("flows/web-messaging-vip.yaml"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("routecheck.yaml"),
        "flows: [flows]\nvars: { flow_name: VIP, general_queue: General, vip_queue: VIP, data_action_category: Orders }\n",
    )
    .unwrap();
    let o = routecheck()
        .current_dir(dir.path())
        .args(["gen", "--out", "generated.yaml"])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = std::fs::read_to_string(dir.path().join("generated.yaml")).unwrap();
    assert!(
        text.contains("flow: \"flows/web-messaging-vip.yaml\""),
        "{text}"
    );
    // The config's placeholder values were used, and the suite passes.
    assert!(text.contains("\"vip_queue\": \"VIP\""), "{text}");
    routecheck()
        .current_dir(dir.path())
        .args(["test", "generated.yaml", "--min-coverage", "100"])
        .assert()
        .success();
}
