import { parse as parseYaml } from 'yaml';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import type { DatabaseReplacement, DockerrunV2 } from '../../lib/bundle/types';
import { planStandIn } from '../../lib/local/database';
import { Rehearsal, RehearsalOptions, down, rehearsalCompose } from '../../lib/local/rehearsal';
import { FakeEngine } from './fake-engine';

const dockerrun: DockerrunV2 = {
  AWSEBDockerrunVersion: 2,
  containerDefinitions: [
    { name: 'api', image: 'api:1', memory: 256 },
    { name: 'nginx', image: 'nginx:1', memory: 128, links: ['api'], portMappings: [{ hostPort: 80, containerPort: 80 }] },
    { name: 'migrate', image: 'api:1', memory: 64, essential: false },
  ],
};

const db: DatabaseReplacement = {
  service: 'mysql', engine: 'mysql', image: 'mysql:8.4', majorVersion: '8.4', databaseName: 'messages', username: 'app', port: 3306,
  variables: [{ service: 'api', name: 'MYSQL_HOST', role: 'host' }, { service: 'api', name: 'MYSQL_PASSWORD', role: 'password' }],
};

/** A local HTTP server standing in for the web container's published port, and a TCP server greeting like MySQL. */
async function servers(healthStatus: number): Promise<{ web: number; db: number; close: () => void }> {
  const web = http.createServer((req, res) => res.writeHead(req.url === '/api/health' ? healthStatus : 404, { connection: 'close' }).end());
  const greeting = Buffer.from([0x05, 0, 0, 0, 10, 0x35]);
  const dbs = net.createServer((s) => s.end(greeting));
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
  await new Promise<void>((r) => dbs.listen(0, '127.0.0.1', r));
  return {
    web: (web.address() as net.AddressInfo).port,
    db: (dbs.address() as net.AddressInfo).port,
    close: () => {
      web.closeAllConnections();
      web.close();
      dbs.close();
    },
  };
}

function setup(engine: FakeEngine, healthTimeoutMs = 5000): { options: RehearsalOptions; steps: string[]; lines: string[] } {
  const steps: string[] = [];
  const lines: string[] = [];
  const state = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-state-'));
  const standIn = planStandIn(db, { project: 'demo', containerPrefix: 'beanstack-demo-', image: 'mariadb:10.11', password: 'pw123' });
  return {
    steps,
    lines,
    options: {
      engine,
      project: 'demo',
      runId: 'r1',
      target: 'ecs',
      bundleDir: fs.mkdtempSync(path.join(os.tmpdir(), 'bs-bundle-')),
      stateDir: path.join(state, 'run'),
      dockerrun,
      databases: [db],
      standIns: [standIn],
      environmentProperties: { MYSQL_HOST: standIn.host, MYSQL_PASSWORD: standIn.password },
      secretValues: {},
      healthCheckPath: '/api/health',
      healthTimeoutMs,
      databaseTimeoutMs: 5000,
      follow: true,
      reporter: { step: (m) => steps.push(m), containerLine: (c, l) => lines.push(`${c} | ${l}`) },
    },
  };
}

describe('Rehearsal with a fake engine', () => {
  test('starts the stand-in, then the containers in order, checks health through the published port, and tears everything down', async () => {
    const s = await servers(200);
    const engine = new FakeEngine();
    engine.hostPorts['beanstack-demo-nginx/80'] = s.web;
    engine.hostPorts['beanstack-demo-rds-mysql/3306'] = s.db;
    engine.startLogs['beanstack-demo-api'] = ['api listening on port 5000'];
    const { options, steps, lines } = setup(engine);
    const r = new Rehearsal(options);
    const started = await r.start();
    expect(started.healthy).toBe(true);
    expect(started.url).toBe(`http://127.0.0.1:${s.web}/`);
    expect(engine.calls.filter((c) => c.startsWith('run ') || c.startsWith('network create'))).toEqual([
      'network create beanstack-demo', 'run beanstack-demo-rds-mysql', 'run beanstack-demo-api', 'run beanstack-demo-nginx', 'run beanstack-demo-migrate',
    ]);
    const dbSpec = engine.containers.get('beanstack-demo-rds-mysql')!.spec;
    expect(dbSpec.image).toBe('mariadb:10.11');
    expect(dbSpec.aliases).toEqual(['mysql.rds.beanstack.internal']);
    expect(dbSpec.env).toMatchObject({ MYSQL_DATABASE: 'messages', MYSQL_USER: 'app', MYSQL_PASSWORD: 'pw123' });
    expect(engine.containers.get('beanstack-demo-api')!.spec.env).toEqual({ MYSQL_HOST: 'mysql.rds.beanstack.internal', MYSQL_PASSWORD: 'pw123' });
    expect(lines).toContain('api | api listening on port 5000');
    expect(steps.some((m) => m.includes('memory limits are enforced'))).toBe(true);

    // a non-essential container that completes is not a failure
    engine.exit('beanstack-demo-migrate', 0);
    await new Promise((res) => setImmediate(res));
    expect(r.failureReport).toBeUndefined();

    await r.stop();
    expect(engine.containers.size).toBe(0);
    expect(engine.networks.size).toBe(0);
    expect(fs.existsSync(options.stateDir)).toBe(false);
    s.close();
  });

  test('an essential container that exits fails the app with its exit code, OOM note and last log lines', async () => {
    const s = await servers(200);
    const engine = new FakeEngine();
    engine.hostPorts['beanstack-demo-nginx/80'] = s.web;
    engine.hostPorts['beanstack-demo-rds-mysql/3306'] = s.db;
    engine.startLogs['beanstack-demo-api'] = ['line 1', 'FATAL: out of memory'];
    const { options } = setup(engine);
    const r = new Rehearsal(options);
    await r.start();
    const failed = r.failed();
    engine.exit('beanstack-demo-api', 137, true);
    const f = await failed;
    expect(f.container).toBe('api');
    expect(f.exitCode).toBe(137);
    expect(f.reason).toMatch(/essential container api exited with code 137 \(killed: out of memory/);
    expect(f.lastLines).toEqual(['line 1', 'FATAL: out of memory']);
    await r.stop();
    expect(engine.containers.size).toBe(0);
    s.close();
  });

  test('a health check that never answers 200 is a failure that says what Beanstalk would do', async () => {
    const s = await servers(503);
    const engine = new FakeEngine();
    engine.hostPorts['beanstack-demo-nginx/80'] = s.web;
    engine.hostPorts['beanstack-demo-rds-mysql/3306'] = s.db;
    const { options } = setup(engine, 1200);
    const r = new Rehearsal(options);
    const started = await r.start();
    expect(started.healthy).toBe(false);
    expect(r.failureReport!.reason).toMatch(/did not answer 200 within 1 s \(last: HTTP 503\); Elastic Beanstalk would mark the environment unhealthy/);
    await r.stop();
    s.close();
  });

  test('a database stand-in that stops is reported with its log', async () => {
    const engine = new FakeEngine();
    const { options } = setup(engine);
    const origRun = engine.run.bind(engine);
    engine.run = async (spec) => {
      await origRun(spec);
      if (spec.name.includes('rds')) {
        engine.containers.get(spec.name)!.logs.push('[ERROR] bad config');
        engine.exit(spec.name, 1);
      }
    };
    const r = new Rehearsal(options);
    await expect(r.start()).rejects.toThrow(/database stand-in mariadb:10.11 for mysql stopped \(exit code 1\):\n\s+\[ERROR\] bad config/);
    await r.stop();
    expect(engine.containers.size).toBe(0);
  });

  test('memory limits that the engine does not enforce are called out', async () => {
    const s = await servers(200);
    const engine = new FakeEngine();
    engine.memoryLimit = false;
    engine.hostPorts['beanstack-demo-nginx/80'] = s.web;
    engine.hostPorts['beanstack-demo-rds-mysql/3306'] = s.db;
    const { options, steps } = setup(engine);
    const r = new Rehearsal(options);
    await r.start();
    expect(steps.some((m) => m.includes('memory limits are NOT enforced on this machine'))).toBe(true);
    await r.stop();
    s.close();
  });

  test('down removes leftovers of earlier runs by label', async () => {
    const engine = new FakeEngine();
    await engine.createNetwork('beanstack-demo', { 'org.beanstack.local.project': 'demo' });
    await engine.run({ name: 'beanstack-demo-api', image: 'x', network: 'beanstack-demo', env: {}, labels: { 'org.beanstack.local.project': 'demo' } });
    await engine.run({ name: 'other', image: 'x', network: 'n', env: {}, labels: { 'org.beanstack.local.project': 'other' } });
    const removed = await down(engine, 'demo');
    expect(removed).toEqual({ containers: ['beanstack-demo-api'], networks: ['beanstack-demo'], volumes: [] });
    expect([...engine.containers.keys()]).toEqual(['other']);
  });
});

describe('Rehearsal of the docker target with a fake engine', () => {
  test('writes .env and the rehearsal compose file, attaches the stand-in, checks health, restarts per policy, fails on an unrestarted crash', async () => {
    const s = await servers(200);
    const engine = new FakeEngine();
    engine.composeServices = { nginx: 80, api: undefined, migrate: undefined };
    engine.hostPorts['beanstack-demo_nginx_1/80'] = s.web;
    engine.hostPorts['beanstack-demo-rds-mysql/3306'] = s.db;
    engine.restartPolicies['beanstack-demo_api_1'] = 'unless-stopped';
    engine.restartPolicies['beanstack-demo_migrate_1'] = 'no';
    const { options, steps } = setup(engine);
    fs.writeFileSync(path.join(options.bundleDir, 'docker-compose.yml'), 'services:\n  nginx:\n    image: n\n    ports:\n      - "80:80"\n  api:\n    image: a\n    env_file:\n      - .env\n');
    const r = new Rehearsal({ ...options, target: 'docker', dockerrun: undefined, composeFile: 'docker-compose.yml', publish: { 80: 0 } });
    const started = await r.start();
    expect(started.healthy).toBe(true);
    expect(started.url).toBe(`http://127.0.0.1:${s.web}/`);
    // what compose read while `up` ran; the files with the passwords are gone once it returned
    const [seen] = engine.composeDirectories;
    expect(seen['.env']).toEqual({ text: 'MYSQL_HOST=mysql.rds.beanstack.internal\nMYSQL_PASSWORD=pw123\n', mode: 0o600 });
    expect(seen['.beanstack-local.docker-compose.yml'].text).toContain('127.0.0.1::80');
    expect(seen['.beanstack-local.docker-compose.yml'].mode).toBe(0o600);
    const env = path.join(options.bundleDir, '.env');
    const rehearsalFile = path.join(options.bundleDir, '.beanstack-local.docker-compose.yml');
    expect(fs.existsSync(env)).toBe(false);
    expect(fs.existsSync(rehearsalFile)).toBe(false);
    // the stand-in is a service of the compose project, on its networks under the RDS host name
    const rehearsal = parseYaml(seen['.beanstack-local.docker-compose.yml'].text);
    expect(rehearsal.services['rds-mysql']).toMatchObject({ container_name: 'beanstack-demo-rds-mysql', networks: { default: { aliases: ['mysql.rds.beanstack.internal'] } } });
    expect(engine.calls.filter((c) => c.startsWith('compose') || c.startsWith('run beanstack-demo-rds'))).toEqual([
      'compose --project-name beanstack-demo --file .beanstack-local.docker-compose.yml up --detach --no-build',
      'run beanstack-demo-rds-mysql',
    ]);
    expect(engine.containers.get('beanstack-demo-rds-mysql')!.spec.network).toBe('beanstack-demo_default');

    engine.exit('beanstack-demo_api_1', 1);
    await new Promise((res) => setTimeout(res, 20));
    expect(r.failureReport).toBeUndefined();
    expect(steps.some((m) => m.startsWith('api exited with code 1; its restart policy (unless-stopped) restarts it'))).toBe(true);

    const failed = r.failed();
    engine.exit('beanstack-demo_migrate_1', 3);
    expect((await failed).reason).toBe('container migrate exited with code 3 and is not restarted');

    await r.stop();
    expect(engine.containers.size).toBe(0);
    expect(engine.networks.size).toBe(0);
    expect(fs.existsSync(env)).toBe(false);
    expect(fs.existsSync(rehearsalFile)).toBe(false);
    s.close();
  });
});

describe('the .env of the docker target', () => {
  test.each([[true, 'PW=a$$b\n'], [false, 'PW=a$b\n']])('Compose v2 = %s → %j', async (v2, expected) => {
    const s = await servers(200);
    const engine = new FakeEngine();
    engine.composeV2 = v2;
    engine.composeServices = { web: 80 };
    engine.hostPorts['beanstack-demo_web_1/80'] = s.web;
    const { options } = setup(engine);
    fs.writeFileSync(path.join(options.bundleDir, 'docker-compose.yml'), 'services:\n  web:\n    image: n\n    ports:\n      - "80:80"\n');
    const r = new Rehearsal({ ...options, target: 'docker', dockerrun: undefined, standIns: [], environmentProperties: { PW: 'a$b' }, healthCheckPath: '/api/health' });
    await r.start();
    expect(engine.composeDirectories[0]['.env'].text).toBe(expected);
    await r.stop();
    s.close();
  });
});

describe('rehearsalCompose', () => {
  test('binds published ports to the bind address, remaps them, and finds the web service', () => {
    const text = 'services:\n  nginx:\n    image: n\n    ports:\n      - "80:80"\n  api:\n    image: a\n    ports:\n      - "9000:5000/udp"\n';
    const out = rehearsalCompose(text, '127.0.0.1', { 80: 0 });
    expect(out.web).toEqual({ service: 'nginx', containerPort: 80 });
    expect(out.text).toContain('127.0.0.1::80');
    expect(out.text).toContain('127.0.0.1:9000:5000/udp');
  });
});
