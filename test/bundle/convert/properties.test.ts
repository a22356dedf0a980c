/**
 * Property tests of composeToBundle over random compose models: it never mutates its input, the same
 * input always gives byte-identical output, and any model gives a bundle or a typed BundleError.
 */
import * as fc from 'fast-check';
import { composeToBundle, BundleTarget } from '../../../lib/bundle';
import type { ComposeProject, PortConfig, ServiceConfig, ServiceVolume } from '../../../lib/compose/model';
import { isUserError } from '../../../lib/errors';
import { build, project, ROOT, service, started } from './model-builders';

/** Names that are `Object.prototype` members must be ordinary names to the converter. */
const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'hasOwnProperty', 'toString', 'valueOf'];
const name = fc.oneof({ weight: 6, arbitrary: fc.stringMatching(/^[a-z][a-z0-9._-]{0,7}$/) }, { weight: 1, arbitrary: fc.constantFrom(...PROTOTYPE_NAMES) });
/** `undefined` five times out of six. */
const rare = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.oneof({ weight: 5, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });

const envName = fc.oneof(fc.constantFrom('DB_HOST', 'DB_PASSWORD', 'API_TOKEN', 'PORT', 'NODE_ENV', 'URL', 'MYSQL_USER', 'X_FILE'), fc.stringMatching(/^[A-Z][A-Z0-9_]{0,6}$/), fc.constantFrom(...PROTOTYPE_NAMES));
const envValue = fc.oneof(fc.constant(null), fc.string({ maxLength: 12 }), fc.constantFrom('db', '3306', 'root', '/run/secrets/s', 'mysql://u:p@db:3306/x', 'development', 'http://api:80', '$HOME'));

const port: fc.Arbitrary<PortConfig> = fc.record({
  target: fc.integer({ min: 1, max: 65535 }),
  published: fc.option(fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 1, max: 65535 }).map(String) }, { weight: 1, arbitrary: fc.constantFrom('80', '22', '8000-8001', '9229') }), { nil: undefined }),
  protocol: fc.oneof({ weight: 10, arbitrary: fc.constant('tcp' as const) }, { weight: 3, arbitrary: fc.constant('udp' as const) }, { weight: 1, arbitrary: fc.constant('sctp' as const) }),
}).map((p) => (p.published === undefined ? { target: p.target, protocol: p.protocol } : p));

const volume: fc.Arbitrary<ServiceVolume> = fc.oneof(
  fc.record({ type: fc.constant('volume' as const), source: fc.option(name, { nil: undefined }), target: fc.constantFrom('/data', '/app/node_modules', '/var/lib/x'), readOnly: fc.boolean() })
    .map((v) => (v.source === undefined ? { type: v.type, target: v.target, readOnly: v.readOnly } : v)),
  fc.record({ type: fc.constant('bind' as const), source: fc.constantFrom(`${ROOT}/app/src`, `${ROOT}/nginx/default.conf`, '/var/run/docker.sock', ROOT, `${ROOT}/.env`), target: fc.constantFrom('/src', '/etc/conf', '/x'), readOnly: fc.boolean() }),
  fc.constant({ type: 'tmpfs' as const, target: '/tmp', readOnly: false }),
);

function serviceArb(names: string[]): fc.Arbitrary<ServiceConfig> {
  return fc.record({
    n: fc.constantFrom(...names),
    kind: fc.constantFrom('image', 'build'),
    image: fc.oneof({ weight: 6, arbitrary: fc.constantFrom('nginx', 'example/app:1.0', 'redis:latest', 'example/web@sha256:0000000000000000000000000000000000000000000000000000000000000000') }, { weight: 1, arbitrary: fc.constantFrom('mysql:8.0', 'postgres:16', 'mariadb:11') }),
    env: fc.dictionary(envName, envValue, { maxKeys: 5 }),
    ports: fc.array(port, { maxLength: 3 }),
    volumes: fc.array(volume, { maxLength: 3 }),
    deps: fc.subarray(names),
    restart: fc.option(fc.constantFrom('no', 'always', 'unless-stopped'), { nil: undefined }),
    mem: rare(fc.integer({ min: 1, max: 4 * 1024 * 1024 * 1024 })),
    memRes: rare(fc.integer({ min: 1, max: 4 * 1024 * 1024 * 1024 })),
    x: rare(fc.record({
      exclude: fc.boolean(),
      one_shot: fc.boolean(),
      memory: fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 6, max: 2048 }) }, { weight: 1, arbitrary: fc.constant('bad') }),
      host_port: fc.constantFrom(80, 8080),
      container_port: fc.integer({ min: 1, max: 65535 }),
      database: fc.constantFrom(false, true, 'mysql'),
      keep_mounts: fc.constantFrom(true, ['/data'], ['/src']),
      keep_ports: fc.constant([9229]),
      command: fc.constantFrom(null, 'npm start', ['a', 'b']),
      target: fc.constantFrom(null, 'production'),
      dockerfile: fc.constant('Dockerfile.prod'),
    }, { requiredKeys: [] })),
    other: rare(fc.constantFrom<Record<string, unknown>>({ network_mode: 'host' }, { devices: ['/dev/x'] }, { security_opt: ['a'] }, { ipc: 'private' }, { init: true })),
    target: fc.option(fc.constantFrom('development', 'prod'), { nil: undefined }),
  }).map((r) => service(r.n, {
    ...(r.kind === 'build' ? { build: build('app', r.target ? { target: r.target } : {}) } : { image: r.image }),
    environment: r.env,
    ports: r.ports,
    volumes: r.volumes,
    dependsOn: Object.fromEntries(r.deps.filter((d) => d !== r.n).map((d) => [d, started])),
    ...(r.restart ? { restart: r.restart } : {}),
    ...(r.mem ? { memLimitBytes: r.mem } : {}),
    ...(r.memRes ? { memReservationBytes: r.memRes } : {}),
    ...(r.x ? { extensions: { 'x-beanstack': r.x } } : {}),
    ...(r.other ? { other: r.other } : {}),
  }));
}

const projectArb: fc.Arbitrary<ComposeProject> = fc
  .uniqueArray(name, { minLength: 1, maxLength: 5 })
  .chain((names) => fc.tuple(fc.constant(names), fc.array(serviceArb(names), { minLength: 1, maxLength: names.length })))
  .chain(([names, services]) => fc.tuple(
    fc.constant(services),
    rare(fc.record({ web: fc.constantFrom(...names), exclude: fc.subarray(names), database: fc.oneof(fc.constant(false as const), fc.constantFrom(...names)), health_check_path: fc.constant('/health') }, { requiredKeys: [] })),
  ))
  .map(([services, top]) => {
    const byName = new Map(services.map((s) => [s.name, s]));
    return project([...byName.values()], top ? { extensions: { 'x-beanstack': top } } : {});
  });

const targetArb = fc.constantFrom<BundleTarget>('ecs', 'docker', 'single');

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k]);
  }
  return v;
}

function run(p: ComposeProject, target: BundleTarget): string {
  try {
    const r = composeToBundle(p, { target });
    return JSON.stringify(r);
  } catch (e) {
    if (isUserError(e) && (e as Error).name === 'BundleError') return `error ${JSON.stringify({ code: e.code, message: e.message, details: e.details })}`;
    throw e;
  }
}

test('any model gives a bundle or a BundleError, never anything else', () => {
  fc.assert(fc.property(projectArb, targetArb, (p, target) => {
    // a generated document that fails validation is a converter bug, never a user error
    expect(run(p, target)).not.toMatch(/^error \{"code":"bundle\/invalid-output"/);
  }), { numRuns: 600 });
});

test('never mutates its input (deep-frozen models convert the same)', () => {
  fc.assert(fc.property(projectArb, targetArb, (p, target) => {
    const before = structuredClone(p);
    const out = run(deepFreeze(p), target);
    expect(p).toEqual(before);
    expect(run(structuredClone(before), target)).toBe(out);
  }), { numRuns: 200 });
});

test('the same input gives byte-identical output, whatever the order of services', () => {
  fc.assert(fc.property(projectArb, targetArb, (p, target) => {
    const reversed = { ...p, services: Object.fromEntries(Object.entries(p.services).reverse()) };
    expect(run(reversed, target)).toBe(run(p, target));
  }), { numRuns: 200 });
});
