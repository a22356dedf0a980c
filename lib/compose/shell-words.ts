/**
 * Splits a command string into words the way a POSIX shell would tokenize it — quotes, backslash
 * escapes, whitespace — WITHOUT running a shell: no variable expansion, globbing, or command
 * substitution (Compose has already interpolated `${VAR}` by then). This is what Compose does with
 * `command: npm run start` and `entrypoint: "/bin/sh -c 'echo hi'"`.
 */

/** A command string that cannot be split (an unterminated quote, a trailing backslash). */
export class ShellWordsError extends Error {
  /** 0-based offset in the input where the problem starts. */
  readonly index: number;
  constructor(message: string, index: number) {
    super(message);
    this.name = 'ShellWordsError';
    this.index = index;
  }
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
/** Characters a backslash escapes inside double quotes (POSIX 2.2.3). */
const DOUBLE_QUOTE_ESCAPES = new Set(['$', '`', '"', '\\', '\n']);

/**
 * Splits `input` into words.
 *
 * - unquoted: whitespace separates words; `\x` is the literal `x`; `\<newline>` is removed.
 * - `'...'`: everything literal up to the next `'`.
 * - `"..."`: literal except `\` before `$ \` " \ newline`, which escapes it.
 * - `''` and `""` make an empty word.
 *
 * @throws ShellWordsError on an unterminated quote or a trailing backslash
 */
export function splitShellWords(input: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  while (i < input.length) {
    const c = input[i];
    if (WHITESPACE.has(c)) {
      if (inWord) {
        words.push(word);
        word = '';
        inWord = false;
      }
      i++;
      continue;
    }
    if (c === '\\') {
      if (i + 1 >= input.length) throw new ShellWordsError('trailing backslash', i);
      if (input[i + 1] !== '\n') {
        word += input[i + 1];
        inWord = true;
      }
      i += 2;
      continue;
    }
    if (c === "'") {
      const end = input.indexOf("'", i + 1);
      if (end < 0) throw new ShellWordsError('unterminated single quote', i);
      word += input.slice(i + 1, end);
      inWord = true;
      i = end + 1;
      continue;
    }
    if (c === '"') {
      const start = i;
      i++;
      inWord = true;
      let closed = false;
      while (i < input.length) {
        const d = input[i];
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        if (d === '\\' && i + 1 < input.length && DOUBLE_QUOTE_ESCAPES.has(input[i + 1])) {
          if (input[i + 1] !== '\n') word += input[i + 1];
          i += 2;
          continue;
        }
        word += d;
        i++;
      }
      if (!closed) throw new ShellWordsError('unterminated double quote', start);
      continue;
    }
    word += c;
    inWord = true;
    i++;
  }
  if (inWord) words.push(word);
  return words;
}
