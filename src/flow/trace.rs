//! Rendering a run as text: the path taken, one line per action with its file:line,
//! decisions and switches with their values, then the final route. Used by
//! `routecheck trace` and in failure notes.

use super::simulate::{Route, RunResult, Step, route_summary};

/// One line per executed action, indented by task depth, then the route.
pub fn render_path(trace: &[Step], route: &Route) -> Vec<String> {
    let mut lines: Vec<String> = trace.iter().map(render_step).collect();
    lines.push(format!("route: {}", route_summary(route)));
    lines
}

/// One step: `file:line  kind "name"  detail → branch`.
pub fn render_step(s: &Step) -> String {
    let mut line = format!(
        "{}{}:{}  {} \"{}\"",
        "  ".repeat(s.depth),
        s.location.file,
        s.location.line,
        s.kind,
        s.name
    );
    if let Some(d) = &s.detail {
        line.push_str("  ");
        line.push_str(d);
    }
    if let Some(b) = &s.branch {
        line.push_str(" → ");
        line.push_str(b);
        // A case, output or menu choice written on its own line is located there too.
        if let Some(at) = s
            .branch_location
            .as_ref()
            .filter(|l| l.line != s.location.line)
        {
            line.push_str(&format!(" (line {}:{})", at.line, at.col));
        }
    }
    line
}

/// The whole run as text, for `routecheck trace`.
pub fn render_run(result: &RunResult) -> String {
    let mut out = String::new();
    for (i, line) in render_path(&result.trace, &result.route).iter().enumerate() {
        if i < result.trace.len() {
            out.push_str(&format!("{:>3}. {line}\n", i + 1));
        } else {
            out.push_str(&format!("{line}\n"));
        }
    }
    if !result.responses.is_empty() {
        out.push_str("responses:\n");
        for r in &result.responses {
            out.push_str(&format!("  - {r:?}\n"));
        }
    }
    if !result.participant_data.is_empty() {
        out.push_str("participant data set:\n");
        for (k, v) in &result.participant_data {
            out.push_str(&format!("  {k}: {v:?}\n"));
        }
    }
    out
}
