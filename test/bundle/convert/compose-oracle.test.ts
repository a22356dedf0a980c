/**
 * Every production docker-compose.yml of the fixtures is read by docker-compose 1.29.2 (the
 * independent Compose implementation the end-to-end suite uses), with an empty `.env` as Beanstalk
 * would write it. Skipped only where docker-compose is not installed (CI installs it).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const FIXTURES = path.resolve(__dirname, '../fixtures');

function dockerCompose(): string | undefined {
  for (const dir of ['/usr/bin', '/usr/local/bin']) {
    const p = path.join(dir, 'docker-compose');
    if (fs.existsSync(p)) return p;
  }
  return undefined;
}

const bin = dockerCompose();
const files = fs.readdirSync(FIXTURES)
  .map((d) => path.join(FIXTURES, d, 'expected-docker', 'docker-compose.yml'))
  .filter((f) => fs.existsSync(f));

(bin ? describe : describe.skip)('docker-compose 1.29.2 reads every generated docker-compose.yml', () => {
  test('there are generated files to check', () => expect(files.length).toBeGreaterThan(10));
  test.each(files.map((f) => [path.relative(FIXTURES, f), f]))('%s', (_, file) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-oracle-'));
    try {
      fs.copyFileSync(file, path.join(dir, 'docker-compose.yml'));
      fs.writeFileSync(path.join(dir, '.env'), '');
      const out = execFileSync(bin!, ['-f', 'docker-compose.yml', 'config'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      expect(out).toContain('services:');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
