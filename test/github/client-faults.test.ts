import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { callGitHub, createGitHubClient } from "../../src/github/client.js";
import { GitHubApiError } from "../../src/model/index.js";
import { exampleResponse } from "../support/github-openapi.js";
import { startGitHubServer, type GitHubServer } from "../support/github-server.js";

/**
 * GitHub API faults — 5xx, secondary and primary rate limits, hung requests — are retried a
 * bounded number of times with backoff, and then fail with one clear error. Never a loop.
 */
let server: GitHubServer;
let logs: string[] = [];
beforeAll(async () => {
  server = await startGitHubServer();
});
afterAll(() => server?.close());
beforeEach(() => {
  server.requests.length = 0;
  logs = [];
});
afterEach(() => expect(server.violations).toEqual([]));

const TOKEN = "ghs_FAKEtokenNEVERprinted0123456789";
// Generous by default: on a loaded machine a first answer can take longer than a hung-request
// test's timeout, and a timed-out answer is a retry the test did not ask for.
const client = (requestTimeoutMs = 3_000) =>
  createGitHubClient({
    token: TOKEN,
    baseUrl: server.url,
    retries: 3,
    retryBaseMs: 10,
    rateLimitUnitMs: 10,
    requestTimeoutMs,
    log: (m) => logs.push(m),
  });
const COMMIT = "/repos/lance-format/lance/commits/main";
const commitBody = {
  ...exampleResponse("GET", "/repos/{owner}/{repo}/commits/{ref}"),
  files: [],
  sha: "a".repeat(40),
};
const getCommit = (requestTimeoutMs?: number) =>
  callGitHub("reading commit main of lance-format/lance", () =>
    client(requestTimeoutMs).rest.repos.getCommit({ owner: "lance-format", repo: "lance", ref: "main" }),
  );
/** Short, so that four hung tries stay quick. */
const HANG_TIMEOUT_MS = 400;
const secondary = {
  status: 403,
  headers: { "retry-after": "1" },
  body: { message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again." },
};

describe("GitHub API faults", () => {
  it("5xx answers are retried with backoff until one succeeds", async () => {
    server.route("GET", COMMIT, [{ status: 502 }, { status: 503 }, { status: 200, body: commitBody }]);
    const { data } = await getCommit();
    expect(data.sha).toBe("a".repeat(40));
    expect(server.requests).toHaveLength(3);
    expect(server.requests[0]!.headers.authorization).toBe(`token ${TOKEN}`);
  });

  it("a 5xx that persists fails after exactly 1 + 3 tries, with one clear error", async () => {
    server.route("GET", COMMIT, [{ status: 500, body: { message: "Server Error" } }]);
    const error = await getCommit().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubApiError);
    expect((error as Error).message).toBe("reading commit main of lance-format/lance failed: HTTP 500: Server Error");
    expect(server.requests).toHaveLength(4);
  });

  it("a secondary rate limit is waited out as Retry-After asks, then the call succeeds", async () => {
    server.route("GET", COMMIT, [secondary, { status: 200, body: commitBody }]);
    await getCommit();
    expect(server.requests).toHaveLength(2);
    expect(logs.join("\n")).toMatch(/secondary rate limit on GET .*: retrying in 1 s \(retry 1 of 3\)/);
  });

  it("a primary rate limit is waited out until x-ratelimit-reset", async () => {
    const reset = String(Math.floor(Date.now() / 1000) + 1);
    server.route("GET", COMMIT, [
      {
        status: 403,
        headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset },
        body: { message: "API rate limit exceeded" },
      },
      { status: 200, body: commitBody },
    ]);
    await getCommit();
    expect(server.requests).toHaveLength(2);
    expect(logs.join("\n")).toMatch(/GitHub rate limit on GET/);
  });

  it("a rate limit that never lifts fails after 3 retries", async () => {
    server.route("GET", COMMIT, [secondary]);
    await expect(getCommit()).rejects.toThrow(/failed: HTTP 403: You have exceeded a secondary rate limit/);
    expect(server.requests).toHaveLength(4);
    expect(logs.at(-1)).toMatch(/giving up after 3 retries/);
  });

  it("a rate-limit wait longer than the bound fails at once instead of sleeping for an hour", async () => {
    server.route("GET", COMMIT, [{ ...secondary, headers: { "retry-after": "3600" } }]);
    const started = Date.now();
    await expect(getCommit()).rejects.toThrow(GitHubApiError);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(server.requests).toHaveLength(1);
    expect(logs.join("\n")).toMatch(/asked to wait 3600 s, longer than 60 s; giving up/);
  });

  it("a request that hangs is timed out and retried, then fails as a network error", async () => {
    server.route("GET", COMMIT, ["hang"]);
    await expect(getCommit(HANG_TIMEOUT_MS)).rejects.toThrow(
      /reading commit main of lance-format\/lance failed: network error/,
    );
    expect(server.requests).toHaveLength(4);
  });

  it("a hung request followed by an answer succeeds", async () => {
    server.route("GET", COMMIT, ["hang", { status: 200, body: commitBody }]);
    await getCommit(HANG_TIMEOUT_MS);
    expect(server.requests).toHaveLength(2);
  });

  it("429 without rate-limit headers is retried; 404 is not", async () => {
    server.route("GET", COMMIT, [
      { status: 429, body: { message: "Too Many Requests" } },
      { status: 200, body: commitBody },
    ]);
    await getCommit();
    expect(server.requests).toHaveLength(2);
    server.requests.length = 0;
    server.route("GET", COMMIT, [{ status: 404, body: { message: "Not Found" } }]);
    await expect(getCommit()).rejects.toThrow(/HTTP 404: Not Found/);
    expect(server.requests).toHaveLength(1);
  });

  it("writes (a workflow dispatch) get the same bounded retries", async () => {
    const path = "/repos/lance-format/lance/actions/workflows/bench.yml/dispatches";
    server.route("POST", path, [{ status: 502 }, { status: 204 }]);
    await callGitHub("dispatching bench.yml", () =>
      client().rest.actions.createWorkflowDispatch({
        owner: "lance-format",
        repo: "lance",
        workflow_id: "bench.yml",
        ref: "main",
        inputs: { git_sha: "a".repeat(40) },
      }),
    );
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.body).toEqual({ ref: "main", inputs: { git_sha: "a".repeat(40) } });
  });

  it("never puts the token in an error or a log line", async () => {
    server.route("GET", COMMIT, [{ status: 500, body: { message: "Server Error" } }]);
    const error = (await getCommit().catch((e: unknown) => e)) as Error;
    expect(`${error.message}\n${error.stack}\n${logs.join("\n")}`).not.toContain(TOKEN);
  });
});
