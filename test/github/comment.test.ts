/**
 * `beanstack comment` against a fake GitHub API on 127.0.0.1: create, update in place (found on the
 * third page), no call when unchanged, fork fallback to the job summary, errors.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../bin/cli';
import type { CliContext } from '../../bin/cli-context';
import { GitHubClient, parseRepository } from '../../lib/github/client';
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

  it('reports bad credentials as a permission problem', async () => {
    const client = new GitHubClient({ token: 'nope', apiUrl: gh.url });
    await expect(client.listComments({ owner: 'a', repo: 'b' }, 1)).rejects.toMatchObject({ status: 401, isPermissionProblem: true });
  });
});
