/** Strict JSON with the position of every value: what `import` and `--check` report locations from. */
import * as path from 'path';
import { BundleError, type SourceLocation } from '../../errors';

// ---- JSON with positions ----------------------------------------------------------------------

/** A parsed JSON document and the position of every value (JSON pointer → location). */
export interface LocatedJson {
  readonly value: unknown;
  readonly locations: Record<string, SourceLocation>;
}

/**
 * Parses strict JSON (RFC 8259) and records where each value starts. A syntax error throws a
 * `BundleError` (code `bundle/json-syntax`) naming `file:line:column`. Duplicate keys are an error,
 * because JSON.parse would silently keep the last one.
 */
export function parseJsonWithLocations(text: string, file: string): LocatedJson {
  const parser = new LocatingParser(text, file);
  const value = parser.parseValue('', 0);
  parser.ws();
  if (parser.pos < text.length) parser.fail(`unexpected ${show(text[parser.pos])} after the end of the document`);
  return { value, locations: parser.locations };
}

const show = (ch: string | undefined): string => (ch === undefined ? 'end of file' : JSON.stringify(ch));

const ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** A recursive-descent parser over `text` that keeps the line of `pos` and the start of every value. */
class LocatingParser {
  readonly locations: Record<string, SourceLocation> = Object.create(null) as Record<string, SourceLocation>;
  pos: number;
  private line = 1;
  private lineStart = 0;

  constructor(private readonly text: string, private readonly file: string) {
    this.pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  }

  fail(message: string, at = this.pos): never {
    const { text, file } = this;
    // recompute line/column for `at` (it may be behind `pos`)
    let l = 1;
    let ls = 0;
    for (let k = 0; k < at && k < text.length; k++) {
      if (text.charCodeAt(k) === 10) {
        l++;
        ls = k + 1;
      }
    }
    throw new BundleError(`${path.basename(file)} is not valid JSON: ${message}`, {
      code: 'bundle/json-syntax',
      location: { file, line: l, column: at - ls + 1 },
      fix: 'fix the JSON syntax at that position (Dockerrun.aws.json is plain JSON: no comments, no trailing commas, double-quoted keys)',
    });
  }

  /** Skips whitespace (counting lines); refuses comments. */
  ws(): void {
    const { text } = this;
    for (;;) {
      const ch = text[this.pos];
      if (ch === ' ' || ch === '\t' || ch === '\r') this.pos++;
      else if (ch === '\n') {
        this.pos++;
        this.line++;
        this.lineStart = this.pos;
      } else if (ch === '/' && (text[this.pos + 1] === '/' || text[this.pos + 1] === '*')) this.fail('comments are not allowed in JSON');
      else return;
    }
  }

  parseValue(pointer: string, depth: number): unknown {
    if (depth > 200) this.fail('nesting is too deep');
    this.ws();
    this.locations[pointer] = { file: this.file, line: this.line, column: this.pos - this.lineStart + 1 };
    const ch = this.text[this.pos];
    if (ch === '{') return this.parseObject(pointer, depth);
    if (ch === '[') return this.parseArray(pointer, depth);
    if (ch === '"') return this.parseString();
    return this.parseScalar(ch);
  }

  private parseObject(pointer: string, depth: number): Record<string, unknown> {
    const { text } = this;
    const obj: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    if (this.opensEmpty('}')) return obj;
    do {
      this.ws();
      if (text[this.pos] !== '"') this.fail(text[this.pos] === '}' ? 'trailing comma before }' : `expected a double-quoted key, found ${show(text[this.pos])}`);
      const keyStart = this.pos;
      const key = this.parseString();
      if (Object.prototype.hasOwnProperty.call(obj, key)) this.fail(`duplicate key ${JSON.stringify(key)}`, keyStart);
      this.ws();
      if (text[this.pos] !== ':') this.fail(`expected ':' after key ${JSON.stringify(key)}, found ${show(text[this.pos])}`);
      this.pos++;
      const child = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      Object.defineProperty(obj, key, { value: this.parseValue(child, depth + 1), enumerable: true, writable: true, configurable: true });
    } while (this.continues('}'));
    return obj;
  }

  private parseArray(pointer: string, depth: number): unknown[] {
    const arr: unknown[] = [];
    if (this.opensEmpty(']')) return arr;
    do {
      this.ws();
      if (this.text[this.pos] === ']') this.fail('trailing comma before ]');
      arr.push(this.parseValue(`${pointer}/${arr.length}`, depth + 1));
    } while (this.continues(']'));
    return arr;
  }

  /** Steps over the opening bracket; whether `close` follows at once (an empty container, stepped over too). */
  private opensEmpty(close: '}' | ']'): boolean {
    this.pos++;
    this.ws();
    if (this.text[this.pos] !== close) return false;
    this.pos++;
    return true;
  }

  /** After an element: `,` means another follows (true), `close` ends the container (false). */
  private continues(close: '}' | ']'): boolean {
    this.ws();
    const ch = this.text[this.pos];
    if (ch === ',' || ch === close) {
      this.pos++;
      return ch === ',';
    }
    return this.fail(`expected ',' or '${close}', found ${show(ch)}`);
  }

  private parseString(): string {
    const { text } = this;
    const start = this.pos;
    this.pos++; // opening quote
    let out = '';
    for (;;) {
      const ch = text[this.pos];
      if (ch === undefined) this.fail('unterminated string', start);
      if (ch === '"') {
        this.pos++;
        return out;
      }
      if (ch === '\n' || ch.charCodeAt(0) < 0x20) this.fail('control character in string (escape it, e.g. \\n)');
      if (ch === '\\') {
        const e = text[this.pos + 1];
        if (e !== undefined && e in ESCAPES) {
          out += ESCAPES[e];
          this.pos += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(this.pos + 2, this.pos + 6))) {
          out += String.fromCharCode(parseInt(text.slice(this.pos + 2, this.pos + 6), 16));
          this.pos += 6;
        } else {
          this.fail(`invalid escape \\${e ?? ''}`);
        }
      } else {
        out += ch;
        this.pos++;
      }
    }
  }

  /** A number, true, false or null; anything else is an error. */
  private parseScalar(ch: string | undefined): unknown {
    const { text } = this;
    const num = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/.exec(text.slice(this.pos, this.pos + 400));
    if (num && num[0] !== '-') {
      this.pos += num[0].length;
      return Number(num[0]);
    }
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return value;
      }
    }
    if (ch === "'") this.fail('strings and keys must use double quotes');
    return this.fail(ch === undefined ? 'unexpected end of file (the file is empty or truncated)' : `unexpected ${show(ch)}`);
  }
}
