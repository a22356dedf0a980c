/**
 * lib/util/yaml-text.ts writes the same bytes as the `yaml` library with the same options, whichever
 * path writes them: on generated data built from the characters and words YAML treats specially,
 * and on the `beanstack config` documents of every corpus app. The direct path must also be the one
 * taken for ordinary compose documents (else the speed-up is gone without any test noticing).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as fc from 'fast-check';
import { Document, stringify } from 'yaml';
import { directYamlText, yamlText, YAML_11_OTHER_TYPES, YAML_TEXT_OPTIONS } from '../../lib/util/yaml-text';
import { loadProject, toComposeDocument } from '../../lib/compose';
import { nodeFileReader } from '../../lib/io/node-reader';

const library = (data: unknown): string => stringify(data, YAML_TEXT_OPTIONS);

/** Pieces that exercise every quoting rule: indicators, blanks, 1.1 booleans and numbers, escapes, markers. */
const PIECES = [
  'a', 'web', 'x', 'B', '1', '0', '07', '0x1F', '0b101', '1_000', '1:20', '1.5', '.5', '1e3', '.inf', '-.Inf', '.NaN',
  'yes', 'No', 'ON', 'off', 'y', 'n', 'true', 'False', 'null', 'Null', '~', '<<', '=', '2001-12-14', '2001-12-14t21:59:43.10-05:00',
  ' ', '\t', ':', ': ', ' #', '#', '-', '- ', '?', '? ', ',', '[', ']', '{', '}', '&', '*', '!', '|', '>', "'", '"', '%', '@', '`',
  '\\', '\\u0041', '/', '$', '${X}', '---', '...', '\x00', '\x07', '\x0b', '\x1b', '\x01', '\x7f', '\x85', '\xa0', '\u2028',
  '\ud800', '\udc00', '😀', 'é', '\r', '\n',
];

const text = fc.array(fc.constantFrom(...PIECES), { maxLength: 4 }).map((parts) => parts.join(''));
const scalar = fc.oneof(
  text,
  text,
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -0, 1e21, 2 ** 53, -(2 ** 53), 0.1, Number.MAX_VALUE),
  fc.boolean(),
  fc.constant(null),
);
const { data } = fc.letrec((tie) => ({
  data: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('list'), tie('map')),
  list: fc.array(tie('data'), { maxLength: 4 }),
  map: fc.dictionary(text, tie('data'), { maxKeys: 4 }),
}));

/** Compose-like data: names, paths, commands; no multi-line text, no floats. */
const word = fc.stringMatching(/^[A-Za-z0-9_./:${}@=-]{1,12}$/);
const { plain } = fc.letrec((tie) => ({
  plain: fc.oneof({ depthSize: 'small' }, word, fc.integer({ min: 0, max: 65535 }), fc.boolean(), tie('list'), tie('map')),
  list: fc.array(tie('plain'), { maxLength: 3 }),
  map: fc.dictionary(word, tie('plain'), { maxKeys: 3 }),
}));

describe('yamlText', () => {
  it('writes what the yaml library writes, for any plain data', () => {
    fc.assert(
      fc.property(fc.dictionary(text, data, { minKeys: 1, maxKeys: 5 }), (doc) => {
        expect(yamlText(doc)).toBe(library(doc));
      }),
      { numRuns: 3000 },
    );
  });

  it('writes what the yaml library writes when it writes the text itself', () => {
    let direct = 0;
    fc.assert(
      fc.property(fc.dictionary(text, data, { minKeys: 1, maxKeys: 5 }), (doc) => {
        const out = directYamlText(doc);
        if (out !== undefined) {
          direct++;
          expect(out).toBe(library(doc));
        }
      }),
      { numRuns: 3000 },
    );
    // most generated documents avoid every case left to the library
    expect(direct).toBeGreaterThan(300);
  });

  it('writes compose-like documents itself', () => {
    fc.assert(
      fc.property(fc.dictionary(word, plain, { minKeys: 1, maxKeys: 6 }), (doc) => {
        expect(directYamlText(doc)).toBe(library(doc));
      }),
      { numRuns: 1000 },
    );
  });

  it.each([
    ['a multi-line string', { a: 'x\ny' }],
    ['a float', { a: 0.5 }],
    ['a date', { a: new Date(0) }],
    ['an undefined value', { a: undefined }],
    ['an empty document', {}],
    ['a list at the top', [1]],
  ])('leaves %s to the library', (_, doc) => {
    expect(directYamlText(doc)).toBeUndefined();
    expect(yamlText(doc)).toBe(library(doc));
  });

  it('quotes what YAML 1.1 would read as another type, and escapes controls as the library does', () => {
    const doc = { yes: 'no', '80': '0x1F', a: '1:20', b: '<<', c: 'it\'s "x"', d: '"hi" there', e: '\x00\x1b\x7f', f: '', g: '~', '--- x': '--- x', h: { '...': '...' } };
    expect(directYamlText(doc)).toBe(library(doc));
    expect(directYamlText(doc)).toContain(`d: '"hi" there'`);
  });

  it("tests plain scalars with the yaml library's own YAML 1.1 types", () => {
    const schema = new Document(null, YAML_TEXT_OPTIONS).schema;
    const tests = [...schema.tags, ...(schema.compat ?? [])].flatMap((t) => (t.default && t.tag !== 'tag:yaml.org,2002:str' && t.test ? [t.test] : []));
    expect(YAML_11_OTHER_TYPES.map((re) => `/${re.source}/${re.flags}`)).toEqual(tests.map((re) => `/${re.source}/${re.flags}`));
  });

  describe('on every corpus app', () => {
    const corpus = path.join(__dirname, '..', 'corpus', 'awesome-compose');
    const apps = fs.readdirSync(corpus).filter((d) => ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'].some((f) => fs.existsSync(path.join(corpus, d, f))));
    let direct = 0;

    it.each(apps)('%s', (app) => {
      const dir = path.join(corpus, app);
      const { result } = loadProject({ files: [], workingDirectory: dir, environment: {}, reader: nodeFileReader });
      const doc = toComposeDocument(result);
      expect(yamlText(doc)).toBe(library(doc));
      if (directYamlText(doc) !== undefined) direct++;
    });

    afterAll(() => {
      // every corpus app but those with a multi-line value takes the direct path
      expect(direct).toBeGreaterThanOrEqual(apps.length - 3);
    });
  });
});
