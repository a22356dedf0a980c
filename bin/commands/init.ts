/**
 * `beanstack init`: writes into a project what it needs to adopt beanstack, so that `npx cdk synth`
 * works offline with no edits — cdk.json (`"app": "npx beanstack app"`: no TypeScript toolchain; the
 * account, region, compose files and app name as context; the recommended feature flags of the
 * installed aws-cdk-lib), `.gitignore` entries, a docker-compose.prod.yml with `x-beanstack`
 * defaults detected from the compose file (web service, database replaced by RDS, container
 * memory), and two GitHub Actions workflows: a pull-request review (install, test, `beanstack diff
 * --base-ref` offline, `beanstack comment`) and a deploy on the main branch (`cdk deploy` with an
 * OIDC role, no long-lived keys). It prints the IAM trust policy whose `sub` condition matches the
 * deploy job's token.
 *
 * Every value put into a file is serialized for that file's language (JSON, YAML scalars), never
 * pasted. Existing files are never overwritten without `--force`. Everything is rendered before
 * anything is written, so bad input writes nothing.
 *
 * Exit codes: 0 written (or already up to date); 1 some files exist with other content and were kept
 * (rerun with --force); 2 bad compose file or flags; 3 a bug.
 */
import * as childProcess from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { stringify as yamlStringify } from 'yaml';
import { ExitCode } from '../cli-context';
import type { CliContext } from '../cli-context';
import { BeanstackError } from '../../lib/errors';
import { defaultPreset, isDeploymentStage, stageNameProblem } from '../../constructs/stage';
import { domainNameProblem, isInZone, normalizeHostedZoneId } from '../../lib/bundle/x-beanstack-domain';
import type { ComposeProject } from '../../lib/compose/model';
import { docsPath, packageDir } from '../package-info';
import type { RegisterCommand } from './index';
import { collect } from '../shared/flags';

interface InitFlags {
  readonly file: string[];
  readonly appName?: string;
  readonly account?: string;
  readonly region?: string;
  readonly stage: string;
  readonly preset?: string;
  readonly certificateArn?: string;
  /** The prod stage's own name, in the hosted zone named by the next two (docs/domain.md). */
  readonly domain?: string;
  readonly hostedZoneId?: string;
  readonly hostedZoneName?: string;
  readonly branch: string;
  readonly repository?: string;
  readonly force?: boolean;
  readonly dryRun?: boolean;
  readonly workflows: boolean;
}

/** A value for a template: a string is serialized as a JSON string (also a valid YAML scalar); `raw` is inserted as is. */
export type TemplateValue = string | { readonly raw: string };

/**
 * Fills `{{name}}` placeholders (GitHub's `${{ expr }}` has spaces and is left alone). Strings are
 * serialized with JSON.stringify — a double-quoted scalar in YAML, a string in JSON — so a value can
 * never add keys, list items or lines (a branch `main, '**'` stays one branch).
 */
export function fill(template: string, values: Readonly<Record<string, TemplateValue>>): string {
  return template.replace(/\{\{([A-Za-z]+)\}\}/g, (m, k: string) => {
    if (!Object.prototype.hasOwnProperty.call(values, k)) throw new Error(`template placeholder ${m} has no value`);
    const v = values[k];
    return typeof v === 'string' ? JSON.stringify(v) : v.raw;
  });
}

/** Lines `beanstack init` makes sure the project's .gitignore has (CDK output, review output, rehearsal files). */
export const GITIGNORE_ENTRIES: readonly string[] = ['node_modules/', 'cdk.out/', 'base.out/', 'beanstack-review.md', '.beanstack/'];

/** The .gitignore with the missing entries appended (undefined when nothing is missing). */
export function mergeGitignore(existing: string | undefined): string | undefined {
  const have = new Set((existing ?? '').split(/\r?\n/).map((l) => l.trim()).map((l) => l.replace(/^\//, '')));
  const missing = GITIGNORE_ENTRIES.filter((e) => !have.has(e) && !have.has(e.replace(/\/$/, '')));
  if (missing.length === 0) return undefined;
  const base = existing === undefined || existing === '' ? '' : existing.endsWith('\n') ? existing : `${existing}\n`;
  return `${base}# beanstack: CDK output, the review's assemblies and report, local rehearsal files\n${missing.join('\n')}\n`;
}

/**
 * The feature flags `cdk init` would write for the aws-cdk-lib the project uses (its
 * CURRENTLY_RECOMMENDED_FLAGS), so the CDK CLI has none left unconfigured. Resolved from the
 * project first, then from beanstack's own location (the same peer dependency when installed).
 */
export function recommendedFlags(cwd: string): Record<string, unknown> {
  let file: string;
  try {
    file = require.resolve('aws-cdk-lib/cx-api', { paths: [cwd, __dirname] });
  } catch {
    throw new BeanstackError('aws-cdk-lib is not installed in this project, so init cannot write its recommended feature flags', {
      code: 'init/no-aws-cdk-lib',
      fix: 'npm install --save-dev beanstack aws-cdk-lib constructs aws-cdk, then run beanstack init again',
    });
  }
  const cx = require(file) as { CURRENTLY_RECOMMENDED_FLAGS?: Record<string, unknown> }; // eslint-disable-line @typescript-eslint/no-require-imports
  const flags = cx.CURRENTLY_RECOMMENDED_FLAGS ?? {};
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(flags).sort()) out[k] = flags[k];
  return out;
}

/** `owner/name` of the GitHub repository: the flag, GITHUB_REPOSITORY, or the `origin` remote. */
export function detectRepository(cwd: string, env: Readonly<Record<string, string | undefined>>, flag?: string): string | undefined {
  if (flag !== undefined) return flag;
  if (env.GITHUB_REPOSITORY) return env.GITHUB_REPOSITORY;
  const r = childProcess.spawnSync('git', ['remote', 'get-url', 'origin'], { cwd, encoding: 'utf8' });
  const m = r.status === 0 ? /github\.com[:/]([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+?)(?:\.git)?\/?\s*$/.exec(r.stdout) : null;
  return m ? m[1] : undefined;
}

/**
 * The IAM role trust policy for the deploy job: GitHub's OIDC provider in `account`, audience
 * sts.amazonaws.com, and the subject of a job that runs in GitHub environment `environment`
 * (`repo:OWNER/REPO:environment:NAME` — a job with `environment:` gets that subject, not the branch's).
 */
export function trustPolicy(account: string, repository: string, environment: string): Record<string, unknown> {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::${account}:oidc-provider/token.actions.githubusercontent.com` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
            'token.actions.githubusercontent.com:sub': `repo:${repository}:environment:${environment}`,
          },
        },
      },
    ],
  };
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

/** --domain with its zone: all three or none, a host name inside the zone, a zone id. */
function checkDomainFlags(flags: InitFlags): void {
  const given = [flags.domain, flags.hostedZoneId, flags.hostedZoneName].filter((v) => v !== undefined).length;
  if (given === 0) return;
  if (given < 3) {
    throw new BeanstackError('--domain, --hosted-zone-id and --hosted-zone-name go together: the hosted zone is named, so a synth needs no AWS call', {
      code: 'init/domain', fix: 'pass all three, e.g. --domain shop.example.com --hosted-zone-id Z0123456789ABCDEFGHIJ --hosted-zone-name example.com (aws route53 list-hosted-zones-by-name --dns-name example.com shows the id)',
    });
  }
  const zone = flags.hostedZoneName!.replace(/\.$/, '');
  const problem = domainNameProblem(flags.domain!) ?? domainNameProblem(zone);
  if (problem !== undefined) {
    const [what, fix] = problem.split('; ');
    throw new BeanstackError(`--domain ${flags.domain} / --hosted-zone-name ${flags.hostedZoneName}: ${what}`, { code: 'init/domain', fix });
  }
  if (!isInZone(flags.domain!, zone)) {
    throw new BeanstackError(`--domain ${flags.domain} is not inside --hosted-zone-name ${zone}`, { code: 'init/domain', fix: `use a name ending in .${zone}, or the zone that holds ${flags.domain}` });
  }
  if (normalizeHostedZoneId(flags.hostedZoneId!) === undefined) {
    throw new BeanstackError(`--hosted-zone-id ${flags.hostedZoneId}: not a Route 53 hosted zone id`, { code: 'init/domain', fix: `e.g. Z0123456789ABCDEFGHIJ (aws route53 list-hosted-zones-by-name --dns-name ${zone})` });
  }
}

interface PlannedFile {
  readonly path: string;
  readonly content: string;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** The flags' rules, in order: the first one broken is the error. */
const FLAG_RULES: readonly ((flags: InitFlags) => BeanstackError | undefined)[] = [
  (flags) => (flags.account === undefined || !/^\d{12}$/.test(flags.account)
    ? new BeanstackError(flags.account === undefined ? '--account is required: the stack deploys to one AWS account, and synth must not need credentials to find it' : `--account ${flags.account}: not a 12-digit AWS account id`, {
      code: 'init/account',
      fix: 'pass --account 111122223333 (aws sts get-caller-identity --query Account --output text prints yours)',
    })
    : undefined),
  (flags) => (flags.region === undefined || !REGION.test(flags.region)
    ? new BeanstackError(flags.region === undefined ? '--region is required: the region the stack deploys to' : `--region ${flags.region}: not an AWS region name`, { code: 'init/region', fix: 'e.g. --region eu-west-1' })
    : undefined),
  (flags) => {
    const stageProblem = stageNameProblem(flags.stage);
    return stageProblem === undefined ? undefined
      : new BeanstackError(`--stage ${flags.stage}: not a stage name`, { code: 'init/stage', fix: `${stageProblem.slice(stageProblem.indexOf('; ') + 2)}; e.g. --stage prod` });
  },
  (flags) => (flags.preset !== undefined && !isDeploymentStage(flags.preset)
    ? new BeanstackError(`--preset ${flags.preset}: not a preset`, { code: 'init/preset', fix: 'use --preset prod or --preset dev' })
    : undefined),
  (flags) => (flags.appName !== undefined && !/^[A-Za-z][A-Za-z0-9-]{0,40}$/.test(flags.appName)
    ? new BeanstackError(`--app-name ${flags.appName}: letters, digits and hyphens only, starting with a letter`, { code: 'init/app-name', fix: 'e.g. --app-name shop' })
    : undefined),
  (flags) => (flags.branch.length === 0 || /[\x00-\x1f]/.test(flags.branch)
    ? new BeanstackError(`--branch ${JSON.stringify(flags.branch)}: not a branch name`, { code: 'init/branch', fix: 'e.g. --branch main' })
    : undefined),
];

/** Checks the flags (FLAG_RULES, then the domain's); the account and region they name. */
function checkInitFlags(flags: InitFlags): { account: string; region: string } {
  for (const rule of FLAG_RULES) {
    const error = rule(flags);
    if (error) throw error;
  }
  checkDomainFlags(flags);
  return { account: flags.account!, region: flags.region! };
}

/** What init writes, rendered before anything is written, and what it found on the way. */
interface InitPlan {
  readonly files: PlannedFile[];
  readonly prodFile: string;
  readonly prodExists: boolean;
  readonly defaults: ReturnType<typeof detectDefaults>;
}

async function action(ctx: CliContext, flags: InitFlags): Promise<number> {
  const { account, region } = checkInitFlags(flags);
  const repository = detectRepository(ctx.cwd, ctx.env, flags.repository);
  if (repository !== undefined && !/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository)) {
    throw new BeanstackError(`--repository ${repository}: expected OWNER/NAME of a GitHub repository`, { code: 'init/repository', fix: 'e.g. --repository acme/shop' });
  }
  const plan = await planInit(ctx, flags, region);
  const outcome = writePlannedFiles(ctx, flags, plan.files);
  reportInit(ctx, flags, plan, outcome);
  ctx.stderr(nextSteps(ctx, flags, account, region, repository).join('\n') + '\n');
  return outcome.kept.length > 0 ? ExitCode.CHANGED : ExitCode.OK;
}

/** Loads the compose files and renders every file init writes: cdk.json, .gitignore, the prod override, the workflows. */
async function planInit(ctx: CliContext, flags: InitFlags, region: string): Promise<InitPlan> {
  const { loadProject } = await import('../../lib/compose');
  const { nodeFileReader } = await import('../../lib/io/node-reader');
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
  const appName = flags.appName ?? (project.name.replace(/[^A-Za-z0-9-]/g, '-').replace(/^[^A-Za-z]+/, '') || 'app');
  const cdkJson = cdkJsonFor(ctx, flags, appName, composeFiles);
  const dir = packageDir('templates/init');
  const read = (rel: string): string => fs.readFileSync(path.join(dir, rel), 'utf8');
  const files: PlannedFile[] = [{ path: 'cdk.json', content: `${JSON.stringify(cdkJson, null, 2)}\n` }];
  const gitignorePath = path.join(ctx.cwd, '.gitignore');
  const gitignore = mergeGitignore(fs.existsSync(gitignorePath) ? fs.readFileSync(gitignorePath, 'utf8') : undefined);
  if (gitignore !== undefined) files.push({ path: '.gitignore', content: gitignore });
  const defaults = detectDefaults(project);
  if (!prodExists || flags.force) {
    files.push({ path: prodFile, content: fill(read('docker-compose.prod.yml.tpl'), { firstCompose: candidates[0], xBeanstack: { raw: defaults.text } }) });
  }
  const values = { stage: flags.stage, branch: flags.branch, region };
  if (flags.workflows) {
    files.push({ path: '.github/workflows/beanstack-review.yml', content: fill(read('.github/workflows/beanstack-review.yml.tpl'), values) });
    files.push({ path: '.github/workflows/beanstack-deploy.yml', content: fill(read('.github/workflows/beanstack-deploy.yml.tpl'), values) });
  }
  return { files, prodFile, prodExists, defaults };
}

/** The project's cdk.json: the app command and the context synth reads. */
function cdkJsonFor(ctx: CliContext, flags: InitFlags, appName: string, composeFiles: readonly string[]): Record<string, unknown> {
  return {
    app: 'npx beanstack app',
    context: {
      account: flags.account,
      region: flags.region,
      appName,
      compose: composeFiles.join(','),
      // the prod stage serves HTTPS with a certificate; without one, plain HTTP is the explicit,
      // warned choice written here (remove it when certificateArn is set)
      ...(flags.certificateArn ? { certificateArn: flags.certificateArn } : flags.domain ? {} : { allowHttp: true }),
      // the prod stage's own name (a certificate validated by DNS, alias records): prod only, dev keeps its Beanstalk URL
      ...(flags.domain ? { domain: { prod: flags.domain }, hostedZoneId: normalizeHostedZoneId(flags.hostedZoneId!), hostedZoneName: flags.hostedZoneName!.replace(/\.$/, '') } : {}),
      // a stage other than dev/prod (or with another preset) gets its entry (docs/stages.md)
      ...(flags.preset !== undefined || !isDeploymentStage(flags.stage) ? { beanstack: { stages: { [flags.stage]: { preset: flags.preset ?? defaultPreset(flags.stage) } } } } : {}),
      '@aws-cdk/core:validateAgainstDefaultRules': true,
      ...recommendedFlags(ctx.cwd),
    },
  };
}

/**
 * Writes the planned files (each atomically; nothing with --dry-run): a file with the same content is
 * up to date, one with other content is kept unless --force (.gitignore is only ever appended to).
 */
function writePlannedFiles(ctx: CliContext, flags: InitFlags, files: readonly PlannedFile[]): { written: string[]; same: string[]; kept: string[] } {
  const written: string[] = [];
  const same: string[] = [];
  const kept: string[] = [];
  for (const f of files) {
    const abs = path.join(ctx.cwd, f.path);
    // .gitignore is only ever appended to: its new content keeps every existing line
    if (fs.existsSync(abs) && f.path !== '.gitignore') {
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
  return { written, same, kept };
}

/** What was written, kept or up to date, and what was detected. */
function reportInit(ctx: CliContext, flags: InitFlags, plan: InitPlan, { written, same, kept }: { written: string[]; same: string[]; kept: string[] }): void {
  const verb = flags.dryRun ? 'would write' : 'wrote';
  for (const p of written) ctx.stderr(`${verb} ${p}\n`);
  for (const p of same) ctx.stderr(`${p} is up to date\n`);
  for (const p of kept) ctx.stderr(`kept ${p}: it exists and differs (use --force to overwrite)\n`);
  if (plan.prodExists && !flags.force) ctx.stderr(`kept ${plan.prodFile}: it exists; x-beanstack fields are documented in ${docsPath('x-beanstack.md', ctx.cwd)}\n`);
  if (!flags.certificateArn && !flags.domain) {
    ctx.stderr('note: no --domain or --certificate-arn: cdk.json sets allowHttp, so the prod stage serves plain HTTP (every synth warns); rerun with --domain shop.example.com --hosted-zone-id Z… --hosted-zone-name example.com (or set context certificateArn) and remove allowHttp to serve HTTPS\n');
  }
  if (plan.defaults.web) ctx.stderr(`detected web service: ${plan.defaults.web}\n`);
  if (plan.defaults.database) ctx.stderr(`detected database service: ${plan.defaults.database} (replaced by Amazon RDS)\n`);
}

/** The next steps: synth, review, bootstrap, and with the workflows the OIDC role to create. */
function nextSteps(ctx: CliContext, flags: InitFlags, account: string, region: string, repository: string | undefined): string[] {
  const lines = [
    '',
    'next steps:',
    '  npx cdk synth                               # the dev stage, offline: no AWS credentials needed',
    '  npx beanstack diff --base-ref origin/main   # review a change offline',
    `  npx cdk bootstrap aws://${account}/${region}   # once per account and region, with credentials`,
  ];
  if (flags.workflows) {
    const repo = repository ?? 'OWNER/REPOSITORY';
    lines.push(
      '',
      `the deploy workflow runs in the GitHub environment "${flags.stage}" and assumes an IAM role through GitHub's OIDC provider:`,
      `  1. in AWS account ${account}, add the identity provider token.actions.githubusercontent.com (audience sts.amazonaws.com) once`,
      `  2. create a role with this trust policy${repository === undefined ? ' (no GitHub repository found: replace OWNER/REPOSITORY, or rerun with --repository OWNER/NAME)' : ''} and the permissions of ${docsPath('iam/deploy-policy.json', ctx.cwd)}:`,
      ...JSON.stringify(trustPolicy(account, repo, flags.stage), null, 2).split('\n').map((l) => `     ${l}`),
      '  3. store the role ARN as the repository variable AWS_DEPLOY_ROLE_ARN',
      `  4. protect the environment: GitHub → Settings → Environments → ${flags.stage}: required reviewers, and deployment branches limited to ${JSON.stringify(flags.branch)}`,
      '     (the trust policy trusts any job of this repository that runs in that environment)',
    );
  }
  return lines;
}

export const registerInit: RegisterCommand = (program, ctx, wrap) => {
  program
    .command('init')
    .description('add beanstack to a project: cdk.json, .gitignore entries, x-beanstack defaults, GitHub workflows')
    .option('-f, --file <file>', 'compose file (repeatable; default: compose.yaml / docker-compose.yml)', collect, [])
    .option('--account <id>', 'AWS account id the stack deploys to (required; synth needs no credentials)')
    .option('--region <region>', 'AWS region the stack deploys to (required)')
    .option('--app-name <name>', 'application name (default: the compose project name)')
    .option('--certificate-arn <arn>', 'ACM certificate of your domain: the prod stage serves HTTPS (without it or --domain, cdk.json sets allowHttp)')
    .option('--domain <name>', 'the prod stage\'s own name, e.g. shop.example.com: certificate validated by DNS, HTTPS, alias records (needs --hosted-zone-id and --hosted-zone-name)')
    .option('--hosted-zone-id <id>', 'Route 53 public hosted zone of --domain (aws route53 list-hosted-zones-by-name --dns-name example.com)')
    .option('--hosted-zone-name <zone>', 'name of that hosted zone, e.g. example.com')
    .option('--stage <stage>', 'stage the workflows review and deploy (dev, prod or another name such as staging)', 'prod')
    .option('--preset <preset>', 'the stage\'s preset, dev | prod (default: the stage itself when dev or prod, else dev); written to cdk.json beanstack.stages')
    .option('--branch <branch>', 'branch whose pushes deploy', 'main')
    .option('--repository <owner/name>', 'GitHub repository, for the IAM trust policy (default: GITHUB_REPOSITORY or the origin remote)')
    .option('--no-workflows', 'do not write .github/workflows')
    .option('--force', 'overwrite existing files')
    .option('--dry-run', 'list what would be written, write nothing')
    .action(wrap((flags: InitFlags) => action(ctx, flags)));
};
