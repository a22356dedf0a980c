/**
 * `beanstack config`, run in-process through the CLI's `main()` on fixture folders.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../bin/cli';
import type { CliContext } from '../../bin/cli-context';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

let dir = '';

async function run(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const ctx: CliContext = {
    cwd: options.cwd ?? dir,
    env: { HOME: '/home/tester', ...(options.env ?? {}) },
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    isTty: false,
  };
  const code = await main(['config', ...args], ctx);
  return { code, stdout, stderr };
}

function write(rel: string, text: string): void {
  const p = path.join(dir, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
}

const APP = `services:
  web:
    build: ./web
    command: npm run start
    ports:
      - "127.0.0.1:8080:80"
    volumes:
      - ./web/src:/app/src:ro
      - data:/data
    environment:
      - NODE_ENV=\${NODE_ENV:-development}
    env_file: ./web.env
    depends_on:
      - db
  db:
    image: mariadb:10.6
    mem_limit: 512m
    healthcheck:
      test: mysqladmin ping
      interval: 1m30s
    profiles: [db]
volumes:
  data:
`;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-config-'));
  write('app/compose.yaml', APP);
  write('app/web.env', 'SECRET_TOKEN=do-not-print\n');
  write('app/.env', 'NODE_ENV=production\n');
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('beanstack config', () => {
  it('prints the normalized model with paths relative to the project directory', async () => {
    const r = await run(['-f', 'app/compose.yaml', '--profile', 'db']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('context: ./web');
    expect(r.stdout).toContain('source: ./web/src');
    expect(r.stdout).toContain('NODE_ENV: production');
    expect(r.stdout).toContain('interval: 1m30s');
    expect(r.stdout).toContain('mem_limit: 536870912');
    expect(r.stdout).toMatch(/command:\n\s+- npm\n\s+- run\n\s+- start/);
    expect(r.stdout).not.toContain(dir);
    // env_file values are never printed, only the reference
    expect(r.stdout).not.toContain('do-not-print');
    expect(r.stdout).toContain('path: ./web.env');
    expect(r.stdout.startsWith('name: app\n')).toBe(true);
  });

  it('is deterministic and independent of the machine (two directories, byte-identical output)', async () => {
    const a = await run(['-f', 'app/compose.yaml', '--profile', 'db']);
    const b = await run(['-f', 'app/compose.yaml', '--profile', 'db']);
    expect(b.stdout).toBe(a.stdout);
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-config-other-'));
    try {
      fs.cpSync(path.join(dir, 'app'), path.join(other, 'app'), { recursive: true });
      const c = await run(['-f', 'app/compose.yaml', '--profile', 'db'], { cwd: other });
      expect(c.stdout).toBe(a.stdout);
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });

  it('prints JSON with 2-space indentation and a trailing newline', async () => {
    const r = await run(['-f', 'app/compose.yaml', '--format', 'json', '--profile', 'db']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.services.web.ports).toEqual([{ host_ip: '127.0.0.1', protocol: 'tcp', published: '8080', target: 80 }]);
    expect(r.stdout).toBe(JSON.stringify(doc, null, 2) + '\n');
    expect(Object.keys(doc)).toEqual([...Object.keys(doc)].sort());
  });

  it('applies profiles, --services and --quiet', async () => {
    const off = await run(['-f', 'app/compose.yaml']);
    // web depends on db, which the inactive profile disables: a user error
    expect(off.code).toBe(2);
    expect(off.stderr).toMatch(/app\/compose\.yaml:\d+:\d+: service "web" depends on "db", which is disabled by profiles/);
    expect(off.stderr).toContain('--profile db');
    const names = await run(['-f', 'app/compose.yaml', '--services', '--profile', 'db']);
    expect(names.stdout).toBe('db\nweb\n');
    const viaEnv = await run(['-f', 'app/compose.yaml', '--services'], { env: { COMPOSE_PROFILES: 'db' } });
    expect(viaEnv.stdout).toBe('db\nweb\n');
    const quiet = await run(['-f', 'app/compose.yaml', '-q', '--profile', 'db']);
    expect(quiet).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('finds the default compose file in the working directory and honours --project-directory and -p', async () => {
    const r = await run(['--services', '--profile', 'db'], { cwd: path.join(dir, 'app') });
    expect(r.stdout).toBe('db\nweb\n');
    const named = await run(['-f', 'app/compose.yaml', '--profile', 'db', '-p', 'shop', '--format', 'json']);
    expect(JSON.parse(named.stdout).name).toBe('shop');
  });

  it('--project-directory moves the base of relative paths, the .env file and the default name', async () => {
    write('elsewhere/.env', 'NODE_ENV=from-elsewhere\n');
    write('elsewhere/web.env', 'A=1\n');
    const r = await run(['-f', 'app/compose.yaml', '--project-directory', 'elsewhere', '--profile', 'db', '--format', 'json']);
    expect(r.stderr).toBe('');
    const doc = JSON.parse(r.stdout);
    expect(doc.name).toBe('elsewhere');
    expect(doc.services.web.build.context).toBe('./web');
    expect(doc.services.web.environment.NODE_ENV).toBe('from-elsewhere');
  });

  it('--no-interpolate keeps ${VARIABLES}', async () => {
    const r = await run(['-f', 'app/compose.yaml', '--profile', 'db', '--no-interpolate']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('NODE_ENV: ${NODE_ENV:-development}');
  });

  it('uses --env-file instead of .env', async () => {
    write('app/prod.env', 'NODE_ENV=staging\n');
    const r = await run(['-f', 'app/compose.yaml', '--profile', 'db', '--env-file', 'app/prod.env']);
    expect(r.stdout).toContain('NODE_ENV: staging');
  });

  it('reports an unreadable value with file:line:column and the accepted syntax, exit 2', async () => {
    write('bad/compose.yaml', 'services:\n  db:\n    image: db\n    mem_limit: lots\n');
    const r = await run(['-f', 'bad/compose.yaml']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('bad/compose.yaml:4:16: services.db.mem_limit: cannot read "lots" as a byte size');
    expect(r.stderr).toMatch(/fix: write a byte size such as `512m`/);
  });

  it('reports several problems together, sorted', async () => {
    write('bad/compose.yaml', 'services:\n  a:\n    image: a\n    depends_on: [ghost]\n    volumes: ["undeclared:/data"]\n');
    const r = await run(['-f', 'bad/compose.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the compose model has 2 problems');
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('  - '));
    expect(lines[0]).toMatch(/bad\/compose\.yaml:4:\d+: service "a" depends on "ghost"/);
    expect(lines[1]).toMatch(/bad\/compose\.yaml:5:\d+: service "a" uses the named volume "undeclared"/);
  });

  it('reports a missing env_file at the service\'s env_file entry', async () => {
    write('bad/compose.yaml', 'services:\n  a:\n    image: a\n    env_file:\n      - ./missing.env\n');
    const r = await run(['-f', 'bad/compose.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\/compose\.yaml:5:\d+: env_file ".*missing\.env" does not exist/);
  });

  it('prints warnings to stderr as "warning: file:line:col: message" and still succeeds', async () => {
    write('warn/compose.yaml', 'services:\n  a:\n    image: a\n    secrets: [s]\nsecrets:\n  s:\n    environment: UNSET_SECRET_VAR\n');
    const r = await run(['-f', 'warn/compose.yaml']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^warning: warn\/compose\.yaml:7:\d+: secrets\.s: the variable "UNSET_SECRET_VAR" is not set\n$/);
  });

  it('prints the warnings gathered before an error, then the error', async () => {
    // the unset variable explains the empty port; the obsolete `version` of a file that then fails
    write('bad/compose.yaml', 'version: "3.9"\nservices:\n  web:\n    image: web\n    ports: ["${PORT}"]\n');
    const r = await run(['-f', 'bad/compose.yaml']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.split('\n');
    expect(lines[0]).toMatch(/^warning: bad\/compose\.yaml:1:1: the top-level `version` is obsolete and ignored/);
    expect(lines[1]).toMatch(/^warning: bad\/compose\.yaml:5:\d+: variable `PORT` is not set; substituting an empty string/);
    expect(lines[2]).toBe('error: bad/compose.yaml:5:13: services.web.ports[0]: cannot read "${PORT}" (= "" after interpolation) as a port mapping (container port "")');
    // a failure of the document stage keeps its warnings too
    write('bad2/compose.yaml', 'version: "3"\nservices:\n  web:\n    image: ${IMAGE}\n    prots: []\n');
    const r2 = await run(['-f', 'bad2/compose.yaml']);
    expect(r2.code).toBe(2);
    expect(r2.stderr.split('\n').slice(0, 3)).toEqual([
      expect.stringMatching(/^warning: bad2\/compose\.yaml:1:1: the top-level `version` is obsolete/),
      expect.stringMatching(/^warning: bad2\/compose\.yaml:4:\d+: variable `IMAGE` is not set/),
      expect.stringMatching(/^error: bad2\/compose\.yaml:5:5: unknown key `prots`/),
    ]);
  });

  it('rejects an unknown --format with exit 2', async () => {
    const r = await run(['-f', 'app/compose.yaml', '--format', 'toml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/toml/);
  });

  it('exits 2 with a message when no compose file exists', async () => {
    const r = await run([], { cwd: path.join(dir, 'nowhere-' + Date.now()) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: /);
  });
});

/** Alias bomb: 9 aliases of 9 aliases … 12 levels deep (9^12 values once expanded). */
function aliasBomb(): string {
  const lines = ['x-a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 12; i++) lines.push(`x-a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(',')}]`);
  return lines.join('\n') + '\nservices:\n  web:\n    image: nginx\n';
}

/**
 * Every kind of bad input: exit 2, nothing on stdout, `error: FILE:LINE:COL: what` on the first
 * line, a `fix:` line, and never a stack trace.
 */
describe('beanstack config error quality', () => {
  const CASES: [string, Record<string, string>, RegExp, RegExp][] = [
    ['malformed YAML', { 'compose.yaml': 'services:\n  web:\n    image: nginx\n    environment: [a\n' }, /^error: e\/compose\.yaml:4:18: YAML syntax error/, /fix: check the indentation/],
    ['wrong types', { 'compose.yaml': 'services:\n  web:\n    image: nginx\n    ports: 80\n' }, /^error: e\/compose\.yaml:4:12: .*`services\.web\.ports` must be a sequence, not the number `80`/m, /fix: /],
    ['an unknown key', { 'compose.yaml': 'services:\n  web:\n    image: nginx\n    port: ["80:80"]\n' }, /^error: e\/compose\.yaml:4:5: unknown key `port` in service `web` \(did you mean `ports`\?\)/, /fix: rename `port` to `ports`/],
    ['an absent required env_file', { 'compose.yaml': 'services:\n  web:\n    image: nginx\n    env_file: ./missing.env\n' }, /^error: e\/compose\.yaml:4:15: env_file ".*missing\.env" does not exist/, /fix: create the file, fix the path, or mark it optional/],
    ['an env_file that is a directory', { 'compose.yaml': 'services:\n  web:\n    image: nginx\n    env_file: ./conf\n', 'conf/app.env': 'A=1\n' }, /^error: e\/compose\.yaml:4:15: env_file ".*conf" is a directory, not a file/, /fix: name the file inside it/],
    ['an unset ${X:?msg}', { 'compose.yaml': 'services:\n  web:\n    image: nginx\n    environment:\n      DB: ${DB_PASSWORD:?set DB_PASSWORD in .env}\n' }, /^error: e\/compose\.yaml:5:11: required variable `DB_PASSWORD` is not set: set DB_PASSWORD in \.env/, /fix: set DB_PASSWORD in the environment or in .*\.env/],
    ['an include cycle', { 'compose.yaml': 'include:\n  - b.yaml\nservices:\n  a:\n    image: x\n', 'b.yaml': 'include:\n  - compose.yaml\nservices:\n  b:\n    image: x\n' }, /^error: e\/b\.yaml:2:5: `include` cycle: .*compose\.yaml includes .*b\.yaml includes .*compose\.yaml/, /fix: remove one `include` of the cycle/],
    ['a YAML alias bomb', { 'compose.yaml': aliasBomb() }, /^error: e\/compose\.yaml:\d+:\d+: .* expands to more than 1,000,000 values/, /fix: reduce the nesting of aliases/],
    ['a deeply nested document', { 'compose.yaml': 'services:\n  web:\n    image: nginx\n    labels: ' + '['.repeat(5000) + ']'.repeat(5000) + '\n' }, /^error: e\/compose\.yaml:4:\d+: .* nests mappings and sequences more than 200 levels deep/, /fix: flatten the structure/],
    ['a huge document', { 'compose.yaml': 'services:\n' + '  s:\n    image: nginx\n    labels: {a: "' + 'x'.repeat(5 * 1024 * 1024) + '"}\n' }, /^error: e\/compose\.yaml:1:1: .* is 5\.0 MiB; compose files larger than 4\.0 MiB are refused/, /fix: check that this is the compose file you meant/],
    ['mem_limit: lots', { 'compose.yaml': 'services:\n  web:\n    image: nginx\n    mem_limit: lots\n' }, /^error: e\/compose\.yaml:4:16: services\.web\.mem_limit: cannot read "lots" as a byte size/, /fix: write a byte size such as `512m`/],
    ['cpus: lots', { 'compose.yaml': 'services:\n  web:\n    image: nginx\n    cpus: lots\n' }, /^error: e\/compose\.yaml:4:11: .*cpus.*lots/, /fix: .*0\.5/],
    ['a service with neither image nor build', { 'compose.yaml': 'services:\n  web:\n    ports: ["80:80"]\n' }, /^error: e\/compose\.yaml:3:5: service "web" has neither an `image` nor a `build` section/, /fix: add `image: <name:tag>` or `build: <directory>`/],
    ['an empty file', { 'compose.yaml': '# nothing here yet\n' }, /^error: e\/compose\.yaml:1:1: .*compose\.yaml is empty/, /fix: define at least one service/],
    ['a tab used for indentation', { 'compose.yaml': 'services:\n\tweb:\n    image: nginx\n' }, /^error: e\/compose\.yaml:2:1: YAML syntax error: tabs are not allowed as indentation/, /fix: indent with spaces/],
    ['a duplicate key', { 'compose.yaml': 'services:\n  web:\n    image: nginx\n    image: httpd\n' }, /^error: e\/compose\.yaml:4:5: duplicate key `image`/, /fix: remove one of the two entries/],
  ];

  it.each(CASES)('%s', async (_what, files, first, fix) => {
    for (const [name, text] of Object.entries(files)) write(`e/${name}`, text);
    const r = await run(['-f', 'e/compose.yaml']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(first);
    expect(r.stderr).toMatch(fix);
    expect(r.stderr).not.toMatch(/^\s+at .*\(.*:\d+:\d+\)$/m);
  });

  it('a missing -f file names the path and the directory it was resolved against', async () => {
    const r = await run(['-f', 'e/nope.yaml']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: compose file .*e\/nope\.yaml not found\n {2}fix: check the path given with -f/);
  });
});

describe('beanstack config and dollar signs', () => {
  it('escapes $ as $$ after interpolation and prints values as written with --no-interpolate', async () => {
    write('d/compose.yaml', 'services:\n  a:\n    image: a\n    command: sh -c "echo $$HOME"\n');
    const r = await run(['-f', 'd/compose.yaml', '--format', 'json']);
    expect(JSON.parse(r.stdout).services.a.command).toEqual(['sh', '-c', 'echo $$HOME']);
    const raw = await run(['-f', 'd/compose.yaml', '--format', 'json', '--no-interpolate']);
    expect(JSON.parse(raw.stdout).services.a.command).toEqual(['sh', '-c', 'echo $$HOME']);
  });
});

describe('beanstack config start-up', () => {
  const cli = path.resolve(__dirname, '../../dist/bin/cli.js');
  const built = fs.existsSync(cli);
  // dist/ exists under `npm test` (it builds first); a bare `jest` run without a build skips this
  (built ? it : it.skip)('never loads aws-cdk-lib or the AWS SDK, even while running', () => {
    const script = `
      const { main } = require(${JSON.stringify(cli)});
      main(['config', '-f', ${JSON.stringify(path.join(__dirname, '../compose/oracle/cases/references/compose.yaml'))}, '-q'], {
        cwd: process.cwd(), env: { HOME: '/tmp' }, stdout: () => {}, stderr: (t) => process.stderr.write(t), isTty: false,
      }).then((code) => {
        const heavy = Object.keys(require.cache).filter((k) => /node_modules\\/(aws-cdk-lib|@aws-sdk|@aws-cdk|constructs)\\//.test(k));
        process.stdout.write(JSON.stringify({ code, heavy }));
      });`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ code: 0, heavy: [] });
  });
});
