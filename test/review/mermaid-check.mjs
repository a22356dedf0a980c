// Parses Mermaid diagrams with mermaid's own parser (mermaid 11, the version GitHub-style renderers
// ship) under plain Node. mermaid is ESM-only and expects a browser: DOMPurify is only half-built
// without a DOM, so its hooks and sanitize() are stubbed (sanitizing labels does not change whether a
// diagram parses). Reads a JSON array of diagram texts on stdin; prints a JSON array of
// { ok, type?, error? } on stdout. Used by test/review/mermaid.test.ts (jest cannot load ESM-only
// mermaid itself).
import DOMPurify from 'dompurify';

DOMPurify.addHook ??= () => {};
DOMPurify.removeHook ??= () => {};
DOMPurify.removeHooks ??= () => {};
DOMPurify.removeAllHooks ??= () => {};
DOMPurify.sanitize ??= (s) => String(s);
const { default: mermaid } = await import('mermaid');

let input = '';
for await (const chunk of process.stdin) input += chunk;
const out = [];
for (const text of JSON.parse(input)) {
  try {
    const r = await mermaid.parse(text);
    out.push({ ok: true, type: r.diagramType });
  } catch (e) {
    out.push({ ok: false, error: String(e?.message ?? e).slice(0, 2000) });
  }
}
process.stdout.write(JSON.stringify(out));
