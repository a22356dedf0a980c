/**
 * Oracles for the markdown safety tests: two real renderers (markdown-it in process; micromark with
 * the GFM extension, the reference implementation of GitHub-flavoured Markdown, in a child process
 * because it is ESM-only), an HTML parser (parse5) to read what they produce, and the checks.
 *
 * - `shape(html)`: the document's skeleton (every element with its attributes, every HTML comment, in
 *   order; text left out) and its text nodes, each marked when it is inside `code`, `pre` or `a`
 *   (where GitHub looks for no mentions or references).
 * - `githubReferences(texts)`: what GitHub would turn into a mention, an issue reference or an emoji
 *   in text outside code after rendering (its passes work on the decoded text, so escaping `@` as
 *   `&#64;` alone would not stop them).
 */
import * as childProcess from 'child_process';
import * as path from 'path';
import MarkdownIt from 'markdown-it';
import { parseFragment } from 'parse5';

/** CommonMark + GFM tables and strikethrough + linkify (autolinks of bare URLs, www. and e-mail addresses), raw HTML on. */
export const markdownIt = new MarkdownIt({ html: true, linkify: true });

/** Renders with micromark + micromark-extension-gfm (batch: one child process per call). */
export function renderGfm(docs: readonly string[]): string[] {
  const out = childProcess.execFileSync(process.execPath, [path.join(__dirname, 'gfm-render.mjs')], { input: JSON.stringify(docs), encoding: 'utf8', timeout: 120000, maxBuffer: 1 << 30 });
  return JSON.parse(out) as string[];
}

export interface TextNode {
  readonly text: string;
  /** Inside `code`, `pre` or `a`. */
  readonly inCode: boolean;
}

export interface Shape {
  readonly skeleton: readonly string[];
  readonly texts: readonly TextNode[];
}

interface HtmlNode {
  readonly nodeName: string;
  readonly tagName?: string;
  readonly attrs?: ReadonlyArray<{ readonly name: string; readonly value: string }>;
  readonly childNodes?: readonly HtmlNode[];
  readonly value?: string;
  readonly data?: string;
  readonly content?: HtmlNode;
}

const CODE_PARENTS = new Set(['code', 'pre', 'a']);

export function shape(html: string): Shape {
  const skeleton: string[] = [];
  const texts: TextNode[] = [];
  const walk = (n: HtmlNode, inCode: boolean): void => {
    if (n.nodeName === '#text') {
      texts.push({ text: n.value ?? '', inCode });
      return;
    }
    if (n.nodeName === '#comment') {
      skeleton.push(`<!--${n.data ?? ''}-->`);
      return;
    }
    const tag = n.tagName;
    if (tag) skeleton.push(`<${tag}${(n.attrs ?? []).map((a) => ` ${a.name}="${a.value}"`).join('')}>`);
    const children = n.content?.childNodes ?? n.childNodes ?? [];
    for (const c of children) walk(c, inCode || (tag !== undefined && CODE_PARENTS.has(tag)));
    if (tag) skeleton.push(`</${tag}>`);
  };
  walk(parseFragment(html) as unknown as HtmlNode, false);
  return { skeleton, texts };
}

/** GitHub's post-rendering passes: @mentions (users and teams), #123 and GH-123 references, :emoji: shortcodes. */
const REFERENCES: ReadonlyArray<[string, RegExp]> = [
  ['mention', /(?:^|[^A-Za-z0-9_`])@[A-Za-z0-9]/],
  ['issue reference', /#\d/],
  ['issue reference', /\bGH-\d/i],
  ['emoji shortcode', /:[a-z0-9_+-]+:/],
];

export function githubReferences(texts: readonly TextNode[]): string[] {
  const out: string[] = [];
  for (const t of texts) {
    if (t.inCode) continue;
    for (const [what, re] of REFERENCES) {
      const m = re.exec(t.text);
      if (m) out.push(`${what} in ${JSON.stringify(t.text.slice(Math.max(0, m.index - 20), m.index + 20))}`);
    }
  }
  return out;
}

/** The text of a rendered fragment (all text nodes, decoded). */
export function textOf(html: string): string {
  return shape(html).texts.map((t) => t.text).join('');
}

/** For twins: maps each distinct data string to a distinct plain word (`w0`, `w1`…); empty stays empty. */
export function plainWords(): (value: string) => string {
  const words = new Map<string, string>();
  return (v) => {
    if (v === '') return '';
    if (!words.has(v)) words.set(v, `w${words.size}`);
    return words.get(v)!;
  };
}
