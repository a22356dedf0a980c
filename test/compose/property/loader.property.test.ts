/**
 * Property: whatever document goes in, the WHOLE loader (`loadProject`, in-memory reader) either
 * returns a ComposeProject or throws a user error (`isUserError`) — never another exception, never a
 * hang — and an error that stems from the document names file, line and column.
 *
 * Inputs: corpus documents with random structural mutations (values replaced by tricky ones, keys
 * deleted or added, services cross-referenced), corpus texts with random character edits, and
 * random documents built from compose-like keys.
 */
import * as fc from 'fast-check';
import * as fs from 'fs';
import { parse, stringify } from 'yaml';
import { loadProject } from '../../../lib/compose';
import type { FileReader } from '../../../lib/compose/model';
import { isUserError } from '../../../lib/errors';
import { corpusComposeFiles } from '../oracle/env';

const ROOT = '/virtual/project';
const COMPOSE = `${ROOT}/compose.yaml`;
const PER_RUN_LIMIT_MS = 2000;
/** Fixed so failures reproduce; BEANSTACK_PROPERTY_SEED explores other inputs. */
const SEED = Number(process.env.BEANSTACK_PROPERTY_SEED ?? 4242);

/** Codes of user errors that do not stem from a place in the document (flags, files, directories). */
const NOT_FROM_DOCUMENT = new Set(['compose/no-compose-file', 'compose/file-not-found', 'compose/invalid-project-name', 'compose/env-file-not-found']);

const corpusTexts = corpusComposeFiles().map((f) => fs.readFileSync(f, 'utf8'));
const FALLBACK = `services:
  web:
    build: ./web
    ports: ["8080:80"]
    depends_on: [db]
    env_file: ./web.env
    secrets: [pw]
  db:
    image: mariadb
    volumes: ["data:/var/lib/mysql"]
volumes:
  data: {}
secrets:
  pw:
    file: ./pw.txt
`;
const TEXTS = corpusTexts.length ? corpusTexts : [FALLBACK];
const DOCS = TEXTS.map((t) => parse(t) as unknown);

/** Files every document may refer to. */
const SIDE_FILES: Record<string, string> = {
  [`${ROOT}/.env`]: 'TAG=1.0\nPORT=8080\n',
  [`${ROOT}/web.env`]: 'A=1\n',
  [`${ROOT}/pw.txt`]: 'secret\n',
  [`${ROOT}/db/password.txt`]: 'secret\n',
};

function reader(text: string): FileReader {
  return {
    readFile: (p) => (p === COMPOSE ? text : SIDE_FILES[p]),
    isDirectory: (p) => p === ROOT || p === '/virtual',
  };
}

const trickyStrings = fc.constantFrom(
  'lots', '', '8080:80', '127.0.0.1:8000-8001:80-81/udp', '80-81:90', '8000-8002:80-81', 'a:b:c:d', './x:/y:ro,z', './x:rel', 'vol:/x:fast', '/abs', '~/x',
  '1m30s', '10 s', '512m', '1.5GB', '-1', 'service:web', 'service:ghost', 'container:x', 'on-failure:3', 'sometimes', 'sh -c "unterminated', "it's",
  'db', 'web', 'ghost', 'x=1', 'host:1.2.3.4', 'noequals', '${TAG}', '${UNSET:-d}', '$$', '70000', '0', 'udp', 'xtp',
);

const tricky = fc.oneof(
  fc.constantFrom<unknown>(
    'lots', '', ' ', '8080:80', '127.0.0.1:8000-8001:80-81/udp', '80-81:90', 'a:b:c:d', './x:/y:ro,z', '/abs', '~/x', '${UNSET', '${A:?required}', '$$',
    '${TAG}', '1m30s', '10 s', '512m', '1.5GB', '-1', 'service:web', 'container:x', 'on-failure:3', 'sometimes', 'CMD', 'NONE', '__proto__', 'constructor',
    'x-ext', '"unterminated', "it's", 'é∂🙂', '\u0000', null, true, false, 0, -1, 1.5, 65536, 1e21, [], {}, ['db'], { db: null }, ['a=b', 'c'],
    { condition: 'service_healthy' }, { type: 'bind', target: '/x' }, { target: 80, published: 'x' }, { test: 'true', interval: 'often' },
  ),
  fc.string({ maxLength: 12 }),
  fc.integer(),
);

type Path = (string | number)[];

/** Every path into a value, so a mutation can pick any place of a document. */
function paths(v: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (out.length > 400) return out;
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...prefix, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...prefix, k], out);
  return out;
}

function get(root: unknown, p: Path): unknown {
  let cur = root;
  for (const seg of p) cur = (cur as Record<string | number, unknown>)?.[seg];
  return cur;
}

function setAt(root: unknown, p: Path, value: unknown, op: 'set' | 'delete' | 'addKey', key: string): unknown {
  if (p.length === 0) return op === 'set' ? value : root;
  if (!root || typeof root !== 'object') return root;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let cur = copy as Record<string | number, unknown>;
  for (const seg of p.slice(0, -1)) {
    cur = cur[seg] as Record<string | number, unknown>;
    if (!cur || typeof cur !== 'object') return root;
  }
  const last = p[p.length - 1];
  if (op === 'set') cur[last] = value;
  else if (op === 'delete') {
    if (Array.isArray(cur)) cur.splice(Number(last), 1);
    else delete cur[last];
  } else {
    const target = cur[last];
    if (target && typeof target === 'object' && !Array.isArray(target)) Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
    else if (Array.isArray(target)) target.push(value);
    else cur[last] = value;
  }
  return copy;
}

const mutation = fc.record({
  pick: fc.nat(),
  op: fc.constantFrom<'set' | 'delete' | 'addKey' | 'leaf' | 'service'>('set', 'delete', 'addKey', 'leaf', 'leaf', 'leaf', 'service'),
  text: trickyStrings,
  refs: fc.record({ dep: trickyStrings, vol: trickyStrings, net: trickyStrings, profile: fc.constantFrom<string[]>([], ['p'], ['debug']) }),
  value: tricky,
  key: fc.constantFrom('depends_on', 'ports', 'volumes', 'environment', 'env_file', 'mem_limit', 'healthcheck', 'extends', 'profiles', 'networks', 'secrets', 'x-y', 'command', 'build', 'deploy', 'restart', 'links', 'volumes_from', 'network_mode', 'include', 'name', '__proto__'),
});

const mutatedCorpus = fc
  .record({ doc: fc.nat({ max: DOCS.length - 1 }), mutations: fc.array(mutation, { minLength: 1, maxLength: 4 }) })
  .map(({ doc, mutations }) => {
    let d: unknown = DOCS[doc];
    for (const m of mutations) {
      const all = paths(d);
      if (m.op === 'leaf') {
        // a string (schema-valid in most places) where a string was: exercises normalization
        const leaves = all.filter((p) => typeof get(d, p) === 'string' || typeof get(d, p) === 'number');
        if (leaves.length) d = setAt(d, leaves[m.pick % leaves.length], m.text, 'set', m.key);
      } else if (m.op === 'service') {
        // a service with references that may or may not resolve (semantic checks, profiles)
        const svc = { image: 'x', depends_on: [m.refs.dep], volumes: [`${m.refs.vol}:/data`], networks: [m.refs.net], ...(m.refs.profile.length ? { profiles: m.refs.profile } : {}) };
        d = setAt(d, ['services'], svc, 'addKey', `extra${m.pick % 3}`);
      } else {
        d = setAt(d, all[m.pick % all.length], m.value, m.op, m.key);
      }
    }
    return stringify(d);
  });

const textEdits = fc
  .record({ doc: fc.nat({ max: TEXTS.length - 1 }), edits: fc.array(fc.record({ at: fc.nat(), del: fc.nat({ max: 3 }), ins: fc.constantFrom('', ':', '-', ' ', '\n', '  ', '"', "'", '{', '[', '#', '&a', '*a', '!reset', '${', 'x') }), { minLength: 1, maxLength: 5 }) })
  .map(({ doc, edits }) => {
    let t = TEXTS[doc];
    for (const e of edits) {
      const at = e.at % (t.length + 1);
      t = t.slice(0, at) + e.ins + t.slice(at + e.del);
    }
    return t;
  });

const serviceDef = fc.dictionary(
  fc.constantFrom('image', 'build', 'command', 'entrypoint', 'ports', 'volumes', 'environment', 'depends_on', 'healthcheck', 'mem_limit', 'cpus', 'restart', 'networks', 'profiles', 'labels', 'extra_hosts', 'ulimits', 'x-beanstack'),
  tricky,
  { maxKeys: 6 },
);
const randomDocs = fc
  .record({
    services: fc.dictionary(fc.constantFrom('web', 'db', 'api', 'cache'), serviceDef, { minKeys: 0, maxKeys: 4 }),
    volumes: fc.option(fc.dictionary(fc.constantFrom('data', 'cache'), tricky, { maxKeys: 2 }), { nil: undefined }),
    networks: fc.option(fc.dictionary(fc.constantFrom('front', 'back'), tricky, { maxKeys: 2 }), { nil: undefined }),
  })
  .map((d) => stringify(JSON.parse(JSON.stringify(d))));

/** Outcomes seen, so each property also proves it exercised both paths. */
const outcomes = { loaded: 0, errors: new Map<string, number>() };

function checkOne(text: string): void {
  const started = Date.now();
  try {
    const { result } = loadProject({ files: [COMPOSE], workingDirectory: ROOT, environment: { HOME: '/home/u', TAG: '2' }, reader: reader(text) });
    expect(typeof result.name).toBe('string');
    JSON.stringify(result);
    outcomes.loaded++;
  } catch (e) {
    if (!isUserError(e)) throw new Error(`not a user error for input:\n${text}\n---\n${(e as Error)?.stack ?? String(e)}`);
    outcomes.errors.set(e.code, (outcomes.errors.get(e.code) ?? 0) + 1);
    for (const d of e.details) {
      if (d.location) expect(d.location.line).toBeGreaterThanOrEqual(1);
    }
    if (!NOT_FROM_DOCUMENT.has(e.code)) {
      if (!e.location) throw new Error(`user error without a location (${e.code}: ${e.message}) for input:\n${text}`);
      expect(e.location.file).toBe(COMPOSE);
      expect(e.location.line).toBeGreaterThanOrEqual(1);
      expect(e.location.column).toBeGreaterThanOrEqual(1);
    }
  }
  const elapsed = Date.now() - started;
  if (elapsed > PER_RUN_LIMIT_MS) throw new Error(`loading took ${elapsed} ms for input:\n${text}`);
}

describe('loader property: a ComposeProject or a located user error, nothing else', () => {
  beforeEach(() => {
    outcomes.loaded = 0;
    outcomes.errors.clear();
  });

  /** Both outcomes must have happened, with several kinds of error: the inputs really vary. */
  function expectBothOutcomes(minErrorKinds: number): void {
    // eslint-disable-next-line no-console
    if (process.env.BEANSTACK_PROPERTY_STATS) console.log(outcomes.loaded, [...outcomes.errors]);
    expect(outcomes.loaded).toBeGreaterThan(0);
    expect(outcomes.errors.size).toBeGreaterThanOrEqual(minErrorKinds);
  }

  it('mutated corpus documents', () => {
    fc.assert(fc.property(mutatedCorpus, checkOne), { numRuns: 150, seed: SEED });
    expectBothOutcomes(5);
  });
  it('corpus texts with character edits', () => {
    fc.assert(fc.property(textEdits, checkOne), { numRuns: 80, seed: SEED + 1 });
    expectBothOutcomes(2);
  });
  it('random compose-like documents', () => {
    fc.assert(fc.property(randomDocs, checkOne), { numRuns: 70, seed: SEED + 2 });
    expectBothOutcomes(3);
  });
  it('every corpus document itself loads', () => {
    for (const t of TEXTS) checkOne(t);
  });
});

