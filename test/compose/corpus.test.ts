/**
 * Every compose file of the awesome-compose corpus loads with our loader (build contexts need not
 * exist), renders deterministically, and the rendered `config` output loads back to the same model.
 */
import * as path from 'path';
import { loadProject, renderConfig } from '../../lib/compose';
import type { ComposeProject, FileReader } from '../../lib/compose/model';
import { nodeFileReader } from '../../lib/io/node-reader';
import { CORPUS_DIR, REQUIRED, corpusComposeFiles, skipLoudly } from './oracle/env';

const files = corpusComposeFiles();
const ENV = { HOME: '/home/tester', PATH: '/usr/bin:/bin' };

function load(file: string, reader: FileReader = nodeFileReader) {
  return loadProject({ files: [file], workingDirectory: path.dirname(file), environment: ENV, reader });
}

/** The model without the parts that depend on which file it was read from. */
function comparable(p: ComposeProject): Omit<ComposeProject, 'locations' | 'composeFiles'> {
  const { locations: _l, composeFiles: _c, ...rest } = p;
  return JSON.parse(JSON.stringify(rest));
}

if (files.length === 0) {
  if (REQUIRED) {
    it('finds the corpus', () => {
      throw new Error(`no corpus at ${CORPUS_DIR} (expected <repo>/../shared/corpus/awesome-compose)`);
    });
  } else {
    skipLoudly('corpus test', `no corpus at ${CORPUS_DIR}`);
    it.skip('corpus', () => undefined);
  }
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
      const rendered = path.join(path.dirname(file), '__rendered__.yaml');
      const overlay: FileReader = {
        readFile: (p) => (p === rendered ? yaml : nodeFileReader.readFile(p)),
        isDirectory: (p) => nodeFileReader.isDirectory?.(p) ?? false,
      };
      const again = load(rendered, overlay).result;
      expect(comparable(again)).toEqual(comparable(result));
    });
  });
}
