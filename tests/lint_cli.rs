//! `routecheck lint` end to end: every finding code on real-looking inputs, the three
//! output formats, `--deny`, discovery, and load errors with exit code 2.

use assert_cmd::Command;
use serde_json::Value;

const D: &str = "tests/data/lint";

fn lint() -> Command {
    let mut c = Command::cargo_bin("routecheck").unwrap();
    c.env("NO_COLOR", "1").arg("lint");
    c
}

/// Run with every test input and `--format json`; the parsed document and exit code.
fn json(extra: &[&str]) -> (Value, i32) {
    let out = lint()
        .args(["--flow", &format!("{D}/flows")])
        .args(["--manifest", &format!("{D}/manifests")])
        .args(["--rules", &format!("{D}/rules")])
        .args(["--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    (doc, out.status.code().unwrap())
}

fn findings<'a>(doc: &'a Value, code: &str) -> Vec<&'a Value> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == code)
        .collect()
}

fn one<'a>(doc: &'a Value, code: &str, message_part: &str) -> &'a Value {
    let all = findings(doc, code);
    let hits: Vec<_> = all
        .iter()
        .filter(|f| f["message"].as_str().unwrap().contains(message_part))
        .collect();
    assert_eq!(hits.len(), 1, "{code} with {message_part:?} in {all:#?}");
    hits[0]
}

#[test]
fn unset_attribute_names_the_nearest_key() {
    let (doc, code) = json(&[]);
    assert_eq!(code, 1);
    let f = one(&doc, "unset-attribute", "`PriorityTier`");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["file"], format!("{D}/flows/reads.yaml"));
    assert_eq!(
        (f["line"].as_u64(), f["col"].as_u64()),
        (Some(49), Some(28))
    );
    assert!(f["help"].as_str().unwrap().contains("`priority_tier`"));
    assert!(f["help"].as_str().unwrap().contains("keys.yaml:3:5"));
}

#[test]
fn case_and_prefix_mismatches() {
    let (doc, _) = json(&[]);
    let f = one(&doc, "case-mismatch", "`customerid`");
    assert!(f["message"].as_str().unwrap().contains("`customerId`"));
    assert_eq!(f["line"], 53);
    let f = one(&doc, "prefix-mismatch", "`segment`");
    assert!(f["message"].as_str().unwrap().contains("`custom.segment`"));
    assert_eq!(f["severity"], "error");
}

#[test]
fn unknown_literals_in_decisions_and_switches() {
    let (doc, _) = json(&[]);
    let f = one(&doc, "unknown-literal", "\"Premium\"");
    assert_eq!(f["severity"], "warning");
    assert!(f["help"].as_str().unwrap().contains("\"premium\""));
    // Through Lower(): lowercase writers never produce an uppercase literal.
    one(&doc, "unknown-literal", "\"BASIC\"");
    // A `lit:` case of a firstMatch switch.
    let f = one(&doc, "unknown-literal", "\"Gold\"");
    assert_eq!(f["line"], 116);
    // Known values, either side of ==, are fine.
    assert!(findings(&doc, "unknown-literal").iter().all(|f| {
        let m = f["message"].as_str().unwrap();
        !m.contains("\"basic\"") && !m.contains("\"premium\"")
    }));
}

#[test]
fn unknown_literal_needs_a_known_value_set() {
    // Only the keys-only manifest without `values:` for plan: nothing to compare with.
    let dir = tempfile::tempdir().unwrap();
    let m = dir.path().join("m.yaml");
    std::fs::write(&m, "attributes: [plan]\n").unwrap();
    let out = lint()
        .args(["--flow", &format!("{D}/flows"), "--format", "json"])
        .arg("--manifest")
        .arg(&m)
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(findings(&doc, "unknown-literal").is_empty(), "{doc:#}");
}

#[test]
fn not_set_arithmetic_unless_guarded() {
    let (doc, _) = json(&[]);
    let f = one(&doc, "not-set-arithmetic", "`Flow.Visits`");
    assert_eq!(f["severity"], "warning");
    assert!(f["help"].as_str().unwrap().contains("IsNotSetOrEmpty"));
    // Flow.Score is checked with IsNotSetOrEmpty in the same condition.
    assert!(
        findings(&doc, "not-set-arithmetic")
            .iter()
            .all(|f| !f["message"].as_str().unwrap().contains("Flow.Score"))
    );
}

#[test]
fn unread_attributes_are_info_from_manifests_and_overlays_only() {
    let (doc, _) = json(&[]);
    let f = one(&doc, "unread-attribute", "`utm_source`");
    assert_eq!(f["severity"], "info");
    one(&doc, "unread-attribute", "`loyalty`");
    // Fixture attributes are recordings, not injections.
    assert!(
        findings(&doc, "unread-attribute")
            .iter()
            .all(|f| !f["message"].as_str().unwrap().contains("`region`"))
    );
}

#[test]
fn non_string_values_in_manifests_and_overlays() {
    let (doc, _) = json(&[]);
    let f = one(&doc, "non-string-value", "`visits`");
    assert_eq!(f["file"], format!("{D}/manifests/inject.yaml"));
    assert!(f["help"].as_str().unwrap().contains("\"5\""));
    // In a rules overlay it is what `test` refuses: a load error at the value, exit 2.
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("overlay.yaml");
    let text = std::fs::read_to_string(format!("{D}/rules/overlay.yaml")).unwrap();
    std::fs::write(&rules, text.replace("loyalty: \"3\"", "loyalty: 3")).unwrap();
    std::fs::copy(
        format!("{D}/fixtures/customer.json"),
        dir.path().join("customer.json"),
    )
    .unwrap();
    let text = std::fs::read_to_string(&rules).unwrap();
    std::fs::write(&rules, text.replace("../fixtures/", "")).unwrap();
    let out = lint()
        .args([
            "--flow",
            &format!("{D}/flows"),
            "--format",
            "json",
            "--rules",
        ])
        .arg(&rules)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let e = &doc["errors"][0];
    assert_eq!(e["code"], "routecheck::rules::type", "{doc:#}");
    assert_eq!(
        (
            e["location"]["line"].as_u64(),
            e["location"]["col"].as_u64()
        ),
        (Some(7), Some(16))
    );
}

#[test]
fn payload_too_large_uses_the_inject_budget() {
    let (doc, _) = json(&[]);
    assert!(findings(&doc, "payload-too-large").is_empty());
    let (doc, _) = json(&["--max-bytes", "10"]);
    let manifests: Vec<_> = findings(&doc, "payload-too-large")
        .into_iter()
        .filter(|f| {
            f["message"]
                .as_str()
                .unwrap()
                .contains("the manifest's attributes")
        })
        .collect();
    // Keys plus (the longest enumerated) values: keys.json is "plan" + "premium" = 11.
    assert_eq!(manifests.len(), 3, "{manifests:#?}");
    assert!(manifests.iter().any(|f| {
        f["message"]
            .as_str()
            .unwrap()
            .starts_with("the manifest's attributes take 11 bytes")
    }));
    assert!(
        manifests[0]["message"]
            .as_str()
            .unwrap()
            .contains("10-byte")
    );
    // visits "7" and loyalty "3": 15 bytes.
    one(
        &doc,
        "payload-too-large",
        "overlay attributes take 15 bytes",
    );
    // The default is inject's 2048 bytes.
    let dir = tempfile::tempdir().unwrap();
    let m = dir.path().join("big.json");
    let big = "x".repeat(2045);
    std::fs::write(&m, format!("{{\"attributes\": {{\"blob\": \"{big}\"}}}}")).unwrap();
    let out = lint()
        .args(["--format", "json", "--manifest"])
        .arg(&m)
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    one(&doc, "payload-too-large", "2049 bytes");
}

#[test]
fn json_shape() {
    let (doc, _) = json(&[]);
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["summary"]["flows"], 1);
    assert_eq!(doc["summary"]["manifests"], 3);
    assert_eq!(doc["summary"]["rules"], 1);
    for f in doc["findings"].as_array().unwrap() {
        for k in [
            "code", "severity", "message", "file", "line", "col", "end_line", "end_col", "help",
        ] {
            assert!(f.get(k).is_some(), "{k} missing in {f}");
        }
    }
    let errors = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .count();
    assert_eq!(doc["summary"]["errors"], errors);
}

#[test]
fn github_annotations() {
    let out = lint()
        .args(["--flow", &format!("{D}/flows")])
        .args(["--manifest", &format!("{D}/manifests")])
        .args(["--format", "github"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains(&format!(
        "::error file={D}/flows/reads.yaml,line=49,col=28,title=routecheck unset-attribute::the flow reads attribute `PriorityTier`"
    )), "{text}");
    assert!(
        text.contains("title=routecheck not-set-arithmetic::"),
        "{text}"
    );
    assert!(text.contains("::notice file="), "{text}");
    // The help goes on an escaped second line, never a raw newline inside a command.
    for line in text.lines().filter(|l| l.starts_with("::")) {
        assert!(line.contains("%0A"), "{line}");
    }
}

#[test]
fn human_output_has_carets_codes_and_help() {
    let out = lint()
        .args(["--flow", &format!("{D}/flows")])
        .args(["--manifest", &format!("{D}/manifests/keys.yaml")])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("routecheck::lint::unset-attribute"), "{text}");
    assert!(
        text.contains(&format!("{D}/flows/reads.yaml:49:28")),
        "{text}"
    );
    assert!(text.contains("lit: PriorityTier"), "{text}");
    assert!(text.contains("never set"), "{text}");
    assert!(text.contains("help:"), "{text}");
    assert!(text.lines().last().unwrap().starts_with("lint: "), "{text}");
}

#[test]
fn deny_levels() {
    assert_eq!(json(&["--deny", "error"]).1, 1);
    // Only info findings: the unread key.
    let dir = tempfile::tempdir().unwrap();
    let m = dir.path().join("m.yaml");
    std::fs::write(&m, "attributes: {customerid: C-1, PriorityTier: gold, segment: a, plan: premium, visits: \"3\", score: \"1\", extra: x}\n").unwrap();
    let run = |deny: &str| {
        lint()
            .args([
                "--flow",
                &format!("{D}/flows"),
                "--deny",
                deny,
                "--format",
                "json",
            ])
            .arg("--manifest")
            .arg(&m)
            .output()
            .unwrap()
    };
    let out = run("warning");
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(!codes.contains(&"unset-attribute"), "{codes:?}");
    assert!(codes.contains(&"unread-attribute"), "{codes:?}");
    // Flow.Visits is still unguarded: a warning.
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(run("error").status.code(), Some(0));
    assert_eq!(run("info").status.code(), Some(1));
}

#[test]
fn the_sample_catches_priority_tier_against_priority_tier() {
    // `cd lint && routecheck lint` reads lint/.routecheck-lint.yaml.
    let out = lint()
        .current_dir("lint")
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = one(&doc, "unset-attribute", "`PriorityTier`");
    assert_eq!(f["file"], "flows/support-routing.yaml");
    assert!(f["help"].as_str().unwrap().contains("`priority_tier`"));
}

#[test]
fn discovery_uses_default_directories() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("manifests")).unwrap();
    std::fs::write(
        dir.path().join("manifests/a.yaml"),
        "attributes: {tier: gold}\n",
    )
    .unwrap();
    let out = lint()
        .current_dir(dir.path())
        .args(["--format", "json"])
        .output()
        .unwrap();
    // Manifests alone: no flow and no binding read them, so nothing was checked.
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing was checked"));
    // Nothing at all to lint is a usage error.
    let empty = tempfile::tempdir().unwrap();
    let out = lint().current_dir(empty.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing to lint"));
}

#[test]
fn bad_config_file_is_a_located_load_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".routecheck-lint.yaml"), "flow: [flows]\n").unwrap();
    let out = lint().current_dir(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    // The one unknown-key message every file kind shares (the mapping reader's).
    assert!(
        err.contains("unknown key `flow` in the lint config"),
        "{err}"
    );
    assert!(err.contains("did you mean `flows`?"), "{err}");
    assert!(err.contains("routecheck::lint::config"), "{err}");
    assert!(err.contains(".routecheck-lint.yaml:1:1"), "{err}");
}

#[test]
fn bad_manifests_are_located_load_errors() {
    let out = lint()
        .args(["--manifest", &format!("{D}/bad")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unknown key `atributes` in the manifest"),
        "{err}"
    );
    assert!(err.contains("did you mean `attributes`"), "{err}");
    assert!(err.contains("unknown-key.yaml:1:1"), "{err}");
    assert!(
        err.contains("`values:` goes with the keys-only shape"),
        "{err}"
    );
    assert!(err.contains("nothing was checked"), "{err}");
}

#[test]
fn bad_flows_fixtures_and_paths_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let flow = dir.path().join("f.yaml");
    std::fs::write(&flow, "inboundShortMessage: [\n").unwrap();
    let out = lint().arg("--flow").arg(&flow).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("f.yaml:"));

    let rules = dir.path().join("r.yaml");
    std::fs::write(&rules, "cases:\n  - name: x\n    fixture: missing.json\n").unwrap();
    let out = lint().arg("--rules").arg(&rules).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.json"));

    let out = lint()
        .args(["--manifest", "no/such/file.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such file or directory"));
}

#[test]
fn the_repository_samples_pass_the_gate_the_readme_shows() {
    // `routecheck lint && routecheck test` at the root: the VIP flow, its rules and the
    // snippet's manifest agree on every attribute name and value.
    let out = lint().output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("0 errors, 0 warnings"), "{text}");
}
