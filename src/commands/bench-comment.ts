import { z } from "zod";
import { GitHubApiError, parseOptions } from "../model/index.js";
import { DispatchTargetShape } from "./dispatch-target.js";
import { BENCH_BOT_USAGE, parseBenchComment, type BenchRequest } from "../github/bench-comment.js";
import { DEFAULT_API_URL, callGitHub, createGitHubClient } from "../github/client.js";
import { dispatchWorkflow, parseRepository, repositoryName, type RepositoryRef } from "../github/repos.js";
import type { GitHubCommandDeps } from "./deps.js";

/**
 * Options of the comment trigger (the `schedule` action in `comment` mode); the workflow
 * repository defaults to the repository the comment was made in.
 */
export const BenchCommentOptions = z.object(DispatchTargetShape);
export type BenchCommentOptions = z.infer<typeof BenchCommentOptions>;

export function parseBenchCommentOptions(raw: Record<string, unknown>): BenchCommentOptions {
  return parseOptions(BenchCommentOptions, raw);
}

/** The parts of an `issue_comment` event payload this uses (checked, since it is outside input). */
const CommentEvent = z.object({
  action: z.string(),
  comment: z.object({
    id: z.number().int(),
    body: z.string(),
    user: z.object({ login: z.string().min(1) }),
    created_at: z.string().optional(),
  }),
  issue: z.object({ number: z.number().int().positive(), pull_request: z.unknown().optional() }),
  repository: z.object({ full_name: z.string().min(3) }),
});

export type CommentOutcome =
  | { kind: "ignored"; reason: string }
  | { kind: "refused"; user: string; reason: string }
  | { kind: "invalid"; reason: string }
  | {
      kind: "dispatched";
      user: string;
      prNumber: number;
      sha: string;
      prRepository: string;
      request: BenchRequest;
      runUrl?: string;
    };

export type BenchCommentDependencies = Omit<GitHubCommandDeps, "retry">;

/** Roles (`role_name`) and permissions (`permission`) that may start a run with the repository's secrets. */
const WRITE_PERMISSIONS = new Set(["admin", "maintain", "write"]);

/** Whole seconds since the epoch, or NaN: GitHub's timestamps carry seconds, no finer. */
const second = (timestamp: string | null | undefined) =>
  timestamp ? Math.floor(Date.parse(timestamp) / 1000) : Number.NaN;

/**
 * Answers one pull-request comment. The commenter's permission is read before anything is
 * written: only collaborators with write, maintain or admin access may start a run (it runs the
 * PR head with the repository's secrets), and the PR's author is no exception; anyone else gets
 * one polite refusal. The run is bound to the head the commenter saw: when the pull request or
 * its head repository changed at or after the comment's second, nothing runs and the commenter
 * is asked to comment again. A request is acknowledged with a reaction, then dispatched; other
 * comments are ignored without a single API call.
 */
export async function handleBenchComment(
  options: BenchCommentOptions,
  rawEvent: unknown,
  deps: BenchCommentDependencies = {},
): Promise<CommentOutcome> {
  const parsedEvent = CommentEvent.safeParse(rawEvent);
  if (!parsedEvent.success) return { kind: "ignored", reason: "not an issue_comment event" };
  const event = parsedEvent.data;
  if (event.action !== "created") return { kind: "ignored", reason: `comment ${event.action}, not created` };
  if (event.issue.pull_request === undefined || event.issue.pull_request === null) {
    return { kind: "ignored", reason: "a comment on an issue, not on a pull request" };
  }
  const parsed = parseBenchComment(event.comment.body);
  if (parsed.kind === "not-for-us") return { kind: "ignored", reason: "no @bench-bot request" };

  const repository = parseRepository(event.repository.full_name, "event repository");
  const workflowRepository: RepositoryRef = parseRepository(
    options.workflowRepository ?? event.repository.full_name,
    "workflow-repository",
  );
  const env = deps.env ?? process.env;
  const client =
    deps.client ??
    createGitHubClient({
      token: options.token,
      baseUrl: options.apiUrl ?? env.GITHUB_API_URL ?? DEFAULT_API_URL,
      log: deps.log,
    });
  const user = event.comment.user.login;
  const issue = { owner: repository.owner, repo: repository.repo, issue_number: event.issue.number };
  const reply = (body: string) =>
    callGitHub(`commenting on ${repositoryName(repository)}#${event.issue.number}`, () =>
      client.rest.issues.createComment({ ...issue, body }),
    );

  // Who asks, first: nothing is written (reply, reaction, dispatch) before this answer.
  let permission = "none";
  let role = "none";
  try {
    const { data } = await callGitHub(`reading ${user}'s permission on ${repositoryName(repository)}`, () =>
      client.rest.repos.getCollaboratorPermissionLevel({
        owner: repository.owner,
        repo: repository.repo,
        username: user,
      }),
    );
    permission = data.permission;
    role = data.role_name;
  } catch (error) {
    // a user GitHub does not know as a collaborator (404) has no permission; anything else fails
    if (!(error instanceof GitHubApiError && error.status === 404)) throw error;
  }
  if (!WRITE_PERMISSIONS.has(role) && !WRITE_PERMISSIONS.has(permission)) {
    const reason = `${user} has ${role === permission ? permission : `${role} (${permission})`} permission, not write`;
    await reply(
      `Thanks for your interest, @${user}! Benchmark runs execute the pull request's code with this ` +
        "repository's secrets, so only collaborators with write access can request them; a maintainer " +
        "can start one for you.",
    );
    return { kind: "refused", user, reason };
  }

  if (parsed.kind === "invalid") {
    await reply(`@${user} I could not read that request: ${parsed.reason}. ${BENCH_BOT_USAGE}`);
    return { kind: "invalid", reason: parsed.reason };
  }

  const { data: pull } = await callGitHub(`reading pull request #${event.issue.number}`, () =>
    client.rest.pulls.get({ owner: repository.owner, repo: repository.repo, pull_number: event.issue.number }),
  );
  // The head the commenter saw: a pull request updated after the comment, or a head repository
  // pushed to in or after the comment's second, may run code nobody with write access has seen.
  // (Commit dates are no evidence: whoever pushes sets them.)
  const commented = second(event.comment.created_at);
  const stale = Number.isNaN(commented)
    ? "the comment carries no time"
    : second(pull.updated_at) > commented
      ? `the pull request was updated at ${pull.updated_at}, after the comment`
      : second(pull.head.repo?.pushed_at) >= commented
        ? `the head repository was pushed to at ${pull.head.repo?.pushed_at}, not before the comment`
        : undefined;
  if (stale !== undefined) {
    await reply(
      `@${user} the pull request changed while your request was on its way, so nothing was started: ` +
        "please review the new head and comment again.",
    );
    return { kind: "refused", user, reason: stale };
  }

  await callGitHub("acknowledging the comment", () =>
    client.rest.reactions.createForIssueComment({
      owner: repository.owner,
      repo: repository.repo,
      comment_id: event.comment.id,
      content: "rocket",
    }),
  );
  const prRepository = pull.head.repo?.full_name ?? repositoryName(repository);
  const { request } = parsed;
  const dispatched = await dispatchWorkflow(client, {
    repository: workflowRepository,
    workflow: options.workflow,
    ref: options.workflowRef,
    inputs: {
      git_sha: pull.head.sha,
      pr_number: String(event.issue.number),
      pr_repo: prRepository,
      run_rust: String(request.runRust),
      run_python: String(request.runPython),
      rust_crates: request.crates.join(","),
    },
  });
  return {
    kind: "dispatched",
    user,
    prNumber: event.issue.number,
    sha: pull.head.sha,
    prRepository,
    request,
    runUrl: dispatched.runUrl,
  };
}
