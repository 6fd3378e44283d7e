//! A progress bar on stderr for long runs, for a person at a terminal only.
//!
//! It is one more [`Reporter`] of the event stream: a spinner while the rules load, a bar
//! over the selected cases once the run starts, gone (cleared) when it ends. It stays
//! hidden until the run has lasted [`Progress::start`]'s delay, so short runs never draw
//! it, and the CLI adds it only when [`wanted`] says so: never in a pipe or a CI log.

use std::io::{self, Write};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::{Event, Reporter};

/// Whether a run may draw a progress bar: stderr is a terminal, `TERM` is not `dumb`,
/// and `CI` is unset (GitHub Actions, GitLab, Jenkins and most others set it; their logs
/// would keep every redraw).
pub fn wanted(stderr_terminal: bool, env: &dyn Fn(&str) -> Option<String>) -> bool {
    stderr_terminal
        && env("CI").is_none_or(|v| v.is_empty() || v == "false" || v == "0")
        && env("TERM").is_none_or(|t| t != "dumb")
}

/// The bar, and the timer that shows it once the run is long.
pub struct Progress {
    bar: ProgressBar,
    stop: Option<mpsc::Sender<()>>,
    timer: Option<JoinHandle<()>>,
}

impl Progress {
    /// A spinner that appears on stderr if the run is still going after `after`.
    pub fn start(after: Duration) -> Self {
        Self::start_on(after, ProgressDrawTarget::stderr())
    }

    /// As [`Progress::start`], drawing on `target` (tests use a hidden one).
    pub fn start_on(after: Duration, target: ProgressDrawTarget) -> Self {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        if let Ok(style) = ProgressStyle::with_template("{spinner} loading rules… {elapsed}") {
            bar.set_style(style);
        }
        let (stop, wait) = mpsc::channel::<()>();
        let shown = bar.clone();
        let timer = std::thread::spawn(move || {
            if let Err(mpsc::RecvTimeoutError::Timeout) = wait.recv_timeout(after) {
                shown.set_draw_target(target);
                shown.enable_steady_tick(Duration::from_millis(120));
            }
        });
        Progress {
            bar,
            stop: Some(stop),
            timer: Some(timer),
        }
    }

    /// `out`, writing around the bar (the bar is lifted while a line is printed), so
    /// stdout and the bar can share one terminal.
    pub fn around(&self, out: Box<dyn Write + Send>) -> Box<dyn Write + Send> {
        Box::new(Around {
            bar: self.bar.clone(),
            out,
        })
    }

    /// Cases finished so far, and the total once the run has started.
    pub fn position(&self) -> (u64, Option<u64>) {
        (self.bar.position(), self.bar.length())
    }

    fn finish(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.timer.take() {
            let _ = t.join();
        }
        self.bar.finish_and_clear();
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}

impl Reporter for Progress {
    fn event(&mut self, event: &Event) -> io::Result<()> {
        match event {
            Event::RunStarted { suites } => {
                let total: usize = suites.iter().map(|s| s.cases).sum();
                self.bar.set_length(total as u64);
                if let Ok(style) = ProgressStyle::with_template(
                    "{bar:30} {pos}/{len} cases  {elapsed} (eta {eta})",
                ) {
                    self.bar.set_style(style);
                }
            }
            Event::CaseFinished(_) => self.bar.inc(1),
            Event::RunFinished(_) | Event::LoadFailed { .. } => self.finish(),
            Event::Warning(_) => {}
        }
        Ok(())
    }
}

/// A writer that lifts the bar while it writes.
struct Around {
    bar: ProgressBar,
    out: Box<dyn Write + Send>,
}

impl Write for Around {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let out = &mut self.out;
        self.bar.suspend(|| out.write(buf))
    }

    fn flush(&mut self) -> io::Result<()> {
        let out = &mut self.out;
        self.bar.suspend(|| out.flush())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{CaseResult, Location, Outcome, SuiteInfo, Summary};

    fn env(vars: &[(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        let vars = vars.to_vec();
        move |n| {
            vars.iter()
                .find(|(k, _)| *k == n)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn only_a_terminal_outside_ci_gets_a_bar() {
        assert!(wanted(true, &env(&[])));
        assert!(!wanted(false, &env(&[])));
        assert!(!wanted(true, &env(&[("CI", "true")])));
        assert!(wanted(true, &env(&[("CI", "false")])));
        assert!(!wanted(true, &env(&[("TERM", "dumb")])));
    }

    #[test]
    fn the_bar_counts_the_selected_cases() {
        let mut p = Progress::start_on(Duration::from_secs(3600), ProgressDrawTarget::hidden());
        p.event(&Event::RunStarted {
            suites: vec![SuiteInfo {
                name: "s".into(),
                file: "s.yaml".into(),
                cases: 3,
                flow: None,
            }],
        })
        .unwrap();
        let case = CaseResult {
            suite_file: "s.yaml".into(),
            suite_name: "s".into(),
            case_name: "c".into(),
            location: Location {
                file: "s.yaml".into(),
                line: 1,
                col: 1,
            },
            outcome: Outcome::Passed,
            path: Vec::new(),
            duration: Duration::ZERO,
        };
        p.event(&Event::CaseFinished(case.clone())).unwrap();
        p.event(&Event::CaseFinished(case)).unwrap();
        assert_eq!(p.position(), (2, Some(3)));
        p.event(&Event::RunFinished(Summary::default())).unwrap();
        assert!(p.bar.is_finished());
    }

    #[test]
    fn writing_around_the_bar_passes_bytes_through() {
        let p = Progress::start_on(Duration::ZERO, ProgressDrawTarget::hidden());
        let mut w = p.around(Box::new(io::sink()));
        assert_eq!(w.write("✓ case\n".as_bytes()).unwrap(), "✓ case\n".len());
        w.flush().unwrap();
    }
}
