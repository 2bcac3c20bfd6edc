import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { handleBenchComment, parseBenchCommentOptions } from "../../src/commands/bench-comment.js";
import { parseBenchComment } from "../../src/github/bench-comment.js";
import { createGitHubClient } from "../../src/github/client.js";
import { conformingExample } from "../support/github-openapi.js";
import { startGitHubServer, type GitHubServer } from "../support/github-server.js";

/** `@bench-bot benchmark` in a PR comment, against the OpenAPI-checked local GitHub. */
const TOKEN = "ghp_FAKEbenchBOTtoken0123456789";
const REPO = "lancedb/lance-bench";
const HEAD = "c".repeat(40);
/** The comment's time; the PR was last updated and its head pushed before it. */
const COMMENTED = "2026-03-01T12:00:00Z";
let server: GitHubServer;

function event(body: string, user: string, extra: Record<string, unknown> = {}) {
  return {
    action: "created",
    comment: { id: 555, body, user: { login: user }, created_at: COMMENTED },
    issue: { number: 42, pull_request: { url: `https://api.github.com/repos/${REPO}/pulls/42` } },
    repository: { full_name: REPO },
    ...extra,
  };
}

interface World {
  permissions: Record<string, string>;
  updatedAt?: string;
  pushedAt?: string;
}

function installWorld({ permissions, updatedAt = "2026-03-01T11:00:00Z", pushedAt = "2026-03-01T10:00:00Z" }: World) {
  const pull = conformingExample("GET", "/repos/{owner}/{repo}/pulls/{pull_number}");
  const head = pull.head as Record<string, unknown>;
  server.route("GET", `/repos/${REPO}/pulls/42`, [
    {
      status: 200,
      body: {
        ...pull,
        number: 42,
        updated_at: updatedAt,
        user: { ...(pull.user as object), login: "pr-author" },
        head: {
          ...head,
          sha: HEAD,
          repo: { ...(head.repo as object), full_name: "contributor/lance-bench", pushed_at: pushedAt },
        },
      },
    },
  ]);
  for (const [user, permission] of Object.entries(permissions)) {
    server.route("GET", `/repos/${REPO}/collaborators/${user}/permission`, [
      {
        status: 200,
        body: {
          ...conformingExample("GET", "/repos/{owner}/{repo}/collaborators/{username}/permission"),
          permission: permission === "maintain" ? "write" : permission === "triage" ? "read" : permission,
          role_name: permission,
        },
      },
    ]);
  }
  server.route("POST", `/repos/${REPO}/issues/comments/555/reactions`, [
    {
      status: 201,
      body: conformingExample("POST", "/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", 201),
    },
  ]);
  server.route("POST", `/repos/${REPO}/issues/42/comments`, [
    { status: 201, body: conformingExample("POST", "/repos/{owner}/{repo}/issues/{issue_number}/comments", 201) },
  ]);
  server.route("POST", `/repos/${REPO}/actions/workflows/run-benchmarks.yml/dispatches`, [{ status: 204 }]);
}

const options = parseBenchCommentOptions({ workflow: "run-benchmarks.yml", token: TOKEN });
const deps = () => ({ client: createGitHubClient({ token: TOKEN, baseUrl: server.url, retryBaseMs: 10 }) });
const calls = () => server.requests.map((r) => `${r.method} ${r.path}`);

beforeAll(async () => {
  server = await startGitHubServer();
});
afterAll(() => server?.close());
beforeEach(() => {
  server.requests.length = 0;
  server.violations.length = 0;
  installWorld({
    permissions: { maintainer: "write", owner: "admin", keeper: "maintain", stranger: "read", "pr-author": "read" },
  });
});
afterEach(() => expect(server.violations).toEqual([]));

describe("parsing @bench-bot requests", () => {
  it.each([
    ["@bench-bot benchmark", { runRust: true, runPython: true, crates: [] }],
    ["LGTM\n@bench-bot benchmark --rust-only", { runRust: true, runPython: false, crates: [] }],
    ["@bench-bot benchmark --python-only", { runRust: false, runPython: true, crates: [] }],
    [
      "@bench-bot benchmark --crate rust/lance --crate rust/lance-io",
      { runRust: true, runPython: false, crates: ["rust/lance", "rust/lance-io"] },
    ],
  ])("%j", (body, request) => {
    expect(parseBenchComment(body)).toEqual({ kind: "request", request });
  });

  it.each([
    ["@bench-bot benchmrk", /unknown request "benchmrk"/],
    ["@bench-bot benchmark --fast", /unknown option "--fast"/],
    ["@bench-bot benchmark --crate", /--crate needs a crate folder/],
    ["@bench-bot benchmark --crate ../../etc", /--crate needs a crate folder/],
    ["@bench-bot benchmark --crate $(rm -rf ~)", /--crate needs a crate folder/],
    ["@bench-bot benchmark --python-only --crate x", /cannot be combined/],
  ])("%j is refused", (body, reason) => {
    const parsed = parseBenchComment(body);
    expect(parsed.kind).toBe("invalid");
    expect((parsed as { reason: string }).reason).toMatch(reason);
  });

  it("ignores comments that do not mention the bot", () => {
    expect(parseBenchComment("thanks! cc @bench-bots")).toEqual({ kind: "not-for-us" });
  });
});

describe("the comment flow", () => {
  it("a collaborator with write access: reaction, then dispatch for the PR head", async () => {
    const outcome = await handleBenchComment(
      options,
      event("@bench-bot benchmark --crate rust/lance", "maintainer"),
      deps(),
    );
    expect(outcome).toMatchObject({
      kind: "dispatched",
      sha: HEAD,
      prNumber: 42,
      prRepository: "contributor/lance-bench",
    });
    expect(calls()).toEqual([
      `GET /repos/${REPO}/collaborators/maintainer/permission`,
      `GET /repos/${REPO}/pulls/42`,
      `POST /repos/${REPO}/issues/comments/555/reactions`,
      `POST /repos/${REPO}/actions/workflows/run-benchmarks.yml/dispatches`,
    ]);
    expect(server.requests[2]!.body).toEqual({ content: "rocket" });
    expect(server.requests[3]!.body).toEqual({
      ref: "main",
      inputs: {
        git_sha: HEAD,
        pr_number: "42",
        pr_repo: "contributor/lance-bench",
        run_rust: "true",
        run_python: "false",
        rust_crates: "rust/lance",
      },
      return_run_details: true,
    });
  });

  it("maintain and admin roles may ask too", async () => {
    for (const user of ["keeper", "owner"]) {
      expect((await handleBenchComment(options, event("@bench-bot benchmark", user), deps())).kind).toBe("dispatched");
    }
  });

  const dispatches = () => server.requests.filter((r) => r.path.endsWith("/dispatches"));

  it("the pull request's author without write access is refused after the check: no dispatch", async () => {
    const outcome = await handleBenchComment(options, event("@bench-bot benchmark --python-only", "pr-author"), deps());
    expect(outcome).toMatchObject({
      kind: "refused",
      user: "pr-author",
      reason: "pr-author has read permission, not write",
    });
    expect(dispatches()).toEqual([]);
    expect(calls()).toEqual([
      `GET /repos/${REPO}/collaborators/pr-author/permission`,
      `POST /repos/${REPO}/issues/42/comments`,
    ]);
    expect((server.requests[1]!.body as { body: string }).body).toMatch(/Thanks for your interest, @pr-author!/);
  });

  it("anyone else gets a polite refusal and nothing runs", async () => {
    const outcome = await handleBenchComment(options, event("@bench-bot benchmark", "stranger"), deps());
    expect(outcome).toMatchObject({ kind: "refused", user: "stranger" });
    expect(calls()[0]).toBe(`GET /repos/${REPO}/collaborators/stranger/permission`);
    const posted = server.requests.filter((r) => r.method === "POST");
    expect(posted.map((r) => r.path)).toEqual([`/repos/${REPO}/issues/42/comments`]);
    expect((posted[0]!.body as { body: string }).body).toMatch(/Thanks for your interest, @stranger!/);
  });

  it("a user GitHub does not know as a collaborator (404) is refused", async () => {
    const outcome = await handleBenchComment(options, event("@bench-bot benchmark", "ghost"), deps());
    expect(outcome).toMatchObject({ kind: "refused", user: "ghost", reason: "ghost has none permission, not write" });
    expect(dispatches()).toEqual([]);
  });

  it.each([
    ["the pull request was updated after the comment", { updatedAt: "2026-03-01T12:00:01Z" }],
    ["the head repository was pushed to in the comment's second", { pushedAt: "2026-03-01T12:00:00Z" }],
    ["the head repository was pushed to after the comment", { pushedAt: "2026-03-01T12:05:00Z" }],
  ])("%s: nothing runs, the commenter is asked to comment again", async (_what, world) => {
    installWorld({ permissions: { maintainer: "write" }, ...world });
    const outcome = await handleBenchComment(options, event("@bench-bot benchmark", "maintainer"), deps());
    expect(outcome.kind).toBe("refused");
    expect(dispatches()).toEqual([]);
    expect(calls()).toEqual([
      `GET /repos/${REPO}/collaborators/maintainer/permission`,
      `GET /repos/${REPO}/pulls/42`,
      `POST /repos/${REPO}/issues/42/comments`,
    ]);
    expect((server.requests[2]!.body as { body: string }).body).toMatch(/comment again/);
  });

  it("an unreadable request from a collaborator is answered with the usage, and nothing runs", async () => {
    const outcome = await handleBenchComment(options, event("@bench-bot benchmark --turbo", "maintainer"), deps());
    expect(outcome).toEqual({ kind: "invalid", reason: 'unknown option "--turbo"' });
    expect(calls()).toEqual([
      `GET /repos/${REPO}/collaborators/maintainer/permission`,
      `POST /repos/${REPO}/issues/42/comments`,
    ]);
  });

  it("comments without a request, edits, and issues (not PRs) cost no API call", async () => {
    expect((await handleBenchComment(options, event("nice work", "maintainer"), deps())).kind).toBe("ignored");
    expect(
      (await handleBenchComment(options, { ...event("@bench-bot benchmark", "maintainer"), action: "edited" }, deps()))
        .kind,
    ).toBe("ignored");
    const onIssue = event("@bench-bot benchmark", "maintainer", { issue: { number: 42 } });
    expect((await handleBenchComment(options, onIssue, deps())).kind).toBe("ignored");
    expect(await handleBenchComment(options, { not: "an event" }, deps())).toEqual({
      kind: "ignored",
      reason: "not an issue_comment event",
    });
    expect(server.requests).toHaveLength(0);
  });
});
