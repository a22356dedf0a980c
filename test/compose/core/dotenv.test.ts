import { parseDotEnv } from '../../../lib/compose/dotenv';
import { composeError } from './helpers';

const FILE = '/app/.env';
const values = (text: string, lookup?: (n: string) => string | undefined) =>
  Object.fromEntries(parseDotEnv(text, FILE, { lookup }).map((e) => [e.name, e.value]));

describe('parseDotEnv', () => {
  test('plain assignments, comments, blank lines, export, spaces around =, yaml-style colon', () => {
    expect(values('# comment\n\nA=1\nexport B=two\n  C = three  \nD: four\nE=\n')).toEqual({ A: '1', B: 'two', C: 'three', D: 'four', E: '' });
  });

  test('an inline comment needs a blank before #', () => {
    expect(values('A=value # comment\nB=val#ue\nC=x\t# tab comment\n')).toEqual({ A: 'value', B: 'val#ue', C: 'x' });
  });

  test('single quotes are literal', () => {
    expect(values("A='a $B \\n # not a comment'\nB='it\\'s'\n")).toEqual({ A: 'a $B \\n # not a comment', B: "it's" });
  });

  test('double quotes understand escapes and may span lines', () => {
    expect(values('A="line1\\nline2\\t\\"q\\" \\\\ \\$HOME"\nB="multi\nline"\nC="x" # comment\n')).toEqual({
      A: 'line1\nline2\t"q" \\ $HOME',
      B: 'multi\nline',
      C: 'x',
    });
  });

  test('values interpolate from the lookup first, then from earlier lines', () => {
    const lookup = (n: string) => (n === 'HOST' ? 'from-host' : n === 'A' ? 'host-a' : undefined);
    expect(values('A=file-a\nB=${A}-b\nC="${HOST:-x}"\nD=${NOPE:-default}\nE=$$literal\n', lookup)).toEqual({
      A: 'file-a',
      B: 'host-a-b',
      C: 'from-host',
      D: 'default',
      E: '$literal',
    });
    expect(values('A=1\nB=${A}\n')).toEqual({ A: '1', B: '1' });
  });

  test('a bare KEY takes its value from the lookup, or is skipped', () => {
    expect(values('HOST\nNOPE\nA=1\n', (n) => (n === 'HOST' ? 'h' : undefined))).toEqual({ HOST: 'h', A: '1' });
  });

  test('a later definition replaces the earlier one, keeping its line', () => {
    expect(parseDotEnv('A=1\nB=2\nA=3\n', FILE)).toEqual([
      { name: 'B', value: '2', line: 2 },
      { name: 'A', value: '3', line: 3 },
    ]);
  });

  test('lines are counted across multi-line values and CRLF files', () => {
    expect(parseDotEnv('A="x\ny"\r\nB=2\r\n', FILE)).toEqual([
      { name: 'A', value: 'x\ny', line: 1 },
      { name: 'B', value: '2', line: 3 },
    ]);
  });

  test('keys may contain dots, dashes and brackets', () => {
    expect(values('a.b-c[0]=1\n')).toEqual({ 'a.b-c[0]': '1' });
  });

  test.each([
    ['A=1\nMY VAR=2\n', 2, 1, 'contains a space'],
    ['A=1\n  B$=2\n', 2, 4, 'unexpected character `$`'],
    ['A="never closed\nB=2\n', 1, 3, 'unterminated quoted value'],
    ["A='x' trailing\n", 1, 7, 'unexpected text after the closing quote'],
    ['=value\n', 1, 1, 'missing variable name'],
    ['A=${B:?B is required}\n', 1, 3, 'required variable `B` is not set: B is required'],
  ])('%j fails at %i:%i', (text, line, column, fragment) => {
    const e = composeError(() => parseDotEnv(text, FILE));
    expect(e.code).toBe('compose/env-file-syntax');
    expect(e.location).toEqual({ file: FILE, line, column });
    expect(e.message).toContain(fragment);
  });

  test('raw format takes values literally', () => {
    expect(parseDotEnv('# c\nA="quoted" # kept\nB=${X}\nC\n', FILE, { raw: true, lookup: (n) => (n === 'C' ? 'c' : undefined) })).toEqual([
      { name: 'A', value: '"quoted" # kept', line: 2 },
      { name: 'B', value: '${X}', line: 3 },
      { name: 'C', value: 'c', line: 4 },
    ]);
  });
});
