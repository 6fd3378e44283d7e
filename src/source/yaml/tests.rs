use super::*;

fn src(t: &str) -> SourceFile {
    SourceFile::new("t.yaml", t)
}

#[test]
fn keeps_spans_and_types() {
    let s = src("a: 5\nb: \"5\"\nc:\n  - x\n");
    let n = parse_file(&s, FileKind::Rules).unwrap();
    let m = n.as_map().unwrap();
    assert_eq!(m.len(), 3);
    assert!(matches!(m[0].1.value, NodeValue::Int(5)));
    assert!(matches!(&m[1].1.value, NodeValue::Str(v) if v == "5"));
    assert_eq!(&s.text[m[0].0.span.0..m[0].0.span.1], "a");
    assert_eq!(s.line_col(m[1].1.span.0), (2, 4));
    let items = m[2].1.as_seq().unwrap();
    assert_eq!(s.line_col(items[0].span.0), (4, 5));
}

#[test]
fn flow_keys_keep_their_spelling() {
    let text = "a:\n  no: [1, x]\n  \"yes\": ~\n  1: z\n";
    let opts = Options {
        keys_as_text: true,
        ..Options::for_len(text.len())
    };
    let root = parse_with(text, opts).unwrap();
    let a = root.get("a").unwrap();
    assert_eq!(a.off(), 5);
    let no = a.get("no").unwrap();
    assert_eq!(no.as_seq().unwrap()[1].off(), text.find('x').unwrap());
    assert!(matches!(a.get("yes").unwrap().value, NodeValue::Null));
    assert_eq!(a.get("1").unwrap().as_str(), Some("z"));
}

#[test]
fn one_boolean_and_null_reading() {
    let root = parse("a: yes\nb: True\nc: on\nd: ~\ne:\nf: 0x1F\ng: 1.5e3\nh: 99999999999999999999\ni: .5\nj: 1_000\n").unwrap();
    assert_eq!(root.get("a").unwrap().as_str(), Some("yes"));
    assert!(matches!(
        root.get("b").unwrap().value,
        NodeValue::Bool(true)
    ));
    assert_eq!(root.get("c").unwrap().as_str(), Some("on"));
    assert!(matches!(root.get("d").unwrap().value, NodeValue::Null));
    assert!(matches!(root.get("e").unwrap().value, NodeValue::Null));
    assert!(matches!(root.get("f").unwrap().value, NodeValue::Int(31)));
    assert!(matches!(root.get("g").unwrap().value, NodeValue::Float(f) if f == 1500.0));
    assert!(matches!(root.get("h").unwrap().value, NodeValue::Float(_)));
    assert!(matches!(root.get("i").unwrap().value, NodeValue::Float(f) if f == 0.5));
    assert_eq!(root.get("j").unwrap().as_str(), Some("1_000"));
}

#[test]
fn syntax_and_duplicate_errors_are_located() {
    let s = src("a: 1\na: 2\n");
    let e = parse_file(&s, FileKind::Rules).unwrap_err();
    assert!(e.message.contains("duplicate"), "{}", e.message);
    assert_eq!(e.location(), "t.yaml:2:1");
    let e = parse_file(&src("a: [1, 2\nb: 3\n"), FileKind::Rules).unwrap_err();
    assert!(e.message.starts_with("invalid YAML"), "{}", e.message);
}

#[test]
fn unknown_tags_are_refused_and_core_tags_resolve() {
    for bad in [
        "a: !foo x\n",
        "a: !!binary aGVsbG8=\n",
        "a: !!int x\n",
        "a: !foo {b: 1}\n",
    ] {
        let e = parse(bad).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Tag, "{bad}: {e:?}");
    }
    let root = parse("a: !!str 5\nb: !!float 1\n").unwrap();
    assert_eq!(root.get("a").unwrap().as_str(), Some("5"));
    assert!(matches!(root.get("b").unwrap().value, NodeValue::Float(f) if f == 1.0));
}

#[test]
fn one_document_per_file() {
    let e = parse("a: 1\n---\nb: 2\n").unwrap_err();
    assert_eq!(e.kind, ErrorKind::Documents);
    assert!(parse("---\na: 1\n").is_ok());
}

#[test]
fn billion_laughs_is_stopped_with_a_location() {
    let mut y = String::from(
        "a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for i in 1..10 {
        let p = i - 1;
        y.push_str(&format!(
            "a{i}: &a{i} [*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p}]\n"
        ));
    }
    let e = parse_file(&src(&y), FileKind::Rules).unwrap_err();
    assert!(e.location().starts_with("t.yaml:"), "{}", e.location());
    assert!(e.help.is_some(), "{e:?}");
}

#[test]
fn aliases_expand_and_point_where_used() {
    let text = "a: &x {b: 1}\nc: *x\n";
    let root = parse(text).unwrap();
    let c = root.get("c").unwrap();
    assert_eq!(c.off(), text.find('*').unwrap());
    assert!(matches!(c.get("b").unwrap().value, NodeValue::Int(1)));
}

#[test]
fn depth_budget_scales_with_the_input() {
    // 300 levels of block nesting: deeper than a fixed 64 or 255, well inside the scale.
    let mut y = String::new();
    for i in 0..300 {
        y.push_str(&" ".repeat(i));
        y.push_str("k:\n");
    }
    assert!(parse(&y).is_ok());
    // Flow style: 10,000 brackets in 20 KB is refused as a budget, not a stack overflow.
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let e = parse(&deep).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Budget, "{e:?}");
    let small = Limits::for_len(10);
    let big = Limits::for_len(7_000_000);
    assert!(big.max_nodes >= 7_000_000);
    assert_eq!(big.max_aliases, small.max_aliases);
    assert_eq!(big.max_anchors, small.max_anchors);
}

#[test]
fn whitespace_only_files_are_empty_and_comments_only_is_null() {
    let e = parse_file(&src(" \n\n"), FileKind::Flow).unwrap_err();
    assert!(
        e.message.contains("the flow file is empty"),
        "{}",
        e.message
    );
    let root = parse_file(&src("# nothing\n"), FileKind::Flow).unwrap();
    assert!(matches!(root.value, NodeValue::Null));
}

#[test]
fn double_quoted_escapes_map_to_source_columns() {
    let text = r#"exp: "Append(\"a\",\n X)""#;
    let root = parse(text).unwrap();
    let node = root.get("exp").unwrap();
    let v = node.as_str().unwrap();
    let map = scalar_offsets(text, node.off(), v);
    let x = v.find('X').unwrap();
    assert_eq!(&text[map[x]..map[x] + 1], "X");
    let quote = v.find('"').unwrap();
    assert_eq!(&text[map[quote]..map[quote] + 2], "\\\"");
}

#[test]
fn plain_scalars_map_one_to_one() {
    let text = "exp: Flow.A == 1\n";
    let root = parse(text).unwrap();
    let node = root.get("exp").unwrap();
    let map = scalar_offsets(text, node.off(), node.as_str().unwrap());
    assert_eq!(map[7], text.find("==").unwrap());
}

#[test]
fn streaming_hands_out_the_header_then_each_item() {
    let text = "suite: s\nbindings: {A: a}\ncases:\n  - name: one\n    x: [1, 2]\n  - &c {name: two}\n  - *c\n  - three\n";
    let mut pieces = Vec::new();
    let root = parse_streaming(text, Options::for_len(text.len()), "cases", &mut |p| {
        pieces.push(p)
    })
    .unwrap();
    let Piece::Header(header) = &pieces[0] else {
        panic!("{pieces:?}")
    };
    let keys: Vec<_> = header.iter().filter_map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["suite", "bindings"]);
    let items: Vec<&Node> = pieces[1..]
        .iter()
        .map(|p| match p {
            Piece::Item(n) => n,
            Piece::Header(_) => panic!("one header"),
        })
        .collect();
    let whole = parse(text).unwrap();
    assert_eq!(items.len(), 4);
    for (streamed, kept) in items
        .iter()
        .zip(whole.get("cases").unwrap().as_seq().unwrap())
    {
        assert_eq!(streamed.span, kept.span);
        assert_eq!(streamed.to_json(), kept.to_json());
    }
    // The root keeps every key, `cases` as an empty sequence where it was written.
    assert_eq!(root.get("cases").unwrap().as_seq().unwrap().len(), 0);
    assert_eq!(root.get("suite").unwrap().as_str(), Some("s"));
}

#[test]
fn streaming_sends_nothing_without_a_root_sequence_under_the_key() {
    for text in [
        "cases: {a: 1}\n",
        "- cases: [1]\n",
        "x:\n  cases: [1]\n",
        "cases: &a [1]\n",
    ] {
        let mut sent = 0;
        let root = parse_streaming(text, Options::for_len(text.len()), "cases", &mut |_| {
            sent += 1
        })
        .unwrap();
        assert_eq!(sent, 0, "{text}");
        assert_eq!(root.to_json(), parse(text).unwrap().to_json(), "{text}");
    }
}

#[test]
fn streaming_stops_at_the_end_of_the_sequence() {
    let text = "cases: [a, b]\nafter: [c, d]\n";
    let mut items = 0;
    let root = parse_streaming(text, Options::for_len(text.len()), "cases", &mut |p| {
        if matches!(p, Piece::Item(_)) {
            items += 1
        }
    })
    .unwrap();
    assert_eq!(items, 2);
    assert_eq!(root.get("after").unwrap().as_seq().unwrap().len(), 2);
}

#[test]
fn streaming_reports_the_same_errors() {
    let text = "cases:\n  - name: a\n  - name: [\n";
    let streamed =
        parse_streaming(text, Options::for_len(text.len()), "cases", &mut |_| {}).unwrap_err();
    let whole = parse(text).unwrap_err();
    assert_eq!(streamed.span, whole.span);
    assert_eq!(streamed.message, whole.message);
}
