import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { baseImages, contentHash, contextFiles, isIgnored, parseDockerignore, patternToRegex } from '../../lib/local/content-hash';

function tree(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-hash-'));
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
  return dir;
}

describe('.dockerignore matching', () => {
  test.each([
    ['node_modules', 'node_modules/react/index.js', true],
    ['node_modules', 'src/node_modules', false],
    ['**/node_modules', 'src/node_modules/x.js', true],
    ['*.md', 'README.md', true],
    ['*.md', 'docs/README.md', false],
    ['**/*.md', 'docs/README.md', true],
    ['/build', 'build/out.js', true],
    ['src/?.js', 'src/a.js', true],
    ['src/?.js', 'src/ab.js', false],
    ['[Dd]ockerfile*', 'Dockerfile.dev', true],
  ])('%s vs %s → %s', (pattern, file, expected) => {
    expect(patternToRegex(pattern).test(file)).toBe(expected);
  });

  test('the last matching rule wins and ! re-includes', () => {
    const rules = parseDockerignore('# comment\n\n*.log\n!keep.log\n');
    expect(isIgnored('debug.log', rules)).toBe(true);
    expect(isIgnored('keep.log', rules)).toBe(false);
    expect(isIgnored('app.js', rules)).toBe(false);
  });

  test('contextFiles lists what the build sends, sorted', () => {
    const dir = tree({ '.dockerignore': 'node_modules\n*.log\n', 'b.js': '', 'a/x.js': '', 'node_modules/m/i.js': '', 'e.log': '' });
    expect(contextFiles(dir)).toEqual(['.dockerignore', 'a/x.js', 'b.js']);
  });
});

describe('base images of a Dockerfile', () => {
  test('external images only, with ARG defaults and build args substituted', () => {
    const df = 'ARG NODE=20\nFROM node:${NODE}-bookworm-slim AS build\nRUN x\nFROM --platform=linux/amd64 nginx:1.27 AS web\nCOPY --from=build /a /b\nFROM build\nFROM scratch\n';
    expect(baseImages(df, {})).toEqual(['node:20-bookworm-slim', 'nginx:1.27']);
    expect(baseImages(df, { NODE: '22' })).toEqual(['node:22-bookworm-slim', 'nginx:1.27']);
  });
});

describe('content hash', () => {
  const base = { dockerfile: 'Dockerfile', args: {}, platform: 'linux/amd64', baseImageIds: { 'node:20': 'sha256:1' } };

  test('stable for the same input, different when a sent file, an arg, the platform or a base image changes', () => {
    const dir = tree({ Dockerfile: 'FROM node:20\nCOPY . .\n', 'src/app.js': 'v1', '.dockerignore': 'tmp\n', 'tmp/cache': 'x' });
    const h1 = contentHash({ context: dir, ...base });
    expect(contentHash({ context: dir, ...base })).toBe(h1);
    fs.writeFileSync(path.join(dir, 'tmp/cache'), 'changed but ignored');
    expect(contentHash({ context: dir, ...base })).toBe(h1);
    expect(contentHash({ context: dir, ...base, args: { A: '1' } })).not.toBe(h1);
    expect(contentHash({ context: dir, ...base, platform: 'linux/arm64' })).not.toBe(h1);
    expect(contentHash({ context: dir, ...base, baseImageIds: { 'node:20': 'sha256:2' } })).not.toBe(h1);
    expect(contentHash({ context: dir, ...base, target: 'prod' })).not.toBe(h1);
    fs.writeFileSync(path.join(dir, 'src/app.js'), 'v2');
    expect(contentHash({ context: dir, ...base })).not.toBe(h1);
  });
});
