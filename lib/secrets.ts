/**
 * What is a secret — one home for the converter (which keeps secrets out of every artifact) and the
 * review (which never prints one). By name (`DB_PASSWORD`, `JWT_KEY`) and by value: credentials in a
 * URL, well-known token shapes, private keys, and long high-entropy strings. Pure.
 */

/**
 * Variable names that hold secrets, matched case-insensitively on the name's `_`-separated words.
 * Tests as plain string searches: one alternation of these as a case-insensitive regular expression
 * took milliseconds to compile and tier up in a cold `beanstack dockerrun`, longer than the rest of
 * its secret checks.
 */
const SECRET_NAME_RULES = {
  /** Anywhere in the name: `DB_PASSWORD`, `MYSECRET`, `GITHUB_TOKEN`. */
  fragments: ['PASSWORD', 'PASSWD', 'SECRET', 'TOKEN', 'CREDENTIAL'],
  /** Anywhere, before `KEY` or `_KEY`: `API_KEY`, `APIKEY`, `AWS_SECRET_ACCESS_KEY`. */
  beforeKey: ['API', 'ACCESS', 'PRIVATE', 'SIGNING', 'ENCRYPTION', 'SESSION', 'CLIENT', 'MASTER', 'LICENSE'],
  /** Whole words: `DB_PASS`, `PWD`, `SALT`, `SENTRY_DSN`. */
  words: ['PASS', 'PWD', 'SALT', 'DSN'],
  /** Whole words before `KEY`, as one word or two: `APP_KEY`, `JWTKEY`, `COOKIE_KEY_BASE`. */
  wordsBeforeKey: ['APP', 'JWT', 'AUTH', 'HMAC', 'CRYPT', 'CRYPTO', 'ENC', 'SIGN', 'COOKIE', 'CSRF', 'OAUTH', 'WEBHOOK'],
  /** The last word: `GITHUB_PAT`. */
  lastWords: ['PAT'],
} as const;

/** Anywhere in the name (`WEBHOOK_URL` too): the fragments, and each word before `KEY` or `_KEY`. */
const SECRET_FRAGMENTS: readonly string[] = [
  ...SECRET_NAME_RULES.fragments,
  ...SECRET_NAME_RULES.beforeKey.flatMap((w) => [`${w}KEY`, `${w}_KEY`]),
  'WEBHOOKURL',
  'WEBHOOK_URL',
];

/** Names that match a rule but are known not to be secrets. */
const NOT_SECRET_NAMES: readonly string[] = ['PASSWORD_FILE', 'TOKEN_TYPE', 'AUTH_TYPE', 'AUTH_MODE', 'SECRET_PATH'];

/** Whether a variable (or property, option) name says it holds a secret. */
export function isSecretName(name: string): boolean {
  const upper = name.toUpperCase();
  if (upper.endsWith('_FILE') || NOT_SECRET_NAMES.includes(upper)) return false;
  if (SECRET_FRAGMENTS.some((f) => upper.includes(f))) return true;
  const words = upper.split('_');
  return words.some((w, i) => (SECRET_NAME_RULES.words as readonly string[]).includes(w)
    || (SECRET_NAME_RULES.wordsBeforeKey as readonly string[]).some((k) => w === `${k}KEY` || (w === k && words[i + 1] === 'KEY')))
    || (SECRET_NAME_RULES.lastWords as readonly string[]).includes(words[words.length - 1]);
}

/** Token formats with a recognisable prefix or structure, and what they are. */
const TOKEN_SHAPES: readonly { readonly what: string; readonly pattern: RegExp }[] = [
  { what: 'a private key', pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
  { what: 'an AWS access key id', pattern: /\b(AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { what: 'a GitHub token', pattern: /\b(gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,})\b/ },
  { what: 'a GitLab token', pattern: /\bglpat-[A-Za-z0-9_-]{20,}\b/ },
  { what: 'a Slack token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/ },
  { what: 'a Stripe key', pattern: /\b(sk|rk)_(live|test)_[A-Za-z0-9]{16,}\b/ },
  { what: 'a Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { what: 'an npm token', pattern: /\bnpm_[A-Za-z0-9]{36}\b/ },
  { what: 'an OpenAI or Anthropic key', pattern: /\bsk-(proj-|ant-)?[A-Za-z0-9_-]{20,}\b/ },
  { what: 'a SendGrid key', pattern: /\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}\b/ },
  { what: 'a JSON web token', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/ },
];

/** Shannon entropy of a string, in bits per character. */
export function entropy(text: string): number {
  const counts = new Map<string, number>();
  for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / text.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** Shortest value judged by its entropy, and the entropy (bits per character) that makes it a secret. */
export const HIGH_ENTROPY_MIN_LENGTH = 24;
export const HIGH_ENTROPY_BITS = 4.2;

/**
 * Why a value is a secret whatever its name says, or undefined: a password in a URL
 * (`postgres://u:PASS@host/db`, `redis://:PASS@cache`), a known token shape, a private key, or a long
 * random-looking string (letters and digits, at least 24 characters, at least 4.2 bits of entropy per
 * character — hex checksums, UUIDs, paths and words stay below it).
 */
export function secretValueReason(value: string): string | undefined {
  const url = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^@/?#\s]*)@/.exec(value.trim());
  if (url) {
    const colon = url[1].indexOf(':');
    if (colon >= 0 && url[1].length > colon + 1) return 'a URL with a password';
    if (colon < 0 && url[1].length >= 16 && entropy(url[1]) >= 3.5) return 'a URL with a token as its user';
  }
  for (const t of TOKEN_SHAPES) if (t.pattern.test(value)) return t.what;
  const compact = value.trim();
  if (compact.length >= HIGH_ENTROPY_MIN_LENGTH && !/[\s/]/.test(compact) && !/^[a-z][a-z0-9+.-]*:/i.test(compact)
    && /[A-Za-z]/.test(compact) && /\d/.test(compact) && entropy(compact) >= HIGH_ENTROPY_BITS) {
    return 'a long random-looking value';
  }
  return undefined;
}

/** Why `name=value` is a secret, or undefined. */
export function secretReason(name: string, value: string | null | undefined): string | undefined {
  if (isSecretName(name)) return 'its name';
  return value ? secretValueReason(value) : undefined;
}
