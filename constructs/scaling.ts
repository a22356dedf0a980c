/**
 * How many instances an environment runs and what adds or removes one: the per-stage presets, the
 * rules that refuse impossible settings, and what they become in Elastic Beanstalk.
 *
 * Two mechanisms, chosen for what Elastic Beanstalk supports (docs/operations.md, "Scaling"):
 * - a CPU target is Beanstalk's own trigger (`aws:autoscaling:trigger`, two CloudWatch alarms and
 *   simple scaling policies that Beanstalk creates): add an instance when the average CPU of the
 *   instances is above the target for 5 minutes, remove one when it is below half the target. It is
 *   an option setting, so the review sees it in the template.
 * - a requests target is a target-tracking policy on `ALBRequestCountPerTarget` (requests per
 *   instance per minute), which no option setting offers (the trigger only measures the load
 *   balancer's total): an `.ebextensions` resource in the bundle (`scalingBundleFiles`) attached to
 *   the Auto Scaling group Beanstalk creates. Beanstalk's trigger then only adds an instance above
 *   90% CPU (a safety net) and never removes one: the target-tracking policy scales in.
 */
import { checkRules, PropsRule } from './props';
import type { OptionSetting } from './beanstalk-option-settings';
import type { DeploymentStage } from './stage';

/** What adds an instance: an average CPU percent, or requests a minute per instance. */
export type ScalingTarget =
  | { readonly cpuPercent: number; readonly requestsPerTarget?: undefined }
  | { readonly requestsPerTarget: number; readonly cpuPercent?: undefined };

export interface ScalingSettings {
  readonly min: number;
  readonly max: number;
  /** None: the group stays between min and max on Beanstalk's default trigger (network out). */
  readonly target?: ScalingTarget;
}

/**
 * The defaults of a stage preset: `dev` runs one instance (no load balancer); `prod` two to four,
 * adding one above 60% average CPU. The one place these numbers live.
 */
export function scalingPreset(preset: DeploymentStage): ScalingSettings {
  return preset === 'prod' ? { min: 2, max: 4, target: { cpuPercent: 60 } } : { min: 1, max: 1 };
}

/** CPU percent above which Beanstalk's trigger still adds an instance when requests drive the scaling. */
export const SAFETY_CPU_PERCENT = 90;

/** Where each value came from, for messages: the prop or x-beanstack field the user changes. */
export interface ScalingNames {
  readonly min: string;
  readonly max: string;
  readonly cpu: string;
  readonly requests: string;
  /** How to get a load balancer (e.g. `deploy the prod stage (-c stage=prod)`). */
  readonly loadBalancer: string;
}

/** The rules, in the order they are checked. */
export function scalingRules(s: ScalingSettings, loadBalanced: boolean, names: ScalingNames): PropsRule[] {
  const cpu = s.target?.cpuPercent;
  const requests = s.target?.requestsPerTarget;
  return [
    {
      condition: !Number.isInteger(s.min) || s.min < 1,
      message: `${names.min} (${s.min}) must be a whole number of at least 1; an environment with no instance serves nothing — set ${names.min} to 1 or more`,
    },
    {
      condition: !Number.isInteger(s.max) || s.max < 1,
      message: `${names.max} (${s.max}) must be a whole number of at least 1; set ${names.max} to 1 or more`,
    },
    {
      condition: s.min > s.max,
      message: `${names.min} (${s.min}) is larger than ${names.max} (${s.max}); lower ${names.min} or raise ${names.max}`,
    },
    {
      condition: !loadBalanced && s.max > 1,
      message: `${names.max} (${s.max}) needs a load balancer, but this environment is a single instance reached through its Elastic IP; set ${names.max} to 1, or ${names.loadBalancer}`,
    },
    {
      condition: !loadBalanced && s.min > 1,
      message: `${names.min} (${s.min}) needs a load balancer, but this environment is a single instance; set ${names.min} to 1, or ${names.loadBalancer}`,
    },
    {
      condition: !loadBalanced && s.target !== undefined,
      message: `${cpu !== undefined ? names.cpu : names.requests} sets a scaling target, but a single-instance environment never scales; remove it, or ${names.loadBalancer}`,
    },
    {
      condition: cpu !== undefined && (!(cpu >= 1) || cpu > 100),
      message: `${names.cpu} (${cpu}) must be an average CPU percent from 1 to 100; use e.g. 60`,
    },
    {
      condition: requests !== undefined && (!Number.isInteger(requests) || requests < 1),
      message: `${names.requests} (${requests}) must be a whole number of requests a minute per instance, at least 1; use e.g. 1000`,
    },
  ];
}

/** Throws the `propsError` of the first rule the settings break. */
export function validateScaling(s: ScalingSettings, loadBalanced: boolean, names: ScalingNames): void {
  checkRules(scalingRules(s, loadBalanced, names));
}

/** The `aws:autoscaling:trigger` options of a load-balanced environment (none without a target: Beanstalk's default trigger stays). */
export function scalingTriggerOptions(target: ScalingTarget | undefined): OptionSetting[] {
  if (target === undefined) return [];
  const ns = 'aws:autoscaling:trigger';
  const o = (optionName: string, value: string): OptionSetting => ({ namespace: ns, optionName, value });
  const upper = target.cpuPercent ?? SAFETY_CPU_PERCENT;
  // half the target: removing one of n ≥ 2 instances then leaves the average at most at the target
  const lower = target.cpuPercent !== undefined ? Math.floor(target.cpuPercent / 2) : 0;
  return [
    o('BreachDuration', '5'),
    // with a requests target the lower threshold is 0% CPU, which is never crossed: only the target-tracking policy scales in
    o('LowerBreachScaleIncrement', '-1'),
    o('LowerThreshold', String(lower)),
    o('MeasureName', 'CPUUtilization'),
    o('Period', '5'),
    o('Statistic', 'Average'),
    o('Unit', 'Percent'),
    o('UpperBreachScaleIncrement', '1'),
    o('UpperThreshold', String(upper)),
  ];
}

/** Path of the target-tracking policy in the source bundle. */
export const SCALING_POLICY_PATH = '.ebextensions/beanstack-scaling.config';

/** The bundle file of a requests target (none for a CPU target or none). */
export function scalingBundleFiles(target: ScalingTarget | undefined): Array<{ path: string; content: string }> {
  if (target?.requestsPerTarget === undefined) return [];
  const doc = {
    Resources: {
      BeanstackRequestsPerTarget: {
        Type: 'AWS::AutoScaling::ScalingPolicy',
        Properties: {
          AutoScalingGroupName: { Ref: 'AWSEBAutoScalingGroup' },
          PolicyType: 'TargetTrackingScaling',
          TargetTrackingConfiguration: {
            PredefinedMetricSpecification: {
              PredefinedMetricType: 'ALBRequestCountPerTarget',
              ResourceLabel: { 'Fn::Join': ['/', [
                { 'Fn::GetAtt': ['AWSEBV2LoadBalancer', 'LoadBalancerFullName'] },
                { 'Fn::GetAtt': ['AWSEBV2LoadBalancerTargetGroup', 'TargetGroupFullName'] },
              ]] },
            },
            TargetValue: target.requestsPerTarget,
          },
        },
      },
    },
  };
  // .config files are YAML, and JSON is YAML
  return [{ path: SCALING_POLICY_PATH, content: `${JSON.stringify(doc, null, 2)}\n` }];
}
