/**
 * Dictionaries keyed by user-controlled names (service, volume, variable, secret and label names).
 *
 * A plain `{}` inherits `toString`, `constructor`, `__proto__`… from `Object.prototype`, so a compose
 * service named `toString` would read an inherited function and `out['__proto__'] = v` would replace the
 * prototype instead of adding a key. Every such table in the converter is built with {@link dict} and read
 * with {@link own}/{@link hasOwn}.
 */

import { byString } from '../util/order';

/** An empty dictionary without a prototype: every key, `__proto__` included, is an ordinary own key. */
export function dict<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** Whether `key` is an own key of `record` (never an inherited `Object.prototype` member). */
export function hasOwn(record: object | undefined | null, key: string): boolean {
  return record !== undefined && record !== null && Object.prototype.hasOwnProperty.call(record, key);
}

/** `record[key]` when it is an own key, else `undefined`. */
export function own<T>(record: Readonly<Record<string, T>> | undefined | null, key: string): T | undefined {
  return hasOwn(record, key) ? (record as Readonly<Record<string, T>>)[key] : undefined;
}

/** A dictionary copy of `r` with its keys in code-unit order. */
export function sortRecord<T>(r: Readonly<Record<string, T>>): Record<string, T> {
  const out: Record<string, T> = dict();
  for (const k of Object.keys(r).sort(byString)) out[k] = r[k];
  return out;
}
