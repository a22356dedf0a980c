/**
 * A local rehearsal: the RDS stand-ins, the bundle's containers (Dockerrun v2 as the ECS platform
 * runs it, or the production compose file as the Docker platform runs it), health checking through
 * the published port, essential-container semantics, log streaming and teardown.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { parseDocument } from 'yaml';
import type { DatabaseReplacement, DockerrunV2 } from '../bundle/types';
import { StandIn, probeDatabase, standInContainer } from './database';
import { planEcs, EcsPlan, PlannedContainer } from './ecs-plan';
import { ContainerSpec, Engine, EngineInfo, LABEL_CONTAINER, LABEL_PROJECT, LABEL_RUN, LocalError, LogFollower } from './engine';
import { repoComponent } from './images';

/** Label compose puts on what it creates. */
export const COMPOSE_PROJECT_LABEL = 'com.docker.compose.project';

export interface Reporter {
  /** A progress line (building, starting, waiting). */
  step(message: string): void;
  /** A line of a container's output. */
  containerLine(container: string, line: string): void;
}

export interface RehearsalOptions {
  readonly engine: Engine;
  /** Compose project name (labels, container names). */
  readonly project: string;
  readonly runId: string;
  readonly target: 'ecs' | 'docker';
  /** Absolute bundle directory (`/var/app/current`). */
  readonly bundleDir: string;
  /** Absolute per-run directory for host paths outside the bundle; removed on teardown. */
  readonly stateDir: string;
  /** The Dockerrun v2 (ecs target). */
  readonly dockerrun?: DockerrunV2;
  /** File name of the production compose file inside `bundleDir` (docker target). */
  readonly composeFile?: string;
  readonly databases: readonly DatabaseReplacement[];
  readonly standIns: readonly StandIn[];
  /** Environment properties for every container (database variables, required variables, secrets). */
  readonly environmentProperties: Readonly<Record<string, string>>;
  /** Values of Dockerrun `secrets` entries by variable name. */
  readonly secretValues: Readonly<Record<string, string>>;
  /** @default '127.0.0.1' */
  readonly bindAddress?: string;
  /** Host port remapping (`0` = random). */
  readonly publish?: Readonly<Record<number, number>>;
  /** @default '/' */
  readonly healthCheckPath?: string;
  /** @default 120000 */
  readonly healthTimeoutMs?: number;
  /** @default 180000 */
  readonly databaseTimeoutMs?: number;
  /** Stream container output to `reporter.containerLine`. */
  readonly follow: boolean;
  readonly reporter: Reporter;
}

export interface Failure {
  readonly container: string;
  readonly exitCode: number;
  readonly oomKilled: boolean;
  readonly lastLines: readonly string[];
  readonly reason: string;
}

export interface StartResult {
  /** `http://127.0.0.1:PORT/` of the web container, when there is one. */
  readonly url?: string;
  /** Published ports per container: `80/tcp` → host port. */
  readonly ports: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly engine: EngineInfo;
  readonly healthy: boolean;
}

/** Engine names of this project's objects. */
export function namesFor(project: string): { prefix: string; network: string; composeProject: string } {
  const p = repoComponent(project);
  return { prefix: `beanstack-${p}-`, network: `beanstack-${p}`, composeProject: `beanstack-${p}` };
}

/** GET `url`; resolves with the status code, or 0 when nothing answers. */
export function httpStatus(url: string, timeoutMs = 3000): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Rewrites the production compose file for the rehearsal: every published port bound to the bind
 * address (and remapped), and the RDS stand-ins added as services of the project on every network of
 * the file (so the project's own `depends_on` conditions, such as waiting for the schema init
 * container, run as on the instance). Nothing else changes.
 */
export function rehearsalCompose(
  text: string,
  bindAddress: string,
  publish: Readonly<Record<number, number>>,
  standIns: readonly ContainerSpec[] = [],
): { text: string; web?: { service: string; containerPort: number } } {
  const doc = parseDocument(text);
  let web: { service: string; containerPort: number } | undefined;
  const services = doc.get('services') as { items?: { key: { value?: string } | string; value: unknown }[] } | undefined;
  const networks = new Set<string>();
  for (const item of services?.items ?? []) {
    const declared = (item.value as { get?(k: string): unknown } | undefined)?.get?.('networks') as { toJSON?: () => unknown } | undefined;
    const list = declared?.toJSON?.();
    if (Array.isArray(list)) for (const n of list) networks.add(String(n));
    else if (list && typeof list === 'object') for (const n of Object.keys(list)) networks.add(n);
    else networks.add('default');
  }
  for (const item of services?.items ?? []) {
    const svc = item.value as { get(k: string): unknown; set(k: string, v: unknown): void } | undefined;
    const ports = svc?.get('ports') as { items?: { value?: unknown }[]; toJSON?: () => unknown } | undefined;
    if (!ports || !Array.isArray(ports.items)) continue;
    const name = typeof item.key === 'string' ? item.key : String(item.key.value);
    const out = (ports.toJSON?.() as unknown[]).map((p) => {
      const s = String(p);
      const m = /^(?:[\d.]+:)?(\d+):(\d+)(\/\w+)?$/.exec(s);
      if (!m) return p;
      if (Number(m[1]) === 80 && (m[3] ?? '/tcp') === '/tcp' && !web) web = { service: name, containerPort: Number(m[2]) };
      const mapped = publish[Number(m[1])] ?? Number(m[1]);
      return `${bindAddress}:${mapped === 0 ? '' : mapped}:${m[2]}${m[3] ?? ''}`;
    });
    svc!.set('ports', out);
  }
  const dollars = (v: string) => v.replace(/\$/g, '$$$$');
  for (const spec of standIns) {
    const service = spec.labels[LABEL_CONTAINER]?.replace(/^database:/, 'rds-') ?? spec.name;
    doc.setIn(['services', service], doc.createNode({
      image: spec.image,
      container_name: spec.name,
      ...(spec.command ? { command: spec.command.map(dollars) } : {}),
      environment: Object.fromEntries(Object.entries(spec.env ?? {}).map(([k, v]) => [k, dollars(v)])),
      labels: { ...spec.labels },
      ports: (spec.ports ?? []).map((p) => `${bindAddress}::${p.containerPort}`),
      networks: Object.fromEntries([...networks].sort().map((n) => [n, { aliases: [...(spec.aliases ?? [])] }])),
    }));
  }
  return { text: doc.toString(), ...(web ? { web } : {}) };
}

export class Rehearsal {
  private readonly o: RehearsalOptions;
  private readonly names: ReturnType<typeof namesFor>;
  private readonly followers: LogFollower[] = [];
  private stopping = false;
  private failureResolve?: (f: Failure) => void;
  private readonly failurePromise: Promise<Failure>;
  private failure?: Failure;
  private plan?: EcsPlan;
  private readonly composeContainers: string[] = [];
  private readonly exited = new Map<string, number>();

  constructor(options: RehearsalOptions) {
    this.o = options;
    this.names = namesFor(options.project);
    this.failurePromise = new Promise((resolve) => {
      this.failureResolve = resolve;
    });
  }

  private get bind(): string {
    return this.o.bindAddress ?? '127.0.0.1';
  }

  private get probeHost(): string {
    return this.bind === '0.0.0.0' ? '127.0.0.1' : this.bind;
  }

  private labels(): Record<string, string> {
    return { [LABEL_PROJECT]: this.o.project, [LABEL_RUN]: this.o.runId };
  }

  /** Resolves with the first failure (an essential container stopped). */
  failed(): Promise<Failure> {
    return this.failurePromise;
  }

  private async fail(container: string, display: string, exitCode: number, reason?: string): Promise<void> {
    if (this.stopping || this.failure) return;
    const state = await this.o.engine.inspect(container);
    const lastLines = await this.o.engine.logs(container, 20).catch(() => []);
    const oom = state?.oomKilled === true;
    this.failure = {
      container: display,
      exitCode,
      oomKilled: oom,
      lastLines,
      reason: reason ?? `essential container ${display} exited with code ${exitCode}${oom ? ' (killed: out of memory — raise its memory limit)' : ''}`,
    };
    this.failureResolve?.(this.failure);
  }

  private watchExit(container: string, display: string, essential: boolean): void {
    void this.o.engine.wait(container).then(async (code) => {
      this.exited.set(display, code);
      if (this.stopping) return;
      if (essential) {
        await this.fail(container, display, code);
      } else {
        this.o.reporter.step(`${display} (not essential) exited with code ${code}${code === 0 ? ' — completed' : ''}`);
      }
    }, () => undefined);
  }

  private follow(container: string, display: string): void {
    if (!this.o.follow) return;
    this.followers.push(this.o.engine.followLogs(container, (line) => this.o.reporter.containerLine(display, line)));
  }

  private async startDatabases(networks: readonly string[]): Promise<void> {
    const { engine, reporter } = this.o;
    for (const s of this.o.standIns) {
      reporter.step(`starting the RDS stand-in for ${s.service}: ${s.image} (${s.engine}) as ${s.host}:${s.port}, database ${s.database}, user ${s.user}`);
      const spec = standInContainer(s, networks[0], this.probeHost, this.labels());
      await engine.run(spec);
      for (const n of networks.slice(1)) await engine.connectNetwork(n, spec.name, [s.host]);
    }
    await this.waitForDatabases();
  }

  /** Waits until every stand-in accepts connections on its published port. */
  private async waitForDatabases(): Promise<void> {
    const { engine, reporter } = this.o;
    for (const s of this.o.standIns) {
      const deadline = Date.now() + (this.o.databaseTimeoutMs ?? 180000);
      for (;;) {
        const st = await engine.inspect(s.container);
        if (!st || !st.running) {
          const lines = await engine.logs(s.container, 20).catch(() => []);
          throw new LocalError(`the database stand-in ${s.image} for ${s.service} stopped (exit code ${st?.exitCode ?? '?'}):\n${lines.map((l) => `    ${l}`).join('\n')}`, {
            code: 'local/database-failed',
            fix: `check that ${s.image} is a ${s.engine} image that reads the official image's variables, or name another with --db-image`,
          });
        }
        const port = st.ports[`${s.port}/tcp`];
        if (port && (await probeDatabase(s.engine, this.probeHost, port))) break;
        if (Date.now() > deadline) {
          throw new LocalError(`the database stand-in for ${s.service} did not accept connections within ${Math.round((this.o.databaseTimeoutMs ?? 180000) / 1000)} s`, {
            code: 'local/database-timeout',
            fix: 'see its log with `docker logs ' + s.container + '`; raise --db-timeout on slow machines',
          });
        }
        await sleep(500);
      }
      reporter.step(`database ${s.service} is ready`);
    }
  }

  private async waitFor(c: PlannedContainer): Promise<void> {
    for (const d of c.dependsOn) {
      const name = `${this.names.prefix}${d.container}`;
      if (d.condition === 'START') continue;
      this.o.reporter.step(`${c.name} waits for ${d.container} (${d.condition})`);
      for (;;) {
        if (this.failure) return;
        const st = await this.o.engine.inspect(name);
        if (d.condition === 'HEALTHY') {
          if (st?.health === 'healthy') break;
          if (st && !st.running) throw new LocalError(`container ${d.container} stopped before it became healthy, but ${c.name} waits for it`, { code: 'local/dependency-failed' });
        } else if (st && !st.running && st.status === 'exited') {
          if (d.condition === 'SUCCESS' && st.exitCode !== 0) {
            throw new LocalError(`container ${d.container} exited with code ${st.exitCode}, but ${c.name} needs it to succeed`, { code: 'local/dependency-failed' });
          }
          break;
        }
        await sleep(500);
      }
    }
  }

  private async waitHealthy(url: string): Promise<boolean> {
    const deadline = Date.now() + (this.o.healthTimeoutMs ?? 120000);
    let last = 0;
    for (;;) {
      if (this.failure) return false;
      last = await httpStatus(url);
      if (last === 200) return true;
      if (Date.now() > deadline) {
        this.failure = {
          container: '(health check)',
          exitCode: -1,
          oomKilled: false,
          lastLines: [],
          reason: `GET ${url} did not answer 200 within ${Math.round((this.o.healthTimeoutMs ?? 120000) / 1000)} s (last: ${last === 0 ? 'no answer' : `HTTP ${last}`}); Elastic Beanstalk would mark the environment unhealthy`,
        };
        this.failureResolve?.(this.failure);
        return false;
      }
      await sleep(500);
    }
  }

  /** Starts everything and waits for health. Throws user errors; a failed start leaves cleanup to `down()`. */
  async start(): Promise<StartResult> {
    const { engine, reporter } = this.o;
    const info = await engine.info();
    reporter.step(`engine: Docker ${info.serverVersion} (API ${info.apiVersion}), ${info.buildKit ? 'BuildKit' : 'classic builder'}; memory limits ${info.memoryLimit ? 'are enforced' : 'are NOT enforced on this machine (no cgroup memory controller): containers can exceed their memory setting here but not on Elastic Beanstalk'}${info.cgroupVersion ? ` (cgroup v${info.cgroupVersion})` : ''}`);
    const leftovers = await down(engine, this.o.project);
    if (leftovers.containers.length + leftovers.networks.length + leftovers.volumes.length > 0) {
      reporter.step(`removed what an earlier run left behind: ${[...leftovers.containers, ...leftovers.networks, ...leftovers.volumes].join(', ')}`);
    }
    fs.mkdirSync(this.o.stateDir, { recursive: true });
    return this.o.target === 'ecs' ? this.startEcs(info) : this.startCompose(info);
  }

  private async startEcs(info: EngineInfo): Promise<StartResult> {
    const { engine, reporter } = this.o;
    if (!this.o.dockerrun) throw new Error('ecs rehearsal without a Dockerrun');
    const plan = planEcs({
      dockerrun: this.o.dockerrun,
      prefix: this.names.prefix,
      network: this.names.network,
      bundleDir: this.o.bundleDir,
      hostDir: path.join(this.o.stateDir, 'host'),
      images: {},
      environmentProperties: this.o.environmentProperties,
      secretValues: this.o.secretValues,
      bindAddress: this.bind,
      publish: this.o.publish ?? {},
      labels: this.labels(),
    });
    this.plan = plan;
    for (const n of plan.notes) reporter.step(`note: ${n}`);
    reporter.step(`creating network ${this.names.network} (bridge, like the ECS platform)`);
    await engine.createNetwork(this.names.network, this.labels());
    await this.startDatabases([this.names.network]);
    for (const c of plan.containers) {
      await this.waitFor(c);
      if (this.failure) break;
      for (const d of c.hostDirectories) fs.mkdirSync(d, { recursive: true });
      const mem = c.spec.memoryMiB !== undefined ? `, memory ${c.spec.memoryMiB} MiB` : c.spec.memoryReservationMiB !== undefined ? `, memory reservation ${c.spec.memoryReservationMiB} MiB` : '';
      reporter.step(`starting ${c.name} (${c.spec.image}${c.essential ? '' : ', not essential'}${mem})`);
      await engine.run(c.spec);
      this.follow(c.spec.name, c.name);
      this.watchExit(c.spec.name, c.name, c.essential);
    }
    const ports: Record<string, Record<string, number>> = {};
    for (const c of plan.containers) {
      const st = await engine.inspect(c.spec.name);
      if (st) ports[c.name] = st.ports;
    }
    let url: string | undefined;
    if (plan.webContainer) {
      const hostPort = ports[plan.webContainer]?.[`${plan.webContainerPort}/tcp`];
      if (hostPort) url = `http://${this.probeHost}:${hostPort}`;
    }
    const healthy = await this.checkHealth(url);
    return { ...(url ? { url: `${url}/` } : {}), ports, engine: info, healthy };
  }

  private async checkHealth(url: string | undefined): Promise<boolean> {
    if (this.failure) return false;
    if (!url) {
      this.o.reporter.step('no container publishes host port 80, so there is no load balancer health check to rehearse');
      return true;
    }
    const hp = this.o.healthCheckPath ?? '/';
    this.o.reporter.step(`waiting for GET ${url}${hp} to answer 200 (the load balancer's health check)`);
    const ok = await this.waitHealthy(`${url}${hp}`);
    if (ok) this.o.reporter.step(`healthy: ${url}${hp}`);
    return ok;
  }

  private composeArgs(file: string): string[] {
    return ['--project-name', this.names.composeProject, '--file', file];
  }

  private async startCompose(info: EngineInfo): Promise<StartResult> {
    const { engine, reporter } = this.o;
    const file = this.o.composeFile ?? 'docker-compose.yml';
    const original = fs.readFileSync(path.join(this.o.bundleDir, file), 'utf8');
    const localFile = REHEARSAL_FILES[0];
    const standIns = this.o.standIns.map((st) => standInContainer(st, '', this.probeHost, this.labels()));
    const rewritten = rehearsalCompose(original, this.bind, this.o.publish ?? {}, standIns);
    fs.writeFileSync(path.join(this.o.bundleDir, localFile), rewritten.text, { mode: 0o600 });
    // Elastic Beanstalk writes the environment properties into .env at the bundle root, escaping `$`
    // as `$$` for Compose v2 (which interpolates env files); docker-compose 1.x reads values as written
    const escape = await engine.composeInterpolatesEnvFiles();
    const envLines = Object.keys(this.o.environmentProperties).sort()
      .map((k) => `${k}=${escape ? this.o.environmentProperties[k].replace(/\$/g, '$$$$') : this.o.environmentProperties[k]}`);
    fs.writeFileSync(path.join(this.o.bundleDir, '.env'), envLines.length ? `${envLines.join('\n')}\n` : '', { mode: 0o600 });
    const log = (line: string) => reporter.step(`compose: ${line}`);
    for (const s of this.o.standIns) {
      reporter.step(`the RDS stand-in for ${s.service}: ${s.image} (${s.engine}) as ${s.host}:${s.port}, database ${s.database}, user ${s.user}`);
    }
    reporter.step(`starting the compose project ${this.names.composeProject} from ${file} (as the Docker platform runs it)`);
    let up: number;
    try {
      up = await engine.compose([...this.composeArgs(localFile), 'up', '--detach', '--no-build'], this.o.bundleDir, {}, log);
    } finally {
      // the containers have their environment once `up` returns: the files with the passwords and
      // secrets are on disk only while it runs
      removeRehearsalFiles(this.o.bundleDir);
    }
    if (up !== 0) throw new LocalError(`compose could not start the project from ${file} (exit code ${up})`, { code: 'local/compose-failed', fix: 'see the compose output above' });
    await this.waitForDatabases();
    const containers = (await engine.list(COMPOSE_PROJECT_LABEL, this.names.composeProject)).containers;
    this.composeContainers.push(...containers);
    const ports: Record<string, Record<string, number>> = {};
    let url: string | undefined;
    for (const c of containers) {
      const st = await engine.inspect(c);
      if (!st) continue;
      const display = st.labels['com.docker.compose.service'] ?? c;
      ports[display] = st.ports;
      this.follow(c, display);
      this.watchCompose(c, display, st.restartPolicy);
      const hostPort = rewritten.web?.service === display ? st.ports[`${rewritten.web.containerPort}/tcp`] : undefined;
      if (hostPort && !url) url = `http://${this.probeHost}:${hostPort}`;
    }
    const healthy = await this.checkHealth(url);
    return { ...(url ? { url: `${url}/` } : {}), ports, engine: info, healthy };
  }

  /**
   * Compose has no essential flag. A container whose restart policy restarts it is reported and
   * watched again (the Docker platform would restart it too); one that stops with an error and is
   * not restarted fails the rehearsal.
   */
  private watchCompose(container: string, display: string, restartPolicy: string | undefined): void {
    void this.o.engine.wait(container).then(async (code) => {
      if (this.stopping) return;
      const restarts = restartPolicy === 'always' || restartPolicy === 'unless-stopped' || (restartPolicy === 'on-failure' && code !== 0);
      if (restarts) {
        const lines = await this.o.engine.logs(container, 5).catch(() => []);
        this.o.reporter.step(`${display} exited with code ${code}; its restart policy (${restartPolicy}) restarts it, as on the Docker platform${lines.length ? `; last lines:\n${lines.map((l) => `    ${l}`).join('\n')}` : ''}`);
        await sleep(1000);
        if (!this.stopping) this.watchCompose(container, display, restartPolicy);
      } else if (code !== 0) await this.fail(container, display, code, `container ${display} exited with code ${code} and is not restarted`);
      else this.o.reporter.step(`${display} exited with code 0 — completed`);
    }, () => undefined);
  }

  /** The failure, if one happened. */
  get failureReport(): Failure | undefined {
    return this.failure;
  }

  /** Stops the app (containers get their stop timeout), then removes everything it created. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const f of this.followers) f.stop();
    const { engine } = this.o;
    const running = this.plan ? [...this.plan.containers].reverse().map((c) => c.spec.name) : this.composeContainers;
    // the files with secrets go first: an engine that fails below must not leave them behind
    if (this.o.target === 'docker') removeRehearsalFiles(this.o.bundleDir);
    try {
      await Promise.all(running.map((c) => engine.stop(c, 10).catch(() => undefined)));
      await down(engine, this.o.project);
    } finally {
      fs.rmSync(this.o.stateDir, { recursive: true, force: true });
    }
  }
}

/** The files a docker-target rehearsal writes into the bundle directory (they hold passwords and secrets). */
export const REHEARSAL_FILES: readonly string[] = ['.beanstack-local.docker-compose.yml', '.env'];

/** Removes the rehearsal's own files from a bundle directory. */
export function removeRehearsalFiles(bundleDir: string): void {
  for (const f of REHEARSAL_FILES) fs.rmSync(path.join(bundleDir, f), { force: true });
}

/** Removes every container, network and volume of a project's rehearsals (both targets); returns what it removed. */
export async function down(engine: Engine, project: string): Promise<{ containers: string[]; networks: string[]; volumes: string[] }> {
  const { composeProject } = namesFor(project);
  const ours = await engine.list(LABEL_PROJECT, project);
  const compose = await engine.list(COMPOSE_PROJECT_LABEL, composeProject);
  const containers = [...new Set([...ours.containers, ...compose.containers])].sort();
  const networks = [...new Set([...ours.networks, ...compose.networks])].sort();
  const volumes = [...new Set([...ours.volumes, ...compose.volumes])].sort();
  await engine.removeContainers(containers);
  try {
    await engine.removeNetworks(networks);
  } catch {
    // a container was attached meanwhile (e.g. a run still starting): remove what exists now and retry once
    const again = [...(await engine.list(LABEL_PROJECT, project)).containers, ...(await engine.list(COMPOSE_PROJECT_LABEL, composeProject)).containers];
    await engine.removeContainers(again);
    await engine.removeNetworks(networks);
  }
  await engine.removeVolumes(volumes);
  return { containers, networks, volumes };
}
