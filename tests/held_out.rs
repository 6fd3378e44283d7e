//! A project laid out unlike the samples (config at the root, rules three levels down,
//! recordings in a sibling tree, camelCase keys with `custom.`/`context.` prefixes),
//! typos planted in bindings, `attribute:` checks and overlays (of a recorded case and
//! of a case without a recording): each is reported at its place with the intended key,
//! from the root, a subdirectory, outside, and through a symlinked directory.

use std::path::Path;

use serde_json::Value;

use crate::support::{Run, run_cli};

fn run(dir: &Path, args: &[&str]) -> Run {
    run_cli(Some(dir), &[], args)
}

const RULES: &str = "\
suite: camel typos
bindings:
  Flow.Tier: customertier
  Flow.Acct: acountId
cases:
  - name: expectations with typos
    fixture: ../../../recordings/2024/vip.json
    expect:
      - attribute: preferredLanguage
        set: false
      - attribute: region
        not_equals: apac
      - attribute: custom.accountId
        set: false
  - name: overlay typos on a recording
    fixture: ../../../recordings/2024/vip.json
    attributes: { customerTeir: gold, Accountid: X }
    expect:
      - attribute: customerTier
        equals: platinum
  - name: an overlay typo without a recording
    attributes: { customerTeir: gold }
    expect:
      - attribute: customerTier
        set: false
";

/// (line, col, intended key) of every planted typo.
const PLANTED: [(u64, u64, &str); 8] = [
    (3, 14, "customerTier"),
    (4, 14, "accountId"),
    (9, 20, "custom.preferredLanguage"),
    (11, 20, "Region"),
    (13, 20, "accountId"),
    (17, 19, "customerTier"),
    (17, 39, "accountId"),
    (22, 19, "customerTier"),
];

fn held_out() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().canonicalize().unwrap().join("contact-center");
    std::fs::create_dir_all(root.join("checks/web/nested")).unwrap();
    std::fs::create_dir_all(root.join("recordings/2024")).unwrap();
    let mut conv: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/platinum-vip.json"),
        )
        .unwrap(),
    )
    .unwrap();
    for p in conv["participants"].as_array_mut().unwrap() {
        if p["attributes"].as_object().is_some_and(|a| !a.is_empty()) {
            p["attributes"] = serde_json::json!({
                "customerTier": "platinum",
                "accountId": "CUST-1",
                "custom.preferredLanguage": "en-us",
                "Region": "emea",
            });
        }
    }
    std::fs::write(root.join("recordings/2024/vip.json"), conv.to_string()).unwrap();
    std::fs::write(root.join("checks/web/nested/typos.yaml"), RULES).unwrap();
    std::fs::write(
        root.join("routecheck.yaml"),
        "rules: [checks]\nfixtures: recordings\n",
    )
    .unwrap();
    (tmp, root)
}

/// Each planted typo has a warning at its line:col naming the intended key.
fn every_typo_found(warnings: &[(u64, u64, String)]) {
    for (line, col, key) in PLANTED {
        assert!(
            warnings
                .iter()
                .any(|(l, c, text)| (*l, *c) == (line, col) && text.contains(&format!("`{key}`"))),
            "{line}:{col} `{key}` not among {warnings:#?}"
        );
    }
}

fn json_warnings(o: &Run) -> Vec<(u64, u64, String)> {
    let doc: Value = serde_json::from_str(&o.stdout).unwrap();
    doc["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["location"]["line"].as_u64().unwrap(),
                w["location"]["col"].as_u64().unwrap(),
                format!("{} {}", w["message"], w["help"]),
            )
        })
        .collect()
}

#[test]
fn planted_typos_are_found_from_every_directory() {
    let (tmp, root) = held_out();
    let link = tmp.path().join("web-link");
    #[cfg(unix)]
    std::os::unix::fs::symlink(root.join("checks/web"), &link).unwrap();
    let abs = root.join("checks").display().to_string();
    let mut places: Vec<(std::path::PathBuf, Vec<&str>)> = vec![
        (root.clone(), vec!["test"]),
        (root.join("checks/web/nested"), vec!["test", "."]),
        (tmp.path().to_path_buf(), vec!["test", &abs]),
    ];
    if cfg!(unix) {
        places.push((link.join("nested"), vec!["test", "typos.yaml"]));
    }
    for (dir, args) in places {
        let mut args = args.clone();
        args.extend(["--format", "json"]);
        let o = run(&dir, &args);
        assert_eq!(o.code, 0, "{dir:?}: {}{}", o.stdout, o.stderr);
        every_typo_found(&json_warnings(&o));
    }
    // The human report says the same on stderr, GitHub as annotations.
    let human = run(&root, &["test"]);
    for (line, col, key) in PLANTED {
        let at = format!("typos.yaml:{line}:{col}");
        let i = human
            .stderr
            .find(&at)
            .unwrap_or_else(|| panic!("{at}: {}", human.stderr));
        assert!(human.stderr[i..].contains(key), "{at}");
    }
    let gh = run(&root, &["test", "--format", "github"]);
    for (line, col, _) in PLANTED {
        assert!(
            gh.stdout.contains(&format!("line={line},col={col}")),
            "{}",
            gh.stdout
        );
    }
}

#[test]
fn a_recorded_case_overlay_typo_does_not_become_the_suggestion() {
    let (_tmp, root) = held_out();
    let o = run(&root, &["test", "--format", "json"]);
    // The binding `acountId` means the recorded `accountId`, not the overlay's typo.
    let w = json_warnings(&o);
    assert!(
        !w.iter()
            .any(|(l, c, t)| (*l, *c) == (4, 14) && t.contains("`Accountid`?")),
        "{w:#?}"
    );
    // lint --rules names the same intended key for the binding.
    let lint = run(&root, &["lint", "--rules", "checks", "--format", "json"]);
    let doc: Value = serde_json::from_str(&lint.stdout).unwrap();
    let binding = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["line"] == 4 && f["col"] == 14)
        .unwrap_or_else(|| panic!("{doc:#}"));
    assert!(
        binding["help"].as_str().unwrap().contains("`accountId`"),
        "{binding:#}"
    );
}

/// A second layout: no routecheck.yaml (a git work tree is the root), the flow in a
/// tree of its own, snake_case keys: overlay typos are named against what the flow
/// reads, in a case with a recording and in one without.
const FLOW_RULES: &str = "\
flow: ../../../cx/flows/inbound/vip.yaml
vars: { flow_name: VIP, general_queue: General, vip_queue: VIP, data_action_category: Orders }
bindings:
  Flow.Tier: Priority_Tier
stubs:
  Look up last order: { output: success, values: { Flow.OrderStatus: shipped } }
cases:
  - name: without a recording
    attributes: { priorty_tier: gold }
    expect:
      - route: error
  - name: an anonymous recording
    fixture: ../../../data/conv/anonymous-guest.json
    attributes: { priority_teir: gold, Customer_ID: x }
    expect:
      - route: error
";

#[test]
fn overlay_typos_are_named_against_what_the_flow_reads() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().canonicalize().unwrap().join("repo");
    let samples = Path::new(env!("CARGO_MANIFEST_DIR"));
    for d in [".git", "tests/routing/web", "data/conv", "cx/flows/inbound"] {
        std::fs::create_dir_all(root.join(d)).unwrap();
    }
    std::fs::copy(
        samples.join("flows/web-messaging-vip.yaml"),
        root.join("cx/flows/inbound/vip.yaml"),
    )
    .unwrap();
    std::fs::copy(
        samples.join("fixtures/anonymous-guest.json"),
        root.join("data/conv/anonymous-guest.json"),
    )
    .unwrap();
    std::fs::write(root.join("tests/routing/web/vip.yaml"), FLOW_RULES).unwrap();
    let o = run(
        &root.join("tests/routing"),
        &["test", "web", "--format", "json"],
    );
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    let w = json_warnings(&o);
    // (The binding's `Priority_Tier` has no recorded attribute to be measured against
    // here: it is measured against the overlay, a known gap.)
    for (line, col, key) in [
        (9, 19, "priority_tier"),
        (14, 19, "priority_tier"),
        (14, 40, "customer_id"),
    ] {
        assert!(
            w.iter()
                .any(|(l, c, t)| (*l, *c) == (line, col) && t.contains(&format!("`{key}`?"))),
            "{line}:{col} `{key}` not among {w:#?}"
        );
    }
}

/// `lint --rules` with no flow: an overlay key nothing reads while the file reads a close
/// name is reported at the overlay key with the name that is read, and the read is not
/// offered the overlay's typo as its "did you mean".
#[test]
fn lint_without_a_flow_reports_an_overlay_typo_at_the_overlay() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().canonicalize().unwrap();
    std::fs::create_dir_all(root.join(".git")).unwrap();
    std::fs::create_dir_all(root.join("rules")).unwrap();
    std::fs::write(
        root.join("rules/r.yaml"),
        "suite: overlay typo\nbindings:\n  Flow.Tier: priority_tier\ncases:\n  - name: gold\n    attributes:\n      priorty_tier: gold\n    expect:\n      - condition: Flow.Tier == \"gold\"\n",
    )
    .unwrap();
    let o = run(&root, &["lint", "--rules", "rules/r.yaml"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    let all = format!("{}{}", o.stdout, o.stderr);
    assert!(all.contains("rules/r.yaml:7:7"), "{all}");
    assert!(
        all.contains(
            "overlay key `priorty_tier` is read by nothing; the rules file reads `priority_tier`"
        ),
        "{all}"
    );
    assert!(!all.contains("did you mean `priorty_tier`"), "{all}");
}
