/**
 * `beanstack deploy` orchestration: preflight (stop on a failed check) → `cdk deploy` of the very
 * assembly that was checked → doctor → the environment URL. The steps are injected, so the order
 * and the stop conditions are tested without AWS.
 */
import type { CheckResult } from './check';
import { hasFailure } from './report';

export interface DeploySteps {
  /** Runs the preflight checks. */
  readonly preflight: () => Promise<readonly CheckResult[]>;
  /** Runs `cdk deploy`; resolves to its exit code. */
  readonly cdkDeploy: () => Promise<number>;
  /** Runs the doctor checks. */
  readonly doctor: () => Promise<readonly CheckResult[]>;
  /** The URL of the deployed environment. */
  readonly environmentUrl: () => Promise<string | undefined>;
  /** Prints a report of `command` (the table or JSON). */
  readonly printReport: (command: 'preflight' | 'doctor', results: readonly CheckResult[]) => void;
  /** Progress and outcome lines (stderr). */
  readonly log: (line: string) => void;
  /** The result line: the URL (stdout). */
  readonly out: (line: string) => void;
}

export type DeployOutcome = 'preflight-failed' | 'deploy-failed' | 'unhealthy' | 'deployed';

/** Exit code of each outcome: 0 deployed and healthy, 1 otherwise. */
export const DEPLOY_EXIT: Readonly<Record<DeployOutcome, number>> = {
  'preflight-failed': 1,
  'deploy-failed': 1,
  'unhealthy': 1,
  'deployed': 0,
};

export async function runDeploy(steps: DeploySteps, options: { readonly strict?: boolean } = {}): Promise<DeployOutcome> {
  steps.log('== preflight');
  const pre = await steps.preflight();
  steps.printReport('preflight', pre);
  if (hasFailure(pre, options.strict)) {
    steps.log('preflight found problems (above): nothing was deployed; fix them and run beanstack deploy again');
    return 'preflight-failed';
  }

  steps.log('== cdk deploy');
  const code = await steps.cdkDeploy();
  if (code !== 0) {
    steps.log(`cdk deploy failed (exit ${code}); the doctor below shows the state of what is deployed`);
    steps.log('== doctor');
    steps.printReport('doctor', await steps.doctor());
    steps.log('a failed ECS task is not rolled back by Elastic Beanstalk: beanstack rollback redeploys the previous version');
    return 'deploy-failed';
  }

  steps.log('== doctor');
  const post = await steps.doctor();
  steps.printReport('doctor', post);
  const url = await steps.environmentUrl();
  if (url) steps.out(`environment URL: ${url}`);
  if (hasFailure(post)) {
    steps.log('deployed, but the doctor found problems (above); beanstack rollback redeploys the previous version');
    return 'unhealthy';
  }
  return 'deployed';
}
