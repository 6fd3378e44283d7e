//! The Genesys Cloud Platform API client: OAuth client credentials, retries, rate limits.
//!
//! `Client::from_env` reads the credentials and region; `get_conversation` and
//! `patch_participant_attributes` are what the runner and the live commands call.

pub mod auth;
pub mod client;
pub mod error;
pub mod lookups;
pub mod nlu;
pub mod region;
pub mod retry;

pub use auth::Secret;
pub use client::{Client, Config, LiveOptions};
pub use error::GenesysError;
pub use nlu::{DetectedEntity, DetectedIntent};
pub use retry::{Clock, SystemClock};
