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
