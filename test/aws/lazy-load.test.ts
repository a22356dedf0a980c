/**
 * Registering the CLI's commands must not load the AWS SDK or lib/aws (they load inside the action),
 * so `config` and `dockerrun` start fast.
 */
import { Command } from 'commander';

const HEAVY = [
  '@aws-sdk/client-cloudformation',
  '@aws-sdk/client-ec2',
  '@aws-sdk/client-elastic-beanstalk',
  '@aws-sdk/client-iam',
  '@aws-sdk/client-rds',
  '@aws-sdk/client-service-quotas',
  '@aws-sdk/client-ssm',
  '@aws-sdk/client-sts',
  '@aws-sdk/credential-provider-node',
  'aws-cdk-lib',
];

test.each(['preflight', 'doctor', 'deploy', 'rollback'])('bin/commands/%s loads no AWS SDK at registration', (name) => {
  jest.isolateModules(() => {
    for (const m of HEAVY) jest.doMock(m, () => { throw new Error(`${m} was loaded eagerly`); });
    const mod = require(`../../bin/commands/${name}`);
    const register = mod[`register${name[0].toUpperCase()}${name.slice(1)}`];
    const program = new Command('beanstack');
    register(program, { cwd: '/', env: {}, stdout: () => undefined, stderr: () => undefined, isTty: false }, (a: unknown) => a);
    expect(program.commands.map((c) => c.name())).toEqual([name]);
  });
});

test('the guard itself works: lib/aws/clients does load the SDK', () => {
  jest.isolateModules(() => {
    for (const m of HEAVY) jest.doMock(m, () => { throw new Error(`${m} was loaded eagerly`); });
    expect(() => require('../../lib/aws/clients')).toThrow('was loaded eagerly');
  });
});
