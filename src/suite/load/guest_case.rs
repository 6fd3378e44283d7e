//! `guest:` in a case, and what `responses:` / `route:` mean in such a case: the real
//! org's replies and queue, not the simulated flow's.

use std::time::Duration;

use super::{Keys, Loader};
use crate::flow::RouteExpect;
use crate::guest::{DEFAULT_QUIET, DEFAULT_TIMEOUT, GuestSpec};
use crate::source::code::RulesCode;
use crate::suite::model::{Check, GuestAt, GuestCheck};
use crate::suite::yaml::{Node, NodeValue};

pub(super) const GUEST_KEYS: Keys = &[
    "deployment",
    "origin",
    "attributes",
    "say",
    "quiet",
    "timeout",
    "cleanup",
    "flow_path",
];

/// The longest `timeout:` (a session left open longer only ties up the deployment).
const MAX_TIMEOUT: Duration = Duration::from_secs(3600);

/// `5s`, `500ms`, `2m`, or a bare number of seconds.
pub(crate) fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let (number, scale) = if let Some(n) = t.strip_suffix("ms") {
        (n, 0.001)
    } else if let Some(n) = t.strip_suffix('s') {
        (n, 1.0)
    } else if let Some(n) = t.strip_suffix('m') {
        (n, 60.0)
    } else {
        (t, 1.0)
    };
    match number.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v * scale <= 86_400.0 => {
            Ok(Duration::from_secs_f64(v * scale))
        }
        _ => Err(format!("`{text}` is not a positive duration")),
    }
}

impl Loader<'_> {
    /// The `guest:` mapping.
    pub(super) fn guest(&mut self, k: &Node, v: &Node) -> Option<(GuestSpec, GuestAt)> {
        let errors = self.diags.errors.len();
        let mut spec = GuestSpec {
            deployment: String::new(),
            origin: None,
            attributes: Vec::new(),
            say: Vec::new(),
            quiet: DEFAULT_QUIET,
            timeout: DEFAULT_TIMEOUT,
            cleanup: false,
            flow_path: false,
        };
        let mut at = GuestAt {
            guest: self.location(k.span.0),
            attributes: None,
            say: Vec::new(),
        };
        let (mut deployment, mut say, mut quiet_node) = (false, false, None);
        for (name, key, val) in self.entries(v, "`guest`", GUEST_KEYS) {
            match name {
                "deployment" => {
                    deployment = true;
                    let d = self.string(val, "`deployment`").unwrap_or_default();
                    if d.trim().is_empty() || d.trim().contains(char::is_whitespace) {
                        self.err(val, RulesCode::Guest, "`deployment` must be a Messenger deployment id (e.g. ${GENESYS_DEPLOYMENT_ID})");
                    }
                    spec.deployment = d.trim().to_owned();
                }
                "origin" => {
                    let Some(o) = self.string(val, "`origin`") else {
                        continue;
                    };
                    let ok = o.split_once("://").is_some_and(|(s, h)| {
                        matches!(s, "http" | "https")
                            && !h.is_empty()
                            && !h.contains(['/', '?', '#', '@', ' '])
                    });
                    if !ok {
                        self.err(val, RulesCode::Guest, format!("`origin` `{o}` must be a scheme and host, e.g. https://www.example.com (an allowed domain of the deployment)"));
                    }
                    spec.origin = Some(o);
                }
                "attributes" => {
                    at.attributes = Some(self.location(val.span.0));
                    for ((name, value), _) in self.overlay(val) {
                        match value {
                            Some(value) => spec.attributes.push((name, value)),
                            None => self.err(
                                key,
                                RulesCode::Type,
                                format!(
                                    "custom attribute `{name}` is null: a guest sends strings only"
                                ),
                            ),
                        }
                    }
                }
                "say" => {
                    say = true;
                    let items: Vec<&Node> = match &val.value {
                        NodeValue::Seq(items) => items.iter().collect(),
                        _ => vec![val],
                    };
                    for item in items {
                        if let Some(text) = self.string(item, "a `say` message") {
                            if text.trim().is_empty() {
                                self.err(item, RulesCode::Guest, "an empty message cannot be sent");
                            }
                            spec.say.push(text);
                            at.say.push(self.location(item.span.0));
                        }
                    }
                }
                "quiet" => {
                    if let Some(d) = self.duration(val, "`quiet`") {
                        spec.quiet = d;
                        quiet_node = Some(val);
                    }
                }
                "timeout" => {
                    if let Some(d) = self.duration(val, "`timeout`") {
                        spec.timeout = d;
                    }
                    if spec.timeout > MAX_TIMEOUT {
                        self.err(val, RulesCode::Guest, "`timeout` is at most 1h");
                    }
                }
                "cleanup" => spec.cleanup = self.bool(val, "`cleanup`").unwrap_or(false),
                _ => spec.flow_path = self.bool(val, "`flow_path`").unwrap_or(false),
            }
        }
        if !deployment {
            self.missing_in_guest(
                v,
                "deployment",
                "the Messenger deployment id, e.g. deployment: ${GENESYS_DEPLOYMENT_ID}",
            );
        }
        if !say || (spec.say.is_empty() && self.diags.errors.len() == errors) {
            self.missing_in_guest(
                v,
                "say",
                "what the guest types, in order: say: [\"Where is my order?\"]",
            );
        }
        if let Some(q) = quiet_node
            && spec.quiet >= spec.timeout
        {
            self.err(
                q,
                RulesCode::Guest,
                "`quiet` must be shorter than `timeout` (60s unless given)",
            );
        }
        (self.diags.errors.len() == errors).then_some((spec, at))
    }

    fn missing_in_guest(&mut self, v: &Node, name: &str, help: &str) {
        let d = self
            .error(v, format!("`guest` has no `{name}:`"))
            .with_code(RulesCode::MissingKey)
            .with_help(help.to_owned());
        self.push(d);
    }

    fn duration(&mut self, v: &Node, what: &str) -> Option<Duration> {
        let text = match &v.value {
            NodeValue::Str(s) => s.clone(),
            NodeValue::Int(_) | NodeValue::Float(_) => v.scalar_text().unwrap_or_default(),
            _ => {
                self.expect_type(v, what, "a duration such as 5s");
                return None;
            }
        };
        match parse_duration(&text) {
            Ok(d) => Some(d),
            Err(e) => {
                let d = self
                    .error(v, format!("{what}: {e}"))
                    .with_code(RulesCode::Type)
                    .with_help("write a duration: 500ms, 5s, 2m (a bare number is seconds)");
                self.push(d);
                None
            }
        }
    }

    /// `responses:` / `route:` in a guest case.
    pub(super) fn guest_expect(&mut self, subject: &str, sv: &Node) -> Option<Check> {
        if subject == "responses" {
            let texts = self.deserialize::<Vec<String>>(
                sv,
                "responses",
                "write the bot's or agent's replies in order: `responses: [\"Hi\", ...]`",
            )?;
            return Some(Check::Guest(GuestCheck::Responses(texts)));
        }
        match self.deserialize::<RouteExpect>(sv, "route", "write `route: { queue: NAME }`")? {
            RouteExpect::Queue(q) if q.skills.is_none() && q.priority.is_none() => {
                Some(Check::Guest(GuestCheck::Queue(q.queue)))
            }
            _ => {
                self.err(sv, RulesCode::Expectation,
                    "in a `guest:` case, `route:` checks the queue the real conversation reached: write `route: { queue: NAME }` (skills, priority and disconnect/error are simulation checks: use a flow case)",
                );
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_duration;
    use std::time::Duration;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("5s"), Ok(Duration::from_secs(5)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("3"), Ok(Duration::from_secs(3)));
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("soon").is_err());
    }
}
