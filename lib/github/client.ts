/**
 * A small GitHub REST client for the one thing beanstack needs: keep a single marked comment on a
 * pull request up to date. Uses Node's fetch; pages through every existing comment (100 a page,
 * following the `Link: rel="next"` header) so the marked comment is found on busy pull requests.
 */

/** One issue / pull-request comment. */
export interface IssueComment {
  readonly id: number;
  readonly body: string;
  readonly htmlUrl?: string;
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
}

/** A GitHub API call failed. `status` is the HTTP status (0 for a network error). */
export class GitHubApiError extends Error {
  readonly status: number;

  constructor(message: string, status: number) {
    super(message);
    this.name = 'GitHubApiError';
    this.status = status;
  }

  /** The token may not write here (read-only token of a fork's pull request, missing permission). */
  get isPermissionProblem(): boolean {
    return this.status === 401 || this.status === 403 || this.status === 404;
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

function nextLink(link: string | null): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (m) return m[1];
  }
  return undefined;
}

export class GitHubClient {
  private readonly apiUrl: string;
  private readonly fetchFn: typeof fetch;

  constructor(private readonly options: GitHubClientOptions) {
    this.apiUrl = (options.apiUrl ?? 'https://api.github.com').replace(/\/+$/, '');
    this.fetchFn = options.fetch ?? globalThis.fetch;
  }

  private async request(method: string, url: string, body?: unknown): Promise<{ json: unknown; link: string | null }> {
    let res: Response;
    try {
      res = await this.fetchFn(url, {
        method,
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
      throw new GitHubApiError(`${method} ${url}: ${(e as Error).message}`, 0);
    }
    const text = await res.text();
    let json: unknown = undefined;
    try {
      json = text.length > 0 ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      const message = typeof json === 'object' && json !== null && typeof (json as { message?: unknown }).message === 'string' ? (json as { message: string }).message : text.slice(0, 200);
      throw new GitHubApiError(`${method} ${url.replace(this.apiUrl, '')}: ${res.status} ${message}`, res.status);
    }
    return { json, link: res.headers.get('link') };
  }

  private toComment(c: unknown): IssueComment {
    const o = c as { id: number; body?: string; html_url?: string; user?: { login?: string } };
    return { id: o.id, body: o.body ?? '', ...(o.html_url ? { htmlUrl: o.html_url } : {}), ...(o.user?.login ? { user: o.user.login } : {}) };
  }

  /** Every comment of an issue or pull request, all pages. */
  async listComments(r: Repository, issue: number): Promise<IssueComment[]> {
    const out: IssueComment[] = [];
    let url: string | undefined = `${this.apiUrl}/repos/${r.owner}/${r.repo}/issues/${issue}/comments?per_page=100`;
    for (let page = 0; url !== undefined && page < 1000; page++) {
      const { json, link } = await this.request('GET', url);
      if (Array.isArray(json)) out.push(...json.map((c) => this.toComment(c)));
      url = nextLink(link);
    }
    return out;
  }

  async createComment(r: Repository, issue: number, body: string): Promise<IssueComment> {
    const { json } = await this.request('POST', `${this.apiUrl}/repos/${r.owner}/${r.repo}/issues/${issue}/comments`, { body });
    return this.toComment(json);
  }

  async updateComment(r: Repository, id: number, body: string): Promise<IssueComment> {
    const { json } = await this.request('PATCH', `${this.apiUrl}/repos/${r.owner}/${r.repo}/issues/comments/${id}`, { body });
    return this.toComment(json);
  }
}

export interface UpsertResult {
  readonly action: 'created' | 'updated' | 'unchanged';
  readonly comment: IssueComment;
}

/**
 * Creates the comment holding `marker`, or updates it (the first one; no call when the body is the
 * same). The body must contain the marker.
 */
export async function upsertMarkedComment(client: GitHubClient, r: Repository, issue: number, marker: string, body: string): Promise<UpsertResult> {
  const existing = (await client.listComments(r, issue)).find((c) => c.body.includes(marker));
  if (existing) {
    if (existing.body === body) return { action: 'unchanged', comment: existing };
    return { action: 'updated', comment: await client.updateComment(r, existing.id, body) };
  }
  return { action: 'created', comment: await client.createComment(r, issue, body) };
}
