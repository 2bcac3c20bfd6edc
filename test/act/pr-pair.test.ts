import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { conformingExample } from "../github-openapi.js";
import { startResultsService, type ResultsService } from "../github-results-service.js";
import { startGitHubServer, type GitHubServer, type RecordedRequest } from "../github-server.js";
import { ROOT, commitAll, git, gitRepoFrom, requireOrSkip, tempDir } from "../helpers.js";
import { startS3Server, type S3Server } from "../s3-server.js";
import { ACT, runAct, snapshotLanceBench } from "../support/act.js";
import { startGitHttpServer, type GitHttpServer } from "../support/git-http-server.js";

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
const work = tempDir("lance-bench-act-pr-");
let github: GitHubServer;
let gitServer: GitHttpServer;
let results: ResultsService;
let s3: S3Server;
let repo: string;
let base: string;
let head: string;
let lanceBenchSha: string;
let lanceBenchDir: string;
const db = "s3://act-pr/lance-bench";
const SECRET_NAMES = [
  "GITHUB_TOKEN",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "ACTIONS_RUNTIME_TOKEN",
  "ACTIONS_RESULTS_URL",
  "INPUT_TOKEN",
];

/** An example caller workflow, pinned to the snapshot and pointed at the test's store. */
function caller(file: string): string {
  return readFileSync(path.join(ROOT, "examples/workflows", file), "utf8")
    .replaceAll(/(lancedb\/lance-bench\/\S+@|lance-bench-ref: )[0-9a-f]{40}/g, `$1${lanceBenchSha}`)
    .replaceAll("s3://my-bucket/lance-bench", db)
    .replace(
      /repetitions: "\d+"/,
      'repetitions: "3"\n      # actions/cache cannot run here (no github.com): the registry comes from ~/.cargo\n      cargo-registry: false',
    );
}

beforeAll(async () => {
  ({ dir: lanceBenchDir, sha: lanceBenchSha } = snapshotLanceBench(path.join(work, "lance-bench")));
  repo = gitRepoFrom(path.join(ROOT, "fixtures/rust-criterion"), path.join(work, "widget"));
  mkdirSync(path.join(repo, ".github/workflows"), { recursive: true });
  for (const file of ["benchmark-pr.yml", "benchmark-pr-comment.yml"])
    writeFileSync(path.join(repo, ".github/workflows", file), caller(file));
  // The PR's code is hostile: its build fails the job if it can see any credential or the
  // runtime services (GitHub passes none to this job; lance-bench's child environment is allowlisted).
  writeFileSync(
    path.join(repo, "build.rs"),
    `fn main() {\n    for name in ${JSON.stringify(SECRET_NAMES)} {\n        if std::env::var_os(name).is_some() {\n            panic!("{name} is visible to the pull request's build");\n        }\n    }\n}\n`,
  );
  base = commitAll(repo, "the workflows, and a build that refuses to see secrets");
  git(repo, ["remote", "add", "origin", `https://github.com/${REPO}.git`]);
  git(repo, ["checkout", "-q", "-b", "slow-adler"]);
  const lib = path.join(repo, "src/lib.rs");
  writeFileSync(
    lib,
    readFileSync(lib, "utf8").replace(
      "pub fn adler32(data: &[u8]) -> u32 {",
      "pub fn adler32(data: &[u8]) -> u32 {\n    for _ in 0..2 {\n        std::hint::black_box(adler32_once(std::hint::black_box(data)));\n    }\n    adler32_once(data)\n}\n\nfn adler32_once(data: &[u8]) -> u32 {",
    ),
  );
  head = commitAll(repo, "adler32: three passes (a regression)", "2026-03-04T05:06:07Z");
  gitServer = await startGitHttpServer();
  gitServer.serve(REPO, repo);
  gitServer.serve("lancedb/lance-bench", lanceBenchDir);
  github = await startGitHubServer();
  results = await startResultsService();
  s3 = await startS3Server();
  await s3.createBucket("act-pr");
}, 600_000);

afterAll(async () => {
  await Promise.all([github?.close(), gitServer?.close(), results?.stop(), s3?.stop()]);
});

function actEnvironment(): Record<string, string> {
  return {
    GITHUB_API_URL: github.url,
    ACTIONS_RESULTS_URL: results.env.ACTIONS_RESULTS_URL!,
    ACTIONS_RUNTIME_TOKEN: results.env.ACTIONS_RUNTIME_TOKEN!,
    ACTIONS_CACHE_SERVICE_V2: "True",
    // github.com's git is the local git server (GITHUB_SERVER_URL stays github.com: the toolkit
    // refuses its artifact and cache services anywhere else)
    GIT_CONFIG_COUNT: "1",
    GIT_CONFIG_KEY_0: `url.${gitServer.url}/.insteadOf`,
    GIT_CONFIG_VALUE_0: "https://github.com/",
    AWS_REGION: s3.env.AWS_REGION!,
    AWS_ENDPOINT_URL_S3: s3.env.AWS_ENDPOINT_URL_S3!,
  };
}

const repository = { full_name: REPO, name: "widget", owner: { login: "acme" } };
const localRepositories = () => ({ [`lancedb/lance-bench@${lanceBenchSha}`]: lanceBenchDir });

describe("the PR pair under act", () => {
  it("pull_request: benchmarks base and head without secrets and uploads the results", async (ctx) => {
    requireOrSkip(ctx, ACT);
    const run = await runAct({
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
      env: actEnvironment(),
      secrets: {
        GITHUB_TOKEN: TOKEN,
        AWS_ACCESS_KEY_ID: s3.env.AWS_ACCESS_KEY_ID!,
        AWS_SECRET_ACCESS_KEY: s3.env.AWS_SECRET_ACCESS_KEY!,
      },
      localRepositories: localRepositories(),
      cacheDir: path.join(work, "act-pr"),
    });
    mkdirSync(path.join(ROOT, "test-output/act"), { recursive: true });
    writeFileSync(path.join(ROOT, "test-output/act/pull-request.log"), run.output);
    expect(run.code, run.output.slice(-6000)).toBe(0);
    expect(results.unexpected).toEqual([]);
    expect([...results.artifacts.keys()]).toContain("lance-bench-pr");
    expect(run.output).not.toContain(TOKEN);
  });

  /** GitHub's side of the comment job: the run's artifacts, the PR, and its comments. */
  function installGitHub(comments: Record<string, unknown>[]) {
    const artifact = results.artifactDownload("lance-bench-pr");
    if (!artifact) throw new Error("no lance-bench-pr artifact was uploaded");
    const listExample = conformingExample("GET", "/repos/{owner}/{repo}/actions/runs/{run_id}/artifacts") as {
      artifacts: Record<string, unknown>[];
    };
    github.route("GET", `/repos/${REPO}/actions/runs/${RUN_ID}/artifacts`, (request: RecordedRequest) => ({
      status: 200,
      body: {
        total_count: 1,
        artifacts:
          request.query.get("name") === "lance-bench-pr"
            ? [{ ...listExample.artifacts[0], id: artifact.id, name: "lance-bench-pr", expired: false }]
            : [],
      },
    }));
    github.route("GET", `/repos/${REPO}/actions/artifacts/${artifact.id}/zip`, [
      { status: 302, headers: { location: artifact.url } },
    ]);
    const pull = conformingExample("GET", "/repos/{owner}/{repo}/pulls/{pull_number}");
    const prHead = pull.head as Record<string, unknown>;
    github.route("GET", `/repos/${REPO}/pulls/${PR}`, [
      {
        status: 200,
        body: {
          ...pull,
          number: PR,
          head: { ...prHead, sha: head, repo: { ...(prHead.repo as object), full_name: FORK } },
        },
      },
    ]);
    const commentExample = (
      conformingExample("GET", "/repos/{owner}/{repo}/issues/{issue_number}/comments") as unknown as Record<
        string,
        unknown
      >[]
    )[0]!;
    const asComment = (id: number, body: string) => ({
      ...commentExample,
      id,
      body,
      user: { ...(commentExample.user as object), login: "github-actions[bot]" },
      html_url: `https://github.com/${REPO}/pull/${PR}#issuecomment-${id}`,
    });
    github.route("GET", `/repos/${REPO}/issues/${PR}/comments`, () => ({
      status: 200,
      body: comments.map((c) => asComment(c.id as number, c.body as string)),
    }));
    github.route("POST", `/repos/${REPO}/issues/${PR}/comments`, (request) => {
      const created = { id: 9000 + comments.length, body: (request.body as { body: string }).body };
      comments.push(created);
      return { status: 201, body: asComment(created.id, created.body) };
    });
    github.route("PATCH", `/repos/${REPO}/issues/comments/9000`, (request) => {
      comments[0]!.body = (request.body as { body: string }).body;
      return { status: 200, body: asComment(9000, comments[0]!.body as string) };
    });
  }

  const comments: Record<string, unknown>[] = [];
  const commentRun = () =>
    runAct({
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
      env: actEnvironment(),
      secrets: {
        GITHUB_TOKEN: TOKEN,
        AWS_ACCESS_KEY_ID: s3.env.AWS_ACCESS_KEY_ID!,
        AWS_SECRET_ACCESS_KEY: s3.env.AWS_SECRET_ACCESS_KEY!,
      },
      localRepositories: localRepositories(),
      cacheDir: path.join(work, "act-comment"),
    });

  it("workflow_run: downloads the results, compares, and posts one comment naming the regression", async (ctx) => {
    requireOrSkip(ctx, ACT);
    installGitHub(comments);
    const run = await commentRun();
    writeFileSync(path.join(ROOT, "test-output/act/workflow-run.log"), run.output);
    expect(github.violations).toEqual([]);
    // the regression fails the job (fail-on-regression), after the comment is written
    expect(run.code, run.output.slice(-6000)).toBe(1);
    expect(run.output).toMatch(/::error title=Benchmark regression::.*adler32/);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toMatch(/adler32/);
    expect(run.output).not.toContain(TOKEN);
    expect(run.output).not.toContain(s3.env.AWS_SECRET_ACCESS_KEY!);
  });

  it("a re-run edits that comment instead of adding one", async (ctx) => {
    requireOrSkip(ctx, ACT);
    const before = github.requests.length;
    const run = await commentRun();
    writeFileSync(path.join(ROOT, "test-output/act/workflow-run-again.log"), run.output);
    expect(github.violations).toEqual([]);
    expect(run.code).toBe(1);
    const writes = github.requests.slice(before).filter((r) => r.method !== "GET");
    expect(writes.map((r) => `${r.method} ${r.path}`)).toEqual([`PATCH /repos/${REPO}/issues/comments/9000`]);
    expect(comments).toHaveLength(1);
  });
});
