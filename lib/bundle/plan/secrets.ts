/**
 * Secrets while planning: which variables become Beanstalk environment secrets, the values that must
 * not appear in any artifact (searched for in commands, labels and other values in time linear in
 * the text), and the rule that one secret name carries one value for every container.
 */
import { secretValueReason, isSecretName } from '../../secrets';
import { servicePointer as sp } from '../collector';
import { MIN_SECRET_LENGTH } from '../keys';
import type { RequiredSecret } from '../types';
import type { PlanContext } from './context';
import { byString } from '../../util/order';
import { interpolationReferences } from './database-facts';

/**
 * Why a variable is a secret, or undefined: its name, a value interpolated from a secret-named
 * variable (`STRIPE: ${STRIPE_SECRET_KEY}`), or its value (credentials in a URL, a token shape, a long
 * random string — lib/secrets.ts).
 */
export function secretOf(name: string, value: string | null, template: string | undefined): string | undefined {
  if (isSecretName(name)) return 'its name';
  const from = interpolationReferences(template).find((r) => isSecretName(r));
  if (from !== undefined) return `the value of \${${from}}`;
  return value ? secretValueReason(value) : undefined;
}

/**
 * Secret values and what holds them, searchable in one pass over a text: values are indexed by their
 * first `MIN_SECRET_LENGTH` characters, so a search looks up each position of the text once.
 */
export class SecretValues {
  /** Value → what holds it and when it was added (the order `within` answers in). */
  private readonly holders = new Map<string, { readonly holder: string; readonly order: number }>();
  private readonly byPrefix = new Map<string, string[]>();

  add(value: string, holder: string): void {
    if (value.length < MIN_SECRET_LENGTH || this.holders.has(value)) return;
    this.holders.set(value, { holder, order: this.holders.size });
    const key = value.slice(0, MIN_SECRET_LENGTH);
    const sameStart = this.byPrefix.get(key);
    if (sameStart) sameStart.push(value);
    else this.byPrefix.set(key, [value]);
  }

  holderOf(value: string): string | undefined {
    return this.holders.get(value)?.holder;
  }

  /** The secret values that occur in `text`, in the order they were added (time linear in the text, not in the number of values). */
  within(text: string): string[] {
    if (this.byPrefix.size === 0 || text.length < MIN_SECRET_LENGTH) return [];
    const found = new Set<string>();
    for (let i = 0; i + MIN_SECRET_LENGTH <= text.length; i++) {
      for (const v of this.byPrefix.get(text.slice(i, i + MIN_SECRET_LENGTH)) ?? []) if (text.startsWith(v, i)) found.add(v);
    }
    if (found.size < 2) return [...found];
    return [...found].sort((a, b) => this.holders.get(a)!.order - this.holders.get(b)!.order);
  }
}

/** The secrets the stack must create, and every secret value of the project. */
export class SecretBook {
  readonly values = new SecretValues();
  private readonly entries = new Map<string, { services: Set<string>; source: RequiredSecret['source']; composeSecret?: string }>();
  /** Values each service gives a secret (one environment variable carries one value for every container). */
  private readonly given = new Map<string, { service: string; value: string; pointer: string }[]>();

  constructor(private readonly ctx: PlanContext) {}

  /** Collects the values of secrets anywhere in the project (secret variables of every service, database passwords). */
  collect(passwords: Iterable<[string, string]>): void {
    const { project, overrides } = this.ctx;
    for (const name of this.ctx.serviceNames) {
      const svc = project.services[name];
      const vars: [string, string | null][] = [...Object.entries(svc.envFileValues).map(([k, v]) => [k, v.value] as [string, string]), ...Object.entries(svc.environment)];
      for (const [k, v] of vars) {
        if (v === null || v.startsWith('/run/secrets/') || (overrides[name].public ?? []).includes(k)) continue;
        if (secretOf(k, v, this.ctx.templates.of(name, k)) !== undefined) this.values.add(v, k);
      }
    }
    for (const [value, holder] of passwords) this.values.add(value, holder);
  }

  add(name: string, service: string, source: RequiredSecret['source'], composeSecret?: string, value?: { value: string | null; pointer: string }): void {
    const e = this.entries.get(name) ?? { services: new Set<string>(), source, composeSecret };
    e.services.add(service);
    if (value && value.value !== null && value.value !== '') {
      const given = this.given.get(name);
      const entry = { service, value: value.value, pointer: value.pointer };
      if (given) given.push(entry);
      else this.given.set(name, [entry]);
    }
    if (composeSecret && !e.composeSecret) e.composeSecret = composeSecret;
    this.entries.set(name, e);
  }

  /** One name, one value: Beanstalk passes environment secrets to every container. */
  checkConflicts(): void {
    for (const [name, given] of [...this.given.entries()].sort(([a], [b]) => byString(a, b))) {
      if (new Set(given.map((g) => g.value)).size < 2) continue;
      for (const g of given) {
        const others = given.filter((o) => o.service !== g.service && o.value !== g.value).map((o) => o.service);
        if (others.length === 0) continue;
        this.ctx.c.fail('bundle/secret-conflict', `services.${g.service}.environment.${name} differs from ${name} of ${others.join(', ')}; Elastic Beanstalk provides a secret as one environment variable with one value to every container, so both would get the same value: give one of them another name (e.g. ${g.service.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_${name}) in the compose file and in the app`, g.pointer);
      }
    }
  }

  required(): RequiredSecret[] {
    return [...this.entries.entries()]
      .sort(([a], [b]) => byString(a, b))
      .map(([name, e]) => ({ name, services: [...e.services].sort(byString), source: e.source, ...(e.composeSecret ? { composeSecret: e.composeSecret } : {}) }));
  }
}

/** Index of the script argument when argv runs a shell (`sh -c <script>`), else undefined. */
export function shellScriptIndex(argv: readonly string[] | undefined): number | undefined {
  if (!argv) return undefined;
  const i = argv.findIndex((a, k) => /^(\/bin\/|\/usr\/bin\/)?(sh|bash|ash|dash|zsh)$/.test(a) && argv[k + 1] === '-c');
  return i >= 0 && i + 2 < argv.length ? i + 2 : undefined;
}

/**
 * Removes secret values from a command: a service's own secret inside a shell script (outside single
 * quotes) becomes a reference to its variable; anything else is a located error.
 */
export function scrubCommand(
  ctx: PlanContext,
  s: string,
  ownSecrets: ReadonlyMap<string, string>,
  argv: readonly string[] | undefined,
  where: string,
  pointer: string,
  shellIndex: number | undefined,
): readonly string[] | undefined {
  if (!argv) return argv;
  const out = [...argv];
  for (let i = 0; i < out.length; i++) {
    for (const v of ctx.secrets.values.within(out[i])) {
      const holder = ctx.secrets.values.holderOf(v)!;
      const own = ownSecrets.get(v);
      const inShell = shellIndex !== undefined && i === shellIndex;
      const quoted = inShell && (out[i].slice(0, out[i].indexOf(v)).split("'").length - 1) % 2 === 1;
      if (own && inShell && !quoted) {
        out[i] = out[i].split(v).join(`\${${own}}`);
        ctx.c.warn('bundle/secret-in-command', `services.${s}.${where} contained the value of ${own}, a secret; it is replaced by \${${own}}, which the shell reads from the environment`, s, pointer);
      } else {
        ctx.c.fail('bundle/secret-in-command', `services.${s}.${where} contains the value of ${holder}, a secret, which would be written into the bundle; read it from the environment instead (e.g. "\$${own ?? holder}" in a shell command)`, pointer);
      }
    }
  }
  return out;
}

/** Labels and logging options are plain text in the bundle: a secret's value there is a located error. */
export function refuseSecretsIn(ctx: PlanContext, s: string, record: Readonly<Record<string, string>> | undefined, where: string, what: string, key: string[]): void {
  for (const [k, value] of Object.entries(record ?? {}).sort(([x], [y]) => byString(x, y))) {
    if (typeof value !== 'string') continue;
    for (const v of ctx.secrets.values.within(value)) {
      ctx.c.fail('bundle/secret-in-setting', `services.${s}.${where}.${k} contains the value of ${ctx.secrets.values.holderOf(v)}, a secret, which would be written into the bundle in plain text; remove it from the ${what}`, sp(s, ...key, k));
    }
  }
}
