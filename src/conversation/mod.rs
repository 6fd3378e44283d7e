//! Conversation fixtures: the JSON bodies of Genesys's conversation GET endpoints.

pub mod fixture;
pub mod redact;
