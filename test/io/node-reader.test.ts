import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isUserError } from '../../lib/errors';
import { nodeFileReader } from '../../lib/io/node-reader';

describe('nodeFileReader', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-reader-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('reads UTF-8 text and drops a byte-order mark', () => {
    fs.writeFileSync(path.join(dir, 'bom.yml'), Buffer.from('\uFEFFservices: {}\n', 'utf8'));
    expect(nodeFileReader.readFile(path.join(dir, 'bom.yml'))).toBe('services: {}\n');
  });

  test('a missing file or a directory reads as absent', () => {
    expect(nodeFileReader.readFile(path.join(dir, 'nope.yml'))).toBeUndefined();
    expect(nodeFileReader.readFile(dir)).toBeUndefined();
    expect(nodeFileReader.isDirectory?.(dir)).toBe(true);
    expect(nodeFileReader.isDirectory?.(path.join(dir, 'nope'))).toBe(false);
  });

  test('fails on invalid UTF-8 with the line and column of the first bad byte', () => {
    const file = path.join(dir, 'latin1.yml');
    fs.writeFileSync(file, Buffer.concat([Buffer.from('services:\n  web:\n    image: "nginx'), Buffer.from([0xff]), Buffer.from('"\n')]));
    let error: unknown;
    try {
      nodeFileReader.readFile(file);
    } catch (e) {
      error = e;
    }
    expect(isUserError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'compose/not-utf8', location: { file, line: 3, column: 18 } });
    expect((error as Error).message).toContain('0xff');
  });
});
