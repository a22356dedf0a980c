/**
 * End-to-end: the course-style app as developed (examples/course-app: no production settings), run by
 * `beanstack local` on a real Docker engine for both platforms. A browser-like request to nginx `/`
 * gets the frontend, `/api/…` reaches the backend, which reads and writes the table that only the
 * schema init (mysql/sqls/initialize.sql, applied by the init container) creates in the RDS
 * stand-in. And a name that does not resolve on the ECS platform fails the rehearsal as it would on
 * Beanstalk.
 *
 * Offline like test/e2e/local.test.ts: base images from host binaries, traffic on 127.0.0.1 and the
 * networks the rehearsal creates.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO, appUrl, availability, cli, docker, leftovers, makeBaseImages, request } from './helpers';

const required = process.env.BEANSTACK_E2E === 'required';
const available = availability();
const PROJECT = `e2e-course-${process.pid}`;
const COURSE_APP = path.join(REPO, 'examples', 'course-app');

/** A browser's first requests: the page, its script, then the API the page calls. */
async function browse(url: string): Promise<void> {
  const page = await request(`${url}/`);
  expect(page.status).toBe(200);
  expect(page.body).toContain('<div id="root"></div>');
  expect(page.body).toContain('/app.js');
  const script = await request(`${url}/app.js`);
  expect(script.status).toBe(200);
  expect(script.body).toContain("api('/values')");

  const values = await request(`${url}/api/values`);
  expect(values.status).toBe(200);
  expect(JSON.parse(values.body).values).toEqual([{ id: 1, value: 'hello from the schema init' }]);
  const value = `from the e2e suite ${Date.now()}`;
  const posted = await request(`${url}/api/value`, 'POST', { value });
  expect(posted.status).toBe(201);
  const after = await request(`${url}/api/values`);
  expect(JSON.parse(after.body).values.map((v: { value: string }) => v.value)).toEqual(['hello from the schema init', value]);
}

if (!available.ok) {
  if (required) {
    describe('course-app end-to-end', () => {
      test('a Docker engine and the host packages are available (BEANSTACK_E2E=required)', () => {
        throw new Error(`BEANSTACK_E2E=required, but ${available.reason}`);
      });
    });
  } else {
    describe.skip(`course-app end-to-end (skipped: ${available.reason})`, () => {
      test('the course app runs as developed', () => undefined);
    });
  }
} else {
  describe('course-app end-to-end', () => {
    let work: string;
    let app: string;
    const down = (target: string) => cli(['local', '--down', '-p', PROJECT, '--target', target], { cwd: app });

    beforeAll(async () => {
      work = fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-course-'));
      // a copy, so the rehearsal's .beanstack/ and the broken variant below never touch the repository
      app = path.join(work, 'course-app');
      fs.cpSync(COURSE_APP, app, { recursive: true, filter: (src) => !src.includes(`${path.sep}.beanstack`) && !src.includes('mysql_data') });
      makeBaseImages();
    }, 600000);

    afterAll(async () => {
      if (app) {
        await down('ecs');
        await down('docker');
      }
      const refs = docker(['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}']).stdout.split('\n').filter((r) => r.includes(`/${PROJECT}-`));
      if (refs.length > 0) docker(['image', 'rm', ...refs]);
      if (work) fs.rmSync(work, { recursive: true, force: true });
    }, 120000);

    test.each(['ecs', 'docker'])('the %s target: nginx serves the frontend and proxies /api to the backend, which uses the table the schema init created', async (target) => {
      const run = await cli(['local', '-p', PROJECT, '--target', target, '--publish', '80=0', '--detach', '-q'], { cwd: app });
      expect(run.stderr).toContain('healthy: http://127.0.0.1:');
      expect(run.stderr).toContain('mysql-init');
      expect(run.code).toBe(0);
      const url = appUrl(run.stderr);
      await browse(url);
      // the init container applied the schema once; running it again applies nothing
      const initName = target === 'ecs' ? `beanstack-${PROJECT}-mysql-init` : `beanstack-${PROJECT}_mysql-init_1`;
      const logs = docker(['logs', initName]);
      expect(logs.stdout + logs.stderr).toContain('schema-init: done: 1 applied, 0 already applied');
      const again = docker(['start', '-a', initName]);
      expect(again.stdout).toContain('schema-init: done: 0 applied, 1 already applied');
      expect((await down(target)).code).toBe(0);
      expect(leftovers(PROJECT)).toEqual([]);
    }, 600000);

    test('a name nginx uses but cannot resolve on the ECS platform is warned at its config line, and the rehearsal fails as Beanstalk would', async () => {
      // nginx declares that it only reaches the frontend: its default.conf still proxies to backend
      fs.writeFileSync(path.join(app, 'broken.yml'), 'services:\n  nginx:\n    x-beanstack:\n      connects_to: [frontend]\n');
      const run = await cli(['local', '-f', 'docker-compose.yml', '-f', 'broken.yml', '-p', PROJECT, '--publish', '80=0', '--health-timeout', '60'], { cwd: app });
      expect(run.stderr).toMatch(/nginx\/default\.conf:\d+:\d+: nginx\/default\.conf:\d+ uses the name "backend" of services\.backend, but x-beanstack\.connects_to of nginx does not list backend/);
      expect(run.code).not.toBe(0);
      // nginx refuses to start when an upstream's host does not resolve, as on the instance
      expect(run.stderr).toMatch(/host not found in upstream "backend:5000"/);
      await down('ecs');
      expect(leftovers(PROJECT)).toEqual([]);
    }, 600000);
  });
}
