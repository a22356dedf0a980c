// Renders markdown documents to HTML with micromark and micromark-extension-gfm: the reference
// implementation of CommonMark and GitHub-flavoured Markdown (tables, strikethrough, autolink
// literals, footnotes, task lists, the tag filter), raw HTML passed through as GitHub does before its
// sanitizer. micromark is ESM-only, so jest runs this as a child process. Reads a JSON array of
// markdown strings on stdin; prints a JSON array of HTML strings on stdout.
import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';

// decode the whole input at once: a character's UTF-8 bytes can straddle two chunks of the pipe
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const input = Buffer.concat(chunks).toString('utf8');
const out = JSON.parse(input).map((doc) => micromark(doc, { allowDangerousHtml: true, allowDangerousProtocol: true, extensions: [gfm()], htmlExtensions: [gfmHtml()] }));
process.stdout.write(JSON.stringify(out));
