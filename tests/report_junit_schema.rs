//! The JUnit file validates against the Jenkins xUnit plugin's junit-10.xsd, checked with
//! xmllint. A machine without xmllint fails these tests rather than passing them unchecked
//! (`apt-get install libxml2-utils`; the README's set-up lists it).

use crate::report_fixture;

use std::path::{Path, PathBuf};
use std::process::Command;

use report_fixture::{feed, load_failed, run};
use routecheck::report::Event;
use routecheck::report::junit::Junit;

fn schema() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shared = root.join("../shared/junit/junit-10.xsd");
    if shared.is_file() {
        shared
    } else {
        root.join("tests/data/junit/junit-10.xsd")
    }
}

/// Fails the test when xmllint is missing: a schema check that silently skips proves nothing.
fn require_xmllint() {
    let found = Command::new("xmllint")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "xmllint is not on PATH: the JUnit schema cannot be checked. Install it \
         (Debian/Ubuntu: apt-get install libxml2-utils; macOS: it ships with the system)"
    );
}

fn write(events: &[Event], dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    let mut j = Junit::new(path.clone());
    feed(&mut j, events).unwrap();
    path
}

fn validate(path: &Path) {
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(schema())
        .arg(path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{} does not validate:\n{}\n{}",
        path.display(),
        String::from_utf8_lossy(&out.stderr),
        std::fs::read_to_string(path).unwrap_or_default()
    );
}

#[test]
fn the_bundled_schema_copy_exists() {
    assert!(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/junit/junit-10.xsd")
            .is_file()
    );
}

#[test]
fn run_and_load_failure_reports_validate_against_junit_10_xsd() {
    let dir = tempfile::tempdir().unwrap();
    let ok = write(&run(), dir.path(), "run.xml");
    let broken = write(&load_failed(), dir.path(), "load.xml");
    require_xmllint();
    validate(&ok);
    validate(&broken);
}

#[test]
fn hostile_text_still_validates() {
    use routecheck::report::{CaseResult, Failure, Location, Outcome, Summary};
    let at = Location {
        file: "rules/<odd> & \"names\".yaml".into(),
        line: 1,
        col: 1,
    };
    let events = vec![
        Event::CaseFinished(CaseResult {
            suite_file: at.file.clone(),
            suite_name: "a]]>b \u{1}".into(),
            case_name: "line\nbreak & <tag>".into(),
            location: at.clone(),
            outcome: Outcome::Failed {
                failures: vec![Failure {
                    message: "value ]]> with \u{7} bell".into(),
                    expected: Some("]]>".into()),
                    actual: Some("<![CDATA[x]]>\n\u{0}".into()),
                    location: at,
                    notes: vec![],
                }],
            },
            duration: std::time::Duration::from_nanos(1),
        }),
        Event::RunFinished(Summary {
            failed: 1,
            ..Summary::default()
        }),
    ];
    let dir = tempfile::tempdir().unwrap();
    let path = write(&events, dir.path(), "odd.xml");
    let xml = std::fs::read_to_string(&path).unwrap();
    assert!(xml.contains("]]]]><![CDATA[>"));
    require_xmllint();
    validate(&path);
}
