/**
 * Property: our shell-word splitter agrees with Python's `shlex.split` (POSIX mode), an independent
 * implementation — the one docker-compose 1.x uses for `command:` strings.
 *
 * The alphabet leaves out what shlex deliberately does differently from a POSIX shell: `$` and
 * backquote (a POSIX shell lets a backslash escape them inside double quotes, shlex keeps the
 * backslash) and newlines (backslash-newline is a line continuation in the shell, a literal newline
 * for shlex).
 */
import { spawnSync } from 'child_process';
import * as fc from 'fast-check';
import { ShellWordsError, splitShellWords } from '../../../lib/compose/shell-words';
import { REQUIRED, skipLoudly } from '../oracle/env';

const python = spawnSync('python3', ['-c', 'import shlex'], { encoding: 'utf8' }).status === 0;

const piece = fc.constantFrom('a', 'b', 'x y', ' ', '  ', '\t', "'", '"', '\\', '\\\\', '\\"', "\\'", '-c', '=', 'é', '#', '|', ';', '&&', '*');
const commandLine = fc.array(piece, { maxLength: 14 }).map((parts) => parts.join(''));

/** Python's verdict for each input: the words, or null when shlex raises (unbalanced quotes). */
function shlexAll(inputs: string[]): (string[] | null)[] {
  const code = [
    'import json, shlex, sys',
    'out = []',
    'for s in json.load(sys.stdin):',
    '    try:',
    '        out.append(shlex.split(s))',
    '    except ValueError:',
    '        out.append(None)',
    'print(json.dumps(out))',
  ].join('\n');
  const r = spawnSync('python3', ['-c', code], { input: JSON.stringify(inputs), encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as (string[] | null)[];
}

function ours(input: string): string[] | null {
  try {
    return splitShellWords(input);
  } catch (e) {
    if (e instanceof ShellWordsError) return null;
    throw e;
  }
}

if (!python) {
  if (REQUIRED) {
    it('python3 is installed (the shlex oracle)', () => {
      throw new Error('python3 is not on PATH');
    });
  } else {
    skipLoudly('shell-words oracle', 'python3 is not on PATH');
    it.skip('shell-words agree with shlex', () => undefined);
  }
} else {
  describe('splitShellWords agrees with Python shlex.split', () => {
    it('on 500 generated command lines', () => {
      const inputs = fc.sample(commandLine, { numRuns: 500, seed: 7 });
      const expected = shlexAll(inputs);
      const mismatches = inputs
        .map((input, i) => ({ input, ours: ours(input), shlex: expected[i] }))
        .filter((m) => JSON.stringify(m.ours) !== JSON.stringify(m.shlex));
      expect(mismatches.slice(0, 5)).toEqual([]);
      // both outcomes were exercised
      expect(expected.some((e) => e === null)).toBe(true);
      expect(expected.filter((e) => e !== null && e.length > 1).length).toBeGreaterThan(50);
    });
  });
}
