/**
 * The CDK context keys of scaling and alerts (docs/operations.md): read by `readSettings` in
 * bin/app.ts, passed to the stack as `ComposeApplication` props, which win over the compose file's
 * `x-beanstack.scaling` and `x-beanstack.alerts`.
 */
import { BeanstackError } from '../lib/errors';
import type { OperationsProps } from '../constructs/operations';

/** The props these context keys set (the thresholds are set in x-beanstack or as a prop only). */
export type OperationsSettings = Omit<OperationsProps, 'alarmThresholds'>;

/** Reads the keys through the app's own string and list readers; numbers are checked here, ranges by the constructs. */
export function readOperationsSettings(str: (key: string) => string | undefined, list: (key: string) => string[] | undefined): OperationsSettings {
  const num = (key: string, example: string): number | undefined => {
    const v = str(key);
    if (v === undefined) return undefined;
    if (!/^\d+(\.\d+)?$/.test(v)) {
      throw new BeanstackError(`context ${key} '${v}' is not a number`, { code: 'app/context', fix: `pass -c ${key}=${example}` });
    }
    return Number(v);
  };
  const out: { -readonly [K in keyof OperationsSettings]: OperationsSettings[K] } = {};
  const set = <K extends keyof OperationsSettings>(k: K, v: OperationsSettings[K] | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  set('minInstances', num('minInstances', '2'));
  set('maxInstances', num('maxInstances', '4'));
  set('scalingCpuPercent', num('scalingCpuPercent', '60'));
  set('scalingRequestsPerTarget', num('scalingRequestsPerTarget', '1000'));
  set('alertEmails', list('alertEmails'));
  set('alertTopicArn', str('alertTopicArn'));
  return out;
}
