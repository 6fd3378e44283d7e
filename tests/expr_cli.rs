//! `routecheck eval` end to end: values, types, JSON output, exit codes, bad input.

use assert_cmd::Command;
use predicates::prelude::*;

fn eval() -> Command {
    let mut c = Command::cargo_bin("routecheck").unwrap();
    c.env("NO_COLOR", "1").arg("eval");
    c
}

/// Run with `--format json`, assert the exit code, parse stdout.
fn json_run(args: &[&str], code: i32) -> serde_json::Value {
    let out = eval()
        .args(args)
        .args(["--format", "json"])
        .assert()
        .code(code)
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

#[test]
fn human_value_and_type() {
    eval()
        .args(["Append(\"Hi \", Flow.Name)", "--set", "Flow.Name=Ann"])
        .assert()
        .code(0)
        .stdout("\"Hi Ann\" : String\n");
    eval()
        .arg("5 / 2")
        .assert()
        .code(0)
        .stdout("2.5 : Decimal\n");
    eval()
        .args(["Flow.N", "--set", "Flow.N:Integer=NOT_SET"])
        .assert()
        .code(0)
        .stdout("NOT_SET : Integer\n");
}

#[test]
fn set_infers_types() {
    for (set, want) in [
        ("Flow.X=3", "Integer"),
        ("Flow.X=-3.5", "Decimal"),
        ("Flow.X=true", "Boolean"),
        ("Flow.X=gold", "String"),
        ("Flow.X:String=123", "String"),
    ] {
        let out = json_run(&["Flow.X", "--set", set], 0);
        assert_eq!(out["type"], want, "{set}");
    }
}

#[test]
fn json_value_and_not_set() {
    let out = json_run(&["MakeList(1, 2)"], 0);
    assert_eq!(
        out,
        serde_json::json!({"type": "IntegerCollection", "value": [1, 2]})
    );
    let out = json_run(&["ToString(NOT_SET)"], 0);
    assert_eq!(out, serde_json::json!({"type": "String", "not_set": true}));
}

#[test]
fn now_and_directory() {
    eval()
        .args([
            "AddHours(GetCurrentDateTimeUtc(), 2)",
            "--now",
            "2024-05-01T09:30:00+02:00",
        ])
        .assert()
        .code(0)
        .stdout("2024-05-01T09:30:00.000Z : DateTime\n");
    eval()
        .args(["FindQueueById(\"q1\").name", "--queue", "q1=Sales"])
        .assert()
        .code(0)
        .stdout("\"Sales\" : String\n");
    eval()
        .args(["IsSet(FindUserById(\"u9\"))", "--user", "u1=Ann"])
        .assert()
        .code(0)
        .stdout("false : Boolean\n");
}

#[test]
fn runtime_error_exits_1() {
    eval()
        .args(["Flow.N + 1", "--set", "Flow.N:Integer=NOT_SET"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "the left operand of `+` is NOT_SET",
        ))
        .stderr(predicate::str::contains("<expr>:1:1"))
        .stderr(predicate::str::contains("IsSet"));
    let v = json_run(&["1 / 0"], 1);
    assert_eq!(v["error"]["kind"], "runtime");
    assert_eq!(v["error"]["span"], serde_json::json!([4, 5]));
}

#[test]
fn compile_errors_exit_2() {
    eval()
        .arg("Lower(1) + Nope(2)")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "argument 1 of `Lower` must be a String",
        ))
        .stderr(predicate::str::contains("unknown function `Nope`"));
    let v = json_run(&["(1 + ) * (2 +"], 2);
    assert_eq!(v["error"]["kind"], "syntax");
    assert_eq!(v["error"], v["errors"][0]);
    assert!(v["errors"].as_array().unwrap().len() >= 2);
}

#[test]
fn bad_input_is_a_located_usage_error() {
    eval()
        .arg("\"unterminated")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unterminated string"));
    eval()
        .arg("99999999999999999999")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("integer literal out of range"));
    let deep = format!("{}1{}", "(".repeat(10_000), ")".repeat(10_000));
    eval()
        .arg(deep)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nests too deeply"));
    eval()
        .args(["1", "--now", "yesterday"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid --now"))
        .stderr(predicate::str::contains("--now:1:1"));
    eval()
        .args(["1", "--set", "Flow.X:Integer=abc"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("`abc` is not an Integer"))
        .stderr(predicate::str::contains("--set:1:16"));
    eval()
        .args(["1", "--set", "Message.Language=en"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("read-only built-in"));
    eval()
        .args(["1", "--queue", "nameonly"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("expected ID=NAME"));
}

#[cfg(unix)]
#[test]
fn invalid_utf8_expression_exits_2() {
    use std::os::unix::ffi::OsStrExt;
    eval()
        .arg(std::ffi::OsStr::from_bytes(b"Lower(\"\xff\")"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "the expression is not valid UTF-8",
        ))
        .stderr(predicate::str::contains("panicked").not());
}

#[test]
fn expression_may_start_with_a_minus() {
    // Unary minus binds tighter than `^`, and clap must not take the expression for a flag.
    eval()
        .arg("-2 ^ 2")
        .assert()
        .code(0)
        .stdout("4 : Decimal\n");
}
