/**
 * Service discovery on the ECS platform: compose services reach each other by name on a shared
 * network, ECS bridge-mode containers only through `links`. Links come from `depends_on` and `links`
 * (explicit) and from service names found in environment values and commands (heuristic). Docker
 * links cannot form a cycle, so a heuristic edge that would close one is dropped with a warning.
 */
import { dict } from './dict';

/** One "from reaches to" edge. */
export interface LinkEdge {
  readonly from: string;
  readonly to: string;
  /** Where the edge came from, for messages: `depends_on`, `links`, `environment FOO`, `command`. */
  readonly reason: string;
  readonly explicit: boolean;
}

export interface LinkGraphResult {
  /** Kept edges by `from`, targets sorted. */
  readonly links: Readonly<Record<string, readonly string[]>>;
  /** Heuristic edges dropped because they would close a cycle. */
  readonly dropped: readonly LinkEdge[];
  /** Explicit edges that form a cycle among themselves. */
  readonly explicitCycles: readonly LinkEdge[];
}

function reaches(adj: Map<string, Set<string>>, from: string, to: string): boolean {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n === to) return true;
    if (seen.has(n)) continue;
    seen.add(n);
    for (const m of adj.get(n) ?? []) stack.push(m);
  }
  return false;
}

const edgeKey = (e: LinkEdge) => `${e.from}\u0000${e.to}\u0000${e.reason}`;

/** Builds the acyclic link graph: explicit edges first, then heuristic ones, each group sorted. */
export function buildLinkGraph(edges: readonly LinkEdge[]): LinkGraphResult {
  const adj = new Map<string, Set<string>>();
  const dropped: LinkEdge[] = [];
  const explicitCycles: LinkEdge[] = [];
  const sorted = [...edges].sort((a, b) => (a.explicit === b.explicit ? (edgeKey(a) < edgeKey(b) ? -1 : edgeKey(a) > edgeKey(b) ? 1 : 0) : a.explicit ? -1 : 1));
  for (const e of sorted) {
    if (e.from === e.to) continue;
    if (adj.get(e.from)?.has(e.to)) continue;
    if (reaches(adj, e.to, e.from)) {
      if (e.explicit) explicitCycles.push(e);
      else if (!dropped.some((d) => d.from === e.from && d.to === e.to)) dropped.push(e);
      continue;
    }
    if (!adj.has(e.from)) adj.set(e.from, new Set());
    adj.get(e.from)!.add(e.to);
  }
  const links: Record<string, string[]> = dict();
  for (const [from, tos] of [...adj.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) links[from] = [...tos].sort();
  return { links, dropped, explicitCycles };
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Whether `text` uses `host` as a host name: at the start, after `//`, `@`, `=`, whitespace, a quote
 * or a comma, and followed by the end, `:`, `/`, whitespace, a quote, a comma or `;`.
 */
export function mentionsHost(text: string, host: string): boolean {
  if (host === '') return false;
  const re = new RegExp(`(^|[\\s,;=@'"(]|//)${escapeRegExp(host)}(?=$|[\\s,;:/'")])`);
  return re.test(text);
}
