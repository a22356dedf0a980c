/**
 * Issue 12, finding 4 (MEDIUM): `beanstack comment` updated any comment holding the marker whoever
 * wrote it; followed `Link: rel="next"` to any origin with the token attached (a plain-http server
 * received `Authorization: Bearer …`); a 201 with a non-JSON body exited 3 with a stack trace; response
 * bodies were unbounded. Regression, one fake GitHub API on 127.0.0.1 per rule.
 */
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../bin/cli';
import type { CliContext } from '../../bin/cli-context';
import { REVIEW_MARKER } from '../../lib/review';
import { startFakeGitHub } from '../github/fake-github';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

interface Server {
  readonly url: string;
  readonly requests: Array<{ method: string; url: string; authorization?: string }>;
  close(): Promise<void>;
}

const servers: Server[] = [];

async function serve(handler: Handler): Promise<Server> {
  const requests: Server['requests'] = [];
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
    req.resume();
    req.on('end', () => handler(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const s: Server = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  servers.push(s);
  return s;
}

afterEach(async () => {
  while (servers.length > 0) await servers.pop()!.close();
});

const json = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

/** GET /user answers like GitHub does for the Actions GITHUB_TOKEN (an installation token). */
const installationToken = (req: http.IncomingMessage, res: http.ServerResponse): boolean => {
  if (req.url === '/user') {
    json(res, 403, { message: 'Resource not accessible by integration' });
    return true;
  }
  return false;
};

async function comment(apiUrl: string, extraEnv: Record<string, string> = {}): Promise<{ code: number; stderr: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-sec-comment-'));
  fs.writeFileSync(path.join(dir, 'report.md'), `${REVIEW_MARKER}\nreport\n`);
  let stderr = '';
  const ctx: CliContext = {
    cwd: dir,
    env: { GITHUB_TOKEN: 'secret-token', GITHUB_REPOSITORY: 'acme/shop', GITHUB_API_URL: apiUrl, ...extraEnv },
    stdout: () => undefined,
    stderr: (t) => (stderr += t),
    isTty: false,
  };
  const code = await main(['comment', '--file', 'report.md', '--pr', '7'], ctx);
  return { code, stderr };
}

test('rule 1: a comment holding the marker written by someone else is never edited', async () => {
  const gh = await startFakeGitHub({ token: 'secret-token' });
  try {
    gh.comments.set(7, [{ id: 1, body: `quoting ${REVIEW_MARKER} in a human comment`, user: 'mallory' }]);
    const r = await comment(gh.url);
    expect(r.code).toBe(0);
    expect(gh.comments.get(7)![0].body).toBe(`quoting ${REVIEW_MARKER} in a human comment`);
    expect(gh.log.some((l) => l.startsWith('PATCH'))).toBe(false);
    expect(gh.comments.get(7)).toHaveLength(2);
  } finally {
    await gh.close();
  }
});

test('rule 2: a Link rel="next" to another origin is not followed and gets no token', async () => {
  const elsewhere = await serve((_req, res) => json(res, 200, []));
  const api = await serve((req, res) => {
    if (installationToken(req, res)) return;
    json(res, 200, [{ id: 1, body: 'chatter', user: { login: 'someone' } }], { link: `<${elsewhere.url}/repos/acme/shop/issues/7/comments?page=2>; rel="next"` });
  });
  const r = await comment(api.url);
  expect(elsewhere.requests).toEqual([]);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/refus/i);
  expect(r.stderr).not.toMatch(/\n\s+at /);
});

test('rule 2: a Link rel="next" that switches the scheme is not followed', async () => {
  const api = await serve((req, res) => {
    if (installationToken(req, res)) return;
    const next = `${`https://${req.headers.host}`}/repos/acme/shop/issues/7/comments?page=2`;
    json(res, 200, [], { link: `<${next}>; rel="next"` });
  });
  const r = await comment(api.url);
  expect(api.requests.filter((q) => q.url.includes('page=2'))).toEqual([]);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/refus/i);
});

test('rule 3: a 201 whose body is not JSON is an error with exit 1, never a stack trace', async () => {
  const api = await serve((req, res) => {
    if (installationToken(req, res)) return;
    if (req.method === 'GET') return json(res, 200, []);
    res.writeHead(201, { 'content-type': 'text/html' });
    res.end('<html><body>created?</body></html>');
  });
  const r = await comment(api.url);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/not JSON/);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
});

test('rule 3: an HTML error page is reported by status, without dumping the page', async () => {
  const api = await serve((req, res) => {
    res.writeHead(502, { 'content-type': 'text/html' });
    res.end(`<html><body>${'<p>Bad gateway</p>'.repeat(1000)}</body></html>`);
  });
  const r = await comment(api.url);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/502/);
  expect(r.stderr.length).toBeLessThan(2000);
});

test('rule 3: a body cut off before its Content-Length is an error', async () => {
  const api = await serve((req, res) => {
    if (installationToken(req, res)) return;
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100000' });
    res.write('[{"id": 1, "body": "cut');
    setTimeout(() => res.destroy(), 50);
  });
  const r = await comment(api.url);
  expect(r.code).toBe(1);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
});

test('rule 4: a response body larger than the cap is refused without reading it whole', async () => {
  const chunk = Buffer.alloc(1 << 20, 0x20); // 1 MiB of spaces: valid JSON whitespace
  const api = await serve((req, res) => {
    if (installationToken(req, res)) return;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('[');
    let sent = 0;
    const pump = (): void => {
      // up to 200 MiB, stopped when the client goes away
      while (sent < 200 && res.write(chunk)) sent++;
      if (sent < 200 && !res.destroyed) res.once('drain', pump);
      else res.end(']');
    };
    res.on('close', () => (sent = 200));
    pump();
  });
  const before = process.memoryUsage().rss;
  const r = await comment(api.url);
  const grew = process.memoryUsage().rss - before;
  process.stdout.write(`finding 4: rss grew by ${Math.round(grew / 1048576)} MiB against a 200 MiB body\n`);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/larger than/);
});
