/**
 * `.dockerignore`-style patterns (Go `filepath.Match` syntax plus `**`, `!` to re-include, the last
 * matching rule wins), used for build contexts (`.dockerignore`) and for the files a bundle ships
 * (the default deny-list plus the project's `.beanstackignore`).
 */
import * as fs from 'fs';
import * as path from 'path';
import { BundleError } from '../errors';
import { readRegularFile } from './regular-file';

export interface IgnoreRule {
  readonly negate: boolean;
  readonly regex: RegExp;
  /** The pattern as written (for messages). */
  readonly pattern: string;
}

/** Compiled patterns: the deny-list and a project's ignore files are read for every build context and bundle. */
const compiled = new Map<string, RegExp>();

/**
 * Compiles one `.dockerignore` pattern (Go `filepath.Match` syntax plus `**`) to a regular expression
 * (no `g` flag, so one object serves every caller).
 */
export function patternToRegex(pattern: string): RegExp {
  let regex = compiled.get(pattern);
  if (regex === undefined) {
    regex = compilePattern(pattern);
    if (compiled.size >= 10_000) compiled.clear();
    compiled.set(pattern, regex);
  }
  return regex;
}

function compilePattern(pattern: string): RegExp {
  let p = path.posix.normalize(pattern.replace(/\\/g, '/')).replace(/^\/+/, '').replace(/\/+$/, '');
  if (p === '.') p = '';
  let re = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '*') {
      if (p[i + 1] === '*') {
        // `**` matches any number of directories (including none)
        i++;
        if (p[i + 1] === '/') {
          i++;
          re += '(?:.*/)?';
        } else re += '.*';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = p.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        let cls = p.slice(i + 1, end);
        if (cls.startsWith('^')) cls = '^' + cls.slice(1);
        re += `[${cls.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  // a pattern that matches a directory excludes everything below it
  return new RegExp(`^${re}(?:/.*)?$`);
}

/** Parses `.dockerignore` text into rules (comments and blank lines skipped, `!` negates). */
export function parseDockerignore(text: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const negate = line.startsWith('!');
    const pattern = negate ? line.slice(1).trim() : line;
    if (!pattern) continue;
    rules.push({ negate, regex: patternToRegex(pattern), pattern });
  }
  return rules;
}

/** The last rule matching a relative POSIX path, if any. */
export function matchingRule(rel: string, rules: readonly IgnoreRule[]): IgnoreRule | undefined {
  let found: IgnoreRule | undefined;
  for (const r of rules) if (r.regex.test(rel)) found = r;
  return found;
}

/** Whether a relative POSIX path is excluded (the last matching rule wins). */
export function isIgnored(rel: string, rules: readonly IgnoreRule[]): boolean {
  const r = matchingRule(rel, rules);
  return r !== undefined && !r.negate;
}

/** Largest ignore file read (`.dockerignore`, `.beanstackignore`). */
const MAX_IGNORE_FILE_BYTES = 1024 * 1024;

/** The rules of an ignore file, or none when it does not exist (a FIFO or a huge file throws, see `readRegularFile`). */
export function readIgnoreFile(file: string): IgnoreRule[] {
  const bytes = readRegularFile(file, MAX_IGNORE_FILE_BYTES);
  return bytes ? parseDockerignore(bytes.toString('utf8')) : [];
}

/** The file in the project directory that adds to (or, with `!`, lifts) the deny-list of shipped files. */
export const BEANSTACKIGNORE = '.beanstackignore';

/**
 * What a bundle never ships out of a project by default, as `.dockerignore` patterns relative to the
 * project directory: environment and credential files, version-control and tool directories, private
 * keys and key stores, dependency directories. A `.beanstackignore` line `!path` ships one anyway.
 */
export const DEFAULT_NEVER_SHIPPED: readonly string[] = [
  '**/.env*',
  '**/.npmrc',
  '**/.yarnrc*',
  '**/.pypirc',
  '**/.netrc',
  '**/.git-credentials',
  '**/.dockercfg',
  '**/.docker',
  '**/.git',
  '**/.hg',
  '**/.svn',
  '**/.aws',
  '**/.ssh',
  '**/.gnupg',
  '**/.kube',
  '**/.beanstack',
  '**/id_rsa*',
  '**/id_dsa*',
  '**/id_ecdsa*',
  '**/id_ed25519*',
  '**/*.pem',
  '**/*.key',
  '**/*.p12',
  '**/*.pfx',
  '**/*.jks',
  '**/*.keystore',
  '**/*.tfstate*',
  '**/node_modules',
];

/** The shipping rules of a project: the default deny-list, then the project's `.beanstackignore`. */
export function shippingRules(projectDirectory: string): IgnoreRule[] {
  const file = path.join(projectDirectory, BEANSTACKIGNORE);
  let link = false;
  try {
    link = fs.lstatSync(file).isSymbolicLink();
  } catch {
    // no .beanstackignore
  }
  if (link) {
    throw new BundleError(`${file} is a symbolic link; the deny-list of shipped files is read only from a regular file of the project`, {
      code: 'bundle/beanstackignore',
      location: { file, line: 1, column: 1 },
      fix: `replace the link with the file itself`,
    });
  }
  return [...parseDockerignore(DEFAULT_NEVER_SHIPPED.join('\n')), ...readIgnoreFile(file)];
}
