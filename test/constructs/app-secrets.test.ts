/**
 * The contract between ComposeApplication and `beanstack secrets`: each application secret carries
 * the `beanstack:app-secret` tag naming its variable (how `secrets list` finds the secrets the stack
 * expects), the database secret does not, and the placeholder stays generated (never a fixed text).
 */
import { Stack } from 'aws-cdk-lib';
import { ComposeApplication } from '../../constructs/compose-application';
import { plannedAppSecrets } from '../../lib/aws/secrets';
import { APP_SECRET_TAG } from '../../lib/aws/secret-status';
import type { StackPlan } from '../../lib/aws/stack-plan';
import { fixtureProject } from './fixtures/project';
import { resourcesOfType, synth, Synthesized } from './helpers';

const build = (stage: 'dev' | 'prod') => (stack: Stack) => {
  new ComposeApplication(stack, 'App', { project: fixtureProject(), stage, ...(stage === 'prod' ? { allowHttp: true } : {}) });
};

describe.each(['dev', 'prod'] as const)('application secrets are tagged for beanstack secrets (%s)', (stage) => {
  let s: Synthesized;
  beforeAll(() => {
    s = synth(build(stage));
  });

  test('the synth has no finding', () => {
    expect(s.error).toBeUndefined();
    expect(s.violations).toEqual([]);
  });

  test('each application secret has the tag with its variable name; the database secret has none', () => {
    const secrets = resourcesOfType(s, 'AWS::SecretsManager::Secret');
    const tagged = secrets.filter(([, r]) => (r.Properties.Tags ?? []).some((t: { Key: string }) => t.Key === APP_SECRET_TAG));
    expect(tagged.map(([id, r]) => [id.replace(/[0-9A-F]{8}$/, ''), r.Properties.Tags])).toEqual([
      ['AppSecretsSESSIONSECRET', [{ Key: APP_SECRET_TAG, Value: 'SESSION_SECRET' }]],
    ]);
    expect(tagged[0][1].Properties.GenerateSecretString).toEqual({ ExcludePunctuation: true, PasswordLength: 40 });
    expect(secrets.length).toBeGreaterThan(tagged.length); // the database's own secret is not an app secret
  });

  test('secrets list reads exactly these from the template', () => {
    const plan = { template: s.json } as unknown as StackPlan;
    expect(plannedAppSecrets(plan).map((p) => p.name)).toEqual(['SESSION_SECRET']);
  });
});
