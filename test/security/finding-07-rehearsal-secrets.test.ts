/**
 * Issue 12, finding 7 (MEDIUM): `local --target docker --secret X=…` left
 * `.beanstack/local/docker/.env` with the value after the run (and after `--down`, before the lead's
 * fix); `.beanstack/` was not git-ignored; build args with tokens were visible in `ps` (the docker
 * command line) and in `docker history`.
 *
 * Now: the rehearsal's `.env` and compose file (0600) exist only while `compose up` runs, and are
 * removed on Ctrl-C, on failures and on any exit; `.beanstack/` holds a `.gitignore`; no value of a
 * secret, an environment variable or a build arg is ever on a docker command line (env files and the
 * docker process's environment instead); build args that look like secrets are refused.
 *
 * The CLI runs against a fake `docker` executable on PATH that logs every command line and what the
 * rehearsal files hold while `compose up` runs.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../bin/cli';
import type { CliContext } from '../../bin/cli-context';
import { filesHolding } from './files';

const SECRET = 'planted-f07-secret-5b2e';
const BUILD_VALUE = 'planted-f07-arg-91ac';

const FAKE_DOCKER = `#!/bin/sh
log="$FAKE_DOCKER_LOG"
printf 'ARGV %s\\n' "$*" >> "$log"
for v in GREETING NPM_TOKEN; do env | grep "^$v=" | sed 's/^/ENV /' >> "$log"; done
snapshot() { for f in "$@"; do [ -f "$f" ] && printf 'FILE %s %s %s\\n' "$f" "$(stat -c %a "$f")" "$(tr '\\n' ' ' < "$f")" >> "$log"; done; }
case "$1" in
  version) echo '{"Version":"20.10.24","ApiVersion":"1.41"}' ;;
  info) echo '{"MemoryLimit":true}' ;;
  buildx) exit 1 ;;
  image) [ "$2" = inspect ] && exit 1 ;;
  container) exit 1 ;;
  run) prev=; for a in "$@"; do [ "$prev" = --env-file ] && snapshot "$a"; prev="$a"; done ;;
  compose)
    [ "$2" = version ] && { echo 'Docker Compose version v2.0.0'; exit 0; }
    case " $* " in *" up "*) snapshot .env .beanstack-local.docker-compose.yml; [ -n "$FAKE_DOCKER_UP_SLEEP" ] && sleep "$FAKE_DOCKER_UP_SLEEP" ;; esac ;;
esac
exit 0
`;

let root = '';
let log = '';
let bin = '';

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-f07-'));
  bin = path.join(root, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'docker'), FAKE_DOCKER, { mode: 0o755 });
  log = path.join(root, 'docker.log');
  fs.writeFileSync(log, '');
  fs.mkdirSync(path.join(root, 'project', 'api'), { recursive: true });
  fs.writeFileSync(path.join(root, 'project', 'api', 'Dockerfile'), 'FROM node:20-bookworm-slim\nARG GREETING\nCMD ["node"]\n');
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

function compose(args: string): void {
  fs.writeFileSync(path.join(root, 'project', 'docker-compose.yml'),
    `services:\n  web:\n    image: nginx:1.27-bookworm\n    ports: ["80:80"]\n    environment:\n      API_TOKEN: \${API_TOKEN:-}\n  api:\n    build:\n      context: ./api\n      args:\n${args}`);
}

async function local(args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const ctx: CliContext = {
    cwd: path.join(root, 'project'),
    env: { HOME: root, PATH: `${bin}:${process.env.PATH}`, FAKE_DOCKER_LOG: log, ...extraEnv },
    stdout: () => undefined,
    stderr: (t) => (stderr += t),
    isTty: false,
  };
  const code = await main(['local', '-q', ...args], ctx);
  return { code, stderr };
}

/** Every file below the project whose bytes hold `needle`. */
const holding = (needle: string) => filesHolding(path.join(root, 'project'), needle, root);

const lines = (prefix: string) => fs.readFileSync(log, 'utf8').split('\n').filter((l) => l.startsWith(prefix));

test('docker target: the secret is on disk (0600) only while compose up runs, never on a command line; .beanstack/ is git-ignored', async () => {
  compose(`        GREETING: ${BUILD_VALUE}\n`);
  const r = await local(['--target', 'docker', '--secret', `API_TOKEN=${SECRET}`, '--detach']);
  expect(r.code).toBe(0);
  // what compose read
  expect(lines('FILE .env ')).toEqual([`FILE .env 600 API_TOKEN=${SECRET} `]);
  expect(lines('FILE .beanstack-local.docker-compose.yml ')[0]).toMatch(/^FILE \.beanstack-local\.docker-compose\.yml 600 /);
  // gone once up returned, while the app keeps running (--detach)
  expect(holding(SECRET)).toEqual([]);
  expect(fs.readdirSync(path.join(root, 'project', '.beanstack', 'local', 'docker')).sort()).toEqual(['.beanstack-bundle', 'docker-compose.yml']);
  expect(fs.readFileSync(path.join(root, 'project', '.beanstack', '.gitignore'), 'utf8')).toMatch(/^\*$/m);
  // build args by environment, not by command line
  expect(lines('ARGV build ')[0]).toMatch(/ --build-arg GREETING /);
  expect(lines('ENV GREETING=')).toEqual([`ENV GREETING=${BUILD_VALUE}`]);
  expect(lines('ARGV ').filter((l) => l.includes(SECRET) || l.includes(BUILD_VALUE))).toEqual([]);
  expect((await local(['--down'])).code).toBe(0);
  expect(holding(SECRET)).toEqual([]);
});

test('ecs target: environment values go through a 0600 env file that is removed after docker run', async () => {
  compose(`        GREETING: ${BUILD_VALUE}\n`);
  const r = await local(['--secret', `API_TOKEN=${SECRET}`, '--detach']);
  expect(r.code).toBe(0);
  const files = lines('FILE ');
  expect(files.some((l) => new RegExp(`^FILE \\S+/env 600 .*API_TOKEN=${SECRET}`).test(l))).toBe(true);
  for (const f of files) expect(fs.existsSync(f.split(' ')[1])).toBe(false);
  expect(lines('ARGV ').filter((l) => l.includes(SECRET) || l.includes(BUILD_VALUE))).toEqual([]);
  expect(holding(SECRET)).toEqual([]);
  await local(['--down']);
});

test('Ctrl-C while compose up runs stops the rehearsal and leaves no secret behind', async () => {
  compose(`        GREETING: hi\n`);
  const running = local(['--target', 'docker', '--secret', `API_TOKEN=${SECRET}`], { FAKE_DOCKER_UP_SLEEP: '3' });
  for (let i = 0; i < 600 && lines('FILE .env ').length === 0; i++) await new Promise((res) => setTimeout(res, 25));
  expect(lines('FILE .env ')).toHaveLength(1);
  process.emit('SIGINT');
  const r = await running;
  expect(r.code).toBe(0);
  expect(r.stderr).toContain('interrupted; removing containers, networks and volumes');
  expect(holding(SECRET)).toEqual([]);
  // the interrupted `compose up` ends later; nothing it could write back holds the secret either
  await new Promise((res) => setTimeout(res, 3500));
  expect(holding(SECRET)).toEqual([]);
}, 30000);

test('a build arg that looks like a secret is refused before any build (it would be in docker history)', async () => {
  compose(`        NPM_TOKEN: ${BUILD_VALUE}\n`);
  const r = await local(['--target', 'docker', '--detach']);
  expect(r.code).toBe(2);
  // the converter refuses it at its line, before the rehearsal reaches the engine (lib/local's own check is the second line)
  expect(r.stderr).toMatch(/docker-compose\.yml:\d+:\d+: services\.api\.build\.args\.NPM_TOKEN holds a secret \(by its name\); a build arg is written into the cloud assembly's asset manifest and the image's history/);
  expect(r.stderr).not.toContain(BUILD_VALUE);
  expect(lines('ARGV build ')).toEqual([]);
  expect(lines('ENV NPM_TOKEN')).toEqual([]);
});
