//! The org's own NLU: `POST /api/v2/languageunderstanding/domains/{domainId}/versions/
//! {domainVersionId}/detect`, what a bot's domain version detects in a customer message.
//! Same client, token, pacing, 429 Retry-After and retries as every other call.
//!
//! Shapes from the Platform API SDK models (generated from the API definition, so
//! documented): the request is `NluDetectionRequest` `{"input": {"text", "language"?}}`;
//! the answer is `NluDetectionResponse` whose `output.intents` are `DetectedIntent`
//! `{name, probability, entities: [DetectedNamedEntity {name, entityType, probability,
//! value: {raw, resolved}}]}`. Every field is optional in the model; we require `output`
//! (a 200 without it is not a detection — recorded, it would replay as a no-match that
//! Genesys never said) and a `name` on each intent and entity.

use serde_json::{Value, json};

use super::client::{Client, Endpoint, Method, Payload, path_segment};
use super::error::GenesysError;

const DETECT_HELP: &str = "the OAuth client's role needs languageUnderstanding:nluDomainVersion:view or dialog:botVersion:view (Language Understanding > NLU Domain Version > View)";

/// One intent the NLU detected, with its probability (0 to 1).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DetectedIntent {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability: Option<f64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entities: Vec<DetectedEntity>,
}

/// One entity (slot) detected with an intent.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DetectedEntity {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability: Option<f64>,
    /// `value.raw`: the text of the message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw: Option<String>,
    /// `value.resolved`: the value the slot takes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved: Option<String>,
}

impl Client {
    /// What domain version `version_id` of NLU domain `domain_id` detects in `text`, most
    /// probable first.
    pub fn detect(
        &self,
        domain_id: &str,
        version_id: &str,
        text: &str,
        language: Option<&str>,
    ) -> Result<Vec<DetectedIntent>, GenesysError> {
        let path = format!(
            "/api/v2/languageunderstanding/domains/{}/versions/{}/detect",
            path_segment("NLU domain id", domain_id)?,
            path_segment("NLU domain version id", version_id)?
        );
        let mut input = json!({ "text": text });
        if let Some(l) = language {
            input["language"] = json!(l);
        }
        let body = json!({ "input": input }).to_string();
        let answer = self.call(Method::Post, &path, Payload::Json(&body))?;
        if answer.status != 200 {
            return Err(self.http_error(Method::Post, &path, answer, Endpoint::Needs(DETECT_HELP)));
        }
        let v = self.json_object(Method::Post, &path, &answer)?;
        let mut intents = detection(&v).map_err(|detail| GenesysError::Malformed {
            method: "POST",
            path: path.clone(),
            detail,
        })?;
        intents.sort_by(|a, b| {
            b.probability
                .unwrap_or(0.0)
                .total_cmp(&a.probability.unwrap_or(0.0))
        });
        Ok(intents)
    }
}

/// The intents of an `NluDetectionResponse`, or what is wrong with it.
fn detection(v: &Value) -> Result<Vec<DetectedIntent>, String> {
    let Some(output) = v.get("output") else {
        return Err("the answer has no `output`: it is not a detection".into());
    };
    let intents = match output.get("intents") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(a)) => a,
        Some(_) => return Err("`output.intents` is not a list".into()),
    };
    intents
        .iter()
        .enumerate()
        .map(|(i, it)| {
            let name = text(it, "name").ok_or(format!("`output.intents[{i}]` has no `name`"))?;
            let probability = number(it, "probability", &format!("output.intents[{i}]"))?;
            let entities = match it.get("entities") {
                None | Some(Value::Null) => Vec::new(),
                Some(Value::Array(es)) => es
                    .iter()
                    .enumerate()
                    .map(|(j, e)| entity(e, &format!("output.intents[{i}].entities[{j}]")))
                    .collect::<Result<_, _>>()?,
                Some(_) => return Err(format!("`output.intents[{i}].entities` is not a list")),
            };
            Ok(DetectedIntent {
                name,
                probability,
                entities,
            })
        })
        .collect()
}

fn entity(e: &Value, at: &str) -> Result<DetectedEntity, String> {
    let value = e.get("value");
    Ok(DetectedEntity {
        name: text(e, "name").ok_or(format!("`{at}` has no `name`"))?,
        entity_type: text(e, "entityType"),
        probability: number(e, "probability", at)?,
        raw: value.and_then(|v| text(v, "raw")),
        resolved: value.and_then(|v| text(v, "resolved")),
    })
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn number(v: &Value, key: &str, at: &str) -> Result<Option<f64>, String> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(n) => match n.as_f64() {
            Some(p) if (0.0..=1.0).contains(&p) => Ok(Some(p)),
            _ => Err(format!("`{at}.{key}` is not a probability between 0 and 1")),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_detection_reads_intents_and_entities_and_rejects_what_is_not_one() {
        let v = json!({"output": {"intents": [{"name": "CheckOrderStatus", "probability": 0.91,
            "entities": [{"name": "OrderNumber", "entityType": "OrderNumberType", "probability": 0.8,
            "value": {"raw": "12345678", "resolved": "12345678"}}]}]}});
        let i = detection(&v).unwrap();
        assert_eq!(i[0].name, "CheckOrderStatus");
        assert_eq!(i[0].entities[0].resolved.as_deref(), Some("12345678"));
        assert!(detection(&json!({"output": {}})).unwrap().is_empty());
        assert!(detection(&json!({})).unwrap_err().contains("no `output`"));
        assert!(
            detection(&json!({"output": {"intents": [{"probability": 2}]}}))
                .unwrap_err()
                .contains("no `name`")
        );
        assert!(
            detection(&json!({"output": {"intents": [{"name": "x", "probability": 2}]}}))
                .unwrap_err()
                .contains("between 0 and 1")
        );
    }
}
