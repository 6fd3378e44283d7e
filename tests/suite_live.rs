//! `routecheck test` against live conversations served by the mock Genesys API:
//! `--conversation`, `conversation: ${VAR}`, fetch failures as case errors, one fetch per
//! conversation, fixture-only runs without credentials, and no secret in any output.

use crate::support;

use std::path::Path;

use support::{Fault, Mock, Run, SMS_ID, WEB_ID};

/// A temporary project with one rules file, and every run kept for the secret check.
struct Project {
    mock: Mock,
    dir: tempfile::TempDir,
    runs: Vec<(String, Run)>,
}

impl Project {
    fn new(rules: &str) -> Project {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("rules.yaml"), rules).unwrap();
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/gold-returning.json"),
            dir.path().join("gold.json"),
        )
        .unwrap();
        Project {
            mock: Mock::start(),
            dir,
            runs: vec![],
        }
    }

    /// Run with the mock's credentials plus `extra` variables.
    fn run(&mut self, extra: &[(&str, &str)], args: &[&str]) -> &Run {
        let mut env = self.mock.env();
        env.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
        self.run_env(&env, args)
    }

    fn run_env(&mut self, vars: &[(&str, String)], args: &[&str]) -> &Run {
        let run = support::run_cli(Some(self.dir.path()), vars, args);
        self.runs.push((args.join(" "), run));
        &self.runs.last().unwrap().1
    }

    /// GETs of conversation `id` the mock answered.
    fn fetches(&self, id: &str) -> usize {
        self.mock
            .seen()
            .iter()
            .filter(|s| s.method == "GET" && s.path.ends_with(id))
            .count()
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        support::assert_runs_have_no_secrets(&self.mock, &self.runs, self.dir.path());
    }
}

const TIER_GOLD: &str = "cases:
  - name: gold customer
    fixture: does-not-exist.json
    expect:
      - attribute: Tier
        equals: gold
  - name: billing intent
    expect:
      - attribute: Intent
        equals: billing
";

#[test]
fn conversation_flag_checks_the_live_attributes() {
    let mut p = Project::new(TIER_GOLD);
    let r = p.run(&[], &["test", "--conversation", WEB_ID, "rules.yaml"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("2 passed, 0 failed"), "{}", r.stdout);
    assert!(
        r.stderr.contains(&format!(
            "live conversation {WEB_ID}; `fixture:` paths are ignored"
        )),
        "{}",
        r.stderr
    );
    assert_eq!(p.fetches(WEB_ID), 1);

    // The org changes: the same rules now fail on the live value.
    assert!(p.mock.edit_conversation(WEB_ID, |c| {
        c["participants"][0]["attributes"]["Tier"] = "silver".into();
    }));
    let r = p.run(&[], &["test", "--conversation", WEB_ID, "rules.yaml"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("1 passed, 1 failed"), "{}", r.stdout);
    assert!(r.stdout.contains("silver"), "{}", r.stdout);
}

#[test]
fn conversation_key_reads_the_environment() {
    let rules = "cases:
  - name: live gold
    conversation: ${GENESYS_CONVERSATION_ID}
    expect:
      - attribute: Tier
        equals: gold
  - name: recorded
    fixture: gold.json
    expect:
      - attribute: priority_tier
        set: true
";
    let mut p = Project::new(rules);
    let r = p.run(
        &[("GENESYS_CONVERSATION_ID", WEB_ID)],
        &["test", "--format", "json", "rules.yaml"],
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(p.fetches(WEB_ID), 1);

    // Unset: exit 2, located at the scalar, naming the variable; nothing fetched.
    let env = p.mock.env();
    let r = p.run_env(&env, &["test", "rules.yaml"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(
        all.contains("environment variable GENESYS_CONVERSATION_ID is not set"),
        "{all}"
    );
    assert!(all.contains("rules.yaml:3:19"), "{all}");
    assert!(all.contains("interpolated from the environment"), "{all}");
    assert_eq!(p.fetches(WEB_ID), 1);
}

#[test]
fn fetch_failures_are_case_errors_with_status_and_correlation_id() {
    let rules = format!(
        "cases:
  - name: forbidden
    conversation: {WEB_ID}
    expect: [{{attribute: Tier, equals: gold}}]
  - name: missing
    conversation: no-such-conversation
    expect: [{{attribute: Tier, equals: gold}}]
"
    );
    let mut p = Project::new(&rules);
    // Aimed at one id: the two cases' fetches run in parallel.
    p.mock.fault(
        "GET",
        &format!("/api/v2/conversations/messages/{WEB_ID}"),
        Fault::Status(403, "Missing permission conversation:message:view"),
    );
    let r = p.run(&[], &["test", "--format", "json", "rules.yaml"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    let out = &r.stdout;
    assert!(out.contains("\"status\": \"error\""), "{out}");
    assert!(out.contains("403"), "{out}");
    assert!(out.contains("404"), "{out}");
    assert!(out.contains("corr-"), "{out}");
    assert!(
        out.contains(&format!("GET /api/v2/conversations/messages/{WEB_ID}")),
        "{out}"
    );
    let json: serde_json::Value = serde_json::from_str(out).unwrap();
    let case = &json["suites"][0]["cases"][0];
    assert_eq!(case["error"]["location"]["line"], 3, "{out}");
    assert_eq!(case["error"]["location"]["col"], 19, "{out}");
}

#[test]
fn each_conversation_is_fetched_once_however_many_cases_read_it() {
    let mut rules = String::from("cases:\n");
    for i in 0..12 {
        let id = if i % 3 == 0 { SMS_ID } else { WEB_ID };
        rules.push_str(&format!(
            "  - name: case {i}\n    conversation: {id}\n    expect: [{{jsonpath: $.id, equals: [\"{id}\"]}}]\n"
        ));
    }
    let mut p = Project::new(&rules);
    let r = p.run(&[], &["test", "rules.yaml"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("12 passed"), "{}", r.stdout);
    assert_eq!(p.fetches(WEB_ID), 1);
    assert_eq!(p.fetches(SMS_ID), 1);
    // One token for the whole run: the client is shared by every worker.
    assert_eq!(p.mock.tokens().len(), 1);
}

#[test]
fn fixture_only_runs_need_no_credentials_and_live_runs_say_what_is_missing() {
    let rules = "cases:
  - name: recorded
    fixture: gold.json
    expect: [{attribute: priority_tier, set: true}]
";
    let mut p = Project::new(rules);
    let r = p.run_env(&[], &["test", "rules.yaml"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);

    let r = p.run_env(&[], &["test", "--conversation", WEB_ID, "rules.yaml"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(all.contains("GENESYS_CLIENT_ID is not set"), "{all}");
    assert!(p.mock.seen().is_empty());
}

#[test]
fn net_flags_apply_to_test() {
    let mut p = Project::new(TIER_GOLD);
    let r = p.run(
        &[],
        &[
            "test",
            "--conversation",
            WEB_ID,
            "--rate-limit",
            "120",
            "--timeout",
            "5",
            "--max-retry-time",
            "10",
            "rules.yaml",
        ],
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let r = p.run(&[], &["test", "--rate-limit", "0", "rules.yaml"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
}

#[test]
fn values_of_secret_named_variables_are_never_shown() {
    let rules = format!(
        "cases:
  - name: leaky
    conversation: {WEB_ID}
    expect:
      - attribute: Tier
        equals: ${{SUPPORT_API_TOKEN}}
"
    );
    let mut p = Project::new(&rules);
    let secret = "tok-do-not-print-4711";
    let r = p.run(&[("SUPPORT_API_TOKEN", secret)], &["test", "rules.yaml"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        !r.stdout.contains(secret) && !r.stderr.contains(secret),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("[redacted]"), "{}", r.stdout);
}

#[test]
fn secrets_interpolated_into_suite_and_case_names_are_scrubbed_in_every_format() {
    let rules = format!(
        "suite: checks for ${{GENESYS_CLIENT_SECRET}}
cases:
  - name: case ${{SUPPORT_API_TOKEN}} one
    conversation: {WEB_ID}
    expect:
      - attribute: Tier
        equals: platinum
"
    );
    let mut p = Project::new(&rules);
    let token = "tok-name-do-not-print-9931";
    for format in ["human", "json", "github"] {
        let junit = format!("report-{format}.xml");
        let r = p.run(
            &[("SUPPORT_API_TOKEN", token)],
            &["test", "--format", format, "--junit", &junit, "rules.yaml"],
        );
        assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
        assert!(!r.stdout.contains(token) && !r.stderr.contains(token));
        assert!(r.stdout.contains("[redacted]"), "{format}: {}", r.stdout);
        let xml = std::fs::read_to_string(p.dir.path().join(&junit)).unwrap();
        assert!(!xml.contains(token) && xml.contains("[redacted]"), "{xml}");
    }
    // The Project's drop checks the client secret and every token in all outputs and files.
}

#[test]
fn two_customer_participants_are_the_same_error_in_test_and_inject() {
    let mut p = Project::new(TIER_GOLD);
    assert!(p.mock.edit_conversation(WEB_ID, |v| {
        let parts = v["participants"].as_array_mut().unwrap();
        let mut second = parts[0].clone();
        second["id"] = "0d0d0d0d-1111-4222-8333-444455556666".into();
        parts.push(second);
    }));
    let n = p.mock.conversation(WEB_ID).unwrap()["participants"]
        .as_array()
        .unwrap()
        .len();
    let wording = format!(
        "the conversation has 2 customer participants ($.participants[0], $.participants[{}])",
        n - 1
    );
    let r = p
        .run(&[], &["test", "--conversation", WEB_ID, "rules.yaml"])
        .stdout
        .clone();
    assert!(r.contains(&wording), "{r}");
    assert!(!r.contains("passed") || r.contains("0 passed"), "{r}");
    let r = p.run(&[], &["inject", WEB_ID, "Tier=platinum"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains(&wording), "{}", r.stderr);
}
