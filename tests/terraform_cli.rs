//! The deploy as Terraform reads it, through every command that reads flows, with
//! RELATIVE paths (the `${path.module}` doubling hid behind absolute ones): three real
//! CX-as-Code repositories (tests/data/terraform/SOURCES.md) from their root module and
//! from a subdirectory, modules two levels deep, locals, for_each, each rung of
//! Terraform's variable precedence, a plan JSON, and each kind of unknown value with its
//! located message.

use std::path::{Path, PathBuf};

mod mistakes;
mod repos;

use crate::support::{Run, copy_dir, run_in_env as run_env};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn run(dir: &Path, args: &[&str]) -> Run {
    run_env(dir, &[], args)
}

fn ok(r: &Run) {
    assert_eq!(r.code, 0, "{}", r.all());
    // Never a doubled or dotted module path, never a placeholder left.
    assert!(!r.all().contains("/./"), "{}", r.all());
    assert!(
        !r.all().contains("modules/flows/modules/flows"),
        "{}",
        r.all()
    );
}

/// A project in a temporary directory: `tests/data/terraform/<repo>` copied to `repo/`, a
/// routecheck.yaml at the top (the project root, so fixtures beside the rules resolve),
/// and the anonymous-guest fixture under `rules/`.
fn project(repo: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let top = tmp.path().to_path_buf();
    copy_dir(
        &Path::new(ROOT).join("tests/data/terraform").join(repo),
        &top.join(repo),
    );
    std::fs::write(top.join("routecheck.yaml"), "{}\n").unwrap();
    std::fs::create_dir_all(top.join("rules")).unwrap();
    std::fs::copy(
        Path::new(ROOT).join("fixtures/anonymous-guest.json"),
        top.join("rules/anonymous-guest.json"),
    )
    .unwrap();
    (tmp, top)
}

fn write(path: &Path, text: &str) {
    if let Some(d) = path.parent() {
        std::fs::create_dir_all(d).unwrap();
    }
    std::fs::write(path, text).unwrap();
}

#[test]
fn scheduling_bot_blueprint_every_command_from_root_and_subdirectory() {
    let (_tmp, top) = project("scheduling-bot-blueprint");
    let address = "module.inbound_message_flow.genesyscloud_flow.inbound_message_flow";
    write(
        &top.join("rules/sched.yaml"),
        &format!(
            "suite: scheduling bot\nflow: tf:{address}\nstubs:\n  Call Bot Flow: {{}}\ncases:\n  - name: the bot answers, then the flow disconnects\n    fixture: anonymous-guest.json\n    expect:\n      - route: disconnect\n"
        ),
    );
    let flow_arg = format!("tf:{address}");
    for (cwd, dir, rules) in [
        (top.clone(), "scheduling-bot-blueprint", "rules"),
        (
            top.join("scheduling-bot-blueprint/modules"),
            "..",
            "../../rules",
        ),
    ] {
        ok(&run(&cwd, &["test", "--terraform", dir, rules]));
        let lint = run(&cwd, &["lint", "--terraform", dir, "--rules", rules]);
        ok(&lint);
        assert!(lint.stdout.contains("1 flow"), "{}", lint.all());
        let graph = run(&cwd, &["graph", "--terraform", dir, "--flow", &flow_arg]);
        ok(&graph);
        // Each substitution: its value and where it came from, through the modules.
        assert!(
            graph.stdout.contains("%% {{bot_flow_name}} = \"Scheduling Bot dev\" (module.inbound_message_flow.var.bot_flow_name, module argument at ")
                && graph.stdout.contains("main.tf:157 ← module.scheduling_bot.output.name"),
            "{}",
            graph.stdout
        );
        assert!(
            graph
                .stdout
                .contains("{{division}} = \"your-genesys-division-name\"")
                && graph.stdout.contains("dev.auto.tfvars:6"),
            "{}",
            graph.stdout
        );
        // The bot flow the Call Bot Flow calls, by the resource that deploys it.
        assert!(
            graph.stdout.contains("Call Bot Flow calls bot flow \"Scheduling Bot dev\": module.scheduling_bot.genesyscloud_flow.bot_flow"),
            "{}",
            graph.stdout
        );
        let trace = run(
            &cwd,
            &[
                "trace",
                "--terraform",
                dir,
                "--flow",
                &flow_arg,
                "--fixture",
                &format!("{rules}/anonymous-guest.json"),
                "--stub",
                "Call Bot Flow=",
            ],
        );
        ok(&trace);
        assert!(
            trace.stdout.contains(
                "deployed by module.inbound_message_flow.genesyscloud_flow.inbound_message_flow"
            ) && trace
                .stdout
                .contains("{{flow_name}} = \"Scheduling Bot Inbound Message Flow dev\"")
                && trace.stdout.contains("route: disconnect"),
            "{}",
            trace.stdout
        );
        let generated = run(&cwd, &["gen", "--terraform", dir, "--flow", &flow_arg]);
        ok(&generated);
        assert!(
            generated
                .stdout
                .contains(&format!("flow: \"tf:{address}\"")),
            "{}",
            generated.stdout
        );
        // Terraform gives every substitution: the rules file needs no `vars:`.
        assert!(!generated.stdout.contains("vars:"), "{}", generated.stdout);
    }
}

#[test]
fn cx_as_code_demo_with_a_var_file_per_environment() {
    let (_tmp, top) = project("genesys-cloud-cx-as-code-demo");
    write(
        &top.join("rules/demo.yaml"),
        "suite: demo\nflow: tf:genesyscloud_flow.inbound_message_flow\nstubs:\n  Call Digital Bot Flow: {}\ncases:\n  - name: the bot, then disconnect\n    fixture: anonymous-guest.json\n    expect:\n      - route: disconnect\n",
    );
    let tf = "genesys-cloud-cx-as-code-demo/terraform";
    let dev = format!("{tf}/envs/dev/terraform.tfvars");
    ok(&run(
        &top,
        &["test", "--terraform", tf, "--tf-var-file", &dev, "rules"],
    ));
    // Without the environment's file its required variables are unknown: the message flow
    // does not use them (its bot's name is the bot file's literal `name:`), the bot flow
    // does — listed, located.
    ok(&run(&top, &["test", "--terraform", tf, "rules"]));
    let bare = run(
        &top,
        &[
            "graph",
            "--terraform",
            tf,
            "--flow",
            "tf:genesyscloud_flow.digital_bot_flow",
        ],
    );
    assert_eq!(bare.code, 2, "{}", bare.all());
    assert!(
        bare.all().contains("var.book_purchase_queue_name")
            && bare.all().contains("variables.tf:6"),
        "{}",
        bare.all()
    );
    // From inside the configuration, relative paths again.
    let inside = top.join(tf);
    let graph = run(
        &inside,
        &[
            "graph",
            "--terraform",
            ".",
            "--tf-var-file",
            "envs/prod/terraform.tfvars",
            "--flow",
            "flows/inbound-msg.yaml",
        ],
    );
    ok(&graph);
    // `genesyscloud_flow.digital_bot_flow.name` is the `name:` of that flow's file.
    assert!(
        graph.stdout.contains("{{bot_flow_name}} = \"Transfer To Queue\"")
            && graph.stdout.contains("Call Digital Bot Flow calls bot flow \"Transfer To Queue\": genesyscloud_flow.digital_bot_flow (flows/digital-bot.yaml)"),
        "{}",
        graph.stdout
    );
    let trace = run(
        &inside,
        &[
            "trace",
            "--terraform",
            ".",
            "--tf-var-file",
            "envs/dev/terraform.tfvars",
            "--flow",
            "tf:genesyscloud_flow.inbound_message_flow",
            "--fixture",
            "../../rules/anonymous-guest.json",
            "--stub",
            "Call Digital Bot Flow=",
        ],
    );
    ok(&trace);
    assert!(
        trace.stdout.contains("route: disconnect"),
        "{}",
        trace.stdout
    );
    let generated = run(
        &inside,
        &[
            "gen",
            "--terraform",
            ".",
            "--tf-var-file",
            "envs/dev/terraform.tfvars",
            "--flow",
            "tf:genesyscloud_flow.inbound_message_flow",
        ],
    );
    ok(&generated);
    let lint = run(
        &top,
        &[
            "lint",
            "--terraform",
            tf,
            "--tf-var-file",
            &dev,
            "--rules",
            "rules",
        ],
    );
    ok(&lint);
}

/// The Lambda blueprint's flow takes two substitutions from a remote module's outputs:
/// unknown offline until `terraform init` installs the module, then read as Terraform does.
#[test]
fn lambda_blueprint_remote_module_unknown_then_installed() {
    let (_tmp, top) = project("deploy-webmessaging-chatbot-with-lambda-blueprint");
    let tf = "deploy-webmessaging-chatbot-with-lambda-blueprint/blueprint/terraform";
    let address = "module.my_chat_flow.genesyscloud_flow.deploy_archy_flow_chat";
    write(
        &top.join("rules/dude.yaml"),
        &format!(
            "suite: dude\nflow: tf:{address}\ncases:\n  - name: other order questions go to general support\n    fixture: anonymous-guest.json\n    stubs:\n      Call Bot Flow: {{ values: {{ State.TheIntent: Order Questions }} }}\n    expect:\n      - route: {{ queue: dude-general-support }}\n"
        ),
    );
    let before = run(&top, &["test", "--terraform", tf, "rules"]);
    assert_eq!(before.code, 2, "{}", before.all());
    assert!(
        before.all().contains(
            "`integration_category` = `module.lambda_data_action` (an output of a remote module"
        ) && before.all().contains("main.tf:29")
            && before.all().contains("terraform init"),
        "{}",
        before.all()
    );
    // `--var` fills what Terraform cannot know, and is not called unused.
    let filled = run(
        &top,
        &[
            "test",
            "--terraform",
            tf,
            "--var",
            "integration_category=Lambda",
            "--var",
            "integration_data_action_name=Lookup",
            "rules",
        ],
    );
    ok(&filled);
    // What `terraform init` writes: the module's files and the manifest.
    let modules = top.join(tf).join(".terraform/modules");
    copy_dir(
        &Path::new(ROOT).join("tests/data/terraform/data-action-lambda-module"),
        &modules.join("lambda_data_action"),
    );
    write(
        &modules.join("modules.json"),
        r#"{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"lambda_data_action","Source":"git::https://github.com/GenesysCloudDevOps/data-action-lambda-module.git?ref=main","Dir":".terraform/modules/lambda_data_action"}]}"#,
    );
    ok(&run(&top, &["test", "--terraform", tf, "rules"]));
    let inside = top.join(tf).join("modules");
    let graph = run(
        &inside,
        &[
            "graph",
            "--terraform",
            "..",
            "--flow",
            "flows/DudeWheresMyStuffMessage.yaml",
        ],
    );
    ok(&graph);
    assert!(
        graph.stdout.contains("{{integration_category}} = \"dev-dude-order-status-Lambda\"")
            && graph.stdout.contains(".terraform/modules/lambda_data_action/output.tf:2")
            && graph.stdout.contains("Call Bot Flow calls bot flow \"DudesWheresMyStuffBot\": module.my_chat_flow.genesyscloud_flow.deploy_archy_flow_bot"),
        "{}",
        graph.stdout
    );
    // Lint reads the flow as deployed: its one finding is the flow's own (a context
    // attribute no manifest sets, read under a guard: info), not a placeholder.
    let lint = run(
        &inside,
        &[
            "lint",
            "--terraform",
            "..",
            "--flow",
            &format!("tf:{address}"),
        ],
    );
    assert_eq!(lint.code, 0, "{}", lint.all());
    assert!(
        lint.all()
            .contains("lint: 0 errors, 0 warnings, 1 info (1 flow")
            && lint.all().contains("Context.CustomerFirstName"),
        "{}",
        lint.all()
    );
    ok(&run(
        &inside,
        &[
            "gen",
            "--terraform",
            "..",
            "--flow",
            &format!("tf:{address}"),
        ],
    ));
    let trace = run(
        &inside,
        &[
            "trace",
            "--terraform",
            "..",
            "--flow",
            &format!("tf:{address}"),
            "--fixture",
            "../../../../rules/anonymous-guest.json",
            "--stub",
            "Call Bot Flow=",
        ],
    );
    ok(&trace);
    assert!(
        trace
            .stdout
            .contains("{{integration_data_action_name}} = \"dev-dude-order-status-data-action\""),
        "{}",
        trace.stdout
    );
}

const FLOW: &str = "inboundShortMessage:\n  name: \"{{flow_name}}\"\n  division: Home\n  startUpRef: \"/inboundShortMessage/states/state[Initial State_10]\"\n  defaultLanguage: en-us\n  supportedLanguages:\n    en-us:\n      defaultLanguageSkill:\n        noValue: true\n  settingsErrorHandling:\n    errorHandling:\n      disconnect:\n        none: true\n  states:\n    - state:\n        name: Initial State\n        refId: Initial State_10\n        actions:\n          - disconnect:\n              name: \"{{greeting}}\"\n";

/// The `{{name}} = "value" (origin)` line graph prints for `name`.
fn value_line(r: &Run, name: &str) -> String {
    r.stdout
        .lines()
        .find(|l| l.contains(&format!("{{{{{name}}}}} =")))
        .unwrap_or_else(|| panic!("no {name} in\n{}", r.all()))
        .to_string()
}

/// Terraform 1.11.4, measured (docs/terraform.md): default < TF_VAR_name < terraform.tfvars
/// < terraform.tfvars.json < *.auto.tfvars(.json) in lexical order < -var-file / -var in
/// command-line order. Each rung is added in turn and must win over the one below.
#[test]
fn every_rung_of_the_variable_precedence_wins_over_the_one_below() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(&dir.join("infra/flow.yaml"), FLOW);
    write(
        &dir.join("infra/main.tf"),
        "variable \"v\" {\n  type    = string\n  default = \"from-default\"\n}\nresource \"genesyscloud_flow\" \"f\" {\n  filepath = \"${path.module}/flow.yaml\"\n  substitutions = {\n    flow_name = \"F\"\n    greeting  = var.v\n  }\n}\n",
    );
    let graph = |env: &[(&str, &str)], extra: &[&str]| {
        let mut args = vec![
            "graph",
            "--terraform",
            "infra",
            "--flow",
            "tf:genesyscloud_flow.f",
        ];
        args.extend_from_slice(extra);
        let r = run_env(dir, env, &args);
        assert_eq!(r.code, 0, "{}", r.all());
        value_line(&r, "greeting")
    };
    let env = [("TF_VAR_v", "from-env")];
    assert!(graph(&[], &[]).contains("\"from-default\" (var.v, default at infra/main.tf:3)"));
    assert!(graph(&env, &[]).contains("\"from-env\" (var.v, from environment variable TF_VAR_v)"));
    write(
        &dir.join("infra/terraform.tfvars"),
        "v = \"from-terraform-tfvars\"\n",
    );
    assert!(
        graph(&env, &[])
            .contains("\"from-terraform-tfvars\" (var.v, from infra/terraform.tfvars:1)")
    );
    write(
        &dir.join("infra/terraform.tfvars.json"),
        "{\"v\": \"from-tfvars-json\"}\n",
    );
    assert!(
        graph(&env, &[])
            .contains("\"from-tfvars-json\" (var.v, from infra/terraform.tfvars.json:1)")
    );
    write(&dir.join("infra/b.auto.tfvars"), "\nv = \"from-b-auto\"\n");
    assert!(graph(&env, &[]).contains("\"from-b-auto\" (var.v, from infra/b.auto.tfvars:2)"));
    // Lexical order: a.auto.tfvars.json sorts before b.auto.tfvars, so b still wins; c after.
    write(
        &dir.join("infra/a.auto.tfvars.json"),
        "{\"v\": \"from-a-auto-json\"}\n",
    );
    assert!(graph(&env, &[]).contains("\"from-b-auto\""));
    write(&dir.join("infra/c.auto.tfvars"), "v = \"from-c-auto\"\n");
    assert!(graph(&env, &[]).contains("\"from-c-auto\" (var.v, from infra/c.auto.tfvars:1)"));
    // prod.tfvars is not auto-loaded: only as a --tf-var-file.
    write(&dir.join("infra/prod.tfvars"), "v = \"from-prod\"\n");
    assert!(graph(&env, &[]).contains("\"from-c-auto\""));
    assert!(
        graph(&env, &["--tf-var-file", "infra/prod.tfvars"])
            .contains("\"from-prod\" (var.v, from infra/prod.tfvars:1)")
    );
    // -var-file and -var in command-line order: the later wins.
    write(&dir.join("infra/other.tfvars"), "v = \"from-other\"\n");
    assert!(
        graph(
            &env,
            &[
                "--tf-var-file",
                "infra/prod.tfvars",
                "--tf-var-file",
                "infra/other.tfvars"
            ]
        )
        .contains("\"from-other\"")
    );
    assert!(
        graph(
            &env,
            &[
                "--tf-var-file",
                "infra/prod.tfvars",
                "--tf-var",
                "v=from-flag"
            ]
        )
        .contains("\"from-flag\" (var.v, from --tf-var)")
    );
    assert!(
        graph(
            &env,
            &[
                "--tf-var",
                "v=from-flag",
                "--tf-var-file",
                "infra/prod.tfvars"
            ]
        )
        .contains("\"from-prod\"")
    );
    // routecheck.yaml's var_files and vars come before the flags, relative to the file.
    write(
        &dir.join("routecheck.yaml"),
        "terraform:\n  dir: infra\n  var_files: [infra/prod.tfvars]\n",
    );
    let sub = dir.join("infra");
    let r = run_env(&sub, &env, &["graph", "--flow", "tf:genesyscloud_flow.f"]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(
        value_line(&r, "greeting").contains("\"from-prod\" (var.v, from prod.tfvars:1)"),
        "{}",
        r.all()
    );
    let r = run_env(
        &sub,
        &env,
        &[
            "graph",
            "--flow",
            "tf:genesyscloud_flow.f",
            "--tf-var-file",
            "other.tfvars",
        ],
    );
    assert!(
        value_line(&r, "greeting").contains("\"from-other\""),
        "{}",
        r.all()
    );
    // The old string form still works.
    write(&dir.join("routecheck.yaml"), "terraform: infra\n");
    let r = run_env(&sub, &[], &["graph", "--flow", "tf:genesyscloud_flow.f"]);
    assert!(
        value_line(&r, "greeting").contains("\"from-c-auto\""),
        "{}",
        r.all()
    );
}

/// Modules two levels deep, `for_each` over a local, count, a dynamic block, and
/// `path.module` from a relative `--terraform` in several directories.
#[test]
fn nested_modules_locals_for_each_and_instance_addresses() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(&dir.join("routecheck.yaml"), "terraform: { dir: infra }\n");
    write(
        &dir.join("infra/main.tf"),
        "locals {\n  envs = { dev = \"Dev Queue\", prod = \"Prod Queue\" }\n}\nmodule \"outer\" {\n  source = \"./modules/outer\"\n  queues = local.envs\n}\n",
    );
    write(
        &dir.join("infra/modules/outer/main.tf"),
        "variable \"queues\" { type = map(string) }\nmodule \"inner\" {\n  source   = \"./inner\"\n  for_each = var.queues\n  env      = each.key\n  queue    = each.value\n}\n",
    );
    write(
        &dir.join("infra/modules/outer/inner/main.tf"),
        "variable \"env\" { type = string }\nvariable \"queue\" { type = string }\nlocals {\n  file = \"${path.module}/flow.yaml\"\n}\nresource \"genesyscloud_flow\" \"f\" {\n  filepath = local.file\n  substitutions = {\n    flow_name = upper(var.env)\n    greeting  = format(\"Welcome to %s\", var.queue)\n  }\n}\nresource \"genesyscloud_routing_queue\" \"q\" {\n  name = var.queue\n  dynamic \"members\" {\n    for_each = [\"u1\", \"u2\"]\n    content {\n      user_id = members.value\n    }\n  }\n}\n",
    );
    write(&dir.join("infra/modules/outer/inner/flow.yaml"), FLOW);
    let prod = "tf:module.outer.module.inner[\"prod\"].genesyscloud_flow.f";
    for cwd in [
        dir.to_path_buf(),
        dir.join("infra/modules"),
        dir.join("infra/modules/outer/inner"),
    ] {
        let r = run(&cwd, &["graph", "--flow", prod]);
        ok(&r);
        assert!(
            value_line(&r, "greeting").contains("\"Welcome to Prod Queue\""),
            "{}",
            r.all()
        );
        assert!(
            value_line(&r, "flow_name").contains("\"PROD\""),
            "{}",
            r.all()
        );
    }
    // A bare name is ambiguous here: the error names every instance.
    let r = run(dir, &["graph", "--flow", "tf:genesyscloud_flow.f"]);
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(
        r.all()
            .contains("module.outer.module.inner[\"dev\"].genesyscloud_flow.f"),
        "{}",
        r.all()
    );
    // A file deployed twice is named by instance.
    let r = run(
        dir,
        &["graph", "--flow", "infra/modules/outer/inner/flow.yaml"],
    );
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(
        r.all().contains("2 `genesyscloud_flow` instances"),
        "{}",
        r.all()
    );
    // An unknown address gets the nearest that exist.
    let r = run(
        dir,
        &[
            "graph",
            "--flow",
            "tf:module.outer.module.inner[\"stage\"].genesyscloud_flow.f",
        ],
    );
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(
        r.all().contains("nearest: module.outer.module.inner["),
        "{}",
        r.all()
    );
    // lint reads every instance of the deploy, each with its own substitutions.
    let lint = run(&dir.join("infra"), &["lint"]);
    ok(&lint);
    assert!(lint.stdout.contains("2 flows"), "{}", lint.all());
}

/// `vars:`/`--var` fill only what Terraform leaves unknown; a value that disagrees with
/// a known one is ignored with a warning, and a `--var` for a known substitution is not
/// called unused.
#[test]
fn vars_fill_unknowns_and_never_override_known_values() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(&dir.join("routecheck.yaml"), "terraform: { dir: infra }\n");
    write(&dir.join("infra/flow.yaml"), FLOW);
    write(
        &dir.join("infra/main.tf"),
        "data \"genesyscloud_auth_division_home\" \"home\" {}\nresource \"genesyscloud_flow\" \"f\" {\n  filepath = \"${path.module}/flow.yaml\"\n  substitutions = {\n    flow_name = \"Known\"\n    greeting  = data.genesyscloud_auth_division_home.home.name\n  }\n}\n",
    );
    std::fs::copy(
        Path::new(ROOT).join("fixtures/anonymous-guest.json"),
        dir.join("anonymous-guest.json"),
    )
    .unwrap();
    write(
        &dir.join("rules/r.yaml"),
        "flow: tf:genesyscloud_flow.f\ncases:\n  - name: c\n    fixture: ../anonymous-guest.json\n    expect:\n      - route: disconnect\n",
    );
    let missing = run(dir, &["test"]);
    assert_eq!(missing.code, 2, "{}", missing.all());
    assert!(
        missing
            .all()
            .contains("data.genesyscloud_auth_division_home.home")
            && missing.all().contains("infra/main.tf:1"),
        "{}",
        missing.all()
    );
    let filled = run(
        dir,
        &[
            "test",
            "--var",
            "greeting=Hello",
            "--var",
            "flow_name=Other",
        ],
    );
    assert_eq!(filled.code, 0, "{}", filled.all());
    assert!(
        filled.all().contains(
            "--var gives `flow_name` = \"Other\", but `genesyscloud_flow.f` deploys \"Known\""
        ),
        "{}",
        filled.all()
    );
    assert!(!filled.all().contains("no flow has"), "{}", filled.all());
    let graph = run(
        dir,
        &[
            "graph",
            "--flow",
            "tf:genesyscloud_flow.f",
            "--var",
            "greeting=Hello",
            "--var",
            "flow_name=Other",
        ],
    );
    assert_eq!(graph.code, 0, "{}", graph.all());
    assert!(
        value_line(&graph, "flow_name").contains("\"Known\""),
        "{}",
        graph.all()
    );
    assert!(
        value_line(&graph, "greeting").contains("\"Hello\" (from --var; Terraform cannot know `data.genesyscloud_auth_division_home.home` offline)"),
        "{}",
        graph.all()
    );
    assert!(
        graph.stderr.contains("warning: --var gives `flow_name`"),
        "{}",
        graph.all()
    );
}

/// Each kind of value that cannot be known offline, listed with its address, its .tf
/// file and line, and how to give it.
#[test]
fn each_unknown_kind_is_located() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(&dir.join("infra/flow.yaml"), FLOW);
    write(
        &dir.join("infra/main.tf"),
        "variable \"required\" { type = string }\n\nmodule \"remote\" {\n  source = \"git::https://example.com/m.git\"\n}\nresource \"genesyscloud_routing_queue\" \"q\" {\n  name = \"Q\"\n}\nresource \"genesyscloud_flow\" \"a\" {\n  filepath = \"${path.module}/flow.yaml\"\n  substitutions = { flow_name = var.required, greeting = \"x\" }\n}\nresource \"genesyscloud_flow\" \"b\" {\n  filepath = \"${path.module}/flow.yaml\"\n  substitutions = { flow_name = module.remote.name, greeting = \"x\" }\n}\nresource \"genesyscloud_flow\" \"c\" {\n  filepath = \"${path.module}/flow.yaml\"\n  substitutions = { flow_name = genesyscloud_routing_queue.q.id, greeting = \"x\" }\n}\n",
    );
    let cases = [
        (
            "a",
            "`var.required` (a required variable with no value, infra/main.tf:1)",
            "TF_VAR_required",
        ),
        (
            "b",
            "`module.remote` (an output of a remote module, not read offline, infra/main.tf:3)",
            "terraform init",
        ),
        (
            "c",
            "`genesyscloud_routing_queue.q.id` (a resource attribute known only after apply, infra/main.tf:6)",
            "--tf-plan",
        ),
    ];
    for (name, located, how) in cases {
        let r = run(
            dir,
            &[
                "graph",
                "--terraform",
                "infra",
                "--flow",
                &format!("tf:genesyscloud_flow.{name}"),
            ],
        );
        assert_eq!(r.code, 2, "{}", r.all());
        assert!(
            r.stderr.contains(located) && r.stderr.contains(how),
            "{name}: {}",
            r.all()
        );
    }
}

/// `--tf-plan`: the JSON of `terraform show -json PLAN`, planned values of every module;
/// `after_unknown` values listed like the others.
#[test]
fn a_plan_json_is_read_with_after_unknown_listed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(&dir.join("infra/modules/m/flow.yaml"), FLOW);
    let plan = r#"{
  "format_version": "1.2",
  "terraform_version": "1.11.4",
  "planned_values": {
    "root_module": {
      "child_modules": [
        {
          "address": "module.m",
          "resources": [
            {
              "address": "module.m.genesyscloud_flow.f",
              "mode": "managed",
              "type": "genesyscloud_flow",
              "name": "f",
              "values": {
                "filepath": "modules/m/flow.yaml",
                "substitutions": { "flow_name": "From The Plan", "greeting": "Hi" }
              }
            },
            {
              "address": "module.m.genesyscloud_flow.g",
              "mode": "managed",
              "type": "genesyscloud_flow",
              "name": "g",
              "values": {
                "filepath": "modules/m/flow.yaml",
                "substitutions": { "flow_name": "G" }
              }
            }
          ]
        }
      ]
    }
  },
  "resource_changes": [
    {
      "address": "module.m.genesyscloud_flow.g",
      "change": { "after_unknown": { "substitutions": { "greeting": true } } }
    }
  ]
}
"#;
    write(&dir.join("infra/plan.json"), plan);
    let r = run(
        dir,
        &[
            "graph",
            "--terraform",
            "infra",
            "--tf-plan",
            "infra/plan.json",
            "--flow",
            "tf:module.m.genesyscloud_flow.f",
        ],
    );
    ok(&r);
    assert!(
        value_line(&r, "flow_name").contains("\"From The Plan\" (planned value in infra/plan.json"),
        "{}",
        r.all()
    );
    let r = run(
        dir,
        &[
            "graph",
            "--terraform",
            "infra",
            "--tf-plan",
            "infra/plan.json",
            "--flow",
            "tf:module.m.genesyscloud_flow.g",
        ],
    );
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(
        r.stderr
            .contains("known only after apply (the plan's after_unknown)")
            && r.stderr.contains("infra/plan.json:"),
        "{}",
        r.all()
    );
    // Variable values beside a plan cannot change it: said, and the plan's value kept.
    write(&dir.join("infra/prod.tfvars"), "flow_name = \"Ignored\"\n");
    let r = run(
        dir,
        &[
            "graph",
            "--tf-plan",
            "infra/plan.json",
            "--tf-var-file",
            "infra/prod.tfvars",
            "--tf-var",
            "flow_name=Also Ignored",
            "--flow",
            "tf:module.m.genesyscloud_flow.f",
        ],
    );
    ok(&r);
    assert!(
        r.stderr.contains("warning: --tf-plan: 2 variable value(s)")
            && r.stderr.contains("are not used")
            && value_line(&r, "flow_name").contains("\"From The Plan\""),
        "{}",
        r.all()
    );
}

/// `init` points `terraform:` at the root module whose tree deploys the flows, however
/// deep the `genesyscloud_flow` resources are, never at the child module holding them.
#[test]
fn init_writes_the_root_module() {
    let (_tmp, top) = project("scheduling-bot-blueprint");
    std::fs::remove_file(top.join("routecheck.yaml")).unwrap();
    let r = run(&top, &["init"]);
    assert_eq!(r.code, 0, "{}", r.all());
    let written = std::fs::read_to_string(top.join("routecheck.yaml")).unwrap();
    assert!(
        written.contains("terraform:\n  dir: scheduling-bot-blueprint\n"),
        "{written}"
    );
    // And every command then reads the deploy from it, from any directory.
    let sub = top.join("scheduling-bot-blueprint/modules/inbound-message-flow");
    let graph = run(
        &sub,
        &["graph", "--flow", "SchedulerBotInboundMessageFlow.yaml"],
    );
    ok(&graph);
    assert!(
        graph
            .stdout
            .contains("{{bot_flow_name}} = \"Scheduling Bot dev\""),
        "{}",
        graph.all()
    );
}

/// A held-out repository (tests/data/terraform/SOURCES.md, webmessaging-on-off-hours-blueprint):
/// its root variables `prefix` and `environment` have no value in the repository, so routecheck
/// names the required variable as Terraform would; given with `--tf-var`, from the flows'
/// module directory with relative paths, each substitution is the value `terraform console`
/// (1.11, provider-free copy) prints: the queue and schedule names are resource attributes
/// set in configuration from a root `local`, reaching the module as arguments.
#[test]
fn held_out_on_off_hours_blueprint_matches_terraform_console() {
    let repo = "webmessaging-on-off-hours-blueprint";
    let (_tmp, top) = project(repo);
    let cwd = top.join(repo).join("modules/flows");
    let flow = ["--flow", "webmessage_flow.yaml"];
    let r = run(
        &cwd,
        &[&["graph", "--terraform", "../.."][..], &flow].concat(),
    );
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(
        r.stderr
            .contains("a required variable with no value, ../../variable.tf:31")
            && r.stderr.contains("--tf-var environment=VALUE"),
        "{}",
        r.all()
    );
    let tf = [
        "graph",
        "--terraform",
        "../..",
        "--tf-var",
        "environment=dev",
        "--tf-var",
        "prefix=hours",
    ];
    let r = run(&cwd, &[&tf[..], &flow].concat());
    ok(&r);
    for (name, value) in [
        ("acd_queue_name", "dev-hours_webmessage_queue"),
        ("flow_name", "dev-hours_webmessage_flow"),
        ("schedule_name", "dev-hours_schedule"),
        ("default_language", "en-us"),
    ] {
        assert!(
            value_line(&r, name).contains(&format!("\"{value}\"")),
            "{name}\n{}",
            r.all()
        );
    }
    assert!(
        r.stdout.contains("calls bot flow \"hours_differentiator_webmessage_bot\": module.webmessaging_flow.genesyscloud_flow.webmessage_bot"),
        "{}",
        r.all()
    );
}
