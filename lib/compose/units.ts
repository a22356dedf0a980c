/**
 * Compose value units: durations (`1m30s`), byte sizes (`512m`, `1.5GB`) and CPU counts (`"0.5"`).
 *
 * The parsers return `undefined` for a value they cannot read; the caller turns that into a
 * `ComposeError` at the value's location, quoting the `*_SYNTAX` text below as the fix.
 */

/** How a duration is written, for error messages. */
export const DURATION_SYNTAX =
  'a duration such as `10s`, `1m30s`, `500ms` or `1h` (units: ns, us, ms, s, m, h; combine without spaces)';

/** How a byte size is written, for error messages. */
export const BYTES_SYNTAX = 'a byte size such as `512m`, `1g`, `1.5GB` or `1048576` (units: b, k/kb, m/mb, g/gb, t/tb, p/pb; powers of 1024)';

/** How a CPU count is written, for error messages. */
export const CPUS_SYNTAX = 'a number of CPUs such as `0.5`, `1` or `"1.5"`';

const DURATION_UNITS_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  'µs': 1e-3,
  'μs': 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * Parses a Go-style duration (what Compose accepts: `1h5m30s20ms`, `1.5s`, `0`) into milliseconds.
 * A plain number (YAML integer) is taken as seconds, as docker-compose 1.x did.
 */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value) && value >= 0 ? value * 1000 : undefined;
  }
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (text === '0') return 0;
  if (text === '') return undefined;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;
  let total = 0;
  let pos = 0;
  while (pos < text.length) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) return undefined;
    total += parseFloat(m[1]) * DURATION_UNITS_MS[m[2]];
    pos = re.lastIndex;
  }
  // durations are integral nanoseconds in Go; keep milliseconds with sub-ms precision rounded away
  return Math.round(total * 1e6) / 1e6;
}

/** Formats milliseconds back as a Go-style duration (`90000` → `1m30s`), the way `docker compose config` prints it. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  const h = Math.floor(rest / 3_600_000);
  if (h) {
    out += `${h}h`;
    rest -= h * 3_600_000;
  }
  const m = Math.floor(rest / 60_000);
  if (m) {
    out += `${m}m`;
    rest -= m * 60_000;
  }
  const s = Math.floor(rest / 1000);
  if (s) {
    out += `${s}s`;
    rest -= s * 1000;
  }
  if (rest) {
    const whole = Math.floor(rest);
    if (whole) out += `${whole}ms`;
    const frac = Math.round((rest - whole) * 1000);
    if (frac) out += `${frac}us`;
  }
  return out;
}

const BYTE_UNITS: Readonly<Record<string, number>> = {
  '': 1,
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  t: 1024 ** 4,
  p: 1024 ** 5,
};

/**
 * Parses a byte size the way Docker does (go-units `RAMInBytes`): a number with an optional unit
 * `b`, `k`/`kb`/`kib`, `m`…, `g`…, `t`…, `p`… (case-insensitive, powers of 1024). A YAML number is
 * bytes. The result is rounded down to whole bytes.
 */
export function parseBytes(value: unknown): number | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value) && value >= 0 ? Math.floor(value) : undefined;
  }
  if (typeof value !== 'string') return undefined;
  const m = /^(\d+(?:\.\d+)?) ?([kmgtp]?)i?b?$/i.exec(value.trim());
  if (!m) return undefined;
  return Math.floor(parseFloat(m[1]) * BYTE_UNITS[m[2].toLowerCase()]);
}

/** Parses a CPU count (`0.5`, `"1.5"`); negative or non-numeric values are rejected. */
export function parseCpus(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (!/^(\d+(\.\d*)?|\.\d+)$/.test(text)) return undefined;
  return parseFloat(text);
}

/** Parses a non-negative or signed integer given as a YAML number or a numeric string. */
export function parseInteger(value: unknown, options: { min?: number; max?: number } = {}): number | undefined {
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && /^[-+]?\d+$/.test(value.trim())) n = parseInt(value.trim(), 10);
  else return undefined;
  if (!Number.isInteger(n)) return undefined;
  if (options.min !== undefined && n < options.min) return undefined;
  if (options.max !== undefined && n > options.max) return undefined;
  return n;
}

/** Parses a file mode: a YAML number is taken as is, a string as octal (`"0440"`, `"440"`). */
export function parseFileMode(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim().replace(/^0o/i, '');
  if (!/^[0-7]+$/.test(text)) return undefined;
  return parseInt(text, 8);
}
