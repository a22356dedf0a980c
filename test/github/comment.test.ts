/**
 * `beanstack comment` against a fake GitHub API on 127.0.0.1: create, update in place (found on the
 * third page), no call when unchanged, fork fallback to the job summary, errors; only the token's own
 * comments are edited; requests stay on the API's origin and path (the origin rules run against an
 * injected fetch too, for https and Enterprise bases that a local server cannot be).
 * More hostile APIs: test/security/finding-04-comment.test.ts.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../bin/cli';
import type { CliContext } from '../../bin/cli-context';
import { GitHubClient, parseRepository, upsertMarkedComment } from '../../lib/github/client';
import { REVIEW_MARKER } from '../../lib/review';
import { startFakeGitHub } from './fake-github';
import type { FakeGitHub } from './fake-github';

let gh: FakeGitHub;
let dir = '';
let env: Record<string, string> = {};

async function run(args: string[], extraEnv: Record<string, string | undefined> = {}): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const ctx: CliContext = { cwd: dir, env: { ...env, ...extraEnv }, stdout: () => undefined, stderr: (t) => (stderr += t), isTty: false };
  const code = await main(['comment', ...args], ctx);
  return { code, stderr };
}

beforeEach(async () => {
  gh = await startFakeGitHub({ token: 'write-token', readOnlyToken: 'fork-token' });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-comment-'));
  fs.writeFileSync(path.join(dir, 'event.json'), JSON.stringify({ action: 'synchronize', number: 7, pull_request: { number: 7 } }));
  fs.writeFileSync(path.join(dir, 'report.md'), `${REVIEW_MARKER}\n### review v1\n`);
  env = {
    GITHUB_TOKEN: 'write-token',
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_EVENT_PATH: path.join(dir, 'event.json'),
    GITHUB_API_URL: gh.url,
    GITHUB_STEP_SUMMARY: path.join(dir, 'summary.md'),
  };
});

afterEach(async () => {
  await gh.close();
});

describe('beanstack comment', () => {
  it('creates the comment, then updates the same one (found past the first pages)', async () => {
    // 250 other comments first: the marked one lands on page 3 of 100
    gh.comments.set(7, Array.from({ length: 250 }, (_, i) => ({ id: i + 1, body: `chatter ${i}`, user: 'someone' })));
    let r = await run(['--file', 'report.md']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/created comment on acme\/shop#7/);
    expect(gh.comments.get(7)).toHaveLength(251);

    fs.writeFileSync(path.join(dir, 'report.md'), `${REVIEW_MARKER}\n### review v2\n`);
    gh.log.length = 0;
    r = await run(['--file', 'report.md']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/updated comment/);
    const marked = gh.comments.get(7)!.filter((c) => c.body.includes(REVIEW_MARKER));
    expect(marked).toHaveLength(1);
    expect(marked[0].body).toMatch(/review v2/);
    expect(gh.log).toEqual([
      'GET /user',
      'GET /repos/acme/shop/issues/7/comments?per_page=100',
      'GET /repos/acme/shop/issues/7/comments?per_page=100&page=2',
      'GET /repos/acme/shop/issues/7/comments?per_page=100&page=3',
      `PATCH /repos/acme/shop/issues/comments/${marked[0].id}`,
    ]);
    expect(fs.existsSync(env.GITHUB_STEP_SUMMARY)).toBe(false);
  });

  it('makes no write when the body is unchanged', async () => {
    await run(['--file', 'report.md']);
    gh.log.length = 0;
    const r = await run(['--file', 'report.md']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/already up to date/);
    expect(gh.log.every((l) => l.startsWith('GET'))).toBe(true);
  });

  it('falls back to the job summary when the token is read-only (fork)', async () => {
    const r = await run(['--file', 'report.md'], { GITHUB_TOKEN: 'fork-token' });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/cannot comment on acme\/shop#7 .*403 Resource not accessible by integration.*: wrote the report to the job summary instead/);
    expect(fs.readFileSync(env.GITHUB_STEP_SUMMARY, 'utf8')).toMatch(/review v1/);
    expect(gh.comments.get(7) ?? []).toHaveLength(0);
  });

  it('falls back to the job summary outside pull requests', async () => {
    fs.writeFileSync(path.join(dir, 'push.json'), JSON.stringify({ ref: 'refs/heads/main' }));
    const r = await run(['--file', 'report.md'], { GITHUB_EVENT_PATH: path.join(dir, 'push.json') });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/not for a pull request/);
    expect(fs.readFileSync(env.GITHUB_STEP_SUMMARY, 'utf8')).toMatch(/review v1/);
  });

  it('adds the marker when the file has none and honours --marker, --pr and --repo', async () => {
    fs.writeFileSync(path.join(dir, 'plain.md'), 'hello\n');
    const r = await run(['--file', 'plain.md', '--marker', '<!-- beanstack-review:staging -->', '--pr', '9', '--repo', 'acme/other']);
    expect(r.code).toBe(0);
    expect(gh.comments.get(9)![0].body).toBe('<!-- beanstack-review:staging -->\nhello\n');
  });

  it('edits only comments the token wrote: a user token is identified with GET /user', async () => {
    await gh.close();
    gh = await startFakeGitHub({ token: 'write-token', userLogin: 'octo' });
    gh.comments.set(7, [
      { id: 1, body: `${REVIEW_MARKER}\nby the bot`, user: 'github-actions[bot]' },
      { id: 2, body: `${REVIEW_MARKER}\nold`, user: 'Octo' },
    ]);
    const r = await run(['--file', 'report.md'], { GITHUB_API_URL: gh.url });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/left alone 1 comment holding the marker written by someone other than octo/);
    expect(gh.comments.get(7)!.map((c) => c.body)).toEqual([`${REVIEW_MARKER}\nby the bot`, `${REVIEW_MARKER}\n### review v1\n`]);
  });

  it('the Actions token (no user) edits only github-actions[bot] comments; --author names another app', async () => {
    gh.comments.set(7, [
      { id: 1, body: `${REVIEW_MARKER}\nby a human`, user: 'mallory' },
      { id: 2, body: `${REVIEW_MARKER}\nby another app`, user: 'my-app[bot]' },
    ]);
    let r = await run(['--file', 'report.md']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/no user .* editing only comments by github-actions\[bot\]/);
    expect(r.stderr).toMatch(/created comment/);
    gh.log.length = 0;
    r = await run(['--file', 'report.md', '--author', 'my-app[bot]']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/updated comment/);
    expect(gh.log).not.toContain('GET /user');
    expect(gh.comments.get(7)!.map((c) => [c.user, c.body.includes('review v1')])).toEqual([
      ['mallory', false],
      ['my-app[bot]', true],
      ['github-actions[bot]', true],
    ]);
  });

  it('refuses a plain-http API that is not on this machine, before any request', async () => {
    const r = await run(['--file', 'report.md'], { GITHUB_API_URL: 'http://api.example.test' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/GITHUB_API_URL http:\/\/api\.example\.test: the token is sent only over https[\s\S]*fix:/);
    expect(gh.log).toEqual([]);
  });

  it('API trouble with a job summary writes it and still exits 1', async () => {
    await gh.close();
    gh = await startFakeGitHub({ failWith: 500 });
    const r = await run(['--file', 'report.md'], { GITHUB_API_URL: gh.url });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: GitHub API: GET \/user: 500 Server Error \(the report was written to the job summary\)/);
    expect(fs.readFileSync(env.GITHUB_STEP_SUMMARY, 'utf8')).toMatch(/review v1/);
  });

  it('API trouble without a job summary exits 1', async () => {
    await gh.close();
    gh = await startFakeGitHub({ failWith: 502 });
    const r = await run(['--file', 'report.md'], { GITHUB_API_URL: gh.url, GITHUB_STEP_SUMMARY: undefined });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/502/);
  });

  it.each([
    [['--file', 'missing.md'], {}, /--file missing\.md: no such file[\s\S]*fix: write the report first/],
    [['--file', 'report.md'], { GITHUB_REPOSITORY: undefined, GITHUB_STEP_SUMMARY: undefined }, /GITHUB_REPOSITORY is not set[\s\S]*fix:/],
    [['--file', 'report.md'], { GITHUB_TOKEN: undefined, GITHUB_STEP_SUMMARY: undefined }, /GITHUB_TOKEN is not set[\s\S]*pull-requests: write/],
    [['--file', 'report.md', '--pr', 'x'], {}, /--pr x: not a pull-request number/],
    [['--file', 'report.md', '--marker', 'beanstack'], {}, /not an HTML comment/],
  ])('user error %j', async (args, extra, message) => {
    const r = await run(args as string[], extra as Record<string, string | undefined>);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message as RegExp);
  });

  it('lists every missing prerequisite at once (file, repository, pull request, token)', async () => {
    const r = await run(['--file', 'missing.md'], { GITHUB_REPOSITORY: undefined, GITHUB_EVENT_PATH: undefined, GITHUB_TOKEN: undefined, GITHUB_STEP_SUMMARY: undefined });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/4 prerequisites of beanstack comment are missing/);
    for (const m of [/--file missing\.md: no such file/, /GITHUB_REPOSITORY is not set/, /no pull request/, /GITHUB_TOKEN is not set/]) expect(r.stderr).toMatch(m);
    expect(gh.log).toEqual([]);
  });
});

describe('GitHubClient', () => {
  it('parses repositories', () => {
    expect(parseRepository('acme/shop')).toEqual({ owner: 'acme', repo: 'shop' });
    expect(parseRepository('acme')).toBeUndefined();
  });

  /** A fetch that records each URL and answers from a list; no network. */
  function scripted(answers: Array<() => Response>): { fetch: typeof fetch; urls: string[] } {
    const urls: string[] = [];
    return {
      urls,
      fetch: (async (input: string | URL | Request) => {
        urls.push(String(input));
        const next = answers.shift();
        if (!next) throw new Error('unexpected request');
        return next();
      }) as typeof fetch,
    };
  }
  const page = (comments: unknown[], link?: string) => () => new Response(JSON.stringify(comments), { status: 200, headers: { 'content-type': 'application/json', ...(link ? { link } : {}) } });

  it('follows Link pages on the API origin and under its path (GitHub Enterprise /api/v3)', async () => {
    const f = scripted([page([{ id: 1, body: 'a', user: { login: 'x' } }], '</api/v3/repos/a/b/issues/1/comments?page=2>; rel="next"'), page([{ id: 2, body: 'b', user: null }])]);
    const client = new GitHubClient({ token: 't', apiUrl: 'https://ghe.test/api/v3/', fetch: f.fetch });
    expect((await client.listComments({ owner: 'a', repo: 'b' }, 1)).map((c) => c.id)).toEqual([1, 2]);
    expect(f.urls).toEqual(['https://ghe.test/api/v3/repos/a/b/issues/1/comments?per_page=100', 'https://ghe.test/api/v3/repos/a/b/issues/1/comments?page=2']);
  });

  it.each([
    ['another host', 'https://evil.test/api/v3/repos/a/b/issues/1/comments?page=2'],
    ['plain http', 'http://ghe.test/api/v3/repos/a/b/issues/1/comments?page=2'],
    ['another port', 'https://ghe.test:8443/api/v3/repos/a/b/issues/1/comments?page=2'],
    ['outside the API path', 'https://ghe.test/login?page=2'],
    ['user-info', 'https://user:pw@ghe.test/api/v3/repos/a/b/issues/1/comments?page=2'],
  ])('refuses a Link next page on %s without sending anything', async (_what, next) => {
    const f = scripted([page([], `<${next}>; rel="next"`)]);
    const client = new GitHubClient({ token: 't', apiUrl: 'https://ghe.test/api/v3', fetch: f.fetch });
    await expect(client.listComments({ owner: 'a', repo: 'b' }, 1)).rejects.toMatchObject({ kind: 'refused', message: expect.stringMatching(/refused to send the token/) });
    expect(f.urls).toHaveLength(1);
  });

  it('follows a redirect only on the API origin', async () => {
    const moved = (location: string) => () => new Response(null, { status: 301, headers: { location } });
    let f = scripted([moved('/repos/a/renamed/issues/1/comments?per_page=100'), page([])]);
    await new GitHubClient({ token: 't', fetch: f.fetch }).listComments({ owner: 'a', repo: 'b' }, 1);
    expect(f.urls[1]).toBe('https://api.github.com/repos/a/renamed/issues/1/comments?per_page=100');
    f = scripted([moved('https://evil.test/steal')]);
    await expect(new GitHubClient({ token: 't', fetch: f.fetch }).listComments({ owner: 'a', repo: 'b' }, 1)).rejects.toMatchObject({ kind: 'refused' });
    expect(f.urls).toHaveLength(1);
  });

  it('stops paging at the own marked comment and never edits another author\'s', async () => {
    const f = scripted([
      page([{ id: 1, body: 'M by someone', user: { login: 'mallory' } }, { id: 2, body: 'M mine', user: { login: 'GitHub-Actions[bot]' } }], '<https://api.github.com/next>; rel="next"'),
      () => new Response(JSON.stringify({ id: 2, body: 'M new', user: { login: 'github-actions[bot]' } }), { status: 200 }),
    ]);
    const client = new GitHubClient({ token: 't', fetch: f.fetch });
    const r = await upsertMarkedComment(client, { owner: 'a', repo: 'b' }, 1, 'M', 'M new', 'github-actions[bot]');
    expect(r).toMatchObject({ action: 'updated', othersWithMarker: 1 });
    expect(f.urls[1]).toBe('https://api.github.com/repos/a/b/issues/comments/2');
  });

  it.each([
    ['a list that is not comments', () => new Response('[{"body": "no id"}]', { status: 200 }), /not a comment/],
    ['an object instead of a list', () => new Response('{"message": "hi"}', { status: 200 }), /not a list of comments/],
    ['an empty 200', () => new Response('', { status: 200 }), /not JSON/],
    ['a 500 HTML page', () => new Response('<html>' + 'x'.repeat(5000), { status: 500, headers: { 'content-type': 'text/html' } }), /500 \(text\/html body of 5006 bytes\)/],
    ['a message with terminal escapes', () => new Response(JSON.stringify({ message: 'bad\u001b[2J\u001b]8;;http://x\u0007' }), { status: 422 }), /422 bad \[2J \]8;;http:\/\/x$/],
  ])('reports %s as a GitHubApiError', async (_what, answer, message) => {
    const f = scripted([answer]);
    const err = await new GitHubClient({ token: 't', fetch: f.fetch }).listComments({ owner: 'a', repo: 'b' }, 1).catch((e: Error) => e);
    expect(err).toMatchObject({ name: 'GitHubApiError', message: expect.stringMatching(message) });
  });

  it('refuses a body whose Content-Length is over the cap without reading it', async () => {
    const f = scripted([() => new Response('[]', { status: 200, headers: { 'content-length': String(64 * 1024 * 1024) } })]);
    await expect(new GitHubClient({ token: 't', fetch: f.fetch }).listComments({ owner: 'a', repo: 'b' }, 1)).rejects.toMatchObject({ kind: 'refused', message: expect.stringMatching(/larger than 33554432 bytes/) });
  });

  it('reports bad credentials as a permission problem', async () => {
    const client = new GitHubClient({ token: 'nope', apiUrl: gh.url });
    await expect(client.listComments({ owner: 'a', repo: 'b' }, 1)).rejects.toMatchObject({ status: 401, isPermissionProblem: true });
  });
});
