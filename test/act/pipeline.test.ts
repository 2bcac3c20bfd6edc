import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, commitAll, git, requireOrSkip, runCliAsync, tempDir } from "../support/helpers.js";
import { ACT, ACT_TEST_TIMEOUT_MS } from "../support/act.js";
import { exampleCaller, startActScenario, type ActScenario } from "../support/act-scenario.js";
// @ts-expect-error plain ESM script shared with `npm run bench`, no type declarations
import { startPostgres } from "../../scripts/postgres-server.mjs";

/**
 * Pipelines under act: the rapidbyte example caller (examples/workflows/rapidbyte-benchmarks.yml)
 * on a push to main of the pipeline fixture, through run-pipeline-benchmarks.yml, against
 * Debian's PostgreSQL started here (act cannot start service containers without Docker, so the
 * caller gives a database URL instead of an image), publishing every iteration to S3 (moto).
 */
const REPO = "acme/pipes";
const work = tempDir("lance-bench-act-pipeline-");
let scenario: ActScenario;
let pg: { url: string; stop(): Promise<void> };
let repo: string;
let sha: string;

beforeAll(async () => {
  pg = (await startPostgres()) as typeof pg;
  scenario = await startActScenario(work, "act-pipeline");
  repo = path.join(work, "pipes");
  cpSync(path.join(ROOT, "fixtures/pipeline"), repo, { recursive: true });
  mkdirSync(path.join(repo, ".github/workflows"), { recursive: true });
  writeFileSync(
    path.join(repo, ".github/workflows/rapidbyte-benchmarks.yml"),
    exampleCaller(scenario, "rapidbyte-benchmarks.yml", (w) => ({
      ...w,
      "postgres-image": "",
      "database-url": pg.url,
      "build-command": "",
      "pipeline-command": "node pipeline.cjs run {pipeline}",
      "pipelines-dir": "pipelines",
      rows: "1000",
      iters: "2",
      "cargo-registry": false,
      // the fixture finds pg, pg-copy-streams, lz4js and zstd through NODE_PATH
      "env-passthrough": "NODE_PATH",
      db: scenario.db,
      "aws-endpoint-url": scenario.s3.endpoint,
    })),
  );
  git(repo, ["init", "-q", "-b", "main"]);
  git(repo, ["remote", "add", "origin", `https://github.com/${REPO}.git`]);
  sha = commitAll(repo, "pipelines", "2026-06-01T10:00:00Z");
  scenario.gitServer.serve(REPO, repo);
}, 600_000);

afterAll(async () => {
  await Promise.all([scenario?.close(), pg?.stop()]);
});

describe("pipeline benchmarks under act", { timeout: ACT_TEST_TIMEOUT_MS }, () => {
  it("a push to main runs every variant against PostgreSQL and publishes each iteration", async (ctx) => {
    requireOrSkip(ctx, ACT);
    const secrets = {
      GITHUB_TOKEN: "ghs_pipelineJobTokenNeverPrinted01234567",
      AWS_ACCESS_KEY_ID: scenario.s3.env.AWS_ACCESS_KEY_ID!,
      AWS_SECRET_ACCESS_KEY: scenario.s3.env.AWS_SECRET_ACCESS_KEY!,
    };
    const run = await scenario.run({
      repo,
      event: "push",
      workflow: ".github/workflows/rapidbyte-benchmarks.yml",
      payload: {
        ref: "refs/heads/main",
        after: sha,
        repository: { full_name: REPO, name: "pipes", owner: { login: "acme" }, default_branch: "main" },
      },
      secrets,
      env: { NODE_PATH: path.join(ROOT, "node_modules") },
      log: "pipeline-push",
    });
    expect(run.code, run.output.slice(-8000)).toBe(0);
    for (const secret of Object.values(secrets)) expect(run.output).not.toContain(secret);
    expect(run.output).not.toContain(new URL(pg.url).password || "no password");
    const exported = await runCliAsync(["export", "--db", scenario.db], scenario.storeEnv());
    expect(exported.code, exported.stderr).toBe(0);
    const rows = exported.stdout
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { sha: string; source_format: string; run?: { ref?: string } });
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => r.sha))).toEqual(new Set([sha]));
    expect(scenario.github.violations).toEqual([]);
  });
});
