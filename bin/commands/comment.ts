/**
 * `beanstack comment --file report.md`: creates or updates the single marked comment on the pull
 * request through the GitHub REST API, with the token and repository of the standard GitHub Actions
 * environment (GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_EVENT_PATH, GITHUB_API_URL). Where the token
 * cannot comment (pull requests from forks get a read-only token) or the run is not for a pull
 * request, the report goes to the job summary (GITHUB_STEP_SUMMARY) instead.
 *
 * Exit codes: 0 commented, or written to the job summary; 1 the API failed and there is no job
 * summary to fall back to; 2 bad flags or missing environment; 3 a bug.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ExitCode } from '../cli-context';
import type { CliContext } from '../cli-context';
import { BeanstackError } from '../../lib/errors';
import type { RegisterCommand } from './index';

interface CommentFlags {
  readonly file: string;
  readonly marker?: string;
  readonly pr?: string;
  readonly repo?: string;
  readonly tokenEnv: string;
  readonly summaryOnly?: boolean;
}

/** The pull-request number from the Actions event payload (pull_request, pull_request_target, issue_comment). */
export function pullRequestNumber(eventPath: string | undefined): number | undefined {
  if (!eventPath || !fs.existsSync(eventPath)) return undefined;
  try {
    const e = JSON.parse(fs.readFileSync(eventPath, 'utf8')) as { pull_request?: { number?: number }; issue?: { number?: number; pull_request?: unknown }; number?: number };
    if (typeof e.pull_request?.number === 'number') return e.pull_request.number;
    if (e.issue?.pull_request && typeof e.issue.number === 'number') return e.issue.number;
    return undefined;
  } catch {
    return undefined;
  }
}

function writeSummary(file: string, body: string): void {
  fs.appendFileSync(file, body.endsWith('\n') ? body : `${body}\n`);
}

async function action(ctx: CliContext, flags: CommentFlags): Promise<number> {
  const { REVIEW_MARKER } = await import('../../lib/review/render');
  const { GitHubClient, GitHubApiError, parseRepository, upsertMarkedComment } = await import('../../lib/github/client');
  const file = path.resolve(ctx.cwd, flags.file);
  if (!fs.existsSync(file)) {
    throw new BeanstackError(`--file ${flags.file}: no such file`, { code: 'comment/no-file', fix: 'write the report first: beanstack diff --base-ref origin/main --format markdown -o report.md' });
  }
  const marker = flags.marker ?? REVIEW_MARKER;
  if (!/^<!--[\s\S]*-->$/.test(marker)) {
    throw new BeanstackError(`--marker ${marker}: not an HTML comment`, { code: 'comment/marker', fix: 'use a hidden marker like <!-- beanstack-review:staging -->' });
  }
  let body = fs.readFileSync(file, 'utf8');
  if (!body.includes(marker)) body = `${marker}\n${body}`;
  const summary = ctx.env.GITHUB_STEP_SUMMARY;
  const fallback = (why: string): number => {
    if (!summary) {
      ctx.stderr(`error: ${why}, and there is no job summary (GITHUB_STEP_SUMMARY) to write to\n`);
      return ExitCode.CHANGED;
    }
    writeSummary(summary, body);
    ctx.stderr(`${why}: wrote the report to the job summary instead\n`);
    return ExitCode.OK;
  };
  if (flags.summaryOnly) {
    if (!summary) throw new BeanstackError('--summary-only needs GITHUB_STEP_SUMMARY (set by GitHub Actions)', { code: 'comment/no-summary', fix: 'run it in a GitHub Actions step, or drop --summary-only' });
    writeSummary(summary, body);
    ctx.stderr('wrote the report to the job summary\n');
    return ExitCode.OK;
  }

  const repoText = flags.repo ?? ctx.env.GITHUB_REPOSITORY;
  const repo = repoText ? parseRepository(repoText) : undefined;
  if (!repo) {
    if (summary) return fallback('no repository (GITHUB_REPOSITORY)');
    throw new BeanstackError(repoText ? `repository '${repoText}' is not owner/name` : 'no repository: GITHUB_REPOSITORY is not set', { code: 'comment/no-repo', fix: 'run it in GitHub Actions, or pass --repo owner/name' });
  }
  let pr: number | undefined;
  if (flags.pr !== undefined) {
    pr = Number(flags.pr);
    if (!Number.isInteger(pr) || pr <= 0) throw new BeanstackError(`--pr ${flags.pr}: not a pull-request number`, { code: 'comment/pr', fix: 'e.g. --pr 42' });
  } else {
    pr = pullRequestNumber(ctx.env.GITHUB_EVENT_PATH);
  }
  if (pr === undefined) {
    if (summary) return fallback('this run is not for a pull request');
    throw new BeanstackError('no pull request: the event (GITHUB_EVENT_PATH) is not a pull request', { code: 'comment/no-pr', fix: 'run it on pull_request events, or pass --pr <number>' });
  }
  const token = ctx.env[flags.tokenEnv];
  if (!token) {
    if (summary) return fallback(`no token in ${flags.tokenEnv}`);
    throw new BeanstackError(`no token: ${flags.tokenEnv} is not set`, { code: 'comment/no-token', fix: `pass the workflow token: env: ${flags.tokenEnv}: \${{ secrets.GITHUB_TOKEN }} (with permissions: pull-requests: write)` });
  }
  const client = new GitHubClient({ token, ...(ctx.env.GITHUB_API_URL ? { apiUrl: ctx.env.GITHUB_API_URL } : {}) });
  try {
    const r = await upsertMarkedComment(client, repo, pr, marker, body);
    ctx.stderr(`${r.action === 'unchanged' ? 'comment already up to date' : `${r.action} comment`} on ${repo.owner}/${repo.repo}#${pr}${r.comment.htmlUrl ? `: ${r.comment.htmlUrl}` : ''}\n`);
    return ExitCode.OK;
  } catch (e) {
    if (e instanceof GitHubApiError || (e as { name?: string }).name === 'GitHubApiError') {
      const err = e as InstanceType<typeof GitHubApiError>;
      if (err.status === 401 || err.status === 403 || err.status === 404) return fallback(`the token cannot comment on ${repo.owner}/${repo.repo}#${pr} (${err.message}; pull requests from forks get a read-only token)`);
      return fallback(`GitHub API error: ${err.message}`);
    }
    throw e;
  }
}

export const registerComment: RegisterCommand = (program, ctx, wrap) => {
  program
    .command('comment')
    .description('create or update the review comment on the pull request (falls back to the job summary)')
    .requiredOption('--file <file>', 'the markdown report (beanstack diff --format markdown -o <file>)')
    .option('--marker <html-comment>', 'hidden marker that identifies the comment (default: the review marker)')
    .option('--pr <number>', 'pull-request number (default: from GITHUB_EVENT_PATH)')
    .option('--repo <owner/name>', 'repository (default: GITHUB_REPOSITORY)')
    .option('--token-env <name>', 'environment variable holding the token', 'GITHUB_TOKEN')
    .option('--summary-only', 'write to the job summary only')
    .action(wrap((flags: CommentFlags) => action(ctx, flags)));
};
