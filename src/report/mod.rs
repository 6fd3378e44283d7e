//! Reporters: one stream of run events, rendered for people and pipelines.
