//! `routecheck gen`: write a rules file of cases without recordings that reaches every
//! branch of a flow; `--for` appends to an existing suite only what it misses; `--check`
//! fails (exit 1) when a flow has branches no suite reaches, printing a case for each.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::exit;
use crate::expr::Directory;
use crate::flow::{Bound, Flow, Library};
use crate::r#gen::write::{self, StubMap};
use crate::r#gen::{self as generator, Budget, GenOptions, Generated, existing};
use crate::suite::RunConfig;

/// Arguments of `routecheck gen`.
#[derive(Debug, clap::Args)]
pub struct GenArgs {
    /// The Archy flow file, or `tf:ADDRESS` (a `genesyscloud_flow` of `--terraform`);
    /// repeatable. Default: routecheck.yaml's `flows:`, and with Terraform every
    /// `genesyscloud_flow` it deploys.
    #[arg(long = "flow", value_name = "FILE")]
    pub flows: Vec<PathBuf>,
    /// A `{{placeholder}}` value for the flow, NAME=VALUE (repeatable); with Terraform,
    /// only for what it cannot know offline.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    #[command(flatten)]
    pub tf: super::tf::TfArgs,
    /// Where to write the rules file (default: stdout); with several flows, a directory.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Append cases to this rules file for the branches it does not reach yet.
    #[arg(long = "for", value_name = "RULES_FILE", conflicts_with = "out")]
    pub for_file: Option<PathBuf>,
    /// Exit 1 when a flow has branches no suite reaches, printing a case for each.
    #[arg(long, conflicts_with_all = ["out", "for_file"])]
    pub check: bool,
    /// Rules files or directories the suites are in, for `--check` (default:
    /// routecheck.yaml's `rules:`, else rules/).
    #[arg(long = "rules", value_name = "PATH")]
    pub rules: Vec<PathBuf>,
    /// The most flow runs the search spends per flow.
    #[arg(long, value_name = "N", default_value_t = Budget::default().runs)]
    pub max_runs: usize,
    /// The clock the search starts from, RFC 3339 (default: now); with the deploy's
    /// schedules, the cases' `now:` clocks are picked from the week after it.
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
}

/// Run `routecheck gen`.
pub fn run(mut args: GenArgs) -> u8 {
    let usage = |m: String| {
        let _ = writeln!(anstream::stderr(), "error: {m}");
        exit::USAGE
    };
    let cli_vars = match super::pairs(&args.vars, "--var", "NAME=VALUE") {
        Ok(v) => v,
        Err(m) => return usage(m),
    };
    // routecheck.yaml: its placeholder values under --var, and with no --flow (nor --for
    // or --check) every flow it names.
    let inputs = super::file_inputs(args.flows.iter().chain(&args.rules).chain(&args.for_file));
    let project = match super::project_of(&inputs) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let mut vars = cli_vars.clone();
    let tf = match args.tf.read(project.as_ref()) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let tf_options = match args.tf.options(project.as_ref()) {
        Ok(o) => o,
        Err(m) => return usage(m),
    };
    // Where gen runs existing suites (`--for`, `--check`): the --var values as `test`
    // takes them, and the project's vars, stubs files and excludes as `test` reads them.
    let suites = RunConfig {
        vars: vars.clone(),
        terraform: tf_options,
        ..super::test::project_base(project.as_ref())
    };
    // Set when the flows are routecheck.yaml's (no --flow): messages then say so.
    let mut from_config: Option<PathBuf> = None;
    if let Some(p) = &project {
        for (k, v) in &p.config.vars {
            vars.entry(k.clone()).or_insert_with(|| v.clone());
        }
        if args.flows.is_empty() && args.for_file.is_none() && !args.check {
            args.flows = match flow_files(&p.paths(&p.config.flows), &p.excludes()) {
                Ok(f) => f,
                Err(e) => return usage(e.to_string()),
            };
            from_config = Some(p.file.clone());
        }
        if let (Some(tf), Some(_)) = (&tf, &from_config) {
            // The deploy's flows, each with its substitutions; and the files it does not deploy.
            args.flows.retain(|f| tf.flows_of_file(f).is_empty());
            args.flows.splice(0..0, super::tf::deployed_flows(tf));
        }
        if args.rules.is_empty() {
            args.rules = if p.config.rules.is_empty() {
                vec![p.path("rules")]
            } else {
                p.paths(&p.config.rules)
            };
        }
    }
    // The deploy's schedules decide the flow's schedule actions at each case's `now:`.
    let deploy = tf
        .as_ref()
        .map(crate::terraform::deploy::read)
        .unwrap_or_default();
    let mut opts = GenOptions {
        budget: Budget {
            runs: args.max_runs,
            ..Budget::default()
        },
        deploy: &deploy,
        ..GenOptions::default()
    };
    if let Some(t) = &args.now {
        match crate::expr::DateTime::parse(t.trim()) {
            Ok(now) => opts.now = now,
            Err(e) => return usage(format!("--now {t}: {e}")),
        }
    }
    if let Some(rules) = &args.for_file {
        let suites = RunConfig {
            paths: vec![rules.clone()],
            ..suites
        };
        return append(rules, suites, &opts);
    }
    if let Some(tf) = &tf
        && args.flows.is_empty()
        && args.for_file.is_none()
        && !args.check
    {
        args.flows = super::tf::deployed_flows(tf);
    }
    let fills = super::tf::fills(&cli_vars, project.as_ref());
    let mut resolved = Vec::new();
    for f in &args.flows {
        match super::tf::flow(f, tf.as_ref(), &fills) {
            Ok(a) => {
                a.warn();
                resolved.push(a);
            }
            Err(m) => return usage(m),
        }
    }
    // Each flow a `genesyscloud_flow` deploys is called with its own resource's values.
    let bound = tf
        .as_ref()
        .map(|t| t.bound_flows(&fills))
        .unwrap_or_default();
    if args.check {
        return check(&args, &resolved, &bound, suites, &opts);
    }
    let names: Vec<PathBuf> = resolved.iter().map(target_name).collect();
    let targets = match targets(&names, args.out.as_deref(), from_config.as_deref()) {
        Ok(t) => t,
        Err(m) => return usage(m),
    };
    let mut flows = Vec::new();
    let mut libraries = Vec::new();
    for a in &resolved {
        match load(&a.path, &a.vars) {
            Some(f) => flows.push(f),
            None => return exit::USAGE,
        }
        libraries.push(library(&a.path, &a.vars, &bound));
    }
    let t0 = Instant::now();
    let pairs: Vec<(&Flow, Option<&Library>, BTreeSet<usize>)> = flows
        .iter()
        .zip(&libraries)
        .map(|(f, l)| (f, Some(l), BTreeSet::new()))
        .collect();
    let results = generator::generate_all(&pairs, &Directory::default(), &opts);
    for (((arg, flow), g), out) in resolved.iter().zip(&flows).zip(&results).zip(targets) {
        let path = &arg.path;
        // A deployed flow is named by its address: its substitutions come from Terraform.
        let flow_ref = match (arg.terraform_ref(), &out) {
            (Some(r), _) => r,
            (None, Some(o)) => {
                crate::source::shown::relative(path, o.parent().unwrap_or(Path::new(".")))
            }
            (None, None) => stdout_flow_ref(path),
        };
        let own = written_vars(arg, &vars);
        let text = rules_text(flow, g, &flow_ref, &path.display().to_string(), &own);
        match &out {
            Some(o) => {
                // `--out rules/new/vip.yaml`: the path is checked, then its folders made.
                if let Err(e) = crate::source::write::write_report(o, text.as_bytes()) {
                    return usage(e.to_string());
                }
            }
            None => {
                let _ = write!(crate::source::render::stdout(), "{text}");
            }
        }
        summary(flow, g, out.as_deref());
    }
    let _ = writeln!(
        anstream::stderr(),
        "generated in {:.2}s",
        t0.elapsed().as_secs_f64()
    );
    exit::OK
}

/// Where each flow's rules file goes (None: stdout), or why the arguments do not say.
/// One flow: stdout, `--out FILE`, or `--out DIR` (an existing directory or a path ending
/// in `/`). Several: `--out DIR`, created when missing, one `<flow stem>.generated.yaml`
/// each.
fn targets(
    flows: &[PathBuf],
    out: Option<&Path>,
    from_config: Option<&Path>,
) -> Result<Vec<Option<PathBuf>>, String> {
    let listed = || {
        let names: Vec<String> = flows.iter().map(|f| f.display().to_string()).collect();
        let more = names.len().saturating_sub(5);
        let mut shown = names.into_iter().take(5).collect::<Vec<_>>().join(", ");
        if more > 0 {
            shown.push_str(&format!(" and {more} more"));
        }
        shown
    };
    if flows.is_empty() {
        return Err(match from_config {
            Some(config) => format!(
                "{}: `flows:` names no flow file: give the flow with --flow FILE",
                config.display()
            ),
            None => "give the flow with --flow FILE (or --for RULES_FILE, or --check), or list flows under `flows:` in routecheck.yaml".into(),
        });
    }
    let stdout = out.is_some_and(crate::source::write::is_stdout);
    let dir = out.filter(|o| {
        !stdout
            && (flows.len() > 1
                || o.is_dir()
                || o.as_os_str().to_string_lossy().ends_with(['/', '\\']))
    });
    if flows.len() > 1 && dir.is_none() {
        let whose = match from_config {
            Some(config) => format!(
                "{} names {} flows ({})",
                config.display(),
                flows.len(),
                listed()
            ),
            None => format!("{} --flow given ({})", flows.len(), listed()),
        };
        return Err(format!(
            "{whose}: one rules file is written per flow, so give --out DIR (created when missing; e.g. --out rules/generated/), or --flow FILE for one of them"
        ));
    }
    let Some(dir) = dir else {
        return Ok(vec![out.filter(|_| !stdout).map(Path::to_path_buf)]);
    };
    let mut seen: BTreeMap<PathBuf, &PathBuf> = BTreeMap::new();
    let mut targets = Vec::new();
    for flow in flows {
        let stem = flow
            .file_stem()
            .map_or("flow".into(), |s| s.to_string_lossy());
        let target = dir.join(format!("{stem}.generated.yaml"));
        if let Some(first) = seen.insert(target.clone(), flow) {
            return Err(format!(
                "{} and {} would both be written to {}: generate them one at a time (--flow FILE --out FILE)",
                first.display(),
                flow.display(),
                target.display()
            ));
        }
        targets.push(Some(target));
    }
    Ok(targets)
}

/// The `flow:` of a rules file written to stdout, whose place gen cannot know: from the
/// project root (`//flows/x.yaml`), which means the same file wherever in the project the
/// output is saved. Outside any project (no routecheck.yaml, no git) the path as given,
/// which resolves only from a file saved in the working directory: said on stderr.
fn stdout_flow_ref(path: &Path) -> String {
    if let Some(rooted) = crate::project::as_root_relative(path) {
        return rooted;
    }
    let _ = writeln!(
        anstream::stderr(),
        "note: {} is in no project (no routecheck.yaml or git work tree above it): `flow:` is written relative to the working directory, so save the output here or use --out FILE",
        path.display()
    );
    crate::source::shown::relative(path, Path::new("."))
}

fn load(path: &Path, vars: &BTreeMap<String, String>) -> Option<Flow> {
    match Flow::load(path, vars) {
        Ok(f) => Some(f),
        Err(diags) => {
            super::print_diagnostics(diags.iter().map(|d| d as &dyn miette::Diagnostic));
            None
        }
    }
}

/// Where a flow's calls find the bots and modules they run, as `test` finds them: beside
/// it and in the project's flows folders, each deployed flow with its resource's values.
fn library(path: &Path, vars: &BTreeMap<String, String>, bound: &[Bound]) -> Library {
    Library::new(crate::project::call_dirs(path), vars.clone()).with_bound(bound.to_vec())
}

/// What was generated and what could not be, on stderr.
fn summary(flow: &Flow, g: &Generated, out: Option<&Path>) {
    let mut err = anstream::stderr();
    // The flow's branches and those of the bots and modules it runs.
    let total = g.goals;
    let _ = writeln!(
        err,
        "{}: {} case(s){}; {} of {total} branches unreached ({} runs{})",
        flow.file_name(),
        g.cases.len(),
        out.map(|o| format!(" written to {}", o.display()))
            .unwrap_or_default(),
        g.dead.len() + g.unreached.len(),
        g.runs,
        if g.exhausted {
            ", search bound reached"
        } else {
            ""
        }
    );
    for d in &g.dead {
        let (line, col) = flow.source().line_col(d.at);
        let _ = writeln!(
            err,
            "  {}:{line}:{col}: unreachable-branch: {}",
            flow.file_name(),
            d.reason
        );
    }
    for line in write::notes(g)
        .into_iter()
        .filter(|l| !l.starts_with("unreachable:"))
    {
        let _ = writeln!(err, "  {line}");
    }
}

/// `--for RULES`: append cases for the branches that file's cases do not reach.
fn append(rules: &Path, suites: RunConfig, opts: &GenOptions) -> u8 {
    let reached = match existing::reached(suites) {
        Ok(r) => r,
        Err(diags) => {
            super::print_diagnostics(diags.iter().map(|d| d as &dyn miette::Diagnostic));
            return exit::USAGE;
        }
    };
    let [one] = reached.as_slice() else {
        let _ = writeln!(
            anstream::stderr(),
            "error: {}: --for needs a rules file with a `flow:`",
            rules.display()
        );
        return exit::USAGE;
    };
    let text = match crate::source::read_text(rules) {
        Ok(t) => t,
        Err(e) => {
            let _ = writeln!(
                anstream::stderr(),
                "error: cannot read {}: {e}",
                rules.display()
            );
            return exit::USAGE;
        }
    };
    let Some(indent) = cases_indent(&text) else {
        let _ = writeln!(
            anstream::stderr(),
            "error: {}: cases can only be appended when `cases:` is the file's last key, a block list",
            rules.display()
        );
        return exit::USAGE;
    };
    // The file's own stubs apply to an appended case that omits one, so its schedule
    // actions stay stubbed in full rather than left to the deploy.
    let opts = GenOptions {
        deploy: &crate::deploy::EMPTY,
        ..*opts
    };
    let g = generator::generate(
        &one.flow,
        one.library.as_deref(),
        &one.hits,
        &Directory::default(),
        &opts,
    );
    summary(&one.flow, &g, Some(rules));
    if g.cases.is_empty() {
        return exit::OK;
    }
    let mut out = text.clone();
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out.push('\n');
    for line in write::header(one.flow.file_name()).lines() {
        out.push_str(&format!("{indent}{line}\n"));
    }
    // Every stub written in full: the file's own stubs apply to cases that omit one.
    out.push_str(&write::cases_yaml(&g.cases, &StubMap::new(), &indent));
    match crate::conversation::fixture::write_atomic(rules, out.as_bytes(), true) {
        Ok(()) => exit::OK,
        Err(e) => {
            let _ = writeln!(anstream::stderr(), "error: {e}");
            exit::USAGE
        }
    }
}

/// The indentation of the items of a top-level `cases:` block list that ends the file;
/// None when something else follows it (appending would land in the wrong place).
fn cases_indent(text: &str) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .rposition(|l| !l.starts_with([' ', '\t', '#', '-']) && !l.trim().is_empty())?;
    let key = lines[at].split('#').next().unwrap_or("").trim_end();
    if key != "cases:" {
        return None;
    }
    lines[at + 1..]
        .iter()
        .find(|l| l.trim_start().starts_with("- "))
        .map(|l| l[..l.len() - l.trim_start().len()].to_string())
}

/// `--check`: every flow the suites simulate (or `--flow`), and a case for each branch
/// they miss.
fn check(
    args: &GenArgs,
    resolved: &[super::tf::FlowArg],
    bound: &[Bound],
    suites: RunConfig,
    opts: &GenOptions,
) -> u8 {
    let rules = if args.rules.is_empty() {
        vec![PathBuf::from("rules")]
    } else {
        args.rules.clone()
    };
    let reached = match existing::reached(RunConfig {
        paths: rules,
        ..suites
    }) {
        Ok(r) => r,
        Err(diags) => {
            super::print_diagnostics(diags.iter().map(|d| d as &dyn miette::Diagnostic));
            return exit::USAGE;
        }
    };
    let same = |a: &Path, b: &str| {
        let (a, b) = (std::fs::canonicalize(a), std::fs::canonicalize(b));
        a.is_ok() && a.ok() == b.ok()
    };
    type Todo = (
        std::sync::Arc<Flow>,
        Option<std::sync::Arc<Library>>,
        BTreeSet<usize>,
    );
    let mut todo: Vec<Todo> = Vec::new();
    if args.flows.is_empty() {
        todo.extend(
            reached
                .iter()
                .map(|r| (r.flow.clone(), r.library.clone(), r.hits.clone())),
        );
    } else {
        for arg in resolved {
            let path = &arg.path;
            let hits: BTreeSet<usize> = reached
                .iter()
                .filter(|r| same(path, r.flow.file_name()))
                .flat_map(|r| r.hits.iter().copied())
                .collect();
            match reached.iter().find(|r| same(path, r.flow.file_name())) {
                Some(r) => todo.push((r.flow.clone(), r.library.clone(), hits)),
                None => match load(path, &arg.vars) {
                    Some(f) => {
                        let lib = std::sync::Arc::new(library(path, &arg.vars, bound));
                        todo.push((std::sync::Arc::new(f), Some(lib), hits));
                    }
                    None => return exit::USAGE,
                },
            }
        }
    }
    let pairs: Vec<(&Flow, Option<&Library>, BTreeSet<usize>)> = todo
        .iter()
        .map(|(f, l, h)| (&**f, l.as_deref(), h.clone()))
        .collect();
    let results = generator::generate_all(&pairs, &Directory::default(), opts);
    let mut missing = 0;
    let mut out = crate::source::render::stdout();
    for ((flow, _, hits), g) in todo.iter().zip(&results) {
        let unreached: Vec<_> = flow
            .branches()
            .into_iter()
            .filter(|b| !hits.contains(&b.id))
            .collect();
        missing += unreached.len();
        let _ = writeln!(
            out,
            "{}: {} of {} branches reached by the suites",
            flow.file_name(),
            flow.branches().len() - unreached.len(),
            flow.branches().len()
        );
        for b in &unreached {
            let _ = writeln!(out, "  unreached: {} ({})", b.label, b.location);
        }
        if !g.cases.is_empty() {
            let _ = writeln!(out, "  cases that reach them:");
            let _ = write!(
                out,
                "{}",
                write::cases_yaml(&g.cases, &StubMap::new(), "    ")
            );
        }
        for line in write::notes(g) {
            let _ = writeln!(out, "  {line}");
        }
    }
    if missing > 0 { exit::FAILED } else { exit::OK }
}

/// The flow files under `paths`: a directory gives its `*.yaml`/`*.yml` by the one walk
/// ([`crate::source::walk`]), as lint reads the same `flows:`.
fn flow_files(
    paths: &[PathBuf],
    excludes: &[PathBuf],
) -> Result<Vec<PathBuf>, crate::source::walk::WalkError> {
    let how = crate::source::walk::Walk {
        exts: &["yaml", "yml"],
        excludes,
        ..Default::default()
    };
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            // A folder holds the bots and modules its message flows call (generated
            // through those callers) and flows of other kinds: each is skipped, named.
            for f in crate::source::walk::files(p, &how)? {
                use crate::flow::kind::{Runs, of_file};
                match of_file(&f).filter(|k| k.runs != Runs::UnderTest) {
                    Some(k) if k.runs == Runs::WhenCalled => crate::errln!(
                        "note: skipped {}: it is {} (`{}:`), generated through the flows that call it",
                        f.display(),
                        k.what,
                        k.key
                    ),
                    Some(k) => crate::errln!(
                        "warning: skipped {}: it is {} (`{}:`), which routecheck does not read",
                        f.display(),
                        k.what,
                        k.key
                    ),
                    None => out.push(f),
                }
            }
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

/// The name a flow's generated rules file is given from: its file, or for a deployed
/// flow its resource name and key (two instances of one file get two files).
fn target_name(arg: &super::tf::FlowArg) -> PathBuf {
    let Some(b) = &arg.binding else {
        return arg.path.clone();
    };
    let tail = b
        .address
        .rsplit_once("genesyscloud_flow.")
        .map_or(b.address.as_str(), |(_, t)| t);
    let clean: String = tail
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    PathBuf::from(format!("{}.yaml", clean.trim_matches('_')))
}

/// The `vars:` a generated rules file writes: a deployed flow only the values Terraform
/// could not give (the rest come from the configuration when the file runs).
fn written_vars(
    arg: &super::tf::FlowArg,
    vars: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    use crate::terraform::SubstitutionSource;
    match &arg.binding {
        Some(b) => b
            .substitutions
            .iter()
            .filter(|s| matches!(s.source, SubstitutionSource::Filled { .. }))
            .map(|s| (s.name.clone(), s.value.clone()))
            .collect(),
        None => vars.clone(),
    }
}

/// One flow's generated rules file, as `gen` writes it: file-level stubs (each stubbed
/// action on its first output), then the cases. `init`'s starter suite is this text.
pub(crate) fn rules_text(
    flow: &Flow,
    g: &Generated,
    flow_ref: &str,
    shown: &str,
    vars: &BTreeMap<String, String>,
) -> String {
    let base: StubMap = g
        .stubbed
        .iter()
        .filter(|s| !g.decided.contains(&s.name))
        .map(|s| {
            (
                s.name.clone(),
                (s.outputs.first().cloned(), BTreeMap::new()),
            )
        })
        .collect();
    let base = crate::r#gen::unambiguous(flow, &base);
    write::rules_file(
        &format!("{} (generated)", flow.name()),
        flow_ref,
        shown,
        vars,
        &base,
        g,
    )
}
