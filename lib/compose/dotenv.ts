/**
 * Compose's `.env` syntax, as Docker Compose v2 reads `.env`, `--env-file` and `env_file:` files.
 *
 * - `KEY=value`, `KEY: value`, `export KEY=value`; spaces around `=` are ignored.
 * - `# comment` lines and blank lines are skipped; in an unquoted value ` #` starts a comment.
 * - `'single quoted'` values are literal (only `\'` is unescaped) and may span lines.
 * - `"double quoted"` values may span lines and understand `\n`, `\r`, `\t`, `\\`, `\"`, `\$` and
 *   octal `\0NNN`; they and unquoted values interpolate `${VAR}` forms (see interpolate.ts) from the
 *   lookup first, then from the variables defined earlier in the same file.
 * - A bare `KEY` line takes `KEY` from the lookup and is skipped when the lookup does not have it.
 * - A key is letters, digits, `_`, `.`, `-`, `[` and `]`; a later definition of a key replaces the
 *   earlier one.
 *
 * With `raw: true` (`env_file` `format: raw`) every `KEY=VALUE` line is taken literally.
 */
import { ComposeError, printable } from '../errors';
import { InterpolationFailure, substitute } from './interpolate';

export interface DotEnvEntry {
  readonly name: string;
  readonly value: string;
  /** 1-based line of the definition. */
  readonly line: number;
}

export interface DotEnvOptions {
  /** Take values literally (`format: raw`). @default false */
  readonly raw?: boolean;
  /** Variables for `${VAR}` in values and for bare `KEY` lines. @default - none */
  readonly lookup?: (name: string) => string | undefined;
}

/**
 * Parses the text of an env file. The entries are in order of first definition, one per name, with
 * the last definition's value. Throws `ComposeError` (`compose/env-file-syntax`) with
 * `file:line:column` for a line it cannot read.
 */
export function parseDotEnv(text: string, file: string, options: DotEnvOptions = {}): DotEnvEntry[] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const parser = new DotEnvParser(text, file, options.lookup ?? (() => undefined));
  if (options.raw) parser.parseRaw();
  else parser.parse();
  return [...parser.entries.values()];
}

const FIX = 'write one `KEY=value` per line; quote values containing spaces followed by `#`, and close every quote';

class DotEnvParser {
  readonly entries = new Map<string, DotEnvEntry>();
  private readonly lineStarts: number[] = [0];
  private pos = 0;

  constructor(
    private readonly text: string,
    private readonly file: string,
    private readonly lookup: (name: string) => string | undefined,
  ) {
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') this.lineStarts.push(i + 1);
  }

  parseRaw(): void {
    for (let line = 0; line < this.lineStarts.length; line++) {
      const start = this.lineStarts[line];
      const end = line + 1 < this.lineStarts.length ? this.lineStarts[line + 1] - 1 : this.text.length;
      let content = this.text.slice(start, end);
      if (content.endsWith('\r')) content = content.slice(0, -1);
      if (content.trim() === '' || content.trimStart().startsWith('#')) continue;
      const eq = content.indexOf('=');
      const name = (eq < 0 ? content : content.slice(0, eq)).trim();
      if (name === '' || /\s/.test(name)) {
        throw this.error(`invalid variable name \`${name}\``, start + Math.max(0, content.indexOf(name)));
      }
      if (eq < 0) {
        const inherited = this.lookup(name);
        if (inherited !== undefined) this.set(name, inherited, line + 1);
        continue;
      }
      this.set(name, content.slice(eq + 1), line + 1);
    }
  }

  parse(): void {
    const t = this.text;
    for (;;) {
      // skip blank space and comment lines
      while (this.pos < t.length && /\s/.test(t[this.pos])) this.pos++;
      if (this.pos >= t.length) return;
      if (t[this.pos] === '#') {
        this.skipToLineEnd();
        continue;
      }
      this.statement();
    }
  }

  private statement(): void {
    const t = this.text;
    const start = this.pos;
    const line = this.lineOf(start);
    const exportMatch = /^export[ \t]+/.exec(t.slice(this.pos, this.pos + 64));
    if (exportMatch && !/^export[ \t]*[=:]/.test(t.slice(this.pos, this.pos + 64))) this.pos += exportMatch[0].length;

    // the key: up to `=`, `:` or the end of the line
    const keyStart = this.pos;
    let terminator = '';
    while (this.pos < t.length) {
      const c = t[this.pos];
      if (c === '=' || c === ':' || c === '\n') {
        terminator = c;
        break;
      }
      if (!isKeyChar(c) && !isBlank(c)) {
        const lineText = t.slice(this.lineStarts[line - 1], this.lineEnd(this.pos));
        throw this.error(`unexpected character \`${c}\` in variable name \`${lineText.trim()}\``, this.pos);
      }
      this.pos++;
    }
    const rawKey = t.slice(keyStart, this.pos);
    const name = rawKey.trim().replace(/\r$/, '');
    if (name === '') throw this.error('missing variable name before `' + (terminator || '=') + '`', keyStart);
    if (/\s/.test(name)) throw this.error(`variable name \`${name}\` contains a space`, keyStart);

    if (terminator === '' || terminator === '\n') {
      // a bare `KEY`: inherited from the lookup
      const inherited = this.lookup(name);
      if (inherited !== undefined) this.set(name, inherited, line);
      return;
    }
    this.pos++; // past `=` or `:`
    while (this.pos < t.length && isBlank(t[this.pos])) this.pos++;

    const quote = t[this.pos];
    if (quote === '"' || quote === "'") {
      const value = this.quoted(quote);
      this.set(name, quote === '"' ? this.expand(unescapeDoubleQuoted(value), start) : value, line);
      // only blanks and a comment may follow the closing quote
      while (this.pos < t.length && isBlank(t[this.pos])) this.pos++;
      if (this.pos < t.length && t[this.pos] !== '\n' && t[this.pos] !== '#') {
        throw this.error(`unexpected text after the closing quote of \`${name}\``, this.pos);
      }
      this.skipToLineEnd();
      return;
    }
    const end = this.lineEnd(this.pos);
    let value = t.slice(this.pos, end);
    const comment = value.search(/[ \t]#/);
    if (comment >= 0) value = value.slice(0, comment);
    value = value.replace(/\s+$/, '');
    this.set(name, this.expand(value, this.pos), line);
    this.pos = end;
  }

  /** Reads a quoted value starting at the opening quote; `\<quote>` becomes the quote, other escapes stay. */
  private quoted(quote: string): string {
    const t = this.text;
    const open = this.pos;
    let out = '';
    for (let i = open + 1; i < t.length; i++) {
      const c = t[i];
      if (c === '\\' && i + 1 < t.length) {
        const n = t[i + 1];
        out += n === quote ? n : c + n;
        i++;
        continue;
      }
      if (c === quote) {
        this.pos = i + 1;
        return out;
      }
      out += c;
    }
    throw this.error(`unterminated quoted value: the ${quote === '"' ? 'double' : 'single'} quote opened here is never closed`, open);
  }

  private expand(value: string, offset: number): string {
    if (!value.includes('$')) return value;
    const lookup = (name: string) => {
      const v = this.lookup(name);
      return v !== undefined ? v : this.entries.get(name)?.value;
    };
    try {
      return substitute(value, lookup).value;
    } catch (e) {
      if (e instanceof InterpolationFailure) throw this.error(e.message, offset);
      throw e;
    }
  }

  private set(name: string, value: string, line: number): void {
    const previous = this.entries.get(name);
    if (previous) this.entries.delete(name);
    // a redefinition keeps the value and line of the last definition
    this.entries.set(name, { name, value, line });
  }

  private skipToLineEnd(): void {
    this.pos = this.lineEnd(this.pos);
  }

  private lineEnd(from: number): number {
    const nl = this.text.indexOf('\n', from);
    return nl < 0 ? this.text.length : nl;
  }

  private lineOf(offset: number): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  private error(message: string, offset: number): ComposeError {
    const line = this.lineOf(offset);
    // messages quote names and line text of the file: one printable line, shortened
    return new ComposeError(printable(message, 200), {
      code: 'compose/env-file-syntax',
      location: { file: this.file, line, column: offset - this.lineStarts[line - 1] + 1 },
      fix: FIX,
    });
  }
}

function isBlank(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\v' || c === '\f' || c === '\u00a0' || c === '\u0085';
}

function isKeyChar(c: string): boolean {
  return /[\p{L}\p{N}_.\-[\]]/u.test(c);
}

/** `\n`, `\r`, `\t`, `\a`, `\b`, `\f`, `\v`, `\\`, `\"`, `\0NNN`; `\$` becomes `$$` so interpolation keeps a literal `$`. */
function unescapeDoubleQuoted(value: string): string {
  return value.replace(/\\(?:([abfnrtv"\\$])|0([0-7]{0,3}))/g, (match, c: string | undefined, octal: string | undefined) => {
    if (c !== undefined) {
      switch (c) {
        case 'a': return '\x07';
        case 'b': return '\b';
        case 'f': return '\f';
        case 'n': return '\n';
        case 'r': return '\r';
        case 't': return '\t';
        case 'v': return '\v';
        case '$': return '$$';
        default: return c;
      }
    }
    return octal ? String.fromCharCode(parseInt(octal, 8)) : '\0';
  });
}
