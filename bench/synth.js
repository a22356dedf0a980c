#!/usr/bin/env node
/**
 * Synth time of the README's example through beanstack (compose loading, conversion, constructs,
 * cdk-nag) next to the same stack written by hand with plain aws-cdk-lib (bench/handwritten-app.js),
 * in one process, alternating, after one warm-up run of each. Prints both medians and the ratio
 * (target: beanstack ≤ 1.10× the hand-written app, issue 13). Figures are printed, never asserted.
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

function timeOnce(kind) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-synth-${kind}-`));
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  let app;
  if (kind === 'beanstack') {
    app = createBeanstackApp({ cwd: ROOT, env: {}, context: { ...cliContext, stage: 'dev' }, outdir }).app;
  } else {
    app = buildHandwrittenApp(outdir).app;
  }
  const assembly = app.synth();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const cpu = process.cpuUsage(cpuStart);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const template = assembly.stacks[0].template;
  const resources = Object.keys(template.Resources).length;
  fs.rmSync(outdir, { recursive: true, force: true });
  return { ms, cpuMs, resources };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const warm = { beanstack: timeOnce('beanstack'), handwritten: timeOnce('handwritten') };
const wall = { beanstack: [], handwritten: [] };
const cpu = { beanstack: [], handwritten: [] };
for (let i = 0; i < iterations; i++) {
  for (const kind of i % 2 === 0 ? ['beanstack', 'handwritten'] : ['handwritten', 'beanstack']) {
    const r = timeOnce(kind);
    wall[kind].push(r.ms);
    cpu[kind].push(r.cpuMs);
  }
}
const row = (label, kind) => `  ${label.padEnd(44)} wall ${median(wall[kind]).toFixed(0).padStart(5)} ms  cpu ${median(cpu[kind]).toFixed(0).padStart(5)} ms  ${warm[kind].resources} resources  (first run ${warm[kind].ms.toFixed(0)} ms, module loading included)`;
console.log(`synth of examples/fullstack (dev stage, cdk-nag and template checks on), ${iterations} iterations each after one warm-up, medians:`);
console.log(row('beanstack (compose → bundle → constructs)', 'beanstack'));
console.log(row('hand-written aws-cdk-lib app', 'handwritten'));
console.log(`  ratio beanstack / hand-written: wall ${(median(wall.beanstack) / median(wall.handwritten)).toFixed(2)}x, cpu ${(median(cpu.beanstack) / median(cpu.handwritten)).toFixed(2)}x (target ≤ 1.10x)`);
