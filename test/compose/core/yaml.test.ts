import { parseYamlFile } from '../../../lib/compose/yaml';
import { collectLocations, getEntry, toPlain, Node } from '../../../lib/compose/node';
import { composeError } from './helpers';

const FILE = '/app/compose.yaml';

function parse(text: string, limits = {}) {
  return parseYamlFile(text, FILE, limits);
}

function plain(text: string): unknown {
  return toPlain(parse(text).documents[0]);
}

function locations(node: Node) {
  const values: Record<string, { line: number; column: number }> = {};
  const keys: Record<string, { line: number; column: number }> = {};
  collectLocations(node, '', values as never, keys as never);
  const strip = (r: Record<string, { line: number; column: number }>) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, `${v.line}:${v.column}`]));
  return { values: strip(values), keys: strip(keys) };
}

describe('YAML documents and positions', () => {
  test('every value and key has its 1-based line and column', () => {
    const doc = parse('services:\n  web:\n    image: nginx\n    ports:\n      - "80:80"\n      - 443\n').documents[0];
    const { values, keys } = locations(doc);
    expect(values['/services/web/image']).toBe('3:12');
    expect(values['/services/web/ports']).toBe('5:7');
    expect(values['/services/web/ports/0']).toBe('5:9');
    expect(values['/services/web/ports/1']).toBe('6:9');
    expect(keys['/services/web']).toBe('2:3');
    expect(keys['/services/web/ports']).toBe('4:5');
  });

  test('YAML 1.2 core schema (yes/on stay strings), with the go-yaml octal `0NNN` as Compose reads it', () => {
    expect(plain('a: yes\nb: on\nc: true\nd: 012\ne: 1.5\nf: null\ng: ~\nh: "1"\ni: 0o17\nj: 0x1F\nk: 089\n')).toEqual({
      a: 'yes',
      b: 'on',
      c: true,
      d: 10,
      e: 1.5,
      f: null,
      g: null,
      h: '1',
      i: 15,
      j: 31,
      k: 89,
    });
  });

  test('a key without a value is null; numeric keys become strings', () => {
    expect(plain('services:\n  web:\n80: x\n')).toEqual({ services: { web: null }, '80': 'x' });
  });

  test('an empty file is an empty mapping; a BOM is ignored', () => {
    expect(plain('')).toEqual({});
    expect(plain('# only a comment\n')).toEqual({});
    expect(plain('\ufeffname: x\n')).toEqual({ name: 'x' });
  });

  test('several documents are returned in order', () => {
    const docs = parse('services:\n  a:\n    image: x\n---\nservices:\n  b:\n    image: y\n').documents;
    expect(docs.map(toPlain)).toEqual([{ services: { a: { image: 'x' } } }, { services: { b: { image: 'y' } } }]);
  });

  test('the top level must be a mapping', () => {
    const e = composeError(() => parse('- a\n- b\n'));
    expect(e.code).toBe('compose/not-a-mapping');
    expect(e.location).toEqual({ file: FILE, line: 1, column: 1 });
    expect(composeError(() => parse('just a string\n')).code).toBe('compose/not-a-mapping');
  });
});

describe('fragments (10-fragments.md) and extensions (11-extension.md)', () => {
  test('example 1: an alias reuses an anchored mapping', () => {
    expect(plain('volumes:\n  db-data: &default-volume\n    driver: default\n  metrics: *default-volume\n')).toEqual({
      volumes: { 'db-data': { driver: 'default' }, metrics: { driver: 'default' } },
    });
  });

  test('example 2: an alias reuses an anchored sequence', () => {
    const v = plain(
      'services:\n  first:\n    image: my-image:latest\n    environment: &env\n      - CONFIG_KEY\n      - EXAMPLE_KEY\n  second:\n    image: another-image:latest\n    environment: *env\n',
    ) as { services: Record<string, { environment: string[] }> };
    expect(v.services.second.environment).toEqual(['CONFIG_KEY', 'EXAMPLE_KEY']);
  });

  test('example 3: a merge key with an override of one attribute', () => {
    const v = plain('volumes:\n  db-data: &default-volume\n    driver: default\n    name: "data"\n  metrics:\n    <<: *default-volume\n    name: "metrics"\n');
    expect(v).toEqual({ volumes: { 'db-data': { driver: 'default', name: 'data' }, metrics: { driver: 'default', name: 'metrics' } } });
  });

  test('explicit keys win over merged ones wherever they appear', () => {
    expect(plain('x: &x\n  a: 1\n  b: 2\ny:\n  b: 3\n  <<: *x\n')).toEqual({ x: { a: 1, b: 2 }, y: { b: 3, a: 1 } });
  });

  test('extension example 4: a list of merge sources, earlier ones win', () => {
    const v = plain(
      'x-environment: &default-environment\n  FOO: BAR\n  ZOT: QUIX\nx-keys: &keys\n  KEY: VALUE\n  FOO: OTHER\nservices:\n  frontend:\n    image: example/webapp\n    environment:\n      << : [*default-environment, *keys]\n      YET_ANOTHER: VARIABLE\n',
    ) as { services: { frontend: { environment: unknown } } };
    expect(v.services.frontend.environment).toEqual({ FOO: 'BAR', ZOT: 'QUIX', KEY: 'VALUE', YET_ANOTHER: 'VARIABLE' });
  });

  test('a quoted "<<" is an ordinary key', () => {
    expect(plain('a:\n  "<<": 1\n')).toEqual({ a: { '<<': 1 } });
  });

  test('merged values keep the position of the anchored text', () => {
    const doc = parse('x-base: &base\n  image: nginx\nservices:\n  web:\n    <<: *base\n').documents[0];
    expect(locations(doc).values['/services/web/image']).toBe('2:10');
  });

  test('a merge key must be given mappings', () => {
    const e = composeError(() => parse('x: &x [1, 2]\ny:\n  <<: *x\n'));
    expect(e.code).toBe('compose/yaml-bad-merge-key');
    expect(e.location).toEqual({ file: FILE, line: 1, column: 8 });
  });

  test('an alias to an undefined anchor names it and its position', () => {
    const e = composeError(() => parse('services:\n  web:\n    <<: *missing\n'));
    expect(e.code).toBe('compose/yaml-unknown-alias');
    expect(e.message).toContain('`*missing`');
    expect(e.location).toEqual({ file: FILE, line: 3, column: 9 });
  });

  test('an alias inside its own anchor is refused', () => {
    const e = composeError(() => parse('a: &a\n  b: *a\n'));
    expect(e.code).toBe('compose/yaml-recursive-alias');
    expect(e.location?.line).toBe(2);
  });
});

describe('merge tags', () => {
  test('!reset and !override are kept on the nodes, without warnings', () => {
    const r = parse('services:\n  app:\n    ports: !reset []\n    environment: !override\n      A: "1"\n    image: !reset null\n');
    const app = getEntry(getEntry(r.documents[0], 'services'), 'app');
    const tagOf = (key: string) => getEntry(app, key)?.tag;
    expect(tagOf('ports')).toBe('reset');
    expect(tagOf('environment')).toBe('override');
    expect(tagOf('image')).toBe('reset');
    expect(r.warnings).toEqual([]);
  });

  test('an unknown tag is a warning with its position', () => {
    const r = parse('services:\n  app:\n    image: !custom nginx\n');
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0].code).toBe('compose/yaml-unknown-tag');
    expect(r.warnings[0].location).toEqual({ file: FILE, line: 3, column: 20 });
    expect(toPlain(r.documents[0])).toEqual({ services: { app: { image: 'nginx' } } });
  });
});

describe('syntax errors name file, line and column', () => {
  test.each([
    ['bad indentation', 'services:\n  web:\n    image: nginx\n   ports: []\n', 4, 4, 'all mapping items must start at the same column'],
    ['a tab as indentation', 'services:\n  web:\n\timage: nginx\n', 3, 1, 'tabs'],
    ['an unclosed double quote', 'services:\n  web:\n    image: "nginx\n', 3, 12, 'missing closing " quote'],
    ['an unclosed flow sequence', 'services:\n  web:\n    command: [a, b\n', 3, 14, 'flow sequence'],
    ['a nested compact mapping', 'services: web: x\n', 1, 11, 'nested mappings'],
  ])('%s', (_name, text, line, column, fragment) => {
    const e = composeError(() => parse(text));
    expect(e.code).toBe('compose/yaml-syntax');
    expect(e.location).toEqual({ file: FILE, line, column });
    expect(e.message).toContain(fragment);
    expect(e.message).toMatch(/^YAML syntax error: [a-z]/);
    expect(e.fix).toBeTruthy();
  });

  test('a duplicate key points at the second one and names the first', () => {
    const e = composeError(() => parse('services:\n  web:\n    image: nginx\n    ports: []\n    image: httpd\n'));
    expect(e.code).toBe('compose/yaml-duplicate-key');
    expect(e.location).toEqual({ file: FILE, line: 5, column: 5 });
    expect(e.message).toBe('duplicate key `image` in service `web` (first defined at line 3, column 5)');
  });

  test('duplicate keys at the top level', () => {
    const e = composeError(() => parse('services: {}\nservices: {}\n'));
    expect(e.message).toContain('the top level');
    expect(e.location?.line).toBe(2);
  });

  test('a mapping as a key is refused', () => {
    expect(composeError(() => parse('? [a, b]\n: c\n')).code).toBe('compose/yaml-bad-key');
  });
});

describe('safety limits', () => {
  test('a billion-laughs alias bomb is refused fast', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      levels.push(`${cur}: &${cur} [${Array(9).fill('*' + prev).join(',')}]`);
    }
    const e = composeError(() => parse(levels.join('\n') + '\n'));
    expect(e.code).toBe('compose/yaml-too-large');
    expect(e.message).toContain('alias');
  });

  test('a small alias budget is enforced exactly', () => {
    expect(() => parse('a: &a [1, 2, 3]\nb: *a\n', { maxNodes: 12 })).not.toThrow();
    expect(composeError(() => parse('a: &a [1, 2, 3]\nb: *a\nc: *a\n', { maxNodes: 12 })).code).toBe('compose/yaml-too-large');
  });

  test('deep flow nesting is refused without overflowing the stack', () => {
    const e = composeError(() => parse('a: ' + '['.repeat(100000) + ']'.repeat(100000) + '\n'));
    expect(e.code).toBe('compose/yaml-too-deep');
    expect(e.location?.line).toBe(1);
  });

  test('deep block nesting is refused', () => {
    let text = '';
    for (let i = 0; i < 300; i++) text += ' '.repeat(i) + 'k:\n';
    expect(composeError(() => parse(text)).code).toBe('compose/yaml-too-deep');
  });

  test('nesting built from a chain of aliases is refused', () => {
    const lines = ['a0: &a0 [x]'];
    for (let i = 1; i < 250; i++) lines.push(`a${i}: &a${i} [*a${i - 1}]`);
    expect(composeError(() => parse(lines.join('\n') + '\n')).code).toBe('compose/yaml-too-deep');
  });

  test('200 levels are accepted', () => {
    expect(() => parse('a: ' + '['.repeat(199) + ']'.repeat(199) + '\n')).not.toThrow();
  });

  test('a file over the size limit is refused before parsing', () => {
    const e = composeError(() => parse('a: ' + 'x'.repeat(2000) + '\n', { maxBytes: 1000 }));
    expect(e.code).toBe('compose/file-too-large');
    const big = 'x: "' + 'y'.repeat(11 * 1024 * 1024) + '"\n';
    expect(composeError(() => parse(big)).code).toBe('compose/file-too-large');
  });
});
