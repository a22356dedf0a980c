import type { SourceLocation } from '../../../lib/errors';
import type { FileReader } from '../../../lib/compose/model';
import { DotEnvParser, NormalizeInput, normalizeDocument } from '../../../lib/compose/normalize';

export const PROJECT = '/proj';

/** A minimal `.env` reader for these tests (the real one is `lib/compose/dotenv.ts`). */
export const simpleDotEnv: DotEnvParser = (text, _file, options) => {
  const out: { name: string; value: string; line: number }[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    const name = eq < 0 ? line : line.slice(0, eq);
    let value = eq < 0 ? '' : line.slice(eq + 1);
    if (!options.raw) value = value.replace(/\$\{(\w+)\}/g, (_m, v: string) => options.lookup?.(v) ?? '');
    out.push({ name, value, line: i + 1 });
  });
  return out;
};

export function memoryReader(files: Record<string, string>): FileReader {
  return { readFile: (p) => files[p] };
}

/** Locations for every pointer given, all in compose.yaml, line = index + 1. */
export function fakeLocations(pointers: readonly string[]): Record<string, SourceLocation> {
  const out: Record<string, SourceLocation> = {};
  pointers.forEach((p, i) => {
    out[p] = { file: `${PROJECT}/compose.yaml`, line: i + 1, column: 3 };
  });
  return out;
}

export function normalize(data: Record<string, unknown>, extra: Partial<NormalizeInput> = {}) {
  return normalizeDocument({
    data,
    locations: {},
    projectDirectory: PROJECT,
    environment: {},
    reader: memoryReader({}),
    parseDotEnv: simpleDotEnv,
    ...extra,
  });
}

/** Normalizes one service `web` and returns it. */
export function service(def: Record<string, unknown>, extra: Partial<NormalizeInput> = {}) {
  return normalize({ services: { web: def } }, extra).result.services.web;
}

/** The error thrown by `fn` (fails the test when nothing is thrown). */
export function errorOf(fn: () => unknown): Error & { code?: string; location?: SourceLocation; fix?: string; isUserError?: boolean } {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}
