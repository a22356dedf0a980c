/**
 * Conformance with an independent implementation: Debian's docker-compose 1.29.2.
 *
 * Every compose file of the awesome-compose corpus, and every spec-derived case under `cases/`, is
 * loaded by both implementations; both results are mapped to one canonical shape (canonical.ts,
 * where each legitimate difference is documented with its spec reference) and compared.
 *
 * Every case under `refused/` is a file both implementations must refuse, for the same reason:
 * 1.29.2's message contains the `oracle` fragment of the case's `expect.json`, and our loader throws
 * a located user error with its `code`.
 *
 * 1.29.2 runs through its own entry point (`compose.cli.main.main`, what the `docker-compose` script
 * calls) in one Python process for all folders (driver.py), so the suite pays the interpreter
 * start-up once.
 *
 * 1.29.2 predates parts of the specification and refuses absent build directories, so it runs on
 * a temporary COPY of each folder where:
 * - the top-level `name:` is removed (04-version-and-name.md; 1.29.2 rejects it) — the project
 *   name is not part of the comparison;
 * - an empty directory is created for every `build` context (05-services.md#build: Compose only
 *   needs the directory at build time; 1.29.2 checks it at load time).
 * Our loader runs on the original files; paths of the copy are mapped back before comparing.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse, parseDocument } from 'yaml';
import { loadProject } from '../../../lib/compose';
import { isUserError } from '../../../lib/errors';
import { nodeFileReader } from '../../../lib/io/node-reader';
import { Canonical, canonicalFromModel, canonicalFromOracle, ShellSplit } from './canonical';
import { CORPUS_DIR, REQUIRED, corpusComposeFiles, hasDockerCompose, skipLoudly } from './env';

const CASES_DIR = path.join(__dirname, 'cases');
const REFUSED_DIR = path.join(__dirname, 'refused');
const available = hasDockerCompose();
const corpus = corpusComposeFiles();

interface Case {
  readonly id: string;
  /** The original compose file. */
  readonly file: string;
  /** Files merged over it (`-f` order), e.g. `compose.override.yaml` of a case. */
  readonly overrides?: readonly string[];
  /** Extra environment for both implementations. */
  readonly env?: Record<string, string>;
  /** For a case both must refuse: our error code, and a fragment of 1.29.2's message. */
  readonly refused?: { readonly code: string; readonly oracle: string };
}

/**
 * Spec-derived cases: `cases/<name>/compose.yaml`, optional `cases/<name>/compose.override.yaml`
 * (merged over it) and `cases/<name>/env.json` (environment variables).
 */
function specCases(): Case[] {
  return fs
    .readdirSync(CASES_DIR)
    .sort()
    .filter((d) => fs.existsSync(path.join(CASES_DIR, d, 'compose.yaml')))
    .map((d) => {
      const envFile = path.join(CASES_DIR, d, 'env.json');
      const override = path.join(CASES_DIR, d, 'compose.override.yaml');
      return {
        id: `case ${d}`,
        file: path.join(CASES_DIR, d, 'compose.yaml'),
        ...(fs.existsSync(override) ? { overrides: [override] } : {}),
        ...(fs.existsSync(envFile) ? { env: JSON.parse(fs.readFileSync(envFile, 'utf8')) as Record<string, string> } : {}),
      };
    });
}

/** Files both implementations refuse: `refused/<name>/compose.yaml` and `refused/<name>/expect.json`. */
function refusedCases(): Case[] {
  return fs
    .readdirSync(REFUSED_DIR)
    .sort()
    .map((d) => ({
      id: `refused ${d}`,
      file: path.join(REFUSED_DIR, d, 'compose.yaml'),
      refused: JSON.parse(fs.readFileSync(path.join(REFUSED_DIR, d, 'expect.json'), 'utf8')) as { code: string; oracle: string },
    }));
}

const ALL: Case[] = [...corpus.map((file) => ({ id: path.relative(CORPUS_DIR, file), file })), ...specCases(), ...refusedCases()];
const CASES = ALL.filter((c) => !c.refused);
const REFUSED = ALL.filter((c) => c.refused);

let tmpRoot = '';
let home = '';
const oracle = new Map<string, OracleResult & { copyDir: string }>();

function baseEnv(extra?: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, ...(extra ?? {}) };
}

/** Prepares the copy 1.29.2 can read (see the header). */
function prepareCopy(c: Case, index: number): string {
  const src = path.dirname(c.file);
  const dst = path.join(tmpRoot, String(index).padStart(3, '0') + '-' + path.basename(src));
  fs.cpSync(src, dst, { recursive: true });
  const composePath = path.join(dst, path.basename(c.file));
  const doc = parseDocument(fs.readFileSync(composePath, 'utf8'));
  if (doc.has('name')) {
    doc.delete('name');
    fs.writeFileSync(composePath, String(doc));
  }
  const data = parse(fs.readFileSync(composePath, 'utf8')) as { services?: Record<string, { build?: unknown }> };
  for (const svc of Object.values(data.services ?? {})) {
    const build = svc?.build;
    const context = typeof build === 'string' ? build : (build as { context?: string } | undefined)?.context;
    if (typeof context === 'string' && !/^[a-z]+:\/\//.test(context) && !context.includes('$')) {
      fs.mkdirSync(path.resolve(dst, context), { recursive: true });
    }
  }
  return dst;
}

/** The Python interpreter of the `docker-compose` script (its shebang), which has its modules. */
function composePython(): string {
  const script = spawnSync('sh', ['-c', 'command -v docker-compose'], { encoding: 'utf8' }).stdout.trim();
  const first = fs.readFileSync(script, 'utf8').split('\n')[0];
  return first.startsWith('#!') ? first.slice(2).trim().split(/\s+/)[0] : 'python3';
}

interface OracleResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
  /** command/entrypoint strings of the output → Python shlex words. */
  readonly shlex: Record<string, string[]>;
}

/**
 * Runs 1.29.2's `config` on every copy in one Python process (driver.py calls the entry point of
 * the `docker-compose` script, `compose.cli.main.main`, once per folder).
 */
function runOracle(jobs: { cwd: string; files: string[]; env: Record<string, string> }[]): OracleResult[] {
  const r = spawnSync(composePython(), [path.join(__dirname, 'driver.py')], {
    input: JSON.stringify({ jobs }),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 170_000,
  });
  if (r.status !== 0) throw new Error(`the docker-compose driver failed (${r.status ?? r.signal}):\n${r.stderr}`);
  return JSON.parse(r.stdout) as OracleResult[];
}

/**
 * 1.29.2's `config` prints every service whatever the active profiles (it applies them at `up`).
 * 15-profiles.md: "Services without a `profiles` attribute are always enabled"; a service with
 * profiles is enabled when one of them is active. Applied here to the oracle's output (a rule
 * written again for the test, not our `profiles.ts`).
 */
function applyProfiles(doc: Canonical, composeProfiles: string | undefined): Canonical {
  const active = (composeProfiles ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  const services = doc.services as Record<string, { profiles?: string[] }>;
  const kept = Object.fromEntries(
    Object.entries(services).filter(([, s]) => !s.profiles || active.includes('*') || s.profiles.some((p) => active.includes(p))),
  );
  return { ...doc, services: kept };
}

function ours(c: Case): Canonical {
  const { result } = loadProject({
    files: [c.file, ...(c.overrides ?? [])],
    workingDirectory: path.dirname(c.file),
    environment: baseEnv(c.env),
    reader: nodeFileReader,
  });
  return canonicalFromModel(result);
}

if (!available) {
  if (REQUIRED) {
    it('docker-compose 1.29.2 (the oracle) is installed', () => {
      throw new Error('docker-compose is not on PATH (apt-get install docker-compose); BEANSTACK_E2E=required or CI is set');
    });
  } else {
    skipLoudly('compose oracle suite', 'docker-compose is not on PATH (apt-get install docker-compose)');
    it.skip('docker-compose oracle', () => undefined);
  }
} else {
  describe('conformance with docker-compose 1.29.2', () => {
    beforeAll(() => {
      tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-oracle-'));
      home = path.join(tmpRoot, 'home');
      fs.mkdirSync(home);
      const copies = ALL.map((c, i) => prepareCopy(c, i));
      const results = runOracle(
        ALL.map((c, i) => ({
          cwd: copies[i],
          files: [c.file, ...(c.overrides ?? [])].map((f) => path.join(copies[i], path.basename(f))),
          env: baseEnv(c.env),
        })),
      );
      ALL.forEach((c, i) => oracle.set(c.id, { copyDir: copies[i], ...results[i] }));
    }, 180_000);

    afterAll(() => {
      if (tmpRoot) fs.rmSync(tmpRoot, { recursive: true, force: true });
    });

    it('covers the whole corpus', () => {
      if (corpus.length === 0) throw new Error(`corpus not found at ${CORPUS_DIR} (it is part of the repository)`);
      expect(corpus.length).toBeGreaterThanOrEqual(39);
    });

    it.each(CASES.map((c) => [c.id, c] as const))('%s', (_id, c) => {
      const o = oracle.get(c.id)!;
      if (o.status !== 0) throw new Error(`docker-compose config failed on ${c.id}:\n${o.stderr}`);
      const raw = parse(o.stdout) as Record<string, unknown>;
      const split: ShellSplit = (s) => {
        const w = o.shlex[s];
        if (!w) throw new Error(`no shlex result for ${s}`);
        return w;
      };
      const expected = canonicalFromOracle(raw, { copyDir: o.copyDir, projectDir: path.dirname(c.file), split });
      expect(ours(c)).toEqual(applyProfiles(expected, c.env?.COMPOSE_PROFILES));
    });

    it.each(REFUSED.map((c) => [c.id, c] as const))('%s', (_id, c) => {
      const o = oracle.get(c.id)!;
      expect([o.status !== 0, o.stderr]).toEqual([true, expect.stringContaining(c.refused!.oracle)]);
      let error: unknown;
      try {
        ours(c);
      } catch (e) {
        error = e;
      }
      if (!isUserError(error)) throw new Error(`our loader accepted ${c.id} (or failed with a bug): ${String(error)}`);
      expect([error.code, error.location?.file]).toEqual([c.refused!.code, c.file]);
    });
  });
}
