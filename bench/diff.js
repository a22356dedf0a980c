#!/usr/bin/env node
/**
 * `beanstack diff` timings (printed, never asserted; run after `npm run build`):
 *
 *   1. a review of two prepared assemblies (the example's, with a routine and a dangerous change),
 *      each format, in a fresh node process — what the PR job pays once the assemblies exist;
 *   2. the full `beanstack diff --base-ref HEAD` on this repository (git worktree, node_modules
 *      symlinked because package-lock.json is unchanged, build + synth of base and head in
 *      parallel, review) compared with one plain `npm run build && cdk synth` — target ≤ 2.2×.
 *
 * Pass --quick to skip part 2 (it builds and synthesizes the example twice).
 */
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.join(__dirname, '..');
const cli = path.join(root, 'dist', 'bin', 'cli.js');
if (!fs.existsSync(cli)) {
  console.log('dist/ is missing: run npm run build first');
  process.exit(1);
}
const CONTEXT = ['-c', 'account=123456789012', '-c', 'region=eu-west-1'];

function time(label, cmd, args, opts = {}) {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  const ok = r.status === 0 || (opts.okCodes ?? []).includes(r.status);
  console.log(`${label.padEnd(58)} ${(ms / 1000).toFixed(2).padStart(7)} s${ok ? '' : `  (exit ${r.status}: ${(r.stderr || '').trim().split('\n').slice(-3).join(' | ')})`}`);
  return { ms, ok, r };
}

// --- 1. two prepared assemblies ---------------------------------------------------------------
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-bench-diff-'));
const base = path.join(root, 'test', 'review', 'fixtures', 'fullstack-dev');
const head = path.join(tmp, 'head.out');
fs.cpSync(base, head, { recursive: true });
const tplFile = path.join(head, 'fullstack-dev.template.json');
const tpl = JSON.parse(fs.readFileSync(tplFile, 'utf8'));
tpl.Resources.AppDatabasesmysqlInstance9D393F6F.Properties.StorageEncrypted = false;
for (const o of tpl.Resources.AppBeanstalkEnvironment524C5E7D.Properties.OptionSettings) if (o.OptionName === 'InstanceTypes') o.Value = 't3.medium';
fs.writeFileSync(tplFile, JSON.stringify(tpl));

console.log('beanstack diff on two prepared assemblies (example app, 1 stack, 40 resources):');
for (const format of ['text', 'markdown', 'json']) {
  time(`  --format ${format}`, process.execPath, [cli, 'diff', '--base', base, '--head', head, '--format', format]);
}
time('  node startup only (node -e 0)', process.execPath, ['-e', '0']);

// --- 2. --base-ref vs one plain synth ----------------------------------------------------------
if (process.argv.includes('--quick')) {
  console.log('\n--quick: skipping the --base-ref comparison');
} else {
  console.log('\nfull --base-ref run vs one plain synth (this repository, example app):');
  const synthOut = path.join(tmp, 'plain.out');
  const plainBuild = time('  npm run build', 'npm', ['run', 'build', '--silent'], { okCodes: [2] });
  const plainSynth = time('  cdk synth (one plain synth)', process.execPath, [require.resolve('aws-cdk/bin/cdk'), 'synth', '--no-lookups', '--quiet', '-o', synthOut, ...CONTEXT]);
  const plain = plainBuild.ms + plainSynth.ms;
  const full = time('  beanstack diff --base-ref HEAD (build + synth ×2, review)', process.execPath, [cli, 'diff', '--base-ref', 'HEAD', ...CONTEXT, '--format', 'markdown', '-o', path.join(tmp, 'review.md')]);
  console.log(`  ratio full --base-ref / (build + synth):        ${(full.ms / plain).toFixed(2)}x (target <= 2.2x)`);
  console.log(`  ratio full --base-ref / cdk synth alone:        ${(full.ms / plainSynth.ms).toFixed(2)}x`);
  console.log(`  cores: ${os.cpus().length}`);
}
fs.rmSync(tmp, { recursive: true, force: true });
