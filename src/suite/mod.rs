//! Rules files: the declarative format, its loader and the runner.
