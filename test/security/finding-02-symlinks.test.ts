/**
 * Issue 12, finding 2 (HIGH): symbolic links were followed into the bundle, the CDK source-bundle
 * asset and image assets. In a shipped directory, `conf/leak -> /etc/passwd` and a link to a
 * directory of keys were copied into `--out` and `cdk.out/asset.*`; in build contexts the
 * `DockerImageAsset` staging copied them too (its default follows links that leave the context). Only a
 * file named exactly `.env` was skipped: `.env.production` and `.npmrc` (`_authToken=…`) were shipped.
 *
 * Now: a link that leaves the project is a located error (shipped directories and build contexts),
 * links inside it are shipped as the file they point to (bundle) or staged as links (image asset,
 * as `docker build` sends them), and a default deny-list keeps credentials out, with
 * `.beanstackignore` to adjust it.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { main } from '../../bin/cli';
import type { CliContext } from '../../bin/cli-context';
import { ComposeApplication } from '../../constructs/compose-application';
import { newApp, TEST_ENV } from '../constructs/helpers';
import { filesHolding } from './files';

const PLANTED = 'planted-f02-7c1d9e';
let root = '';
let project = '';
let outside = '';

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-f02-'));
  project = path.join(root, 'project');
  outside = path.join(root, 'outside');
  fs.mkdirSync(path.join(outside, 'keys'), { recursive: true });
  fs.writeFileSync(path.join(outside, 'passwd'), `root:x:0:0:${PLANTED}:/root:/bin/sh\n`);
  fs.writeFileSync(path.join(outside, 'keys', 'id_ed25519'), `${PLANTED}-key\n`);
  const files: Record<string, string> = {
    'docker-compose.yml': 'services:\n  web:\n    build: ./app\n    ports: ["80:8080"]\n    volumes:\n      - ./conf:/etc/app/conf:ro\n',
    'app/Dockerfile': 'FROM node:20-bookworm-slim\nCOPY . /app\nCMD ["node", "/app/server.js"]\n',
    'app/server.js': 'require("http").createServer((q, s) => s.end("ok")).listen(8080);\n',
    'app/data/v1.txt': 'one\n',
    'conf/app.conf': 'listen 8080;\n',
    'conf/.env.production': `SECRET=${PLANTED}\n`,
    'conf/.npmrc': `//registry.npmjs.org/:_authToken=${PLANTED}\n`,
    'conf/tls/server.key': `${PLANTED}-tls\n`,
    'conf/id_rsa': `${PLANTED}-rsa\n`,
    'shared/site.conf': 'site\n',
  };
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(project, rel)), { recursive: true });
    fs.writeFileSync(path.join(project, rel), text);
  }
  // a link inside the project: shipped as the file it points to
  fs.symlinkSync('../shared/site.conf', path.join(project, 'conf', 'site.conf'));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

async function dockerrun(args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const ctx: CliContext = { cwd: project, env: { HOME: root }, stdout: () => undefined, stderr: (t) => (stderr += t), isTty: false };
  const code = await main(['dockerrun', '-q', ...args], ctx);
  return { code, stderr };
}

const holding = filesHolding;

test.each([
  ['a link to a file outside the project', 'leak', () => path.join(outside, 'passwd')],
  ['a link to a directory of keys', 'keys', () => path.join(outside, 'keys')],
  ['a relative link that climbs out', 'up', () => '../../outside/passwd'],
])('dockerrun --out refuses %s in a shipped directory, at the mount, and writes nothing', async (_what, name, target) => {
  fs.symlinkSync(target(), path.join(project, 'conf', name));
  const r = await dockerrun(['--out', 'eb-bundle']);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(new RegExp(`^error: docker-compose\\.yml:6:9: conf/${name} is a symbolic link to .*, outside the project directory; a bundle never carries files from outside the project\\n`));
  expect(r.stderr).toMatch(/fix: remove it, replace it with a regular file, or leave it out with the line `conf\/.*` in \.beanstackignore/);
  expect(fs.existsSync(path.join(project, 'eb-bundle'))).toBe(false);
  expect(holding(project, PLANTED).filter((f) => f.startsWith('eb-bundle'))).toEqual([]);
});

test('a shipped directory that is itself a link out of the project is refused', async () => {
  fs.rmSync(path.join(project, 'conf'), { recursive: true });
  fs.symlinkSync(path.join(outside, 'keys'), path.join(project, 'conf'));
  const r = await dockerrun(['--out', 'eb-bundle']);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/^error: docker-compose\.yml:6:9: conf is a symbolic link to .*keys, outside the project directory/);
});

test('the deny-list keeps credentials out of the bundle; links inside the project ship as files; .beanstackignore adjusts it', async () => {
  const r = await dockerrun(['--out', 'eb-bundle']);
  expect(r.code).toBe(0);
  const bundle = path.join(project, 'eb-bundle');
  expect(holding(bundle, PLANTED)).toEqual([]);
  for (const f of ['conf/.env.production', 'conf/.npmrc', 'conf/id_rsa', 'conf/tls/server.key']) {
    expect(r.stderr).toContain(`note: ${f} was not copied into the bundle`);
  }
  expect(fs.lstatSync(path.join(bundle, 'conf', 'site.conf')).isFile()).toBe(true);
  expect(fs.readFileSync(path.join(bundle, 'conf', 'site.conf'), 'utf8')).toBe('site\n');

  // ship the TLS key on purpose, leave app.conf out
  fs.writeFileSync(path.join(project, '.beanstackignore'), '# the proxy terminates TLS itself\n!conf/tls/server.key\nconf/app.conf\n');
  const image = ['--image', 'web=123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1'];
  expect((await dockerrun(['--out', 'eb-bundle', ...image])).code).toBe(0);
  expect(holding(bundle, PLANTED)).toEqual(['conf/tls/server.key']);
  expect(fs.existsSync(path.join(bundle, 'conf', 'app.conf'))).toBe(false);
  // --check sees the same files the writer ships
  expect((await dockerrun(['--out', 'eb-bundle', '--check', ...image])).code).toBe(0);
  fs.writeFileSync(path.join(project, '.beanstackignore'), '');
  expect((await dockerrun(['--out', 'eb-bundle', '--check', ...image])).stderr).toContain('eb-bundle/conf/tls/server.key is not part of the bundle any more');
});

test('a mount of a deny-listed file itself is refused, not silently emptied', async () => {
  fs.writeFileSync(path.join(project, 'docker-compose.yml'), 'services:\n  web:\n    build: ./app\n    ports: ["80:8080"]\n    volumes:\n      - ./conf/.npmrc:/root/.npmrc:ro\n');
  const r = await dockerrun(['--out', 'eb-bundle']);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/^error: docker-compose\.yml:6:9: conf\/\.npmrc is on the list of files beanstack never ships \(`\*\*\/\.npmrc`\): it may hold credentials\n/);
  expect(r.stderr).toContain('add the line `!conf/.npmrc` to .beanstackignore');
});

describe('the CDK app', () => {
  const construct = (outdir?: string) => {
    const app = newApp(outdir);
    const stack = new Stack(app, 'F02', { env: TEST_ENV });
    const a = new ComposeApplication(stack, 'App', { workingDirectory: project });
    return { app, a };
  };

  test('a link out of the project in a build context is refused before the image asset stages it', () => {
    fs.symlinkSync(path.join(outside, 'passwd'), path.join(project, 'app', 'leak'));
    expect(() => construct()).toThrow(expect.objectContaining({
      code: 'bundle/link-outside-project',
      location: expect.objectContaining({ file: path.join(project, 'docker-compose.yml'), line: 3 }),
      message: expect.stringContaining('services.web.build: leak in the build context is a symbolic link to'),
    }));
  });

  test('a link out of the project in a shipped directory is refused before the source bundle is written', () => {
    fs.symlinkSync(path.join(outside, 'keys'), path.join(project, 'conf', 'keys'));
    expect(() => construct()).toThrow(expect.objectContaining({ code: 'bundle/link-outside-project' }));
  });

  test('the cloud assembly holds nothing planted: links inside the context stay links, ignored ones are not staged', () => {
    fs.symlinkSync('data/v1.txt', path.join(project, 'app', 'current.txt'));
    fs.mkdirSync(path.join(project, 'app', 'tmp'));
    fs.symlinkSync(path.join(outside, 'passwd'), path.join(project, 'app', 'tmp', 'leak'));
    fs.writeFileSync(path.join(project, 'app', '.dockerignore'), 'tmp\n');
    const outdir = fs.mkdtempSync(path.join(root, 'cdk.out-'));
    const { app, a } = construct(outdir);
    app.synth();
    expect(holding(outdir, PLANTED)).toEqual([]);
    const staged = fs.readdirSync(outdir).filter((d) => d.startsWith('asset.') && fs.existsSync(path.join(outdir, d, 'Dockerfile')));
    expect(staged).toHaveLength(1);
    expect(fs.lstatSync(path.join(outdir, staged[0], 'current.txt')).isSymbolicLink()).toBe(true);
    expect(fs.existsSync(path.join(outdir, staged[0], 'tmp'))).toBe(false);
    // the deny-listed files are not in the source bundle (conf/tls is left empty)
    expect(fs.readdirSync(path.join(a.bundleDirectory, 'conf')).sort()).toEqual(['app.conf', 'site.conf', 'tls']);
    expect(fs.readdirSync(path.join(a.bundleDirectory, 'conf', 'tls'))).toEqual([]);
  });
});
