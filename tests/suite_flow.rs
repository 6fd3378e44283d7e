//! End-to-end: rules files that simulate an Archy flow (`flow:`, `vars:`, `stubs:`,
//! `route:` / `responses:` / `participant_data:`), branch coverage and `--min-coverage`.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn routecheck() -> Command {
    let mut c = Command::cargo_bin("routecheck").unwrap();
    c.current_dir(ROOT).env("NO_COLOR", "1");
    c
}

/// stdout, stderr and the exit code.
fn run(args: &[&str]) -> (String, String, i32) {
    let out = routecheck().args(args).output().unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

/// As [`run`], from `dir` (outside this repository's routecheck.yaml, whose `vars:`
/// would fill the placeholders).
fn run_in(dir: &Path, args: &[&str]) -> (String, String, i32) {
    let out = routecheck().current_dir(dir).args(args).output().unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

/// A rules file in a temp dir beside copies of the sample flow and fixtures (paths a
/// file names must stay inside its project root: here, the temp dir).
/// `{VARS}` expands to every placeholder value the sample flow needs.
fn rules(dir: &Path, body: &str) -> PathBuf {
    std::fs::copy(Path::new(ROOT).join("flows/web-messaging-vip.yaml"), {
        std::fs::create_dir_all(dir.join("flows")).unwrap();
        dir.join("flows/web-messaging-vip.yaml")
    })
    .unwrap();
    std::fs::create_dir_all(dir.join("fixtures")).unwrap();
    for e in std::fs::read_dir(Path::new(ROOT).join("fixtures")).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, dir.join("fixtures").join(p.file_name().unwrap())).unwrap();
        }
    }
    let text = format!(
        "flow: flows/web-messaging-vip.yaml\n{}",
        body.replace("{FIX}", "fixtures").replace(
            "{VARS}",
            "vars: { flow_name: VIP, general_queue: General Support, vip_queue: VIP Support, data_action_category: Orders }"
        )
    );
    let p = dir.join("t.yaml");
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn the_sample_flow_suite_passes_with_full_coverage() {
    let (out, err, code) = run(&[
        "test",
        "--coverage",
        "--min-coverage",
        "100",
        "rules/web-messaging-vip-flow.yaml",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("4 passed, 0 failed"), "{out}");
    assert!(
        out.contains("Web Messaging VIP (flows/web-messaging-vip.yaml): 100.0% of branches (8/8)"),
        "{out}"
    );
}

#[test]
fn a_wrong_route_fails_with_the_path_taken() {
    let dir = tempfile::tempdir().unwrap();
    let f = rules(
        dir.path(),
        "{VARS}\ncases:\n  - name: guest\n    fixture: {FIX}/anonymous-guest.json\n    expect:\n      - route: { queue: VIP Support }\n",
    );
    let (out, err, code) = run(&["test", f.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}{err}");
    let at = format!("{}:7:9", f.display());
    assert!(out.contains(&at), "{out}");
    assert!(out.contains("the flow took another route"), "{out}");
    assert!(out.contains("path taken"), "{out}");
    assert!(
        out.contains(
            "web-messaging-vip.yaml:60  decision \"Known customer?\"  condition = false → no"
        ),
        "{out}"
    );
    assert!(out.contains("argument 1 of `Lower` is NOT_SET"), "{out}");
}

#[test]
fn a_missing_stub_is_an_error_outcome() {
    let dir = tempfile::tempdir().unwrap();
    let f = rules(
        dir.path(),
        "{VARS}\ncases:\n  - name: vip\n    fixture: {FIX}/platinum-vip.json\n    expect:\n      - route: { queue: VIP Support }\n",
    );
    let (out, err, code) = run(&["test", f.to_str().unwrap()]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        out.contains("no stub for callData action \"Look up last order\""),
        "{out}"
    );
    assert!(out.contains("flows/web-messaging-vip.yaml:"), "{out}");
    assert!(out.contains("add a stub such as"), "{out}");
}

#[test]
fn a_bad_stub_is_a_located_load_error() {
    let dir = tempfile::tempdir().unwrap();
    let f = rules(
        dir.path(),
        "{VARS}\nstubs:\n  Look up last order: { output: sucess }\ncases:\n  - name: vip\n    fixture: {FIX}/platinum-vip.json\n    stubs:\n      Look up the order: { output: success }\n    expect:\n      - route: { queue: VIP Support }\n",
    );
    let (out, err, code) = run(&["test", f.to_str().unwrap()]);
    let all = out + &err;
    assert_eq!(code, 2, "{all}");
    assert!(all.contains("no output `sucess`"), "{all}");
    assert!(all.contains("t.yaml:4:3"), "{all}");
    assert!(
        all.contains(
            "stub for \"Look up the order\": the flow has no external action of that name"
        ),
        "{all}"
    );
    assert!(all.contains("t.yaml:9:7"), "{all}");
}

#[test]
fn unfilled_placeholders_are_listed_and_var_fills_them() {
    let dir = tempfile::tempdir().unwrap();
    let f = rules(
        dir.path(),
        "vars: { general_queue: General Support }\nstubs:\n  Look up last order: { output: failure }\ncases:\n  - name: vip\n    fixture: {FIX}/platinum-vip.json\n    expect:\n      - route: { queue: VIP }\n",
    );
    let path = f.to_str().unwrap();
    let (out, err, code) = run_in(dir.path(), &["test", path]);
    let all = out + &err;
    assert_eq!(code, 2, "{all}");
    // The message may wrap: compare with the box drawing and line breaks folded away.
    let flat = all
        .replace('│', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        flat.contains("placeholders without a value: data_action_category, flow_name, vip_queue"),
        "{all}"
    );
    assert!(all.contains("t.yaml:1:7"), "{all}");

    let vars = [
        "--var",
        "flow_name=VIP",
        "--var",
        "vip_queue=VIP",
        "--var",
        "data_action_category=Orders",
    ];
    let mut args = vec!["test", path];
    args.extend(vars);
    let (out, err, code) = run(&args);
    assert_eq!(code, 0, "{out}{err}");

    // A --var that neither a variable nor a placeholder uses is still an error.
    args.extend(["--var", "vip_queu=x"]);
    let (out, err, code) = run(&args);
    let all = out + &err;
    assert_eq!(code, 2, "{all}");
    assert!(all.contains("--var vip_queu"), "{all}");
}

#[test]
fn coverage_is_reported_in_json() {
    let (out, err, code) = run(&[
        "test",
        "--coverage",
        "--format",
        "json",
        "--run",
        "platinum",
        "rules/web-messaging-vip-flow.yaml",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let flow = &v["coverage"]["flows"][0];
    assert_eq!(flow["file"], "flows/web-messaging-vip.yaml");
    assert_eq!(flow["reached"], 3);
    assert_eq!(flow["total"], 8);
}

#[test]
fn min_coverage_fails_the_run_below_the_threshold() {
    let (out, err, code) = run(&[
        "test",
        "--min-coverage",
        "90",
        "--run",
        "platinum",
        "rules/web-messaging-vip-flow.yaml",
    ]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("1 passed, 0 failed"), "{out}");
    assert!(out.contains("37.5% of branches (3/8)"), "{out}");
    let shortfall = "branch coverage of flow \"Web Messaging VIP\" (flows/web-messaging-vip.yaml) is 37.5% (3/8 branches), below --min-coverage 90";
    assert!(out.contains(&format!("✗ {shortfall}")), "{out}");
    // A machine format on stdout: the verdict is in it, and said on stderr for people.
    let (out, err, code) = run(&[
        "test",
        "--min-coverage",
        "90",
        "--run",
        "platinum",
        "--format",
        "json",
        "rules/web-messaging-vip-flow.yaml",
    ]);
    assert_eq!(code, 1, "{out}{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["status"], "failed", "{out}");
    assert_eq!(v["coverage"]["min_percent"], 90.0, "{out}");
    assert!(err.contains(shortfall), "{err}");
    let (_, err, code) = run(&["test", "--min-coverage", "101"]);
    assert_eq!(code, 2);
    assert!(err.contains("--min-coverage `101`"), "{err}");
}

#[test]
fn junit_carries_coverage_and_validates() {
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("j.xml");
    let (out, err, code) = run(&[
        "test",
        "--coverage",
        "--junit",
        junit.to_str().unwrap(),
        "rules/web-messaging-vip-flow.yaml",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(
        xml.contains(
            "name=\"coverage:flows/web-messaging-vip.yaml\" value=\"100.0% (8/8 branches)"
        ),
        "{xml}"
    );
    crate::report_junit_schema::validate(&junit);
}

#[test]
fn every_real_flow_runs_through_two_routes_from_rules() {
    let (out, err, code) = run(&["test", "--coverage", "tests/data/real-flow-suites"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("27 passed, 0 failed"), "{out}");
    for f in std::fs::read_dir(Path::new(ROOT).join("tests/data/real-flows")).unwrap() {
        let name = f.unwrap().file_name().into_string().unwrap();
        if name.ends_with(".yaml") {
            assert!(
                out.contains(&format!("(tests/data/real-flows/{name})")),
                "{name} not simulated:\n{out}"
            );
        }
    }
}
