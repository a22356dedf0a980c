/**
 * End-to-end: `beanstack local` on a real Docker engine with the example app.
 *
 * Offline by construction: the base images are made from host binaries (scripts/e2e/base-images.sh),
 * the registry is Debian's docker-registry on 127.0.0.1, the RDS stand-in is a MariaDB image made
 * from Debian's binaries, and all traffic stays on 127.0.0.1 or on the networks the rehearsal
 * creates. Runs when an engine answers (DOCKER_HOST, or the CI socket of scripts/start-dockerd.sh);
 * with BEANSTACK_E2E=required a missing engine fails the suite.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  EXAMPLE, Registry, appUrl, availability, cli, docker, leftovers, makeBaseImages, request, waitFor,
} from './helpers';

const required = process.env.BEANSTACK_E2E === 'required';
const available = availability();
// unique per run: another run of the suite on the same engine (a second `npm test`) must not share objects
const PROJECT = `e2e-${process.pid}`;
const FILES = ['-f', 'docker-compose.yml', '-f', 'docker-compose.prod.yml'];
const COMMON = [...FILES, '-p', PROJECT, '--db-image', 'mariadb:10.11', '--publish', '80=0', '-q'];

if (!available.ok) {
  const notice = required
    ? `\n*** end-to-end suite (test/e2e) CANNOT RUN and BEANSTACK_E2E=required: ${available.reason} ***\n`
    : `\n*** end-to-end suite (test/e2e) SKIPPED: ${available.reason}. Set BEANSTACK_E2E=required to make this a failure. ***\n`;
  process.stderr.write(notice);
  if (required) {
    describe('local rehearsal end-to-end', () => {
      test('a Docker engine and the host packages are available (BEANSTACK_E2E=required)', () => {
        throw new Error(`BEANSTACK_E2E=required, but ${available.reason}`);
      });
    });
  } else {
    describe.skip(`local rehearsal end-to-end (skipped: ${available.reason})`, () => {
      test('round trip through nginx, api and the database', () => undefined);
    });
  }
} else {
  describe('local rehearsal end-to-end', () => {
    const registry = new Registry();
    let work: string;

    beforeAll(async () => {
      work = fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-e2e-'));
      makeBaseImages();
      await registry.start();
      await cli(['local', '--down', ...FILES, '-p', PROJECT]);
    }, 600000);

    afterAll(async () => {
      await cli(['local', '--down', ...FILES, '-p', PROJECT]);
      // the images this run built (local content-hash tags and the registry's names)
      const refs = docker(['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}']).stdout.split('\n')
        .filter((r) => r.includes(`/${PROJECT}-`));
      if (refs.length > 0) docker(['image', 'rm', ...refs]);
      await registry.stop();
      if (work) fs.rmSync(work, { recursive: true, force: true });
    }, 120000);

    test('the production images build offline, resolve through the registry, and a message round-trips nginx → api → database', async () => {
      const out = path.join(work, 'bundle-ecs');
      const run = await cli(['local', ...COMMON, '--registry', registry.address, '--detach', '--out', out]);
      expect(run.stderr).toContain('healthy: http://127.0.0.1:');
      expect(run.code).toBe(0);
      const url = appUrl(run.stderr);

      // the bundle that ran names the registry's images, and the registry holds them
      const dockerrun = JSON.parse(fs.readFileSync(path.join(out, 'Dockerrun.aws.json'), 'utf8')) as { containerDefinitions: { name: string; image: string; memory?: number }[] };
      for (const c of dockerrun.containerDefinitions) expect(c.image.startsWith(`${registry.address}/${PROJECT}-${c.name}:`)).toBe(true);
      for (const c of dockerrun.containerDefinitions) {
        const [repo, tag] = c.image.slice(registry.address.length + 1).split(':');
        expect(await registry.tags(repo)).toContain(tag);
      }

      // HTTP through the proxy → api → MariaDB write and read → response
      const text = `hello from the e2e suite ${Date.now()}`;
      const posted = await request(`${url}/api/messages`, 'POST', { text });
      expect(posted.status).toBe(201);
      const listed = await request(`${url}/api/messages`);
      expect(listed.status).toBe(200);
      expect((JSON.parse(listed.body) as { messages: { text: string }[] }).messages.map((m) => m.text)).toContain(text);
      const page = await request(`${url}/`);
      expect(page.status).toBe(200);
      expect(page.body).toContain('<div id="root"></div>');

      // the api reads the stand-in through the variables the stack would set, not the compose host name
      const env = JSON.parse(docker(['inspect', '--format', '{{json .Config.Env}}', `beanstack-${PROJECT}-api`]).stdout) as string[];
      expect(env).toContain('MYSQL_HOST=mysql.rds.beanstack.internal');
      expect(env).toContain('MYSQL_DATABASE=messages');
      expect(env.find((e) => e.startsWith('MYSQL_PASSWORD='))!.length).toBeGreaterThan('MYSQL_PASSWORD='.length + 16);
      // memory limits from the bundle, and ports only on 127.0.0.1
      expect(docker(['inspect', '--format', '{{.HostConfig.Memory}}', `beanstack-${PROJECT}-api`]).stdout.trim()).toBe(String(256 * 1024 * 1024));
      const bindings = docker(['inspect', '--format', '{{json .HostConfig.PortBindings}}', `beanstack-${PROJECT}-nginx`]).stdout;
      expect(bindings).toContain('"HostIp":"127.0.0.1"');
      // the api is not published: only links reach it
      expect(docker(['port', `beanstack-${PROJECT}-api`]).stdout.trim()).toBe('');

      const down = await cli(['local', '--down', ...FILES, '-p', PROJECT]);
      expect(down.code).toBe(0);
      expect(leftovers(PROJECT)).toEqual([]);
    }, 900000);

    test('an unchanged rerun builds nothing', async () => {
      const run = await cli(['local', ...COMMON, '--detach', '--out', path.join(work, 'bundle-rerun')]);
      expect(run.code).toBe(0);
      expect(run.stderr).toContain('all unchanged');
      await cli(['local', '--down', ...FILES, '-p', PROJECT]);
      expect(leftovers(PROJECT)).toEqual([]);
    }, 300000);

    test('an essential container that crashes stops the app and is reported with its last log lines', async () => {
      let seen = '';
      const running = cli(['local', ...COMMON, '--out', path.join(work, 'bundle-crash')], { onStderr: (all) => { seen = all; } });
      await waitFor(() => seen.includes('streaming logs') || seen.includes('error'), 240000, 'the app to become healthy');
      expect(seen).toContain('streaming logs');
      expect(docker(['kill', '--signal', 'KILL', `beanstack-${PROJECT}-api`]).status).toBe(0);
      const run = await running;
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('the app failed: essential container api exited with code 137');
      expect(run.stderr).toContain('last lines of api:');
      expect(run.stderr).toContain('api listening on port 5000');
      // the logs were streamed with a container prefix while it ran
      expect(run.stdout).toMatch(/^api\s+\| api listening on port 5000$/m);
      expect(leftovers(PROJECT)).toEqual([]);
    }, 300000);

    test('Ctrl-C while the logs stream stops the app and removes everything (exit 0)', async () => {
      let seen = '';
      const running = cli(['local', ...COMMON, '--out', path.join(work, 'bundle-sigint')], { onStderr: (all) => { seen = all; } });
      await waitFor(() => seen.includes('streaming logs') || seen.includes('error'), 240000, 'the app to become healthy');
      expect(seen).toContain('streaming logs');
      process.emit('SIGINT');
      const run = await running;
      expect(run.code).toBe(0);
      expect(run.stderr).toContain('stopping; removing containers, networks and volumes');
      expect(leftovers(PROJECT)).toEqual([]);
    }, 300000);

    test('10 start/stop cycles leave no containers, networks or volumes behind', async () => {
      const named = () => [
        ...docker(['ps', '-a', '--format', 'container {{.Names}}']).stdout.split('\n'),
        ...docker(['network', 'ls', '--format', 'network {{.Name}}']).stdout.split('\n'),
        ...docker(['volume', 'ls', '--format', 'volume {{.Name}}']).stdout.split('\n'),
      ].filter((l) => l.includes(`beanstack-${PROJECT}`));
      for (let i = 0; i < 10; i++) {
        const up = await cli(['local', ...COMMON, '--detach', '--out', path.join(work, 'bundle-cycles')]);
        expect(up.code).toBe(0);
        expect(named().length).toBeGreaterThan(0);
        const down = await cli(['local', '--down', ...FILES, '-p', PROJECT]);
        expect(down.code).toBe(0);
        // by label and by name: nothing of the project is left (containers are removed with their anonymous volumes)
        expect(leftovers(PROJECT)).toEqual([]);
        expect(named()).toEqual([]);
      }
      expect(fs.existsSync(path.join(os.tmpdir(), `beanstack-local-${PROJECT}`))).toBe(false);
    }, 900000);

    test('the docker target: Debian\'s docker-compose 1.29.2 runs the production compose bundle, and the round trip works', async () => {
      const composeVersion = docker(['compose', 'version']).status === 0 ? 'docker compose plugin' : 'docker-compose';
      const out = path.join(work, 'bundle-docker');
      const run = await cli(['local', ...COMMON, '--target', 'docker', '--detach', '--out', out]);
      expect(run.stderr).toContain('healthy: http://127.0.0.1:');
      expect(run.code).toBe(0);
      expect(fs.readFileSync(path.join(out, 'docker-compose.yml'), 'utf8')).toContain('env_file');
      const url = appUrl(run.stderr);
      const text = `compose round trip ${Date.now()}`;
      expect((await request(`${url}/api/messages`, 'POST', { text })).status).toBe(201);
      expect((await request(`${url}/api/messages`)).body).toContain(text);
      // which compose ran it (the docker CLI of CI has no compose plugin: then it is docker-compose 1.29.2)
      const names = docker(['ps', '--filter', `label=com.docker.compose.project=beanstack-${PROJECT}`, '--format', '{{.Label "com.docker.compose.version"}}']).stdout.trim().split('\n');
      if (composeVersion === 'docker-compose') expect(names.every((v) => v.startsWith('1.29'))).toBe(true);
      const down = await cli(['local', '--down', ...FILES, '-p', PROJECT]);
      expect(down.code).toBe(0);
      expect(leftovers(PROJECT)).toEqual([]);
    }, 600000);

    test('this machine enforces (or not) memory limits as the engine reports', () => {
      const reported = docker(['info', '--format', '{{.MemoryLimit}}']).stdout.trim() === 'true';
      const name = `beanstack-e2e-oom-${process.pid}`;
      docker(['run', '--name', name, '--network', 'none', '--memory', '32m', '--memory-swap', '32m', 'node:20-bookworm-slim',
        'node', '-e', 'const a = []; for (let i = 0; i < 512; i++) a.push(Buffer.alloc(1 << 20, 1)); console.log("allocated")']);
      const oom = docker(['inspect', '--format', '{{.State.OOMKilled}}', name]).stdout.trim() === 'true';
      docker(['rm', '-f', name]);
      process.stderr.write(`memory limits on this machine: reported ${reported ? 'enforced' : 'not enforced'}, observed ${oom ? 'enforced (OOM-killed at 32 MiB)' : 'NOT enforced'}\n`);
      expect(oom).toBe(reported);
    }, 120000);
  });
}
