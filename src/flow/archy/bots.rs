//! Bot calls: Call Bot Flow, Call Digital Bot Flow and Call Common Module. Today each
//! is an external action whose outcome is a stub; loading the bot flow or common module
//! it names (its inputs, outputs, intents; issue #25) belongs here.

use crate::source::yaml::Node;

use super::super::model::*;
use super::Loader;

/// The action kinds of this family.
pub(super) fn is_bot_call(kind: &str) -> bool {
    matches!(
        kind,
        "callBotFlow" | "callDigitalBotFlow" | "callCommonModule"
    )
}

impl Loader<'_> {
    /// A call to a bot flow or common module: read as an external action.
    pub(super) fn bot_call(
        &mut self,
        body: &Node,
        kind: &str,
        name: &str,
        at: usize,
        known: &[&str],
    ) -> Body {
        Body::External(Box::new(self.external(body, kind, name, at, known)))
    }
}
