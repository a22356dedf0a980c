/**
 * A copy of plain data with every mapping's keys sorted: the input of every deterministic JSON or
 * YAML rendering (bundles, `beanstack config`, review and preflight reports).
 */
import { byString } from './order';

/**
 * Copies plain data with the keys of every mapping sorted (code-unit order) and `undefined` values
 * left out; lists keep their order. Keys are defined, never assigned, so a key named `__proto__` stays
 * a key.
 */
export function sortDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortDeep);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort(byString)) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) Object.defineProperty(out, k, { value: sortDeep(v), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}
