//! Rules files: the declarative format, its loader and the runner.

pub mod load;
pub mod model;
pub mod yaml;
