/**
 * Monthly on-demand cost estimate of an assembly from the price table in `prices.json` (kept in the
 * repository, with its date and source): Elastic Beanstalk instances and their root volumes, load
 * balancers, NAT gateways, public IPv4 addresses, RDS instances and storage, Secrets Manager secrets.
 * Usage-based charges (data transfer, LCUs, requests, logs) are not estimated. A stage with a sleep
 * schedule (the cost guard, cost-sleep.ts) is estimated with it, and each side says its always-on total.
 */
import type { Assembly, Template, TemplateResource } from './assembly';
import type { CostLine, CostReport, CostSide } from './types';
import PRICES from './prices.json';
import { awakeSchedules, AwakeShare } from './cost-sleep';
import { isObject } from '../util/json';

export interface RegionPrices {
  readonly ec2: Readonly<Record<string, number>>;
  readonly rds: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly rdsStorageGbMonth: Readonly<Record<string, number>>;
  readonly ebsGp3GbMonth: number;
  readonly albHour: number;
  readonly nlbHour: number;
  readonly clbHour: number;
  readonly natGatewayHour: number;
  readonly publicIpv4Hour: number;
  readonly secretMonth: number;
  /** A standard-resolution CloudWatch alarm, per metric it reads (a metric-math alarm pays for each). */
  readonly alarmMetricMonth: number;
}

export interface PriceTable {
  readonly date: string;
  readonly source: string;
  readonly hoursPerMonth: number;
  readonly defaultRegion: string;
  readonly regions: Readonly<Record<string, RegionPrices>>;
}

export const PRICE_TABLE: PriceTable = PRICES as PriceTable;


function option(r: TemplateResource, ns: string, name: string): unknown {
  const opts = r.Properties?.OptionSettings;
  if (!Array.isArray(opts)) return undefined;
  const o = opts.find((x) => isObject(x) && x.Namespace === ns && x.OptionName === name);
  return isObject(o) ? o.Value : undefined;
}

const round2 = (n: number): number => Math.round(n * 100) / 100;

function money(n: number): string {
  return `$${n.toFixed(2)}`;
}

/** Costs of one template in one region. */
function templateCost(stack: string, t: Template, paths: Readonly<Record<string, string>>, prices: RegionPrices, hours: number, lines: CostLine[], unpriced: string[]): void {
  const resources = t.Resources ?? {};
  const nameOf = (logical: string): string => {
    const p = paths[logical];
    return p ? p.replace(`${stack}/`, '').replace(/\/(Resource|Default)$/, '') : logical;
  };
  const add = (item: string, monthly: number, quantity: string, monthlyMax?: number): void => {
    lines.push({ item: `${stack}: ${item}`, monthly: round2(monthly), quantity, ...(monthlyMax !== undefined && monthlyMax > monthly ? { monthlyMax: round2(monthlyMax) } : {}) });
  };
  // the cost guard's sleep schedules (cost-sleep.ts): what runs only while the stage is awake
  const awake = awakeSchedules(resources);
  const addAwake = (share: AwakeShare | undefined, item: string, monthly: number, quantity: string, monthlyMax?: number): void => {
    if (!share) return add(item, monthly, quantity, monthlyMax);
    lines.push({
      item: `${stack}: ${item}`,
      monthly: round2(monthly * share.fraction),
      quantity: `${quantity}, ${share.text}`,
      alwaysOn: round2(monthly),
      ...(monthlyMax !== undefined && monthlyMax > monthly ? { monthlyMax: round2(monthlyMax * share.fraction) } : {}),
    });
  };
  let alarmMetrics = 0;
  for (const logical of Object.keys(resources).sort()) {
    const r = resources[logical];
    const p = r.Properties ?? {};
    const id = nameOf(logical);
    switch (r.Type) {
      case 'AWS::ElasticBeanstalk::Environment': {
        const types = option(r, 'aws:ec2:instances', 'InstanceTypes') ?? option(r, 'aws:autoscaling:launchconfiguration', 'InstanceType');
        const type = typeof types === 'string' ? types.split(',')[0].trim() : 't3.micro';
        const single = option(r, 'aws:elasticbeanstalk:environment', 'EnvironmentType') === 'SingleInstance';
        const min = single ? 1 : Number(option(r, 'aws:autoscaling:asg', 'MinSize') ?? 1);
        // the Auto Scaling range: the estimate is at min, the line shows min–max (Beanstalk's default MaxSize is 4)
        const max = single ? min : Math.max(min, Number(option(r, 'aws:autoscaling:asg', 'MaxSize') ?? 4));
        const count = max > min ? `${min}–${max}` : `${min}`;
        const hourly = prices.ec2[type];
        if (hourly === undefined) unpriced.push(`${stack}/${id}: instance type ${type}`);
        else addAwake(awake.get(logical), `${id} instances (${min} × ${type})`, hourly * hours * min, `${count} × ${type}`, hourly * hours * max);
        const root = Number(option(r, 'aws:autoscaling:launchconfiguration', 'RootVolumeSize') ?? 8);
        // root volumes are deleted with the instances; an Elastic IP and a load balancer stay (and bill) while asleep
        addAwake(awake.get(logical), `${id} root volumes (${min} × ${root} GiB gp3)`, prices.ebsGp3GbMonth * root * min, max > min ? `${min * root}–${max * root} GiB` : `${min * root} GiB`, prices.ebsGp3GbMonth * root * max);
        // the load balancer's alarms live in the bundle (constructs/alarms.ts): the environment says how many metrics they read
        alarmMetrics += Number(option(r, 'aws:elasticbeanstalk:customoption', 'BeanstackLoadBalancerAlarmMetrics') ?? 0) || 0;
        if (single) {
          add(`${id} Elastic IP (public IPv4)`, prices.publicIpv4Hour * hours, '1 address');
        } else {
          const publicIp = String(option(r, 'aws:ec2:vpc', 'AssociatePublicIpAddress') ?? 'false') === 'true';
          if (publicIp) addAwake(awake.get(logical), `${id} instance public IPv4`, prices.publicIpv4Hour * hours * min, `${count} address${max === 1 ? '' : 'es'}`, prices.publicIpv4Hour * hours * max);
          const lbType = String(option(r, 'aws:elasticbeanstalk:environment', 'LoadBalancerType') ?? 'classic');
          const shared = String(option(r, 'aws:elasticbeanstalk:environment', 'LoadBalancerIsShared') ?? 'false') === 'true';
          if (!shared) {
            const hour = lbType === 'network' ? prices.nlbHour : lbType === 'application' ? prices.albHour : prices.clbHour;
            add(`${id} ${lbType} load balancer`, hour * hours, '1 (fixed hourly; LCU/data charges not included)');
            add(`${id} load balancer public IPv4`, prices.publicIpv4Hour * hours * 2, '2 addresses (one per AZ)');
          }
        }
        break;
      }
      case 'AWS::ElasticLoadBalancingV2::LoadBalancer': {
        const hour = p.Type === 'network' ? prices.nlbHour : prices.albHour;
        add(`${id} load balancer`, hour * hours, '1 (fixed hourly; LCU/data charges not included)');
        if (p.Scheme !== 'internal') add(`${id} load balancer public IPv4`, prices.publicIpv4Hour * hours * 2, '2 addresses');
        break;
      }
      case 'AWS::EC2::NatGateway':
        add(`${id} NAT gateway`, prices.natGatewayHour * hours, '1 (data processing not included)');
        break;
      case 'AWS::EC2::EIP':
        add(`${id} Elastic IP (public IPv4)`, prices.publicIpv4Hour * hours, '1 address');
        break;
      case 'AWS::RDS::DBInstance': {
        const cls = String(p.DBInstanceClass ?? '');
        const engineRaw = String(p.Engine ?? 'mysql');
        const engine = engineRaw.includes('postgres') ? 'postgres' : 'mysql';
        const multi = p.MultiAZ === true || p.MultiAZ === 'true';
        const n = multi ? 2 : 1;
        const hourly = prices.rds[engine]?.[cls];
        if (hourly === undefined) unpriced.push(`${stack}/${id}: ${engineRaw} ${cls}`);
        else addAwake(awake.get(logical), `${id} ${engineRaw} ${cls}${multi ? ' Multi-AZ' : ''}`, hourly * hours * n, `${n} × ${cls}`);
        // storage bills while the instance is stopped
        const gb = Number(p.AllocatedStorage ?? 20);
        const st = String(p.StorageType ?? 'gp2');
        const gbPrice = prices.rdsStorageGbMonth[st] ?? prices.rdsStorageGbMonth.gp2;
        add(`${id} storage ${gb} GiB ${st}${multi ? ' Multi-AZ' : ''}`, gbPrice * gb * n, `${gb * n} GiB`);
        break;
      }
      case 'AWS::SecretsManager::Secret':
        add(`${id} secret`, prices.secretMonth, '1 secret');
        break;
      case 'AWS::CloudWatch::Alarm':
        // a metric-math alarm pays for each metric it reads
        alarmMetrics += Array.isArray(p.Metrics) ? Math.max(1, p.Metrics.filter((m) => isObject(m) && m.MetricStat !== undefined).length) : 1;
        break;
      default:
        break;
    }
  }
  if (alarmMetrics > 0) add('CloudWatch alarms', prices.alarmMetricMonth * alarmMetrics, `${alarmMetrics} alarm metric${alarmMetrics === 1 ? '' : 's'} (standard resolution)`);
}

function side(asm: Assembly | undefined, table: PriceTable, regions: Set<string>, assumptions: Set<string>): CostSide {
  const lines: CostLine[] = [];
  const unpriced: string[] = [];
  for (const s of asm?.stacks ?? []) {
    let region = s.region ?? table.defaultRegion;
    if (!s.region) assumptions.add(`${s.displayName} has no region; priced as ${table.defaultRegion}`);
    if (!table.regions[region]) {
      assumptions.add(`${region} is not in the price table; ${s.displayName} priced as ${table.defaultRegion}`);
      region = table.defaultRegion;
    }
    regions.add(region);
    templateCost(s.displayName, s.template, s.paths, table.regions[region], table.hoursPerMonth, lines, unpriced);
  }
  lines.sort((a, b) => (a.item < b.item ? -1 : a.item > b.item ? 1 : 0));
  const monthly = round2(lines.reduce((n, l) => n + l.monthly, 0));
  const sleeps = lines.some((l) => l.alwaysOn !== undefined);
  if (sleeps) {
    assumptions.add('a sleep schedule: instances, their root volumes and public IPv4 addresses, and database instance hours are billed only while awake (hours awake a week × 730/168); an Elastic IP, load balancers, database storage and backups, and secrets bill all the time');
    assumptions.add('AWS Budgets budgets without actions and EventBridge Scheduler invocations (within 14 million a month) cost nothing');
  }
  const monthlyMax = round2(lines.reduce((n, l) => n + (l.monthlyMax ?? l.monthly), 0));
  return {
    monthly,
    ...(monthlyMax > monthly ? { monthlyMax } : {}),
    lines,
    unpriced: unpriced.sort(),
    ...(sleeps ? { alwaysOn: round2(lines.reduce((n, l) => n + (l.alwaysOn ?? l.monthly), 0)) } : {}),
  };
}

/** Estimates base and head and the delta. */
export function estimateCost(base: Assembly | undefined, head: Assembly, table: PriceTable = PRICE_TABLE): CostReport {
  const regions = new Set<string>();
  const assumptions = new Set<string>([
    `${table.hoursPerMonth} hours a month, on-demand prices, no free tier`,
    'Elastic Beanstalk environments at their minimum instance count (a range shows the maximum too); root volumes 8 GiB unless RootVolumeSize is set',
    'usage-based charges (data transfer, load balancer LCUs, NAT data processing, logs, backups beyond the free allowance) not included',
  ]);
  const b = side(base, table, regions, assumptions);
  const h = side(head, table, regions, assumptions);
  return {
    currency: 'USD',
    base: b,
    head: h,
    delta: round2(h.monthly - b.monthly),
    pricesDate: table.date,
    pricesSource: table.source,
    regions: [...regions].sort(),
    assumptions: [...assumptions].sort(),
  };
}

/** `+$12.41/month` / `-$3.00/month` / `±$0.00/month`. */
export function formatDelta(n: number): string {
  if (n > 0) return `+${money(n)}/month`;
  if (n < 0) return `-${money(-n)}/month`;
  return '±$0.00/month';
}

/** `$33.29`, or `$33.29–$66.58` for a side or line that scales. */
export function moneyRange(x: { readonly monthly: number; readonly monthlyMax?: number }): string {
  return x.monthlyMax !== undefined && x.monthlyMax > x.monthly ? `${money(x.monthly)}–${money(x.monthlyMax)}` : money(x.monthly);
}

export { money };
