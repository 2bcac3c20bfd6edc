import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, type TestContext } from "vitest";
import {
  CLI,
  cleanEnv,
  explicitDut,
  requireOrSkip,
  ROOT,
  runCliProcess,
  sample,
  tempDir,
  type OptionalTool,
} from "../helpers.js";
import { startS3Server, type S3Server } from "../s3-server.js";

/**
 * Taking over a table the seed's Python tools wrote, on their real locked stack (lancedb 0.25.3,
 * pylance 0.39, pyarrow 21, Python 3.12; test/seed/seed_tool.py re-implements its publisher and
 * readers): migrate, then both tools read and write the same table.
 */
const SEED_PYTHON = path.join(ROOT, ".venv-seed/bin/python");
const SEED_TOOL = path.join(ROOT, "test/seed/seed_tool.py");
const SEED_STACK: OptionalTool = {
  name: "the seed's Python stack",
  probe: [SEED_PYTHON, "-c", "import lancedb, lance; assert lancedb.__version__ == '0.25.3'"],
  install: "bash scripts/setup-seed-python.sh",
  requiredBy: "LANCE_BENCH_REQUIRE_SEED_STACK",
};

const SHA7 = "abc1234";
const SEED_SHA = `${SHA7}${"0".repeat(33)}`;

function seed(args: string[], env: NodeJS.ProcessEnv = {}): Record<string, unknown> {
  const result = spawnSync(SEED_PYTHON, [SEED_TOOL, ...args], {
    env: { ...cleanEnv(), RUST_LOG: "error", ...env },
    encoding: "utf8",
    timeout: 120_000,
  });
  if (result.status !== 0) throw new Error(`seed_tool ${args.join(" ")}: ${result.stderr.slice(-2000)}`);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

const seedPublish = (db: string, env: NodeJS.ProcessEnv = {}) => {
  seed(
    [
      "publish-criterion",
      sample("cargo-criterion.jsonl"),
      "--db",
      db,
      "--version",
      `0.1.0+${SHA7}`,
      "--timestamp",
      "1700000000",
    ],
    env,
  );
  seed(
    [
      "publish-pytest",
      sample("pytest-benchmark-5.json"),
      "--db",
      db,
      "--version",
      "0.1.0+def5678",
      "--timestamp",
      "1700000100",
    ],
    env,
  );
};
const seedCount = (db: string, env: NodeJS.ProcessEnv = {}) => seed(["read", "--db", db], env).count as number;

function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const run = runCliProcess(args, env);
  if (run.code !== 0 && !(args[0] === "has-results" && run.code === 1)) {
    throw new Error(`lance-bench ${args.join(" ")} exited ${run.code}: ${run.stderr}`);
  }
  return run;
}
const doctor = (db: string, env: NodeJS.ProcessEnv = {}) =>
  JSON.parse(cli(["doctor", "--db", db, "--json"], env).stdout) as {
    version: number;
    format: string;
    rows: number;
    check: { missing: string[] };
    seed: { readable: boolean };
  };
const ourPublish = (db: string, sha: string, env: NodeJS.ProcessEnv = {}) =>
  // explicitDut less its own --sha
  cli(["publish", sample("pytest-benchmark-4.json"), "--db", db, "--sha", sha, ...explicitDut.slice(2)], env);

/** Seed creates and publishes → migrate → this suite publishes → both read every row. */
function roundTrip(db: string, env: NodeJS.ProcessEnv = {}) {
  seedPublish(db, env);
  const before = doctor(db, env);
  expect(before).toMatchObject({ format: "2.0", rows: 10, seed: { readable: true } });
  expect(before.check.missing).toContain("sha");

  // a dry run changes nothing
  expect(cli(["migrate", "--db", db], env).stdout).toContain("would (dry run; --apply to write)");
  expect(doctor(db, env).version).toBe(before.version);

  // publishing into the unmigrated table is refused, naming the way out
  const refused = runCliProcess(
    ["publish", sample("pytest-benchmark-4.json"), "--db", db, "--sha", "e".repeat(40), ...explicitDut.slice(2)],
    env,
  );
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain("lance-bench migrate --db");

  const migrated = cli(["migrate", "--db", db, "--apply"], env).stdout;
  expect(migrated).toContain("migrated 10 rows");
  expect(migrated).toContain("6 criterion-json, 4 pytest-benchmark");
  const after = doctor(db, env);
  expect(after).toMatchObject({ format: "2.1", rows: 10, seed: { readable: true } });
  expect(after.check.missing).toEqual([]);
  // idempotent
  expect(cli(["migrate", "--db", db, "--apply"], env).stdout).toContain("already migrated, nothing to do");
  expect(doctor(db, env).version).toBe(after.version);

  ourPublish(db, "e".repeat(40), env);
  // the seed's publisher still appends (its ten columns only), and its readers see every row
  seed(
    [
      "publish-criterion",
      sample("cargo-criterion.jsonl"),
      "--db",
      db,
      "--version",
      "0.1.0+1234567",
      "--timestamp",
      "1700000200",
    ],
    env,
  );
  const rows = doctor(db, env).rows;
  expect(rows).toBeGreaterThan(16);
  expect(seedCount(db, env)).toBe(rows);
  // and every lance-bench reader copes with the seed's rows, old and new
  expect(cli(["export", "--db", db], env).stdout.trim().split("\n")).toHaveLength(rows);
  expect(cli(["has-results", "--db", db, "--sha", SEED_SHA], env).stdout).toBe(
    "yes (rows of the seed's tools, by the 7-character sha in dut.version)\n",
  );
  expect(cli(["has-results", "--db", db, "--sha", `1234567${"0".repeat(33)}`], env).code).toBe(0);
  expect(cli(["has-results", "--db", db, "--sha", "e".repeat(40)], env).stdout).toBe("yes\n");
  expect(cli(["has-results", "--db", db, "--sha", "9".repeat(40)], env).code).toBe(1);
  cli(["compare", "--base", `sha:${"e".repeat(40)}`, "--head", sample("pytest-benchmark-4.json"), "--db", db], env);
}

describe("the seed's table, migrated", () => {
  const root = tempDir("lance-bench-migrate-");
  const need = (ctx: TestContext) => requireOrSkip(ctx, SEED_STACK);

  it("seed writes → migrate → both tools read and write every row (local folder)", (ctx) => {
    need(ctx);
    roundTrip(path.join(root, "local"));
  }, 180_000);

  it("a table this suite creates is 2.1: the seed appends to it, and this suite reads every row", (ctx) => {
    need(ctx);
    const db = path.join(root, "ours");
    ourPublish(db, "f".repeat(40));
    expect(doctor(db)).toMatchObject({ format: "2.1", rows: 4, seed: { readable: true } });
    seedPublish(db);
    expect(seedCount(db)).toBe(14);
    expect(doctor(db).rows).toBe(14);
    expect(cli(["export", "--db", db]).stdout.trim().split("\n")).toHaveLength(14);
    expect(cli(["has-results", "--db", db, "--sha", SEED_SHA]).code).toBe(0);
    expect(cli(["migrate", "--db", db]).stdout).toContain("already migrated, nothing to do");
  }, 180_000);

  it("refuses a table it does not recognise, and changes nothing", (ctx) => {
    need(ctx);
    const db = path.join(root, "foreign");
    seedPublish(db);
    const add = spawnSync(
      SEED_PYTHON,
      [
        "-c",
        `import lancedb; t = lancedb.connect(${JSON.stringify(db)}).open_table("results"); t.add_columns({"mine": "'x'"}); import os; os._exit(0)`,
      ],
      { encoding: "utf8" },
    );
    expect(add.status).toBe(0);
    const before = doctor(db).version;
    const refused = runCliProcess(["migrate", "--db", db, "--apply"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("columns neither the seed nor lance-bench writes: mine); nothing was changed");
    expect(doctor(db).version).toBe(before);
  }, 180_000);

  it("a migration killed at any moment leaves a table both tools read whole; the next one finishes it", async (ctx) => {
    need(ctx);
    const db = path.join(root, "killed");
    // enough rows that the rewrite takes a while to interrupt
    seed([
      "publish-pytest",
      sample("pytest-benchmark-5.json"),
      "--db",
      db,
      "--version",
      "0.1.0",
      "--timestamp",
      "1700000000",
      "--commits",
      "3000",
    ]);
    const rows = seedCount(db);
    const killed: string[] = [];
    for (const afterMs of [150, 400, 700, 1000, 1500]) {
      const child = spawn(process.execPath, [CLI, "migrate", "--db", db, "--apply"], {
        env: cleanEnv(),
        stdio: "ignore",
      });
      await new Promise((r) => setTimeout(r, afterMs));
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGKILL");
      await exited;
      killed.push(`${afterMs} ms: ${doctor(db).format}`);
      expect(seedCount(db), `killed after ${afterMs} ms`).toBe(rows);
      expect(doctor(db).rows).toBe(rows);
    }
    cli(["migrate", "--db", db, "--apply"]);
    const done = doctor(db);
    expect(done).toMatchObject({ format: "2.1", rows, seed: { readable: true } });
    expect(done.check.missing).toEqual([]);
    expect(seedCount(db)).toBe(rows);
    expect(killed).toHaveLength(5);
  }, 300_000);
});

describe("the seed's table on S3, migrated", () => {
  let s3: S3Server | undefined;
  beforeAll(async () => {
    if (!existsSync(SEED_PYTHON)) return;
    s3 = await startS3Server();
    await s3.createBucket("seed");
  }, 60_000);
  afterAll(async () => s3?.stop());

  it("seed writes → migrate → both tools read and write every row (S3 server)", (ctx) => {
    requireOrSkip(ctx, SEED_STACK);
    roundTrip("s3://seed/results-db", s3!.env);
  }, 300_000);
});
