/**
 * Issue 12, finding 5 (MEDIUM): secrets were recognised by variable name only, so a password in a
 * URL, a value interpolated from `.env`, a token in a git URL and `APP_KEY`/`JWT_KEY` from an env_file
 * were written in plain text into Dockerrun, the cdk.out asset and the PR report. Regression: values
 * planted through every secret source — a compose literal, `.env` interpolation, the process
 * environment, an env_file — into the fullstack example and into corpus apps, then a scan of every
 * artifact (`dockerrun --out` bundles, the synthesized cloud assembly with its assets and tree.json,
 * the review report in markdown, text and JSON): zero hits.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { main } from '../../bin/cli';
import { ComposeApplication } from '../../constructs/compose-application';
import { loadProject } from '../../lib/compose';
import { nodeFileReader } from '../../lib/io/node-reader';
import { renderJson, renderMarkdown, renderText } from '../../lib/review';
import { review } from '../review/helpers';

const REPO = path.resolve(__dirname, '..', '..');
const CORPUS = path.join(REPO, 'test', 'corpus', 'awesome-compose');

/** One planted value per source, each unmistakable in a scan. */
const PLANTED = {
  urlPassword: 'PlantedUrlPw7731',
  dotenvSecret: 'sk_live_PlantedDotenvStripe0042',
  processEnv: 'PlantedProcessToken9923',
  envFileAppKey: 'base64:PlantedAppKey5518',
  envFileJwt: 'PlantedJwtKey6671',
  gitToken: 'ghp_PlantedGitTokenPlantedGitToken1234',
  entropy: 'Qz8Lp2Vx7Rt4Nw9Ks3Hd6Fj1Bm5Cy0Ga',
};

/** The override that plants them into a service (merged over the app's own compose files). */
function plantOverride(service: string): string {
  return [
    'services:',
    `  ${service}:`,
    '    env_file: [planted.env]',
    '    environment:',
    `      CACHE_URL: redis://:${PLANTED.urlPassword}@cache-host:6379/0`,
    '      STRIPE: ${PLANTED_STRIPE}',
    '      WEBHOOK_SIGNATURE: ${PLANTED_SIGNING_SECRET}',
    '      THEME_SOURCE: https://x-access-token:${PLANTED_GIT}@github.com/acme/theme.git',
    `      OPAQUE_ID: ${PLANTED.entropy}`,
    '',
  ].join('\n');
}

function plant(dir: string, service: string): void {
  fs.writeFileSync(path.join(dir, 'planted.override.yml'), plantOverride(service));
  fs.writeFileSync(path.join(dir, 'planted.env'), `APP_KEY=${PLANTED.envFileAppKey}\nJWT_KEY=${PLANTED.envFileJwt}\n`);
  // `.env` of the project directory: interpolation only, as Compose reads it
  fs.appendFileSync(path.join(dir, '.env'), `\nPLANTED_STRIPE=${PLANTED.dotenvSecret}\nPLANTED_GIT=${PLANTED.gitToken}\n`);
}

const processEnv = { PLANTED_SIGNING_SECRET: PLANTED.processEnv, PATH: process.env.PATH ?? '', HOME: os.tmpdir() };

/** Every planted value found in any file below `dir`: `file: value`. */
function scan(dir: string): string[] {
  const hits: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        const text = fs.readFileSync(p, 'latin1');
        for (const v of Object.values(PLANTED)) if (text.includes(v)) hits.push(`${path.relative(dir, p)}: ${v}`);
      }
    }
  };
  walk(dir);
  return hits;
}

async function dockerrunOut(dir: string, files: string[], target: string, out: string): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const code = await main(['dockerrun', ...files.flatMap((f) => ['-f', f]), '--target', target, '--out', out], {
    cwd: dir, env: processEnv, stdout: () => undefined, stderr: (t) => { stderr += t; }, isTty: false,
  });
  return { code, stderr };
}

function synth(dir: string, files: string[], outdir: string): void {
  const app = new App({ outdir });
  const stack = new Stack(app, 'Planted', { env: { account: '123456789012', region: 'eu-west-1' } });
  const loaded = loadProject({ files: files.map((f) => path.join(dir, f)), workingDirectory: dir, environment: processEnv, reader: nodeFileReader });
  new ComposeApplication(stack, 'App', { project: loaded.result });
  app.synth();
}

let work: string;
beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-planted-'));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

test('the fullstack example with planted secrets: no artifact holds one (bundles, cloud assembly, review report)', async () => {
  const dir = path.join(work, 'fullstack');
  fs.cpSync(path.join(REPO, 'examples', 'fullstack'), dir, { recursive: true });
  plant(dir, 'api');
  const files = ['docker-compose.yml', 'docker-compose.prod.yml', 'planted.override.yml'];
  const artifacts = path.join(work, 'fullstack-artifacts');
  for (const target of ['ecs', 'docker']) {
    const run = await dockerrunOut(dir, files, target, path.join(artifacts, `bundle-${target}`));
    expect(run.code).toBe(0);
    for (const v of Object.values(PLANTED)) expect(run.stderr).not.toContain(v);
  }
  // base: the example as it is; head: with the planted secrets — the review of that change
  synth(dir, ['docker-compose.yml', 'docker-compose.prod.yml'], path.join(artifacts, 'base.out'));
  synth(dir, files, path.join(artifacts, 'cdk.out'));
  const report = review(path.join(artifacts, 'base.out'), path.join(artifacts, 'cdk.out'));
  fs.writeFileSync(path.join(artifacts, 'report.md'), renderMarkdown(report));
  fs.writeFileSync(path.join(artifacts, 'report.txt'), renderText(report));
  fs.writeFileSync(path.join(artifacts, 'report.json'), renderJson(report));
  expect(fs.readFileSync(path.join(artifacts, 'report.md'), 'utf8')).toContain('STRIPE');
  expect(scan(artifacts)).toEqual([]);
}, 300000);

const CORPUS_APPS: readonly [string, string][] = [['react-express-mongodb', 'backend'], ['nginx-flask-mysql', 'backend'], ['django', 'web']];

test.each(CORPUS_APPS)('corpus app %s with planted secrets in %s: no bundle holds one', async (app, service) => {
  const dir = path.join(work, app);
  fs.cpSync(path.join(CORPUS, app), dir, { recursive: true });
  plant(dir, service);
  const compose = fs.readdirSync(dir).find((f) => /^compose\.ya?ml$/.test(f))!;
  const out = path.join(work, `${app}-artifacts`);
  for (const target of ['ecs', 'docker']) {
    const run = await dockerrunOut(dir, [compose, 'planted.override.yml'], target, path.join(out, target));
    expect(run.stderr).not.toMatch(/error:/);
    expect(run.code).toBe(0);
  }
  expect(scan(out)).toEqual([]);
}, 120000);
