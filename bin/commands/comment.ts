/**
 * `beanstack comment --file report.md`: creates or updates the single marked comment on the pull
 * request through the GitHub REST API, with the token and repository of the standard GitHub Actions
 * environment (GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_EVENT_PATH, GITHUB_API_URL). Where the token
 * cannot comment (pull requests from forks get a read-only token) or the run is not for a pull
 * request, the report goes to the job summary (GITHUB_STEP_SUMMARY) instead.
 *
 * Only a comment written by the token's own identity is ever edited: `--author`, else the login of
 * `GET /user`, else — the token has no user, as the Actions GITHUB_TOKEN and other GitHub App
 * installation tokens — `github-actions[bot]` (pass `--author <app-slug>[bot]` for another app).
 * lib/github/client.ts holds the rules for origins, sizes and response shapes.
 *
 * Exit codes: 0 commented, or written to the job summary because the token may not comment; 1 the
 * API failed or answered something that is not what it documents (the report still goes to the job
 * summary when there is one); 2 bad flags or missing environment; 3 a bug.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ExitCode } from '../cli-context';
import type { CliContext } from '../cli-context';
import { BeanstackError, printable } from '../../lib/errors';
import type { RegisterCommand } from './index';

interface CommentFlags {
  readonly file: string;
  readonly marker?: string;
  readonly pr?: string;
  readonly repo?: string;
  readonly tokenEnv: string;
  readonly author?: string;
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
  const { ACTIONS_BOT, GitHubClient, GitHubApiError, parseRepository, upsertMarkedComment } = await import('../../lib/github/client');
  // Every missing prerequisite is collected and reported at once (not one per run).
  const missing: { message: string; fix: string }[] = [];
  const file = path.resolve(ctx.cwd, flags.file);
  if (!fs.existsSync(file)) {
    missing.push({ message: `--file ${flags.file}: no such file`, fix: 'write the report first: beanstack diff --base-ref origin/main --format markdown -o report.md' });
  }
  const marker = flags.marker ?? REVIEW_MARKER;
  if (!/^<!--[\s\S]*-->$/.test(marker)) {
    missing.push({ message: `--marker ${marker}: not an HTML comment`, fix: 'use a hidden marker like <!-- beanstack-review:staging -->' });
  }
  const summary = ctx.env.GITHUB_STEP_SUMMARY;
  if (flags.summaryOnly && !summary) {
    missing.push({ message: '--summary-only needs GITHUB_STEP_SUMMARY (set by GitHub Actions)', fix: 'run it in a GitHub Actions step, or drop --summary-only' });
  }
  const repoText = flags.repo ?? ctx.env.GITHUB_REPOSITORY;
  const repo = repoText ? parseRepository(repoText) : undefined;
  let pr: number | undefined;
  if (flags.pr !== undefined) {
    pr = Number(flags.pr);
    if (!Number.isInteger(pr) || pr <= 0) {
      missing.push({ message: `--pr ${flags.pr}: not a pull-request number`, fix: 'e.g. --pr 42' });
      pr = undefined;
    }
  } else {
    pr = pullRequestNumber(ctx.env.GITHUB_EVENT_PATH);
  }
  const token = ctx.env[flags.tokenEnv];
  // Without a job summary to fall back to, the pull request's coordinates and the token are needed too.
  if (!flags.summaryOnly && !summary) {
    if (!repo) missing.push({ message: repoText ? `repository '${repoText}' is not owner/name` : 'no repository: GITHUB_REPOSITORY is not set', fix: 'run it in GitHub Actions, or pass --repo owner/name' });
    if (pr === undefined && flags.pr === undefined) missing.push({ message: 'no pull request: the event (GITHUB_EVENT_PATH) is not a pull request', fix: 'run it on pull_request events, or pass --pr <number>' });
    if (!token) missing.push({ message: `no token: ${flags.tokenEnv} is not set`, fix: `pass the workflow token: env: ${flags.tokenEnv}: \${{ secrets.GITHUB_TOKEN }} (with permissions: pull-requests: write)` });
  }
  if (flags.author !== undefined && !/^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\[bot\])?$/.test(flags.author)) {
    missing.push({ message: `--author ${flags.author}: not a GitHub login`, fix: 'pass the login the token writes as, e.g. --author my-app[bot] for a GitHub App installation token' });
  }
  if (missing.length === 1) throw new BeanstackError(missing[0].message, { code: 'comment/prerequisites', fix: missing[0].fix });
  if (missing.length > 1) {
    throw new BeanstackError(`${missing.length} prerequisites of beanstack comment are missing`, {
      code: 'comment/prerequisites',
      details: missing.map((m) => ({ message: `${m.message} (fix: ${m.fix})` })),
      fix: 'fix each one listed; in GitHub Actions the workflow that beanstack init writes sets all of them',
    });
  }

  let body = fs.readFileSync(file, 'utf8');
  if (!body.includes(marker)) body = `${marker}\n${body}`;
  const fallback = (why: string): number => {
    if (!summary) {
      ctx.stderr(`error: ${why}, and there is no job summary (GITHUB_STEP_SUMMARY) to write to\n`);
      return ExitCode.CHANGED;
    }
    writeSummary(summary, body);
    ctx.stderr(`${why}: wrote the report to the job summary instead\n`);
    return ExitCode.OK;
  };
  /** The API failed: the report is not lost (job summary), but the step fails. */
  const failure = (why: string): number => {
    if (summary) writeSummary(summary, body);
    ctx.stderr(`error: ${why}${summary ? ' (the report was written to the job summary)' : ''}\n`);
    return ExitCode.CHANGED;
  };
  if (flags.summaryOnly) {
    writeSummary(summary!, body);
    ctx.stderr('wrote the report to the job summary\n');
    return ExitCode.OK;
  }
  if (!repo) return fallback('no repository (GITHUB_REPOSITORY)');
  if (pr === undefined) return fallback('this run is not for a pull request');
  if (!token) return fallback(`no token in ${flags.tokenEnv}`);
  const client = new GitHubClient({ token, ...(ctx.env.GITHUB_API_URL ? { apiUrl: ctx.env.GITHUB_API_URL } : {}) });
  try {
    let author = flags.author;
    if (author === undefined) {
      author = await client.authenticatedLogin();
      if (author === undefined) {
        author = ACTIONS_BOT;
        ctx.stderr(`the token has no user (an app installation token such as GITHUB_TOKEN): editing only comments by ${ACTIONS_BOT}; pass --author <app-slug>[bot] for another app\n`);
      }
    }
    const r = await upsertMarkedComment(client, repo, pr, marker, body, author);
    if (r.othersWithMarker > 0) ctx.stderr(`left alone ${r.othersWithMarker} comment${r.othersWithMarker === 1 ? '' : 's'} holding the marker written by someone other than ${author}\n`);
    ctx.stderr(`${r.action === 'unchanged' ? 'comment already up to date' : `${r.action} comment`} on ${repo.owner}/${repo.repo}#${pr}${r.comment.htmlUrl ? `: ${printable(r.comment.htmlUrl)}` : ''}\n`);
    return ExitCode.OK;
  } catch (e) {
    if (e instanceof GitHubApiError || (e as { name?: string }).name === 'GitHubApiError') {
      const err = e as InstanceType<typeof GitHubApiError>;
      if (err.isPermissionProblem) return fallback(`the token cannot comment on ${repo.owner}/${repo.repo}#${pr} (${err.message}; pull requests from forks get a read-only token)`);
      return failure(`GitHub API: ${err.message}`);
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
    .option('--author <login>', 'login the token writes comments as (default: GET /user, else github-actions[bot])')
    .option('--summary-only', 'write to the job summary only')
    .action(wrap((flags: CommentFlags) => action(ctx, flags)));
};
