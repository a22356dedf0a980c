#!/usr/bin/env node
/**
 * Synth time of the README's example through beanstack (compose loading, conversion, constructs,
 * cdk-nag) next to the same stack written by hand with plain aws-cdk-lib (bench/handwritten-app.js),
 * in one process, alternating (the order flips every round), after one warm-up run of each. Both
 * apps have the same 39 resources and the same validations (cdk-nag's AwsSolutions and aws-cdk-lib's
 * template checks); both write the bundle they ship and stage it as an asset. What beanstack does on
 * top is its product: load and validate the compose files, plan and render the bundle, check the
 * build contexts, report its warnings.
 *
 * Prints, per app, the median and the interquartile range of: wall time; CPU time of the process
 * (every thread: the garbage collector's and the compilers' too); and, on Linux, CPU time of the main
 * thread (from /proc: it leaves out the time spent waiting for a CPU, so it is the steadiest figure on
 * a shared machine). Then the ratios beanstack / hand-written: of the medians, and the median of the
 * per-round ratios (target: ≤ 1.10, issue 13). The first run's figure includes loading the modules,
 * and for the app that runs first (beanstack) also the one-time start of aws-cdk-lib's template-check
 * engine (seconds). Run 15 iterations or more: the first rounds still compile hot code. Figures are
 * printed, never asserted.
 *
 *   npm run build && node bench/synth.js [iterations]     (default 5)
 */
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const { createBeanstackApp } = require(path.join(ROOT, 'dist', 'bin', 'app.js'));
const { buildHandwrittenApp } = require('./handwritten-app');

const iterations = Math.max(1, Number(process.argv[2] ?? 5) || 5);
const cliContext = {
  ...JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')).context,
  ...JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.context.json'), 'utf8')),
};

/** CPU time of the main thread in ms (Linux), else undefined. */
const SCHEDSTAT = `/proc/self/task/${process.pid}/schedstat`;
const mainThreadMs = fs.existsSync(SCHEDSTAT) ? () => Number(fs.readFileSync(SCHEDSTAT, 'utf8').split(' ')[0]) / 1e6 : () => undefined;

function timeOnce(kind) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-synth-${kind}-`));
  const mainStart = mainThreadMs();
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  let app;
  if (kind === 'beanstack') {
    app = createBeanstackApp({ cwd: ROOT, env: {}, context: { ...cliContext, stage: 'dev' }, outdir }).app;
  } else {
    app = buildHandwrittenApp(outdir).app;
  }
  const assembly = app.synth();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const cpu = process.cpuUsage(cpuStart);
  const mainEnd = mainThreadMs();
  const template = assembly.stacks[0].template;
  const resources = Object.keys(template.Resources).length;
  fs.rmSync(outdir, { recursive: true, force: true });
  return { wall: ms, cpu: (cpu.user + cpu.system) / 1000, main: mainStart === undefined ? undefined : mainEnd - mainStart, resources };
}

/** The p-quantile of `xs` (linear interpolation). */
const quantile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  const i = (s.length - 1) * p;
  return s[Math.floor(i)] + (s[Math.ceil(i)] - s[Math.floor(i)]) * (i - Math.floor(i));
};
const median = (xs) => quantile(xs, 0.5);

const warm = { beanstack: timeOnce('beanstack'), handwritten: timeOnce('handwritten') };
const runs = { beanstack: [], handwritten: [] };
for (let i = 0; i < iterations; i++) {
  for (const kind of i % 2 === 0 ? ['beanstack', 'handwritten'] : ['handwritten', 'beanstack']) runs[kind].push(timeOnce(kind));
}
const metrics = ['wall', 'cpu', ...(warm.beanstack.main === undefined ? [] : ['main'])];
const label = { wall: 'wall', cpu: 'cpu', main: 'main-thread cpu' };
const figure = (kind, m) => {
  const xs = runs[kind].map((r) => r[m]);
  return `${label[m]} ${median(xs).toFixed(0)} ms (${quantile(xs, 0.25).toFixed(0)}–${quantile(xs, 0.75).toFixed(0)})`;
};
console.log(`synth of examples/fullstack (dev stage, cdk-nag and template checks on), ${iterations} iterations each after one warm-up; medians (interquartile range):`);
for (const [kind, name] of [['beanstack', 'beanstack (compose → bundle → constructs)'], ['handwritten', 'hand-written aws-cdk-lib app']]) {
  console.log(`  ${name.padEnd(44)} ${metrics.map((m) => figure(kind, m)).join('  ')}  ${warm[kind].resources} resources  (first run ${warm[kind].wall.toFixed(0)} ms, module loading included)`);
}
const ratios = metrics.map((m) => {
  const ofMedians = median(runs.beanstack.map((r) => r[m])) / median(runs.handwritten.map((r) => r[m]));
  const perRound = median(runs.beanstack.map((r, i) => r[m] / runs.handwritten[i][m]));
  return `${label[m]} ${ofMedians.toFixed(2)}x (per round ${perRound.toFixed(2)}x)`;
});
console.log(`  ratio beanstack / hand-written: ${ratios.join(', ')} (target ≤ 1.10x)`);
