//! The JUnit XML reporter: the run as a file CI systems (Jenkins, GitLab, Azure) read,
//! valid against the Jenkins xUnit plugin's `junit-10.xsd`.
//!
//! `junit-report` builds the document, but it cannot put `file`, `skipped` or
//! `<properties>` on a `testsuite`, nor totals on `testsuites`; the schema allows all of
//! them and they carry the rules file and the coverage. So the crate's output is passed
//! once through quick-xml, which adds exactly those and copies everything else as is.
//! The schema allows no location on a `testcase`: a failure's `file:line:col` is in its
//! text, and `classname` is the rules file.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use junit_report::{OffsetDateTime, Report, TestCase, TestCaseBuilder, TestSuite};
use quick_xml::events::{BytesEnd, BytesStart, Event as Xml};

use super::collect::{SuiteCases, Suites};
use super::text;
use super::{CaseResult, Coverage, Event, FlowCoverage, Outcome, Reporter, Summary};
use crate::diag::SourceDiagnostic;

/// The suite that holds the errors of a run that could not start.
const LOAD_SUITE: &str = "routecheck";

/// Collects the run and writes the JUnit file at `RunFinished` or `LoadFailed`.
pub struct Junit {
    path: PathBuf,
    /// Test cases are built as results arrive (on the reporting thread, while the pool is
    /// still running cases), so the end of the run only assembles and writes them.
    suites: Suites<TestCase>,
    warnings: Vec<SourceDiagnostic>,
    timestamp: Option<OffsetDateTime>,
}

impl Junit {
    /// Write the report to `path` (parent directories are created; the file is replaced
    /// atomically, so a reader never sees half a report).
    pub fn new(path: PathBuf) -> Self {
        Junit {
            path,
            suites: Suites::default(),
            warnings: Vec::new(),
            timestamp: None,
        }
    }

    /// Stamp every suite with this time instead of the time the run started (for
    /// reproducible files).
    pub fn with_timestamp(mut self, at: SystemTime) -> Self {
        self.timestamp = Some(OffsetDateTime::from(at));
        self
    }

    fn timestamp(&mut self) -> OffsetDateTime {
        *self
            .timestamp
            .get_or_insert_with(|| OffsetDateTime::from(SystemTime::now()))
    }

    fn finished(&mut self, summary: &Summary) -> io::Result<()> {
        let at = self.timestamp();
        let mut report = Report::new();
        let mut extras = Vec::with_capacity(self.suites.list.len());
        // The cases move into the document; what was missing is counted first.
        let missing: Vec<usize> = self.suites.list.iter().map(SuiteCases::missing).collect();
        let mut cases: Vec<Vec<TestCase>> = self
            .suites
            .list
            .iter_mut()
            .map(|s| std::mem::take(&mut s.cases))
            .collect();
        for (i, s) in self.suites.list.iter().enumerate() {
            let mut suite = new_suite(&s.name, at);
            suite.add_testcases(std::mem::take(&mut cases[i]));
            if missing[i] > 0 {
                suite.add_testcase(missing_case(missing[i], s));
            }
            let warnings: Vec<&SourceDiagnostic> = self
                .warnings
                .iter()
                // Warnings about files that are not rules files (flows, fixtures) go
                // with the first suite, so none is lost.
                .filter(|w| {
                    *w.file.name == s.file
                        || (i == 0 && !self.suites.list.iter().any(|s| *w.file.name == s.file))
                })
                .collect();
            // A flow's coverage goes with the rules file that simulates it; a flow no
            // announced suite claims (cannot happen from the runner) with the first.
            let flows: Vec<&FlowCoverage> = summary
                .coverage
                .iter()
                .flat_map(|c| &c.flows)
                .filter(|f| {
                    s.flow.as_deref() == Some(f.file.as_str())
                        || (i == 0
                            && !self
                                .suites
                                .list
                                .iter()
                                .any(|s| s.flow.as_deref() == Some(f.file.as_str())))
                })
                .collect();
            // A flow below --min-coverage is not a test case (the counts stay those of
            // every other reporter): it is said in this suite's properties and its
            // system-err, and the exit code (1) fails the job.
            // Attribute near misses are about checks that passed: CI tools show a suite's
            // system-out beside its results, so they go there; other warnings stay on
            // system-err.
            let (near, other): (Vec<&SourceDiagnostic>, Vec<&SourceDiagnostic>) = warnings
                .into_iter()
                .partition(|w| w.code.as_deref() == Some("routecheck::attribute::near-miss"));
            if !near.is_empty() {
                suite.set_system_out(&cdata(&rendered(near)));
            }
            let mut err_text = rendered(other);
            if let Some(cov) = &summary.coverage {
                for (f, msg) in cov.shortfalls() {
                    if flows.iter().any(|g| std::ptr::eq(*g, f)) {
                        err_text.push_str(&format!("error: {msg}\n"));
                    }
                }
            }
            if !err_text.is_empty() {
                suite.set_system_err(&cdata(&err_text));
            }
            let skipped = suite.skipped();
            report.add_testsuite(suite);
            extras.push(SuiteExtras {
                file: Some(s.file.clone()),
                skipped,
                properties: coverage_properties(summary.coverage.as_ref(), &flows),
            });
        }
        let totals = Totals {
            time: duration(summary.duration).as_seconds_f64(),
        };
        let written = self.write(&report, &extras, &totals);
        // The document is not needed after this and the process is about to exit: freeing
        // 10,000 test cases one by one only delays it (the runner leaks its suites alike).
        std::mem::forget(report);
        written
    }

    fn load_failed(&mut self, errors: &[SourceDiagnostic]) -> io::Result<()> {
        let at = self.timestamp();
        let mut suite = new_suite(LOAD_SUITE, at);
        for (i, d) in errors.iter().enumerate() {
            let loc = d.location();
            let name = format!("load error {} at {loc}", i + 1);
            let mut case = TestCaseBuilder::error(
                &attr(&name),
                junit_report::Duration::ZERO,
                "load",
                &attr(&format!("{loc}: {}", d.message)),
            );
            case.set_trace(&cdata(&rendered([d])))
                .set_classname(LOAD_SUITE);
            suite.add_testcase(case.build());
        }
        if errors.is_empty() {
            // LoadFailed always carries errors; should it not, the file must still fail.
            let mut case = TestCaseBuilder::error(
                "load error",
                junit_report::Duration::ZERO,
                "load",
                "the run could not start",
            );
            case.set_classname(LOAD_SUITE);
            suite.add_testcase(case.build());
        }
        let mut report = Report::new();
        report.add_testsuite(suite);
        let extras = [SuiteExtras {
            file: None,
            skipped: 0,
            properties: Vec::new(),
        }];
        self.write(&report, &extras, &Totals { time: 0.0 })
    }

    fn write(&self, report: &Report, extras: &[SuiteExtras], totals: &Totals) -> io::Result<()> {
        let xml = to_xml(report, extras, totals)
            .map_err(|e| io::Error::other(format!("cannot build junit report: {e}")))?;
        write_atomic(&self.path, &xml).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("cannot write junit report {}: {e}", self.path.display()),
            )
        })
    }
}

impl Reporter for Junit {
    fn event(&mut self, event: &Event) -> io::Result<()> {
        match event {
            Event::RunStarted { suites } => {
                self.timestamp();
                for s in suites {
                    self.suites.announce(s);
                }
                Ok(())
            }
            Event::Warning(d) => {
                self.warnings.push(d.clone());
                Ok(())
            }
            Event::CaseFinished(case) => {
                self.suites
                    .push(&case.suite_name, &case.suite_file, test_case(case));
                Ok(())
            }
            Event::RunFinished(summary) => self.finished(summary),
            Event::LoadFailed { errors } => self.load_failed(errors),
        }
    }
}

fn new_suite(name: &str, at: OffsetDateTime) -> TestSuite {
    let mut suite = TestSuite::new(&attr(name));
    suite.package = "routecheck".into();
    suite.set_timestamp(at);
    suite
}

fn duration(d: std::time::Duration) -> junit_report::Duration {
    // Whole microseconds keep `time` short and free of float noise.
    junit_report::Duration::microseconds(i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
}

fn test_case(c: &CaseResult) -> TestCase {
    let name = attr(&c.case_name);
    let time = duration(c.duration);
    let mut case = match &c.outcome {
        Outcome::Passed => TestCaseBuilder::success(&name, time),
        Outcome::Failed { failures } => {
            let first = failures
                .first()
                .map(|f| format!("{}: {}", f.location, f.message))
                .unwrap_or_else(|| "failed".into());
            let message = match failures.len() {
                0 | 1 => first,
                n => format!("{first} (and {} more)", n - 1),
            };
            let body: Vec<String> = failures.iter().map(text::failure_text).collect();
            let mut b = TestCaseBuilder::failure(&name, time, "assertion", &attr(&message));
            b.set_trace(&cdata(&body.join("\n")));
            b
        }
        Outcome::Error { message, location } => {
            let at = location.as_ref().unwrap_or(&c.location);
            let full = format!("{at}: {message}");
            let mut b = TestCaseBuilder::error(&name, time, "error", &attr(&full));
            b.set_trace(&cdata(&full));
            b
        }
        Outcome::Skipped { reason } => {
            TestCaseBuilder::skipped_with_cause(&name, "skipped", &attr(reason))
        }
    };
    case.set_classname(&attr(&c.suite_file));
    case.build()
}

fn missing_case(n: usize, s: &SuiteCases<TestCase>) -> TestCase {
    let announced = s.announced;
    let message = format!("{n} of {announced} cases did not report a result");
    let mut case = TestCaseBuilder::error(
        "unfinished cases",
        junit_report::Duration::ZERO,
        "error",
        &message,
    );
    case.set_classname(&attr(&s.file));
    case.build()
}

/// The coverage of `flows` as properties (names are unique within a suite).
fn coverage_properties(cov: Option<&Coverage>, flows: &[&FlowCoverage]) -> Vec<(String, String)> {
    let mut props = Vec::new();
    let Some(cov) = cov else {
        return props;
    };
    for flow in flows.iter().copied() {
        let (hit, total) = text::branch_counts(flow);
        props.push((
            format!("coverage:{}", flow.file),
            if total == 0 {
                format!("no branches {}", flow.name)
            } else {
                format!(
                    "{:.1}% ({hit}/{total} branches) {}",
                    flow.percent(),
                    flow.name
                )
            },
        ));
        let unreached: Vec<String> = flow
            .branches
            .iter()
            .filter(|b| !b.hit)
            .map(text::branch_text)
            .collect();
        if !unreached.is_empty() {
            props.push((
                format!("coverage:{}:unreached", flow.file),
                unreached.join("; "),
            ));
        }
        if let Some(min) = cov.min_percent {
            let verdict = if cov.is_short(flow) { "below" } else { "met" };
            props.push((
                format!("coverage:{}:min", flow.file),
                format!("{verdict} --min-coverage {min}"),
            ));
        }
    }
    props
}

fn rendered<'a>(diags: impl IntoIterator<Item = &'a SourceDiagnostic>) -> String {
    diags
        .into_iter()
        .map(|d| crate::diag::render(d, false))
        .collect()
}

/// What junit-report cannot write on a `testsuite`, added afterwards.
struct SuiteExtras {
    file: Option<String>,
    skipped: usize,
    properties: Vec<(String, String)>,
}

/// What goes on `testsuites`.
struct Totals {
    time: f64,
}

fn to_xml(report: &Report, extras: &[SuiteExtras], totals: &Totals) -> Result<Vec<u8>, String> {
    let mut raw = Vec::new();
    report.write_xml(&mut raw).map_err(|e| e.to_string())?;
    let raw = String::from_utf8(raw).map_err(|e| e.to_string())?;
    let mut reader = quick_xml::Reader::from_str(&raw);
    let mut out = quick_xml::Writer::new_with_indent(Vec::with_capacity(raw.len() + 1024), b' ', 2);
    let mut suites = extras.iter();
    let (mut tests, mut failures, mut errors) = (0usize, 0usize, 0usize);
    for s in report.testsuites() {
        tests += s.tests();
        failures += s.failures();
        errors += s.errors();
    }
    let io = |e: io::Error| e.to_string();
    loop {
        let (e, empty) = match reader.read_event().map_err(|e| e.to_string())? {
            Xml::Eof => break,
            Xml::Start(e) => (e, false),
            Xml::Empty(e) => (e, true),
            other => {
                out.write_event(other).map_err(io)?;
                continue;
            }
        };
        let mut e = e.into_owned();
        match e.name().as_ref() {
            b"testsuites" => {
                e.push_attribute(("name", "routecheck"));
                e.push_attribute(("tests", tests.to_string().as_str()));
                e.push_attribute(("failures", failures.to_string().as_str()));
                e.push_attribute(("errors", errors.to_string().as_str()));
                e.push_attribute(("time", totals.time.to_string().as_str()));
                let ev = if empty { Xml::Empty(e) } else { Xml::Start(e) };
                out.write_event(ev).map_err(io)?;
            }
            b"testsuite" => {
                let extra = suites.next().ok_or("more suites than expected")?;
                if let Some(file) = &extra.file {
                    e.push_attribute(("file", attr(file).as_str()));
                }
                e.push_attribute(("skipped", extra.skipped.to_string().as_str()));
                out.write_event(Xml::Start(e)).map_err(io)?;
                write_properties(&mut out, &extra.properties).map_err(io)?;
                // junit-report writes `<testsuite/>` for a suite with no cases; it has
                // properties now, so it needs its end tag.
                if empty {
                    out.write_event(Xml::End(BytesEnd::new("testsuite")))
                        .map_err(io)?;
                }
            }
            _ => {
                let ev = if empty { Xml::Empty(e) } else { Xml::Start(e) };
                out.write_event(ev).map_err(io)?;
            }
        }
    }
    let mut xml = out.into_inner();
    xml.push(b'\n');
    Ok(xml)
}

fn write_properties<W: Write>(
    out: &mut quick_xml::Writer<W>,
    props: &[(String, String)],
) -> io::Result<()> {
    if props.is_empty() {
        return Ok(());
    }
    out.write_event(Xml::Start(BytesStart::new("properties")))?;
    for (name, value) in props {
        let mut p = BytesStart::new("property");
        p.push_attribute(("name", attr(name).as_str()));
        p.push_attribute(("value", attr(value).as_str()));
        out.write_event(Xml::Empty(p))?;
    }
    out.write_event(Xml::End(BytesEnd::new("properties")))
}

/// Text for an attribute: one line (parsers fold line breaks in attributes into spaces),
/// only characters XML 1.0 allows.
fn attr(s: &str) -> String {
    xml_chars(&s.replace("\r\n", " ").replace(['\n', '\r'], " "))
}

/// Text for a CDATA section: XML-legal characters, and `]]>` split across two sections
/// (junit-report writes the text into one section as is).
fn cdata(s: &str) -> String {
    xml_chars(s).replace("]]>", "]]]]><![CDATA[>")
}

fn xml_chars(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => '\u{FFFD}',
            c => c,
        })
        .collect()
}

/// Through the one writer: checked (links, FIFOs, devices), its directory created, then
/// replaced atomically; `-` is stdout.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    crate::source::write::write_report(path, bytes).map_err(io::Error::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn xml_of(events: &[Event]) -> String {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.xml");
        let mut j = Junit::new(path.clone());
        for e in events {
            j.event(e).unwrap();
        }
        fs::read_to_string(path).unwrap()
    }

    #[test]
    fn an_empty_run_is_an_empty_testsuites_with_zero_totals() {
        let xml = xml_of(&[Event::RunFinished(Summary::default())]);
        assert!(
            xml.contains(
                r#"<testsuites name="routecheck" tests="0" failures="0" errors="0" time="0"/>"#
            ),
            "{xml}"
        );
    }

    #[test]
    fn a_suite_whose_cases_never_reported_gets_an_error_case() {
        let xml = xml_of(&[
            Event::RunStarted {
                suites: vec![super::super::SuiteInfo {
                    name: "s".into(),
                    file: "rules/s.yaml".into(),
                    cases: 2,
                    flow: None,
                }],
            },
            Event::RunFinished(Summary::default()),
        ]);
        assert!(xml.contains(r#"errors="1""#), "{xml}");
        assert!(
            xml.contains("2 of 2 cases did not report a result"),
            "{xml}"
        );
        assert!(xml.contains(r#"file="rules/s.yaml" skipped="0">"#), "{xml}");
        assert!(
            xml.trim_end().ends_with("</testsuite>\n</testsuites>"),
            "{xml}"
        );
    }

    #[test]
    fn a_suite_without_cases_still_gets_its_file_and_properties() {
        let xml = xml_of(&[
            Event::RunStarted {
                suites: vec![super::super::SuiteInfo {
                    name: "empty".into(),
                    file: "rules/empty.yaml".into(),
                    cases: 0,
                    flow: Some("flows/f.yaml".into()),
                }],
            },
            Event::RunFinished(Summary {
                coverage: Some(Coverage {
                    flows: vec![super::super::FlowCoverage {
                        file: "flows/f.yaml".into(),
                        name: "f".into(),
                        branches: vec![],
                    }],
                    min_percent: None,
                }),
                ..Summary::default()
            }),
        ]);
        assert!(xml.contains(r#"tests="0""#), "{xml}");
        assert!(
            xml.contains(r#"<property name="coverage:flows/f.yaml" value="no branches f"/>"#),
            "{xml}"
        );
        assert!(xml.contains("</properties>\n  </testsuite>"), "{xml}");
    }

    #[test]
    fn cdata_cannot_be_closed_early_by_the_text() {
        assert_eq!(cdata("a]]>b"), "a]]]]><![CDATA[>b");
    }

    #[test]
    fn attributes_are_one_line_of_legal_characters() {
        assert_eq!(attr("a\r\nb\nc\u{1}"), "a b c\u{FFFD}");
    }

    #[test]
    fn an_unwritable_path_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        fs::write(&blocker, "x").unwrap();
        let mut j = Junit::new(blocker.join("junit.xml"));
        let err = j
            .event(&Event::RunFinished(Summary::default()))
            .unwrap_err();
        assert!(
            err.to_string().contains("cannot write junit report"),
            "{err}"
        );
    }
}
