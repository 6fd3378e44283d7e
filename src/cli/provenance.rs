//! What `trace` and `graph` say about a flow the deploy's Terraform gives: the resource,
//! each substitution's value and where it came from (a tfvars file and line, a module
//! argument, a plan, a default, `--var`), and for each Call Bot Flow / Call Digital Bot
//! Flow the bot flow it calls and the `genesyscloud_flow` that deploys it.

use std::collections::BTreeMap;
use std::path::Path;

use super::tf::FlowArg;
use crate::source::yaml::Node;
use crate::terraform::Config;

/// The lines, without a prefix; none when no Terraform configuration was read.
pub fn lines(arg: &FlowArg, tf: Option<&Config>) -> Vec<String> {
    let Some(tf) = tf else {
        return Vec::new();
    };
    let mut out = Vec::new();
    match &arg.binding {
        Some(b) => {
            out.push(format!("deployed by {} ({})", b.address, b.at));
            for s in &b.substitutions {
                out.push(format!("  {{{{{}}}}} = {}", s.name, s.describe()));
            }
        }
        None => out.push(format!(
            "no genesyscloud_flow in the Terraform configuration deploys {}",
            arg.path.display()
        )),
    }
    for (action, bot) in bot_calls(&arg.path, &arg.vars) {
        let target = match tf.flow_named(&bot) {
            Some(address) => match tf.flow(&address).ok().and_then(|f| f.filepath.ok()) {
                Some(p) => format!("{address} ({})", crate::source::shown::shown(&p)),
                None => address,
            },
            None => "no genesyscloud_flow in the configuration deploys a flow of that name".into(),
        };
        out.push(format!("  {action} calls bot flow {bot:?}: {target}"));
    }
    out
}

/// Each Call Bot Flow / Call Digital Bot Flow of the flow file after substitution: the
/// action's name and the bot flow it names (`botFlow:` or `digitalBotFlow:`
/// `{ NAME: { ver_…: … } }`).
fn bot_calls(path: &Path, vars: &BTreeMap<String, String>) -> Vec<(String, String)> {
    let Ok(text) = crate::source::read_text(path) else {
        return Vec::new();
    };
    let Ok(done) = crate::flow::placeholders::substitute(&text, vars) else {
        return Vec::new();
    };
    let src = crate::diag::SourceFile::new(path.display().to_string(), done.text);
    let Ok(root) = crate::source::yaml::parse_file(&src, crate::source::FileKind::Flow) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    walk(&root, &mut out);
    out
}

fn walk(node: &Node, out: &mut Vec<(String, String)>) {
    if let Some(seq) = node.as_seq() {
        seq.iter().for_each(|n| walk(n, out));
        return;
    }
    let Some(map) = node.as_map() else {
        return;
    };
    for (k, v) in map {
        if matches!(k.as_str(), Some("callBotFlow" | "callDigitalBotFlow")) {
            let action = v
                .get("name")
                .and_then(Node::scalar_text)
                .unwrap_or_else(|| k.as_str().unwrap_or_default().to_string());
            let bot = v
                .get("botFlow")
                .or_else(|| v.get("digitalBotFlow"))
                .and_then(Node::as_map)
                .and_then(|m| m.first())
                .and_then(|(name, _)| name.scalar_text());
            if let Some(bot) = bot {
                out.push((action, bot));
            }
        }
        walk(v, out);
    }
}
