#!/usr/bin/env node
/**
 * Benchmarks of the compose loader and the `config` command (figures printed, never asserted).
 *
 * 1. Loading every compose file of the awesome-compose corpus in one process: files/second.
 * 2. `node dist/bin/cli.js config -f <corpus file>` against bare `node -e 0`, N runs each: the
 *    medians side by side and their ratio (target: ≤ 1.5x — `config` must not load aws-cdk-lib; bench/startup.js measures every Node line).
 *
 * Needs `npm run build` first (uses dist/). Usage: node bench/config.js [--runs N]
 */
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const CORPUS = path.resolve(ROOT, 'test/corpus/awesome-compose');
const CLI = path.join(ROOT, 'dist/bin/cli.js');
const runsFlag = process.argv.indexOf('--runs');
const RUNS = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 15;

function corpusFiles() {
  if (!fs.existsSync(CORPUS)) return [];
  const names = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];
  return fs
    .readdirSync(CORPUS)
    .sort()
    .map((d) => path.join(CORPUS, d))
    .filter((d) => fs.statSync(d).isDirectory())
    .map((d) => names.map((n) => path.join(d, n)).find((f) => fs.existsSync(f)))
    .filter(Boolean);
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function timeRun(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME } });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

/** user+sys CPU seconds of one run through /usr/bin/time (less sensitive to a busy machine than wall time). */
function cpuRun(args) {
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', process.execPath, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME } });
  if (r.status !== 0) return undefined;
  const last = r.stderr.trim().split('\n').pop().split(' ').map(Number);
  return (last[0] + last[1]) * 1000;
}

function main() {
  if (!fs.existsSync(CLI)) {
    console.error('bench/config.js: dist/ is missing; run `npm run build` first');
    process.exit(2);
  }
  const files = corpusFiles();
  if (files.length === 0) {
    console.error(`bench/config.js: no corpus at ${CORPUS}`);
    process.exit(2);
  }
  const { loadProject, renderConfig } = require(path.join(ROOT, 'dist/lib/compose'));
  const { nodeFileReader } = require(path.join(ROOT, 'dist/lib/io/node-reader'));
  const env = { HOME: process.env.HOME, PATH: process.env.PATH };
  const loadAll = () => {
    for (const f of files) {
      const { result } = loadProject({ files: [f], workingDirectory: path.dirname(f), environment: env, reader: nodeFileReader });
      renderConfig(result, { format: 'yaml' });
    }
  };

  console.log('# compose loader benchmark');
  console.log(`node ${process.version}, ${require('os').cpus().length} CPUs, load average ${require('os').loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  loadAll(); // warm-up: JIT, module loading, file cache
  const rounds = 5;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) loadAll();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const perSecond = (files.length * rounds) / seconds;
  console.log(`\n1. in-process: ${files.length} corpus files x ${rounds} rounds (load + render) in ${(seconds * 1000).toFixed(0)} ms`);
  console.log(`   ${perSecond.toFixed(0)} files/second, ${((seconds * 1000) / (files.length * rounds)).toFixed(2)} ms per file`);

  const sample = files.find((f) => f.includes('react-express-mysql')) || files[0];
  const bare = [];
  const config = [];
  timeRun(['-e', '0']);
  timeRun([CLI, 'config', '-f', sample]);
  for (let i = 0; i < RUNS; i++) {
    // interleaved, so drift in machine load hits both sides alike
    bare.push(timeRun(['-e', '0']));
    config.push(timeRun([CLI, 'config', '-f', sample]));
  }
  const mb = median(bare);
  const mc = median(config);
  console.log(`\n2. process start-up, ${RUNS} runs each (median): ${path.relative(CORPUS, sample)}`);
  console.log(`   node -e 0                          ${mb.toFixed(1)} ms`);
  console.log(`   node dist/bin/cli.js config -f ...  ${mc.toFixed(1)} ms`);
  console.log(`   ratio ${(mc / mb).toFixed(2)}x (target: ≤ 1.5x; bench/startup.js: every Node line)`);
  if (fs.existsSync('/usr/bin/time')) {
    const cb = [];
    const cc = [];
    for (let i = 0; i < RUNS; i++) {
      cb.push(cpuRun(['-e', '0']));
      cc.push(cpuRun([CLI, 'config', '-f', sample]));
    }
    if (!cb.includes(undefined) && !cc.includes(undefined)) {
      const b = median(cb);
      const c = median(cc);
      console.log(`   CPU time (user+sys, 10 ms resolution): node -e 0 ${b.toFixed(0)} ms, config ${c.toFixed(0)} ms, ratio ${(c / b).toFixed(2)}x`);
    }
  }
}

main();
