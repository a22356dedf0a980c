/**
 * Ports: what each container publishes on the instance, the container ports it only listens on, and
 * the web service — the one on host port 80, where Elastic Beanstalk's load balancer sends traffic.
 */
import type { HealthcheckConfig } from '../../compose/model';
import { servicePointer as sp } from '../collector';
import { own } from '../dict';
import { DEBUG_PORTS, HTTP_PORTS, isReservedHostPort, WEB_LIKE } from '../keys';
import { fromOverrideFile } from '../locations';
import type { PlanContext, PortMapping } from './context';

/** Short-syntax ranges the loader expanded (more entries than source items), as `8000-8001:80-81`. */
function portRanges(ctx: PlanContext, s: string): string[] | undefined {
  const svc = ctx.project.services[s];
  let sourceItems = 0;
  while (ctx.project.locations[sp(s, 'ports', sourceItems)] !== undefined) sourceItems++;
  if (sourceItems === 0 || svc.ports.length <= sourceItems) return undefined;
  const runs: string[] = [];
  for (let i = 0; i < svc.ports.length; i++) {
    let j = i;
    const num = (k: number) => Number(svc.ports[k].published);
    while (j + 1 < svc.ports.length && svc.ports[j + 1].published !== undefined && svc.ports[j].published !== undefined
      && num(j + 1) === num(j) + 1 && svc.ports[j + 1].target === svc.ports[j].target + 1 && svc.ports[j + 1].protocol === svc.ports[j].protocol) j++;
    if (j > i) runs.push(`${svc.ports[i].published}-${svc.ports[j].published}:${svc.ports[i].target}-${svc.ports[j].target}`);
    i = j;
  }
  return runs;
}

/** The ports a service publishes, and the TCP container ports it listens on without a host port. */
export function planPorts(ctx: PlanContext, s: string): { ports: PortMapping[]; exposed: number[] } {
  const { project, c, caps } = ctx;
  const svc = project.services[s];
  const x = ctx.overrides[s];
  const runs = portRanges(ctx, s);
  if (runs) c.fail('bundle/port-range', `services.${s}.ports publishes a port range${runs.length > 0 ? ` (${runs.join(', ')})` : ''}; Dockerrun maps single ports: publish the ports the app needs one by one`, sp(s, 'ports'));
  const ports: PortMapping[] = [];
  svc.ports.forEach((p, i) => {
    const pointer = sp(s, 'ports', i);
    if (p.published === undefined || p.published === '') {
      // the single target's proxy reaches the container port itself; elsewhere a random host port is unreachable
      if (!caps.containerPortReached) c.warn('bundle/unpublished-port', `services.${s}.ports[${i}] publishes container port ${p.target} on a random host port, which nothing can reach on Elastic Beanstalk; other containers reach it anyway`, s, pointer);
      return;
    }
    if (!/^\d+$/.test(p.published)) {
      c.fail('bundle/port-range', `services.${s}.ports[${i}]: host port range "${p.published}" cannot be published; Dockerrun maps single ports`, pointer);
      return;
    }
    if (p.protocol === 'sctp') {
      c.fail('bundle/port-protocol', `services.${s}.ports[${i}]: protocol sctp is not supported; use tcp or udp`, pointer);
      return;
    }
    const hostPort = Number(p.published);
    const debug = DEBUG_PORTS[p.target];
    if (debug && !fromOverrideFile(project, pointer) && !(x.keepPorts ?? []).includes(p.target)) {
      c.warn('bundle/debug-port', `services.${s}.ports[${i}] publishes ${p.target} (${debug}), a debug port, and is left out (publish it in a production override file or x-beanstack.keep_ports to keep it)`, s, pointer);
      return;
    }
    if (hostPort < 1 || hostPort > 65535) {
      c.fail('bundle/port-invalid', `services.${s}.ports[${i}]: host port ${hostPort} is outside 1-65535`, pointer);
      return;
    }
    if (isReservedHostPort(hostPort)) {
      c.fail('bundle/reserved-port', `services.${s}.ports[${i}]: host port ${hostPort} is reserved on ECS container instances (22, 2375, 2376, 51678-51680)`, pointer);
      return;
    }
    if (p.hostIp && p.hostIp !== '0.0.0.0' && p.hostIp !== '::') {
      c.warn('bundle/port-host-ip', `services.${s}.ports[${i}] binds to ${p.hostIp}; Dockerrun cannot bind an address, so the port is published on all interfaces of the instance (its security group still limits who reaches it)`, s, pointer);
    }
    ports.push({ port: { hostPort, containerPort: p.target, protocol: p.protocol === 'udp' ? 'udp' : 'tcp' }, pointer });
  });
  const exposed = [...new Set([
    ...svc.ports.filter((p) => (p.published === undefined || p.published === '') && p.protocol !== 'udp').map((p) => p.target),
    ...svc.expose.filter((e) => /^\d+$/.test(e)).map(Number),
  ])];
  if (x.hostPort !== undefined) {
    const candidates = [...new Set([...ports.filter((p) => p.port.protocol === 'tcp').map((p) => p.port.containerPort), ...exposed])];
    const containerPort = x.containerPort ?? (candidates.length === 1 ? candidates[0] : undefined);
    if (containerPort === undefined) {
      c.fail('bundle/host-port-ambiguous', `services.${s}.x-beanstack.host_port: ${candidates.length === 0 ? 'the service publishes and exposes no port' : `the service has several ports (${candidates.join(', ')})`}; set x-beanstack.container_port`, sp(s, 'x-beanstack', 'host_port'));
    } else {
      const rest = ports.filter((p) => !(p.port.protocol === 'tcp' && p.port.containerPort === containerPort));
      ports.length = 0;
      ports.push(...rest, { port: { hostPort: x.hostPort, containerPort, protocol: 'tcp' }, pointer: sp(s, 'x-beanstack', 'host_port') });
    }
  }
  return { ports, exposed };
}

/**
 * The published TCP port to move to host port 80 when no service publishes 80: the only publishing
 * service, or the only web-like one among several; its HTTP-looking port, else its lowest one.
 */
function chooseWebPort(ctx: PlanContext, kept: readonly string[]): { service: string; mapping: PortMapping } | undefined {
  const portsBy = ctx.portsBy;
  const publishers = kept.filter((s) => (own(portsBy, s) ?? []).some((p) => p.port.protocol === 'tcp'));
  let chosen: string | undefined;
  if (publishers.length === 1) chosen = publishers[0];
  else {
    const webLike = publishers.filter((s) => WEB_LIKE.test(s) || WEB_LIKE.test(ctx.project.services[s].image ?? ''));
    const httpPorts = publishers.filter((s) => portsBy[s].some((p) => p.port.protocol === 'tcp' && HTTP_PORTS.includes(p.port.containerPort)));
    if (webLike.length === 1) chosen = webLike[0];
    else if (webLike.length === 0 && httpPorts.length === 1) chosen = httpPorts[0];
  }
  if (!chosen) return undefined;
  const tcp = portsBy[chosen].filter((p) => p.port.protocol === 'tcp');
  const ranked = [...tcp].sort((a, b) => {
    const ra = HTTP_PORTS.indexOf(a.port.containerPort);
    const rb = HTTP_PORTS.indexOf(b.port.containerPort);
    return (ra < 0 ? 99 : ra) - (rb < 0 ? 99 : rb) || a.port.containerPort - b.port.containerPort;
  });
  return { service: chosen, mapping: ranked[0] };
}

/** The service on host port 80 (publishing it there when it is clear which one serves HTTP). */
export function planWebService(ctx: PlanContext, kept: readonly string[]): string | undefined {
  const { top, c, portsBy } = ctx;
  if (top.web && kept.includes(top.web) && own(portsBy, top.web) && !portsBy[top.web].some((p) => p.port.hostPort === 80 && p.port.protocol === 'tcp')) {
    const ps = portsBy[top.web].filter((p) => p.port.protocol === 'tcp');
    const exposed = own(ctx.planned, top.web)?.exposed ?? [];
    const containerPort = ps.length === 1 ? ps[0].port.containerPort : ps.length === 0 && exposed.length === 1 ? exposed[0] : undefined;
    if (containerPort === undefined) {
      c.fail('bundle/host-port-ambiguous', `x-beanstack.web: service "${top.web}" has ${ps.length === 0 ? 'no port' : 'several ports'}; set x-beanstack.host_port and container_port on it`, '/x-beanstack/web');
    } else {
      portsBy[top.web] = [...portsBy[top.web].filter((p) => p !== ps[0]), { port: { hostPort: 80, containerPort, protocol: 'tcp' }, pointer: '/x-beanstack/web' }];
    }
  }
  const on80 = kept.filter((s) => own(portsBy, s)?.some((p) => p.port.hostPort === 80 && p.port.protocol === 'tcp'));
  if (on80.length >= 1) return on80[0];
  if (!ctx.caps.multipleContainers) return undefined;
  const choice = chooseWebPort(ctx, kept);
  if (choice) {
    const { service: s, mapping: old } = choice;
    portsBy[s] = portsBy[s].map((p) => (p === old ? { port: { ...p.port, hostPort: 80 }, pointer: p.pointer } : p));
    c.warn('bundle/web-port-remapped', `services.${s} publishes container port ${old.port.containerPort} on host port 80 instead of ${old.port.hostPort}: Elastic Beanstalk's load balancer sends traffic to port 80 of the instance (set x-beanstack.web or host_port to choose another)`, s, old.pointer);
    return s;
  }
  if (ctx.caps.composeNative) {
    c.fail('bundle/no-web-port', 'no service publishes host port 80, where the Docker platform sends load-balancer traffic, and none can be chosen: set top-level `x-beanstack: { web: <service> }` or `x-beanstack: { host_port: 80 }` on the service that serves HTTP', '/services');
  } else {
    c.warn('bundle/no-web-port', `no service publishes host port 80, where Elastic Beanstalk's load balancer sends traffic; set x-beanstack.host_port: 80 on the service that serves the app (or top-level x-beanstack.web)`, undefined, '/services');
  }
  return undefined;
}

/** Each host port can be published once (per protocol). */
export function checkHostPorts(ctx: PlanContext, kept: readonly string[]): void {
  const seen = new Map<string, string>();
  for (const s of kept) {
    for (const { port, pointer } of own(ctx.portsBy, s) ?? []) {
      const key = `${port.hostPort}/${port.protocol}`;
      const prev = seen.get(key);
      if (prev !== undefined) {
        ctx.c.fail('bundle/duplicate-host-port', `services.${s}: host port ${port.hostPort}/${port.protocol} is already published by ${prev}; each host port can be published once`, pointer);
      } else {
        seen.set(key, `services.${s}`);
      }
    }
  }
}

/** The load balancer's health check path a curl/wget healthcheck probes. */
export function healthPathFrom(hc: HealthcheckConfig | undefined): string | undefined {
  if (!hc?.test || hc.test[0] === 'NONE') return undefined;
  const text = hc.test.slice(1).join(' ');
  const m = /https?:\/\/(?:localhost|127\.0\.0\.1|0\.0\.0\.0)(?::\d+)?(\/[^\s'"|;&]*)?/.exec(text);
  if (!m) return undefined;
  return m[1] && m[1].length > 0 ? m[1] : '/';
}
