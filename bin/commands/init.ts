/**
 * `beanstack init`: writes into a project what it needs to adopt beanstack — cdk.json, bin/app.ts
 * for its compose file, a docker-compose.prod.yml with `x-beanstack` defaults detected from the
 * compose file (web service, database replaced by RDS, container memory), and two GitHub Actions
 * workflows: a pull-request review (install, test, `beanstack diff --base-ref`, `beanstack comment`)
 * and a deploy on the main branch (`cdk deploy` with an OIDC role, no long-lived keys).
 *
 * Existing files are never overwritten without `--force`. Everything is rendered before anything is
 * written, so bad input writes nothing.
 *
 * Exit codes: 0 written (or already up to date); 1 some files exist with other content and were kept
 * (rerun with --force); 2 bad compose file or flags; 3 a bug.
 */
import * as fs from 'fs';
import * as path from 'path';
import { stringify as yamlStringify } from 'yaml';
import { ExitCode } from '../cli-context';
import type { CliContext } from '../cli-context';
import { BeanstackError } from '../../lib/errors';
import type { ComposeProject } from '../../lib/compose/model';
import type { RegisterCommand } from './index';

interface InitFlags {
  readonly file: string[];
  readonly appName?: string;
  readonly region: string;
  readonly stage: string;
  readonly branch: string;
  readonly force?: boolean;
  readonly dryRun?: boolean;
  readonly workflows: boolean;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** The templates directory (next to dist/ when installed, next to bin/ in the source tree). */
export function templatesDir(): string {
  for (const c of [path.join(__dirname, '..', '..', 'templates', 'init'), path.join(__dirname, '..', '..', '..', 'templates', 'init')]) {
    if (fs.existsSync(c)) return c;
  }
  throw new Error('beanstack is installed without its templates/ directory');
}

/** Fills `{{name}}` placeholders (GitHub's `${{ expr }}` has spaces and is left alone). */
export function fill(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{([A-Za-z]+)\}\}/g, (m, k: string) => {
    if (!(k in values)) throw new Error(`template placeholder ${m} has no value`);
    return values[k];
  });
}

const DB_IMAGES = /^(?:.*\/)?(mysql|mariadb|postgres|postgis\/postgis)(?::|@|$)/;
const WEB_NAMES = ['nginx', 'traefik', 'caddy', 'haproxy', 'web', 'frontend', 'proxy', 'client', 'app'];

/** `x-beanstack` defaults detected from the compose project. */
export function detectDefaults(project: ComposeProject): { text: string; web?: string; database?: string } {
  const names = Object.keys(project.services).sort();
  const dbs = names.filter((n) => DB_IMAGES.test(project.services[n].image ?? ''));
  const publishing = names.filter((n) => project.services[n].ports.some((p) => p.published !== undefined));
  const web =
    names.find((n) => project.services[n].ports.some((p) => p.published === '80')) ??
    (publishing.filter((n) => !dbs.includes(n)).length === 1 ? publishing.filter((n) => !dbs.includes(n))[0] : undefined) ??
    WEB_NAMES.map((w) => names.find((n) => n === w && !dbs.includes(n))).find((x) => x !== undefined);
  const top: Record<string, unknown> = {};
  if (web) top.web = web;
  if (dbs.length > 0) top.database = dbs[0];
  const services: Record<string, unknown> = {};
  for (const n of names) {
    if (dbs.includes(n)) continue;
    const s = project.services[n];
    if (s.memLimitBytes === undefined && s.deploy?.resources?.limits?.memoryBytes === undefined) {
      services[n] = { 'x-beanstack': { memory: 256 } };
    }
  }
  const doc: Record<string, unknown> = {};
  doc['x-beanstack'] = Object.keys(top).length > 0 ? top : {};
  if (Object.keys(services).length > 0) doc.services = services;
  const lines = yamlStringify(doc, { lineWidth: 0 }).trimEnd().split('\n');
  const notes: Record<string, string> = {
    '  web:': '# the service that serves HTTP on port 80',
    '  database:': '# replaced by Amazon RDS (its data is not migrated)',
    '      memory:': '# MiB, the container\'s hard limit',
  };
  const text = lines.map((l) => {
    const k = Object.keys(notes).find((p) => l.startsWith(p));
    return k ? `${l}  ${notes[k]}` : l;
  });
  if (!web) text.splice(1, 0, '  # web: <service>  # the service that serves HTTP (none detected)');
  return { text: text.join('\n'), ...(web ? { web } : {}), ...(dbs[0] ? { database: dbs[0] } : {}) };
}

interface PlannedFile {
  readonly path: string;
  readonly content: string;
}

async function action(ctx: CliContext, flags: InitFlags): Promise<number> {
  const { loadProject } = await import('../../lib/compose');
  const { nodeFileReader } = await import('../../lib/io/node-reader');
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(flags.region)) {
    throw new BeanstackError(`--region ${flags.region}: not an AWS region name`, { code: 'init/region', fix: 'e.g. --region eu-west-1' });
  }
  if (flags.stage !== 'dev' && flags.stage !== 'prod') {
    throw new BeanstackError(`--stage ${flags.stage}: not a stage`, { code: 'init/stage', fix: 'use --stage prod (or dev)' });
  }
  if (flags.appName !== undefined && !/^[A-Za-z][A-Za-z0-9-]{0,40}$/.test(flags.appName)) {
    throw new BeanstackError(`--app-name ${flags.appName}: letters, digits and hyphens only, starting with a letter`, { code: 'init/app-name', fix: 'e.g. --app-name shop' });
  }
  const candidates = flags.file.length > 0 ? flags.file : ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'].filter((f) => fs.existsSync(path.join(ctx.cwd, f))).slice(0, 1);
  if (candidates.length === 0) {
    throw new BeanstackError(`no compose file in ${ctx.cwd}`, { code: 'init/no-compose', fix: 'run beanstack init in the directory of your docker-compose.yml, or pass -f <file>' });
  }
  const prodFile = 'docker-compose.prod.yml';
  const prodExists = fs.existsSync(path.join(ctx.cwd, prodFile));
  // The production override is always part of the stack: it exists, or init writes it.
  const composeFiles = [...candidates, prodFile].filter((f, i, a) => a.indexOf(f) === i);
  // Load the development files: validates them (errors name file:line:column) and feeds detection.
  const loaded = loadProject({ files: candidates.filter((f) => f !== prodFile), workingDirectory: ctx.cwd, environment: ctx.env, reader: nodeFileReader, ...(ctx.env.HOME ? { homeDirectory: ctx.env.HOME } : {}) });
  const project = loaded.result;
  const appName = flags.appName ?? project.name.replace(/[^A-Za-z0-9-]/g, '-').replace(/^[^A-Za-z]+/, '');
  const repository = ctx.env.GITHUB_REPOSITORY ?? '<owner>/<repository>';
  const values: Record<string, string> = {
    appName: appName || 'app',
    composeFiles: composeFiles.join(','),
    firstCompose: candidates[0],
    region: flags.region,
    stage: flags.stage,
    branch: flags.branch,
    repository,
  };
  const dir = templatesDir();
  const read = (rel: string): string => fs.readFileSync(path.join(dir, rel), 'utf8');
  const files: PlannedFile[] = [
    { path: 'cdk.json', content: fill(read('cdk.json.tpl'), values) },
    { path: 'bin/app.ts', content: fill(read('bin/app.ts.tpl'), values) },
  ];
  const defaults = detectDefaults(project);
  if (!prodExists || flags.force) {
    files.push({ path: prodFile, content: fill(read('docker-compose.prod.yml.tpl'), { ...values, xBeanstack: defaults.text }) });
  }
  if (flags.workflows) {
    files.push({ path: '.github/workflows/beanstack-review.yml', content: fill(read('.github/workflows/beanstack-review.yml.tpl'), values) });
    files.push({ path: '.github/workflows/beanstack-deploy.yml', content: fill(read('.github/workflows/beanstack-deploy.yml.tpl'), values) });
  }

  const written: string[] = [];
  const same: string[] = [];
  const kept: string[] = [];
  for (const f of files) {
    const abs = path.join(ctx.cwd, f.path);
    if (fs.existsSync(abs)) {
      if (fs.readFileSync(abs, 'utf8') === f.content) {
        same.push(f.path);
        continue;
      }
      if (!flags.force) {
        kept.push(f.path);
        continue;
      }
    }
    written.push(f.path);
  }
  if (!flags.dryRun) {
    for (const f of files.filter((x) => written.includes(x.path))) {
      const abs = path.join(ctx.cwd, f.path);
      fs.mkdirSync(path.dirname(abs), { recursive: true });
      const tmp = `${abs}.tmp-${process.pid}`;
      fs.writeFileSync(tmp, f.content);
      fs.renameSync(tmp, abs);
    }
  }
  const verb = flags.dryRun ? 'would write' : 'wrote';
  for (const p of written) ctx.stderr(`${verb} ${p}\n`);
  for (const p of same) ctx.stderr(`${p} is up to date\n`);
  for (const p of kept) ctx.stderr(`kept ${p}: it exists and differs (use --force to overwrite)\n`);
  if (prodExists && !flags.force) ctx.stderr(`kept ${prodFile}: it exists; x-beanstack fields are documented in docs/x-beanstack.md\n`);
  if (defaults.web) ctx.stderr(`detected web service: ${defaults.web}\n`);
  if (defaults.database) ctx.stderr(`detected database service: ${defaults.database} (replaced by Amazon RDS)\n`);
  ctx.stderr(
    [
      '',
      'next steps:',
      '  npm install --save-dev beanstack aws-cdk aws-cdk-lib constructs cdk-nag ts-node typescript',
      `  npx cdk synth -c stage=${flags.stage}                    # check the stack synthesizes`,
      '  npx beanstack diff --base-ref origin/main   # review a change offline',
      flags.workflows ? `  create an IAM role GitHub can assume with OIDC (repository ${repository}, branch ${flags.branch}) and store its ARN as the repository variable AWS_DEPLOY_ROLE_ARN` : '',
      '',
    ]
      .filter((l) => l !== '')
      .join('\n') + '\n',
  );
  return kept.length > 0 ? ExitCode.CHANGED : ExitCode.OK;
}

export const registerInit: RegisterCommand = (program, ctx, wrap) => {
  program
    .command('init')
    .description('add beanstack to a project: cdk.json, bin/app.ts, x-beanstack defaults, GitHub workflows')
    .option('-f, --file <file>', 'compose file (repeatable; default: compose.yaml / docker-compose.yml)', collect, [])
    .option('--app-name <name>', 'application name (default: the compose project name)')
    .option('--region <region>', 'AWS region the deploy workflow deploys to', 'eu-west-1')
    .option('--stage <stage>', 'stage the workflows review and deploy (dev | prod)', 'prod')
    .option('--branch <branch>', 'branch whose pushes deploy', 'main')
    .option('--no-workflows', 'do not write .github/workflows')
    .option('--force', 'overwrite existing files')
    .option('--dry-run', 'list what would be written, write nothing')
    .action(wrap((flags: InitFlags) => action(ctx, flags)));
};
