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

test.each(['config', 'dockerrun', 'app', 'init', 'diff', 'comment'])('bin/commands/%s loads neither aws-cdk-lib nor the AWS SDK at registration', (name) => {
  jest.isolateModules(() => {
    for (const m of HEAVY) jest.doMock(m, () => { throw new Error(`${m} was loaded eagerly`); });
    const mod = require(`../../bin/commands/${name}`);
    const register = mod[`register${name[0].toUpperCase()}${name.slice(1)}`];
    const program = new Command('beanstack');
    register(program, { cwd: '/', env: {}, stdout: () => undefined, stderr: () => undefined, isTty: false }, (a: unknown) => a);
    expect(program.commands.map((c) => c.name())).toEqual([name]);
  });
});

test("'beanstack/lib' (the pure API) loads no aws-cdk-lib; the package entry 'beanstack' has the constructs", () => {
  jest.isolateModules(() => {
    for (const m of HEAVY) jest.doMock(m, () => { throw new Error(`${m} was loaded eagerly`); });
    const lib = require('../../lib');
    expect(typeof lib.loadProject).toBe('function');
    expect(() => require('../../index')).toThrow(/aws-cdk-lib was loaded eagerly/);
  });
  jest.isolateModules(() => {
    for (const m of HEAVY) jest.dontMock(m);
    const entry = require('../../index');
    for (const name of ['BeanstackStack', 'ComposeApplication', 'Database', 'Network', 'BeanstalkEnvironment', 'loadProject']) expect(typeof entry[name]).toBe('function');
  });
});
