/**
 * The check framework shared by `preflight` and `doctor`.
 *
 * A check is data: an id, a title, the resource group it reports under, the IAM actions it needs and
 * a `run` function returning an outcome. Adding a check is adding one entry to a list. `runChecks`
 * runs a list with bounded concurrency and turns every failure of a check itself (AccessDenied, a
 * timeout, an exhausted retry budget, a bug) into a result, so one broken check never hides the
 * others.
 */
import { describeAwsError } from './aws-errors';

/** `skip`: the check does not apply to this stack (no database, no CNAME prefix, ...). */
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

/** What a check found. */
export interface CheckOutcome {
  readonly status: CheckStatus;
  /** One line: what was found (never a secret value). */
  readonly summary: string;
  /**
   * What to do about it, for `warn` and `fail`.
   *
   * @default - the check's own `fix`
   */
  readonly fix?: string;
  /**
   * Further lines (the causes of a red environment, the offending rules, ...).
   *
   * @default - none
   */
  readonly details?: readonly string[];
}

/** One check of a list. `C` is the context the command builds (clients, the synthesized stack). */
export interface Check<C> {
  /** Stable identifier, e.g. `compute/instance-type-offered`; shown in the table and the JSON. */
  readonly id: string;
  /** Human title. */
  readonly title: string;
  /** The resource the check reports under (`account`, `environment`, `database`, ...). */
  readonly group: string;
  /** IAM actions the check calls; a denied call names the one that was missing. */
  readonly permissions: readonly string[];
  /** Default fix of a `warn`/`fail` outcome that has none of its own. */
  readonly fix: string;
  /** Runs the check. Throwing is allowed: `runChecks` turns the error into a result. */
  readonly run: (ctx: C) => Promise<CheckOutcome>;
}

/** A check's outcome with its identity, as reported. */
export interface CheckResult {
  readonly id: string;
  readonly title: string;
  readonly group: string;
  readonly status: CheckStatus;
  readonly summary: string;
  readonly fix?: string;
  readonly details?: readonly string[];
}

export interface RunChecksOptions {
  /**
   * Checks running at the same time.
   *
   * @default 4
   */
  readonly concurrency?: number;
  /**
   * Deadline of one check in milliseconds (all its calls and retries together).
   *
   * @default 60000
   */
  readonly checkTimeoutMs?: number;
}

/**
 * Runs `checks` against `ctx`. Results come back in the order of `checks`, whatever order they
 * finished in, so the output is deterministic.
 */
export async function runChecks<C>(checks: readonly Check<C>[], ctx: C, options: RunChecksOptions = {}): Promise<CheckResult[]> {
  const ids = new Set<string>();
  for (const c of checks) {
    if (ids.has(c.id)) throw new Error(`duplicate check id '${c.id}'`);
    ids.add(c.id);
  }
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const timeoutMs = options.checkTimeoutMs ?? 60000;
  const results: CheckResult[] = new Array(checks.length);
  let next = 0;
  const worker = async () => {
    while (next < checks.length) {
      const i = next++;
      results[i] = await runOne(checks[i], ctx, timeoutMs);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, checks.length) }, worker));
  return results;
}

async function runOne<C>(check: Check<C>, ctx: C, timeoutMs: number): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new CheckTimeoutError(timeoutMs)), timeoutMs);
    });
    const outcome = await Promise.race([check.run(ctx), deadline]);
    return toResult(check, outcome);
  } catch (e) {
    return toResult(check, outcomeOfError(check, e));
  } finally {
    if (timer) clearTimeout(timer);
  }
}

function toResult<C>(check: Check<C>, outcome: CheckOutcome): CheckResult {
  const fix = outcome.status === 'warn' || outcome.status === 'fail' ? (outcome.fix ?? check.fix) : undefined;
  return {
    id: check.id,
    title: check.title,
    group: check.group,
    status: outcome.status,
    summary: outcome.summary,
    ...(fix !== undefined ? { fix } : {}),
    ...(outcome.details && outcome.details.length > 0 ? { details: [...outcome.details] } : {}),
  };
}

/** The whole check took longer than its deadline. */
export class CheckTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`did not finish within ${formatSeconds(timeoutMs)}`);
    this.name = 'CheckTimeoutError';
  }
}

/**
 * A check that could not run is a `warn` (nothing was verified, but nothing was found wrong either),
 * except for a bug in the check, which is a `fail` so it is not overlooked.
 */
function outcomeOfError<C>(check: Check<C>, e: unknown): CheckOutcome {
  if (e instanceof CheckTimeoutError) {
    return {
      status: 'warn',
      summary: `could not check: ${e.message}`,
      fix: 'AWS did not answer in time; check the network (proxy, VPN) and run again, or raise --timeout',
    };
  }
  const described = describeAwsError(e, check.permissions);
  if (described) {
    return { status: 'warn', summary: `could not check: ${described.message}`, fix: described.fix };
  }
  const err = e as Error;
  return {
    status: 'fail',
    summary: `the check crashed: ${err?.message ?? String(e)}`,
    fix: 'this is a bug in beanstack; please report it with the output of --json',
  };
}

/** `1.5 s`, `10 s`. */
export function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

/** Counts of each status. */
export interface CheckSummary {
  readonly pass: number;
  readonly warn: number;
  readonly fail: number;
  readonly skip: number;
}

export function summarize(results: readonly CheckResult[]): CheckSummary {
  const count = (s: CheckStatus) => results.filter((r) => r.status === s).length;
  return { pass: count('pass'), warn: count('warn'), fail: count('fail'), skip: count('skip') };
}

/** The most severe of several outcomes, their summaries joined. */
export function worstOf(outcomes: readonly CheckOutcome[]): CheckOutcome | undefined {
  if (outcomes.length === 0) return undefined;
  const rank = { fail: 3, warn: 2, pass: 1, skip: 0 } as const;
  const worst = [...outcomes].sort((a, b) => rank[b.status] - rank[a.status])[0];
  if (outcomes.length === 1) return worst;
  return {
    status: worst.status,
    summary: outcomes.map((o) => o.summary).join('; '),
    fix: outcomes.map((o) => o.fix).filter((f): f is string => f !== undefined).join('; ') || undefined,
    details: outcomes.flatMap((o) => o.details ?? []),
  };
}
