import { Annotations, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { bool, checkProps, COMMON, listOf, num, PropCheck, propsError, str, WARNING_PREFIX } from './props';
import type { DeploymentStage } from './stage';

/** Where the application instances run. */
export type InstanceSubnetPlacement = 'public' | 'private';

export interface NetworkProps {
  /**
   * Use this VPC instead of creating one. It must have public subnets (load balancer, and instances
   * when `instanceSubnets` is `public`), isolated or private subnets for the database, and private
   * subnets with egress when `instanceSubnets` is `private`.
   *
   * @default - a new VPC across `maxAzs` availability zones
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Where the Elastic Beanstalk instances run. `public`: public subnets, each instance gets a public
   * IP address and reaches ECR, S3 and Elastic Beanstalk through the internet gateway (no NAT
   * gateway, no NAT cost); only the load balancer's security group (or, for a single-instance
   * environment, HTTP/HTTPS from anywhere) may reach them. `private`: private subnets whose outbound
   * traffic goes through NAT gateways (about 32 USD a month each, plus traffic).
   *
   * @default 'public'
   */
  readonly instanceSubnets?: InstanceSubnetPlacement;

  /**
   * NAT gateways of a new VPC when `instanceSubnets` is `private` (ignored for `public`, which needs
   * none). One per AZ survives an AZ outage; one is cheaper.
   *
   * @default - 1 for the `dev` stage, one per AZ (`maxAzs`) for `prod`
   */
  readonly natGateways?: number;

  /**
   * Availability zones a new VPC spans. The database subnet group needs at least two.
   *
   * @default 2
   */
  readonly maxAzs?: number;

  /**
   * IPv4 range of a new VPC.
   *
   * @default '10.0.0.0/16'
   */
  readonly cidr?: string;

  /**
   * Whether the application sits behind a load balancer. Creates the load balancer's security group,
   * and the instances then accept HTTP only from it.
   *
   * @default - false for the `dev` stage (single instance), true for `prod`
   */
  readonly loadBalanced?: boolean;

  /**
   * Also open HTTPS (443) on the public side: the load balancer's security group when load balanced,
   * the instances' otherwise.
   *
   * @default false
   */
  readonly https?: boolean;

  /**
   * Ports of databases the application uses. For each one, the database security group accepts that
   * port from the application security group, and nothing else.
   *
   * @default - no database security group
   */
  readonly databasePorts?: readonly number[];

  /**
   * VPC flow logs (rejected and accepted traffic) to a CloudWatch log group of the new VPC.
   *
   * @default true
   */
  readonly flowLogs?: boolean;

  /**
   * Drives the defaults of `natGateways`, `loadBalanced` and the flow-log retention.
   *
   * @default 'dev'
   */
  readonly stage?: DeploymentStage;
}

/**
 * The VPC and the security groups of a Beanstalk application: public subnets for the load balancer
 * (and the instances, by default, with public IPs and no NAT), isolated subnets for the database, and
 * security groups that let the internet reach only the load balancer, the load balancer reach only the
 * instances' HTTP port, and the instances reach only the database port.
 */
export class Network extends Construct {
  /** The VPC (created or given). */
  readonly vpc: ec2.IVpc;
  /** Security group of the Elastic Beanstalk instances. */
  readonly appSecurityGroup: ec2.SecurityGroup;
  /** Security group of the load balancer, when load balanced. */
  readonly loadBalancerSecurityGroup?: ec2.SecurityGroup;
  /** Security group of the database, when `databasePorts` is set. */
  readonly databaseSecurityGroup?: ec2.SecurityGroup;
  /** Subnets for the Elastic Beanstalk instances. */
  readonly instanceSubnets: ec2.SubnetSelection;
  /** Whether instances in `instanceSubnets` need a public IP address to reach AWS services. */
  readonly instancesNeedPublicIp: boolean;
  /** Subnets for the load balancer (public). */
  readonly loadBalancerSubnets: ec2.SubnetSelection;
  /** Subnets for the database (isolated when the VPC has them, else private). */
  readonly databaseSubnets: ec2.SubnetSelection;
  /** Whether the application sits behind a load balancer. */
  readonly loadBalanced: boolean;

  constructor(scope: Construct, id: string, props: NetworkProps = {}) {
    super(scope, id);
    checkProps('Network', props, NETWORK_PROP_CHECKS);
    const settings = applyDefaults(props);
    this.validate(props, settings);
    const { placement, loadBalanced, databasePorts } = settings;

    this.loadBalanced = loadBalanced;
    this.instancesNeedPublicIp = placement === 'public';
    this.vpc = props.vpc ?? this.createVpc(props, settings);
    this.instanceSubnets = { subnetType: placement === 'public' ? ec2.SubnetType.PUBLIC : ec2.SubnetType.PRIVATE_WITH_EGRESS };
    this.loadBalancerSubnets = { subnetType: ec2.SubnetType.PUBLIC };
    this.databaseSubnets = this.vpc.isolatedSubnets.length > 0
      ? { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }
      : { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    if (props.vpc) this.checkGivenVpc(settings);

    this.appSecurityGroup = new ec2.SecurityGroup(this, 'AppSecurityGroup', {
      vpc: this.vpc,
      description: 'Elastic Beanstalk instances: HTTP from the load balancer only',
      // Containers pull images from ECR, read secrets and call whatever APIs the application needs.
      allowAllOutbound: true,
    });
    if (loadBalanced) this.loadBalancerSecurityGroup = this.createLoadBalancerSecurityGroup(settings.https);
    else this.admitWebTrafficToInstances(settings.https);
    if (databasePorts.length > 0) this.databaseSecurityGroup = this.createDatabaseSecurityGroup(databasePorts);
  }

  /** The props' rules, before any resource is created. */
  private validate(props: NetworkProps, { placement, maxAzs, databasePorts }: NetworkSettings): void {
    if (placement !== 'public' && placement !== 'private') {
      throw propsError(`\`instanceSubnets\` must be 'public' or 'private', got '${String(placement)}'`);
    }
    if (!Number.isInteger(maxAzs) || maxAzs < 2) {
      throw propsError(`\`maxAzs\` (${maxAzs}) must be an integer of at least 2: an RDS subnet group needs two availability zones; set maxAzs to 2 or more`);
    }
    const zones = Stack.of(this).availabilityZones.length;
    if (!props.vpc && maxAzs > zones) {
      throw propsError(`Network prop \`maxAzs\` (${maxAzs}) is more than the ${zones} availability zones the stack knows (without a lookup, a stack knows 2); use maxAzs ${zones}, or give the stack an account and region and commit the region's zones to cdk.context.json (availability-zones:account=<account>:region=<region>)`);
    }
    if (placement === 'private' && props.natGateways !== undefined && props.natGateways < 1) {
      throw propsError(`\`natGateways\` (${props.natGateways}) must be at least 1 when \`instanceSubnets\` is 'private': private instances reach ECR and Elastic Beanstalk through NAT; use instanceSubnets 'public' for a NAT-less VPC`);
    }
    for (const port of databasePorts) {
      if (!Number.isInteger(port) || port < 1 || port > 65535) {
        throw propsError(`\`databasePorts\` contains ${port}, which is not a TCP port; use a number from 1 to 65535`);
      }
    }
    if (props.vpc && props.natGateways !== undefined) {
      Annotations.of(this).addWarningV2(`${WARNING_PREFIX}:natGatewaysIgnored`, '`natGateways` is ignored when `vpc` is given; the VPC keeps its own NAT setup');
    }
  }

  /** The VPC: public, (private app,) isolated database subnets, with flow logs unless turned off. */
  private createVpc(props: NetworkProps, { stage, placement, maxAzs, natGateways, flowLogs }: NetworkSettings): ec2.Vpc {
    const subnetConfiguration: ec2.SubnetConfiguration[] = [
      { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
      { name: 'database', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
    ];
    if (placement === 'private') {
      subnetConfiguration.splice(1, 0, { name: 'app', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 });
    }
    const vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(props.cidr ?? '10.0.0.0/16'),
      maxAzs,
      natGateways,
      subnetConfiguration,
    });
    if (flowLogs) {
      const logGroup = new logs.LogGroup(this, 'FlowLogs', {
        retention: stage === 'prod' ? logs.RetentionDays.THREE_MONTHS : logs.RetentionDays.ONE_WEEK,
        removalPolicy: stage === 'prod' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      });
      vpc.addFlowLog('FlowLog', {
        destination: ec2.FlowLogDestination.toCloudWatchLogs(logGroup),
        trafficType: ec2.FlowLogTrafficType.ALL,
      });
    } else {
      Validations.of(vpc).acknowledge({
        id: 'AwsSolutions-VPC7',
        reason: 'flow logs were turned off explicitly with the Network construct\'s `flowLogs: false` prop',
      });
    }
    return vpc;
  }

  /** A given VPC has the subnets the placement needs. */
  private checkGivenVpc({ placement, databasePorts }: NetworkSettings): void {
    if (this.vpc.publicSubnets.length === 0) {
      throw propsError('the `vpc` given has no public subnets; the load balancer (and public instances) need them: add public subnets or let Network create the VPC');
    }
    if (placement === 'private' && this.vpc.privateSubnets.length === 0) {
      throw propsError("the `vpc` given has no private subnets with egress, which `instanceSubnets: 'private'` needs; add them or use instanceSubnets 'public'");
    }
    if (this.vpc.isolatedSubnets.length === 0 && this.vpc.privateSubnets.length === 0 && databasePorts.length > 0) {
      throw propsError('the `vpc` given has neither isolated nor private subnets for the database; add PRIVATE_ISOLATED subnets');
    }
  }

  /** The load balancer's group: HTTP (and HTTPS) from the internet, to the instances on port 80 only. */
  private createLoadBalancerSecurityGroup(https: boolean): ec2.SecurityGroup {
    const lb = new ec2.SecurityGroup(this, 'LoadBalancerSecurityGroup', {
      vpc: this.vpc,
      description: 'Application load balancer: HTTP/HTTPS from the internet, to the instances on port 80',
      allowAllOutbound: false,
    });
    lb.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(80), 'HTTP from the internet');
    if (https) lb.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS from the internet');
    lb.addEgressRule(this.appSecurityGroup, ec2.Port.tcp(80), 'to the instances');
    this.appSecurityGroup.addIngressRule(lb, ec2.Port.tcp(80), 'HTTP from the load balancer');
    Validations.of(lb).acknowledge({
      id: 'AwsSolutions-EC23',
      reason: 'the public load balancer must accept HTTP (80, redirected to HTTPS when a certificate is set) and HTTPS (443) from anyone; no other port is open',
    });
    return lb;
  }

  /** A single instance serves the internet itself: HTTP (and HTTPS) to its group. */
  private admitWebTrafficToInstances(https: boolean): void {
    this.appSecurityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(80), 'HTTP from the internet (single instance, no load balancer)');
    if (https) this.appSecurityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS from the internet (single instance)');
    Validations.of(this.appSecurityGroup).acknowledge({
      id: 'AwsSolutions-EC23',
      reason: 'single-instance environment without a load balancer: the instance itself serves HTTP (80) and, with https, 443 to anyone; no other port is open',
    });
  }

  /** The database's group: its ports from the instances only, also after construction (a tree validation). */
  private createDatabaseSecurityGroup(databasePorts: readonly number[]): ec2.SecurityGroup {
    const db = new ec2.SecurityGroup(this, 'DatabaseSecurityGroup', {
      vpc: this.vpc,
      description: `Database: port ${databasePorts.join(', ')} from the application instances only`,
      allowAllOutbound: false,
    });
    for (const port of databasePorts) {
      db.addIngressRule(this.appSecurityGroup, ec2.Port.tcp(port), 'from the application instances');
    }
    // Checked on the finished tree: a rule added after construction (db.allowFrom(Peer.anyIpv4()),
    // addIngressRule on this group) must not open the database to the internet either.
    this.node.addValidation({ validate: () => worldOpenRules(db).map((rule) => `the database security group admits ${rule}; a database is reached from the application instances only: remove that ingress rule (allow a security group, e.g. Database.allowFrom(instances))`) });
    return db;
  }
}

/** What each prop may hold (checkProps). */
const NETWORK_PROP_CHECKS: Readonly<Record<string, PropCheck>> = {
  vpc: COMMON.vpc,
  instanceSubnets: COMMON.instanceSubnets,
  natGateways: num,
  maxAzs: num,
  cidr: str(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, 'an IPv4 CIDR block such as 10.0.0.0/16'),
  loadBalanced: bool,
  https: bool,
  databasePorts: listOf(num, 'a list of TCP ports such as [5432]'),
  flowLogs: bool,
  stage: COMMON.stage,
};

/** The props with their documented defaults applied (once, in one place). */
interface NetworkSettings {
  readonly stage: DeploymentStage;
  readonly placement: InstanceSubnetPlacement;
  readonly maxAzs: number;
  readonly loadBalanced: boolean;
  readonly https: boolean;
  /** Deduplicated and sorted. */
  readonly databasePorts: readonly number[];
  readonly flowLogs: boolean;
  readonly natGateways: number;
}

function applyDefaults(props: NetworkProps): NetworkSettings {
  const stage = props.stage ?? 'dev';
  const placement = props.instanceSubnets ?? 'public';
  const maxAzs = props.maxAzs ?? 2;
  return {
    stage,
    placement,
    maxAzs,
    loadBalanced: props.loadBalanced ?? stage === 'prod',
    https: props.https ?? false,
    databasePorts: [...new Set(props.databasePorts ?? [])].sort((a, b) => a - b),
    flowLogs: props.flowLogs ?? true,
    natGateways: placement === 'private' ? (props.natGateways ?? (stage === 'prod' ? maxAzs : 1)) : 0,
  };
}

/** The ingress rules of `group` (inline or separate resources) open to any address, e.g. `tcp 3306 from 0.0.0.0/0`. */
function worldOpenRules(group: ec2.SecurityGroup): string[] {
  const stack = Stack.of(group);
  const inline = stack.resolve((group.node.defaultChild as ec2.CfnSecurityGroup).securityGroupIngress) as ec2.CfnSecurityGroup.IngressProperty[] | undefined;
  const separate = group.node.findAll()
    .filter((c): c is ec2.CfnSecurityGroupIngress => c instanceof ec2.CfnSecurityGroupIngress)
    .map((c) => ({ cidrIp: c.cidrIp, cidrIpv6: c.cidrIpv6, ipProtocol: c.ipProtocol, fromPort: c.fromPort, toPort: c.toPort }));
  return [...(inline ?? []), ...separate]
    .filter((r) => r.cidrIp === '0.0.0.0/0' || r.cidrIpv6 === '::/0')
    .map((r) => `${r.ipProtocol === '-1' ? 'all traffic' : `${r.ipProtocol} ${r.fromPort === r.toPort ? r.fromPort : `${r.fromPort}-${r.toPort}`}`} from ${r.cidrIp ?? r.cidrIpv6}`);
}
