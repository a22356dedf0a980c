import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Match } from 'aws-cdk-lib/assertions';
import { Network } from '../../constructs/network';
import { resourcesOfType, synth, Synthesized, TEST_ENV } from './helpers';

function ingressRules(s: Synthesized): Array<{ from: number; to: number; cidr?: string; sourceSg?: unknown; group: unknown; logicalId: string }> {
  const out: Array<{ from: number; to: number; cidr?: string; sourceSg?: unknown; group: unknown; logicalId: string }> = [];
  for (const [id, sg] of resourcesOfType(s, 'AWS::EC2::SecurityGroup')) {
    for (const r of sg.Properties.SecurityGroupIngress ?? []) {
      out.push({ from: r.FromPort, to: r.ToPort, cidr: r.CidrIp ?? r.CidrIpv6, sourceSg: r.SourceSecurityGroupId, group: { Ref: id }, logicalId: id });
    }
  }
  for (const [id, r] of resourcesOfType(s, 'AWS::EC2::SecurityGroupIngress')) {
    const p = r.Properties;
    out.push({ from: p.FromPort, to: p.ToPort, cidr: p.CidrIp ?? p.CidrIpv6, sourceSg: p.SourceSecurityGroupId, group: p.GroupId, logicalId: id });
  }
  return out;
}

function sgLogicalId(s: Synthesized, net: Network, sg: ec2.SecurityGroup): string {
  return s.stack.getLogicalId(sg.node.defaultChild as ec2.CfnSecurityGroup);
}

describe('Network (dev defaults, one database port)', () => {
  let s: Synthesized;
  let net: Network;
  beforeAll(() => {
    s = synth((stack) => {
      net = new Network(stack, 'Net', { databasePorts: [3306] });
    });
  });

  test('synthesizes without validation findings', () => {
    expect(s.error).toBeUndefined();
    expect(s.violations).toEqual([]);
  });

  test('a VPC across two AZs with public and isolated subnets and no NAT gateway', () => {
    s.template.resourceCountIs('AWS::EC2::VPC', 1);
    s.template.resourceCountIs('AWS::EC2::Subnet', 4);
    s.template.resourceCountIs('AWS::EC2::NatGateway', 0);
    s.template.resourceCountIs('AWS::EC2::EIP', 0);
    s.template.resourceCountIs('AWS::EC2::InternetGateway', 1);
    const subnets = resourcesOfType(s, 'AWS::EC2::Subnet').map(([, r]) => r.Properties);
    const types = subnets.map((p) => p.Tags.find((t: { Key: string }) => t.Key === 'aws-cdk:subnet-type').Value).sort();
    expect(types).toEqual(['Isolated', 'Isolated', 'Public', 'Public']);
    expect(new Set(subnets.map((p) => p.AvailabilityZone)).size).toBe(2);
    // instances get public IPs through Elastic Beanstalk (AssociatePublicIpAddress), not the subnet
    expect(subnets.every((p) => p.MapPublicIpOnLaunch !== true)).toBe(true);
    expect(net.instancesNeedPublicIp).toBe(true);
  });

  test('flow logs go to a CloudWatch log group', () => {
    s.template.hasResourceProperties('AWS::EC2::FlowLog', { ResourceType: 'VPC', TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs' });
  });

  test('the database accepts only its port, only from the app security group', () => {
    const dbId = sgLogicalId(s, net, net.databaseSecurityGroup!);
    const appId = sgLogicalId(s, net, net.appSecurityGroup);
    const dbRules = ingressRules(s).filter((r) => JSON.stringify(r.group).includes(dbId));
    expect(dbRules).toHaveLength(1);
    expect(dbRules[0]).toMatchObject({ from: 3306, to: 3306, cidr: undefined, sourceSg: { 'Fn::GetAtt': [appId, 'GroupId'] } });
    s.template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('^Database'),
      SecurityGroupEgress: [Match.objectLike({ CidrIp: '255.255.255.255/32' })], // no egress at all
    });
  });

  test('nothing opens a database port to the internet', () => {
    for (const r of ingressRules(s)) {
      if (r.cidr !== undefined && r.cidr.endsWith('/0')) {
        expect([80, 443]).toContain(r.from);
        expect(r.to).toBe(r.from);
      }
    }
  });

  test('single instance (dev): no load balancer security group, instances take HTTP from anyone', () => {
    expect(net.loadBalancerSecurityGroup).toBeUndefined();
    const appId = sgLogicalId(s, net, net.appSecurityGroup);
    const appRules = ingressRules(s).filter((r) => r.logicalId === appId);
    expect(appRules).toEqual([expect.objectContaining({ from: 80, to: 80, cidr: '0.0.0.0/0' })]);
  });
});

describe('Network (prod: load balanced, https, private instances)', () => {
  let s: Synthesized;
  let net: Network;
  beforeAll(() => {
    s = synth((stack) => {
      net = new Network(stack, 'Net', { stage: 'prod', https: true, instanceSubnets: 'private', databasePorts: [5432] });
    });
  });

  test('synthesizes without validation findings', () => {
    expect(s.error).toBeUndefined();
    expect(s.violations).toEqual([]);
  });

  test('private instance subnets come with one NAT gateway per AZ', () => {
    s.template.resourceCountIs('AWS::EC2::NatGateway', 2);
    s.template.resourceCountIs('AWS::EC2::Subnet', 6);
    expect(net.instancesNeedPublicIp).toBe(false);
    expect(net.instanceSubnets).toEqual({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS });
  });

  test('the internet reaches only the load balancer (80, 443); the load balancer only the instances on 80', () => {
    const lbId = sgLogicalId(s, net, net.loadBalancerSecurityGroup!);
    const appId = sgLogicalId(s, net, net.appSecurityGroup);
    const lbRules = ingressRules(s).filter((r) => r.logicalId === lbId);
    expect(lbRules.map((r) => [r.from, r.cidr]).sort()).toEqual([[443, '0.0.0.0/0'], [80, '0.0.0.0/0']]);
    const appRules = ingressRules(s).filter((r) => JSON.stringify(r.group).includes(appId));
    expect(appRules).toHaveLength(1);
    expect(appRules[0]).toMatchObject({ from: 80, to: 80, sourceSg: { 'Fn::GetAtt': [lbId, 'GroupId'] } });
    s.template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      GroupId: { 'Fn::GetAtt': [lbId, 'GroupId'] },
      DestinationSecurityGroupId: { 'Fn::GetAtt': [appId, 'GroupId'] },
      FromPort: 80,
      ToPort: 80,
    });
  });

  test('flow logs are kept (RETAIN) in prod', () => {
    s.template.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain', Properties: { RetentionInDays: 90 } });
  });
});

describe('Network with an existing VPC', () => {
  test('uses it and creates only the security groups', () => {
    const s = synth((stack) => {
      const vpc = new ec2.Vpc(stack, 'Existing', {
        maxAzs: 2,
        natGateways: 0,
        subnetConfiguration: [
          { name: 'pub', subnetType: ec2.SubnetType.PUBLIC },
          { name: 'iso', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
        ],
      });
      const net = new Network(stack, 'Net', { vpc, databasePorts: [3306], flowLogs: false });
      expect(net.vpc).toBe(vpc);
    });
    s.template.resourceCountIs('AWS::EC2::VPC', 1);
    s.template.resourceCountIs('AWS::EC2::SecurityGroup', 2);
  });

  test('rejects a VPC without public subnets', () => {
    const stack = new Stack(undefined, 'S', { env: TEST_ENV });
    const vpc = new ec2.Vpc(stack, 'Iso', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'iso', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    expect(() => new Network(stack, 'Net', { vpc })).toThrow(/`vpc` given has no public subnets/);
  });
});

describe('Network validation', () => {
  test.each([
    [{ maxAzs: 1 }, /`maxAzs` \(1\) must be an integer of at least 2/],
    [{ instanceSubnets: 'private' as const, natGateways: 0 }, /`natGateways` \(0\) must be at least 1/],
    [{ databasePorts: [70000] }, /`databasePorts` contains 70000/],
  ])('%j is rejected', (props, message) => {
    const stack = new Stack(undefined, 'S', { env: TEST_ENV });
    expect(() => new Network(stack, 'Net', props)).toThrow(message);
  });
});

describe('Network validation of the finished tree (node.addValidation)', () => {
  test('an ingress rule added later that opens the database to the internet fails the synth', () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: { account: '123456789012', region: 'eu-west-1' } });
    const net = new Network(stack, 'Net', { databasePorts: [3306], flowLogs: false });
    net.databaseSecurityGroup!.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(3306), 'oops');
    expect(() => app.synth()).toThrow(/the database security group admits tcp 3306 from 0\.0\.0\.0\/0/);
  });

  test('rules from security groups pass', () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: { account: '123456789012', region: 'eu-west-1' } });
    const net = new Network(stack, 'Net', { databasePorts: [3306], flowLogs: false });
    net.databaseSecurityGroup!.addIngressRule(net.appSecurityGroup, ec2.Port.tcp(3306));
    expect(() => app.synth()).not.toThrow();
  });
});
