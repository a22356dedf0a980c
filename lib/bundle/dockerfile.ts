/**
 * Reading a Dockerfile the way the converter needs it: which image each stage starts from (with
 * `ARG` defaults and build args substituted), and which files `COPY`/`ADD` put where. Pure: text in,
 * facts out; it never builds, never runs anything, and never fails on syntax it does not model (a
 * Dockerfile is the user's, and `docker build` is the judge of it).
 */
import * as path from 'path';
import { dict, own } from './dict';

/** One `COPY`/`ADD` of the build context (not `--from` another stage or image). */
export interface DockerfileCopy {
  /** Sources as written, relative to the build context (`.`, `my.cnf`, `sqls/`). */
  readonly sources: readonly string[];
  /** Absolute destination in the image (a directory when it ends with `/` or there are several sources). */
  readonly destination: string;
  /** Whether the destination names a directory (ends with `/`, is `.`, or there are several sources). */
  readonly destinationIsDirectory: boolean;
  /** 1-based line of the instruction. */
  readonly line: number;
}

export interface DockerfileStage {
  /** `AS name`, lowercased, when given. */
  readonly name?: string;
  /** The image the stage starts from, substituted (`mysql:5.7`), or the name of an earlier stage. */
  readonly from: string;
  /** Index of the earlier stage it starts from, when `from` names one. */
  readonly fromStage?: number;
  /** 1-based line of the `FROM`. */
  readonly line: number;
  readonly copies: readonly DockerfileCopy[];
  /** Files copied from other stages or images (`COPY --from=...`): their destinations. */
  readonly copiedFromElsewhere: readonly string[];
  /** The working directory at the end of the stage. */
  readonly workdir: string;
}

export interface Dockerfile {
  readonly stages: readonly DockerfileStage[];
}

/** Splits a Dockerfile into logical instructions (continuations joined, comments dropped, heredoc bodies skipped). */
function instructions(text: string): { keyword: string; args: string; line: number }[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let escape = '\\';
  // parser directives: only at the very top, before any instruction or other comment
  for (const l of lines) {
    const m = /^#\s*([a-zA-Z]+)\s*=\s*(\S+)\s*$/.exec(l);
    if (!m) break;
    if (m[1].toLowerCase() === 'escape' && (m[2] === '`' || m[2] === '\\')) escape = m[2];
  }
  const out: { keyword: string; args: string; line: number }[] = [];
  let i = 0;
  while (i < lines.length) {
    const start = i;
    let current = lines[i];
    i++;
    if (/^\s*(#|$)/.test(current)) continue;
    // continuation lines; comment lines inside a continuation are skipped, as BuildKit does
    while (current.trimEnd().endsWith(escape) && i < lines.length) {
      current = current.trimEnd().slice(0, -1);
      while (i < lines.length && /^\s*#/.test(lines[i])) i++;
      if (i < lines.length) current += ` ${lines[i]}`;
      i++;
    }
    const m = /^\s*([A-Za-z]+)\s*(.*)$/.exec(current);
    if (!m) continue;
    const keyword = m[1].toUpperCase();
    const args = m[2].trim();
    out.push({ keyword, args, line: start + 1 });
    // heredocs (`RUN <<EOF` … `EOF`): the body is not instructions
    const heredocs = [...args.matchAll(/<<-?(["']?)([A-Za-z_][A-Za-z0-9_]*)\1/g)].map((h) => h[2]);
    for (const delimiter of heredocs) {
      while (i < lines.length && lines[i].trim() !== delimiter) i++;
      i++;
    }
  }
  return out;
}

/** `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR:+alt}` with the variables known at this point. */
export function substituteDockerfileVariables(value: string, vars: Readonly<Record<string, string>>): string {
  return value.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?([-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g, (_m, braced: string | undefined, op: string | undefined, word: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare!;
    const v = own(vars, name);
    if (op === '-') return v !== undefined && v !== '' ? v : substituteDockerfileVariables(word ?? '', vars);
    if (op === '+') return v !== undefined && v !== '' ? substituteDockerfileVariables(word ?? '', vars) : '';
    return v ?? '';
  });
}

/** Words of an instruction's arguments: the JSON array form, or whitespace-separated words. */
function words(args: string): string[] {
  if (args.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(args);
      if (Array.isArray(parsed) && parsed.every((w) => typeof w === 'string')) return parsed as string[];
    } catch {
      // not JSON: the shell form
    }
  }
  return args.split(/\s+/).filter((w) => w !== '').map((w) => w.replace(/^(["'])(.*)\1$/, '$2'));
}

/** `NAME=value` pairs (or `NAME value` for the legacy one-variable form) of ARG/ENV. */
function assignments(args: string, legacy: boolean): [string, string | undefined][] {
  if (legacy && !/^[A-Za-z_][A-Za-z0-9_]*=/.test(args)) {
    const m = /^(\S+)\s+(.*)$/.exec(args);
    if (m) return [[m[1], m[2].replace(/^(["'])(.*)\1$/, '$2')]];
  }
  const out: [string, string | undefined][] = [];
  for (const m of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)(?:=("(?:[^"\\]|\\.)*"|'[^']*'|\S*))?/g)) {
    const raw = m[2];
    out.push([m[1], raw === undefined ? undefined : raw.replace(/^"(.*)"$/s, '$1').replace(/^'(.*)'$/s, '$1').replace(/\\(.)/g, '$1')]);
  }
  return out;
}

/**
 * Parses a Dockerfile. `buildArgs` are the build args the build passes (they override `ARG` defaults,
 * as `docker build --build-arg` does).
 */
export function parseDockerfile(text: string, buildArgs: Readonly<Record<string, string>> = {}): Dockerfile {
  const globalArgs: Record<string, string> = dict();
  const stages: { name?: string; from: string; fromStage?: number; line: number; copies: DockerfileCopy[]; copiedFromElsewhere: string[]; workdir: string; vars: Record<string, string> }[] = [];
  for (const ins of instructions(text)) {
    const stage = stages[stages.length - 1];
    switch (ins.keyword) {
      case 'ARG':
        for (const [name, def] of assignments(ins.args, false)) {
          const value = own(buildArgs, name) ?? (def !== undefined ? substituteDockerfileVariables(def, stage ? stage.vars : globalArgs) : undefined);
          if (stage) {
            // an ARG inside a stage re-declares a global one (taking its value) or declares a new one
            const inherited = value ?? own(globalArgs, name);
            if (inherited !== undefined) stage.vars[name] = inherited;
          } else if (value !== undefined) {
            globalArgs[name] = value;
          }
        }
        break;
      case 'ENV':
        if (stage) for (const [name, value] of assignments(ins.args, true)) if (value !== undefined) stage.vars[name] = substituteDockerfileVariables(value, stage.vars);
        break;
      case 'FROM': {
        const w = words(ins.args).filter((x) => !x.startsWith('--'));
        const image = substituteDockerfileVariables(w[0] ?? '', globalArgs);
        const asIndex = w.findIndex((x) => x.toUpperCase() === 'AS');
        const name = asIndex >= 0 && w[asIndex + 1] ? w[asIndex + 1].toLowerCase() : undefined;
        const fromStage = stages.findIndex((s) => s.name !== undefined && s.name === image.toLowerCase());
        const base = fromStage >= 0 ? stages[fromStage] : undefined;
        stages.push({
          ...(name ? { name } : {}),
          from: image,
          ...(fromStage >= 0 ? { fromStage } : {}),
          line: ins.line,
          copies: [],
          copiedFromElsewhere: [],
          workdir: base?.workdir ?? '/',
          vars: { ...(base?.vars ?? {}) },
        });
        break;
      }
      case 'WORKDIR':
        if (stage) stage.workdir = path.posix.resolve(stage.workdir, substituteDockerfileVariables(words(ins.args).join(' '), stage.vars) || '/');
        break;
      case 'COPY':
      case 'ADD': {
        if (!stage) break;
        const w = words(ins.args);
        const flags = w.filter((x) => x.startsWith('--'));
        const rest = w.filter((x) => !x.startsWith('--')).map((x) => substituteDockerfileVariables(x, stage.vars));
        if (rest.length < 2 || rest.some((x) => x.startsWith('<<'))) break;
        const dest = rest[rest.length - 1];
        const destination = path.posix.resolve(stage.workdir, dest);
        if (flags.some((f) => /^--from=/i.test(f))) {
          stage.copiedFromElsewhere.push(destination);
          break;
        }
        const sources = rest.slice(0, -1).filter((s) => !/^[a-z][a-z0-9+.-]*:\/\//i.test(s) && !s.startsWith('git@'));
        if (sources.length === 0) break;
        stage.copies.push({
          sources,
          destination,
          destinationIsDirectory: dest.endsWith('/') || dest === '.' || rest.length > 2,
          line: ins.line,
        });
        break;
      }
      default:
        break;
    }
  }
  return { stages: stages.map(({ vars: _vars, ...s }) => s) };
}

/** Index of the stage `target` names (the last stage when absent or unknown). */
export function targetStage(dockerfile: Dockerfile, target?: string): number {
  if (target !== undefined) {
    const i = dockerfile.stages.findIndex((s) => s.name === target.toLowerCase());
    if (i >= 0) return i;
  }
  return dockerfile.stages.length - 1;
}

/** The external image a stage finally starts from, following `FROM <earlier stage>` chains. */
export function baseImage(dockerfile: Dockerfile, stage: number): string | undefined {
  let i = stage;
  for (let guard = 0; guard <= dockerfile.stages.length && i >= 0; guard++) {
    const s = dockerfile.stages[i];
    if (!s) return undefined;
    if (s.fromStage === undefined) return s.from === '' || s.from.toLowerCase() === 'scratch' ? undefined : s.from;
    i = s.fromStage;
  }
  return undefined;
}

/** The stages a stage is built on, itself first (the files they copy end up in its image). */
export function stageChain(dockerfile: Dockerfile, stage: number): DockerfileStage[] {
  const out: DockerfileStage[] = [];
  let i: number | undefined = stage;
  while (i !== undefined && i >= 0 && dockerfile.stages[i] && !out.includes(dockerfile.stages[i])) {
    out.push(dockerfile.stages[i]);
    i = dockerfile.stages[i].fromStage;
  }
  return out;
}
