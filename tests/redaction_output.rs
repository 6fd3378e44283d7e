//! Personal data never leaves in output (issue #26): a fixture recorded with `--keep-pii`, or
//! a live `--conversation`, keeps names, phone numbers, emails and message text, and no
//! report of `test` (human with -v, JSON, GitHub annotations, JUnit, the job summary), no
//! `trace` (text, Mermaid, a replayed case) prints them. What a reader still sees: the key, and
//! `[redacted KIND #hhhh]` (kind and a fingerprint). Values that are not personal still print.

use std::path::Path;

use crate::support::{self, Mock, Run, WEB_ID};

/// The planted personal values of tests/data/redaction/keep-pii-conversation.json, and
/// pieces of them a partial scrub would leave.
const PLANTED: &[&str] = &[
    "Rosalind",
    "Okafor",
    "7946 0958",
    "ros.okafor",
    "Jonah",
    "Whitcombe",
    "900123",
    "Idris",
    "900456",
];

const RULES: &str = r#"suite: Personal data kept in a recording
flow: ../flows/web-messaging-vip.yaml
vars:
  flow_name: Web Messaging VIP
  general_queue: General Support
  vip_queue: VIP Support
  data_action_category: Orders
bindings:
  Flow.Tier: priority_tier
  Flow.FirstName: first_name
  Flow.CustomerId: customer_id
stubs:
  Look up last order: { output: success, values: { Flow.OrderStatus: shipped } }
cases:
  - name: platinum goes to VIP
    fixture: ../fixtures/kept.json
    expect:
      - route: { queue: VIP Support, priority: 10 }
  - name: greeting by name
    fixture: ../fixtures/kept.json
    expect:
      - responses: ["Hi there, an agent will be with you shortly."]
  - name: attributes
    fixture: ../fixtures/kept.json
    expect:
      - attribute: customer_phone
        equals: "+1 000"
      - attribute: emergencyContacts
        equals: nobody
      - attribute: household
        equals: nobody
      - value: Flow.FirstName
        equals: Nobody
      - value: Append(Flow.CustomerId, "!")
        equals: nope
      - attribute: priority_tier
        equals: gold
"#;

/// A project: routecheck.yaml, the VIP flow, the kept fixture and the rules above.
fn project() -> tempfile::TempDir {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    for d in ["flows", "fixtures", "rules"] {
        std::fs::create_dir(p.join(d)).unwrap();
    }
    std::fs::write(p.join("routecheck.yaml"), "rules: [rules]\n").unwrap();
    std::fs::copy(
        repo.join("flows/web-messaging-vip.yaml"),
        p.join("flows/web-messaging-vip.yaml"),
    )
    .unwrap();
    std::fs::copy(
        repo.join("tests/data/redaction/keep-pii-conversation.json"),
        p.join("fixtures/kept.json"),
    )
    .unwrap();
    std::fs::write(p.join("rules/pii.yaml"), RULES).unwrap();
    dir
}

fn assert_no_planted(what: &str, text: &str, planted: &[&str]) {
    for v in planted {
        assert!(
            !text.to_lowercase().contains(&v.to_lowercase()),
            "{v} leaked into {what}:\n{text}"
        );
    }
}

fn both(r: &Run) -> String {
    format!("{}\n{}", r.stdout, r.stderr)
}

#[test]
fn no_test_report_prints_a_personal_value_of_a_keep_pii_fixture() {
    let dir = project();
    let p = dir.path();
    let human = support::run_in(p, &["test", "rules/pii.yaml", "-v"]);
    assert_eq!(human.code, 1, "{}", human.dump());
    let json = support::run_in(p, &["test", "rules/pii.yaml", "-v", "--format", "json"]);
    let github = support::run_in(p, &["test", "rules/pii.yaml", "--format", "github"]);
    let files = support::run_in(
        p,
        &[
            "test",
            "rules/pii.yaml",
            "--junit",
            "junit.xml",
            "--summary",
            "summary.md",
        ],
    );
    assert_eq!(files.code, 1, "{}", files.dump());
    let junit = std::fs::read_to_string(p.join("junit.xml")).unwrap();
    let summary = std::fs::read_to_string(p.join("summary.md")).unwrap();
    for (what, text) in [
        ("human -v", both(&human)),
        ("json -v", both(&json)),
        ("github", both(&github)),
        ("junit", junit.clone()),
        ("summary", summary.clone()),
    ] {
        assert_no_planted(what, &text, PLANTED);
        // What was personal is shown as its kind and a fingerprint; the rest as it is.
        assert!(text.contains("[redacted "), "{what}: {text}");
        assert!(text.contains("CUST-004211!"), "{what}: {text}");
        assert!(text.contains("platinum"), "{what}: {text}");
    }
    let h = both(&human);
    // The same value has the same fingerprint wherever it is shown (attribute, variable,
    // the response built from it); a name and a phone number are told apart.
    let name = "[redacted name #";
    let at = h.find(name).unwrap() + name.len();
    let fingerprint = &h[at..at + 5];
    assert!(
        h.contains(&format!(
            "\"Hi {name}{fingerprint}, an agent will be with you shortly.\""
        )),
        "{h}"
    );
    assert!(h.contains("actual:   \"[redacted phone #"), "{h}");
    assert!(h.contains("VIP Support"), "{h}");
}

#[test]
fn trace_prints_no_personal_value_of_a_keep_pii_fixture() {
    let dir = project();
    let p = dir.path();
    let replay = support::run_in(
        p,
        &["trace", "rules/pii.yaml", "--case", "greeting by name"],
    );
    assert_eq!(replay.code, 1, "{}", replay.dump());
    let flags = [
        "trace",
        "--flow",
        "flows/web-messaging-vip.yaml",
        "--fixture",
        "fixtures/kept.json",
        "--var",
        "flow_name=VIP",
        "--var",
        "general_queue=General",
        "--var",
        "vip_queue=VIP Support",
        "--var",
        "data_action_category=Orders",
        "--stub",
        "Look up last order=success",
    ];
    let text = support::run_in(p, &flags);
    assert_eq!(text.code, 0, "{}", text.dump());
    let mut mermaid_flags = flags.to_vec();
    mermaid_flags.extend(["--format", "mermaid"]);
    let mermaid = support::run_in(p, &mermaid_flags);
    assert_eq!(mermaid.code, 0, "{}", mermaid.dump());
    for (what, r) in [("replay", &replay), ("text", &text), ("mermaid", &mermaid)] {
        assert_no_planted(what, &both(r), PLANTED);
    }
    for r in [&replay, &text] {
        let t = both(r);
        assert!(t.contains("Flow.FirstName = \"[redacted name #"), "{t}");
        assert!(t.contains("Flow.CustomerId = \"CUST-004211\""), "{t}");
        assert!(t.contains("routed_as = \"vip-platinum\""), "{t}");
    }
}

#[test]
fn a_live_conversation_s_personal_values_are_not_printed() {
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("rules.yaml"),
        "cases:
  - name: live customer
    expect:
      - attribute: context.firstName
        equals: Nobody
      - attribute: context.phoneNumber
        equals: '0'
      - attribute: Intent
        equals: sales
",
    )
    .unwrap();
    let env = mock.env();
    for format in ["human", "json", "github"] {
        let r = support::run_cli(
            Some(dir.path()),
            &env,
            &[
                "test",
                "rules.yaml",
                "--conversation",
                WEB_ID,
                "--format",
                format,
                "-v",
            ],
        );
        assert_eq!(r.code, 1, "{}", r.dump());
        let t = both(&r);
        assert_no_planted(format, &t, &["Blanche", "938 679", "8637"]);
        assert!(t.contains("[redacted name #"), "{format}: {t}");
        // Not personal: still shown.
        assert!(t.contains("billing"), "{format}: {t}");
    }
}
