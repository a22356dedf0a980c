/**
 * A Mermaid flowchart of the head architecture: each VPC with its subnet groups, the Elastic
 * Beanstalk environments (load balancer, instances, containers and their links) and databases placed
 * in the subnets they use, secrets outside the VPC, and the traffic edges. Parts the change touches
 * are marked (`changed` / `added` classes, and a ✱ in the label so it reads without colours).
 */
import type { StackArtifact, TemplateResource } from './assembly';
import type { BundleModel } from './containers';
import { mermaidLabel as label } from './markdown';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface DiagramStack {
  readonly stack: StackArtifact;
  /** Logical ids added / changed by the PR. */
  readonly added: ReadonlySet<string>;
  readonly changed: ReadonlySet<string>;
  /** Head bundle of each environment (by environment logical id), and the containers that changed. */
  readonly bundles: ReadonlyMap<string, { readonly model: BundleModel; readonly changedContainers: ReadonlySet<string>; readonly addedContainers: ReadonlySet<string> }>;
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

/** Renders the diagram (without the surrounding ```mermaid fence). */
export function renderDiagram(stacks: readonly DiagramStack[]): string {
  const lines: string[] = ['flowchart TB'];
  const classes = { added: new Set<string>(), changed: new Set<string>() };
  const edges: string[] = [];
  lines.push(`  internet((${label('Internet')}))`);
  stacks.forEach((ds, si) => {
    const p = `s${si}`;
    const res = ds.stack.template.Resources ?? {};
    const mark = (logical: string, node: string, extra = false): string => {
      if (ds.added.has(logical)) {
        classes.added.add(node);
        return ' ✱ new';
      }
      if (ds.changed.has(logical) || extra) {
        classes.changed.add(node);
        return ' ✱ changed';
      }
      return '';
    };
    // subnet → group key
    const subnetGroup = new Map<string, string>();
    const groups = new Map<string, { vpc: string; name: string; type?: string; subnets: string[] }>();
    for (const [sid, r] of Object.entries(res)) {
      if (r.Type !== 'AWS::EC2::Subnet') continue;
      const vpc = refs(r.Properties?.VpcId)[0] ?? '';
      const name = tag(r, 'aws-cdk:subnet-name') ?? sid;
      const key = `${vpc}/${name}`;
      const g = groups.get(key) ?? { vpc, name, type: tag(r, 'aws-cdk:subnet-type'), subnets: [] };
      g.subnets.push(sid);
      groups.set(key, g);
      subnetGroup.set(sid, key);
    }
    // place environments, load balancers and databases into groups
    const placed = new Map<string, string[]>(); // group key or '' → node lines
    const place = (group: string | undefined, text: string[]): void => {
      const k = group ?? '';
      placed.set(k, [...(placed.get(k) ?? []), ...text]);
    };
    const groupOf = (v: unknown): string | undefined => {
      for (const r of refs(v)) if (subnetGroup.has(r)) return subnetGroup.get(r);
      return undefined;
    };
    const dbNodes = new Map<string, string>();
    const secretNodes = new Map<string, string>();
    for (const sid of Object.keys(res).sort()) {
      const r = res[sid];
      if (r.Type === 'AWS::RDS::DBInstance' || r.Type === 'AWS::RDS::DBCluster') {
        const node = id(p, sid);
        const sg = refs(r.Properties?.DBSubnetGroupName)[0];
        const group = sg && res[sg] ? groupOf(res[sg].Properties?.SubnetIds) : undefined;
        const engine = `${String(r.Properties?.Engine ?? 'database')} ${String(r.Properties?.EngineVersion ?? '')}`.trim();
        const cls = r.Properties?.DBInstanceClass ? `, ${String(r.Properties.DBInstanceClass)}` : '';
        const multi = r.Properties?.MultiAZ === true ? ', Multi-AZ' : '';
        const m = mark(sid, node);
        place(group, [`${node}[(${label(`RDS ${engine}${cls}${multi}${m}`)})]`]);
        dbNodes.set(sid, node);
      } else if (r.Type === 'AWS::SecretsManager::Secret') {
        const node = id(p, sid);
        const m = mark(sid, node);
        lines.push(`  ${node}{{${label(`Secret ${shortPath(ds.stack, sid)}${m}`)}}}`);
        secretNodes.set(sid, node);
      }
    }
    const attachments = new Map<string, string>();
    for (const [sid, r] of Object.entries(res)) {
      if (r.Type === 'AWS::SecretsManager::SecretTargetAttachment') {
        const s = refs(r.Properties?.SecretId)[0];
        if (s) attachments.set(sid, s);
      }
    }
    for (const sid of Object.keys(res).sort()) {
      const r = res[sid];
      if (r.Type !== 'AWS::ElasticBeanstalk::Environment') continue;
      const envNode = id(p, sid);
      const bundle = ds.bundles.get(sid);
      const versionRef = refs(r.Properties?.VersionLabel)[0];
      const single = option(r, 'aws:elasticbeanstalk:environment', 'EnvironmentType') === 'SingleInstance';
      const types = String(option(r, 'aws:ec2:instances', 'InstanceTypes') ?? '');
      const group = groupOf(option(r, 'aws:ec2:vpc', 'Subnets'));
      const lbGroup = groupOf(option(r, 'aws:ec2:vpc', 'ELBSubnets')) ?? group;
      const versionChanged = versionRef !== undefined && (ds.changed.has(versionRef) || ds.added.has(versionRef));
      const m = mark(sid, envNode, versionChanged);
      const name = typeof r.Properties?.EnvironmentName === 'string' ? r.Properties.EnvironmentName : sid;
      const body: string[] = [`subgraph ${envNode}[${label(`Beanstalk ${name}${types ? ` (${types})` : ''}${single ? ', single instance' : ''}${m}`)}]`, '  direction LR'];
      const containerNodes = new Map<string, string>();
      // container names are data: node ids are numbered so two names never share a node
      for (const [ci, c] of (bundle?.model.containers ?? []).entries()) {
        const cn = `${envNode}__c${ci}`;
        containerNodes.set(c.name, cn);
        let cm = '';
        if (bundle!.addedContainers.has(c.name)) {
          classes.added.add(cn);
          cm = ' ✱ new';
        } else if (bundle!.changedContainers.has(c.name)) {
          classes.changed.add(cn);
          cm = ' ✱ changed';
        }
        const ports = c.settings.ports ? ` :${c.settings.ports.split(', ').map((x) => x.split(':')[0]).join(',')}` : '';
        body.push(`  ${cn}[${label(`${c.name}${ports}${cm}`)}]`);
      }
      if (containerNodes.size === 0) body.push(`  ${envNode}__app[${label('application')}]`);
      body.push('end');
      for (const c of bundle?.model.containers ?? []) {
        for (const l of (c.settings.links ?? '').split(', ').filter((x) => x.length > 0)) {
          const target = containerNodes.get(l.split(':')[0]);
          if (target) edges.push(`${containerNodes.get(c.name)} --> ${target}`);
        }
      }
      const web = (bundle?.model.containers ?? []).find((c) => (c.settings.ports ?? '').split(', ').some((x) => x.split(':')[0] === '80'));
      const entry = web ? containerNodes.get(web.name)! : envNode;
      if (single) {
        place(group, body);
        edges.push(`internet -->|${label('HTTP')}| ${entry}`);
      } else {
        const lbNode = `${envNode}_lb`;
        const lbType = String(option(r, 'aws:elasticbeanstalk:environment', 'LoadBalancerType') ?? 'classic');
        place(lbGroup, [`${lbNode}[${label(`${lbType === 'application' ? 'Application' : lbType === 'network' ? 'Network' : 'Classic'} Load Balancer`)}]`]);
        place(group, body);
        edges.push(`internet --> ${lbNode}`);
        edges.push(`${lbNode} --> ${entry}`);
      }
      const envRefs = new Set(refs(r.Properties?.OptionSettings));
      for (const [db, dn] of dbNodes) if (envRefs.has(db)) edges.push(`${envNode} -->|${label('SQL')}| ${dn}`);
      const secrets = new Set<string>();
      for (const ref of envRefs) {
        const s = attachments.get(ref) ?? (secretNodes.has(ref) ? ref : undefined);
        if (s && secretNodes.has(s)) secrets.add(s);
      }
      for (const s of [...secrets].sort()) edges.push(`${envNode} -.->|${label('reads')}| ${secretNodes.get(s)}`);
    }
    // VPC subgraphs with their groups
    const vpcs = Object.keys(res).filter((k) => res[k].Type === 'AWS::EC2::VPC').sort();
    for (const v of vpcs) {
      const vn = id(p, v);
      const cidr = typeof res[v].Properties?.CidrBlock === 'string' ? ` ${String(res[v].Properties!.CidrBlock)}` : '';
      const m = mark(v, vn);
      lines.push(`  subgraph ${vn}[${label(`VPC${cidr} (${ds.stack.displayName})${m}`)}]`);
      for (const [gi, [key, g]] of [...groups.entries()].filter(([, g]) => g.vpc === v).sort(([a], [b]) => (a < b ? -1 : 1)).entries()) {
        // subnet-group names are data: numbered ids, never derived from the name
        const gn = `${id(p, v)}_g${gi}`;
        const anyAdded = g.subnets.some((s) => ds.added.has(s));
        const anyChanged = g.subnets.some((s) => ds.changed.has(s));
        if (anyAdded) classes.added.add(gn);
        else if (anyChanged) classes.changed.add(gn);
        lines.push(`    subgraph ${gn}[${label(`${g.name} subnets${g.type ? ` (${g.type.toLowerCase()})` : ''} × ${g.subnets.length}${anyAdded ? ' ✱ new' : anyChanged ? ' ✱ changed' : ''}`)}]`);
        const inner = placed.get(key) ?? [];
        if (inner.length === 0) lines.push(`      ${gn}_empty[${label('no resources')}]`);
        for (const l of inner) lines.push(`      ${l}`);
        lines.push('    end');
        placed.delete(key);
      }
      lines.push('  end');
    }
    for (const [, rest] of [...placed.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) for (const l of rest) lines.push(`  ${l}`);
  });
  for (const e of edges) lines.push(`  ${e}`);
  lines.push('  classDef added stroke:#1a7f37,stroke-width:3px');
  lines.push('  classDef changed stroke:#d4a72c,stroke-width:3px');
  if (classes.added.size > 0) lines.push(`  class ${[...classes.added].sort().join(',')} added`);
  if (classes.changed.size > 0) lines.push(`  class ${[...classes.changed].sort().join(',')} changed`);
  return `${lines.join('\n')}\n`;
}
