/**
 * lib/util/schema-check.ts answers as the generated ajv validators do (scripts/build-schemas.js), on
 * our three schemas: for every corpus compose file and every converter fixture's output, and for
 * thousands of mutations of them (a value replaced, a key added or removed) that are valid or
 * invalid in every way the schemas can tell.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as fc from 'fast-check';
import { parse } from 'yaml';
import { schemaCheck, UnsupportedSchemaError } from '../../lib/util/schema-check';

const ROOT = path.join(__dirname, '..', '..');
type Validator = (data: unknown) => boolean;
const generated = (file: string): Validator => {
  const m = require(path.join(ROOT, 'lib', file)); // eslint-disable-line @typescript-eslint/no-require-imports
  return (m.default ?? m) as Validator;
};
const schema = (file: string) => JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', file), 'utf8'));

function filesUnder(dir: string, match: (name: string) => boolean): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p, match) : match(e.name) ? [p] : [];
  });
}

const composeDocs = filesUnder(path.join(ROOT, 'test', 'corpus', 'awesome-compose'), (n) => /^(docker-)?compose(\.[\w-]+)?\.ya?ml$/.test(n))
  .map((f) => parse(fs.readFileSync(f, 'utf8'), { merge: true }))
  .filter((d) => d !== null && typeof d === 'object');
const fixtureOutputs = (name: string) => filesUnder(path.join(ROOT, 'test', 'bundle', 'fixtures'), (n) => n === name).map((f) => JSON.parse(fs.readFileSync(f, 'utf8')));

const CASES = [
  { name: 'compose', schema: schema('compose-spec.json'), ajv: generated('compose/compose-schema.generated'), docs: composeDocs },
  { name: 'Dockerrun v2', schema: schema('dockerrun-v2.schema.json'), ajv: generated('bundle/dockerrun-v2-schema.generated'), docs: fixtureOutputs('Dockerrun.aws.json').filter((d) => d.AWSEBDockerrunVersion === 2) },
  { name: 'Dockerrun v1', schema: schema('dockerrun-v1.schema.json'), ajv: generated('bundle/dockerrun-v1-schema.generated'), docs: fixtureOutputs('Dockerrun.aws.json').filter((d) => d.AWSEBDockerrunVersion !== 2) },
];

/** Every path in a document, with its value. */
function paths(doc: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(doc)) doc.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (doc !== null && typeof doc === 'object') for (const [k, v] of Object.entries(doc)) out.push(...paths(v, [...prefix, k]));
  return out;
}

function setAt(doc: unknown, at: readonly (string | number)[], value: unknown, remove: boolean): unknown {
  if (at.length === 0) return value;
  const copy: any = Array.isArray(doc) ? [...doc] : { ...(doc as object) }; // eslint-disable-line @typescript-eslint/no-explicit-any
  if (at.length === 1 && remove) {
    if (Array.isArray(copy)) copy.splice(Number(at[0]), 1);
    else delete copy[at[0]];
    return copy;
  }
  copy[at[0]] = setAt(copy[at[0]], at.slice(1), value, remove);
  return copy;
}

const KEYS = [
  'image', 'build', 'ports', 'name', 'x-a', 'Name', 'essential', 'memory', 'target', 'published', 'mode', 'cpus', 'foo', 'environment', 'containerPort', 'hostPort',
  'protocol', 'condition', 'Image', 'cpu_count', 'cpu_percent', 'oom_score_adj', 'cap_add', 'cgroup', 'container_name', 'pull_policy', 'required', 'type',
  'depends_on', 'volumes', 'links', 'expose', 'service', 'soft', 'hard', 'db', 'web',
];
const { value } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom('', 'a', '80', '8080:80', 'tcp', 'udp', 'host', 'ingress', '0.5', 'service_healthy', 'nginx:1', '${X}', '1s', 'none', 'always', '-bad', 'bind', 'x'.repeat(300)),
    fc.constantFrom(0, 1, -1, 0.5, 100, 101, -1000, -1001, 65535, 65536, 1e9, 2 ** 53),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie('value'), { maxKeys: 3 }),
  ),
}));

describe.each(CASES)('schemaCheck: $name', ({ schema: s, ajv, docs }) => {
  const check = schemaCheck(s);

  it('has documents to check', () => {
    expect(docs.length).toBeGreaterThan(2);
  });

  it('answers as ajv on every document', () => {
    for (const doc of docs) expect(check(doc)).toBe(ajv(doc));
  });

  it('answers as ajv on mutated documents', () => {
    let valid = 0;
    let invalid = 0;
    fc.assert(
      fc.property(fc.nat(docs.length - 1), fc.nat(), value, fc.constantFrom('replace', 'remove', 'add', 'duplicate'), fc.constantFrom(...KEYS), (d, p, v, op, key) => {
        const doc = docs[d];
        const all = paths(doc);
        const at = all[p % all.length];
        const current = at.reduce<any>((x, k) => x[k], doc); // eslint-disable-line @typescript-eslint/no-explicit-any
        let mutated: unknown;
        if (op === 'duplicate') mutated = setAt(doc, at, Array.isArray(current) && current.length > 0 ? [...current, current[0]] : v, false);
        else if (op === 'add') mutated = setAt(doc, [...at, key], v, false);
        else mutated = setAt(doc, at, v, op === 'remove' && at.length > 0);
        const answer = ajv(mutated);
        if (answer) valid++;
        else invalid++;
        expect(check(mutated)).toBe(answer);
      }),
      { numRuns: 4000 },
    );
    // both answers are exercised
    expect(valid).toBeGreaterThan(100);
    expect(invalid).toBeGreaterThan(100);
  });
});

describe('schemaCheck', () => {
  it('refuses a keyword it does not implement', () => {
    expect(() => schemaCheck({ properties: { a: { format: 'email' } } })).toThrow(UnsupportedSchemaError);
    expect(() => schemaCheck({ properties: { a: { format: 'email' } } })).toThrow('`format` at /properties/a');
  });

  it('follows recursive definitions', () => {
    const check = schemaCheck({ $ref: '#/definitions/t', definitions: { t: { type: 'object', properties: { c: { $ref: '#/definitions/t' } }, additionalProperties: false } } });
    expect(check({ c: { c: {} } })).toBe(true);
    expect(check({ c: { d: {} } })).toBe(false);
  });
});
