//! Terraform's built-in functions that CX-as-Code configurations use, registered with
//! hcl-rs (`hcl::eval::FuncDef`), each as Terraform documents it
//! (<https://developer.hashicorp.com/terraform/language/functions>). [`NAMES`] lists
//! them (docs/terraform.md repeats the list); a call to any other function is a located
//! error naming it, never a guess. One file per family: [`strings`], [`collections`]
//! (with type conversions and numbers), [`files`] (with paths and encodings).

mod collections;
mod files;
mod strings;

use hcl::Value;
use hcl::eval::{Context, FuncArgs, FuncDef, ParamType as P};

pub use files::{BaseGuard, set_base};

/// Every function this module registers.
pub const NAMES: &[&str] = &[
    "abs",
    "abspath",
    "base64decode",
    "base64encode",
    "basename",
    "ceil",
    "coalesce",
    "coalescelist",
    "compact",
    "concat",
    "contains",
    "csvdecode",
    "dirname",
    "distinct",
    "element",
    "endswith",
    "file",
    "filebase64",
    "fileexists",
    "filesha256",
    "flatten",
    "floor",
    "format",
    "join",
    "jsondecode",
    "jsonencode",
    "keys",
    "length",
    "lookup",
    "lower",
    "max",
    "merge",
    "min",
    "replace",
    "sha256",
    "split",
    "startswith",
    "strcontains",
    "substr",
    "templatefile",
    "title",
    "tobool",
    "tolist",
    "tomap",
    "tonumber",
    "toset",
    "tostring",
    "trim",
    "trimprefix",
    "trimspace",
    "trimsuffix",
    "upper",
    "values",
    "zipmap",
];

thread_local! {
    static FUNCS: Context<'static> = build();
}

/// A context with every function registered.
pub fn context() -> Context<'static> {
    FUNCS.with(|c| c.clone())
}

type F = fn(FuncArgs) -> Result<Value, String>;

/// The context being built, and the names declared in it (checked against [`NAMES`]).
pub(super) struct Reg {
    ctx: Context<'static>,
    names: Vec<&'static str>,
}

impl Reg {
    fn reg(&mut self, name: &'static str, params: Vec<P>, variadic: Option<P>, f: F) {
        let mut b = FuncDef::builder().params(params);
        if let Some(v) = variadic {
            b = b.variadic_param(v);
        }
        self.ctx.declare_func(name, b.build(f));
        self.names.push(name);
    }
}

fn registry() -> Reg {
    let mut r = Reg {
        ctx: Context::new(),
        names: Vec::new(),
    };
    strings::register(&mut r);
    collections::register(&mut r);
    files::register(&mut r);
    r
}

fn build() -> Context<'static> {
    registry().ctx
}

fn any() -> P {
    P::Any
}

fn s() -> P {
    P::String
}

fn st(v: &Value) -> Result<&str, String> {
    v.as_str()
        .ok_or_else(|| format!("expected a string, got {v}"))
}

fn arr(v: &Value) -> Result<&Vec<Value>, String> {
    v.as_array()
        .ok_or_else(|| format!("expected a list, got {v}"))
}

fn obj(v: &Value) -> Result<&hcl::Map<String, Value>, String> {
    v.as_object()
        .ok_or_else(|| format!("expected a map, got {v}"))
}

fn num(v: &Value) -> Result<f64, String> {
    v.as_f64()
        .ok_or_else(|| format!("expected a number, got {v}"))
}

/// A primitive as Terraform converts it to a string.
fn text(v: &Value) -> Result<String, String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        other => Err(format!("expected a string, got {other}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lists_exactly_the_registered_functions_and_the_docs_name_each() {
        let mut registered = registry().names;
        registered.sort_unstable();
        assert_eq!(
            registered, NAMES,
            "NAMES must list what is registered, sorted"
        );
        let docs =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/terraform.md"))
                .unwrap();
        for name in NAMES {
            assert!(
                docs.contains(&format!("`{name}`")),
                "docs/terraform.md does not name `{name}`"
            );
        }
    }

    #[test]
    fn format_takes_flags_width_and_precision_as_terraform_does() {
        // Checked with `terraform console` 1.11: "ab-03-00" and "   ab|7   |-05|3.14".
        assert_eq!(
            eval(r#"format("%s-%02d-00", "ab", 3)"#),
            Value::from("ab-03-00")
        );
        assert_eq!(
            eval(r#"format("%5s|%-4d|%03d|%.2f", "ab", 7, -5, 3.14159)"#),
            Value::from("   ab|7   |-05|3.14")
        );
    }

    fn eval(s: &str) -> Value {
        let e: hcl::Expression = s.parse().unwrap();
        hcl::eval::Evaluate::evaluate(&e, &context()).unwrap()
    }

    #[test]
    fn string_functions_as_terraform_console_prints_them() {
        // Each checked against `terraform console` (Terraform 1.11.4).
        assert_eq!(eval(r#"lower("Ab")"#), Value::from("ab"));
        assert_eq!(eval(r#"replace("a-b-c", "-", "_")"#), Value::from("a_b_c"));
        assert_eq!(
            eval(r##"replace("a1b22", "/[0-9]+/", "#")"##),
            Value::from("a#b#")
        );
        assert_eq!(
            eval(r#"format("%s has %d", "q", 3)"#),
            Value::from("q has 3")
        );
        assert_eq!(eval(r#"join(", ", ["a", "b"])"#), Value::from("a, b"));
        assert_eq!(eval(r#"coalesce("", "x")"#), Value::from("x"));
        assert_eq!(eval(r#"lookup({a = "1"}, "b", "d")"#), Value::from("d"));
        assert_eq!(
            eval(r#"merge({a = 1}, {a = 2, b = 3})["a"]"#),
            Value::from(2)
        );
        assert_eq!(eval(r#"trimspace("  x \n")"#), Value::from("x"));
        assert_eq!(
            eval(r#"title("hello world-x")"#),
            Value::from("Hello World-X")
        );
        assert_eq!(eval(r#"substr("hello", 1, 3)"#), Value::from("ell"));
        assert_eq!(
            eval(r#"sha256("x")"#),
            Value::from("2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881")
        );
    }
}
