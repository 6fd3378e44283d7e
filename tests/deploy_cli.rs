//! The deploy's own resources through the CLI (issue 24): queues, schedules and
//! schedule groups, an emergency group, a data table with rows and a data action with
//! its contracts, read from Terraform files and used by `test` and `lint` instead of
//! hand-written stubs.
//!
//! - tests/data/terraform/hours/: a deploy written for these tests (its main.tf says
//!   what it holds), with its flow, rules file and routecheck.yaml.
//! - The Lambda blueprint (tests/data/terraform/SOURCES.md) with its two remote modules
//!   installed, for the issue's queue typo (`dude-general-suport`).

use std::path::{Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

use crate::support::{copy_dir, run_in as run};

mod tables;

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// tests/data/terraform/hours copied to a temporary directory (its own project root).
fn hours() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let top = tmp.path().join("hours");
    copy_dir(&Path::new(ROOT).join("tests/data/terraform/hours"), &top);
    (tmp, top)
}

/// A rules file on the hours flow, its cases given as YAML.
fn suite(name: &str, extra: &str, cases: &str) -> String {
    format!("suite: {name}\nflow: tf:genesyscloud_flow.hours\n{extra}cases:\n{cases}")
}

/// A case at `now` expecting `queue`.
fn at(now: &str, queue: &str) -> String {
    format!(
        "  - name: {now} is {queue}\n    now: {now}\n    expect:\n      - route: {{ queue: {queue} }}\n"
    )
}

#[test]
fn open_closed_and_holiday_at_each_clock_across_dst_in_two_zones() {
    let (_tmp, top) = hours();
    // The committed rules file (Paris): open, closed at lunch, the holiday, the late
    // shift (BYDAY with an end date), a VIP from the deploy's table, an order lookup.
    let r = run(&top, &["test", "-v"]);
    assert_eq!(r.code, 0, "{}", r.all());
    let all = r.all();
    assert!(all.contains("7 passed, 0 failed"), "{all}");
    assert!(
        all.contains(
            "closed at 2026-11-03T17:30:00.000Z: no schedule of `Paris Hours` contains the time"
        ) && all
            .contains("schedule `Late Shift` (Europe/Paris) at 2026-11-03T17:30:00.000Z is active"),
        "{all}"
    );
    // A week of clocks across each zone's DST change: Europe leaves summer time on
    // 25 Oct 2026, the US on 1 Nov; 09:00-17:00 local moves by an hour in UTC.
    let paris = [
        ("2026-10-23T06:59:59Z", "After Hours"), // Fri 08:59:59 CEST
        ("2026-10-23T07:00:00Z", "Billing"),     // Fri 09:00 CEST
        ("2026-10-23T14:59:59Z", "Billing"),     // Fri 16:59:59 CEST
        ("2026-10-23T15:00:00Z", "After Hours"), // Fri 17:00 CEST
        ("2026-10-24T10:00:00Z", "After Hours"), // Saturday
        ("2026-10-25T10:00:00Z", "After Hours"), // Sunday, the change
        ("2026-10-26T07:30:00Z", "After Hours"), // Mon 08:30 CET
        ("2026-10-26T08:00:00Z", "Billing"),     // Mon 09:00 CET
        ("2026-10-26T11:00:00Z", "After Hours"), // Mon 12:00 CET: lunch is closed
        ("2026-10-26T15:59:59Z", "Billing"),     // Mon 16:59:59 CET
        ("2026-10-26T16:00:00Z", "After Hours"), // Mon 17:00 CET
        ("2026-10-27T17:00:00Z", "Late Shift"),  // Tue 18:00 CET
        ("2026-10-27T20:00:00Z", "After Hours"), // Tue 21:00 CET: the shift is over
        ("2026-10-28T17:30:00Z", "After Hours"), // Wednesday: not a late-shift day
    ];
    let new_york = [
        ("2026-10-30T12:59:59Z", "After Hours"), // Fri 08:59:59 EDT
        ("2026-10-30T13:00:00Z", "Billing"),     // Fri 09:00 EDT
        ("2026-10-30T20:59:59Z", "Billing"),     // Fri 16:59:59 EDT
        ("2026-11-01T15:00:00Z", "After Hours"), // Sunday, the change
        ("2026-11-02T13:30:00Z", "After Hours"), // Mon 08:30 EST
        ("2026-11-02T14:00:00Z", "Billing"),     // Mon 09:00 EST
        ("2026-11-02T17:30:00Z", "After Hours"), // Mon 12:30 EST: lunch
        ("2026-11-02T21:59:59Z", "Billing"),     // Mon 16:59:59 EST
        ("2026-11-02T22:00:00Z", "After Hours"), // Mon 17:00 EST
        ("2026-12-25T15:00:00Z", "Holidays"),    // Christmas, 10:00 EST
    ];
    for (site, clocks) in [("paris", &paris[..]), ("new_york", &new_york[..])] {
        let cases: String = clocks.iter().map(|(now, q)| at(now, q)).collect();
        write(
            &top.join(format!("week/{site}.yaml")),
            &suite(site, "", &cases),
        );
        let var = format!("site={site}");
        let r = run(
            &top,
            &["test", "--tf-var", &var, &format!("week/{site}.yaml")],
        );
        assert_eq!(r.code, 0, "{site}: {}", r.all());
        assert!(
            r.all()
                .contains(&format!("{} passed, 0 failed", clocks.len())),
            "{}",
            r.all()
        );
    }
    // The schedules are evaluated, not assumed: Paris's clock in New York is closed.
    write(
        &top.join("week/wrong.yaml"),
        &suite("wrong", "", &at("2026-10-26T08:00:00Z", "Billing")),
    );
    let r = run(
        &top,
        &["test", "--tf-var", "site=new_york", "week/wrong.yaml"],
    );
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(
        r.all().contains("+ queue \"After Hours\"")
            && r.all()
                .contains("no schedule of `New York Hours` contains the time"),
        "{}",
        r.all()
    );
}

#[test]
fn now_per_case_for_the_run_or_a_located_error_naming_both() {
    let (_tmp, top) = hours();
    let no_clock = "  - name: no clock\n    expect:\n      - route: { queue: After Hours }\n";
    write(&top.join("clock/none.yaml"), &suite("none", "", no_clock));
    let r = run(&top, &["test", "clock/none.yaml"]);
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(
        r.all().contains("flows/hours.yaml:39:13")
            && r.all().contains("the run has no clock")
            && r.all().contains("now: 2026-12-07T16:00:00Z")
            && r.all().contains("--now"),
        "{}",
        r.all()
    );
    // `--now` pins the clock of the whole run; a case's `now:` wins over it.
    let ok = run(
        &top,
        &["test", "--now", "2026-12-07T20:00:00Z", "clock/none.yaml"],
    );
    assert_eq!(ok.code, 0, "{}", ok.all());
    write(
        &top.join("clock/both.yaml"),
        &suite("both", "", &at("2026-12-25T10:00:00Z", "Holidays")),
    );
    let ok = run(
        &top,
        &["test", "--now", "2026-12-07T20:00:00Z", "clock/both.yaml"],
    );
    assert_eq!(ok.code, 0, "{}", ok.all());
    // A stub still wins over the deploy, at any clock or none.
    write(
        &top.join("clock/stub.yaml"),
        &suite(
            "stub",
            "stubs:\n  Opening hours: { output: holiday }\n",
            "  - name: stubbed\n    expect:\n      - route: { queue: Holidays }\n",
        ),
    );
    let ok = run(&top, &["test", "clock/stub.yaml"]);
    assert_eq!(ok.code, 0, "{}", ok.all());
    // A clock that is not RFC 3339 is located in the rules file.
    write(
        &top.join("clock/bad.yaml"),
        &suite("bad", "", &at("2026-12-07 16:00", "Billing")),
    );
    let bad = run(&top, &["test", "clock/bad.yaml"]);
    assert_eq!(bad.code, 2, "{}", bad.all());
    assert!(
        bad.all().contains("clock/bad.yaml:5:10") && bad.all().contains("`now`"),
        "{}",
        bad.all()
    );
}

#[test]
fn the_emergency_group_wins_when_the_deploy_turns_it_on() {
    let (_tmp, top) = hours();
    write(
        &top.join("e.yaml"),
        &suite("e", "", &at("2026-10-26T08:00:00Z", "Emergency")),
    );
    let on = run(&top, &["test", "--tf-var", "site=evacuated", "e.yaml"]);
    assert_eq!(on.code, 0, "{}", on.all());
    let off = run(&top, &["test", "e.yaml"]);
    assert_eq!(off.code, 1, "{}", off.all());
    assert!(off.all().contains("+ queue \"Billing\""), "{}", off.all());
}

#[test]
fn deploy_tables_feed_data_table_lookup_and_a_rules_table_wins() {
    let (_tmp, top) = hours();
    let case = |who: &str, queue: &str| {
        format!(
            "  - name: {who}\n    now: 2026-10-26T08:00:00Z\n    message: {who}\n    stubs: {{ Order status: {{ output: failure }} }}\n    expect:\n      - route: {{ queue: {queue} }}\n"
        )
    };
    // From the deploy's rows: ann is gold (VIP), bob silver (the open queue).
    let cases = case("ann@example.com", "VIP") + &case("bob@example.com", "Billing");
    write(&top.join("t/deploy.yaml"), &suite("deploy", "", &cases));
    let r = run(&top, &["test", "t/deploy.yaml"]);
    assert_eq!(r.code, 0, "{}", r.all());
    // A rules file's table of the same name replaces the deploy's.
    let table = "tables:\n  VIP Customers: { key: Customer, rows: [{ Customer: bob@example.com, Tier: gold }] }\n";
    let cases = case("ann@example.com", "Billing") + &case("bob@example.com", "VIP");
    write(&top.join("t/rules.yaml"), &suite("rules", table, &cases));
    let r = run(&top, &["test", "t/rules.yaml"]);
    assert_eq!(r.code, 0, "{}", r.all());
}

#[test]
fn a_stub_off_the_deployed_contract_is_a_located_error_naming_the_field() {
    let (_tmp, top) = hours();
    let case = "  - name: order\n    now: 2026-10-26T08:00:00Z\n    message: nobody@example.com\n    expect:\n      - route: { queue: Billing }\n";
    let stub = |values: &str| {
        format!("stubs:\n  Order status: {{ output: success, values: {{ {values} }} }}\n")
    };
    write(
        &top.join("c/ok.yaml"),
        &suite(
            "ok",
            &stub("Flow.OrderStatus: shipped, Flow.ItemCount: 2"),
            case,
        ),
    );
    let r = run(&top, &["test", "c/ok.yaml"]);
    assert_eq!(r.code, 0, "{}", r.all());
    write(
        &top.join("c/type.yaml"),
        &suite(
            "type",
            &stub("Flow.OrderStatus: shipped, Flow.ItemCount: two"),
            case,
        ),
    );
    let r = run(&top, &["test", "c/type.yaml"]);
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(
        r.all().contains("c/type.yaml:4:3")
            && r.all()
                .contains("the success contract's field `ItemCount` is an integer, not a string")
            && r.all()
                .contains("data action `Order Status` (category `Orders`, main.tf:"),
        "{}",
        r.all()
    );
    // A success output the deployed contract lacks: the flow maps `OrderState`.
    let flow = top.join("flows/hours.yaml");
    let text = std::fs::read_to_string(&flow).unwrap();
    std::fs::write(&flow, text.replace("OrderStatus:\n", "OrderState:\n")).unwrap();
    let r = run(&top, &["test", "c/ok.yaml"]);
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(
        r.all().contains("no field `OrderState`")
            && r.all().contains("did you mean `OrderStatus`?"),
        "{}",
        r.all()
    );
}

#[test]
fn a_schedule_the_deploy_cannot_read_is_named_where_the_flow_uses_it() {
    let (_tmp, top) = hours();
    let tf = top.join("main.tf");
    let text = std::fs::read_to_string(&tf).unwrap();
    std::fs::write(&tf, text.replace("BYDAY=MO,TU,WE,TH,FR", "BYDAY=MO,TU,XX")).unwrap();
    let r = run(&top, &["test"]);
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(
        r.all().contains("flows/hours.yaml:39:13")
            && r.all().contains("schedule group `Paris Hours`")
            && r.all().contains(
                "`genesyscloud_architect_schedules.weekdays`, which could not be read (main.tf:"
            )
            && r.all().contains("`rrule`")
            // It is there but unreadable: said so, with the resource to fix, not "no group".
            && r.all().contains(
                "uses schedule group `Paris Hours`, which the deploy has but routecheck could not read: genesyscloud_architect_schedulegroups."
            )
            && r.all().contains("help: fix `genesyscloud_architect_schedulegroups.")
            && !r.all().contains("the deploy has no"),
        "{}",
        r.all()
    );
    // A schedule group the deploy lacks still needs a stub, with the nearest name.
    std::fs::write(
        &tf,
        text.replace("group = \"Paris Hours\"", "group = \"Paris Hour\""),
    )
    .unwrap();
    let flow = top.join("flows/hours.yaml");
    let yaml = std::fs::read_to_string(&flow).unwrap();
    std::fs::write(&flow, yaml.replace("\"{{schedule_group}}\"", "Paris Hours")).unwrap();
    let r = run(&top, &["test"]);
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(
        r.all()
            .contains("the deploy has no schedule group `Paris Hours`")
            && r.all().contains("did you mean `Paris Hour`?")
            && r.all().contains("stub"),
        "{}",
        r.all()
    );
}

/// The Lambda blueprint with `terraform init`'s two remote modules installed: the
/// queues module creates `dude-cancellations` and `dude-general-support`.
fn blueprint() -> (tempfile::TempDir, PathBuf, &'static str) {
    let tmp = tempfile::tempdir().unwrap();
    let top = tmp.path().to_path_buf();
    let data = Path::new(ROOT).join("tests/data/terraform");
    let repo = "deploy-webmessaging-chatbot-with-lambda-blueprint";
    copy_dir(&data.join(repo), &top.join(repo));
    std::fs::write(top.join("routecheck.yaml"), "{}\n").unwrap();
    let tf = "deploy-webmessaging-chatbot-with-lambda-blueprint/blueprint/terraform";
    let modules = top.join(tf).join(".terraform/modules");
    copy_dir(
        &data.join("data-action-lambda-module"),
        &modules.join("lambda_data_action"),
    );
    copy_dir(
        &data.join("genesys-cloud-queues-demo"),
        &modules.join("dude_queues"),
    );
    write(
        &modules.join("modules.json"),
        r#"{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"lambda_data_action","Source":"git::https://github.com/GenesysCloudDevOps/data-action-lambda-module.git?ref=main","Dir":".terraform/modules/lambda_data_action"},{"Key":"dude_queues","Source":"git::https://github.com/GenesysCloudDevOps/genesys-cloud-queues-demo.git?ref=main","Dir":".terraform/modules/dude_queues"}]}"#,
    );
    (tmp, top, tf)
}

const CHAT: &str = "tf:module.my_chat_flow.genesyscloud_flow.deploy_archy_flow_chat";

#[test]
fn lint_warns_of_the_blueprint_queue_typo_with_the_fix_and_informs_of_other_names() {
    let (_tmp, top, tf) = blueprint();
    let lint = |top: &Path| run(top, &["lint", "--terraform", tf, "--flow", CHAT]);
    // As published, every queue of the flow is one the deploy creates.
    let r = lint(&top);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(!r.all().contains("unknown-queue"), "{}", r.all());
    // The issue's typo, a case slip, and a queue made outside Terraform.
    let flow = top
        .join(tf)
        .join("modules/flows/DudeWheresMyStuffMessage.yaml");
    let text = std::fs::read_to_string(&flow).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines[176] = lines[176].replace("dude-general-support", "dude-general-suport");
    lines[228] = lines[228].replace("dude-general-support", "Dude-General-Support");
    lines[247] = lines[247].replace("dude-general-support", "dude-sales");
    std::fs::write(&flow, lines.join("\n") + "\n").unwrap();
    let r = lint(&top);
    assert_eq!(r.code, 1, "{}", r.all());
    let all = r.all();
    assert!(all.contains("lint: 0 errors, 2 warnings, 2 info"), "{all}");
    assert!(
        all.contains("⚠ Transfer to ACD names queue `dude-general-suport`, which the deploy does not create; it creates `dude-general-support` (module.dude_queues.genesyscloud_routing_queue.Queues[\"dude-")
            && all.contains("DudeWheresMyStuffMessage.yaml:177:45]")
            && all.contains("help: did you mean `dude-general-support`?")
            && all.contains("queue `Dude-General-Support`")
            && all.contains("DudeWheresMyStuffMessage.yaml:229:35]"),
        "{all}"
    );
    assert!(
        all.contains("☞ Transfer to ACD names queue `dude-sales`, which the deploy does not create (it may exist in the org outside Terraform)")
            && all.contains("the deploy creates `dude-cancellations`, `dude-general-support`"),
        "{all}"
    );
    // JSON carries the code and each severity.
    let j = run(
        &top,
        &[
            "lint",
            "--terraform",
            tf,
            "--flow",
            CHAT,
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&j.stdout).unwrap();
    let queue_findings: Vec<&serde_json::Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "unknown-queue")
        .collect();
    let severities: Vec<&str> = queue_findings
        .iter()
        .map(|f| f["severity"].as_str().unwrap())
        .collect();
    assert_eq!(severities, ["warning", "warning", "info"], "{}", j.stdout);
}

#[test]
fn a_failed_route_names_the_nearest_queue_the_flow_can_reach() {
    let (_tmp, top, tf) = blueprint();
    let case = |queue: &str| {
        format!(
            "suite: dude\nflow: {CHAT}\ncases:\n  - name: other order questions\n    stubs:\n      Call Bot Flow: {{ values: {{ State.TheIntent: Order Questions }} }}\n    expect:\n      - route: {{ queue: {queue} }}\n"
        )
    };
    write(&top.join("rules/typo.yaml"), &case("dude-general-suport"));
    let r = run(&top, &["test", "--terraform", tf, "rules/typo.yaml"]);
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(
        r.all().contains("rules/typo.yaml:8:9: the flow took another route")
            && r.all().contains("note: did you mean `dude-general-support`? The flow can reach no queue `dude-general-suport`"),
        "{}",
        r.all()
    );
    // The queue the flow reaches, with another priority: no "did you mean", the
    // expected and actual routes say it.
    write(
        &top.join("rules/other.yaml"),
        &case("dude-general-support, priority: 5"),
    );
    let r = run(&top, &["test", "--terraform", tf, "rules/other.yaml"]);
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(
        r.all().contains("priority 0")
            && !r.all().contains("did you mean")
            && !r.all().contains("can reach no queue"),
        "{}",
        r.all()
    );
    // Nothing near: the queues it can reach are listed.
    write(&top.join("rules/far.yaml"), &case("Billing"));
    let r = run(&top, &["test", "--terraform", tf, "rules/far.yaml"]);
    assert!(
        r.all().contains(
            "the flow can reach no queue `Billing`: it transfers to `dude-general-support`"
        ),
        "{}",
        r.all()
    );
}

/// A plan of resources already applied: ids are known, and schedule groups and rows
/// refer to them by id.
const PLAN: &str = r#"{"format_version":"1.2","terraform_version":"1.11.4","planned_values":{"root_module":{"resources":[
{"address":"genesyscloud_routing_queue.billing","mode":"managed","type":"genesyscloud_routing_queue","name":"billing","values":{"id":"q-1","name":"Billing"}},
{"address":"genesyscloud_routing_queue.after","mode":"managed","type":"genesyscloud_routing_queue","name":"after","values":{"id":"q-2","name":"After Hours"}},
{"address":"genesyscloud_architect_schedules.weekdays","mode":"managed","type":"genesyscloud_architect_schedules","name":"weekdays","values":{"id":"5c1e0a2b-0000-4000-8000-000000000001","name":"Weekdays 9-17","start":"2026-01-05T09:00:00.000000","end":"2026-01-05T17:00:00.000000","rrule":"FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"}},
{"address":"genesyscloud_architect_schedulegroups.paris","mode":"managed","type":"genesyscloud_architect_schedulegroups","name":"paris","values":{"id":"g-1","name":"Paris Hours","time_zone":"Europe/Paris","open_schedules_id":["5c1e0a2b-0000-4000-8000-000000000001"]}},
{"address":"genesyscloud_architect_emergencygroup.evacuation","mode":"managed","type":"genesyscloud_architect_emergencygroup","name":"evacuation","values":{"id":"e-1","name":"Evacuation","enabled":false}},
{"address":"genesyscloud_architect_datatable.vip","mode":"managed","type":"genesyscloud_architect_datatable","name":"vip","values":{"id":"7d2f0000-0000-4000-8000-00000000000a","name":"VIP Customers","properties":[{"name":"key","type":"string","title":"Customer"},{"name":"tier","type":"string","title":"Tier"}]}},
{"address":"genesyscloud_architect_datatable_row.ann","mode":"managed","type":"genesyscloud_architect_datatable_row","name":"ann","values":{"id":"r-1","datatable_id":"7d2f0000-0000-4000-8000-00000000000a","key_value":"ann@example.com","properties_json":"{\"tier\":\"gold\"}"}},
{"address":"genesyscloud_flow.hours","mode":"managed","type":"genesyscloud_flow","name":"hours","values":{"filepath":"flows/hours.yaml","substitutions":{"flow_name":"Opening Hours","schedule_group":"Paris Hours","emergency_group":"Evacuation","open_queue":"Billing"}}}
]}}}
"#;

const PLAN_RULES: &str = r#"suite: From the plan
flow: tf:genesyscloud_flow.hours
cases:
  - name: open, gold from the planned row
    now: 2026-10-26T08:00:00Z
    message: ann@example.com
    expect:
      - route: { queue: VIP, priority: 10 }
  - name: closed before nine after the change
    now: 2026-10-26T07:30:00Z
    stubs: { Late shift?: { output: inactive } }
    expect:
      - route: { queue: After Hours }
"#;

#[test]
fn a_plan_gives_the_queues_schedules_groups_and_tables() {
    let tmp = tempfile::tempdir().unwrap();
    let top = tmp.path();
    std::fs::write(top.join("routecheck.yaml"), "{}\n").unwrap();
    std::fs::create_dir_all(top.join("infra/flows")).unwrap();
    std::fs::copy(
        Path::new(ROOT).join("tests/data/terraform/hours/flows/hours.yaml"),
        top.join("infra/flows/hours.yaml"),
    )
    .unwrap();
    write(&top.join("infra/plan.json"), PLAN);
    write(&top.join("rules/plan.yaml"), PLAN_RULES);
    let args = [
        "test",
        "--terraform",
        "infra",
        "--tf-plan",
        "infra/plan.json",
        "rules",
    ];
    let r = run(top, &args);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(r.all().contains("2 passed, 0 failed"), "{}", r.all());
    // The plan has no `Late Shift` schedule: the action needs its stub back.
    write(
        &top.join("rules/plan.yaml"),
        &PLAN_RULES.replace("    stubs: { Late shift?: { output: inactive } }\n", ""),
    );
    let r = run(top, &args);
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(
        r.all().contains("the deploy has no schedule `Late Shift`") && r.all().contains("stub"),
        "{}",
        r.all()
    );
}

#[test]
fn an_rrule_part_routecheck_does_not_evaluate_is_located_at_its_line() {
    let (_tmp, top) = hours();
    let tf = std::fs::read_to_string(top.join("main.tf")).unwrap();
    let line = tf
        .lines()
        .position(|l| l.contains("UNTIL=20261130T235959"))
        .unwrap()
        + 1;
    write(
        &top.join("main.tf"),
        &tf.replace("UNTIL=20261130T235959", "BYHOUR=18"),
    );
    // Never silently wrong: the case that reaches the schedule stops, naming the part
    // and the line it is written on, and exits 2.
    let r = run(&top, &["test", "--run", "late shift tuesday"]);
    assert_eq!(r.code, 2, "{}", r.dump());
    let all = r.all();
    assert!(
        all.contains("flows/hours.yaml:137:23")
            && all.contains(&format!("main.tf:{line}): `rrule` has `BYHOUR=18`"))
            && all.contains("not documented")
            && all.contains(
                "uses schedule `Late Shift`, which the deploy has but routecheck could not read"
            )
            && !all.contains("the deploy has no"),
        "{all}"
    );
}
