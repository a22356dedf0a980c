#!/usr/bin/env node
/**
 * Runs every benchmark in bench/ (each `*.js` file except this one), one after the other, in its
 * own node process. Figures are printed, never asserted; the exit code is non-zero only when a
 * benchmark crashes. Run with `npm run bench` (builds first).
 */
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const self = path.basename(__filename);
const benches = fs
  .readdirSync(__dirname)
  .filter((f) => f.endsWith('.js') && f !== self)
  .sort();

let failed = 0;
for (const bench of benches) {
  console.log(`\n=== bench/${bench} ===`);
  const r = spawnSync(process.execPath, [path.join(__dirname, bench), ...process.argv.slice(2)], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.log(`bench/${bench} exited with ${r.status ?? r.signal}`);
  }
}
console.log(`\n${benches.length} benchmark(s) run, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
