/**
 * The cost guard's top-level x-beanstack fields (docs/cost-guard.md):
 *
 *   x-beanstack:
 *     sleep: { schedule: nights-and-weekends, timezone: Europe/Berlin }
 *     # or: sleep: { wake: "0 8 * * 1-5", sleep: "0 20 * * 1-5", timezone: Europe/Berlin }
 *     budget: { monthly: 30, email: [team@example.com] }
 *
 * The resolvers are shared with the construct props (ComposeApplicationProps.sleep / .budget): each
 * problem names the field, what is wrong and the fix; the parser adds the compose file location.
 */
import type { ComposeProject } from '../compose/model';
import type { ErrorDetail } from '../errors';
import { locate } from './locations';
import { awakeMinutesPerWeek, parseCron, scheduleProblem, SLEEP_PRESETS, toUtc, utcOffsets, WeeklyTime } from '../util/sleep-schedule';
import { isObject } from '../util/json';

export const SLEEP_FIELDS: readonly string[] = ['schedule', 'sleep', 'timezone', 'wake'];
export const BUDGET_FIELDS: readonly string[] = ['email', 'monthly'];

/** A sleep schedule as given: a preset, or wake and sleep crons; local times in `timezone`. */
export interface SleepInput {
  readonly schedule?: string;
  readonly wake?: string;
  readonly sleep?: string;
  readonly timezone?: string;
}

/** A checked sleep schedule. */
export interface ResolvedSleep {
  /** The preset's name, when one was used. */
  readonly schedule?: string;
  /** The local crons as written (or of the preset). */
  readonly wake: string;
  readonly sleep: string;
  readonly timezone: string;
  /** The times in UTC (Elastic Beanstalk scheduled actions have no time zone). */
  readonly utcWake: WeeklyTime;
  readonly utcSleep: WeeklyTime;
  /** Minutes awake a week in UTC terms (the daylight-saving widening included). */
  readonly awakeMinutesPerWeek: number;
}

/** A budget as given. */
export interface BudgetInput {
  /** Monthly limit in USD. */
  readonly monthly?: unknown;
  /** Addresses that get the alerts. */
  readonly email?: unknown;
}

export interface ResolvedBudget {
  readonly monthly: number;
  readonly email: readonly string[];
}

/** A problem of one field (`wake`, `email/1`) with its fix after `; `. */
export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

/** AWS Budgets: at most 10 email subscribers per notification. */
export const MAX_BUDGET_EMAILS = 10;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Checks a sleep schedule; `result` only when there is no problem. */
export function resolveSleep(input: SleepInput): { result?: ResolvedSleep; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const presets = Object.keys(SLEEP_PRESETS).join(', ');
  const timezone = input.timezone ?? 'UTC';
  const offsets = typeof timezone === 'string' ? utcOffsets(timezone) : undefined;
  if (offsets === undefined) problems.push({ field: 'timezone', message: `${JSON.stringify(timezone)} is not a time zone; use an IANA name such as Europe/Berlin or UTC` });
  let wakeText = input.wake;
  let sleepText = input.sleep;
  if (input.schedule !== undefined) {
    const preset = typeof input.schedule === 'string' ? SLEEP_PRESETS[input.schedule] : undefined;
    if (!preset || !Object.prototype.hasOwnProperty.call(SLEEP_PRESETS, input.schedule)) {
      problems.push({ field: 'schedule', message: `${JSON.stringify(input.schedule)} is not a schedule; use one of ${presets}, or give wake and sleep crons instead` });
    } else if (input.wake !== undefined || input.sleep !== undefined) {
      problems.push({ field: 'schedule', message: 'schedule is given together with wake/sleep; use either a schedule or wake and sleep crons' });
    } else {
      wakeText = preset.wake;
      sleepText = preset.sleep;
    }
  } else if (input.wake === undefined || input.sleep === undefined) {
    problems.push({ field: input.wake === undefined ? 'wake' : 'sleep', message: `is missing; give both wake and sleep crons (e.g. wake: "0 8 * * 1-5", sleep: "0 20 * * 1-5"), or a schedule (${presets})` });
  }
  const cron = (field: 'wake' | 'sleep', text: unknown): WeeklyTime | undefined => {
    if (text === undefined) return undefined;
    if (typeof text !== 'string') {
      problems.push({ field, message: `expected a cron string such as "0 8 * * 1-5", got ${JSON.stringify(text)}` });
      return undefined;
    }
    const parsed = parseCron(text);
    if (parsed.problem) problems.push({ field, message: `${parsed.problem}; write it as "minute hour * * days"` });
    return parsed.time;
  };
  const wake = cron('wake', wakeText);
  const sleep = cron('sleep', sleepText);
  if (wake && sleep) {
    const p = scheduleProblem(wake, sleep);
    if (p) problems.push({ field: 'sleep', message: p });
  }
  if (problems.length > 0 || !wake || !sleep || !offsets || wakeText === undefined || sleepText === undefined) return { problems };
  const utc = toUtc(wake, sleep, offsets);
  return {
    result: {
      ...(input.schedule !== undefined ? { schedule: input.schedule } : {}),
      wake: wakeText,
      sleep: sleepText,
      timezone,
      utcWake: utc.wake,
      utcSleep: utc.sleep,
      awakeMinutesPerWeek: awakeMinutesPerWeek(utc.wake, utc.sleep),
    },
    problems,
  };
}

/** Checks a budget; `result` only when there is no problem. */
export function resolveBudget(input: BudgetInput): { result?: ResolvedBudget; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const n = typeof input.monthly === 'string' && /^\d+(\.\d+)?$/.test(input.monthly) ? Number(input.monthly) : input.monthly;
  if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0) {
    problems.push({ field: 'monthly', message: `expected the monthly limit in USD as a positive number (e.g. 30), got ${JSON.stringify(input.monthly)}` });
  }
  const email = input.email;
  const list = typeof email === 'string' ? [email] : email;
  if (!Array.isArray(list) || list.length === 0) {
    problems.push({ field: 'email', message: `expected a list of email addresses that get the alerts (e.g. [team@example.com]), got ${JSON.stringify(email)}` });
  } else {
    list.forEach((e, i) => {
      if (typeof e !== 'string' || !EMAIL.test(e)) problems.push({ field: `email/${i}`, message: `${JSON.stringify(e)} is not an email address; write it as name@example.com` });
    });
    if (list.length > MAX_BUDGET_EMAILS) problems.push({ field: 'email', message: `${list.length} addresses; AWS Budgets sends to at most ${MAX_BUDGET_EMAILS} — use a mailing list address` });
  }
  if (problems.length > 0) return { problems };
  return { result: { monthly: n as number, email: [...new Set(list as string[])].sort() }, problems };
}

/** The cost guard fields of the top-level x-beanstack. */
export interface CostGuardOverrides {
  readonly sleep?: ResolvedSleep;
  readonly budget?: ResolvedBudget;
}

/** Reads `x-beanstack.sleep` and `x-beanstack.budget`; problems are collected with their locations, not thrown. */
export function parseCostGuard(project: ComposeProject, problems: ErrorDetail[]): CostGuardOverrides {
  const top = project.extensions['x-beanstack'];
  if (!isObject(top)) return {};
  const out: { sleep?: ResolvedSleep; budget?: ResolvedBudget } = {};
  const fail = (key: string, field: string, message: string) => {
    const shown = field === '' ? '' : field.split('/').map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join('');
    problems.push({ message: `x-beanstack.${key}${shown}: ${message}`, location: locate(project, `/x-beanstack/${key}${field === '' ? '' : `/${field}`}`) });
  };
  const read = (key: string, fields: readonly string[], example: string): Record<string, unknown> | undefined => {
    if (!(key in top) || top[key] === null || top[key] === undefined) return undefined;
    const raw = top[key];
    if (!isObject(raw)) {
      fail(key, '', `expected a mapping such as ${example}`);
      return undefined;
    }
    for (const k of Object.keys(raw).sort()) {
      if (!fields.includes(k)) fail(key, k, `unknown field; the fields are ${fields.join(', ')}`);
    }
    return raw;
  };
  const sleep = read('sleep', SLEEP_FIELDS, '{ schedule: nights-and-weekends, timezone: Europe/Berlin }');
  if (sleep) {
    const r = resolveSleep(sleep as SleepInput);
    for (const p of r.problems) fail('sleep', p.field, p.message);
    if (r.result) out.sleep = r.result;
  }
  const budget = read('budget', BUDGET_FIELDS, '{ monthly: 30, email: [team@example.com] }');
  if (budget) {
    const r = resolveBudget(budget);
    for (const p of r.problems) fail('budget', p.field, p.message);
    if (r.result) out.budget = r.result;
  }
  return out;
}
