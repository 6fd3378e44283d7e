//! Control-flow actions: Decision, Switch, Loop (loop next / exit), Call Task, End Task
//! and Change State, each with the branch ids coverage counts.

use crate::expr::Type;
use crate::source::yaml::Node;

use super::super::model::*;
use super::Loader;
use super::values::{one_line, val_type};

impl Loader<'_> {
    /// `decision`: a boolean condition and its yes/no paths.
    pub(super) fn decision(
        &mut self,
        body: &Node,
        kind: &str,
        name: &str,
        at: usize,
    ) -> Option<Body> {
        let label = |what: &str| format!("{kind} \"{name}\" {what}");
        let cond = self.req_val(body, "condition", Some(&Type::Boolean));
        self.check_outputs(body, kind, &["yes", "no"]);
        let yes_id = self.branch(label("yes"), self.output_at(body, "yes", at));
        let no_id = self.branch(label("no"), self.output_at(body, "no", at));
        let yes = self.output_block(body, "yes");
        let no = self.output_block(body, "no");
        Some(Body::Decision {
            cond: cond?,
            yes,
            no,
            branches: [yes_id, no_id],
        })
    }

    pub(super) fn switch(
        &mut self,
        body: &Node,
        kind: &str,
        name: String,
        at: usize,
    ) -> Option<Action> {
        let Some((mode, mnode, eval)) = body.get("evaluate").and_then(Node::single_entry) else {
            self.err(
                body,
                "a switch needs `evaluate:` with `firstTrue:` or `firstMatch:`",
            );
            return None;
        };
        let (subject, case_ty) = match mode {
            "firstTrue" => (None, Some(Type::Boolean)),
            "firstMatch" => {
                let subject = self.req_val(eval, "expression", None);
                let ty = subject.as_ref().map(val_type);
                (Some(subject?), ty)
            }
            other => {
                self.err_help(
                    mnode,
                    format!("unknown switch evaluation `{other}`"),
                    "use `firstTrue` or `firstMatch`",
                );
                return None;
            }
        };
        let mut cases = Vec::new();
        for (i, c) in eval
            .get("cases")
            .and_then(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .enumerate()
        {
            let Some(cbody) = c.get("case") else {
                self.err(c, "expected a `case:` entry");
                continue;
            };
            let v = self.req_val(cbody, "value", case_ty.as_ref());
            let text = cbody
                .get("value")
                .and_then(|v| v.get("exp").or(v.get("lit")))
                .and_then(Node::scalar_text)
                .map(|t| format!(" ({})", one_line(&t)))
                .unwrap_or_default();
            let case_at = self.orig(c.off());
            let id = self.branch(format!("{kind} \"{name}\" case {}{text}", i + 1), case_at);
            let b = self.block(cbody.get("actions"));
            if let Some(v) = v {
                cases.push((v, b, id));
            }
        }
        let default_at = self.key_at(Some(eval), "default").unwrap_or(at);
        let default_branch = self.branch(format!("{kind} \"{name}\" default"), default_at);
        let default = self.block(eval.get("default").and_then(|d| d.get("actions")));
        Some(Action {
            name,
            kind: kind.to_string(),
            at,
            body: Body::Switch {
                subject,
                cases,
                default,
                default_branch,
            },
        })
    }

    /// `loop`: the count, the index variable and the loop body.
    pub(super) fn parse_loop(&mut self, body: &Node) -> Option<Body> {
        let count = self.req_val(body, "loopCount", Some(&Type::Integer));
        let index = body
            .get("currentIndex")
            .map(|n| n.get("var").unwrap_or(n))
            .and_then(|n| self.target(n));
        let body_actions = if body.get("outputs").is_some() {
            self.output_block(body, "loop")
        } else {
            self.block(body.get("actions"))
        };
        Some(Body::Loop {
            count: count?,
            index,
            body: body_actions,
        })
    }

    /// `callTask`: the task it calls and the actions after each of its output paths.
    pub(super) fn call_task(&mut self, body: &Node) -> Option<Body> {
        let task = match body.get("targetTaskRef") {
            Some(r) => self.resolve_ref(r, "tasks", "task"),
            None => {
                self.err(body, "call task needs a `targetTaskRef`");
                None
            }
        };
        let mut outputs = Vec::new();
        if let Some(entries) = body.get("outputs").and_then(Node::as_map) {
            for (k, v) in entries {
                let Some(n) = k.as_str() else { continue };
                let b = self.block(v.get("actions"));
                outputs.push((n.to_string(), b));
            }
        }
        Some(Body::CallTask {
            task: task?,
            outputs,
        })
    }

    /// `endTask`: the output path, one the task declares.
    pub(super) fn end_task(&mut self, body: &Node) -> Option<Body> {
        let path_node = body.get("outputPath").and_then(|p| p.get("name"));
        let path = path_node
            .and_then(Node::scalar_text)
            .unwrap_or_else(|| "default".into());
        if path != "default" && !self.output_paths.contains(&path) {
            let declared = if self.output_paths.is_empty() {
                "the task declares no output paths".to_string()
            } else {
                format!("the task declares {}", self.output_paths.join(", "))
            };
            self.err(
                path_node.unwrap_or(body),
                format!("end task names output path `{path}`, but {declared}"),
            );
        }
        Some(Body::EndTask(path))
    }

    /// `changeState`: the state it moves to.
    pub(super) fn change_state(&mut self, body: &Node) -> Option<Body> {
        let (section, item) = self.kind.units();
        let state = match body.get("targetStateRef").or(body.get("targetBotRef")) {
            Some(r) => self.resolve_ref(r, section, item),
            None => {
                self.err(body, "change state needs a `targetStateRef`");
                None
            }
        };
        Some(Body::ChangeState(state?))
    }
}
