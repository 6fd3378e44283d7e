//! The file level: the suite's header, `bindings:`, `variables:` and `--var` overrides.

use std::collections::HashMap;
use std::path::Path;

use super::flow::FlowKeys;
use super::{FILE_KEYS, Loader, VarOverrides};
use crate::diag::SourceDiagnostic;
use crate::expr::{Scope, Type, Value};
use crate::source::code::RulesCode;
use crate::suite::model::{Binding, Case, Suite};
use crate::suite::yaml::{Node, NodeValue};

/// What the file says besides its cases: every case is read in its light.
pub(super) struct Header<'n> {
    name: Option<String>,
    participant: String,
    bindings: Vec<Binding>,
    variables: Vec<(String, Value)>,
    pub(super) scope: Scope,
    /// Declared names (lowercase) with their type and where they are declared.
    pub(super) declared: HashMap<String, (Type, &'n Node)>,
    directory: Option<crate::expr::Directory>,
}

impl Loader<'_> {
    pub(super) fn file(
        &mut self,
        mut root: Node,
        path: &Path,
        overrides: &VarOverrides,
        used_overrides: &mut Vec<String>,
    ) -> Option<Suite> {
        // `cases:` is taken out of the tree so each case's nodes are freed as soon as the
        // case is loaded: the tree of a large file would otherwise double peak memory.
        let mut cases_node = None;
        if let NodeValue::Map(entries) = &mut root.value
            && let Some(i) = entries
                .iter()
                .position(|(k, _)| k.as_str() == Some("cases"))
        {
            cases_node = Some(entries.remove(i).1);
        }
        let header = self.header(&root, overrides, used_overrides);
        let Some(cases_node) = cases_node else {
            self.no_cases(&root);
            return None;
        };
        let cases = self.cases(cases_node, &header.scope, &header.declared);
        Some(self.suite(header, cases, path))
    }

    /// Everything in the file but `cases:` (`root` without it), read before any case.
    pub(super) fn header<'n>(
        &mut self,
        root: &'n Node,
        overrides: &VarOverrides,
        used_overrides: &mut Vec<String>,
    ) -> Header<'n> {
        let mut name = None;
        let mut participant = None;
        let mut bindings = Vec::new();
        let mut variables: Vec<(String, Value, &Node)> = Vec::new();
        let mut flow_keys = FlowKeys::default();
        for (key, k, v) in self.entries(root, "the rules file", FILE_KEYS) {
            match key {
                "suite" => name = self.string(v, "`suite`"),
                "participant" => participant = self.string(v, "`participant`"),
                "bindings" => bindings = self.bindings(v),
                "variables" => variables = self.variables(v),
                "flow" | "vars" | "queues" | "users" | "skills" | "stubs" | "tables" => {
                    self.flow_key(key, k, v, &mut flow_keys)
                }
                // Streamed separately (see `load_source`).
                "cases" => {}
                _ => self.err(k, RulesCode::UnknownKey, format!("unhandled key `{key}`")),
            }
        }
        let directory = self.flow_keys_done(flow_keys);
        // Declarations: bindings are Strings, variables take their YAML type.
        let mut scope = Scope::new();
        let mut declared: HashMap<String, (Type, &Node)> = HashMap::new();
        for (b, node) in &bindings {
            self.declare(&mut scope, &mut declared, &b.variable, Type::String, node);
        }
        for (var, value, node) in &mut variables {
            self.declare(&mut scope, &mut declared, var, value.ty(), node);
            if let Some((oname, otext)) =
                overrides.iter().find(|(n, _)| n.eq_ignore_ascii_case(var))
            {
                match parse_override(otext, &value.ty()) {
                    Ok(v) => {
                        *value = v;
                        used_overrides.push(oname.clone());
                    }
                    Err(msg) => {
                        let d = self
                            .error(node, format!("--var {oname}={otext}: {msg}"))
                            .with_code(RulesCode::Var)
                            .with_label("declared here");
                        self.push(d);
                        used_overrides.push(oname.clone());
                    }
                }
            }
        }
        let participant = participant.unwrap_or_else(|| "customer".to_owned());
        self.purpose.clone_from(&participant);
        Header {
            name,
            participant,
            bindings: bindings.into_iter().map(|(b, _)| b).collect(),
            variables: variables.into_iter().map(|(n, v, _)| (n, v)).collect(),
            scope,
            declared,
            directory,
        }
    }

    /// The error for a file without `cases:`.
    pub(super) fn no_cases(&mut self, root: &Node) {
        let d = self
            .error(root, "the rules file has no `cases:`")
            .with_code(RulesCode::MissingKey)
            .with_help("add `cases:` with at least one case (see `routecheck schema`)");
        self.push(SourceDiagnostic { span: (0, 0), ..d });
    }

    /// The suite of a header and its loaded cases.
    pub(super) fn suite(&mut self, header: Header<'_>, cases: Vec<Case>, path: &Path) -> Suite {
        let name = header.name.unwrap_or_else(|| {
            path.file_stem().map_or_else(
                || self.src.name.to_string(),
                |s| s.to_string_lossy().into_owned(),
            )
        });
        Suite {
            name,
            file: self.src.name.to_string(),
            source: self.src.clone(),
            participant: header.participant,
            bindings: header.bindings,
            variables: header.variables,
            cases,
            redact: Vec::new(),
            flow: self.flow.take(),
            directory: header.directory,
        }
    }

    fn declare<'n>(
        &mut self,
        scope: &mut Scope,
        declared: &mut HashMap<String, (Type, &'n Node)>,
        name: &str,
        ty: Type,
        node: &'n Node,
    ) {
        let lower = name.to_ascii_lowercase();
        if let Some((_, first)) = declared.get(&lower) {
            let (line, _) = self.src.line_col(first.span.0);
            let d = self
                .error(node, format!("variable `{name}` is declared twice"))
                .with_code(RulesCode::DuplicateVariable)
                .with_help(format!("first declared on line {line}"));
            self.push(d);
            return;
        }
        if let Err(msg) = scope.declare(name, ty.clone()) {
            self.err(node, RulesCode::Variable, msg);
            return;
        }
        declared.insert(lower, (ty, node));
    }

    fn bindings<'n>(&mut self, node: &'n Node) -> Vec<(Binding, &'n Node)> {
        let Some(map) = node.as_map() else {
            self.expect_type(node, "`bindings`", "a mapping of variable: attribute name");
            return Vec::new();
        };
        let mut out = Vec::with_capacity(map.len());
        for (k, v) in map {
            let (Some(var), Some(attr)) = (
                self.string(k, "a variable name"),
                self.string(v, "an attribute name"),
            ) else {
                continue;
            };
            out.push((
                Binding {
                    variable: var,
                    attribute: attr,
                    span: v.span,
                },
                k,
            ));
        }
        out
    }

    pub(super) fn variables<'n>(&mut self, node: &'n Node) -> Vec<(String, Value, &'n Node)> {
        let Some(map) = node.as_map() else {
            self.expect_type(node, "`variables`", "a mapping of variable: value");
            return Vec::new();
        };
        let mut out = Vec::with_capacity(map.len());
        for (k, v) in map {
            let (Some(name), Some(value)) =
                (self.string(k, "a variable name"), self.typed_value(v))
            else {
                continue;
            };
            out.push((name, value, k));
        }
        out
    }

    /// A variable's value: its type is the YAML scalar's.
    fn typed_value(&mut self, v: &Node) -> Option<Value> {
        Some(match &v.value {
            NodeValue::Int(i) => Value::Integer(*i),
            NodeValue::Float(f) => Value::Decimal(*f),
            NodeValue::Bool(b) => Value::Boolean(*b),
            NodeValue::Str(s) => Value::String(s.clone()),
            _ => {
                self.expect_type(
                    v,
                    "a variable's value",
                    "an integer, decimal, boolean or string",
                );
                return None;
            }
        })
    }
}

/// Parse `--var` text as the declared type.
fn parse_override(text: &str, ty: &Type) -> Result<Value, String> {
    match ty {
        Type::Integer => text
            .parse()
            .map(Value::Integer)
            .map_err(|_| format!("`{text}` is not an integer (the variable is Integer)")),
        Type::Decimal => text
            .parse()
            .map(Value::Decimal)
            .map_err(|_| format!("`{text}` is not a decimal (the variable is Decimal)")),
        Type::Boolean => match text {
            "true" => Ok(Value::Boolean(true)),
            "false" => Ok(Value::Boolean(false)),
            _ => Err(format!(
                "`{text}` is not true or false (the variable is Boolean)"
            )),
        },
        _ => Ok(Value::String(text.to_owned())),
    }
}
