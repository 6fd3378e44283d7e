//! Lex, parse, type-check and evaluate arbitrary text: must never panic or overflow.
#![no_main]

use libfuzzer_sys::fuzz_target;
use routecheck::diag::SourceFile;
use routecheck::expr::{
    DateTime, Directory, EvalContext, Scope, Type, Value, Vars, compile, compile_as,
};

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let mut scope = Scope::new();
    let mut vars = Vars::new();
    for (name, ty, value) in [
        ("Flow.S", Type::String, Value::String("Hé llo".into())),
        ("Flow.I", Type::Integer, Value::Integer(i64::MAX)),
        ("Flow.D", Type::Decimal, Value::Decimal(-2.5)),
        ("Flow.B", Type::Boolean, Value::Boolean(true)),
        ("Flow.U", Type::String, Value::NotSet(Type::String)),
        (
            "Flow.J",
            Type::Json,
            Value::Json(serde_json::json!({"a": [1, "x"]})),
        ),
        (
            "Flow.L",
            Type::List(Box::new(Type::Integer)),
            Value::List(
                Type::Integer,
                vec![Value::Integer(1), Value::NotSet(Type::Integer)],
            ),
        ),
    ] {
        let _ = scope.declare(name, ty);
        vars.set(name, value);
    }
    let mut directory = Directory::default();
    directory.queues.insert("q".into(), "Sales".into());
    let cx = EvalContext {
        vars: &vars,
        now: DateTime(1_714_555_800_000),
        directory: &directory,
    };
    let file = SourceFile::new("<expr>", src);
    match compile(src, &scope) {
        Ok(c) => {
            if let Ok(v) = c.eval(&cx) {
                assert_eq!(
                    v.ty(),
                    *c.ty(),
                    "value type differs from static type: {src:?}"
                );
            } else if let Err(e) = c.eval(&cx) {
                let _ = e.to_diagnostic(&file, 0);
            }
        }
        Err(errors) => {
            assert!(!errors.is_empty());
            for e in &errors {
                assert!(
                    e.span.start <= e.span.end && e.span.end <= src.len(),
                    "{e:?} in {src:?}"
                );
                let _ = routecheck::diag::render(&e.to_diagnostic(&file, 0), false);
            }
        }
    }
    if let Ok(c) = compile_as(src, &scope, &Type::String) {
        let _ = c.eval(&cx);
    }
});
