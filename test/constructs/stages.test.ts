/**
 * Stages side by side: three stages of the README's example (dev, staging — the prod preset and
 * t3.micro from this repository's cdk.json — and prod) synthesized into ONE cloud assembly (one App,
 * three stacks, one account and region): zero physical-name collisions across the templates, zero
 * cdk-nag / template-check findings, each stage's preset reaching the template; the collision guard,
 * stage-name validation and the cdk.json per-stage settings.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { BeanstackApp, createBeanstackApp, readSettings } from '../../bin/app';
import { resolveStage } from '../../bin/stage-settings';
import { ComposeApplication } from '../../constructs/compose-application';
import { defaultPreset, stageNameProblem, STAGE_NAME_MAX_LENGTH } from '../../constructs/stage';
import type { ComposeProject } from '../../lib/compose/model';
import { BeanstackError, isUserError } from '../../lib/errors';
import { NAME_PROPERTIES } from '../../lib/review/classify';
import { stageOfTags } from '../../lib/review/stage';
import { loadAssembly, renderMarkdown, reviewAssemblies, templatesAssembly } from '../../lib/review';
import { nodeAssemblyReader } from '../../bin/commands/diff';
import { readViolations, TEST_ENV } from './helpers';

const ROOT = path.resolve(__dirname, '..', '..');
const STAGES = ['dev', 'staging', 'prod'] as const;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** cdk.json's and cdk.context.json's context, as the CDK CLI passes them. */
function cliContext(): Json {
  return { ...JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')).context, ...JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.context.json'), 'utf8')) };
}

/** Name properties beyond the review's table that must not collide either. */
const EXTRA_NAME_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  'AWS::SSM::Parameter': ['Name'],
  'AWS::SNS::Topic': ['TopicName'],
  'AWS::Route53::RecordSet': ['Name'],
  'AWS::CloudWatch::Alarm': ['AlarmName'],
  'AWS::Budgets::Budget': ['Budget.BudgetName'],
};

/** Every explicit physical name of a template: `type.property = value` (exports as `Export.Name`). */
function physicalNames(template: Json): string[] {
  const out: string[] = [];
  for (const r of Object.values(template.Resources ?? {}) as Json[]) {
    for (const prop of [...(NAME_PROPERTIES[r.Type] ?? []), ...(EXTRA_NAME_PROPERTIES[r.Type] ?? [])]) {
      const v = prop.split('.').reduce((o: any, k) => o?.[k], r.Properties); // eslint-disable-line @typescript-eslint/no-explicit-any
      if (v !== undefined) out.push(`${r.Type}.${prop} = ${typeof v === 'string' ? v : JSON.stringify(v)}`);
    }
  }
  for (const o of Object.values(template.Outputs ?? {}) as Json[]) {
    if (o.Export?.Name !== undefined) out.push(`Export.Name = ${JSON.stringify(o.Export.Name)}`);
  }
  return out;
}

describe('three stages of the example in one assembly', () => {
  let app: App;
  let built: Record<string, BeanstackApp>;
  let templates: Record<string, Json>;
  let synthError: unknown;

  beforeAll(() => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-stages-'));
    const context = cliContext();
    built = {};
    // the first call makes the App (with cdk-nag); the others add their stack to it
    // (the example has no certificate: stages with the prod preset serve HTTP knowingly, as bin/example.ts does)
    for (const stage of STAGES) {
      built[stage] = createBeanstackApp({ cwd: ROOT, env: {}, context: { ...context, stage, ...(stage === 'dev' ? {} : { allowHttp: true }) }, outdir, ...(built.dev ? { app: built.dev.app } : {}) });
    }
    app = built.dev.app;
    try {
      app.synth();
    } catch (e) {
      synthError = e;
    }
    templates = Object.fromEntries(STAGES.map((s) => [s, JSON.parse(fs.readFileSync(path.join(app.outdir, built[s].stack.templateFile), 'utf8'))]));
  });

  test('one App, three stacks named <app>-<stage>', () => {
    expect(new Set(STAGES.map((s) => built[s].app)).size).toBe(1);
    expect(STAGES.map((s) => built[s].stack.stackName)).toEqual(['fullstack-dev', 'fullstack-staging', 'fullstack-prod']);
    const manifest = JSON.parse(fs.readFileSync(path.join(app.outdir, 'manifest.json'), 'utf8'));
    expect(Object.values(manifest.artifacts).filter((a: any) => a.type === 'aws:cloudformation:stack')).toHaveLength(3); // eslint-disable-line @typescript-eslint/no-explicit-any
  });

  test('zero cdk-nag and template-check findings across the three stacks', () => {
    expect(synthError).toBeUndefined();
    expect(readViolations(app.outdir)).toEqual([]);
  });

  test('zero physical-name collisions: every explicit name of every template is distinct', () => {
    const names = STAGES.flatMap((s) => physicalNames(templates[s]).map((n) => ({ stage: s, n })));
    // the test can fail: each stage fixes its Beanstalk application and environment name and its task role name
    for (const s of STAGES) {
      expect(names.filter((x) => x.stage === s).map((x) => x.n)).toEqual(expect.arrayContaining([
        `AWS::ElasticBeanstalk::Application.ApplicationName = fullstack-${s}`,
        `AWS::ElasticBeanstalk::Environment.EnvironmentName = fullstack-${s}`,
        expect.stringMatching(new RegExp(`^AWS::IAM::Role\\.RoleName = fullstack-${s}-eu-west-1-ecs-task-execution$`)),
      ]));
    }
    const seen = new Map<string, string>();
    const collisions: string[] = [];
    for (const { stage, n } of names) {
      const key = n.toLowerCase();
      if (seen.has(key) && seen.get(key) !== stage) collisions.push(`${n} (${seen.get(key)} and ${stage})`);
      seen.set(key, stage);
    }
    expect(collisions).toEqual([]);
  });

  test('secrets have no fixed names: CloudFormation names each per stack', () => {
    for (const s of STAGES) {
      const secrets = Object.values(Template.fromJSON(templates[s]).findResources('AWS::SecretsManager::Secret')) as Json[];
      expect(secrets.length).toBeGreaterThan(0);
      for (const secret of secrets) expect(secret.Properties.Name).toBeUndefined();
    }
  });

  test('each stage gets its preset: dev single instance, staging and prod load balanced and Multi-AZ', () => {
    const envType = (s: string) => Template.fromJSON(templates[s]).findResources('AWS::ElasticBeanstalk::Environment');
    const option = (s: string, ns: string, name: string) => (Object.values(envType(s))[0] as Json).Properties.OptionSettings.find((o: Json) => o.Namespace === ns && o.OptionName === name)?.Value;
    expect(STAGES.map((s) => option(s, 'aws:elasticbeanstalk:environment', 'EnvironmentType'))).toEqual(['SingleInstance', 'LoadBalanced', 'LoadBalanced']);
    expect(STAGES.map((s) => option(s, 'aws:elasticbeanstalk:command', 'DeploymentPolicy'))).toEqual(['AllAtOnce', 'Immutable', 'Immutable']);
    // staging's own instance type from cdk.json (beanstack.stages.staging.instanceTypes)
    expect(STAGES.map((s) => option(s, 'aws:ec2:instances', 'InstanceTypes'))).toEqual(['t3.small', 't3.micro', 't3.small']);
    for (const [s, multiAz, protect] of [['dev', false, false], ['staging', true, true], ['prod', true, true]] as const) {
      Template.fromJSON(templates[s]).hasResourceProperties('AWS::RDS::DBInstance', { MultiAZ: multiAz, DeletionProtection: protect });
    }
    expect(STAGES.map((s) => [built[s].stack.application.stageName, built[s].stack.application.preset])).toEqual([['dev', 'dev'], ['staging', 'prod'], ['prod', 'prod']]);
  });

  test('the stacks say which stage they are (stack tags the review and preflight read)', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(app.outdir, 'manifest.json'), 'utf8'));
    expect(STAGES.map((s) => stageOfTags(`fullstack-${s}`, manifest.artifacts[`fullstack-${s}`].properties.tags))).toEqual([
      { stack: 'fullstack-dev', stage: 'dev', preset: 'dev' },
      { stack: 'fullstack-staging', stage: 'staging', preset: 'prod' },
      { stack: 'fullstack-prod', stage: 'prod', preset: 'prod' },
    ]);
    // dev and prod keep exactly the tags they had: no preset tag where the preset is the stage's name
    expect(manifest.artifacts['fullstack-dev'].properties.tags).toEqual({ 'beanstack:app': 'fullstack', 'beanstack:stage': 'dev' });
    expect(manifest.artifacts['fullstack-staging'].properties.tags).toEqual({ 'beanstack:app': 'fullstack', 'beanstack:stage': 'staging', 'beanstack:preset': 'prod' });
  });

  test('the review of the assembly names each stack\'s stage in its header', () => {
    const head = loadAssembly(app.outdir, nodeAssemblyReader);
    const { result } = reviewAssemblies({ base: templatesAssembly('base', [], { findings: [] }), head, reader: nodeAssemblyReader });
    expect(result.stages).toEqual([
      { stack: 'fullstack-dev', stage: 'dev', preset: 'dev' },
      { stack: 'fullstack-prod', stage: 'prod', preset: 'prod' },
      { stack: 'fullstack-staging', stage: 'staging', preset: 'prod' },
    ]);
    expect(renderMarkdown(result)).toContain('<br>Reviewing stage dev, stack fullstack-dev; stage prod, stack fullstack-prod; stage staging &#40;prod preset&#41;, stack fullstack-staging');
  });
});

describe('the collision guard', () => {
  test('two stages with the same CNAME prefix in one region are refused at synth, naming both stacks and the fix', () => {
    const first = createBeanstackApp({ cwd: ROOT, env: {}, context: { ...cliContext(), stage: 'dev', cnamePrefix: 'fullstack-shop' }, outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-stages-')) });
    let err: unknown;
    try {
      createBeanstackApp({ cwd: ROOT, env: {}, context: { ...cliContext(), stage: 'qa', preset: 'dev', cnamePrefix: 'fullstack-shop' }, app: first.app });
    } catch (e) {
      err = e;
    }
    expect(isUserError(err)).toBe(true);
    expect(err).toMatchObject({ code: 'constructs/name-collision', message: expect.stringMatching(/CNAME prefix 'fullstack-shop' of stack fullstack-qa is already used by stack fullstack-dev/) });
    expect((err as BeanstackError).fix).toMatch(/"stages": \{ "qa": \{ "cnamePrefix": "fullstack-qa" \} \}/);
  });

  test('the same stage twice (another stack id) collides on the environment name', () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-stages-')) });
    const project = createBeanstackApp({ cwd: ROOT, env: {}, context: { ...cliContext(), stage: 'qa', preset: 'dev' }, app }).project;
    expect(() => new ComposeApplication(new Stack(app, 'Other', { env: TEST_ENV }), 'App', { project, stage: 'qa', preset: 'dev' }))
      .toThrow(/Beanstalk application and environment name 'fullstack-qa' of stack Other is already used by stack fullstack-qa/);
  });
});

describe('a third stage as a construct prop (aws-cdk-lib/assertions)', () => {
  let project: ComposeProject;
  beforeAll(() => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-stages-')) });
    project = createBeanstackApp({ cwd: ROOT, env: {}, context: { ...cliContext(), stage: 'dev' }, app }).project;
  });
  const build = (props: Json) => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-stages-')) });
    const stack = new Stack(app, 'S', { env: TEST_ENV });
    const application = new ComposeApplication(stack, 'App', { project, ...props });
    return { application, template: Template.fromStack(stack) };
  };

  test('stage pr-42 with the default preset: dev sizing, named after the stage, warned about', () => {
    const { application, template } = build({ stage: 'pr-42' });
    expect([application.stageName, application.preset, application.environmentName]).toEqual(['pr-42', 'dev', 'fullstack-pr-42']);
    template.hasResourceProperties('AWS::ElasticBeanstalk::Environment', {
      EnvironmentName: 'fullstack-pr-42',
      OptionSettings: Match.arrayWith([{ Namespace: 'aws:elasticbeanstalk:environment', OptionName: 'EnvironmentType', Value: 'SingleInstance' }]),
    });
    template.hasResourceProperties('AWS::RDS::DBInstance', { MultiAZ: false, DBInstanceClass: 'db.t4g.micro' });
    template.hasResourceProperties('AWS::IAM::Role', { RoleName: 'fullstack-pr-42-eu-west-1-ecs-task-execution' });
    expect(application.warnings.find((w) => w.code === 'constructs/stage-preset')?.message).toMatch(/stage 'pr-42' has no preset, so it uses the dev preset/);
  });

  test('stage uat with preset prod: prod sizing under the stage\'s own names, no preset warning', () => {
    const { application, template } = build({ stage: 'uat', preset: 'prod', allowHttp: true });
    expect(application.environmentName).toBe('fullstack-uat');
    template.hasResourceProperties('AWS::RDS::DBInstance', { MultiAZ: true, DeletionProtection: true, DBInstanceClass: 'db.t4g.medium' });
    template.hasResourceProperties('AWS::ElasticBeanstalk::Environment', {
      OptionSettings: Match.arrayWith([{ Namespace: 'aws:elasticbeanstalk:command', OptionName: 'DeploymentPolicy', Value: 'Immutable' }]),
    });
    expect(application.warnings.map((w) => w.code)).not.toContain('constructs/stage-preset');
  });

  test.each([
    [{ stage: 'Staging' }, /prop `stage` is 'Staging'$/],
    [{ stage: 'a'.repeat(STAGE_NAME_MAX_LENGTH + 1) }, /25 characters long/],
    [{ stage: 'qa', preset: 'production' }, /prop `preset` is 'production', not one of the allowed values/],
    [{ stage: 'a-very-long-stage-name-x', appName: 'a-long-application-name' }, /environment name 'a-long-application-name-a-very-long-stage-name-x' \(`appName`-`stage`\) must be 4 to 40/],
  ])('refuses %j', (props, message) => {
    expect(() => build(props)).toThrow(message);
  });
});

describe('stage names and presets', () => {
  test('names: lowercase letters, digits and hyphens, a letter first, at most 24 characters', () => {
    for (const ok of ['dev', 'prod', 'staging', 'pr-42', 'a', 'x'.repeat(24)]) expect(stageNameProblem(ok)).toBeUndefined();
    for (const bad of ['', 'Dev', '42', 'pr_42', 'qa-', '-qa', 'x'.repeat(25), 'stäging']) expect(stageNameProblem(bad)).toMatch(/; use lowercase letters/);
  });

  test('the default preset is the stage itself for dev and prod, else dev', () => {
    expect(['dev', 'prod', 'staging', 'production'].map(defaultPreset)).toEqual(['dev', 'prod', 'dev', 'dev']);
  });
});

describe('per-stage settings in cdk.json (beanstack.stages)', () => {
  const stages = { staging: { preset: 'prod', instanceTypes: 't3.micro', cnamePrefix: 'shop-staging', allowHttp: true, env: { LOG_LEVEL: 'info' } }, qa: { compose: ['a.yml', 'b.yml'] } };

  test('the stage\'s entry is applied over the flat keys; a shadowed key is warned about', () => {
    const r = resolveStage({ stage: 'staging', instanceTypes: 't3.large', beanstack: { stages } });
    expect(r).toMatchObject({ stage: 'staging', preset: 'prod', effectivePreset: 'prod', declaredStages: ['qa', 'staging'] });
    expect(r.context).toMatchObject({ instanceTypes: 't3.micro', cnamePrefix: 'shop-staging', allowHttp: true, 'env.LOG_LEVEL': 'info', preset: 'prod' });
    expect(r.notes).toEqual(['cdk.json context beanstack.stages.staging.instanceTypes ("t3.micro") is used instead of the context value instanceTypes="t3.large"; remove one of them to silence this']);
    const settings = readSettings({ stage: 'staging', compose: 'x.yml', beanstack: { stages } }, {});
    expect(settings).toMatchObject({ stage: 'staging', preset: 'prod', effectivePreset: 'prod', instanceTypes: 't3.micro', cnamePrefix: 'shop-staging', allowHttp: true, environmentVariables: { LOG_LEVEL: 'info' } });
    expect(readSettings({ stage: 'qa', beanstack: { stages } }, {}).composeFiles).toEqual(['a.yml', 'b.yml']);
  });

  test('-c preset, the default preset, and a stage without an entry', () => {
    expect(resolveStage({ stage: 'qa', preset: 'prod' })).toMatchObject({ preset: 'prod', effectivePreset: 'prod', notes: [] });
    expect(resolveStage({})).toMatchObject({ stage: 'dev', effectivePreset: 'dev' });
    expect(resolveStage({ stage: 'prod' }).preset).toBeUndefined();
    expect(resolveStage({ stage: 'stagign', beanstack: { stages } }).notes).toEqual([expect.stringMatching(/stage 'stagign' has no entry in cdk.json context beanstack.stages \(declared: qa, staging\)/)]);
    // JSON text, as -c beanstack='{...}' passes it
    expect(resolveStage({ stage: 'staging', beanstack: JSON.stringify({ stages }) }).preset).toBe('prod');
  });

  test.each([
    [{ stage: 'Prod' }, 'app/stage', /context stage is 'Prod'/, /lowercase letters/],
    [{ preset: 'production' }, 'app/preset', /context preset 'production' is not a preset/, /-c preset=prod/],
    [{ beanstack: { stages: { staging: { instanceType: 't3.small' } } } }, 'app/stage-config', /^cdk.json context beanstack.stages.staging.instanceType is not a setting of a stage$/, /did you mean instanceTypes\?/],
    [{ beanstack: { stages: { staging: { preset: 'production' } } } }, 'app/stage-config', /beanstack.stages.staging.preset is "production", not a preset/, /"dev" or "prod"/],
    [{ beanstack: { stages: { staging: { allowHttp: 'yes' } } } }, 'app/stage-config', /beanstack.stages.staging.allowHttp is "yes", not true or false/, /"allowHttp": true/],
    [{ beanstack: { stages: { staging: { env: { A: { b: 1 } } } } } }, 'app/stage-config', /beanstack.stages.staging.env.A is \{"b":1\}, not a string/, /"A": "value"/],
    [{ beanstack: { stages: { Staging: {} } } }, 'app/stage-config', /beanstack.stages.Staging is not a valid stage name/, /lowercase letters/],
    [{ beanstack: { stage: {} } }, 'app/stage-config', /beanstack.stage is not a beanstack setting/, /"stages"/],
    [{ beanstack: '{nope' }, 'app/stage-config', /beanstack is text that is not JSON/, /cdk.json/],
    [{ beanstack: { stages: ['staging'] } }, 'app/stage-config', /beanstack.stages is \["staging"\], not an object/, /"stages": \{/],
  ])('refuses %j with the key path and a fix', (context, code, message, fix) => {
    let err: unknown;
    try {
      resolveStage(context);
    } catch (e) {
      err = e;
    }
    expect(isUserError(err)).toBe(true);
    expect(err).toMatchObject({ code, message: expect.stringMatching(message), fix: expect.stringMatching(fix) });
  });
});
