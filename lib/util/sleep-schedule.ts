/**
 * Weekly sleep schedules (the cost guard, docs/cost-guard.md): when a dev stage wakes and when it
 * sleeps, as cron times of the week. Pure arithmetic shared by the x-beanstack parser, the
 * constructs (Elastic Beanstalk scheduled actions and EventBridge Scheduler schedules, both in UTC)
 * and the review's cost estimate (hours awake per month, read back from a template).
 *
 * A time is a minute of the day on a set of weekdays (0 = Sunday … 6 = Saturday). The cron subset is
 * `M H * * DOW`: one minute, one hour, every day of the month and month, and `*`, a day, a list or
 * ranges of days (0–7 or SUN–SAT).
 */

/** A minute of the day on some weekdays. */
export interface WeeklyTime {
  /** Weekdays, 0 = Sunday … 6 = Saturday, sorted, unique, at least one. */
  readonly days: readonly number[];
  /** Minute of the day, 0–1439. */
  readonly minute: number;
}

/** The sleep schedule as written (local times in `timezone`). */
export interface SleepSchedule {
  /** Cron (`M H * * DOW`) of the time the stage wakes. */
  readonly wake: string;
  /** Cron (`M H * * DOW`) of the time the stage goes to sleep. */
  readonly sleep: string;
  /** IANA time zone of the two crons (`Europe/Berlin`). */
  readonly timezone: string;
}

/** Named schedules: `x-beanstack.sleep: { schedule: nights-and-weekends }`. */
export const SLEEP_PRESETS: Readonly<Record<string, { readonly wake: string; readonly sleep: string; readonly text: string }>> = {
  'nights-and-weekends': { wake: '0 8 * * 1-5', sleep: '0 20 * * 1-5', text: 'awake Monday to Friday 08:00–20:00' },
  nights: { wake: '0 8 * * *', sleep: '0 20 * * *', text: 'awake every day 08:00–20:00' },
};

const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const MINUTES_PER_DAY = 1440;
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;
/** Weeks in the price table's month (730 hours). */
export const weeksPerMonth = (hoursPerMonth: number): number => hoursPerMonth / 168;

function day(text: string): number | undefined {
  const upper = text.toUpperCase();
  const named = DAY_NAMES.indexOf(upper);
  if (named >= 0) return named;
  if (!/^\d$/.test(text)) return undefined;
  const n = Number(text);
  return n <= 7 ? n % 7 : undefined;
}

function days(field: string): number[] | undefined {
  if (field === '*' || field === '?') return [0, 1, 2, 3, 4, 5, 6];
  const out = new Set<number>();
  for (const part of field.split(',')) {
    const range = /^([A-Za-z0-9]+)-([A-Za-z0-9]+)$/.exec(part);
    if (range) {
      const a = day(range[1]);
      // 7 closes a range as Sunday (`1-7`)
      const b = range[2] === '7' ? 7 : day(range[2]);
      if (a === undefined || b === undefined || b < a) return undefined;
      for (let d = a; d <= b; d++) out.add(d % 7);
    } else {
      const d = day(part);
      if (d === undefined) return undefined;
      out.add(d);
    }
  }
  return [...out].sort((x, y) => x - y);
}

/** Parses `M H * * DOW`; returns the time or what is wrong (with the fix). */
export function parseCron(text: string): { time?: WeeklyTime; problem?: string } {
  const fields = text.trim().split(/\s+/);
  const wrong = `"${text}" is not a cron time of the week (minute hour * * days, e.g. "0 8 * * 1-5")`;
  if (fields.length !== 5) return { problem: `${wrong}: it has ${fields.length} fields, not 5` };
  const [m, h, dom, mon, dow] = fields;
  if (!/^\d{1,2}$/.test(m) || Number(m) > 59) return { problem: `${wrong}: the minute must be one number 0-59` };
  if (!/^\d{1,2}$/.test(h) || Number(h) > 23) return { problem: `${wrong}: the hour must be one number 0-23` };
  if (dom !== '*' || mon !== '*') return { problem: `${wrong}: the day of the month and the month must be *` };
  const d = days(dow);
  if (!d || d.length === 0) return { problem: `${wrong}: the days must be *, a day, a list or ranges of 0-7 or SUN-SAT` };
  return { time: { days: d, minute: Number(h) * 60 + Number(m) } };
}

/** Days as cron text: `*`, `1-5`, `0,6`. */
function daysText(list: readonly number[], names: boolean): string {
  if (list.length === 7) return '*';
  const parts: string[] = [];
  const show = (d: number) => (names ? DAY_NAMES[d] : String(d));
  for (let i = 0; i < list.length; ) {
    let j = i;
    while (j + 1 < list.length && list[j + 1] === list[j] + 1) j++;
    parts.push(j - i >= 2 ? `${show(list[i])}-${show(list[j])}` : list.slice(i, j + 1).map(show).join(','));
    i = j + 1;
  }
  return parts.join(',');
}

/** `M H * * DOW` (Elastic Beanstalk / Auto Scaling `Recurrence`, UTC). */
export function cronText(t: WeeklyTime): string {
  return `${t.minute % 60} ${Math.floor(t.minute / 60)} * * ${daysText(t.days, false)}`;
}

/** `cron(M H ? * DOW *)` (EventBridge Scheduler). */
export function schedulerCron(t: WeeklyTime): string {
  return `cron(${t.minute % 60} ${Math.floor(t.minute / 60)} ? * ${t.days.length === 7 ? '*' : daysText(t.days, true)} *)`;
}

/** Parses an EventBridge Scheduler `cron(M H ? * DOW *)` (names 1–7 = SUN–SAT, as Scheduler counts). */
export function parseSchedulerCron(text: string): WeeklyTime | undefined {
  const m = /^cron\((\d{1,2}) (\d{1,2}) \? \* (\S+) \*\)$/.exec(text.trim());
  if (!m) return undefined;
  // Scheduler numbers days 1 (SUN) to 7 (SAT); the names are the same as cron's
  const field = m[3].replace(/\d/g, (n) => (Number(n) >= 1 && Number(n) <= 7 ? DAY_NAMES[Number(n) - 1] : n));
  return parseCron(`${m[1]} ${m[2]} * * ${field}`).time;
}

/** The time `delta` minutes later (earlier when negative), days moved across midnight. */
export function shiftTime(t: WeeklyTime, delta: number): WeeklyTime {
  const total = t.minute + delta;
  const dayShift = Math.floor(total / MINUTES_PER_DAY);
  const minute = ((total % MINUTES_PER_DAY) + MINUTES_PER_DAY) % MINUTES_PER_DAY;
  return { days: [...new Set(t.days.map((d) => (((d + dayShift) % 7) + 7) % 7))].sort((a, b) => a - b), minute };
}

/**
 * UTC offsets of a time zone in minutes (winter and summer; equal without daylight saving time), or
 * undefined for an unknown zone. Fixed dates, so the result does not depend on when it runs.
 */
export function utcOffsets(timezone: string): { readonly min: number; readonly max: number } | undefined {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', { timeZone: timezone, timeZoneName: 'longOffset' });
  } catch {
    return undefined;
  }
  const offset = (iso: string): number => {
    const name = format.formatToParts(new Date(iso)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
    const m = /^GMT([+-])(\d{2}):(\d{2})$/.exec(name);
    return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
  };
  const a = offset('2026-01-15T12:00:00Z');
  const b = offset('2026-07-15T12:00:00Z');
  return { min: Math.min(a, b), max: Math.max(a, b) };
}

/**
 * The schedule in UTC. With daylight saving time the window widens so that it covers the local hours
 * all year: waking at the earlier of the two UTC times (summer offset) and sleeping at the later one
 * (winter offset) — one more hour awake a day in each season, never a working hour asleep.
 */
export function toUtc(wake: WeeklyTime, sleep: WeeklyTime, offsets: { readonly min: number; readonly max: number }): { wake: WeeklyTime; sleep: WeeklyTime } {
  return { wake: shiftTime(wake, -offsets.max), sleep: shiftTime(sleep, -offsets.min) };
}

/** Minutes awake in a week: awake from each wake time to the next sleep time. */
export function awakeMinutesPerWeek(wake: WeeklyTime, sleep: WeeklyTime): number {
  return awakeMinutes([{ time: wake, awake: true }, { time: sleep, awake: false }]);
}

/** Minutes awake in a week of several wake (`awake: true`) and sleep times; always awake without events. */
export function awakeMinutes(times: readonly { readonly time: WeeklyTime; readonly awake: boolean }[]): number {
  const events: { at: number; awake: boolean }[] = [];
  for (const t of times) for (const d of t.time.days) events.push({ at: d * MINUTES_PER_DAY + t.time.minute, awake: t.awake });
  events.sort((a, b) => a.at - b.at || (a.awake ? 1 : -1));
  if (events.length === 0) return MINUTES_PER_WEEK;
  // the state at the start of the week is the one the last event of the week left
  let awake = events[events.length - 1].awake;
  let last = 0;
  let total = 0;
  for (const e of events) {
    if (awake) total += e.at - last;
    last = e.at;
    awake = e.awake;
  }
  if (awake) total += MINUTES_PER_WEEK - last;
  return total;
}

/** Minutes in a week. */
export const WEEK_MINUTES = MINUTES_PER_WEEK;

/** What is wrong with a schedule (wake and sleep crons, time zone), or undefined. */
export function scheduleProblem(wake: WeeklyTime, sleep: WeeklyTime): string | undefined {
  if (wake.days.some((d) => sleep.days.includes(d)) && wake.minute === sleep.minute) {
    return 'wake and sleep are at the same time; give them different times';
  }
  const awake = awakeMinutesPerWeek(wake, sleep);
  if (awake === 0) return 'the stage never wakes; choose wake times that come before sleep times';
  return undefined;
}

/** `60 hours a week`. */
export function hoursText(minutesPerWeek: number): string {
  const h = Math.round((minutesPerWeek / 60) * 100) / 100;
  return `${h} hour${h === 1 ? '' : 's'} a week`;
}
