//! Arbitrary text as `trace`'s inputs: a stubs file and a fixture, split at the first
//! `\n---8<---\n` (all stubs when absent), run through the one YAML tree and the fixture
//! loader, then the sample VIP flow is simulated with them and its path rendered. Nothing
//! may panic or hang; every error must render.
#![no_main]

use std::collections::BTreeMap;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use routecheck::conversation::Conversation;
use routecheck::diag::SourceFile;
use routecheck::expr::{DateTime, Directory};
use routecheck::flow::Flow;
use routecheck::flow::simulate::{RunInput, Stubs};
use routecheck::source::{FileKind, yaml};

fn flow() -> &'static Flow {
    static FLOW: OnceLock<Flow> = OnceLock::new();
    FLOW.get_or_init(|| {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../flows/web-messaging-vip.yaml"
        );
        let vars: BTreeMap<String, String> = [
            ("flow_name", "VIP"),
            ("data_action_category", "Orders"),
            ("vip_queue", "VIP"),
            ("general_queue", "General"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        Flow::load(std::path::Path::new(path), &vars).unwrap_or_else(|e| panic!("{e:?}"))
    })
}

fn stubs(text: &str) -> Option<Stubs> {
    let source = SourceFile::new("stubs.yaml", text);
    let root = match yaml::parse_file(&source, FileKind::Stubs) {
        Ok(r) => r,
        Err(d) => {
            let _ = routecheck::diag::render(&*d, false);
            return None;
        }
    };
    let mut out = Stubs::default();
    for (k, v) in root.as_map()? {
        let stub = serde_json::from_value(v.to_json()).ok()?;
        out.0.insert(k.as_str()?.to_string(), stub);
    }
    Some(out)
}

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let (stub_text, fixture) = text.split_once("\n---8<---\n").unwrap_or((text, "{}"));
    let Some(stubs) = stubs(stub_text) else {
        return;
    };
    let directory = Directory::default();
    let mut input = RunInput::new("c0ffee", &stubs, &directory, DateTime(1_714_555_800_000));
    input.max_steps = 2_000;
    if let Ok(conv) = Conversation::parse("fx.json", fixture)
        && let Ok(sel) = conv.select("customer")
    {
        let customer = sel.participant;
        input.attributes = customer.attributes.iter().flatten().cloned().collect();
        input.message_body = customer.last_message.body.clone();
        input.sender_address = customer.last_message.sender.clone();
    }
    let flow = flow();
    let _ = flow.check_stubs(&stubs);
    match flow.run(&input) {
        Ok(run) => {
            let _ = routecheck::flow::trace::render_run(&run);
        }
        Err(e) => {
            let _ = routecheck::diag::render(&*e.diagnostic, false);
        }
    }
});
