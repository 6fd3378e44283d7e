//! Actions that act on the conversation without routing it: Send Response and Set
//! Screen Pop (record-only actions are catalogued, see `external`).

use crate::expr::Type;
use crate::source::yaml::Node;

use super::super::model::*;
use super::Loader;

impl Loader<'_> {
    /// `sendResponse`: the message body, a string.
    pub(super) fn send_response(&mut self, body: &Node) -> Option<Body> {
        Some(Body::SendResponse(self.req_val(
            body,
            "messageBody",
            Some(&Type::String),
        )?))
    }

    /// `setScreenPop`: the script and its string inputs.
    pub(super) fn screen_pop(&mut self, body: &Node) -> Option<Body> {
        let mut script = String::new();
        let mut inputs = Vec::new();
        if let Some((s, _, sbody)) = body.get("screenPopScript").and_then(Node::single_entry) {
            script = s.to_string();
            for (k, v) in sbody.get("inputs").and_then(Node::as_map).unwrap_or(&[]) {
                if let (Some(k), Some(v)) = (k.as_str(), self.val(v, Some(&Type::String))) {
                    inputs.push((k.to_string(), v));
                }
            }
        }
        Some(Body::ScreenPop { script, inputs })
    }
}
