//! Actions that act on the conversation without routing it: Send Response, Set Screen
//! Pop, and record-only actions (milestones, outcomes, wrap-up codes) whose values are
//! evaluated for their runtime errors and shown in the trace.

use std::collections::BTreeMap;

use crate::expr::Value;

use super::super::model::*;
use super::{Ctl, ScreenPop, Sim, Stop, show};

impl Sim<'_, '_> {
    /// Send Response: the text the customer receives.
    pub(super) fn send_response(&mut self, a: &Action, v: &Val) -> Result<Ctl, Stop> {
        let text = match self.eval(v)? {
            Value::String(s) => s,
            other if other.is_not_set() => {
                return Err(self.runtime_at(v.at, "the message body is NOT_SET"));
            }
            other => other.to_string(),
        };
        self.step(a, Some(format!("{text:?}")), None);
        self.result.responses.push(text);
        Ok(Ctl::Next)
    }

    /// Set Screen Pop: the script and its rendered inputs.
    pub(super) fn screen_pop(
        &mut self,
        a: &Action,
        script: &str,
        inputs: &[(String, Val)],
    ) -> Result<Ctl, Stop> {
        let mut rendered = BTreeMap::new();
        for (k, v) in inputs {
            rendered.insert(k.clone(), self.eval(v)?.to_string());
        }
        self.step(a, Some(format!("script \"{script}\"")), None);
        self.result.screen_pops.push(ScreenPop {
            script: script.to_string(),
            inputs: rendered,
        });
        Ok(Ctl::Next)
    }

    /// An action with no effect on routing: its values are evaluated (a runtime error
    /// follows error handling) and shown in the trace.
    pub(super) fn record(&mut self, a: &Action, values: &[Val]) -> Result<Ctl, Stop> {
        let mut shown = Vec::new();
        for v in values {
            shown.push(show(&self.eval(v)?));
        }
        let detail =
            (!shown.is_empty()).then(|| format!("no effect on routing ({})", shown.join(", ")));
        self.step(a, detail.or(Some("no effect on routing".into())), None);
        Ok(Ctl::Next)
    }
}
