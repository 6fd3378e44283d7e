//! `routecheck inject`: participant attributes set through the API, with the warnings
//! Genesys would not give (prefixes, JSON, case, size), the participant picked by
//! purpose, the write read back, and a lint manifest written.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;

use super::record::write_atomic;
use super::{DEFAULT_MAX_BYTES, LiveError, NetArgs, fail, parse_secs, report, warn};
use crate::exit;
use crate::genesys::Client;
use crate::genesys::GenesysError;

/// Arguments of `routecheck inject`.
#[derive(Debug, clap::Args)]
pub struct InjectArgs {
    /// Conversation id.
    #[arg(value_name = "CONVERSATION_ID")]
    pub conversation: String,
    /// Attributes to set, as KEY=VALUE (values are stored as strings).
    #[arg(required = true, value_name = "KEY=VALUE")]
    pub pairs: Vec<String>,
    /// Participant to set them on (default: the participant whose purpose is `customer`).
    #[arg(long, value_name = "ID")]
    pub participant: Option<String>,
    /// Print the request instead of sending it.
    #[arg(long)]
    pub dry_run: bool,
    /// Write a YAML manifest of what was sent ({conversation, participant, attributes}).
    #[arg(long, value_name = "FILE")]
    pub manifest: Option<PathBuf>,
    /// Warn when keys plus values exceed this many UTF-8 bytes (Web Messaging budget).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_BYTES)]
    pub max_bytes: usize,
    /// How long to keep re-reading when the read-back does not match yet, in seconds.
    #[arg(long, value_name = "SECS", default_value = "2", value_parser = parse_secs)]
    pub settle: Duration,
    #[command(flatten)]
    pub net: NetArgs,
}

// ---------------------------------------------------------------- inject

/// `routecheck inject`.
pub fn inject(args: InjectArgs) -> u8 {
    let attributes = match parse_pairs(&args.pairs) {
        Ok(a) => a,
        Err(e) => return report(&e),
    };
    for w in static_warnings(&attributes, args.max_bytes) {
        warn(&w);
    }

    // A dry run with an explicit participant needs no credentials at all.
    if args.dry_run && args.participant.is_some() {
        let pid = args.participant.as_deref().unwrap_or_default();
        warn("not reading the conversation: case clashes with existing keys were not checked");
        print_request("<GENESYS_API_BASE>", &args.conversation, pid, &attributes);
        return exit::OK;
    }

    let client = match Client::from_env(&args.net.options(), crate::project::working_dir_region()) {
        Ok(c) => c,
        Err(e) => return report(&e),
    };
    let conversation = match client.get_conversation(&args.conversation) {
        Ok(c) => c,
        Err(e) => return report(&e),
    };
    let participant = match pick_participant(&conversation, args.participant.as_deref()) {
        Ok(p) => p,
        Err(e) => return report(&e),
    };
    let pid = participant
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    for w in case_clashes(participant, &attributes) {
        warn(&w);
    }

    if args.dry_run {
        print_request(client.api_base(), &args.conversation, &pid, &attributes);
        if args.manifest.is_some() {
            warn("--dry-run: no manifest written (nothing was sent)");
        }
        return exit::OK;
    }

    // Refuse before anything is sent: a manifest that cannot be written after the PATCH
    // would leave a change nobody has a record of.
    if let Some(path) = &args.manifest
        && let Err(e) = check_writable(path)
    {
        return report(&e);
    }
    if let Err(e) = client.patch_participant_attributes(&args.conversation, &pid, &attributes) {
        return report(&e);
    }
    let sent = format!(
        "PATCH sent: {} attribute(s) set on participant {pid} of conversation {}",
        attributes.len(),
        args.conversation
    );
    // From here on every exit says the PATCH was applied.
    let mut manifest_failed = false;
    if let Some(path) = &args.manifest
        && let Err(e) = write_manifest(path, &args.conversation, &pid, &attributes)
    {
        report(&e);
        warn(&format!("{sent}, but the manifest was not written"));
        manifest_failed = true;
    }
    let status = match verify(&client, &args, &pid, &attributes) {
        Ok(mismatches) if mismatches.is_empty() => {
            crate::outln!(
                "set {} attribute(s) on participant {pid} of conversation {}; read back and verified",
                attributes.len(),
                args.conversation
            );
            exit::OK
        }
        Ok(mismatches) => {
            let mut err = anstream::stderr();
            let _ = writeln!(
                err,
                "error: the read-back of participant {pid} differs from what was sent:"
            );
            for m in &mismatches {
                let _ = writeln!(err, "  {m}");
            }
            let _ = writeln!(
                err,
                "  help: Genesys accepted the PATCH but did not store these values; check for keys it reserves or drops, and the attribute size budget"
            );
            exit::FAILED
        }
        Err(e) => {
            report(&e);
            warn(&format!("{sent}; the read-back failed"));
            exit::USAGE
        }
    };
    if manifest_failed { exit::USAGE } else { status }
}

/// Whether the manifest can be written at `path`, checked before the PATCH: the writer's
/// own check ([`crate::source::write::check`]), its directory exists and accepts a new file (the writer replaces through a
/// temporary file beside it), and an existing file is writable.
fn check_writable(path: &Path) -> Result<(), LiveError> {
    let cannot = |why: String| {
        fail(
            format!(
                "cannot write the manifest {}: {why}; nothing was sent",
                path.display()
            ),
            Some("pass a --manifest path in a writable directory".to_string()),
        )
    };
    if path.as_os_str() == "-" {
        return Ok(());
    }
    // Links out of the project, FIFOs, devices, directories: the writer's own rule.
    if let Err(e) = crate::source::write::check(path) {
        return Err(fail(
            format!("cannot write the manifest: {e}; nothing was sent"),
            Some("pass a --manifest path that is a regular file or a new one".to_string()),
        ));
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(cannot(format!("{} is not a directory", dir.display())));
    }
    let probe = dir.join(format!(".routecheck-manifest-probe-{}", std::process::id()));
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
    {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
        }
        Err(e) => return Err(cannot(e.to_string())),
    }
    if path.is_file() {
        std::fs::OpenOptions::new()
            .append(true)
            .open(path)
            .map_err(|e| cannot(e.to_string()))?;
    }
    Ok(())
}

fn parse_pairs(pairs: &[String]) -> Result<BTreeMap<String, String>, LiveError> {
    let mut out = BTreeMap::new();
    for p in pairs {
        let Some((k, v)) = p.split_once('=') else {
            return Err(fail(
                format!("`{p}` is not KEY=VALUE"),
                Some("write each attribute as KEY=VALUE, e.g. Tier=platinum".into()),
            ));
        };
        if k.trim().is_empty() {
            return Err(fail(format!("`{p}` has an empty key"), None::<String>));
        }
        if k != k.trim() {
            return Err(fail(
                format!("the key `{k}` has leading or trailing spaces"),
                Some(
                    "Architect reads the exact key; remove the spaces or quote differently".into(),
                ),
            ));
        }
        if out.insert(k.to_string(), v.to_string()).is_some() {
            return Err(fail(
                format!("the key `{k}` is given twice"),
                Some("give each key once".into()),
            ));
        }
    }
    Ok(out)
}

/// Warnings that need no conversation: prefixes, JSON-looking values, in-request case
/// clashes and the byte budget.
fn static_warnings(attrs: &BTreeMap<String, String>, max_bytes: usize) -> Vec<String> {
    let mut out = Vec::new();
    for (k, v) in attrs {
        let lower = k.to_ascii_lowercase();
        if lower.starts_with("custom.") || lower.starts_with("system.") {
            out.push(format!(
                "key `{k}`: participant attributes are a flat map; the prefix is part of the name, and Architect's Get Participant Data must read the exact key `{k}`"
            ));
        }
        let t = v.trim();
        if (t.starts_with('{') || t.starts_with('[')) && serde_json::from_str::<Value>(t).is_ok() {
            out.push(format!(
                "key `{k}`: the value is JSON text; Genesys stores it as one plain string and Architect cannot read fields out of it"
            ));
        }
        if t == "null" {
            out.push(format!(
                "key `{k}`: the value is the 4-letter string \"null\", not an unset attribute (Architect's IsNotSet is false)"
            ));
        }
    }
    let keys: Vec<&String> = attrs.keys().collect();
    for (i, a) in keys.iter().enumerate() {
        for b in keys.iter().skip(i + 1) {
            if a.eq_ignore_ascii_case(b) {
                out.push(format!(
                    "keys `{a}` and `{b}` differ only in case; Genesys keeps both and Architect reads exactly one"
                ));
            }
        }
    }
    let bytes: usize = attrs.iter().map(|(k, v)| k.len() + v.len()).sum();
    if bytes > max_bytes {
        out.push(format!(
            "the attributes take {bytes} bytes (keys plus values, UTF-8), over the {max_bytes}-byte Web Messaging custom-attribute budget (--max-bytes); Messenger refuses maps that large"
        ));
    }
    out
}

fn case_clashes(participant: &Value, attrs: &BTreeMap<String, String>) -> Vec<String> {
    let Some(existing) = participant.get("attributes").and_then(Value::as_object) else {
        return vec![];
    };
    let mut out = vec![];
    for k in attrs.keys() {
        for e in existing.keys() {
            if e != k && e.eq_ignore_ascii_case(k) {
                out.push(format!(
                    "key `{k}` differs only in case from `{e}`, already on the participant; Genesys keeps both and Architect reads exactly one"
                ));
            }
        }
    }
    out
}

/// The participant to write to: the one named, or the single `customer`.
fn pick_participant<'a>(
    conversation: &'a Value,
    wanted: Option<&str>,
) -> Result<&'a Value, LiveError> {
    let participants = conversation
        .get("participants")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let id_of = |p: &Value| p.get("id").and_then(Value::as_str).map(str::to_string);
    if let Some(w) = wanted {
        return participants
            .iter()
            .find(|p| id_of(p).as_deref() == Some(w))
            .ok_or_else(|| {
                fail(
                    format!("the conversation has no participant `{w}`"),
                    Some(format!("participants: {}", describe(participants))),
                )
            });
    }
    let indices = crate::conversation::customer_indices(
        participants
            .iter()
            .map(|p| p.get("purpose").and_then(Value::as_str)),
    );
    let customers: Vec<&Value> = indices.iter().map(|&i| &participants[i]).collect();
    match customers.as_slice() {
        [one] if id_of(one).is_some() => Ok(one),
        [] | [_] => Err(fail(
            "the conversation has no customer participant with an id",
            Some(format!(
                "choose one with --participant; participants: {}",
                describe(participants)
            )),
        )),
        _ => Err(fail(
            crate::conversation::ambiguous_customer_message(&indices),
            Some(format!(
                "choose one with --participant; participants: {}",
                describe(participants)
            )),
        )),
    }
}

fn describe(participants: &[Value]) -> String {
    if participants.is_empty() {
        return "none".into();
    }
    participants
        .iter()
        .map(|p| {
            format!(
                "{} ({})",
                p.get("id").and_then(Value::as_str).unwrap_or("<no id>"),
                p.get("purpose")
                    .and_then(Value::as_str)
                    .unwrap_or("<no purpose>")
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn print_request(base: &str, cid: &str, pid: &str, attrs: &BTreeMap<String, String>) {
    let body = serde_json::json!({ "attributes": attrs });
    crate::outln!("PATCH {base}/api/v2/conversations/messages/{cid}/participants/{pid}/attributes");
    crate::outln!("Content-Type: application/json");
    crate::outln!();
    crate::outln!(
        "{}",
        serde_json::to_string_pretty(&body).unwrap_or_else(|_| body.to_string())
    );
}

#[derive(serde::Serialize)]
struct Manifest<'a> {
    conversation: &'a str,
    participant: &'a str,
    attributes: &'a BTreeMap<String, String>,
}

fn write_manifest(
    path: &Path,
    cid: &str,
    pid: &str,
    attrs: &BTreeMap<String, String>,
) -> Result<(), LiveError> {
    let text = serde_saphyr::to_string(&Manifest {
        conversation: cid,
        participant: pid,
        attributes: attrs,
    })
    .map_err(|e| fail(format!("cannot write the manifest: {e}"), None::<String>))?;
    write_atomic(path, text.as_bytes(), true)
}

/// Read the conversation back until every key matches or `--settle` runs out; returns the
/// differences still left.
fn verify(
    client: &Client,
    args: &InjectArgs,
    pid: &str,
    sent: &BTreeMap<String, String>,
) -> Result<Vec<String>, GenesysError> {
    let deadline = std::time::Instant::now() + args.settle;
    loop {
        let conversation = client.get_conversation(&args.conversation)?;
        let stored = conversation
            .get("participants")
            .and_then(Value::as_array)
            .and_then(|ps| {
                ps.iter()
                    .find(|p| p.get("id").and_then(Value::as_str) == Some(pid))
            })
            .and_then(|p| p.get("attributes"))
            .and_then(Value::as_object);
        let mut mismatches = vec![];
        for (k, v) in sent {
            match stored.and_then(|s| s.get(k)) {
                Some(Value::String(s)) if s == v => {}
                Some(Value::String(s)) => {
                    mismatches.push(format!("`{k}`: sent {}, stored {}", quoted(v), quoted(s)))
                }
                Some(other) => mismatches.push(format!(
                    "`{k}`: sent {}, stored the non-string {other}",
                    quoted(v)
                )),
                None => mismatches.push(format!("`{k}`: sent {}, not stored", quoted(v))),
            }
        }
        if mismatches.is_empty() || std::time::Instant::now() >= deadline {
            return Ok(mismatches);
        }
        std::thread::sleep(Duration::from_millis(500));
    }
}

fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("{s:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn attrs(p: &[(&str, &str)]) -> BTreeMap<String, String> {
        p.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn pairs_parse_strictly() {
        let ok = parse_pairs(&["Tier=platinum".into(), "Url=a=b".into(), "Empty=".into()]).unwrap();
        assert_eq!(ok["Url"], "a=b");
        assert_eq!(ok["Empty"], "");
        assert!(parse_pairs(&["novalue".into()]).is_err());
        assert!(parse_pairs(&["=x".into()]).is_err());
        assert!(parse_pairs(&["A=1".into(), "A=2".into()]).is_err());
    }

    #[test]
    fn warnings_cover_prefixes_json_case_and_size() {
        let w = static_warnings(
            &attrs(&[
                ("custom.Tier", "gold"),
                ("Obj", r#"{"a":1}"#),
                ("Num", "123"),
                ("tier", "x"),
                ("TIER", "y"),
            ]),
            2048,
        );
        assert!(
            w.iter()
                .any(|m| m.contains("custom.Tier") && m.contains("flat"))
        );
        assert!(w.iter().any(|m| m.contains("`Obj`") && m.contains("JSON")));
        assert!(!w.iter().any(|m| m.contains("`Num`")));
        assert!(w.iter().any(|m| m.contains("differ only in case")));
        let big = static_warnings(&attrs(&[("k", &"x".repeat(3000))]), 2048);
        assert!(big.iter().any(|m| m.contains("3001 bytes")));
    }

    #[test]
    fn the_customer_is_picked_by_purpose() {
        let c = json!({"participants": [
            {"id": "a", "purpose": "acd", "attributes": {"Tier": "gold"}},
            {"id": "c", "purpose": "customer", "attributes": {"Tier": "gold"}}
        ]});
        assert_eq!(pick_participant(&c, None).unwrap()["id"], "c");
        assert_eq!(pick_participant(&c, Some("a")).unwrap()["id"], "a");
        assert!(pick_participant(&c, Some("zz")).is_err());
        let none = json!({"participants": [{"id": "a", "purpose": "agent"}]});
        let e = pick_participant(&none, None).unwrap_err();
        assert!(e.help.unwrap_or_default().contains("a (agent)"));
        let clash = case_clashes(&c["participants"][1], &attrs(&[("tier", "x")]));
        assert_eq!(clash.len(), 1);
    }
}
