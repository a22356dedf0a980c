#!/usr/bin/env node
/**
 * `beanstack local` on the example app (examples/fullstack, copied to a temp dir): a cold build
 * (--rebuild), a rerun with no change (target: ≤ 10% of the cold build time, since every image is
 * reused by content hash), and a rerun after changing one service's source (only that image is
 * rebuilt). Each run goes up to a healthy app (--detach) and is then removed (--down). Figures are
 * printed side by side, never asserted. Needs a Docker engine (DOCKER_HOST, or the CI socket of
 * scripts/start-dockerd.sh) and the e2e base images (made by scripts/e2e/base-images.sh when the
 * host has busybox-static, nginx and mariadb-server); otherwise it says why it is skipped.
 *
 *   npm run build && node bench/local.js
 */
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const repo = path.resolve(__dirname, '..');
const env = { ...process.env };
if (!env.DOCKER_HOST && fs.existsSync('/run/beanstack-ci/docker.sock')) env.DOCKER_HOST = 'unix:///run/beanstack-ci/docker.sock';

function skip(why) {
  console.log(`bench/local.js skipped: ${why}`);
  process.exit(0);
}

if (spawnSync('docker', ['version'], { env, stdio: 'ignore' }).status !== 0) skip('no Docker engine answers (start one with: bash scripts/start-dockerd.sh)');
const cliPath = path.join(repo, 'dist', 'bin', 'cli.js');
if (!fs.existsSync(cliPath)) skip('dist/ is missing; run npm run build first');
const base = spawnSync('bash', [path.join(repo, 'scripts', 'e2e', 'base-images.sh')], { env, encoding: 'utf8' });
const dbImage = env.BENCH_DB_IMAGE || 'mariadb:10.11';
if (base.status !== 0 && spawnSync('docker', ['image', 'inspect', 'node:20-bookworm-slim'], { env, stdio: 'ignore' }).status !== 0) {
  skip(`the base images are missing and could not be made:\n${base.stderr}`);
}

const { main } = require(cliPath);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-bench-local-'));
const app = path.join(work, 'app');
fs.cpSync(path.join(repo, 'examples', 'fullstack'), app, { recursive: true });
const files = ['-f', 'docker-compose.yml', '-f', 'docker-compose.prod.yml', '-p', 'bench-local'];

async function cli(args) {
  let stderr = '';
  const started = process.hrtime.bigint();
  const code = await main(args, { cwd: app, env, stdout: () => undefined, stderr: (t) => { stderr += t; }, isTty: false });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (code !== 0) throw new Error(`beanstack ${args.join(' ')} exited ${code}:\n${stderr}`);
  return { seconds, stderr };
}

async function run(label, extra) {
  const up = await cli(['local', ...files, '--db-image', dbImage, '--publish', '80=0', '--detach', '-q', '--out', path.join(work, 'bundle'), ...extra]);
  await cli(['local', '--down', ...files]);
  const m = /images ready in ([\d.]+) s \(([^)]*)\)/.exec(up.stderr);
  return { label, build: m ? Number(m[1]) : NaN, total: up.seconds, rebuilt: m ? m[2] : '?' };
}

(async () => {
  const rows = [];
  try {
    await cli(['local', '--down', ...files]);
    rows.push(await run('cold build (--rebuild)', ['--rebuild']));
    rows.push(await run('rerun, no change', []));
    const server = path.join(app, 'api', 'src', 'server.js');
    fs.appendFileSync(server, `\n// bench change ${Date.now()}\n`);
    rows.push(await run('rerun, api source changed', []));
  } finally {
    await cli(['local', '--down', ...files]).catch(() => undefined);
    fs.rmSync(work, { recursive: true, force: true });
  }
  const cold = rows[0].build;
  console.log('beanstack local on examples/fullstack (3 images; RDS stand-in ' + dbImage + ')');
  console.log(['run'.padEnd(28), 'images (s)'.padStart(11), '% of cold'.padStart(10), 'up+healthy (s)'.padStart(15), '  images built'].join(''));
  for (const r of rows) {
    console.log([r.label.padEnd(28), r.build.toFixed(2).padStart(11), `${((r.build / cold) * 100).toFixed(1)}%`.padStart(10), r.total.toFixed(2).padStart(15), `  ${r.rebuilt}`].join(''));
  }
  const warm = rows[1].build / cold;
  console.log(`no-change rerun: ${(warm * 100).toFixed(1)}% of the cold build (target ≤ 10%)`);
})().catch((e) => {
  console.error(e.stack || String(e));
  process.exitCode = 1;
});
