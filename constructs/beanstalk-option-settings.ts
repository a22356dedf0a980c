/**
 * The option settings of a `BeanstalkEnvironment`, as a pure function of its resolved props: tests
 * call it without a synth, and the construct passes its result to `CfnEnvironment.optionSettings`.
 * IDs and ARNs may be tokens; they are copied, never inspected.
 */
import { byString } from '../lib/util/order';
import type { DeploymentStage } from './stage';
import { alertOptionSettings } from './alarms';
import { ScalingTarget, scalingTriggerOptions } from './scaling';

/** One `aws:<namespace>` option of the environment. */
export interface OptionSetting {
  readonly namespace: string;
  readonly optionName: string;
  readonly value: string;
}

/** What the option settings are made of: the environment's props with their defaults applied, and the IDs of its resources. */
export interface OptionSettingsInput {
  readonly platform: 'ecs' | 'docker';
  readonly stage: DeploymentStage;
  readonly vpcId: string;
  /** Subnet IDs of the instances. */
  readonly instanceSubnetIds: readonly string[];
  /** Subnet IDs of the load balancer (load balanced only). */
  readonly loadBalancerSubnetIds: readonly string[];
  readonly associatePublicIpAddress: boolean;
  readonly instanceTypes: string;
  readonly architecture: 'x86_64' | 'arm64';
  readonly instanceProfileName: string;
  readonly appSecurityGroupId: string;
  /** Required when `loadBalanced`. */
  readonly loadBalancerSecurityGroupId?: string;
  readonly serviceRoleArn: string;
  readonly serviceRoleName: string;
  readonly loadBalanced: boolean;
  readonly minInstances: number;
  readonly maxInstances: number;
  /** What adds an instance (load balanced only); none keeps Beanstalk's default trigger. */
  readonly scalingTarget?: ScalingTarget;
  /** SNS topic of Beanstalk's notifications and the bundle's alarms. */
  readonly alertTopicArn?: string;
  readonly healthCheckPath: string;
  readonly certificateArn?: string;
  readonly managedUpdateWindow: string;
  readonly logRetentionDays: number;
  readonly environmentVariables: Readonly<Record<string, string>>;
  /** Environment secrets: the secret's ARN and the JSON key to extract. */
  readonly environmentSecrets: Readonly<Record<string, { readonly secretArn: string; readonly jsonKey?: string }>>;
}

/** The environment's option settings, sorted by namespace and option name. */
export function optionSettings(o: OptionSettingsInput): OptionSetting[] {
  const prod = o.stage === 'prod';
  const options: OptionSetting[] = [];
  const set = (namespace: string, optionName: string, value: string) => options.push({ namespace, optionName, value });

  set('aws:ec2:vpc', 'VPCId', o.vpcId);
  set('aws:ec2:vpc', 'Subnets', o.instanceSubnetIds.join(','));
  set('aws:ec2:vpc', 'AssociatePublicIpAddress', String(o.associatePublicIpAddress));
  set('aws:ec2:instances', 'InstanceTypes', o.instanceTypes);
  set('aws:ec2:instances', 'SupportedArchitectures', o.architecture);
  set('aws:autoscaling:launchconfiguration', 'IamInstanceProfile', o.instanceProfileName);
  set('aws:autoscaling:launchconfiguration', 'SecurityGroups', o.appSecurityGroupId);
  set('aws:autoscaling:launchconfiguration', 'DisableDefaultEC2SecurityGroup', 'true');
  // Both together force launch templates, which accounts created after 2024-10-01 require.
  set('aws:autoscaling:launchconfiguration', 'DisableIMDSv1', 'true');
  set('aws:autoscaling:launchconfiguration', 'RootVolumeType', 'gp3');
  set('aws:elasticbeanstalk:environment', 'ServiceRole', o.serviceRoleArn);
  set('aws:elasticbeanstalk:environment', 'EnvironmentType', o.loadBalanced ? 'LoadBalanced' : 'SingleInstance');
  set('aws:elasticbeanstalk:application', 'Application Healthcheck URL', o.healthCheckPath);
  if (o.loadBalanced) {
    const lbSg = o.loadBalancerSecurityGroupId ?? '';
    set('aws:ec2:vpc', 'ELBSubnets', o.loadBalancerSubnetIds.join(','));
    set('aws:ec2:vpc', 'ELBScheme', 'public');
    set('aws:elasticbeanstalk:environment', 'LoadBalancerType', 'application');
    set('aws:elbv2:loadbalancer', 'SecurityGroups', lbSg);
    set('aws:elbv2:loadbalancer', 'ManagedSecurityGroup', lbSg);
    set('aws:autoscaling:asg', 'MinSize', String(o.minInstances));
    set('aws:autoscaling:asg', 'MaxSize', String(o.maxInstances));
    for (const t of scalingTriggerOptions(o.scalingTarget)) set(t.namespace, t.optionName, t.value);
    set('aws:elasticbeanstalk:environment:process:default', 'HealthCheckPath', o.healthCheckPath);
    set('aws:elasticbeanstalk:environment:process:default', 'Port', '80');
    set('aws:elasticbeanstalk:environment:process:default', 'Protocol', 'HTTP');
    if (o.certificateArn !== undefined) {
      set('aws:elbv2:listener:443', 'ListenerEnabled', 'true');
      set('aws:elbv2:listener:443', 'Protocol', 'HTTPS');
      set('aws:elbv2:listener:443', 'SSLCertificateArns', o.certificateArn);
      set('aws:elbv2:listener:443', 'SSLPolicy', 'ELBSecurityPolicy-TLS13-1-2-2021-06');
      set('aws:elbv2:listener:443', 'DefaultProcess', 'default');
    }
  }
  // Beanstalk does not roll back failed ECS tasks: immutable deployments keep the old instances
  // serving until the new ones are healthy.
  set('aws:elasticbeanstalk:command', 'DeploymentPolicy', prod ? 'Immutable' : 'AllAtOnce');
  if (prod) {
    set('aws:autoscaling:updatepolicy:rollingupdate', 'RollingUpdateEnabled', 'true');
    set('aws:autoscaling:updatepolicy:rollingupdate', 'RollingUpdateType', 'Immutable');
  }
  set('aws:elasticbeanstalk:healthreporting:system', 'SystemType', 'enhanced');
  set('aws:elasticbeanstalk:managedactions', 'ManagedActionsEnabled', 'true');
  set('aws:elasticbeanstalk:managedactions', 'PreferredStartTime', o.managedUpdateWindow);
  // documented as a role name (the environment's service role or the managed-updates service-linked role)
  set('aws:elasticbeanstalk:managedactions', 'ServiceRoleForManagedUpdates', o.serviceRoleName);
  // patch: a new Docker version bumps the platform's minor version, which deserves a human.
  set('aws:elasticbeanstalk:managedactions:platformupdate', 'UpdateLevel', 'patch');
  set('aws:elasticbeanstalk:managedactions:platformupdate', 'InstanceRefreshEnabled', 'false');
  set('aws:elasticbeanstalk:cloudwatch:logs', 'StreamLogs', 'true');
  set('aws:elasticbeanstalk:cloudwatch:logs', 'DeleteOnTerminate', String(!prod));
  set('aws:elasticbeanstalk:cloudwatch:logs', 'RetentionInDays', String(o.logRetentionDays));
  set('aws:elasticbeanstalk:cloudwatch:logs:health', 'HealthStreamingEnabled', 'true');
  set('aws:elasticbeanstalk:cloudwatch:logs:health', 'DeleteOnTerminate', String(!prod));
  set('aws:elasticbeanstalk:cloudwatch:logs:health', 'RetentionInDays', String(o.logRetentionDays));
  set('aws:elasticbeanstalk:hostmanager', 'LogPublicationControl', 'true');
  if (o.alertTopicArn !== undefined) {
    for (const a of alertOptionSettings(o.alertTopicArn, o.loadBalanced)) set(a.namespace, a.optionName, a.value);
  }
  for (const name of Object.keys(o.environmentVariables).sort(byString)) {
    set('aws:elasticbeanstalk:application:environment', name, o.environmentVariables[name]);
  }
  for (const name of Object.keys(o.environmentSecrets).sort(byString)) {
    const { secretArn, jsonKey } = o.environmentSecrets[name];
    // EB form `<arn>:<key>`; the ECS platform uses the native ECS form `<arn>:<key>::`.
    const value = jsonKey === undefined ? secretArn : o.platform === 'ecs' ? `${secretArn}:${jsonKey}::` : `${secretArn}:${jsonKey}`;
    set('aws:elasticbeanstalk:application:environmentsecrets', name, value);
  }
  return options.sort((a, b) => byString(a.namespace, b.namespace) || byString(a.optionName, b.optionName));
}
