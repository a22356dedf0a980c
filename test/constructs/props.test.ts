/**
 * Runtime validation of construct props (constructs/props.ts): what a JavaScript or transpile-only
 * app can pass that TypeScript would have refused is a beanstack error naming the construct, the
 * prop, the value and the fix — never a silent default (`preset: 'production'` building a dev
 * database) nor aws-cdk-lib's raw error. Also the major-version-upgrade switch and the stack's
 * availability zones without a lookup.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { BeanstackStack, BeanstalkEnvironment, ComposeApplication, Database, Network } from '../../index';
import { formatError, isUserError } from '../../lib/errors';
import { fixtureProject } from './fixtures/project';
import { synth, TEST_ENV } from './helpers';

/** The user error `build` throws, formatted as the CLI prints it. */
function userError(build: (stack: Stack) => void): string {
  const stack = new Stack(new App(), 'S', { env: TEST_ENV });
  try {
    build(stack);
  } catch (e) {
    if (!isUserError(e)) throw e;
    return formatError(e, '/');
  }
  throw new Error('no error was thrown');
}

const anyProps = (p: Record<string, unknown>): any => p; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('preset "production" from JavaScript is refused by every construct, with the allowed values', () => {
  // the parts take the preset as `stage`; ComposeApplication takes any stage name as `stage` and the preset as `preset`
  it.each([
    ['Network', 'stage', (s: Stack) => new Network(s, 'N', anyProps({ stage: 'production' }))],
    ['Database', 'stage', (s: Stack) => new Database(s, 'D', anyProps({ vpc: new Network(s, 'N').vpc, stage: 'production' }))],
    ['ComposeApplication', 'preset', (s: Stack) => new ComposeApplication(s, 'A', anyProps({ project: fixtureProject(), stage: 'production', preset: 'production' }))],
    ['BeanstalkEnvironment', 'stage', (s: Stack) => {
      const n = new Network(s, 'N');
      return new BeanstalkEnvironment(s, 'E', anyProps({ vpc: n.vpc, bundleDirectory: __dirname, appSecurityGroup: n.appSecurityGroup, stage: 'production' }));
    }],
  ])('%s', (construct, prop, build) => {
    const text = userError(build);
    expect(text).toContain(`${construct} prop \`${prop}\` is 'production'`);
    expect(text).toMatch(/fix: use 'dev' or 'prod'/);
  });

  it('ComposeApplication stage "production" without a preset is a stage name: the dev preset, never silently (a warning says so)', () => {
    const app = new ComposeApplication(new Stack(new App(), 'S', { env: TEST_ENV }), 'A', { project: fixtureProject(), stage: 'production' });
    expect(app.preset).toBe('dev');
    expect(app.warnings.find((w) => w.code === 'constructs/stage-preset')?.message).toMatch(/stage 'production' has no preset, so it uses the dev preset/);
  });
});

describe('types, values and required props', () => {
  it.each([
    [(s: Stack) => new Network(s, 'N', anyProps({ flowLogs: 'yes' })), /Network prop `flowLogs` is 'yes', not a boolean[\s\S]*fix: use true or false/],
    [(s: Stack) => new Network(s, 'N', anyProps({ cidr: '10.0.0.0' })), /Network prop `cidr` is '10\.0\.0\.0'[\s\S]*fix: use an IPv4 CIDR block/],
    [(s: Stack) => new Database(s, 'D', anyProps({ engine: 'oracle', vpc: new Network(s, 'N').vpc })), /Database prop `engine` is 'oracle'[\s\S]*fix: use 'mysql' or 'mariadb' or 'postgres'/],
    [(s: Stack) => new Database(s, 'D', anyProps({})), /Database prop `vpc` is required/],
    [(s: Stack) => new Database(s, 'D', anyProps({ vpc: 'vpc-123' })), /Database prop `vpc` is 'vpc-123', not an ec2\.IVpc/],
    [(s: Stack) => new Database(s, 'D', anyProps({ vpc: new Network(s, 'N').vpc, port: '5432' })), /Database prop `port` is '5432', not a number/],
    [(s: Stack) => new Database(s, 'D', anyProps({ vpc: new Network(s, 'N').vpc, allowMajorVersionUpgrade: 'true' })), /Database prop `allowMajorVersionUpgrade` is 'true', not a boolean/],
    [(s: Stack) => new ComposeApplication(s, 'A', anyProps({ project: fixtureProject(), target: 'k8s' })), /ComposeApplication prop `target` is 'k8s'[\s\S]*fix: use 'ecs' or 'docker' or 'single'/],
    [(s: Stack) => new ComposeApplication(s, 'A', anyProps({ composeFiles: 'docker-compose.yml' })), /ComposeApplication prop `composeFiles` is 'docker-compose\.yml', not a list/],
    [(s: Stack) => new ComposeApplication(s, 'A', anyProps({ project: fixtureProject(), environmentVariables: { PORT: 80 } })), /ComposeApplication prop `environmentVariables` \['PORT'\] is 80, not a string/],
  ])('%#', (build, message) => {
    expect(userError(build)).toMatch(message);
  });
});

it('a standalone Database in a VPC without isolated subnets: a beanstack error naming `subnets`, not aws-cdk-lib\'s', () => {
  const text = userError((s) => {
    const vpc = new ec2.Vpc(s, 'Vpc', { maxAzs: 2, natGateways: 1, subnetConfiguration: [{ name: 'pub', subnetType: ec2.SubnetType.PUBLIC }, { name: 'app', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }] });
    new Database(s, 'D', { vpc });
  });
  expect(text).toMatch(/Database prop `vpc` has no isolated subnets/);
  expect(text).toMatch(/fix: pass `subnets` \(e\.g\. \{ subnetType: ec2\.SubnetType\.PRIVATE_WITH_EGRESS \}/);
  // with the subnets named, it builds
  const s = synth((stack) => {
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1, subnetConfiguration: [{ name: 'pub', subnetType: ec2.SubnetType.PUBLIC }, { name: 'app', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }] });
    new Database(stack, 'D', { vpc, subnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } });
  });
  s.template.resourceCountIs('AWS::RDS::DBInstance', 1);
});

describe('major engine version upgrades', () => {
  it('are refused by default (AllowMajorVersionUpgrade false), allowed by the prop', () => {
    const off = synth((stack) => new Database(stack, 'D', { vpc: new Network(stack, 'N').vpc, engine: 'postgres' }));
    off.template.hasResourceProperties('AWS::RDS::DBInstance', { AllowMajorVersionUpgrade: false });
    const on = synth((stack) => new Database(stack, 'D', { vpc: new Network(stack, 'N').vpc, engine: 'postgres', allowMajorVersionUpgrade: true }));
    on.template.hasResourceProperties('AWS::RDS::DBInstance', { AllowMajorVersionUpgrade: true });
  });

  it('x-beanstack.allow_major_version_upgrade on the database service, or the ComposeApplication prop', () => {
    const withField = fixtureProject();
    const db = Object.keys(withField.services).find((n) => /mysql/.test(withField.services[n].image ?? ''))!;
    (withField.services[db].extensions as Record<string, unknown>)['x-beanstack'] = { allow_major_version_upgrade: true };
    synth((stack) => new ComposeApplication(stack, 'App', { project: withField })).template.hasResourceProperties('AWS::RDS::DBInstance', { AllowMajorVersionUpgrade: true });
    synth((stack) => new ComposeApplication(stack, 'App', { project: fixtureProject(), allowMajorVersionUpgrade: true })).template.hasResourceProperties('AWS::RDS::DBInstance', { AllowMajorVersionUpgrade: true });
    synth((stack) => new ComposeApplication(stack, 'App', { project: fixtureProject() })).template.hasResourceProperties('AWS::RDS::DBInstance', { AllowMajorVersionUpgrade: false });
  });
});

describe('BeanstackStack availability zones', () => {
  const subnetZones = (app: App): unknown[] => {
    const stack = new BeanstackStack(app, 'shop-dev', { env: TEST_ENV, project: fixtureProject() });
    return stack.application.network.vpc.publicSubnets.map((s) => stack.resolve(s.availabilityZone));
  };

  it('without cached zones: Fn::GetAZs at deploy time, so synth needs no lookup (no missing context)', () => {
    const app = new App();
    expect(subnetZones(app)).toEqual([0, 1].map((i) => ({ 'Fn::Select': [i, { 'Fn::GetAZs': 'eu-west-1' }] })));
    expect(app.synth().manifest.missing).toBeUndefined();
  });

  it('with the zones in context (cdk.context.json): those names', () => {
    const app = new App({ context: { 'availability-zones:account=123456789012:region=eu-west-1': ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'] } });
    expect(subnetZones(app)).toEqual(['eu-west-1a', 'eu-west-1b']);
  });
});
