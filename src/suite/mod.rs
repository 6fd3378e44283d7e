//! Rules files: the declarative format, its loader and the runner.

pub mod yaml;
