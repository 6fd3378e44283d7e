//! First contact (#27): what a new user meets first, end to end — `trace` without a
//! recording and replaying a rules file's case, `test -v` paths, short paths in notes,
//! cases without `fixture:`/`attributes:`, lint's severity for attributes nothing sets,
//! and `graph` with placeholders left open.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn rc(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("routecheck").unwrap();
    c.env("NO_COLOR", "1").current_dir(dir);
    c
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
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
fn trace_takes_attributes_a_message_and_a_returning_conversation_without_a_fixture() {
    let out = rc(repo())
        .args(["trace", "--flow", "flows/web-messaging-vip.yaml"])
        .args(VIP_VARS)
        .args(["--attr", "priority_tier=gold", "--attr", "first_name=Bo"])
        .args(["--message", "Where is my order?", "--not-new"])
        .output()
        .unwrap();
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        stdout.contains("Flow.Tier = \"gold\" (attribute `priority_tier`)"),
        "{stdout}"
    );
    assert!(stdout.contains("Flow.CustomerId = NOT_SET"), "{stdout}");
    assert!(
        stdout.contains("\"Hi Bo, an agent will be with you shortly.\""),
        "{stdout}"
    );
    assert!(
        stdout.contains("route: queue \"VIP Support\", priority 5"),
        "{stdout}"
    );

    // A returning conversation and the message reach the flow: a flow that branches on
    // both tells them apart.
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("f.yaml"),
        flow_yaml("Returning", RETURNING_FLOW),
    )
    .unwrap();
    let route = |extra: &[&str]| {
        let out = rc(d.path())
            .args(["trace", "--flow", "f.yaml"])
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    assert!(route(&[]).contains("queue \"New\""));
    assert!(route(&["--not-new"]).contains("queue \"Returning\""));
    assert!(route(&["--not-new", "--message", "agent"]).contains("queue \"Agent\""));
    // A malformed --attr is a usage error.
    let out = rc(d.path())
        .args(["trace", "--flow", "f.yaml", "--attr", "tier"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--attr expects KEY=VALUE, got `tier`"));
}

/// An inbound message flow named `name` whose error handling disconnects, then `rest`
/// (its `variables:` and `states:`).
fn flow_yaml(name: &str, rest: &str) -> String {
    format!(
        "inboundShortMessage:\n  name: {name}\n  division: Home\n  startUpRef: \"/inboundShortMessage/states/state[Start_1]\"\n  defaultLanguage: en-us\n  supportedLanguages:\n    en-us:\n      defaultLanguageSkill:\n        noValue: true\n  settingsErrorHandling:\n    errorHandling:\n      disconnect:\n        none: true\n{rest}"
    )
}

const RETURNING_FLOW: &str = r#"  states:
    - state:
        name: Start
        refId: Start_1
        actions:
          - decision:
              name: New?
              condition:
                exp: Message.IsNewConversation
              outputs:
                yes:
                  actions:
                    - transferToAcd:
                        name: To new
                        targetQueue:
                          lit:
                            name: New
                no:
                  actions:
                    - decision:
                        name: Wants an agent?
                        condition:
                          exp: Message.Message.body == "agent"
                        outputs:
                          yes:
                            actions:
                              - transferToAcd:
                                  name: To agent
                                  targetQueue:
                                    lit:
                                      name: Agent
                    - transferToAcd:
                        name: To returning
                        targetQueue:
                          lit:
                            name: Returning
"#;

/// The step lines of a path (trace's numbered lines, or `test -v`'s indented ones).
fn steps(out: &str) -> Vec<String> {
    out.lines()
        .filter_map(|l| {
            let t = l.trim_start();
            let t = match t.split_once(". ") {
                Some((n, rest)) if n.chars().all(|c| c.is_ascii_digit()) => rest,
                _ => t,
            };
            (t.contains(".yaml:") || t.starts_with("route:")).then(|| t.to_string())
        })
        .collect()
}

#[test]
fn trace_case_replays_a_case_exactly_as_test_runs_it() {
    // The sample's case: its fixture, overlay, vars from routecheck.yaml, file stubs.
    let case = "gold still reaches VIP when the order lookup fails";
    let traced = rc(repo())
        .args(["trace", "rules/web-messaging-vip-flow.yaml", "--case", case])
        .output()
        .unwrap();
    assert_eq!(traced.status.code(), Some(0), "{}", text(&traced.stderr));
    let tested = rc(repo())
        .args([
            "test",
            "-v",
            "rules/web-messaging-vip-flow.yaml",
            "--run",
            case,
        ])
        .output()
        .unwrap();
    assert_eq!(tested.status.code(), Some(0), "{}", text(&tested.stderr));
    let (t, v) = (text(&traced.stdout), text(&tested.stdout));
    assert!(!steps(&t).is_empty(), "{t}");
    assert_eq!(steps(&t), steps(&v), "trace:\n{t}\ntest -v:\n{v}");
    assert!(
        t.contains("callData \"Look up last order\" → failure"),
        "{t}"
    );
    assert!(
        t.contains(&format!("✓ Web Messaging VIP flow › {case}")),
        "{t}"
    );

    // A case that fails under `test` fails the same way here: exit 1, the failure shown.
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir(d.path().join("rules")).unwrap();
    std::fs::write(d.path().join("routecheck.yaml"), "rules: [rules]\n").unwrap();
    std::fs::copy(
        repo().join("tests/data/real-flows/web-messaging-triage-bot.yaml"),
        d.path().join("triage.yaml"),
    )
    .unwrap();
    std::fs::write(
        d.path().join("rules/triage.yaml"),
        "flow: ../triage.yaml\nvars: { flow_name: T, division: Home, default_language: en-us, queue_name: Triage, data_action_category: A, data_action_name: B }\ncases:\n  - name: new goes to triage\n    expect:\n      - route: { queue: Wrong }\n",
    )
    .unwrap();
    let out = rc(d.path())
        .args(["trace", "rules/triage.yaml", "--case", "new goes to triage"])
        .output()
        .unwrap();
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("route: queue \"Triage\""), "{stdout}");
    assert!(stdout.contains("✗ triage › new goes to triage"), "{stdout}");
    assert!(stdout.contains("expected: queue \"Wrong\""), "{stdout}");

    // A typo in the case name: exit 2, the nearest name and the list.
    let out = rc(d.path())
        .args(["trace", "rules/triage.yaml", "--case", "new goes to triag"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("did you mean `new goes to triage`?"), "{err}");
    // RULES with flags that would change the case: refused.
    let out = rc(d.path())
        .args(["trace", "rules/triage.yaml", "--case", "x", "--attr", "a=b"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn test_verbose_prints_each_case_s_path_with_paths_relative_to_the_working_directory() {
    // Given as an absolute path, from the repository and from a subdirectory.
    let rules = repo().join("rules/web-messaging-vip-flow.yaml");
    for (dir, prefix) in [(repo(), "flows/"), (&*repo().join("rules"), "../flows/")] {
        let out = rc(dir).args(["test", "-v"]).arg(&rules).output().unwrap();
        let stdout = text(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
        assert!(stdout.contains("    path:\n"), "{stdout}");
        let lines = steps(&stdout);
        assert!(lines.len() > 8, "{stdout}");
        for l in lines.iter().filter(|l| !l.starts_with("route:")) {
            assert!(
                l.starts_with(&format!("{prefix}web-messaging-vip.yaml:")),
                "{l}"
            );
        }
        assert!(!stdout.contains(&repo().display().to_string()), "{stdout}");
    }
    // Without -v, no path.
    let out = rc(repo()).args(["test"]).arg(&rules).output().unwrap();
    assert!(!text(&out.stdout).contains("path:"));

    // A failure's notes name the flow relative too.
    let d = tempfile::tempdir().unwrap();
    write_triage(d.path(), "      - route: { queue: Wrong }\n");
    let out = rc(d.path())
        .args(["test"])
        .arg(d.path().join("rules"))
        .output()
        .unwrap();
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("note:   triage.yaml:"), "{stdout}");
    assert!(stdout.contains("    rules/t.yaml:"), "{stdout}");
    assert!(
        !stdout.contains(&d.path().display().to_string()),
        "{stdout}"
    );
}

fn write_triage(dir: &Path, expect: &str) {
    std::fs::create_dir_all(dir.join("rules")).unwrap();
    std::fs::write(dir.join("routecheck.yaml"), "rules: [rules]\n").unwrap();
    std::fs::copy(
        repo().join("tests/data/real-flows/web-messaging-triage-bot.yaml"),
        dir.join("triage.yaml"),
    )
    .unwrap();
    std::fs::write(
        dir.join("rules/t.yaml"),
        format!("flow: ../triage.yaml\nvars: {{ flow_name: T, division: Home, default_language: en-us, queue_name: Triage, data_action_category: A, data_action_name: B }}\ncases:\n  - name: c\n    expect:\n{expect}"),
    )
    .unwrap();
}

#[test]
fn a_case_needs_neither_a_fixture_nor_attributes() {
    let d = tempfile::tempdir().unwrap();
    std::fs::copy(
        repo().join("tests/data/real-flows/web-messaging-triage-bot.yaml"),
        d.path().join("triage.yaml"),
    )
    .unwrap();
    std::fs::write(
        d.path().join("rules.yaml"),
        r#"flow: triage.yaml
vars: { flow_name: T, division: Home, default_language: en-us, queue_name: Triage, data_action_category: A, data_action_name: B }
stubs:
  Call Data Action: { output: failure }
cases:
  - name: only a message
    message: "Hello"
    expect:
      - route: { queue: Triage }
  - name: nothing at all
    expect:
      - route: { queue: Triage }
  - name: only a returning conversation
    new_conversation: false
    expect:
      - route: disconnect
"#,
    )
    .unwrap();
    let out = rc(d.path()).args(["test", "rules.yaml"]).output().unwrap();
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("3 passed, 0 failed"), "{stdout}");
}

#[test]
fn lint_tells_a_guarded_optional_attribute_from_an_unguarded_one() {
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir(d.path().join("flows")).unwrap();
    std::fs::write(
        d.path().join("flows/f.yaml"),
        flow_yaml("Guarded", GUARDED_FLOW),
    )
    .unwrap();
    let out = rc(d.path())
        .args(["lint", "--flow", "flows", "--format", "json"])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let unset: Vec<&Value> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "unset-attribute")
        .collect();
    let of = |attr: &str| {
        unset
            .iter()
            .find(|f| {
                f["message"]
                    .as_str()
                    .unwrap()
                    .contains(&format!("`{attr}`"))
            })
            .unwrap_or_else(|| panic!("no finding for {attr}: {doc:#}"))
    };
    let nick = of("nickname");
    assert_eq!(nick["severity"], "info", "{nick}");
    assert!(
        nick["message"]
            .as_str()
            .unwrap()
            .contains("guard or a default"),
        "{nick}"
    );
    let tier = of("tier");
    assert_eq!(tier["severity"], "warning", "{tier}");
    assert!(
        tier["message"].as_str().unwrap().contains("used unguarded"),
        "{tier}"
    );
    let lang = of("lang");
    assert_eq!(lang["severity"], "info", "{lang}");
    // A warning fails the default --deny warning; info alone would not.
    assert_eq!(out.status.code(), Some(1));
    let out = rc(d.path())
        .args(["lint", "--flow", "flows", "--deny", "error"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
}

const GUARDED_FLOW: &str = r#"  variables:
    - stringVariable:
        name: Flow.Nick
        initialValue:
          noValue: true
    - stringVariable:
        name: Flow.Tier
        initialValue:
          noValue: true
    - stringVariable:
        name: Flow.Lang
        initialValue:
          noValue: true
  states:
    - state:
        name: Start
        refId: Start_1
        actions:
          - getParticipantData:
              name: Read
              attributes:
                - attribute:
                    name:
                      lit: nickname
                    variable: Flow.Nick
                - attribute:
                    name:
                      lit: tier
                    variable: Flow.Tier
                - attribute:
                    name:
                      lit: lang
                    variable: Flow.Lang
          - sendResponse:
              name: Hello
              messageBody:
                exp: Append("Hi ", If(IsNotSetOrEmpty(Flow.Nick), "there", Flow.Nick))
          - decision:
              name: Gold?
              condition:
                exp: Flow.Tier == "gold"
              outputs:
                yes:
                  actions:
                    - transferToAcd:
                        name: To gold
                        targetQueue:
                          lit:
                            name: Gold
          - transferToAcd:
              name: To general
              targetQueue:
                lit:
                  name: General
"#;

#[test]
fn graph_draws_placeholders_without_a_value_as_written() {
    let d = tempfile::tempdir().unwrap();
    std::fs::copy(
        repo().join("tests/data/real-flows/merge-external-contact-message.yaml"),
        d.path().join("merge.yaml"),
    )
    .unwrap();
    let out = rc(d.path())
        .args([
            "graph",
            "--flow",
            "merge.yaml",
            "--var",
            "queue_name=Merge Queue",
        ])
        .output()
        .unwrap();
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stdout.starts_with("flowchart TD\n"), "{stdout}");
    assert!(stdout.contains("queue Merge Queue"), "{stdout}");
    assert!(!stdout.contains("rc__placeholder"), "{stdout}");
    assert!(
        stderr.contains("placeholders as written, without a value: {{bot_flow_name}}, {{common_module_name}}, {{default_language}}, {{division}}, {{flow_name}}"),
        "{stderr}"
    );
    // Drawn where the flow shows one: the queue of a transfer.
    let out = rc(d.path())
        .args(["graph", "--flow", "merge.yaml"])
        .output()
        .unwrap();
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout.contains("queue #123;#123;queue_name#125;#125;"),
        "{stdout}"
    );
}

/// A mistyped file path, relative, from a folder below the repository: trace (the file
/// read), test and lint (a path on the command line) each exit 2 with the sibling of a
/// near name suggested as the user would write it; no panic, nothing that looks like a pass.
#[test]
fn a_mistyped_path_suggests_the_sibling_it_probably_meant() {
    let rules = repo().join("rules");
    for (args, want) in [
        (
            vec!["trace", "--flow", "../flows/web-mesaging-vip.yaml"],
            "did you mean ../flows/web-messaging-vip.yaml?",
        ),
        (
            vec!["lint", "--flow", "../flows/web-messaging-vip.yml"],
            "did you mean ../flows/web-messaging-vip.yaml?",
        ),
        (
            vec!["test", "vip-routng.yaml"],
            "did you mean vip-routing.yaml?",
        ),
        (
            vec!["graph", "--flow", "../flows/web-messaging-vip.yml"],
            "did you mean ../flows/web-messaging-vip.yaml?",
        ),
    ] {
        let out = rc(&rules).args(&args).output().unwrap();
        let (o, e) = (text(&out.stdout), text(&out.stderr));
        assert_eq!(out.status.code(), Some(2), "{args:?}\n{o}{e}");
        assert!(e.contains(want), "{args:?}\n{o}{e}");
        assert!(!e.contains("panicked"), "{args:?}\n{o}{e}");
        // Nothing was read, so nothing is said to be drawn or read as written.
        assert!(!e.contains("as written"), "{args:?}\n{o}{e}");
    }
}
