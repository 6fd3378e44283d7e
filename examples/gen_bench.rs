//! Benchmark input generator: N web-messaging conversation fixtures and one rules file
//! with M checks per case, all passing, so `routecheck test DIR` measures the runner.
//!
//! `cargo run --release --example gen_bench -- N M DIR` writes `DIR/fixtures/*.json`
//! (≈9.5 KB each) and `DIR/bench.yaml` (≈660 bytes per case at M = 10).

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;

pub const TIERS: [&str; 4] = ["platinum", "gold", "silver", "standard"];
const LANGS: [&str; 3] = ["en-us", "fr-ca", "de-de"];

/// A deterministic UUID-shaped id.
fn uuid(seed: u64, salt: u64) -> String {
    let mut x = seed
        .wrapping_mul(0x9e37_79b9_7f4a_7c15)
        .wrapping_add(salt.wrapping_mul(0xbf58_476d_1ce4_e5b9));
    x ^= x >> 31;
    let y = x.wrapping_mul(0x94d0_49bb_1331_11eb);
    format!(
        "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
        (x >> 32) as u32,
        (x >> 16) as u16,
        (y >> 52) & 0xfff,
        (y >> 40) & 0xfff,
        y & 0xffff_ffff_ffff
    )
}

pub fn fixture(i: u64) -> String {
    let tier = TIERS[(i % 4) as usize];
    let lang = LANGS[(i % 3) as usize];
    let cid = uuid(i, 1);
    let ext = uuid(i, 2);
    let mut messages = String::new();
    for m in 0..21u64 {
        if m > 0 {
            messages.push_str(",\n");
        }
        let _ = write!(
            messages,
            r#"        {{
          "messageId": "{}",
          "messageStatus": "received",
          "messageSegmentCount": 1,
          "messageTime": "2026-11-20T09:{:02}:{:02}.512Z",
          "textBody": "message {m} of conversation {i}: where is my order ORD-{:05}?",
          "fromAddress": "{ext}"
        }}"#,
            uuid(i, 100 + m),
            m / 60,
            m % 60,
            i
        );
    }
    let attrs = format!(
        r#"{{
        "priority_tier": "{tier}",
        "customer_id": "CUST-{i:06}",
        "language": "{lang}",
        "order_id": "ORD-{i:05}",
        "visits": "{}",
        "source": "messenger",
        "context.legacy": "x"
      }}"#,
        i % 17
    );
    format!(
        r#"{{
  "id": "{cid}",
  "participants": [
    {{
      "id": "{}",
      "name": "Web Messaging Guest",
      "purpose": "customer",
      "state": "connected",
      "direction": "inbound",
      "held": false,
      "type": "webmessaging",
      "recipientType": "webmessaging",
      "toAddress": {{ "name": "Acme Support Messenger", "addressNormalized": "{}" }},
      "fromAddress": {{ "addressNormalized": "{ext}" }},
      "attributes": {attrs},
      "messages": [
{messages}
      ]
    }},
    {{
      "id": "{}",
      "name": "Web Messaging",
      "purpose": "acd",
      "state": "disconnected",
      "queueId": "{}",
      "attributes": {attrs},
      "messages": []
    }},
    {{
      "id": "{}",
      "name": "Dana Agent",
      "purpose": "agent",
      "state": "connected",
      "userId": "{}",
      "attributes": {{}},
      "messages": [ {{ "messageId": "{}", "messageStatus": "delivery-success" }} ]
    }}
  ],
  "selfUri": "/api/v2/conversations/messages/{cid}"
}}
"#,
        uuid(i, 3),
        uuid(0, 4),
        uuid(i, 5),
        uuid(0, 6),
        uuid(i, 7),
        uuid(i % 50, 8),
        uuid(i, 9)
    )
}

/// The rules file's bindings and variables (before `cases:`).
pub const HEADER: &str = "# yaml-language-server: $schema=routecheck.schema.json\nsuite: bench\nbindings:\n  Flow.PriorityTier: priority_tier\n  Flow.Visits: visits\n  Flow.Language: language\n  Flow.Missing: missing_attribute\nvariables:\n  Flow.Threshold: 3\n";

/// The k-th check of case i (all hold for fixture i).
pub fn check(i: u64, k: u64, out: &mut String) {
    let tier = TIERS[(i % 4) as usize];
    let lang = LANGS[(i % 3) as usize];
    let _ = match k % 10 {
        0 => writeln!(out, "      - condition: Flow.PriorityTier == \"{tier}\""),
        1 => writeln!(
            out,
            "      - value: Append(Flow.PriorityTier, \"!\")\n        equals: \"{tier}!\""
        ),
        2 => writeln!(
            out,
            "      - attribute: customer_id\n        equals: CUST-{i:06}"
        ),
        3 => writeln!(
            out,
            "      - attribute: order_id\n        starts_with: ORD-"
        ),
        4 => writeln!(
            out,
            "      - value: ToInt(Flow.Visits) + Flow.Threshold\n        equals: {}",
            i % 17 + 3
        ),
        5 => writeln!(
            out,
            "      - condition: Left(Flow.Language, 2) == \"{}\"",
            &lang[..2]
        ),
        // An attribute the recording does not have and nothing near it: `PriorityTier`
        // here would be a near miss of `priority_tier`, warned about in every case.
        6 => writeln!(
            out,
            "      - attribute: escalation_reason\n        set: false"
        ),
        7 => writeln!(out, "      - value: Flow.Missing\n        not_set: true"),
        8 => writeln!(
            out,
            "      - attribute: language\n        matches: \"^[a-z]{{2}}-[a-z]{{2}}$\""
        ),
        _ => writeln!(out, "      - condition: IsNotSetOrEmpty(Flow.Missing)"),
    };
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(n), Some(m), Some(dir)) = (
        args.first().and_then(|a| a.parse::<u64>().ok()),
        args.get(1).and_then(|a| a.parse::<u64>().ok()),
        args.get(2),
    ) else {
        eprintln!("usage: gen_bench N M DIR   (N fixtures, M checks per case)");
        std::process::exit(2);
    };
    let dir = PathBuf::from(dir);
    std::fs::create_dir_all(dir.join("fixtures"))?;
    let mut rules = String::with_capacity((n * (60 + 60 * m)) as usize);
    rules.push_str(HEADER);
    rules.push_str("cases:\n");
    for i in 0..n {
        std::fs::write(dir.join(format!("fixtures/c{i:06}.json")), fixture(i))?;
        let _ = writeln!(
            rules,
            "  - name: case {i:06}\n    fixture: fixtures/c{i:06}.json\n    expect:"
        );
        for k in 0..m {
            check(i, k, &mut rules);
        }
    }
    let mut f = std::fs::File::create(dir.join("bench.yaml"))?;
    f.write_all(rules.as_bytes())?;
    eprintln!(
        "wrote {n} fixtures and {} ({} bytes of rules)",
        dir.join("bench.yaml").display(),
        rules.len()
    );
    Ok(())
}
