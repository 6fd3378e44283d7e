//! Reading a deploy's own substitutions from Terraform: every `genesyscloud_flow`
//! resource in a directory's `*.tf` files (its `filepath` and `substitutions`), with
//! literal values taken as written, `var.x` resolved from `*.tfvars` and variable
//! defaults, and every value that cannot be known offline (`data.x.y.name`, a local, a
//! function call) listed so the rules file can give it under `vars:`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use hcl::expr::{Expression, ObjectKey, TraversalOperator};
use hcl::template::{Element, Template};

/// One `genesyscloud_flow` resource.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TfFlow {
    /// The flow file, resolved against the Terraform directory.
    pub filepath: Option<PathBuf>,
    /// Substitutions whose values are known.
    pub substitutions: BTreeMap<String, String>,
    /// Substitutions whose values cannot be known offline: key and the expression.
    pub unresolved: Vec<(String, String)>,
    /// Why `filepath` is missing, when it is.
    pub filepath_problem: Option<String>,
}

/// Every `genesyscloud_flow` resource of a directory, by resource name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TfFlows(pub BTreeMap<String, TfFlow>);

impl TfFlows {
    /// Read `dir/*.tf` and `dir/*.tfvars`. Errors name the file.
    pub fn read(dir: &Path) -> Result<TfFlows, String> {
        // One module: the directory itself, by the one walk (sorted, hidden files and
        // FIFOs skipped).
        let how = crate::source::walk::Walk {
            exts: &["tf", "tfvars"],
            shallow: true,
            ..Default::default()
        };
        let paths = crate::source::walk::files(dir, &how)
            .map_err(|e| format!("the Terraform directory: {e}"))?;
        let mut tf = Vec::new();
        let mut tfvars = Vec::new();
        for p in paths {
            let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
            // Through the source layer: a FIFO or device named `*.tf` is refused, not read.
            let text = crate::source::read_text(&p)
                .map_err(|e| format!("cannot read {}: {e}", p.display()))?;
            let body = hcl::parse(&text).map_err(|e| format!("{}: {e}", p.display()))?;
            if ext.eq_ignore_ascii_case("tf") {
                tf.push(body);
            } else {
                tfvars.push(body);
            }
        }
        Ok(Self::from_bodies(dir, &tf, &tfvars))
    }

    fn from_bodies(dir: &Path, tf: &[hcl::Body], tfvars: &[hcl::Body]) -> TfFlows {
        // Variable values: defaults first, then *.tfvars (which Terraform prefers).
        let mut vars: BTreeMap<String, Expression> = BTreeMap::new();
        for body in tf {
            for b in body.blocks().filter(|b| b.identifier() == "variable") {
                if let (Some(name), Some(default)) = (
                    b.labels().first(),
                    b.body().attributes().find(|a| a.key() == "default"),
                ) {
                    vars.insert(name.as_str().to_string(), default.expr().clone());
                }
            }
        }
        for body in tfvars {
            for a in body.attributes() {
                vars.insert(a.key().to_string(), a.expr().clone());
            }
        }
        let cx = Cx { dir, vars: &vars };
        let mut out = TfFlows::default();
        for body in tf {
            for b in body.blocks().filter(|b| b.identifier() == "resource") {
                let labels = b.labels();
                if labels.len() != 2 || labels[0].as_str() != "genesyscloud_flow" {
                    continue;
                }
                let mut flow = TfFlow::default();
                for a in b.body().attributes() {
                    match a.key() {
                        "filepath" => match cx.text(a.expr(), 0) {
                            Ok(p) => flow.filepath = Some(dir.join(p)),
                            Err(why) => flow.filepath_problem = Some(why),
                        },
                        "substitutions" => {
                            let Expression::Object(obj) = a.expr() else {
                                flow.filepath_problem =
                                    Some(format!("`substitutions` is `{}`, not a map", a.expr()));
                                continue;
                            };
                            for (k, v) in obj {
                                let key = match k {
                                    ObjectKey::Identifier(i) => i.as_str().to_string(),
                                    ObjectKey::Expression(e) => match cx.text(e, 0) {
                                        Ok(t) => t,
                                        Err(_) => continue,
                                    },
                                    _ => continue,
                                };
                                match cx.text(v, 0) {
                                    Ok(t) => {
                                        flow.substitutions.insert(key, t);
                                    }
                                    Err(expr) => flow.unresolved.push((key, expr)),
                                }
                            }
                        }
                        _ => {}
                    }
                }
                out.0.insert(labels[1].as_str().to_string(), flow);
            }
        }
        out
    }
}

struct Cx<'a> {
    dir: &'a Path,
    vars: &'a BTreeMap<String, Expression>,
}

impl Cx<'_> {
    /// The text of an expression Terraform would render, or the expression itself when
    /// it cannot be known offline.
    fn text(&self, e: &Expression, depth: usize) -> Result<String, String> {
        if depth > 16 {
            return Err(e.to_string());
        }
        match e {
            Expression::String(s) => Ok(s.clone()),
            Expression::Number(n) => Ok(n.to_string()),
            Expression::Bool(b) => Ok(b.to_string()),
            Expression::Parenthesis(inner) => self.text(inner, depth + 1),
            Expression::TemplateExpr(t) => {
                let template = Template::from_expr(t).map_err(|_| e.to_string())?;
                let mut out = String::new();
                for el in template.elements() {
                    match el {
                        Element::Literal(s) => out.push_str(s),
                        Element::Interpolation(i) => out.push_str(&self.text(&i.expr, depth + 1)?),
                        Element::Directive(_) => return Err(e.to_string()),
                    }
                }
                Ok(out)
            }
            Expression::Traversal(t) => {
                let Expression::Variable(root) = &t.expr else {
                    return Err(e.to_string());
                };
                let attr = match t.operators.as_slice() {
                    [TraversalOperator::GetAttr(a)] => a.as_str(),
                    _ => return Err(e.to_string()),
                };
                match (root.as_str(), attr) {
                    ("var", name) => match self.vars.get(name) {
                        Some(v) => self.text(v, depth + 1),
                        None => Err(e.to_string()),
                    },
                    ("path", "module" | "root" | "cwd") => Ok(self.dir.display().to_string()),
                    _ => Err(e.to_string()),
                }
            }
            _ => Err(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(tf: &str, tfvars: &str) -> TfFlows {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("main.tf"), tf).unwrap();
        if !tfvars.is_empty() {
            std::fs::write(dir.path().join("terraform.tfvars"), tfvars).unwrap();
        }
        let mut flows = TfFlows::read(dir.path()).unwrap();
        // Paths are compared relative to the directory.
        for f in flows.0.values_mut() {
            f.filepath = f
                .filepath
                .as_ref()
                .map(|p| p.strip_prefix(dir.path()).unwrap_or(p).to_path_buf());
        }
        flows
    }

    const TF: &str = r#"
variable "queue_name" {
  type    = string
  default = "General"
}
variable "greeting" {}
resource "genesyscloud_flow" "inbound_message" {
  filepath = "${path.module}/flows/inbound.yaml"
  file_content_hash = filesha256("${path.module}/flows/inbound.yaml")
  substitutions = {
    flow_name  = "Web Messages"
    priority   = 5
    queue_name = var.queue_name
    greeting   = "Hi ${var.greeting}!"
    division   = data.genesyscloud_auth_division_home.home.name
  }
}
resource "genesyscloud_routing_queue" "q" { name = "x" }
"#;

    #[test]
    fn literals_defaults_and_unresolvable_references() {
        let flows = read(TF, "");
        let f = &flows.0["inbound_message"];
        assert_eq!(f.filepath.as_deref(), Some(Path::new("flows/inbound.yaml")));
        assert_eq!(f.substitutions["flow_name"], "Web Messages");
        assert_eq!(f.substitutions["priority"], "5");
        assert_eq!(f.substitutions["queue_name"], "General");
        let unresolved: Vec<&str> = f.unresolved.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(unresolved, vec!["greeting", "division"]);
        assert!(
            f.unresolved[1]
                .1
                .contains("data.genesyscloud_auth_division_home.home.name")
        );
        assert_eq!(flows.0.len(), 1);
    }

    #[test]
    fn tfvars_override_defaults() {
        let flows = read(TF, "queue_name = \"VIP\"\ngreeting = \"there\"\n");
        let f = &flows.0["inbound_message"];
        assert_eq!(f.substitutions["queue_name"], "VIP");
        assert_eq!(f.substitutions["greeting"], "Hi there!");
        assert_eq!(f.unresolved.len(), 1);
    }

    #[test]
    fn bad_hcl_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("main.tf"), "resource \"a\" {").unwrap();
        let e = TfFlows::read(dir.path()).unwrap_err();
        assert!(e.contains("main.tf"), "{e}");
    }
}
