/**
 * Golden markdown reports for the example app's typical changes, the size limit on a huge diff, the
 * Mermaid diagrams checked with mermaid's own parser, and the compose (Docker platform) container view.
 *
 * Regenerate the golden files with BEANSTACK_UPDATE_GOLDEN=1 npx jest test/review/report.test.ts
 */
import * as childProcess from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { nodeAssemblyReader } from '../../bin/commands/diff';
import { loadAssembly, renderMarkdown, renderText, reviewAssemblies, REVIEW_MARKER } from '../../lib/review';
import type { ReviewReport } from '../../lib/review';
import { mdText } from '../../lib/review/markdown';
import { AssemblyCopy, FIXTURES, FULLSTACK, review } from './helpers';

const GOLDEN = path.join(__dirname, 'golden');
const UPDATE = process.env.BEANSTACK_UPDATE_GOLDEN === '1';
const PROD = path.join(FIXTURES, 'fullstack-prod');

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Scenario {
  readonly name: string;
  readonly head: (a: AssemblyCopy) => void;
  /** @default the dev stage, ecs target */
  readonly prod?: boolean;
}

/** Typical changes of the example app. */
const SCENARIOS: Scenario[] = [
  {
    name: 'api-code-and-env',
    head: (a) => {
      a.rebuildService('api', 'src/server.js', "console.log('v2');\n");
      a.editDockerrun((d) => {
        const api = d.containerDefinitions.find((c: Json) => c.name === 'api');
        api.environment.push({ name: 'LOG_LEVEL', value: 'debug' });
        api.memory = 384;
      });
    },
  },
  { name: 'instance-type', head: (a) => a.setOption('aws:ec2:instances', 'InstanceTypes', 't3.medium') },
  {
    name: 'database-engine-and-encryption',
    head: (a) =>
      a.editResource('AppDatabasesmysqlInstance9D393F6F', (r) => {
        r.Properties.StorageEncrypted = false;
        r.Properties.PubliclyAccessible = true;
      }),
  },
  {
    name: 'open-database-port',
    head: (a) => a.editResource('AppNetworkDatabaseSecurityGroup36710F5E', (r) => (r.Properties.SecurityGroupIngress = [{ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, Description: 'debug access' }])),
  },
  { name: 'no-changes', head: () => undefined },
  {
    name: 'prod-compose-release',
    prod: true,
    head: (a) => {
      a.rebuildService('nginx', 'default.conf', 'server { listen 80; }\n');
      a.editCompose((t) => t.replace('mem_limit: "256m"', 'mem_limit: "512m"'));
      a.setOption('aws:ec2:instances', 'InstanceTypes', 't3.medium');
    },
  },
];

function reports(): Array<{ name: string; report: ReviewReport }> {
  return SCENARIOS.map((s) => {
    const source = s.prod ? PROD : FULLSTACK;
    const stack = s.prod ? 'fullstack-prod' : 'fullstack-dev';
    const base = new AssemblyCopy(source, stack);
    const head = new AssemblyCopy(source, stack);
    s.head(head);
    return { name: s.name, report: review(base.dir, head.dir) };
  });
}

function mermaidCheck(diagrams: string[]): Array<{ ok: boolean; type?: string; error?: string }> {
  const out = childProcess.execFileSync(process.execPath, [path.join(__dirname, 'mermaid-check.mjs')], { input: JSON.stringify(diagrams), encoding: 'utf8', timeout: 60000 });
  return JSON.parse(out);
}

describe('golden markdown reports', () => {
  const all = reports();
  it.each(all.map((x) => [x.name, x.report] as const))('%s', (name, report) => {
    const md = renderMarkdown(report, { footer: 'golden test' });
    const file = path.join(GOLDEN, `${name}.md`);
    if (UPDATE) {
      fs.mkdirSync(GOLDEN, { recursive: true });
      fs.writeFileSync(file, md);
    }
    expect(md).toBe(fs.readFileSync(file, 'utf8'));
    expect(md.startsWith(`${REVIEW_MARKER}\n`)).toBe(true);
    // the first visible line is the summary
    expect(md.split('\n')[1]).toBe(`**beanstack review** · ${mdText(report.summary)}`);
  });

  it('every diagram parses with mermaid', () => {
    const diagrams = all.map((x) => x.report.diagram);
    const prodBase = loadAssembly(PROD, nodeAssemblyReader);
    diagrams.push(reviewAssemblies({ head: prodBase, reader: nodeAssemblyReader }).result.diagram);
    const results = mermaidCheck(diagrams);
    expect(results).toEqual(diagrams.map(() => ({ ok: true, type: 'flowchart-v2' })));
  });

  it('the checker does reject a broken diagram (it can fail)', () => {
    const [r] = mermaidCheck(['flowchart TB\n  a["unclosed] --> b\n']);
    expect(r.ok).toBe(false);
  });
});

describe('size limit', () => {
  it('a huge diff stays under the limit with the summary and the danger section intact', () => {
    const queues = (t: Json, v: number): void => {
      for (let i = 0; i < 600; i++) {
        t.Resources[`Queue${i}`] = { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: v + i, Tags: [{ Key: 'team', Value: `team-${v}-${'x'.repeat(60)}` }] } };
      }
    };
    const base = new AssemblyCopy(FULLSTACK).editTemplate((t) => queues(t, 30));
    const head = new AssemblyCopy(FULLSTACK).editTemplate((t) => {
      queues(t, 60);
      t.Resources.AppDatabasesmysqlInstance9D393F6F.Properties.StorageEncrypted = false;
    });
    const r = review(base.dir, head.dir);
    expect(renderText(r).length).toBeGreaterThan(100000);
    for (const max of [60000, 20000]) {
      const md = renderMarkdown(r, { maxChars: max });
      expect(md.length).toBeLessThanOrEqual(max);
      expect(md.split('\n')[1]).toBe(`**beanstack review** · ${mdText(r.summary)}`);
      expect(md).toMatch(/Data loss.*will be REPLACED/);
      expect(md).toMatch(/detail sections? left out to stay under/);
      expect(md.split('<details>').length).toBe(md.split('</details>').length);
      expect((md.match(/```/g) ?? []).length % 2).toBe(0);
    }
    expect(r.summary).toMatch(/600 to update/);
  });
});

describe('compose bundle (Docker AL2023 platform)', () => {
  it('diffs the production docker-compose.yml per service in compose terms', () => {
    const head = new AssemblyCopy(PROD, 'fullstack-prod');
    // a new bundle: the compose file changes (new hash → new asset and S3 key)
    const assetsFile = path.join(head.dir, 'fullstack-prod.assets.json');
    const assets = JSON.parse(fs.readFileSync(assetsFile, 'utf8'));
    const oldHash = Object.keys(assets.files).find((h) => assets.files[h].displayName === 'App/Beanstalk/Bundle')!;
    const dir = path.join(head.dir, assets.files[oldHash].source.path);
    const compose = fs.readFileSync(path.join(dir, 'docker-compose.yml'), 'utf8').replace('mem_limit: "256m"', 'mem_limit: "512m"').replace('NODE_ENV: "production"', 'NODE_ENV: "production"\n      FEATURE_FLAGS: "search"\n      DB_PASSWORD: "plain-text-oops"');
    const newHash = 'f'.repeat(64);
    fs.mkdirSync(path.join(head.dir, `asset.${newHash}`));
    fs.writeFileSync(path.join(head.dir, `asset.${newHash}`, 'docker-compose.yml'), compose);
    assets.files[newHash] = { ...assets.files[oldHash], source: { path: `asset.${newHash}`, packaging: 'zip' }, destinations: { d: { objectKey: `${newHash}.zip` } } };
    delete assets.files[oldHash];
    fs.writeFileSync(assetsFile, JSON.stringify(assets));
    head.editResource('AppBeanstalkVersion', (r) => (r.Properties.SourceBundle.S3Key = `${newHash}.zip`));
    const r = review(PROD, head.dir);
    expect(r.bundles).toHaveLength(1);
    expect(r.bundles[0].format).toBe('compose');
    expect(r.bundles[0].containers).toEqual([
      {
        name: 'api',
        change: 'changed',
        environment: [
          { name: 'DB_PASSWORD', change: 'added', value: '(secret value hidden)' },
          { name: 'FEATURE_FLAGS', change: 'added', value: 'search' },
        ],
        settings: ['mem_limit: 256m → 512m'],
      },
    ]);
    expect(r.classes).toEqual(['security']);
    expect(renderMarkdown(r)).not.toContain('plain-text-oops');
  });

  it('a first deploy (no base) is reviewed with every resource new', () => {
    const head = loadAssembly(PROD, nodeAssemblyReader);
    const { result } = reviewAssemblies({ head, reader: nodeAssemblyReader });
    expect(result.stacks[0].status).toBe('added');
    expect(result.cost.base.monthly).toBe(0);
    expect(result.cost.head.monthly).toBeGreaterThan(50);
    expect(result.cost.head.lines.map((l) => l.item).join('\n')).toMatch(/application load balancer|classic load balancer/);
  });
});

describe('findings of a synth that failed on them', () => {
  // test/review/fixtures/failed-synth: app.synth() threw on cdk-nag errors (AwsSolutions) but wrote the
  // assembly and its validation-report.json (SG open on 3306, unencrypted MySQL).
  const FAILED = path.join(FIXTURES, 'failed-synth');

  it('are read and reported as introduced, against a base without them', () => {
    const head = new AssemblyCopy(FAILED, 'S');
    const base = new AssemblyCopy(FAILED, 'S').setFindings({ version: '55.0.0', title: 'Validation Report', pluginReports: [] });
    const r = review(base.dir, head.dir);
    expect(r.findings.compared).toBe(true);
    expect(r.findings.introduced.map((f) => f.rule)).toEqual(['AwsSolutions-EC23', 'AwsSolutions-RDS10', 'AwsSolutions-RDS11', 'AwsSolutions-RDS2', 'AwsSolutions-RDS3', 'AwsSolutions-SMG4', 'AwsSolutions-VPC7', 'E9006', 'W2508', 'W9008'].sort());
    expect(r.classes).toEqual(['security']);
    expect(renderMarkdown(r)).toMatch(/➕ introduced: \*\*W2508\*\* \(CloudFormation Validate, warning\) on `S\/DbSg\/Resource`/);
  });

  it('that the PR fixes are listed as resolved, not alarmed', () => {
    const base = new AssemblyCopy(FAILED, 'S');
    const head = new AssemblyCopy(FAILED, 'S').setFindings({ version: '55.0.0', title: 'Validation Report', pluginReports: [] });
    const r = review(base.dir, head.dir);
    expect(r.findings.resolved).toHaveLength(10);
    expect(r.classes).toEqual([]);
  });
});
