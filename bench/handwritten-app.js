#!/usr/bin/env node
/**
 * The comparison point of bench/synth.js: the example's stack (examples/fullstack, dev stage) written
 * by hand with plain aws-cdk-lib, the way a CDK user would without beanstack — same VPC, security
 * groups, RDS instance, image assets, Dockerrun bundle, roles and Beanstalk environment, and the same
 * validation plugins. No compose loading and no conversion: the Dockerrun is a literal object.
 *
 * Run alone (`node bench/handwritten-app.js`) it synthesizes once and prints the time.
 */
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const cdk = require('aws-cdk-lib');
const ec2 = require('aws-cdk-lib/aws-ec2');
const ecrAssets = require('aws-cdk-lib/aws-ecr-assets');
const eb = require('aws-cdk-lib/aws-elasticbeanstalk');
const iam = require('aws-cdk-lib/aws-iam');
const logs = require('aws-cdk-lib/aws-logs');
const rds = require('aws-cdk-lib/aws-rds');
const s3assets = require('aws-cdk-lib/aws-s3-assets');
const { AwsSolutionsChecks } = require('cdk-nag');

const ROOT = path.resolve(__dirname, '..');
const EXAMPLE = path.join(ROOT, 'examples', 'fullstack');
const ENV = { account: '123456789012', region: 'eu-west-1' };

function ack(scope, id, reason) {
  cdk.Validations.of(scope).acknowledge({ id, reason });
}

/** Builds and returns the app (not synthesized). */
function buildHandwrittenApp(outdir) {
  const context = { '@aws-cdk/core:validateAgainstDefaultRules': true, ...JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.context.json'), 'utf8')) };
  const app = new cdk.App({ outdir, context });
  cdk.Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stack = new cdk.Stack(app, 'handwritten-dev', { env: ENV });

  // network
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [
      { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
      { name: 'database', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
    ],
  });
  const flowLogs = new logs.LogGroup(stack, 'FlowLogs', { retention: logs.RetentionDays.ONE_WEEK, removalPolicy: cdk.RemovalPolicy.DESTROY });
  vpc.addFlowLog('FlowLog', { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs) });
  const appSg = new ec2.SecurityGroup(stack, 'AppSg', { vpc, description: 'instances', allowAllOutbound: true });
  appSg.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(80), 'HTTP');
  ack(appSg, 'AwsSolutions-EC23', 'single instance serves HTTP to anyone');
  const dbSg = new ec2.SecurityGroup(stack, 'DbSg', { vpc, description: 'database', allowAllOutbound: false });
  dbSg.addIngressRule(appSg, ec2.Port.tcp(3306), 'from the app');

  // database
  const engine = rds.DatabaseInstanceEngine.mysql({ version: rds.MysqlEngineVersion.VER_8_4_10 });
  const db = new rds.DatabaseInstance(stack, 'Db', {
    engine,
    instanceType: ec2.InstanceType.of(ec2.InstanceClass.BURSTABLE4_GRAVITON, ec2.InstanceSize.MICRO),
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    securityGroups: [dbSg],
    databaseName: 'messages',
    credentials: rds.Credentials.fromGeneratedSecret('app'),
    parameterGroup: new rds.ParameterGroup(stack, 'Params', { engine, parameters: { character_set_server: 'utf8mb4', collation_server: 'utf8mb4_0900_ai_ci' } }),
    storageType: rds.StorageType.GP3,
    allocatedStorage: 20,
    maxAllocatedStorage: 100,
    storageEncrypted: true,
    backupRetention: cdk.Duration.days(1),
    removalPolicy: cdk.RemovalPolicy.DESTROY,
    cloudwatchLogsExports: ['error', 'slowquery'],
  });
  ack(db, 'AwsSolutions-RDS11', 'standard port');
  ack(db, 'AwsSolutions-RDS3', 'dev');
  ack(db, 'AwsSolutions-RDS10', 'dev');
  ack(db.node.findChild('Secret'), 'AwsSolutions-SMG4', 'read at bootstrap');

  // images and the bundle
  const uris = {};
  for (const svc of ['api', 'frontend', 'nginx']) {
    const img = new ecrAssets.DockerImageAsset(stack, `Image-${svc}`, { directory: path.join(EXAMPLE, svc), file: 'Dockerfile', platform: ecrAssets.Platform.LINUX_AMD64 });
    uris[svc] = `${ENV.account}.dkr.ecr.${ENV.region}.amazonaws.com/${img.repository.repositoryName}:${img.imageTag}`;
  }
  const execRoleName = 'handwritten-dev-eu-west-1-ecs-task-execution';
  const bundleDir = path.join(outdir, 'handwritten-bundle');
  fs.mkdirSync(bundleDir, { recursive: true });
  fs.writeFileSync(path.join(bundleDir, 'Dockerrun.aws.json'), JSON.stringify({
    AWSEBDockerrunVersion: 2,
    executionRoleArn: `arn:aws:iam::${ENV.account}:role/${execRoleName}`,
    containerDefinitions: [
      { name: 'api', image: uris.api, essential: true, memory: 256, environment: [{ name: 'NODE_ENV', value: 'production' }] },
      { name: 'frontend', image: uris.frontend, essential: true, memory: 128 },
      { name: 'nginx', image: uris.nginx, essential: true, memory: 128, links: ['api', 'frontend'], portMappings: [{ hostPort: 80, containerPort: 80 }] },
    ],
  }, null, 2) + '\n');
  const bundle = new s3assets.Asset(stack, 'Bundle', { path: bundleDir });

  // roles
  const managed = (n) => iam.ManagedPolicy.fromAwsManagedPolicyName(n);
  const instanceRole = new iam.Role(stack, 'InstanceRole', {
    assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
    managedPolicies: [managed('AWSElasticBeanstalkWebTier'), managed('AWSElasticBeanstalkMulticontainerDocker'), managed('AmazonSSMManagedInstanceCore')],
  });
  const execRole = new iam.Role(stack, 'ExecRole', { roleName: execRoleName, assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
  const repo = `arn:aws:ecr:${ENV.region}:${ENV.account}:repository/cdk-hnb659fds-container-assets-${ENV.account}-${ENV.region}`;
  for (const role of [instanceRole, execRole]) {
    role.addToPolicy(new iam.PolicyStatement({ actions: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'], resources: [repo] }));
    role.addToPolicy(new iam.PolicyStatement({ actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }));
    role.addToPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [db.secret.secretArn] }));
    ack(role, 'AwsSolutions-IAM5[Resource::*]', 'GetAuthorizationToken');
  }
  instanceRole.addToPolicy(new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: [execRole.roleArn], conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } } }));
  for (const n of ['AWSElasticBeanstalkWebTier', 'AWSElasticBeanstalkMulticontainerDocker', 'AmazonSSMManagedInstanceCore']) {
    ack(instanceRole, `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${n}]`, 'documented instance profile policies');
  }
  const serviceRole = new iam.Role(stack, 'ServiceRole', {
    assumedBy: new iam.ServicePrincipal('elasticbeanstalk.amazonaws.com', { conditions: { StringEquals: { 'sts:ExternalId': 'elasticbeanstalk' } } }),
    managedPolicies: [managed('service-role/AWSElasticBeanstalkEnhancedHealth'), managed('AWSElasticBeanstalkManagedUpdatesCustomerRolePolicy')],
  });
  const objects = bundle.bucket.arnForObjects('*.zip');
  serviceRole.addToPolicy(new iam.PolicyStatement({ actions: ['s3:DeleteObject'], resources: [objects] }));
  for (const n of ['service-role/AWSElasticBeanstalkEnhancedHealth', 'AWSElasticBeanstalkManagedUpdatesCustomerRolePolicy']) {
    ack(serviceRole, `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${n}]`, 'documented service role policies');
  }
  ack(serviceRole, 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-123456789012-eu-west-1/*.zip]', 'lifecycle');
  const profile = new iam.InstanceProfile(stack, 'Profile', { role: instanceRole });

  // Beanstalk
  const application = new eb.CfnApplication(stack, 'Application', {
    applicationName: 'handwritten-dev',
    resourceLifecycleConfig: { serviceRole: serviceRole.roleArn, versionLifecycleConfig: { maxCountRule: { enabled: true, maxCount: 25, deleteSourceFromS3: true } } },
  });
  const version = new eb.CfnApplicationVersion(stack, 'Version', { applicationName: 'handwritten-dev', sourceBundle: { s3Bucket: bundle.s3BucketName, s3Key: bundle.s3ObjectKey } });
  version.addResourceDependency(application);
  const o = (namespace, optionName, value) => ({ namespace, optionName, value });
  const env = new eb.CfnEnvironment(stack, 'Environment', {
    applicationName: 'handwritten-dev',
    environmentName: 'handwritten-dev',
    platformArn: `arn:aws:elasticbeanstalk:${ENV.region}::platform/ECS running on 64bit Amazon Linux 2023/4.7.7`,
    versionLabel: version.ref,
    optionSettings: [
      o('aws:autoscaling:launchconfiguration', 'DisableDefaultEC2SecurityGroup', 'true'),
      o('aws:autoscaling:launchconfiguration', 'DisableIMDSv1', 'true'),
      o('aws:autoscaling:launchconfiguration', 'IamInstanceProfile', profile.instanceProfileName),
      o('aws:autoscaling:launchconfiguration', 'RootVolumeType', 'gp3'),
      o('aws:autoscaling:launchconfiguration', 'SecurityGroups', appSg.securityGroupId),
      o('aws:ec2:instances', 'InstanceTypes', 't3.small'),
      o('aws:ec2:instances', 'SupportedArchitectures', 'x86_64'),
      o('aws:ec2:vpc', 'AssociatePublicIpAddress', 'true'),
      o('aws:ec2:vpc', 'Subnets', vpc.publicSubnets.map((s) => s.subnetId).join(',')),
      o('aws:ec2:vpc', 'VPCId', vpc.vpcId),
      o('aws:elasticbeanstalk:application', 'Application Healthcheck URL', '/api/health'),
      o('aws:elasticbeanstalk:application:environment', 'MYSQL_DATABASE', 'messages'),
      o('aws:elasticbeanstalk:application:environment', 'MYSQL_HOST', db.dbInstanceEndpointAddress),
      o('aws:elasticbeanstalk:application:environment', 'MYSQL_PORT', db.dbInstanceEndpointPort),
      o('aws:elasticbeanstalk:application:environment', 'MYSQL_USER', 'app'),
      o('aws:elasticbeanstalk:application:environmentsecrets', 'MYSQL_PASSWORD', `${db.secret.secretArn}:password::`),
      o('aws:elasticbeanstalk:cloudwatch:logs', 'DeleteOnTerminate', 'true'),
      o('aws:elasticbeanstalk:cloudwatch:logs', 'RetentionInDays', '7'),
      o('aws:elasticbeanstalk:cloudwatch:logs', 'StreamLogs', 'true'),
      o('aws:elasticbeanstalk:cloudwatch:logs:health', 'DeleteOnTerminate', 'true'),
      o('aws:elasticbeanstalk:cloudwatch:logs:health', 'HealthStreamingEnabled', 'true'),
      o('aws:elasticbeanstalk:cloudwatch:logs:health', 'RetentionInDays', '7'),
      o('aws:elasticbeanstalk:command', 'DeploymentPolicy', 'AllAtOnce'),
      o('aws:elasticbeanstalk:environment', 'EnvironmentType', 'SingleInstance'),
      o('aws:elasticbeanstalk:environment', 'ServiceRole', serviceRole.roleArn),
      o('aws:elasticbeanstalk:healthreporting:system', 'SystemType', 'enhanced'),
      o('aws:elasticbeanstalk:hostmanager', 'LogPublicationControl', 'true'),
      o('aws:elasticbeanstalk:managedactions', 'ManagedActionsEnabled', 'true'),
      o('aws:elasticbeanstalk:managedactions', 'PreferredStartTime', 'Sun:03:00'),
      o('aws:elasticbeanstalk:managedactions', 'ServiceRoleForManagedUpdates', serviceRole.roleName),
      o('aws:elasticbeanstalk:managedactions:platformupdate', 'InstanceRefreshEnabled', 'false'),
      o('aws:elasticbeanstalk:managedactions:platformupdate', 'UpdateLevel', 'patch'),
    ],
  });
  env.addResourceDependency(application);
  new cdk.CfnOutput(stack, 'Url', { value: `http://${env.attrEndpointUrl}` });
  new cdk.CfnOutput(stack, 'DbEndpoint', { value: `${db.dbInstanceEndpointAddress}:${db.dbInstanceEndpointPort}` });
  new cdk.CfnOutput(stack, 'DbSecret', { value: db.secret.secretName });
  return { app, stack };
}

module.exports = { buildHandwrittenApp };

if (require.main === module) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'handwritten-'));
  const t = process.hrtime.bigint();
  const { app } = buildHandwrittenApp(outdir);
  app.synth();
  console.log(`handwritten app synthesized in ${(Number(process.hrtime.bigint() - t) / 1e6).toFixed(0)} ms (${outdir})`);
  fs.rmSync(outdir, { recursive: true, force: true });
}
