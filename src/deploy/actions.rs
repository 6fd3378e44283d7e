//! Data actions (`genesyscloud_integration_action`) and their output contracts: a stub
//! of a Call Data action may only set what the success contract has, with its type.

use std::collections::BTreeMap;

use serde_json::Value as J;

/// One data action.
#[derive(Debug, Clone, PartialEq)]
pub struct DataAction {
    pub name: String,
    pub category: String,
    /// `file:line` of the resource.
    pub at: String,
    /// The success output contract (`contract_output`), flattened.
    pub output: Contract,
}

/// A JSON Schema contract flattened to its fields: dotted path (`outobj.objstr`, the
/// form Archy's `successOutputs` keys take) → JSON Schema type.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Contract(pub BTreeMap<String, String>);

impl DataAction {
    /// Why a stub's values do not fit this action's success contract, one message per
    /// value: `values` maps variables to what the stub sets, `success` the call's
    /// success outputs (contract field → variable). Values written through no success
    /// output (failure outputs, or variables the action does not set) are not the
    /// contract's to judge.
    pub fn check_stub(
        &self,
        success: &[(String, String)],
        values: &BTreeMap<String, J>,
    ) -> Vec<String> {
        let mut out = Vec::new();
        for (var, value) in values {
            for (field, _) in success.iter().filter(|(_, v)| v.eq_ignore_ascii_case(var)) {
                if let Some(why) = self.output.mismatch(field, value) {
                    out.push(format!(
                        "`{var}` comes from data action `{}` (category `{}`, {}): {why}",
                        self.name, self.category, self.at
                    ));
                }
            }
        }
        out
    }
}

impl Contract {
    /// Parse a JSON Schema (`{"type": "object", "properties": {...}}`).
    pub fn parse(text: &str) -> Result<Contract, String> {
        let schema: J = serde_json::from_str(text).map_err(|e| format!("is not JSON: {e}"))?;
        let mut c = Contract::default();
        flatten("", &schema, &mut c.0);
        Ok(c)
    }

    /// Why `value`, set for `field`, does not fit the contract; `None` when it does.
    pub fn mismatch(&self, field: &str, value: &J) -> Option<String> {
        let Some(ty) = self.0.get(field) else {
            let mut known: Vec<&str> = self.0.keys().map(String::as_str).collect();
            known.sort_unstable();
            let hint = crate::diag::closest(field, known.iter().copied())
                .map(|k| format!("; did you mean `{k}`?"))
                .unwrap_or_default();
            return Some(format!(
                "the success contract has no field `{field}` (it has {}){hint}",
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            ));
        };
        let fits = match (ty.as_str(), value) {
            (_, J::Null) => true,
            ("string", J::String(_)) => true,
            ("integer", J::Number(n)) => n.is_i64() || n.is_u64(),
            ("number", J::Number(_)) => true,
            ("boolean", J::Bool(_)) => true,
            ("object", J::Object(_)) | ("array", J::Array(_)) => true,
            ("any" | "", _) => true,
            _ => false,
        };
        (!fits).then(|| {
            format!(
                "the success contract's field `{field}` is {}, not {}",
                article(ty),
                kind_of(value)
            )
        })
    }
}

fn flatten(prefix: &str, schema: &J, out: &mut BTreeMap<String, String>) {
    let Some(props) = schema.get("properties").and_then(J::as_object) else {
        return;
    };
    for (k, v) in props {
        let path = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        let ty = match v.get("type") {
            Some(J::String(t)) => t.clone(),
            _ => "any".into(),
        };
        if ty == "object" {
            flatten(&path, v, out);
        }
        out.insert(path, ty);
    }
}

fn article(ty: &str) -> String {
    match ty {
        "integer" | "object" | "array" | "any" => format!("an {ty}"),
        _ => format!("a {ty}"),
    }
}

fn kind_of(v: &J) -> &'static str {
    match v {
        J::String(_) => "a string",
        J::Number(n) if n.is_i64() || n.is_u64() => "an integer",
        J::Number(_) => "a number",
        J::Bool(_) => "a boolean",
        J::Array(_) => "an array",
        J::Object(_) => "an object",
        J::Null => "null",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_blueprint_contract_checks_fields_and_types() {
        // GenesysCloudBlueprints/deploy-webmessaging-chatbot-with-lambda-blueprint,
        // blueprint/terraform/contracts/data-action-output.json (commit 2a590b7).
        let c = Contract::parse(
            r#"{"title": "OrderResponse", "type": "object", "properties": {
                "CustomerId": {"type": "string"}, "OrderStatus": {"type": "string"},
                "outobj": {"type": "object", "properties": {"count": {"type": "integer"}}}},
                "additionalProperties": true}"#,
        )
        .unwrap();
        assert_eq!(c.mismatch("OrderStatus", &J::from("shipped")), None);
        assert_eq!(c.mismatch("outobj.count", &J::from(3)), None);
        let e = c.mismatch("OrderState", &J::from("x")).unwrap();
        assert!(
            e.contains("no field `OrderState`") && e.contains("`OrderStatus`"),
            "{e}"
        );
        let e = c.mismatch("OrderStatus", &J::from(5)).unwrap();
        assert_eq!(
            e,
            "the success contract's field `OrderStatus` is a string, not an integer"
        );
    }
}
