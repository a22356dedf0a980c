/**
 * Shared helpers of the end-to-end suite: finding the engine, the base images, the local registry
 * (Debian's docker-registry on 127.0.0.1, the ECR stand-in) and running the CLI in-process.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../bin/cli';

export const REPO = path.resolve(__dirname, '..', '..');
export const EXAMPLE = path.join(REPO, 'examples', 'fullstack');
export const CI_SOCKET = '/run/beanstack-ci/docker.sock';

/** The environment of the engine: DOCKER_HOST as given, else the CI socket when it exists. */
export function engineEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  if (!env.DOCKER_HOST && fs.existsSync(CI_SOCKET)) env.DOCKER_HOST = `unix://${CI_SOCKET}`;
  return env;
}

export interface Availability {
  readonly ok: boolean;
  readonly reason: string;
}

function which(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** Whether the suite can run: an engine answers and the host has what the base images are made from. */
export function availability(): Availability {
  if (!which('docker')) return { ok: false, reason: 'the docker CLI is not installed' };
  const v = spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], { env: engineEnv(), encoding: 'utf8', timeout: 20000 });
  if (v.status !== 0) return { ok: false, reason: `no Docker engine answers (${(v.stderr || '').trim().split('\n').pop() || 'docker version failed'}); start one with: bash scripts/start-dockerd.sh` };
  const missing = [['busybox', '/bin/busybox'], ['nginx', 'nginx'], ['mariadbd', 'mariadbd'], ['docker-registry', 'docker-registry'], ['docker-compose', 'docker-compose']]
    .filter(([, c]) => (c.startsWith('/') ? !fs.existsSync(c) : !which(c)))
    .map(([n]) => n);
  if (missing.length > 0) return { ok: false, reason: `missing host packages for the base images / registry: ${missing.join(', ')} (apt-get install busybox-static nginx-light mariadb-server docker-registry docker-compose)` };
  return { ok: true, reason: `Docker ${v.stdout.trim()}` };
}

export function docker(args: readonly string[], input?: string): { status: number; stdout: string; stderr: string } {
  const r = spawnSync('docker', args as string[], { env: engineEnv(), encoding: 'utf8', input, timeout: 600000 });
  return { status: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Makes (or reuses) the base images. */
export function makeBaseImages(): void {
  const r = spawnSync('bash', [path.join(REPO, 'scripts', 'e2e', 'base-images.sh')], { env: engineEnv(), encoding: 'utf8', timeout: 600000 });
  if (r.status !== 0) throw new Error(`scripts/e2e/base-images.sh failed:\n${r.stdout}\n${r.stderr}`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export interface HttpResponse {
  readonly status: number;
  readonly body: string;
}

export function request(url: string, method = 'GET', body?: unknown): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(url, { method, timeout: 10000, headers: data ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('timeout', () => req.destroy(new Error(`timeout: ${method} ${url}`)));
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

/** A local registry (Debian's docker-registry) on 127.0.0.1 with its storage in a temp dir. */
export class Registry {
  private child?: ChildProcess;
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-registry-'));
  port = 0;

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.port = await freePort();
    const config = path.join(this.dir, 'config.yml');
    fs.writeFileSync(config, [
      'version: 0.1',
      'log:',
      '  level: warn',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${path.join(this.dir, 'data')}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: 127.0.0.1:${this.port}`,
      '',
    ].join('\n'));
    this.child = spawn('docker-registry', ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (c: string) => {
      log = (log + c).slice(-4000);
    });
    const deadline = Date.now() + 30000;
    for (;;) {
      const r = await request(`http://${this.address}/v2/`).catch(() => undefined);
      if (r?.status === 200) return;
      if (Date.now() > deadline || this.child.exitCode !== null) throw new Error(`docker-registry did not start:\n${log}`);
      await new Promise((res) => setTimeout(res, 200));
    }
  }

  /** Tags in the registry for a repository. */
  async tags(repository: string): Promise<string[]> {
    const r = await request(`http://${this.address}/v2/${repository}/tags/list`);
    return r.status === 200 ? ((JSON.parse(r.body) as { tags: string[] | null }).tags ?? []) : [];
  }

  async stop(): Promise<void> {
    if (this.child && this.child.exitCode === null) {
      const exited = new Promise((res) => this.child!.once('exit', res));
      this.child.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in-process; `onStderr` sees the progress output as it comes. */
export async function cli(args: readonly string[], options: { cwd?: string; onStderr?: (all: string) => void; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    cwd: options.cwd ?? EXAMPLE,
    env: options.env ?? engineEnv(),
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
      options.onStderr?.(stderr);
    },
    isTty: false,
  });
  return { code, stdout, stderr };
}

/** The URL the CLI reported for the app. */
export function appUrl(stderr: string): string {
  const m = /the app answers at (http:\/\/127\.0\.0\.1:\d+)\//.exec(stderr);
  if (!m) throw new Error(`no app URL in the output:\n${stderr}`);
  return m[1];
}

/** Everything of a project on the engine (by beanstack's label and compose's). */
export function leftovers(project: string): string[] {
  const out: string[] = [];
  for (const filter of [`label=org.beanstack.local.project=${project}`, `label=com.docker.compose.project=beanstack-${project}`]) {
    out.push(...docker(['ps', '-a', '--filter', filter, '--format', 'container {{.Names}}']).stdout.split('\n'));
    out.push(...docker(['network', 'ls', '--filter', filter, '--format', 'network {{.Name}}']).stdout.split('\n'));
    out.push(...docker(['volume', 'ls', '--filter', filter, '--format', 'volume {{.Name}}']).stdout.split('\n'));
  }
  return out.filter((l) => l.trim());
}

export async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
