/**
 * The real file system behind the loader's `FileReader` (only bin/ and tests that need disk use it).
 *
 * Only regular files are read, and their size is checked before reading: a FIFO, a socket or a
 * device (`/dev/zero`) is a user error instead of a hang, and so is a file over 4 MiB (the limit of
 * compose files, `DEFAULT_MAX_BYTES`), which is never read past the limit.
 */
import * as fs from 'fs';
import { ComposeError } from '../errors';
import type { FileReader } from '../compose/model';
import { DEFAULT_MAX_BYTES, formatMiB } from '../compose/yaml';
import { FileTooLargeError, NotRegularFileError, readRegularFile } from './regular-file';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

export const nodeFileReader: FileReader = {
  readFile(path: string): string | undefined {
    let bytes: Buffer | undefined;
    try {
      bytes = readRegularFile(path, DEFAULT_MAX_BYTES);
    } catch (e) {
      if (e instanceof NotRegularFileError) {
        throw new ComposeError(`${path} is ${e.what}, not a regular file`, {
          code: 'compose/not-a-file',
          fix: 'compose files, env files and the files they name must be regular files: write the content to a file in the project',
        });
      }
      if (e instanceof FileTooLargeError) {
        throw new ComposeError(`${path} is ${e.size > DEFAULT_MAX_BYTES + 1 ? formatMiB(e.size) : `over ${formatMiB(DEFAULT_MAX_BYTES)}`}; compose files larger than ${formatMiB(DEFAULT_MAX_BYTES)} are refused (env files too)`, {
          code: 'compose/file-too-large',
          location: { file: path, line: 1, column: 1 },
          fix: 'check that this is the compose file you meant (or env file); split generated content into smaller files',
        });
      }
      const code = (e as NodeJS.ErrnoException).code ?? '';
      throw new ComposeError(`cannot read ${path}: ${code || (e as Error).message}`, {
        code: 'compose/unreadable-file',
        fix: code === 'EACCES' ? 'give your user read permission on the file' : 'check that the path names a readable file',
      });
    }
    if (bytes === undefined) return undefined;
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
  realPath(path: string): string | undefined {
    try {
      return fs.realpathSync.native(path);
    } catch {
      return undefined;
    }
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
