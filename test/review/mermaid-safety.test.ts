/**
 * The architecture diagram is safe whatever the names in the template and the bundle: diagrams built
 * from adversarial environment, container, subnet, engine and stack names parse with mermaid 11's own
 * parser into the same nodes, subgraphs and edges as the same diagram with plain names; no label is a
 * markdown label, and no label's HTML holds a tag; and each name reads back as itself.
 */
import * as childProcess from 'child_process';
import * as path from 'path';
import fc from 'fast-check';
import type { StackArtifact, Template } from '../../lib/review/assembly';
import type { BundleModel } from '../../lib/review/containers';
import { renderDiagram } from '../../lib/review/mermaid';
import { plainWords } from './markdown-oracle';

interface Parsed {
  readonly ok: boolean;
  readonly error?: string;
  readonly nodes: Array<{ id: string; html: string; type: string }>;
  readonly subgraphs: Array<{ id: string; html: string; type: string; nodes: number }>;
  readonly edges: Array<{ html: string; type: string }>;
}

function parse(diagrams: string[]): Parsed[] {
  const out = childProcess.execFileSync(process.execPath, [path.join(__dirname, 'mermaid-check.mjs'), '--labels'], { input: JSON.stringify(diagrams), encoding: 'utf8', timeout: 180000, maxBuffer: 1 << 28 });
  return JSON.parse(out) as Parsed[];
}

const FRAGMENTS = ['"', '#', '%%{init: {}}%%', '%%', '#quot;', '#lt;img src=x onerror=alert(1)#gt;', '<img src=x>', '`', '`**b**`', '&lt;', '&', ']', '[', '(', ')', '{', '}', '|', '-->', 'end', 'subgraph', '\n', '\r', ';', ':::', '%%', 'click x call alert()', '\u202e', '\\'];
const name = fc
  .array(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...FRAGMENTS) }, { weight: 1, arbitrary: fc.string({ maxLength: 5 }) }), { minLength: 1, maxLength: 4 })
  .map((p) => p.join(''));

interface Names {
  display: string;
  cidr: string;
  subnets: [string, string];
  subnetType: string;
  engine: string;
  version: string;
  dbClass: string;
  secret: string;
  environment: string;
  types: string;
  containers: [string, string];
  port: string;
}

const names: fc.Arbitrary<Names> = fc.record({
  display: name,
  cidr: name,
  subnets: fc.tuple(name, name),
  subnetType: name,
  engine: name,
  version: name,
  dbClass: name,
  secret: name,
  environment: name,
  types: name,
  // links are read back from the compose-terms `links` text (`name:alias, …`): a name with `:` or `,`
  // links nothing, which drops an edge (it never adds one); the names here keep every link
  containers: fc.tuple(name.filter((v) => !/[:,]/.test(v)), name.filter((v) => !/[:,]/.test(v))),
  port: name,
});

function diagram(n: Names): string {
  const option = (Namespace: string, OptionName: string, Value: unknown) => ({ Namespace, OptionName, Value });
  const subnet = (sub: string) => ({ Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: 'Vpc' }, Tags: [{ Key: 'aws-cdk:subnet-name', Value: sub }, { Key: 'aws-cdk:subnet-type', Value: n.subnetType }] } });
  const template: Template = {
    Resources: {
      Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: n.cidr } },
      SubA: subnet(n.subnets[0]),
      SubB: subnet(n.subnets[1]),
      DbSubnets: { Type: 'AWS::RDS::DBSubnetGroup', Properties: { SubnetIds: [{ Ref: 'SubB' }] } },
      Db: { Type: 'AWS::RDS::DBInstance', Properties: { DBSubnetGroupName: { Ref: 'DbSubnets' }, Engine: n.engine, EngineVersion: n.version, DBInstanceClass: n.dbClass } },
      Secret: { Type: 'AWS::SecretsManager::Secret' },
      Env: {
        Type: 'AWS::ElasticBeanstalk::Environment',
        Properties: {
          EnvironmentName: n.environment,
          OptionSettings: [
            option('aws:ec2:vpc', 'Subnets', { Ref: 'SubA' }),
            option('aws:ec2:instances', 'InstanceTypes', n.types),
            option('aws:elasticbeanstalk:application:environment', 'DB', { Ref: 'Db' }),
            option('aws:elasticbeanstalk:application:environment', 'S', { Ref: 'Secret' }),
          ],
        },
      },
    },
  };
  const stack: StackArtifact = { id: 'S', displayName: n.display, template, templateFile: 'S.template.json', paths: { Secret: `${n.display}/${n.secret}` } };
  const model: BundleModel = {
    format: 'dockerrun-v2',
    containers: n.containers.map((c, i) => ({ name: c, environment: {}, secrets: {}, settings: { ports: `${i === 0 ? '80' : n.port}:80`, links: n.containers[1 - i] } })),
    settings: {},
  };
  return renderDiagram([{ stack, added: new Set(['Db']), changed: new Set(['Env']), bundles: new Map([['Env', { model, changedContainers: new Set([n.containers[0]]), addedContainers: new Set<string>() }]]) }]);
}

function plain(n: Names): Names {
  const word = plainWords();
  return JSON.parse(JSON.stringify(n), (_k, v) => (typeof v === 'string' ? word(v) : v)) as Names;
}

/** The text a label's HTML shows. */
function shown(html: string): string {
  return html
    .replace(/&#(\d+);/g, (_m, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&(lt|gt|quot|amp);/g, (_m, e: string) => ({ lt: '<', gt: '>', quot: '"', amp: '&' })[e]!);
}

/** What a label shows of a value: control characters as spaces, bidi overrides replaced; mermaid trims labels. */
const cleaned = (v: string): string => v.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').replace(/[\u202a-\u202e\u2066-\u2069]/g, '\ufffd').trim();

test('adversarial names change no node, subgraph or edge, inject no HTML, and read back as themselves', () => {
  const samples = fc.sample(names, { numRuns: Number(process.env.BEANSTACK_MERMAID_SAMPLE ?? 60), seed: 4242 });
  const diagrams = samples.flatMap((n) => [diagram(n), diagram(plain(n))]);
  const parsed = parse(diagrams);
  samples.forEach((n, i) => {
    const real = parsed[2 * i];
    const twin = parsed[2 * i + 1];
    expect({ diagram: diagrams[2 * i], ok: real.ok, error: real.error }).toEqual({ diagram: diagrams[2 * i], ok: true, error: undefined });
    expect(twin.ok).toBe(true);
    // the order of subnet groups follows their (sorted) names; the set of nodes and subgraphs does not
    expect(real.nodes.map((x) => x.id).sort()).toEqual(twin.nodes.map((x) => x.id).sort());
    expect(real.subgraphs.map((x) => x.nodes).sort()).toEqual(twin.subgraphs.map((x) => x.nodes).sort());
    expect({ n, edges: real.edges.length }).toEqual({ n, edges: twin.edges.length });
    const labels = [...real.nodes, ...real.subgraphs, ...real.edges];
    for (const l of labels) {
      expect({ n, label: l.html, markdown: l.type === 'markdown' }).toEqual({ n, label: expect.not.stringMatching(/[<>]/), markdown: false });
    }
    const text = labels.map((l) => shown(l.html)).join('\n');
    for (const v of [n.display, n.cidr, ...n.subnets, n.engine, n.dbClass, n.secret, n.environment, n.types, ...n.containers]) {
      expect({ v, text: text.includes(cleaned(v)) ? "found" : text }).toEqual({ v, text: "found" });
    }
  });
});

test('the checker can fail: a label with a raw quote does not parse', () => {
  const [r] = parse(['flowchart TB\n  a["x"y"]\n']);
  expect(r.ok).toBe(false);
});
