// Render a job summary (Markdown) to a standalone HTML page with its Mermaid diagrams
// drawn by the local mermaid package, every <details> open, for a screenshot with
// headless Chromium (docs/pictures.md). No network: scripts load from node_modules.
// Usage: node tests/mermaid/render.mjs SUMMARY.md OUT.html [dark]
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { marked } from "marked";

const [input, output, theme] = process.argv.slice(2);
if (!input || !output) {
  console.error("usage: node render.mjs SUMMARY.md OUT.html [dark]");
  process.exit(2);
}
const here = dirname(fileURLToPath(import.meta.url));
const mermaidJs = pathToFileURL(join(here, "node_modules/mermaid/dist/mermaid.min.js")).href;
const renderer = new marked.Renderer();
const code = renderer.code.bind(renderer);
renderer.code = (token) =>
  token.lang === "mermaid"
    ? `<pre class="mermaid">${token.text.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</pre>`
    : code(token);
const body = marked.parse(readFileSync(input, "utf8"), { renderer, gfm: true })
  .replace(/<details>/g, "<details open>");
const dark = theme === "dark";
writeFileSync(
  output,
  `<!doctype html><html><head><meta charset="utf-8"><title>routecheck summary</title>
<style>body{font:14px -apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:1100px;margin:24px auto;
background:${dark ? "#0d1117" : "#ffffff"};color:${dark ? "#e6edf3" : "#1f2328"}}
table{border-collapse:collapse}td,th{border:1px solid #8b949e;padding:4px 8px}</style>
<script src="${mermaidJs}"></script></head><body>${body}
<script>mermaid.initialize({startOnLoad:true,theme:${JSON.stringify(dark ? "dark" : "default")}});</script>
</body></html>
`,
);
console.log(`wrote ${output}`);
