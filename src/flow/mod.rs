//! Archy-exported inbound message flows: load, compile, simulate.
