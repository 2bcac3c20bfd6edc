import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run as runCommandAction } from "../../src/actions/run-command.js";
import { gitRepoFrom, REDIS, requireOrSkip, ROOT, tempDir, toolMissing } from "../support/helpers.js";
import { startRedis, type RedisServer } from "../support/redis-server.js";

// Its own file: the action sets the LanceDB runtime, which must come before anything loads LanceDB.
const project = gitRepoFrom(path.join(ROOT, "fixtures/command-bench"), path.join(tempDir(), "command-bench"));

// @actions/core's summary keeps the first GITHUB_STEP_SUMMARY it sees: one file for every run here
const summaryFile = path.join(tempDir("lance-bench-run-command-action-summary-"), "summary.md");

/** Runs the action in process with these inputs; its exit code, job summary and outputs. */
async function act(dir: string, inputs: Record<string, string>) {
  const outputFile = path.join(dir, "output.txt");
  writeFileSync(summaryFile, "");
  writeFileSync(outputFile, "");
  const saved = { ...process.env };
  try {
    for (const key of Object.keys(process.env)) if (key.startsWith("INPUT_")) delete process.env[key];
    Object.assign(process.env, {
      GITHUB_STEP_SUMMARY: summaryFile,
      GITHUB_OUTPUT: outputFile,
      LANCE_BENCH_RUNTIME_DIR: ROOT,
      LANCE_BENCH_CACHE_DIR: path.join(dir, "cache"),
      ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
    });
    process.exitCode = undefined;
    await runCommandAction();
    const code = process.exitCode;
    process.exitCode = undefined;
    return { code, summary: readFileSync(summaryFile, "utf8"), outputs: readFileSync(outputFile, "utf8") };
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}

describe("the run-command action", () => {
  it("writes the runs and metrics to the job summary, sets its outputs, and fails the step on a failed run only", async () => {
    const dir = tempDir("lance-bench-run-command-action-");
    const common = { repo: project, mode: "pr", "output-dir": path.join(dir, "out") };
    const ok = await act(dir, {
      ...common,
      "benchmark-command": "python3 {script} 16",
      param: "script=tree.py",
      format: "metrics-json",
      repetitions: "2",
    });
    expect(ok.code).toBeUndefined();
    expect(ok.summary).toContain("<h3>lance-bench run-command</h3>");
    expect(ok.summary).toContain("| run | status | wall | cpu | peak rss | reason |");
    expect(ok.summary).toMatch(/\| python3 \| stage\/load \| [\d.]+ \| seconds \| lower \| 2 \|/);
    expect(ok.outputs).toMatch(/^skipped<<.*\n0\n/m);
    const skipped = await act(dir, { ...common, "benchmark-command": "./skip_exit.sh" });
    expect(skipped.code).toBeUndefined();
    expect(skipped.summary).toMatch(/\| 1 \| skipped \| .* \| exit code 2: preflight: mode=tor/);
    const failed = await act(dir, { ...common, "benchmark-command": "./garbage.sh", format: "redis-benchmark-csv" });
    expect(failed.code).toBe(1);
    expect(failed.summary).toMatch(/FAILED run 1: run 1 of garbage.sh, redis-benchmark-csv output: line 2/);
    expect(failed.outputs).toMatch(/^failed<<.*\n1\n/m);
  }, 120_000);

  describe("a search against a real redis-server", () => {
    let redis: RedisServer | undefined;
    beforeAll(async () => {
      if (toolMissing(REDIS) === undefined) redis = await startRedis();
    }, 30_000);
    afterAll(async () => redis?.stop());

    it("puts the probes, the optimum with its command and the QPS–latency chart in the job summary", async (ctx) => {
      requireOrSkip(ctx, REDIS);
      const dir = tempDir("lance-bench-run-command-action-search-");
      const out = path.join(dir, "out");
      const result = await act(dir, {
        repo: project,
        mode: "pr",
        "output-dir": out,
        "benchmark-command": "redis-benchmark -h 127.0.0.1 -p {port} -t get -n 3000 -c {clients} --csv",
        param: `port=${redis!.port}`,
        format: "redis-benchmark-csv",
        grid: "clients=1,4,16",
        filter: "latency_p99 <= 1000",
        objective: "max:qps",
      });
      expect(result.code).toBeUndefined();
      expect(result.summary).toContain(
        "**grid search, constraints: latency_p99 <= 1000, maximize qps — 3 probes, 3 runs**",
      );
      // a search's runs are different configurations: no medians across them, the probe table instead
      expect(result.summary).not.toContain("| benchmark | metric | median |");
      expect(result.summary).toMatch(/\| # \| clients \| qps \| latency_p99 \|/);
      expect(result.summary).toMatch(/Optimum: probe #\d \(clients=(1|4|16)\)/);
      expect(result.summary).toMatch(/redis-benchmark -h 127\.0\.0\.1 -p \d+ -t get -n 3000 -c (1|4|16) --csv/);
      // the curve: three probes, GitHub draws the Mermaid block; the SVG is in the results folder
      expect(result.summary).toMatch(
        /```mermaid\nxychart-beta\n {2}title "redis-benchmark: grid search"\n {2}x-axis "qps" \["[\d,.]+", "[\d,.]+", "[\d,.]+"\]\n {2}y-axis "latency_p99"\n {2}line \[[\d.]+, [\d.]+, [\d.]+\]\n```/,
      );
      expect(result.summary).toContain("`search-chart.svg` in the results folder");
      expect(existsSync(path.join(out, "search-chart.svg"))).toBe(true);
      const svg = readFileSync(path.join(out, "search-chart.svg"), "utf8");
      expect(svg).toMatch(/^<svg[^>]*>[\s\S]*<\/svg>$/);
      for (const label of [">qps<", ">latency_p99<", ">clients=1<", ">clients=4<", ">clients=16<", ">optimum<"]) {
        expect(svg).toContain(label);
      }
    }, 120_000);
  });
});
