//! Benchmark input for `routecheck lint`: N Inbound Message flows and N manifests. Flow `i`
//! reads six attributes, five of which manifest `i` sets; the sixth is a near miss of no key
//! and each manifest also sets one key no flow reads, so every "did you mean" search runs
//! against the keys of all N manifests (or the reads of all N flows).
//!
//! `cargo run --release --example gen_lint -- N DIR`, then
//! `routecheck lint --flow DIR/flows --manifest DIR/manifests`.

use std::fmt::Write as _;
use std::path::PathBuf;

const READS: usize = 5;

fn flow(i: usize) -> String {
    let mut vars = String::new();
    let mut attrs = String::new();
    for k in 0..=READS {
        // The last read is set by no manifest: an unset attribute with a hint search.
        let key = if k == READS {
            format!("segment{i}x")
        } else {
            format!("key{i}_{k}")
        };
        let _ = write!(
            vars,
            "    - stringVariable:\n        name: Flow.V{k}\n        initialValue:\n          noValue: true\n"
        );
        let _ = write!(
            attrs,
            "                - attribute:\n                    name:\n                      lit: {key}\n                    variable: Flow.V{k}\n"
        );
    }
    format!(
        "inboundShortMessage:
  name: Lint bench flow {i}
  division: Home
  startUpRef: \"/inboundShortMessage/states/state[Initial State_10]\"
  defaultLanguage: en-us
  supportedLanguages:
    en-us:
      defaultLanguageSkill:
        noValue: true
  settingsErrorHandling:
    errorHandling:
      disconnect:
        none: true
  variables:
{vars}  states:
    - state:
        name: Initial State
        refId: Initial State_10
        actions:
          - getParticipantData:
              name: Read attributes
              attributes:
{attrs}          - decision:
              name: Known
              condition:
                exp: 'Flow.V0 == \"gold\"'
              outputs:
                \"yes\":
                  actions:
                    - disconnect:
                        name: Gold
          - disconnect:
              name: Done
"
    )
}

fn manifest(i: usize) -> String {
    let mut out = format!("conversation: bench-{i}\nattributes:\n");
    for k in 0..READS {
        let _ = writeln!(out, "  key{i}_{k}: v{k}");
    }
    // Read by no flow: an unread key with a hint search.
    let _ = writeln!(out, "  unread{i}: v");
    out
}

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(n), Some(dir)) = (
        args.next().and_then(|n| n.parse::<usize>().ok()),
        args.next(),
    ) else {
        eprintln!("usage: gen_lint N DIR");
        std::process::exit(2);
    };
    let dir = PathBuf::from(dir);
    let (flows, manifests) = (dir.join("flows"), dir.join("manifests"));
    std::fs::create_dir_all(&flows)?;
    std::fs::create_dir_all(&manifests)?;
    for i in 0..n {
        std::fs::write(flows.join(format!("flow{i}.yaml")), flow(i))?;
        std::fs::write(manifests.join(format!("m{i}.yaml")), manifest(i))?;
    }
    eprintln!("wrote {n} flows and {n} manifests under {}", dir.display());
    Ok(())
}
