/**
 * Maps two independent views of one compose project to a single comparable shape:
 *
 * - the output of Debian's docker-compose 1.29.2 (`docker-compose config`, parsed YAML), and
 * - our normalized `ComposeProject`.
 *
 * The canonical shape keeps what both implement and spells it one way (ports as
 * `ip|published|target|protocol`, durations in ms, sizes in bytes, command lines as word lists,
 * `env_file` values merged under `environment` as Compose runs them). Every key of the oracle's
 * output must have a handler here: an unknown key throws, so a corpus that grows cannot make the
 * comparison silently skip something.
 *
 * Legitimate differences between 1.29.2 and the current specification are normalized here, each
 * with its reference:
 *
 * - 1.29.2 prints `command`/`entrypoint` strings as written; the spec (05-services.md#command) and
 *   Compose v2 split them like a shell. We split the oracle's strings with Python's `shlex` (what
 *   1.29.2 itself runs at `up` time), not with our own splitter.
 * - 1.29.2 prints a healthcheck `test` string as is; 05-services.md#healthcheck: "If it's a string,
 *   it's equivalent to specifying CMD-SHELL followed by that string".
 * - 1.29.2 escapes `$` as `$$` in its output (so it can be re-read); we compare the values.
 * - 1.29.2 merges `env_file` values into `environment`; our model keeps them in `envFileValues`
 *   (model.ts) and `environment` wins (05-services.md#environment) — merged here the same way.
 * - We add the implicit `default` network (05-services.md#networks "implicit default network");
 *   1.29.2 leaves it out of `config` — dropped when the file does not declare it.
 * - 1.29.2 adds `name: <key>` to external networks/volumes; the name defaults to the key.
 * - `healthcheck.disable: true` is printed by 1.29.2 as `test: [NONE]`; the spec calls them
 *   equivalent (05-services.md#healthcheck).
 * - 1.29.2 prints `volumes_from` entries as `service:<name>`; the spec's form is `<name>`.
 * - 1.29.2 sorts a service's `secrets`/`configs` by name; their order carries no meaning
 *   (05-services.md#secrets) — both sides are sorted by source.
 * - Identical port entries (`"3000"` next to `"3000-3002"`) are kept once by our loader (the schema
 *   requires unique `ports` items, so `config` output stays loadable); 1.29.2 prints both — the
 *   oracle's list is de-duplicated the same way.
 * - A bare build arg (`- GIT_COMMIT`) missing from the environment: 1.29.2 prints `''`, build.md#args
 *   says the arg is not set (our `null`) — compared as `''`.
 * - Our short-syntax secret targets are filled in as `/run/secrets/<source>` (09-secrets.md);
 *   1.29.2 leaves them out — filled in here.
 * - 1.29.2 drops top-level `x-*` extensions from `config` output; Compose v2 keeps them
 *   (11-extension.md). They are not part of the comparison (render-config tests cover them).
 * - When a later file (or `extends`) replaces a volume with the same target, 1.29.2 moves the new
 *   entry to the end of the list; Compose v2 (compose-go `override/uncity.go`) and we keep it in
 *   the place of the entry it replaces (13-merge.md "Unique resources" says which entry survives,
 *   not where). The engine orders mounts by target path itself, so both sides are sorted by target.
 * - `extra_hosts` merged from two files with two addresses for one host: 1.29.2 keeps the later
 *   address only; Compose v2 (compose-go `mergeExtraHosts`) and we keep both (05-services.md#extra_hosts
 *   allows several addresses per host). The oracle cases avoid that conflict; merge.test.ts covers it.
 * - A secret of a later file with the same target as an earlier one (`target: api_key` over the
 *   short `- api_key`): 13-merge.md "Unique resources" keeps the later one only (so do Compose v2
 *   and we); 1.29.2 merges secrets by source and keeps both. The cases avoid it; merge.test.ts
 *   covers the spec's rule.
 * - Ports merged from two files: 1.29.2 sorts the merged list, Compose v2 and we keep the source
 *   order (13-merge.md "Sequence": appended). The order carries no meaning, so both are sorted.
 * - 1.29.2 cannot read a published port range in the long port syntax (`published: "9000-9001"`,
 *   05-services.md#ports); that form is covered by the normalize tests, not by the oracle cases.
 */
import type { ComposeProject } from '../../../lib/compose/model';
import { parseBytes, parseCpus, parseDuration } from '../../../lib/compose/units';

export type Canonical = Record<string, unknown>;
type Obj = Record<string, unknown>;

/** Splits command strings with Python's shlex (an implementation independent from ours). */
export type ShellSplit = (command: string) => string[];

function isMap(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Replaces `$$` by `$` in every string (1.29.2 escapes dollars in `config` output). */
function unescapeDollars(v: unknown): unknown {
  if (typeof v === 'string') return v.replace(/\$\$/g, '$');
  if (Array.isArray(v)) return v.map(unescapeDollars);
  if (isMap(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unescapeDollars(x)]));
  return v;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : String(v);
}

function sortRefs(refs: Obj[]): Obj[] {
  return [...refs].sort((a, b) => (String(a.source) < String(b.source) ? -1 : String(a.source) > String(b.source) ? 1 : 0));
}

/** Mounts sorted by container path (the engine orders mounts itself; see the header). */
function byTarget(mounts: Obj[]): Obj[] {
  return [...mounts].sort((a, b) => (String(a.target) < String(b.target) ? -1 : String(a.target) > String(b.target) ? 1 : 0));
}

function port(ip: string | undefined, published: string | undefined, target: number, protocol: string | undefined): string {
  return `${ip ?? ''}|${published ?? ''}|${target}|${protocol ?? 'tcp'}`;
}

function duration(v: unknown): number {
  const ms = parseDuration(v);
  if (ms === undefined) throw new Error(`oracle printed an unreadable duration ${JSON.stringify(v)}`);
  return ms;
}

function bytes(v: unknown): number {
  const n = parseBytes(v);
  if (n === undefined) throw new Error(`oracle printed an unreadable size ${JSON.stringify(v)}`);
  return n;
}

/** Keys copied as they are (after `$$` unescaping), same spelling on both sides. */
const PLAIN_KEYS = ['image', 'container_name', 'restart', 'hostname', 'user', 'platform', 'stop_signal', 'working_dir', 'network_mode', 'domainname'];
const BOOL_KEYS = ['stdin_open', 'tty', 'privileged', 'init', 'read_only'];
const LIST_KEYS = ['cap_add', 'cap_drop', 'links', 'external_links', 'dns', 'dns_search', 'tmpfs', 'profiles', 'volumes_from'];
/** Keys kept raw under `other` in our model. */
const OTHER_KEYS = ['runtime', 'security_opt', 'devices', 'pid', 'ipc', 'cgroup_parent', 'userns_mode', 'oom_score_adj', 'group_add', 'blkio_config', 'mem_swappiness'];

// ---------------------------------------------------------------------------------------------
// the oracle

export function canonicalFromOracle(raw: Obj, options: { copyDir: string; projectDir: string; split: ShellSplit }): Canonical {
  const doc = unescapeDollars(raw) as Obj;
  const fixPath = (p: string) => (p === options.copyDir || p.startsWith(options.copyDir + '/') ? options.projectDir + p.slice(options.copyDir.length) : p);
  const out: Canonical = {};
  for (const [key, value] of Object.entries(doc)) {
    if (key === 'version') continue;
    if (key === 'services') {
      const services: Obj = {};
      for (const [name, s] of Object.entries(value as Obj)) services[name] = oracleService(name, s as Obj, fixPath, options.split);
      out.services = services;
    } else if (key === 'networks' || key === 'volumes') {
      out[key] = Object.fromEntries(Object.entries(value as Obj).map(([n, v]) => [n, resource(n, (v ?? {}) as Obj)]));
    } else if (key === 'secrets' || key === 'configs') {
      out[key] = Object.fromEntries(
        Object.entries(value as Obj).map(([n, v]) => {
          const o = { ...(v as Obj) };
          if (typeof o.file === 'string') o.file = fixPath(o.file);
          return [n, resource(n, o)];
        }),
      );
    } else if (key.startsWith('x-')) {
      continue;
    } else {
      throw new Error(`canonicalizer: top-level key "${key}" of the oracle output is not handled`);
    }
  }
  return out;
}

function resource(name: string, v: Obj): Obj {
  const o: Obj = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === 'external') {
      if (x) o.external = true;
    } else if (k === 'driver_opts' || k === 'labels') {
      if (Object.keys(x as Obj).length) o[k] = Object.fromEntries(Object.entries(x as Obj).map(([a, b]) => [a, str(b)]));
    } else o[k] = x;
  }
  if (o.external && o.name === undefined) o.name = name;
  return o;
}

function oracleService(name: string, s: Obj, fixPath: (p: string) => string, split: ShellSplit): Obj {
  const o: Obj = {};
  for (const [key, v] of Object.entries(s)) {
    if (PLAIN_KEYS.includes(key)) o[key] = str(v);
    else if (BOOL_KEYS.includes(key)) o[key] = Boolean(v);
    else if (key === 'volumes_from') o[key] = (v as unknown[]).map((x) => str(x).replace(/^service:/, ''));
    else if (LIST_KEYS.includes(key)) o[key] = (v as unknown[]).map(str);
    else if (OTHER_KEYS.includes(key)) o[key] = v;
    else if (key === 'command' || key === 'entrypoint') o[key] = typeof v === 'string' ? split(v) : (v as unknown[]).map(str);
    else if (key === 'build') {
      const b = typeof v === 'string' ? { context: v } : (v as Obj);
      const c: Obj = {};
      for (const [bk, bv] of Object.entries(b)) {
        if (bk === 'context') c.context = fixPath(str(bv));
        else if (bk === 'args') c.args = Array.isArray(bv) ? Object.fromEntries(bv.map((a: string) => (a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, null]))) : Object.fromEntries(Object.entries(bv as Obj).map(([k, x]) => [k, x === null ? null : str(x)]));
        else if (bk === 'dockerfile' || bk === 'target' || bk === 'network') c[bk] = str(bv);
        else throw new Error(`canonicalizer: services.${name}.build.${bk} is not handled`);
      }
      o.build = c;
    } else if (key === 'environment') {
      o.environment = Object.fromEntries(Object.entries(v as Obj).map(([k, x]) => [k, x === null ? null : str(x)]));
    } else if (key === 'ports') {
      o.ports = (v as unknown[]).map((p) => {
        if (isMap(p)) return port(p.host_ip as string | undefined, p.published === undefined ? undefined : str(p.published), Number(p.target), p.protocol as string | undefined);
        // 1.29.2 prints short strings for entries with a host IP: "IP:PUBLISHED:TARGET[/PROTO]"
        const text = str(p);
        const slash = text.lastIndexOf('/');
        const proto = slash >= 0 ? text.slice(slash + 1) : undefined;
        const rest = slash >= 0 ? text.slice(0, slash) : text;
        const c1 = rest.lastIndexOf(':');
        const target = Number(rest.slice(c1 + 1));
        const hostPart = rest.slice(0, c1);
        const c2 = hostPart.lastIndexOf(':');
        return port(hostPart.slice(0, c2), hostPart.slice(c2 + 1) || undefined, target, proto);
      });
      o.ports = [...new Set(o.ports as string[])].sort();
    } else if (key === 'expose') {
      o.expose = (v as unknown[]).map(str);
    } else if (key === 'volumes') {
      o.volumes = (v as unknown[]).map((x) => {
        if (isMap(x)) {
          const m: Obj = { type: x.type, target: x.target, readOnly: Boolean(x.read_only) };
          if (x.source !== undefined) m.source = x.type === 'bind' ? fixPath(str(x.source)) : str(x.source);
          if (isMap(x.tmpfs) && x.tmpfs.size !== undefined) m.tmpfsSize = bytes(x.tmpfs.size);
          if (isMap(x.volume) && x.volume.nocopy) m.nocopy = true;
          return m;
        }
        const parts = str(x).split(':');
        if (parts.length === 1) return { type: 'volume', target: parts[0], readOnly: false };
        const [source, target, mode = ''] = parts;
        const options = mode.split(',');
        const m: Obj = { type: source.startsWith('/') ? 'bind' : 'volume', source: source.startsWith('/') ? fixPath(source) : source, target, readOnly: options.includes('ro') };
        const selinux = options.find((x2) => x2 === 'z' || x2 === 'Z');
        if (selinux) m.selinux = selinux;
        if (options.includes('nocopy')) m.nocopy = true;
        return m;
      });
      o.volumes = byTarget(o.volumes as Obj[]);
    } else if (key === 'depends_on') {
      o.depends_on = Object.fromEntries(Object.entries(v as Obj).map(([k, x]) => [k, (x as Obj).condition]));
    } else if (key === 'healthcheck') {
      const h = v as Obj;
      const c: Obj = {};
      for (const [hk, hv] of Object.entries(h)) {
        if (hk === 'test') c.test = typeof hv === 'string' ? (hv === 'NONE' ? ['NONE'] : ['CMD-SHELL', hv]) : (hv as unknown[]).map(str);
        else if (['interval', 'timeout', 'start_period'].includes(hk)) c[hk] = duration(hv);
        else if (hk === 'retries') c.retries = Number(hv);
        else if (hk === 'disable') c.disable = Boolean(hv);
        else throw new Error(`canonicalizer: services.${name}.healthcheck.${hk} is not handled`);
      }
      o.healthcheck = c;
    } else if (key === 'secrets' || key === 'configs') {
      o[key] = sortRefs((v as unknown[]).map((x) => {
        const r = isMap(x) ? x : { source: x };
        const c: Obj = { source: str(r.source) };
        let target = r.target === undefined ? undefined : str(r.target);
        if (key === 'secrets') target = target === undefined ? `/run/secrets/${c.source}` : target.startsWith('/') ? target : `/run/secrets/${target}`;
        if (target !== undefined) c.target = target;
        return c;
      }));
    } else if (key === 'networks') {
      o.networks = Object.fromEntries(
        Object.entries(v as Obj).map(([n, x]) => {
          if (x === null) return [n, null];
          const c: Obj = {};
          const m = x as Obj;
          if (Array.isArray(m.aliases) && m.aliases.length) c.aliases = m.aliases.map(str);
          if (m.ipv4_address !== undefined) c.ipv4_address = str(m.ipv4_address);
          if (m.ipv6_address !== undefined) c.ipv6_address = str(m.ipv6_address);
          return [n, Object.keys(c).length ? c : null];
        }),
      );
    } else if (key === 'labels' || key === 'sysctls') {
      o[key] = Array.isArray(v)
        ? Object.fromEntries(v.map((a: string) => [a.split('=')[0], a.includes('=') ? a.slice(a.indexOf('=') + 1) : '']))
        : Object.fromEntries(Object.entries(v as Obj).map(([k, x]) => [k, x === null ? '' : str(x)]));
    } else if (key === 'extra_hosts') {
      const hosts: Record<string, string[]> = {};
      if (isMap(v)) for (const [h, ip] of Object.entries(v)) hosts[h] = [str(ip)];
      else for (const e of v as string[]) {
        const at = e.indexOf(':');
        (hosts[e.slice(0, at)] ??= []).push(e.slice(at + 1));
      }
      o.extra_hosts = hosts;
    } else if (key === 'ulimits') {
      o.ulimits = Object.fromEntries(Object.entries(v as Obj).map(([k, x]) => [k, isMap(x) ? { soft: Number(x.soft), hard: Number(x.hard) } : { soft: Number(x), hard: Number(x) }]));
    } else if (key === 'mem_limit' || key === 'mem_reservation' || key === 'shm_size') {
      o[key] = bytes(v);
    } else if (key === 'memswap_limit') {
      o[key] = v === -1 || v === '-1' ? -1 : bytes(v);
    } else if (key === 'cpus') {
      o.cpus = parseCpus(v);
    } else if (key === 'stop_grace_period') {
      o.stop_grace_period = duration(v);
    } else if (key === 'logging') {
      const l = v as Obj;
      o.logging = { driver: l.driver, options: Object.fromEntries(Object.entries((l.options ?? {}) as Obj).map(([k, x]) => [k, str(x)])) };
    } else if (key === 'deploy') {
      o.deploy = oracleDeploy(name, v as Obj);
    } else {
      throw new Error(`canonicalizer: services.${name}.${key} of the oracle output is not handled`);
    }
  }
  return o;
}

function oracleDeploy(name: string, d: Obj): Obj {
  const o: Obj = {};
  for (const [k, v] of Object.entries(d)) {
    if (k === 'resources') {
      const r: Obj = {};
      for (const [rk, rv] of Object.entries(v as Obj)) {
        const vals: Obj = {};
        for (const [vk, vv] of Object.entries(rv as Obj)) {
          if (vk === 'memory') vals.memory = bytes(vv);
          else if (vk === 'cpus') vals.cpus = parseCpus(vv);
          else if (vk === 'pids') vals.pids = Number(vv);
          else vals[vk] = vv;
        }
        r[rk] = vals;
      }
      o.resources = r;
    } else if (k === 'replicas') o.replicas = Number(v);
    else if (k === 'mode') o.mode = v;
    else if (k === 'restart_policy') {
      const p = v as Obj;
      o.restart_policy = {
        ...(p.condition !== undefined ? { condition: p.condition } : {}),
        ...(p.delay !== undefined ? { delay: duration(p.delay) } : {}),
        ...(p.max_attempts !== undefined ? { max_attempts: Number(p.max_attempts) } : {}),
        ...(p.window !== undefined ? { window: duration(p.window) } : {}),
      };
    } else if (k === 'update_config' || k === 'rollback_config') o[k] = updateConfig(v as Obj);
    else throw new Error(`canonicalizer: services.${name}.deploy.${k} is not handled`);
  }
  return o;
}

/** `update_config` / `rollback_config` with `delay` and `monitor` in ms and `parallelism` a number (both sides). */
function updateConfig(c: Obj): Obj {
  const o: Obj = {};
  for (const [k, v] of Object.entries(c)) o[k] = k === 'delay' || k === 'monitor' ? duration(v) : k === 'parallelism' ? Number(v) : v;
  return o;
}

// ---------------------------------------------------------------------------------------------
// our model

export function canonicalFromModel(project: ComposeProject): Canonical {
  const out: Canonical = {};
  const implicitDefault = project.locations['/networks/default'] === undefined;
  const services: Obj = {};
  for (const [name, s] of Object.entries(project.services)) {
    const o: Obj = {};
    const set = (k: string, v: unknown) => {
      if (v === undefined) return;
      if (Array.isArray(v) && v.length === 0) return;
      if (isMap(v) && Object.keys(v).length === 0) return;
      o[k] = v;
    };
    set('image', s.image);
    set('container_name', s.containerName);
    set('restart', s.restart);
    set('hostname', s.hostname);
    set('user', s.user);
    set('platform', s.platform);
    set('stop_signal', s.stopSignal);
    set('working_dir', s.workingDir);
    set('network_mode', s.networkMode);
    set('domainname', s.domainname);
    set('stdin_open', s.stdinOpen);
    set('tty', s.tty);
    set('privileged', s.privileged);
    set('init', s.init);
    set('read_only', s.readOnly);
    set('cap_add', s.capAdd);
    set('cap_drop', s.capDrop);
    set('links', s.links);
    set('external_links', s.externalLinks);
    set('dns', s.dns);
    set('dns_search', s.dnsSearch);
    set('tmpfs', s.tmpfs);
    set('profiles', s.profiles);
    for (const k of [...OTHER_KEYS, 'volumes_from']) set(k, s.other[k]);
    if (s.command !== undefined && s.command !== null) o.command = [...s.command];
    if (s.entrypoint !== undefined && s.entrypoint !== null) o.entrypoint = [...s.entrypoint];
    if (s.build) {
      const b: Obj = { context: s.build.context };
      if (s.build.dockerfile !== undefined) b.dockerfile = s.build.dockerfile;
      if (s.build.target !== undefined) b.target = s.build.target;
      if (s.build.network !== undefined) b.network = s.build.network;
      // a bare build arg the environment lacks: 1.29.2 prints '', build.md#args says it is not set (our null)
      if (Object.keys(s.build.args).length) b.args = Object.fromEntries(Object.entries(s.build.args).map(([k, v]) => [k, v ?? '']));
      o.build = b;
    }
    const env: Record<string, string | null> = {};
    for (const [k, v] of Object.entries(s.envFileValues)) env[k] = v.value;
    Object.assign(env, s.environment);
    set('environment', env);
    set('ports', s.ports.map((p) => port(p.hostIp, p.published, p.target, p.protocol)).sort());
    set('expose', s.expose);
    set(
      'volumes',
      byTarget(s.volumes.map((v) => {
        const m: Obj = { type: v.type, target: v.target, readOnly: v.readOnly };
        if (v.source !== undefined) m.source = v.source;
        if (v.tmpfs?.sizeBytes !== undefined) m.tmpfsSize = v.tmpfs.sizeBytes;
        if (v.bind?.selinux) m.selinux = v.bind.selinux;
        if (v.volume?.nocopy) m.nocopy = true;
        return m;
      })),
    );
    set('depends_on', Object.fromEntries(Object.entries(s.dependsOn).map(([k, d]) => [k, d.condition])));
    if (s.healthcheck) {
      const h = s.healthcheck;
      const c: Obj = {};
      if (h.test) c.test = [...h.test];
      if (h.intervalMs !== undefined) c.interval = h.intervalMs;
      if (h.timeoutMs !== undefined) c.timeout = h.timeoutMs;
      if (h.startPeriodMs !== undefined) c.start_period = h.startPeriodMs;
      if (h.retries !== undefined) c.retries = h.retries;
      // 05-services.md#healthcheck: `disable: true` is the same as `test: ["NONE"]` (1.29.2 prints the latter)
      if (h.disable) c.test = ['NONE'];
      o.healthcheck = c;
    }
    set('secrets', sortRefs(s.secrets.map((r) => ({ source: r.source, ...(r.target !== undefined ? { target: r.target } : {}) }))));
    set('configs', sortRefs(s.configs.map((r) => ({ source: r.source, ...(r.target !== undefined ? { target: r.target } : {}) }))));
    const nets: Obj = {};
    for (const [n, c] of Object.entries(s.networks)) {
      if (n === 'default' && implicitDefault) continue;
      if (c === null) nets[n] = null;
      else {
        const m: Obj = {};
        if (c.aliases.length) m.aliases = [...c.aliases];
        if (c.ipv4Address !== undefined) m.ipv4_address = c.ipv4Address;
        if (c.ipv6Address !== undefined) m.ipv6_address = c.ipv6Address;
        nets[n] = Object.keys(m).length ? m : null;
      }
    }
    set('networks', nets);
    set('labels', s.labels);
    set('sysctls', s.sysctls);
    set('extra_hosts', s.extraHosts);
    set('ulimits', s.ulimits);
    set('mem_limit', s.memLimitBytes);
    set('mem_reservation', s.memReservationBytes);
    set('memswap_limit', s.memswapLimitBytes);
    set('shm_size', s.shmSizeBytes);
    set('cpus', s.cpus);
    set('stop_grace_period', s.stopGracePeriodMs);
    if (s.logging) o.logging = { driver: s.logging.driver, options: { ...s.logging.options } };
    if (s.deploy) {
      const d = s.deploy;
      const c: Obj = {};
      if (d.mode !== undefined) c.mode = d.mode;
      if (d.replicas !== undefined) c.replicas = d.replicas;
      if (d.resources) {
        const r: Obj = {};
        for (const [rk, rv] of Object.entries(d.resources)) {
          if (!rv) continue;
          const vals: Obj = {};
          if (rv.memoryBytes !== undefined) vals.memory = rv.memoryBytes;
          if (rv.cpus !== undefined) vals.cpus = rv.cpus;
          if (rv.pids !== undefined) vals.pids = rv.pids;
          const res = rv as { devices?: unknown[] };
          if (res.devices) vals.devices = res.devices;
          r[rk] = vals;
        }
        c.resources = r;
      }
      if (d.restartPolicy) {
        const p = d.restartPolicy;
        c.restart_policy = {
          ...(p.condition !== undefined ? { condition: p.condition } : {}),
          ...(p.delayMs !== undefined ? { delay: p.delayMs } : {}),
          ...(p.maxAttempts !== undefined ? { max_attempts: p.maxAttempts } : {}),
          ...(p.windowMs !== undefined ? { window: p.windowMs } : {}),
        };
      }
      for (const k of ['update_config', 'rollback_config']) if (isMap(d.other[k])) c[k] = updateConfig(d.other[k] as Obj);
      o.deploy = c;
    }
    services[name] = o;
  }
  out.services = services;
  const res = (rec: Readonly<Record<string, { name?: string; driver?: string; driverOpts?: Readonly<Record<string, string>>; external: boolean; labels: Readonly<Record<string, string>>; other: Readonly<Record<string, unknown>>; file?: string; environment?: string; content?: string }>>, skipDefault: boolean) => {
    const o: Obj = {};
    for (const [n, r] of Object.entries(rec)) {
      if (skipDefault && n === 'default' && implicitDefault) continue;
      const c: Obj = {};
      if (r.name !== undefined) c.name = r.name;
      if (r.driver !== undefined) c.driver = r.driver;
      if (r.driverOpts && Object.keys(r.driverOpts).length) c.driver_opts = { ...r.driverOpts };
      if (r.external) {
        c.external = true;
        if (c.name === undefined) c.name = n;
      }
      if (Object.keys(r.labels).length) c.labels = { ...r.labels };
      if (r.file !== undefined) c.file = r.file;
      if (r.environment !== undefined) c.environment = r.environment;
      if (r.content !== undefined) c.content = r.content;
      for (const [k, v] of Object.entries(r.other)) c[k] = v;
      o[n] = c;
    }
    return o;
  };
  const nets = res(project.networks, true);
  if (Object.keys(nets).length) out.networks = nets;
  for (const k of ['volumes', 'secrets', 'configs'] as const) {
    const r = res(project[k], false);
    if (Object.keys(r).length) out[k] = r;
  }
  return out;
}
