/**
 * The cost guard's CDK context keys (docs/cost-guard.md), read by the CDK app (bin/app.ts):
 *
 *   -c sleep=nights-and-weekends [-c sleep.timezone=Europe/Berlin]   a preset
 *   -c sleep.wake="0 8 * * 1-5" -c sleep.sleep="0 20 * * 1-5"         crons
 *   -c sleep=off                                                     the compose file's schedule off
 *   -c budget.monthly=30 -c budget.email=a@example.com,b@example.com
 *   -c budget=off
 *
 * In cdk.json `sleep` and `budget` may also be objects ({ "schedule": ..., "timezone": ... }).
 * The values are checked where props are (constructs/cost-guard.ts): a bad one names the prop and the fix.
 */
import type { BudgetInput, SleepInput } from '../../lib/bundle/x-beanstack-cost';
import { BeanstackError } from '../../lib/errors';

type Context = Readonly<Record<string, unknown>>;

function text(context: Context, key: string): string | undefined {
  const v = context[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string' && typeof v !== 'number') {
    throw new BeanstackError(`context ${key} must be a string, got ${JSON.stringify(v)}`, { code: 'app/context', fix: `pass it as -c ${key}=<value>` });
  }
  return String(v);
}

/** One group: `-c <key>=off`, an object in cdk.json, or `-c <key>.<field>=…` keys. */
function group(context: Context, key: string, fields: readonly string[], single: string): Record<string, string> | false | undefined {
  const whole = context[key];
  if (whole === 'off' || whole === false || whole === 'false') return false;
  const out: Record<string, string> = {};
  if (typeof whole === 'object' && whole !== null && !Array.isArray(whole)) Object.assign(out, whole);
  else if (whole !== undefined) {
    const v = text(context, key);
    if (v !== undefined) out[single] = v;
  }
  for (const f of fields) {
    const v = text(context, `${key}.${f}`);
    if (v !== undefined) out[f] = v;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The `sleep` and `budget` props from CDK context (undefined: the compose file decides). */
export function readCostGuardContext(context: Context): { sleep?: SleepInput | false; budget?: BudgetInput | false } {
  const sleep = group(context, 'sleep', ['schedule', 'wake', 'sleep', 'timezone'], 'schedule');
  const budgetRaw = group(context, 'budget', ['monthly', 'email'], 'monthly');
  const budget = budgetRaw && typeof budgetRaw.email === 'string'
    ? { ...budgetRaw, email: budgetRaw.email.split(',').map((e) => e.trim()).filter((e) => e.length > 0) }
    : budgetRaw;
  return { ...(sleep !== undefined ? { sleep } : {}), ...(budget !== undefined ? { budget } : {}) };
}
