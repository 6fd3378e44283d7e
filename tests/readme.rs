//! README.md is tested: every ```sh block runs and every rules-file ```yaml block loads
//! and passes, in a temporary copy of the repository, in README order. README and tool
//! cannot drift.
//!
//! Conventions (also in README.md, "Development"):
//! - ```text blocks are output and are not run; other languages are ignored.
//! - A block that cannot run offline is marked by the line
//!   `<!-- readme-test: skip (REASON) -->` immediately before its fence; it is skipped
//!   and the skip is printed (on stderr, past the test harness's capture).
//! - In a shell block every logical line (`\` continuations joined) is a command that
//!   must exit 0, unless its trailing comment says `# exit N`. Lines of one block run in
//!   one shell, so `cd` and `export` carry to the next line; each block starts at the
//!   copy's root with the built `routecheck` first on PATH.
//! - A YAML block whose top level is a mapping with `cases:` is a rules file: it is
//!   written to `readme-examples/` at the copy's root (so `../fixtures/...` resolves as
//!   from `rules/`) and `routecheck test` on it must exit 0. Any other YAML block (a
//!   workflow fragment, a config file) must parse.

use std::fmt::Write as _;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use regex::Regex;

/// What a fenced block is for the test.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    Shell,
    Yaml,
}

/// One fenced block worth testing.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Block {
    kind: Kind,
    /// 1-based line of the opening fence.
    line: usize,
    /// The lines between the fences.
    body: String,
    /// `Some(reason)` when marked `<!-- readme-test: skip (REASON) -->`.
    skip: Option<String>,
}

/// Every ```sh / ```yaml block of `markdown`, in order; a malformed marker is an error.
fn blocks(markdown: &str) -> Result<Vec<Block>, String> {
    let marker = Regex::new(r"^<!--\s*readme-test:\s*skip\s*\((.+)\)\s*-->$").unwrap();
    let lines: Vec<&str> = markdown.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let trimmed = lines[i].trim_start();
        if lines[i].trim().starts_with("<!--") && lines[i].contains("readme-test") {
            let next_is_fence = lines
                .get(i + 1)
                .is_some_and(|l| l.trim_start().starts_with("```"));
            if !marker.is_match(lines[i].trim()) || !next_is_fence {
                return Err(format!(
                    "README.md:{}: a readme-test marker is `<!-- readme-test: skip (REASON) -->` \
                     on the line right before a fence",
                    i + 1
                ));
            }
        }
        let Some(info) = trimmed.strip_prefix("```") else {
            i += 1;
            continue;
        };
        let indent = lines[i].len() - trimmed.len();
        let lang = info.split_whitespace().next().unwrap_or("");
        let start = i;
        let mut body = String::new();
        i += 1;
        while i < lines.len() && !lines[i].trim_start().starts_with("```") {
            // Strip the fence's own indentation (a block inside a list item).
            let l = lines[i];
            let cut = l.len() - l.trim_start().len();
            body.push_str(&l[cut.min(indent)..]);
            body.push('\n');
            i += 1;
        }
        if i == lines.len() {
            return Err(format!("README.md:{}: unclosed code fence", start + 1));
        }
        i += 1;
        let kind = match lang {
            "sh" | "bash" | "shell" => Kind::Shell,
            "yaml" | "yml" => Kind::Yaml,
            _ => continue,
        };
        let skip = start
            .checked_sub(1)
            .and_then(|p| marker.captures(lines[p].trim()))
            .map(|c| c[1].trim().to_owned());
        out.push(Block {
            kind,
            line: start + 1,
            body,
            skip,
        });
    }
    Ok(out)
}

/// A shell command of a block: 1-based README line, the command, its expected exit code.
#[derive(Debug, PartialEq, Eq)]
struct ShellCommand {
    line: usize,
    text: String,
    exit: i32,
}

/// The logical lines of a shell block (continuations joined, comments and blanks dropped).
fn commands(block: &Block) -> Vec<ShellCommand> {
    let exit = Regex::new(r"\bexit\s+(\d+)\b").unwrap();
    let mut out = Vec::new();
    let mut pending: Option<(usize, String)> = None;
    for (n, raw) in block.body.lines().enumerate() {
        let line = block.line + 1 + n;
        let (start, mut text) = pending.take().unwrap_or((line, String::new()));
        if let Some(cont) = raw.strip_suffix('\\') {
            text.push_str(cont);
            pending = Some((start, text));
            continue;
        }
        text.push_str(raw);
        let (code, comment) = split_comment(&text);
        if code.trim().is_empty() {
            continue;
        }
        let expected = comment
            .and_then(|c| exit.captures(c))
            .map_or(0, |c| c[1].parse().unwrap());
        out.push(ShellCommand {
            line: start,
            text: code.trim().to_owned(),
            exit: expected,
        });
    }
    out
}

/// Split a shell line at its trailing comment: a `#` outside quotes at the start of the
/// line or after whitespace.
fn split_comment(line: &str) -> (&str, Option<&str>) {
    let (mut single, mut double, mut prev_space) = (false, false, true);
    for (i, c) in line.char_indices() {
        match c {
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '#' if !single && !double && prev_space => return (&line[..i], Some(&line[i + 1..])),
            _ => {}
        }
        prev_space = c.is_whitespace();
    }
    (line, None)
}

/// A copy of the repository without build output or VCS data.
fn copy_repo(from: &Path, to: &Path) {
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if matches!(
            name.to_str(),
            Some("target" | ".git" | "corpus" | "artifacts")
        ) {
            continue;
        }
        let (src, dst) = (entry.path(), to.join(&name));
        let meta = fs::metadata(&src);
        match meta {
            Ok(m) if m.is_dir() => {
                fs::create_dir_all(&dst).unwrap();
                copy_repo(&src, &dst);
            }
            Ok(m) if m.is_file() => {
                fs::copy(&src, &dst).unwrap();
            }
            _ => {} // dangling links, sockets: nothing an example can use
        }
    }
}

/// Say something the test harness does not capture: skips must be visible on success.
fn announce(msg: &str) {
    let _ = writeln!(std::io::stderr(), "readme-test: {msg}");
}

/// The environment every example runs in: the built binary first on PATH, no
/// credentials (a live example must be marked, never reach a real org), no colour.
fn shell(root: &Path) -> Command {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_routecheck"));
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs = vec![bin.parent().unwrap().to_path_buf()];
    dirs.extend(std::env::split_paths(&path));
    let mut c = Command::new("bash");
    c.current_dir(root)
        .env("PATH", std::env::join_paths(dirs).unwrap())
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("FORCE_COLOR")
        .stdin(Stdio::null());
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("GENESYS_") {
            c.env_remove(k);
        }
    }
    c
}

/// A bash script that runs each command and stops at the first unexpected exit code.
fn script(cmds: &[ShellCommand]) -> String {
    let mut s = String::new();
    for c in cmds {
        let shown = c.text.replace('\'', "'\\''");
        writeln!(
            s,
            "{}\n__rc=$?; if [ \"$__rc\" != {} ]; then \
             echo 'README.md:{}: `{shown}` exited '\"$__rc\"', expected {}' >&2; exit 99; fi",
            c.text, c.exit, c.line, c.exit
        )
        .unwrap();
    }
    s
}

/// Run one block in `root`; `Err` with everything needed to fix the README.
fn run_block(root: &Path, block: &Block) -> Result<String, String> {
    match block.kind {
        Kind::Shell => {
            let cmds = commands(block);
            if cmds.is_empty() {
                return Err(format!(
                    "README.md:{}: a shell block with no command",
                    block.line
                ));
            }
            let out = shell(root).arg("-c").arg(script(&cmds)).output().unwrap();
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            if out.status.success() {
                Ok(format!("ran {} command(s)", cmds.len()))
            } else {
                Err(format!(
                    "README.md:{}: shell block failed\n{text}\n(mark it `<!-- readme-test: skip (REASON) -->` \
                     only if it cannot run offline)",
                    block.line
                ))
            }
        }
        Kind::Yaml => {
            let doc: serde_json::Value = serde_saphyr::from_str(&block.body).map_err(|e| {
                format!(
                    "README.md:{}: the YAML block does not parse: {e}",
                    block.line
                )
            })?;
            if doc.get("cases").is_none() {
                return Ok("not a rules file (no top-level `cases:`): parsed".into());
            }
            let dir = root.join("readme-examples");
            fs::create_dir_all(&dir).unwrap();
            let file = format!("readme-examples/README-{}.yaml", block.line);
            fs::write(root.join(&file), &block.body).unwrap();
            let out = shell(root)
                .arg("-c")
                .arg(format!("routecheck test '{file}'"))
                .output()
                .unwrap();
            let _ = fs::remove_file(root.join(&file));
            if out.status.success() {
                Ok("rules file loaded and passed".into())
            } else {
                Err(format!(
                    "README.md:{}: the rules-file example does not pass (exit {:?})\n{}{}",
                    block.line,
                    out.status.code(),
                    String::from_utf8_lossy(&out.stdout),
                    String::from_utf8_lossy(&out.stderr)
                ))
            }
        }
    }
}

/// Run every block of `markdown` in a fresh copy of `repo`; the report and the failures.
/// `loud` prints each block's line past the harness (the real README; not the
/// self-tests, whose deliberate failures would read as real ones).
fn run_readme(markdown: &str, repo: &Path, loud: bool) -> (Vec<String>, Vec<String>) {
    let tmp = tempfile::tempdir().unwrap();
    copy_repo(repo, tmp.path());
    let mut report = Vec::new();
    let mut failures = Vec::new();
    for block in blocks(markdown).unwrap_or_else(|e| panic!("{e}")) {
        let what = match block.kind {
            Kind::Shell => "sh",
            Kind::Yaml => "yaml",
        };
        let line = match &block.skip {
            Some(reason) => format!("README.md:{} {what}: skipped ({reason})", block.line),
            None => match run_block(tmp.path(), &block) {
                Ok(done) => format!("README.md:{} {what}: {done}", block.line),
                Err(e) => {
                    failures.push(e);
                    format!("README.md:{} {what}: FAILED", block.line)
                }
            },
        };
        if loud {
            announce(&line);
        }
        report.push(line);
    }
    (report, failures)
}

#[test]
fn every_readme_example_runs() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let markdown = fs::read_to_string(repo.join("README.md")).unwrap();
    let (report, failures) = run_readme(&markdown, repo, true);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    // The extractor must keep finding the examples it was written for.
    let ran = |s: &str| report.iter().filter(|l| l.contains(s)).count();
    assert!(ran("sh: ran") >= 3, "{report:#?}");
    assert!(ran("rules file loaded and passed") >= 2, "{report:#?}");
}

#[test]
fn blocks_are_found_with_their_kind_line_and_marker() {
    let md = "# t\n\n```sh\na\n```\n\n<!-- readme-test: skip (needs a real org) -->\n```sh\nb\n```\n\
              ```text\nout\n```\n  ```yaml\n  x: 1\n  ```\n```rust\nfn f() {}\n```\n";
    let b = blocks(md).unwrap();
    assert_eq!(b.len(), 3);
    assert_eq!(
        (b[0].kind.clone(), b[0].line, b[0].skip.clone()),
        (Kind::Shell, 3, None)
    );
    assert_eq!(b[1].skip.as_deref(), Some("needs a real org"));
    assert_eq!(
        (b[2].kind.clone(), b[2].body.as_str()),
        (Kind::Yaml, "x: 1\n")
    );
}

#[test]
fn a_marker_without_a_reason_or_away_from_a_fence_is_an_error() {
    assert!(blocks("<!-- readme-test: skip -->\n```sh\na\n```\n").is_err());
    assert!(blocks("<!-- readme-test: skip (x) -->\n\n```sh\na\n```\n").is_err());
    assert!(blocks("```sh\na\n").is_err());
}

#[test]
fn commands_join_continuations_and_read_expected_exit_codes() {
    let b = &blocks(
        "```sh\n# a comment\nrc eval 'a # b' \\\n  --x   # exit 1: why\nrc lint  # fine\n\nrc x#y\n```\n",
    )
    .unwrap()[0];
    let c = commands(b);
    assert_eq!(c.len(), 3, "{c:#?}");
    assert_eq!(
        (c[0].line, c[0].text.as_str(), c[0].exit),
        (3, "rc eval 'a # b'   --x", 1)
    );
    assert_eq!((c[1].line, c[1].exit), (5, 0));
    assert_eq!(c[2].text, "rc x#y");
}

#[test]
fn a_failing_or_unexpected_exit_fails_the_readme_and_a_skip_is_reported() {
    let repo = tempfile::tempdir().unwrap();
    fs::write(repo.path().join("f.txt"), "x").unwrap();
    let md = "```sh\ntest -f f.txt\nfalse   # exit 1\ntrue    # exit 1\n```\n\
              <!-- readme-test: skip (offline) -->\n```sh\nfalse\n```\n\
              ```yaml\ncases: [\n```\n";
    let (report, failures) = run_readme(md, repo.path(), false);
    assert_eq!(failures.len(), 2, "{failures:#?}");
    assert!(
        failures[0].contains("README.md:4: `true` exited 0, expected 1"),
        "{}",
        failures[0]
    );
    assert!(failures[1].contains("does not parse"), "{}", failures[1]);
    assert!(report[1].contains("skipped (offline)"), "{report:#?}");
}

#[test]
fn a_rules_file_example_that_fails_is_reported_with_the_tool_output() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let md = "```yaml\ncases:\n  - name: c\n    fixture: ../fixtures/platinum-vip.json\n    \
              expect:\n      - condition: Flow.Undeclared == \"x\"\n```\n";
    let (_, failures) = run_readme(md, repo, false);
    assert_eq!(failures.len(), 1);
    assert!(failures[0].contains("unknown variable"), "{}", failures[0]);
}
