/**
 * The "zero findings" assertions of the other construct tests are only worth something if the same
 * harness does report findings: these stacks are deliberately bad.
 */
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { synth } from './helpers';

test('the harness reports aws-cdk-lib\'s template checks (bare engine version) and fails the synth', () => {
  const s = synth((stack) => {
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PUBLIC }, { name: 'i', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    new rds.DatabaseInstance(stack, 'Db', {
      engine: rds.DatabaseInstanceEngine.mysql({ version: rds.MysqlEngineVersion.VER_8_0 }),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    });
  });
  expect(s.error?.message).toMatch(/validation-report\.json/);
  const rules = s.violations.map((v) => v.ruleName);
  expect(rules.some((r) => /E9006/.test(r))).toBe(true);
  expect(rules).toEqual(expect.arrayContaining(['AwsSolutions-RDS2', 'AwsSolutions-RDS3', 'AwsSolutions-RDS10', 'AwsSolutions-SMG4', 'AwsSolutions-VPC7']));
});

test('the harness reports cdk-nag findings such as a database port open to the internet', () => {
  const s = synth((stack) => {
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PUBLIC }] });
    const sg = new ec2.SecurityGroup(stack, 'Open', { vpc });
    sg.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(3306));
  });
  expect(s.violations.map((v) => v.ruleName)).toEqual(expect.arrayContaining(['AwsSolutions-EC23']));
});
