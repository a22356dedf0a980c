/**
 * Mutation cases of the `downtime` class on the example's synthesized assemblies (dev: single-AZ
 * database, single-instance AllAtOnce environment; prod: Multi-AZ database, load-balanced environment
 * with immutable updates): each case lists exactly the danger classes it must produce, and routine
 * changes raise none — `downtime` included.
 */
import * as path from 'path';
import { AssemblyCopy, FIXTURES, FULLSTACK, review } from './helpers';
import type { DangerClass, ReviewReport } from '../../lib/review';
import { renderMarkdown, renderText } from '../../lib/review';
import { parseFailOn } from '../../bin/commands/diff';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const PROD = path.join(FIXTURES, 'fullstack-prod');
const DB = 'AppDatabasesmysqlInstance9D393F6F';
const ENV = 'AppBeanstalkEnvironment';

interface Case {
  readonly name: string;
  /** @default the dev fixture */
  readonly fixture?: 'dev' | 'prod';
  readonly base?: (a: AssemblyCopy) => void;
  readonly head: (a: AssemblyCopy) => void;
  readonly classes: readonly DangerClass[];
  readonly check?: (r: ReviewReport) => void;
}

const downtime = (r: ReviewReport) => r.notes.filter((n) => n.class === 'downtime');
const routine = (r: ReviewReport) => r.notes.filter((n) => n.class === 'routine');

/** A Route 53 alias of the app's name to the environment (as a domain would add). */
function withRecord(a: AssemblyCopy, target = 'dualstack.old-lb.eu-west-1.elb.amazonaws.com'): void {
  a.editTemplate((t) => {
    t.Resources.AppDomainRecordA = {
      Type: 'AWS::Route53::RecordSet',
      Properties: { HostedZoneId: 'Z0123456789ABCDEFGHIJ', Name: 'shop.example.com.', Type: 'A', AliasTarget: { DNSName: target, HostedZoneId: 'Z32O12XQLNTSW2' } },
    };
  });
}

const CASES: Case[] = [
  {
    name: 'DB instance class db.t4g.micro → db.t4g.small on the single-AZ dev database: downtime',
    head: (a) => a.editResource(DB, (r) => (r.Properties.DBInstanceClass = 'db.t4g.small')),
    classes: ['downtime'],
    check: (r) => {
      const [n] = downtime(r);
      expect(n.title).toBe('database App/Databases/mysql/Instance restarts: DBInstanceClass db.t4g.micro → db.t4g.small on a single-AZ instance');
      expect(n.reason).toMatch(/5 to 15 minutes/); // the expected interruption
      expect(n.reason).toMatch(/turn Multi-AZ on first/); // how to avoid it
      expect(n.logicalId).toBe(DB);
    },
  },
  {
    name: 'DB instance class db.t4g.medium → db.t4g.large on the Multi-AZ prod database: no downtime (a failover, routine)',
    fixture: 'prod',
    head: (a) => a.editResource(DB, (r) => (r.Properties.DBInstanceClass = 'db.t4g.large')),
    classes: [],
    check: (r) => {
      expect(downtime(r)).toEqual([]);
      expect(routine(r).map((n) => n.title)).toContain('database App/Databases/mysql/Instance: DBInstanceClass db.t4g.medium → db.t4g.large on a Multi-AZ instance');
      expect(routine(r).find((n) => /Multi-AZ/.test(n.title))!.reason).toMatch(/fails over/);
    },
  },
  {
    name: 'instance type t3.small → t3.medium on the single-instance dev environment: downtime',
    head: (a) => a.setOption('aws:ec2:instances', 'InstanceTypes', 't3.medium'),
    classes: ['downtime'],
    check: (r) => {
      const [n] = downtime(r);
      expect(n.title).toBe('environment App/Beanstalk/Environment replaces its instances: InstanceTypes t3.small → t3.medium on a single-instance environment');
      expect(n.reason).toMatch(/5 to 10 minutes/);
      expect(n.reason).toMatch(/RollingUpdateType Immutable/);
    },
  },
  {
    name: 'instance type on the load-balanced prod environment with immutable updates: no downtime',
    fixture: 'prod',
    head: (a) => a.setOption('aws:ec2:instances', 'InstanceTypes', 't3.medium'),
    classes: [],
    check: (r) => expect(routine(r).some((n) => /with rolling updates/.test(n.title))).toBe(true),
  },
  {
    name: 'instance type on a load-balanced environment without rolling updates (AllAtOnce): downtime',
    fixture: 'prod',
    base: (a) => a.setOption('aws:autoscaling:updatepolicy:rollingupdate', 'RollingUpdateEnabled', undefined).setOption('aws:elasticbeanstalk:command', 'DeploymentPolicy', 'AllAtOnce'),
    head: (a) => a.setOption('aws:ec2:instances', 'InstanceTypes', 't3.medium'),
    classes: ['downtime'],
    check: (r) => expect(downtime(r)[0].title).toMatch(/without rolling configuration updates \(DeploymentPolicy AllAtOnce\)/),
  },
  {
    name: 'platform version 4.7.7 → 4.7.8 on the single-instance dev environment: downtime',
    head: (a) => a.editResource(ENV, (r) => {
      r.Properties.PlatformArn['Fn::Join'][1][2] = r.Properties.PlatformArn['Fn::Join'][1][2].replace('4.7.7', '4.7.8');
    }),
    classes: ['downtime'],
    check: (r) => expect(downtime(r)[0].reason).toMatch(/4\.7\.7 → .*4\.7\.8/),
  },
  {
    name: 'engine minor upgrade 8.4.10 → 8.4.11: the database restarts (downtime)',
    head: (a) => a.editResource(DB, (r) => (r.Properties.EngineVersion = '8.4.11')),
    classes: ['downtime'],
    check: (r) => expect(downtime(r)[0].reason).toMatch(/Blue\/Green/),
  },
  {
    name: 'engine minor upgrade on the Multi-AZ prod database: still downtime (both copies upgraded at once)',
    fixture: 'prod',
    head: (a) => a.editResource(DB, (r) => (r.Properties.EngineVersion = '8.4.11')),
    classes: ['downtime'],
    check: (r) => expect(downtime(r)[0].reason).toMatch(/Multi-AZ does not help/),
  },
  {
    name: 'storage gp3 → standard (magnetic) on the single-AZ dev database: downtime',
    head: (a) => a.editResource(DB, (r) => (r.Properties.StorageType = 'standard')),
    classes: ['downtime'],
  },
  {
    name: 'storage gp3 → io2 (SSD to SSD, online): routine',
    head: (a) => a.editResource(DB, (r) => { r.Properties.StorageType = 'io2'; r.Properties.Iops = 3000; }),
    classes: [],
    check: (r) => expect(routine(r).some((n) => /StorageType gp3 → io2/.test(n.title))).toBe(true),
  },
  {
    name: 'environment replaced (no fixed name): downtime with the blue/green way out',
    base: (a) => a.editResource(ENV, (r) => delete r.Properties.EnvironmentName),
    head: (a) => a.editResource(ENV, (r) => (r.Properties.ApplicationName = 'other-app')),
    classes: ['downtime'],
    check: (r) => {
      expect(downtime(r)[0].title).toMatch(/environment App\/Beanstalk\/Environment is REPLACED \(ApplicationName\)/);
      expect(downtime(r)[0].reason).toMatch(/swap-environment-cnames/);
    },
  },
  {
    name: 'environment replaced while its name is fixed: the deploy fails, nothing goes down',
    head: (a) => a.editResource(ENV, (r) => (r.Properties.ApplicationName = 'other-app')),
    classes: ['deploy-fails'],
  },
  {
    name: 'DNS move: the app\'s alias record points at another load balancer',
    base: (a) => withRecord(a),
    head: (a) => a.editResource('AppDomainRecordA', (r) => (r.Properties.AliasTarget.DNSName = 'dualstack.new-lb.eu-west-1.elb.amazonaws.com')),
    classes: ['downtime'],
    check: (r) => {
      expect(downtime(r)[0].title).toBe('DNS move: shop.example.com. A points elsewhere (AliasTarget)');
      expect(downtime(r)[0].reason).toMatch(/TTL/);
    },
  },
  {
    name: 'DNS record of the app\'s name removed',
    base: (a) => withRecord(a),
    head: (a) => a.editTemplate((t) => delete t.Resources.AppDomainRecordA),
    classes: ['downtime'],
  },
  {
    name: 'DNS record added (a new name): not downtime',
    head: (a) => withRecord(a),
    classes: [],
  },
];

/** Routine changes: none may raise downtime (or any other class). */
const ROUTINE: Case[] = [
  { name: 'a rebuilt image (new application version on the AllAtOnce dev environment)', head: (a) => a.rebuildService('nginx', 'default.conf', 'server { listen 80; location / { return 204; } }\n'), classes: [] },
  { name: 'a container environment variable added', head: (a) => a.editDockerrun((d: Json) => d.containerDefinitions[0].environment.push({ name: 'LOG_LEVEL', value: 'debug' })), classes: [] },
  { name: 'Multi-AZ turned on (no outage)', head: (a) => a.editResource(DB, (r) => (r.Properties.MultiAZ = true)), classes: [] },
  { name: 'backup retention 1 → 7', head: (a) => a.editResource(DB, (r) => (r.Properties.BackupRetentionPeriod = 7)), classes: [] },
  { name: 'the health check path changed', head: (a) => a.setOption('aws:elasticbeanstalk:application', 'Application Healthcheck URL', '/health'), classes: [] },
  { name: 'the managed update window moved', head: (a) => a.setOption('aws:elasticbeanstalk:managedactions', 'PreferredStartTime', 'Sat:04:00'), classes: [] },
  { name: 'prod: a rebuilt image rolls out immutably', fixture: 'prod', head: (a) => a.rebuildService('nginx', 'default.conf', 'server { listen 80; location / { return 204; } }\n'), classes: [] },
];

function run(c: Case): ReviewReport {
  const source = c.fixture === 'prod' ? PROD : FULLSTACK;
  const stack = c.fixture === 'prod' ? 'fullstack-prod' : 'fullstack-dev';
  const base = new AssemblyCopy(source, stack);
  c.base?.(base);
  const head = new AssemblyCopy(base.dir, stack);
  c.head(head);
  return review(base.dir, head.dir);
}

describe('downtime mutations', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const r = run(c);
    expect(r.classes).toEqual([...c.classes]);
    for (const n of downtime(r)) expect(n.reason).toMatch(/avoid|two deploys|later deploy|first/i); // every downtime note says how to avoid it
    c.check?.(r);
  });

  it.each(ROUTINE.map((c) => [c.name, c] as const))('routine, not alarmed: %s', (_name, c) => {
    const r = run(c);
    expect(r.hasChanges).toBe(true);
    expect(r.classes).toEqual([]);
    expect(downtime(r)).toEqual([]);
  });

  it('the renderings show the class with its title and the summary counts it', () => {
    const r = run(CASES[0]);
    expect(r.summary).toMatch(/downtime \(1\)/);
    expect(renderMarkdown(r)).toMatch(/\*\*Downtime\*\* · fullstack-dev/);
    expect(renderText(r)).toMatch(/^DOWNTIME \(1\)$/m);
  });

  it('the review header names the stage it looks at', () => {
    const r = run(CASES[0]);
    expect(r.stages).toEqual([{ stack: 'fullstack-dev', stage: 'dev', preset: 'dev' }]);
    expect(renderMarkdown(r)).toMatch(/^<br>Reviewing stage dev, stack fullstack-dev$/m);
    expect(renderText(r).split('\n')[1]).toBe('reviewing stage dev, stack fullstack-dev');
  });

  it('--fail-on downtime selects the class; any includes it', () => {
    expect(parseFailOn('downtime')).toEqual(['downtime']);
    expect(parseFailOn('any')).toContain('downtime');
    expect(() => parseFailOn('outage')).toThrow(/--fail-on outage: not a danger class/);
  });
});
