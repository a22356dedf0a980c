#!/usr/bin/env node
/**
 * The start-up step of `npm run build` (after tsc): bundles bin/cli.ts — the CLI, the `config` and
 * `dockerrun` commands and everything they load (lib/compose, lib/bundle, lib/io, the generated
 * schema validators, `yaml`, `commander`) — into one file, dist/bin/cli.bundle.js, with esbuild
 * (which strips the types; tsc has checked them), and puts the launcher (bin/launcher.js) at
 * dist/bin/cli.js. One file instead of ~110 modules, run
 * with V8's code cache by the launcher, is what brings `beanstack config` / `dockerrun` close to bare
 * node (docs/compose-loader.md, "Start-up").
 *
 * The other commands stay outside the bundle: the command table's `require('./<name>')` becomes
 * `require('./commands/<name>')`, the plain compile next to the bundle, loaded only when that
 * command runs (they load aws-cdk-lib or the SDK inside their action, never at start-up).
 *
 * Rules the bundle relies on (the build fails when one is broken, naming the file):
 * - no aws-cdk-lib, constructs or AWS SDK module in it (config/dockerrun must never load them);
 * - a `require` of a variable in a bundled file is refused (a bundle resolves only literal paths).
 *
 * The generated ajv validators (`*.generated`, 400 KB together) stay outside too: they run only for
 * an invalid document (a valid one is answered by lib/util/schema-check.ts), so a run loads them
 * from the plain compile next to the bundle only then.
 *
 * `commander` requires child_process at load for git-style subcommands beanstack does not use: in the
 * bundle it gets a stand-in that loads child_process on first use.
 */
'use strict';
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const BIN = path.join(ROOT, 'dist', 'bin');
/** Commands bundled with the CLI; the rest of bin/commands/index.ts's table stays outside. */
const FAST_COMMANDS = ['config', 'dockerrun'];
const FORBIDDEN = /^(aws-cdk-lib|constructs|cdk-nag|@aws-sdk\/|@aws-cdk\/|@smithy\/)/;

const plugin = {
  name: 'beanstack-cli',
  setup(build) {
    // the command table: only the fast commands are bundled
    build.onResolve({ filter: /^\.\/[a-z-]+$/ }, (args) => {
      if (path.resolve(args.resolveDir) !== path.join(ROOT, 'bin', 'commands') || !/index\.ts$/.test(args.importer)) return undefined;
      const name = args.path.slice(2);
      return FAST_COMMANDS.includes(name) ? undefined : { path: `./commands/${name}`, external: true };
    });
    build.onResolve({ filter: FORBIDDEN }, (args) => ({
      errors: [{ text: `${path.relative(ROOT, args.importer)} requires ${args.path}, which config and dockerrun must never load; load it inside a command's action` }],
    }));
    build.onResolve({ filter: /^(node:)?child_process$/ }, (args) => (/node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: 'lazy-child-process', namespace: 'beanstack' } : undefined));
    build.onLoad({ filter: /^lazy-child-process$/, namespace: 'beanstack' }, () => ({
      contents: "module.exports = new Proxy({}, { get: (_, key) => require('child_process')[key] });",
      loader: 'js',
    }));
    build.onResolve({ filter: /\.generated$/ }, (args) => {
      const compiled = path.join(ROOT, 'dist', path.relative(ROOT, path.resolve(args.resolveDir, args.path)));
      const rel = path.relative(BIN, compiled).split(path.sep).join('/');
      return { path: rel.startsWith('.') ? rel : './' + rel, external: true };
    });
    build.onLoad({ filter: /[\\/]lib[\\/].*\.ts$/ }, async (args) => {
      const text = await fs.promises.readFile(args.path, 'utf8');
      if (!/\brequire\((?!['"`])/.test(text)) return undefined;
      return { errors: [{ text: `${path.relative(ROOT, args.path)} requires a computed path, which a bundle cannot resolve; require a literal path` }] };
    });
  },
};

async function bundleCli() {
  const esbuild = require('esbuild');
  const entry = path.join(BIN, 'cli.js');
  await esbuild.build({
    entryPoints: [path.join(ROOT, 'bin', 'cli.ts')],
    outfile: path.join(BIN, 'cli.bundle.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // names are not minified, so a bug's stack trace names real functions without esbuild's
    // keepNames, whose `__name()` call on every function and class definition cost start-up time
    minifyWhitespace: true,
    minifySyntax: true,
    minifyIdentifiers: false,
    // ASCII only, so the launcher reads the file as latin1: no UTF-8 decoding, a one-byte string
    charset: 'ascii',
    legalComments: 'none',
    logLevel: 'warning',
    plugins: [plugin],
  });
  fs.copyFileSync(path.join(ROOT, 'bin', 'launcher.js'), entry);
  fs.chmodSync(entry, 0o755);
}

module.exports = { bundleCli, FAST_COMMANDS };

if (require.main === module) {
  bundleCli().catch((e) => {
    process.stderr.write(`bundle-cli: ${e.message}\n`);
    process.exitCode = 1;
  });
}
