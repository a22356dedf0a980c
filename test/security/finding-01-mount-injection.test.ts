/**
 * Issue 12, finding 1 (HIGH): `beanstack local` mounted the host's `/` read-write. The volume
 * `./conf:/x,source=/,readonly=false` passed conversion (container path `/x,source=/,readonly=false`)
 * and lib/local/docker-cli.ts built `--mount type=bind,source=…,target=${target}` unescaped: Docker's
 * CSV reader saw a second `source=` field, which won, and the container served the host's files.
 *
 * Now: such paths are refused with their compose location before anything runs; the Dockerrun plan
 * refuses them too; every `--mount` field is CSV-quoted, so even a path that got through is one
 * literal path (checked on a real engine when one answers); an image can never be read as a flag.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../bin/cli';
import type { CliContext } from '../../bin/cli-context';
import { DockerCliEngine, runArguments } from '../../lib/local/docker-cli';
import type { ContainerSpec } from '../../lib/local/engine';
import { Rehearsal } from '../../lib/local/rehearsal';
import { availability, engineEnv, makeBaseImages } from '../e2e/helpers';
import { FakeEngine } from '../local/fake-engine';

let dir = '';
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-f01-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Go's encoding/csv reading one record (what docker/cli does with a --mount value). */
function csvRecord(text: string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error(`unterminated quote in ${text}`);
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== ',') {
        if (text[i] === '"') throw new Error(`bare quote in ${text}`);
        field += text[i++];
      }
    }
    fields.push(field);
    if (i >= text.length) return fields;
    if (text[i] !== ',') throw new Error(`text after a closing quote in ${text}`);
    i++;
  }
}

const spec = (mounts: ContainerSpec['mounts'], image = 'busybox:stable'): ContainerSpec => ({
  name: 'beanstack-t-web', image, network: 'beanstack-t', env: {}, mounts, labels: { 'org.beanstack.local.project': 't' },
});

test('beanstack local refuses the issue\'s volume with its location, before any docker command runs', async () => {
  fs.mkdirSync(path.join(dir, 'conf'));
  fs.writeFileSync(path.join(dir, 'conf', 'default.conf'), 'server {}\n');
  fs.writeFileSync(path.join(dir, 'docker-compose.yml'), 'services:\n  web:\n    image: nginx:1.27-bookworm\n    ports: ["80:80"]\n    volumes:\n      - "./conf:/x,source=/,readonly=false"\n');
  let stderr = '';
  // no docker on PATH: reaching the engine would be a different error (local/no-engine)
  const ctx: CliContext = { cwd: dir, env: { HOME: dir, PATH: path.join(dir, 'no-bin') }, stdout: () => undefined, stderr: (t) => (stderr += t), isTty: false };
  const code = await main(['local', '-q'], ctx);
  expect(code).toBe(2);
  expect(stderr).toMatch(/^error: docker-compose\.yml:6:9: a mount path of the compose files cannot be passed to Docker safely\n/);
  expect(stderr).toContain('services.web.volumes[0] target "/x,source=/,readonly=false" cannot be a mount path: it holds `,`, which separates fields of a Docker mount');
  expect(stderr).toMatch(/fix: use container and host paths without/);
  expect(stderr).not.toMatch(/docker command was not found|no Docker engine/);
});

test('every --mount field is CSV-quoted: a comma in a path stays in the path', () => {
  const bundle = path.join(dir, 'bundle,v2');
  const args = runArguments(spec([{ source: bundle, target: '/x,source=/,readonly=false', readOnly: false }, { source: '/b', target: '/q"uote', readOnly: true }]), undefined);
  const values = args.filter((_, i) => args[i - 1] === '--mount');
  expect(values.map(csvRecord)).toEqual([
    ['type=bind', `source=${bundle}`, 'target=/x,source=/,readonly=false'],
    ['type=bind', 'source=/b', 'target=/q"uote', 'readonly'],
  ]);
});

test('the Dockerrun plan refuses such a containerPath before any container starts', async () => {
  const engine = new FakeEngine();
  const r = new Rehearsal({
    engine, project: 't', runId: '1', target: 'ecs', bundleDir: path.join(dir, 'bundle'), stateDir: path.join(dir, 'state'),
    dockerrun: {
      AWSEBDockerrunVersion: 2,
      volumes: [{ name: 'conf', host: { sourcePath: '/var/app/current/conf' } }],
      containerDefinitions: [{ name: 'web', image: 'nginx:1.27-bookworm', essential: true, memory: 128, mountPoints: [{ sourceVolume: 'conf', containerPath: '/x,source=/,readonly=false' }] }],
    },
    databases: [], standIns: [], environmentProperties: {}, secretValues: {}, follow: false,
    reporter: { step: () => undefined, containerLine: () => undefined },
  });
  await expect(r.start()).rejects.toMatchObject({ code: 'local/dockerrun', message: expect.stringContaining('container web mounts containerPath "/x,source=/,readonly=false", which cannot be a mount path') });
  expect(engine.calls.filter((c) => c.startsWith('run'))).toEqual([]);
});

test('an image or a label key cannot become a flag or another field', () => {
  expect(() => runArguments(spec([], '--privileged'), undefined)).toThrow(expect.objectContaining({ code: 'local/image-reference' }));
  expect(() => runArguments(spec([], '-v=/:/host'), undefined)).toThrow(expect.objectContaining({ code: 'local/image-reference' }));
  expect(() => runArguments({ ...spec([]), labels: { 'org.beanstack.local.project=other': 'x' } }, undefined)).toThrow(expect.objectContaining({ code: 'local/label-key' }));
  // image references of every shape still pass
  for (const image of ['nginx', 'nginx:1.27-bookworm', '127.0.0.1:5000/app-web:0123abcd', 'registry.example.com/team/app@sha256:' + 'a'.repeat(64)]) {
    expect(runArguments(spec([], image), undefined)).toContain(image);
  }
});

const engineUp = availability();
const required = process.env.BEANSTACK_E2E === 'required';
const onEngine = engineUp.ok || required ? test : test.skip;

onEngine(`on a real engine, the container sees the bundle at the literal path and no host file (${engineUp.reason})`, async () => {
  if (!engineUp.ok) throw new Error(`BEANSTACK_E2E=required, but ${engineUp.reason}`);
  makeBaseImages();
  const bundle = path.join(dir, 'bundle');
  fs.mkdirSync(bundle);
  fs.writeFileSync(path.join(bundle, 'inside.txt'), 'from-the-bundle\n');
  // a file of the host outside the bundle: with the old arguments the container saw it under /x
  const host = path.join(dir, 'host-secret.txt');
  fs.writeFileSync(host, 'HOST-SECRET-f01\n');
  const engine = new DockerCliEngine({ env: engineEnv() });
  const name = `beanstack-f01-${process.pid}`;
  const target = '/x,source=/,readonly=false';
  try {
    await engine.run({
      ...spec([{ source: bundle, target, readOnly: false }]),
      name, network: 'bridge',
      command: ['sh', '-c', `cat "${target}/inside.txt"; cat "/x${host}" 2>&1; echo done`],
    });
    expect(await engine.wait(name)).toBe(0);
    const out = (await engine.logs(name, 20)).join('\n');
    expect(out).not.toContain('HOST-SECRET-f01');
    expect(out).toContain('from-the-bundle');
    expect(out).toContain('done');
  } finally {
    await engine.removeContainers([name]);
    engine.close();
  }
}, 600000);
