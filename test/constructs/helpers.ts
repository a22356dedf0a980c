/**
 * Shared helpers of the construct tests: an app configured like `bin/app.ts` (built-in template
 * checks as errors, cdk-nag AwsSolutions as a validation plugin), synthesized into a temp directory.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';

export const TEST_ENV = { account: '123456789012', region: 'eu-west-1' };

export interface Violation {
  readonly plugin: string;
  readonly ruleName: string;
  readonly paths: readonly string[];
}

export interface Synthesized {
  readonly app: App;
  readonly stack: Stack;
  readonly template: Template;
  readonly json: { Resources: Record<string, { Type: string; Properties?: any; DeletionPolicy?: string; UpdateReplacePolicy?: string }>; Outputs?: Record<string, any> };
  readonly outdir: string;
  /** Every finding of every validation plugin (cdk-nag and aws-cdk-lib's own checks). */
  readonly violations: readonly Violation[];
  /** The synth error, when validation failed. */
  readonly error?: Error;
}

export function newApp(outdir?: string): App {
  const app = new App({
    outdir: outdir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-constructs-')),
    context: { '@aws-cdk/core:validateAgainstDefaultRules': true },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return app;
}

/** Builds a stack with `build`, synthesizes the app (validation included) and reads the report. */
export function synth(build: (stack: Stack) => void, options: { env?: { account: string; region: string } | null } = {}): Synthesized {
  const app = newApp();
  const stack = new Stack(app, 'TestStack', options.env === null ? {} : { env: options.env ?? TEST_ENV });
  build(stack);
  let error: Error | undefined;
  try {
    app.synth();
  } catch (e) {
    error = e as Error;
  }
  const outdir = app.outdir;
  const violations = readViolations(outdir);
  const templateFile = path.join(outdir, `${stack.artifactId}.template.json`);
  const json = JSON.parse(fs.readFileSync(templateFile, 'utf8'));
  return { app, stack, template: Template.fromJSON(json), json, outdir, violations, error };
}

export function readViolations(outdir: string): Violation[] {
  const file = path.join(outdir, 'validation-report.json');
  if (!fs.existsSync(file)) return [];
  const report = JSON.parse(fs.readFileSync(file, 'utf8'));
  const out: Violation[] = [];
  for (const plugin of report.pluginReports ?? []) {
    for (const v of plugin.violations ?? []) {
      out.push({
        plugin: plugin.pluginName ?? '?',
        ruleName: v.ruleName,
        paths: (v.violatingConstructs ?? []).map((c: { constructPath?: string }) => c.constructPath ?? '?'),
      });
    }
  }
  return out;
}

/** The option settings of the only Elastic Beanstalk environment, as `namespace/OptionName` → value. */
export function optionSettings(s: Synthesized): Record<string, unknown> {
  const envs = Object.values(s.json.Resources).filter((r) => r.Type === 'AWS::ElasticBeanstalk::Environment');
  expect(envs).toHaveLength(1);
  const out: Record<string, unknown> = {};
  for (const o of envs[0].Properties.OptionSettings) out[`${o.Namespace}/${o.OptionName}`] = o.Value;
  return out;
}

export function resourcesOfType(s: Synthesized, type: string): Array<[string, any]> {
  return Object.entries(s.json.Resources).filter(([, r]) => r.Type === type);
}

/** A minimal bundle directory (a Dockerrun v2 with one container). */
export function bundleDir(extraFiles: readonly { path: string; content: string }[] = []): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-bundle-'));
  for (const f of extraFiles) {
    fs.mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
    fs.writeFileSync(path.join(dir, f.path), f.content);
  }
  fs.writeFileSync(path.join(dir, 'Dockerrun.aws.json'), JSON.stringify({
    AWSEBDockerrunVersion: 2,
    containerDefinitions: [{ name: 'web', image: 'nginx:1.27', essential: true, memory: 128, portMappings: [{ hostPort: 80, containerPort: 80 }] }],
  }, null, 2) + '\n');
  return dir;
}

/** All files below `dir`, recursively. */
export function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(p));
    else if (entry.isFile()) out.push(p);
  }
  return out;
}
