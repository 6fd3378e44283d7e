//! Data actions: Get/Set Participant Data, Update Data and Data Table Lookup, read into
//! the model with their values compiled against the flow's scope. Loading a data
//! action's contract or a data table from the deploy (issue #24) belongs here.

use crate::expr::Type;
use crate::source::yaml::Node;

use super::super::model::*;
use super::Loader;

impl Loader<'_> {
    /// `getParticipantData`: each attribute read into a string variable.
    pub(super) fn get_participant_data(&mut self, body: &Node) -> Option<Body> {
        let mut out = Vec::new();
        for a in attributes(body) {
            let attr_name = self.req_val(a, "name", Some(&Type::String));
            let var = a.get("variable").and_then(|v| self.target(v));
            if let Some(t) = &var
                && t.ty != Type::String
            {
                let n = a.get("variable").unwrap_or(a);
                self.err(
                    n,
                    format!(
                        "get participant data stores strings, but `{}` is {}",
                        t.name, t.ty
                    ),
                );
            }
            if let (Some(n), Some(v)) = (attr_name, var) {
                out.push((n, v));
            } else if a.get("variable").is_none() {
                self.err(a, "an attribute needs a `variable`");
            }
        }
        Some(Body::GetParticipantData(out))
    }

    /// `setParticipantData`: each attribute name and its string value.
    pub(super) fn set_participant_data(&mut self, body: &Node) -> Option<Body> {
        let mut out = Vec::new();
        for a in attributes(body) {
            let n = self.req_val(a, "name", Some(&Type::String));
            let v = self.req_val(a, "value", Some(&Type::String));
            if let (Some(n), Some(v)) = (n, v) {
                out.push((n, v));
            }
        }
        Some(Body::SetParticipantData(out))
    }

    /// `updateData`: typed statements, each assigning a variable of its type.
    pub(super) fn update_data(&mut self, body: &Node) -> Option<Body> {
        let mut out = Vec::new();
        let stmts = body.get("statements").and_then(Node::as_seq).unwrap_or(&[]);
        for st in stmts {
            let Some((tyname, tnode, sbody)) = st.single_entry() else {
                self.err(st, "expected a statement such as `string:`");
                continue;
            };
            let Some(ty) = Type::from_archy(tyname) else {
                self.err(
                    tnode,
                    format!("unknown update data statement type `{tyname}`"),
                );
                continue;
            };
            let Some(var) = sbody.get("variable") else {
                self.err(sbody, "a statement needs a `variable`");
                continue;
            };
            let Some(target) = self.target(var) else {
                continue;
            };
            if target.ty != ty {
                self.err(
                    var,
                    format!(
                        "`{}` is {}, but this statement assigns {}",
                        target.name, target.ty, ty
                    ),
                );
                continue;
            }
            if let Some(v) = self.req_val(sbody, "value", Some(&ty)) {
                out.push((target, v));
            }
        }
        Some(Body::UpdateData(out))
    }

    /// `dataTableLookup`: `lookupValue`, `dataTable: { NAME: { foundOutputs,
    /// failureOutputs } }` and the found / notFound / failure paths.
    pub(super) fn table_lookup(
        &mut self,
        body: &Node,
        kind: &str,
        name: &str,
        at: usize,
    ) -> Option<TableLookup> {
        let Some((table, _, tbody)) = body.get("dataTable").and_then(Node::single_entry) else {
            self.err(
                body,
                "a data table lookup needs `dataTable:` with one entry, the table's name",
            );
            return None;
        };
        // Archy writes `lookupValue` beside `dataTable`; it is also read inside the
        // table's entry, where the exported shape may put it.
        let key = match body.get("lookupValue").or_else(|| tbody.get("lookupValue")) {
            Some(n) => self.val(n, None),
            None => {
                self.err(body, "missing `lookupValue`");
                None
            }
        };
        let found = self.column_targets(tbody.get("foundOutputs"));
        let failure = self.column_targets(tbody.get("failureOutputs"));
        let known: &[&str] = &["found", "notFound", "failure"];
        self.check_outputs(body, kind, known);
        let sets: Vec<&Target> = found.iter().chain(failure.iter()).map(|(_, t)| t).collect();
        let mut assigned = AssignedOn::default();
        for (_, t) in &found {
            assigned.add(&t.name, Some("found"));
        }
        for (_, t) in &failure {
            assigned.add(&t.name, Some("failure"));
        }
        self.register_external(name, kind, at, known, &sets, &assigned);
        let outputs = self.outputs(body, kind, name, at, known);
        Some(TableLookup {
            table: table.to_string(),
            key: key?,
            found,
            failure,
            assigned,
            outputs,
        })
    }

    /// `column: { var: Flow.X }` entries (`noValue: true` sets nothing).
    pub(super) fn column_targets(&mut self, node: Option<&Node>) -> Vec<(String, Target)> {
        let mut out = Vec::new();
        for (k, v) in node.and_then(Node::as_map).unwrap_or(&[]) {
            let Some(col) = k.scalar_text() else { continue };
            if v.get("var").is_none() {
                continue;
            }
            if let Some(t) = self.target(v) {
                out.push((col, t));
            }
        }
        out
    }
}

/// The attribute maps of a get/set participant data action.
pub(super) fn attributes(body: &Node) -> Vec<&Node> {
    body.get("attributes")
        .and_then(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .filter_map(|a| a.get("attribute"))
        .collect()
}
