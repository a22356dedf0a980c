/**
 * Test helpers: copy a fixture cloud assembly and apply a change to it the way a new synth would —
 * template edits, a changed Dockerrun in a new source-bundle asset (new hash, new S3 key), a rebuilt
 * service image (new image asset, new tag in the Dockerrun).
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { nodeAssemblyReader } from '../../bin/commands/diff';
import { loadAssembly, reviewAssemblies } from '../../lib/review';
import type { DangerClass, ReviewReport, Template } from '../../lib/review';

export const FIXTURES = path.join(__dirname, 'fixtures');
export const FULLSTACK = path.join(FIXTURES, 'fullstack-dev');
export const STACK = 'fullstack-dev';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function tmpDir(prefix = 'beanstack-review-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A writable copy of an assembly, with helpers to change it. */
export class AssemblyCopy {
  readonly dir: string;
  private readonly stack: string;

  constructor(source: string, stack = STACK, dir = path.join(tmpDir(), 'cdk.out')) {
    this.dir = dir;
    this.stack = stack;
    fs.cpSync(source, dir, { recursive: true });
  }

  private read(file: string): Json {
    return JSON.parse(fs.readFileSync(path.join(this.dir, file), 'utf8'));
  }

  private write(file: string, v: unknown): void {
    fs.writeFileSync(path.join(this.dir, file), JSON.stringify(v, null, 1));
  }

  get template(): Template {
    return this.read(`${this.stack}.template.json`) as Template;
  }

  /** Edits the template in place. */
  editTemplate(fn: (t: Json) => void): this {
    const t = this.read(`${this.stack}.template.json`);
    fn(t);
    this.write(`${this.stack}.template.json`, t);
    return this;
  }

  /** Edits a resource's properties (`r` is the whole resource). */
  editResource(logicalIdPrefix: string, fn: (r: Json) => void): this {
    return this.editTemplate((t) => {
      const id = logicalIdPrefix in t.Resources ? logicalIdPrefix : Object.keys(t.Resources).find((k) => k.startsWith(logicalIdPrefix));
      if (!id) throw new Error(`no resource ${logicalIdPrefix}`);
      fn(t.Resources[id]);
    });
  }

  /** Sets an Elastic Beanstalk option of the environment. */
  setOption(namespace: string, name: string, value: unknown): this {
    return this.editResource('AppBeanstalkEnvironment', (r) => {
      const opts = r.Properties.OptionSettings as Json[];
      const o = opts.find((x) => x.Namespace === namespace && x.OptionName === name);
      if (value === undefined) r.Properties.OptionSettings = opts.filter((x) => x !== o);
      else if (o) o.Value = value;
      else opts.push({ Namespace: namespace, OptionName: name, Value: value });
    });
  }

  private bundleAsset(): { hash: string; dir: string } {
    const assets = this.read(`${this.stack}.assets.json`);
    const hash = Object.keys(assets.files).find((h) => assets.files[h].displayName === 'App/Beanstalk/Bundle')!;
    return { hash, dir: path.join(this.dir, assets.files[hash].source.path) };
  }

  /** The bundle's main file, parsed (Dockerrun.aws.json). */
  get dockerrun(): Json {
    return JSON.parse(fs.readFileSync(path.join(this.bundleAsset().dir, 'Dockerrun.aws.json'), 'utf8'));
  }

  /** Writes a new bundle (new asset hash, S3 key and application version description), as a synth would. */
  editDockerrun(fn: (d: Json) => void): this {
    return this.editBundleFile('Dockerrun.aws.json', (text) => {
      const d = JSON.parse(text);
      fn(d);
      return `${JSON.stringify(d, null, 2)}\n`;
    });
  }

  /** The same for the production docker-compose.yml of the docker target (text edit). */
  editCompose(fn: (text: string) => string): this {
    return this.editBundleFile('docker-compose.yml', fn);
  }

  private editBundleFile(file: string, fn: (text: string) => string): this {
    const { hash: oldHash, dir: oldDir } = this.bundleAsset();
    const text = fn(fs.readFileSync(path.join(oldDir, file), 'utf8'));
    const hash = crypto.createHash('sha256').update(text).digest('hex');
    const newDir = path.join(this.dir, `asset.${hash}`);
    fs.mkdirSync(newDir, { recursive: true });
    fs.writeFileSync(path.join(newDir, file), text);
    fs.rmSync(oldDir, { recursive: true });
    const assets = this.read(`${this.stack}.assets.json`);
    const entry = assets.files[oldHash];
    delete assets.files[oldHash];
    entry.source.path = `asset.${hash}`;
    for (const dest of Object.values(entry.destinations) as Json[]) dest.objectKey = `${hash}.zip`;
    assets.files[hash] = entry;
    this.write(`${this.stack}.assets.json`, assets);
    return this.editResource('AppBeanstalkVersion', (r) => {
      r.Properties.SourceBundle.S3Key = `${hash}.zip`;
      r.Properties.Description = `bundle ${hash.slice(0, 12)}`;
    });
  }

  /** Changes a file in a service's build context: a new image asset and a new tag in the Dockerrun. */
  rebuildService(service: string, file: string, content: string): this {
    const assets = this.read(`${this.stack}.assets.json`);
    const key = Object.keys(assets.dockerImages).find((k) => assets.dockerImages[k].displayName === service)!;
    const entry = assets.dockerImages[key];
    const oldTag = (Object.values(entry.destinations)[0] as Json).imageTag as string;
    const oldDir = path.join(this.dir, entry.source.directory);
    fs.writeFileSync(path.join(oldDir, file), content);
    const hash = crypto.createHash('sha256').update(`${oldTag}:${file}:${content}`).digest('hex');
    fs.renameSync(oldDir, path.join(this.dir, `asset.${hash}`));
    entry.source.directory = `asset.${hash}`;
    for (const dest of Object.values(entry.destinations) as Json[]) dest.imageTag = hash;
    delete assets.dockerImages[key];
    assets.dockerImages[`${service}-${hash}`] = entry;
    this.write(`${this.stack}.assets.json`, assets);
    const main = fs.existsSync(path.join(this.bundleAsset().dir, 'Dockerrun.aws.json')) ? 'Dockerrun.aws.json' : 'docker-compose.yml';
    return this.editBundleFile(main, (text) => text.split(oldTag).join(hash));
  }

  /** Replaces validation-report.json. */
  setFindings(report: unknown): this {
    this.write('validation-report.json', report);
    return this;
  }
}

/** Reviews two assembly directories. */
export function review(baseDir: string, headDir: string): ReviewReport {
  const base = loadAssembly(baseDir, nodeAssemblyReader);
  const head = loadAssembly(headDir, nodeAssemblyReader);
  return reviewAssemblies({ base, head, reader: nodeAssemblyReader }).result;
}

/** A case of a mutation suite (test/review/mutations*.test.ts): a change and the danger classes it must produce. */
export interface MutationCase {
  readonly name: string;
  /** Changes the base first (when the case needs a different starting point). */
  readonly base?: (a: AssemblyCopy) => void;
  readonly head: (a: AssemblyCopy) => void;
  /** The head starts from the unchanged fixture instead of the changed base. */
  readonly headFromOriginal?: boolean;
  /** Exactly the danger classes expected (routine excluded). */
  readonly classes: readonly DangerClass[];
  readonly routine?: boolean;
  readonly check?: (r: ReviewReport) => void;
}

/** The review of a mutation case: the fixture (changed by `base`) against it changed by `head`. */
export function reviewMutation(m: MutationCase, fixture = FULLSTACK): ReviewReport {
  const base = new AssemblyCopy(fixture);
  if (m.base) m.base(base);
  const head = new AssemblyCopy(m.headFromOriginal ? fixture : base.dir);
  m.head(head);
  return review(base.dir, head.dir);
}
