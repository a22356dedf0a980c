#!/usr/bin/env node
/**
 * `npm run build`: the JSON schemas (scripts/build-schemas.js), then `tsc -p tsconfig.json` into
 * dist/, then the CLI bundled for start-up (scripts/bundle-cli.js: dist/bin/cli.bundle.js, and the
 * executable launcher bin/launcher.js as dist/bin/cli.js). The compile takes tens of seconds on a small machine, so it
 * runs as a named step of the progress reporter (lib/io/progress.js: a spinner on a terminal, plain
 * lines in CI).
 */
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');
const { createProgress } = require('../lib/io/progress');
const { bundleCli } = require('./bundle-cli');

const ROOT = path.resolve(__dirname, '..');
const progress = createProgress({ write: (t) => process.stderr.write(t), tty: Boolean(process.stderr.isTTY) && !process.env.CI });

function run(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${args.join(' ')} exited ${code}`))));
  });
}

(async () => {
  await run([path.join(__dirname, 'build-schemas.js')]);
  await progress.step('build: compiling TypeScript into dist/ (tsc)', () => run([require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json']));
  await progress.step('build: bundling the CLI for start-up (esbuild)', () => bundleCli());
})().catch((e) => {
  progress.stop();
  process.stderr.write(`build failed: ${e.message}\n`);
  process.exitCode = 1;
});
