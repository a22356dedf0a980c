/**
 * Where the corpus lives and whether external tools are required.
 *
 * The corpus is part of the repository: `test/corpus/awesome-compose` (CC0, see its SOURCE.md).
 * Missing tools fail the suite when `BEANSTACK_E2E=required` or `CI` is set, and skip loudly
 * otherwise.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const CORPUS_DIR = path.resolve(REPO_ROOT, 'test/corpus/awesome-compose');
export const REQUIRED = process.env.BEANSTACK_E2E === 'required' || Boolean(process.env.CI);

const COMPOSE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];

/** Every compose file of the corpus (one per example folder), sorted. */
export function corpusComposeFiles(): string[] {
  if (!fs.existsSync(CORPUS_DIR)) return [];
  const out: string[] = [];
  for (const dir of fs.readdirSync(CORPUS_DIR).sort()) {
    const full = path.join(CORPUS_DIR, dir);
    if (!fs.statSync(full).isDirectory()) continue;
    const name = COMPOSE_NAMES.find((n) => fs.existsSync(path.join(full, n)));
    if (name) out.push(path.join(full, name));
  }
  return out;
}

/** Whether Debian's docker-compose 1.29.2 (the oracle) is on PATH. */
export function hasDockerCompose(): boolean {
  const r = spawnSync('docker-compose', ['version', '--short'], { encoding: 'utf8' });
  return r.status === 0;
}

/** Prints a loud skip notice (jest shows console output of the test file). */
export function skipLoudly(what: string, why: string): void {
  // eslint-disable-next-line no-console
  console.warn(`SKIPPED: ${what}: ${why}. Set BEANSTACK_E2E=required (or CI) to make this a failure.`);
}
