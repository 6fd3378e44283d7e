//! Benchmark of the Terraform reader: a configuration of M local modules × F
//! `genesyscloud_flow` resources (each module called with arguments from a root
//! `locals` block and a tfvars file, each flow's substitutions built from variables,
//! locals, `format` and a conditional), written to DIR, then read R times with
//! `routecheck::terraform::read` — the same call every command makes.
//!
//! `cargo run --example tf_bench -- [M F DIR R]` (defaults 50 20 a temp dir 5) prints the
//! median, min and max wall time of one read and the resource count.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Instant;

const FLOW: &str = "inboundShortMessage:\n  name: \"{{flow_name}}\"\n  division: \"{{division}}\"\n  startUpRef: \"/inboundShortMessage/states/state[Initial State_10]\"\n  defaultLanguage: en-us\n  supportedLanguages:\n    en-us:\n      defaultLanguageSkill:\n        noValue: true\n  settingsErrorHandling:\n    errorHandling:\n      disconnect:\n        none: true\n  states:\n    - state:\n        name: Initial State\n        refId: Initial State_10\n        actions:\n          - transferToAcd:\n              name: \"{{queue_name}}\"\n";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let modules: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(50);
    let flows: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(20);
    let tmp = tempfile::tempdir().expect("a temp dir");
    let dir = args
        .get(2)
        .map(PathBuf::from)
        .unwrap_or_else(|| tmp.path().to_path_buf());
    let rounds: usize = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(5);
    write(&dir, modules, flows);
    let opts = routecheck::terraform::Options {
        dir: Some(dir.clone()),
        ..Default::default()
    };
    let mut times = Vec::new();
    let mut count = 0;
    for _ in 0..rounds {
        let t0 = Instant::now();
        let config = routecheck::terraform::read(&opts).expect("the configuration reads");
        times.push(t0.elapsed().as_secs_f64());
        count = config.of_type("genesyscloud_flow").count();
        // The only unknowns are the flows' own ids, known after apply (the reader lists
        // an attribute the configuration does not set); every substitution is known.
        assert!(
            config.unknowns.iter().all(|u| matches!(
                u.kind,
                routecheck::terraform::UnknownKind::ResourceAttribute
            ) && u.address.ends_with(".id")),
            "{:?}",
            config.unknowns
        );
    }
    times.sort_by(f64::total_cmp);
    println!(
        "{modules} modules x {flows} flows = {count} genesyscloud_flow instances: median {:.3} s, min {:.3} s, max {:.3} s over {rounds} reads",
        times[times.len() / 2],
        times[0],
        times[times.len() - 1]
    );
}

fn write(dir: &std::path::Path, modules: usize, flows: usize) {
    let mut main = String::from(
        "variable \"environment\" { type = string }\nvariable \"division\" {\n  type    = string\n  default = \"Home\"\n}\nlocals {\n  prefix = \"${var.environment}-cx\"\n}\n",
    );
    for m in 0..modules {
        let _ = write!(
            main,
            "module \"m{m:02}\" {{\n  source   = \"./modules/m{m:02}\"\n  prefix   = local.prefix\n  division = var.division\n  index    = {m}\n}}\n"
        );
    }
    std::fs::create_dir_all(dir).expect("the directory");
    std::fs::write(dir.join("main.tf"), main).expect("main.tf");
    std::fs::write(dir.join("terraform.tfvars"), "environment = \"bench\"\n").expect("tfvars");
    for m in 0..modules {
        let md = dir.join(format!("modules/m{m:02}"));
        std::fs::create_dir_all(&md).expect("a module directory");
        let mut tf = String::from(
            "variable \"prefix\" { type = string }\nvariable \"division\" { type = string }\nvariable \"index\" { type = number }\nlocals {\n  queue = var.index % 2 == 0 ? \"Even Queue\" : \"Odd Queue\"\n}\n",
        );
        for f in 0..flows {
            let _ = write!(
                tf,
                "resource \"genesyscloud_flow\" \"f{f:02}\" {{\n  filepath = \"${{path.module}}/flow{f:02}.yaml\"\n  substitutions = {{\n    flow_name  = format(\"%s-%02d-{f:02}\", upper(var.prefix), var.index)\n    division   = var.division\n    queue_name = local.queue\n  }}\n}}\n"
            );
            std::fs::write(md.join(format!("flow{f:02}.yaml")), FLOW).expect("a flow file");
        }
        std::fs::write(md.join("main.tf"), tf).expect("module main.tf");
    }
}
