/// Three real repositories (tests/data/terraform/SOURCES.md: repository, path, commit),
/// copied as they are: init, lint, test, all exit 0.
#[test]
fn init_lint_test_pass_on_the_first_run_in_real_cx_as_code_repositories() {
    for repo in [
        "scheduling-bot-blueprint",
        "genesys-cloud-cx-as-code-demo",
        "deploy-webmessaging-chatbot-with-lambda-blueprint",
    ] {
        let (_tmp, top) = real(repo);
        let init = first_run(&top, repo);
        assert!(
            init.stderr.contains("found in ") && init.stderr.contains("Terraform root module: "),
            "{}",
            init.all()
        );
        // Values Terraform writes literally are found, with where they are written.
        assert!(
            init.stderr.contains("(Terraform: "),
            "{repo}: {}",
            init.all()
        );
    }
}

/// With Terraform: what the configuration writes literally (or through a variable
/// default) is found and shown with where; what it cannot know offline (a remote
/// module's output) is a marker, named with its address. Existing rules files are kept:
/// no starter suite, and their `vars:` count as found.
#[test]
fn with_terraform_literal_values_are_found_and_unknowns_named() {
    let tmp = tempfile::tempdir().unwrap();
    let top = tmp.path().canonicalize().unwrap();
    let repo = top.join("deploy");
    write(&repo.join("infra/modules/flow/support.yaml"), &message_flow());
    write(
        &repo.join("infra/modules/flow/flow.tf"),
        "variable \"queue\" {\n  type = string\n}\nvariable \"vip\" {\n  type = string\n}\nresource \"genesyscloud_flow\" \"support\" {\n  filepath = \"${path.module}/support.yaml\"\n  substitutions = {\n    flow_name = \"Support Flow\"\n    queue_name = var.queue\n    vip_queue = var.vip\n  }\n}\n",
    );
    write(
        &repo.join("infra/main.tf"),
        "variable \"queue\" {\n  type = string\n  default = \"General\"\n}\nmodule \"queues\" {\n  source = \"git::https://example.com/queues.git?ref=main\"\n}\nmodule \"flow\" {\n  source = \"./modules/flow\"\n  queue = var.queue\n  vip = module.queues.vip_name\n}\n",
    );
    let init = first_run(&top, "deploy");
    let config = std::fs::read_to_string(repo.join("routecheck.yaml")).unwrap();
    assert!(config.contains("terraform:\n  dir: infra\n"), "{config}");
    assert!(
        config.contains("  vip_queue: TODO-vip_queue   # could not fill: set the real value\n"),
        "{config}"
    );
    assert!(!config.contains("queue_name:"), "{config}");
    let e = &init.stderr;
    assert!(
        e.contains("placeholders of tf:module.flow.genesyscloud_flow.support (deploy/infra/modules/flow/support.yaml):"),
        "{e}"
    );
    assert!(e.contains("  flow_name = \"Support Flow\" (Terraform: "), "{e}");
    assert!(
        e.contains("  queue_name = \"General\" (Terraform: ") && e.contains("main.tf:3"),
        "{e}"
    );
    assert!(
        e.contains("  vip_queue = ? Terraform cannot know it offline: `module.queues"),
        "{e}"
    );
    assert!(e.contains("could not fill 1 placeholder(s): vip_queue;"), "{e}");
    let suite = std::fs::read_to_string(repo.join("rules/support.generated.yaml")).unwrap();
    assert!(
        suite.contains("flow: \"tf:module.flow.genesyscloud_flow.support\""),
        "{suite}"
    );
}

