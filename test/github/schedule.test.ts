import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createGitHubClient } from "../../src/github/client.js";
import { parseScheduleOptions, schedule, type ScheduleOptions } from "../../src/commands/schedule.js";
import { ConfigurationError } from "../../src/model/index.js";
import { cleanEnv, runCliAsync, runCliProcess, sample, tempDir } from "../support/helpers.js";
import { conformingExample } from "../support/github-openapi.js";
import { startGitHubServer, type GitHubServer, type RecordedRequest } from "../support/github-server.js";

/**
 * `schedule` against a local GitHub whose every request and answer is checked against GitHub's
 * OpenAPI description, and a real local LanceDB store.
 */
const TOKEN = "ghp_FAKEschedulerTOKEN0123456789abcdef";
const OWNER = "lance-format";
const REPO = "lance";
const WORKFLOW = "run-benchmarks.yml";
const BENCH_REPO = "lancedb/lance-bench";
/** 250 commits, newest first. */
const COMMITS = Array.from({ length: 250 }, (_, i) => createHash("sha1").update(`commit ${i}`).digest("hex"));

let server: GitHubServer;
const dir = tempDir("lance-bench-schedule-");
const db = path.join(dir, "db");

const commitTemplate = { ...conformingExample("GET", "/repos/{owner}/{repo}/commits/{ref}"), files: [] };
const commitObject = (sha: string) => ({ ...commitTemplate, sha, node_id: `C_${sha.slice(0, 8)}` });
const runTemplate = conformingExample("GET", "/repos/{owner}/{repo}/actions/runs/{run_id}");

/** The world behind the server: branches, commit pages, dispatched runs that finish after a few polls. */
function installWorld(options: { runsFinishAfterPolls?: number; dispatchStatus?: 200 | 204 } = {}) {
  const world = { running: new Set<number>(), mostRunning: 0 };
  server.route("GET", `/repos/${OWNER}/${REPO}`, [
    { status: 200, body: { ...conformingExample("GET", "/repos/{owner}/{repo}"), default_branch: "main" } },
  ]);
  const branch = conformingExample("GET", "/repos/{owner}/{repo}/branches/{branch}");
  server.route("GET", `/repos/${OWNER}/${REPO}/branches/main`, [
    { status: 200, body: { ...branch, name: "main", commit: commitObject(COMMITS[0]!) } },
  ]);
  server.route("GET", `/repos/${OWNER}/${REPO}/commits`, (request: RecordedRequest) => {
    const perPage = Number(request.query.get("per_page") ?? 30);
    const page = Number(request.query.get("page") ?? 1);
    const slice = COMMITS.slice((page - 1) * perPage, page * perPage);
    const last = Math.ceil(COMMITS.length / perPage);
    const link = (p: number, rel: string) =>
      `<${server.url}/repos/${OWNER}/${REPO}/commits?sha=main&per_page=${perPage}&page=${p}>; rel="${rel}"`;
    const headers: Record<string, string> = {};
    if (page < last) headers.link = [link(page + 1, "next"), link(last, "last")].join(", ");
    return { status: 200, headers, body: slice.map(commitObject) };
  });
  let nextRunId = 1000;
  const createdAt = new Map<number, string>();
  const polls = new Map<number, number>();
  const runKeys = new Map<number, string>();
  server.route("POST", `/repos/${BENCH_REPO}/actions/workflows/${WORKFLOW}/dispatches`, (request) => {
    const id = nextRunId++;
    world.running.add(id);
    world.mostRunning = Math.max(world.mostRunning, world.running.size);
    const inputs = (request.body as { inputs: Record<string, string> }).inputs;
    runKeys.set(id, inputs.dispatch_key ?? "");
    createdAt.set(id, new Date().toISOString().replace(/\.\d+Z$/, "Z"));
    if (options.dispatchStatus === 204) return { status: 204 };
    return {
      status: 200,
      body: {
        workflow_run_id: id,
        run_url: `${server.url}/repos/${BENCH_REPO}/actions/runs/${id}`,
        html_url: `https://github.com/${BENCH_REPO}/actions/runs/${id}`,
      },
    };
  });
  server.route("GET", `/repos/${BENCH_REPO}/actions/workflows/${WORKFLOW}/runs`, () => ({
    status: 200,
    body: {
      total_count: runKeys.size,
      workflow_runs: [...runKeys].map(([id, key]) => ({
        ...runTemplate,
        id,
        display_title: `bench ${key}`,
        created_at: createdAt.get(id),
      })),
    },
  }));
  for (let id = 1000; id < 1100; id++) {
    server.route("GET", `/repos/${BENCH_REPO}/actions/runs/${id}`, () => {
      const seen = (polls.get(id) ?? 0) + 1;
      polls.set(id, seen);
      const done = seen > (options.runsFinishAfterPolls ?? 1);
      if (done) world.running.delete(id);
      return {
        status: 200,
        body: { ...runTemplate, id, status: done ? "completed" : "in_progress", conclusion: done ? "success" : null },
      };
    });
  }
  return world;
}

function storeResultsFor(sha: string) {
  const run = runCliProcess([
    "publish",
    sample("bencher.txt"),
    "--db",
    db,
    "--sha",
    sha,
    "--dut-version",
    "1.0.0",
    "--dut-timestamp",
    "1700000000",
    "--dut-name",
    "lance",
  ]);
  expect(run.code, run.stderr).toBe(0);
}

const options = (extra: Record<string, unknown> = {}): ScheduleOptions =>
  parseScheduleOptions({
    repository: `${OWNER}/${REPO}`,
    workflow: WORKFLOW,
    workflowRepository: BENCH_REPO,
    token: TOKEN,
    db,
    ...extra,
  });
const deps = () => ({
  env: cleanEnv(),
  client: createGitHubClient({ token: TOKEN, baseUrl: server.url, retryBaseMs: 10, rateLimitUnitMs: 10 }),
  pollIntervalMs: 5,
});
const dispatches = () => server.requests.filter((r) => r.method === "POST");

beforeAll(async () => {
  server = await startGitHubServer();
  storeResultsFor(COMMITS[1]!);
  for (let i = 0; i < 250; i += 10) storeResultsFor(COMMITS[i + 5]!); // every 5th of the backfill window has results at i+5
});
afterAll(() => server?.close());
beforeEach(() => {
  server.requests.length = 0;
  server.violations.length = 0;
  installWorld();
});
afterEach(() => expect(server.violations).toEqual([]));

describe("schedule: the newest commit", () => {
  it("dispatches the workflow with git_sha when the store has no results for it", async () => {
    const summary = await schedule(options({ inputs: ["run_python=false"] }), deps());
    expect(summary.branch).toBe("main");
    expect(summary.checked).toEqual([{ sha: COMMITS[0], hasResults: false }]);
    expect(summary.dispatched).toMatchObject([{ sha: COMMITS[0], runId: 1000 }]);
    expect(dispatches().map((r) => r.body)).toEqual([
      { ref: "main", inputs: { run_python: "false", git_sha: COMMITS[0] }, return_run_details: true },
    ]);
    expect(dispatches()[0]!.headers.authorization).toBe(`token ${TOKEN}`);
  });

  it("dispatches nothing when the newest commit has results, or in a dry run", async () => {
    server.route("GET", `/repos/${OWNER}/${REPO}/branches/main`, [
      {
        status: 200,
        body: {
          ...conformingExample("GET", "/repos/{owner}/{repo}/branches/{branch}"),
          commit: commitObject(COMMITS[1]!),
        },
      },
    ]);
    const stored = await schedule(options(), deps());
    expect(stored.checked).toEqual([{ sha: COMMITS[1], hasResults: true }]);
    expect(stored.dispatched).toEqual([]);
    installWorld();
    const dry = await schedule(options({ dryRun: true }), deps());
    expect(dry.dispatched.map((d) => d.sha)).toEqual([COMMITS[0]]);
    expect(dispatches()).toHaveLength(0);
  });

  it("names SCHEDULER_GITHUB_TOKEN when the dispatch is forbidden", async () => {
    server.route("POST", `/repos/${BENCH_REPO}/actions/workflows/${WORKFLOW}/dispatches`, [
      {
        status: 403,
        body: { message: "Resource not accessible by integration", documentation_url: "https://docs.github.com" },
      },
    ]);
    await expect(schedule(options(), deps())).rejects.toThrow(
      /dispatching workflow lancedb\/lance-bench\/run-benchmarks\.yml@main failed: HTTP 403: Resource not accessible by integration \(the default GITHUB_TOKEN cannot trigger workflows: .*SCHEDULER_GITHUB_TOKEN/,
    );
  });
});

describe("schedule: the store it reads", () => {
  it("a local folder that does not exist is an error naming it: nothing dispatched, nothing created", async () => {
    const missing = path.join(dir, "typo-db");
    await expect(schedule(options({ db: missing }), deps())).rejects.toThrow(
      new ConfigurationError(
        `db ${missing}: no result store there (the folder does not exist); check --db or LANCE_BENCH_URI, or publish first`,
      ),
    );
    expect(dispatches()).toHaveLength(0);
    expect(existsSync(missing)).toBe(false);
  });

  it("an existing folder without the results table is a new store: every commit lacks results, and it says so", async () => {
    const fresh = path.join(dir, "fresh-db");
    mkdirSync(fresh);
    const logged: string[] = [];
    const summary = await schedule(options({ db: fresh, dryRun: true }), { ...deps(), log: (m) => logged.push(m) });
    expect(summary.dispatched.map((d) => d.sha)).toEqual([COMMITS[0]]);
    expect(logged).toContain(`${fresh} has no results table yet: no commit has results`);
    expect(readdirSync(fresh)).toEqual([]);
  });
});

describe("schedule: backfill", () => {
  it("walks MAX_COMMITS × INTERVAL commits over pages, asks the store once, dispatches the missing oldest first, at most max-in-flight running", async () => {
    // A run takes ~2 s (100 polls 20 ms apart); octokit spaces dispatches (writes) 1 s apart.
    const world = installWorld({ runsFinishAfterPolls: 100 });
    const summary = await schedule(
      options({ mode: "backfill", maxCommits: "24", commitInterval: "5", maxInFlight: "2", wait: true }),
      { ...deps(), pollIntervalMs: 20 },
    );
    const pages = server.requests.filter((r) => r.path.endsWith("/commits"));
    expect(pages.map((r) => r.query.get("page") ?? "1")).toEqual(["1", "2"]);
    const expectedChecked = COMMITS.filter((_, i) => i % 5 === 0).slice(0, 24);
    expect(summary.checked.map((c) => c.sha)).toEqual(expectedChecked);
    const withResults = new Set(COMMITS.filter((_, i) => i % 10 === 5));
    const expectedMissing = expectedChecked.filter((sha) => !withResults.has(sha)).reverse();
    expect(summary.checked.filter((c) => c.hasResults).map((c) => c.sha)).toEqual(
      expectedChecked.filter((sha) => withResults.has(sha)),
    );
    const dispatchedShas = dispatches().map((r) => (r.body as { inputs: { git_sha: string } }).inputs.git_sha);
    expect(dispatchedShas).toEqual(expectedMissing); // oldest first
    // Each dispatch followed to its own run, and never more than 2 running at once.
    expect(new Set(summary.dispatched.map((d) => d.runId)).size).toBe(expectedMissing.length);
    expect(summary.dispatched.every((d) => d.conclusion === "success")).toBe(true);
    expect(world.mostRunning).toBe(2);
  });

  it("retries a rate-limited page and goes on", async () => {
    let served = 0;
    server.route("GET", `/repos/${OWNER}/${REPO}/commits`, () =>
      served++ === 0
        ? {
            status: 403,
            headers: { "retry-after": "1" },
            body: { message: "You have exceeded a secondary rate limit" },
          }
        : { status: 200, body: COMMITS.slice(0, 10).map(commitObject) },
    );
    const summary = await schedule(options({ mode: "backfill", maxCommits: "10", dryRun: true }), deps());
    expect(summary.checked).toHaveLength(10);
    expect(server.requests.filter((r) => r.path.endsWith("/commits"))).toHaveLength(2);
  });

  it("correlates runs by a unique key input where GitHub returns no run id", async () => {
    installWorld({ dispatchStatus: 204 });
    const summary = await schedule(
      options({ mode: "backfill", maxCommits: "3", keyInput: "dispatch_key", wait: true }),
      deps(),
    );
    expect(summary.dispatched.map((d) => d.sha)).toEqual([COMMITS[2], COMMITS[0]]); // COMMITS[1] has results
    for (const outcome of summary.dispatched) {
      const body = dispatches().find(
        (r) => (r.body as { inputs: Record<string, string> }).inputs.git_sha === outcome.sha,
      )!.body as { inputs: Record<string, string> };
      expect(body.inputs.dispatch_key).toBe(outcome.key);
      expect(outcome.key).toContain(outcome.sha.slice(0, 12));
      expect(outcome.conclusion).toBe("success");
    }
    expect(new Set(summary.dispatched.map((d) => d.runId)).size).toBe(2);
  });
});

describe("schedule: bad input fails before any call that changes anything", () => {
  it.each([
    [{ repository: "not a repo" }, /repository: "not a repo" is not a repository name/],
    [{ maxCommits: "ten", mode: "backfill" }, /max-commits: max-commits must be a whole number/],
    [{ token: "" }, /token: is required/],
    [{ workflow: "../evil" }, /workflow: must be a workflow file name/],
    [{ inputs: ["git_sha=abc"] }, /inputs: git_sha is set by the scheduler/],
  ])("%j", async (extra, expected) => {
    await expect(async () => schedule(options(extra), deps())).rejects.toThrow(expected);
    expect(dispatches()).toHaveLength(0);
  });

  it("a branch that does not exist", async () => {
    await expect(schedule(options({ branch: "nope" }), deps())).rejects.toThrow(ConfigurationError);
    await expect(schedule(options({ branch: "nope" }), deps())).rejects.toThrow(
      /branch: "nope" does not exist in lance-format\/lance/,
    );
    expect(dispatches()).toHaveLength(0);
    server.violations.length = 0; // the unknown branch answered 404 from the catch-all, by design
  });
});

describe("lance-bench schedule (CLI)", () => {
  it("reads the token from SCHEDULER_GITHUB_TOKEN, prints what it did, and never the token", async () => {
    const run = await runCliAsync(
      [
        "schedule",
        "--repository",
        `${OWNER}/${REPO}`,
        "--workflow",
        WORKFLOW,
        "--workflow-repository",
        BENCH_REPO,
        "--db",
        db,
        "--api-url",
        server.url,
      ],
      { SCHEDULER_GITHUB_TOKEN: TOKEN },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/lance-format\/lance@main \(latest\): 1 checked, 1 dispatched/);
    expect(run.stdout).toContain(`${COMMITS[0]!.slice(0, 12)}  dispatched (run 1000)`);
    expect(run.stdout + run.stderr).not.toContain(TOKEN);
  });

  it("refuses a non-numeric MAX_COMMITS before calling GitHub", async () => {
    const run = await runCliAsync(
      ["schedule", "--repository", `${OWNER}/${REPO}`, "--workflow", WORKFLOW, "--mode", "backfill", "--db", db],
      { SCHEDULER_GITHUB_TOKEN: TOKEN, MAX_COMMITS: "lots", GITHUB_API_URL: server.url },
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--max-commits: max-commits must be a whole number, got "lots"/);
    expect(server.requests).toHaveLength(0);
  });
});
