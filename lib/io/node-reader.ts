/**
 * The real file system behind the loader's `FileReader` (only bin/ and tests that need disk use it).
 */
import * as fs from 'fs';
import { ComposeError } from '../errors';
import type { FileReader } from '../compose/model';

const MISSING = new Set(['ENOENT', 'ENOTDIR', 'EISDIR']);
const UTF8 = new TextDecoder('utf-8', { fatal: true });

export const nodeFileReader: FileReader = {
  readFile(path: string): string | undefined {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? '';
      if (MISSING.has(code)) return undefined;
      throw new ComposeError(`cannot read ${path}: ${(e as Error).message}`, {
        code: 'compose/unreadable-file',
        fix: code === 'EACCES' ? 'give your user read permission on the file' : 'check that the path names a readable file',
      });
    }
    try {
      // a BOM is dropped, as Docker Compose does
      return UTF8.decode(bytes).replace(/^\uFEFF/, '');
    } catch {
      const offset = firstInvalidUtf8(bytes);
      const before = bytes.subarray(0, offset).toString('utf8');
      const line = before.split('\n').length;
      const column = before.length - before.lastIndexOf('\n');
      throw new ComposeError(`${path} is not valid UTF-8 (invalid byte 0x${bytes[offset].toString(16).padStart(2, '0')})`, {
        code: 'compose/not-utf8',
        location: { file: path, line, column },
        fix: 'save the file as UTF-8 (compose files and env files are read as UTF-8)',
      });
    }
  },
  isDirectory(path: string): boolean {
    try {
      return fs.statSync(path).isDirectory();
    } catch {
      return false;
    }
  },
  exists(path: string): boolean {
    return fs.existsSync(path);
  },
  listDirectory(path: string): readonly string[] | undefined {
    try {
      return fs.readdirSync(path).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    } catch {
      return undefined;
    }
  },
};

/** Byte offset of the first byte that breaks UTF-8 decoding. */
function firstInvalidUtf8(bytes: Buffer): number {
  let lo = 0;
  let hi = bytes.length;
  // the longest valid prefix, found by bisection on whole-prefix validity
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, mid), { stream: true });
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  return Math.min(lo, bytes.length - 1);
}
