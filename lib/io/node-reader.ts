/**
 * The real file system behind the loader's `FileReader` (only bin/ and tests that need disk use it).
 */
import * as fs from 'fs';
import type { FileReader } from '../compose/model';

const MISSING = new Set(['ENOENT', 'ENOTDIR', 'EISDIR']);

export const nodeFileReader: FileReader = {
  readFile(path: string): string | undefined {
    try {
      return fs.readFileSync(path, 'utf8');
    } catch (e) {
      if (MISSING.has((e as NodeJS.ErrnoException).code ?? '')) return undefined;
      throw e;
    }
  },
  isDirectory(path: string): boolean {
    try {
      return fs.statSync(path).isDirectory();
    } catch {
      return false;
    }
  },
};
