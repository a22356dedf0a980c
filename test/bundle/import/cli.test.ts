/**
 * `beanstack import`, run in-process through the CLI's `main()` in a temporary directory.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// the command must not load aws-cdk-lib (or the AWS SDK): loading them here fails the test
jest.mock('aws-cdk-lib', () => {
  throw new Error('beanstack import loaded aws-cdk-lib');
});

import { main } from '../../../bin/cli';
import type { CliContext } from '../../../bin/cli-context';

let dir = '';

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const ctx: CliContext = {
    cwd: dir,
    env: { HOME: '/home/tester' },
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    isTty: false,
  };
  const code = await main(['import', ...args], ctx);
  return { code, stdout, stderr };
}

const sample = fs.readFileSync(path.join(__dirname, 'fixtures', 'multi-container-sample', 'Dockerrun.aws.json'), 'utf8');
const expected = fs.readFileSync(path.join(__dirname, 'fixtures', 'multi-container-sample', 'docker-compose.yml'), 'utf8');

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-import-'));
  fs.writeFileSync(path.join(dir, 'Dockerrun.aws.json'), sample);
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('beanstack import', () => {
  test('writes docker-compose.yml next to it, warnings and a summary on stderr', async () => {
    const r = await run([]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(fs.readFileSync(path.join(dir, 'docker-compose.yml'), 'utf8')).toBe(expected);
    expect(r.stderr).toContain('1 warning:');
    expect(r.stderr).toContain('Dockerrun.aws.json:26:9: container "nginx-proxy" writes logs to /var/log/nginx');
    expect(r.stderr).toContain('[import/log-volume]');
    expect(r.stderr).toContain('wrote docker-compose.yml (2 services: nginx-proxy, php-app) from Dockerrun.aws.json (Dockerrun v2)');
    expect(fs.readdirSync(dir).sort()).toEqual(['Dockerrun.aws.json', 'docker-compose.yml']);
  });

  test('never overwrites without --force', async () => {
    fs.writeFileSync(path.join(dir, 'docker-compose.yml'), 'mine\n');
    const r = await run(['Dockerrun.aws.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: docker-compose.yml already exists');
    expect(r.stderr).toContain('fix: pass --force');
    expect(fs.readFileSync(path.join(dir, 'docker-compose.yml'), 'utf8')).toBe('mine\n');
    const forced = await run(['Dockerrun.aws.json', '--force']);
    expect(forced.code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'docker-compose.yml'), 'utf8')).toBe(expected);
    expect(fs.readdirSync(dir).sort()).toEqual(['Dockerrun.aws.json', 'docker-compose.yml']);
  });

  test('-o names the output; -o - prints to stdout; -q hides warnings', async () => {
    fs.mkdirSync(path.join(dir, 'local'));
    const r = await run(['-o', 'local/compose.yaml']);
    expect(r.code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'local', 'compose.yaml'), 'utf8')).toBe(expected);
    const printed = await run(['-o', '-', '-q']);
    expect(printed.code).toBe(0);
    expect(printed.stdout).toBe(expected);
    expect(printed.stderr).toBe('');
  });

  test('refuses to write over its own input or into a missing directory', async () => {
    expect((await run(['-o', 'Dockerrun.aws.json', '--force'])).stderr).toContain('would overwrite the Dockerrun file');
    const r = await run(['-o', 'nope/docker-compose.yml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the directory of nope/docker-compose.yml does not exist');
  });

  test('a missing input is a user error', async () => {
    const r = await run(['other.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: other.json does not exist');
  });

  test('invalid JSON names line and column and writes nothing', async () => {
    fs.writeFileSync(path.join(dir, 'bad.json'), '{\n  "AWSEBDockerrunVersion": 2,\n  "containerDefinitions": [],\n}\n');
    const r = await run(['bad.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: bad.json:4:1: ');
    expect(r.stderr).toContain('trailing comma');
    expect(fs.existsSync(path.join(dir, 'docker-compose.yml'))).toBe(false);
  });

  test('an invalid Dockerrun file lists every problem with its position', async () => {
    const doc = JSON.parse(sample);
    doc.AWSEBDockerrunVersion = '2';
    delete doc.containerDefinitions[0].memory;
    doc.containerDefinitions[1].links = ['php'];
    fs.writeFileSync(path.join(dir, 'Dockerrun.aws.json'), JSON.stringify(doc, null, 2));
    const r = await run([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is not a valid Dockerrun.aws.json: 3 problems');
    expect(r.stderr).toMatch(/Dockerrun\.aws\.json:2:\d+: AWSEBDockerrunVersion: .*\[dockerrun\/version\]/);
    expect(r.stderr).toContain('[dockerrun/memory-missing]');
    expect(r.stderr).toMatch(/Dockerrun\.aws\.json:\d+:\d+: containerDefinitions\[1\]\.links\[0\]: .*\[dockerrun\/unknown-link\]/);
    expect(fs.existsSync(path.join(dir, 'docker-compose.yml'))).toBe(false);
  });

  test('--help lists the exit codes', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Exit codes: 0 written; 2');
  });
});

describe('beanstack import: file system errors are user errors', () => {
  const root = process.getuid?.() === 0;
  (root ? test.skip : test)('an unreadable input', async () => {
    fs.chmodSync(path.join(dir, 'Dockerrun.aws.json'), 0o000);
    const r = await run([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: cannot read Dockerrun.aws.json');
  });

  test('an output in a directory that is a file', async () => {
    fs.writeFileSync(path.join(dir, 'file'), '');
    const r = await run(['-o', 'file/docker-compose.yml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error: (cannot write|the directory of) file\/docker-compose\.yml/);
  });
});
