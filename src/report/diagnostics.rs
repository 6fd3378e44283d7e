//! The run's diagnostics for a person: load errors and warnings (an attribute near miss,
//! a deprecated config file), rendered with their snippet on stderr.
//!
//! Diagnostics are about the inputs, not the results: they go to stderr so that stdout
//! holds only the report (case lines, summary, the JSON document) and can be piped or
//! parsed. The CLI adds this reporter *before* the stdout one, so a warning about a case
//! is on the terminal just above that case's line, and a load error above "nothing ran".
//! The GitHub format does not use it: its `::warning` commands on stdout are the
//! diagnostics, where the runner reads them.

use std::io::{self, Write};

use super::{Event, Reporter};
use crate::diag::SourceDiagnostic;

/// Renders `Warning` and `LoadFailed` diagnostics to `err`.
pub struct Diagnostics {
    err: Box<dyn Write + Send>,
    color: bool,
}

impl Diagnostics {
    /// Write to `err` (stderr, lifted around the progress bar); `color` as decided for
    /// stderr.
    pub fn new(err: Box<dyn Write + Send>, color: bool) -> Self {
        Diagnostics { err, color }
    }

    fn write(&mut self, d: &SourceDiagnostic) -> io::Result<()> {
        // The blank line keeps the next line from reading as part of the box.
        writeln!(self.err, "{}", crate::diag::render(d, self.color))
    }
}

impl Reporter for Diagnostics {
    fn event(&mut self, event: &Event) -> io::Result<()> {
        match event {
            Event::Warning(d) => self.write(d)?,
            Event::LoadFailed { errors } => {
                for d in errors {
                    self.write(d)?;
                }
            }
            Event::RunStarted { .. } | Event::CaseFinished(_) | Event::RunFinished(_) => {
                return Ok(());
            }
        }
        self.err.flush()
    }
}
