import { z } from "zod";
import { DEFAULT_API_URL, callGitHub, createGitHubClient, type GitHubClient } from "../github/client.js";
import { tokenLogin, upsertStickyComment, type StickyCommentOutcome } from "../github/comments.js";
import { parseRepository, repositoryName, type RepositoryRef } from "../github/repos.js";
import { ConfigurationError, parseOptions, type CompareOutcome } from "../model/index.js";
import { commentMarker, compareMarkdown } from "../report/compare-report.js";
import { CompareOptions, compare } from "./compare.js";
import type { GitHubCommandDeps } from "./deps.js";

export const ComparePrOptions = CompareOptions.extend({
  /** The repository of the pull request (owner/name). */
  prRepository: z.string().trim().min(1).optional(),
  prNumber: z.coerce.number().int().positive().optional(),
  token: z.string().trim().optional(),
  apiUrl: z.string().trim().url().optional(),
  comment: z.boolean().default(true),
  /** Separates the comments of several suites on one PR; one comment per key, ever. */
  /**
   * The head the workflow_run ran (sha, owner/name): the PR number came from an artifact code of
   * the pull request wrote, so the PR is only commented on when its head is this one.
   */
  expectedHeadSha: z
    .string()
    .trim()
    .regex(/^[0-9a-f]{40}$/, "must be a full commit sha (40 lowercase hex digits)")
    .optional(),
  expectedHeadRepository: z.string().trim().min(1).optional(),
  /** Whose sticky comment may be edited: the token's own login (empty: ask GitHub, `GET /user`). */
  commentAuthor: z.string().trim().default("github-actions[bot]"),
  commentKey: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, "must be 1-64 letters, digits, '.', '_' or '-'")
    .default("default"),
});
export type ComparePrOptions = z.infer<typeof ComparePrOptions>;

export function parseComparePrOptions(raw: Record<string, unknown>): ComparePrOptions {
  const options = parseOptions(ComparePrOptions, raw);
  if ((options.expectedHeadSha === undefined) !== (options.expectedHeadRepository === undefined)) {
    throw new ConfigurationError(
      "expected-head-sha, expected-head-repository: give both (the workflow_run's head) or neither",
    );
  }
  return options;
}

/**
 * Refuses to comment on a pull request whose head is not the one that was benchmarked: a
 * forged PR number (the artifact holding it is written by the PR's own code) would otherwise
 * put our report, and its verdict, on somebody else's pull request.
 */
async function verifyPullRequestHead(
  client: GitHubClient,
  target: RepositoryRef,
  prNumber: number,
  expected: { sha: string; repository: string },
): Promise<void> {
  const { data: pull } = await callGitHub(`reading pull request #${prNumber} of ${repositoryName(target)}`, () =>
    client.rest.pulls.get({ owner: target.owner, repo: target.repo, pull_number: prNumber }),
  );
  const headRepository = pull.head.repo?.full_name ?? "(a deleted repository)";
  const problems = [
    pull.head.sha !== expected.sha ? `its head is ${pull.head.sha}, not ${expected.sha}` : undefined,
    headRepository.toLowerCase() !== expected.repository.toLowerCase()
      ? `its head repository is ${headRepository}, not ${expected.repository}`
      : undefined,
  ].filter((p) => p !== undefined);
  if (problems.length > 0) {
    throw new ConfigurationError(
      `pr-number: pull request #${prNumber} is not the one benchmarked (${problems.join("; ")}); ` +
        "nothing was written",
    );
  }
}

export interface ComparePrOutcome {
  outcome: CompareOutcome;
  /** The comment body (also the job summary). */
  markdown: string;
  comment: StickyCommentOutcome | null;
}

/**
 * `compare`, then the verdict where reviewers look: one PR comment, found again by its hidden
 * marker and author and edited on every run. Commenting is skipped (not failed) without a PR
 * number, so the same step runs on pushes; it needs a token with `pull-requests: write`. Given
 * the head that was benchmarked, the PR's head must be it, or nothing is written.
 */
export async function comparePr(options: ComparePrOptions, deps: GitHubCommandDeps = {}): Promise<ComparePrOutcome> {
  const env = deps.env ?? process.env;
  const log = deps.log ?? (() => {});
  const wantsComment = options.comment && options.prNumber !== undefined;
  const repository = options.prRepository ?? env.GITHUB_REPOSITORY;
  if (wantsComment && !repository) throw new ConfigurationError("pr-repository: needed to comment (owner/name)");
  if (wantsComment && !options.token && !deps.client) {
    throw new ConfigurationError("token: needed to comment on the pull request (pull-requests: write)");
  }
  const target = wantsComment ? parseRepository(repository!, "pr-repository") : undefined;
  const client = wantsComment
    ? (deps.client ??
      createGitHubClient({
        token: options.token!,
        baseUrl: options.apiUrl ?? env.GITHUB_API_URL ?? DEFAULT_API_URL,
        log,
      }))
    : undefined;
  if (client && options.expectedHeadSha !== undefined && options.expectedHeadRepository !== undefined) {
    await verifyPullRequestHead(client, target!, options.prNumber!, {
      sha: options.expectedHeadSha,
      repository: options.expectedHeadRepository,
    });
  }
  const outcome = await compare(options, deps);
  const marker = commentMarker(options.commentKey);
  const markdown = compareMarkdown(outcome, { marker });
  let comment: StickyCommentOutcome | null = null;
  if (client) {
    const author = options.commentAuthor || (await tokenLogin(client));
    comment = await upsertStickyComment(client, target!, options.prNumber!, marker, markdown, author);
    log(`${comment.action} the comparison comment: ${comment.url}`);
  } else if (options.comment) {
    log("no pull request number: the comparison is not posted as a comment");
  }
  return { outcome, markdown, comment };
}
