//! The JUnit file validates against the Jenkins xUnit plugin's junit-10.xsd, checked in
//! process with libxml2's schema validator (the `libxml` crate over the system library; no
//! xmllint, no libclang: see .cargo/config.toml). `.ci/run` checks the same files with xmllint
//! as an independent reader.

use crate::report_fixture;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

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

/// libxml2's schema module is not documented as safe to use from several threads at once,
/// and the test harness runs tests in parallel: one validation at a time.
static LIBXML2: Mutex<()> = Mutex::new(());

/// Validates `path` against junit-10.xsd; the errors libxml2 reports, one a line.
pub fn schema_errors(path: &Path) -> Result<(), String> {
    use libxml::schemas::{SchemaParserContext, SchemaValidationContext};
    let _one = LIBXML2.lock().unwrap_or_else(|e| e.into_inner());
    let xsd = schema();
    let mut parser = SchemaParserContext::from_file(xsd.to_str().unwrap());
    let mut validator = SchemaValidationContext::from_parser(&mut parser).map_err(|errors| {
        let lines: Vec<String> = errors.iter().filter_map(|e| e.message.clone()).collect();
        format!(
            "{} does not load as a schema:\n{}",
            xsd.display(),
            lines.join("")
        )
    })?;
    validator
        .validate_file(path.to_str().unwrap())
        .map_err(|errors| {
            errors
                .iter()
                .map(|e| {
                    format!(
                        "line {}: {}",
                        e.line.unwrap_or(0),
                        e.message.as_deref().unwrap_or("(no message)").trim_end()
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
}

fn write(events: &[Event], dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    let mut j = Junit::new(path.clone());
    feed(&mut j, events).unwrap();
    path
}

pub fn validate(path: &Path) {
    if let Err(errors) = schema_errors(path) {
        panic!(
            "{} does not validate:\n{errors}\n{}",
            path.display(),
            std::fs::read_to_string(path).unwrap_or_default()
        );
    }
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
            path: Vec::new(),
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
    validate(&path);
}

/// The check is not vacuous: a file the schema rejects is reported as invalid, with the reason.
#[test]
fn a_report_the_schema_rejects_fails_the_check() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.xml");
    std::fs::write(
        &bad,
        "<testsuites><testsuite name=\"s\" tests=\"one\"><bogus/></testsuite></testsuites>",
    )
    .unwrap();
    let errors = schema_errors(&bad).unwrap_err();
    assert!(
        errors.contains("tests") || errors.contains("bogus"),
        "{errors}"
    );
    let ok = write(&run(), dir.path(), "run.xml");
    assert_eq!(schema_errors(&ok), Ok(()));
}
