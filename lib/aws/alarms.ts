/**
 * The states of the stack's alarms (constructs/alarms.ts), for `beanstack doctor`: CloudWatch's
 * `DescribeAlarms` behind a small interface, and the `alerts/alarm-states` check. Every alarm is named
 * `<environment>-…` (lib/alarm-names.ts), so one prefix per environment finds those of the template
 * and those of the bundle (the load balancer's, which Beanstalk's own stack creates).
 */
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { ALARM_TOPIC_OPTION, alarmName, LOAD_BALANCER_ALARMS } from '../alarm-names';
import type { Check, CheckOutcome } from './check';
import type { AwsClients } from './clients';
import { physicalIds } from './deployed';
import type { DoctorContext } from './doctor';
import type { CfnResource } from './stack-plan';

export interface AlarmState {
  readonly name: string;
  readonly state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA' | string;
  readonly reason?: string;
  readonly since?: Date;
  readonly actionsEnabled: boolean;
  /** Number of alarm actions (who is told). */
  readonly actions: number;
}

/** Reads alarms; tests hand in a client whose `send` is mocked. */
export interface AlarmReader {
  /** Every metric alarm whose name starts with `prefix`, sorted by name. */
  byPrefix(prefix: string): Promise<AlarmState[]>;
}

export function cloudWatchAlarmReader(clients: Pick<AwsClients, 'cloudwatch'>): AlarmReader {
  return {
    byPrefix: async (prefix) => {
      const out: AlarmState[] = [];
      let token: string | undefined;
      do {
        const page = await clients.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: prefix, AlarmTypes: ['MetricAlarm'], NextToken: token, MaxRecords: 100 }));
        for (const a of page.MetricAlarms ?? []) {
          out.push({
            name: a.AlarmName ?? '?',
            state: a.StateValue ?? 'INSUFFICIENT_DATA',
            reason: a.StateReason,
            since: a.StateUpdatedTimestamp,
            actionsEnabled: a.ActionsEnabled !== false,
            actions: (a.AlarmActions ?? []).length,
          });
        }
        token = page.NextToken;
      } while (token);
      return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    },
  };
}

/** The alarm names the template defines for one environment: its own alarms, and the bundle's when it carries the alert topic. */
export function expectedAlarms(resources: Readonly<Record<string, CfnResource>>, environmentLogicalId: string, environmentName: string): string[] {
  const names: string[] = [];
  for (const r of Object.values(resources)) {
    const n = r.Properties?.AlarmName;
    if (r.Type === 'AWS::CloudWatch::Alarm' && typeof n === 'string' && n.startsWith(`${environmentName}-`)) names.push(n);
  }
  const options = resources[environmentLogicalId]?.Properties?.OptionSettings;
  const hasBundleAlarms = Array.isArray(options) && options.some((o) => o?.Namespace === ALARM_TOPIC_OPTION.namespace && o?.OptionName === ALARM_TOPIC_OPTION.optionName);
  if (hasBundleAlarms) names.push(...LOAD_BALANCER_ALARMS.map((a) => alarmName(environmentName, a)));
  return names.sort();
}

const oneLine = (t: string) => t.replace(/\s+/g, ' ').trim();

export const alarmStates: Check<DoctorContext> = {
  id: 'alerts/alarm-states',
  title: 'Alarm states',
  group: 'alerts',
  permissions: ['cloudwatch:DescribeAlarms'],
  fix: 'open each alarm in the CloudWatch console; the alarm\'s description says what it watches and what to do',
  run: async (ctx): Promise<CheckOutcome> => {
    const stack = await ctx.stack();
    if (!stack) return { status: 'skip', summary: 'the stack is not deployed' };
    const ids = physicalIds(stack);
    const resources = ctx.plan.template.Resources ?? {};
    const envs = ctx.plan.environments.map((e) => ({ logicalId: e.logicalId, name: ids.get(e.logicalId) ?? e.environmentName })).filter((e): e is { logicalId: string; name: string } => e.name !== undefined);
    const expected = envs.flatMap((e) => expectedAlarms(resources, e.logicalId, e.name));
    if (expected.length === 0) return { status: 'skip', summary: 'the stack defines no alarms (set x-beanstack.alerts: docs/operations.md)' };
    const reader = ctx.alarms ?? cloudWatchAlarmReader(ctx.clients);
    const found = (await Promise.all(envs.map((e) => reader.byPrefix(`${e.name}-`)))).flat();
    const byName = new Map(found.map((a) => [a.name, a]));
    const missing = expected.filter((n) => !byName.has(n));
    const firing = found.filter((a) => a.state === 'ALARM');
    const silent = found.filter((a) => expected.includes(a.name) && (!a.actionsEnabled || a.actions === 0));
    const waiting = found.filter((a) => a.state === 'INSUFFICIENT_DATA').length;
    const counts = `${found.length} alarm${found.length === 1 ? '' : 's'}: ${found.length - firing.length - waiting} OK, ${firing.length} in ALARM, ${waiting} without data yet`;
    if (firing.length > 0) {
      return {
        status: 'fail',
        summary: `${firing.map((a) => a.name).join(', ')} in ALARM (${counts})`,
        details: firing.map((a) => `${a.name} since ${a.since?.toISOString() ?? '?'}: ${oneLine(a.reason ?? '')}`),
      };
    }
    if (missing.length > 0) {
      return { status: 'warn', summary: `${missing.length} alarm${missing.length === 1 ? '' : 's'} of the template not found in CloudWatch: ${missing.join(', ')} (${counts})`, fix: 'deploy again (beanstack deploy); the load balancer\'s alarms are created with the environment\'s next update' };
    }
    if (silent.length > 0) {
      return { status: 'warn', summary: `${silent.map((a) => a.name).join(', ')} notif${silent.length === 1 ? 'ies' : 'y'} nobody (actions disabled or none) (${counts})`, fix: 'enable the alarm actions (aws cloudwatch enable-alarm-actions) or deploy again' };
    }
    return { status: 'pass', summary: counts };
  },
};
