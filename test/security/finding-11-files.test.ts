/**
 * Issue 12, finding 11 (LOW, the file part): a FIFO in a shipped directory hung `dockerrun` and left
 * `.out.tmp-*`; `include: [/dev/zero]` and `env_file: /dev/zero` hung and grew to GBs; the 4 MiB
 * limit was checked after reading the whole file; `include: /etc/shadow` printed the file's content
 * in the error message, and `env_file: /etc/shadow` shipped it with only a warning.
 *
 * Now: only regular files are read, their size checked before reading (and never read past the
 * limit); a file outside the project directory is read only when the command line names it (`-f`,
 * `--env-file`, `--allow-read`); text of a file quoted in an error is one printable line.
 *
 * The hangs are run as processes with a deadline, so a regression fails instead of hanging the suite.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { nodeFileReader } from '../../lib/io/node-reader';

const CLI = path.resolve(__dirname, '..', '..', 'dist', 'bin', 'cli.js');
const PLANTED = 'planted_f11_e4a7';
let root = '';
let project = '';
let outside = '';

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-f11-'));
  project = path.join(root, 'project');
  outside = path.join(root, 'outside');
  fs.mkdirSync(path.join(project, 'conf'), { recursive: true });
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(project, 'conf', 'default.conf'), 'server {}\n');
  // a file of the host outside the project, in the shapes /etc/shadow has for YAML and dotenv
  fs.writeFileSync(path.join(outside, 'shadow'), `${PLANTED}:$6$salt$hash:19000:0:99999:7:::\nroot:*:19000:0:99999:7:::\n`);
  fs.writeFileSync(path.join(outside, 'app.env'), `GREETING=${PLANTED}\n`);
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

function compose(text: string): void {
  fs.writeFileSync(path.join(project, 'docker-compose.yml'), text);
}

/** The built CLI as a process, killed after 20 s (a hang is a failure, not a stuck suite). */
function cli(args: string[]): { code: number | null; stdout: string; stderr: string; timedOut: boolean } {
  const r = spawnSync(process.execPath, ['--', CLI, ...args], { cwd: project, env: { PATH: process.env.PATH, HOME: root }, encoding: 'utf8', timeout: 20000, maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', timedOut: r.error !== undefined || r.signal !== null };
}

const WEB = 'services:\n  web:\n    image: nginx:1.27-bookworm\n    ports: ["80:80"]\n';

test('a FIFO in a shipped directory is a located error, not a hang, and leaves nothing next to --out', () => {
  compose(`${WEB}    volumes:\n      - ./conf:/etc/nginx/conf.d:ro\n`);
  spawnSync('mkfifo', [path.join(project, 'conf', 'pipe')]);
  const r = cli(['dockerrun', '-q', '--out', 'eb-bundle']);
  expect(r.timedOut).toBe(false);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/^error: docker-compose\.yml:6:9: conf\/pipe is a FIFO \(named pipe\); a bundle holds only regular files and directories\n/);
  expect(fs.readdirSync(project).sort()).toEqual(['conf', 'docker-compose.yml']);
});

test.each([
  ['include: [/dev/zero]', `include:\n  - /dev/zero\n${WEB}`],
  ['env_file: /dev/zero', `${WEB}    env_file: /dev/zero\n`],
])('%s is refused at once (it hung and grew to GBs)', (_what, text) => {
  compose(text);
  const r = cli(['config']);
  expect(r.timedOut).toBe(false);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/^error: docker-compose\.yml:\d+:\d+: .*\/dev\/zero is outside the project directory/);
});

test('a device or FIFO named on the command line is not read either', () => {
  compose(WEB);
  const r = cli(['config', '--env-file', '/dev/zero']);
  expect(r.timedOut).toBe(false);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/^error: \/dev\/zero is a character device, not a regular file\n/);
  spawnSync('mkfifo', [path.join(project, 'pipe.env')]);
  compose(`${WEB}    env_file: ./pipe.env\n`);
  const f = cli(['config']);
  expect(f.timedOut).toBe(false);
  expect(f.stderr).toMatch(/^error: docker-compose\.yml:5:15: .*pipe\.env is a FIFO \(named pipe\), not a regular file\n/);
});

test('the size limit is checked before reading: a 1.5 GiB (sparse) env file is refused without being read', () => {
  const big = path.join(project, 'big.env');
  fs.closeSync(fs.openSync(big, 'w'));
  fs.truncateSync(big, 1.5 * 1024 * 1024 * 1024);
  expect(() => nodeFileReader.readFile(big)).toThrow(expect.objectContaining({ code: 'compose/file-too-large', message: expect.stringMatching(/is 1536\.0 MiB; compose files larger than 4\.0 MiB are refused/) }));
  // a file whose size lies (/proc reports 0) is read only up to the limit
  expect(nodeFileReader.readFile('/proc/self/status')).toMatch(/^Name:/);
});

test('include of a file outside the project: refused by path, its content never in the message', () => {
  compose(`include:\n  - ${path.join(outside, 'shadow')}\n${WEB}`);
  const r = cli(['config']);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/^error: docker-compose\.yml:2:5: compose file: .*outside\/shadow is outside the project directory .*; beanstack reads no file outside the project that the command line does not name\n/);
  expect(r.stderr).toMatch(/fix: move the file into the project directory, or allow it explicitly with --allow-read .*outside\/shadow/);
  expect(r.stderr).not.toContain(PLANTED);
});

test('env_file outside the project (or a link to one) is refused instead of shipped; --allow-read lets the user choose', () => {
  compose(`${WEB}    env_file: ${path.join(outside, 'app.env')}\n`);
  const r = cli(['dockerrun', '-q', '--out', 'eb-bundle']);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/^error: docker-compose\.yml:5:15: env_file: .*outside\/app\.env is outside the project directory/);
  expect(fs.existsSync(path.join(project, 'eb-bundle'))).toBe(false);

  fs.symlinkSync(path.join(outside, 'app.env'), path.join(project, 'app.env'));
  compose(`${WEB}    env_file: ./app.env\n`);
  const l = cli(['config']);
  expect(l.code).toBe(2);
  expect(l.stderr).toMatch(/env_file: .*project\/app\.env leads through a symbolic link to .*outside\/app\.env, outside the project directory/);
  expect(l.stdout + l.stderr).not.toContain(PLANTED);

  // named on the command line, the file is the user's choice
  const allowed = cli(['dockerrun', '-q', '--allow-read', path.join(outside, 'app.env')]);
  expect(allowed.code).toBe(0);
  expect(allowed.stdout).toContain(`"value": "${PLANTED}"`);
});

test('the project .env as a link out of the project is refused too', () => {
  compose(WEB);
  fs.symlinkSync(path.join(outside, 'shadow'), path.join(project, '.env'));
  const r = cli(['config']);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/env file: .*project\/\.env leads through a symbolic link to .*outside\/shadow/);
  expect(r.stderr).not.toContain(PLANTED);
});

test('text a file puts into an error message is one printable line (no terminal escapes)', () => {
  compose(`services:\n  web:\n    image: nginx\n    "\u001b]0;pwned\u0007x\u001b[2J": 1\n`);
  const r = cli(['config']);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('unknown key');
  expect(r.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  fs.writeFileSync(path.join(project, '.env'), 'A\u001b[31m B=1\n');
  compose(WEB);
  const d = cli(['config']);
  expect(d.code).toBe(2);
  expect(d.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
});
