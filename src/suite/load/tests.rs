use super::*;
use crate::expr::Value;
use crate::suite::model::{AttrTest, Check, FixtureRef};

/// Load `text` as if it were `rules/t.yaml` of this repository (fixtures resolve).
fn load_text(text: &str, vars: &[(&str, &str)]) -> (Option<Suite>, Diagnostics) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/t.yaml");
    let overrides: VarOverrides = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let mut used = Vec::new();
    let mut diags = Diagnostics::default();
    let s = load_source(
        &path,
        SourceFile::new("t.yaml", text),
        None,
        &overrides,
        &mut used,
        &mut diags,
        None,
    );
    (s, diags)
}

const CASE: &str = "  - name: one\n    fixture: ../fixtures/platinum-vip.json\n";

#[test]
fn loads_a_complete_file() {
    let text = format!(
        "suite: S\nbindings:\n  Flow.Tier: priority_tier\nvariables:\n  Flow.N: 3\n  Flow.D: 1.5\n  Flow.B: true\ncases:\n{CASE}    variables: {{ Flow.N: 4 }}\n    expect:\n      - condition: Flow.Tier == \"platinum\"\n      - value: Flow.N\n        equals: 4\n"
    );
    let (s, d) = load_text(&text, &[]);
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    let s = s.unwrap();
    assert_eq!(s.name, "S");
    assert_eq!(s.participant, "customer");
    assert_eq!(s.variables[1].1, Value::Decimal(1.5));
    assert_eq!(
        s.cases[0].variables,
        vec![("Flow.N".to_owned(), Value::Integer(4))]
    );
    assert_eq!(s.cases[0].expects.len(), 2);
}

#[test]
fn unknown_keys_are_located_with_a_hint() {
    let text = format!(
        "suite: S\nbindigns: {{}}\ncases:\n{CASE}    expect:\n      - attribute: x\n        equal: y\n"
    );
    let (s, d) = load_text(&text, &[]);
    assert!(s.is_none());
    assert_eq!(d.errors.len(), 2, "{:?}", d.errors);
    assert_eq!(d.errors[0].location(), "t.yaml:2:1");
    assert_eq!(
        d.errors[0].help.as_deref(),
        Some("did you mean `bindings`?")
    );
    assert_eq!(d.errors[1].location(), "t.yaml:8:9");
    assert_eq!(d.errors[1].help.as_deref(), Some("did you mean `equals`?"));
}

#[test]
fn flow_keys_need_a_flow() {
    let text = format!("cases:\n{CASE}    stubs: {{}}\n    expect:\n      - route: disconnect\n");
    let (_, d) = load_text(&text, &[]);
    assert_eq!(d.errors.len(), 2, "{:?}", d.errors);
    assert!(d.errors.iter().all(|e| e.message.contains("needs a flow")));
    // A missing flow file is one error, not one per flow key.
    let text = format!("flow: nope.yaml\ncases:\n{CASE}    expect:\n      - route: disconnect\n");
    let (_, d) = load_text(&text, &[]);
    assert_eq!(d.errors.len(), 1, "{:?}", d.errors);
    assert!(d.errors[0].message.contains("not found"));
    assert_eq!(d.errors[0].location(), "t.yaml:1:7");
}

#[test]
fn the_legacy_form_is_checked_as_an_attribute_with_a_warning() {
    let text = format!(
        "cases:\n{CASE}    expect:\n      - attribute_path: \"{{{{participant.attributes.custom.priority_tier}}}}\"\n        operator: contains\n        value: plat\n"
    );
    let (s, d) = load_text(&text, &[]);
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    assert_eq!(d.warnings.len(), 1);
    assert_eq!(d.warnings[0].location(), "t.yaml:5:9");
    assert!(
        d.warnings[0]
            .help
            .as_deref()
            .unwrap()
            .contains("Get Participant Data")
    );
    let s = s.unwrap();
    assert!(matches!(
        &s.cases[0].expects[0].check,
        Check::Attribute { name, test: AttrTest::Contains(v), .. } if name == "priority_tier" && v == "plat"
    ));
}

#[test]
fn duplicate_case_names_point_at_the_second() {
    let text = format!(
        "cases:\n{CASE}    expect: [{{attribute: a, set: true}}]\n{CASE}    expect: [{{attribute: a, set: true}}]\n"
    );
    let (_, d) = load_text(&text, &[]);
    assert_eq!(d.errors.len(), 1, "{:?}", d.errors);
    assert!(d.errors[0].message.contains("duplicate case name `one`"));
    assert_eq!(d.errors[0].location(), "t.yaml:5:11");
}

#[test]
fn expression_errors_point_into_the_yaml() {
    let text = format!(
        "cases:\n{CASE}    expect:\n      - condition: Flow.Nope == \"x\"\n      - value: \"1 +\"\n        equals: 1\n"
    );
    let (_, d) = load_text(&text, &[]);
    assert!(d.errors.len() >= 2, "{:?}", d.errors);
    assert_eq!(d.errors[0].location(), "t.yaml:5:20");
    assert_eq!(
        &d.errors[0].file.text[d.errors[0].span.0..d.errors[0].span.1],
        "Flow.Nope"
    );
    assert!(
        d.errors[1].location().starts_with("t.yaml:6:"),
        "{}",
        d.errors[1].location()
    );
}

#[test]
fn variable_types_and_var_overrides() {
    let base = "variables:\n  Flow.N: 3\ncases:\n";
    let text = format!(
        "{base}{CASE}    variables: {{ Flow.N: \"4\", Flow.X: 1 }}\n    expect: [{{value: Flow.N, equals: 3}}]\n"
    );
    let (_, d) = load_text(&text, &[]);
    assert_eq!(d.errors.len(), 2, "{:?}", d.errors);
    assert!(d.errors[0].message.contains("is Integer"));
    assert!(d.errors[1].message.contains("not declared"));
    let text = format!("{base}{CASE}    expect: [{{value: Flow.N, equals: 3}}]\n");
    let (s, d) = load_text(&text, &[("flow.n", "9")]);
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    assert_eq!(s.unwrap().variables[0].1, Value::Integer(9));
    let (_, d) = load_text(&text, &[("Flow.N", "nine")]);
    assert!(
        d.errors[0].message.contains("not an integer"),
        "{:?}",
        d.errors
    );
}

#[test]
fn typed_attribute_values_need_quotes() {
    let text = format!(
        "cases:\n{CASE}    attributes: {{ visits: 3 }}\n    expect: [{{attribute: visits, equals: 3}}]\n"
    );
    let (_, d) = load_text(&text, &[]);
    assert_eq!(d.errors.len(), 2, "{:?}", d.errors);
    assert!(
        d.errors
            .iter()
            .all(|e| e.help.as_deref().unwrap().contains("\"3\""))
    );
}

#[test]
fn a_case_needs_a_name_and_expectations_but_no_recording() {
    let (_, d) = load_text("cases:\n  - {}\n", &[]);
    let msgs: Vec<_> = d.errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        msgs,
        ["the case has no `name:`", "the case has no `expect:`"]
    );
}

#[test]
fn a_case_without_a_recording_builds_its_conversation() {
    let text = "participant: external\ncases:\n  - name: c\n    attributes: { tier: gold, gone: null }\n    message: hi\n    expect: [{attribute: tier, equals: gold}]\n  - name: d\n    message: hi\n    expect: [{attribute: tier, set: false}]\n";
    let (s, d) = load_text(text, &[]);
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    let s = s.unwrap();
    let FixtureRef::Synthetic(json) = &s.cases[0].fixture else {
        panic!("{:?}", s.cases[0].fixture)
    };
    let conv = crate::conversation::Conversation::parse("t", json).unwrap();
    let p = conv.select("external").unwrap().participant;
    assert_eq!(p.attribute("tier"), Some("gold"));
    assert_eq!(p.attribute("gone"), None);
    assert_eq!(p.last_message.body.as_deref(), Some("hi"));
    assert!(matches!(s.cases[1].fixture, FixtureRef::Synthetic(_)));
}

#[test]
fn large_files_fit_the_scaled_budget() {
    // ~285k YAML nodes: more than serde-saphyr's default 250k.
    let mut text = String::from("cases:\n");
    for i in 0..5000 {
        text.push_str(&format!(
            "  - name: c{i}\n    fixture: ../fixtures/platinum-vip.json\n    expect:\n"
        ));
        for j in 0..10 {
            text.push_str(&format!("      - {{attribute: a{j}, equals: v}}\n"));
        }
    }
    let (s, d) = load_text(&text, &[]);
    assert!(d.errors.is_empty(), "{:?}", d.errors.first());
    assert_eq!(s.unwrap().cases.len(), 5000);
}

#[test]
fn alias_bombs_fail_with_a_location() {
    let mut y = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..9 {
        let p = i - 1;
        y.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    y.push_str("cases: *a8\n");
    let (_, d) = load_text(&y, &[]);
    assert_eq!(d.errors.len(), 1, "{:?}", d.errors);
    assert!(
        d.errors[0].message.starts_with("invalid YAML"),
        "{}",
        d.errors[0].message
    );
    assert!(d.errors[0].location().starts_with("t.yaml:"));
}

#[test]
fn line_index_matches_the_shared_one() {
    let text = "ab\nçd\n\nx";
    let idx = LineIndex::new(text);
    let src = SourceFile::new("t", text);
    for off in 0..=text.len() {
        if text.is_char_boundary(off) {
            assert_eq!(idx.line_col(text, off), src.line_col(off), "{off}");
        }
    }
}

fn load_live(text: &str, live: Option<&str>) -> (Option<Suite>, Diagnostics) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/t.yaml");
    let mut diags = Diagnostics::default();
    let s = load_source(
        &path,
        SourceFile::new("t.yaml", text),
        live,
        &VarOverrides::new(),
        &mut Vec::new(),
        &mut diags,
        None,
    );
    (s, diags)
}

#[test]
fn a_case_reads_a_fixture_or_a_conversation() {
    let expect = "    expect: [{attribute: a, set: true}]\n";
    let (s, d) = load_live(
        &format!("cases:\n  - name: c\n    conversation: abc-1\n{expect}"),
        None,
    );
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    let case = &s.unwrap().cases[0];
    assert_eq!(case.fixture, FixtureRef::Conversation("abc-1".into()));
    assert_eq!(case.fixture_location.to_string(), "t.yaml:3:19");
    let (_, d) = load_live(
        &format!(
            "{}    conversation: abc-1\n{expect}",
            format_args!("cases:\n{CASE}")
        ),
        None,
    );
    assert_eq!(d.errors.len(), 1, "{:?}", d.errors);
    assert!(d.errors[0].message.contains("not both"));
    assert_eq!(d.errors[0].location(), "t.yaml:4:5");
    let (_, d) = load_live(
        &format!("cases:\n  - name: c\n    conversation: \"a b\"\n{expect}"),
        None,
    );
    assert_eq!(d.errors[0].location(), "t.yaml:3:19");
}

#[test]
fn conversation_flag_replaces_every_fixture_unresolved() {
    let text = "cases:\n  - name: c\n    fixture: missing.json\n    expect: [{attribute: a, set: true}]\n  - name: d\n    expect: [{attribute: a, set: true}]\n";
    let (s, d) = load_live(text, Some("live-1"));
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    let s = s.unwrap();
    assert!(
        s.cases
            .iter()
            .all(|c| c.fixture == FixtureRef::Conversation("live-1".into()))
    );
    // Without --conversation the missing file is an error; the case without a recording
    // is built from itself.
    let (_, d) = load_live(text, None);
    assert_eq!(d.errors.len(), 1, "{:?}", d.errors);
}

#[test]
fn unset_variables_are_located_and_secrets_scrubbed() {
    let (_, d) = load_live(
        "cases:\n  - name: c\n    conversation: ${ROUTECHECK_TEST_UNSET_VAR_7}\n    expect: [{attribute: a, set: true}]\n",
        None,
    );
    assert_eq!(d.errors.len(), 1, "{:?}", d.errors);
    assert_eq!(d.errors[0].location(), "t.yaml:3:19");
    assert!(
        d.errors[0]
            .message
            .contains("ROUTECHECK_TEST_UNSET_VAR_7 is not set")
    );
}

/// The streamed load (cases compiled while the parser runs) and the whole-tree load give
/// the same suite and the same diagnostics, whatever the order of the file's keys.
#[test]
fn streamed_and_whole_tree_loads_agree() {
    let expect = "    expect:\n      - condition: Flow.Tier == \"platinum\"\n";
    let header = "bindings:\n  Flow.Tier: customer_tier\n";
    let before = format!("suite: s\n{header}cases:\n{CASE}{expect}");
    // `bindings:` after `cases:`: the cases need it, so the file is read as a whole tree.
    let after = format!("suite: s\ncases:\n{CASE}{expect}{header}");
    let (a, da) = load_text(&before, &[]);
    let (b, db) = load_text(&after, &[]);
    assert!(
        da.errors.is_empty() && db.errors.is_empty(),
        "{da:?} {db:?}"
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.cases.len(), 1);
    assert_eq!(a.cases[0].expects.len(), b.cases[0].expects.len());
    assert_eq!(a.bindings.len(), 1);
    assert_eq!(b.bindings.len(), 1);
}

#[test]
fn a_syntax_error_after_streamed_cases_is_the_only_error() {
    // The first case has its own error; the YAML error later wins, as with a whole tree.
    let text = format!("cases:\n  - name: one\n    bogus: 1\n{CASE}    expect: [\n");
    let (s, d) = load_text(&text, &[]);
    assert!(s.is_none());
    assert_eq!(d.errors.len(), 1, "{:?}", d.errors);
    assert!(
        d.errors[0]
            .code
            .as_deref()
            .is_some_and(|c| c.contains("yaml")),
        "{:?}",
        d.errors[0]
    );
}

#[test]
fn an_empty_streamed_case_list_is_located() {
    let (s, d) = load_text("suite: s\ncases: []\n", &[]);
    assert!(s.is_none());
    assert_eq!(d.errors.len(), 1);
    assert_eq!(d.errors[0].message, "`cases` is empty");
    assert_eq!(d.errors[0].span.0, "suite: s\ncases: ".len());
}

/// Typed sections (stubs, tables, route expectations) go through the source layer's
/// located deserializer: a misspelt key inside one is at the key, with a suggestion.
#[test]
fn a_misspelt_key_inside_a_stub_is_located_at_the_key() {
    let text = format!(
        "flow: ../flows/web-messaging-vip.yaml\nstubs:\n  Look up:\n    output: success\n    valuse: {{}}\ncases:\n{CASE}    expect:\n      - route: disconnect\n"
    );
    let (_, d) = load_text(&text, &[]);
    let e = d
        .errors
        .iter()
        .find(|e| e.message.contains("valuse"))
        .unwrap_or_else(|| panic!("{:?}", d.errors));
    assert_eq!(e.location(), "t.yaml:5:5");
    assert!(
        e.message.contains("unknown key `valuse` in a stub"),
        "{}",
        e.message
    );
    assert_eq!(e.help.as_deref(), Some("did you mean `values`?"));
    assert_eq!(e.code.as_deref(), Some("routecheck::rules::unknown-key"));
}
