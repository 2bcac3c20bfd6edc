import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { startResultsService, type ResultsService } from "./github-results-service.js";
import { startGitHubServer, type GitHubServer } from "./github-server.js";
import { ROOT, git } from "./helpers.js";
import { startS3Server, type S3Server } from "./s3-server.js";
import { runAct, snapshotLanceBench, type ActRun } from "./act.js";
import { startGitHttpServer, type GitHttpServer } from "./git-http-server.js";

/**
 * Everything an act scenario runs against, on 127.0.0.1: the OpenAPI-checked GitHub API, a git
 * server standing in for github.com's git, the results-service twin (artifacts, caches), moto S3
 * for the store, and this working tree as lancedb/lance-bench at a commit of its own.
 */
export interface ActScenario {
  github: GitHubServer;
  gitServer: GitHttpServer;
  results: ResultsService;
  s3: S3Server;
  lanceBenchSha: string;
  lanceBenchDir: string;
  /** The store the callers write to (a bucket on moto). */
  db: string;
  work: string;
  /** One act run of `workflow` in `repo`; its log is kept in test-output/act/<log>.log. */
  run(options: {
    repo: string;
    event: string;
    workflow: string;
    payload: Record<string, unknown>;
    secrets: Record<string, string>;
    /** More environment for every step (act's --env). */
    env?: Record<string, string>;
    log: string;
  }): Promise<ActRun>;
  /** The environment a step of the store sees (moto's endpoint and keys). */
  storeEnv(): NodeJS.ProcessEnv;
  close(): Promise<void>;
}

export async function startActScenario(work: string, bucket: string): Promise<ActScenario> {
  const { dir: lanceBenchDir, sha: lanceBenchSha } = snapshotLanceBench(path.join(work, "lance-bench"));
  const gitServer = await startGitHttpServer();
  gitServer.serve("lancedb/lance-bench", lanceBenchDir);
  const github = await startGitHubServer();
  const results = await startResultsService();
  const s3 = await startS3Server();
  await s3.createBucket(bucket);
  const logs = path.join(ROOT, "test-output/act");
  mkdirSync(logs, { recursive: true });
  return {
    github,
    gitServer,
    results,
    s3,
    lanceBenchSha,
    lanceBenchDir,
    db: `s3://${bucket}/lance-bench`,
    work,
    async run({ repo, event, workflow, payload, secrets, env, log }) {
      const result = await runAct({
        repo,
        event,
        workflow,
        payload,
        env: {
          GITHUB_API_URL: github.url,
          ACTIONS_RESULTS_URL: results.env.ACTIONS_RESULTS_URL!,
          ACTIONS_RUNTIME_TOKEN: results.env.ACTIONS_RUNTIME_TOKEN!,
          ACTIONS_CACHE_SERVICE_V2: "True",
          // github.com's git is the local git server; GITHUB_SERVER_URL stays github.com (the
          // toolkit refuses its artifact and cache services anywhere else)
          GIT_CONFIG_COUNT: "1",
          GIT_CONFIG_KEY_0: `url.${gitServer.url}/.insteadOf`,
          GIT_CONFIG_VALUE_0: "https://github.com/",
          AWS_REGION: s3.env.AWS_REGION!,
          AWS_ENDPOINT_URL_S3: s3.env.AWS_ENDPOINT_URL_S3!,
          ...env,
        },
        secrets,
        localRepositories: { [`lancedb/lance-bench@${lanceBenchSha}`]: lanceBenchDir },
        // one folder per scenario: act's tool cache (the LanceDB runtime) carries over between runs
        cacheDir: path.join(work, "act"),
      });
      writeFileSync(path.join(logs, `${log}.log`), result.output);
      return result;
    },
    storeEnv: () => ({ ...s3.env }),
    async close() {
      await Promise.all([github.close(), gitServer.close(), results.stop(), s3.stop()]);
    },
  };
}

/**
 * An example caller (examples/workflows/<file>) as a repository would hold it, pinned to the
 * snapshot instead of the placeholder commit, its `with:` of `job` edited by `edit`.
 */
export function exampleCaller(
  scenario: Pick<ActScenario, "lanceBenchSha">,
  file: string,
  edit: (withInputs: Record<string, unknown>) => Record<string, unknown> = (w) => w,
  job?: string,
): string {
  const text = readFileSync(path.join(ROOT, "examples/workflows", file), "utf8").replaceAll(
    /(lancedb\/lance-bench\/\S+@|lance-bench-ref: )[0-9a-f]{40}/g,
    `$1${scenario.lanceBenchSha}`,
  );
  const workflow = parseYaml(text) as { jobs: Record<string, { with?: Record<string, unknown> }> };
  const name = job ?? Object.keys(workflow.jobs)[0]!;
  const called = workflow.jobs[name]!;
  called.with = edit({ ...called.with });
  return stringifyYaml(workflow, { lineWidth: 0 });
}

/**
 * A project of the fixtures as the scenarios' main branch holds it: the Criterion crate in
 * `rust/` (and the pytest-benchmark package in `python/`), the Lance example's dispatch target
 * `run-benchmarks.yml` with its build settings swapped for this project's, a git repository
 * whose `origin` names `repository` (act takes github.repository from it), served by the
 * scenario's git server. Nothing is committed: the test makes its commits.
 */
export function fixtureProject(scenario: ActScenario, repository: string, options: { python: boolean }): string {
  const repo = path.join(scenario.work, repository.split("/")[1]!);
  cpSync(path.join(ROOT, "fixtures/rust-criterion"), path.join(repo, "rust"), {
    recursive: true,
    filter: (src) => !/\/target(\/|$)/.test(src),
  });
  if (options.python)
    cpSync(path.join(ROOT, "fixtures/python-pytest-benchmark"), path.join(repo, "python"), {
      recursive: true,
      filter: (src) => !/\/(\.venv|__pycache__|\.pytest_cache)(\/|$)/.test(src),
    });
  mkdirSync(path.join(repo, ".github/workflows"), { recursive: true });
  writeFileSync(
    path.join(repo, ".github/workflows/run-benchmarks.yml"),
    exampleCaller(scenario, "run-benchmarks.yml", (w) => ({
      // what the dispatch says, passed through as the example does
      "lance-bench-ref": w["lance-bench-ref"],
      git_sha: w.git_sha,
      pr_number: w.pr_number,
      pr_repo: w.pr_repo,
      run_rust: w.run_rust,
      run_python: w.run_python,
      rust_crates: w.rust_crates,
      db: scenario.db,
      "aws-region": w["aws-region"],
      "aws-endpoint-url": scenario.s3.endpoint,
      crates: "rust",
      workdir: "python",
      repetitions: "1",
    })),
  );
  git(repo, ["init", "-q", "-b", "main"]);
  git(repo, ["remote", "add", "origin", `https://github.com/${repository}.git`]);
  scenario.gitServer.serve(repository, repo);
  return repo;
}
