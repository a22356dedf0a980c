/**
 * lib/io/write-bundle.ts: atomic writes, refusal to clobber what is not a bundle, `.env` never
 * shipped, and the --check diff.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { BundleDescription } from '../../../lib/bundle';
import { diffBundle, writeBundle } from '../../../lib/io/write-bundle';

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-write-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

function description(files: BundleDescription['files']): BundleDescription {
  return { target: 'ecs', files, images: [], databases: [], secrets: [], containers: {} };
}

function setupProject(): string {
  const project = path.join(tmp, 'project');
  fs.mkdirSync(path.join(project, 'nginx'), { recursive: true });
  fs.writeFileSync(path.join(project, 'nginx', 'default.conf'), 'server {}\n');
  fs.mkdirSync(path.join(project, 'static', 'node_modules'), { recursive: true });
  fs.writeFileSync(path.join(project, 'static', 'index.html'), '<h1>hi</h1>\n');
  fs.writeFileSync(path.join(project, 'static', '.env'), 'SECRET=1\n');
  fs.writeFileSync(path.join(project, 'static', 'node_modules', 'x.js'), '1\n');
  return project;
}

test('writes generated and shipped files, leaving .env and node_modules out', () => {
  const project = setupProject();
  const out = path.join(tmp, 'bundle');
  const d = description([
    { path: 'Dockerrun.aws.json', content: '{}\n' },
    { path: 'nginx/default.conf', sourcePath: path.join(project, 'nginx', 'default.conf') },
    { path: 'static', sourcePath: path.join(project, 'static') },
  ]);
  const r = writeBundle(d, out, { projectDirectory: project });
  expect(r.written).toEqual(['Dockerrun.aws.json', 'nginx/default.conf', 'static/index.html']);
  expect(r.skipped).toEqual(['static/.env', 'static/node_modules']);
  expect(fs.readFileSync(path.join(out, 'nginx', 'default.conf'), 'utf8')).toBe('server {}\n');
  expect(fs.existsSync(path.join(out, 'static', '.env'))).toBe(false);
  expect(diffBundle(d, out)).toEqual([]);
  // no temporary directories are left next to the bundle
  expect(fs.readdirSync(tmp).sort()).toEqual(['bundle', 'project']);
});

test('replaces a previous bundle as a whole and reports what --check would see', () => {
  const project = setupProject();
  const out = path.join(tmp, 'bundle');
  writeBundle(description([{ path: 'Dockerrun.aws.json', content: '{"old":1}\n' }, { path: 'stale.txt', content: 'x' }]), out);
  const d = description([{ path: 'Dockerrun.aws.json', content: '{}\n' }, { path: 'nginx/default.conf', sourcePath: path.join(project, 'nginx', 'default.conf') }]);
  expect(diffBundle(d, out)).toEqual([
    { path: 'Dockerrun.aws.json', kind: 'changed' },
    { path: 'nginx/default.conf', kind: 'missing' },
    { path: 'stale.txt', kind: 'extra' },
  ]);
  writeBundle(d, out);
  expect(fs.readdirSync(out).sort()).toEqual(['.beanstack-bundle', 'Dockerrun.aws.json', 'nginx']);
  expect(diffBundle(d, out)).toEqual([]);
  fs.writeFileSync(path.join(project, 'nginx', 'default.conf'), 'server { listen 80; }\n');
  expect(diffBundle(d, out)).toEqual([{ path: 'nginx/default.conf', kind: 'changed' }]);
});

test('a failure leaves the previous bundle untouched and no temporary directory behind', () => {
  const out = path.join(tmp, 'bundle');
  writeBundle(description([{ path: 'Dockerrun.aws.json', content: 'v1\n' }]), out);
  expect(() => writeBundle(description([
    { path: 'Dockerrun.aws.json', content: 'v2\n' },
    { path: 'missing.conf', sourcePath: path.join(tmp, 'nope.conf') },
  ]), out)).toThrow(expect.objectContaining({ code: 'bundle/missing-shipped-file' }));
  expect(fs.readFileSync(path.join(out, 'Dockerrun.aws.json'), 'utf8')).toBe('v1\n');
  expect(fs.readdirSync(tmp)).toEqual(['bundle']);
});

test('a missing shipped file names the compose line that mounts it', () => {
  const out = path.join(tmp, 'bundle2');
  const location = { file: path.join(tmp, 'compose.yaml'), line: 7, column: 9 };
  expect(() => writeBundle(description([
    { path: 'Dockerrun.aws.json', content: 'v2\n' },
    { path: 'nginx/nginx.conf', sourcePath: path.join(tmp, 'nginx', 'nginx.conf'), location },
  ]), out)).toThrow(expect.objectContaining({ code: 'bundle/missing-shipped-file', location, fix: 'create nginx/nginx.conf in the project, or remove the mount' }));
  expect(fs.existsSync(out)).toBe(false);
});

test('refuses to replace the project directory or a directory that is not a bundle', () => {
  const project = setupProject();
  const d = description([{ path: 'Dockerrun.aws.json', content: '{}\n' }]);
  expect(() => writeBundle(d, project, { projectDirectory: project })).toThrow(expect.objectContaining({ code: 'bundle/out-directory' }));
  expect(() => writeBundle(d, tmp, { projectDirectory: project })).toThrow(expect.objectContaining({ code: 'bundle/out-directory' }));
  const other = path.join(tmp, 'notes');
  fs.mkdirSync(other);
  fs.writeFileSync(path.join(other, 'todo.txt'), 'keep me');
  expect(() => writeBundle(d, other)).toThrow(/has no \.beanstack-bundle marker, so beanstack did not write it/);
  expect(fs.readFileSync(path.join(other, 'todo.txt'), 'utf8')).toBe('keep me');
  const inside = path.join(project, 'static', 'bundle');
  expect(() => writeBundle(description([{ path: 'static', sourcePath: path.join(project, 'static') }]), inside)).toThrow(/contain itself/);
});

test('refuses bundle paths that leave the bundle', () => {
  expect(() => writeBundle(description([{ path: '../evil', content: 'x' }]), path.join(tmp, 'b'))).toThrow(/leaves the bundle/);
  expect(fs.readdirSync(tmp)).toEqual([]);
});

test('a symbolic link back up a shipped directory is not followed forever', () => {
  const project = setupProject();
  fs.symlinkSync(path.join(project, 'static'), path.join(project, 'static', 'loop'));
  const d = description([{ path: 'Dockerrun.aws.json', content: '{}\n' }, { path: 'static', sourcePath: path.join(project, 'static') }]);
  const r = writeBundle(d, path.join(tmp, 'bundle'));
  expect(r.written).toEqual(['Dockerrun.aws.json', 'static/index.html']);
  expect(r.skipped).toContain('static/loop');
  expect(diffBundle(d, path.join(tmp, 'bundle'))).toEqual([]);
});
