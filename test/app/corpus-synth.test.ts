/**
 * Every corpus app (test/corpus/awesome-compose) through the whole CDK app, as `beanstack init` then
 * `cdk synth` would run it in that app's directory: it synthesizes, or it is refused with a user
 * error that says what to change — never an internal error. Run with an environment that has no
 * HOME (a bare CI container), where a `~` in a mount stays as written: that once made a Dockerrun
 * that failed its own validation (`minecraft`).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createBeanstackApp } from '../../bin/app';
import { isUserError } from '../../lib/errors';

const CORPUS = path.resolve(__dirname, '..', 'corpus', 'awesome-compose');
const APPS = fs.readdirSync(CORPUS).filter((d) => fs.statSync(path.join(CORPUS, d)).isDirectory()).sort();
/** Apps whose compose files use keys Elastic Beanstalk cannot run (devices, host networking, cap_add…). */
const REFUSED = ['pihole-cloudflared-DoH', 'plex', 'wasmedge-kafka-mysql', 'wasmedge-mysql-nginx', 'wireguard'];

function synth(app: string): { ok: true; resources: number } | { ok: false; error: unknown } {
  const dir = path.join(CORPUS, app);
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-corpus-synth-'));
  try {
    const compose = fs.readdirSync(dir).find((f) => /^(docker-)?compose\.ya?ml$/.test(f));
    const built = createBeanstackApp({ cwd: dir, env: {}, context: { stage: 'dev', compose, account: '123456789012', region: 'eu-west-1' }, outdir });
    const assembly = built.app.synth();
    const template = assembly.stacks[0].template as { Resources: Record<string, unknown> };
    return { ok: true, resources: Object.keys(template.Resources).length };
  } catch (error) {
    return { ok: false, error };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

test('the corpus has the 39 apps', () => {
  expect(APPS).toHaveLength(39);
});

test.each(APPS)('%s synthesizes, or is refused with a user error and a fix', (app) => {
  const r = synth(app);
  if (r.ok) {
    expect(REFUSED).not.toContain(app);
    expect(r.resources).toBeGreaterThan(20);
    return;
  }
  const e = r.error as Error & { fix?: string };
  expect({ app, message: e.message, userError: isUserError(e) }).toEqual({ app, message: e.message, userError: true });
  expect(e.message).not.toMatch(/a bug in beanstack/);
  expect(e.fix).toBeTruthy();
  expect(REFUSED).toContain(app);
}, 60_000);
