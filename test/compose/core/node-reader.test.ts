import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadMergedDocument } from '../../../lib/compose/document';
import { nodeFileReader } from '../../../lib/io/node-reader';

describe('nodeFileReader', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-reader-'));
    fs.mkdirSync(path.join(dir, 'lib'));
    fs.writeFileSync(path.join(dir, 'compose.yaml'), 'include:\n  - lib/compose.yaml\nservices:\n  web:\n    build: .\n    image: "web:${TAG}"\n');
    fs.writeFileSync(path.join(dir, '.env'), 'TAG=from-dotenv\n');
    fs.writeFileSync(path.join(dir, 'lib', 'compose.yaml'), 'services:\n  db:\n    image: mysql\n    volumes: ["./data:/var/lib/mysql"]\n');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('reads files, reports missing ones and directories as absent', () => {
    expect(nodeFileReader.readFile(path.join(dir, '.env'))).toBe('TAG=from-dotenv\n');
    expect(nodeFileReader.readFile(path.join(dir, 'nope.yaml'))).toBeUndefined();
    expect(nodeFileReader.readFile(path.join(dir, 'lib'))).toBeUndefined();
    expect(nodeFileReader.readFile(path.join(dir, '.env', 'below-a-file'))).toBeUndefined();
    expect(nodeFileReader.isDirectory!(path.join(dir, 'lib'))).toBe(true);
    expect(nodeFileReader.isDirectory!(path.join(dir, '.env'))).toBe(false);
    expect(nodeFileReader.isDirectory!(path.join(dir, 'nope'))).toBe(false);
  });

  test('loads a project from disk', () => {
    const { result } = loadMergedDocument({ files: [], workingDirectory: dir, environment: {}, reader: nodeFileReader });
    expect(result.composeFiles).toEqual([path.join(dir, 'compose.yaml')]);
    expect(result.data.services).toEqual({
      web: { build: dir, image: 'web:from-dotenv' },
      db: { image: 'mysql', volumes: [`${path.join(dir, 'lib', 'data')}:/var/lib/mysql`] },
    });
  });
});
