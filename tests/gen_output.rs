//! Where `routecheck gen` writes and what the written file names: output redirected into
//! `rules/` loads (its `flow:` is root-relative), `--out` makes the folders it needs, and the
//! arguments that cannot say where several flows go get a message that says what to give.

use std::path::Path;

use assert_cmd::Command;

fn routecheck(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("routecheck").unwrap();
    c.env("NO_COLOR", "1").current_dir(dir);
    c
}

/// A project: routecheck.yaml (with `flows: [flows]` and the sample flow's values) and the
/// sample flow, plus a second flow when `two`.
fn project(two: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::create_dir_all(dir.path().join("flows")).unwrap();
    std::fs::create_dir_all(dir.path().join("rules")).unwrap();
    std::fs::copy(
        root.join("flows/web-messaging-vip.yaml"),
        dir.path().join("flows/web-messaging-vip.yaml"),
    )
    .unwrap();
    if two {
        std::fs::copy(
            root.join("tests/data/flows/torture-labels.yaml"),
            dir.path().join("flows/torture-labels.yaml"),
        )
        .unwrap();
    }
    std::fs::write(
        dir.path().join("routecheck.yaml"),
        "flows: [flows]\nvars: { flow_name: VIP, general_queue: General, vip_queue: VIP, data_action_category: Orders }\n",
    )
    .unwrap();
    dir
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn stdout_redirected_into_rules_loads_from_there_and_from_anywhere_below_the_root() {
    let dir = project(false);
    let o = routecheck(dir.path())
        .args(["gen", "--flow", "flows/web-messaging-vip.yaml"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let yaml = text(&o.stdout);
    assert!(
        yaml.contains("flow: \"//flows/web-messaging-vip.yaml\""),
        "{yaml}"
    );
    // Saved anywhere in the project (as `> rules/x.yaml`, or deeper), it loads and passes.
    for at in ["rules/vip.yaml", "rules/deep/er/vip.yaml", "vip.yaml"] {
        let path = dir.path().join(at);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &yaml).unwrap();
        let o = routecheck(dir.path())
            .args(["test", at, "--min-coverage", "100"])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{at}: {}", text(&o.stdout));
        std::fs::remove_file(&path).unwrap();
    }
    // From a subdirectory the project root is the same.
    let sub = dir.path().join("rules");
    routecheck(&sub)
        .args(["gen", "--flow", "../flows/web-messaging-vip.yaml"])
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "flow: \"//flows/web-messaging-vip.yaml\"",
        ));
}

#[test]
fn a_root_relative_path_that_names_nothing_is_a_located_error() {
    let dir = project(false);
    std::fs::write(
        dir.path().join("rules/bad.yaml"),
        "suite: s\nflow: \"//flows/nope.yaml\"\ncases:\n  - name: c\n    expect: [{ route: error }]\n",
    )
    .unwrap();
    let o = routecheck(dir.path())
        .args(["test", "rules/bad.yaml"])
        .output()
        .unwrap();
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("rules/bad.yaml:2:"), "{err}");
    assert!(err.contains("nope.yaml"), "{err}");
}

#[test]
fn out_creates_the_folders_it_needs() {
    let dir = project(false);
    let o = routecheck(dir.path())
        .args([
            "gen",
            "--flow",
            "flows/web-messaging-vip.yaml",
            "--out",
            "rules/new/deep/vip.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let written = std::fs::read_to_string(dir.path().join("rules/new/deep/vip.yaml")).unwrap();
    assert!(
        written.contains("flow: \"../../../flows/web-messaging-vip.yaml\""),
        "{written}"
    );
    routecheck(dir.path())
        .args(["test", "rules/new/deep/vip.yaml"])
        .assert()
        .success();
    // A path ending in `/` is a folder, made when missing.
    routecheck(dir.path())
        .args([
            "gen",
            "--flow",
            "flows/web-messaging-vip.yaml",
            "--out",
            "gen/",
        ])
        .assert()
        .success();
    assert!(
        dir.path()
            .join("gen/web-messaging-vip.generated.yaml")
            .is_file()
    );
}

#[test]
fn several_flows_from_the_config_need_a_folder_and_the_message_says_so() {
    let dir = project(true);
    let o = routecheck(dir.path()).arg("gen").output().unwrap();
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("routecheck.yaml names"), "{err}");
    assert!(err.contains("flows/web-messaging-vip.yaml"), "{err}");
    assert!(err.contains("--out DIR"), "{err}");
    assert!(!err.contains("several --flow"), "{err}");
    assert!(o.stdout.is_empty());
    // With a folder that does not exist yet: one file per flow, each runs.
    let o = routecheck(dir.path())
        .args(["gen", "--out", "rules/generated"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let made: Vec<_> = std::fs::read_dir(dir.path().join("rules/generated"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(
        made.contains(&"web-messaging-vip.generated.yaml".to_string()),
        "{made:?}"
    );
    assert!(made.len() >= 2, "{made:?}");
}

#[test]
fn no_arguments_and_no_project_names_what_to_give() {
    let dir = tempfile::tempdir().unwrap();
    let o = routecheck(dir.path()).arg("gen").output().unwrap();
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("--flow FILE"), "{err}");
    assert!(!err.contains("several --flow"), "{err}");
    // A config whose `flows:` finds nothing says that, naming the config.
    std::fs::create_dir(dir.path().join("flows")).unwrap();
    std::fs::write(dir.path().join("routecheck.yaml"), "flows: [flows]\n").unwrap();
    let o = routecheck(dir.path()).arg("gen").output().unwrap();
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("routecheck.yaml"), "{err}");
    assert!(err.contains("names no flow file"), "{err}");
}
