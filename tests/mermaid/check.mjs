// Parse every Mermaid diagram routecheck wrote with Mermaid's own parser (v11, the
// version GitHub renders with). Arguments: files; `.md` files are searched for
// ```mermaid blocks, any other file is one diagram. Exit 1 on the first bad diagram
// (all are reported), 2 when there was nothing to check.
import { readFileSync } from "node:fs";
import { JSDOM } from "jsdom";

const dom = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
globalThis.DOMParser = dom.window.DOMParser;
for (const k of ["Element", "HTMLElement", "SVGElement", "Node"]) {
  if (!(k in globalThis)) globalThis[k] = dom.window[k];
}

const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false });

const diagrams = [];
for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, "utf8");
  if (file.endsWith(".md")) {
    const re = /^```mermaid\n([\s\S]*?)^```$/gm;
    let m;
    let i = 0;
    while ((m = re.exec(text)) !== null) diagrams.push({ where: `${file} #${++i}`, text: m[1] });
  } else {
    diagrams.push({ where: file, text });
  }
}
if (diagrams.length === 0) {
  console.error("no Mermaid diagram found in", process.argv.slice(2).join(" "));
  process.exit(2);
}
let bad = 0;
for (const d of diagrams) {
  try {
    const r = await mermaid.parse(d.text);
    if (!r || r.diagramType !== "flowchart-v2") throw new Error(`not a flowchart: ${r && r.diagramType}`);
    if (d.text.length > 50000) throw new Error(`${d.text.length} characters, over Mermaid's maxTextSize 50000`);
  } catch (e) {
    bad++;
    console.error(`${d.where}: ${String(e && e.message ? e.message : e).split("\n").slice(0, 6).join("\n")}`);
  }
}
console.log(`mermaid: ${diagrams.length - bad}/${diagrams.length} diagrams parse`);
process.exit(bad ? 1 : 0);
