//! Mermaid `flowchart` text for a flow graph, plain or painted with one run's path or a
//! suite's coverage.
//!
//! Every label is quoted and every character outside a small safe set is written as a
//! Mermaid entity code (`#35;`), so names and conditions holding quotes, brackets, `#`,
//! `|`, `<`, `>`, `%`, newlines or non-ASCII text can neither break the diagram nor
//! inject markup. Long label lines are shortened; the full text is kept as a numbered
//! footnote (a `%%` comment in the diagram, a list under it in Markdown).
//!
//! Size: Mermaid (v11, what GitHub renders with) refuses a diagram over `maxTextSize`
//! (50,000 characters) or with more than `maxEdges` (500) edges. [`diagrams`] keeps each
//! diagram under [`MAX_TEXT`] and [`MAX_EDGES`] by drawing one diagram per state or task.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::flow::graph::{EdgeKind, Graph, Shape, Walk};

/// Longest label line drawn, in characters; longer text becomes a footnote.
const MAX_LINE: usize = 48;
/// Per-diagram text budget, under Mermaid's default `maxTextSize` of 50,000.
pub const MAX_TEXT: usize = 45_000;
/// Per-diagram edge budget, under Mermaid's default `maxEdges` of 500.
pub const MAX_EDGES: usize = 450;

/// Styles chosen to read on both GitHub's light and dark backgrounds: mid-tone fills
/// with white text, and strokes that differ in dash as well as colour.
const CLASS_DEFS: &str = concat!(
    "    classDef path fill:#1f6feb,stroke:#0b3d91,color:#ffffff\n",
    "    classDef route fill:#8250df,stroke:#3b1a7a,color:#ffffff,stroke-width:3px\n",
    "    classDef covered fill:#2da44e,stroke:#116329,color:#ffffff\n",
    "    classDef partial fill:#bf8700,stroke:#7d4e00,color:#ffffff\n",
    "    classDef uncovered fill:#cf222e,stroke:#82071e,color:#ffffff,stroke-dasharray:4 3\n",
);
const EDGE_HIT: &str = "stroke:#2da44e,stroke-width:3px";
const EDGE_MISS: &str = "stroke:#cf222e,stroke-width:2px,stroke-dasharray:5 5";
const EDGE_PATH: &str = "stroke:#1f6feb,stroke-width:3px";

/// What to colour on the graph.
#[derive(Debug, Clone, Default)]
pub struct Paint {
    /// Node index → class (`path`, `route`, `covered`, `partial`, `uncovered`).
    nodes: BTreeMap<usize, &'static str>,
    /// Edge index → style.
    edges: BTreeMap<usize, &'static str>,
    /// Edge index → step numbers along a path.
    numbers: BTreeMap<usize, Vec<usize>>,
    /// Path edges the graph lacks (a task returning to its caller).
    extra: Vec<(usize, usize)>,
}

impl Paint {
    /// The path of one run: numbered edges in order, visited nodes, the final route.
    pub fn walk(w: &Walk) -> Paint {
        let mut p = Paint {
            extra: w.extra.clone(),
            ..Paint::default()
        };
        for (i, &e) in w.taken.iter().enumerate() {
            p.numbers.entry(e).or_default().push(i + 1);
            p.edges.insert(e, EDGE_PATH);
        }
        for &n in &w.visited {
            p.nodes.insert(n, "path");
        }
        if let Some(n) = w.last {
            p.nodes.insert(n, "route");
        }
        p
    }

    /// Coverage: every branch edge reached or not, and each branching node by how many
    /// of its branches were reached.
    pub fn coverage(g: &Graph, hits: &BTreeSet<usize>) -> Paint {
        let mut p = Paint::default();
        let mut per_node: BTreeMap<usize, (usize, usize)> = BTreeMap::new();
        for (i, e) in g.edges.iter().enumerate() {
            let Some(b) = e.branch else { continue };
            let hit = hits.contains(&b);
            p.edges.insert(i, if hit { EDGE_HIT } else { EDGE_MISS });
            let c = per_node.entry(e.from).or_default();
            c.0 += usize::from(hit);
            c.1 += 1;
        }
        for (n, (hit, all)) in per_node {
            let class = match hit {
                0 => "uncovered",
                h if h == all => "covered",
                _ => "partial",
            };
            p.nodes.insert(n, class);
        }
        p
    }

    /// Units (states, tasks) holding a painted node.
    fn units(&self, g: &Graph) -> BTreeSet<usize> {
        self.nodes.keys().filter_map(|&n| g.nodes[n].unit).collect()
    }
}

/// One diagram's text and the full texts of its shortened labels, by footnote number.
#[derive(Debug, Clone, Default)]
pub struct Diagram {
    /// A `flowchart` ready for a ```mermaid block (footnotes included as `%%` comments).
    pub text: String,
    /// Footnote texts, `[1]` first.
    pub notes: Vec<String>,
    /// The unit drawn alone, when the flow was split (`None`: several or all).
    pub title: Option<String>,
}

/// The whole graph (or the units in `scope`) as one diagram.
pub fn render(g: &Graph, paint: &Paint, scope: Option<&BTreeSet<usize>>) -> Diagram {
    let mut w = Writer {
        out: String::from("flowchart TD\n"),
        notes: Vec::new(),
    };
    let inside = |n: usize| match (scope, g.nodes[n].unit) {
        (None, _) => true,
        (Some(s), Some(u)) => s.contains(&u),
        // Start and error handling: drawn when painted or an edge from inside reaches them.
        (Some(_), None) => false,
    };
    let mut shown: BTreeSet<usize> = (0..g.nodes.len()).filter(|&n| inside(n)).collect();
    if scope.is_some() {
        for &n in paint.nodes.keys() {
            if g.nodes[n].unit.is_none() {
                shown.insert(n);
            }
        }
        for e in &g.edges {
            if g.nodes[e.to].unit.is_none() && shown.contains(&e.from) {
                shown.insert(e.to);
            }
        }
        // Start, when the start state is drawn.
        if let Some(e) = g.edges.iter().find(|e| e.from == 0)
            && shown.contains(&e.to)
        {
            shown.insert(0);
        }
    }
    // Nodes outside every unit first, then each unit as a subgraph, in file order.
    for &n in shown.iter().filter(|&&n| g.nodes[n].unit.is_none()) {
        w.node(g, n);
    }
    for (u, c) in g.clusters.iter().enumerate() {
        let mut members: Vec<usize> = shown
            .iter()
            .copied()
            .filter(|&n| g.nodes[n].unit == Some(u))
            .collect();
        if members.is_empty() {
            continue;
        }
        members.sort_by_key(|&n| (g.nodes[n].at, n));
        let title = w.label(std::slice::from_ref(&c.title));
        let _ = writeln!(w.out, "    subgraph {}[\"{title}\"]", c.id);
        for n in members {
            w.out.push_str("    ");
            w.node(g, n);
        }
        w.out.push_str("    end\n");
    }
    // Edges, in a stable order; link styles are by this order.
    let mut styles: BTreeMap<&'static str, Vec<usize>> = BTreeMap::new();
    let mut drawn = 0usize;
    let mut stubs: BTreeSet<usize> = BTreeSet::new();
    let mut order: Vec<usize> = (0..g.edges.len())
        .filter(|&i| shown.contains(&g.edges[i].from))
        .collect();
    order.sort_by_key(|&i| (g.nodes[g.edges[i].from].at, i));
    for i in order {
        let e = &g.edges[i];
        let to = if shown.contains(&e.to) {
            g.nodes[e.to].id.clone()
        } else {
            // A jump out of the drawn units: a stub naming where it goes.
            let u = g.nodes[e.to].unit.unwrap_or(0);
            let id = format!("x{}", g.clusters[u].id);
            if stubs.insert(u) {
                let label = w.label(&[format!("to {}", g.clusters[u].title)]);
                let _ = writeln!(w.out, "    {id}>\"{label}\"]");
            }
            id
        };
        let mut text = e.label.clone().unwrap_or_default();
        if let Some(ns) = paint.numbers.get(&i) {
            let ns: Vec<String> = ns.iter().map(usize::to_string).collect();
            text = if text.is_empty() {
                format!("{}.", ns.join(", "))
            } else {
                format!("{}. {text}", ns.join(", "))
            };
        }
        let arrow = match e.kind {
            EdgeKind::Flow => "-->",
            EdgeKind::Jump => "-.->",
        };
        w.edge(&g.nodes[e.from].id, arrow, &text, &to);
        if let Some(s) = paint.edges.get(&i) {
            styles.entry(s).or_default().push(drawn);
        }
        drawn += 1;
    }
    for (k, &(from, to)) in paint.extra.iter().enumerate() {
        let i = g.edges.len() + k;
        if !(shown.contains(&from) && shown.contains(&to)) {
            continue;
        }
        let ns: Vec<String> = paint
            .numbers
            .get(&i)
            .map(|v| v.iter().map(usize::to_string).collect())
            .unwrap_or_default();
        let text = if ns.is_empty() {
            String::new()
        } else {
            format!("{}. return", ns.join(", "))
        };
        w.edge(&g.nodes[from].id, "-.->", &text, &g.nodes[to].id);
        styles.entry(EDGE_PATH).or_default().push(drawn);
        drawn += 1;
    }
    if !paint.nodes.is_empty() || !styles.is_empty() {
        w.out.push_str(CLASS_DEFS);
    }
    let mut classes: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (&n, &c) in &paint.nodes {
        if shown.contains(&n) {
            classes.entry(c).or_default().push(&g.nodes[n].id);
        }
    }
    for (c, ids) in classes {
        let _ = writeln!(w.out, "    class {} {c}", ids.join(","));
    }
    for (s, idx) in styles {
        let idx: Vec<String> = idx.iter().map(usize::to_string).collect();
        let _ = writeln!(w.out, "    linkStyle {} {s}", idx.join(","));
    }
    for (k, n) in w.notes.iter().enumerate() {
        // A comment line: no line breaks, and no `%%{` that could read as a directive.
        let one_line: String = n
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let _ = writeln!(
            w.out,
            "    %% [{}] {}",
            k + 1,
            one_line.replace('{', "(").replace('}', ")")
        );
    }
    Diagram {
        text: w.out,
        notes: w.notes,
        title: None,
    }
}

/// The graph as diagrams that each stay within Mermaid's limits: one when it fits,
/// otherwise one per state or task (only the units `paint` touches, when it paints a
/// path).
pub fn diagrams(g: &Graph, paint: &Paint, path_only: bool) -> Vec<Diagram> {
    let scope = path_only.then(|| paint.units(g));
    let whole = render(g, paint, scope.as_ref());
    if whole.text.len() <= MAX_TEXT && edge_count(&whole.text) <= MAX_EDGES {
        return vec![whole];
    }
    let units: Vec<usize> = match &scope {
        Some(s) => s.iter().copied().collect(),
        None => (0..g.units()).collect(),
    };
    // Consecutive states and tasks packed greedily into diagrams that fit; a unit too
    // large on its own is still drawn alone.
    let fits = |d: &Diagram| d.text.len() <= MAX_TEXT && edge_count(&d.text) <= MAX_EDGES;
    let titled = |group: &BTreeSet<usize>, mut d: Diagram| {
        let names: Vec<&str> = group
            .iter()
            .map(|&u| g.clusters[u].title.as_str())
            .collect();
        d.title = Some(match names.as_slice() {
            [first, .., last] if names.len() > 3 => {
                format!("{first} … {last} ({} states and tasks)", names.len())
            }
            _ => names.join(", "),
        });
        d
    };
    let mut out = Vec::new();
    let mut group: BTreeSet<usize> = BTreeSet::new();
    let mut last: Option<Diagram> = None;
    for u in units {
        let mut next = group.clone();
        next.insert(u);
        let d = render(g, paint, Some(&next));
        if fits(&d) || group.is_empty() {
            group = next;
            last = Some(d);
            continue;
        }
        if let Some(prev) = last.take() {
            out.push(titled(&group, prev));
        }
        group = BTreeSet::from([u]);
        last = Some(render(g, paint, Some(&group)));
    }
    if let Some(prev) = last {
        out.push(titled(&group, prev));
    }
    out
}

fn edge_count(text: &str) -> usize {
    text.matches(" --> ").count()
        + text.matches(" -.-> ").count()
        + text.matches("-->|").count()
        + text.matches("-.->|").count()
}

struct Writer {
    out: String,
    notes: Vec<String>,
}

impl Writer {
    fn node(&mut self, g: &Graph, n: usize) {
        let node = &g.nodes[n];
        let label = self.label(&node.lines);
        let (open, close) = match node.shape {
            Shape::Start | Shape::Terminal => ("([\"", "\"])"),
            Shape::Action => ("[\"", "\"]"),
            Shape::Choice => ("{\"", "\"}"),
            Shape::Loop => ("{{\"", "\"}}"),
            Shape::Call => ("[[\"", "\"]]"),
        };
        let _ = writeln!(self.out, "    {}{open}{label}{close}", node.id);
    }

    fn edge(&mut self, from: &str, arrow: &str, text: &str, to: &str) {
        if text.is_empty() {
            let _ = writeln!(self.out, "    {from} {arrow} {to}");
        } else {
            let label = self.label(&[text.to_string()]);
            let _ = writeln!(self.out, "    {from} {arrow}|\"{label}\"| {to}");
        }
    }

    /// Lines escaped and joined with `<br/>`; a long line is cut and footnoted.
    fn label(&mut self, lines: &[String]) -> String {
        let mut parts = Vec::with_capacity(lines.len());
        for line in lines {
            // Each source line break is a label line of its own.
            for piece in line.split('\n') {
                let piece = piece.trim_end_matches('\r');
                if piece.chars().count() > MAX_LINE {
                    self.notes.push(line.clone());
                    let short: String = piece.chars().take(MAX_LINE - 1).collect();
                    let mark = format!("… [{}]", self.notes.len());
                    parts.push(format!("{}{}", escape(&short), escape(&mark)));
                    break;
                }
                parts.push(escape(piece));
            }
        }
        parts.join("<br/>")
    }
}

/// Text safe inside a quoted Mermaid label: letters, digits, spaces and a few plain
/// punctuation marks as is; everything else as an entity code `#N;`.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || " .,:-_/()?!=+*'@".contains(c) {
            out.push(c);
        } else {
            let _ = write!(out, "#{};", c as u32);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_encodes_everything_outside_the_safe_set() {
        assert_eq!(escape("a \"b\" [c]"), "a #34;b#34; #91;c#93;");
        assert_eq!(escape("#|<>%"), "#35;#124;#60;#62;#37;");
        assert_eq!(escape("é"), "#233;");
        assert_eq!(escape("line\nbreak"), "line#10;break");
    }
}
