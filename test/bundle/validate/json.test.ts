import { parseJsonWithLocations } from '../../../lib/bundle/validate';
import { BundleError } from '../../../lib/errors';

function syntaxError(text: string): BundleError {
  try {
    parseJsonWithLocations(text, '/p/Dockerrun.aws.json');
  } catch (e) {
    return e as BundleError;
  }
  throw new Error('no error');
}

describe('parseJsonWithLocations', () => {
  test('parses like JSON.parse and records positions', () => {
    const text = '{\n  "a": [1, {"b": "x\\n\\u0041"}],\n  "c": -1.5e3,\n  "d": null, "e": true\n}\n';
    const { value, locations } = parseJsonWithLocations(text, '/p/f.json');
    expect(value).toEqual(JSON.parse(text));
    expect(locations['']).toEqual({ file: '/p/f.json', line: 1, column: 1 });
    expect(locations['/a']).toEqual({ file: '/p/f.json', line: 2, column: 8 });
    expect(locations['/a/1/b']).toEqual({ file: '/p/f.json', line: 2, column: 18 });
    expect(locations['/c']).toEqual({ file: '/p/f.json', line: 3, column: 8 });
    expect(locations['/e']).toEqual({ file: '/p/f.json', line: 4, column: 19 });
  });

  test('keys with / and ~ are escaped in pointers', () => {
    const { locations } = parseJsonWithLocations('{"a/b": {"c~d": 1}}', 'f');
    expect(Object.keys(locations).sort()).toEqual(['', '/a~1b', '/a~1b/c~0d']);
  });

  test('a __proto__ key is kept as data', () => {
    const { value } = parseJsonWithLocations('{"__proto__": {"x": 1}}', 'f');
    expect(Object.keys(value as object)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  test.each([
    ['{\n  "a": 1,\n}', 3, 1, /trailing comma/],
    ['{\n  "a": 1\n  "b": 2\n}', 3, 3, /expected ',' or '}'/],
    ["{'a': 1}", 1, 2, /double quotes|double-quoted/],
    ['{"a": 1} x', 1, 10, /after the end/],
    ['', 1, 1, /end of file/],
    ['{"a": "unterminated', 1, 7, /unterminated string/],
    ['{"a": 1, "a": 2}', 1, 10, /duplicate key "a"/],
    ['// c\n{}', 1, 1, /comments/],
    ['[1, 2,]', 1, 7, /trailing comma/],
    ['{"a": tru}', 1, 7, /unexpected "t"/],
  ])('syntax error in %j at line %i column %i', (text, line, column, message) => {
    const e = syntaxError(text);
    expect(e.code).toBe('bundle/json-syntax');
    expect(e.location).toEqual({ file: '/p/Dockerrun.aws.json', line, column });
    expect(e.message).toMatch(message);
    expect(e.fix).toBeDefined();
  });
});
