//! Bots and common modules: Call Bot Flow, Call Digital Bot Flow and Call Common
//! Module. Today each takes its outcome from a stub (`stubs`); a bot interpreter that
//! runs the loaded bot flow or common module itself (issue #25) belongs here, reached
//! from [`Sim::external`] through [`is_bot_call`].

use crate::expr::Value;

use super::super::model::*;
use super::{Ctl, Sim, Stop, Stub};

/// The action kinds that hand the conversation to a bot or a common module.
pub(super) fn is_bot_call(kind: &str) -> bool {
    matches!(
        kind,
        "callBotFlow" | "callDigitalBotFlow" | "callCommonModule"
    )
}

/// Bot calls that return their exit reason, intent and outputs every time.
pub(super) fn returns_every_output(kind: &str) -> bool {
    matches!(kind, "callBotFlow" | "callDigitalBotFlow")
}

impl Sim<'_, '_> {
    /// A call to a bot flow or a common module.
    pub(super) fn call_bot(&mut self, a: &Action, ext: &External) -> Result<Ctl, Stop> {
        // A call to a bot or module runs the called flow, unless a stub answers for it.
        if let Some(call) = &ext.call
            && self.stub_for(a).is_none()
        {
            return self.call_flow(a, ext, call);
        }
        self.stubbed_external(a, ext)
    }

    /// What the stub of a bot call does not give was not detected: it reads NOT_SET.
    pub(super) fn bot_returns(&mut self, sets: &[Target], stub: &Stub) {
        for t in sets {
            if !stub.values.keys().any(|k| k.eq_ignore_ascii_case(&t.name)) {
                self.vars.set(&t.name, Value::NotSet(t.ty.clone()));
            }
        }
    }
}
