/**
 * A Mermaid flowchart of the head architecture: each VPC with its subnet groups, the Elastic
 * Beanstalk environments (load balancer, instances, containers and their links) and databases placed
 * in the subnets they use, secrets outside the VPC, and the traffic edges. Parts the change touches
 * are marked (`changed` / `added` classes, and a ✱ in the label so it reads without colours).
 */
import type { StackArtifact, TemplateResource } from './assembly';
import type { BundleModel } from './containers';
import { mermaidLabel as label } from './markdown';
import { isObject } from '../util/json';


export interface DiagramStack {
  readonly stack: StackArtifact;
  /** Logical ids added / changed by the PR. */
  readonly added: ReadonlySet<string>;
  readonly changed: ReadonlySet<string>;
  /** Head bundle of each environment (by environment logical id), and the containers that changed. */
  readonly bundles: ReadonlyMap<string, DiagramBundle>;
}

/** An environment's head bundle and the containers the change adds or changes. */
export interface DiagramBundle {
  readonly model: BundleModel;
  readonly changedContainers: ReadonlySet<string>;
  readonly addedContainers: ReadonlySet<string>;
}

function refs(v: unknown): string[] {
  const out: string[] = [];
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (isObject(x)) {
      if (typeof x.Ref === 'string') out.push(x.Ref);
      else if (Array.isArray(x['Fn::GetAtt'])) out.push(String(x['Fn::GetAtt'][0]));
      else Object.values(x).forEach(walk);
    }
  };
  walk(v);
  return out;
}

function option(r: TemplateResource, ns: string, name: string): unknown {
  const opts = r.Properties?.OptionSettings;
  if (!Array.isArray(opts)) return undefined;
  const o = opts.find((x) => isObject(x) && x.Namespace === ns && x.OptionName === name);
  return isObject(o) ? o.Value : undefined;
}

function tag(r: TemplateResource, key: string): string | undefined {
  const tags = r.Properties?.Tags;
  if (!Array.isArray(tags)) return undefined;
  const t = tags.find((x) => isObject(x) && x.Key === key);
  return isObject(t) && typeof t.Value === 'string' ? t.Value : undefined;
}

function id(prefix: string, logical: string): string {
  return `${prefix}_${logical.replace(/[^A-Za-z0-9]/g, '_')}`;
}

/** A construct path without the stack and `/Resource`, for labels. */
function shortPath(stack: StackArtifact, logical: string): string {
  const p = stack.paths[logical];
  if (!p) return logical;
  return p.replace(new RegExp(`^${stack.displayName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/`), '').replace(/\/(Resource|Default)$/, '');
}

/** What the stacks of one diagram share: its lines, the edges drawn after them, and the marked nodes. */
interface Diagram {
  readonly lines: string[];
  readonly edges: string[];
  readonly classes: { readonly added: Set<string>; readonly changed: Set<string> };
}

/** Renders the diagram (without the surrounding ```mermaid fence). */
export function renderDiagram(stacks: readonly DiagramStack[]): string {
  const d: Diagram = { lines: ['flowchart TB'], edges: [], classes: { added: new Set<string>(), changed: new Set<string>() } };
  d.lines.push(`  internet((${label('Internet')}))`);
  stacks.forEach((ds, si) => new StackDiagram(d, ds, `s${si}`).render());
  const { lines, classes } = d;
  for (const e of d.edges) lines.push(`  ${e}`);
  lines.push('  classDef added stroke:#1a7f37,stroke-width:3px');
  lines.push('  classDef changed stroke:#d4a72c,stroke-width:3px');
  if (classes.added.size > 0) lines.push(`  class ${[...classes.added].sort().join(',')} added`);
  if (classes.changed.size > 0) lines.push(`  class ${[...classes.changed].sort().join(',')} changed`);
  return `${lines.join('\n')}\n`;
}

/** The part of the diagram one stack draws: node ids prefixed `p`, nodes placed in their subnet groups. */
class StackDiagram {
  private readonly res: NonNullable<StackArtifact['template']['Resources']>;
  /** Subnet logical id → its group key (`<vpc>/<subnet-name>`). */
  private readonly subnetGroup = new Map<string, string>();
  private readonly groups = new Map<string, { vpc: string; name: string; type?: string; subnets: string[] }>();
  /** Group key (or '' outside any) → the node lines placed there. */
  private readonly placed = new Map<string, string[]>();
  private readonly dbNodes = new Map<string, string>();
  private readonly secretNodes = new Map<string, string>();
  /** Secret target attachment → its secret. */
  private readonly attachments = new Map<string, string>();

  constructor(private readonly d: Diagram, private readonly ds: DiagramStack, private readonly p: string) {
    this.res = ds.stack.template.Resources ?? {};
  }

  render(): void {
    this.collectSubnetGroups();
    this.placeDatabasesAndSecrets();
    for (const [sid, r] of Object.entries(this.res)) {
      if (r.Type === 'AWS::SecretsManager::SecretTargetAttachment') {
        const s = refs(r.Properties?.SecretId)[0];
        if (s) this.attachments.set(sid, s);
      }
    }
    for (const sid of Object.keys(this.res).sort()) {
      if (this.res[sid].Type === 'AWS::ElasticBeanstalk::Environment') this.placeEnvironment(sid, this.res[sid]);
    }
    this.renderVpcs();
    for (const [, rest] of [...this.placed.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) for (const l of rest) this.d.lines.push(`  ${l}`);
  }

  /** ` ✱ new` / ` ✱ changed` for a label, the node marked with its class. */
  private mark(logical: string, node: string, extra = false): string {
    if (this.ds.added.has(logical)) {
      this.d.classes.added.add(node);
      return ' ✱ new';
    }
    if (this.ds.changed.has(logical) || extra) {
      this.d.classes.changed.add(node);
      return ' ✱ changed';
    }
    return '';
  }

  private place(group: string | undefined, text: string[]): void {
    const k = group ?? '';
    this.placed.set(k, [...(this.placed.get(k) ?? []), ...text]);
  }

  /** The subnet group of the first subnet `v` refers to. */
  private groupOf(v: unknown): string | undefined {
    for (const r of refs(v)) if (this.subnetGroup.has(r)) return this.subnetGroup.get(r);
    return undefined;
  }

  private collectSubnetGroups(): void {
    for (const [sid, r] of Object.entries(this.res)) {
      if (r.Type !== 'AWS::EC2::Subnet') continue;
      const vpc = refs(r.Properties?.VpcId)[0] ?? '';
      const name = tag(r, 'aws-cdk:subnet-name') ?? sid;
      const key = `${vpc}/${name}`;
      const g = this.groups.get(key) ?? { vpc, name, type: tag(r, 'aws-cdk:subnet-type'), subnets: [] };
      g.subnets.push(sid);
      this.groups.set(key, g);
      this.subnetGroup.set(sid, key);
    }
  }

  /** Databases in the subnet group of their DB subnet group; secrets outside the VPC. */
  private placeDatabasesAndSecrets(): void {
    const { res, p } = this;
    for (const sid of Object.keys(res).sort()) {
      const r = res[sid];
      if (r.Type === 'AWS::RDS::DBInstance' || r.Type === 'AWS::RDS::DBCluster') {
        const node = id(p, sid);
        const sg = refs(r.Properties?.DBSubnetGroupName)[0];
        const group = sg && res[sg] ? this.groupOf(res[sg].Properties?.SubnetIds) : undefined;
        const engine = `${String(r.Properties?.Engine ?? 'database')} ${String(r.Properties?.EngineVersion ?? '')}`.trim();
        const cls = r.Properties?.DBInstanceClass ? `, ${String(r.Properties.DBInstanceClass)}` : '';
        const multi = r.Properties?.MultiAZ === true ? ', Multi-AZ' : '';
        const m = this.mark(sid, node);
        this.place(group, [`${node}[(${label(`RDS ${engine}${cls}${multi}${m}`)})]`]);
        this.dbNodes.set(sid, node);
      } else if (r.Type === 'AWS::SecretsManager::Secret') {
        const node = id(p, sid);
        const m = this.mark(sid, node);
        this.d.lines.push(`  ${node}{{${label(`Secret ${shortPath(this.ds.stack, sid)}${m}`)}}}`);
        this.secretNodes.set(sid, node);
      }
    }
  }

  /** An environment: its subgraph of containers, its load balancer, and its edges. */
  private placeEnvironment(sid: string, r: TemplateResource): void {
    const envNode = id(this.p, sid);
    const bundle = this.ds.bundles.get(sid);
    const versionRef = refs(r.Properties?.VersionLabel)[0];
    const single = option(r, 'aws:elasticbeanstalk:environment', 'EnvironmentType') === 'SingleInstance';
    const types = String(option(r, 'aws:ec2:instances', 'InstanceTypes') ?? '');
    const group = this.groupOf(option(r, 'aws:ec2:vpc', 'Subnets'));
    const lbGroup = this.groupOf(option(r, 'aws:ec2:vpc', 'ELBSubnets')) ?? group;
    const versionChanged = versionRef !== undefined && (this.ds.changed.has(versionRef) || this.ds.added.has(versionRef));
    const m = this.mark(sid, envNode, versionChanged);
    const name = typeof r.Properties?.EnvironmentName === 'string' ? r.Properties.EnvironmentName : sid;
    const body: string[] = [`subgraph ${envNode}[${label(`Beanstalk ${name}${types ? ` (${types})` : ''}${single ? ', single instance' : ''}${m}`)}]`, '  direction LR'];
    const containerNodes = this.containers(envNode, bundle, body);
    body.push('end');
    const { edges } = this.d;
    for (const c of bundle?.model.containers ?? []) {
      for (const l of (c.settings.links ?? '').split(', ').filter((x) => x.length > 0)) {
        const target = containerNodes.get(l.split(':')[0]);
        if (target) edges.push(`${containerNodes.get(c.name)} --> ${target}`);
      }
    }
    const web = (bundle?.model.containers ?? []).find((c) => (c.settings.ports ?? '').split(', ').some((x) => x.split(':')[0] === '80'));
    const entry = web ? containerNodes.get(web.name)! : envNode;
    if (single) {
      this.place(group, body);
      edges.push(`internet -->|${label('HTTP')}| ${entry}`);
    } else {
      const lbNode = `${envNode}_lb`;
      const lbType = String(option(r, 'aws:elasticbeanstalk:environment', 'LoadBalancerType') ?? 'classic');
      this.place(lbGroup, [`${lbNode}[${label(`${lbType === 'application' ? 'Application' : lbType === 'network' ? 'Network' : 'Classic'} Load Balancer`)}]`]);
      this.place(group, body);
      edges.push(`internet --> ${lbNode}`);
      edges.push(`${lbNode} --> ${entry}`);
    }
    this.dataEdges(envNode, r);
  }

  /** The container nodes of an environment's bundle (`body` lines); container name → node id. */
  private containers(envNode: string, bundle: DiagramBundle | undefined, body: string[]): Map<string, string> {
    const containerNodes = new Map<string, string>();
    // container names are data: node ids are numbered so two names never share a node
    for (const [ci, c] of (bundle?.model.containers ?? []).entries()) {
      const cn = `${envNode}__c${ci}`;
      containerNodes.set(c.name, cn);
      let cm = '';
      if (bundle!.addedContainers.has(c.name)) {
        this.d.classes.added.add(cn);
        cm = ' ✱ new';
      } else if (bundle!.changedContainers.has(c.name)) {
        this.d.classes.changed.add(cn);
        cm = ' ✱ changed';
      }
      const ports = c.settings.ports ? ` :${c.settings.ports.split(', ').map((x) => x.split(':')[0]).join(',')}` : '';
      body.push(`  ${cn}[${label(`${c.name}${ports}${cm}`)}]`);
    }
    if (containerNodes.size === 0) body.push(`  ${envNode}__app[${label('application')}]`);
    return containerNodes;
  }

  /** The environment's edges to the databases and secrets its option settings refer to. */
  private dataEdges(envNode: string, r: TemplateResource): void {
    const envRefs = new Set(refs(r.Properties?.OptionSettings));
    for (const [db, dn] of this.dbNodes) if (envRefs.has(db)) this.d.edges.push(`${envNode} -->|${label('SQL')}| ${dn}`);
    const secrets = new Set<string>();
    for (const ref of envRefs) {
      const s = this.attachments.get(ref) ?? (this.secretNodes.has(ref) ? ref : undefined);
      if (s && this.secretNodes.has(s)) secrets.add(s);
    }
    for (const s of [...secrets].sort()) this.d.edges.push(`${envNode} -.->|${label('reads')}| ${this.secretNodes.get(s)}`);
  }

  /** Each VPC's subgraph, with its subnet groups and what was placed in them. */
  private renderVpcs(): void {
    const { res, p, ds, d } = this;
    const vpcs = Object.keys(res).filter((k) => res[k].Type === 'AWS::EC2::VPC').sort();
    for (const v of vpcs) {
      const vn = id(p, v);
      const cidr = typeof res[v].Properties?.CidrBlock === 'string' ? ` ${String(res[v].Properties!.CidrBlock)}` : '';
      const m = this.mark(v, vn);
      d.lines.push(`  subgraph ${vn}[${label(`VPC${cidr} (${ds.stack.displayName})${m}`)}]`);
      for (const [gi, [key, g]] of [...this.groups.entries()].filter(([, g]) => g.vpc === v).sort(([a], [b]) => (a < b ? -1 : 1)).entries()) {
        // subnet-group names are data: numbered ids, never derived from the name
        const gn = `${id(p, v)}_g${gi}`;
        const anyAdded = g.subnets.some((s) => ds.added.has(s));
        const anyChanged = g.subnets.some((s) => ds.changed.has(s));
        if (anyAdded) d.classes.added.add(gn);
        else if (anyChanged) d.classes.changed.add(gn);
        d.lines.push(`    subgraph ${gn}[${label(`${g.name} subnets${g.type ? ` (${g.type.toLowerCase()})` : ''} × ${g.subnets.length}${anyAdded ? ' ✱ new' : anyChanged ? ' ✱ changed' : ''}`)}]`);
        const inner = this.placed.get(key) ?? [];
        if (inner.length === 0) d.lines.push(`      ${gn}_empty[${label('no resources')}]`);
        for (const l of inner) d.lines.push(`      ${l}`);
        d.lines.push('    end');
        this.placed.delete(key);
      }
      d.lines.push('  end');
    }
  }
}
