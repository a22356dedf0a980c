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
  const locations: Record<string, SourceLocation> = Object.create(null) as Record<string, SourceLocation>;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let lineStart = 0;
  const fail = (message: string, at = pos): never => {
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
  };
  const here = (): SourceLocation => ({ file, line, column: pos - lineStart + 1 });
  const ws = (): void => {
    for (;;) {
      const ch = text[pos];
      if (ch === ' ' || ch === '\t' || ch === '\r') pos++;
      else if (ch === '\n') {
        pos++;
        line++;
        lineStart = pos;
      } else if (ch === '/' && (text[pos + 1] === '/' || text[pos + 1] === '*')) fail('comments are not allowed in JSON');
      else return;
    }
  };
  const show = (ch: string | undefined): string => (ch === undefined ? 'end of file' : JSON.stringify(ch));
  const parseString = (): string => {
    const start = pos;
    pos++; // opening quote
    let out = '';
    for (;;) {
      const ch = text[pos];
      if (ch === undefined) fail('unterminated string', start);
      if (ch === '"') {
        pos++;
        return out;
      }
      if (ch === '\n' || ch.charCodeAt(0) < 0x20) fail('control character in string (escape it, e.g. \\n)');
      if (ch === '\\') {
        const e = text[pos + 1];
        const map: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && e in map) {
          out += map[e];
          pos += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(pos + 2, pos + 6))) {
          out += String.fromCharCode(parseInt(text.slice(pos + 2, pos + 6), 16));
          pos += 6;
        } else {
          fail(`invalid escape \\${e ?? ''}`);
        }
      } else {
        out += ch;
        pos++;
      }
    }
  };
  const parseValue = (pointer: string, depth: number): unknown => {
    if (depth > 200) fail('nesting is too deep');
    ws();
    locations[pointer] = here();
    const ch = text[pos];
    if (ch === '{') {
      pos++;
      const obj: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
      ws();
      if (text[pos] === '}') {
        pos++;
        return obj;
      }
      for (;;) {
        ws();
        if (text[pos] !== '"') fail(text[pos] === '}' ? 'trailing comma before }' : `expected a double-quoted key, found ${show(text[pos])}`);
        const keyStart = pos;
        const key = parseString();
        if (Object.prototype.hasOwnProperty.call(obj, key)) fail(`duplicate key ${JSON.stringify(key)}`, keyStart);
        ws();
        if (text[pos] !== ':') fail(`expected ':' after key ${JSON.stringify(key)}, found ${show(text[pos])}`);
        pos++;
        const child = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
        Object.defineProperty(obj, key, { value: parseValue(child, depth + 1), enumerable: true, writable: true, configurable: true });
        ws();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === '}') {
          pos++;
          return obj;
        }
        fail(`expected ',' or '}', found ${show(text[pos])}`);
      }
    }
    if (ch === '[') {
      pos++;
      const arr: unknown[] = [];
      ws();
      if (text[pos] === ']') {
        pos++;
        return arr;
      }
      for (;;) {
        ws();
        if (text[pos] === ']') fail('trailing comma before ]');
        arr.push(parseValue(`${pointer}/${arr.length}`, depth + 1));
        ws();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === ']') {
          pos++;
          return arr;
        }
        fail(`expected ',' or ']', found ${show(text[pos])}`);
      }
    }
    if (ch === '"') return parseString();
    const num = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/.exec(text.slice(pos, pos + 400));
    if (num && num[0] !== '-') {
      pos += num[0].length;
      return Number(num[0]);
    }
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(word, pos)) {
        pos += word.length;
        return value;
      }
    }
    if (ch === "'") fail('strings and keys must use double quotes');
    return fail(ch === undefined ? 'unexpected end of file (the file is empty or truncated)' : `unexpected ${show(ch)}`);
  };
  const value = parseValue('', 0);
  ws();
  if (pos < text.length) fail(`unexpected ${show(text[pos])} after the end of the document`);
  return { value, locations };
}

