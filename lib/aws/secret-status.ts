/**
 * The contract between the stack and `beanstack secrets`, pure (no SDK, no I/O): the tag that marks
 * an application secret, how a placeholder is told from a real value WITHOUT reading any value, and
 * how values given to `secrets set` are read and checked without ever quoting them.
 *
 * Placeholder rule. `ComposeApplication` creates each application secret with a random placeholder
 * (`GenerateSecretString`): Secrets Manager stores it as the secret's first version, created with
 * the secret itself. Every value set later (`beanstack secrets set`, `aws secretsmanager
 * put-secret-value`, the console) is a new version. So a secret still holds its placeholder exactly
 * when its current version (`AWSCURRENT`) was created together with the secret, within
 * `PLACEHOLDER_WINDOW_MS` of the secret's `CreatedDate`. Only metadata is compared
 * (`DescribeSecret`, `ListSecretVersionIds`); no value is read, so nothing can leak and the caller
 * needs no `secretsmanager:GetSecretValue`.
 */
import { BeanstackError, isUserError } from '../errors';
import { parseDotEnv } from '../compose/dotenv';
import { suggest } from '../util/suggest';

/** Doctor check ids: a secret still holds its placeholder; a secret the environment reads is gone. */
export const PLACEHOLDER_CHECK_ID = 'secrets/placeholder';
export const SECRETS_EXIST_CHECK_ID = 'secrets/exist';

/** Tag on each application secret the stack creates; its value is the environment variable name. */
export const APP_SECRET_TAG = 'beanstack:app-secret';

/**
 * How long after the secret's creation its current version still counts as the generated
 * placeholder. CloudFormation creates the secret and its generated value in one call; a real value
 * is set after the deploy, minutes later at the earliest.
 */
export const PLACEHOLDER_WINDOW_MS = 60_000;

/** The largest secret value Secrets Manager stores (SecretString), in bytes. */
export const MAX_SECRET_BYTES = 65_536;

/** Where an application secret stands. */
export type AppSecretState =
  /** The current value is the random placeholder the stack generated. */
  | 'placeholder'
  /** A value was set after the stack created the secret. */
  | 'set'
  /** The secret has no current version (nothing for the environment to read). */
  | 'no-value'
  /** The synthesized stack has the secret, the deployed one does not (yet). */
  | 'not-deployed'
  /** The deployed stack names the secret, but Secrets Manager does not have it (deleted outside). */
  | 'missing';

/** One version of a secret, as `ListSecretVersionIds` reports it (no value). */
export interface SecretVersionMeta {
  readonly versionId?: string;
  readonly stages?: readonly string[];
  readonly createdDate?: Date;
}

/** The state of a deployed secret from its creation date and versions; also when its value was set. */
export function placeholderState(secretCreated: Date | undefined, versions: readonly SecretVersionMeta[]): { readonly state: 'placeholder' | 'set' | 'no-value'; readonly valueSetAt?: Date } {
  const current = versions.find((v) => v.stages?.includes('AWSCURRENT'));
  if (!current) return { state: 'no-value' };
  const at = current.createdDate;
  if (secretCreated === undefined || at === undefined) {
    // without dates the only safe reading: one version ever is the generated one
    return { state: versions.length <= 1 ? 'placeholder' : 'set', valueSetAt: at };
  }
  return { state: at.getTime() - secretCreated.getTime() <= PLACEHOLDER_WINDOW_MS ? 'placeholder' : 'set', valueSetAt: at };
}

/** The names the stack expects, or a user error naming the unknown one with the closest known name. */
export function checkSecretNames(names: readonly string[], known: readonly string[], where: string): void {
  for (const name of names) {
    if (known.includes(name)) continue;
    const close = suggest(name, known);
    throw new BeanstackError(`${where}: the stack has no application secret named ${name}`, {
      code: 'secrets/unknown-name',
      fix: known.length === 0
        ? 'this stack creates no application secret (beanstack secrets list shows what it expects)'
        : `${close ? `did you mean ${close}? ` : ''}the stack expects: ${known.join(', ')}`,
    });
  }
}

/**
 * A value given on stdin or in a file: one trailing newline (`\n` or `\r\n`) is dropped, as `echo`
 * and editors add it. Refused (without quoting it): empty, not UTF-8, larger than Secrets Manager
 * stores.
 */
export function secretValueFrom(data: Buffer, source: string): string {
  let text = data.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(data)) {
    throw new BeanstackError(`${source}: the value is not UTF-8 text`, { code: 'secrets/not-text', fix: 'Secrets Manager stores text: encode binary values (base64) before setting them' });
  }
  if (text.endsWith('\r\n')) text = text.slice(0, -2);
  else if (text.endsWith('\n')) text = text.slice(0, -1);
  checkSecretValue(text, source);
  return text;
}

function checkSecretValue(value: string, source: string): void {
  if (value.length === 0) {
    throw new BeanstackError(`${source}: the value is empty`, { code: 'secrets/empty-value', fix: 'give the real value: beanstack secrets set NAME < file, or --from-file FILE' });
  }
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > MAX_SECRET_BYTES) {
    throw new BeanstackError(`${source}: the value has ${bytes} bytes; Secrets Manager stores at most ${MAX_SECRET_BYTES}`, { code: 'secrets/too-large', fix: 'store a smaller value (a key, not a file of keys)' });
  }
}

/**
 * The `NAME=value` entries of an env file (`--from-env-file`), read with the project's dotenv parser
 * (compose `.env` syntax). Nothing is interpolated: a value that would need a variable (`$NAME` or
 * `${NAME}` outside single quotes) is refused, since silently replacing it would store a different
 * secret. Errors keep the file, line and column but never the line's text (it may hold a secret).
 */
export function secretsFromEnvFile(text: string, file: string): ReadonlyArray<{ readonly name: string; readonly value: string; readonly line: number }> {
  let referenced = false;
  let entries;
  try {
    entries = parseDotEnv(text, file, { lookup: () => { referenced = true; return undefined; } });
  } catch (e) {
    if (!isUserError(e)) throw e;
    throw new BeanstackError('the env file cannot be read at this position (the line is not shown: it may hold a secret)', {
      code: 'secrets/env-file-syntax',
      ...(e.location ? { location: e.location } : {}),
      fix: 'write one NAME=value per line; single-quote values containing spaces, # or $, and close every quote',
    });
  }
  if (referenced) {
    throw new BeanstackError(`${file}: a value contains $ outside single quotes (the env-file syntax reads it as a variable), or a line is a bare NAME without =value`, {
      code: 'secrets/env-file-variable',
      fix: "single-quote values containing $ (NAME='value with $') so they are stored as written, and give every NAME a =value",
    });
  }
  for (const e of entries) checkSecretValue(e.value, `${file}:${e.line}: ${e.name}`);
  if (entries.length === 0) {
    throw new BeanstackError(`${file} defines no NAME=value line`, { code: 'secrets/env-file-empty', fix: 'write one NAME=value per line' });
  }
  return entries.map((e) => ({ name: e.name, value: e.value, line: e.line }));
}
