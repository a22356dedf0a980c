import { ShellWordsError, splitShellWords } from '../../../lib/compose/shell-words';

describe('splitShellWords', () => {
  it.each([
    ['npm run start', ['npm', 'run', 'start']],
    ['  spaced\tout\n words  ', ['spaced', 'out', 'words']],
    [`sh -c 'echo "$HOME"'`, ['sh', '-c', 'echo "$HOME"']],
    ['echo "a \\"quoted\\" word" \\$x', ['echo', 'a "quoted" word', '$x']],
    ['a\\ b c', ['a b', 'c']],
    ['"" \'\'', ['', '']],
    ['pre"mid"\'post\'', ['premidpost']],
    ['"keep \\n and \\t"', ['keep \\n and \\t']],
    ['line\\\ncontinued', ['linecontinued']],
    ['--default-authentication-plugin=mysql_native_password', ['--default-authentication-plugin=mysql_native_password']],
    ['a # not a comment', ['a', '#', 'not', 'a', 'comment']],
    ['', []],
  ])('%p', (input, words) => expect(splitShellWords(input)).toEqual(words));

  it.each([
    ['echo "oops', 5, /double quote/],
    ["echo 'oops", 5, /single quote/],
    ['trailing\\', 8, /backslash/],
  ])('rejects %p', (input, index, message) => {
    let error: unknown;
    try {
      splitShellWords(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ShellWordsError);
    expect((error as ShellWordsError).index).toBe(index);
    expect((error as ShellWordsError).message).toMatch(message);
  });
});
