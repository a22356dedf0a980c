/**
 * `npm start`: synthesizes the README's example (examples/fullstack) offline — no AWS account, no
 * Docker engine — and prints what `cdk deploy` would deploy.
 *
 *   node dist/bin/example.js [--stage dev|prod|<name>] [--out <dir>]   (staging: cdk.json gives it the prod preset)
 *
 * Exit codes: 0 synthesized with zero validation findings; 1 validation findings (see
 * validation-report.json); 2 user error (bad compose file or flag); 3 internal error.
 */
import * as fs from 'fs';
import * as path from 'path';
import { failure } from './shared/failure';
import { createBeanstackApp, isValidationFailure } from './app';

/** Repository root (dist/bin/example.js → ../..). */
const ROOT = path.resolve(__dirname, '..', '..');

export interface ExampleResult {
  readonly exitCode: number;
  readonly output: string;
}

export function runExample(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, root = ROOT): ExampleResult {
  const lines: string[] = [];
  const out = (s = '') => lines.push(s);
  let stage = 'dev';
  let outdir = path.join(root, 'cdk.out');
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--stage' && argv[i + 1] !== undefined) stage = argv[++i];
    else if (argv[i] === '--out' && argv[i + 1] !== undefined) outdir = path.resolve(argv[++i]);
    else {
      return { exitCode: 2, output: `error: unknown argument ${argv[i]}\n  fix: node dist/bin/example.js [--stage dev|prod|<name>] [--out <dir>]\n` };
    }
  }
  const rel = (p: string) => path.relative(process.cwd(), p) || '.';
  try {
    const started = Date.now();
    // like the CDK CLI: the context of cdk.json and cdk.context.json (the example's AZs: no lookups)
    // the example's prod stage has a domain in a placeholder zone (docker-compose.prod.yml): HTTPS, no allowHttp;
    // other stages (staging has the prod preset in cdk.json) have no domain and serve plain HTTP knowingly (a warning says so)
    const context: Record<string, unknown> = { ...readJson(path.join(root, 'cdk.json'))?.context, ...readJson(path.join(root, 'cdk.context.json')), stage, ...(stage !== 'dev' && stage !== 'prod' ? { allowHttp: true } : {}) };
    const built = createBeanstackApp({ cwd: root, env, context, outdir });
    const { app, stack, settings } = built;
    const application = stack.application;
    let validationError: Error | undefined;
    try {
      app.synth();
    } catch (e) {
      if (!isValidationFailure(e)) throw e;
      validationError = e as Error;
    }
    const ms = Date.now() - started;
    const bundle = application.bundle;

    out(`beanstack example: ${settings.composeFiles.join(' + ')}`);
    out(`stack ${stack.stackName}: stage ${settings.stage}${application.preset !== settings.stage ? ` (preset ${application.preset})` : ''}, target ${bundle.target}, account ${stack.account}${settings.placeholderEnv ? ' (placeholder)' : ''}, region ${stack.region}`);
    out('');
    const containers = Object.entries(bundle.containers).sort(([a], [b]) => (a < b ? -1 : 1));
    out(`containers (${containers.length}): ${containers.map(([svc, name]) => (svc === name ? svc : `${svc} as ${name}`)).join(', ')}${bundle.webService ? `; web: ${bundle.webService}` : ''}`);
    out(`images to build at \`cdk deploy\` (${bundle.images.length}):`);
    for (const img of bundle.images) {
      out(`  ${img.service.padEnd(12)} ${rel(img.context)} (${img.dockerfile}${img.target ? `, target ${img.target}` : ''}, ${img.platform})`);
    }
    const dbs = Object.entries(application.databases);
    out(`databases replaced by Amazon RDS (${dbs.length}):`);
    for (const [svc, db] of dbs) {
      out(`  ${svc.padEnd(12)} ${db.engine} ${db.engineVersion}, database ${db.databaseName}, user ${db.username}; password generated into Secrets Manager`);
      const vars = bundle.databases.find((d) => d.service === svc)?.variables ?? [];
      if (vars.length > 0) out(`  ${''.padEnd(12)} sets ${vars.map((v) => `${v.service}.${v.name} (${v.role})`).join(', ')}`);
    }
    if (application.domain) {
      out(`domain: ${application.domain.url} (certificate validated by DNS, alias records A and AAAA in hosted zone ${application.domain.hostedZone.hostedZoneId} ${application.domain.hostedZone.zoneName}; a placeholder in the example: docs/domain.md)`);
    }
    const secrets = Object.keys(application.secrets);
    out(`secrets to fill after the first deploy (${secrets.length})${secrets.length > 0 ? `: ${secrets.join(', ')}` : ''}`);
    if (secrets.length > 0) {
      out(`  created with a RANDOM PLACEHOLDER value: the app runs with it until you set the real one`);
      out(`  (beanstack secrets set <NAME> < value-file, or the stack output FillSecret-<NAME>; docs/deploy.md "Application secrets")`);
    }
    const warnings = [...built.loadWarnings, ...application.warnings];
    out(`warnings (${warnings.length}):`);
    for (const w of warnings) {
      const where = w.location ? `${rel(w.location.file)}:${w.location.line}:${w.location.column}: ` : '';
      out(`  ${where}${w.message} [${w.code}]`);
    }
    out('');
    out(`bundle:     ${rel(application.bundleDirectory)}`);
    out(`template:   ${rel(path.join(app.outdir, stack.templateFile))}`);
    const report = path.join(app.outdir, 'validation-report.json');
    const findings = countFindings(report);
    out(`validation: ${rel(report)}: ${findings} finding(s) (cdk-nag AwsSolutions, aws-cdk-lib template checks)`);
    out(`synthesized in ${ms} ms`);
    if (settings.placeholderEnv) {
      out('');
      out(`to deploy to your account: npx cdk bootstrap, then npx cdk deploy${settings.stage === 'dev' ? '' : ` -c stage=${settings.stage}`} (docs/deploy.md)`);
    }
    if (validationError || findings > 0) {
      out('');
      out(`validation failed: ${findings} finding(s); see ${rel(report)}`);
      return { exitCode: 1, output: lines.join('\n') + '\n' };
    }
    return { exitCode: 0, output: lines.join('\n') + '\n' };
  } catch (e) {
    const { code, text } = failure(e, process.cwd());
    return { exitCode: code, output: `${code === 2 ? lines.map((l) => `${l}\n`).join('') : ''}${text}` };
  }
}

function readJson(file: string): Record<string, any> | undefined {
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : undefined;
}

function countFindings(report: string): number {
  if (!fs.existsSync(report)) return 0;
  const json = JSON.parse(fs.readFileSync(report, 'utf8'));
  return (json.pluginReports ?? []).reduce((n: number, p: { violations?: unknown[] }) => n + (p.violations?.length ?? 0), 0);
}

if (require.main === module) {
  const result = runExample(process.argv.slice(2), process.env);
  (result.exitCode === 0 ? process.stdout : process.stderr).write(result.output);
  process.exitCode = result.exitCode;
}
