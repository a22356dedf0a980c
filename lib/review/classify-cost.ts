/**
 * Review rules of the cost guard's resources (docs/cost-guard.md): AWS Budgets budgets and the sleep
 * schedules (Elastic Beanstalk scheduled actions, EventBridge Scheduler schedules of the databases).
 * None of them touches what serves traffic while it changes, so they are routine; the notes say what
 * changes for the people who pay: alerts that stop, hours awake before and after.
 */
import type { StackDiffResult } from './stack-diff';
import type { Note } from './types';
import { awakeSchedules, AwakeShare } from './cost-sleep';
import { isObject } from '../util/json';

type Json = Record<string, unknown>;

function short(stack: string, p: string): string {
  return (p.startsWith(`${stack}/`) ? p.slice(stack.length + 1) : p).replace(/\/(Resource|Default)$/, '');
}

function limit(r: { Properties?: Json } | undefined): string {
  const b = isObject(r?.Properties?.Budget) ? (r!.Properties!.Budget as Json) : {};
  const l = isObject(b.BudgetLimit) ? b.BudgetLimit : {};
  return l.Amount !== undefined ? `${String(l.Amount)} ${String(l.Unit ?? 'USD')}` : 'its limit';
}

const awakeText = (s: AwakeShare | undefined): string => (s ? s.text : 'always on');

/** Routine notes for budget and sleep-schedule changes of one stack. */
export function costGuardNotes(s: StackDiffResult): Note[] {
  const stack = s.review.name;
  const notes: Note[] = [];
  const add = (logicalId: string, path: string, type: string, title: string, reason: string) =>
    notes.push({ class: 'routine', stack, logicalId, resource: path, resourceType: type, title, reason });

  for (const c of s.changes) {
    if (c.type !== 'AWS::Budgets::Budget') continue;
    const where = short(stack, c.path);
    if (c.action === 'remove') {
      add(c.logicalId, c.path, c.type, `budget ${where} removed: no more cost alerts`, `The AWS Budgets budget (${limit(c.old)} a month) and its email alerts on the actual and forecast cost are deleted; nobody is told any more when the account's spending passes the limit. Nothing that serves traffic changes.`);
    } else if (c.action === 'add') {
      add(c.logicalId, c.path, c.type, `budget ${where} added (${limit(c.new)} a month)`, 'An AWS Budgets budget mails its subscribers when the actual or forecast monthly cost passes the limit (Budgets needs no confirmation from the addresses). It costs nothing and touches no resource.');
    } else {
      add(c.logicalId, c.path, c.type, `budget ${where} changes (${limit(c.old)} → ${limit(c.new)} a month)`, 'The budget\'s limit or its alert addresses change; the alerts follow the new values from the next evaluation. Nothing that serves traffic changes.');
    }
  }

  const before = awakeSchedules(s.base?.template.Resources ?? {});
  const after = awakeSchedules(s.head?.template.Resources ?? {});
  const scheduled = new Set(s.changes.filter((c) => c.type === 'AWS::Scheduler::Schedule').map((c) => c.logicalId));
  for (const c of s.changes) {
    const isEnv = c.type === 'AWS::ElasticBeanstalk::Environment';
    const isDb = c.type === 'AWS::RDS::DBInstance';
    if (!isEnv && !isDb) continue;
    const a = before.get(c.logicalId);
    const b = after.get(c.logicalId);
    if (a?.text === b?.text) continue;
    const where = short(stack, c.path);
    add(
      c.logicalId,
      c.path,
      c.type,
      `sleep schedule of ${where}: ${awakeText(a)} → ${awakeText(b)}`,
      isEnv
        ? 'Elastic Beanstalk scheduled actions scale the environment to zero instances at the sleep time and back at the wake time: outside the wake hours the application does not answer. Nothing is replaced; the cost estimate follows the hours awake.'
        : 'EventBridge Scheduler stops the database at the sleep time and starts it before the wake time (RDS also starts a stopped instance by itself after 7 days). Its data stays; storage is billed while it is stopped. Nothing is replaced.',
    );
  }
  // a database whose schedules change without any change of the database itself
  for (const [db, b] of after) {
    if (s.changes.some((c) => c.logicalId === db) || before.get(db)?.text === b.text || scheduled.size === 0) continue;
    const path = s.head?.paths[db] ?? db;
    add(db, path, 'AWS::RDS::DBInstance', `sleep schedule of ${short(stack, path)}: ${awakeText(before.get(db))} → ${awakeText(b)}`, 'EventBridge Scheduler stops the database at the sleep time and starts it before the wake time (RDS also starts a stopped instance by itself after 7 days). Its data stays; storage is billed while it is stopped. Nothing is replaced.');
  }
  for (const [db, a] of before) {
    if (after.has(db) || s.changes.some((c) => c.logicalId === db) || scheduled.size === 0) continue;
    const path = s.head?.paths[db] ?? s.base?.paths[db] ?? db;
    add(db, path, 'AWS::RDS::DBInstance', `sleep schedule of ${short(stack, path)}: ${awakeText(a)} → always on`, 'The database is no longer stopped and started on a schedule; it runs (and bills) all the time.');
  }
  return notes;
}
