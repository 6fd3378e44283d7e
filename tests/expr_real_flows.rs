//! Every `exp:` value in the public real flows under tests/data/real-flows must parse and
//! type-check, with the variables each flow declares or assigns in scope.

use std::collections::BTreeMap;
use std::path::Path;

use routecheck::expr::{Scope, Type, compile};
use serde_json::Value as Json;

/// Archy fills `{{placeholders}}` before parsing YAML; stand in plain strings.
fn fill_placeholders(text: &str) -> String {
    regex::Regex::new(r"\{\{[^}]*\}\}")
        .unwrap()
        .replace_all(text, "placeholder")
        .into_owned()
}

/// Collect `exp:` strings, typed variable declarations (`stringVariable: {name: ...}`)
/// and variables that actions assign (`var:`/`variable:`).
fn walk(
    node: &Json,
    exps: &mut Vec<String>,
    typed: &mut BTreeMap<String, Type>,
    assigned: &mut Vec<String>,
) {
    match node {
        Json::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("exp", Json::String(s)) => exps.push(s.clone()),
                    ("var" | "variable", Json::String(s)) => assigned.push(s.clone()),
                    (k, Json::Object(inner)) if k.ends_with("Variable") => {
                        if let (Some(t), Some(Json::String(name))) =
                            (Type::from_archy(k), inner.get("name"))
                        {
                            typed.insert(name.clone(), t);
                        }
                    }
                    _ => {}
                }
                walk(v, exps, typed, assigned);
            }
        }
        Json::Array(items) => {
            for i in items {
                walk(i, exps, typed, assigned);
            }
        }
        _ => {}
    }
}

#[test]
fn every_real_flow_expression_type_checks() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/real-flows");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 6,
        "expected the real flows in {}",
        dir.display()
    );
    let mut total = 0;
    let mut failures = Vec::new();
    for path in &files {
        let text = fill_placeholders(&std::fs::read_to_string(path).unwrap());
        let doc: Json =
            serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let (mut exps, mut typed, mut assigned) = (Vec::new(), BTreeMap::new(), Vec::new());
        walk(&doc, &mut exps, &mut typed, &mut assigned);
        let mut scope = Scope::new();
        for (name, t) in &typed {
            scope.declare(name, t.clone()).unwrap();
        }
        // Variables only ever assigned by actions (bot slots, data action outputs) hold
        // text in these flows.
        for name in assigned {
            let prefixed = ["Flow.", "State.", "Task."]
                .iter()
                .any(|p| name.starts_with(p));
            if prefixed && scope.lookup(&name).is_none() {
                scope.declare(&name, Type::String).unwrap();
            }
        }
        for exp in &exps {
            total += 1;
            if let Err(errs) = compile(exp, &scope) {
                failures.push(format!(
                    "{}: {exp:?}\n    {:?}",
                    path.file_name().unwrap().to_string_lossy(),
                    errs.iter().map(|e| &e.message).collect::<Vec<_>>()
                ));
            }
        }
    }
    assert!(total >= 50, "only {total} expressions found");
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
