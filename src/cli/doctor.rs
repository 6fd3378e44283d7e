//! `routecheck doctor`: is this environment ready for live and guest checks? Region,
//! credentials, the permission each feature needs, and the Messenger deployment's
//! configuration, each a pass/fail line with the fix. Probes use made-up ids, so nothing
//! in the org is read or changed.

use miette::Diagnostic;

use super::live::NetArgs;
use crate::exit;
use crate::genesys::lookups::Probe;
use crate::genesys::{Client, Config, GenesysError};
use crate::guest::{self, SessionOptions, session};

/// Arguments of `routecheck doctor`.
#[derive(Debug, clap::Args)]
pub struct DoctorArgs {
    /// The Messenger deployment to check (default: $GENESYS_DEPLOYMENT_ID).
    #[arg(long, value_name = "ID", env = "GENESYS_DEPLOYMENT_ID")]
    pub deployment: Option<String>,
    /// The Origin a guest sends (an allowed domain of the deployment).
    #[arg(long, value_name = "URL")]
    pub origin: Option<String>,
    #[command(flatten)]
    pub net: NetArgs,
}

/// The features and the probe that proves each one's permission. The id is made up: a
/// permitted role gets 404 `not.found`, a refused one 403 `missing.any.permissions`.
const FEATURES: &[(&str, &str, Option<&str>, &str)] = &[
    (
        "read conversations (conversation:, guest: read-back)",
        "/api/v2/conversations/00000000-0000-4000-8000-000000000000",
        None,
        "give the OAuth client's role conversation:communication:view (Conversation > Communication > View)",
    ),
    (
        "message details (guest: finds its conversation)",
        "/api/v2/conversations/messages/00000000-0000-4000-8000-000000000000/details",
        None,
        "give the role conversation:message:view or conversation:webmessaging:view",
    ),
    (
        "queue names (guest: route:)",
        "/api/v2/routing/queues/00000000-0000-4000-8000-000000000000",
        None,
        "give the role routing:queue:view (Routing > Queue > View), or list the queues under `queues:` in the rules file",
    ),
    (
        "flow execution data (--flow-path)",
        "/api/v2/flows/instances/query?pageSize=1",
        Some(
            r#"{"query":[{"criteria":[{"key":"ConversationId","operator":"eq","value":"00000000-0000-4000-8000-000000000000"}]}]}"#,
        ),
        "give the role Architect > Flow Instance Execution Data > View, and turn execution data on for the org",
    ),
];

struct Report {
    failed: usize,
}

impl Report {
    fn line(&mut self, ok: bool, what: &str, detail: &str, fix: Option<&str>) {
        let mark = if ok { "ok  " } else { "FAIL" };
        anstream::println!("{mark} {what}: {detail}");
        if !ok {
            self.failed += 1;
            if let Some(f) = fix {
                anstream::println!("     fix: {f}");
            }
        }
    }
}

fn genesys_fix(e: &GenesysError) -> String {
    e.help().map(|h| h.to_string()).unwrap_or_default()
}

/// `routecheck doctor`.
pub fn run(args: DoctorArgs) -> u8 {
    let mut r = Report { failed: 0 };
    let config = Config::from_env(crate::project::working_dir_region());
    match &config {
        Ok(c) => r.line(true, "region", &format!("API {}", c.hosts.api_base), None),
        Err(e) => r.line(
            false,
            "region and credentials",
            &e.to_string(),
            Some(&genesys_fix(e)),
        ),
    }
    if let Ok(config) = config {
        let client = Client::new(config, &args.net.options());
        match client.check_credentials() {
            Ok(()) => {
                r.line(true, "credentials", "the OAuth client got a token", None);
                for (what, path, body, fix) in FEATURES {
                    match client.probe(*body, path) {
                        Ok(p) => {
                            let (ok, detail, permission) = judge(&p);
                            let other = (!permission).then(|| not_permission_fix(p.status));
                            r.line(ok, what, &detail, other.as_deref().or(Some(fix)));
                        }
                        Err(e) => r.line(false, what, &e.to_string(), Some(&genesys_fix(&e))),
                    }
                }
            }
            Err(e) => r.line(false, "credentials", &e.to_string(), Some(&genesys_fix(&e))),
        }
    }
    match (guest::webmessaging_base(|n| std::env::var(n).ok()), &args.deployment) {
        (Err(e), _) => r.line(false, "Guest API host", &e.to_string(), e.help().as_deref()),
        (Ok(_), None) => r.line(
            false,
            "deployment",
            "no deployment given",
            Some("set GENESYS_DEPLOYMENT_ID or pass --deployment (Admin > Message > Messenger Deployments)"),
        ),
        (Ok(base), Some(d)) => deployment(&mut r, base, d, args.origin.as_deref()),
    }
    if r.failed == 0 {
        anstream::println!("\nready: every check passed");
        exit::OK
    } else {
        anstream::println!("\n{} check(s) failed", r.failed);
        exit::FAILED
    }
}

/// 404 `not.found` on a made-up id (or 200 on a search) means the role may; 401 and 403
/// are the only answers that say it may not: the third value says whether the permission
/// fix applies. Any other answer is named as what it is (a redirect, a rejected request,
/// a server error), never as a missing permission.
fn judge(p: &Probe) -> (bool, String, bool) {
    let code = p.code.as_deref().map(crate::scrub::control);
    match (p.status, code) {
        (200..=299, _) => (true, "permitted".into(), false),
        (404, _) => (true, "permitted (a made-up id is not.found)".into(), false),
        (s @ (401 | 403), code) => (
            false,
            format!(
                "refused ({s} {})",
                code.as_deref().unwrap_or(reason(s).unwrap_or("refused"))
            ),
            true,
        ),
        (s, code) => {
            let what = match s {
                300..=399 => "a redirect",
                400..=499 => "a rejected request",
                500..=599 => "a server error",
                _ => "an unexpected status",
            };
            let name = reason(s).map(|r| format!(" {r}")).unwrap_or_default();
            let code = code.map(|c| format!(", code {c}")).unwrap_or_default();
            (
                false,
                format!("{what}: {s}{name}{code}, not a permission answer"),
                false,
            )
        }
    }
}

/// HTTP's name for a status (`Internal Server Error`).
fn reason(status: u16) -> Option<&'static str> {
    http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
}

/// What to do about an answer that is not about permissions.
fn not_permission_fix(status: u16) -> String {
    match status {
        300..=399 => "the API host redirected: check GENESYS_REGION (routecheck does not follow redirects to another host)".into(),
        500..=599 => "Genesys Cloud failed to answer: retry later, or see status.mypurecloud.com".into(),
        _ => format!("Genesys answered {status}: check GENESYS_REGION and that the org is reachable; this is not a missing permission"),
    }
}

fn deployment(r: &mut Report, base: String, id: &str, origin: Option<&str>) {
    let opts = SessionOptions::new(base);
    match session::configuration(&opts, id, origin, std::time::Duration::from_secs(20)) {
        Ok(seen) => {
            r.line(
                true,
                "deployment",
                &format!(
                    "getConfiguration answered (custom attributes up to {} bytes)",
                    seen.max_custom_data_bytes
                        .map_or_else(|| "?".into(), |b| b.to_string())
                ),
                None,
            );
            r.line(
                seen.message_routing_enabled == Some(true),
                "message routing",
                &format!(
                    "messageRoutingEnabled is {}",
                    seen.message_routing_enabled
                        .map_or_else(|| "missing".into(), |b| b.to_string())
                ),
                Some("publish the deployment with an Inbound Message flow (Admin > Message > Messenger Deployments)"),
            );
        }
        Err(e) => {
            let fix = e.help().unwrap_or_else(|| {
                "check the deployment id and that the deployment is active".into()
            });
            r.line(false, "deployment", &e.to_string(), Some(&fix));
        }
    }
}
