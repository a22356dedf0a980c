/**
 * Every compose file of the awesome-compose corpus loads with our loader (build contexts need not
 * exist), renders deterministically, and the rendered `config` output loads back to the same model.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadProject, renderConfig } from '../../lib/compose';
import type { ComposeProject, FileReader } from '../../lib/compose/model';
import { nodeFileReader } from '../../lib/io/node-reader';
import { CORPUS_DIR, corpusComposeFiles } from './oracle/env';

const files = corpusComposeFiles();
const ENV = { HOME: '/home/tester', PATH: '/usr/bin:/bin' };

function load(file: string, reader: FileReader = nodeFileReader, env: Record<string, string> = {}) {
  return loadProject({ files: [file], workingDirectory: path.dirname(file), environment: { ...ENV, ...env }, reader });
}

/** Rendering then loading the rendered text gives the same model. */
function expectRoundTrip(file: string, env: Record<string, string> = {}): void {
  const { result } = load(file, nodeFileReader, env);
  const yaml = renderConfig(result, { format: 'yaml' });
  const rendered = path.join(path.dirname(file), '__rendered__.yaml');
  const overlay: FileReader = {
    readFile: (p) => (p === rendered ? yaml : nodeFileReader.readFile(p)),
    isDirectory: (p) => nodeFileReader.isDirectory?.(p) ?? false,
  };
  // the rendered file carries the resolved values: no .env needed to read it back (the environment
  // still selects the profiles)
  const again = loadProject({ files: [rendered], workingDirectory: path.dirname(file), environment: { ...ENV, ...env }, envFiles: [], reader: overlay }).result;
  expect(comparable(again)).toEqual(comparable(result));
}

const CASES_DIR = path.join(__dirname, 'oracle', 'cases');
const cases = fs
  .readdirSync(CASES_DIR)
  .sort()
  .filter((d) => fs.existsSync(path.join(CASES_DIR, d, 'compose.yaml')));

/** The model without the parts that depend on which file it was read from (disabled services are not rendered). */
function comparable(p: ComposeProject): Omit<ComposeProject, 'locations' | 'templates' | 'composeFiles' | 'disabledServices'> {
  const { locations: _l, templates: _t, composeFiles: _c, disabledServices: _d, ...rest } = p;
  return JSON.parse(JSON.stringify(rest));
}

if (files.length === 0) {
  it('finds the corpus', () => {
    throw new Error(`no corpus at ${CORPUS_DIR} (it is part of the repository: test/corpus/awesome-compose)`);
  });
} else {
  describe('awesome-compose corpus', () => {
    it('has all 39 examples', () => {
      expect(files.length).toBeGreaterThanOrEqual(39);
    });

    it.each(files.map((f) => [path.relative(CORPUS_DIR, f), f]))('%s loads, renders deterministically and round-trips', (_id, file) => {
      const { result } = load(file);
      expect(Object.keys(result.services).length).toBeGreaterThan(0);
      for (const s of Object.values(result.services)) expect(s.image !== undefined || s.build !== undefined).toBe(true);

      const yaml = renderConfig(result, { format: 'yaml' });
      expect(renderConfig(load(file).result, { format: 'yaml' })).toBe(yaml);
      const json = renderConfig(result, { format: 'json' });
      expect(json.endsWith('\n')).toBe(true);
      expect(JSON.parse(json).name).toBe(result.name);
      // machine-independent: no absolute path of the corpus in the output
      expect(yaml).not.toContain(path.dirname(file));

      // the rendered config is itself a compose file that loads to the same model
      expectRoundTrip(file);
    });
  });
}

describe('config output round-trips on the spec-derived cases', () => {
  it.each(cases)('%s', (name) => {
    const envFile = path.join(CASES_DIR, name, 'env.json');
    const env = fs.existsSync(envFile) ? (JSON.parse(fs.readFileSync(envFile, 'utf8')) as Record<string, string>) : {};
    expectRoundTrip(path.join(CASES_DIR, name, 'compose.yaml'), env);
  });
});
