//! Arbitrary text as an Archy flow: substitute placeholders, parse, compile and, when it
//! loads, simulate one conversation. Errors must render; nothing may panic or hang.
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use routecheck::expr::{DateTime, Directory};
use routecheck::flow::Flow;
use routecheck::flow::simulate::{RunInput, Stubs};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let vars: BTreeMap<String, String> = [
        ("queue".to_string(), "Sales".to_string()),
        ("division".to_string(), "Home".to_string()),
    ]
    .into_iter()
    .collect();
    match Flow::from_text("flow.yaml", text, &vars) {
        Ok(flow) => {
            let stubs = Stubs::default();
            let directory = Directory::default();
            let mut input =
                RunInput::new("c0ffee", &stubs, &directory, DateTime(1_714_555_800_000));
            input.attributes.insert("tier".into(), "platinum".into());
            input.message_body = Some("hello".into());
            input.max_steps = 2_000;
            let _ = flow.run(&input);
            let _ = flow.branches();
            let _ = flow.check_stubs(&stubs);
        }
        Err(diags) => {
            assert!(!diags.is_empty());
            for d in &diags {
                let _ = routecheck::diag::render(d, false);
            }
        }
    }
});
