import * as net from 'net';
import type { DatabaseReplacement } from '../../lib/bundle/types';
import { databaseEnvironment, generatePassword, planStandIn, probeDatabase, standInContainer } from '../../lib/local/database';
import { DockerCliEngine, engineUnreachable, envFileText, lineSplitter, runArguments, withoutLegacyBuilderNotice } from '../../lib/local/docker-cli';
import { buildImages, localRepository } from '../../lib/local/images';
import { parsePairs, parsePublish } from '../../bin/commands/local';
import { main } from '../../bin/cli';
import { FakeEngine } from './fake-engine';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const pg: DatabaseReplacement = {
  service: 'db', engine: 'postgres', image: 'postgres:16', port: 5432,
  variables: [
    { service: 'api', name: 'DATABASE_URL', role: 'url' }, { service: 'api', name: 'PGHOST', role: 'host' },
    { service: 'api', name: 'PGPORT', role: 'port' }, { service: 'api', name: 'PGUSER', role: 'user' }, { service: 'api', name: 'PGDATABASE', role: 'database' },
  ],
};

describe('database stand-in', () => {
  test('defaults like the CDK Database construct and injects every role', () => {
    const s = planStandIn(pg, { project: 'p', containerPrefix: 'beanstack-p-', password: 'pw/1' });
    expect(s).toMatchObject({ image: 'postgres:16', user: 'app', database: 'app', host: 'db.rds.beanstack.internal', port: 5432, container: 'beanstack-p-rds-db' });
    expect(databaseEnvironment([pg], [s])).toEqual({
      DATABASE_URL: 'postgresql://app:pw%2F1@db.rds.beanstack.internal:5432/app', PGHOST: 'db.rds.beanstack.internal', PGPORT: '5432', PGUSER: 'app', PGDATABASE: 'app',
    });
    const spec = standInContainer(s, 'net', '127.0.0.1', { l: 'v' });
    expect(spec.env).toEqual({ POSTGRES_USER: 'app', POSTGRES_PASSWORD: 'pw/1', POSTGRES_DB: 'app' });
    expect(spec.ports).toEqual([{ hostIp: '127.0.0.1', containerPort: 5432, protocol: 'tcp' }]);
    expect(spec.command).toBeUndefined();
  });

  test('a non-default port is passed to the server', () => {
    const s = planStandIn({ ...pg, engine: 'mysql', image: 'mysql:8.4', port: 3307 }, { project: 'p', containerPrefix: 'x-' });
    expect(standInContainer(s, 'net', '127.0.0.1', {}).command).toEqual(['mysqld', '--port=3307']);
  });

  test('generated passwords are long and alphanumeric', () => {
    const p = generatePassword();
    expect(p).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(generatePassword()).not.toBe(p);
  });

  test('probe: a MySQL greeting is ready; a connection closed without a greeting is not', async () => {
    const greet = net.createServer((s) => s.end(Buffer.from([0x4a, 0, 0, 0, 10, 0x38, 0x2e])));
    const silent = net.createServer((s) => s.destroy());
    await new Promise<void>((r) => greet.listen(0, '127.0.0.1', r));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    expect(await probeDatabase('mysql', '127.0.0.1', (greet.address() as net.AddressInfo).port)).toBe(true);
    expect(await probeDatabase('mysql', '127.0.0.1', (silent.address() as net.AddressInfo).port)).toBe(false);
    greet.close();
    silent.close();
  });
});

describe('docker CLI arguments', () => {
  test('entryPoint, command, links, ports, mounts, limits and labels', () => {
    const args = runArguments({
      name: 'c', image: 'img', network: 'n', aliases: ['a.internal'], links: [{ container: 'x-api', alias: 'api' }], env: { A: '1' },
      entrypoint: ['node', '--inspect'], command: ['app.js'], ports: [{ hostIp: '127.0.0.1', containerPort: 80, protocol: 'tcp' }, { hostIp: '127.0.0.1', hostPort: 8080, containerPort: 81, protocol: 'udp' }],
      mounts: [{ source: '/b/conf', target: '/etc/x', readOnly: true }], memoryMiB: 128, memoryReservationMiB: 64,
      healthCheck: { command: ['CMD-SHELL', 'curl -f localhost'], retries: 3 }, labels: { z: '1', a: '2' },
    }, '/tmp/env');
    expect(args.join(' ')).toBe([
      '--detach --pull never --name c --network n --network-alias a.internal --link x-api:api --env-file /tmp/env',
      '--publish 127.0.0.1::80/tcp --publish 127.0.0.1:8080:81/udp --mount type=bind,source=/b/conf,target=/etc/x,readonly',
      '--memory 128m --memory-reservation 64m --health-cmd curl -f localhost --health-retries 3 --label a=2 --label z=1',
      '--entrypoint node img --inspect app.js',
    ].join(' '));
    expect(runArguments({ name: 'c', image: 'img', network: 'n', env: {}, entrypoint: [], labels: {} }, undefined).slice(-3)).toEqual(['--entrypoint', '', 'img']);
  });

  test('environment values go through an env file, never the command line', () => {
    expect(envFileText({ B: 'x=y', A: 'p@ss w0rd' }, 'c')).toBe('A=p@ss w0rd\nB=x=y\n');
    expect(() => envFileText({ KEY: 'line1\nline2' }, 'c')).toThrow(/KEY for container c contains a line break/);
  });

  test('lineSplitter joins chunks into lines', () => {
    const lines: string[] = [];
    const s = lineSplitter((l) => lines.push(l));
    s.push('a\r\nb');
    s.push('c\nd');
    s.end();
    expect(lines).toEqual(['a', 'bc', 'd']);
  });

  test('lineSplitter decodes a character whose UTF-8 bytes straddle two chunks', () => {
    const lines: string[] = [];
    const s = lineSplitter((l) => lines.push(l));
    const bytes = Buffer.from('ok \u{1F600} é\nnext 𛁳');
    // every split point, including the middle of the 4-byte emoji and of the 2-byte é
    for (let cut = 0; cut <= bytes.length; cut++) {
      s.push(bytes.subarray(0, cut));
      s.push(bytes.subarray(cut));
      s.push(Buffer.from('\n'));
    }
    s.end();
    expect(new Set(lines)).toEqual(new Set(['ok \u{1F600} é', 'next 𛁳']));
    expect(lines.join('')).not.toContain('\ufffd');
  });
});

describe('buildImages', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-build-'));
  fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM node:20\nCOPY . .\n');
  fs.writeFileSync(path.join(dir, 'app.js'), 'v1');
  const img = { service: 'api', containerName: 'api', context: dir, dockerfile: 'Dockerfile', args: {}, platform: 'linux/amd64', imageRef: 'beanstack-placeholder/api', placeholder: true };

  test('builds once, reuses an unchanged image, rebuilds after a change', async () => {
    const engine = new FakeEngine();
    const onLine = () => undefined;
    const [first] = await buildImages(engine, [img], { project: 'Demo', onLine });
    expect(first.built).toBe(true);
    expect(first.localTag).toMatch(/^beanstack-local\/demo-api:[0-9a-f]{16}$/);
    const [second] = await buildImages(engine, [img], { project: 'Demo', onLine });
    expect(second.built).toBe(false);
    expect(second.localTag).toBe(first.localTag);
    fs.writeFileSync(path.join(dir, 'app.js'), 'v2');
    const [third] = await buildImages(engine, [img], { project: 'Demo', onLine });
    expect(third.built).toBe(true);
    expect(third.localTag).not.toBe(first.localTag);
    // the stale tag of the first build is removed
    expect(engine.calls).toContain(`rmi ${first.localTag}`);
    expect(engine.images.has(first.localTag)).toBe(false);
  });

  test('with a registry: tag, push, drop the local name, pull back by the bundle reference', async () => {
    const engine = new FakeEngine();
    const [b] = await buildImages(engine, [img], { project: 'demo', registry: '127.0.0.1:5000', onLine: () => undefined });
    expect(b.ref).toBe(`127.0.0.1:5000/demo-api:${b.hash.slice(0, 16)}`);
    expect(engine.calls.filter((c) => !c.startsWith('build'))).toEqual([`tag ${b.localTag} ${b.ref}`, `push ${b.ref}`, `rmi ${b.ref}`, `pull ${b.ref}`]);
  });

  test('a missing Dockerfile names the fix', async () => {
    await expect(buildImages(new FakeEngine(), [{ ...img, dockerfile: 'Dockerfile.prod' }], { project: 'demo', onLine: () => undefined }))
      .rejects.toThrow(/Dockerfile .*Dockerfile.prod does not exist/);
    expect(localRepository('My App', 'web.v2')).toBe('beanstack-local/my-app-web-v2');
  });
});

describe('beanstack local flags', () => {
  test('--publish and NAME=VALUE flags', () => {
    expect(parsePublish(['80=8080', '443=0'])).toEqual({ 80: 8080, 443: 0 });
    expect(() => parsePublish(['80:8080'])).toThrow(/expected BUNDLE_HOST_PORT=LOCAL_PORT/);
    expect(parsePairs('--secret', ['A=b=c'], 'X=y')).toEqual({ A: 'b=c' });
    expect(() => parsePairs('--secret', ['novalue'], 'X=y')).toThrow(/expected NAME=VALUE/);
  });

  test('no reachable engine: exit 2 with a message that says how to start one', async () => {
    let err = '';
    const example = path.resolve(__dirname, '..', '..', 'examples', 'fullstack');
    const code = await main(['local', '-f', 'docker-compose.yml', '-f', 'docker-compose.prod.yml', '-q'], {
      cwd: example,
      env: { PATH: process.env.PATH, HOME: os.tmpdir(), DOCKER_HOST: 'unix:///nonexistent/beanstack-test.sock' },
      stdout: () => undefined,
      stderr: (t) => {
        err += t;
      },
      isTty: false,
    });
    expect(code).toBe(2);
    expect(err).toMatch(/no Docker engine answers at DOCKER_HOST=unix:\/\/\/nonexistent\/beanstack-test.sock|the docker command was not found/);
    expect(err).toMatch(/fix: (start the Docker engine|install the Docker CLI)/);
  });
});

describe('docker CLI output', () => {
  it('the classic builder\'s deprecation notice is dropped, every other line of the build kept', () => {
    const lines: string[] = [];
    const sink = withoutLegacyBuilderNotice((l) => lines.push(l));
    // docker CLI 28 with DOCKER_BUILDKIT=0, as captured
    for (const l of [
      'DEPRECATED: The legacy builder is deprecated and will be removed in a future release.',
      '            BuildKit is currently disabled; enable it by removing the DOCKER_BUILDKIT=0',
      '            environment-variable.',
      '',
      'Sending build context to Docker daemon  2.048kB',
      'Step 1/2 : FROM scratch',
      '',
      '    indented output of a RUN step',
    ]) sink(l);
    expect(lines).toEqual(['Sending build context to Docker daemon  2.048kB', 'Step 1/2 : FROM scratch', '', '    indented output of a RUN step']);
  });

  it('a registry that refuses the connection is not an unreachable engine', () => {
    expect(engineUnreachable('Get "http://127.0.0.1:5999/v2/": dial tcp 127.0.0.1:5999: connect: connection refused')).toBe(false);
    expect(engineUnreachable('Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?')).toBe(true);
    expect(engineUnreachable('error during connect: Get "http://%2F%2F.%2Fpipe%2Fdocker_engine/v1.24/version": open //./pipe/docker_engine')).toBe(true);
  });

  it('output whose UTF-8 bytes straddle two writes of the pipe reads back intact (JSON and log lines)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-fake-docker-'));
    const fake = path.join(dir, 'docker');
    // the 4 bytes of U+1F600 written in two halves, 100 ms apart, so they arrive as two chunks
    fs.writeFileSync(fake, "#!/bin/sh\nprintf '{\"msg\": \"caf\\303'; sleep 0.1; printf '\\251 \\360\\237'; sleep 0.1; printf '\\230\\200\"}\\n'\n", { mode: 0o755 });
    const engine = new DockerCliEngine({ docker: fake, env: {} });
    expect(await engine.imageLabels('img')).toEqual({ msg: 'café \u{1F600}' });
    expect(await engine.logs('c', 5)).toEqual(['{"msg": "café \u{1F600}"}']);
  });

  it('push to a --registry nobody serves blames the registry, with a fix that works outside this repository', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-fake-docker-'));
    const fake = path.join(dir, 'docker');
    // what docker CLI 28 prints when nothing listens on the registry port
    fs.writeFileSync(fake, '#!/bin/sh\necho "The push refers to repository [127.0.0.1:5999/shop-api]" \necho \'Get "http://127.0.0.1:5999/v2/": dial tcp 127.0.0.1:5999: connect: connection refused\' >&2\nexit 1\n', { mode: 0o755 });
    const engine = new DockerCliEngine({ docker: fake, env: {} });
    const err = (await engine.push('127.0.0.1:5999/shop-api:1', () => undefined).catch((e: unknown) => e)) as Error & { fix?: string };
    expect(err.constructor.name).not.toBe('EngineUnavailableError');
    expect(err.message).toMatch(/no registry answers at 127\.0\.0\.1:5999 \(--registry\)/);
    expect(err.fix).toMatch(/start a registry at 127\.0\.0\.1:5999/);
    expect(`${err.message} ${err.fix}`).not.toMatch(/start-dockerd|Docker engine/);
  });
});
