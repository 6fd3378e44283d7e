//! Data tables a real deploy builds: darbyje/genesys_terrafrom_advanced_session's
//! datatable module (tests/data/terraform/SOURCES.md), whose columns come from a CSV
//! through `dynamic "properties"` over `csvdecode(file(...))`, with rows on it written
//! as such a repository writes them: `for_each = contains(keys(TYPE.NAME), k) ? rows : {}`.

use std::path::{Path, PathBuf};

use super::{ROOT, write};
use crate::support::{copy_dir_except, run_in as run};

const DATA: &str = "tests/data/terraform/advanced-session-datatable";

/// The copy in a temporary directory, its own project root, with the test-only rows
/// file installed in the module (where the repository would add it).
fn advanced_session() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let top = tmp.path().join("advanced");
    let data = Path::new(ROOT).join(DATA);
    copy_dir_except(&data, &top, &["rows.tf.test-only"]);
    std::fs::copy(
        data.join("rows.tf.test-only"),
        top.join("modules/architect_datatable/rows.tf"),
    )
    .unwrap();
    write(&top.join("routecheck.yaml"), "terraform: { dir: . }\n");
    (tmp, top)
}

fn case(message: &str, queue: &str) -> String {
    format!(
        "  - name: {message}\n    message: {message}\n    expect:\n      - route: {{ queue: {queue} }}\n"
    )
}

const HEAD: &str = "suite: lookup\nflow: tf:genesyscloud_flow.lookup\ncases:\n";

#[test]
fn rows_on_a_table_of_the_held_out_datatable_module_are_found_by_a_lookup() {
    let (_tmp, top) = advanced_session();
    // ann: found, identifier 7 (< 100); bob: found, 250, `deleted` from the CSV's
    // boolean default "false"; carol: deleted = true; dan: no row.
    let cases = case("ann@example.com", "Review")
        + &case("bob@example.com", "Customers")
        + &case("carol@example.com", "Review")
        + &case("dan@example.com", "New Customers");
    write(&top.join("rules/lookup.yaml"), &format!("{HEAD}{cases}"));
    let r = run(&top, &["test", "-v"]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(r.all().contains("4 passed, 0 failed"), "{}", r.all());
    // Without the rows file the table is there and empty: the lookup takes notFound.
    std::fs::remove_file(top.join("modules/architect_datatable/rows.tf")).unwrap();
    write(
        &top.join("rules/lookup.yaml"),
        &format!("{HEAD}{}", case("ann@example.com", "New Customers")),
    );
    let r = run(&top, &["test"]);
    assert_eq!(r.code, 0, "{}", r.all());
}
