import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commitAll, requireOrSkip, runCliAsync, tempDir } from "../support/helpers.js";
import { ACT, ACT_TEST_TIMEOUT_MS } from "../support/act.js";
import { exampleCaller, fixtureProject, startActScenario, type ActScenario } from "../support/act-scenario.js";
import { installRepositoryWorld, type Dispatch } from "../support/github-world.js";

/**
 * Main's benchmarks under act, from the cron to the store: a project with a Criterion crate
 * (rust/) and a pytest-benchmark package (python/), three commits on main, and the example
 * callers of examples/workflows (schedule-benchmarks.yml, run-benchmarks.yml) pinned to this
 * working tree. `schedule` dispatches the newest commit; each dispatch GitHub accepted (its
 * inputs checked against run-benchmarks.yml's workflow_dispatch inputs) is run with act, which
 * builds and benchmarks both languages and publishes to S3 (moto); a backfill dispatches exactly
 * the commits without results; the next cron tick dispatches nothing.
 */
const REPO = "acme/engine";
const SCHEDULER_TOKEN = "ghs_schedulerTokenNeverPrinted0123456789";
const work = tempDir("lance-bench-act-schedule-");
let scenario: ActScenario;
let repo: string;
let commits: string[];
let world: ReturnType<typeof installRepositoryWorld>;
/** What one benchmarked commit stores: Criterion's and pytest's rows, and both processes' own metrics. */
let STORED_FORMATS: string[];

beforeAll(async () => {
  scenario = await startActScenario(work, "act-schedule");
  repo = fixtureProject(scenario, REPO, { python: true });
  writeFileSync(
    path.join(repo, ".github/workflows/schedule-benchmarks.yml"),
    exampleCaller(scenario, "schedule-benchmarks.yml", (w) => ({
      ...w,
      db: scenario.db,
      "aws-endpoint-url": scenario.s3.endpoint,
    })),
  );
  commits = [commitAll(repo, "first", "2026-05-01T10:00:00Z")];
  for (const [i, time] of ["2026-05-02T10:00:00Z", "2026-05-03T10:00:00Z"].entries()) {
    writeFileSync(path.join(repo, "CHANGES.md"), `change ${i + 2}\n`);
    commits.push(commitAll(repo, `change ${i + 2}`, time));
  }
  world = installRepositoryWorld(scenario.github, REPO, repo);
  world.dispatchRoute("run-benchmarks.yml");
}, 600_000);

afterAll(async () => {
  await scenario?.close();
});

const repository = { full_name: REPO, name: "engine", owner: { login: "acme" }, default_branch: "main" };
const secrets = () => ({
  GITHUB_TOKEN: "ghs_jobTokenNeverPrinted0123456789",
  SCHEDULER_GITHUB_TOKEN: SCHEDULER_TOKEN,
  AWS_ACCESS_KEY_ID: scenario.s3.env.AWS_ACCESS_KEY_ID!,
  AWS_SECRET_ACCESS_KEY: scenario.s3.env.AWS_SECRET_ACCESS_KEY!,
});

/** The commits with rows in the store, each with the formats its rows came from. */
async function stored(): Promise<Record<string, string[]>> {
  const exported = await runCliAsync(["export", "--db", scenario.db], scenario.storeEnv());
  if (exported.code !== 0) throw new Error(`export failed: ${exported.stderr}`);
  const formats: Record<string, Set<string>> = {};
  for (const line of exported.stdout.split("\n").filter(Boolean)) {
    const row = JSON.parse(line) as { sha: string; source_format: string };
    (formats[row.sha] ??= new Set()).add(row.source_format);
  }
  return Object.fromEntries(Object.entries(formats).map(([sha, set]) => [sha, [...set].sort()]));
}

async function runDispatch(dispatch: Dispatch, index: number) {
  const run = await scenario.run({
    repo,
    event: "workflow_dispatch",
    workflow: `.github/workflows/${dispatch.workflow}`,
    payload: {
      inputs: dispatch.inputs,
      ref: dispatch.ref,
      repository,
      workflow: `.github/workflows/${dispatch.workflow}`,
    },
    secrets: secrets(),
    log: `schedule-dispatch-${index}`,
  });
  expect(run.code, run.output.slice(-8000)).toBe(0);
  for (const secret of Object.values(secrets())) expect(run.output).not.toContain(secret);
}

/** A tick of the caller's cron: `schedule` → schedule-benchmarks.yml. */
const cronTick = (log: string, withSecrets: Record<string, string>) =>
  scenario.run({
    repo,
    event: "schedule",
    workflow: ".github/workflows/schedule-benchmarks.yml",
    payload: { schedule: "0 */6 * * *", repository },
    secrets: withSecrets,
    log,
  });

describe("scheduled benchmarks under act", { timeout: ACT_TEST_TIMEOUT_MS }, () => {
  it("the cron tick dispatches the newest commit, which is built, benchmarked and stored", async (ctx) => {
    requireOrSkip(ctx, ACT);
    const tick = await cronTick("schedule-cron", secrets());
    expect(tick.code, tick.output.slice(-8000)).toBe(0);
    expect(tick.output).not.toContain(SCHEDULER_TOKEN);
    expect(world.rejected).toEqual([]);
    expect(world.dispatches.map((d) => d.inputs.git_sha)).toEqual([commits[2]]);
    await runDispatch(world.dispatches[0]!, 0);
    const rows = await stored();
    expect(Object.keys(rows)).toEqual([commits[2]]);
    STORED_FORMATS = rows[commits[2]!]!;
    expect(STORED_FORMATS).toEqual(["command", "criterion-json", "pytest"]);
    expect(scenario.github.violations).toEqual([]);
  });

  it("a backfill dispatches exactly the commits without results", async (ctx) => {
    requireOrSkip(ctx, ACT);
    const before = world.dispatches.length;
    const backfill = await scenario.run({
      repo,
      event: "workflow_dispatch",
      workflow: ".github/workflows/schedule-benchmarks.yml",
      payload: { inputs: { "max-commits": "3", "commit-interval": "1" }, ref: "refs/heads/main", repository },
      secrets: secrets(),
      log: "schedule-backfill",
    });
    expect(backfill.code, backfill.output.slice(-8000)).toBe(0);
    const dispatched = world.dispatches.slice(before);
    expect(dispatched.map((d) => d.inputs.git_sha).sort()).toEqual([commits[0], commits[1]].sort());
    for (const [i, dispatch] of dispatched.entries()) await runDispatch(dispatch, i + 1);
    const rows = await stored();
    expect(Object.keys(rows).sort()).toEqual([...commits].sort());
    // both languages, for every commit
    for (const sha of commits) expect(rows[sha], sha).toEqual(STORED_FORMATS);
    expect(scenario.github.violations).toEqual([]);
  });

  it("the next cron tick dispatches nothing", async (ctx) => {
    requireOrSkip(ctx, ACT);
    const before = world.dispatches.length;
    const tick = await cronTick("schedule-cron-again", secrets());
    expect(tick.code, tick.output.slice(-8000)).toBe(0);
    expect(world.dispatches.length).toBe(before);
  });

  it("without SCHEDULER_GITHUB_TOKEN, one error names the secret and nothing is dispatched", async (ctx) => {
    requireOrSkip(ctx, ACT);
    const before = world.dispatches.length;
    const { SCHEDULER_GITHUB_TOKEN: _omitted, ...withoutToken } = secrets();
    const tick = await cronTick("schedule-no-token", withoutToken);
    expect(tick.code).toBe(1);
    const errors = tick.output.split("\n").filter((line) => line.includes("::error::"));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain("SCHEDULER_GITHUB_TOKEN");
    expect(world.dispatches.length).toBe(before);
  });
});
