//! Benchmark input for flow runs: the cases of `gen_bench` twice, once as they are and once
//! through the sample flow (`flow:` plus a `route:` expectation per case), so the two runs
//! differ only by the flow. An optional size pads the flow with states and tasks no case
//! reaches (the shape of real Archy exports: participant data, decisions, switches, data
//! actions, task calls, transfers), so a large flow and the 6 KB sample can be compared.
//!
//! `cargo run --release --example gen_flow_bench -- N M DIR [FLOW_BYTES]` writes
//! `DIR/fixtures/*.json`, `DIR/noflow.yaml`, `DIR/flow.yaml` and `DIR/bench-flow.yaml`;
//! then time `routecheck test DIR/noflow.yaml` against `routecheck test DIR/flow.yaml`.

use std::fmt::Write as _;
use std::path::PathBuf;

#[allow(dead_code)] // its `main` is the other generator's
#[path = "gen_bench.rs"]
mod gen_bench;

/// The repository's sample flow, unchanged (its placeholders are filled by `vars:`).
const SAMPLE_FLOW: &str = include_str!("../flows/web-messaging-vip.yaml");

/// The route the sample flow takes for case `i`'s tier (the fixture's `priority_tier`; the
/// case has a customer id, so the stubbed order lookup runs on the way).
fn route(i: u64) -> &'static str {
    match gen_bench::TIERS[(i % 4) as usize] {
        "platinum" => "{ queue: VIP Support, priority: 10 }",
        "gold" => "{ queue: VIP Support, priority: 5 }",
        _ => "{ queue: General Support }",
    }
}

/// One unreached state of about 2.5 KB: it reads data, decides, calls a data action and a
/// task, and routes, like a state of a real export.
fn pad_state(n: usize, out: &mut String) {
    let _ = write!(
        out,
        r#"    - state:
        name: Pad State {n}
        refId: Pad State_{n}
        actions:
          - getParticipantData:
              name: Pad {n} read attributes
              attributes:
                - attribute:
                    name:
                      lit: pad_{n}_segment
                    variable: Flow.Tier
          - decision:
              name: Pad {n} segment known?
              condition:
                exp: "!IsNotSetOrEmpty(Flow.Tier) and Length(Flow.Tier) > {len}"
              outputs:
                "yes":
                  actions:
                    - callData:
                        name: Pad {n} look up account
                        timeout:
                          lit:
                            seconds: 10
                        category:
                          {{{{data_action_category}}}}:
                            dataAction:
                              Get Account {n}:
                                inputs:
                                  customerId:
                                    exp: Flow.CustomerId
                                successOutputs:
                                  status:
                                    var: Flow.OrderStatus
                                failureOutputs:
                                  errorCode:
                                    noValue: true
                        outputs:
                          success:
                            actions:
                              - setParticipantData:
                                  name: Pad {n} record account
                                  attributes:
                                    - attribute:
                                        name:
                                          lit: pad_{n}_status
                                        value:
                                          exp: Append("pad-{n}-", Flow.OrderStatus)
          - callTask:
              name: Pad {n} defaults
              targetTaskRef: "/inboundShortMessage/tasks/task[Pad Task_{n}]"
          - switch:
              name: Pad {n} route by segment
              evaluate:
                firstTrue:
                  cases:
                    - case:
                        value:
                          exp: Lower(Flow.Tier) == "pad{n}"
                        actions:
                          - updateData:
                              name: Pad {n} priority
                              statements:
                                - integer:
                                    variable: Flow.Priority
                                    value:
                                      exp: Flow.Priority + {n}
                          - changeState:
                              name: Pad {n} to VIP
                              targetStateRef: "/inboundShortMessage/states/state[VIP_20]"
                  default:
                    actions:
                      - sendResponse:
                          name: Pad {n} apology
                          messageBody:
                            exp: Append("Sorry, segment ", ToString({n}), " is closed.")
                      - transferToAcd:
                          name: Pad {n} transfer
                          targetQueue:
                            lit:
                              name: {{{{general_queue}}}}
                          priority:
                            exp: Flow.Priority
                          preferredAgents:
                            noValue: true
                          languageSkill:
                            noValue: true
"#,
        len = n % 7
    );
}

/// The task each padding state calls (about 0.8 KB).
fn pad_task(n: usize, out: &mut String) {
    let _ = write!(
        out,
        r#"    - task:
        name: Pad Task {n}
        refId: Pad Task_{n}
        actions:
          - updateData:
              name: Pad task {n} defaults
              statements:
                - string:
                    variable: Flow.FirstName
                    value:
                      exp: If(IsNotSetOrEmpty(Flow.FirstName), "guest {n}", Flow.FirstName)
                - integer:
                    variable: Flow.Priority
                    value:
                      lit: {n}
          - decision:
              name: Pad task {n} priority capped?
              condition:
                exp: Flow.Priority > 100
              outputs:
                "yes":
                  actions:
                    - updateData:
                        name: Pad task {n} cap
                        statements:
                          - integer:
                              variable: Flow.Priority
                              value:
                                lit: 100
          - endTask:
              name: Pad task {n} done
              outputPath:
                name: default
"#
    );
}

/// The sample flow, padded with unreached states and tasks to at least `size` bytes.
fn flow(size: usize) -> String {
    let mut text = SAMPLE_FLOW.to_string();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    let mut tasks = String::new();
    let mut n = 0;
    while text.len() + tasks.len() < size {
        pad_state(n, &mut text);
        pad_task(n, &mut tasks);
        n += 1;
    }
    if n > 0 {
        text.push_str("  tasks:\n");
        text.push_str(&tasks);
    }
    text
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(n), Some(m), Some(dir)) = (
        args.first().and_then(|a| a.parse::<u64>().ok()),
        args.get(1).and_then(|a| a.parse::<u64>().ok()),
        args.get(2),
    ) else {
        eprintln!(
            "usage: gen_flow_bench N M DIR [FLOW_BYTES]   (N cases, M checks each; the flow padded to FLOW_BYTES)"
        );
        std::process::exit(2);
    };
    let size = match args.get(3).map(|a| a.parse::<usize>()) {
        None => 0,
        Some(Ok(s)) => s,
        Some(Err(e)) => {
            eprintln!("FLOW_BYTES: {e}");
            std::process::exit(2);
        }
    };
    let dir = PathBuf::from(dir);
    std::fs::create_dir_all(dir.join("fixtures"))?;
    let flow_text = flow(size);
    std::fs::write(dir.join("bench-flow.yaml"), &flow_text)?;
    let mut plain = String::from(gen_bench::HEADER);
    let mut flowed = String::from(gen_bench::HEADER);
    plain.push_str("cases:\n");
    flowed.push_str(
        "flow: bench-flow.yaml
vars:
  flow_name: Web Messaging VIP
  general_queue: General Support
  vip_queue: VIP Support
  data_action_category: Orders
stubs:
  Look up last order: { output: success, values: { Flow.OrderStatus: shipped } }
cases:
",
    );
    for i in 0..n {
        std::fs::write(
            dir.join(format!("fixtures/c{i:06}.json")),
            gen_bench::fixture(i),
        )?;
        let head =
            format!("  - name: case {i:06}\n    fixture: fixtures/c{i:06}.json\n    expect:\n");
        let mut checks = String::new();
        for k in 0..m {
            gen_bench::check(i, k, &mut checks);
        }
        plain.push_str(&head);
        plain.push_str(&checks);
        flowed.push_str(&head);
        let _ = writeln!(flowed, "      - route: {}", route(i));
        flowed.push_str(&checks);
    }
    std::fs::write(dir.join("noflow.yaml"), &plain)?;
    std::fs::write(dir.join("flow.yaml"), &flowed)?;
    eprintln!(
        "wrote {n} fixtures, {0}/noflow.yaml, {0}/flow.yaml and {0}/bench-flow.yaml ({1} bytes)",
        dir.display(),
        flow_text.len()
    );
    Ok(())
}
