//! The house rules of docs/architecture.md, enforced (issue 28): a top-level module imports
//! only modules of the layers below its own (never its own layer or above), and no two modules — top-level ones, or the files of
//! one module — import each other, directly or round a circle.
//!
//! It reads `src/` as text: every `use crate::…` / `super::…` / `self::…` tree and every inline
//! `crate::…` path, resolved through the `pub use` re-exports of module roots, so `super::Case`
//! counts as an import of the file that defines `Case`. The layers are read from the
//! ```` ```layers ```` block of docs/architecture.md, so the document and the test cannot drift.
//! Test code does not count (as the document says): a `#[cfg(test)]` module, inline or in a
//! file of its own, may build its input with whatever it needs.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    PathBuf::from(option_env!("CARGO_MANIFEST_DIR").unwrap_or("."))
}

// ---------------------------------------------------------------------------------------------
// Tokens: enough of Rust's lexer to skip comments, strings and chars (a `{` in a format string
// must not open a block) and keep identifiers and the punctuation of paths and blocks.

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    /// `::`
    Path,
    Punct(char),
    /// A plain string literal's text (for `#[path = "…"]`).
    Str(String),
}

fn tokens(src: &str) -> Vec<(Tok, usize)> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let (mut i, mut line) = (0, 1);
    // Advance over `n` bytes, counting the lines they hold.
    let skip_to = |i: &mut usize, line: &mut usize, to: usize| {
        *line += b[*i..to].iter().filter(|&&c| c == b'\n').count();
        *i = to;
    };
    while i < b.len() {
        let c = b[i];
        if c == b'\n' {
            line += 1;
            i += 1;
        } else if c.is_ascii_whitespace() {
            i += 1;
        } else if b[i..].starts_with(b"//") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i..].starts_with(b"/*") {
            let (mut depth, mut j) = (0usize, i);
            while j < b.len() {
                if b[j..].starts_with(b"/*") {
                    depth += 1;
                    j += 2;
                } else if b[j..].starts_with(b"*/") {
                    depth -= 1;
                    j += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    j += 1;
                }
            }
            skip_to(&mut i, &mut line, j);
        } else if let Some(end) = raw_string_end(b, i) {
            skip_to(&mut i, &mut line, end);
        } else if c == b'"' || (c == b'b' && b.get(i + 1) == Some(&b'"')) {
            let mut j = if c == b'b' { i + 2 } else { i + 1 };
            while j < b.len() && b[j] != b'"' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            let start = if c == b'b' { i + 2 } else { i + 1 };
            out.push((Tok::Str(src[start..j.min(b.len())].to_string()), line));
            skip_to(&mut i, &mut line, (j + 1).min(b.len()));
        } else if c == b'\'' || (c == b'b' && b.get(i + 1) == Some(&b'\'')) {
            // A char literal ('x', '\n', '\u{1F600}', b'x') or a lifetime ('a, 'static).
            let j = if c == b'b' { i + 2 } else { i + 1 };
            if b.get(j) == Some(&b'\\') {
                let mut k = j + 1;
                while k < b.len() && b[k] != b'\'' {
                    k += 1;
                }
                i = k + 1;
            } else if b.get(j + 1) == Some(&b'\'') {
                i = j + 2;
            } else if let Some(n) = src[j..].chars().next()
                && src[j + n.len_utf8()..].starts_with('\'')
            {
                i = j + n.len_utf8() + 1;
            } else {
                // A lifetime: skip the quote, its name is lexed as an identifier and dropped.
                i = j;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
            }
        } else if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 {
            let mut j = i;
            while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_' || b[j] >= 0x80) {
                j += 1;
            }
            let word = &src[i..j];
            let word = word.strip_prefix("r#").unwrap_or(word);
            out.push((Tok::Ident(word.to_string()), line));
            i = j;
        } else if c.is_ascii_digit() {
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
        } else if b[i..].starts_with(b"::") {
            out.push((Tok::Path, line));
            i += 2;
        } else {
            out.push((Tok::Punct(c as char), line));
            i += 1;
        }
    }
    out
}

/// Where a raw string (`r"…"`, `r#"…"#`, `br"…"`) starting at `i` ends, if one does.
fn raw_string_end(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i;
    if b.get(j) == Some(&b'b') {
        j += 1;
    }
    if b.get(j) != Some(&b'r') {
        return None;
    }
    j += 1;
    let hashes = b[j..].iter().take_while(|&&c| c == b'#').count();
    j += hashes;
    if b.get(j) != Some(&b'"') {
        return None;
    }
    let close: Vec<u8> = std::iter::once(b'"')
        .chain(std::iter::repeat_n(b'#', hashes))
        .collect();
    let body = j + 1;
    let at = b[body..].windows(close.len()).position(|w| w == close)?;
    Some(body + at + close.len())
}

// ---------------------------------------------------------------------------------------------
// Files and the paths they name.

/// One `.rs` file of the library and its module path (`src/suite/load/cases.rs` = suite::load::cases).
struct SrcFile {
    rel: String,
    module: Vec<String>,
    toks: Vec<(Tok, usize)>,
}

/// A path one file names, made absolute (from the crate root), with the line it is on.
struct Named {
    path: Vec<String>,
    line: usize,
}

fn library_files(src: &Path) -> Vec<SrcFile> {
    let mut files = Vec::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "rs") {
                let rel = p
                    .strip_prefix(src)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                if rel == "main.rs" {
                    continue; // the binary: it sees the library from outside
                }
                let mut module: Vec<String> = rel
                    .trim_end_matches(".rs")
                    .split('/')
                    .map(str::to_string)
                    .collect();
                if matches!(module.last().map(String::as_str), Some("mod" | "lib")) {
                    module.pop();
                }
                let text = std::fs::read_to_string(&p).unwrap();
                files.push(SrcFile {
                    rel: format!("src/{rel}"),
                    module,
                    toks: tokens(&text),
                });
            }
        }
    }
    files.sort_by(|a, b| a.rel.cmp(&b.rel));
    files
}

/// A file's `#[path = "x.rs"]` children are found by their file, not their declared name;
/// routecheck uses it only for a sibling test file, so the file's own path names the module.
fn modules_of(files: &[SrcFile]) -> BTreeSet<Vec<String>> {
    let mut mods = BTreeSet::new();
    for f in files {
        for n in 0..=f.module.len() {
            mods.insert(f.module[..n].to_vec());
        }
    }
    mods
}

/// Expand a `use` tree starting at `toks[i]` into its paths (as written); returns them and the
/// index after the tree. `a::{b, c::{d as e}, self}` gives a::b, a::c::d (alias e), a.
fn use_tree(
    toks: &[(Tok, usize)],
    mut i: usize,
    prefix: &[String],
    out: &mut Vec<(Vec<String>, Option<String>)>,
) -> usize {
    let mut path = prefix.to_vec();
    loop {
        match toks.get(i).map(|t| &t.0) {
            Some(Tok::Ident(w))
                if w == "self"
                    && !path.is_empty()
                    && toks.get(i + 1).map(|t| &t.0) != Some(&Tok::Path) =>
            {
                i += 1;
                break;
            }
            Some(Tok::Ident(w)) => {
                path.push(w.clone());
                i += 1;
                if toks.get(i).map(|t| &t.0) == Some(&Tok::Path) {
                    i += 1;
                    continue;
                }
                break;
            }
            Some(Tok::Punct('$')) => i += 1, // $crate
            Some(Tok::Punct('*')) => {
                path.push("*".into());
                i += 1;
                break;
            }
            Some(Tok::Punct('{')) => {
                i += 1;
                loop {
                    match toks.get(i).map(|t| &t.0) {
                        Some(Tok::Punct('}')) => return i + 1,
                        Some(Tok::Punct(',')) => i += 1,
                        None => return i,
                        _ => i = use_tree(toks, i, &path, out),
                    }
                }
            }
            _ => break,
        }
    }
    let mut alias = None;
    if let Some(Tok::Ident(w)) = toks.get(i).map(|t| &t.0)
        && w == "as"
        && let Some(Tok::Ident(a)) = toks.get(i + 1).map(|t| &t.0)
    {
        alias = Some(a.clone());
        i += 2;
    }
    out.push((path, alias));
    i
}

/// Make `path`, written inside module `here`, absolute; `None` for an outside crate or a local
/// name. `children` are the modules declared inside `here` (a relative `use child::x`).
fn absolute(
    path: &[String],
    here: &[String],
    children: &BTreeSet<Vec<String>>,
) -> Option<Vec<String>> {
    let first = path.first()?;
    match first.as_str() {
        "crate" => Some(path[1..].to_vec()),
        "self" => Some(here.iter().chain(&path[1..]).cloned().collect()),
        "super" => {
            let ups = path.iter().take_while(|s| *s == "super").count();
            let base = here.get(..here.len().checked_sub(ups)?)?;
            Some(base.iter().chain(&path[ups..]).cloned().collect())
        }
        _ => {
            let mut child = here.to_vec();
            child.push(first.clone());
            children
                .contains(&child)
                .then(|| child.into_iter().chain(path[1..].iter().cloned()).collect())
        }
    }
}

/// What one file says: the paths it names outside test code, the re-exports (`pub use`) of
/// each module it holds, and the modules it declares test-only (`#[cfg(test)] mod x;`).
#[derive(Default)]
struct Scan {
    named: Vec<Named>,
    reexports: BTreeMap<Vec<String>, Vec<String>>,
    test_modules: Vec<Vec<String>>,
}

fn scan(f: &SrcFile, mods: &BTreeSet<Vec<String>>) -> Scan {
    let toks = &f.toks;
    let mut out = Scan::default();
    let (named, reexports) = (&mut out.named, &mut out.reexports);
    // The inline modules we are in (`mod tests { … }`): (name, brace depth at its `{`).
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < toks.len() {
        let here: Vec<String> = f
            .module
            .iter()
            .cloned()
            .chain(inline.iter().map(|m| m.0.clone()))
            .collect();
        if let Some((after, test_mod)) = cfg_test_item(toks, i) {
            if let Some(name) = test_mod {
                out.test_modules
                    .push(here.iter().cloned().chain([name]).collect());
            }
            i = after;
            continue;
        }
        match &toks[i].0 {
            Tok::Punct('{') => depth += 1,
            Tok::Punct('}') => {
                depth = depth.saturating_sub(1);
                if inline.last().is_some_and(|m| m.1 == depth) {
                    inline.pop();
                }
            }
            Tok::Ident(w) if w == "mod" => {
                if let (Some((Tok::Ident(name), _)), Some((Tok::Punct('{'), _))) =
                    (toks.get(i + 1), toks.get(i + 2))
                {
                    inline.push((name.clone(), depth));
                    depth += 1;
                    i += 3;
                    continue;
                }
            }
            Tok::Ident(w) if w == "use" => {
                let public = i > 0 && is_pub_before(toks, i);
                let line = toks[i].1;
                let mut paths = Vec::new();
                i = use_tree(toks, i + 1, &[], &mut paths);
                // Inline modules count as modules for relative paths too.
                let children: BTreeSet<Vec<String>> = mods
                    .iter()
                    .filter(|m| m.len() == here.len() + 1 && m.starts_with(&here))
                    .cloned()
                    .chain(inline_children(toks, &here))
                    .collect();
                for (p, alias) in paths {
                    let Some(abs) = absolute(&p, &here, &children) else {
                        continue;
                    };
                    if public && abs.last().is_some_and(|s| s != "*") {
                        let name = alias.unwrap_or_else(|| abs.last().unwrap().clone());
                        let mut key = here.clone();
                        key.push(name);
                        if key != abs {
                            reexports.insert(key, abs.clone());
                        }
                    }
                    named.push(Named { path: abs, line });
                }
                continue;
            }
            Tok::Ident(w)
                if matches!(w.as_str(), "crate" | "super" | "self")
                    && toks.get(i + 1).map(|t| &t.0) == Some(&Tok::Path) =>
            {
                let line = toks[i].1;
                let mut p = vec![w.clone()];
                let mut j = i + 1;
                while toks.get(j).map(|t| &t.0) == Some(&Tok::Path) {
                    match toks.get(j + 1).map(|t| &t.0) {
                        Some(Tok::Ident(s)) => p.push(s.clone()),
                        _ => break,
                    }
                    j += 2;
                }
                if let Some(abs) = absolute(&p, &here, &BTreeSet::new()) {
                    named.push(Named { path: abs, line });
                }
                i = j;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// At a `#[cfg(test)]`: the index after the item it guards, and the module it declares if it
/// is `mod x;` (named by a `#[path = "x.rs"]` when there is one). Test code may use whatever
/// it needs from anywhere; the layering is the product's.
fn cfg_test_item(toks: &[(Tok, usize)], i: usize) -> Option<(usize, Option<String>)> {
    let word = |k: usize, w: &str| matches!(toks.get(k), Some((Tok::Ident(x), _)) if x == w);
    let punct = |k: usize, c: char| toks.get(k).is_some_and(|t| t.0 == Tok::Punct(c));
    if !(punct(i, '#')
        && punct(i + 1, '[')
        && word(i + 2, "cfg")
        && punct(i + 3, '(')
        && word(i + 4, "test")
        && punct(i + 5, ')')
        && punct(i + 6, ']'))
    {
        return None;
    }
    let mut j = i + 7;
    let mut path_name = None;
    // Further attributes: `#[path = "schedule_tests.rs"]` names the file.
    while punct(j, '#') && punct(j + 1, '[') {
        if word(j + 2, "path")
            && let Some((Tok::Str(file), _)) = toks.get(j + 4)
        {
            path_name = Some(file.trim_end_matches(".rs").to_string());
        }
        while j < toks.len() && !punct(j, ']') {
            j += 1;
        }
        j += 1;
    }
    if word(j, "mod") && punct(j + 2, ';') {
        let Some((Tok::Ident(name), _)) = toks.get(j + 1) else {
            return None;
        };
        return Some((j + 3, Some(path_name.unwrap_or_else(|| name.clone()))));
    }
    // Any other item: up to its `;`, or over its braced body.
    while j < toks.len() && !punct(j, ';') && !punct(j, '{') {
        j += 1;
    }
    if punct(j, '{') {
        let mut depth = 0;
        while j < toks.len() {
            if punct(j, '{') {
                depth += 1;
            } else if punct(j, '}') {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            j += 1;
        }
    }
    Some((j + 1, None))
}

/// Whether the `use` at `toks[i]` is public: `pub use`, `pub(crate) use`, `pub(super) use`.
fn is_pub_before(toks: &[(Tok, usize)], i: usize) -> bool {
    match &toks[i - 1].0 {
        Tok::Ident(w) => w == "pub",
        Tok::Punct(')') => {
            let open = toks[..i].iter().rposition(|t| t.0 == Tok::Punct('('));
            open.is_some_and(|o| o > 0 && toks[o - 1].0 == Tok::Ident("pub".into()))
        }
        _ => false,
    }
}

/// Inline modules (`mod name {`) declared directly in the file, as children of `here`.
fn inline_children(toks: &[(Tok, usize)], here: &[String]) -> Vec<Vec<String>> {
    toks.windows(3)
        .filter_map(|w| match (&w[0].0, &w[1].0, &w[2].0) {
            (Tok::Ident(m), Tok::Ident(name), Tok::Punct('{')) if m == "mod" => {
                Some(here.iter().cloned().chain([name.clone()]).collect())
            }
            _ => None,
        })
        .collect()
}

/// Follow re-exports until the path names a module or an item of the module that defines it.
fn resolve(
    mut path: Vec<String>,
    mods: &BTreeSet<Vec<String>>,
    reexports: &BTreeMap<Vec<String>, Vec<String>>,
) -> Vec<String> {
    for _ in 0..16 {
        // The longest prefix that is a module; the segment after it may be a re-export.
        let m = (0..=path.len())
            .rev()
            .find(|&n| mods.contains(&path[..n]))
            .unwrap_or(0);
        if m == path.len() {
            return path;
        }
        match reexports.get(&path[..=m]) {
            Some(target) => {
                path = target
                    .iter()
                    .cloned()
                    .chain(path[m + 1..].iter().cloned())
                    .collect();
            }
            None => return path,
        }
    }
    path
}

// ---------------------------------------------------------------------------------------------
// The graph: at each module, which of its children import which.

/// One import between two children of `parent`, with where it is written.
#[derive(Debug, Clone)]
struct Edge {
    parent: Vec<String>,
    from: String,
    to: String,
    at: String,
}

fn edges() -> Vec<Edge> {
    let src = repo().join("src");
    let files = library_files(&src);
    let mods = modules_of(&files);
    let scans: Vec<Scan> = files.iter().map(|f| scan(f, &mods)).collect();
    let reexports: BTreeMap<_, _> = scans.iter().flat_map(|s| s.reexports.clone()).collect();
    let tests: Vec<Vec<String>> = scans.iter().flat_map(|s| s.test_modules.clone()).collect();
    let mut out = Vec::new();
    for (f, s) in files.iter().zip(scans) {
        if tests.iter().any(|t| f.module.starts_with(t)) {
            continue;
        }
        for n in s.named {
            let to = resolve(n.path, &mods, &reexports);
            let common = f.module.iter().zip(&to).take_while(|(a, b)| a == b).count();
            // Both must go below their common ancestor, and the target must be a module there
            // (an item of the ancestor's own file is the ancestor, which every child may use).
            if common < f.module.len() && common < to.len() && mods.contains(&to[..=common]) {
                out.push(Edge {
                    parent: to[..common].to_vec(),
                    from: f.module[common].clone(),
                    to: to[common].clone(),
                    at: format!("{}:{}", f.rel, n.line),
                });
            }
        }
    }
    out
}

/// The circles among the children of each module: strongly connected components of two or more.
fn cycles(edges: &[Edge]) -> Vec<(Vec<String>, Vec<String>)> {
    let mut by_parent: BTreeMap<&Vec<String>, BTreeMap<&str, BTreeSet<&str>>> = BTreeMap::new();
    for e in edges {
        by_parent
            .entry(&e.parent)
            .or_default()
            .entry(&e.from)
            .or_default()
            .insert(&e.to);
    }
    let mut out = Vec::new();
    for (parent, graph) in by_parent {
        let nodes: BTreeSet<&str> = graph
            .iter()
            .flat_map(|(a, bs)| std::iter::once(*a).chain(bs.iter().copied()))
            .collect();
        let reach = |start: &str| {
            let mut seen = BTreeSet::new();
            let mut todo = vec![start];
            while let Some(n) = todo.pop() {
                for &m in graph.get(n).into_iter().flatten() {
                    if seen.insert(m) {
                        todo.push(m);
                    }
                }
            }
            seen
        };
        let reach: BTreeMap<&str, BTreeSet<&str>> = nodes.iter().map(|&n| (n, reach(n))).collect();
        let mut done = BTreeSet::new();
        for &n in &nodes {
            if done.contains(n) || !reach[n].contains(n) {
                continue;
            }
            let scc: Vec<String> = nodes
                .iter()
                .filter(|&&m| reach[n].contains(m) && reach[m].contains(n))
                .map(|m| m.to_string())
                .collect();
            done.extend(scc.iter().map(|s| nodes.get(s.as_str()).copied().unwrap()));
            out.push((parent.clone(), scc));
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The rules.

/// Imports that break the layering today, each with its way out. Fixing one makes
/// [`no_module_imports_a_layer_above_its_own`] fail until it is removed here.
const KNOWN_BREACHES: &[&str] = &[];

/// Imports that close a circle among the files of a module today (`parent: from -> to`), each
/// with its way out. The circle test leaves them out of the graph, so an import that makes a
/// circle without one of them fails; one no longer on a circle must be removed here.
const KNOWN_CIRCLE_EDGES: &[&str] = &[];

/// The layers of docs/architecture.md's ```` ```layers ```` block, top first.
fn layers() -> Vec<Vec<String>> {
    let doc = std::fs::read_to_string(repo().join("docs/architecture.md")).unwrap();
    let block = doc
        .split("```layers\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("docs/architecture.md has a ```layers block");
    block
        .lines()
        .map(|l| l.split_whitespace().map(str::to_string).collect::<Vec<_>>())
        .filter(|l| !l.is_empty())
        .collect()
}

/// The top-level modules of the crate: `src/NAME.rs` and `src/NAME/`.
fn top_level_modules() -> BTreeSet<String> {
    let src = repo().join("src");
    modules_of(&library_files(&src))
        .into_iter()
        .filter(|m| m.len() == 1)
        .map(|m| m[0].clone())
        .collect()
}

/// Compare what is found with what is listed as known: new findings and stale entries.
fn against_known(found: &BTreeMap<String, Vec<String>>, known: &[&str], what: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for (key, at) in found {
        if !known.contains(&key.as_str()) {
            problems.push(format!(
                "{what} `{key}`, at:\n      {}",
                at.join("\n      ")
            ));
        }
    }
    for k in known {
        if !found.contains_key(*k) {
            problems.push(format!(
                "`{k}` is fixed: remove it from the known list of tests/layering.rs"
            ));
        }
    }
    problems
}

#[test]
fn every_top_level_module_has_one_layer() {
    let listed: Vec<String> = layers().concat();
    let unique: BTreeSet<String> = listed.iter().cloned().collect();
    assert_eq!(
        unique.len(),
        listed.len(),
        "a module is in two layers: {listed:?}"
    );
    let actual = top_level_modules();
    let missing: Vec<_> = actual.difference(&unique).collect();
    let gone: Vec<_> = unique.difference(&actual).collect();
    assert!(
        missing.is_empty() && gone.is_empty(),
        "docs/architecture.md's layers block must list every top-level module of src/ once: \
         missing {missing:?}, not in src/ {gone:?}"
    );
}

#[test]
fn no_module_imports_a_layer_above_its_own() {
    let layers = layers();
    // Higher number = lower layer (the block lists the top first).
    let rank: BTreeMap<&str, usize> = layers
        .iter()
        .enumerate()
        .flat_map(|(n, l)| l.iter().map(move |m| (m.as_str(), n)))
        .collect();
    let mut found: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for e in edges().iter().filter(|e| e.parent.is_empty()) {
        let (Some(from), Some(to)) = (rank.get(e.from.as_str()), rank.get(e.to.as_str())) else {
            continue; // every_top_level_module_has_one_layer says which
        };
        if to <= from {
            found
                .entry(format!("{} -> {}", e.from, e.to))
                .or_default()
                .push(e.at.clone());
        }
    }
    let problems = against_known(
        &found,
        KNOWN_BREACHES,
        "an import of a layer not below its own",
    );
    assert!(
        problems.is_empty(),
        "docs/architecture.md: a module imports only the layers below its own (a breach that \
         must stay for now goes in KNOWN_BREACHES with its way out)\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn no_files_of_a_module_import_each_other_round_a_circle() {
    let all = edges();
    let key = |e: &Edge| format!("{}: {} -> {}", e.parent.join("::"), e.from, e.to);
    // A circle at the top level is a layering breach, reported by the test above.
    let inner: Vec<Edge> = all
        .iter()
        .filter(|e| !e.parent.is_empty())
        .cloned()
        .collect();
    let unknown: Vec<Edge> = inner
        .iter()
        .filter(|e| !KNOWN_CIRCLE_EDGES.contains(&key(e).as_str()))
        .cloned()
        .collect();
    let mut problems = Vec::new();
    for (parent, circle) in cycles(&unknown) {
        let at: BTreeSet<String> = unknown
            .iter()
            .filter(|e| e.parent == parent && circle.contains(&e.from) && circle.contains(&e.to))
            .map(|e| format!("{} -> {} at {}", e.from, e.to, e.at))
            .collect();
        let at: Vec<String> = at.into_iter().collect();
        problems.push(format!(
            "a circle among the files of `{}`: {}, at:\n      {}",
            parent.join("::"),
            circle.join(" "),
            at.join("\n      ")
        ));
    }
    // A known edge is stale once nothing leads back from its target to its source.
    let circles = cycles(&inner);
    for k in KNOWN_CIRCLE_EDGES {
        let on_circle = inner.iter().any(|e| {
            key(e) == *k
                && circles
                    .iter()
                    .any(|(p, c)| *p == e.parent && c.contains(&e.from) && c.contains(&e.to))
        });
        if !on_circle {
            problems.push(format!(
                "`{k}` closes no circle any more: remove it from KNOWN_CIRCLE_EDGES"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "docs/architecture.md: no circles among the files of a module (one that must stay for \
         now goes in KNOWN_CIRCLE_EDGES with its way out)\n  {}",
        problems.join("\n  ")
    );
}

/// The reader itself, on a snippet: `use` trees, re-exports, inline paths, test code.
#[test]
fn the_reader_finds_uses_paths_and_re_exports() {
    let f = SrcFile {
        rel: "src/a/b.rs".into(),
        module: vec!["a".into(), "b".into()],
        toks: tokens(
            "use crate::{x::{self, y as z}, w::*};\nuse super::c::D;\npub use self::e::F;\n\
             fn g() { let s = \"{ crate::not::this\"; let c = '{'; crate::q::r(); }\n\
             /* crate::nor::this */ fn h<'a>(_: &'a str) {}\n\
             #[cfg(test)]\nmod tests { use crate::t::U; }\n",
        ),
    };
    let mods: BTreeSet<Vec<String>> =
        [vec![], vec!["a".to_string()], vec!["a".into(), "b".into()]].into();
    let s = scan(&f, &mods);
    let named: Vec<String> = s
        .named
        .iter()
        .map(|n| format!("{}:{}", n.path.join("::"), n.line))
        .collect();
    assert_eq!(
        named,
        [
            "x:1",
            "x::y:1",
            "w::*:1",
            "a::c::D:2",
            "a::b::e::F:3",
            "q::r:4"
        ]
    );
    assert_eq!(
        s.reexports.get(&vec!["a".into(), "b".into(), "F".into()]),
        Some(&vec!["a".into(), "b".into(), "e".into(), "F".into()])
    );
}

#[test]
#[ignore = "prints the import graph: cargo test --test main layering::print_graph -- --ignored --nocapture"]
fn print_graph() {
    let es = edges();
    let mut top: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for e in &es {
        if e.parent.is_empty() {
            top.entry((e.from.clone(), e.to.clone()))
                .or_default()
                .push(e.at.clone());
        }
    }
    for ((a, b), at) in &top {
        println!("{a} -> {b}  ({}) {}", at.len(), at[0]);
    }
    for (p, c) in cycles(&es) {
        println!("CYCLE in {:?}: {:?}", p, c);
        for e in es
            .iter()
            .filter(|e| e.parent == p && c.contains(&e.from) && c.contains(&e.to))
        {
            println!("    {} -> {} at {}", e.from, e.to, e.at);
        }
    }
}
