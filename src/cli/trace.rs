//! `routecheck trace`: run one Archy flow for one recorded conversation and print the
//! path it takes, so a flow author can see why a conversation lands where it does.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::pairs;
use crate::conversation::Conversation;
use crate::diag::SourceDiagnostic;
use crate::exit;
use crate::expr::{DateTime, Directory};
use crate::flow::stubs_file::{self, StubsFile};
use crate::flow::{Flow, RunInput, Stub, Stubs, trace::render_run, trace::render_step};
use crate::source::{self, FileKind};

mod replay;

/// Arguments of `routecheck trace`.
#[derive(Debug, clap::Args)]
pub struct TraceArgs {
    /// A rules file (or directory) whose case `--case` names: that case is replayed as
    /// `routecheck test` runs it (its flow, vars, stubs, recording or built conversation).
    #[arg(value_name = "RULES", conflicts_with_all = ["flow", "fixture", "attrs", "message", "say", "not_new", "stubs", "stubs_file", "queues"])]
    pub rules: Option<PathBuf>,
    /// The case of RULES to replay, by its exact name.
    #[arg(long, value_name = "NAME", requires = "rules")]
    pub case: Option<String>,
    /// The Archy flow file, or `tf:ADDRESS` (a `genesyscloud_flow` of `--terraform`).
    #[arg(long, required_unless_present = "rules")]
    pub flow: Option<PathBuf>,
    /// The conversation fixture (the API's conversation JSON); without it, a Web
    /// Messaging conversation is built from `--attr` and `--message`, as for a case
    /// without a recording.
    #[arg(long)]
    pub fixture: Option<PathBuf>,
    /// A participant attribute, KEY=VALUE (repeatable); over the fixture's, if any.
    #[arg(long = "attr", value_name = "KEY=VALUE")]
    pub attrs: Vec<String>,
    /// A `{{placeholder}}` value for the flow file, NAME=VALUE (repeatable); with
    /// Terraform, only for what it cannot know offline.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    #[command(flatten)]
    pub tf: super::tf::TfArgs,
    /// The output path an external action takes, 'Action Name=output' (repeatable);
    /// 'Action Name=' stubs a single-path action.
    #[arg(long = "stub", value_name = "ACTION=OUTPUT")]
    pub stubs: Vec<String>,
    /// A YAML file of stubs: `Action Name: { output: success, values: { State.X: v } }`.
    #[arg(long = "stubs", value_name = "FILE.yaml")]
    pub stubs_file: Option<PathBuf>,
    /// The customer's message (`Message.Message.body`); default: the fixture's first one.
    #[arg(long)]
    pub message: Option<String>,
    /// A later customer message, answering a bot's question (repeatable, in order).
    #[arg(long = "say", value_name = "TEXT")]
    pub say: Vec<String>,
    /// A queue for `FindQueueById`, ID=NAME (repeatable).
    #[arg(long = "queue", value_name = "ID=NAME")]
    pub queues: Vec<String>,
    /// The clock, RFC 3339 (default: now).
    #[arg(long, value_name = "RFC3339")]
    pub now: Option<String>,
    /// Run as a returning conversation (`Message.IsNewConversation` false).
    #[arg(long)]
    pub not_new: bool,
    /// Output: the steps as text, or the flow as a Mermaid flowchart with the path
    /// coloured and its edges numbered in order.
    #[arg(long, value_enum, default_value_t = TraceFormat::Text)]
    pub format: TraceFormat,
}

/// What `routecheck trace` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TraceFormat {
    /// One line per step, then the route.
    Text,
    /// A Mermaid flowchart of the flow with the path painted on it.
    Mermaid,
}

/// What the flow reads from a conversation fixture.
struct FixtureFacts {
    id: String,
    attributes: BTreeMap<String, String>,
    sender_address: Option<String>,
    trigger_message: Option<String>,
}

/// Why a trace could not run: a usage problem, located problems in input files, or an
/// exit code whose reason was already printed.
pub(super) enum Failure {
    Usage(String),
    Located(Box<SourceDiagnostic>),
    Many(Vec<SourceDiagnostic>),
    Exit(u8),
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Failure::Usage(message)
    }
}

/// Run `routecheck trace`.
pub fn run(args: TraceArgs) -> u8 {
    match run_inner(&args) {
        Ok(code) => code,
        Err(Failure::Usage(message)) => {
            let _ = writeln!(anstream::stderr(), "error: {message}");
            exit::USAGE
        }
        Err(Failure::Located(d)) => {
            super::print_diagnostics([&*d as &dyn miette::Diagnostic]);
            exit::USAGE
        }
        Err(Failure::Many(diags)) => {
            super::print_diagnostics(diags.iter().map(|d| d as &dyn miette::Diagnostic));
            exit::USAGE
        }
        Err(Failure::Exit(code)) => code,
    }
}

fn run_inner(args: &TraceArgs) -> Result<u8, Failure> {
    let flow_path = match (&args.flow, &args.rules) {
        (_, Some(rules)) => return replay::run(rules, args),
        (Some(f), None) => f,
        (None, None) => {
            return Err("give --flow FILE, or a rules file and --case NAME"
                .to_string()
                .into());
        }
    };
    let vars = pairs(&args.vars, "--var", "NAME=VALUE")?;
    let directory = Directory {
        queues: pairs(&args.queues, "--queue", "ID=NAME")?,
        ..Directory::default()
    };
    let now = match &args.now {
        Some(s) => DateTime::parse(s).map_err(|e| format!("--now: {e}"))?,
        None => now_utc(),
    };
    // routecheck.yaml: its placeholder values under --var, its stubs files under ours.
    let project = super::project_of(&super::file_inputs([flow_path])).map_err(Failure::Exit)?;
    let shared = match &project {
        Some(p) => stubs_file::read_all(&p.paths(&p.config.stubs)).map_err(Failure::Many)?,
        None => Vec::new(),
    };
    let tf = args.tf.read(project.as_ref()).map_err(Failure::Exit)?;
    let arg = super::tf::flow(
        flow_path,
        tf.as_ref(),
        &super::tf::fills(&vars, project.as_ref()),
    )?;
    arg.warn();
    let deploy = super::provenance::lines(&arg, tf.as_ref());
    let mut stubs = match &args.stubs_file {
        Some(p) => StubsFile::read(p).map_err(Failure::Located)?.stubs(),
        None => Stubs::default(),
    };
    for (name, output) in pairs(&args.stubs, "--stub", "'Action Name=output'")? {
        // `Name=` (empty) stubs a single-path action without choosing an output.
        let entry = stubs.0.entry(name).or_insert_with(Stub::default);
        entry.output = Some(output).filter(|o| !o.is_empty());
    }
    let flow = match Flow::load(&arg.path, &arg.vars) {
        Ok(f) => f,
        Err(diags) => return Err(Failure::Many(diags)),
    };
    // A bot the flow calls is found beside it or in the project's flows folders; a stub
    // may name an action of the flow or of a bot or module it runs.
    let library = crate::flow::Library::new(crate::project::call_dirs(flow_path), vars.clone())
        .with_bound(
            tf.as_ref()
                .map(|t| t.bound_flows(&super::tf::fills(&vars, project.as_ref())))
                .unwrap_or_default(),
        );
    let problems = library.check_stubs(&flow, &stubs);
    if !problems.is_empty() {
        return Err(problems.join("\nerror: ").into());
    }
    let (base, problems) = stubs_file::for_flow(&shared, &flow, &library.called_by(&flow));
    if !problems.is_empty() {
        return Err(Failure::Many(problems));
    }
    let stubs = base.merged(&stubs);
    let facts = match &args.fixture {
        Some(path) => read_fixture(path)?,
        None => built_conversation(),
    };
    let mut input = RunInput::new(facts.id, &stubs, &directory, now);
    input.attributes = facts.attributes;
    // `--attr` over the recording, as a case's `attributes:` over its fixture.
    input
        .attributes
        .extend(pairs(&args.attrs, "--attr", "KEY=VALUE")?);
    input.sender_address = facts.sender_address;
    input.message_body = args.message.clone().or(facts.trigger_message);
    input.is_new_conversation = !args.not_new;
    // The message starts the conversation and each --say answers the bot's next question.
    input.library = Some(&library);
    let conversation: Vec<crate::flow::CustomerMessage> = input
        .message_body
        .iter()
        .chain(&args.say)
        .map(|t| crate::flow::CustomerMessage::Text(t.clone()))
        .collect();
    input.conversation = &conversation;
    match flow.run(&input) {
        Ok(result) if args.format == TraceFormat::Mermaid => {
            let diagram = super::graph::with_comments(
                &super::graph::path_diagram(&flow, &result, Some(&library)),
                &deploy,
            );
            // A fixture's personal values (and secrets) never leave in a trace.
            let _ = write!(
                crate::source::render::stdout(),
                "{}",
                crate::scrub::text(&diagram)
            );
            Ok(exit::OK)
        }
        Ok(result) => {
            let mut out = crate::source::render::stdout();
            for l in &deploy {
                let _ = writeln!(out, "{l}");
            }
            let _ = write!(out, "{}", crate::scrub::text(&render_run(&result)));
            Ok(exit::OK)
        }
        Err(e) => {
            let mut out = crate::source::render::stdout();
            for (i, s) in e.trace.iter().enumerate() {
                let step = render_step(s);
                let _ = writeln!(out, "{:>3}. {}", i + 1, crate::scrub::text(&step));
            }
            super::print_diagnostics([&*e.diagnostic as &dyn miette::Diagnostic]);
            Ok(exit::USAGE)
        }
    }
}

/// The conversation id, the customer participant's attributes, its address and last
/// message text, read by the same conversation loader the rules runner uses.
fn read_fixture(path: &Path) -> Result<FixtureFacts, Failure> {
    let name = path.display().to_string();
    let source = source::read_source(path, &name, FileKind::Fixture).map_err(Failure::Located)?;
    let text: &str = &source.text;
    // A caret under the offending JSON, like every other located error.
    let located = |e: crate::conversation::FixtureError| {
        let at = source.offset_of(e.line, e.col);
        let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
        let mut d = SourceDiagnostic::error(&source, (at, end), e.message)
            .with_code("routecheck::trace::fixture");
        if let Some(p) = e.path {
            d = d.with_label(format!("at {p}"));
        }
        Failure::Located(Box::new(d))
    };
    let conv = Conversation::parse(&name, text).map_err(located)?;
    let customer = conv.select("customer").map_err(located)?.participant;
    let id = conv
        .id
        .clone()
        .ok_or_else(|| format!("{name}: the conversation has no `id`"))?;
    Ok(FixtureFacts {
        id,
        attributes: customer.attributes.iter().flatten().cloned().collect(),
        sender_address: customer.first_message.sender.clone(),
        trigger_message: customer.first_message.body.clone(),
    })
}

/// No fixture: the conversation a case without a recording gets, with no attributes
/// and no message of its own (`--attr` and `--message` give them).
fn built_conversation() -> FixtureFacts {
    FixtureFacts {
        id: crate::conversation::synthetic::CONVERSATION_ID.to_string(),
        attributes: BTreeMap::new(),
        sender_address: None,
        trigger_message: None,
    }
}

pub(super) fn now_utc() -> DateTime {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    DateTime(ms)
}
