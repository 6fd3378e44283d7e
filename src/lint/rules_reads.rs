//! What a rules file says that lint reads besides its overlays and fixtures: its
//! `flow:` (loaded with its `vars:` over the run's), and the attributes it reads — its
//! `bindings:` and `attribute:` expectations — each located at the name, so a typo in
//! a rules file is caught where it is written.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use crate::diag::{SourceDiagnostic, SourceFile};
use crate::flow::Flow;
use crate::suite::yaml::{Node, NodeValue};

use super::loaded::{Loaded, RuleRead, load_error, parse};

/// Load one rules file with `test`'s loader; its errors (unknown keys, expressions that
/// do not compile, wrong types) go to `errors`. False when it does not load.
pub fn loads(path: &Path, src: &SourceFile, errors: &mut Vec<SourceDiagnostic>) -> bool {
    use crate::suite::load::{Diagnostics, VarOverrides, load_source};
    let mut diags = Diagnostics::default();
    // Placeholder values are the flow's business: lint loads flows itself, with its vars.
    let none = VarOverrides::new();
    load_source(
        path,
        src.clone(),
        None,
        &none,
        &mut Vec::new(),
        &mut diags,
        None,
    );
    let ok = diags.errors.is_empty();
    errors.extend(diags.errors);
    ok
}

/// Read one rules file's flow and attribute reads into `out`. Shape problems that the
/// overlay reader already reports (not a mapping, `cases` not a sequence) are skipped.
pub fn read(
    path: &Path,
    src: &SourceFile,
    inputs: &super::LintInputs,
    flows_seen: &mut HashSet<PathBuf>,
    out: &mut Loaded,
    errors: &mut Vec<SourceDiagnostic>,
) {
    let Ok(root) = parse(src, crate::source::FileKind::Rules) else {
        return;
    };
    if root.as_map().is_none() {
        return;
    }
    if let Some(flow) = root.get("flow") {
        let mut own = BTreeMap::new();
        if let Some(m) = root.get("vars").and_then(Node::as_map) {
            for (k, v) in m {
                if let (Some(k), Some(t)) = (k.as_str(), v.scalar_text()) {
                    own.insert(k.to_owned(), t);
                }
            }
        }
        let mut vars = inputs.vars.clone();
        vars.extend(own.clone());
        match flow.as_str() {
            None => errors.push(load_error(src, flow, "`flow` must be a path")),
            Some(rel) if rel.starts_with("tf:") => {
                let address = &rel["tf:".len()..];
                match super::terraform::rules_flow(
                    address,
                    inputs.terraform.as_deref(),
                    &own,
                    &inputs.vars,
                    &mut out.notes,
                ) {
                    Ok(job) => {
                        let canonical = job.path.canonicalize().unwrap_or(job.path.clone());
                        // The same instance as a `--flow` (or another rules file) is read once.
                        let key = PathBuf::from(format!("{}#{address}", canonical.display()));
                        if flows_seen.insert(key) && flows_seen.insert(canonical) {
                            match Flow::load(&job.path, &job.vars) {
                                Ok(f) => out.flows.push(f),
                                Err(e) => errors.extend(e),
                            }
                        }
                    }
                    Err((message, help)) => errors.push(
                        load_error(src, flow, message)
                            .with_code(crate::source::code::LintInputCode::Path)
                            .with_help(help),
                    ),
                }
            }
            Some(rel) => match crate::project::resolve(path, rel) {
                Ok((joined, canonical)) => {
                    if flows_seen.insert(canonical) {
                        match Flow::load(&joined, &vars) {
                            Ok(f) => out.flows.push(f),
                            Err(e) => errors.extend(e),
                        }
                    }
                }
                Err(e) => errors.push(
                    load_error(src, flow, e.message("flow"))
                        .with_code(crate::source::code::LintInputCode::Path)
                        .with_help(e.help("flow")),
                ),
            },
        }
    }
    if let Some(m) = root.get("bindings").and_then(Node::as_map) {
        for (var, attr) in m {
            if let (Some(var), Some(name)) = (var.as_str(), attr.as_str()) {
                out.bindings += 1;
                out.rule_reads.push(RuleRead {
                    attribute: name.to_owned(),
                    role: format!("binding `{var}:`"),
                    file: src.clone(),
                    span: attr.span,
                });
            }
        }
    }
    let Some(NodeValue::Seq(cases)) = root.get("cases").map(|c| &c.value) else {
        return;
    };
    for case in cases {
        let Some(NodeValue::Seq(expects)) = case.get("expect").map(|e| &e.value) else {
            continue;
        };
        for e in expects {
            if let Some(name) = e.get("attribute")
                && let Some(attr) = name.as_str()
            {
                out.rule_reads.push(RuleRead {
                    attribute: attr.to_owned(),
                    role: "`attribute:`".into(),
                    file: src.clone(),
                    span: name.span,
                });
            }
        }
    }
}
