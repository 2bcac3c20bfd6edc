import path from "node:path";
import { describe, expect, it, type TestContext } from "vitest";
import {
  failedRunsError,
  parseRunCommandOptions,
  runCommand,
  type RunCommandSummary,
} from "../../src/commands/run-command.js";
import type { Result } from "../../src/model/index.js";
import {
  cleanEnv,
  gitRepoFrom,
  requireOrSkip,
  ROOT,
  tempDir,
  toolMissing,
  VENV_PYTHON,
  type OptionalTool,
  resultsFileRows,
} from "../support/helpers.js";

/**
 * `run-command --format stage-model` on fixtures/stage-pipeline, for real: an intermine314-style
 * pipeline whose stages generate rows, write Parquet with pyarrow, and scan, aggregate
 * and join it with DuckDB and with Polars; its mode that cannot run here (exit 2), and a Polars
 * side that really drops a row (parity fails).
 */
const ENGINES: OptionalTool = {
  name: "duckdb, polars and pyarrow in the repository's .venv",
  probe: [
    VENV_PYTHON,
    "-c",
    "import sys\ntry: import duckdb, numpy, polars, pyarrow\nexcept ImportError as e: sys.exit(f'{type(e).__name__}: {e}')",
  ],
  install: "bash scripts/setup-python.sh",
  requiredBy: "CI",
};

/** Skips without the engines, except in CI (.ci/run installs them): there a missing one fails. */
function needEngines(ctx: TestContext): void {
  const missing = toolMissing(ENGINES);
  const ci = process.env.CI;
  if (missing !== undefined && ci !== undefined && ci !== "" && ci !== "0" && ci !== "false") {
    throw new Error(`${ENGINES.name}: required in CI (CI=${ci}) but ${missing}; install them: ${ENGINES.install}`);
  }
  requireOrSkip(ctx, ENGINES);
}

const ROWS = 300_000;
const STAGES = ["generate", "parquet_write", "duckdb_scan", "polars_scan", "duckdb_join", "polars_join"];
/** The benchmark of the suite's own measurements (process tree, stage signals). */
const OWN = "stage-pipeline";
/** The stage model's scenario_name: the benchmark of its stage metrics. */
const SCENARIO = "duckdb_vs_polars";

const project = gitRepoFrom(path.join(ROOT, "fixtures/stage-pipeline"), path.join(tempDir(), "stage-pipeline"));
const env = { ...cleanEnv(), PATH: process.env.PATH };

function run(extra: string, options: Record<string, unknown> = {}) {
  return runCommand(
    parseRunCommandOptions({
      repo: project,
      publish: false,
      cacheDir: tempDir(),
      outputDir: tempDir("lance-bench-stage-pipeline-"),
      workdir: ".",
      benchmarkCommand: `{python} stages.py --rows {rows}${extra}`,
      param: [`python=${VENV_PYTHON}`, `rows=${ROWS}`],
      format: "stage-model",
      benchmarkName: OWN,
      ...options,
    }),
    { env },
  );
}

/** The stored records of a run, as its results file holds them (the rows a publish writes). */
const storedRows = (summary: RunCommandSummary): Result[] => resultsFileRows(summary.resultsFile!);

function row(rows: Result[], benchmark: string, metric: string, repetition: number): Result {
  const found = rows.filter(
    (r) => r.benchmark_name === benchmark && r.metric === metric && JSON.parse(r.metadata).repetition === repetition,
  );
  expect(found, `${benchmark} ${metric} (run ${repetition})`).toHaveLength(1);
  return found[0]!;
}

describe("run-command on an intermine314-style stage pipeline (DuckDB and Polars)", { timeout: 300_000 }, () => {
  it("stores every stage's model metrics and its stderr signal, consistent with each other and the process", async (ctx) => {
    needEngines(ctx);
    const summary = await run("", { repetitions: 2 });
    expect(summary.runs.map((r) => r.status)).toEqual(["ok", "ok"]);
    expect(failedRunsError(summary)).toBeUndefined();
    const rows = storedRows(summary);
    // per run: 3 process metrics + 6 signals + 27 model fields (5 + 6 + 4 × 4)
    expect(rows).toHaveLength(2 * 36);
    for (const repetition of [1, 2]) {
      const value = (benchmark: string, metric: string, units: string, direction = "lower_is_better") => {
        const r = row(rows, benchmark, metric, repetition);
        expect(r, metric).toMatchObject({ units, direction, status: "ok" });
        expect(r.values, metric).toHaveLength(1);
        return r.values[0]!;
      };
      let elapsedSum = 0;
      let cpuSum = 0;
      for (const stage of STAGES) {
        const field = (name: string, units: string, direction?: string) =>
          value(SCENARIO, `stage/${stage}/${name}`, units, direction);
        const elapsed = field("elapsed_seconds", "seconds");
        const cpu = field("cpu_seconds", "seconds");
        const signal = value(OWN, `stage/${stage}`, "seconds");
        expect(elapsed, stage).toBeGreaterThan(0);
        expect(cpu, stage).toBeGreaterThan(0);
        expect(signal, stage).toBeGreaterThan(0);
        // the signal (3 decimals) spans the stage's timed block and its bookkeeping
        expect(signal, stage).toBeGreaterThanOrEqual(elapsed - 0.0005);
        expect(signal, stage).toBeLessThan(elapsed + 0.25);
        expect(field("rows_fetched", "rows", "higher_is_better"), stage).toBe(ROWS);
        expect(field("peak_rss_bytes", "bytes"), stage).toBeGreaterThan(16 * 1024 * 1024);
        elapsedSum += elapsed;
        cpuSum += cpu;
      }
      const generated = value(SCENARIO, "stage/generate/bytes_out", "bytes");
      // id, amount (8 bytes), key (4), flag (a bit)
      expect(generated).toBeGreaterThanOrEqual(ROWS * 20);
      const parquet = value(SCENARIO, "stage/parquet_write/parquet_bytes", "bytes");
      expect(parquet).toBeGreaterThan(0);
      expect(parquet).toBeLessThan(generated); // zstd
      expect(value(SCENARIO, "stage/parquet_write/bytes_out", "bytes")).toBeGreaterThan(parquet); // + the join table
      // both engines' aggregates are kept as text beside their metrics, and agree
      const hash = (stage: string) =>
        JSON.parse(row(rows, SCENARIO, `stage/${stage}/rows_fetched`, repetition).metadata).stage_text.result_hash;
      expect(hash("duckdb_scan")).toMatch(/^[0-9a-f]{64}$/);
      expect(hash("polars_scan")).toBe(hash("duckdb_scan"));
      expect(hash("polars_join")).toBe(hash("duckdb_join"));
      // the process tree holds every stage: its wall and CPU time, and memory past the first stage's
      expect(value(OWN, "wall_time", "seconds")).toBeGreaterThan(elapsedSum);
      expect(value(OWN, "cpu_time", "seconds")).toBeGreaterThan(cpuSum - 0.05); // /proc counts 10 ms ticks
      const peak = value(OWN, "peak_rss", "bytes");
      expect(peak).toBeGreaterThan(0);
      expect(peak).toBeGreaterThanOrEqual(value(SCENARIO, "stage/generate/peak_rss_bytes", "bytes"));
    }
  });

  it("--mode remote exits 2: stored as skipped with the program's reason, not a failure", async (ctx) => {
    needEngines(ctx);
    const summary = await run(" --mode remote");
    expect(summary.runs).toHaveLength(1);
    const [runOf] = summary.runs;
    expect(runOf).toMatchObject({ status: "skipped", exitCode: 2 });
    expect(runOf!.reason).toMatch(
      /^exit code 2: preflight: mode=remote host=127\.0\.0\.1:9 reason=(connect_failed|no_remote_service) elapsed_s=/,
    );
    expect(failedRunsError(summary)).toBeUndefined();
    const rows = storedRows(summary);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "skipped", status_reason: runOf!.reason, benchmark_name: OWN, values: [] });
  });

  it("a Polars side that drops a row fails the run, naming the invariant that disagrees", async (ctx) => {
    needEngines(ctx);
    const summary = await run(" --corrupt-polars");
    const [runOf] = summary.runs;
    expect(runOf).toMatchObject({ status: "failed", exitCode: 0 });
    expect(runOf!.reason).toBe(`invariant row_count disagrees: source=${ROWS}, duckdb=${ROWS}, polars=${ROWS - 1}`);
    const rows = storedRows(summary);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "failed", status_reason: runOf!.reason, values: [] });
    expect(failedRunsError(summary)?.message).toMatch(
      /1 of 1 runs of stage-pipeline failed .*: run 1: invariant row_count disagrees/,
    );
  });
});
