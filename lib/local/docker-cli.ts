/**
 * The Docker implementation of `Engine`, through the `docker` command line (see docs/local.md for
 * why the CLI rather than an API client library): builds behave exactly like the user's own
 * `docker build` (.dockerignore, credential helpers, contexts, `DOCKER_HOST`, TLS settings), and no
 * native module or socket code is needed.
 *
 * Container environment values never appear on a command line (they could be read from the process
 * list): they go through an `--env-file` written with mode 0600 and removed right after `docker run`.
 * Build arg values do not either: `--build-arg NAME` takes the value from the environment of the
 * `docker` process. Every other argument follows the CLI's grammar (see arguments.ts): mount fields
 * CSV-quoted, images checked to be references (never a flag), label and build-arg keys without `=`.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { StringDecoder } from 'string_decoder';
import {
  BuildRequest, ContainerSpec, ContainerState, Engine, EngineInfo, EngineUnavailableError, LineSink, LocalError, LogFollower,
  ResourceList,
} from './engine';
import { isArgumentKey, isImageReference, mountArgument } from './arguments';

export interface DockerCliOptions {
  /** The environment of the `docker` processes (DOCKER_HOST, DOCKER_CONFIG, PATH, ...). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** @default 'docker' */
  readonly docker?: string;
}

interface ExecResult {
  readonly code: number;
  readonly signal?: string;
  readonly stdout: string;
  readonly stderr: string;
}

/** Splits a stream into lines, calling `onLine` for each complete line (and the rest at the end). */
export function lineSplitter(onLine: LineSink): { push(chunk: Buffer | string): void; end(): void } {
  let rest = '';
  // a character's UTF-8 bytes can straddle two chunks of a pipe: decode across chunks, never per chunk
  const decoder = new StringDecoder('utf8');
  return {
    push(chunk) {
      rest += typeof chunk === 'string' ? chunk : decoder.write(chunk);
      let i: number;
      while ((i = rest.indexOf('\n')) >= 0) {
        onLine(rest.slice(0, i).replace(/\r$/, ''));
        rest = rest.slice(i + 1);
      }
    },
    end() {
      rest += decoder.end();
      if (rest.length > 0) onLine(rest.replace(/\r$/, ''));
      rest = '';
    },
  };
}

/** Quotes words for `sh -c` (health check commands given as an argument list). */
export function shellJoin(words: readonly string[]): string {
  return words.map((w) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** Refuses what cannot be an argument of the docker CLI as it is: an image that is not a reference, a label key with `=`. */
function checkSpec(spec: ContainerSpec): void {
  if (!isImageReference(spec.image)) {
    throw new LocalError(`container ${spec.name}: ${JSON.stringify(spec.image)} is not an image reference`, {
      code: 'local/image-reference',
      fix: 'name the image as registry/repository:tag (lowercase, no spaces, not starting with `-`)',
    });
  }
  for (const k of Object.keys(spec.labels)) {
    if (!isArgumentKey(k)) throw new LocalError(`container ${spec.name}: the label ${JSON.stringify(k)} cannot be passed to docker`, { code: 'local/label-key', fix: 'use label keys without `=`, spaces or control characters' });
  }
}

/** The `docker run` arguments for a container spec (without the leading `run`). */
export function runArguments(spec: ContainerSpec, envFile: string | undefined): string[] {
  checkSpec(spec);
  const a: string[] = ['--detach', '--pull', spec.pullMissing ? 'missing' : 'never', '--name', spec.name, '--network', spec.network];
  for (const alias of spec.aliases ?? []) a.push('--network-alias', alias);
  for (const l of spec.links ?? []) a.push('--link', `${l.container}:${l.alias}`);
  if (envFile) a.push('--env-file', envFile);
  for (const p of spec.ports ?? []) a.push('--publish', `${p.hostIp}:${p.hostPort ?? ''}:${p.containerPort}/${p.protocol}`);
  for (const m of spec.mounts ?? []) a.push('--mount', mountArgument(m.source, m.target, m.readOnly));
  for (const v of spec.volumesFrom ?? []) a.push('--volumes-from', `${v.container}${v.readOnly ? ':ro' : ''}`);
  if (spec.memoryMiB !== undefined) a.push('--memory', `${spec.memoryMiB}m`);
  if (spec.memoryReservationMiB !== undefined) a.push('--memory-reservation', `${spec.memoryReservationMiB}m`);
  if (spec.cpuShares !== undefined) a.push('--cpu-shares', String(spec.cpuShares));
  if (spec.workingDir) a.push('--workdir', spec.workingDir);
  if (spec.user) a.push('--user', spec.user);
  if (spec.hostname) a.push('--hostname', spec.hostname);
  for (const h of spec.extraHosts ?? []) a.push('--add-host', `${h.hostname}:${h.ipAddress}`);
  for (const d of spec.dns ?? []) a.push('--dns', d);
  for (const d of spec.dnsSearch ?? []) a.push('--dns-search', d);
  if (spec.privileged) a.push('--privileged');
  if (spec.readOnlyRootFilesystem) a.push('--read-only');
  for (const u of spec.ulimits ?? []) a.push('--ulimit', `${u.name}=${u.soft}:${u.hard}`);
  if (spec.stopTimeoutSeconds !== undefined) a.push('--stop-timeout', String(spec.stopTimeoutSeconds));
  if (spec.healthCheck) {
    const [kind, ...rest] = spec.healthCheck.command;
    if (kind === 'NONE') a.push('--no-healthcheck');
    else {
      a.push('--health-cmd', kind === 'CMD-SHELL' ? rest.join(' ') : shellJoin(kind === 'CMD' ? rest : spec.healthCheck.command));
      if (spec.healthCheck.intervalSeconds !== undefined) a.push('--health-interval', `${spec.healthCheck.intervalSeconds}s`);
      if (spec.healthCheck.timeoutSeconds !== undefined) a.push('--health-timeout', `${spec.healthCheck.timeoutSeconds}s`);
      if (spec.healthCheck.retries !== undefined) a.push('--health-retries', String(spec.healthCheck.retries));
      if (spec.healthCheck.startPeriodSeconds !== undefined) a.push('--health-start-period', `${spec.healthCheck.startPeriodSeconds}s`);
    }
  }
  for (const k of Object.keys(spec.labels).sort()) a.push('--label', `${k}=${spec.labels[k]}`);
  const tail: string[] = [];
  if (spec.entrypoint !== undefined) {
    a.push('--entrypoint', spec.entrypoint[0] ?? '');
    tail.push(...spec.entrypoint.slice(1));
  }
  a.push(spec.image, ...tail, ...(spec.command ?? []));
  return a;
}

/** The `--env-file` text for a container environment; values with line breaks cannot be passed this way. */
export function envFileText(env: Readonly<Record<string, string>>, container: string): string {
  const lines: string[] = [];
  for (const name of Object.keys(env).sort()) {
    const value = env[name];
    if (/[\r\n\0]/.test(value)) {
      throw new LocalError(`the value of ${name} for container ${container} contains a line break, which the local rehearsal cannot pass to docker`, {
        code: 'local/multiline-variable',
        fix: `store ${name} without line breaks (e.g. base64-encode it) — Elastic Beanstalk environment properties cannot hold them either`,
      });
    }
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name)) {
      throw new LocalError(`container ${container}: "${name}" is not a valid environment variable name`, { code: 'local/variable-name', fix: 'use letters, digits and underscores' });
    }
    lines.push(`${name}=${value}`);
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

/** How to get an engine (nothing that only this repository has: scripts/ is not shipped). */
const ENGINE_FIX = 'start the Docker engine (Docker Desktop, `sudo systemctl start docker`, or `sudo dockerd &`) or point DOCKER_HOST at a running one';

/**
 * Whether docker's stderr says the engine itself is unreachable. A registry that refuses the
 * connection also says "connection refused", but names its `/v2/` API: that is the registry's fault.
 */
export function engineUnreachable(stderr: string): boolean {
  if (/Cannot connect to the Docker daemon|error during connect/i.test(stderr)) return true;
  return /connect: no such file or directory|connection refused/i.test(stderr) && !/\/v2\/|registry/i.test(stderr);
}

/**
 * Drops the classic builder's deprecation notice from a build's output. beanstack builds with
 * `DOCKER_BUILDKIT=0` only when the engine has no buildx (then docker would use the classic builder
 * anyway); the notice ("DEPRECATED: The legacy builder is deprecated and will be removed in a future
 * release." and its indented lines about BuildKit/buildx) is the same on every build and asks for
 * nothing beanstack needs, so it is filtered here — that notice only, every other line passes.
 */
export function withoutLegacyBuilderNotice(onLine: LineSink): LineSink {
  let inNotice = false;
  return (line) => {
    if (/^DEPRECATED: The legacy builder is deprecated/.test(line)) {
      inNotice = true;
      return;
    }
    if (inNotice) {
      // its continuation lines are indented; an empty line ends it
      if (/^\s+\S/.test(line)) return;
      inNotice = false;
      if (line.trim() === '') return;
    }
    onLine(line);
  };
}

/** Variables the docker CLI itself reads (a build arg of that name would change where or how it builds). */
const READ_BY_DOCKER = /^(?:DOCKER_.*|BUILDX_.*|BUILDKIT_(?:HOST|PROGRESS|COLORS|TTY_LOG_LINES)|PATH|HOME|XDG_.*|SSH_AUTH_SOCK|TMPDIR|(?:HTTPS?|FTP|NO|ALL)_PROXY)$/i;

export class DockerCliEngine implements Engine {
  private readonly docker: string;
  private readonly env: Record<string, string>;
  private buildKit?: boolean;
  private composeCommand?: string[];
  /** Long-running children (docker wait, docker logs --follow), ended by `close()`. */
  private readonly watchers = new Set<ChildProcess>();
  private closed = false;

  constructor(options: DockerCliOptions) {
    this.docker = options.docker ?? 'docker';
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(options.env)) if (v !== undefined) env[k] = v;
    this.env = env;
  }

  private where(): string {
    return this.env.DOCKER_HOST ? `DOCKER_HOST=${this.env.DOCKER_HOST}` : this.env.DOCKER_CONTEXT ? `docker context ${this.env.DOCKER_CONTEXT}` : 'the default socket (unix:///var/run/docker.sock)';
  }

  private exec(args: readonly string[], options: { onLine?: LineSink; env?: Record<string, string>; command?: string; cwd?: string; watcher?: boolean } = {}): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(options.command ?? this.docker, args as string[], { env: { ...this.env, ...(options.env ?? {}) }, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
      if (options.watcher) {
        this.watchers.add(child);
        child.on('close', () => this.watchers.delete(child));
      }
      let stdout = '';
      let stderr = '';
      const out = options.onLine ? lineSplitter(options.onLine) : undefined;
      const err = options.onLine ? lineSplitter(options.onLine) : undefined;
      child.stdout.setEncoding('utf8');
      child.stderr.setEncoding('utf8');
      child.stdout.on('data', (c: string) => {
        stdout += c;
        out?.push(c);
      });
      child.stderr.on('data', (c: string) => {
        stderr += c;
        err?.push(c);
      });
      child.on('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') {
          reject(new EngineUnavailableError(`the ${options.command ?? this.docker} command was not found`, 'install the Docker CLI (e.g. apt-get install docker.io, or Docker Desktop) and make sure it is on PATH'));
        } else reject(e);
      });
      child.on('close', (code, signal) => {
        out?.end();
        err?.end();
        if (signal) {
          resolve({ code: code ?? 1, stdout, stderr, signal });
          return;
        }
        if (code !== 0 && engineUnreachable(stderr)) {
          reject(new EngineUnavailableError(`no Docker engine answers at ${this.where()}: ${stderr.trim().split('\n').pop()}`,
            ENGINE_FIX));
          return;
        }
        resolve({ code: code ?? 1, stdout, stderr });
      });
    });
  }

  private async ok(args: readonly string[], what: string, fix?: string): Promise<string> {
    const r = await this.exec(args);
    if (r.code !== 0) throw new LocalError(`${what}: ${r.stderr.trim() || `docker exited with ${r.code}`}`, { code: 'local/engine-error', fix });
    return r.stdout;
  }

  async info(): Promise<EngineInfo> {
    const v = await this.exec(['version', '--format', '{{json .Server}}']);
    if (v.code !== 0) {
      throw new EngineUnavailableError(`no Docker engine answers at ${this.where()}: ${v.stderr.trim().split('\n').pop() ?? ''}`,
        ENGINE_FIX);
    }
    const server = JSON.parse(v.stdout) as { Version?: string; ApiVersion?: string };
    const i = await this.exec(['info', '--format', '{{json .}}']);
    const info = i.code === 0 ? (JSON.parse(i.stdout) as { MemoryLimit?: boolean; CgroupVersion?: string; OperatingSystem?: string }) : {};
    const buildKit = await this.hasBuildKit();
    return {
      serverVersion: server.Version ?? 'unknown',
      apiVersion: server.ApiVersion ?? 'unknown',
      memoryLimit: info.MemoryLimit === true,
      ...(info.CgroupVersion ? { cgroupVersion: info.CgroupVersion } : {}),
      ...(info.OperatingSystem ? { operatingSystem: info.OperatingSystem } : {}),
      buildKit,
    };
  }

  private async hasBuildKit(): Promise<boolean> {
    if (this.buildKit === undefined) {
      if (this.env.DOCKER_BUILDKIT === '0') this.buildKit = false;
      else this.buildKit = (await this.exec(['buildx', 'version'])).code === 0;
    }
    return this.buildKit;
  }

  async imageId(ref: string): Promise<string | undefined> {
    // a FROM line of a Dockerfile is not a flag
    if (!isImageReference(ref)) return undefined;
    const r = await this.exec(['image', 'inspect', '--format', '{{.Id}}', ref]);
    return r.code === 0 ? r.stdout.trim() : undefined;
  }

  async imageLabels(ref: string): Promise<Readonly<Record<string, string>> | undefined> {
    if (!isImageReference(ref)) return undefined;
    const r = await this.exec(['image', 'inspect', '--format', '{{json .Config.Labels}}', ref]);
    if (r.code !== 0) return undefined;
    return (JSON.parse(r.stdout) as Record<string, string> | null) ?? {};
  }

  async build(req: BuildRequest, onLine: LineSink): Promise<void> {
    const buildKit = await this.hasBuildKit();
    const args = ['build', '--file', path.join(req.context, req.dockerfile), '--tag', req.tag];
    if (req.target) args.push('--target', req.target);
    // `--build-arg NAME` reads the value from the docker process's environment: no value on a command line
    const argEnv: Record<string, string> = {};
    for (const k of Object.keys(req.args).sort()) {
      if (!isArgumentKey(k) || !/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(k)) {
        throw new LocalError(`docker build of ${req.tag}: the build arg ${JSON.stringify(k)} cannot be passed to docker`, { code: 'local/build-arg-name', fix: 'name build args with letters, digits and `_`' });
      }
      // the value goes into the CLI's own environment: it must not be a variable the CLI reads
      if (READ_BY_DOCKER.test(k) && this.env[k] !== req.args[k]) {
        throw new LocalError(`docker build of ${req.tag}: the build arg ${k} has the name of a variable the docker command reads, with another value than in its environment`, {
          code: 'local/build-arg-name',
          fix: `rename the build arg (ARG ${k} in the Dockerfile and build.args in the compose file), or give it the value ${k} has in the environment of beanstack local`,
        });
      }
      args.push('--build-arg', k);
      argEnv[k] = req.args[k];
    }
    if (req.platform) args.push('--platform', req.platform);
    for (const k of Object.keys(req.labels).sort()) args.push('--label', `${k}=${req.labels[k]}`);
    if (req.noCache) args.push('--no-cache');
    if (buildKit) args.push('--progress', 'plain');
    args.push(req.context);
    const r = await this.exec(args, { onLine: buildKit ? onLine : withoutLegacyBuilderNotice(onLine), env: { ...argEnv, ...(buildKit ? {} : { DOCKER_BUILDKIT: '0' }) } });
    if (r.code !== 0) {
      const last = (r.stderr.trim() || r.stdout.trim()).split('\n').slice(-1)[0];
      throw new LocalError(`docker build of ${req.tag} failed: ${last}`, {
        code: 'local/build-failed',
        fix: `fix the Dockerfile ${path.join(req.context, req.dockerfile)} (the build output above shows the failing step); the same build runs in deploy`,
      });
    }
  }

  async tag(source: string, target: string): Promise<void> {
    await this.ok(['tag', source, target], `cannot tag ${source} as ${target}`);
  }

  async push(ref: string, onLine: LineSink): Promise<void> {
    const r = await this.exec(['push', ref], { onLine });
    if (r.code !== 0) {
      const last = r.stderr.trim().split('\n').pop() ?? '';
      const host = ref.split('/')[0];
      if (/connection refused|no such host|i\/o timeout|dial tcp|server gave HTTP response to HTTPS client/i.test(r.stderr)) {
        throw new LocalError(`no registry answers at ${host} (--registry): docker push ${ref} failed: ${last}`, {
          code: 'local/registry-unreachable',
          fix: `start a registry at ${host} (e.g. docker run -d -p ${host.includes(':') ? `${host.split(':')[1]}:5000` : '5000:5000'} registry:2, or Debian's docker-registry), or leave out --registry to rehearse with the images on the engine`,
        });
      }
      throw new LocalError(`docker push ${ref} failed: ${last}`, {
        code: 'local/push-failed',
        fix: 'check that the registry runs and accepts pushes (a registry on 127.0.0.1 needs no TLS; others must be in the engine\'s insecure-registries or use TLS)',
      });
    }
  }

  async pull(ref: string, onLine: LineSink): Promise<void> {
    const r = await this.exec(['pull', ref], { onLine });
    if (r.code !== 0) {
      throw new LocalError(`docker pull ${ref} failed: ${r.stderr.trim().split('\n').pop()}`, {
        code: 'local/pull-failed',
        fix: 'the image reference in the bundle does not resolve: check the registry address and that the push succeeded',
      });
    }
  }

  async removeImage(ref: string): Promise<void> {
    await this.exec(['image', 'rm', ref]);
  }

  async listTags(repository: string): Promise<string[]> {
    const out = await this.ok(['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}', repository], `cannot list the images of ${repository}`);
    return out.split('\n').map((l) => l.trim()).filter((l) => l && !l.endsWith(':<none>')).sort();
  }

  async createNetwork(name: string, labels: Readonly<Record<string, string>>): Promise<void> {
    const args = ['network', 'create', '--driver', 'bridge'];
    for (const k of Object.keys(labels).sort()) args.push('--label', `${k}=${labels[k]}`);
    await this.ok([...args, name], `cannot create network ${name}`);
  }

  async connectNetwork(network: string, container: string, aliases: readonly string[]): Promise<void> {
    const args = ['network', 'connect'];
    for (const a of aliases) args.push('--alias', a);
    await this.ok([...args, network, container], `cannot connect ${container} to network ${network}`);
  }

  async run(spec: ContainerSpec): Promise<void> {
    let envFile: string | undefined;
    let dir: string | undefined;
    const text = envFileText(spec.env, spec.name);
    if (text) {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-env-'));
      envFile = path.join(dir, 'env');
      fs.writeFileSync(envFile, text, { mode: 0o600 });
    }
    try {
      const r = await this.exec(['run', ...runArguments(spec, envFile)]);
      if (r.code !== 0) {
        const errLines = r.stderr.trim().split('\n').filter((l) => l.trim() && !/^Run 'docker run --help'/.test(l));
        const msg = errLines.filter((l) => /error/i.test(l)).pop() ?? errLines.pop() ?? '';
        const portInUse = /address already in use|port is already allocated/i.test(msg);
        const noImage = /No such image|Unable to find image|pull access denied|manifest unknown/i.test(r.stderr);
        throw new LocalError(`cannot start container ${spec.name}: ${msg}`, {
          code: portInUse ? 'local/port-in-use' : noImage ? 'local/image-missing' : 'local/run-failed',
          fix: portInUse
            ? 'stop whatever uses that host port, or map it elsewhere with --publish HOSTPORT=OTHERPORT'
            : noImage
              ? `the image ${spec.image} is not available: pull it (docker pull ${spec.image}) or, for the database stand-in, name a local image with --db-image`
              : 'see the message above; `beanstack local --down` removes what an earlier run left behind',
        });
      }
    } finally {
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  async inspect(container: string): Promise<ContainerState | undefined> {
    const r = await this.exec(['container', 'inspect', '--format', '{{json .}}', container]);
    if (r.code !== 0) return undefined;
    const j = JSON.parse(r.stdout) as {
      Name: string;
      State: { Status: string; Running: boolean; ExitCode: number; OOMKilled: boolean; Error?: string; Health?: { Status: string } };
      NetworkSettings?: { Ports?: Record<string, { HostIp: string; HostPort: string }[] | null> };
      Config?: { Labels?: Record<string, string> | null };
      HostConfig?: { RestartPolicy?: { Name?: string } };
    };
    const ports: Record<string, number> = {};
    for (const [k, v] of Object.entries(j.NetworkSettings?.Ports ?? {})) {
      if (v && v.length > 0) ports[k] = Number(v[0].HostPort);
    }
    return {
      name: j.Name.replace(/^\//, ''),
      running: j.State.Running,
      status: j.State.Status,
      exitCode: j.State.ExitCode,
      oomKilled: j.State.OOMKilled,
      ...(j.State.Error ? { error: j.State.Error } : {}),
      ...(j.State.Health ? { health: j.State.Health.Status } : {}),
      ...(j.HostConfig?.RestartPolicy?.Name ? { restartPolicy: j.HostConfig.RestartPolicy.Name } : {}),
      ports,
      labels: j.Config?.Labels ?? {},
    };
  }

  async wait(container: string): Promise<number> {
    const cancelled = () => new LocalError(`stopped waiting for ${container}`, { code: 'local/wait-cancelled' });
    if (this.closed) throw cancelled();
    const r = await this.exec(['wait', container], { watcher: true });
    // a wait ended by close() (the CLI may exit 0 on SIGTERM without printing a code) is not an exit
    if (r.signal || this.closed) throw cancelled();
    if (r.code === 0 && !/^-?\d+$/.test(r.stdout.trim())) throw cancelled();
    if (r.code !== 0) {
      const s = await this.inspect(container);
      return s?.exitCode ?? -1;
    }
    return Number(r.stdout.trim());
  }

  async logs(container: string, tail: number): Promise<string[]> {
    const lines: string[] = [];
    await this.exec(['logs', '--tail', String(tail), container], { onLine: (l) => lines.push(l) });
    return lines.slice(-tail);
  }

  followLogs(container: string, onLine: LineSink): LogFollower {
    const child = spawn(this.docker, ['logs', '--follow', container], { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.watchers.add(child);
    child.on('close', () => this.watchers.delete(child));
    const out = lineSplitter(onLine);
    const err = lineSplitter(onLine);
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const done = new Promise<void>((resolve) => {
      child.on('close', () => {
        out.end();
        err.end();
        resolve();
      });
      child.on('error', () => resolve());
    });
    return {
      stop: () => {
        if (child.exitCode === null) child.kill('SIGTERM');
      },
      done,
    };
  }

  close(): void {
    this.closed = true;
    for (const child of this.watchers) if (child.exitCode === null) child.kill('SIGTERM');
    this.watchers.clear();
  }

  async stop(container: string, timeoutSeconds: number): Promise<void> {
    await this.exec(['stop', '--time', String(timeoutSeconds), container]);
  }

  async removeContainers(containers: readonly string[]): Promise<void> {
    if (containers.length === 0) return;
    const r = await this.exec(['rm', '--force', '--volumes', ...containers]);
    const real = r.stderr.split('\n').filter((l) => l.trim() && !/No such container/i.test(l));
    if (r.code !== 0 && real.length > 0) throw new LocalError(`cannot remove containers: ${real.join('; ')}`, { code: 'local/cleanup-failed' });
  }

  async removeNetworks(networks: readonly string[]): Promise<void> {
    if (networks.length === 0) return;
    const r = await this.exec(['network', 'rm', ...networks]);
    const real = r.stderr.split('\n').filter((l) => l.trim() && !/not found|No such network/i.test(l));
    if (r.code !== 0 && real.length > 0) throw new LocalError(`cannot remove networks: ${real.join('; ')}`, { code: 'local/cleanup-failed' });
  }

  async removeVolumes(volumes: readonly string[]): Promise<void> {
    if (volumes.length === 0) return;
    const r = await this.exec(['volume', 'rm', '--force', ...volumes]);
    if (r.code !== 0) throw new LocalError(`cannot remove volumes: ${r.stderr.trim()}`, { code: 'local/cleanup-failed' });
  }

  async list(label: string, value: string): Promise<ResourceList> {
    const filter = `label=${label}=${value}`;
    const names = (s: string) => s.split('\n').map((l) => l.trim()).filter(Boolean).sort();
    const [c, n, v] = await Promise.all([
      this.ok(['ps', '--all', '--filter', filter, '--format', '{{.Names}}'], 'cannot list containers'),
      this.ok(['network', 'ls', '--filter', filter, '--format', '{{.Name}}'], 'cannot list networks'),
      this.ok(['volume', 'ls', '--filter', filter, '--format', '{{.Name}}'], 'cannot list volumes'),
    ]);
    return { containers: names(c), networks: names(n), volumes: names(v) };
  }

  private async composeCli(): Promise<string[]> {
    if (!this.composeCommand) {
      if ((await this.exec(['compose', 'version'])).code === 0) this.composeCommand = [this.docker, 'compose'];
      else this.composeCommand = ['docker-compose'];
    }
    return this.composeCommand;
  }

  async composeInterpolatesEnvFiles(): Promise<boolean> {
    return (await this.composeCli())[0] !== 'docker-compose';
  }

  async compose(args: readonly string[], directory: string, env: Readonly<Record<string, string>>, onLine: LineSink): Promise<number> {
    const [command, ...prefix] = await this.composeCli();
    const r = await this.exec([...prefix, ...args], { command, cwd: directory, env: { ...env }, onLine }).catch((e: unknown) => {
      if (e instanceof EngineUnavailableError && command === 'docker-compose') {
        throw new EngineUnavailableError('neither `docker compose` nor `docker-compose` is installed; the docker target runs the bundle with Compose as Elastic Beanstalk does',
          'install the Compose plugin (docker-compose-plugin) or docker-compose');
      }
      throw e;
    });
    return r.code;
  }
}
