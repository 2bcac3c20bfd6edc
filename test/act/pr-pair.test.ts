import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { conformingExample } from "../support/github-openapi.js";
import type { RecordedRequest } from "../support/github-server.js";
import { ROOT, commitAll, git, gitRepoFrom, requireOrSkip, slowDownAdler32, tempDir } from "../support/helpers.js";
import { ACT, ACT_TEST_TIMEOUT_MS } from "../support/act.js";
import { exampleCaller, startActScenario, type ActScenario } from "../support/act-scenario.js";
import { installPullRequest } from "../support/github-world.js";

/**
 * The fork-safe PR pair for real under nektos/act: the example caller workflows of
 * examples/workflows (pinned to this working tree's snapshot) in a Criterion project whose pull
 * request slows one function. `pull_request` → pr-benchmarks.yml builds base and head, runs them
 * alternately and uploads the results artifact; `workflow_run` → pr-comment.yml downloads it
 * through GitHub's REST API, compares, and keeps one comment on the PR; a re-run edits it.
 */
const REPO = "acme/widget";
const FORK = "contributor/widget";
const PR = 7;
const RUN_ID = 4242;
const TOKEN = "ghs_actPairTokenNeverPrinted0123456789";
/** What the PR's build must not see: credentials and the runtime services. */
const SECRET_NAMES = [
  "GITHUB_TOKEN",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "ACTIONS_RUNTIME_TOKEN",
  "ACTIONS_RESULTS_URL",
  "INPUT_TOKEN",
];
const work = tempDir("lance-bench-act-pr-");
let scenario: ActScenario;
let repo: string;
let base: string;
let head: string;

beforeAll(async () => {
  scenario = await startActScenario(work, "act-pr");
  repo = gitRepoFrom(path.join(ROOT, "fixtures/rust-criterion"), path.join(work, "widget"));
  mkdirSync(path.join(repo, ".github/workflows"), { recursive: true });
  writeFileSync(
    path.join(repo, ".github/workflows/benchmark-pr.yml"),
    // actions/cache cannot run here (no github.com): the registry comes from ~/.cargo
    exampleCaller(scenario, "benchmark-pr.yml", (w) => ({ ...w, repetitions: "7", "cargo-registry": false })),
  );
  writeFileSync(
    path.join(repo, ".github/workflows/benchmark-pr-comment.yml"),
    exampleCaller(scenario, "benchmark-pr-comment.yml", (w) => ({
      ...w,
      db: scenario.db,
      "aws-endpoint-url": scenario.s3.endpoint,
    })),
  );
  // The PR's code is hostile: its build fails the job if it can see any credential or the
  // runtime services (GitHub passes none to this job; lance-bench's child environment is allowlisted).
  writeFileSync(
    path.join(repo, "build.rs"),
    `fn main() {\n    for name in ${JSON.stringify(SECRET_NAMES)} {\n        if std::env::var_os(name).is_some() {\n            panic!("{name} is visible to the pull request's build");\n        }\n    }\n}\n`,
  );
  base = commitAll(repo, "the workflows, and a build that refuses to see secrets");
  git(repo, ["remote", "add", "origin", `https://github.com/${REPO}.git`]);
  git(repo, ["checkout", "-q", "-b", "slow-adler"]);
  slowDownAdler32(path.join(repo, "src/lib.rs"));
  head = commitAll(repo, "adler32: three passes (a regression)", "2026-03-04T05:06:07Z");
  scenario.gitServer.serve(REPO, repo);
}, 600_000);

afterAll(async () => {
  await scenario?.close();
});

const repository = { full_name: REPO, name: "widget", owner: { login: "acme" } };
const secrets = () => ({
  GITHUB_TOKEN: TOKEN,
  AWS_ACCESS_KEY_ID: scenario.s3.env.AWS_ACCESS_KEY_ID!,
  AWS_SECRET_ACCESS_KEY: scenario.s3.env.AWS_SECRET_ACCESS_KEY!,
});

/** GitHub's REST view of the pull_request run's artifact: listed by name, its zip a redirect. */
function installRunArtifacts() {
  const artifact = scenario.results.artifactDownload("lance-bench-pr");
  if (!artifact) throw new Error("no lance-bench-pr artifact was uploaded");
  const listExample = conformingExample("GET", "/repos/{owner}/{repo}/actions/runs/{run_id}/artifacts") as {
    artifacts: Record<string, unknown>[];
  };
  scenario.github.route("GET", `/repos/${REPO}/actions/runs/${RUN_ID}/artifacts`, (request: RecordedRequest) => ({
    status: 200,
    body: {
      total_count: 1,
      artifacts:
        request.query.get("name") === "lance-bench-pr"
          ? [{ ...listExample.artifacts[0], id: artifact.id, name: "lance-bench-pr", expired: false }]
          : [],
    },
  }));
  scenario.github.route("GET", `/repos/${REPO}/actions/artifacts/${artifact.id}/zip`, [
    { status: 302, headers: { location: artifact.url } },
  ]);
}

let comments: { id: number; body: string }[];
const commentRun = (log: string) =>
  scenario.run({
    repo,
    event: "workflow_run",
    workflow: ".github/workflows/benchmark-pr-comment.yml",
    payload: {
      action: "completed",
      workflow_run: {
        id: RUN_ID,
        name: "Benchmark PR",
        event: "pull_request",
        status: "completed",
        conclusion: "success",
        head_sha: head,
        head_branch: "slow-adler",
        head_repository: { full_name: FORK },
        pull_requests: [],
      },
      repository,
    },
    secrets: secrets(),
    log,
  });

describe("the PR pair under act", { timeout: ACT_TEST_TIMEOUT_MS }, () => {
  it("pull_request: benchmarks base and head without secrets and uploads the results", async (ctx) => {
    requireOrSkip(ctx, ACT);
    const run = await scenario.run({
      repo,
      event: "pull_request",
      workflow: ".github/workflows/benchmark-pr.yml",
      payload: {
        action: "synchronize",
        number: PR,
        pull_request: {
          number: PR,
          head: { sha: head, ref: "slow-adler", repo: { full_name: FORK } },
          base: { sha: base, ref: "main", repo: { full_name: REPO } },
        },
        repository,
      },
      secrets: secrets(),
      log: "pull-request",
    });
    expect(run.code, run.output.slice(-6000)).toBe(0);
    expect(scenario.results.unexpected).toEqual([]);
    expect([...scenario.results.artifacts.keys()]).toContain("lance-bench-pr");
    for (const secret of Object.values(secrets())) expect(run.output).not.toContain(secret);
  });

  it("workflow_run: downloads the results, compares, and posts one comment naming the regression", async (ctx) => {
    requireOrSkip(ctx, ACT);
    installRunArtifacts();
    ({ comments } = installPullRequest(scenario.github, {
      repository: REPO,
      number: PR,
      head,
      headRef: "slow-adler",
      headRepository: FORK,
      base,
    }));
    const run = await commentRun("workflow-run");
    expect(scenario.github.violations).toEqual([]);
    // the regression fails the job (fail-on-regression), after the comment is written
    expect(run.code, run.output.slice(-6000)).toBe(1);
    expect(run.output).toMatch(/::error title=Benchmark regression::.*adler32/);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toMatch(/adler32/);
    for (const secret of Object.values(secrets())) expect(run.output).not.toContain(secret);
  });

  it("a re-run edits that comment instead of adding one", async (ctx) => {
    requireOrSkip(ctx, ACT);
    const before = scenario.github.requests.length;
    const run = await commentRun("workflow-run-again");
    expect(scenario.github.violations).toEqual([]);
    expect(run.code).toBe(1);
    const writes = scenario.github.requests.slice(before).filter((r) => r.method !== "GET");
    expect(writes.map((r) => `${r.method} ${r.path}`)).toEqual([`PATCH /repos/${REPO}/issues/comments/9000`]);
    expect(comments).toHaveLength(1);
  });
});
