/** Helpers of the security regression tests. */
import * as fs from 'fs';
import * as path from 'path';

/** Every regular file below `dir` whose bytes hold `needle` (links are not followed), relative to `relativeTo`, sorted. */
export function filesHolding(dir: string, needle: string, relativeTo = dir): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && fs.readFileSync(p).includes(needle)) out.push(path.relative(relativeTo, p));
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out.sort();
}
