//! Loading lint inputs: flows (readers), injection manifests, rules-file overlays and
//! their fixtures (writers). Problems with a writer's content (non-string values, an
//! oversized payload) become findings; anything that cannot be read at all is a load
//! error, located.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use crate::conversation::{Conversation, PathStep, locate};
use crate::diag::{SourceDiagnostic, SourceFile};
use crate::flow::Flow;
use crate::source::FileKind;
use crate::source::code::LintInputCode;
use crate::source::mapping::Mapping;
use crate::source::yaml::{Node, NodeValue};

use super::loaded::{Loaded, Writer, WriterKind, load_error, parse};
use super::{Code, Finding, LintInputs};

/// Top-level keys of a manifest.
const MANIFEST_KEYS: &[&str] = &[
    "attributes",
    "values",
    "conversation",
    "participant",
    "description",
];

/// Load every input; all load errors are collected.
pub fn load(inputs: &LintInputs) -> Result<Loaded, Vec<SourceDiagnostic>> {
    let mut errors = Vec::new();
    let mut out = Loaded::default();
    let yaml_ext: &[&str] = &["yaml", "yml"];
    let manifest_ext: &[&str] = &["yaml", "yml", "json"];
    // A flow named by the config and again by a rules file's `flow:` is read once.
    let mut flows_seen: HashSet<PathBuf> = HashSet::new();
    // Flows are parsed on every core (parsing is most of a large lint), kept in order.
    let flows: Vec<_> = {
        use rayon::prelude::*;
        // `tf:ADDRESS` entries are not paths: past the walk, to the Terraform binding.
        let (tf_refs, paths): (Vec<PathBuf>, Vec<PathBuf>) = inputs
            .flows
            .iter()
            .cloned()
            .partition(|p| p.to_string_lossy().starts_with("tf:"));
        let mut files = expand(&paths, yaml_ext, &inputs.excludes, &mut errors);
        // A flows folder of a deployment holds voice, in-queue and other flows beside
        // the message flows: one found by the walk is skipped with a note (a file named
        // as a flow is still told it is the wrong kind).
        files.retain(|f| {
            let Some(kind) = (!paths.contains(f))
                .then(|| crate::flow::kind::not_run(f))
                .flatten()
            else {
                return true;
            };
            out.notes.push(format!(
                "skipped {}: it is {} (`{}:`), which routecheck does not read",
                f.display(),
                kind.what,
                kind.key
            ));
            false
        });
        files.extend(tf_refs);
        let jobs = super::terraform::jobs(
            files,
            inputs.terraform.as_deref(),
            &inputs.vars,
            &mut out.notes,
            &mut errors,
        );
        jobs.into_par_iter()
            .map(|job| {
                // A flows folder holds the bots and modules its flows call: read them too.
                let loaded = Flow::load_called(&job.path, &job.vars);
                (job.path.canonicalize().unwrap_or(job.path), loaded)
            })
            .collect()
    };
    for (canonical, loaded) in flows {
        flows_seen.insert(canonical);
        match loaded {
            Ok(f) => out.flows.push(f),
            Err(e) => errors.extend(e),
        }
    }
    for path in expand(
        &inputs.manifests,
        manifest_ext,
        &inputs.excludes,
        &mut errors,
    ) {
        out.manifest_count += 1;
        match read(&path, FileKind::Manifest) {
            Ok(src) => manifest(&src, inputs.max_bytes, &mut out, &mut errors),
            Err(e) => errors.push(*e),
        }
    }
    let mut fixtures = HashSet::new();
    for path in expand(&inputs.rules, yaml_ext, &inputs.excludes, &mut errors) {
        // A walked directory's YAML without `cases:` is not a rules file (as for test).
        if !inputs.rules.contains(&path) && !crate::suite::runner::is_rules_file(&path) {
            continue;
        }
        out.rules_count += 1;
        match read(&path, FileKind::Rules) {
            // What `test` would refuse is refused here too, at its place, before lint
            // reads the parts it needs: the gate's two halves agree on a broken file.
            Ok(src) if !super::rules_reads::loads(&path, &src, &mut errors) => {}
            Ok(src) => {
                rules(
                    &path,
                    &src,
                    inputs.max_bytes,
                    &mut fixtures,
                    &mut out,
                    &mut errors,
                );
                super::rules_reads::read(
                    &path,
                    &src,
                    inputs,
                    &mut flows_seen,
                    &mut out,
                    &mut errors,
                );
            }
            Err(e) => errors.push(*e),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

fn io_error(name: &str, message: String) -> SourceDiagnostic {
    SourceDiagnostic::error(&SourceFile::new(name, ""), (0, 0), message)
        .with_code(LintInputCode::Io)
}

/// Files named, and the files under directories named (by the one walk,
/// [`crate::source::walk`], with one of `exts`). A file named explicitly is taken whatever
/// its extension.
fn expand(
    paths: &[PathBuf],
    exts: &[&str],
    excludes: &[PathBuf],
    errors: &mut Vec<SourceDiagnostic>,
) -> Vec<PathBuf> {
    use crate::source::walk::{Walk, files};
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            match files(
                p,
                &Walk {
                    exts,
                    excludes,
                    ..Walk::default()
                },
            ) {
                Ok(found) => out.extend(found),
                Err(e) => errors.push(io_error(&e.dir.display().to_string(), e.to_string())),
            }
        } else if p.exists() {
            out.push(p.clone());
        } else {
            let name = p.display().to_string();
            let d = io_error(&name, "no such file or directory".into());
            errors.push(match crate::source::read::near(&name) {
                Some(n) => d.with_help(format!("did you mean {n}?")),
                None => d,
            });
        }
    }
    out.dedup();
    out
}

fn read(path: &Path, kind: FileKind) -> Result<SourceFile, Box<SourceDiagnostic>> {
    crate::source::read_source(path, &path.display().to_string(), kind)
}

fn key_error(src: &SourceFile, k: &Node) -> SourceDiagnostic {
    load_error(
        src,
        k,
        format!(
            "an attribute name must be a string, found {}",
            k.value.kind()
        ),
    )
    .with_help(
        "quote it: YAML reads some plain words (true, false, null, ~, 1, 2.5) as other types",
    )
}

fn non_string(src: &SourceFile, key: &str, v: &Node) -> Finding {
    let shown = v.scalar_text().unwrap_or_default();
    Finding::new(
        Code::NonStringValue,
        src,
        v.span,
        format!(
            "attribute `{key}` is {}: participant attributes are strings",
            v.value.kind()
        ),
    )
    .label("not a string")
    .help(if matches!(v.value, NodeValue::Seq(_) | NodeValue::Map(_)) || shown.is_empty() {
        "participant attributes are a flat map of strings; send a string".to_string()
    } else {
        format!("quote it: \"{shown}\" (Genesys stores strings; a script sending a number sends its text)")
    })
}

fn too_large(src: &SourceFile, at: &Node, bytes: usize, max: usize, what: &str) -> Finding {
    Finding::new(
        Code::PayloadTooLarge,
        src,
        at.span,
        format!(
            "{what} take {bytes} bytes (keys plus values, UTF-8), over the {max}-byte Web Messaging custom-attribute budget"
        ),
    )
    .label("too large")
    .help("Messenger refuses attribute maps over its budget; send fewer or shorter attributes, or raise --max-bytes to what your deployment's sessions announce")
}

/// Parse one manifest into writers.
fn manifest(src: &SourceFile, max: usize, out: &mut Loaded, errors: &mut Vec<SourceDiagnostic>) {
    let root = match parse(src, FileKind::Manifest) {
        Ok(r) => r,
        Err(e) => return errors.push(*e),
    };
    let m = match Mapping::new(src, FileKind::Manifest, &root, MANIFEST_KEYS) {
        Ok(m) => m,
        Err(e) => return errors.push(*e),
    };
    errors.extend(m.unknown_keys());
    for key in ["conversation", "participant", "description"] {
        if let Err(e) = m.str_or_null(key) {
            errors.push(*e);
        }
    }
    let attributes = m.entry("attributes");
    let values = m.entry("values");
    let Some((akey, attrs)) = attributes else {
        return errors.push(
            load_error(src, &root, "the manifest needs `attributes:`")
                .with_help("`attributes: {key: value}` (what `routecheck inject --manifest` writes) or `attributes: [key, ...]` with optional `values: {key: [value, ...]}`"),
        );
    };
    // Enumerated values of the keys-only shape.
    let mut enums: BTreeMap<String, (Option<Vec<String>>, &Node)> = BTreeMap::new();
    if let Some((_, vnode)) = values {
        let Some(vmap) = vnode.as_map() else {
            return errors.push(load_error(
                src,
                vnode,
                format!(
                    "`values` must be a mapping of key: [value, ...], found {}",
                    vnode.value.kind()
                ),
            ));
        };
        for (k, v) in vmap {
            let Some(name) = k.as_str() else {
                errors.push(key_error(src, k));
                continue;
            };
            let items: &[Node] = match &v.value {
                NodeValue::Seq(items) => items,
                _ => std::slice::from_ref(v),
            };
            let mut known = Some(Vec::new());
            for item in items {
                match item.as_str() {
                    Some(s) => {
                        if let Some(k) = known.as_mut() {
                            k.push(s.to_string());
                        }
                    }
                    None => {
                        out.findings.push(non_string(src, name, item));
                        known = None;
                    }
                }
            }
            enums.insert(name.to_string(), (known, k));
        }
    }
    let push = |out: &mut Loaded, key: &str, values: Option<Vec<String>>, node: &Node| {
        out.writers.push(Writer {
            key: key.to_string(),
            values,
            kind: WriterKind::Manifest,
            file: src.clone(),
            span: node.span,
        });
    };
    let mut bytes = 0usize;
    match &attrs.value {
        NodeValue::Map(entries) => {
            if values.is_some() {
                errors.push(load_error(src, akey, "`values:` goes with the keys-only shape `attributes: [key, ...]`; with `attributes: {key: value}` the values are already given"));
            }
            for (k, v) in entries {
                let Some(name) = k.as_str() else {
                    errors.push(key_error(src, k));
                    continue;
                };
                match v.as_str() {
                    Some(s) => {
                        bytes += name.len() + s.len();
                        push(out, name, Some(vec![s.to_string()]), k);
                    }
                    None => {
                        bytes += name.len() + v.scalar_text().map_or(0, |t| t.len());
                        out.findings.push(non_string(src, name, v));
                        push(out, name, None, k);
                    }
                }
            }
        }
        NodeValue::Seq(items) => {
            for item in items {
                let Some(name) = item.as_str() else {
                    errors.push(key_error(src, item));
                    continue;
                };
                let known = enums.remove(name).and_then(|(k, _)| k);
                // The longest enumerated value: a lower bound of the worst payload.
                bytes += name.len() + known.iter().flatten().map(String::len).max().unwrap_or(0);
                push(out, name, known, item);
            }
            for (name, (known, node)) in enums {
                errors.push(
                    load_error(
                        src,
                        node,
                        format!("`values` names `{name}`, which `attributes` does not list"),
                    )
                    .with_help(format!("add `{name}` to `attributes:`")),
                );
                let _ = known;
            }
        }
        other => {
            return errors.push(load_error(
                src,
                attrs,
                format!(
                    "`attributes` must be a mapping of key: value or a list of keys, found {}",
                    other.kind()
                ),
            ));
        }
    }
    if bytes > max {
        out.findings.push(too_large(
            src,
            akey,
            bytes,
            max,
            "the manifest's attributes",
        ));
    }
}

/// Read one rules file's overlays and fixtures. Only the parts lint needs are checked
/// here; `routecheck test` validates the rest of the file.
fn rules(
    path: &Path,
    src: &SourceFile,
    max: usize,
    fixtures: &mut HashSet<(PathBuf, String)>,
    out: &mut Loaded,
    errors: &mut Vec<SourceDiagnostic>,
) {
    let root = match parse(src, FileKind::Rules) {
        Ok(r) => r,
        Err(e) => return errors.push(*e),
    };
    if root.as_map().is_none() {
        return errors.push(load_error(
            src,
            &root,
            format!(
                "a rules file is a mapping with `cases:`, found {}",
                root.value.kind()
            ),
        ));
    }
    let participant = match root.get("participant") {
        Some(v) => match v.as_str() {
            Some(p) => p.to_string(),
            None => return errors.push(load_error(src, v, "`participant` must be a string")),
        },
        None => "customer".to_string(),
    };
    let Some(cases) = root.get("cases") else {
        return;
    };
    let NodeValue::Seq(cases) = &cases.value else {
        return errors.push(load_error(
            src,
            cases,
            format!("`cases` must be a sequence, found {}", cases.value.kind()),
        ));
    };
    for case in cases {
        if case.as_map().is_none() {
            errors.push(load_error(
                src,
                case,
                format!("a case must be a mapping, found {}", case.value.kind()),
            ));
            continue;
        }
        if let Some((akey, attrs)) = case.entry("attributes") {
            match attrs.as_map() {
                Some(entries) => {
                    let mut bytes = 0;
                    for (k, v) in entries {
                        let Some(name) = k.as_str() else {
                            errors.push(key_error(src, k));
                            continue;
                        };
                        let values = match &v.value {
                            NodeValue::Str(s) => {
                                bytes += name.len() + s.len();
                                Some(vec![s.clone()])
                            }
                            // null removes the attribute: not a write.
                            NodeValue::Null => continue,
                            _ => {
                                bytes += name.len() + v.scalar_text().map_or(0, |t| t.len());
                                out.findings.push(non_string(src, name, v));
                                None
                            }
                        };
                        out.writers.push(Writer {
                            key: name.to_string(),
                            values,
                            kind: WriterKind::Overlay,
                            file: src.clone(),
                            span: k.span,
                        });
                    }
                    if bytes > max {
                        out.findings.push(too_large(
                            src,
                            akey,
                            bytes,
                            max,
                            "the case's overlay attributes",
                        ));
                    }
                }
                None => errors.push(load_error(
                    src,
                    attrs,
                    format!(
                        "`attributes` must be a mapping of attribute: value, found {}",
                        attrs.value.kind()
                    ),
                )),
            }
        }
        if let Some(f) = case.get("fixture") {
            let Some(rel) = f.as_str() else {
                errors.push(load_error(src, f, "`fixture` must be a string path"));
                continue;
            };
            let fpath = match crate::project::resolve(path, rel) {
                Ok((joined, _)) => joined,
                Err(e) => {
                    errors.push(
                        load_error(src, f, e.message("fixture")).with_help(e.help("fixture")),
                    );
                    continue;
                }
            };
            let key = (fpath.clone(), participant.clone());
            if fixtures.insert(key) {
                match fixture(&fpath, &participant) {
                    Ok(ws) => out.writers.extend(ws),
                    // Located at the `fixture:` that names it, as `test` locates it, with
                    // the fixture's own place in the message (#29).
                    Err(e) => {
                        let mut d =
                            load_error(src, f, format!("fixture {}: {}", e.location(), e.message))
                                .with_code(LintInputCode::Fixture)
                                .with_label("the fixture named here");
                        d.help = e.help;
                        errors.push(d);
                    }
                }
            }
        }
    }
}

/// The attributes of a fixture's participant, as writers with known values.
fn fixture(path: &Path, purpose: &str) -> Result<Vec<Writer>, Box<SourceDiagnostic>> {
    let src = read(path, FileKind::Fixture)?;
    let located = |e: crate::conversation::FixtureError| {
        let at = src.offset_of(e.line, e.col);
        Box::new(
            SourceDiagnostic::error(&src, (at, at), e.message).with_code(LintInputCode::Fixture),
        )
    };
    let conv = Conversation::parse(&src.name, &src.text).map_err(located)?;
    let sel = conv.select(purpose).map_err(located)?;
    let mut out = Vec::new();
    for (k, v) in sel.participant.attributes.as_deref().unwrap_or_default() {
        let steps = [
            PathStep::Key("participants".into()),
            PathStep::Index(sel.index),
            PathStep::Key("attributes".into()),
            PathStep::Key(k.clone()),
        ];
        let at = locate(&src.text, &steps).map_or(0, |(l, c)| src.offset_of(l, c));
        out.push(Writer {
            key: k.clone(),
            values: Some(vec![v.clone()]),
            kind: WriterKind::Fixture,
            file: src.clone(),
            // The located place is the value (quoted, as JSON writes it).
            span: (
                at,
                at + serde_json::to_string(v)
                    .map_or(1, |q| q.len())
                    .min(src.text.len().saturating_sub(at)),
            ),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_manifest(text: &str, max: usize) -> (Loaded, Vec<SourceDiagnostic>) {
        let mut out = Loaded::default();
        let mut errors = Vec::new();
        manifest(&SourceFile::new("m.yaml", text), max, &mut out, &mut errors);
        (out, errors)
    }

    #[test]
    fn inject_shape_gives_keys_and_values() {
        let (l, e) = load_manifest(
            "conversation: c\nparticipant: p\nattributes:\n  tier: gold\n  count: 5\n",
            2048,
        );
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(l.writers.len(), 2);
        assert_eq!(l.writers[0].values, Some(vec!["gold".to_string()]));
        assert_eq!(l.writers[1].values, None);
        assert_eq!(l.findings.len(), 1);
        assert_eq!(l.findings[0].code, Code::NonStringValue);
        let (line, col) = l.findings[0].line_col();
        assert_eq!((line, col), (5, 10));
    }

    #[test]
    fn keys_only_shape_with_enumerations() {
        let (l, e) = load_manifest(
            "attributes: [tier, id]\nvalues:\n  tier: [gold, silver]\n",
            2048,
        );
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(
            l.writers[0].values,
            Some(vec!["gold".to_string(), "silver".to_string()])
        );
        assert_eq!(l.writers[1].values, None);
        // JSON is YAML too.
        let (l, e) = load_manifest(r#"{"attributes": ["a"], "values": {"a": ["x", 1]}}"#, 2048);
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(l.writers[0].values, None);
        assert_eq!(l.findings[0].code, Code::NonStringValue);
    }

    #[test]
    fn payload_budget_counts_keys_and_longest_values() {
        let (l, _) = load_manifest("attributes: [ab]\nvalues:\n  ab: [x, xyz]\n", 4);
        assert_eq!(l.findings.len(), 1);
        assert_eq!(l.findings[0].code, Code::PayloadTooLarge);
        assert!(l.findings[0].diagnostic.message.contains("5 bytes"));
        let (l, _) = load_manifest("attributes: [ab]\nvalues:\n  ab: [x, xyz]\n", 5);
        assert!(l.findings.is_empty());
    }

    #[test]
    fn malformed_manifests_are_load_errors() {
        for (text, want) in [
            ("- a\n", "the manifest must be a mapping"),
            (
                "attributes: 3\n",
                "must be a mapping of key: value or a list of keys",
            ),
            ("attributes: [a]\nvalues: {b: [x]}\n", "`values` names `b`"),
            ("attributes: [1]\n", "an attribute name must be a string"),
            ("", "the manifest is empty"),
            ("description: x\n", "the manifest needs `attributes:`"),
        ] {
            let (_, e) = load_manifest(text, 2048);
            assert!(
                e.iter().any(|d| d.message.contains(want)),
                "{text:?}: {:?}",
                e.iter().map(|d| &d.message).collect::<Vec<_>>()
            );
        }
    }
}
