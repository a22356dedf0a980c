// Parses Mermaid diagrams with mermaid's own parser (mermaid 11, the version GitHub-style renderers
// ship) under plain Node. mermaid is ESM-only and expects a browser: DOMPurify is only half-built
// without a DOM, so its hooks and sanitize() are stubbed (sanitizing labels does not change whether a
// diagram parses). Reads a JSON array of diagram texts on stdin; prints a JSON array of
// { ok, type?, error? } on stdout. With --labels, each flowchart result also lists what mermaid will
// draw: every node's, subgraph's and edge's label as the HTML mermaid inserts (its entity placeholders
// decoded back to character references) with the label type ('string', 'text' or 'markdown').
// Used by test/review/report.test.ts and mermaid-safety.test.ts (jest cannot load ESM-only mermaid).
import DOMPurify from 'dompurify';

DOMPurify.addHook ??= () => {};
DOMPurify.removeHook ??= () => {};
DOMPurify.removeHooks ??= () => {};
DOMPurify.removeAllHooks ??= () => {};
DOMPurify.sanitize ??= (s) => String(s);
const { default: mermaid } = await import('mermaid');

// mermaid's encodeEntities turns `#35;` into 'ﬂ°°35¶ß' and `#lt;` into 'ﬂ°lt¶ß'; decodeEntities makes them `&#35;` / `&lt;`
const html = (t) => String(t ?? '').replace(/ﬂ°°/g, '&#').replace(/ﬂ°/g, '&').replace(/¶ß/g, ';');
const labels = process.argv.includes('--labels');

// decode the whole input at once: a character's UTF-8 bytes can straddle two chunks of the pipe
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const input = Buffer.concat(chunks).toString('utf8');
const out = [];
for (const text of JSON.parse(input)) {
  try {
    const r = await mermaid.parse(text);
    if (!labels) {
      out.push({ ok: true, type: r.diagramType });
      continue;
    }
    const d = await mermaid.mermaidAPI.getDiagramFromText(text);
    out.push({
      ok: true,
      type: r.diagramType,
      nodes: [...d.db.getVertices().values()].map((v) => ({ id: v.id, html: html(v.text), type: v.labelType })),
      subgraphs: d.db.getSubGraphs().map((s) => ({ id: s.id, html: html(s.title), type: s.labelType, nodes: s.nodes.length })),
      edges: d.db.getEdges().map((e) => ({ html: html(e.text), type: e.labelType })),
    });
  } catch (e) {
    out.push({ ok: false, error: String(e?.message ?? e).slice(0, 2000) });
  }
}
process.stdout.write(JSON.stringify(out));
