/**
 * `beanstack deploy` orchestration: preflight (stop on a failed check) → `cdk deploy` of the very
 * assembly that was checked → the deployment record (history) → doctor → the environment URL. The
 * steps are injected, so the order and the stop conditions are tested without AWS.
 *
 * Placeholder secrets: a deploy does not finish — exit 1, outcome `placeholder-secrets`, no
 * `environment URL:` result line on stdout — while an application secret still holds the random
 * placeholder the stack generated (doctor check `secrets/placeholder`), unless
 * `allowPlaceholderSecrets`. On the first deploy (the stack did not exist before) this always
 * happens when the app has secrets: they come into being with the deploy; the message says to set
 * them now. The deployed resources stay (CloudFormation cannot be half-undone): "finish" is the
 * wrapper's verdict, which scripts and CI read.
 */
import type { CheckResult } from './check';
import { hasFailure } from './report';
import { PLACEHOLDER_CHECK_ID } from './secret-status';

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
  /**
   * Whether the stack exists before `cdk deploy` (a first deploy when false).
   *
   * @default - unknown: treated as a later deploy
   */
  readonly stackExists?: () => Promise<boolean>;
  /**
   * Records the deployment in AWS (lib/aws/history.ts) after a successful `cdk deploy`; resolves to
   * the line to log. A failure is logged and does not fail the deploy.
   *
   * @default - nothing recorded
   */
  readonly record?: () => Promise<string>;
}

export type DeployOutcome = 'preflight-failed' | 'deploy-failed' | 'unhealthy' | 'placeholder-secrets' | 'deployed';

/** Exit code of each outcome: 0 deployed and healthy, 1 otherwise. */
export const DEPLOY_EXIT: Readonly<Record<DeployOutcome, number>> = {
  'preflight-failed': 1,
  'deploy-failed': 1,
  'unhealthy': 1,
  'placeholder-secrets': 1,
  'deployed': 0,
};

export interface DeployOptions {
  /** Stop on preflight warnings too. */
  readonly strict?: boolean;
  /** Finish (exit 0) although application secrets still hold their placeholder. @default false */
  readonly allowPlaceholderSecrets?: boolean;
}

export async function runDeploy(steps: DeploySteps, options: DeployOptions = {}): Promise<DeployOutcome> {
  steps.log('== preflight');
  const pre = await steps.preflight();
  steps.printReport('preflight', pre);
  if (hasFailure(pre, options.strict)) {
    steps.log('preflight found problems (above): nothing was deployed; fix them and run beanstack deploy again');
    return 'preflight-failed';
  }

  // unknown (the call failed) counts as a later deploy: only the wording of the placeholder message depends on it
  const firstDeploy = steps.stackExists ? !(await steps.stackExists().catch(() => true)) : false;
  steps.log('== cdk deploy');
  const code = await steps.cdkDeploy();
  if (code !== 0) {
    steps.log(`cdk deploy failed (exit ${code}); the doctor below shows the state of what is deployed`);
    steps.log('== doctor');
    steps.printReport('doctor', await steps.doctor());
    steps.log('a failed ECS task is not rolled back by Elastic Beanstalk: beanstack rollback redeploys the previous version');
    return 'deploy-failed';
  }

  if (steps.record) {
    steps.log('== history');
    steps.log(await steps.record().catch((e: Error) => `the deployment was not recorded (beanstack history will not list it): ${e.message}`));
  }

  steps.log('== doctor');
  const post = await steps.doctor();
  steps.printReport('doctor', post);
  const placeholders = post.filter((r) => r.id === PLACEHOLDER_CHECK_ID && r.status === 'fail');
  const others = post.filter((r) => !placeholders.includes(r));
  const url = await steps.environmentUrl();
  if (hasFailure(others)) {
    if (url) steps.out(`environment URL: ${url}`);
    steps.log('deployed, but the doctor found problems (above); beanstack rollback redeploys the previous version');
    return 'unhealthy';
  }
  if (placeholders.length > 0 && !options.allowPlaceholderSecrets) {
    if (url) steps.log(`the environment runs at ${url}, with the random placeholders`);
    steps.log(`${firstDeploy ? 'first deploy: the stack created the application secrets just now, with random placeholders' : 'application secrets still hold their random placeholders'} (${placeholders[0].summary.replace(/^.*: /, '')}); the deploy is not finished:`);
    steps.log('  set them: beanstack secrets set NAME < value-file (or beanstack secrets set --from-env-file FILE), then beanstack doctor');
    steps.log('  or accept the placeholders for now: beanstack deploy --allow-placeholder-secrets');
    return 'placeholder-secrets';
  }
  if (url) steps.out(`environment URL: ${url}`);
  if (placeholders.length > 0) steps.log('finished with placeholder application secrets (--allow-placeholder-secrets): set them with beanstack secrets set');
  return 'deployed';
}
