/**
 * Reading files a repository controls without being led into a FIFO, a device or a huge file: open
 * without blocking, `fstat` the open descriptor, refuse anything that is not a regular file, check the
 * size before reading, and never read more than the limit even when the size lies (`/proc` files
 * report 0, a file may grow while it is read).
 */
import type { Hash } from 'crypto';
import * as fs from 'fs';

/** What kind of file system object a path is (its `Stats` or directory entry), in words for messages. */
export function fileKind(st: Pick<fs.Stats, 'isFile' | 'isDirectory' | 'isFIFO' | 'isSocket' | 'isCharacterDevice' | 'isBlockDevice' | 'isSymbolicLink'>): string {
  if (st.isFile()) return 'a regular file';
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSymbolicLink()) return 'a symbolic link';
  return 'a special file';
}

/** Errors of `open` that mean "there is no file to read here". */
const ABSENT = new Set(['ENOENT', 'ENOTDIR', 'EISDIR']);

export type OpenResult =
  | { readonly kind: 'file'; readonly fd: number; readonly size: number }
  | { readonly kind: 'absent' }
  | { readonly kind: 'not-regular'; readonly what: string };

/**
 * Opens `file` for reading: non-blocking (a FIFO without a writer does not hang the open), then
 * `fstat` on the descriptor (no race between the check and the read). A directory, a missing file or
 * a path through a non-directory is `absent`; a FIFO, socket or device is `not-regular`. Other
 * errors (EACCES, ELOOP, ...) are thrown. The caller closes `fd`.
 */
export function openRegular(file: string): OpenResult {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (ABSENT.has(code)) return { kind: 'absent' };
    // opening a socket fails with ENXIO: it is there, but not a file
    if (code === 'ENXIO') return { kind: 'not-regular', what: 'a socket' };
    throw e;
  }
  const st = fs.fstatSync(fd);
  if (st.isFile()) return { kind: 'file', fd, size: st.size };
  fs.closeSync(fd);
  return st.isDirectory() ? { kind: 'absent' } : { kind: 'not-regular', what: fileKind(st) };
}

/** A file larger than the limit: `size` is what fstat reported, or `limit + 1` when reading found more. */
export class FileTooLargeError extends Error {
  constructor(readonly file: string, readonly size: number, readonly limit: number) {
    super(`${file} is larger than ${limit} bytes`);
    this.name = 'FileTooLargeError';
  }
}

/** A path names a FIFO, socket or device where a regular file was expected. */
export class NotRegularFileError extends Error {
  constructor(readonly file: string, readonly what: string) {
    super(`${file} is ${what}, not a regular file`);
    this.name = 'NotRegularFileError';
  }
}

/**
 * The bytes of a regular file of at most `maxBytes`, or `undefined` when there is no file. Throws
 * `NotRegularFileError` for a FIFO, socket or device and `FileTooLargeError` when the file is (or
 * turns out while reading to be) larger than `maxBytes`; nothing beyond `maxBytes + 1` bytes is read.
 */
export function readRegularFile(file: string, maxBytes: number): Buffer | undefined {
  const f = openRegular(file);
  if (f.kind === 'absent') return undefined;
  if (f.kind === 'not-regular') throw new NotRegularFileError(file, f.what);
  try {
    if (f.size > maxBytes) throw new FileTooLargeError(file, f.size, maxBytes);
    let buf = Buffer.allocUnsafe(Math.min(maxBytes + 1, f.size + 1));
    let length = 0;
    for (;;) {
      if (length === buf.length) {
        if (length > maxBytes) throw new FileTooLargeError(file, length, maxBytes);
        // the size grew (or fstat said 0, as /proc files do): read on, never past the limit
        const bigger = Buffer.allocUnsafe(Math.min(maxBytes + 1, Math.max(64 * 1024, buf.length * 2)));
        buf.copy(bigger, 0, 0, length);
        buf = bigger;
      }
      const n = fs.readSync(f.fd, buf, length, buf.length - length, null);
      if (n === 0) break;
      length += n;
    }
    if (length > maxBytes) throw new FileTooLargeError(file, length, maxBytes);
    return buf.subarray(0, length);
  } finally {
    fs.closeSync(f.fd);
  }
}

/**
 * A new sha256. `crypto` is loaded on first use, not at start-up: loading it pulls in Node's stream
 * machinery, a tenth of a `beanstack config` run that never hashes (bench/startup.js).
 */
function newSha256(): Hash {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('crypto') as typeof import('crypto')).createHash('sha256');
}

/** The sha256 (hex) of a text (UTF-8) or bytes. */
export function sha256Hex(data: string | Buffer): string {
  return newSha256().update(data).digest('hex');
}

/** One read buffer for every digest (reads are synchronous). */
let digestBuffer: Buffer | undefined;

/** The sha256 (hex) of what an open descriptor holds, read in 1 MiB chunks. */
export function digestDescriptor(fd: number): string {
  const hash = newSha256();
  digestBuffer ??= Buffer.allocUnsafe(1024 * 1024);
  for (;;) {
    const n = fs.readSync(fd, digestBuffer, 0, digestBuffer.length, null);
    if (n === 0) break;
    hash.update(digestBuffer.subarray(0, n));
  }
  return hash.digest('hex');
}
