/**
 * The one home of escaping for the review report. Every value that comes from data (names, paths,
 * images, environment values, messages that quote the template or the bundle, labels of the Mermaid
 * diagram) enters the markdown report through one of these functions; the renderers never
 * concatenate data into markup themselves.
 *
 * The report is rendered by GitHub (CommonMark + GFM: tables, strikethrough, autolink literals, raw
 * HTML, then GitHub's own passes that turn `@name` into mentions and `#12` into issue links in text
 * outside code). Safe by construction means: whatever the value, it adds no element, link, image,
 * mention, heading, table cell, HTML or comment to the document, and it reads back as itself.
 *
 * - `mdText(v)`: text in a paragraph, list item, table cell or inside an HTML block (`<summary>`).
 *   Line endings (`\n`, `\r`) and other control characters become spaces (so a value never starts a
 *   line, which is what block syntax needs); every ASCII character that can open or close inline
 *   syntax or raw HTML, or trigger an autolink literal, is written as a numeric character reference
 *   (`&#91;` for `[`), which CommonMark decodes to a literal character and never reads as syntax —
 *   and which HTML blocks decode the same way (backslash escapes would not work there). GitHub finds
 *   mentions and issue references in the decoded text, so a zero-width space follows `@`, `#`, the
 *   first `:` of an emoji shortcode and the `-` of `GH-12`. Spaces at either end are references too,
 *   so `**${mdText(v)}**` stays bold whatever `v` is, and so are a leading `-`, `+` and the `.` of a
 *   leading `1.`: a value right after a list marker is at the start of a block, where `- x` or `1. x`
 *   would open a nested list (`#`, `>`, `1)`, `***` and indentation are covered by the rules above).
 * - `mdCode(v, { inTable })`: a code span. Its content is never parsed as markdown, and GitHub adds no
 *   mentions or links inside code, so the value is shown exactly (line endings as spaces): the fence
 *   is one backtick longer than the longest backtick run inside, padded with spaces when the value
 *   starts or ends with a backtick or a space. In a GFM table cell a code span cannot hold `\|` (the
 *   row is split there), so `inTable` gives a `<code>` element holding character references.
 * - `mdFence(text, info)`: a fenced code block (the diagram) whose fence is longer than any backtick
 *   run in the text.
 * - `mermaidLabel(v)`: a quoted Mermaid label: `"`, `#`, `<`, `>`, `&`, `%` and `` ` `` as Mermaid
 *   entity codes (`#quot;`, `#35;`; a leading backtick would make it a markdown string, `%%{` a
 *   directive), line endings as spaces.
 *
 * Bidirectional-override characters (U+202A–U+202E, U+2066–U+2069) are replaced with U+FFFD in all of
 * them: they could make the rendered text read differently from what it is.
 */

/** Line endings, other C0 controls, DEL and C1 controls: each becomes a space. */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;
/** Bidirectional embedding, override and isolate characters (the rest of `UNPRINTABLE` in lib/errors.ts). */
const BIDI = /[\u202a-\u202e\u2066-\u2069]/g;
/**
 * ASCII characters written as character references in text: every one that can start or end an
 * inline construct (emphasis, strikethrough, code, links, images, autolinks, raw HTML, entity
 * references, backslash escapes, math), split a table row, or form an autolink literal (`http:`,
 * `mailto:`, `a@b.c`, and the `.` of `www.`). Left as they are: letters, digits, space and
 * `"'%+,-./;=?^{}` — none of which means anything in the middle of a line (see `mdText` for the start).
 */
const TEXT_SPECIAL = /[!#$&()*:<>@[\\\]_`|~]|(?<=[Ww]{3})\./g;
const ZWSP = '\u200b';

function clean(value: string): string {
  return value.replace(CONTROLS, ' ').replace(BIDI, '\ufffd');
}

/** One line of the terminal report: control characters (escape sequences, `\r`, `\n`) as spaces, bidi overrides replaced. */
export function plainLine(line: string): string {
  return clean(line);
}

/** Breaks what GitHub would turn into a mention, an issue reference or an emoji after rendering. */
function neutralize(text: string): string {
  return text
    .replace(/@/g, `@${ZWSP}`)
    .replace(/#/g, `#${ZWSP}`)
    .replace(/:(?=[a-z0-9_+-]+:)/g, `:${ZWSP}`)
    .replace(/\b(GH)-(?=\d)/gi, `$1-${ZWSP}`);
}

/** Text for a paragraph, list item, table cell or HTML block: inert, reads back as itself. */
function references(text: string): string {
  return text.replace(TEXT_SPECIAL, (c) => `&#${c.charCodeAt(0)};`);
}

export function mdText(value: string): string {
  const t = references(neutralize(clean(value)));
  // spaces at the ends as references too: `**${mdText(v)}**` stays bold, and a table cell keeps them;
  // a leading `-`, `+` or `1.` too: right after a list marker (`- ${mdText(v)}`) it would start a list
  return t
    .replace(/^ +| +$/g, (run) => '&#32;'.repeat(run.length))
    .replace(/^[-+]/, (c) => `&#${c.charCodeAt(0)};`)
    .replace(/^(\d+)\./, '$1&#46;');
}

/** What `mdText(value)` reads as once rendered (the tests compare with it). */
export function mdTextRendered(value: string): string {
  return neutralize(clean(value));
}

export interface CodeOptions {
  /** The span is inside a GFM table cell, where `|` must be escaped. @default false */
  readonly inTable?: boolean;
}

/** A code span showing `value` exactly (line endings and control characters as spaces). */
export function mdCode(value: string, options: CodeOptions = {}): string {
  let t = clean(value);
  if (t === '') t = ' ';
  // A GFM table splits a row at every `|` that is not backslash-escaped, and `\\|` is an escaped
  // backslash followed by a real delimiter: a code span cannot hold `\|` there. In a cell the code is
  // an HTML element holding character references instead (GitHub adds no mentions inside it either).
  if (options.inTable) return `<code>${references(t)}</code>`;
  const longest = Math.max(0, ...(t.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const allSpaces = /^ +$/.test(t);
  const pad = t.startsWith('`') || t.endsWith('`') || (!allSpaces && t.startsWith(' ') && t.endsWith(' '));
  return `${fence}${pad ? ` ${t} ` : t}${fence}`;
}

/** What `mdCode(value)` reads as once rendered. */
export function mdCodeRendered(value: string): string {
  const t = clean(value);
  return t === '' ? ' ' : t;
}

/** A fenced code block holding `text` (one trailing newline), with an info string like `mermaid`. */
export function mdFence(text: string, info: string): string {
  const lines = text.replace(/\r\n?/g, '\n').replace(/\n+$/, '').split('\n').map(clean);
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${info}\n${lines.join('\n')}\n${fence}`;
}

/** A quoted Mermaid label (flowchart node, subgraph or edge text). */
export function mermaidLabel(value: string): string {
  const entities: Readonly<Record<string, string>> = { '"': '#quot;', '#': '#35;', '<': '#lt;', '>': '#gt;', '&': '#amp;', '`': '#96;', '%': '#37;' };
  return `"${clean(value).replace(/["#<>&`%]/g, (c) => entities[c])}"`;
}
