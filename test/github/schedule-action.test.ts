import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runActionBundle } from "../support/action-bundle.js";
import { tempDir } from "../support/helpers.js";
import { conformingExample } from "../support/github-openapi.js";
import { startGitHubServer, type GitHubServer } from "../support/github-server.js";

/** The committed schedule bundle, run as the runner runs a node24 action, against the OpenAPI-checked server. */
const TOKEN = "ghs_FAKEactionTOKEN0123456789";
const TARGET = "lance-format/lance";
const BENCH = "lancedb/lance-bench";
const HEAD = "d".repeat(40);
let server: GitHubServer;
const dir = tempDir("lance-bench-schedule-action-");
// A new, empty store: the scheduler reads it as "nothing benchmarked yet" (a missing folder is an error).
mkdirSync(path.join(dir, "db"));

function runBundle(inputs: Record<string, string>, extraEnv: NodeJS.ProcessEnv = {}) {
  return runActionBundle("schedule", dir, inputs, {
    GITHUB_API_URL: server.url,
    GITHUB_REPOSITORY: BENCH,
    ...extraEnv,
  });
}

beforeAll(async () => {
  server = await startGitHubServer();
});
afterAll(() => server?.close());
beforeEach(() => {
  server.requests.length = 0;
  server.violations.length = 0;
  const commit = { ...conformingExample("GET", "/repos/{owner}/{repo}/commits/{ref}"), files: [], sha: HEAD };
  server.route("GET", `/repos/${TARGET}`, [
    { status: 200, body: { ...conformingExample("GET", "/repos/{owner}/{repo}"), default_branch: "main" } },
  ]);
  server.route("GET", `/repos/${TARGET}/branches/main`, [
    { status: 200, body: { ...conformingExample("GET", "/repos/{owner}/{repo}/branches/{branch}"), commit } },
  ]);
  server.route("POST", `/repos/${BENCH}/actions/workflows/run-benchmarks.yml/dispatches`, [
    {
      status: 200,
      body: {
        workflow_run_id: 77,
        run_url: `https://api.github.com/repos/${BENCH}/actions/runs/77`,
        html_url: `https://github.com/${BENCH}/actions/runs/77`,
      },
    },
  ]);
});
afterEach(() => expect(server.violations).toEqual([]));

const inputs = () => ({
  mode: "latest",
  repository: TARGET,
  workflow: "run-benchmarks.yml",
  "workflow-ref": "main",
  "sha-input": "git_sha",
  token: TOKEN,
  db: path.join(dir, "db"),
  "max-in-flight": "4",
  wait: "false",
  "dry-run": "false",
  inputs: "run_python=false\nnote=a,b",
});

describe("schedule action (dist/schedule)", () => {
  it("dispatches the newest commit, sets outputs, writes the job summary, masks the token", async () => {
    const run = await runBundle(inputs());
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs).toEqual({ dispatched: HEAD, checked: "1" });
    expect(run.summary).toContain(
      `| \`${HEAD.slice(0, 12)}\` | dispatched (run 77) | [run](https://github.com/${BENCH}/actions/runs/77) |`,
    );
    const dispatch = server.requests.find((r) => r.method === "POST")!;
    expect(dispatch.body).toMatchObject({ inputs: { git_sha: HEAD, run_python: "false", note: "a,b" } });
    expect(run.stdout).toContain(`::add-mask::${TOKEN}`);
    expect(run.stdout.replace(`::add-mask::${TOKEN}`, "")).not.toContain(TOKEN);
  });

  it("fails once, before any call, on a malformed repository", async () => {
    const run = await runBundle({ ...inputs(), repository: "lance format" });
    expect(run.code).toBe(1);
    expect(run.stdout.split("\n").filter((l) => l.startsWith("::error::"))).toEqual([
      '::error::repository: "lance format" is not a repository name (owner/name)',
    ]);
    expect(server.requests).toHaveLength(0);
  });

  it("answers an @bench-bot comment from the issue_comment event", async () => {
    const pull = conformingExample("GET", "/repos/{owner}/{repo}/pulls/{pull_number}");
    const head = pull.head as Record<string, unknown>;
    server.route("GET", `/repos/${BENCH}/pulls/7`, [
      {
        status: 200,
        body: {
          ...pull,
          updated_at: "2026-03-01T11:00:00Z",
          user: { ...(pull.user as object), login: "author" },
          head: { ...head, sha: HEAD, repo: { ...(head.repo as object), pushed_at: "2026-03-01T10:00:00Z" } },
        },
      },
    ]);
    // the commenter may dispatch: write permission, read before anything is written
    server.route("GET", `/repos/${BENCH}/collaborators/maintainer/permission`, [
      {
        status: 200,
        body: {
          ...conformingExample("GET", "/repos/{owner}/{repo}/collaborators/{username}/permission"),
          permission: "write",
          role_name: "write",
        },
      },
    ]);
    server.route("POST", `/repos/${BENCH}/issues/comments/9/reactions`, [
      {
        status: 201,
        body: conformingExample("POST", "/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", 201),
      },
    ]);
    const eventFile = path.join(dir, "event.json");
    writeFileSync(
      eventFile,
      JSON.stringify({
        action: "created",
        comment: {
          id: 9,
          body: "@bench-bot benchmark --rust-only",
          user: { login: "maintainer" },
          created_at: "2026-03-01T12:00:00Z",
        },
        issue: { number: 7, pull_request: {} },
        repository: { full_name: BENCH },
      }),
    );
    const run = await runBundle({ ...inputs(), mode: "comment" }, { GITHUB_EVENT_PATH: eventFile });
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs.dispatched).toBe(HEAD);
    expect(run.summary).toContain("Benchmarks of PR #7");
    const dispatch = server.requests.find((r) => r.path.endsWith("/dispatches"))!;
    expect(dispatch.body).toMatchObject({
      inputs: { git_sha: HEAD, pr_number: "7", run_rust: "true", run_python: "false" },
    });
  });
});
