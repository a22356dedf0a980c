/**
 * Name resolution across the awesome-compose corpus (issue 10): for every app, every host name that a
 * service uses — in its environment values and in the config files it is given (mounted, or copied
 * into its image by its Dockerfile: nginx `proxy_pass`/`upstream`, …) — that names another service
 * either resolves in the ECS bundle (a link with that name, or a database variable the stack sets
 * from RDS) or is warned about for that service. The host names are found here with a scanner of its
 * own, not the planner's, so the check does not grade the planner with its own code.
 */
import * as fs from 'fs';
import * as path from 'path';
import { composeToBundle } from '../../lib/bundle';
import { isUserError } from '../../lib/errors';
import { diskReader, load } from './convert/fixture-support';

const CORPUS = path.resolve(__dirname, '../corpus/awesome-compose');

/** `host` or `host:port` after `//`, `@`, `=`, whitespace, quotes or `(` — the shapes config files use. */
const HOST = /(?:^|[\s"'=@(,]|\/\/)([A-Za-z0-9][A-Za-z0-9_.-]*)(?=[:/\s"',;)]|$)/g;
const CONFIG = /\.(conf|cfg|cnf|ini|toml|ya?ml|properties)$|^(Caddyfile|nginx\.conf|haproxy\.cfg)$/;

function configFiles(dir: string, depth = 0): string[] {
  if (depth > 3 || !fs.existsSync(dir)) return [];
  if (fs.statSync(dir).isFile()) return CONFIG.test(path.basename(dir)) ? [dir] : [];
  return fs.readdirSync(dir).sort().flatMap((e) => (['node_modules', '.git'].includes(e) ? [] : configFiles(path.join(dir, e), depth + 1)))
    .filter((f) => !/compose[^/]*\.ya?ml$/.test(f));
}

const apps = fs.existsSync(CORPUS) ? fs.readdirSync(CORPUS).filter((d) => fs.statSync(path.join(CORPUS, d)).isDirectory()).sort() : [];
const counts = { apps: 0, names: 0, linked: 0, wired: 0, warned: 0 };

test('the corpus is there', () => {
  expect(apps.length).toBe(39);
});

describe.each(apps)('%s', (dir) => {
  test('every service name a service uses resolves in the ECS bundle or is warned about', () => {
    const file = fs.readdirSync(path.join(CORPUS, dir)).find((f) => /^compose\.ya?ml$/.test(f))!;
    const project = load(path.join(CORPUS, dir), [file]);
    let converted;
    try {
      converted = composeToBundle(project, { target: 'ecs', reader: diskReader, executionRoleArn: 'arn:aws:iam::123456789012:role/r' });
    } catch (e) {
      if (isUserError(e) && e.code === 'bundle/fatal-key') return; // cannot run on Beanstalk (test/bundle/corpus.test.ts says why)
      throw e;
    }
    counts.apps++;
    const { result, warnings } = converted;
    const doc = JSON.parse((result.files[0] as { content: string }).content) as { containerDefinitions: { name: string; links?: string[] }[] };
    const owners = new Map<string, string>();
    for (const [name, svc] of Object.entries(project.services)) {
      for (const n of [name, svc.containerName, svc.hostname, ...Object.values(svc.networks).flatMap((c) => c?.aliases ?? [])]) if (n) owners.set(n, name);
    }
    for (const [service, svc] of Object.entries(project.services)) {
      const container = result.containers[service];
      if (!container) continue;
      const texts = [...Object.values(svc.environment), ...Object.values(svc.envFileValues).map((v) => v.value)].filter((v): v is string => typeof v === 'string');
      const mounted = svc.volumes.filter((v) => v.type === 'bind' && v.source?.startsWith(project.projectDirectory)).map((v) => v.source!);
      for (const f of [...mounted, ...(svc.build ? [svc.build.context] : [])].flatMap((p) => configFiles(p))) texts.push(fs.readFileSync(f, 'utf8'));
      const used = new Set<string>();
      for (const t of texts) for (const m of t.matchAll(HOST)) if (owners.has(m[1]) && owners.get(m[1]) !== service) used.add(m[1]);
      const links = (doc.containerDefinitions.find((c) => c.name === container)?.links ?? []).map((l) => l.split(':').pop()!);
      for (const name of [...used].sort()) {
        counts.names++;
        const owner = owners.get(name)!;
        const wired = result.databases.some((d) => d.service === owner && d.variables.some((v) => v.service === service));
        const warned = warnings.some((w) => w.service === service && w.message.includes(`"${name}"`));
        if (links.includes(name)) counts.linked++;
        else if (wired) counts.wired++;
        else if (warned) counts.warned++;
        else throw new Error(`${dir}: services.${service} uses the name "${name}" (services.${owner}), which neither resolves in the bundle nor is warned about`);
      }
    }
  });
});

afterAll(() => {
  process.stdout.write(`corpus name resolution: ${counts.apps} apps convert; ${counts.names} service names in use — ${counts.linked} resolve through a link, ${counts.wired} are database variables the stack sets from RDS, ${counts.warned} are warned about, 0 unaccounted\n`);
});
