/**
 * The round trip compose → Dockerrun → compose → Dockerrun is a fixed point.
 *
 * Random-but-valid compose projects are loaded with the compose loader (in-memory files), converted
 * with `composeToBundle` (target ecs, every image supplied, so there are no placeholders), imported
 * back with `dockerrunToCompose`, loaded and converted again: the second Dockerrun.aws.json must equal
 * the first byte for byte. A second property starts from random Dockerrun documents instead.
 * Every generated Dockerrun file must also pass `validateDockerrunV2` (a cross-check of the converter
 * against the validator).
 */
import * as path from 'path';
import * as fc from 'fast-check';
import { parse as parseYaml, stringify } from 'yaml';
import { composeToBundle } from '../../lib/bundle';
import type { BundleOptions } from '../../lib/bundle';
import { dockerrunToCompose } from '../../lib/bundle/import';
import { isSecretName } from '../../lib/bundle/keys';
import { EXECUTION_ROLE_PLACEHOLDER } from '../../lib/bundle/types';
import { validateDockerrun, validateDockerrunV2, validateProductionCompose } from '../../lib/bundle/validate';
import { isUserError } from '../../lib/errors';
import { loadProject } from '../../lib/compose';

const PROJECT = '/project';
const ROLE = 'arn:aws:iam::123456789012:role/app-task-execution';

/** Loads compose YAML from an in-memory project directory. */
function load(yaml: string) {
  const files: Record<string, string> = { [`${PROJECT}/docker-compose.yml`]: yaml };
  return loadProject({
    files: ['docker-compose.yml'],
    workingDirectory: PROJECT,
    environment: {},
    homeDirectory: '/home/tester',
    reader: {
      readFile: (p) => files[p],
      isDirectory: (p) => p === PROJECT || p.startsWith(`${PROJECT}/`),
    },
  }).result;
}

/** compose YAML → Dockerrun.aws.json text. */
function toDockerrun(yaml: string, options: BundleOptions = {}): string {
  const bundle = composeToBundle(load(yaml), { target: 'ecs', executionRoleArn: ROLE, ...options });
  const main = bundle.result.files[0];
  if (!('content' in main)) throw new Error('the main file has no content');
  return main.content;
}

/** Dockerrun text → compose YAML. */
function toCompose(dockerrun: string): string {
  return dockerrunToCompose(dockerrun, { file: `${PROJECT}/Dockerrun.aws.json` }).result.yaml;
}

function expectValid(dockerrun: string): void {
  const errors = validateDockerrunV2(JSON.parse(dockerrun)).filter((i) => i.severity === 'error');
  expect(errors).toEqual([]);
}

// ---- generators ------------------------------------------------------------------------------

const esc = (s: string) => s.replace(/\$/g, '$$$$');

const serviceName = fc.stringMatching(/^[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,4})?$/);
const envName = fc.stringMatching(/^[A-Z][A-Z0-9_]{0,9}$/).filter((n) => !isSecretName(n));
/** Values with the characters that need care: `$`, quotes, `#`, `:`, spaces, unicode. */
const envValue = fc
  .array(fc.constantFrom('a', 'Z', '0', '9', ' ', '$', '{', '}', '"', "'", '#', ':', '-', '/', '.', 'é', '→', '\\', '%', '=', ','), { maxLength: 16 })
  .map((cs) => cs.join(''))
  .filter((v) => !v.includes('/run/secrets/'));
const word = fc.stringMatching(/^[a-zA-Z0-9_./=:@%+-]{1,12}$/);
const argv = fc.array(fc.oneof(word, envValue.filter((v) => v.length > 0)), { minLength: 1, maxLength: 4 });
const memoryPair = fc
  .tuple(fc.option(fc.integer({ min: 6, max: 4096 }), { nil: undefined }), fc.option(fc.integer({ min: 6, max: 4096 }), { nil: undefined }))
  .map(([a, b]) => {
    if (a !== undefined && b !== undefined) return a === b ? { limit: a } : { limit: Math.max(a, b), reservation: Math.min(a, b) };
    return { limit: a, reservation: b };
  });
const containerPath = fc.stringMatching(/^\/[a-z]{1,6}(\/[a-z0-9.]{1,6}){0,2}$/);
const relativePath = fc.stringMatching(/^[a-z]{1,6}(\/[a-z0-9]{1,6}){0,2}(\.conf)?$/);
const hostPath = fc.stringMatching(/^\/(srv|var\/data|opt\/app)\/[a-z]{1,6}$/);
// one-letter names read as Windows drives in the short syntax (`a:/data`), as in Compose itself
const volumeName = fc.stringMatching(/^[a-z][a-z0-9]{1,6}$/);
const hostPortPool = [80, 81, 443, 3000, 5000, 8000, 8080, 8081, 8443, 9000, 9090];
const containerPortPool = [80, 443, 3000, 4000, 5000, 8000, 8080, 9000];

interface GenService {
  readonly name: string;
  readonly built: boolean;
  readonly imageIndex: number;
  readonly environment: [string, string][];
  readonly command?: string[];
  readonly entrypoint?: string[];
  readonly ports: { container: number; udp: boolean }[];
  readonly memory: { limit?: number; reservation?: number };
  readonly memStyle: 'deploy' | 'mem';
  readonly mounts: { kind: 'bind' | 'host' | 'volume'; source: string; target: string; ro: boolean }[];
  readonly oneShot: boolean;
  readonly extras: Record<string, unknown>;
}

const extras = fc.record(
  {
    working_dir: containerPath,
    user: fc.constantFrom('node', '1000', '1000:1000', 'www-data'),
    hostname: fc.stringMatching(/^h-[a-z0-9]{1,5}$/),
    labels: fc.dictionary(fc.stringMatching(/^[a-z]{1,5}(\.[a-z]{1,5}){0,2}$/), envValue, { maxKeys: 3 }),
    dns: fc.uniqueArray(fc.constantFrom('10.0.0.2', '1.1.1.1', '8.8.8.8'), { minLength: 1, maxLength: 2 }),
    dns_search: fc.uniqueArray(fc.constantFrom('internal', 'example.com'), { minLength: 1, maxLength: 2 }),
    extra_hosts: fc.uniqueArray(fc.constantFrom('metadata:169.254.169.254', 'gateway:10.0.0.1', 'db.local:10.0.0.5'), { minLength: 1, maxLength: 2, selector: (h) => h.split(':')[0] }),
    privileged: fc.constant(true),
    read_only: fc.constant(true),
    cpu_shares: fc.integer({ min: 2, max: 4096 }),
    ulimits: fc.dictionary(fc.constantFrom('nofile', 'nproc', 'core'), fc.integer({ min: 1, max: 100000 }).map((n) => ({ soft: n, hard: n * 2 })), { minKeys: 1, maxKeys: 2 }),
    logging: fc.record({ driver: fc.constantFrom('json-file', 'awslogs', 'syslog'), options: fc.dictionary(fc.stringMatching(/^[a-z]{1,6}(-[a-z]{1,6})?$/), word, { maxKeys: 2 }) }),
    stop_grace_period: fc.integer({ min: 2, max: 120 }).map((s) => `${s}s`),
  },
  { requiredKeys: [] },
);

const service = (name: string): fc.Arbitrary<GenService> =>
  fc.record({
    name: fc.constant(name),
    built: fc.boolean(),
    imageIndex: fc.integer({ min: 0, max: 3 }),
    environment: fc.uniqueArray(fc.tuple(envName, envValue), { maxLength: 4, selector: ([k]) => k }),
    command: fc.option(argv, { nil: undefined }),
    entrypoint: fc.option(argv, { nil: undefined }),
    ports: fc.uniqueArray(fc.record({ container: fc.constantFrom(...containerPortPool), udp: fc.boolean() }), { maxLength: 2, selector: (p) => `${p.container}/${p.udp}` }),
    memory: memoryPair,
    memStyle: fc.constantFrom('deploy' as const, 'mem' as const),
    mounts: fc.uniqueArray(
      fc.oneof(
        fc.record({ kind: fc.constant('bind' as const), source: relativePath, target: containerPath, ro: fc.boolean() }),
        fc.record({ kind: fc.constant('host' as const), source: hostPath, target: containerPath, ro: fc.boolean() }),
        fc.record({ kind: fc.constant('volume' as const), source: volumeName, target: containerPath, ro: fc.boolean() }),
      ),
      { maxLength: 3, selector: (m) => path.posix.normalize(m.target) },
    ),
    oneShot: fc.boolean(),
    extras,
  });

interface GenProject {
  readonly services: GenService[];
  /** [from, to, kind] with to < from in service order (a DAG). */
  readonly edges: [number, number, 'depends_on' | 'links' | 'alias' | 'volumes_from'][];
  readonly hostPorts: number[];
}

const project: fc.Arbitrary<GenProject> = fc
  .uniqueArray(serviceName, { minLength: 1, maxLength: 4 })
  .chain((names) =>
    fc.record({
      services: fc.tuple(...names.map(service)),
      edges: fc.array(
        fc.tuple(fc.integer({ min: 0, max: names.length - 1 }), fc.integer({ min: 0, max: names.length - 1 }), fc.constantFrom('depends_on' as const, 'links' as const, 'alias' as const, 'volumes_from' as const)),
        { maxLength: names.length * 2 },
      ),
      hostPorts: fc.shuffledSubarray(hostPortPool, { minLength: 8, maxLength: 8 }),
    }),
  )
  .map((p) => ({ ...p, services: [...p.services], edges: p.edges.filter(([a, b]) => a > b) }));

/** Builds the compose document (escaping `$`) and the `images` option. */
function render(p: GenProject): { yaml: string; images: Record<string, string> } {
  const services: Record<string, Record<string, unknown>> = {};
  const images: Record<string, string> = {};
  const volumes: Record<string, unknown> = {};
  let nextHost = 0;
  const essentials = p.services.filter((s) => !s.oneShot).length;
  p.services.forEach((s, i) => {
    const svc: Record<string, unknown> = {};
    const uri = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/${s.name}:1.${s.imageIndex}.0`;
    if (s.built) {
      svc.build = { context: `./${s.name}-src` };
      images[s.name] = uri;
    } else {
      svc.image = uri;
    }
    if (s.environment.length > 0) svc.environment = Object.fromEntries(s.environment.map(([k, v]) => [k, esc(v)]));
    if (s.command) svc.command = s.command.map(esc);
    if (s.entrypoint) svc.entrypoint = s.entrypoint.map(esc);
    if (s.ports.length > 0) svc.ports = s.ports.map((port) => `${p.hostPorts[nextHost++ % p.hostPorts.length]}:${port.container}${port.udp ? '/udp' : ''}`);
    const { limit, reservation } = s.memory;
    if (s.memStyle === 'mem') {
      if (limit !== undefined) svc.mem_limit = `${limit}m`;
      if (reservation !== undefined) svc.mem_reservation = `${reservation}m`;
    } else if (limit !== undefined || reservation !== undefined) {
      svc.deploy = {
        resources: {
          ...(limit !== undefined ? { limits: { memory: `${limit}M` } } : {}),
          ...(reservation !== undefined ? { reservations: { memory: `${reservation}M` } } : {}),
        },
      };
    }
    if (s.mounts.length > 0) {
      svc.volumes = s.mounts.map((m) => {
        const ro = m.ro ? ':ro' : '';
        if (m.kind === 'bind') return `./${m.source}:${m.target}${ro}`;
        if (m.kind === 'volume') {
          volumes[m.source] = {};
          return `${m.source}:${m.target}${ro}`;
        }
        return `${m.source}:${m.target}${ro}`;
      });
    }
    // keep at least one essential (long-running) container
    if (s.oneShot && !(essentials === 0 && i === 0)) svc.restart = 'no';
    const ex = { ...s.extras } as Record<string, unknown>;
    if (ex.labels) ex.labels = Object.fromEntries(Object.entries(ex.labels as Record<string, string>).map(([k, v]) => [k, esc(v)]));
    Object.assign(svc, ex);
    services[s.name] = svc;
  });
  for (const [from, to, kind] of p.edges) {
    const a = services[p.services[from].name];
    const target = p.services[to].name;
    if (kind === 'depends_on') a.depends_on = [...new Set([...((a.depends_on as string[]) ?? []), target])];
    else if (kind === 'links') a.links = [...new Set([...((a.links as string[]) ?? []), target])];
    else if (kind === 'alias') a.links = [...new Set([...((a.links as string[]) ?? []), `${target}:al-${target}`])];
    else a.volumes_from = [...new Set([...((a.volumes_from as string[]) ?? []), target])];
  }
  const doc: Record<string, unknown> = { services };
  if (Object.keys(volumes).length > 0) doc.volumes = volumes;
  return { yaml: stringify(doc), images };
}

// ---- properties ------------------------------------------------------------------------------

describe('round trip', () => {
  test('compose → Dockerrun → compose → Dockerrun is a fixed point', () => {
    fc.assert(
      fc.property(project, fc.boolean(), (p, healthChecks) => {
        const { yaml, images } = render(p);
        const options: BundleOptions = { images, containerHealthChecks: healthChecks };
        const first = toDockerrun(yaml, options);
        expectValid(first);
        const second = toDockerrun(toCompose(first), { containerHealthChecks: healthChecks });
        expect(second).toBe(first);
      }),
      { numRuns: Number(process.env.ROUNDTRIP_RUNS ?? 100) },
    );
  });

  test('the imported compose file is itself a fixed point of import ∘ convert', () => {
    fc.assert(
      fc.property(project, (p) => {
        const { yaml, images } = render(p);
        const compose = toCompose(toDockerrun(yaml, { images }));
        expect(toCompose(toDockerrun(compose))).toBe(compose);
      }),
      { numRuns: Number(process.env.ROUNDTRIP_RUNS ?? 60) },
    );
  });
});

describe('the docker target', () => {
  test('its production docker-compose.yml passes validateProductionCompose', () => {
    fc.assert(
      fc.property(project, (p) => {
        const { yaml, images } = render(p);
        let bundle;
        try {
          bundle = composeToBundle(load(yaml), { target: 'docker', images });
        } catch (e) {
          // the docker target refuses a project without a service on host port 80, as the validator does
          const details = (e as { details?: { message: string }[] }).details ?? [];
          if (isUserError(e) && details.every((d) => /host port 80/.test(d.message))) return;
          throw e;
        }
        const main = bundle.result.files[0];
        if (!('content' in main)) throw new Error('the main file has no content');
        const issues = validateProductionCompose(parseYaml(main.content), { bundleFiles: bundle.result.files.map((f) => f.path) });
        expect(issues.filter((i) => i.severity === 'error')).toEqual([]);
      }),
      { numRuns: Number(process.env.ROUNDTRIP_RUNS ?? 100) },
    );
  });
});

// ---- Dockerrun-side generator ----------------------------------------------------------------

// names that are Object.prototype keys (toString) are left out until the converter handles them (ecs.ts indexes plain objects by service)
const containerName = fc.stringMatching(/^[A-Za-z0-9_-]{1,10}$/).filter((n) => !(n in Object.prototype));

const dockerrunDoc = fc.uniqueArray(containerName, { minLength: 1, maxLength: 4 }).chain((names) =>
  fc
    .record({
      containers: fc.tuple(
        ...names.map((name) =>
          fc.record({
            name: fc.constant(name),
            image: fc.constantFrom('nginx:1.27', 'php:8.3-fpm', '123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:2.0.1', 'redis:7.4'),
            essential: fc.boolean(),
            memory: memoryPair,
            environment: fc.uniqueArray(fc.record({ name: envName, value: envValue }), { maxLength: 3, selector: (e) => e.name }),
            command: fc.option(argv, { nil: undefined }),
            ports: fc.uniqueArray(fc.constantFrom(80, 3000, 8080, 9000), { maxLength: 2 }),
            mounts: fc.uniqueArray(fc.record({ volume: fc.integer({ min: 0, max: 2 }), target: containerPath, ro: fc.boolean() }), { maxLength: 2, selector: (m) => path.posix.normalize(m.target) }),
            logs: fc.boolean(),
          }),
        ),
      ),
      volumes: fc.tuple(
        relativePath.map((r) => `/var/app/current/${r}`),
        volumeName.map((v) => `/var/lib/beanstack/volumes/${v}`),
        hostPath,
      ),
      links: fc.array(fc.tuple(fc.integer({ min: 0, max: names.length - 1 }), fc.integer({ min: 0, max: names.length - 1 }), fc.boolean()), { maxLength: 4 }),
    })
    .map(({ containers, volumes, links }) => {
      const usedPorts = new Set<number>();
      const usedVolumes = new Set<number>();
      const defs = containers.map((c, i) => {
        const ports = c.ports.filter((port) => !usedPorts.has(port));
        ports.forEach((port) => usedPorts.add(port));
        c.mounts.forEach((m) => usedVolumes.add(m.volume));
        const l = links
          .filter(([a, b]) => a === i && b < a)
          .map(([, b, alias]) => (alias ? `${containers[b].name}:x-${containers[b].name}` : containers[b].name));
        return {
          name: c.name,
          image: c.image,
          essential: i === 0 ? true : c.essential,
          ...(c.memory.limit !== undefined ? { memory: c.memory.limit } : {}),
          ...(c.memory.reservation !== undefined || c.memory.limit === undefined ? { memoryReservation: c.memory.reservation ?? 128 } : {}),
          ...(c.environment.length > 0 ? { environment: c.environment } : {}),
          ...(c.command ? { command: c.command } : {}),
          ...(ports.length > 0 ? { portMappings: ports.map((port) => ({ hostPort: port, containerPort: port })) } : {}),
          ...(l.length > 0 ? { links: [...new Set(l)] } : {}),
          mountPoints: [
            ...c.mounts.map((m) => ({ sourceVolume: `v${m.volume}`, containerPath: m.target, ...(m.ro ? { readOnly: true } : {}) })),
            ...(c.logs ? [{ sourceVolume: `awseb-logs-${c.name}`, containerPath: '/var/log/app-logs' }] : []),
          ].filter((m, k, all) => all.findIndex((x) => path.posix.normalize(x.containerPath) === path.posix.normalize(m.containerPath)) === k),
        };
      });
      return {
        AWSEBDockerrunVersion: 2,
        volumes: [...usedVolumes].sort().map((v) => ({ name: `v${v}`, host: { sourcePath: volumes[v] } })),
        containerDefinitions: defs,
      };
    }),
);

const dockerrunV1Doc = fc
  .record({
    image: fc.constantFrom('janedoe/image:1.4', 'nginx:1.27', '123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:2.0.1'),
    ports: fc.uniqueArray(fc.oneof(fc.constantFrom(80, 3000, 8080, 1234), fc.constantFrom('80', '5000')), { minLength: 1, maxLength: 2 }),
    volumes: fc.uniqueArray(
      fc.record({ host: fc.oneof(relativePath.map((r) => `/var/app/current/${r}`), volumeName.map((v) => `/var/lib/beanstack/volumes/${v}`), hostPath), target: containerPath }),
      { maxLength: 2, selector: (v) => path.posix.normalize(v.target) },
    ),
    command: fc.option(argv.map((a) => a.map((x) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(x) ? x : `'${x.replace(/'/g, `'\\''`)}'`)).join(' ')), { nil: undefined }),
    entrypoint: fc.option(fc.constantFrom('/app/bin/run', 'docker-entrypoint.sh'), { nil: undefined }),
    logging: fc.option(fc.constant('/var/log/app'), { nil: undefined }),
  })
  .map((d) => ({
    AWSEBDockerrunVersion: '1',
    Image: { Name: d.image, Update: 'true' },
    Ports: d.ports.map((p) => ({ ContainerPort: p })),
    ...(d.volumes.length > 0 ? { Volumes: d.volumes.map((v) => ({ HostDirectory: v.host, ContainerDirectory: v.target })) } : {}),
    ...(d.command !== undefined ? { Command: d.command } : {}),
    ...(d.entrypoint !== undefined ? { Entrypoint: d.entrypoint } : {}),
    ...(d.logging !== undefined ? { Logging: d.logging } : {}),
  }));

/** compose YAML → Dockerrun v1 text (target single). */
function toDockerrunV1(yaml: string): string {
  const main = composeToBundle(load(yaml), { target: 'single' }).result.files[0];
  if (!('content' in main)) throw new Error('the main file has no content');
  return main.content;
}

describe('import side', () => {
  test('random Dockerrun files import to compose files that convert to a fixed point', () => {
    fc.assert(
      fc.property(dockerrunDoc, (doc) => {
        const text = `${JSON.stringify(doc, null, 2)}\n`;
        expect(validateDockerrunV2(doc).filter((i) => i.severity === 'error')).toEqual([]);
        const imported = dockerrunToCompose(text);
        // one service per container, with the same image
        const services = imported.result.project.services as Record<string, { image: string }>;
        expect(Object.keys(services).sort()).toEqual(doc.containerDefinitions.map((c) => c.name).sort());
        for (const c of doc.containerDefinitions) expect(services[c.name].image).toBe(c.image);
        const first = toDockerrun(imported.result.yaml);
        expectValid(first);
        expect(toDockerrun(toCompose(first))).toBe(first);
      }),
      { numRuns: Number(process.env.ROUNDTRIP_RUNS ?? 100) },
    );
  });

  test('random Dockerrun v1 files import to compose files that convert (single) to a fixed point', () => {
    fc.assert(
      fc.property(dockerrunV1Doc, (doc) => {
        expect(validateDockerrun(doc).filter((i) => i.severity === 'error')).toEqual([]);
        const imported = dockerrunToCompose(`${JSON.stringify(doc, null, 2)}\n`);
        expect(imported.result.version).toBe(1);
        const first = toDockerrunV1(imported.result.yaml);
        const parsed = JSON.parse(first);
        expect(parsed.Image.Name).toBe(doc.Image.Name);
        expect(parsed.Ports).toEqual([{ ContainerPort: Number(doc.Ports[0].ContainerPort) }]);
        expect(validateDockerrun(parsed).filter((i) => i.severity === 'error')).toEqual([]);
        expect(toDockerrunV1(toCompose(first))).toBe(first);
      }),
      { numRuns: Number(process.env.ROUNDTRIP_RUNS ?? 100) },
    );
  });

  test('import is deterministic', () => {
    fc.assert(
      fc.property(dockerrunDoc, (doc) => {
        const text = JSON.stringify(doc);
        expect(dockerrunToCompose(text).result.yaml).toBe(dockerrunToCompose(JSON.parse(text)).result.yaml);
      }),
      { numRuns: 50 },
    );
  });
});

describe('the generators', () => {
  test('cover the mappings the round trip is about', () => {
    const seen = new Set<string>();
    for (const p of fc.sample(project, { numRuns: 200, seed: 42 })) {
      const { yaml, images } = render(p);
      const doc = JSON.parse(toDockerrun(yaml, { images, containerHealthChecks: true }));
      for (const c of doc.containerDefinitions) {
        if (c.links?.some((l: string) => !l.includes(':'))) seen.add('link');
        if (c.links?.some((l: string) => l.includes(':'))) seen.add('link alias');
        if (c.volumesFrom) seen.add('volumesFrom');
        if (c.dependsOn) seen.add('dependsOn');
        if (c.essential === false) seen.add('non-essential');
        if (c.memory && c.memoryReservation) seen.add('memory + reservation');
        if (c.portMappings?.some((m: { protocol?: string }) => m.protocol === 'udp')) seen.add('udp');
        if (c.environment?.some((e: { value: string }) => e.value.includes('$'))) seen.add('$ in a value');
        if (c.command && c.entryPoint) seen.add('command + entryPoint');
        for (const k of ['cpu', 'dockerLabels', 'logConfiguration', 'ulimits', 'extraHosts', 'hostname', 'stopTimeout', 'readonlyRootFilesystem', 'privileged']) if (k in c) seen.add(k);
      }
      for (const v of doc.volumes ?? []) seen.add(v.host.sourcePath.startsWith('/var/app/current/') ? 'bundle volume' : v.host.sourcePath.startsWith('/var/lib/beanstack/volumes/') ? 'named volume' : 'host volume');
    }
    expect([...seen].sort()).toEqual([
      '$ in a value', 'bundle volume', 'command + entryPoint', 'cpu', 'dependsOn', 'dockerLabels', 'extraHosts', 'host volume', 'hostname', 'link', 'link alias',
      'logConfiguration', 'memory + reservation', 'named volume', 'non-essential', 'privileged', 'readonlyRootFilesystem', 'stopTimeout', 'udp', 'ulimits', 'volumesFrom',
    ]);
  });
});

describe('the import fixtures', () => {
  const fs = jest.requireActual<typeof import('fs')>('fs');
  const root = path.join(__dirname, 'import', 'fixtures');
  const v2 = fs.readdirSync(root).filter((d) => JSON.parse(fs.readFileSync(path.join(root, d, 'Dockerrun.aws.json'), 'utf8')).AWSEBDockerrunVersion === 2);

  test.each(v2)('%s: import → convert → import → convert is a fixed point', (name) => {
    const first = toDockerrun(toCompose(fs.readFileSync(path.join(root, name, 'Dockerrun.aws.json'), 'utf8')));
    expectValid(first);
    expect(toDockerrun(toCompose(first))).toBe(first);
  });

  test('single-container-v1: import → convert (single) → import → convert is a fixed point', () => {
    const single = (yaml: string) => {
      const main = composeToBundle(load(yaml), { target: 'single' }).result.files[0];
      return 'content' in main ? main.content : '';
    };
    const first = single(toCompose(fs.readFileSync(path.join(root, 'single-container-v1', 'Dockerrun.aws.json'), 'utf8')));
    expect(JSON.parse(first)).toMatchObject({ AWSEBDockerrunVersion: '1', Image: { Name: 'janedoe/image:1.4' }, Ports: [{ ContainerPort: 1234 }], Command: "--argument 'two words'" });
    expect(single(toCompose(first))).toBe(first);
  });
});

// ---- x-dockerrun is read back: D → import → dockerrun gives D again ----------------------------

/** compose YAML → the main file of the bundle (no --execution-role-arn unless given). */
function dockerrun(yaml: string, options: BundleOptions = {}) {
  const bundle = composeToBundle(load(yaml), { target: 'ecs', ...options });
  const main = bundle.result.files[0];
  if (!('content' in main)) throw new Error('the main file has no content');
  return { doc: JSON.parse(main.content) as unknown, text: main.content, warnings: bundle.warnings };
}

/** Keys sorted at every level (array order kept). */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
  return v;
}

const XROLE = 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole';
const D = {
  AWSEBDockerrunVersion: 2,
  executionRoleArn: XROLE,
  authentication: { bucket: 'my-bucket', key: 'docker/config.json' },
  volumes: [{ name: 'app-proxy-confd', host: { sourcePath: '/var/app/current/proxy/confd' } }],
  containerDefinitions: [
    {
      name: 'api',
      image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:2.1.0',
      essential: true,
      memory: 512,
      environment: [{ name: 'MODE', value: 'production' }],
      secrets: [
        { name: 'DB_PASSWORD', valueFrom: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf' },
        { name: 'API_TOKEN', valueFrom: 'arn:aws:ssm:eu-west-1:123456789012:parameter/api/token' },
      ],
      portMappings: [{ hostPort: 8080, containerPort: 8080 }, { containerPortRange: '9000-9010' }],
      mountPoints: [{ sourceVolume: 'awseb-logs-api', containerPath: '/app/logs' }],
      logConfiguration: {
        logDriver: 'splunk',
        options: { 'splunk-url': 'https://splunk.example.com' },
        secretOptions: [{ name: 'splunk-token', valueFrom: 'arn:aws:ssm:eu-west-1:123456789012:parameter/splunk' }],
      },
      linuxParameters: { swappiness: 0, maxSwap: 1024 },
      startTimeout: 60,
      restartPolicy: { enabled: true, restartAttemptPeriod: 60 },
      repositoryCredentials: { credentialsParameter: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:registry-AbCdEf' },
    },
    {
      name: 'proxy',
      image: 'nginx:1.27',
      essential: true,
      memory: 128,
      portMappings: [{ hostPort: 80, containerPort: 80 }],
      links: ['api'],
      mountPoints: [
        { sourceVolume: 'app-proxy-confd', containerPath: '/etc/nginx/conf.d', readOnly: true },
        { sourceVolume: 'awseb-logs-proxy', containerPath: '/var/log/nginx' },
      ],
    },
  ],
};

describe('x-dockerrun is read back', () => {
  test('D → import → dockerrun --target ecs gives D again', () => {
    const issues = validateDockerrunV2(D).filter((i) => i.severity === 'error');
    expect(issues).toEqual([]);
    const imported = dockerrunToCompose(`${JSON.stringify(D, null, 2)}\n`);
    const out = dockerrun(imported.result.yaml);
    expect(canonical(out.doc)).toEqual(canonical(D));
    expect(validateDockerrunV2(out.doc).filter((i) => i.severity === 'error')).toEqual([]);
    // and it is a fixed point from there on
    expect(dockerrun(dockerrunToCompose(out.text).result.yaml).text).toBe(out.text);
  });
});

describe('x-dockerrun read back: rules', () => {
  const base = (x: string) => `services:\n  web:\n    image: "nginx:1.27"\n    ports: ["80:80"]\n    environment:\n      TOKEN: "plain-text-value"\n${x}`;

  test('--execution-role-arn wins over x-dockerrun.executionRoleArn', () => {
    const yaml = `${base('')}x-dockerrun:\n  executionRoleArn: "${XROLE}"\n`;
    expect(dockerrun(yaml).doc).toMatchObject({ executionRoleArn: XROLE });
    const other = 'arn:aws:iam::123456789012:role/other';
    expect(dockerrun(yaml, { executionRoleArn: other }).doc).toMatchObject({ executionRoleArn: other });
  });

  test('a variable read from x-dockerrun.secrets is never written with its value', () => {
    const yaml = base('    x-dockerrun:\n      secrets:\n        - name: "TOKEN"\n          valueFrom: "arn:aws:ssm:eu-west-1:123456789012:parameter/token"\n');
    const out = dockerrun(yaml);
    expect(out.text).not.toContain('plain-text-value');
    expect(out.doc).toMatchObject({ containerDefinitions: [{ secrets: [{ name: 'TOKEN', valueFrom: 'arn:aws:ssm:eu-west-1:123456789012:parameter/token' }] }] });
    expect(out.warnings.map((w) => w.code)).toContain('bundle/x-dockerrun-secret');
    // a secret reference needs the execution role: without one given or kept, the placeholder (which --check refuses)
    expect(out.doc).toMatchObject({ executionRoleArn: EXECUTION_ROLE_PLACEHOLDER });
    expect(out.warnings.map((w) => w.code)).toContain('bundle/execution-role-placeholder');
  });

  test('a malformed x-dockerrun is a user error naming file:line:column and the fix', () => {
    const yaml = base('    x-dockerrun:\n      secrets:\n        - name: "TOKEN"\n      mountPoints:\n        - sourceVolume: "data"\n          containerPath: "/data"\n      colour: "blue"\n');
    let error: unknown;
    try {
      dockerrun(yaml);
    } catch (e) {
      error = e;
    }
    const e = error as { code: string; fix: string; details: { message: string; location?: { file: string; line: number; column: number } }[] };
    expect(e.code).toBe('bundle/x-dockerrun');
    expect(e.fix).toMatch(/x-dockerrun/);
    const messages = e.details.map((d) => `${d.location?.file}:${d.location?.line}:${d.location?.column} ${d.message}`);
    expect(messages).toEqual([
      expect.stringMatching(/^\/project\/docker-compose\.yml:9:11 services\.web\.x-dockerrun\.secrets\[0\]\.valueFrom: expected a non-empty string/),
      expect.stringMatching(/^\/project\/docker-compose\.yml:11:25 services\.web\.x-dockerrun\.mountPoints\[0\]\.sourceVolume: only Elastic Beanstalk's log volumes/),
      expect.stringMatching(/^\/project\/docker-compose\.yml:13:15 services\.web\.x-dockerrun\.colour: unknown field/),
    ]);
  });

  test('log secret options without a logging driver are a located error', () => {
    const yaml = base('    x-dockerrun:\n      logConfiguration:\n        secretOptions:\n          - name: "token"\n            valueFrom: "arn:aws:ssm:eu-west-1:123456789012:parameter/t"\n');
    expect(() => dockerrun(yaml)).toThrow(expect.objectContaining({
      code: 'bundle/x-dockerrun',
      details: [expect.objectContaining({ message: expect.stringMatching(/sets no logging\.driver/), location: expect.objectContaining({ line: 9 }) })],
    }));
  });

  test('Dockerrun v1: Logging, Image.Update "false" and Authentication come back', () => {
    const v1 = {
      AWSEBDockerrunVersion: '1',
      Authentication: { Bucket: 'my-bucket', Key: 'docker/config.json' },
      Image: { Name: 'janedoe/image:1.4', Update: 'false' },
      Ports: [{ ContainerPort: 1234 }],
      Logging: '/var/log/app',
    };
    const yaml = dockerrunToCompose(`${JSON.stringify(v1, null, 2)}\n`).result.yaml;
    expect(canonical(dockerrun(yaml, { target: 'single' }).doc)).toEqual(canonical(v1));
  });

  test('fields a target cannot write are reported, not written (docker, single)', () => {
    const yaml = `${base('    x-dockerrun:\n      secrets:\n        - name: "TOKEN"\n          valueFrom: "arn:aws:ssm:eu-west-1:123456789012:parameter/token"\n      startTimeout: 60\n')}x-dockerrun:\n  executionRoleArn: "${XROLE}"\n`;
    const docker = composeToBundle(load(yaml), { target: 'docker' });
    const main = docker.result.files[0];
    expect('content' in main && main.content).not.toMatch(/startTimeout|valueFrom|x-dockerrun/);
    expect(docker.warnings.filter((w) => w.code === 'bundle/x-dockerrun-unused').map((w) => w.message)).toEqual([
      expect.stringMatching(/^x-dockerrun: executionRoleArn is not written: docker-compose cannot run/),
      expect.stringMatching(/^services\.web\.x-dockerrun: secrets, startTimeout are not written: docker-compose cannot run/),
    ]);
    const single = dockerrun(yaml, { target: 'single' });
    expect(single.text).not.toMatch(/startTimeout|valueFrom|plain-text-value/);
    expect(single.warnings.filter((w) => w.code === 'bundle/x-dockerrun-unused').map((w) => w.message)).toEqual([
      expect.stringMatching(/^x-dockerrun: executionRoleArn is not written: Dockerrun v1 \(--target single\) has no such field/),
      expect.stringMatching(/^services\.web\.x-dockerrun: secrets, startTimeout are not written: Dockerrun v1/),
    ]);
  });
});

// docker-compose 1.29.2 (an independent Compose implementation) must accept what import writes,
// whatever the values (quotes, `$`, unicode, `#`); a few runs, because each one starts a process
const dockerCompose = ['/usr/bin/docker-compose', '/usr/local/bin/docker-compose'].find((p) => jest.requireActual<typeof import('fs')>('fs').existsSync(p));
(dockerCompose ? describe : describe.skip)('docker-compose 1.29.2', () => {
  test('accepts the compose files import writes for random Dockerrun files', () => {
    const fs = jest.requireActual<typeof import('fs')>('fs');
    const os = jest.requireActual<typeof import('os')>('os');
    const { execFileSync } = jest.requireActual<typeof import('child_process')>('child_process');
    fc.assert(
      fc.property(dockerrunDoc, (doc) => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-roundtrip-'));
        try {
          fs.writeFileSync(path.join(dir, 'docker-compose.yml'), dockerrunToCompose(doc).result.yaml);
          const config = execFileSync(dockerCompose!, ['-f', 'docker-compose.yml', 'config'], {
            cwd: dir,
            env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir },
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'pipe'],
          });
          // the variables read back as written (`config` prints a literal `$` as `$$` again)
          const parsed = parseYaml(config) as { services: Record<string, { environment?: Record<string, string> }> };
          for (const c of doc.containerDefinitions) {
            for (const e of c.environment ?? []) expect(parsed.services[c.name].environment?.[e.name]).toBe(e.value.replace(/\$/g, '$$$$'));
          }
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 5, endOnFailure: true },
    );
  });
});
