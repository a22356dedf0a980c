/**
 * Fixture folders: test/bundle/fixtures/<case>/ holds the compose file(s), `case.json` (files,
 * targets, options) and, per target, `expected-<target>/` with the bundle's generated files, the
 * warnings (`warnings.txt`: code, service, path) and the description (`summary.json`), or
 * `error.txt` for a case that must fail.
 *
 * Regenerate the expectations only on purpose: `npm run fixtures:update` (sets
 * BEANSTACK_UPDATE_FIXTURES=1); review the diff before committing.
 */
import * as fs from 'fs';
import * as path from 'path';
import { composeToBundle, BundleOptions, BundleTarget } from '../../../lib/bundle';
import { formatError, isUserError } from '../../../lib/errors';
import { diskReader, load, summary, warningLines } from './fixture-support';

const FIXTURES = path.resolve(__dirname, '../fixtures');
const UPDATE = process.env.BEANSTACK_UPDATE_FIXTURES === '1';

interface CaseSpec {
  readonly description: string;
  readonly files?: readonly string[];
  readonly targets?: readonly BundleTarget[];
  readonly options?: Omit<BundleOptions, 'target'>;
  readonly profiles?: readonly string[];
  readonly environment?: Record<string, string>;
}

function expectFile(file: string, actual: string): void {
  if (UPDATE) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, actual);
    return;
  }
  if (!fs.existsSync(file)) throw new Error(`${path.relative(FIXTURES, file)} is missing; run npm run fixtures:update and review it`);
  expect(actual).toBe(fs.readFileSync(file, 'utf8'));
}

const cases = fs.readdirSync(FIXTURES).filter((d) => fs.existsSync(path.join(FIXTURES, d, 'case.json'))).sort();

test('there is a fixture for every mapping rule', () => {
  expect(cases.length).toBeGreaterThanOrEqual(20);
});

describe.each(cases)('%s', (name) => {
  const dir = path.join(FIXTURES, name);
  const spec = JSON.parse(fs.readFileSync(path.join(dir, 'case.json'), 'utf8')) as CaseSpec;
  const targets = spec.targets ?? ['ecs'];
  test.each(targets)(`${spec.description.replace(/%/g, '%%')} (%s)`, (target) => {
    const out = path.join(dir, `expected-${target}`);
    if (UPDATE) fs.rmSync(out, { recursive: true, force: true });
    let result;
    try {
      const project = load(dir, spec.files ?? ['compose.yaml'], spec.environment, spec.profiles);
      result = composeToBundle(project, { ...(spec.options ?? {}), target, reader: diskReader });
    } catch (e) {
      if (!isUserError(e)) throw e;
      expectFile(path.join(out, 'error.txt'), `${e.code}\n${formatError(e, dir)}\n`);
      return;
    }
    expect(fs.existsSync(path.join(out, 'error.txt'))).toBe(false);
    for (const f of result.result.files) {
      if ('content' in f) expectFile(path.join(out, f.path), f.content);
    }
    expectFile(path.join(out, 'warnings.txt'), warningLines(result.warnings));
    expectFile(path.join(out, 'summary.json'), summary(result.result, dir));
  });
});
