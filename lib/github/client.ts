/**
 * A small GitHub REST client for the one thing beanstack needs: keep a single marked comment on a
 * pull request up to date, written by the token's own identity. Uses Node's fetch.
 *
 * Everything the API sends back is untrusted (see docs/security.md):
 * - **Origin.** The API base must be `https:` (plain `http:` only on a loopback host: 127.0.0.0/8,
 *   `localhost`, `[::1]`, for local fakes). Every request — the first page, each `Link: rel="next"`
 *   page, each redirect — must have exactly the base's origin (scheme, host, port), a path under the
 *   base's path and no user-info; anything else is refused before a request is sent, so the token
 *   never leaves for another origin or a downgraded scheme. Redirects are not followed by fetch
 *   (`redirect: 'manual'`) but by this client under the same rule, at most 3 in a row.
 * - **Size and time.** A response body is streamed and refused past `maxBodyBytes` (default 32 MiB:
 *   a page of 100 comments of GitHub's maximum 65,536 characters); each request has a deadline
 *   (default 30 s, body included); at most 1,000 pages are read.
 * - **Shape.** A 2xx body must be JSON of the expected shape (a list of comments, a comment, a user);
 *   anything else — HTML, a truncated body, a non-JSON 201 — is a `GitHubApiError`, never a crash.
 *   Error messages quote at most 200 characters of the API's `message`, control characters removed.
 */
import { BeanstackError, printable } from '../errors';

/** One issue / pull-request comment. */
export interface IssueComment {
  readonly id: number;
  readonly body: string;
  readonly htmlUrl?: string;
  /** Login of the author; undefined for a deleted account. */
  readonly user?: string;
}

export interface GitHubClientOptions {
  readonly token: string;
  /** @default 'https://api.github.com' (GITHUB_API_URL on GitHub Enterprise) */
  readonly apiUrl?: string;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** @default 'beanstack' */
  readonly userAgent?: string;
  /** Largest response body read, in bytes. @default 33554432 (32 MiB) */
  readonly maxBodyBytes?: number;
  /** Deadline of one request, body included, in milliseconds. @default 30000 */
  readonly timeoutMs?: number;
}

/**
 * What went wrong: `http` the API answered with an error status; `network` no (complete) answer;
 * `refused` beanstack refused to send a request (another origin, a downgraded scheme, too many
 * redirects) or to read a body past its size cap; `bad-response` a success status with a body that
 * is not what the API documents.
 */
export type GitHubErrorKind = 'http' | 'network' | 'refused' | 'bad-response';

/** A GitHub API call failed. `status` is the HTTP status (0 when there is none). */
export class GitHubApiError extends Error {
  readonly status: number;
  readonly kind: GitHubErrorKind;

  constructor(message: string, status: number, kind: GitHubErrorKind = status === 0 ? 'network' : 'http') {
    super(message);
    this.name = 'GitHubApiError';
    this.status = status;
    this.kind = kind;
  }

  /** The token may not write here (read-only token of a fork's pull request, missing permission). */
  get isPermissionProblem(): boolean {
    return this.kind === 'http' && (this.status === 401 || this.status === 403 || this.status === 404);
  }
}

export interface Repository {
  readonly owner: string;
  readonly repo: string;
}

/** Parses `owner/name`. */
export function parseRepository(text: string): Repository | undefined {
  const m = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(text.trim());
  return m ? { owner: m[1], repo: m[2] } : undefined;
}

/** The login GitHub gives comments written with the GitHub Actions `GITHUB_TOKEN`. */
export const ACTIONS_BOT = 'github-actions[bot]';

const DEFAULT_API = 'https://api.github.com';
const DEFAULT_MAX_BODY = 32 * 1024 * 1024;
const MAX_PAGES = 1000;
const MAX_REDIRECTS = 3;

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/**
 * The API base URL, checked: absolute, `https:` (or `http:` on a loopback host), no user-info, no
 * query or fragment. A user error otherwise (exit 2).
 */
export function parseApiUrl(text: string): URL {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new BeanstackError(`GITHUB_API_URL '${printable(text)}' is not a URL`, { code: 'comment/api-url', fix: 'unset it for github.com, or set the API URL of your GitHub Enterprise server, e.g. https://github.example.com/api/v3' });
  }
  const plainLoopback = u.protocol === 'http:' && isLoopback(u.hostname);
  if (u.protocol !== 'https:' && !plainLoopback) {
    throw new BeanstackError(`GITHUB_API_URL ${u.origin}: the token is sent only over https`, {
      code: 'comment/api-url',
      fix: 'use the https:// URL of the API (plain http is accepted only on 127.0.0.1 / localhost, for local test servers)',
    });
  }
  if (u.username || u.password || u.search || u.hash) {
    throw new BeanstackError('GITHUB_API_URL must not hold credentials, a query or a fragment', { code: 'comment/api-url', fix: 'pass the token in the environment variable named by --token-env, and the bare API URL' });
  }
  return u;
}

export class GitHubClient {
  private readonly base: URL;
  /** The base path without a trailing slash ('' for api.github.com, '/api/v3' on Enterprise). */
  private readonly basePath: string;
  private readonly fetchFn: typeof fetch;
  private readonly maxBody: number;
  private readonly timeoutMs: number;

  constructor(private readonly options: GitHubClientOptions) {
    this.base = parseApiUrl(options.apiUrl ?? DEFAULT_API);
    this.basePath = this.base.pathname.replace(/\/+$/, '');
    this.fetchFn = options.fetch ?? globalThis.fetch;
    this.maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
    this.timeoutMs = options.timeoutMs ?? 30000;
  }

  private url(pathAndQuery: string): URL {
    return new URL(`${this.base.origin}${this.basePath}${pathAndQuery}`);
  }

  /** Where a request may go: the base's origin, under its path, without user-info. */
  private allowed(u: URL): boolean {
    return u.origin === this.base.origin && !u.username && !u.password && (this.basePath === '' || u.pathname === this.basePath || u.pathname.startsWith(`${this.basePath}/`));
  }

  /** A path for messages: relative to the API base. */
  private shown(u: URL): string {
    return printable(`${u.pathname.slice(this.basePath.length)}${u.search}`, 120);
  }

  private async readBody(res: Response, what: string): Promise<string> {
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > this.maxBody) {
      await res.body?.cancel().catch(() => undefined);
      throw new GitHubApiError(`${what}: the response is larger than ${this.maxBody} bytes (Content-Length ${declared}); refused to read it`, res.status, 'refused');
    }
    if (!res.body) return '';
    const reader = res.body.getReader();
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      let part: Awaited<ReturnType<typeof reader.read>>;
      try {
        part = await reader.read();
      } catch (e) {
        throw new GitHubApiError(`${what}: the response was cut off (${printable((e as Error).message || String(e))})`, 0, 'network');
      }
      if (part.done) break;
      total += part.value.byteLength;
      if (total > this.maxBody) {
        await reader.cancel().catch(() => undefined);
        throw new GitHubApiError(`${what}: the response is larger than ${this.maxBody} bytes; stopped reading it`, res.status, 'refused');
      }
      chunks.push(part.value);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  /** One API call: the checks above, then the parsed JSON body and the next page's URL. */
  private async request(method: string, target: URL, body?: unknown): Promise<{ json: unknown; next?: URL }> {
    let url = target;
    for (let hop = 0; ; hop++) {
      const what = `${method} ${this.shown(url)}`;
      if (!this.allowed(url)) {
        throw new GitHubApiError(`${what}: refused to send the token to ${printable(url.origin, 100)}, which is not the API (${this.base.origin})`, 0, 'refused');
      }
      let res: Response;
      try {
        res = await this.fetchFn(url, {
          method,
          redirect: 'manual',
          signal: AbortSignal.timeout(this.timeoutMs),
          headers: {
            accept: 'application/vnd.github+json',
            authorization: `Bearer ${this.options.token}`,
            'user-agent': this.options.userAgent ?? 'beanstack',
            'x-github-api-version': '2022-11-28',
            ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        });
      } catch (e) {
        const err = e as Error;
        const why = err.name === 'TimeoutError' || err.name === 'AbortError' ? `no answer within ${this.timeoutMs / 1000} s` : printable(err.message || String(e));
        throw new GitHubApiError(`${what}: ${why}`, 0, 'network');
      }
      if (res.status >= 300 && res.status < 400) {
        await res.body?.cancel().catch(() => undefined);
        const location = res.headers.get('location');
        if (!location || hop >= MAX_REDIRECTS) throw new GitHubApiError(`${what}: ${res.status} redirect${location ? ' (too many)' : ' without a Location'}`, res.status, 'refused');
        url = new URL(location, url);
        continue;
      }
      let text: string;
      try {
        text = await this.readBody(res, what);
      } catch (e) {
        if (e instanceof GitHubApiError) throw e;
        const err = e as Error;
        throw new GitHubApiError(`${what}: ${err.name === 'TimeoutError' || err.name === 'AbortError' ? `no complete answer within ${this.timeoutMs / 1000} s` : printable(err.message)}`, 0, 'network');
      }
      let json: unknown;
      let isJson = true;
      try {
        json = text.length > 0 ? JSON.parse(text) : undefined;
      } catch {
        isJson = false;
      }
      const type = printable(res.headers.get('content-type') ?? 'no content type', 60);
      if (!res.ok) {
        const message = isJson && typeof (json as { message?: unknown })?.message === 'string' ? printable((json as { message: string }).message) : `(${type} body of ${Buffer.byteLength(text)} bytes)`;
        throw new GitHubApiError(`${what}: ${res.status} ${message}`, res.status, 'http');
      }
      if (!isJson || json === undefined) {
        throw new GitHubApiError(`${what}: ${res.status} with a body that is not JSON (${type}, ${Buffer.byteLength(text)} bytes)`, res.status, 'bad-response');
      }
      const next = nextLink(res.headers.get('link'), url);
      return { json, ...(next ? { next } : {}) };
    }
  }

  private toComment(c: unknown, what: string): IssueComment {
    const o = c as { id?: unknown; body?: unknown; html_url?: unknown; user?: { login?: unknown } | null } | null;
    if (typeof o !== 'object' || o === null || typeof o.id !== 'number' || !Number.isSafeInteger(o.id) || (o.body !== undefined && o.body !== null && typeof o.body !== 'string')) {
      throw new GitHubApiError(`${what}: the answer is not a comment (no numeric id or a body that is not text)`, 0, 'bad-response');
    }
    const login = typeof o.user?.login === 'string' ? o.user.login : undefined;
    return { id: o.id, body: typeof o.body === 'string' ? o.body : '', ...(typeof o.html_url === 'string' ? { htmlUrl: o.html_url } : {}), ...(login ? { user: login } : {}) };
  }

  /**
   * The login of the token's user (`GET /user`), or undefined when the token has no user: GitHub
   * answers 403 "Resource not accessible by integration" for installation tokens, among them the
   * Actions `GITHUB_TOKEN`, whose comments are written by `github-actions[bot]`.
   */
  async authenticatedLogin(): Promise<string | undefined> {
    try {
      const { json } = await this.request('GET', this.url('/user'));
      const login = (json as { login?: unknown } | null)?.login;
      if (typeof login !== 'string' || login === '') throw new GitHubApiError('GET /user: the answer has no login', 0, 'bad-response');
      return login;
    } catch (e) {
      if (e instanceof GitHubApiError && e.kind === 'http' && e.status === 403) return undefined;
      throw e;
    }
  }

  /** The comments of an issue or pull request, page by page (100 a page, at most 1,000 pages). */
  async *commentPages(r: Repository, issue: number): AsyncGenerator<IssueComment[]> {
    let url: URL | undefined = this.url(`/repos/${r.owner}/${r.repo}/issues/${issue}/comments?per_page=100`);
    for (let page = 0; url !== undefined && page < MAX_PAGES; page++) {
      const what = `GET ${this.shown(url)}`;
      const { json, next }: { json: unknown; next?: URL } = await this.request('GET', url);
      if (!Array.isArray(json)) throw new GitHubApiError(`${what}: the answer is not a list of comments`, 0, 'bad-response');
      yield json.map((c) => this.toComment(c, what));
      url = next;
    }
  }

  /** Every comment of an issue or pull request, all pages. */
  async listComments(r: Repository, issue: number): Promise<IssueComment[]> {
    const out: IssueComment[] = [];
    for await (const page of this.commentPages(r, issue)) out.push(...page);
    return out;
  }

  async createComment(r: Repository, issue: number, body: string): Promise<IssueComment> {
    const { json } = await this.request('POST', this.url(`/repos/${r.owner}/${r.repo}/issues/${issue}/comments`), { body });
    return this.toComment(json, `POST /repos/${r.owner}/${r.repo}/issues/${issue}/comments`);
  }

  async updateComment(r: Repository, id: number, body: string): Promise<IssueComment> {
    const what = `PATCH /repos/${r.owner}/${r.repo}/issues/comments/${id}`;
    const { json } = await this.request('PATCH', this.url(`/repos/${r.owner}/${r.repo}/issues/comments/${id}`), { body });
    const c = this.toComment(json, what);
    if (c.id !== id) throw new GitHubApiError(`${what}: the answer is comment ${c.id}, not ${id}`, 0, 'bad-response');
    return c;
  }
}

/** The `rel="next"` target of a Link header, resolved against the request URL. */
function nextLink(link: string | null, requestUrl: URL): URL | undefined {
  if (!link) return undefined;
  for (const part of link.split(',')) {
    const m = /<([^>]*)>\s*;\s*rel="?next"?/.exec(part);
    if (!m) continue;
    try {
      return new URL(m[1], requestUrl);
    } catch {
      throw new GitHubApiError(`the Link header's next page '${printable(m[1], 100)}' is not a URL`, 0, 'bad-response');
    }
  }
  return undefined;
}

export interface UpsertResult {
  readonly action: 'created' | 'updated' | 'unchanged';
  readonly comment: IssueComment;
  /** Comments holding the marker that someone else wrote (left alone). */
  readonly othersWithMarker: number;
}

/**
 * Creates the comment holding `marker`, or updates the first one that `author` wrote (no call when
 * the body is the same). Comments by anyone else are never edited, whatever they hold. Logins compare
 * case-insensitively, as GitHub's do. The body must contain the marker.
 */
export async function upsertMarkedComment(client: GitHubClient, r: Repository, issue: number, marker: string, body: string, author: string): Promise<UpsertResult> {
  const me = author.toLowerCase();
  let others = 0;
  for await (const page of client.commentPages(r, issue)) {
    for (const c of page) {
      if (!c.body.includes(marker)) continue;
      if (c.user?.toLowerCase() !== me) {
        others++;
        continue;
      }
      if (c.body === body) return { action: 'unchanged', comment: c, othersWithMarker: others };
      return { action: 'updated', comment: await client.updateComment(r, c.id, body), othersWithMarker: others };
    }
  }
  return { action: 'created', comment: await client.createComment(r, issue, body), othersWithMarker: others };
}
