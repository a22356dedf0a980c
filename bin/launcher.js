#!/usr/bin/env -S node --
/**
 * The `beanstack` executable (dist/bin/cli.js after `npm run build`; scripts/build.js copies this
 * file there). It runs dist/bin/cli.bundle.js — bin/cli.ts bundled with the `config` and `dockerrun`
 * commands, the compose loader, the converter, `yaml`, the schema validators and `commander`, one
 * file instead of ~110 modules — and keeps V8's code cache of it, so a second run neither parses nor
 * compiles again what the first one ran. Start-up is a feature: `config` and `dockerrun` must start
 * close to bare node (docs/compose-loader.md, "Start-up"; bench/config.js, bench/dockerrun.js).
 *
 * The cache: one file per command (`config`, `dockerrun`, the others together) and per Node version,
 * bundle and install, in `<tmpdir>/beanstack-compile-cache-<uid>/`, a directory only the user may
 * write (anything else — a link, other permissions, another owner — and no cache is used). It is
 * written once, after the run that had none or whose cache V8 rejected, atomically (temp file, then
 * rename). V8 checks a cache against the source and its own version and flags before using it, and
 * any failure of the cache only costs the speed-up. NODE_DISABLE_COMPILE_CACHE=1 turns it off, as it
 * does Node's own compile cache.
 *
 * `require('dist/bin/cli.js')` gives the bundle's exports (`main`, `run`), as the plain compile did.
 */
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');
// the CommonJS loader's Module class, without loading the public `module` builtin (and with it part
// of the ES module loader) at every start
const Module = module.constructor;

const BUNDLE = path.join(__dirname, 'cli.bundle.js');
/** Commands whose runs get a cache of their own; the rest share one. */
const OWN_CACHE = ['config', 'dockerrun'];

/** FNV-1a of a string, 8 hex digits (a file-name key, not a security measure). */
function fnv1a(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/**
 * `os.tmpdir()` without loading `os` (another builtin to compile at every start): on POSIX it is
 * TMPDIR, TMP or TEMP, else /tmp, without a trailing slash.
 */
function tmpdir() {
  if (process.platform === 'win32') return require('os').tmpdir();
  const dir = process.env.TMPDIR || process.env.TMP || process.env.TEMP || '/tmp';
  return dir.length > 1 && dir.endsWith('/') ? dir.slice(0, -1) : dir;
}

/** The cache file for this run, or undefined when no safe cache directory can be had. */
function cacheFile(stat) {
  if (process.env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  try {
    const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
    const dir = path.join(tmpdir(), `beanstack-compile-cache-${uid ?? 'user'}`);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = fs.lstatSync(dir);
    if (!st.isDirectory() || (st.mode & 0o077) !== 0 || (uid !== undefined && st.uid !== uid)) return undefined;
    const command = process.argv.slice(2).find((a) => !a.startsWith('-'));
    const key = [OWN_CACHE.includes(command) ? command : 'other', process.version, process.arch, fnv1a(`${BUNDLE}\0${stat.size}\0${stat.mtimeMs}`)].join('-');
    return path.join(dir, `${key}.bin`);
  } catch {
    return undefined;
  }
}

function loadBundle() {
  const text = fs.readFileSync(BUNDLE, 'latin1'); // the bundle is ASCII (scripts/bundle-cli.js)
  // the bundle keeps the hashbang of bin/cli.ts; as a comment it leaves every position where it was
  const source = text.startsWith('#!') ? `//${text}` : text;
  const cache = cacheFile(fs.statSync(BUNDLE));
  let cachedData;
  if (cache) {
    try {
      cachedData = fs.readFileSync(cache);
    } catch {
      cachedData = undefined;
    }
  }
  const script = new vm.Script(Module.wrap(source), { filename: BUNDLE, cachedData });
  if (cache && (cachedData === undefined || script.cachedDataRejected)) {
    // after the run: the cache then holds every function this command compiled, not only the top level
    process.once('exit', () => {
      try {
        const tmp = `${cache}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
        fs.renameSync(tmp, cache);
        // the caches of earlier bundles of this command and Node are of no use any more
        const prefix = path.basename(cache).replace(/[^-]+\.bin$/, '');
        for (const f of fs.readdirSync(path.dirname(cache))) {
          if (f.startsWith(prefix) && f !== path.basename(cache)) fs.rmSync(path.join(path.dirname(cache), f), { force: true });
        }
      } catch {
        // no cache this time
      }
    });
  }
  const bundle = new Module(BUNDLE, module);
  bundle.filename = BUNDLE;
  bundle.paths = Module._nodeModulePaths(__dirname);
  script.runInThisContext().call(bundle.exports, bundle.exports, Module.createRequire(BUNDLE), bundle, BUNDLE, __dirname);
  bundle.loaded = true;
  return bundle.exports;
}

module.exports = loadBundle();
if (require.main === module) module.exports.run();
