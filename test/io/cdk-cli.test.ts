/**
 * Which aws-cdk CLI beanstack runs: the project's own install first (an optional peer dependency).
 * Run in a plain Node process on the built module: jest's require.resolve does not honour `paths`.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const MODULE = path.resolve(__dirname, '../../dist/lib/io/cdk-cli.js');
const resolveFor = (dir: string): string => execFileSync(process.execPath, ['-e', `process.stdout.write(require(${JSON.stringify(MODULE)}).cdkCliPath(${JSON.stringify(dir)}))`], { encoding: 'utf8' });

it("prefers the project's own aws-cdk, else the one beside beanstack", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-cdk-cli-'));
  try {
    expect(resolveFor(dir)).toBe(require.resolve('aws-cdk/bin/cdk'));
    fs.mkdirSync(path.join(dir, 'node_modules/aws-cdk/bin'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'node_modules/aws-cdk/package.json'), '{"name":"aws-cdk","version":"2.1000.0"}');
    fs.writeFileSync(path.join(dir, 'node_modules/aws-cdk/bin/cdk'), '');
    expect(resolveFor(dir)).toBe(path.join(fs.realpathSync(dir), 'node_modules/aws-cdk/bin/cdk'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
