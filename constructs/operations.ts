/**
 * Day-two settings of a `ComposeApplication`: the scaling and the alerts, from its props, else the
 * compose file's `x-beanstack.scaling` / `x-beanstack.alerts`, else the stage preset — validated, with
 * messages that name the prop or field to change.
 */
import { parseProjectOverrides } from '../lib/bundle/x-beanstack';
import type { ComposeProject } from '../lib/compose/model';
import type { Diagnostic } from '../lib/errors';
import { AlarmThresholds, thresholdsFromOverrides } from './alarms';
import { propsError } from './props';
import { ScalingNames, ScalingSettings, ScalingTarget, scalingPreset, validateScaling } from './scaling';
import type { DeploymentStage } from './stage';
import type { ComposeApplicationProps } from './compose-application';

/** The props of `ComposeApplication` this file reads. */
export type OperationsProps = Pick<ComposeApplicationProps, 'minInstances' | 'maxInstances' | 'scalingCpuPercent' | 'scalingRequestsPerTarget' | 'alertEmails' | 'alertTopicArn' | 'alarmThresholds'>;

export interface ResolvedAlerts {
  readonly emails: readonly string[];
  readonly topicArn?: string;
  readonly thresholds: AlarmThresholds;
}

export interface ResolvedOperations {
  readonly scaling: ScalingSettings;
  /** Undefined when nobody is to be alerted. */
  readonly alerts?: ResolvedAlerts;
  readonly warnings: readonly Diagnostic[];
}

function target(cpu: number | undefined, requests: number | undefined, cpuName: string, requestsName: string): ScalingTarget | undefined {
  if (cpu !== undefined && requests !== undefined) {
    throw propsError(`${cpuName} and ${requestsName} are both set, but Elastic Beanstalk scales on one metric; remove one of them`);
  }
  if (cpu !== undefined) return { cpuPercent: cpu };
  if (requests !== undefined) return { requestsPerTarget: requests };
  return undefined;
}

/**
 * Resolves and validates. `preset` keys the defaults (`scalingPreset`); `loadBalanced` is whether the
 * environment has a load balancer. The compose file's problems were reported by the converter already.
 */
export function resolveOperations(project: ComposeProject, preset: DeploymentStage, loadBalanced: boolean, props: OperationsProps): ResolvedOperations {
  const x = parseProjectOverrides(project, []);
  const defaults = scalingPreset(preset);
  const propTarget = target(props.scalingCpuPercent, props.scalingRequestsPerTarget, '`scalingCpuPercent`', '`scalingRequestsPerTarget`');
  const fileTarget = target(x.scaling?.cpu, x.scaling?.requests, 'x-beanstack.scaling.cpu', 'x-beanstack.scaling.requests');
  const scaling: ScalingSettings = {
    min: props.minInstances ?? x.scaling?.min ?? defaults.min,
    max: props.maxInstances ?? x.scaling?.max ?? defaults.max,
    target: propTarget ?? fileTarget ?? (loadBalanced ? defaults.target : undefined),
  };
  const names: ScalingNames = {
    min: props.minInstances !== undefined ? '`minInstances`' : x.scaling?.min !== undefined ? 'x-beanstack.scaling.min' : 'the preset minimum',
    max: props.maxInstances !== undefined ? '`maxInstances`' : x.scaling?.max !== undefined ? 'x-beanstack.scaling.max' : 'the preset maximum',
    cpu: props.scalingCpuPercent !== undefined ? '`scalingCpuPercent`' : 'x-beanstack.scaling.cpu',
    requests: props.scalingRequestsPerTarget !== undefined ? '`scalingRequestsPerTarget`' : 'x-beanstack.scaling.requests',
    loadBalancer: 'deploy a stage with a load balancer (-c stage=prod)',
  };
  validateScaling(scaling, loadBalanced, names);

  const emails = [...new Set(props.alertEmails ?? x.alerts?.email ?? [])].sort();
  const topicArn = props.alertTopicArn ?? x.alerts?.topicArn;
  const given = Object.entries(props.alarmThresholds ?? {}).filter(([, v]) => v !== undefined);
  const thresholds: AlarmThresholds = { ...thresholdsFromOverrides(x.alerts?.thresholds), ...Object.fromEntries(given) };
  const warnings: Diagnostic[] = [];
  const alerts = emails.length > 0 || topicArn !== undefined ? { emails, topicArn, thresholds } : undefined;
  if (!alerts && preset === 'prod') {
    warnings.push({ code: 'constructs/no-alerts', message: 'nobody is alerted when this production environment or its database is unwell; set x-beanstack.alerts: { email: [you@example.com] } (or -c alertEmails=you@example.com) — docs/operations.md' });
  }
  return { scaling, alerts, warnings };
}
