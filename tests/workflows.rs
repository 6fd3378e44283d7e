//! The GitHub workflows parse, and the example gate's `routecheck test` line is one the CLI
//! accepts: its shards, run on the samples, are disjoint and together run every case.
//! (`.ci/run` also validates both files against GitHub's workflow schema.)

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn workflow(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(".github/workflows")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every `run:` script of a job.
fn runs(job: &Value) -> Vec<&str> {
    job["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["run"].as_str())
        .collect()
}

/// The `routecheck test ...` command line of a job, with `${{ matrix.shard }}` set to `k`.
fn test_command(job: &Value, k: u64) -> Vec<String> {
    let line = runs(job)
        .into_iter()
        .flat_map(str::lines)
        .find(|l| l.trim_start().starts_with("routecheck test"))
        .expect("a `routecheck test` step");
    line.replace("${{ matrix.shard }}", &k.to_string())
        .split_whitespace()
        .skip(1)
        .map(str::to_owned)
        .collect()
}

/// The `tests=` count of the JUnit root element.
fn junit_tests(xml: &str) -> u64 {
    let at = xml.find("tests=\"").expect("a tests= attribute") + "tests=\"".len();
    xml[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap()
}

fn check_sharded_job(job: &Value) {
    let shards: Vec<u64> = job["strategy"]["matrix"]["shard"]
        .as_array()
        .expect("a shard matrix")
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    let n = shards.len() as u64;
    assert_eq!(shards, (1..=n).collect::<Vec<_>>());
    let tmp = tempfile::tempdir().unwrap();
    let mut total = 0;
    for k in shards {
        let mut args = test_command(job, k);
        assert!(
            args.windows(2)
                .any(|w| w[0] == "--shard" && w[1] == format!("{k}/{n}")),
            "{args:?}"
        );
        let at = args.iter().position(|a| a == "--junit").unwrap() + 1;
        assert_eq!(args[at], format!("reports/junit-{k}.xml"));
        let junit = tmp.path().join(format!("junit-{k}.xml"));
        args[at] = junit.display().to_string();
        // GitHub sets it on every step; `--summary` appends there.
        let summary = tmp.path().join(format!("summary-{k}.md"));
        Command::cargo_bin("routecheck")
            .unwrap()
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("GITHUB_STEP_SUMMARY", &summary)
            .args(&args)
            .assert()
            .code(0);
        if args.iter().any(|a| a == "--summary") {
            let md = std::fs::read_to_string(&summary).unwrap();
            assert!(md.contains("routecheck: passed"), "{md}");
        }
        total += junit_tests(&std::fs::read_to_string(junit).unwrap());
    }
    let all = tmp.path().join("all.xml");
    Command::cargo_bin("routecheck")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["test", "--junit", all.to_str().unwrap()])
        .assert()
        .code(0);
    assert_eq!(total, junit_tests(&std::fs::read_to_string(all).unwrap()));
}

#[test]
fn the_example_gate_lints_tests_in_shards_and_gates_the_deploy() {
    let wf = workflow("example-gate.yml");
    let jobs = &wf["jobs"];
    assert!(runs(&jobs["lint"]).contains(&"routecheck lint"));
    check_sharded_job(&jobs["test"]);
    let needs: Vec<&str> = jobs["deploy"]["needs"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        needs.contains(&"test") && needs.contains(&"lint"),
        "{needs:?}"
    );
    assert_eq!(jobs["report"]["if"], "always()");
}

#[test]
fn the_projects_ci_runs_the_gate_on_the_samples() {
    let wf = workflow("ci.yml");
    let samples = &wf["jobs"]["samples"];
    assert!(runs(samples).contains(&"routecheck lint"));
    check_sharded_job(samples);
    assert!(runs(&wf["jobs"]["check"]).contains(&"bash .ci/run"));
}
