import fc from 'fast-check';
import { stringify } from 'yaml';
import { isUserError } from '../../../lib/errors';
import { load } from './helpers';

/** Loading either succeeds or throws a user error (`ComposeError`): never a crash. */
function loadsOrFailsCleanly(files: Record<string, string>, env: Record<string, string> = {}): 'ok' | string {
  try {
    load(files, { environment: env, files: Object.keys(files).filter((f) => f.endsWith('.yaml')).sort() });
    return 'ok';
  } catch (e) {
    if (isUserError(e)) {
      expect(e.code).toMatch(/^compose\//);
      expect(e.fix ?? '').not.toBe('');
      return e.code;
    }
    throw e;
  }
}

const key = fc.constantFrom(
  'image', 'build', 'ports', 'volumes', 'environment', 'command', 'depends_on', 'networks', 'extends', 'labels',
  'healthcheck', 'deploy', 'env_file', 'extra_hosts', 'secrets', 'x-meta', 'dns', 'logging', 'ulimits', 'read_only', 'bogus',
);
const scalar = fc.oneof(
  fc.constantFrom('nginx', './src:/app', 'data:/data', '80:80', '${VAR}', '${VAR:-d}', '$$x', '${', 'a=b', '~/x', 'web', 'true', ''),
  fc.integer({ min: -5, max: 70000 }),
  fc.boolean(),
  fc.constant(null),
);
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(key, tie('v'), { maxKeys: 3 })),
})).v;
const service = fc.dictionary(key, value, { maxKeys: 6 });
const document = fc.record(
  {
    services: fc.dictionary(fc.constantFrom('web', 'db', 'api'), service, { maxKeys: 3 }),
    volumes: fc.dictionary(fc.constantFrom('data', 'cache'), fc.constantFrom({}, null, { driver: 'local' }, { external: 'yes' })),
    include: fc.array(fc.constantFrom('other.yaml', 'missing.yaml', './compose.yaml'), { maxLength: 2 }),
    'x-ext': value,
  },
  { requiredKeys: [] },
);

describe('robustness: any input loads or fails with a ComposeError', () => {
  test('random compose-shaped documents across two files', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(document, document, fc.boolean(), (a, b, withEnv) => {
        seen.add(
          loadsOrFailsCleanly(
            { '/app/compose.yaml': stringify(a), '/app/other.yaml': stringify(b) },
            withEnv ? { VAR: 'value', HOME: '/home/u' } : {},
          ),
        );
      }),
      { numRuns: 250, seed: 42 },
    );
    // the generator reaches both outcomes
    expect(seen.has('ok')).toBe(true);
    expect(seen.has('compose/schema')).toBe(true);
    expect(seen.size).toBeGreaterThan(3);
  });

  test('random text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        loadsOrFailsCleanly({ '/app/compose.yaml': text });
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  test('random text made of YAML punctuation', () => {
    const chars = fc.constantFrom(...'services:\n  - &a *a <<: !reset !override [ ] { } , " \' # ${} $$ | > ? ~ null'.split(''));
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 120 }), (cs) => {
        loadsOrFailsCleanly({ '/app/compose.yaml': cs.join('') });
      }),
      { numRuns: 300, seed: 11 },
    );
  });
});
