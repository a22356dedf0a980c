/**
 * `beanstack diff` through the CLI's main(): inputs, formats, exit codes, errors.
 */
import * as fs from 'fs';
import * as path from 'path';
import { main } from '../../bin/cli';
import type { CliContext } from '../../bin/cli-context';
import { REVIEW_MARKER } from '../../lib/review';
import { AssemblyCopy, FULLSTACK, tmpDir } from './helpers';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function run(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const ctx: CliContext = {
    cwd,
    env: { HOME: cwd, ...env },
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    isTty: false,
  };
  const code = await main(['diff', ...args], ctx);
  return { code, stdout, stderr };
}

let work = '';
let base = '';
let routine = '';
let dangerous = '';

beforeAll(() => {
  work = tmpDir();
  base = new AssemblyCopy(FULLSTACK, undefined, path.join(work, 'base.out')).dir;
  routine = new AssemblyCopy(FULLSTACK, undefined, path.join(work, 'routine.out')).rebuildService('nginx', 'default.conf', 'x\n').dir;
  dangerous = new AssemblyCopy(FULLSTACK, undefined, path.join(work, 'danger.out')).editResource('AppDatabasesmysqlInstance9D393F6F', (r) => (r.Properties.StorageEncrypted = false)).dir;
});

describe('beanstack diff --base --head', () => {
  it('prints the markdown report with the marker and exits 0', async () => {
    const r = await run(['--base', 'base.out', '--head', 'danger.out', '--format', 'markdown'], work);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith(`${REVIEW_MARKER}\n`)).toBe(true);
    expect(r.stdout).toMatch(/🔴 data loss &#40;1&#41;/);
    expect(r.stdout).toMatch(/base `base\.out` · head `danger\.out`/);
  });

  it('defaults to text and to cdk.out as head', async () => {
    fs.cpSync(routine, path.join(work, 'cdk.out'), { recursive: true });
    const r = await run(['--base', 'base.out'], work);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^✅ no dangerous changes — 1 stack changed/);
    expect(r.stdout).toMatch(/CONTAINERS fullstack-dev/);
  });

  it('json is deterministic, sorted and parseable', async () => {
    const a = await run(['--base', 'base.out', '--head', 'danger.out', '--format', 'json'], work);
    const b = await run(['--base', 'base.out', '--head', 'danger.out', '--format', 'json'], work);
    expect(a.stdout).toBe(b.stdout);
    const j = JSON.parse(a.stdout);
    expect(j.schemaVersion).toBe(1);
    expect(j.classes).toEqual(['data-loss', 'security']);
    expect(Object.keys(j)).toEqual([...Object.keys(j)].sort());
    expect(a.stdout.endsWith('}\n')).toBe(true);
  });

  it('--exit-code: 1 with changes, 0 without', async () => {
    expect((await run(['--base', 'base.out', '--head', 'routine.out', '--exit-code'], work)).code).toBe(1);
    expect((await run(['--base', 'base.out', '--head', 'base.out', '--exit-code'], work)).code).toBe(0);
  });

  it('--fail-on: 4 when a chosen class is present, 0 for routine changes', async () => {
    const r = await run(['--base', 'base.out', '--head', 'danger.out', '--fail-on', 'data-loss'], work);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/failing: the change has data-loss/);
    expect((await run(['--base', 'base.out', '--head', 'danger.out', '--fail-on', 'irreversible'], work)).code).toBe(0);
    expect((await run(['--base', 'base.out', '--head', 'danger.out', '--fail-on', 'any', '--exit-code'], work)).code).toBe(4);
    expect((await run(['--base', 'base.out', '--head', 'routine.out', '--fail-on', 'any'], work)).code).toBe(0);
  });

  it('--fail-on deploy-fails (and data-loss,deploy-fails): 4 on a major engine upgrade without AllowMajorVersionUpgrade, 0 with it', async () => {
    const db = 'AppDatabasesmysqlInstance9D393F6F';
    new AssemblyCopy(FULLSTACK, undefined, path.join(work, 'old-major.out')).editResource(db, (r) => (r.Properties.EngineVersion = '8.0.43'));
    new AssemblyCopy(FULLSTACK, undefined, path.join(work, 'allowed.out')).editResource(db, (r) => (r.Properties.AllowMajorVersionUpgrade = true));
    for (const classes of ['deploy-fails', 'data-loss,deploy-fails']) {
      const r = await run(['--base', 'old-major.out', '--head', 'base.out', '--fail-on', classes], work);
      expect({ classes, code: r.code }).toEqual({ classes, code: 4 });
      expect(r.stderr).toMatch(/failing: the change has deploy-fails/);
    }
    expect((await run(['--base', 'old-major.out', '--head', 'allowed.out', '--fail-on', 'data-loss,deploy-fails'], work)).code).toBe(0);
  });

  it('--fail-on downtime: 4 on a DB class change of the single-AZ database, 0 for routine changes', async () => {
    new AssemblyCopy(FULLSTACK, undefined, path.join(work, 'resized.out')).editResource('AppDatabasesmysqlInstance9D393F6F', (r) => (r.Properties.DBInstanceClass = 'db.t4g.small'));
    const r = await run(['--base', 'base.out', '--head', 'resized.out', '--fail-on', 'downtime'], work);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/failing: the change has downtime \(--fail-on downtime\)/);
    expect((await run(['--base', 'base.out', '--head', 'resized.out', '--fail-on', 'data-loss,security'], work)).code).toBe(0);
    expect((await run(['--base', 'base.out', '--head', 'routine.out', '--fail-on', 'downtime'], work)).code).toBe(0);
  });

  it('--output writes the file and prints the summary', async () => {
    const r = await run(['--base', 'base.out', '--head', 'danger.out', '--format', 'markdown', '-o', 'out/report.md'], work);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(fs.readFileSync(path.join(work, 'out/report.md'), 'utf8')).toMatch(/^<!-- beanstack-review -->/);
    expect(r.stderr).toMatch(/wrote out\/report\.md/);
  });
});

describe('user errors exit 2 with the fix', () => {
  it.each([
    [['--head', 'danger.out'], /needs something to compare with/],
    [['--base', 'base.out', '--base-ref', 'main'], /alternatives/],
    [['--base', 'base.out', '--head', 'danger.out', '--fail-on', 'scary'], /--fail-on scary: not a danger class[\s\S]*fix: use one or more of data-loss/],
    [['--base', 'nope.out', '--head', 'danger.out'], /--base nope\.out: no such directory/],
    [['--base', 'out', '--head', 'danger.out'], /is not a cloud assembly[\s\S]*fix:/],
    [['--base', 'base.out', '--head', 'danger.out', '--max-chars', '10'], /--max-chars 10/],
    [['--base', 'base.out', '--format', 'html'], /argument 'html' is invalid/],
  ])('%j', async (args, message) => {
    const r = await run(args as string[], work);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message as RegExp);
  });

  it('a damaged template names the file', async () => {
    const broken = new AssemblyCopy(FULLSTACK, undefined, path.join(work, 'broken.out')).dir;
    fs.writeFileSync(path.join(broken, 'fullstack-dev.template.json'), '{ not json');
    const r = await run(['--base', 'base.out', '--head', 'broken.out'], work);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/broken\.out\/fullstack-dev\.template\.json:1:1: .* is not valid JSON/);
  });

  it('--base-ref outside a git repository', async () => {
    const r = await run(['--base-ref', 'origin/main'], work, { GIT_CEILING_DIRECTORIES: path.dirname(work) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--base-ref needs a git repository/);
  });

  it('--live refuses cleanly without credentials', async () => {
    const saved = { ...process.env };
    for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
    process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(work, 'no-credentials');
    process.env.AWS_CONFIG_FILE = path.join(work, 'no-config');
    try {
      const r = await run(['--live', '--head', 'danger.out'], work);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--live needs AWS credentials, and none were found \((Could not load credentials|.*credential)/i);
      expect(r.stderr).toMatch(/fix: .*--base-ref origin\/main/);
      expect(r.stderr).not.toMatch(/is not a function/);
    } finally {
      process.env = saved;
    }
  });
});
