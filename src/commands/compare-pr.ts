import { z } from "zod";
import { DEFAULT_API_URL, createGitHubClient, type GitHubClient } from "../github/client.js";
import { upsertStickyComment, type StickyCommentOutcome } from "../github/comments.js";
import { parseRepository } from "../github/repos.js";
import { ConfigurationError, parseOptions, type CompareOutcome } from "../model/index.js";
import { commentMarker, compareMarkdown } from "../report/compare-report.js";
import type { RetryPolicy } from "../store/retry.js";
import { CompareOptions, compare } from "./compare.js";

export const ComparePrOptions = CompareOptions.extend({
  /** The repository of the pull request (owner/name). */
  repository: z.string().trim().min(1).optional(),
  prNumber: z.coerce.number().int().positive().optional(),
  token: z.string().trim().optional(),
  apiUrl: z.string().trim().url().optional(),
  comment: z.boolean().default(true),
  /** Separates the comments of several suites on one PR; one comment per key, ever. */
  commentKey: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, "must be 1-64 letters, digits, '.', '_' or '-'")
    .default("default"),
});
export type ComparePrOptions = z.infer<typeof ComparePrOptions>;

export function parseComparePrOptions(raw: Record<string, unknown>): ComparePrOptions {
  return parseOptions(ComparePrOptions, raw);
}

export interface ComparePrOutcome {
  outcome: CompareOutcome;
  /** The comment body (also the job summary). */
  markdown: string;
  comment: StickyCommentOutcome | null;
}

/**
 * `compare`, then the verdict where reviewers look: one PR comment, found again by its hidden
 * marker and edited on every run. Commenting is skipped (not failed) without a PR number, so
 * the same step runs on pushes; it needs a token with `pull-requests: write`.
 */
export async function comparePr(
  options: ComparePrOptions,
  deps: { env?: NodeJS.ProcessEnv; retry?: RetryPolicy; log?: (m: string) => void; client?: GitHubClient } = {},
): Promise<ComparePrOutcome> {
  const env = deps.env ?? process.env;
  const log = deps.log ?? (() => {});
  const wantsComment = options.comment && options.prNumber !== undefined;
  const repository = options.repository ?? env.GITHUB_REPOSITORY;
  if (wantsComment && !repository) throw new ConfigurationError("repository: needed to comment (owner/name)");
  if (wantsComment && !options.token && !deps.client) {
    throw new ConfigurationError("token: needed to comment on the pull request (pull-requests: write)");
  }
  const target = wantsComment ? parseRepository(repository!, "repository") : undefined;
  const outcome = await compare(options, deps);
  const marker = commentMarker(options.commentKey);
  const markdown = compareMarkdown(outcome, { marker });
  let comment: StickyCommentOutcome | null = null;
  if (wantsComment) {
    const client =
      deps.client ??
      createGitHubClient({
        token: options.token!,
        baseUrl: options.apiUrl ?? env.GITHUB_API_URL ?? DEFAULT_API_URL,
        log,
      });
    comment = await upsertStickyComment(client, target!, options.prNumber!, marker, markdown);
    log(`${comment.action} the comparison comment: ${comment.url}`);
  } else if (options.comment) {
    log("no pull request number: the comparison is not posted as a comment");
  }
  return { outcome, markdown, comment };
}
