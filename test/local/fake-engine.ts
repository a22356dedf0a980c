/**
 * An in-memory Engine for unit tests: records every call, keeps containers/networks with labels,
 * and lets a test make a container exit.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import type {
  BuildRequest, ContainerSpec, ContainerState, Engine, EngineInfo, LineSink, LogFollower, ResourceList,
} from '../../lib/local/engine';

interface FakeContainer {
  spec: ContainerSpec;
  running: boolean;
  exitCode: number;
  oomKilled: boolean;
  ports: Record<string, number>;
  logs: string[];
  waiters: ((code: number) => void)[];
  health?: string;
}

export class FakeEngine implements Engine {
  readonly calls: string[] = [];
  readonly containers = new Map<string, FakeContainer>();
  readonly networks = new Map<string, Record<string, string>>();
  readonly images = new Map<string, Record<string, string>>();
  /** Host port given to each published container port, by `container/port`. */
  readonly hostPorts: Record<string, number> = {};
  /** Log lines a container prints when it starts, by container name. */
  readonly startLogs: Record<string, string[]> = {};
  /** Restart policy reported for a container, by name. */
  readonly restartPolicies: Record<string, string> = {};
  /** Containers `compose up --no-start` creates: service → container port published (or none). */
  composeServices: Record<string, number | undefined> = {};
  memoryLimit = true;
  closed = false;
  private nextPort = 40000;

  async info(): Promise<EngineInfo> {
    this.calls.push('info');
    return { serverVersion: '20.10.24', apiVersion: '1.41', memoryLimit: this.memoryLimit, cgroupVersion: '1', buildKit: false };
  }

  async imageId(ref: string): Promise<string | undefined> {
    return this.images.has(ref) ? `sha256:${ref.length}` : undefined;
  }

  async imageLabels(ref: string): Promise<Readonly<Record<string, string>> | undefined> {
    return this.images.get(ref);
  }

  async build(req: BuildRequest, onLine: LineSink): Promise<void> {
    this.calls.push(`build ${req.tag} ${req.dockerfile}${req.target ? ` target=${req.target}` : ''} ${req.platform ?? ''}`.trim());
    onLine('Step 1/1 : FROM scratch');
    this.images.set(req.tag, { ...req.labels });
  }

  async tag(source: string, target: string): Promise<void> {
    this.calls.push(`tag ${source} ${target}`);
    this.images.set(target, { ...(this.images.get(source) ?? {}) });
  }

  async push(ref: string): Promise<void> {
    this.calls.push(`push ${ref}`);
  }

  async pull(ref: string): Promise<void> {
    this.calls.push(`pull ${ref}`);
    this.images.set(ref, {});
  }

  async removeImage(ref: string): Promise<void> {
    this.calls.push(`rmi ${ref}`);
    this.images.delete(ref);
  }

  async listTags(repository: string): Promise<string[]> {
    return [...this.images.keys()].filter((k) => k.startsWith(`${repository}:`)).sort();
  }

  async createNetwork(name: string, labels: Readonly<Record<string, string>>): Promise<void> {
    this.calls.push(`network create ${name}`);
    this.networks.set(name, { ...labels });
  }

  async connectNetwork(network: string, container: string): Promise<void> {
    this.calls.push(`network connect ${network} ${container}`);
  }

  async run(spec: ContainerSpec): Promise<void> {
    this.calls.push(`run ${spec.name}`);
    if (this.containers.get(spec.name)) throw new Error(`container ${spec.name} exists`);
    const ports: Record<string, number> = {};
    for (const p of spec.ports ?? []) {
      ports[`${p.containerPort}/${p.protocol}`] = this.hostPorts[`${spec.name}/${p.containerPort}`] ?? p.hostPort ?? this.nextPort++;
    }
    this.containers.set(spec.name, { spec, running: true, exitCode: 0, oomKilled: false, ports, logs: [...(this.startLogs[spec.name] ?? [])], waiters: [] });
  }

  /** Makes a container stop with an exit code. */
  exit(name: string, code: number, oomKilled = false): void {
    const c = this.containers.get(name);
    if (!c || !c.running) return;
    c.running = false;
    c.exitCode = code;
    c.oomKilled = oomKilled;
    for (const w of c.waiters.splice(0)) w(code);
  }

  async inspect(name: string): Promise<ContainerState | undefined> {
    const c = this.containers.get(name);
    if (!c) return undefined;
    return {
      name,
      running: c.running,
      status: c.running ? 'running' : 'exited',
      exitCode: c.exitCode,
      oomKilled: c.oomKilled,
      ports: c.ports,
      labels: c.spec.labels,
      ...(c.health ? { health: c.health } : {}),
      ...(this.restartPolicies[name] ? { restartPolicy: this.restartPolicies[name] } : {}),
    };
  }

  wait(name: string): Promise<number> {
    const c = this.containers.get(name);
    if (!c) return Promise.resolve(-1);
    if (!c.running) return Promise.resolve(c.exitCode);
    return new Promise((resolve) => c.waiters.push(resolve));
  }

  async logs(name: string, tail: number): Promise<string[]> {
    return (this.containers.get(name)?.logs ?? []).slice(-tail);
  }

  followLogs(name: string, onLine: LineSink): LogFollower {
    for (const l of this.containers.get(name)?.logs ?? []) onLine(l);
    return { stop: () => undefined, done: Promise.resolve() };
  }

  async stop(name: string): Promise<void> {
    this.calls.push(`stop ${name}`);
    this.exit(name, 0);
  }

  async removeContainers(names: readonly string[]): Promise<void> {
    for (const n of names) {
      this.calls.push(`rm ${n}`);
      this.exit(n, 137);
      this.containers.delete(n);
    }
  }

  async removeNetworks(names: readonly string[]): Promise<void> {
    for (const n of names) {
      this.calls.push(`network rm ${n}`);
      this.networks.delete(n);
    }
  }

  async removeVolumes(names: readonly string[]): Promise<void> {
    for (const n of names) this.calls.push(`volume rm ${n}`);
  }

  async list(label: string, value: string): Promise<ResourceList> {
    const containers = [...this.containers.entries()].filter(([, c]) => c.spec.labels[label] === value).map(([n]) => n).sort();
    const networks = [...this.networks.entries()].filter(([, l]) => l[label] === value).map(([n]) => n).sort();
    return { containers, networks, volumes: [] };
  }

  close(): void {
    this.closed = true;
  }

  /** Behave like Compose v2 (env files interpolated). */
  composeV2 = false;

  async composeInterpolatesEnvFiles(): Promise<boolean> {
    return this.composeV2;
  }

  /** The files of the compose directory while each compose command ran (name → text and mode). */
  readonly composeDirectories: Record<string, { text: string; mode: number }>[] = [];

  async compose(args: readonly string[], cwd?: string): Promise<number> {
    this.calls.push(`compose ${args.join(' ')}`);
    const seen: Record<string, { text: string; mode: number }> = {};
    for (const name of cwd && fs.existsSync(cwd) ? fs.readdirSync(cwd).sort() : []) {
      const st = fs.lstatSync(path.join(cwd!, name));
      if (st.isFile()) seen[name] = { text: fs.readFileSync(path.join(cwd!, name), 'utf8'), mode: st.mode & 0o777 };
    }
    this.composeDirectories.push(seen);
    const project = args[args.indexOf('--project-name') + 1];
    if (args.includes('up')) {
      const labels = { 'com.docker.compose.project': project };
      this.networks.set(`${project}_default`, labels);
      // services with a container_name (the rehearsal's RDS stand-ins) run under that name
      const file = args.includes('--file') && cwd ? path.join(cwd, args[args.indexOf('--file') + 1]) : undefined;
      const doc = file && fs.existsSync(file) ? (parse(fs.readFileSync(file, 'utf8')) as { services?: Record<string, { container_name?: string; image?: string; ports?: string[] }> }) : {};
      for (const [service, svc] of Object.entries(doc.services ?? {})) {
        if (!svc.container_name) continue;
        await this.run({
          name: svc.container_name, image: svc.image ?? service, network: `${project}_default`, env: {},
          ports: (svc.ports ?? []).map((p) => ({ hostIp: '127.0.0.1', containerPort: Number(p.split(':').pop()), protocol: 'tcp' as const })),
          labels: { ...labels, 'com.docker.compose.service': service },
        });
      }
      for (const [service, port] of Object.entries(this.composeServices)) {
        await this.run({
          name: `${project}_${service}_1`, image: service, network: `${project}_default`, env: {},
          ports: port ? [{ hostIp: '127.0.0.1', containerPort: port, protocol: 'tcp' }] : [],
          labels: { ...labels, 'com.docker.compose.service': service },
        });
      }
    }
    return 0;
  }
}
