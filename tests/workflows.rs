//! The GitHub workflows parse, and the example gate's `routecheck test` line is one the CLI
//! accepts: its shards, run on the samples, are disjoint and together run every case.
//! (`.ci/run` also validates both files against GitHub's workflow schema.)

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn workflow(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(".github/workflows")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every `run:` script of a job, and `routecheck ARGS` for each step that uses the
/// routecheck action (`OWNER/routecheck@REF` or `./`) with `args: ARGS`.
fn runs(job: &Value) -> Vec<String> {
    job["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| match (s["run"].as_str(), s["uses"].as_str()) {
            (Some(run), _) => Some(run.to_owned()),
            (None, Some(uses)) if uses == "./" || uses.contains("/routecheck@") => {
                s["with"]["args"]
                    .as_str()
                    .map(|args| format!("routecheck {args}"))
            }
            _ => None,
        })
        .collect()
}

fn runs_command(job: &Value, command: &str) -> bool {
    runs(job).iter().any(|r| r.starts_with(command))
}

/// The `routecheck test ...` command line of a job, with `${{ matrix.shard }}` set to `k`.
fn test_command(job: &Value, k: u64) -> Vec<String> {
    let runs = runs(job);
    let line = runs
        .iter()
        .flat_map(|r| r.lines())
        .find(|l| l.trim_start().starts_with("routecheck test"))
        .expect("a `routecheck test` step");
    line.replace("${{ matrix.shard }}", &k.to_string())
        .split_whitespace()
        .skip(1)
        .map(str::to_owned)
        .collect()
}

/// The `tests=` count of the JUnit root element.
fn junit_tests(xml: &str) -> u64 {
    let at = xml.find("tests=\"").expect("a tests= attribute") + "tests=\"".len();
    xml[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap()
}

fn check_sharded_job(job: &Value) {
    let shards: Vec<u64> = job["strategy"]["matrix"]["shard"]
        .as_array()
        .expect("a shard matrix")
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    let n = shards.len() as u64;
    assert_eq!(shards, (1..=n).collect::<Vec<_>>());
    let tmp = tempfile::tempdir().unwrap();
    let mut total = 0;
    for k in shards {
        let mut args = test_command(job, k);
        assert!(
            args.windows(2)
                .any(|w| w[0] == "--shard" && w[1] == format!("{k}/{n}")),
            "{args:?}"
        );
        let at = args.iter().position(|a| a == "--junit").unwrap() + 1;
        assert_eq!(args[at], format!("reports/junit-{k}.xml"));
        let junit = tmp.path().join(format!("junit-{k}.xml"));
        args[at] = junit.display().to_string();
        // GitHub sets it on every step; `--summary` appends there.
        let summary = tmp.path().join(format!("summary-{k}.md"));
        Command::cargo_bin("routecheck")
            .unwrap()
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("GITHUB_STEP_SUMMARY", &summary)
            .args(&args)
            .assert()
            .code(0);
        if args.iter().any(|a| a == "--summary") {
            let md = std::fs::read_to_string(&summary).unwrap();
            assert!(md.contains("routecheck: passed"), "{md}");
        }
        total += junit_tests(&std::fs::read_to_string(junit).unwrap());
    }
    let all = tmp.path().join("all.xml");
    Command::cargo_bin("routecheck")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["test", "--junit", all.to_str().unwrap()])
        .assert()
        .code(0);
    assert_eq!(total, junit_tests(&std::fs::read_to_string(all).unwrap()));
}

#[test]
fn the_example_gate_lints_tests_in_shards_and_gates_the_deploy() {
    let wf = workflow("example-gate.yml");
    let jobs = &wf["jobs"];
    assert!(
        runs_command(&jobs["lint"], "routecheck lint"),
        "{:?}",
        runs(&jobs["lint"])
    );
    check_sharded_job(&jobs["test"]);
    let needs: Vec<&str> = jobs["deploy"]["needs"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        needs.contains(&"test") && needs.contains(&"lint"),
        "{needs:?}"
    );
    assert_eq!(jobs["report"]["if"], "always()");
}

#[test]
fn the_projects_ci_runs_the_gate_on_the_samples() {
    let wf = workflow("ci.yml");
    let samples = &wf["jobs"]["samples"];
    assert!(runs_command(samples, "routecheck lint"));
    check_sharded_job(samples);
    assert!(runs_command(&wf["jobs"]["check"], "bash .ci/run"));
}

fn yaml_file(path: &str) -> (String, Value) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    let text = std::fs::read_to_string(&path).unwrap();
    let doc = serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (text, doc)
}

#[test]
fn the_action_downloads_exactly_what_the_release_workflow_publishes() {
    let (action_text, action) = yaml_file("action.yml");
    assert_eq!(action["runs"]["using"], "composite");
    for input in ["args", "version", "working-directory"] {
        assert!(
            action_text.contains(&format!("inputs.{input}")),
            "input {input} is never used"
        );
    }
    let release = workflow("release.yml");
    assert!(
        release["on"]["push"]["tags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t == "v*")
    );
    let targets: Vec<&str> = release["jobs"]["build"]["strategy"]["matrix"]["include"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["target"].as_str().unwrap())
        .collect();
    for needed in [
        "x86_64-unknown-linux-musl",
        "aarch64-unknown-linux-musl",
        "x86_64-apple-darwin",
        "aarch64-apple-darwin",
        "x86_64-pc-windows-msvc",
    ] {
        assert!(targets.contains(&needed), "release misses {needed}");
        assert!(
            action_text.contains(needed),
            "the action cannot install {needed}"
        );
    }
    // Both name assets routecheck-<target>.{tar.gz,zip} with a .sha256 beside each.
    let (release_text, _) = yaml_file(".github/workflows/release.yml");
    for text in [&action_text, &release_text] {
        assert!(text.contains("routecheck-$TARGET") || text.contains("routecheck-$target"));
        assert!(text.contains(".sha256"));
    }
}

#[test]
fn the_example_gate_uses_the_action_and_the_genesys_names_routecheck_reads() {
    let (text, _) = yaml_file(".github/workflows/example-gate.yml");
    assert!(
        !text.contains("GENESYS_CLOUD_"),
        "routecheck reads GENESYS_*, not GENESYS_CLOUD_*"
    );
    for name in [
        "GENESYS_CLIENT_ID",
        "GENESYS_CLIENT_SECRET",
        "GENESYS_REGION",
    ] {
        assert!(text.contains(name), "{name}");
    }
    assert!(text.contains("/routecheck@v1"));
    assert!(
        !text.contains("cargo install"),
        "the gate installs a release, it does not build"
    );
}

/// The action's install step, run with a stand-in `curl` that serves a local "release":
/// it picks the runner's asset, verifies the checksum, and puts routecheck on PATH; a
/// tampered asset stops it.
#[test]
fn the_action_installs_a_release_and_refuses_a_bad_checksum() {
    use std::os::unix::fs::PermissionsExt;
    let (_, action) = yaml_file("action.yml");
    let script = action["runs"]["steps"][0]["run"]
        .as_str()
        .unwrap()
        .to_owned();
    let tmp = tempfile::tempdir().unwrap();
    let (release, bin, runner) = (
        tmp.path().join("release"),
        tmp.path().join("bin"),
        tmp.path().join("runner"),
    );
    for d in [&release, &bin, &runner] {
        std::fs::create_dir_all(d).unwrap();
    }
    let asset = "routecheck-x86_64-unknown-linux-musl.tar.gz";
    let sh = |cmd: &str| {
        let ok = std::process::Command::new("bash")
            .arg("-c")
            .arg(cmd)
            .current_dir(&release)
            .status()
            .unwrap()
            .success();
        assert!(ok, "{cmd}");
    };
    sh(&format!(
        "printf '#!/bin/sh\\necho routecheck 9.9.9\\n' > routecheck && chmod +x routecheck \
         && tar czf {asset} routecheck && rm routecheck && sha256sum {asset} > {asset}.sha256"
    ));
    // `curl -fsSL --retry 3 -o FILE URL`: copy the URL's last segment from the release.
    let curl = bin.join("curl");
    std::fs::write(
        &curl,
        format!(
            "#!/bin/bash\nwhile [ $# -gt 1 ]; do [ \"$1\" = -o ] && out=$2; shift; done\n\
             echo \"$1\" >> '{}/urls'\ncp \"{}/$(basename \"$1\")\" \"$out\"\n",
            tmp.path().display(),
            release.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&curl, std::fs::Permissions::from_mode(0o755)).unwrap();
    let install = || {
        let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
        std::process::Command::new("bash")
            .arg("-c")
            .arg(&script)
            .env("PATH", path)
            .env("VERSION", "v9.9.9")
            .env("REPO", "your-org/routecheck")
            .env("RUNNER_OS_NAME", "Linux")
            .env("RUNNER_ARCH_NAME", "X64")
            .env("RUNNER_TEMP", &runner)
            .env("GITHUB_PATH", runner.join("path"))
            .env("GITHUB_OUTPUT", runner.join("output"))
            .output()
            .unwrap()
    };
    let out = install();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("routecheck 9.9.9"));
    let urls = std::fs::read_to_string(tmp.path().join("urls")).unwrap();
    assert!(
        urls.contains(&format!(
            "https://github.com/your-org/routecheck/releases/download/v9.9.9/{asset}"
        )),
        "{urls}"
    );
    let output = std::fs::read_to_string(runner.join("output")).unwrap();
    assert!(
        output.starts_with("path=") && output.contains("/routecheck"),
        "{output}"
    );
    assert!(
        std::fs::read_to_string(runner.join("path"))
            .unwrap()
            .contains("routecheck-v9.9.9-x86_64-unknown-linux-musl")
    );
    // A tampered asset: the checksum no longer matches and nothing is installed.
    std::fs::remove_dir_all(&runner).unwrap();
    std::fs::create_dir_all(&runner).unwrap();
    sh(&format!("echo tampered >> {asset}"));
    let out = install();
    assert!(!out.status.success());
    assert!(!runner.join("path").exists());
}
