//! The corpus as a matrix: every case of `tests/bad-inputs/` run as `test` (human, JSON,
//! GitHub, each with `--junit` and `--summary`) and as `lint` (human, JSON, GitHub). Every
//! cell must exit 2, show the case's located error in that format's own shape, write no
//! report that reads as a pass, and not panic. A case written for `trace` is run through
//! a rules file naming its flow and fixture (and a routecheck.yaml naming its stubs).

use std::path::{Path, PathBuf};

use serde_json::Value;

/// One corpus case, as the matrix reads it.
pub struct Case {
    pub args: Vec<String>,
    pub output: Vec<String>,
    pub lint_output: Option<Vec<String>>,
    pub test_output: Option<Vec<String>>,
    pub skip: Option<String>,
}

const FORMATS: &[&str] = &["human", "json", "github"];

/// The rules file a `trace` case is run through.
const TRACED: &str = "matrix-rules.yaml";

/// The value after `flag` in `args`.
fn flag<'a>(args: &'a [String], flag: &str) -> Option<&'a str> {
    let i = args.iter().position(|a| a == flag)?;
    args.get(i + 1).map(String::as_str)
}

/// The `test` and `lint` arguments for a case (`None`: that command does not read the
/// case's bad input), after writing any file they need into `work`.
fn commands(case: &Case, work: &Path) -> (Option<Vec<String>>, Option<Vec<String>>) {
    let own = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    match case.args.first().map(String::as_str) {
        // A case about a report target is about `test`'s writing: lint writes no report.
        Some("test") if writes_reports(case) => (Some(case.args.clone()), None),
        Some("test") => {
            let mut lint = own(&["lint"]);
            for p in &case.args[1..] {
                lint.extend(own(&["--rules", p]));
            }
            (Some(case.args.clone()), Some(lint))
        }
        Some("lint") => (Some(own(&["test"])), Some(case.args.clone())),
        Some("trace") => {
            let flow = flag(&case.args, "--flow").unwrap_or("flow.yaml");
            let fixture = flag(&case.args, "--fixture")
                .map(|f| format!("    fixture: {f}\n"))
                .unwrap_or_default();
            std::fs::write(
                work.join(TRACED),
                format!(
                    "suite: matrix\nflow: {flow}\ncases:\n  - name: a\n{fixture}    expect: [ {{condition: \"true\"}} ]\n"
                ),
            )
            .unwrap();
            let stubs = flag(&case.args, "--stubs");
            if let Some(s) = stubs {
                std::fs::write(work.join("routecheck.yaml"), format!("stubs: [{s}]\n")).unwrap();
            }
            // lint reads no stubs file.
            let lint = stubs.is_none().then(|| own(&["lint", "--rules", TRACED]));
            (Some(own(&["test", TRACED])), lint)
        }
        _ => (None, None),
    }
}

/// Whether the case names a report target itself (it is then the one checked).
fn writes_reports(case: &Case) -> bool {
    case.args.iter().any(|a| a == "--junit" || a == "--summary")
}

/// Every problem of every cell of one case.
pub fn check(name: &str, case: &Case, prepare: impl Fn(&Path) -> PathBuf) -> Vec<String> {
    if case.skip.is_some() {
        return Vec::new();
    }
    let mut problems = Vec::new();
    for format in FORMATS {
        let tmp = tempfile::tempdir().unwrap();
        let work = prepare(tmp.path());
        let (test, lint) = commands(case, &work);
        if let Some(args) = test {
            let junit = tmp.path().join("junit.xml");
            let summary = tmp.path().join("summary.md");
            let mut args = args.clone();
            args.extend(["--format".into(), (*format).into()]);
            // A target the case names itself is refused; the other report must still
            // record the error.
            let junit = (!case.args.iter().any(|a| a == "--junit")).then_some(junit);
            let summary = (!case.args.iter().any(|a| a == "--summary")).then_some(summary);
            if let Some(j) = &junit {
                args.extend(["--junit".into(), j.display().to_string()]);
            }
            if let Some(s) = &summary {
                args.extend(["--summary".into(), s.display().to_string()]);
            }
            let want = case.test_output.as_ref().unwrap_or(&case.output);
            problems.extend(cell(
                name,
                &work,
                &args,
                format,
                want,
                Some((junit.as_deref(), summary.as_deref())),
            ));
        }
        if let Some(mut args) = lint {
            args.extend(["--format".into(), (*format).into()]);
            let want = case.lint_output.as_ref().unwrap_or(&case.output);
            problems.extend(cell(name, &work, &args, format, want, None));
        }
    }
    problems
}

/// One run; its problems.
fn cell(
    name: &str,
    work: &Path,
    args: &[String],
    format: &str,
    want: &[String],
    reports: Option<(Option<&Path>, Option<&Path>)>,
) -> Vec<String> {
    let out = assert_cmd::Command::cargo_bin("routecheck")
        .unwrap()
        .current_dir(work)
        .env("NO_COLOR", "1")
        .env_remove("CI")
        .env_remove("GITHUB_STEP_SUMMARY")
        .args(args)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let mut problems = Vec::new();
    let shown = args.join(" ");
    let mut problem = |p: String| {
        problems.push(format!(
            "{name} [{shown}]: {p}\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
        ))
    };
    match out.status.code() {
        Some(2) => {}
        Some(c) => problem(format!("exit {c}, want 2")),
        None => problem("killed by a signal".into()),
    }
    if stderr.contains("panicked") || stdout.contains("panicked") {
        problem("panicked".into());
    }
    if stdout.contains('✓') {
        problem("a pass mark".into());
    }
    let (text, places) = match format {
        "json" => match serde_json::from_str::<Value>(&stdout) {
            Ok(doc) => {
                if matches!(doc["status"].as_str(), Some("passed" | "ok")) {
                    problem(format!("status {}", doc["status"]));
                }
                let mut places = Vec::new();
                let mut text = String::new();
                walk(&doc, &mut places, &mut text);
                (text, places)
            }
            Err(e) => {
                problem(format!("stdout is not one JSON document: {e}"));
                (String::new(), Vec::new())
            }
        },
        "github" => {
            let places: Vec<String> = stdout
                .lines()
                .filter_map(|l| l.strip_prefix("::error "))
                .filter_map(annotation_place)
                .collect();
            if !stdout.lines().any(|l| l.starts_with("::error")) {
                problem("no ::error annotation".into());
            }
            (github_text(&stdout), places)
        }
        _ => {
            // test ends stdout with its summary line; lint, with nothing on stdout, ends
            // stderr with `lint stopped: …`.
            let last_of = |s: &str| {
                s.lines()
                    .rev()
                    .find(|l| !l.trim().is_empty())
                    .map(str::to_owned)
            };
            let last = last_of(&stdout).or_else(|| last_of(&stderr));
            if !last.is_some_and(|l| l.contains("error")) {
                problem("the last line does not report an error".into());
            }
            (format!("{stdout}\n{stderr}"), Vec::new())
        }
    };
    let flat = flatten(&text);
    for fragment in want {
        let found = flat.contains(&flatten(fragment))
            || places.iter().any(|p| p.starts_with(fragment.as_str()));
        if !found {
            problem(format!("lacks `{fragment}` (places: {places:?})"));
        }
    }
    let (junit, summary) = reports.unwrap_or_default();
    if let Some(junit) = junit {
        match std::fs::read_to_string(junit) {
            Ok(xml)
                if xml.contains("errors=\"0\" failures=\"0\"")
                    || !xml.contains("<error") && !xml.contains("<failure") =>
            {
                problem(format!("the JUnit report records no error:\n{xml}"))
            }
            Ok(_) => {}
            Err(e) => problem(format!("no JUnit report: {e}")),
        }
    }
    if let Some(summary) = summary {
        match std::fs::read_to_string(summary) {
            // `:x:` heads a failed run, `:warning:` one whose cases could not run (errors):
            // either is a failure; a check mark never is.
            Ok(md)
                if !(md.contains("## :x:") || md.contains("## :warning:"))
                    || md.contains(":white_check_mark:") =>
            {
                problem(format!("the summary does not say it failed:\n{md}"))
            }
            Ok(_) => {}
            Err(e) => problem(format!("no summary: {e}")),
        }
    }
    problems
}

/// Every `file:line:col` and every string of a JSON document.
fn walk(v: &Value, places: &mut Vec<String>, text: &mut String) {
    match v {
        Value::Object(m) => {
            if let (Some(f), Some(l)) = (m.get("file").and_then(Value::as_str), m.get("line")) {
                places.push(format!("{f}:{l}:{}", m.get("col").unwrap_or(&Value::Null)));
            }
            m.values().for_each(|v| walk(v, places, text));
        }
        Value::Array(a) => a.iter().for_each(|v| walk(v, places, text)),
        Value::String(s) => {
            text.push_str(s);
            text.push('\n');
        }
        _ => {}
    }
}

/// `file:line:col` of an annotation's properties (`file=F,line=L,col=C,…::message`).
fn annotation_place(props: &str) -> Option<String> {
    let props = props.split("::").next()?;
    let get = |k: &str| props.split(',').find_map(|p| p.strip_prefix(k));
    Some(format!(
        "{}:{}:{}",
        get("file=")?,
        get("line=")?,
        get("col=")?
    ))
}

/// An annotation's text with its escapes undone.
fn github_text(s: &str) -> String {
    s.replace("%0A", "\n")
        .replace("%0D", "\r")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

/// Whitespace runs and miette's frame characters as one space, so wrapped text matches.
fn flatten(s: &str) -> String {
    s.replace(['│', '·'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
