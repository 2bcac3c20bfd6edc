import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, type TestContext } from "vitest";
import {
  CLI,
  cleanEnv,
  explicitDut,
  requireOrSkip,
  ROOT,
  runCliAsync,
  sample,
  tempDir,
  type OptionalTool,
} from "../support/helpers.js";
import { startS3Server, type S3Server } from "../support/s3-server.js";
import { ResultStore } from "../../src/store/results-table.js";

/** Runs `body` with these variables set (an S3 store is reached through the environment). */
async function withEnv<T>(env: NodeJS.ProcessEnv, body: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return await body();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/**
 * Taking over a table the Python lance-bench (which this suite replaces) wrote, on its real locked stack (lancedb 0.25.3,
 * pylance 0.39, pyarrow 21, Python 3.12; test/seed/seed_tool.py re-implements its publisher and
 * readers): migrate, then both tools read and write the same table.
 */
const SEED_PYTHON = path.join(ROOT, ".venv-seed/bin/python");
const SEED_TOOL = path.join(ROOT, "test/seed/seed_tool.py");
const SEED_STACK: OptionalTool = {
  name: "the Python lance-bench's stack",
  probe: [SEED_PYTHON, "-c", "import lancedb, lance; assert lancedb.__version__ == '0.25.3'"],
  install: "bash scripts/setup-seed-python.sh",
  requiredBy: "LANCE_BENCH_REQUIRE_SEED_STACK",
};

const SHA7 = "abc1234";
const SEED_SHA = `${SHA7}${"0".repeat(33)}`;

/**
 * Runs the Python lance-bench's tool without blocking this process: the S3 server is this process's child, and
 * its request log fills its stderr pipe (and stalls it) while a synchronous child holds us up.
 */
async function seed(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Record<string, unknown>> {
  const child = spawn(SEED_PYTHON, [SEED_TOOL, ...args], { env: { ...cleanEnv(), RUST_LOG: "error", ...env } });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += String(chunk)));
  child.stderr.on("data", (chunk) => (stderr += String(chunk)));
  const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  clearTimeout(timer);
  if (code !== 0) throw new Error(`seed_tool ${args.join(" ")}: ${stderr.slice(-2000)}`);
  return JSON.parse(stdout) as Record<string, unknown>;
}

/** The Python lance-bench's publisher on one sample file, as one commit of version `version` at `timestamp`. */
const seedPublishFile = (
  kind: "criterion" | "pytest",
  db: string,
  version: string,
  timestamp: number,
  env: NodeJS.ProcessEnv = {},
  extra: string[] = [],
) =>
  seed(
    [
      `publish-${kind}`,
      sample(kind === "criterion" ? "cargo-criterion.jsonl" : "pytest-benchmark-5.json"),
      ...["--db", db, "--version", version, "--timestamp", String(timestamp), ...extra],
    ],
    env,
  );

const seedPublish = async (db: string, env: NodeJS.ProcessEnv = {}) => {
  await seedPublishFile("criterion", db, `0.1.0+${SHA7}`, 1_700_000_000, env);
  await seedPublishFile("pytest", db, "0.1.0+def5678", 1_700_000_100, env);
};
const seedCount = async (db: string, env: NodeJS.ProcessEnv = {}) =>
  (await seed(["read", "--db", db], env)).count as number;

async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const run = await runCliAsync(args, env);
  if (run.code !== 0 && !(args[0] === "has-results" && run.code === 1)) {
    throw new Error(`lance-bench ${args.join(" ")} exited ${run.code}: ${run.stderr}`);
  }
  return run;
}
const doctor = async (db: string, env: NodeJS.ProcessEnv = {}) =>
  JSON.parse((await cli(["doctor", "--db", db, "--json"], env)).stdout) as {
    version: number;
    format: string;
    rows: number;
    check: { missing: string[] };
    seed: { readable: boolean };
  };
const ourPublish = async (db: string, sha: string, env: NodeJS.ProcessEnv = {}) =>
  // explicitDut less its own --sha
  await cli(["publish", sample("pytest-benchmark-4.json"), "--db", db, "--sha", sha, ...explicitDut.slice(2)], env);

/** Seed creates and publishes → migrate → this suite publishes → both read every row. */
async function roundTrip(db: string, env: NodeJS.ProcessEnv = {}) {
  await seedPublish(db, env);
  const before = await doctor(db, env);
  expect(before).toMatchObject({ format: "2.0", rows: 10, seed: { readable: true } });
  expect(before.check.missing).toContain("sha");

  // a dry run changes nothing
  expect((await cli(["migrate", "--db", db], env)).stdout).toContain("would (dry run; --apply to write)");
  expect((await doctor(db, env)).version).toBe(before.version);

  // publishing into the unmigrated table is refused, naming the way out
  const refused = await runCliAsync(
    ["publish", sample("pytest-benchmark-4.json"), "--db", db, "--sha", "e".repeat(40), ...explicitDut.slice(2)],
    env,
  );
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain("lance-bench migrate --db");
  // reading by lance-bench's own columns is refused the same way, at once; the Python lance-bench's look-up still answers
  const history = await runCliAsync(
    ["compare", "--base", "history", "--head", sample("pytest-benchmark-4.json"), "--db", db],
    env,
  );
  expect(history.code).toBe(2);
  expect(history.stderr).toContain(
    "was written by the Python lance-bench's tools and has none of lance-bench's columns",
  );
  expect((await cli(["has-results", "--db", db, "--sha", SEED_SHA], env)).code).toBe(0);

  const migrated = (await cli(["migrate", "--db", db, "--apply"], env)).stdout;
  expect(migrated).toContain("migrated 10 rows");
  expect(migrated).toContain("6 criterion-json, 4 pytest-benchmark");
  const after = await doctor(db, env);
  expect(after).toMatchObject({ format: "2.1", rows: 10, seed: { readable: true } });
  expect(after.check.missing).toEqual([]);
  // idempotent
  expect((await cli(["migrate", "--db", db, "--apply"], env)).stdout).toContain("already migrated, nothing to do");
  expect((await doctor(db, env)).version).toBe(after.version);

  await ourPublish(db, "e".repeat(40), env);
  // the Python lance-bench's publisher still appends (its ten columns only), and its readers see every row
  await seedPublishFile("criterion", db, "0.1.0+1234567", 1_700_000_200, env);
  const rows = (await doctor(db, env)).rows;
  expect(rows).toBeGreaterThan(16);
  expect(await seedCount(db, env)).toBe(rows);
  // and every lance-bench reader copes with the Python lance-bench's rows, old and new
  expect((await cli(["export", "--db", db], env)).stdout.trim().split("\n")).toHaveLength(rows);
  expect((await cli(["has-results", "--db", db, "--sha", SEED_SHA], env)).stdout).toBe(
    "yes (rows of the Python lance-bench's tools, by the 7-character sha in dut.version)\n",
  );
  expect((await cli(["has-results", "--db", db, "--sha", `1234567${"0".repeat(33)}`], env)).code).toBe(0);
  expect((await cli(["has-results", "--db", db, "--sha", "e".repeat(40)], env)).stdout).toBe("yes\n");
  expect((await cli(["has-results", "--db", db, "--sha", "9".repeat(40)], env)).code).toBe(1);
  // the scheduler's batch look-up: the Python lance-bench's commits by their short sha, ours by the full one
  const found = await withEnv(env, async () => {
    const store = await ResultStore.openExisting({ uri: db, log: () => {} });
    try {
      return await store.commitsWithResults([SEED_SHA, "e".repeat(40), "9".repeat(40)]);
    } finally {
      store.close();
    }
  });
  expect([...found]).toEqual([
    ["e".repeat(40), "sha"],
    [SEED_SHA, "short-sha"],
  ]);
  await cli(
    ["compare", "--base", `sha:${"e".repeat(40)}`, "--head", sample("pytest-benchmark-4.json"), "--db", db],
    env,
  );
}

describe("the Python lance-bench's table, migrated", () => {
  const root = tempDir("lance-bench-migrate-");
  const need = (ctx: TestContext) => requireOrSkip(ctx, SEED_STACK);

  it("seed writes → migrate → both tools read and write every row (local folder)", async (ctx) => {
    need(ctx);
    await roundTrip(path.join(root, "local"));
  }, 180_000);

  it("a table this suite creates is 2.1: the Python lance-bench appends to it, and this suite reads every row", async (ctx) => {
    need(ctx);
    const db = path.join(root, "ours");
    await ourPublish(db, "f".repeat(40));
    expect(await doctor(db)).toMatchObject({ format: "2.1", rows: 4, seed: { readable: true } });
    await seedPublish(db);
    expect(await seedCount(db)).toBe(14);
    expect((await doctor(db)).rows).toBe(14);
    expect((await cli(["export", "--db", db])).stdout.trim().split("\n")).toHaveLength(14);
    expect((await cli(["has-results", "--db", db, "--sha", SEED_SHA])).code).toBe(0);
    expect((await cli(["migrate", "--db", db])).stdout).toContain("already migrated, nothing to do");
  }, 180_000);

  it("--normalize-criterion turns the Python lance-bench's Criterion totals into per-iteration values, once", async (ctx) => {
    need(ctx);
    const db = path.join(root, "normalize");
    await seedPublish(db);
    await cli(["migrate", "--db", db, "--apply"]);
    const plan = (await cli(["migrate", "--db", db, "--normalize-criterion"])).stdout;
    expect(plan).toContain(
      "turn the Python lance-bench's Criterion rows into per-iteration values, recomputing their summary (6 rows)",
    );
    expect((await cli(["migrate", "--db", db, "--apply", "--normalize-criterion"])).stdout).toContain(
      "6 rows rewritten",
    );
    const rows = (await cli(["export", "--db", db])).stdout
      .trim()
      .split("\n")
      .map(
        (line) =>
          JSON.parse(line) as {
            values: number[];
            summary: { median: number };
            metadata: string;
            source_format: string;
          },
      );
    expect(rows).toHaveLength(10);
    for (const row of rows.filter((r) => r.source_format === "criterion-json")) {
      const record = JSON.parse(row.metadata) as { measured_values: number[]; iteration_count: number[] };
      expect(row.values).toEqual(record.measured_values.map((v, i) => v / record.iteration_count[i]!));
      expect(row.summary.median).toBeGreaterThanOrEqual(Math.min(...row.values));
      expect(row.summary.median).toBeLessThanOrEqual(Math.max(...row.values));
      expect(row.metadata).toContain("lance_bench_normalized");
    }
    expect((await cli(["migrate", "--db", db, "--apply", "--normalize-criterion"])).stdout).toContain(
      "already migrated, nothing to do",
    );
    expect(await seedCount(db)).toBe(10);
  }, 180_000);

  it("refuses a table it does not recognise, and changes nothing", async (ctx) => {
    need(ctx);
    const db = path.join(root, "foreign");
    await seedPublish(db);
    const add = spawnSync(
      SEED_PYTHON,
      [
        "-c",
        `import lancedb; t = lancedb.connect(${JSON.stringify(db)}).open_table("results"); t.add_columns({"mine": "'x'"}); import os; os._exit(0)`,
      ],
      { encoding: "utf8" },
    );
    expect(add.status).toBe(0);
    const before = (await doctor(db)).version;
    const refused = await runCliAsync(["migrate", "--db", db, "--apply"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      "columns neither the Python lance-bench nor this suite writes: mine); nothing was changed",
    );
    expect((await doctor(db)).version).toBe(before);
  }, 180_000);

  // Chunks of 1,000 rows: the rewrite takes 12 commits, and a kill can land between any two.
  it("a migration killed halfway leaves a table both tools read; the next run finishes it, every row once", async (ctx) => {
    need(ctx);
    const db = path.join(root, "killed");
    const env = { LANCE_BENCH_MIGRATION_CHUNK: "1000" };
    await seedPublishFile("pytest", db, "0.1.0", 1_700_000_000, {}, ["--commits", "3000"]);
    const rows = await seedCount(db);
    expect(rows).toBe(12_000);
    // kill it once the overwrite and two more chunks are committed: the table then holds part of its rows
    const manifests = () =>
      readdirSync(path.join(db, "results.lance/_versions")).filter((f) => f.endsWith(".manifest"));
    const started = manifests().length;
    const child = spawn(process.execPath, [CLI, "migrate", "--db", db, "--apply"], {
      env: { ...cleanEnv(), ...env },
      stdio: "ignore",
    });
    const exited = new Promise((r) => child.once("exit", r));
    while (manifests().length < started + 3 && child.exitCode === null) await new Promise((r) => setTimeout(r, 20));
    child.kill("SIGKILL");
    await exited;
    const partial = await seedCount(db);
    expect((await doctor(db)).rows).toBe(partial);
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(rows);
    expect((await cli(["migrate", "--db", db], env)).stdout).toContain("finish the migration from version 1");
    const finish = (await cli(["migrate", "--db", db, "--apply"], env)).stdout;
    const done = await doctor(db);
    expect(done).toMatchObject({ format: "2.1", rows, seed: { readable: true } });
    expect(done.check.missing).toEqual([]);
    expect(await seedCount(db)).toBe(rows);
    const ids = (await cli(["export", "--db", db])).stdout
      .trim()
      .split("\n")
      .map((line) => (JSON.parse(line) as { id: string }).id);
    expect(new Set(ids).size).toBe(rows);
    expect((await cli(["migrate", "--db", db, "--apply"], env)).stdout).toContain("already migrated, nothing to do");
    expect(finish).toContain(`migrated ${rows} rows`);
  }, 300_000);
});

describe("the Python lance-bench's table on S3, migrated", () => {
  let s3: S3Server | undefined;
  beforeAll(async () => {
    if (!existsSync(SEED_PYTHON)) return;
    s3 = await startS3Server();
    await s3.createBucket("seed");
  }, 60_000);
  afterAll(async () => s3?.stop());

  it("seed writes → migrate → both tools read and write every row (S3 server)", async (ctx) => {
    requireOrSkip(ctx, SEED_STACK);
    await roundTrip("s3://seed/results-db", s3!.env);
  }, 300_000);
});
