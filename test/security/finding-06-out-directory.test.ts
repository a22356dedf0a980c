/**
 * Issue 12, finding 6 (MEDIUM): `dockerrun --out DIR` deleted any directory that contained a
 * `docker-compose.yml`, with its other files — the compose source itself included. And (finding 11)
 * concurrent writers to one `--out` left `.old` / `.out.tmp-*` directories behind.
 *
 * Now: `--out` is replaced only when it holds the `.beanstack-bundle` marker every bundle carries
 * (or is empty or new), never when it holds a file the bundle is made from; one writer at a time
 * (a lock next to it), and what a killed writer left is removed by the next one.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../bin/cli';
import type { CliContext } from '../../bin/cli-context';

const CLI = path.resolve(__dirname, '..', '..', 'dist', 'bin', 'cli.js');
const COMPOSE = 'services:\n  web:\n    image: nginx:1.27-bookworm\n    ports: ["80:80"]\n    volumes:\n      - ./conf:/etc/nginx/conf.d:ro\n';
let root = '';

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-f06-'));
  fs.mkdirSync(path.join(root, 'conf'));
  fs.writeFileSync(path.join(root, 'conf', 'default.conf'), 'server {}\n');
  fs.writeFileSync(path.join(root, 'docker-compose.yml'), COMPOSE);
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

async function dockerrun(args: string[], cwd = root): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const ctx: CliContext = { cwd, env: { HOME: root }, stdout: () => undefined, stderr: (t) => (stderr += t), isTty: false };
  const code = await main(['dockerrun', '-q', ...args], ctx);
  return { code, stderr };
}

test('a directory with a docker-compose.yml that beanstack did not write is refused, and left as it was', async () => {
  const other = path.join(root, 'deploy');
  fs.mkdirSync(other);
  fs.writeFileSync(path.join(other, 'docker-compose.yml'), 'services: {}\n');
  fs.writeFileSync(path.join(other, 'notes.md'), 'keep me\n');
  const r = await dockerrun(['--out', 'deploy']);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/^error: --out .*\/deploy is not empty and has no \.beanstack-bundle marker, so beanstack did not write it/);
  expect(r.stderr).toMatch(/fix: choose a new or empty directory for the bundle/);
  expect(fs.readdirSync(other).sort()).toEqual(['docker-compose.yml', 'notes.md']);
});

test('the compose source itself is never replaced, even next to a marker', async () => {
  const sub = path.join(root, 'sub');
  fs.mkdirSync(path.join(sub, 'conf'), { recursive: true });
  fs.writeFileSync(path.join(sub, 'conf', 'default.conf'), 'server {}\n');
  fs.writeFileSync(path.join(sub, 'docker-compose.yml'), COMPOSE);
  fs.writeFileSync(path.join(sub, '.beanstack-bundle'), 'planted by the repository\n');
  // the project directory is the root, the compose file lies in the directory given as --out
  const r = await dockerrun(['-f', 'sub/docker-compose.yml', '--project-directory', '.', '--out', 'sub']);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/^error: --out .*\/sub holds .*sub\/docker-compose\.yml, which the bundle is made from/);
  expect(fs.readFileSync(path.join(sub, 'docker-compose.yml'), 'utf8')).toBe(COMPOSE);
});

test('a bundle beanstack wrote carries the marker and is replaced as a whole', async () => {
  expect((await dockerrun(['--out', 'eb-bundle'])).code).toBe(0);
  const out = path.join(root, 'eb-bundle');
  expect(fs.readdirSync(out).sort()).toEqual(['.beanstack-bundle', 'Dockerrun.aws.json', 'conf']);
  fs.writeFileSync(path.join(out, 'stale.txt'), 'x');
  expect((await dockerrun(['--out', 'eb-bundle'])).code).toBe(0);
  expect(fs.readdirSync(out).sort()).toEqual(['.beanstack-bundle', 'Dockerrun.aws.json', 'conf']);
  expect(fs.readdirSync(root).sort()).toEqual(['conf', 'docker-compose.yml', 'eb-bundle']);
});

test('what a killed writer left next to --out is removed by the next writer', async () => {
  expect((await dockerrun(['--out', 'eb-bundle'])).code).toBe(0);
  // a writer killed between the renames (its process is gone): its temporary and .old directories
  for (const d of ['.eb-bundle.tmp-2147483646-AbCdEf', '.eb-bundle.tmp-2147483646-AbCdEf.old', '.eb-bundle.tmp-XyZ123']) {
    fs.mkdirSync(path.join(root, d, 'conf'), { recursive: true });
  }
  fs.writeFileSync(path.join(root, '.eb-bundle.lock'), '2147483646\n');
  expect((await dockerrun(['--out', 'eb-bundle'])).code).toBe(0);
  expect(fs.readdirSync(root).sort()).toEqual(['conf', 'docker-compose.yml', 'eb-bundle']);
});

test('eight concurrent writers to one --out all succeed and leave only the bundle', async () => {
  const runs = await Promise.all(Array.from({ length: 8 }, () => new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [CLI, 'dockerrun', '-q', '--out', 'eb-bundle'], { cwd: root, env: { PATH: process.env.PATH, HOME: root } });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c: string) => (stderr += c));
    child.on('close', (code) => resolve({ code, stderr }));
  })));
  for (const r of runs) expect(r).toMatchObject({ code: 0 });
  expect(fs.readdirSync(root).sort()).toEqual(['conf', 'docker-compose.yml', 'eb-bundle']);
  expect(fs.readdirSync(path.join(root, 'eb-bundle')).sort()).toEqual(['.beanstack-bundle', 'Dockerrun.aws.json', 'conf']);
}, 120000);
