/**
 * Where the aws-cdk CLI is: the project's own install first, else the one next to beanstack. It is
 * an optional peer dependency of beanstack (users pick its version), so a missing CLI is a user error
 * that says how to install it, not a crash.
 */
import { BeanstackError } from '../errors';

export function cdkCliPath(projectDir?: string): string {
  try {
    return require.resolve('aws-cdk/bin/cdk', { paths: projectDir ? [projectDir, __dirname] : [__dirname] });
  } catch {
    throw new BeanstackError(`the aws-cdk CLI is not installed${projectDir ? ` in ${projectDir}` : ''}`, {
      code: 'cdk/no-cli',
      fix: 'npm install --save-dev aws-cdk (beanstack runs the project\'s own CDK CLI; it is an optional peer dependency)',
    });
  }
}
