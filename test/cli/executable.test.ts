import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// The installed `beanstack` runs dist/bin/cli.js through its first line. Node 20 reads `--env-file`
// even after the script name unless that line ends node's options with `--` (it then exits 9,
// "node: x: not found", before beanstack runs). `npm test` builds dist/ first.
const CLI = path.resolve(__dirname, '../../dist/bin/cli.js');

test('the built CLI is executable and keeps --env-file for itself', () => {
  expect(fs.statSync(CLI).mode & 0o111).not.toBe(0);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-exec-'));
  try {
    fs.writeFileSync(path.join(dir, 'compose.yaml'), 'services:\n  web:\n    image: "nginx:${TAG}"\n');
    fs.writeFileSync(path.join(dir, 'app.env'), 'TAG=1.27\n');
    const ok = spawnSync(CLI, ['config', '--env-file', 'app.env', '--format', 'json'], { cwd: dir, encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout).services.web.image).toBe('nginx:1.27');

    const missing = spawnSync(CLI, ['config', '--env-file', 'missing.env'], { cwd: dir, encoding: 'utf8' });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('missing.env');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// bin/launcher.js: the bundle runs with a V8 code cache kept per command in a directory only the
// user can write; an unsafe directory or a damaged cache only costs the speed-up.
test('the launcher keeps its code cache in a private directory and survives a bad one', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-cache-'));
  const project = path.join(tmp, 'p');
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, 'compose.yaml'), 'services:\n  web:\n    image: nginx:1.27\n');
  const run = (env: Record<string, string> = {}) => spawnSync(CLI, ['config', '--services'], { cwd: project, encoding: 'utf8', env: { PATH: process.env.PATH, TMPDIR: tmp, ...env } });
  const dir = path.join(tmp, `beanstack-compile-cache-${process.getuid!()}`);
  try {
    expect(run({ NODE_DISABLE_COMPILE_CACHE: '1' }).stdout).toBe('web\n');
    expect(fs.existsSync(dir)).toBe(false);

    expect(run().stdout).toBe('web\n');
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    const [cache] = fs.readdirSync(dir);
    expect(cache).toMatch(/^config-v\d+\.\d+\.\d+-[a-z0-9]+-[0-9a-f]{8}\.bin$/);
    expect(run().stdout).toBe('web\n');

    fs.writeFileSync(path.join(dir, cache), 'not a code cache');
    const damaged = run();
    expect([damaged.status, damaged.stdout, damaged.stderr]).toEqual([0, 'web\n', '']);
    expect(fs.readFileSync(path.join(dir, cache)).length).toBeGreaterThan(1000);

    fs.rmSync(path.join(dir, cache));
    fs.chmodSync(dir, 0o777);
    expect(run().stdout).toBe('web\n');
    expect(fs.readdirSync(dir)).toEqual([]);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
