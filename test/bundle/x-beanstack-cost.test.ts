/**
 * The cost guard's x-beanstack fields (sleep, budget) and the weekly schedule arithmetic they share
 * with the constructs and the review.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { planBundle } from '../../lib/bundle';
import { parseProjectOverrides } from '../../lib/bundle/x-beanstack';
import { resolveBudget, resolveSleep } from '../../lib/bundle/x-beanstack-cost';
import type { ErrorDetail } from '../../lib/errors';
import { BundleError } from '../../lib/errors';
import {
  awakeMinutesPerWeek, cronText, parseCron, parseSchedulerCron, schedulerCron, shiftTime, toUtc, utcOffsets,
} from '../../lib/util/sleep-schedule';
import { load } from './convert/fixture-support';

function project(xBeanstack: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-cost-'));
  fs.writeFileSync(path.join(dir, 'compose.yaml'), `services:\n  web:\n    image: nginx:1.27\n    ports: ["80:80"]\nx-beanstack:\n${xBeanstack}`);
  return { dir, project: load(dir, ['compose.yaml']) };
}

describe('weekly schedules', () => {
  test('cron times of the week: days, ranges, names, 7 as Sunday', () => {
    expect(parseCron('0 8 * * 1-5').time).toEqual({ days: [1, 2, 3, 4, 5], minute: 480 });
    expect(parseCron('30 20 * * MON,wed,FRI').time).toEqual({ days: [1, 3, 5], minute: 1230 });
    expect(parseCron('0 0 * * 6-7').time).toEqual({ days: [0, 6], minute: 0 });
    expect(parseCron('15 6 * * *').time?.days).toHaveLength(7);
  });

  test.each([
    ['0 8 * *', /4 fields, not 5/],
    ['*/5 8 * * *', /minute must be one number/],
    ['0 24 * * *', /hour must be one number/],
    ['0 8 1 * *', /day of the month and the month must be \*/],
    ['0 8 * * 5-1', /the days must be/],
    ['0 8 * * FUNDAY', /the days must be/],
  ])('%s is refused: %s', (text, problem) => {
    expect(parseCron(text).problem).toMatch(problem);
  });

  test('cron text round-trips, compacting ranges; Scheduler crons use names and ?', () => {
    const t = parseCron('0 8 * * 1,2,3,4,5').time!;
    expect(cronText(t)).toBe('0 8 * * 1-5');
    expect(schedulerCron(t)).toBe('cron(0 8 ? * MON-FRI *)');
    expect(parseSchedulerCron('cron(0 8 ? * MON-FRI *)')).toEqual(t);
    // Scheduler numbers Sunday 1 … Saturday 7
    expect(parseSchedulerCron('cron(0 8 ? * 2-6 *)')).toEqual(t);
    expect(cronText(parseCron('0 8 * * 0,6').time!)).toBe('0 8 * * 0,6');
    expect(schedulerCron(parseCron('5 1 * * *').time!)).toBe('cron(5 1 ? * * *)');
  });

  test('shifting across midnight moves the days', () => {
    expect(shiftTime({ days: [1, 2, 3, 4, 5], minute: 30 }, -60)).toEqual({ days: [0, 1, 2, 3, 4], minute: 1410 });
    expect(shiftTime({ days: [6], minute: 1400 }, 60)).toEqual({ days: [0], minute: 20 });
  });

  test('awake minutes: working hours, every night, a schedule that wraps the week', () => {
    const week = (w: string, s: string) => awakeMinutesPerWeek(parseCron(w).time!, parseCron(s).time!);
    expect(week('0 8 * * 1-5', '0 20 * * 1-5')).toBe(60 * 60);
    expect(week('0 8 * * *', '0 20 * * *')).toBe(7 * 12 * 60);
    // awake Monday 06:00 until Friday 22:00, straight through
    expect(week('0 6 * * 1', '0 22 * * 5')).toBe((4 * 24 + 16) * 60);
    // asleep only at night: 22:00 → 06:00
    expect(week('0 6 * * *', '0 22 * * *')).toBe(7 * 16 * 60);
  });

  test('time zones: both offsets, the window widened over daylight saving time', () => {
    expect(utcOffsets('UTC')).toEqual({ min: 0, max: 0 });
    expect(utcOffsets('Europe/Berlin')).toEqual({ min: 60, max: 120 });
    expect(utcOffsets('America/New_York')).toEqual({ min: -300, max: -240 });
    expect(utcOffsets('Asia/Kolkata')).toEqual({ min: 330, max: 330 });
    expect(utcOffsets('Mars/Olympus')).toBeUndefined();
    const utc = toUtc(parseCron('0 8 * * 1-5').time!, parseCron('0 20 * * 1-5').time!, utcOffsets('Europe/Berlin')!);
    expect([cronText(utc.wake), cronText(utc.sleep)]).toEqual(['0 6 * * 1-5', '0 19 * * 1-5']);
    // New York: 08:00 EDT is 12:00 UTC, 20:00 EST is 01:00 UTC the next day
    const ny = toUtc(parseCron('0 8 * * 1-5').time!, parseCron('0 20 * * 1-5').time!, utcOffsets('America/New_York')!);
    expect([cronText(ny.wake), cronText(ny.sleep)]).toEqual(['0 12 * * 1-5', '0 1 * * 2-6']);
    expect(awakeMinutesPerWeek(ny.wake, ny.sleep)).toBe(5 * 13 * 60);
  });
});

describe('resolveSleep / resolveBudget', () => {
  test('a preset in UTC', () => {
    const r = resolveSleep({ schedule: 'nights-and-weekends' });
    expect(r.problems).toEqual([]);
    expect(r.result).toMatchObject({ schedule: 'nights-and-weekends', wake: '0 8 * * 1-5', sleep: '0 20 * * 1-5', timezone: 'UTC', awakeMinutesPerWeek: 3600 });
  });

  test.each([
    [{ schedule: 'nights', wake: '0 8 * * *' }, 'schedule', /either a schedule or wake and sleep/],
    [{ wake: '0 8 * * *' }, 'sleep', /is missing/],
    [{ wake: '0 8 * * 1', sleep: '0 8 * * 1' }, 'sleep', /same time/],
    [{ wake: 8, sleep: '0 20 * * *' }, 'wake', /expected a cron string/],
    [{ schedule: 'toString' }, 'schedule', /not a schedule/],
  ])('%j: %s %s', (input, field, message) => {
    const r = resolveSleep(input as never);
    expect(r.result).toBeUndefined();
    expect(r.problems[0].field).toBe(field);
    expect(r.problems[0].message).toMatch(message);
  });

  test('budgets: a number or a numeric string, one address or a list, at most 10', () => {
    expect(resolveBudget({ monthly: '25.5', email: 'team@example.com' }).result).toEqual({ monthly: 25.5, email: ['team@example.com'] });
    expect(resolveBudget({ monthly: 0, email: [] }).problems.map((p) => p.field)).toEqual(['monthly', 'email']);
    const many = Array.from({ length: 11 }, (_, i) => `p${i}@example.com`);
    expect(resolveBudget({ monthly: 10, email: many }).problems[0].message).toMatch(/at most 10/);
  });
});

describe('x-beanstack.sleep and x-beanstack.budget in a compose file', () => {
  test('parsed into the project overrides', () => {
    const { project: p } = project('  sleep: { schedule: nights, timezone: Europe/Berlin }\n  budget: { monthly: 30, email: [team@example.com] }\n');
    const problems: ErrorDetail[] = [];
    const o = parseProjectOverrides(p, problems);
    expect(problems).toEqual([]);
    expect(o.sleep).toMatchObject({ schedule: 'nights', timezone: 'Europe/Berlin', awakeMinutesPerWeek: 7 * 13 * 60 });
    expect(o.budget).toEqual({ monthly: 30, email: ['team@example.com'] });
  });

  test('every problem is reported with its file, line and column; the conversion stops with a fix', () => {
    const { dir, project: p } = project([
      '  sleep:',
      '    wake: "0 8 * *"',
      '    sleep: "0 20 * * 1-5"',
      '    timezone: Europe/Berlni',
      '    when: always',
      '  budget:',
      '    monthly: lots',
      '    email: [team@example.com, nobody]',
      '',
    ].join('\n'));
    let error: unknown;
    try {
      planBundle(p);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BundleError);
    const details = (error as BundleError).details.map((d) => `${path.relative(dir, d.location!.file)}:${d.location!.line}:${d.location!.column} ${d.message}`);
    expect(details).toEqual([
      'compose.yaml:7:11 x-beanstack.sleep.wake: "0 8 * *" is not a cron time of the week (minute hour * * days, e.g. "0 8 * * 1-5"): it has 4 fields, not 5; write it as "minute hour * * days"',
      'compose.yaml:9:15 x-beanstack.sleep.timezone: "Europe/Berlni" is not a time zone; use an IANA name such as Europe/Berlin or UTC',
      'compose.yaml:10:11 x-beanstack.sleep.when: unknown field; the fields are schedule, sleep, timezone, wake',
      'compose.yaml:12:14 x-beanstack.budget.monthly: expected the monthly limit in USD as a positive number (e.g. 30), got "lots"',
      'compose.yaml:13:31 x-beanstack.budget.email[1]: "nobody" is not an email address; write it as name@example.com',
    ]);
    expect((error as BundleError).fix).toMatch(/docs\/x-beanstack.md/);
  });
});
