//! The acceptance of #23 on the real CX-as-Code repositories (tests/data/terraform/SOURCES.md),
//! one table row each: `test`, `lint`, `gen`, `graph` and `trace` read every flow the
//! configuration deploys with every `{{placeholder}}` of its file given by Terraform alone
//! (no `--var`, no `vars:`), run from the repository root and from a subdirectory with
//! relative flags, and from the subdirectory again with routecheck.yaml's `terraform:` (its
//! paths relative to the file). No message shows a path absolute where a relative one does.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::{ROOT, Run, copy_dir, ok, run, write};

struct Repo {
    /// The directory under tests/data/terraform, copied as the repository.
    name: &'static str,
    /// The root module, relative to the repository root.
    tf: &'static str,
    /// `--tf-var-file`s, relative to the root module.
    var_files: &'static [&'static str],
    /// A subdirectory of the repository to run from.
    subdir: &'static str,
    /// What `terraform init` installs: the module key and the directory under
    /// tests/data/terraform holding its files.
    installed: &'static [(&'static str, &'static str)],
    /// Every `genesyscloud_flow` instance `graph` reads on its own, and its file, relative
    /// to the root module; the first is the message flow the rules file tests.
    flows: &'static [(&'static str, &'static str)],
    /// The bot call the message flow makes, stubbed by the rules file and by `trace`.
    bot_call: &'static str,
    /// The route the stubbed bot call leads to, as a rules file writes it and as `trace`
    /// prints it.
    route: (&'static str, &'static str),
}

const REPOS: &[Repo] = &[
    Repo {
        name: "scheduling-bot-blueprint",
        tf: ".",
        var_files: &[],
        subdir: "modules/inbound-message-flow",
        installed: &[],
        flows: &[
            (
                "module.inbound_message_flow.genesyscloud_flow.inbound_message_flow",
                "modules/inbound-message-flow/SchedulerBotInboundMessageFlow.yaml",
            ),
            // The bot flow the message flow calls (slots, clearSlot, Date/Time types).
            (
                "module.scheduling_bot.genesyscloud_flow.bot_flow",
                "modules/schedulingbot-flow/SchedulingBot.yaml",
            ),
        ],
        bot_call: "Call Bot Flow",
        route: ("disconnect", "route: disconnect"),
    },
    Repo {
        name: "genesys-cloud-cx-as-code-demo",
        tf: "terraform",
        var_files: &["envs/dev/terraform.tfvars"],
        subdir: "terraform/flows",
        installed: &[],
        flows: &[
            (
                "genesyscloud_flow.inbound_message_flow",
                "flows/inbound-msg.yaml",
            ),
            (
                "genesyscloud_flow.digital_bot_flow",
                "flows/digital-bot.yaml",
            ),
        ],
        bot_call: "Call Digital Bot Flow",
        route: ("disconnect", "route: disconnect"),
    },
    Repo {
        name: "deploy-webmessaging-chatbot-with-lambda-blueprint",
        tf: "blueprint/terraform",
        var_files: &[],
        subdir: "blueprint/terraform/modules/flows",
        installed: &[("lambda_data_action", "data-action-lambda-module")],
        flows: &[
            (
                "module.my_chat_flow.genesyscloud_flow.deploy_archy_flow_chat",
                "modules/flows/DudeWheresMyStuffMessage.yaml",
            ),
            (
                "module.my_chat_flow.genesyscloud_flow.deploy_archy_flow_bot",
                "modules/flows/DudesWheresMyStuffBot.yaml",
            ),
        ],
        bot_call: "Call Bot Flow",
        // No intent from the bot: the flow's default, general support.
        route: (
            "{ queue: dude-general-support }",
            "route: queue \"dude-general-support\"",
        ),
    },
];

/// `target` relative to `from`, both under one temporary directory.
fn rel(target: &Path, from: &Path) -> String {
    let t: Vec<_> = target.components().collect();
    let f: Vec<_> = from.components().collect();
    let common = t.iter().zip(&f).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = f[common..].iter().map(|_| "..".to_string()).collect();
    parts.extend(
        t[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    }
}

/// The `{{name}}` placeholders a flow file holds.
fn placeholders(file: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(file).unwrap();
    text.split("{{")
        .skip(1)
        .filter_map(|s| s.split_once("}}").map(|(n, _)| n.trim().to_string()))
        .collect()
}

/// The repository copied where `terraform init` has run, with a routecheck.yaml (`yaml`) and
/// a rules file for its message flow at the repository root.
fn checkout(r: &Repo, yaml: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    // Canonical: the working directory a child process reports is.
    let top = tmp.path().canonicalize().unwrap().join(r.name);
    let data = Path::new(ROOT).join("tests/data/terraform");
    copy_dir(&data.join(r.name), &top);
    let tf = top.join(r.tf);
    let mut manifest = vec![r#"{"Key":"","Source":"","Dir":"."}"#.to_string()];
    for (key, from) in r.installed {
        let dir = format!(".terraform/modules/{key}");
        copy_dir(&data.join(from), &tf.join(&dir));
        manifest.push(format!(
            r#"{{"Key":"{key}","Source":"(remote)","Dir":"{dir}"}}"#
        ));
    }
    if !r.installed.is_empty() {
        write(
            &tf.join(".terraform/modules/modules.json"),
            &format!(r#"{{"Modules":[{}]}}"#, manifest.join(",")),
        );
    }
    write(&top.join("routecheck.yaml"), yaml);
    write(
        &top.join("rules/deployed.yaml"),
        &format!(
            "suite: deployed\nflow: tf:{}\nstubs:\n  {}: {{}}\ncases:\n  - name: the bot answers, then the route\n    fixture: anonymous-guest.json\n    expect:\n      - route: {}\n",
            r.flows[0].0, r.bot_call, r.route.0
        ),
    );
    std::fs::copy(
        Path::new(ROOT).join("fixtures/anonymous-guest.json"),
        top.join("rules/anonymous-guest.json"),
    )
    .unwrap();
    (tmp, top)
}

/// A run passed, and no path in it is shown absolute (each is relative to `cwd`).
fn ok_relative(r: &Run, top: &Path, what: &str) {
    ok(r);
    let all = r.all();
    assert!(
        !all.contains(&top.display().to_string()),
        "{what}: an absolute path is shown\n{all}"
    );
}

/// Every command on every flow of `r`, from `cwd`, with `tf` the Terraform flags.
fn every_command(r: &Repo, top: &Path, cwd: &Path, tf: &[String]) {
    let tf_root = top.join(r.tf);
    let rules = rel(&top.join("rules"), cwd);
    let with = |args: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        v.splice(1..1, tf.iter().cloned());
        v
    };
    let go = |args: Vec<String>| {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = run(cwd, &a);
        (
            format!(
                "{} in {}: routecheck {}",
                r.name,
                rel(cwd, top),
                a.join(" ")
            ),
            out,
        )
    };
    let (what, test) = go(with(&["test", &rules]));
    ok_relative(&test, top, &what);
    assert!(
        test.all().contains("1 passed, 0 failed"),
        "{what}\n{}",
        test.all()
    );
    let (what, lint) = go(with(&["lint", "--rules", &rules]));
    ok_relative(&lint, top, &what);
    assert!(
        lint.all().contains("1 rules file read"),
        "{what}\n{}",
        lint.all()
    );
    for (address, file) in r.flows {
        let names = placeholders(&tf_root.join(file));
        assert!(!names.is_empty(), "{file} has placeholders");
        let flow = format!("tf:{address}");
        let (what, graph) = go(with(&["graph", "--flow", &flow]));
        ok_relative(&graph, top, &what);
        assert!(
            graph
                .stdout
                .contains(&format!("%% deployed by {address} (")),
            "{what}\n{}",
            graph.stdout
        );
        for n in &names {
            assert!(
                graph.stdout.contains(&format!("%% {{{{{n}}}}} = ")),
                "{what}: {{{{{n}}}}} has no value\n{}",
                graph.stdout
            );
        }
        // The file as Terraform deploys it, named by its path from here, binds the same.
        let by_file = rel(&tf_root.join(file), cwd);
        let (what, graph) = go(with(&["graph", "--flow", &by_file]));
        ok_relative(&graph, top, &what);
        assert!(
            graph
                .stdout
                .contains(&format!("%% deployed by {address} (")),
            "{what}\n{}",
            graph.stdout
        );
    }
    let (address, file) = r.flows[0];
    let flow = format!("tf:{address}");
    let (what, generated) = go(with(&["gen", "--flow", &flow]));
    ok_relative(&generated, top, &what);
    assert!(
        generated.stdout.contains(&format!("flow: \"{flow}\""))
            && !generated.stdout.contains("vars:"),
        "{what}\n{}",
        generated.stdout
    );
    let fixture = rel(&top.join("rules/anonymous-guest.json"), cwd);
    let stub = format!("{}=", r.bot_call);
    let (what, trace) = go(with(&[
        "trace",
        "--flow",
        &flow,
        "--fixture",
        &fixture,
        "--stub",
        &stub,
    ]));
    ok_relative(&trace, top, &what);
    assert!(
        trace.stdout.contains(&format!("deployed by {address} ("))
            && trace.stdout.contains(r.route.1),
        "{what}\n{}",
        trace.stdout
    );
    for n in placeholders(&tf_root.join(file)) {
        assert!(
            trace.stdout.contains(&format!("{{{{{n}}}}} = ")),
            "{what}: {{{{{n}}}}} has no value\n{}",
            trace.stdout
        );
    }
}

#[test]
fn real_repositories_every_command_from_root_and_subdirectory_with_relative_paths() {
    for r in REPOS {
        let (_tmp, top) = checkout(r, "{}\n");
        for cwd in [top.clone(), top.join(r.subdir)] {
            let mut tf = vec!["--terraform".to_string(), rel(&top.join(r.tf), &cwd)];
            for f in r.var_files {
                tf.push("--tf-var-file".into());
                tf.push(rel(&top.join(r.tf).join(f), &cwd));
            }
            every_command(r, &top, &cwd, &tf);
        }
        // routecheck.yaml's `terraform:` instead of flags: its paths are relative to it,
        // whatever directory the command runs from.
        let files: Vec<String> = r
            .var_files
            .iter()
            .map(|f| format!("{}/{f}", r.tf))
            .collect();
        let yaml = format!(
            "terraform:\n  dir: {}\n  var_files: [{}]\n",
            r.tf,
            files.join(", ")
        );
        write(&top.join("routecheck.yaml"), &yaml);
        every_command(r, &top, &top.join(r.subdir), &[]);
    }
}
