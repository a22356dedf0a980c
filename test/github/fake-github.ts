/**
 * A fake GitHub REST API on 127.0.0.1 for the comment tests: issue comments with real paging (Link
 * headers, per_page), create and update, token checks, and a read-only token that gets GitHub's 403
 * "Resource not accessible by integration" on writes (what a fork's pull request gets). `GET /user`
 * answers as for the Actions GITHUB_TOKEN (403, an installation token has no user, and its comments
 * are written by github-actions[bot]) unless `userLogin` makes the token a user's.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';

export interface FakeComment {
  id: number;
  body: string;
  user: string;
}

export interface FakeGitHub {
  readonly url: string;
  readonly comments: Map<number, FakeComment[]>;
  /** Every request: `METHOD path?query`. */
  readonly log: string[];
  close(): Promise<void>;
}

export interface FakeOptions {
  /** Token with write access. */
  readonly token?: string;
  /** Token that can read but not write. */
  readonly readOnlyToken?: string;
  /** Answer every request with this status (server trouble). */
  readonly failWith?: number;
  /** The write token belongs to this user (a personal access token): `GET /user` answers it, comments are written by it. */
  readonly userLogin?: string;
}

export async function startFakeGitHub(options: FakeOptions = {}): Promise<FakeGitHub> {
  const comments = new Map<number, FakeComment[]>();
  const log: string[] = [];
  let nextId = 1000;
  const server = http.createServer((req, res) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (data += c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      log.push(`${req.method} ${url.pathname}${url.search}`);
      const send = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      };
      if (options.failWith) return send(options.failWith, { message: 'Server Error' });
      const auth = req.headers.authorization ?? '';
      const token = auth.replace(/^Bearer /, '');
      const writable = token === (options.token ?? 'write-token');
      const readable = writable || token === options.readOnlyToken;
      if (!readable) return send(401, { message: 'Bad credentials' });
      if (url.pathname === '/user' && req.method === 'GET') {
        return options.userLogin && writable ? send(200, { login: options.userLogin, id: 1, type: 'User' }) : send(403, { message: 'Resource not accessible by integration' });
      }
      let m = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(url.pathname);
      if (m && req.method === 'GET') {
        const list = comments.get(Number(m[3])) ?? [];
        const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), 100);
        const page = Number(url.searchParams.get('page') ?? 1);
        const slice = list.slice((page - 1) * perPage, page * perPage);
        const headers: Record<string, string> = {};
        if (page * perPage < list.length) {
          const next = new URL(url.toString());
          next.searchParams.set('page', String(page + 1));
          const host = `http://${req.headers.host}`;
          headers.link = `<${host}${next.pathname}${next.search}>; rel="next", <${host}${url.pathname}?per_page=${perPage}&page=${Math.ceil(list.length / perPage)}>; rel="last"`;
        }
        return send(200, slice.map((c) => ({ id: c.id, body: c.body, user: { login: c.user }, html_url: `https://github.test/${m![1]}/${m![2]}/pull/${m![3]}#issuecomment-${c.id}` })), headers);
      }
      if (m && req.method === 'POST') {
        if (!writable) return send(403, { message: 'Resource not accessible by integration' });
        const c = { id: nextId++, body: JSON.parse(data).body as string, user: options.userLogin ?? 'github-actions[bot]' };
        comments.set(Number(m[3]), [...(comments.get(Number(m[3])) ?? []), c]);
        return send(201, { id: c.id, body: c.body, user: { login: c.user }, html_url: `https://github.test/${m[1]}/${m[2]}/pull/${m[3]}#issuecomment-${c.id}` });
      }
      m = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/.exec(url.pathname);
      if (m && req.method === 'PATCH') {
        if (!writable) return send(403, { message: 'Resource not accessible by integration' });
        for (const list of comments.values()) {
          const c = list.find((x) => x.id === Number(m![3]));
          if (c) {
            c.body = JSON.parse(data).body;
            return send(200, { id: c.id, body: c.body, user: { login: c.user } });
          }
        }
        return send(404, { message: 'Not Found' });
      }
      return send(404, { message: 'Not Found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    comments,
    log,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
