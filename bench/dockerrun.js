#!/usr/bin/env node
/**
 * Benchmarks the compose → Elastic Beanstalk conversion (figures are printed, never asserted):
 *
 * 1. throughput of `composeToBundle` over the awesome-compose corpus (the models loaded once; files
 *    per second for the ecs and docker targets, counting failing files as converted: refusing is work too);
 * 2. load + convert throughput (loader included);
 * 3. wall time of `node dist/bin/cli.js dockerrun -f <file>` against bare `node -e 0`, as a ratio
 *    (target: ≤ 1.5x; bench/startup.js measures it on every Node line), median of several runs.
 *
 * Needs `npm run build` first (npm run bench does it). Usage: node bench/dockerrun.js [--runs N]
 */
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');
if (!fs.existsSync(path.join(dist, 'lib', 'bundle', 'index.js'))) {
  console.error('dist/ is missing: run `npm run build` first');
  process.exit(1);
}
const { loadProject } = require(path.join(dist, 'lib', 'compose'));
const { composeToBundle } = require(path.join(dist, 'lib', 'bundle'));
const { nodeFileReader } = require(path.join(dist, 'lib', 'io', 'node-reader'));

const runsFlag = process.argv.indexOf('--runs');
const RUNS = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 9;
const corpus = path.resolve(root, 'test', 'corpus', 'awesome-compose');
const files = fs.existsSync(corpus)
  ? fs.readdirSync(corpus).sort()
    .map((d) => path.join(corpus, d))
    .filter((d) => fs.statSync(d).isDirectory())
    .map((d) => path.join(d, fs.readdirSync(d).find((f) => /^compose\.ya?ml$/.test(f))))
  : [];
if (files.length === 0) {
  console.error(`no corpus at ${corpus}`);
  process.exit(1);
}

const load = (file) => loadProject({ files: [file], workingDirectory: path.dirname(file), environment: {}, homeDirectory: '/home/bench', reader: nodeFileReader }).result;
const convert = (project, target) => {
  try {
    return composeToBundle(project, { target });
  } catch (e) {
    if (e && e.isUserError) return undefined;
    throw e;
  }
};

const models = files.map(load);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function throughput(label, fn) {
  // warm up, then time whole passes over the corpus for at least ~1 s
  fn();
  let passes = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < 1e9 || passes < 3) {
    fn();
    passes++;
    elapsed = Number(process.hrtime.bigint() - start);
  }
  const perSecond = (passes * files.length) / (elapsed / 1e9);
  console.log(`${label.padEnd(36)} ${perSecond.toFixed(0).padStart(8)} files/s  (${passes} passes over ${files.length} files)`);
}

console.log(`corpus: ${files.length} compose files (${corpus})`);
let ok = 0;
for (const m of models) if (convert(m, 'ecs')) ok++;
console.log(`converted for ecs: ${ok}, refused with a fatal-key error: ${files.length - ok}`);
throughput('convert (ecs)', () => models.forEach((m) => convert(m, 'ecs')));
throughput('convert (docker)', () => models.forEach((m) => convert(m, 'docker')));
throughput('load + convert (ecs)', () => files.forEach((f) => convert(load(f), 'ecs')));

function wall(args, cwd) {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { cwd, stdio: ['ignore', 'ignore', 'ignore'] });
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (r.status !== 0 && r.status !== 2) throw new Error(`${args.join(' ')} exited with ${r.status}`);
  }
  return median(times);
}

const sample = files.find((f) => f.includes('react-express-mysql')) ?? files[0];
const cli = path.join(dist, 'bin', 'cli.js');
const bare = wall(['-e', '0'], root);
const run = wall([cli, 'dockerrun', '-q', '-f', sample], root);
console.log(`node -e 0                            ${bare.toFixed(1).padStart(8)} ms (median of ${RUNS})`);
console.log(`beanstack dockerrun -f ${path.basename(path.dirname(sample))}/${path.basename(sample)}`.padEnd(37) + ` ${run.toFixed(1).padStart(8)} ms (median of ${RUNS})`);
console.log(`ratio                                ${(run / bare).toFixed(2).padStart(8)}x (target: ≤ 1.5x)`);
