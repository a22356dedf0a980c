/**
 * Review rules for scaling and alerts (constructs/scaling.ts, constructs/alarms.ts): a scaling change
 * is routine and says what changes; losing an alarm, its actions, an alert subscription or
 * Beanstalk's notification topic is a security note — a detective control goes away, and nobody will
 * be told when the site is down.
 */
import { optionValue, short } from './classify';
import type { RawChange, StackDiffResult } from './stack-diff';
import type { Note } from './types';
import { render } from './values';

const SCALING_OPTIONS: ReadonlyArray<readonly [string, string, string]> = [
  ['aws:autoscaling:asg', 'MinSize', 'min'],
  ['aws:autoscaling:asg', 'MaxSize', 'max'],
  ['aws:autoscaling:trigger', 'MeasureName', 'trigger metric'],
  ['aws:autoscaling:trigger', 'UpperThreshold', 'scale out above'],
  ['aws:autoscaling:trigger', 'LowerThreshold', 'scale in below'],
];

const NOTIFICATIONS: readonly [string, string] = ['aws:elasticbeanstalk:sns:topics', 'Notification Topic ARN'];

function shown(v: unknown): string {
  return v === undefined ? '(default)' : render(v);
}

function actionsOf(c: RawChange, side: 'old' | 'new'): number {
  const p = c[side]?.Properties ?? {};
  if (p.ActionsEnabled === false || p.ActionsEnabled === 'false') return 0;
  return Array.isArray(p.AlarmActions) ? p.AlarmActions.length : 0;
}

/** The notes of one stack's changes. */
export function operationsNotes(s: StackDiffResult): Note[] {
  const stack = s.review.name;
  const notes: Note[] = [];
  const push = (cls: Note['class'], c: RawChange, title: string, reason: string) =>
    notes.push({ class: cls, stack, logicalId: c.logicalId, resource: c.path, resourceType: c.type, title, reason });
  if (s.review.status === 'removed') return notes;
  for (const c of s.changes) {
    const where = short(stack, c.path);
    if (c.type === 'AWS::CloudWatch::Alarm') {
      const name = render(c.old?.Properties?.AlarmName ?? where);
      if (c.action === 'remove') {
        push('security', c, `alarm ${name} removed`, 'The alarm no longer watches its metric, so nobody is told when it would have fired (an outage, a full disk, an overloaded database). If it fired too often, raise its threshold instead (x-beanstack.alerts.thresholds).');
      } else if (c.action !== 'add' && actionsOf(c, 'old') > 0 && actionsOf(c, 'new') === 0) {
        push('security', c, `alarm ${name} no longer notifies anyone`, 'Its actions were removed or disabled: the alarm still changes state, but no message reaches a person. Keep the alert topic in AlarmActions.');
      }
    }
    if (c.type === 'AWS::SNS::Subscription' && c.action === 'remove') {
      // the endpoint (an email address) is not repeated in the report
      push('security', c, `alert subscription ${where} removed (${shown(c.old?.Properties?.Protocol)})`, 'This subscriber no longer receives the alarms and Beanstalk\'s notifications. Make sure someone still does (x-beanstack.alerts.email).');
    }
    if (c.type === 'AWS::ElasticBeanstalk::Environment' && c.old && c.new) {
      const before = optionValue(c.old, ...NOTIFICATIONS);
      if (before !== undefined && optionValue(c.new, ...NOTIFICATIONS) === undefined) {
        push('security', c, `Beanstalk notifications turned off on ${where}`, 'The environment no longer sends its events (failed deployments, health changes) to the alert topic. Note that CloudFormation keeps a removed option at its current value: set it explicitly to change it.');
      }
      const changed = SCALING_OPTIONS.filter(([ns, name]) => render(optionValue(c.old, ns, name) ?? '') !== render(optionValue(c.new, ns, name) ?? ''));
      if (changed.length > 0) {
        const what = changed.map(([ns, name, label]) => `${label} ${shown(optionValue(c.old, ns, name))} → ${shown(optionValue(c.new, ns, name))}`).join(', ');
        push('routine', c, `scaling of ${where}: ${what}`, 'Elastic Beanstalk updates the Auto Scaling group and its trigger in place; running instances keep serving. The cost table shows the new instance range.');
      }
    }
  }
  return notes;
}
