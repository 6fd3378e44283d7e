//! Every Archy flow type is recognised and told first (issue 26): a call flow, a workflow, a
//! workitem flow… gets "this is <kind>" before any placeholder or structure error. Real
//! exports under tests/data/other-kinds/ (sources in its SOURCES.md).

use std::collections::BTreeMap;

use assert_cmd::Command;
use routecheck::flow::Flow;
use routecheck::flow::kind::KINDS;

fn load_err(text: &str) -> Vec<String> {
    match Flow::from_text("t.yaml", text, &BTreeMap::new()) {
        Ok(_) => panic!("loaded"),
        Err(d) => d.into_iter().map(|d| d.message).collect(),
    }
}

/// stderr of `routecheck trace --flow FLOW`, which must exit 2.
fn trace_fails(flow: &str) -> String {
    let out = Command::cargo_bin("routecheck")
        .unwrap()
        .env("NO_COLOR", "1")
        .args([
            "trace",
            "--flow",
            flow,
            "--fixture",
            "tests/data/flows/dude-fixture.json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn a_real_call_flow_with_placeholders_is_told_as_a_call_flow() {
    let err = trace_fails("tests/data/other-kinds/inboundcall-substitutions.yaml");
    // The human renderer wraps long lines: each part is looked for alone.
    for part in [
        "this is an inbound call flow (`inboundCall:`); routecheck simulates inbound message flows",
        "(`inboundShortMessage:`)",
    ] {
        assert!(err.contains(part), "{err}");
    }
    assert!(err.contains("inboundcall-substitutions.yaml:1:1"), "{err}");
    // Told instead of its five placeholders, not after them.
    assert!(!err.contains("no value"), "{err}");
    assert_eq!(err.matches("routecheck::flow::").count(), 1, "{err}");
}

#[test]
fn real_in_queue_and_workflow_exports_are_told_by_kind() {
    for (file, what) in [
        (
            "inqueuecall-default.yaml",
            "an in-queue call flow (`inqueueCall:`)",
        ),
        ("workflow-example.yaml", "a workflow (`workflow:`)"),
    ] {
        let path = format!("tests/data/other-kinds/{file}");
        let e = match Flow::load(std::path::Path::new(&path), &BTreeMap::new()) {
            Ok(_) => panic!("{file} loaded"),
            Err(d) => d,
        };
        assert_eq!(e.len(), 1, "{file}: {e:?}");
        assert!(
            e[0].message.starts_with(&format!("this is {what}")),
            "{e:?}"
        );
        assert_eq!(e[0].code.as_deref(), Some("routecheck::flow::kind"));
    }
}

#[test]
fn every_kind_not_simulated_is_told_before_its_placeholders() {
    for k in KINDS.iter().filter(|k| !k.simulated()) {
        for key in std::iter::once(k.key).chain(k.aliases.iter().copied()) {
            let text = format!("{key}:\n  name: {{{{flow_name}}}}\n  division: {{{{ spaced }}}}\n");
            let e = load_err(&text);
            assert_eq!(
                e,
                vec![format!(
                    "this is {} (`{key}:`); routecheck simulates {}",
                    k.what,
                    routecheck::flow::kind::simulated_summary()
                )],
                "{key}"
            );
        }
    }
}

#[test]
fn a_key_in_another_case_is_still_recognised() {
    let e = load_err("inQueueShortMessage:\n  name: {{x}}\n");
    assert!(
        e[0].starts_with("this is an in-queue message flow (`inQueueShortMessage:`)"),
        "{e:?}"
    );
    let e = load_err("# exported by Archy\n---\nworkitem:\n  name: {{x}}\n");
    assert!(e[0].starts_with("this is a workitem flow"), "{e:?}");
}

#[test]
fn a_bot_or_module_given_as_the_flow_under_test_is_told_what_it_is() {
    for (key, call) in [
        ("digitalBot", "callDigitalBotFlow"),
        ("botFlow", "callBotFlow"),
        ("commonModule", "callCommonModule"),
    ] {
        let text = format!("{key}:\n  name: {{{{flow_name}}}}\n");
        let e = load_err(&text);
        assert_eq!(e.len(), 1, "{key}: {e:?}");
        assert!(
            e[0].contains(&format!(
                "(`{key}:`); routecheck runs it when the flow under test calls it (`{call}`)"
            )),
            "{e:?}"
        );
    }
    // Loaded as a call's target, the same file is read (its placeholder is then the problem).
    let e = match Flow::called_from_text(
        "t.yaml",
        "digitalBot:\n  name: {{flow_name}}\n",
        &BTreeMap::new(),
    ) {
        Ok(_) => panic!("loaded"),
        Err(d) => d,
    };
    assert!(e[0].message.contains("flow_name"), "{e:?}");
    // The real demo bot, given to trace, exits 2 with the kind told at 1:1.
    let err = trace_fails("tests/data/bots/making-chatbots/flows/digital-bot.yaml");
    assert!(
        err.contains("this is a digital bot flow (`digitalBot:`)"),
        "{err}"
    );
    assert!(err.contains("digital-bot.yaml:1:1"), "{err}");
}

/// A deployment's flows folder holds voice and in-queue flows beside the message flow:
/// `lint` (given the folder, or through routecheck.yaml's `flows:`) skips each with a
/// note naming it and checks the rest; the same file named as `--flow` is still an error.
#[test]
fn lint_skips_a_folder_s_flows_of_other_kinds_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let flows = dir.path().join("flows");
    std::fs::create_dir_all(&flows).unwrap();
    for f in [
        "tests/data/other-kinds/inboundcall-substitutions.yaml",
        "tests/data/other-kinds/inqueuecall-default.yaml",
        "tests/data/real-flows/dude-wheres-my-stuff-message.yaml",
    ] {
        let p = std::path::Path::new(f);
        std::fs::copy(p, flows.join(p.file_name().unwrap())).unwrap();
    }
    std::fs::write(
        dir.path().join("routecheck.yaml"),
        "flows: [flows]\nvars: { flow_name: D, default_language: en-us, integration_category: Lambda, integration_data_action_name: L }\n",
    )
    .unwrap();
    let lint = |args: &[&str]| {
        let o = Command::cargo_bin("routecheck")
            .unwrap()
            .env("NO_COLOR", "1")
            .current_dir(dir.path())
            .arg("lint")
            .args(args)
            .output()
            .unwrap();
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stdout).to_string(),
            String::from_utf8_lossy(&o.stderr).to_string(),
        )
    };
    for args in [&[][..], &["--flow", "flows"][..]] {
        let (code, out, err) = lint(args);
        assert_eq!(code, Some(0), "{args:?}: {out}{err}");
        assert!(out.contains("(1 flow,"), "{out}");
        for part in [
            "skipped flows/inboundcall-substitutions.yaml: it is an inbound call flow (`inboundCall:`)",
            "skipped flows/inqueuecall-default.yaml: it is an in-queue call flow",
        ] {
            assert!(err.contains(part), "{part}: {err}");
        }
    }
    let (code, _, err) = lint(&["--flow", "flows/inboundcall-substitutions.yaml"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("this is an inbound call flow"), "{err}");
}

/// A named pipe in a walked flows folder: telling its kind must not open it (an open
/// blocks until a writer comes), so lint refuses it, located, instead of hanging.
#[cfg(unix)]
#[test]
fn a_fifo_in_a_walked_flows_folder_is_refused_not_waited_on() {
    let dir = tempfile::tempdir().unwrap();
    let flows = dir.path().join("flows");
    std::fs::create_dir_all(&flows).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(flows.join("pipe.yaml"))
        .status()
        .unwrap();
    assert!(made.success());
    let o = Command::cargo_bin("routecheck")
        .unwrap()
        .env("NO_COLOR", "1")
        .current_dir(dir.path())
        .args(["lint", "--flow", "flows"])
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("named pipe (FIFO), not a regular file"),
        "{err}"
    );
}
