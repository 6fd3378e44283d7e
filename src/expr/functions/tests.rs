//! The registry against itself and against its documentation.

use super::*;

#[test]
fn every_function_has_a_distinct_name_and_a_usage_that_names_it() {
    let names: Vec<&str> = all().map(|f| f.name).collect();
    for f in all() {
        assert_eq!(lookup(&f.name.to_lowercase()), Some(f), "{}", f.name);
        assert_eq!(
            names
                .iter()
                .filter(|n| n.eq_ignore_ascii_case(f.name))
                .count(),
            1,
            "{} is registered once",
            f.name
        );
        assert!(f.usage.starts_with(&format!("{}(", f.name)), "{}", f.name);
    }
}

/// The backticked names in a Markdown table cell or paragraph: `Name(...)` and `Name`
/// give `Name`; `c[i]` and other non-names give nothing; `ToAudio*` gives `ToAudio*`.
fn names_in(text: &str) -> Vec<&str> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .filter_map(|code| {
            let end = code
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '*'))
                .unwrap_or(code.len());
            let (name, rest) = code.split_at(end);
            let is_name = name.chars().next().is_some_and(|c| c.is_ascii_uppercase());
            (is_name && (rest.is_empty() || rest.starts_with('('))).then_some(name)
        })
        .collect()
}

/// The "Functions" section of docs/fidelity.md: its table rows' first cells, and the
/// paragraph that lists what is not implemented.
fn fidelity_functions() -> (Vec<String>, String) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let fidelity = std::fs::read_to_string(root.join("docs/fidelity.md")).unwrap();
    let section = fidelity
        .split("\n## Functions")
        .nth(1)
        .map(|s| s.split("\n## ").next().unwrap_or(s))
        .expect("docs/fidelity.md has a `## Functions` section");
    let cells = section
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| l.split(" | ").next().unwrap_or_default().to_string())
        .collect();
    let missing = section
        .split("\nNot implemented")
        .nth(1)
        .map(|s| s.split("\n\n").next().unwrap_or(s).to_string())
        .unwrap_or_default();
    (cells, missing)
}

/// Every registered function has a row in the Functions table of docs/fidelity.md, and
/// every row names only registered functions (no stale rows); nothing the table lists
/// as not implemented is registered.
#[test]
fn the_fidelity_table_and_the_registry_name_the_same_functions() {
    let (cells, not_implemented) = fidelity_functions();
    assert!(!cells.is_empty(), "no rows found in the Functions table");
    let mut problems = vec![];
    for f in all() {
        if !cells.iter().any(|c| names_in(c).contains(&f.name)) {
            problems.push(format!("{}: no row in docs/fidelity.md", f.name));
        }
    }
    for cell in &cells {
        let names = names_in(cell);
        if names.is_empty() {
            problems.push(format!("row `{cell}` names no function"));
        }
        for name in names {
            if !all().any(|f| f.name == name) {
                problems.push(format!(
                    "row `{cell}` names `{name}`, which the registry does not have"
                ));
            }
        }
    }
    for name in names_in(&not_implemented) {
        let prefix = name.trim_end_matches('*');
        let registered = all().find(|f| {
            if name.ends_with('*') {
                f.name.starts_with(prefix)
            } else {
                f.name == name
            }
        });
        if let Some(f) = registered {
            problems.push(format!(
                "`{}` is listed as not implemented but is registered",
                f.name
            ));
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

/// Every registered function is called in the evaluation table (the table-driven tests
/// of tests/expr_eval.rs).
#[test]
fn every_function_is_in_the_evaluation_table() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let eval = std::fs::read_to_string(root.join("tests/expr_eval.rs"))
        .unwrap()
        .to_lowercase();
    let untested: Vec<&str> = all()
        .map(|f| f.name)
        .filter(|name| {
            let call = format!("{}(", name.to_lowercase());
            !eval.match_indices(&call).any(|(i, _)| {
                !eval[..i]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
            })
        })
        .collect();
    assert!(
        untested.is_empty(),
        "not in tests/expr_eval.rs: {untested:?}"
    );
}

#[test]
fn names_in_cells() {
    assert_eq!(names_in("| `Left(s, n)`, `Right(s, n)`"), ["Left", "Right"]);
    assert_eq!(names_in("| `GetAt(c, i)`, `c[i]`"), ["GetAt"]);
    assert_eq!(names_in("`ToAudio*`, `ToJson`"), ["ToAudio*", "ToJson"]);
}
