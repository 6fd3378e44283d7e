//! `routecheck eval`: compile and evaluate one Architect expression from the command line,
//! with variables, clock and directory given as flags — the quickest way to check what an
//! expression does before it goes into a flow.

use std::ffi::OsString;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::diag::{SourceDiagnostic, SourceFile};
use crate::exit;
use crate::expr::{
    DateTime, Directory, Duration, ErrorKind, EvalContext, ExprError, Scope, Type, Value, Vars,
    compile,
};

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// The value and its type, for people; errors with a caret under the expression.
    Human,
    /// One JSON object on stdout.
    Json,
}

/// Arguments of `routecheck eval`.
#[derive(Debug, clap::Args)]
pub struct EvalArgs {
    /// The expression, e.g. 'If(IsNotSetOrEmpty(Flow.Tier), "std", Lower(Flow.Tier))'.
    #[arg(allow_hyphen_values = true)]
    pub expr: OsString,
    /// Declare and set a variable: `Flow.Tier=gold`, `Flow.N:Integer=3`, `Flow.X:String=NOT_SET`.
    /// Without a type it is inferred: integer, decimal, true/false, else String.
    #[arg(long = "set", value_name = "VAR[:TYPE]=VALUE")]
    pub set: Vec<String>,
    /// The clock for GetCurrentDateTimeUtc(), RFC 3339 (default: now).
    #[arg(long, value_name = "RFC3339")]
    pub now: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// A queue FindQueue/FindQueueById can find.
    #[arg(long = "queue", value_name = "ID=NAME")]
    pub queues: Vec<String>,
    /// A user FindUserById can find.
    #[arg(long = "user", value_name = "ID=NAME")]
    pub users: Vec<String>,
    /// A skill FindSkill can find.
    #[arg(long = "skill", value_name = "ID=NAME")]
    pub skills: Vec<String>,
}

/// A usage problem in one flag's value, located in that value.
struct FlagError {
    flag: &'static str,
    text: String,
    span: (usize, usize),
    message: String,
    help: Option<String>,
}

impl FlagError {
    fn diagnostic(&self) -> SourceDiagnostic {
        let src = SourceFile::new(self.flag, self.text.clone());
        let mut d = SourceDiagnostic::error(&src, self.span, self.message.clone())
            .with_code("routecheck::eval::usage");
        if let Some(h) = &self.help {
            d = d.with_help(h.clone());
        }
        d
    }
}

pub fn run(args: EvalArgs) -> u8 {
    let json = args.format == Format::Json;
    let Some(src) = args.expr.to_str() else {
        let msg = "the expression is not valid UTF-8";
        if json {
            print_json(&serde_json::json!({"error": {"kind": "usage", "message": msg}}));
        } else {
            crate::errln!("error: {msg}: {}", args.expr.to_string_lossy());
        }
        return exit::USAGE;
    };
    let setup = (|| {
        let now = match &args.now {
            Some(t) => DateTime::parse(t).map_err(|e| FlagError {
                flag: "--now",
                text: t.clone(),
                span: (0, t.len()),
                message: format!("invalid --now: {e}"),
                help: Some("e.g. --now 2024-05-01T09:30:00Z".into()),
            })?,
            None => system_now(),
        };
        let mut scope = Scope::new();
        let mut vars = Vars::new();
        for s in &args.set {
            let (name, value) = parse_set(s)?;
            scope.declare(&name, value.ty()).map_err(|e| FlagError {
                flag: "--set",
                text: s.clone(),
                span: (0, name.len()),
                message: e,
                help: None,
            })?;
            vars.set(&name, value);
        }
        let mut directory = Directory::default();
        for (flag, list, map) in [
            ("--queue", &args.queues, &mut directory.queues),
            ("--user", &args.users, &mut directory.users),
            ("--skill", &args.skills, &mut directory.skills),
        ] {
            for entry in list {
                let (id, name) = split_pair(flag, entry)?;
                map.insert(id, name);
            }
        }
        Ok::<_, FlagError>((now, scope, vars, directory))
    })();
    let (now, scope, vars, directory) = match setup {
        Ok(s) => s,
        Err(e) => {
            if json {
                print_json(&serde_json::json!({"error": {
                    "kind": "usage", "message": e.message, "flag": e.flag, "span": [e.span.0, e.span.1]
                }}));
            } else {
                let d = e.diagnostic();
                super::print_diagnostics([&d as &dyn miette::Diagnostic]);
            }
            return exit::USAGE;
        }
    };
    let compiled = match compile(src, &scope) {
        Ok(c) => c,
        Err(errors) => {
            report_errors(src, &errors, json);
            return exit::USAGE;
        }
    };
    let cx = EvalContext {
        vars: &vars,
        now,
        directory: &directory,
    };
    match compiled.eval(&cx) {
        Ok(v) => {
            if json {
                let mut out = serde_json::json!({"type": v.ty().to_string()});
                if v.is_not_set() {
                    out["not_set"] = true.into();
                } else {
                    out["value"] = value_json(&v);
                }
                print_json(&out);
            } else {
                crate::outln!("{} : {}", human(&v), v.ty());
            }
            exit::OK
        }
        Err(e) => {
            report_errors(src, std::slice::from_ref(&e), json);
            exit::FAILED
        }
    }
}

fn system_now() -> DateTime {
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    DateTime::checked(ms).unwrap_or(DateTime(0))
}

fn print_json(v: &serde_json::Value) {
    crate::outln!("{}", serde_json::to_string_pretty(v).unwrap_or_default());
}

fn kind_name(k: ErrorKind) -> &'static str {
    match k {
        ErrorKind::Syntax => "syntax",
        ErrorKind::Type => "type",
        ErrorKind::Runtime => "runtime",
    }
}

fn error_json(e: &ExprError) -> serde_json::Value {
    let mut o = serde_json::json!({
        "kind": kind_name(e.kind),
        "message": e.message,
        "span": [e.span.start, e.span.end],
    });
    if let Some(h) = &e.help {
        o["help"] = h.clone().into();
    }
    o
}

/// Errors: JSON puts the first in `error` and all of them in `errors`; people get one
/// caret diagnostic each.
fn report_errors(src: &str, errors: &[ExprError], json: bool) {
    if json {
        let all: Vec<_> = errors.iter().map(error_json).collect();
        let first = all.first().cloned().unwrap_or_default();
        print_json(&serde_json::json!({"error": first, "errors": all}));
        return;
    }
    let file = SourceFile::new("<expr>", src);
    let diags: Vec<SourceDiagnostic> = errors.iter().map(|e| e.to_diagnostic(&file, 0)).collect();
    super::print_diagnostics(diags.iter().map(|d| d as &dyn miette::Diagnostic));
}

/// `Flow.X=V` or `Flow.X:Type=V`.
fn parse_set(s: &str) -> Result<(String, Value), FlagError> {
    let err = |span: (usize, usize), message: String, help: Option<&str>| FlagError {
        flag: "--set",
        text: s.to_string(),
        span,
        message,
        help: help.map(str::to_string),
    };
    let Some((lhs, raw)) = s.split_once('=') else {
        return Err(err(
            (0, s.len()),
            "expected VAR=VALUE".into(),
            Some("e.g. --set Flow.Tier=gold or --set Flow.Count:Integer=3"),
        ));
    };
    let value_span = (lhs.len() + 1, s.len());
    let (name, ty) = match lhs.split_once(':') {
        Some((name, t)) => {
            let ty = parse_type(t).ok_or_else(|| {
                err(
                    (name.len() + 1, lhs.len()),
                    format!("unknown type `{t}`"),
                    Some("types: String, Integer, Decimal, Boolean, DateTime, Duration, Json"),
                )
            })?;
            (name, Some(ty))
        }
        None => (lhs, None),
    };
    let value = match ty {
        None => infer(raw),
        Some(t) => typed(raw, &t).map_err(|m| err(value_span, m, None))?,
    };
    Ok((name.to_string(), value))
}

fn parse_type(t: &str) -> Option<Type> {
    Some(match t.to_ascii_lowercase().as_str() {
        "string" => Type::String,
        "integer" => Type::Integer,
        "decimal" => Type::Decimal,
        "boolean" => Type::Boolean,
        "datetime" => Type::DateTime,
        "duration" => Type::Duration,
        "json" => Type::Json,
        _ => return None,
    })
}

/// Untyped `--set`: `NOT_SET`, an integer, a decimal, true/false, else a String.
fn infer(raw: &str) -> Value {
    if raw == "NOT_SET" {
        Value::NotSet(Type::String)
    } else if let Ok(Value::Integer(i)) = typed(raw, &Type::Integer) {
        Value::Integer(i)
    } else if let Ok(Value::Decimal(d)) = typed(raw, &Type::Decimal) {
        Value::Decimal(d)
    } else if raw == "true" || raw == "false" {
        Value::Boolean(raw == "true")
    } else {
        Value::String(raw.to_string())
    }
}

fn typed(raw: &str, t: &Type) -> Result<Value, String> {
    if raw == "NOT_SET" {
        return Ok(Value::NotSet(t.clone()));
    }
    let numeric = |s: &str| {
        let body = s.strip_prefix('-').unwrap_or(s);
        let (i, f) = body.split_once('.').unwrap_or((body, "0"));
        [i, f]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    };
    match t {
        Type::String => Ok(Value::String(raw.to_string())),
        Type::Integer => raw
            .parse()
            .ok()
            .filter(|_| numeric(raw) && !raw.contains('.'))
            .map(Value::Integer)
            .ok_or_else(|| format!("`{raw}` is not an Integer")),
        Type::Decimal => raw
            .parse::<f64>()
            .ok()
            .filter(|d| numeric(raw) && d.is_finite())
            .map(Value::Decimal)
            .ok_or_else(|| format!("`{raw}` is not a Decimal")),
        Type::Boolean => match raw {
            "true" => Ok(Value::Boolean(true)),
            "false" => Ok(Value::Boolean(false)),
            _ => Err(format!("`{raw}` is not a Boolean (true or false)")),
        },
        Type::DateTime => DateTime::parse(raw).map(Value::DateTime),
        Type::Duration => Duration::parse(raw).map(Value::Duration),
        Type::Json => serde_json::from_str(raw)
            .map(Value::Json)
            .map_err(|e| format!("invalid JSON: {e}")),
        other => Err(format!(
            "{other} values cannot be set from the command line"
        )),
    }
}

fn split_pair(flag: &'static str, s: &str) -> Result<(String, String), FlagError> {
    match s.split_once('=') {
        Some((id, name)) if !id.is_empty() && !name.is_empty() => {
            Ok((id.to_string(), name.to_string()))
        }
        _ => Err(FlagError {
            flag,
            text: s.to_string(),
            span: (0, s.len()),
            message: format!("expected ID=NAME for {flag}"),
            help: Some(format!("e.g. {flag} 6f1c...=Sales")),
        }),
    }
}

/// A value for people: strings quoted so empty and padded strings show.
fn human(v: &Value) -> String {
    match v {
        Value::String(s) => format!("{s:?}"),
        Value::List(_, items) => format!(
            "[{}]",
            items.iter().map(human).collect::<Vec<_>>().join(", ")
        ),
        other => other.to_string(),
    }
}

fn value_json(v: &Value) -> serde_json::Value {
    use serde_json::json;
    match v {
        Value::NotSet(_) => json!({"not_set": true}),
        Value::String(s) => json!(s),
        Value::Integer(i) => json!(i),
        Value::Decimal(d) => json!(d),
        Value::Boolean(b) => json!(b),
        Value::DateTime(d) => json!(d.to_iso()),
        Value::Duration(d) => json!(d.to_iso()),
        Value::Date(d) => json!(d.to_string()),
        Value::Time(t) => json!(t.to_string()),
        Value::Json(j) => j.clone(),
        Value::Entity(_, e) => json!({"id": e.id, "name": e.name}),
        Value::List(_, items) => items.iter().map(value_json).collect(),
    }
}
