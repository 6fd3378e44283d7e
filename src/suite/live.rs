//! The fixture source of `routecheck test` when cases read live conversations: files as
//! before, conversation ids fetched from the Genesys Cloud API through one shared client.
//!
//! The client is created in `prepare`, and only when some selected case reads a live
//! conversation, so fixture-only runs need no credentials. The runner reads each distinct
//! fixture once, so each conversation is fetched once per run.

use std::sync::OnceLock;

use super::model::{FixtureRef, GuestRef};
use super::runner::{FileSource, FixtureSource};
use crate::diag::{SourceDiagnostic, SourceFile};
use crate::expr::Directory;
use crate::genesys::{Client, GenesysError, LiveOptions};
use crate::guest::pool::Pool;
use crate::guest::readback::{self, Waits};
use crate::guest::{GuestError, GuestRun, GuestSpec, SessionOptions};

/// How `guest:` cases run (`--guests`, `--flow-path`).
#[derive(Debug, Clone)]
pub struct GuestOptions {
    /// Sessions open at once (`--guests N`).
    pub parallel: usize,
    /// Fetch the flow execution data of every guest case (`--flow-path`).
    pub flow_path: bool,
    /// Platform-side waits.
    pub waits: Waits,
    /// The Guest API connection; `None` resolves it from the environment.
    pub session: Option<SessionOptions>,
}

impl Default for GuestOptions {
    fn default() -> Self {
        GuestOptions {
            parallel: 1,
            flow_path: false,
            waits: Waits::default(),
            session: None,
        }
    }
}

/// Files from disk, conversations from the API, guests over the Guest API.
pub struct LiveSource {
    options: LiveOptions,
    client: OnceLock<Client>,
    guests: GuestOptions,
    pool: OnceLock<Pool<GuestRef>>,
}

impl LiveSource {
    /// A source whose client, when one is needed, is configured from the environment.
    pub fn new(options: LiveOptions) -> Self {
        LiveSource {
            options,
            client: OnceLock::new(),
            guests: GuestOptions::default(),
            pool: OnceLock::new(),
        }
    }

    /// The same source running `guest:` cases with `guests`.
    pub fn with_guests(mut self, guests: GuestOptions) -> Self {
        self.guests = guests;
        self
    }

    /// A case's spec with the run's `--flow-path`.
    fn spec(&self, g: &GuestRef) -> GuestSpec {
        let mut spec = (*g.spec).clone();
        spec.flow_path |= self.guests.flow_path;
        spec
    }
}

impl std::fmt::Debug for LiveSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveSource")
            .field("options", &self.options)
            .field("client", &self.client.get().is_some())
            .finish()
    }
}

/// A client error as the runner reports setup errors (the environment is not a file).
fn setup_diagnostic(e: &GenesysError) -> SourceDiagnostic {
    use miette::Diagnostic;
    let mut d =
        SourceDiagnostic::error(&SourceFile::unlocated("environment"), (0, 0), e.to_string())
            .with_code(
                e.code()
                    .map_or_else(|| "routecheck::genesys".to_owned(), |c| c.to_string()),
            )
            .with_label("a case reads a live conversation");
    if let Some(h) = e.help() {
        d = d.with_help(h.to_string());
    }
    d
}

/// The Guest API host could not be worked out.
fn guest_setup_diagnostic(e: &GuestError) -> SourceDiagnostic {
    let mut d =
        SourceDiagnostic::error(&SourceFile::unlocated("environment"), (0, 0), e.to_string())
            .with_code("routecheck::guest::config")
            .with_label("a case drives a live guest");
    if let Some(h) = e.help() {
        d = d.with_help(h);
    }
    d
}

impl FixtureSource for LiveSource {
    fn prepare(&self, needed: &[&FixtureRef]) -> Result<(), Box<SourceDiagnostic>> {
        let live = needed
            .iter()
            .any(|f| matches!(f, FixtureRef::Conversation(_) | FixtureRef::Guest(_)));
        if live && self.client.get().is_none() {
            let client = Client::from_env(&self.options, crate::project::working_dir_region())
                .map_err(|e| Box::new(setup_diagnostic(&e)))?;
            let _ = self.client.set(client);
        }
        let guests: Vec<(GuestRef, GuestSpec)> = needed
            .iter()
            .filter_map(|f| match f {
                FixtureRef::Guest(g) => Some((g.clone(), self.spec(g))),
                _ => None,
            })
            .collect();
        if !guests.is_empty() && self.pool.get().is_none() {
            let session = match &self.guests.session {
                Some(s) => s.clone(),
                None => SessionOptions::new(
                    crate::guest::webmessaging_base(|n| std::env::var(n).ok())
                        .map_err(|e| Box::new(guest_setup_diagnostic(&e)))?,
                ),
            };
            let _ = self
                .pool
                .set(Pool::start(guests, session, self.guests.parallel));
        }
        Ok(())
    }

    fn guest(
        &self,
        guest: &GuestRef,
        directory: &Directory,
        route: bool,
    ) -> Result<GuestRun, GuestError> {
        let unprepared = || GuestError::Config {
            message: format!("case `{}`: the run was not prepared for guests", guest.case),
            help: "this is a bug in routecheck: please report it".into(),
            at: crate::guest::Part::Guest,
        };
        let (Some(pool), Some(client)) = (self.pool.get(), self.client.get()) else {
            return Err(unprepared());
        };
        let spec = self.spec(guest);
        let observed = match pool.take(guest).ok_or_else(unprepared)? {
            Ok(seen) => seen,
            Err(failed) => {
                if spec.cleanup {
                    readback::abandon(client, &failed.seen, self.guests.waits);
                }
                return Err(failed.error);
            }
        };
        readback::read_back(
            client,
            &spec,
            observed,
            Some(directory),
            route,
            self.guests.waits,
        )
    }

    /// Files are read exactly as [`FileSource`] reads them (only conversation ids and
    /// guests go to Genesys), so they may be read while the rules load. `test` always runs
    /// through this source: without this, no fixture was read early.
    fn reads_files(&self) -> bool {
        true
    }

    fn read(&self, fixture: &FixtureRef) -> Result<String, String> {
        let FixtureRef::Conversation(id) = fixture else {
            return FileSource.read(fixture);
        };
        let Some(client) = self.client.get() else {
            return Err(format!(
                "live conversation {id}: no Genesys client (the run was not prepared)"
            ));
        };
        let value = client.get_conversation(id).map_err(|e| {
            use miette::Diagnostic;
            match e.help() {
                Some(h) => format!("live conversation {id}: {e} ({h})"),
                None => format!("live conversation {id}: {e}"),
            }
        })?;
        serde_json::to_string(&value)
            .map_err(|e| format!("live conversation {id}: cannot serialise the answer: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixture_only_runs_need_no_client() {
        let s = LiveSource::new(LiveOptions::default());
        let f = FixtureRef::File {
            canonical: "/nonexistent/x.json".into(),
            display: "x.json".into(),
        };
        assert!(s.prepare(&[&f]).is_ok());
        assert!(s.client.get().is_none());
        let err = s.read(&f).unwrap_err();
        assert!(err.starts_with("x.json: cannot read"), "{err}");
        // `test` runs through this source, so its files must be read early (prefetch).
        assert!(s.reads_files());
    }

    #[test]
    fn an_unprepared_live_read_is_an_error_not_a_panic() {
        let s = LiveSource::new(LiveOptions::default());
        let err = s.read(&FixtureRef::Conversation("abc".into())).unwrap_err();
        assert!(err.contains("not prepared"), "{err}");
    }
}
