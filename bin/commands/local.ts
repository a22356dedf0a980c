/**
 * `beanstack local`: rehearses the production bundle on the local Docker engine. Builds the images
 * as deploy would (tagged by content hash, so unchanged services are not rebuilt), optionally pushes
 * them to a registry and pulls them back, starts an RDS stand-in, runs the bundle (Dockerrun v2 as
 * the ECS platform does, or the production compose file as the Docker platform does), waits for the
 * load balancer's health check, streams the logs, and removes everything on Ctrl-C or `--down`.
 *
 * Exit codes: 0 stopped by Ctrl-C, detached while healthy, or `--down` done; 1 the app failed (an
 * essential container stopped, or the health check never passed); 2 bad input or flags, or no
 * Docker engine; 3 a bug in beanstack.
 */
import * as os from 'os';
import * as path from 'path';
import { randomBytes } from 'crypto';
import { Option } from 'commander';
import { ExitCode } from '../cli-context';
import type { CliContext } from '../cli-context';
import { BeanstackError } from '../../lib/errors';
import type { RegisterCommand } from './index';
import type { BundleDescription, Plan, RequiredSecret } from '../../lib/bundle';
import type { ComposeProject } from '../../lib/compose';
import type { Diagnostic } from '../../lib/errors';
import type { StandIn } from '../../lib/local/database';
import type { DockerCliEngine } from '../../lib/local/docker-cli';
import type { Rehearsal } from '../../lib/local/rehearsal';
import { addComposeOptions, ComposeFlags, loadOptionsFrom } from '../shared/compose-options';
import { collect } from '../shared/flags';

interface LocalFlags extends ComposeFlags {
  readonly target: 'ecs' | 'docker';
  readonly registry?: string;
  readonly dbImage: string[];
  readonly bind: string;
  readonly publish: string[];
  readonly secret: string[];
  readonly env: string[];
  readonly out?: string;
  readonly detach?: boolean;
  readonly down?: boolean;
  readonly rebuild?: boolean;
  readonly healthTimeout: string;
  readonly dbTimeout: string;
  readonly quiet?: boolean;
}

function flagError(flag: string, message: string, fix: string): BeanstackError {
  return new BeanstackError(`${flag}: ${message}`, { code: 'cli/local-flag', fix });
}

/** Parses `NAME=VALUE` flags. */
export function parsePairs(flag: string, values: readonly string[], example: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq <= 0) throw flagError(`${flag} ${v}`, 'expected NAME=VALUE', `write it like ${flag} ${example}`);
    out[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return out;
}

/** Parses `--publish 80=8080` (0 = a random free port). */
export function parsePublish(values: readonly string[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const v of values) {
    const m = /^(\d{1,5})=(\d{1,5})$/.exec(v);
    const from = m ? Number(m[1]) : NaN;
    const to = m ? Number(m[2]) : NaN;
    if (!m || from < 1 || from > 65535 || to > 65535) {
      throw flagError(`--publish ${v}`, 'expected BUNDLE_HOST_PORT=LOCAL_PORT', 'write it like --publish 80=8080 (0 picks a free port)');
    }
    out[from] = to;
  }
  return out;
}

function seconds(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw flagError(`${flag} ${value}`, 'expected a number of seconds', `write it like ${flag} 120`);
  return n * 1000;
}

/** Makes git ignore beanstack's own directory in the project (rehearsal bundles, never to be committed). */
function ignoreStateDirectory(fs: typeof import('fs'), dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, '.gitignore');
  if (!fs.existsSync(file)) fs.writeFileSync(file, '# written by beanstack: everything here is local state\n*\n');
}

function stamp(): string {
  return new Date().toISOString().slice(11, 19);
}

/** The flags' values, parsed and checked before anything runs. */
interface LocalSettings {
  readonly registry?: string;
  readonly publish: Record<number, number>;
  readonly secretFlags: Record<string, string>;
  readonly envFlags: Record<string, string>;
  /** `--db-image service=image`, by service. */
  readonly dbImages: Record<string, string>;
  /** `--db-image image`: every stand-in's. */
  readonly dbImageAll?: string;
  readonly healthTimeoutMs: number;
  readonly databaseTimeoutMs: number;
}

function parseLocalFlags(flags: LocalFlags): LocalSettings {
  const registry = flags.registry;
  if (registry !== undefined && !/^[A-Za-z0-9.-]+(:\d+)?(\/[a-z0-9._/-]+)?$/.test(registry)) {
    throw flagError(`--registry ${registry}`, 'expected HOST[:PORT][/PATH]', 'write it like --registry 127.0.0.1:5000');
  }
  const publish = parsePublish(flags.publish);
  const secretFlags = parsePairs('--secret', flags.secret, 'API_KEY=s3cret');
  const envFlags = parsePairs('--env', flags.env, 'FEATURE_FLAG=on');
  const dbImages: Record<string, string> = {};
  let dbImageAll: string | undefined;
  for (const v of flags.dbImage) {
    const eq = v.indexOf('=');
    if (eq > 0 && !v.slice(0, eq).includes(':') && !v.slice(0, eq).includes('/')) dbImages[v.slice(0, eq)] = v.slice(eq + 1);
    else dbImageAll = v;
  }
  return {
    registry,
    publish,
    secretFlags,
    envFlags,
    dbImages,
    dbImageAll,
    healthTimeoutMs: seconds('--health-timeout', flags.healthTimeout),
    databaseTimeoutMs: seconds('--db-timeout', flags.dbTimeout),
  };
}

type Say = (message: string) => void;

async function action(ctx: CliContext, flags: LocalFlags): Promise<number> {
  const { loadProject } = await import('../../lib/compose');
  const { nodeFileReader } = await import('../../lib/io/node-reader');
  const { DockerCliEngine } = await import('../../lib/local/docker-cli');
  const { checkMountPaths } = await import('../../lib/local/arguments');

  const say: Say = (m) => ctx.stderr(`[local ${stamp()}] ${m}\n`);
  const engine = new DockerCliEngine({ env: ctx.env });
  const settings = parseLocalFlags(flags);
  const loaded = loadProject(loadOptionsFrom(flags, ctx, nodeFileReader));
  const project = loaded.result;
  // paths that would be read as other fields of `docker --mount`: refused before anything runs
  if (!flags.down) checkMountPaths(project);
  const stateDir = path.join(os.tmpdir(), `beanstack-local-${project.name}`);
  if (flags.down) return tearDown(ctx, flags, engine, project, stateDir, say);

  // the engine first, so a missing engine is reported before anything else happens
  await engine.info();
  const plan = await planRehearsal(ctx, flags, project, loaded.warnings);
  const images = await buildRehearsalImages(ctx, flags, engine, plan, project, settings.registry, say);
  const { bundle, outDir } = await writeRehearsalBundle(ctx, flags, plan, images, project, say);
  const values = await injectedValues(ctx, bundle, project, settings);
  for (const s of values.standIns) {
    const vars = bundle.databases.find((d) => d.service === s.service)?.variables ?? [];
    say(`database ${s.service} → RDS stand-in; injecting ${vars.map((v) => `${v.name} (${v.role})`).join(', ') || 'no variables'} into every container, as Elastic Beanstalk passes environment properties and secrets`);
  }
  const rehearsal = await createRehearsal(ctx, flags, settings, { engine, project, stateDir, outDir, bundle, values, say });
  return superviseRehearsal(ctx, flags, engine, rehearsal, outDir, say);
}

/** `--down`: removes the containers, networks and volumes of the project's rehearsals, and their files. */
async function tearDown(ctx: CliContext, flags: LocalFlags, engine: DockerCliEngine, project: ComposeProject, stateDir: string, say: Say): Promise<number> {
  const fs = await import('fs');
  const { down, removeRehearsalFiles } = await import('../../lib/local/rehearsal');
  const removed = await down(engine, project.name);
  fs.rmSync(stateDir, { recursive: true, force: true });
  // the rehearsal's .env and compose file hold the stand-in's password and the secrets given with --secret
  const bundleDirs = flags.out ? [path.resolve(ctx.cwd, flags.out)] : (['ecs', 'docker'] as const).map((t) => path.join(project.projectDirectory, '.beanstack', 'local', t));
  for (const dir of bundleDirs) removeRehearsalFiles(dir);
  const all = [...removed.containers.map((c) => `container ${c}`), ...removed.networks.map((n) => `network ${n}`), ...removed.volumes.map((v) => `volume ${v}`)];
  say(all.length > 0 ? `removed ${all.join(', ')}` : `nothing of project ${project.name} was running`);
  return ExitCode.OK;
}

/** The plan of the target, once; the load and plan warnings printed unless `--quiet`. */
async function planRehearsal(ctx: CliContext, flags: LocalFlags, project: ComposeProject, loadWarnings: readonly Diagnostic[]): Promise<Plan> {
  const { planBundle } = await import('../../lib/bundle');
  const { nodeFileReader } = await import('../../lib/io/node-reader');
  const { withWarnings } = await import('../../lib/errors');
  const { formatWarnings } = await import('../shared/warnings');
  let plan: Plan;
  try {
    plan = planBundle(project, { target: flags.target, reader: nodeFileReader });
  } catch (e) {
    throw withWarnings(e, loadWarnings);
  }
  if (!flags.quiet) ctx.stderr(formatWarnings([...loadWarnings, ...plan.warnings], ctx.cwd));
  return plan;
}

/** Builds (and with `--registry` pushes) the images as deploy would; the image reference per service. */
async function buildRehearsalImages(ctx: CliContext, flags: LocalFlags, engine: DockerCliEngine, plan: Plan, project: ComposeProject, registry: string | undefined, say: Say): Promise<Record<string, string>> {
  const { buildImages } = await import('../../lib/local/images');
  say(`building ${plan.images.length} image${plan.images.length === 1 ? '' : 's'} as deploy would${registry ? ` and pushing to ${registry}` : ''}`);
  const builtStarted = Date.now();
  const built = await buildImages(engine, plan.images, {
    project: project.name,
    composeProject: project,
    ...(registry ? { registry } : {}),
    ...(flags.rebuild ? { force: true } : {}),
    onLine: (service, line) => {
      if (line.trim()) ctx.stderr(`  ${service} | ${line}\n`);
    },
  });
  const rebuilt = built.filter((b) => b.built).map((b) => b.service);
  say(`images ready in ${((Date.now() - builtStarted) / 1000).toFixed(1)} s (${rebuilt.length > 0 ? `built: ${rebuilt.join(', ')}` : 'all unchanged'}${rebuilt.length < built.length && rebuilt.length > 0 ? `; unchanged: ${built.filter((b) => !b.built).map((b) => b.service).join(', ')}` : ''})`);
  const images: Record<string, string> = {};
  for (const b of built) images[b.service] = b.ref;
  return images;
}

/** Renders the plan with the built images and writes the bundle (default: <project>/.beanstack/local/<target>). */
async function writeRehearsalBundle(ctx: CliContext, flags: LocalFlags, plan: Plan, images: Record<string, string>, project: ComposeProject, say: Say): Promise<{ bundle: BundleDescription; outDir: string }> {
  const fs = await import('fs');
  const { renderBundle } = await import('../../lib/bundle');
  const { result: bundle } = renderBundle(plan, { images });
  const outDir = path.resolve(ctx.cwd, flags.out ?? path.join(project.projectDirectory, '.beanstack', 'local', flags.target));
  if (!flags.out) ignoreStateDirectory(fs, path.join(project.projectDirectory, '.beanstack'));
  const { writeBundle } = await import('../../lib/io/write-bundle');
  writeBundle(bundle, outDir, { projectDirectory: project.projectDirectory, sourceFiles: project.composeFiles });
  const shownOut = path.relative(ctx.cwd, outDir).startsWith('..') ? outDir : path.relative(ctx.cwd, outDir) || '.';
  say(`bundle written to ${shownOut}/${bundle.files[0].path} (/var/app/current maps here)`);
  return { bundle, outDir };
}

/** What the stack would inject: the stand-ins' variables, the required variables and the secrets. */
interface InjectedValues {
  readonly standIns: StandIn[];
  readonly environmentProperties: Record<string, string>;
  readonly secretValues: Record<string, string>;
}

/** The values the stack would inject; refuses (listing them all) when some have no value here. */
async function injectedValues(ctx: CliContext, bundle: BundleDescription, project: ComposeProject, settings: LocalSettings): Promise<InjectedValues> {
  const { planStandIn, databaseEnvironment } = await import('../../lib/local/database');
  const { envFlags, secretFlags, dbImages, dbImageAll } = settings;
  const standIns = bundle.databases.map((db) => planStandIn(db, {
    project: project.name,
    containerPrefix: `beanstack-${project.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-`,
    ...(dbImages[db.service] ?? dbImageAll ? { image: dbImages[db.service] ?? dbImageAll } : {}),
  }));
  const environmentProperties: Record<string, string> = { ...databaseEnvironment(bundle.databases, standIns) };
  const missing: string[] = [];
  for (const v of bundle.requiredVariables ?? []) {
    const value = envFlags[v.name] ?? ctx.env[v.name];
    if (value === undefined) missing.push(`${v.name} (read by ${v.services.join(', ')}; pass --env ${v.name}=VALUE)`);
    else environmentProperties[v.name] = value;
  }
  for (const [k, v] of Object.entries(envFlags)) environmentProperties[k] = v;
  const secretValues: Record<string, string> = {};
  const secretValue = await secretReader(ctx, project, secretFlags);
  for (const s of bundle.secrets) {
    const value = secretValue(s);
    if (value === undefined) missing.push(`secret ${s.name} (read by ${s.services.join(', ')}; pass --secret ${s.name}=VALUE)`);
    else {
      secretValues[s.name] = value;
      environmentProperties[s.name] = value;
    }
  }
  for (const [k, v] of Object.entries(secretFlags)) secretValues[k] = v;
  if (missing.length > 0) {
    throw new BeanstackError('the deployed environment would provide values that beanstack local does not have', {
      code: 'local/missing-values',
      details: missing.map((message) => ({ message })),
      fix: 'pass each with --env NAME=VALUE or --secret NAME=VALUE (or set it in the environment of beanstack local)',
    });
  }
  return { standIns, environmentProperties, secretValues };
}

/** A secret's value: `--secret`, else the environment, else the compose secret's file (inside the project or --allow-read). */
async function secretReader(ctx: CliContext, project: ComposeProject, secretFlags: Readonly<Record<string, string>>): Promise<(s: RequiredSecret) => string | undefined> {
  const { nodeFileReader } = await import('../../lib/io/node-reader');
  const { ReadBoundary } = await import('../../lib/compose/boundary');
  const { readRegularFile } = await import('../../lib/io/regular-file');
  const boundary = new ReadBoundary(nodeFileReader, project.projectDirectory, [], project.allowRead ?? []);
  return (s) => {
    const value: string | undefined = secretFlags[s.name] ?? ctx.env[s.name];
    const file = s.composeSecret ? project.secrets[s.composeSecret]?.file : undefined;
    if (value !== undefined || !file) return value;
    // a secret file is the repository's to name: only inside the project (or --allow-read), only a regular file
    boundary.check(file, `secrets.${s.composeSecret}.file`, project.locations[`/secrets/${s.composeSecret}/file`]);
    return readRegularFile(file, 1024 * 1024)?.toString('utf8').replace(/\r?\n$/, '');
  };
}

/** The rehearsal of the written bundle: Dockerrun v2 as ECS runs it, or the compose file as the Docker platform does. */
async function createRehearsal(
  ctx: CliContext,
  flags: LocalFlags,
  settings: LocalSettings,
  run: { engine: DockerCliEngine; project: ComposeProject; stateDir: string; outDir: string; bundle: BundleDescription; values: InjectedValues; say: Say },
): Promise<Rehearsal> {
  const { Rehearsal } = await import('../../lib/local/rehearsal');
  const { bundle, values } = run;
  const mainFile = bundle.files[0];
  return new Rehearsal({
    engine: run.engine,
    project: run.project.name,
    runId: randomBytes(4).toString('hex'),
    target: flags.target,
    bundleDir: run.outDir,
    stateDir: run.stateDir,
    ...(flags.target === 'ecs' && 'content' in mainFile ? { dockerrun: JSON.parse(mainFile.content) } : {}),
    ...(flags.target === 'docker' ? { composeFile: mainFile.path } : {}),
    databases: bundle.databases,
    standIns: values.standIns,
    environmentProperties: values.environmentProperties,
    secretValues: values.secretValues,
    bindAddress: flags.bind,
    publish: settings.publish,
    ...(bundle.healthCheckPath ? { healthCheckPath: bundle.healthCheckPath } : {}),
    healthTimeoutMs: settings.healthTimeoutMs,
    databaseTimeoutMs: settings.databaseTimeoutMs,
    follow: !flags.detach,
    reporter: {
      step: run.say,
      containerLine: (container, line) => ctx.stdout(`${container.padEnd(12)} | ${line}\n`),
    },
  });
}

/**
 * Resolves on the first Ctrl-C (or SIGTERM), which stops and removes everything; a second one exits at
 * once, but not before the rehearsal files with passwords and secrets are gone (so does any other exit
 * of the process). `dispose` removes the handlers.
 */
async function interruptions(outDir: string): Promise<{ interrupted: Promise<'interrupt'>; dispose: () => void }> {
  const { removeRehearsalFiles } = await import('../../lib/local/rehearsal');
  let interrupt: (() => void) | undefined;
  const interrupted = new Promise<'interrupt'>((resolve) => {
    interrupt = () => resolve('interrupt');
  });
  let signals = 0;
  const removeSecretsNow = () => removeRehearsalFiles(outDir);
  const onSignal = () => {
    signals += 1;
    if (signals === 1) interrupt?.();
    else {
      removeSecretsNow();
      process.exit(130);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', removeSecretsNow);
  return {
    interrupted,
    dispose: () => {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      process.removeListener('exit', removeSecretsNow);
    },
  };
}

/** Starts the rehearsal and follows it until it fails, Ctrl-C, or (with `--detach`) it is healthy; the exit code. */
async function superviseRehearsal(ctx: CliContext, flags: LocalFlags, engine: DockerCliEngine, rehearsal: Rehearsal, outDir: string, say: Say): Promise<number> {
  const { interrupted, dispose } = await interruptions(outDir);
  const report = (): number => {
    const f = rehearsal.failureReport!;
    ctx.stderr(`\nthe app failed: ${f.reason}\n`);
    if (f.lastLines.length > 0) ctx.stderr(`last lines of ${f.container}:\n${f.lastLines.map((l) => `    ${l}`).join('\n')}\n`);
    return 1;
  };
  try {
    let started;
    try {
      started = await Promise.race([rehearsal.start(), interrupted]);
    } catch (e) {
      say('start failed; removing what was created');
      await rehearsal.stop();
      throw e;
    }
    if (started === 'interrupt') {
      say('interrupted; removing containers, networks and volumes');
      await rehearsal.stop();
      return ExitCode.OK;
    }
    if (!started.healthy) {
      const code = report();
      say('stopping the app and removing its containers, networks and volumes');
      await rehearsal.stop();
      return code;
    }
    const ports = Object.entries(started.ports).flatMap(([c, p]) => Object.entries(p).map(([k, v]) => `${c} ${k} → ${flags.bind}:${v}`));
    if (ports.length > 0) say(`published: ${ports.join(', ')}`);
    if (started.url) say(`the app answers at ${started.url}`);
    if (flags.detach) {
      say(`running detached; stop it with: ${downCommand(flags)}`);
      return ExitCode.OK;
    }
    say('streaming logs; press Ctrl-C to stop and remove everything');
    const outcome = await Promise.race([rehearsal.failed().then(() => 'failed' as const), interrupted]);
    if (outcome === 'failed') {
      const code = report();
      say('an essential container stopped, so the app stops (as on ECS); removing its containers, networks and volumes');
      await rehearsal.stop();
      return code;
    }
    say('stopping; removing containers, networks and volumes');
    await rehearsal.stop();
    return ExitCode.OK;
  } finally {
    engine.close();
    dispose();
  }
}

/** The `--down` command that stops a detached rehearsal of the same project. */
function downCommand(flags: LocalFlags): string {
  return ['beanstack local --down', ...(flags.file ?? []).map((f) => `-f ${f}`), ...(flags.projectName ? [`-p ${flags.projectName}`] : []), ...(flags.projectDirectory ? [`--project-directory ${flags.projectDirectory}`] : [])].join(' ');
}

export const registerLocal: RegisterCommand = (program, ctx, run) => {
  addComposeOptions(program.command('local').description('rehearse the production bundle on the local Docker engine: build the images as deploy would, start an RDS stand-in, run the containers as Elastic Beanstalk does, check health, stream logs'))
    .addOption(new Option('--target <target>', 'ecs = run Dockerrun v2 as the ECS platform does; docker = run the production compose file as the Docker platform does').choices(['ecs', 'docker']).default('ecs'))
    .option('--registry <host:port>', 'push the images to this registry and pull them back by the reference written into the bundle (the stand-in for ECR)')
    .option('--db-image <[service=]image>', 'image of the RDS stand-in (default: the compose service\'s image); repeatable per service', collect, [])
    .option('--bind <address>', 'host address to publish ports on', '127.0.0.1')
    .option('--publish <hostPort=localPort>', 'publish a bundle host port on another local port, e.g. 80=8080 (0 = a free port); repeatable', collect, [])
    .option('--secret <NAME=VALUE>', 'value of an environment secret the stack would provide; repeatable', collect, [])
    .option('--env <NAME=VALUE>', 'value of an environment property the stack would set; repeatable', collect, [])
    .option('-o, --out <dir>', 'bundle directory to write and run (default: <project>/.beanstack/local/<target>)')
    .option('-d, --detach', 'leave the app running once healthy (stop it with --down)')
    .option('--down', 'stop and remove everything a rehearsal of this project created')
    .option('--rebuild', 'build every image from scratch (no content-hash reuse, no layer cache)')
    .option('--health-timeout <seconds>', 'how long to wait for the health check', '120')
    .option('--db-timeout <seconds>', 'how long to wait for the database stand-in', '180')
    .option('-q, --quiet', 'do not print conversion warnings')
    .action(run(async (flags: LocalFlags) => action(ctx, flags)));
};
