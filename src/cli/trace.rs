//! `routecheck trace`: run one Archy flow for one recorded conversation and print the
//! path it takes, so a flow author can see why a conversation lands where it does.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::conversation::Conversation;
use crate::exit;
use crate::expr::{DateTime, Directory};
use crate::flow::{Flow, RunInput, Stub, Stubs, trace::render_run, trace::render_step};

/// Arguments of `routecheck trace`.
#[derive(Debug, clap::Args)]
pub struct TraceArgs {
    /// The Archy flow file.
    #[arg(long)]
    pub flow: PathBuf,
    /// The conversation fixture (the API's conversation JSON).
    #[arg(long)]
    pub fixture: PathBuf,
    /// A `{{placeholder}}` value for the flow file, NAME=VALUE (repeatable).
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    /// The output path an external action takes, 'Action Name=output' (repeatable);
    /// 'Action Name=' stubs a single-path action.
    #[arg(long = "stub", value_name = "ACTION=OUTPUT")]
    pub stubs: Vec<String>,
    /// A YAML file of stubs: `Action Name: { output: success, values: { State.X: v } }`.
    #[arg(long = "stubs", value_name = "FILE.yaml")]
    pub stubs_file: Option<PathBuf>,
    /// The customer's message (`Message.Message.body`); default: the fixture's last one.
    #[arg(long)]
    pub message: Option<String>,
    /// A queue for `FindQueueById`, ID=NAME (repeatable).
    #[arg(long = "queue", value_name = "ID=NAME")]
    pub queues: Vec<String>,
    /// The clock, RFC 3339 (default: now).
    #[arg(long, value_name = "RFC3339")]
    pub now: Option<String>,
    /// Run as a returning conversation (`Message.IsNewConversation` false).
    #[arg(long)]
    pub not_new: bool,
}

/// What the flow reads from a conversation fixture.
struct FixtureFacts {
    id: String,
    attributes: BTreeMap<String, String>,
    sender_address: Option<String>,
    last_message: Option<String>,
}

/// Run `routecheck trace`.
pub fn run(args: TraceArgs) -> u8 {
    match run_inner(&args) {
        Ok(code) => code,
        Err(message) => {
            let _ = writeln!(anstream::stderr(), "error: {message}");
            exit::USAGE
        }
    }
}

fn run_inner(args: &TraceArgs) -> Result<u8, String> {
    let vars = pairs(&args.vars, "--var", "NAME=VALUE")?;
    let directory = Directory {
        queues: pairs(&args.queues, "--queue", "ID=NAME")?,
        ..Directory::default()
    };
    let now = match &args.now {
        Some(s) => DateTime::parse(s).map_err(|e| format!("--now: {e}"))?,
        None => now_utc(),
    };
    let mut stubs = match &args.stubs_file {
        Some(p) => read_stubs(p)?,
        None => Stubs::default(),
    };
    for (name, output) in pairs(&args.stubs, "--stub", "'Action Name=output'")? {
        // `Name=` (empty) stubs a single-path action without choosing an output.
        let entry = stubs.0.entry(name).or_insert_with(Stub::default);
        entry.output = Some(output).filter(|o| !o.is_empty());
    }
    let flow = match Flow::load(&args.flow, &vars) {
        Ok(f) => f,
        Err(diags) => {
            super::print_diagnostics(diags.iter().map(|d| d as &dyn miette::Diagnostic));
            return Ok(exit::USAGE);
        }
    };
    let problems = flow.check_stubs(&stubs);
    if !problems.is_empty() {
        return Err(problems.join("\nerror: "));
    }
    let facts = read_fixture(&args.fixture)?;
    let mut input = RunInput::new(facts.id, &stubs, &directory, now);
    input.attributes = facts.attributes;
    input.sender_address = facts.sender_address;
    input.message_body = args.message.clone().or(facts.last_message);
    input.is_new_conversation = !args.not_new;
    match flow.run(&input) {
        Ok(result) => {
            let _ = write!(anstream::stdout(), "{}", render_run(&result));
            Ok(exit::OK)
        }
        Err(e) => {
            let mut out = anstream::stdout();
            for (i, s) in e.trace.iter().enumerate() {
                let _ = writeln!(out, "{:>3}. {}", i + 1, render_step(s));
            }
            super::print_diagnostics([&*e.diagnostic as &dyn miette::Diagnostic]);
            Ok(exit::USAGE)
        }
    }
}

/// `NAME=VALUE` arguments as a map; a missing `=` or empty name is a usage error.
pub(super) fn pairs(
    items: &[String],
    flag: &str,
    shape: &str,
) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for item in items {
        match item.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => {
                out.insert(k.trim().to_string(), v.to_string());
            }
            _ => return Err(format!("{flag} expects {shape}, got `{item}`")),
        }
    }
    Ok(out)
}

fn read_stubs(path: &Path) -> Result<Stubs, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_saphyr::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// The conversation id, the customer participant's attributes, its address and last
/// message text, read by the same conversation loader the rules runner uses.
fn read_fixture(path: &Path) -> Result<FixtureFacts, String> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {name}: {e}"))?;
    let conv = Conversation::parse(&name, &text).map_err(|e| e.to_string())?;
    let customer = conv
        .select("customer")
        .map_err(|e| e.to_string())?
        .participant;
    let id = conv
        .id
        .clone()
        .ok_or_else(|| format!("{name}: the conversation has no `id`"))?;
    Ok(FixtureFacts {
        id,
        attributes: customer.attributes.iter().flatten().cloned().collect(),
        sender_address: customer.last_message.sender.clone(),
        last_message: customer.last_message.body.clone(),
    })
}

fn now_utc() -> DateTime {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    DateTime(ms)
}
