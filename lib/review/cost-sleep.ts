/**
 * The cost guard's sleep schedules as the cost estimate sees them in a template (docs/cost-guard.md):
 * an Elastic Beanstalk environment's scheduled actions (`aws:autoscaling:scheduledaction`: one to
 * zero instances, one back) and EventBridge Scheduler schedules that stop and start an RDS instance
 * (universal targets `rds:stopDBInstance` / `rds:startDBInstance` naming the instance by `Ref`).
 * The share of the week each resource is awake follows from the crons; a resource without both a
 * sleep and a wake time runs all the time.
 */
import type { TemplateResource } from './assembly';
import { awakeMinutes, hoursText, parseCron, parseSchedulerCron, WEEK_MINUTES, WeeklyTime } from '../util/sleep-schedule';
import { isObject } from '../util/json';

/** The share of the month a resource runs. */
export interface AwakeShare {
  /** 0–1. */
  readonly fraction: number;
  /** `awake 65 hours a week`. */
  readonly text: string;
}


function share(times: { time: WeeklyTime; awake: boolean }[]): AwakeShare | undefined {
  if (!times.some((t) => t.awake) || !times.some((t) => !t.awake)) return undefined;
  const minutes = awakeMinutes(times);
  if (minutes >= WEEK_MINUTES) return undefined;
  return { fraction: minutes / WEEK_MINUTES, text: `awake ${hoursText(minutes)}` };
}

/** Logical id → the share of the week it is awake, for every environment and database that sleeps. */
export function awakeSchedules(resources: Readonly<Record<string, TemplateResource>>): Map<string, AwakeShare> {
  const out = new Map<string, AwakeShare>();
  const databaseTimes = new Map<string, { time: WeeklyTime; awake: boolean }[]>();
  for (const logical of Object.keys(resources).sort()) {
    const r = resources[logical];
    if (r.Type === 'AWS::ElasticBeanstalk::Environment') {
      const actions = new Map<string, Record<string, string>>();
      const opts = r.Properties?.OptionSettings;
      for (const o of Array.isArray(opts) ? opts : []) {
        if (!isObject(o) || o.Namespace !== 'aws:autoscaling:scheduledaction' || typeof o.ResourceName !== 'string') continue;
        const a = actions.get(o.ResourceName) ?? {};
        a[String(o.OptionName)] = String(o.Value);
        actions.set(o.ResourceName, a);
      }
      const times: { time: WeeklyTime; awake: boolean }[] = [];
      for (const a of actions.values()) {
        const time = a.Recurrence !== undefined ? parseCron(a.Recurrence).time : undefined;
        if (!time || a.MaxSize === undefined) continue;
        times.push({ time, awake: Number(a.MaxSize) > 0 });
      }
      const s = share(times);
      if (s) out.set(logical, s);
    } else if (r.Type === 'AWS::Scheduler::Schedule') {
      const p = r.Properties ?? {};
      const target = isObject(p.Target) ? p.Target : {};
      const action = /rds:(start|stop)DBInstance/.exec(JSON.stringify(target.Arn ?? ''));
      const db = /"Ref":"([^"]+)"/.exec(JSON.stringify(target.Input ?? ''));
      const time = typeof p.ScheduleExpression === 'string' ? parseSchedulerCron(p.ScheduleExpression) : undefined;
      if (!action || !db || !time || p.State === 'DISABLED') continue;
      databaseTimes.set(db[1], [...(databaseTimes.get(db[1]) ?? []), { time, awake: action[1] === 'start' }]);
    }
  }
  for (const [db, times] of databaseTimes) {
    const s = share(times);
    if (s) out.set(db, s);
  }
  return out;
}
