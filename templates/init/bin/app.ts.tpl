#!/usr/bin/env node
/**
 * The CDK app of this project, written by `beanstack init`: one stack that deploys {{composeFiles}}
 * to AWS Elastic Beanstalk (VPC, security groups, RDS, secrets, the environment).
 *
 *   npx cdk synth -c stage=dev                 # what would be deployed
 *   npx beanstack diff --base-ref origin/main  # what a change does (data loss, security, cost)
 *   npx cdk deploy -c stage=prod               # deploy
 *
 * Settings come from CDK context (cdk.json, or -c key=value): compose, appName, stage (dev | prod),
 * target (ecs | docker | single), account, region, instanceTypes, certificateArn, healthCheckPath.
 */
import { createBeanstackApp } from 'beanstack/dist/bin/app';
import { formatError, isUserError } from 'beanstack/dist/lib/errors';

try {
  const { app } = createBeanstackApp({
    cwd: process.cwd(),
    env: process.env,
    // Defaults; cdk.json and -c key=value override them.
    context: { compose: '{{composeFiles}}', appName: '{{appName}}' },
  });
  app.synth();
} catch (e) {
  if (isUserError(e)) {
    process.stderr.write(`error: ${formatError(e, process.cwd())}\n`);
    process.exit(2);
  }
  throw e;
}
