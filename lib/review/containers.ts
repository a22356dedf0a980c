/**
 * The container view: the Dockerrun.aws.json (v2 or v1) or production docker-compose.yml inside each
 * Elastic Beanstalk source bundle, diffed per container in compose terms — image (and which
 * service's build changed), environment variables added / removed / changed (secret values never
 * shown), ports, memory, links, mounts, and the rest.
 */
import { parse as parseYaml } from 'yaml';
import type { Assembly, AssemblyReader, FileAsset, ImageAsset } from './assembly';
import type { StackDiffResult } from './stack-diff';
import type { BundleReview, ContainerChange, EnvChange } from './types';
import { HIDDEN, isSecret, render, shorten } from './values';
import { isObject } from '../util/json';

type Json = Record<string, unknown>;

/** A container in compose terms. */
export interface ContainerModel {
  readonly name: string;
  readonly image?: string;
  /** Plain variables. */
  readonly environment: Readonly<Record<string, string>>;
  /** Variables from secrets: name → where from (never the value). */
  readonly secrets: Readonly<Record<string, string>>;
  /** Compose key → rendered value. */
  readonly settings: Readonly<Record<string, string>>;
}

export interface BundleModel {
  readonly format: BundleReview['format'];
  readonly containers: readonly ContainerModel[];
  readonly settings: Readonly<Record<string, string>>;
}

const MAIN_FILES = ['Dockerrun.aws.json', 'docker-compose.yml', 'docker-compose.yaml'];

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Dockerrun v2 container definition → compose terms. */
function fromDockerrunV2(c: Json): ContainerModel {
  const environment: Record<string, string> = {};
  for (const e of list(c.environment)) if (isObject(e) && typeof e.name === 'string') environment[e.name] = String(e.value ?? '');
  const secrets: Record<string, string> = {};
  for (const e of list(c.secrets)) if (isObject(e) && typeof e.name === 'string') secrets[e.name] = String(e.valueFrom ?? '');
  const s: Record<string, string> = {};
  const set = (k: string, v: unknown, f: (x: unknown) => string = render): void => {
    if (v !== undefined) s[k] = f(v);
  };
  set('ports', c.portMappings, (v) => list(v).map((p) => (isObject(p) ? `${p.hostPort !== undefined ? `${p.hostPort}:` : ''}${p.containerPort}${p.protocol && p.protocol !== 'tcp' ? `/${p.protocol}` : ''}` : str(p))).join(', '));
  set('mem_limit', c.memory, (v) => `${v}m`);
  set('mem_reservation', c.memoryReservation, (v) => `${v}m`);
  set('cpu_shares', c.cpu);
  set('links', c.links, (v) => list(v).map(String).join(', '));
  set('volumes', c.mountPoints, (v) => list(v).map((m) => (isObject(m) ? `${m.sourceVolume}:${m.containerPath}${m.readOnly ? ':ro' : ''}` : str(m))).join(', '));
  set('volumes_from', c.volumesFrom, (v) => list(v).map((m) => (isObject(m) ? `${m.sourceContainer}${m.readOnly ? ':ro' : ''}` : str(m))).join(', '));
  set('command', c.command, (v) => list(v).map(String).join(' '));
  set('entrypoint', c.entryPoint, (v) => list(v).map(String).join(' '));
  set('essential', c.essential);
  set('working_dir', c.workingDirectory);
  set('user', c.user);
  set('hostname', c.hostname);
  set('privileged', c.privileged);
  set('read_only', c.readonlyRootFilesystem);
  set('extra_hosts', c.extraHosts, (v) => list(v).map((h) => (isObject(h) ? `${h.hostname}:${h.ipAddress}` : str(h))).join(', '));
  set('dns', c.dnsServers);
  set('dns_search', c.dnsSearchDomains);
  set('ulimits', c.ulimits);
  set('labels', c.dockerLabels);
  set('logging', c.logConfiguration);
  set('healthcheck', c.healthCheck);
  set('depends_on', c.dependsOn, (v) => list(v).map((d) => (isObject(d) ? `${d.containerName} (${String(d.condition).toLowerCase()})` : str(d))).join(', '));
  set('stop_grace_period', c.stopTimeout, (v) => `${v}s`);
  return { name: String(c.name), ...(typeof c.image === 'string' ? { image: c.image } : {}), environment, secrets, settings: s };
}

/** A production compose service → the same model. */
function fromComposeService(name: string, svc: Json): ContainerModel {
  const environment: Record<string, string> = {};
  if (Array.isArray(svc.environment)) {
    for (const e of svc.environment) {
      const t = String(e);
      const eq = t.indexOf('=');
      environment[eq < 0 ? t : t.slice(0, eq)] = eq < 0 ? '' : t.slice(eq + 1);
    }
  } else if (isObject(svc.environment)) {
    for (const [k, v] of Object.entries(svc.environment)) environment[k] = v === null ? '' : String(v);
  }
  const settings: Record<string, string> = {};
  for (const k of Object.keys(svc).sort()) {
    if (k === 'image' || k === 'environment') continue;
    const v = svc[k];
    settings[k] = Array.isArray(v) && v.every((x) => typeof x !== 'object') ? v.map(String).join(', ') : render(v);
  }
  return { name, ...(typeof svc.image === 'string' ? { image: svc.image } : {}), environment, secrets: {}, settings };
}

/** Parses the main file of a bundle; undefined when it cannot be read. */
export function parseBundle(file: string, text: string): BundleModel | undefined {
  try {
    if (file.endsWith('.json')) {
      const d = JSON.parse(text) as Json;
      if (String(d.AWSEBDockerrunVersion) === '2') {
        const settings: Record<string, string> = {};
        if (d.volumes !== undefined) settings.volumes = list(d.volumes).map((v) => (isObject(v) && isObject(v.host) ? `${v.name}: ${v.host.sourcePath}` : str(v))).join(', ');
        if (d.executionRoleArn !== undefined) settings.executionRoleArn = String(d.executionRoleArn);
        return { format: 'dockerrun-v2', containers: list(d.containerDefinitions).filter(isObject).map(fromDockerrunV2), settings };
      }
      if (String(d.AWSEBDockerrunVersion) === '1') {
        const img = isObject(d.Image) ? d.Image : {};
        const s: Record<string, string> = {};
        if (d.Ports !== undefined) s.ports = list(d.Ports).map((p) => (isObject(p) ? `${p.HostPort ?? ''}${p.HostPort !== undefined ? ':' : ''}${p.ContainerPort}` : str(p))).join(', ');
        if (d.Volumes !== undefined) s.volumes = list(d.Volumes).map((v) => (isObject(v) ? `${v.HostDirectory}:${v.ContainerDirectory}` : str(v))).join(', ');
        if (d.Command !== undefined) s.command = String(d.Command);
        if (d.Entrypoint !== undefined) s.entrypoint = String(d.Entrypoint);
        if (d.Logging !== undefined) s.logging = String(d.Logging);
        return { format: 'dockerrun-v1', containers: [{ name: 'app', ...(typeof img.Name === 'string' ? { image: img.Name } : {}), environment: {}, secrets: {}, settings: s }], settings: {} };
      }
      return undefined;
    }
    const doc = parseYaml(text) as Json;
    if (!isObject(doc) || !isObject(doc.services)) return undefined;
    const settings: Record<string, string> = {};
    for (const k of ['volumes', 'networks', 'secrets']) if (doc[k] !== undefined) settings[k] = render(doc[k]);
    return {
      format: 'compose',
      containers: Object.keys(doc.services).sort().map((n) => fromComposeService(n, isObject((doc.services as Json)[n]) ? ((doc.services as Json)[n] as Json) : {})),
      settings,
    };
  } catch {
    return undefined;
  }
}

function envValue(name: string, v: string): string {
  return isSecret(name, v) && v.length > 0 ? HIDDEN : shorten(v, 120);
}

function imageTag(image: string | undefined): string | undefined {
  const m = image ? /:([0-9a-f]{64})$/.exec(image) : null;
  return m ? m[1] : undefined;
}

function shortImage(image: string | undefined): string | undefined {
  if (!image) return undefined;
  const tag = imageTag(image);
  if (tag) return `${image.slice(image.lastIndexOf('/') + 1, image.lastIndexOf(':'))}:${tag.slice(0, 12)}… (built asset)`;
  return image;
}

function fileChanges(a: Readonly<Record<string, string>> | undefined, b: Readonly<Record<string, string>> | undefined): string[] {
  const out: string[] = [];
  const keys = [...new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})])].sort();
  for (const k of keys) {
    const x = a?.[k];
    const y = b?.[k];
    if (x === y) continue;
    out.push(x === undefined ? `+ ${k}` : y === undefined ? `- ${k}` : `~ ${k}`);
  }
  return out;
}

/** Diffs two bundles' containers. */
export function diffBundles(base: BundleModel | undefined, head: BundleModel | undefined, images: { base?: Assembly; head: Assembly }): { containers: ContainerChange[]; settings: string[] } {
  const byName = (m: BundleModel | undefined) => new Map((m?.containers ?? []).map((c) => [c.name, c]));
  const a = byName(base);
  const b = byName(head);
  const names = [...new Set([...a.keys(), ...b.keys()])].sort();
  const findImage = (asm: Assembly | undefined, tag: string | undefined): ImageAsset | undefined => (tag && asm ? asm.imageAssets.find((i) => i.hash === tag || i.imageTags.includes(tag)) : undefined);
  const out: ContainerChange[] = [];
  for (const n of names) {
    const x = a.get(n);
    const y = b.get(n);
    const environment: EnvChange[] = [];
    const settings: string[] = [];
    let image: ContainerChange['image'];
    if (x?.image !== y?.image) {
      const oldAsset = findImage(images.base, imageTag(x?.image)) ?? findImage(images.head, imageTag(x?.image));
      const newAsset = findImage(images.head, imageTag(y?.image));
      const rebuilt = newAsset?.displayName ?? (imageTag(y?.image) ? n : undefined);
      const files = oldAsset && newAsset ? fileChanges(oldAsset.files, newAsset.files) : undefined;
      image = {
        ...(x?.image ? { old: shortImage(x.image) } : {}),
        ...(y?.image ? { new: shortImage(y.image) } : {}),
        ...(rebuilt && imageTag(x?.image) && imageTag(y?.image) ? { rebuilt } : {}),
        ...(files && files.length > 0 ? { files } : {}),
      };
    }
    const envA = { ...(x?.environment ?? {}) };
    const envB = { ...(y?.environment ?? {}) };
    for (const k of [...new Set([...Object.keys(envA), ...Object.keys(envB)])].sort()) {
      if (!(k in envA)) environment.push({ name: k, change: 'added', value: envValue(k, envB[k]) });
      else if (!(k in envB)) environment.push({ name: k, change: 'removed', value: envValue(k, envA[k]) });
      else if (envA[k] !== envB[k]) {
        environment.push(isSecret(k, envA[k]) || isSecret(k, envB[k]) ? { name: k, change: 'changed', old: HIDDEN, new: HIDDEN } : { name: k, change: 'changed', old: shorten(envA[k], 120), new: shorten(envB[k], 120) });
      }
    }
    const secA = x?.secrets ?? {};
    const secB = y?.secrets ?? {};
    for (const k of [...new Set([...Object.keys(secA), ...Object.keys(secB)])].sort()) {
      if (!(k in secA)) environment.push({ name: k, change: 'added', value: `secret from ${secB[k]}` });
      else if (!(k in secB)) environment.push({ name: k, change: 'removed', value: `secret from ${secA[k]}` });
      else if (secA[k] !== secB[k]) environment.push({ name: k, change: 'changed', old: `secret from ${secA[k]}`, new: `secret from ${secB[k]}` });
    }
    const sa = x?.settings ?? {};
    const sb = y?.settings ?? {};
    for (const k of [...new Set([...Object.keys(sa), ...Object.keys(sb)])].sort()) {
      if (sa[k] === sb[k]) continue;
      settings.push(k in sa && k in sb ? `${k}: ${shorten(sa[k], 100)} → ${shorten(sb[k], 100)}` : k in sb ? `${k}: + ${shorten(sb[k], 100)}` : `${k}: - ${shorten(sa[k], 100)}`);
    }
    if (x && y && !image && environment.length === 0 && settings.length === 0) continue;
    out.push({ name: n, change: !x ? 'added' : !y ? 'removed' : 'changed', ...(image ? { image } : {}), environment, settings });
  }
  const bs = base?.settings ?? {};
  const hs = head?.settings ?? {};
  const top: string[] = [];
  for (const k of [...new Set([...Object.keys(bs), ...Object.keys(hs)])].sort()) {
    if (bs[k] === hs[k]) continue;
    top.push(`${k}: ${bs[k] !== undefined ? shorten(bs[k], 100) : '(none)'} → ${hs[k] !== undefined ? shorten(hs[k], 100) : '(none)'}`);
  }
  return { containers: out, settings: top };
}

function assetForKey(asm: Assembly | undefined, key: unknown): FileAsset | undefined {
  if (!asm || typeof key !== 'string') return undefined;
  return asm.fileAssets.find((f) => f.objectKeys.includes(key) || key.startsWith(f.hash));
}

function loadBundle(asset: FileAsset | undefined, reader: AssemblyReader): { main?: string; model?: BundleModel } {
  if (!asset) return {};
  const main = MAIN_FILES.find((f) => asset.files[f] !== undefined);
  if (!main) return {};
  const text = reader.readFile(`${asset.path}/${main}`);
  return text === undefined ? { main } : { main, model: parseBundle(main, text) };
}

/** Container views of every source bundle that changed in a stack. */
export function reviewBundles(s: StackDiffResult, base: Assembly | undefined, head: Assembly, reader: AssemblyReader): BundleReview[] {
  const out: BundleReview[] = [];
  for (const c of s.changes) {
    if (c.type !== 'AWS::ElasticBeanstalk::ApplicationVersion' || c.action === 'remove' || c.action === 'orphan') continue;
    const oldKey = (c.old?.Properties?.SourceBundle as Json | undefined)?.S3Key;
    const newKey = (c.new?.Properties?.SourceBundle as Json | undefined)?.S3Key;
    if (oldKey === newKey && c.action !== 'add') continue;
    const oldAsset = assetForKey(base, oldKey);
    const newAsset = assetForKey(head, newKey);
    const o = loadBundle(oldAsset, reader);
    const n = loadBundle(newAsset, reader);
    const diff = diffBundles(o.model, n.model, { ...(base ? { base } : {}), head });
    const files = fileChanges(oldAsset?.files, newAsset?.files).filter((f) => !MAIN_FILES.includes(f.slice(2)));
    out.push({
      stack: s.review.name,
      resource: c.path,
      format: n.model?.format ?? o.model?.format ?? 'unknown',
      containers: diff.containers,
      files,
      settings: diff.settings,
    });
  }
  return out;
}
