/**
 * Shape tests for parsed JSON and YAML data. The data is untrusted input (a compose file, a
 * Dockerrun, a template, an API answer): any value may be anything, so readers test before they
 * look inside.
 */

/** A JSON object: an object that is neither null nor an array. */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The value if it is an array, else an empty one. */
export function arrayOf<T = unknown>(v: unknown): T[] {
  return Array.isArray(v) ? (v as T[]) : [];
}
