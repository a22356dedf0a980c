/**
 * Names of the alarms beanstack creates (constructs/alarms.ts) and `beanstack doctor` reads
 * (lib/aws/alarms.ts): every one starts with the environment's name, so one prefix finds them all.
 * Pure, with no imports: the doctor loads no CDK code.
 */

/** The load balancer's alarms, which live in the bundle (Beanstalk creates the load balancer). */
export const LOAD_BALANCER_ALARMS = ['http-5xx-rate', 'response-time'] as const;

/** `<environment>-<alarm>`, e.g. `shop-prod-environment-health`, `shop-prod-db-postgres-cpu`. */
export function alarmName(environmentName: string, alarm: string): string {
  return `${environmentName}-${alarm}`;
}

/** The environment option that carries the alert topic to the bundle's alarms (set only on load-balanced environments with alerts). */
export const ALARM_TOPIC_OPTION: Readonly<{ namespace: string; optionName: string }> = { namespace: 'aws:elasticbeanstalk:customoption', optionName: 'BeanstackAlarmTopicArn' };
