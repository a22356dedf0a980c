#!/usr/bin/env node
/**
 * Planning time against project size (figures printed, never asserted). Generates compose projects
 * of 1,000, 2,000, 4,000 and 8,000 services — each service with an image or a build, ports, a named
 * volume, environment variables naming neighbours, depends_on and links to the services before it,
 * healthchecks and resource limits, plus a MySQL database every 50 services (the first replaced by RDS, the others kept as containers) — and
 * times `loadProject` (the compose loader: YAML, interpolation, merge, schema, normalization,
 * semantic checks), `planBundle` and `renderBundle` separately (median of several runs, docker
 * target: the target without ECS's per-task container limit), printing each step's growth factor
 * when the size doubles: ~2.0 is linear, ~4.0 quadratic.
 *
 * Needs `npm run build` first (npm run bench does it). Usage: node bench/plan.js [--runs N] [--sizes 1000,2000] [--cpu]
 * (`--cpu`: CPU time of the process, user + system, instead of wall time — less distorted when other
 * processes share the machine).
 */
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');
if (!fs.existsSync(path.join(dist, 'lib', 'bundle', 'index.js'))) {
  console.error('dist/ is missing: run `npm run build` first');
  process.exit(1);
}
const { loadProject } = require(path.join(dist, 'lib', 'compose'));
const { planBundle, renderBundle } = require(path.join(dist, 'lib', 'bundle'));

const flag = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const RUNS = Number(flag('--runs', 3));
const SIZES = flag('--sizes', '1000,2000,4000,8000').split(',').map(Number);

/** A compose file of `n` services, each connected to its neighbours the ways real apps are (flow style: 8,000 services stay under the loader's 4 MiB limit). */
function composeText(n) {
  const lines = ['name: bench', 'x-beanstack: { database: db49, web: svc0 }', 'services:'];
  const dbOf = (i) => Math.floor(i / 50) * 50 + 49;
  const isDb = (i) => i % 50 === 49;
  const before = (i) => (isDb(i) ? i - 1 : i);
  for (let i = 0; i < n; i++) {
    if (isDb(i)) {
      lines.push(`  db${i}:`, '    image: mysql:8.0', `    environment: { MYSQL_DATABASE: app${i}, MYSQL_ROOT_PASSWORD_FILE: /run/secrets/db_password }`, '    secrets: [db_password]', `    volumes: ["db${i}-data:/var/lib/mysql"]`);
      if (i !== 49) lines.push('    x-beanstack: { database: false }');
      continue;
    }
    lines.push(`  svc${i}:`);
    if (i % 3 === 0) lines.push(`    build: { context: ./app${i % 7}, args: { VARIANT: v${i % 5} } }`);
    else lines.push(`    image: registry.example.com/team/svc${i}:1.${i % 10}`);
    const env = [`PEER_URL: "http://svc${before(Math.max(0, i - 1))}:8080/"`, `INDEX: "${i}"`];
    if (dbOf(i) < n) env.push(`DB_HOST: db${dbOf(i)}`, 'DB_PASSWORD_FILE: /run/secrets/db_password');
    lines.push(`    environment: { ${env.join(', ')} }`);
    if (i > 0) lines.push(`    depends_on: [svc${before(i - 1)}]`);
    if (i % 4 === 1 && i > 1) lines.push(`    links: [svc${before(i - 2)}]`);
    lines.push(i % 10 === 0 ? `    ports: ["${10000 + i}:8080"]` : '    expose: ["8080"]');
    lines.push(`    volumes: ["data${i}:/var/lib/app"]`);
    lines.push('    healthcheck: { test: [CMD, wget, -q, -O-, "http://localhost:8080/health"], interval: 10s }');
    lines.push('    deploy: { resources: { limits: { memory: 128M } } }');
    if (dbOf(i) < n) lines.push('    secrets: [db_password]');
  }
  lines.push('volumes:');
  for (let i = 0; i < n; i++) lines.push(isDb(i) ? `  db${i}-data: {}` : `  data${i}: {}`);
  lines.push('secrets:', '  db_password: { file: ./db_password.txt }');
  return `${lines.join('\n')}\n`;
}

/** An in-memory reader: the generated file, build contexts with a Dockerfile, the secret file. */
function reader(text) {
  const files = new Map([['/bench/compose.yaml', text], ['/bench/db_password.txt', 'bench-password-not-secret\n']]);
  for (let k = 0; k < 7; k++) files.set(`/bench/app${k}/Dockerfile`, 'FROM node:20\nCMD ["node", "server.js"]\n');
  const dirs = new Set(['/bench', ...Array.from({ length: 7 }, (_, k) => `/bench/app${k}`)]);
  return {
    readFile: (p) => files.get(p),
    exists: (p) => files.has(p) || dirs.has(p),
    isDirectory: (p) => dirs.has(p),
    listDirectory: (p) => (dirs.has(p) ? [...files.keys(), ...dirs].filter((f) => path.posix.dirname(f) === p).map((f) => path.posix.basename(f)).sort() : undefined),
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const CPU = process.argv.includes('--cpu');
const time = (fn) => {
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  const value = fn();
  const cpu = process.cpuUsage(cpuStart);
  return { value, ms: CPU ? (cpu.user + cpu.system) / 1000 : Number(process.hrtime.bigint() - start) / 1e6 };
};

// warm-up (not timed): the first load compiles the loader, the schema validator and the planner
{
  const r = reader(composeText(100));
  const project = loadProject({ files: ['/bench/compose.yaml'], workingDirectory: '/bench', environment: {}, homeDirectory: '/home/bench', reader: r }).result;
  renderBundle(planBundle(project, { target: 'docker', reader: r }), {});
}
console.log(`target docker; ${CPU ? 'CPU time (user + system)' : 'wall time'}, median of ${RUNS} runs per size (after a warm-up run of 100 services)`);
console.log(`${'services'.padStart(8)} ${'load ms'.padStart(9)} ${'×'.padStart(5)} ${'plan ms'.padStart(9)} ${'×'.padStart(5)} ${'render ms'.padStart(10)} ${'×'.padStart(5)} ${'plan+render'.padStart(12)}`);
let previous;
for (const n of SIZES) {
  const text = composeText(n);
  const r = reader(text);
  const loads = [];
  const plans = [];
  const renders = [];
  for (let k = 0; k < RUNS; k++) {
    // one size's project at a time: the previous run's is garbage before the next load
    const load = time(() => loadProject({ files: ['/bench/compose.yaml'], workingDirectory: '/bench', environment: {}, homeDirectory: '/home/bench', reader: r }).result);
    loads.push(load.ms);
    const p = time(() => planBundle(load.value, { target: 'docker', reader: r }));
    plans.push(p.ms);
    renders.push(time(() => renderBundle(p.value, {})).ms);
  }
  const row = { n, load: median(loads), plan: median(plans), render: median(renders) };
  const growth = (key) => (previous ? (row[key] / previous[key]).toFixed(2) : '');
  console.log(`${String(n).padStart(8)} ${row.load.toFixed(0).padStart(9)} ${growth('load').padStart(5)} ${row.plan.toFixed(0).padStart(9)} ${growth('plan').padStart(5)} ${row.render.toFixed(0).padStart(10)} ${growth('render').padStart(5)} ${(row.plan + row.render).toFixed(0).padStart(12)}`);
  previous = row;
}
console.log('growth × is the ratio to the previous size (sizes double): ~2 is linear, ~4 quadratic');
