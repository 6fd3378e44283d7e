//! Snapshots of rendered expression diagnostics (no colour): the caret under the span,
//! the message and the hint, for syntax, type and runtime errors.

use routecheck::diag::{SourceFile, render};
use routecheck::expr::{DateTime, Directory, EvalContext, Scope, Type, Vars, compile};

fn scope() -> Scope {
    let mut s = Scope::new();
    s.declare("Flow.Tier", Type::String).unwrap();
    s.declare("Flow.Count", Type::Integer).unwrap();
    s
}

/// Every error of compiling (or else evaluating) `src`, rendered as the CLI shows them.
fn rendered(src: &str) -> String {
    let errors = match compile(src, &scope()) {
        Err(errors) => errors,
        Ok(c) => {
            let (v, d) = (Vars::new(), Directory::default());
            let cx = EvalContext {
                vars: &v,
                now: DateTime(0),
                directory: &d,
            };
            vec![c.eval(&cx).expect_err("expected an error")]
        }
    };
    let file = SourceFile::new("<expr>", src);
    errors
        .iter()
        .map(|e| render(&e.to_diagnostic(&file, 0), false))
        .collect::<Vec<_>>()
        .join("")
}

#[test]
fn unterminated_string() {
    insta::assert_snapshot!(rendered(r#"Append("Hello, Flow.Tier)"#));
}

#[test]
fn several_syntax_errors() {
    insta::assert_snapshot!(rendered(r#"If(Flow.Tier == "gold" "x", ) + * 3)"#));
}

#[test]
fn missing_close_paren_at_end() {
    insta::assert_snapshot!(rendered("Lower(Flow.Tier"));
}

#[test]
fn type_errors_with_hints() {
    insta::assert_snapshot!(rendered(r#"("a" * 2) + If(1, 2, 3) + Lowr(Flow.Teir)"#));
}

#[test]
fn runtime_not_set_arithmetic() {
    insta::assert_snapshot!(rendered("5 + Flow.Count"));
}

#[test]
fn runtime_substring_out_of_range() {
    insta::assert_snapshot!(rendered(r#"Substring("abc", 1, 5)"#));
}

#[test]
fn too_deep() {
    let src = format!("{}1{}", "(".repeat(300), ")".repeat(300));
    let out = rendered(&src);
    assert!(
        out.contains("nests too deeply (more than 200 levels)"),
        "{out}"
    );
}

#[test]
fn diagnostic_inside_a_larger_file() {
    // Flows embed expressions in YAML: `base` shifts the span into the file.
    let yaml = "exp: Lower(1)\n";
    let file = SourceFile::new("flow.yaml", yaml);
    let errs = compile("Lower(1)", &scope()).unwrap_err();
    let d = errs[0].to_diagnostic(&file, 5);
    assert_eq!(d.span, (11, 12));
    assert_eq!(d.location(), "flow.yaml:1:12");
}
