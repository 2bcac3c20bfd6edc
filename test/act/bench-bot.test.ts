import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { conformingExample } from "../support/github-openapi.js";
import { commitAll, git, requireOrSkip, runCliAsync, slowDownAdler32, tempDir } from "../support/helpers.js";
import { ACT, ACT_TEST_TIMEOUT_MS } from "../support/act.js";
import { exampleCaller, fixtureProject, startActScenario, type ActScenario } from "../support/act-scenario.js";
import { installPullRequest, installRepositoryWorld } from "../support/github-world.js";

/**
 * @bench-bot under act: a pull request slows one function of a Criterion crate whose main has
 * history in the store. A maintainer's `@bench-bot benchmark --rust-only` → bench-bot.yml (the
 * example caller) dispatches run-benchmarks.yml for the head the maintainer saw; that dispatch
 * (checked against the target's declared inputs) runs under act: the PR's benchmarks without
 * secrets, then the comment job downloads them from the same run, compares with main's history
 * and comments on the PR. A comment by someone without write access dispatches nothing.
 */
const REPO = "acme/engine";
const FORK = "contributor/engine";
const PR = 12;
const SCHEDULER_TOKEN = "ghs_botSchedulerTokenNeverPrinted012345";
const work = tempDir("lance-bench-act-bot-");
let scenario: ActScenario;
let repo: string;
let base: string;
let head: string;
let world: ReturnType<typeof installRepositoryWorld>;
let comments: { id: number; body: string }[];
let replies: string[];

beforeAll(async () => {
  scenario = await startActScenario(work, "act-bot");
  repo = fixtureProject(scenario, REPO, { python: false });
  writeFileSync(path.join(repo, ".github/workflows/bench-bot.yml"), exampleCaller(scenario, "bench-bot.yml"));
  base = commitAll(repo, "main", "2026-05-01T10:00:00Z");
  git(repo, ["checkout", "-q", "-b", "slow-adler"]);
  slowDownAdler32(path.join(repo, "rust/src/lib.rs"));
  head = commitAll(repo, "adler32: three passes (a regression)", "2026-05-02T10:00:00Z");
  git(repo, ["checkout", "-q", "main"]);
  world = installRepositoryWorld(scenario.github, REPO, repo);
  world.dispatchRoute("run-benchmarks.yml");
  ({ comments, replies } = installPullRequest(
    scenario.github,
    {
      repository: REPO,
      number: PR,
      head,
      headRef: "slow-adler",
      headRepository: FORK,
      base,
      updatedAt: "2026-05-02T11:00:00Z",
      pushedAt: "2026-05-02T10:30:00Z",
    },
    SCHEDULER_TOKEN,
  ));
  installPermissions();
  // main's history: three runs of the base commit, published under refs/heads/main (from a
  // laptop: run, then publish the results files with --ref)
  const env = { ...scenario.storeEnv(), LANCE_BENCH_CACHE_DIR: path.join(work, "cli-cache") };
  const output = path.join(work, "main-results");
  const ran = await runCliAsync(
    [
      "run-rust",
      "--repo",
      repo,
      "--crates",
      "rust",
      "--sha",
      base,
      "--repetitions",
      "3",
      "--no-publish",
      "--output-dir",
      output,
    ],
    env,
  );
  if (ran.code !== 0) throw new Error(`main's history: ${ran.stderr}`);
  const published = await runCliAsync(
    ["publish", path.join(output, "results-rust.jsonl"), "--ref", "main", "--db", scenario.db],
    env,
  );
  if (published.code !== 0) throw new Error(`main's history: ${published.stderr}`);
}, 900_000);

afterAll(async () => {
  await scenario?.close();
});

/** Who may ask: the maintainer has write access, the passer-by read; both get a 🚀 first. */
function installPermissions() {
  const { github } = scenario;
  const permission = (level: string) => ({
    status: 200,
    body: {
      ...conformingExample("GET", "/repos/{owner}/{repo}/collaborators/{username}/permission"),
      permission: level,
      role_name: level,
    },
  });
  github.route("GET", `/repos/${REPO}/collaborators/maintainer/permission`, [permission("write")]);
  github.route("GET", `/repos/${REPO}/collaborators/passerby/permission`, [permission("read")]);
  for (const id of [31, 32])
    github.route("POST", `/repos/${REPO}/issues/comments/${id}/reactions`, [
      {
        status: 201,
        body: conformingExample("POST", "/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", 201),
      },
    ]);
}

const repository = { full_name: REPO, name: "engine", owner: { login: "acme" }, default_branch: "main" };
const secrets = () => ({
  GITHUB_TOKEN: "ghs_botJobTokenNeverPrinted0123456789",
  SCHEDULER_GITHUB_TOKEN: SCHEDULER_TOKEN,
  AWS_ACCESS_KEY_ID: scenario.s3.env.AWS_ACCESS_KEY_ID!,
  AWS_SECRET_ACCESS_KEY: scenario.s3.env.AWS_SECRET_ACCESS_KEY!,
});
const commentEvent = (id: number, login: string, association: string) => ({
  action: "created",
  comment: {
    id,
    body: "@bench-bot benchmark --rust-only",
    user: { login },
    author_association: association,
    created_at: "2026-05-02T12:00:00Z",
  },
  issue: { number: PR, pull_request: { url: `https://api.github.com/repos/${REPO}/pulls/${PR}` } },
  repository,
});

describe("@bench-bot under act", { timeout: ACT_TEST_TIMEOUT_MS }, () => {
  it("a maintainer's comment dispatches the PR's head, whose run ends in a comment on the PR", async (ctx) => {
    requireOrSkip(ctx, ACT);
    const bot = await scenario.run({
      repo,
      event: "issue_comment",
      workflow: ".github/workflows/bench-bot.yml",
      payload: commentEvent(31, "maintainer", "MEMBER"),
      secrets: secrets(),
      log: "bench-bot-comment",
    });
    expect(bot.code, bot.output.slice(-8000)).toBe(0);
    expect(world.rejected).toEqual([]);
    expect(world.dispatches).toHaveLength(1);
    const [dispatch] = world.dispatches;
    expect(dispatch!.inputs).toMatchObject({
      git_sha: head,
      pr_number: String(PR),
      pr_repo: FORK,
      run_python: "false",
    });
    const run = await scenario.run({
      repo,
      event: "workflow_dispatch",
      workflow: ".github/workflows/run-benchmarks.yml",
      payload: { inputs: dispatch!.inputs, ref: dispatch!.ref, repository },
      secrets: secrets(),
      log: "bench-bot-run",
    });
    expect(scenario.github.violations).toEqual([]);
    expect(scenario.results.unexpected).toEqual([]);
    // the PR's job ran without secrets; the comment job compared it with main's history
    expect(run.output).toMatch(/Rust benchmarks \(pull request, no secrets\)\s*\] 🏁 {2}Job succeeded/);
    expect(comments, run.output.slice(-8000)).toHaveLength(1);
    // The slowed function's row, judged against main's three runs: slower, and flagged unless
    // the history is too noisy to tell (on a loaded 2-core machine it can be, and then the
    // honest verdict is inconclusive, never unchanged or improved).
    // its row in the table of all benchmarks (the one with a verdict column)
    const row = comments[0]!.body
      .split("\n")
      .find((line) => line.startsWith("| `checksum/adler32_4k` | ") && /\| (🔴|⚪|🟢|unchanged)/.test(line));
    expect(row, comments[0]!.body).toMatch(
      /\| (🔴 regressed|⚪ inconclusive) \| [^|]+\(median of 3 runs[^|]*\| [^|]+\| \+\d/,
    );
    if (row!.includes("regressed"))
      expect(run.output).toMatch(/::error title=Benchmark regression::checksum\/adler32_4k/);
    for (const secret of Object.values(secrets())) expect(run.output).not.toContain(secret);
  });

  it("a read-only collaborator's comment dispatches nothing and gets one reply", async (ctx) => {
    requireOrSkip(ctx, ACT);
    const before = world.dispatches.length;
    const bot = await scenario.run({
      repo,
      event: "issue_comment",
      workflow: ".github/workflows/bench-bot.yml",
      payload: commentEvent(32, "passerby", "COLLABORATOR"),
      secrets: secrets(),
      log: "bench-bot-refused",
    });
    expect(bot.code, bot.output.slice(-8000)).toBe(0);
    expect(world.dispatches.length).toBe(before);
    expect(replies).toHaveLength(1);
    expect(scenario.github.violations).toEqual([]);
  });

  it("a stranger's comment never reaches lance-bench (the caller's author_association gate)", async (ctx) => {
    requireOrSkip(ctx, ACT);
    const requests = scenario.github.requests.length;
    const bot = await scenario.run({
      repo,
      event: "issue_comment",
      workflow: ".github/workflows/bench-bot.yml",
      payload: commentEvent(33, "stranger", "NONE"),
      secrets: secrets(),
      log: "bench-bot-stranger",
    });
    expect(bot.code, bot.output.slice(-4000)).toBe(0);
    expect(bot.output).not.toContain("Check out lance-bench");
    expect(scenario.github.requests.length).toBe(requests);
  });
});
