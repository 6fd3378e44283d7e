//! Semantics as Genesys runs them (issue #26): stubs set only what their output path
//! assigns.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn routecheck() -> Command {
    let mut c = Command::cargo_bin("routecheck").unwrap();
    c.env("NO_COLOR", "1");
    c
}

/// A project in a temporary directory: `flows/` holds copies of `flows`, `rules.yaml`
/// is `rules`.
fn project(flows: &[&str], rules: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("flows")).unwrap();
    for f in flows {
        let p = Path::new(f);
        std::fs::copy(p, dir.path().join("flows").join(p.file_name().unwrap())).unwrap();
    }
    let r = dir.path().join("rules.yaml");
    std::fs::write(&r, rules).unwrap();
    (dir, r)
}

/// Exit code, stdout and stderr, each with the renderer's line wrapping undone (a
/// message reads as one line).
fn run(args: &[&str], dir: &Path) -> (i32, String, String) {
    let o = routecheck().current_dir(dir).args(args).output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        flat(&String::from_utf8_lossy(&o.stdout)),
        flat(&String::from_utf8_lossy(&o.stderr)),
    )
}

fn flat(text: &str) -> String {
    text.lines()
        .map(|l| l.trim().trim_start_matches('│').trim())
        .collect::<Vec<_>>()
        .join(" ")
}

const DUDE: &str = "tests/data/real-flows/dude-wheres-my-stuff-message.yaml";
const PATHS: &str = "tests/data/semantics/stub-paths.yaml";

#[test]
fn a_failure_or_timeout_stub_cannot_set_success_outputs_of_a_real_flow() {
    let (dir, _) = project(
        &[DUDE],
        r#"suite: stub paths
flow: flows/dude-wheres-my-stuff-message.yaml
vars:
  flow_name: Dude
  default_language: en-us
  integration_category: Lambda
  integration_data_action_name: Lookup Order
cases:
  - name: a failed lookup cannot return an order number
    message: hi
    stubs:
      Call Bot Flow: { values: { State.TheIntent: Check Order Status, State.OrderNumber: "42" } }
      Call Data Action: { output: failure, values: { State.OrderNumber: "999" } }
    expect:
      - route: { queue: dude-general-support }
  - name: a timeout assigns nothing
    message: hi
    stubs:
      Call Bot Flow: { values: { State.TheIntent: Check Order Status, State.OrderNumber: "42" } }
      Call Data Action: { output: timeout, values: { State.OrderStatus: shipped } }
    expect:
      - route: { queue: dude-general-support }
"#,
    );
    let (code, _, err) = run(&["test", "rules.yaml"], dir.path());
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("rules.yaml:13:7"), "{err}");
    assert!(
        err.contains("output `failure` does not assign `State.OrderNumber` (only `success` does)"),
        "{err}"
    );
    assert!(err.contains("rules.yaml:20:7"), "{err}");
    assert!(
        err.contains("output `timeout` does not assign `State.OrderStatus`"),
        "{err}"
    );
    assert!(err.contains("`timeout` assigns nothing"), "{err}");
}

#[test]
fn each_stubbed_family_assigns_only_on_its_own_path() {
    let (dir, _) = project(
        &[PATHS],
        r#"suite: stub paths
flow: flows/stub-paths.yaml
cases:
  - name: a failure sets its failure outputs, a found queue its result
    message: "7"
    stubs:
      Lookup Order: { output: failure, values: { State.ErrorCode: E42 } }
      Find Queue: { output: found, values: { State.TargetQueue: Support } }
    expect:
      - responses: [E42]
      - route: { queue: Support }
"#,
    );
    let (code, out, err) = run(&["test", "rules.yaml"], dir.path());
    assert_eq!(code, 0, "{out}{err}");

    let bad = [
        (
            "Lookup Order: { output: failure, values: { State.OrderStatus: shipped } }",
            "output `failure` does not assign `State.OrderStatus` (only `success` does); callData `failure` assigns only State.ErrorCode",
        ),
        (
            "Lookup Order: { output: success, values: { State.ErrorCode: E1 } }",
            "output `success` does not assign `State.ErrorCode` (only `failure` does)",
        ),
        (
            "Find Queue: { output: notFound, values: { State.TargetQueue: Support } }",
            "output `notFound` does not assign `State.TargetQueue` (only `found` does); findQueue `notFound` assigns nothing",
        ),
        (
            "Hours: { output: notFound, values: { State.Open: \"yes\" } }",
            "output `notFound` does not assign `State.Open` (only `found` does)",
        ),
        (
            "Hours: { output: found, values: { State.LookupError: x } }",
            "output `found` does not assign `State.LookupError` (only `failure` does); dataTableLookup `found` assigns only State.Open",
        ),
    ];
    for (stub, want) in bad {
        let rules = format!(
            "suite: bad\nflow: flows/stub-paths.yaml\ncases:\n  - name: c\n    message: \"7\"\n    stubs:\n      {stub}\n    expect:\n      - route: disconnect\n"
        );
        std::fs::write(dir.path().join("rules.yaml"), rules).unwrap();
        let (code, _, err) = run(&["test", "rules.yaml"], dir.path());
        assert_eq!(code, 2, "{stub}: {err}");
        assert!(err.contains("rules.yaml:7:7"), "{stub}: {err}");
        assert!(err.contains(want), "{stub}: {err}");
    }
}

#[test]
fn gen_writes_only_stubs_their_path_can_produce() {
    for flow in [DUDE, PATHS] {
        let (dir, _) = project(&[flow], "");
        let name = Path::new(flow).file_name().unwrap().to_str().unwrap();
        let mut args = vec![
            "gen".to_string(),
            "--flow".into(),
            format!("flows/{name}"),
            "--out".into(),
            "gen.yaml".into(),
        ];
        for v in [
            "flow_name=D",
            "default_language=en-us",
            "integration_category=Lambda",
            "integration_data_action_name=Lookup",
        ] {
            args.extend(["--var".to_string(), v.to_string()]);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, _, err) = run(&args, dir.path());
        assert_eq!(code, 0, "{err}");
        let text = std::fs::read_to_string(dir.path().join("gen.yaml")).unwrap();
        let doc: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
        let mut seen = Vec::new();
        for case in doc["cases"].as_array().unwrap() {
            for (action, stub) in case["stubs"].as_object().unwrap() {
                let output = stub["output"].as_str().unwrap_or("");
                let values = stub["values"].as_object().unwrap();
                let names: Vec<&str> = values.keys().map(String::as_str).collect();
                seen.push(format!("{action}:{output}"));
                match output {
                    "timeout" | "notFound" => assert!(names.is_empty(), "{action}: {names:?}"),
                    "failure" => assert!(
                        names.iter().all(|n| *n == "State.ErrorCode"),
                        "{action}: {names:?}"
                    ),
                    _ => {}
                }
            }
        }
        assert!(seen.iter().any(|s| s.ends_with(":failure")), "{seen:?}");
        // Every generated stub passes the load-time path check.
        let (code, out, err) = run(&["test", "gen.yaml"], dir.path());
        assert_eq!(code, 0, "{out}{err}\n{text}");
    }
}

#[test]
fn coverage_locates_each_case_and_output_at_its_own_line_of_a_real_flow() {
    let (dir, _) = project(
        &[DUDE],
        r#"suite: coverage lines
flow: flows/dude-wheres-my-stuff-message.yaml
vars: { flow_name: D, default_language: en-us, integration_category: Lambda, integration_data_action_name: L }
cases:
  - name: other questions
    message: hi
    stubs:
      Call Bot Flow: { values: { State.TheIntent: Order Questions } }
    expect:
      - route: { queue: dude-general-support }
"#,
    );
    let o = routecheck()
        .current_dir(dir.path())
        .args(["test", "rules.yaml", "--coverage", "--format", "json"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let text = std::fs::read_to_string(DUDE).unwrap();
    let line_of = |n: u64| text.lines().nth(n as usize - 1).unwrap().trim().to_string();
    let mut lines = Vec::new();
    for b in doc["coverage"]["flows"][0]["branches"].as_array().unwrap() {
        let label = b["label"].as_str().unwrap();
        let line = b["location"]["line"].as_u64().unwrap();
        let written = line_of(line);
        let want = if label.contains(" case ") {
            "- case:".to_string()
        } else {
            format!("{}:", label.rsplit(' ').next().unwrap())
        };
        assert_eq!(written, want, "{label} at line {line}");
        lines.push(line);
    }
    let n = lines.len();
    lines.sort_unstable();
    lines.dedup();
    assert_eq!(lines.len(), n, "every branch has a line of its own");
}

const RACE: &str = "tests/data/semantics/participant-data-race.yaml";

/// Genesys applies Set Participant Data asynchronously (docs/fidelity.md): a case whose
/// read-back routes differently with the new value than with the old is warned, both
/// routes shown; a case where both readings agree is not.
#[test]
fn participant_data_read_back_in_the_same_run_is_run_both_ways() {
    let (dir, _) = project(
        &[RACE],
        r#"suite: race
flow: flows/participant-data-race.yaml
cases:
  - name: upgrade of a silver customer
    message: upgrade
    attributes: { Tier: silver }
    expect:
      - route: { queue: General }
  - name: an upgrade of a gold customer
    message: upgrade
    attributes: { Tier: gold }
    expect:
      - route: { queue: VIP }
"#,
    );
    let (code, out, err) = run(&["test", "rules.yaml"], dir.path());
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("2 passed, 0 failed, 1 warning"), "{out}");
    for part in [
        "routecheck::flow::participant-data-race",
        "case \"upgrade of a silver customer\" routes by participant data read back",
        "getParticipantData \"Read tier\" (flows/participant-data-race.yaml:26) reads `Tier`, set by setParticipantData \"Save tier\" (flows/participant-data-race.yaml:18)",
        "read as before the flow it goes to queue \"General\", read as set to queue \"VIP\"",
        "rules.yaml:4:11",
        "asynchronously",
    ] {
        assert!(err.contains(part), "{part}: {err}");
    }
    assert!(!err.contains("an upgrade of a gold customer"), "{err}");
    // --deny-warnings makes the race fail the run.
    let (code, _, _) = run(&["test", "rules.yaml", "--deny-warnings"], dir.path());
    assert_eq!(code, 1);
}

#[test]
fn lint_reports_a_participant_data_race_at_both_actions() {
    let (dir, _) = project(&[RACE], "suite: s\ncases: []\n");
    let (_, out, err) = run(&["lint", "--flow", "flows", "--format", "json"], dir.path());
    let doc: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    let races: Vec<(u64, String)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "participant-data-race")
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(races.len(), 2, "{races:?}");
    assert_eq!(races[0].0, 23, "the set's attribute name");
    assert!(races[0].1.contains("reads back on line 31"), "{races:?}");
    assert_eq!(races[1].0, 31, "the read's attribute name");
    assert!(races[1].1.contains("sets on line 23"), "{races:?}");
    // A real flow that sets OrderNumber and reads only Context.CustomerFirstName has none.
    let (dir, _) = project(&[DUDE], "suite: s\ncases: []\n");
    let (_, out, _) = run(
        &[
            "lint",
            "--flow",
            "flows",
            "--format",
            "json",
            "--var",
            "flow_name=D",
            "--var",
            "default_language=en-us",
            "--var",
            "integration_category=L",
            "--var",
            "integration_data_action_name=L",
        ],
        dir.path(),
    );
    assert!(!out.contains("participant-data-race"), "{out}");
}

/// The issue's held-out case on the real blueprint flow: `Cancel My Order` where the
/// switch compares `Cancel my order` silently takes the default; an attribute read into
/// a compared variable is checked the same way.
#[test]
fn a_value_equal_to_a_flow_literal_but_for_case_or_spacing_is_warned() {
    let (dir, _) = project(
        &[DUDE, RACE],
        r#"suite: near literals
flow: flows/dude-wheres-my-stuff-message.yaml
vars: { flow_name: D, default_language: en-us, integration_category: Lambda, integration_data_action_name: L }
cases:
  - name: cancel
    message: hi
    stubs:
      Call Bot Flow: { values: { State.TheIntent: Cancel My Order } }
    expect:
      - route: { queue: dude-general-support }
  - name: questions
    message: hi
    stubs:
      Call Bot Flow: { values: { State.TheIntent: Order Questions } }
    expect:
      - route: { queue: dude-general-support }
"#,
    );
    let (code, out, err) = run(&["test", "rules.yaml"], dir.path());
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("1 warning"), "{out}");
    for part in [
        "routecheck::flow::near-literal",
        "stub \"Call Bot Flow\" sets `State.TheIntent` to \"Cancel My Order\", which no comparison in the flow matches: the nearest literal is \"Cancel my order\"",
        "rules.yaml:8:7",
        "only in letter case or spacing",
    ] {
        assert!(err.contains(part), "{part}: {err}");
    }
    std::fs::write(
        dir.path().join("rules.yaml"),
        "suite: s\nflow: flows/participant-data-race.yaml\ncases:\n  - name: spaced\n    message: hi\n    attributes: { Tier: \"Gold \" }\n    expect:\n      - route: { queue: General }\n",
    )
    .unwrap();
    let (_, _, err) = run(&["test", "rules.yaml"], dir.path());
    assert!(
        err.contains("attribute `Tier` (read into `Flow.Tier`) is \"Gold \", which no comparison in the flow matches: the nearest literal is \"gold\""),
        "{err}"
    );
}

/// The real blueprint flow routes on a `firstTrue` switch whose every case is
/// `State.TheIntent=="…"`: a value equal to none of them (`Check Order State`) silently
/// takes the default, so it is warned with the nearest case.
#[test]
fn a_value_no_switch_case_can_match_is_warned_with_the_nearest_case() {
    let (dir, _) = project(
        &[DUDE],
        r#"suite: far from every case
flow: flows/dude-wheres-my-stuff-message.yaml
vars: { flow_name: D, default_language: en-us, integration_category: Lambda, integration_data_action_name: L }
cases:
  - name: state
    message: hi
    stubs:
      Call Bot Flow: { values: { State.TheIntent: Check Order State } }
    expect:
      - route: { queue: dude-general-support }
"#,
    );
    let (code, out, err) = run(&["test", "rules.yaml"], dir.path());
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("1 warning"), "{out}");
    for part in [
        "routecheck::flow::near-literal",
        "stub \"Call Bot Flow\" sets `State.TheIntent` to \"Check Order State\", which no comparison in the flow matches: the nearest literal is \"Check Order Status\"",
        "matches none of the values the flow compares it with",
        "rules.yaml:8:7",
    ] {
        assert!(err.contains(part), "{part}: {err}");
    }
}

const MENU_BOT: &str = "tests/data/bots/making-chatbots/flows/digital-bot.yaml";

/// The real MakingChatbots digital bot: coverage places each menu choice at its own
/// `- path:` item, and trace says where the choice it took is written.
#[test]
fn coverage_and_trace_locate_each_menu_choice_at_its_own_line_of_a_real_bot() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = routecheck()
        .current_dir(root)
        .args([
            "test",
            "tests/data/bots/making-chatbots/demo.yaml",
            "--coverage",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let text = std::fs::read_to_string(root.join(MENU_BOT)).unwrap();
    let line_of = |n: u64| text.lines().nth(n as usize - 1).unwrap().trim().to_string();
    let bot = doc["coverage"]["flows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f.to_string().contains("digital-bot.yaml"))
        .expect("the bot's coverage");
    let mut lines = Vec::new();
    for b in bot["branches"].as_array().unwrap() {
        let label = b["label"].as_str().unwrap();
        let line = b["location"]["line"].as_u64().unwrap();
        assert!(label.contains(" choice "), "{label}");
        assert_eq!(line_of(line), "- path:", "{label} at line {line}");
        assert_eq!(
            line_of(line + 1),
            format!("name: {}", label.rsplit(" choice ").next().unwrap()),
            "{label}"
        );
        lines.push(line);
    }
    assert_eq!(lines.len(), 2);
    assert_ne!(lines[0], lines[1], "each choice has a line of its own");

    let (code, out, err) = run(
        &[
            "trace",
            "--flow",
            "tests/data/bots/making-chatbots/flows/inbound-msg.yaml",
            "--var",
            "bot_flow_name=Transfer To Queue",
            "--var",
            "book_purchase_queue=Books",
            "--message",
            "Request a refund",
        ],
        root,
    );
    assert_eq!(code, 0, "{out}{err}");
    let col = text
        .lines()
        .nth(lines[1] as usize - 1)
        .unwrap()
        .find("path:")
        .unwrap()
        + 1;
    assert!(
        out.contains(&format!(
            "digitalMenu \"Digital Menu\"  customer \"Request a refund\" → Request a refund (line {}:{col})",
            lines[1]
        )),
        "{out}"
    );
}

/// Two projects side by side: each routecheck.yaml fills the VIP flow's queue placeholder
/// differently, and each has a rules file that expects its own project's queue.
fn two_projects() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for (name, queue) in [("a", "VIP A"), ("b", "VIP B")] {
        let root = tmp.path().join(name);
        std::fs::create_dir_all(root.join("flows")).unwrap();
        std::fs::create_dir_all(root.join("rules")).unwrap();
        std::fs::copy(
            "flows/web-messaging-vip.yaml",
            root.join("flows/web-messaging-vip.yaml"),
        )
        .unwrap();
        std::fs::write(
            root.join("routecheck.yaml"),
            format!(
                "vars:\n  flow_name: VIP\n  general_queue: General\n  vip_queue: {queue}\n  data_action_category: Orders\n"
            ),
        )
        .unwrap();
        std::fs::write(
            root.join("rules/vip.yaml"),
            format!(
                r#"suite: vip of {name}
flow: ../flows/web-messaging-vip.yaml
cases:
  - name: platinum of {name}
    attributes: {{ priority_tier: platinum }}
    stubs:
      Look up last order: {{ output: success }}
    expect:
      - route: {{ queue: {queue} }}
"#
            ),
        )
        .unwrap();
    }
    std::fs::create_dir(tmp.path().join("elsewhere")).unwrap();
    tmp
}

#[test]
fn a_rules_file_runs_with_its_own_project_wherever_it_is_run_from() {
    let tmp = two_projects();
    let t = tmp.path();
    let b_rules = t.join("b/rules/vip.yaml");
    let b_rules = b_rules.to_str().unwrap();
    let b_config = t.join("b/routecheck.yaml").canonicalize().unwrap();
    // From project a, from a directory with no project, and from b itself: b's vars.
    for dir in [
        t.join("a"),
        t.join("a/rules"),
        t.join("elsewhere"),
        t.join("b"),
    ] {
        let (code, out, err) = run(&["test", b_rules], &dir);
        assert_eq!(code, 0, "from {}: {out}{err}", dir.display());
        assert!(out.contains("1 passed, 0 failed"), "{out}");
        // Which project applies is said when it is not the working directory's.
        let named = err.contains(&format!("project: {}", b_config.display()));
        assert_eq!(named, dir != t.join("b"), "from {}: {err}", dir.display());
    }
    // The case replayed by trace, and lint, read the same project.
    let (code, out, err) = run(&["trace", b_rules, "--case", "platinum of b"], &t.join("a"));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("queue \"VIP B\""), "{out}");
    assert!(err.contains("project: "), "{err}");
    let (code, out, err) = run(&["lint", "--rules", b_rules], &t.join("a"));
    assert!(code == 0 || code == 1, "{out}{err}");
    assert!(
        err.contains(&format!("project: {}", b_config.display())),
        "{err}"
    );
    // Files of two projects in one run: refused, both named, nothing run.
    let a_rules = t.join("a/rules/vip.yaml");
    let (code, out, err) = run(
        &["test", a_rules.to_str().unwrap(), b_rules],
        &t.join("elsewhere"),
    );
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("run one project at a time"), "{err}");
    assert!(
        err.contains("a/routecheck.yaml") && err.contains("b/routecheck.yaml"),
        "{err}"
    );
    assert!(out.contains("0 passed, 0 failed, 1 error"), "{out}");
}
