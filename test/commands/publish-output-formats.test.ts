import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { explicitDut, runCliAsync, sample, tempDir } from "../support/helpers.js";

/** publish reads a benchmark command's saved output when told its format (never guessed). */
describe("publish --format for benchmark command outputs", () => {
  const exported = async (db: string) => {
    const run = await runCliAsync(["export", "--db", db]);
    expect(run.code, run.stderr).toBe(0);
    return run.stdout
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  };

  it("stores each output's metrics with units, directions and the format it came in", async () => {
    const dir = tempDir();
    const db = path.join(dir, "db");
    const metrics = path.join(dir, "ingest.json");
    writeFileSync(
      metrics,
      JSON.stringify({
        metrics: [{ name: "rows_per_sec", value: 1234.5, unit: "rows/s", direction: "higher_is_better" }],
      }),
    );
    const publish = (file: string, format: string) =>
      runCliAsync(["publish", file, "--format", format, "--db", db, ...explicitDut]);
    for (const [file, format] of [
      [sample("run-command/redis-benchmark.csv"), "redis-benchmark-csv"],
      [sample("run-command/valkey-search.json"), "valkey-search-json"],
      [sample("run-command/stage-model.json"), "stage-model"],
      [metrics, "metrics-json"],
    ] as const) {
      const run = await publish(file, format);
      expect(run.code, run.stderr).toBe(0);
    }
    const rows = await exported(db);
    const one = (benchmark: string, metric: string) => {
      const found = rows.filter((r) => r.benchmark_name === benchmark && r.metric === metric);
      expect(found, `${benchmark} ${metric}`).toHaveLength(1);
      return found[0]!;
    };
    expect(one("GET", "qps")).toMatchObject({
      units: "requests/s",
      direction: "higher_is_better",
      source_format: "redis-benchmark-csv",
      values: [36363.64],
    });
    expect(one("GET", "latency_p99")).toMatchObject({ units: "milliseconds", direction: "lower_is_better" });
    expect(one("vec-query", "recall_avg")).toMatchObject({ values: [0.962], source_format: "valkey-search-json" });
    // the stage model names its scenario; metrics JSON without a benchmark takes the file's name
    expect(rows.some((r) => r.source_format === "stage-model")).toBe(true);
    expect(one("ingest", "rows_per_sec")).toMatchObject({ values: [1234.5], units: "rows/s" });
    // publishing the same file again writes nothing new
    const again = await publish(sample("run-command/redis-benchmark.csv"), "redis-benchmark-csv");
    expect(again.code, again.stderr).toBe(0);
    expect(await exported(db)).toHaveLength(rows.length);
  }, 60_000);

  it("never guesses these formats: auto names the option", async () => {
    const run = await runCliAsync([
      "publish",
      sample("run-command/redis-benchmark.csv"),
      "--db",
      path.join(tempDir(), "db"),
      ...explicitDut,
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/redis-benchmark\.csv: unknown format: .*\(the format option forces one\)/);
  });
});
