/**
 * Profiles (compose-spec 15-profiles.md): which services are enabled.
 *
 * A service without `profiles` is always enabled; a service with `profiles` is enabled when one of
 * them is active, or when `*` is active (every profile). References from an enabled service to a
 * disabled one do not enable it: `semantic.ts` reports them (an error, or a warning for a
 * `depends_on` entry with `required: false`), as the specification requires.
 */

/** The result of applying the active profiles. */
export interface ProfileSelection {
  /** Services enabled by the active profiles. */
  readonly enabled: ReadonlySet<string>;
  /** Services left out, sorted by name. */
  readonly disabled: readonly string[];
}

/** Reads a service's `profiles` from raw document data (strings only; anything else is ignored). */
export function serviceProfiles(service: unknown): string[] {
  if (typeof service !== 'object' || service === null || Array.isArray(service)) return [];
  const p = (service as Record<string, unknown>).profiles;
  if (!Array.isArray(p)) return [];
  return p.filter((x): x is string => typeof x === 'string');
}

/** Whether a service with `profiles` is enabled when `active` are the active profiles. */
export function isEnabled(profiles: readonly string[], active: readonly string[]): boolean {
  if (profiles.length === 0) return true;
  if (active.includes('*')) return true;
  return profiles.some((p) => active.includes(p));
}

/**
 * Splits the services of the merged document (raw data, `services` mapping) into enabled and
 * disabled ones.
 */
export function selectProfiles(services: Readonly<Record<string, unknown>>, active: readonly string[]): ProfileSelection {
  const enabled = new Set<string>();
  const disabled: string[] = [];
  for (const [name, service] of Object.entries(services)) {
    if (isEnabled(serviceProfiles(service), active)) enabled.add(name);
    else disabled.push(name);
  }
  disabled.sort();
  return { enabled, disabled };
}

/**
 * Active profiles from `--profile` flags, else from `COMPOSE_PROFILES` (comma-separated), trimmed,
 * de-duplicated, in the order given.
 */
export function activeProfiles(flags: readonly string[] | undefined, composeProfiles: string | undefined): string[] {
  const source = flags && flags.length > 0 ? flags.flatMap((f) => f.split(',')) : (composeProfiles ?? '').split(',');
  const out: string[] = [];
  for (const p of source.map((x) => x.trim())) if (p && !out.includes(p)) out.push(p);
  return out;
}
