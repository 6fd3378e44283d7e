//! Mistyped paths and addresses, located where they were given (on the command line, or
//! in routecheck.yaml) and shown relative, with the nearest that exists.

use super::{project, run, write};

/// Bad input as a user meets it, from a directory beside the configuration: a mistyped
/// `--terraform` gets the nearest directory, a file gets its directory, a .tf syntax error
/// is located relative to the working directory with a caret, and a mistyped flow address
/// is offered only flows (the demo's web deployment is not one).
#[test]
fn mistakes_are_located_relative_with_the_nearest_that_exists() {
    let (_tmp, top) = project("genesys-cloud-cx-as-code-demo");
    let other = top.join("rules");
    let graph = |dir: &str, flow: &str| {
        run(
            &other,
            &[
                "graph",
                "--terraform",
                dir,
                "--tf-var-file",
                "../genesys-cloud-cx-as-code-demo/terraform/envs/dev/terraform.tfvars",
                "--flow",
                flow,
            ],
        )
    };
    let flow = "tf:genesyscloud_flow.inbound_message_flow";
    let typo = graph(
        "../genesys-cloud-cx-as-code-demo/terraform",
        "tf:genesyscloud_flow.inbound_mesage_flow",
    );
    assert_eq!(typo.code, 2, "{}", typo.all());
    assert!(
        typo.all().contains(
            "nearest: genesyscloud_flow.inbound_message_flow, genesyscloud_flow.digital_bot_flow"
        ) && !typo.all().contains("webdeployments"),
        "{}",
        typo.all()
    );
    let dir = graph("../genesys-cloud-cx-as-code-demo/terrafrom", flow);
    assert_eq!(dir.code, 2, "{}", dir.all());
    assert!(
        dir.all()
            .contains("--terraform ../genesys-cloud-cx-as-code-demo/terrafrom: no such directory")
            && dir.all().contains("<command line>:1:1")
            && dir
                .all()
                .contains("did you mean `../genesys-cloud-cx-as-code-demo/terraform`?"),
        "{}",
        dir.all()
    );
    let file = graph("../genesys-cloud-cx-as-code-demo/terraform/flows.tf", flow);
    assert_eq!(file.code, 2, "{}", file.all());
    assert!(
        file.all()
            .contains("a file, not the root module's directory")
            && file
                .all()
                .contains("did you mean `../genesys-cloud-cx-as-code-demo/terraform`?"),
        "{}",
        file.all()
    );
    write(
        &top.join("genesys-cloud-cx-as-code-demo/terraform/broken.tf"),
        "locals {\n  x = \n}\n",
    );
    let syntax = graph("../genesys-cloud-cx-as-code-demo/terraform", flow);
    assert_eq!(syntax.code, 2, "{}", syntax.all());
    assert!(
        syntax
            .all()
            .contains("[../genesys-cloud-cx-as-code-demo/terraform/broken.tf:2:7]")
            && syntax.stderr.contains('▲')
            && !syntax.all().contains(&top.display().to_string()),
        "{}",
        syntax.all()
    );
}

/// A root module directory, variable file or plan that is not there, named on a flag or
/// in routecheck.yaml: located where it was given, spelled as given, with the nearest
/// that exists spelled the same way, exit 2, for every command; `test` says it before
/// (and instead of) the rules it could not read for want of it.
#[test]
fn a_missing_terraform_path_is_located_where_it_was_given_with_the_nearest() {
    let (_tmp, top) = project("genesys-cloud-cx-as-code-demo");
    let demo = "genesys-cloud-cx-as-code-demo/terraform";
    let flow = "tf:genesyscloud_flow.inbound_message_flow";
    // `test` with no rules directory and a mistyped --terraform: the directory is named.
    let none = top.join("empty");
    std::fs::create_dir_all(&none).unwrap();
    let t = run(
        &none,
        &[
            "test",
            "--terraform",
            "../genesys-cloud-cx-as-code-demo/terrafrom",
        ],
    );
    assert_eq!(t.code, 2, "{}", t.all());
    assert!(
        t.all()
            .contains("--terraform ../genesys-cloud-cx-as-code-demo/terrafrom: no such directory")
            && t.all()
                .contains("did you mean `../genesys-cloud-cx-as-code-demo/terraform`?")
            && !t.all().contains("rules: no such file")
            && t.stdout
                .contains("the Terraform configuration could not be read"),
        "{}",
        t.all()
    );
    // A mistyped --tf-var-file and --tf-plan, each with the file that exists.
    let var_file = run(
        &top,
        &[
            "graph",
            "--terraform",
            demo,
            "--tf-var-file",
            &format!("{demo}/envs/dev/terraform.tfvar"),
            "--flow",
            flow,
        ],
    );
    assert_eq!(var_file.code, 2, "{}", var_file.all());
    assert!(
        var_file.all().contains(&format!(
            "--tf-var-file {demo}/envs/dev/terraform.tfvar: no such file"
        )) && var_file.all().contains("<command line>:1:1")
            && var_file
                .all()
                .contains(&format!("did you mean `{demo}/envs/dev/terraform.tfvars`?")),
        "{}",
        var_file.all()
    );
    write(&top.join("plan.json"), "{}\n");
    let plan = run(&top, &["trace", "--tf-plan", "plan.jsn", "--flow", flow]);
    assert_eq!(plan.code, 2, "{}", plan.all());
    assert!(
        plan.all().contains("--tf-plan plan.jsn: no such file")
            && plan.all().contains("did you mean `plan.json`?"),
        "{}",
        plan.all()
    );
    // routecheck.yaml in a subdirectory, its paths relative to it: each error is located
    // at its value there, the nearest spelled relative to the file, for every command.
    let sub = top.join("sub");
    write(
        &sub.join("routecheck.yaml"),
        &format!(
            "terraform:\n  dir: ../{demo}x\n  var_files: [../{demo}/envs/dev/terraform.tfvar]\n"
        ),
    );
    write(
        &sub.join("rules/inbound.yaml"),
        &format!(
            "suite: s\nflow: {flow}\ncases:\n  - name: c\n    fixture: anonymous-guest.json\n    expect:\n      - route: disconnect\n"
        ),
    );
    let inner = sub.join("rules");
    for args in [
        vec!["test"],
        vec!["lint"],
        vec!["graph", "--flow", flow],
        vec!["trace", "--flow", flow],
        vec!["gen", "--flow", flow],
    ] {
        let r = run(&inner, &args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.all());
        let e = r.all();
        assert!(
            // `test` checks every routecheck.yaml path first (project::path_errors, #29),
            // in its own words; the location and the nearest are the same.
            (e.contains(&format!("`terraform:` dir ../{demo}x: no such directory"))
                || e.contains(&format!(
                    "`terraform.dir:` names `../{demo}x`, which does not exist"
                )))
                && e.contains("[../routecheck.yaml:2:8]")
                && e.contains(&format!("did you mean `../{demo}`?"))
                && (e.contains(&format!(
                    "`terraform:` var_files ../{demo}/envs/dev/terraform.tfvar: no such file"
                )) || e.contains("`terraform.var_files:` names"))
                && e.contains("[../routecheck.yaml:3:15]")
                && e.contains(&format!(
                    "did you mean `../{demo}/envs/dev/terraform.tfvars`?"
                ))
                && !r.all().contains(&top.display().to_string())
                && !e.contains("panicked"),
            "{args:?}: {}",
            r.all()
        );
    }
}

/// A configuration that was given but does not evaluate is the run's one error: a rules
/// file's `tf:` flow is not also told "no Terraform configuration was given".
#[test]
fn an_unreadable_configuration_is_not_also_called_missing() {
    let tmp = dude_deployed_by(
        "resource \"genesyscloud_flow\" \"d\" {\n  filepath = \"../flows/d.yaml\"\n  substitutions = {\n    flow_name = upper(1, 2)\n  }\n}\n",
    );
    let top = tmp.path();
    write(
        &top.join("r.yaml"),
        "suite: s\nflow: tf:genesyscloud_flow.d\ncases:\n  - name: a\n    message: hi\n    expect:\n      - route: { queue: x }\n",
    );
    let r = run(top, &["test", "r.yaml", "--terraform", "tf"]);
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(
        r.all().contains("cannot evaluate `upper(1, 2)`") && r.all().contains("tf/main.tf:4:17"),
        "{}",
        r.all()
    );
    assert!(
        !r.all().contains("no Terraform configuration was given"),
        "{}",
        r.all()
    );
    assert!(r.all().contains("1 error"), "{}", r.all());
}

/// Two required root variables with no value, one substitution built from both: the
/// error names the first and the help names the other, as `terraform plan` 1.11 reports
/// "No value for required variable" for each (checked on a provider-free copy).
#[test]
fn every_required_variable_with_no_value_is_named_at_once() {
    let tmp = dude_deployed_by(
        "variable \"a\" {}\nvariable \"b\" { type = string }\nresource \"genesyscloud_flow\" \"d\" {\n  filepath = \"../flows/d.yaml\"\n  substitutions = {\n    flow_name = \"${var.a}-${var.b}\"\n  }\n}\n",
    );
    let top = tmp.path();
    let r = run(
        top,
        &[
            "graph",
            "--terraform",
            "tf",
            "--flow",
            "tf:genesyscloud_flow.d",
        ],
    );
    assert_eq!(r.code, 2, "{}", r.all());
    let all = r.all().split_whitespace().collect::<Vec<_>>().join(" ");
    for part in [
        "`flow_name` = `var.a` (a required variable with no value, tf/main.tf:1)",
        "Terraform also asks for the other required variables with no value: `var.b` (tf/main.tf:2)",
    ] {
        assert!(all.contains(part), "{part}: {all}");
    }
    let r = run(
        top,
        &[
            "graph",
            "--terraform",
            "tf",
            "--flow",
            "tf:genesyscloud_flow.d",
            "--tf-var",
            "a=x",
            "--tf-var",
            "b=y",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.all());
}

/// A directory with the real Dude message flow at flows/d.yaml and `main_tf` as
/// tf/main.tf (which deploys it as `genesyscloud_flow.d`).
fn dude_deployed_by(main_tf: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("flows")).unwrap();
    std::fs::copy(
        "tests/data/real-flows/dude-wheres-my-stuff-message.yaml",
        tmp.path().join("flows/d.yaml"),
    )
    .unwrap();
    write(&tmp.path().join("tf/main.tf"), main_tf);
    tmp
}
