//! Pictures end to end: `routecheck graph`, `trace --format mermaid` and
//! `test --summary` for the sample flow as snapshots; coverage colours that match the
//! coverage counts exactly; node ids that survive an unrelated edit. (Mermaid's own
//! parser checks these diagrams in .ci/run: tests/mermaid/check.mjs.)

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use assert_cmd::Command;
use routecheck::flow::Flow;
use routecheck::report::mermaid::{Paint, render};

const SAMPLE: &str = "flows/web-messaging-vip.yaml";
const SAMPLE_VARS: [(&str, &str); 4] = [
    ("flow_name", "Web Messaging VIP"),
    ("general_queue", "General Support"),
    ("vip_queue", "VIP Support"),
    ("data_action_category", "Orders"),
];

fn cmd() -> Command {
    let mut c = Command::cargo_bin("routecheck").unwrap();
    c.env("NO_COLOR", "1").env_remove("GITHUB_STEP_SUMMARY");
    c
}

fn var_args() -> Vec<String> {
    SAMPLE_VARS
        .iter()
        .flat_map(|(k, v)| ["--var".to_string(), format!("{k}={v}")])
        .collect()
}

fn sample_vars() -> BTreeMap<String, String> {
    SAMPLE_VARS
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn stdout_ok(out: &std::process::Output) -> String {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[test]
fn graph_of_the_sample_flow() {
    let out = cmd()
        .args(["graph", "--flow", SAMPLE])
        .args(var_args())
        .output()
        .unwrap();
    insta::assert_snapshot!(stdout_ok(&out));
}

#[test]
fn graph_of_a_flow_that_does_not_load_is_a_located_error() {
    let out = cmd()
        .args(["graph", "--flow", "tests/data/flows/bad-dangling-ref.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad-dangling-ref.yaml:"), "{err}");
}

#[test]
fn trace_as_mermaid_numbers_the_path_of_the_sample_flow() {
    let out = cmd()
        .args(["trace", "--flow", SAMPLE, "--format", "mermaid"])
        .args(["--fixture", "tests/data/flows/vip-gold-conversation.json"])
        .args(var_args())
        .args(["--stub", "Look up last order=failure"])
        .output()
        .unwrap();
    insta::assert_snapshot!(stdout_ok(&out));
}

/// The summary of a run, with the run's duration replaced so it snapshots.
fn summary(args: &[&str]) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("summary.md");
    let out = cmd()
        .arg("test")
        .args(args)
        .arg("--summary")
        .arg(&file)
        .output()
        .unwrap();
    let text = std::fs::read_to_string(&file).unwrap_or_default();
    let time = regex::Regex::new(r"\| [0-9.]+s \|").unwrap();
    (
        out.status.code(),
        time.replace_all(&text, "| [time] |").into(),
    )
}

#[test]
fn summary_of_a_failing_run_of_the_sample_flow() {
    let (code, md) = summary(&["tests/data/suites/summary", "--coverage"]);
    assert_eq!(code, Some(1));
    insta::assert_snapshot!(md);
}

#[test]
fn summary_of_the_sample_run() {
    let (code, md) = summary(&["--coverage"]);
    assert_eq!(code, Some(0));
    assert!(
        md.contains(":white_check_mark: **routecheck: passed**"),
        "{md}"
    );
    assert!(md.contains("| 12 | 0 | 0 | 0 |"), "{md}");
    assert!(md.contains("```mermaid\nflowchart TD\n"), "{md}");
    assert!(!md.contains("### Failures"), "{md}");
}

#[test]
fn summary_without_a_file_needs_github_step_summary() {
    let out = cmd().args(["test", "--summary"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("GITHUB_STEP_SUMMARY"));

    // With it set, the summary is appended: what earlier steps wrote stays.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("step.md");
    std::fs::write(&file, "earlier step\n").unwrap();
    let out = cmd()
        .env("GITHUB_STEP_SUMMARY", &file)
        .args(["test", "--summary"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let md = std::fs::read_to_string(&file).unwrap();
    assert!(md.starts_with("earlier step\n## "), "{md}");
}

#[test]
fn summary_of_rules_that_do_not_load_says_so() {
    let (code, md) = summary(&["tests/data/suites/broken"]);
    assert_eq!(code, Some(2));
    assert!(md.contains("could not be loaded"), "{md}");
    assert!(md.contains("5 error(s)"), "{md}");
}

/// Hit and missed branch edges in a coverage diagram, from its `linkStyle` lines.
fn styled_edges(diagram: &str) -> (usize, usize) {
    let count = |colour: &str| {
        diagram
            .lines()
            .filter(|l| l.trim_start().starts_with("linkStyle ") && l.contains(colour))
            .map(|l| l.split_whitespace().nth(1).unwrap().split(',').count())
            .sum::<usize>()
    };
    (count("stroke:#2da44e"), count("stroke:#cf222e"))
}

#[test]
fn coverage_colours_match_the_coverage_counts() {
    // The CLI: the coverage diagram in the summary against `--format json`'s counts.
    let out = cmd()
        .args([
            "test",
            "tests/data/suites/summary",
            "--coverage",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let branches = json["coverage"]["flows"][0]["branches"].as_array().unwrap();
    let hit = branches.iter().filter(|b| b["hit"] == true).count();
    let (_, md) = summary(&["tests/data/suites/summary", "--coverage"]);
    let cov = md.split("Coverage of \"").nth(1).unwrap();
    assert_eq!(styled_edges(cov), (hit, branches.len() - hit));
    assert_eq!((hit, branches.len()), (5, 8));

    // Every real flow, with every other branch reached.
    for entry in std::fs::read_dir("tests/data/real-flows").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        let flow = load_filled(&path);
        let all = flow.branches();
        let hits: BTreeSet<usize> = all.iter().step_by(2).map(|b| b.id).collect();
        let g = flow.graph();
        let text = render(&g, &Paint::coverage(&g, &hits), None).text;
        assert_eq!(
            styled_edges(&text),
            (hits.len(), all.len() - hits.len()),
            "{}",
            path.display()
        );
        let cov = flow.coverage(&hits);
        assert_eq!(cov.branches.iter().filter(|b| b.hit).count(), hits.len());
    }
}

/// A flow with each `{{placeholder}}` filled with its own name.
fn load_filled(path: &Path) -> Flow {
    let text = std::fs::read_to_string(path).unwrap();
    let re = regex::Regex::new(r"\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}").unwrap();
    let vars: BTreeMap<String, String> = re
        .captures_iter(&text)
        .map(|c| (c[1].to_string(), c[1].to_string()))
        .collect();
    Flow::load(path, &vars).unwrap_or_else(|d| panic!("{}: {d:?}", path.display()))
}

fn node_ids(text: &str) -> BTreeSet<String> {
    let re = regex::Regex::new(r"(?m)^\s*(n[0-9a-f]{12}(?:_\d+)?)[\[\(\{>]").unwrap();
    re.captures_iter(text).map(|c| c[1].to_string()).collect()
}

#[test]
fn node_ids_stay_stable_when_an_unrelated_action_is_added() {
    let text = std::fs::read_to_string(SAMPLE).unwrap();
    let before = Flow::from_text(SAMPLE, &text, &sample_vars()).unwrap();
    // A new action at the top of the VIP state, and one more in the first state.
    let edited = text
        .replacen(
            "          - setParticipantData:\n              name: Mark VIP",
            "          - sendResponse:\n              name: Welcome VIP\n              messageBody:\n                lit: Welcome\n          - setParticipantData:\n              name: Mark VIP",
            1,
        )
        .replacen(
            "          - sendResponse:\n              name: Greet",
            "          - sendResponse:\n              name: Hello first\n              messageBody:\n                lit: Hello\n          - sendResponse:\n              name: Greet",
            1,
        );
    assert_ne!(edited, text);
    let after = Flow::from_text(SAMPLE, &edited, &sample_vars()).unwrap();
    let ids = |f: &Flow| node_ids(&render(&f.graph(), &Paint::default(), None).text);
    let (a, b) = (ids(&before), ids(&after));
    assert!(a.len() > 10);
    assert!(
        a.is_subset(&b),
        "lost: {:?}",
        a.difference(&b).collect::<Vec<_>>()
    );
    assert_eq!(b.len(), a.len() + 2);
    // And the same flow twice gives the same text.
    assert_eq!(
        render(&before.graph(), &Paint::default(), None).text,
        render(
            &Flow::from_text(SAMPLE, &text, &sample_vars())
                .unwrap()
                .graph(),
            &Paint::default(),
            None
        )
        .text
    );
}

#[test]
fn torture_labels_are_escaped() {
    let out = cmd()
        .args(["graph", "--flow", "tests/data/flows/torture-labels.yaml"])
        .output()
        .unwrap();
    let text = stdout_ok(&out);
    let label = regex::Regex::new(r#""([^"]*)""#).unwrap();
    for line in text.lines().filter(|l| !l.trim_start().starts_with("%%")) {
        for c in label.captures_iter(line) {
            let inner = c[1].replace("<br/>", "");
            assert!(
                !inner.contains(['<', '>', '|', '[', ']', '{', '}', '`', '%']) && inner.is_ascii(),
                "unescaped label in {line}"
            );
        }
    }
    // The long case value is cut and kept whole as a footnote.
    assert!(
        text.contains("%% [4] case 2: a very long case value"),
        "{text}"
    );
    assert!(text.contains("#8230; #91;4#93;"), "{text}");
}

#[test]
fn a_large_flow_is_split_into_diagrams_within_mermaids_limits() {
    let (code, md) = summary(&["tests/data/suites/summary-large", "--coverage"]);
    assert_eq!(code, Some(1));
    assert!(md.len() < routecheck::report::summary::MAX_BYTES);
    let whole = cmd()
        .args(["graph", "--flow", "tests/data/flows/large-generated.yaml"])
        .output()
        .unwrap();
    assert!(stdout_ok(&whole).len() > routecheck::report::mermaid::MAX_TEXT);
    let blocks: Vec<&str> = md
        .split("```mermaid\n")
        .skip(1)
        .map(|b| b.split("```").next().unwrap())
        .collect();
    // The path and the coverage picture are each split, neither dropped.
    assert!(blocks.len() >= 4, "{}", blocks.len());
    for b in &blocks {
        assert!(
            b.len() <= routecheck::report::mermaid::MAX_TEXT,
            "{}",
            b.len()
        );
        assert!(
            b.lines().filter(|l| l.contains("--")).count()
                <= routecheck::report::mermaid::MAX_EDGES
        );
    }
    // Every state appears in some coverage diagram.
    let cov = md.split("Coverage of \"").nth(1).unwrap();
    for s in 0..30 {
        assert!(cov.contains(&format!("State: Stage {s} of")), "stage {s}");
    }
}
