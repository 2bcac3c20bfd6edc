import { readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  failedRunsError,
  parseRunCommandOptions,
  runCommand,
  type RunCommandSummary,
} from "../../src/commands/run-command.js";
import { ConfigurationError, type Result } from "../../src/model/index.js";
import { searchText } from "../../src/report/search-report.js";
import {
  cleanEnv,
  gitRepoFrom,
  REDIS,
  requireOrSkip,
  ROOT,
  runCliAsync,
  tempDir,
  toolMissing,
  resultsFileRows,
} from "../support/helpers.js";
import { startRedis, type RedisServer } from "../support/redis-server.js";

const project = gitRepoFrom(path.join(ROOT, "fixtures/command-bench"), path.join(tempDir(), "command-bench-search"));
const env = { ...cleanEnv(), PATH: process.env.PATH };

const rowsIn = resultsFileRows;

const searchOf = (row: Result) =>
  (JSON.parse(row.metadata) as { search?: { kind: string; probe: number; role: string } }).search;

function run(options: Record<string, unknown>): Promise<RunCommandSummary> {
  return runCommand(
    parseRunCommandOptions({
      repo: project,
      publish: false,
      cacheDir: tempDir(),
      outputDir: tempDir("lance-bench-search-"),
      ...options,
    }),
    { env },
  );
}

describe("run-command searches against a real redis-server", () => {
  let redis: RedisServer | undefined;
  beforeAll(async () => {
    if (toolMissing(REDIS) === undefined) redis = await startRedis();
  }, 30_000);
  afterAll(async () => redis?.stop());

  const template = "redis-benchmark -h 127.0.0.1 -p {port} -t get -n 5000 -c {clients} --csv";

  it("binary search over clients: the max qps whose p99 meets the bound, every probe stored", async (ctx) => {
    requireOrSkip(ctx, REDIS);
    const bound = 1;
    const summary = await run({
      benchmarkCommand: template,
      param: [`port=${redis!.port}`],
      format: "redis-benchmark-csv",
      search: "clients=1..64",
      constraint: `latency_p99 <= ${bound}`,
      objective: "max:qps",
    });
    const search = summary.search!;
    expect(search.kind).toBe("binary");
    // log2(64) + 3 holds when judgments are monotone (test/search/binary.test.ts proves it, npm
    // run bench measures it under noise); a loaded machine's p99 can reverse a judgment near the
    // bound, and the search then bisects again between the new ends: allowed twice as many here
    expect(search.probes.length).toBeLessThanOrEqual(2 * (Math.log2(64) + 3));
    // each run of the command is one run of the search: bisection plus the boundary's re-runs
    expect(summary.runs).toHaveLength(search.runCount);
    expect(search.runCount).toBeLessThanOrEqual(search.probes.length * 3);
    expect(search.outcome.kind).toBe("optimum");
    if (search.outcome.kind !== "optimum") return;
    const optimum = search.outcome.optimum;
    expect(optimum.metrics.latency_p99).toBeLessThanOrEqual(bound);
    expect(optimum.command!.argv).toContain(String(optimum.params.clients));
    expect(optimum.command!.line).toContain(`-c ${optimum.params.clients}`);
    for (const probe of search.probes) {
      if (probe.optimum) expect(probe.metrics.latency_p99).toBeLessThanOrEqual(bound);
      // more clients than a probe whose p99 broke the bound is never the optimum
      if (probe.status === "ok" && probe.metrics.latency_p99! > bound && probe.runs.length === 1) {
        expect(Number(optimum.params.clients)).toBeLessThan(Number(probe.params.clients));
      }
    }
    expect(failedRunsError(summary)).toBeUndefined();

    const rows = rowsIn(summary.resultsFile!);
    const qps = rows.filter((r) => r.benchmark_name === "GET" && r.metric === "qps");
    expect(qps).toHaveLength(summary.runs.filter((r) => r.status === "ok").length);
    for (const row of qps) {
      const params = JSON.parse(row.params!) as Record<string, number>;
      expect(params.port).toBe(redis!.port);
      const marked = searchOf(row)!;
      expect(marked.kind).toBe("binary");
      expect(search.probes[marked.probe - 1]!.params.clients).toBe(params.clients);
      expect(marked.role).toBe(marked.probe - 1 === optimum.index ? "optimum" : "probe");
    }
    // the optimum's own stored p99 rows meet the bound (its median does; each run near the boundary may not)
    const optimumP99 = rows.filter(
      (r) => r.metric === "latency_p99" && r.benchmark_name === "GET" && searchOf(r)?.role === "optimum",
    );
    expect(optimumP99.length).toBeGreaterThan(0);
    if (optimumP99.length === 1) expect(optimumP99[0]!.values[0]).toBeLessThanOrEqual(bound);
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);

    const report = searchText(search);
    expect(report).toContain(`Command: ${optimum.command!.line}`);
  }, 90_000);

  it("a grid nobody meets: no configuration met, the closest probe, exit non-zero, probes stored", async (ctx) => {
    requireOrSkip(ctx, REDIS);
    const outputDir = tempDir("lance-bench-grid-");
    const cli = await runCliAsync(
      [
        "run-command",
        "--repo",
        project,
        "--cache-dir",
        tempDir(),
        "--output-dir",
        outputDir,
        "--no-publish",
        "--command",
        template,
        "--param",
        `port=${redis!.port}`,
        "--format",
        "redis-benchmark-csv",
        "--grid",
        "clients=1,4",
        "--filter",
        "qps > 1e12",
        "--objective",
        "max:qps",
      ],
      env,
    );
    expect(cli.code, cli.stderr).not.toBe(0);
    expect(cli.stderr).toMatch(/no configuration met qps > 1e12/);
    expect(cli.stderr).toMatch(/closest: probe #\d \(clients=[14]\)/);
    expect(cli.stdout).toMatch(/Closest: /);
    const files = readdirSync(outputDir).filter((f) => f.endsWith(".jsonl"));
    expect(files).toHaveLength(1);
    const rows = rowsIn(path.join(outputDir, files[0]!));
    const qps = rows.filter((r) => r.benchmark_name === "GET" && r.metric === "qps");
    expect(qps.map((r) => (JSON.parse(r.params!) as { clients: number }).clients).sort()).toEqual([1, 4]);
    expect(qps.map((r) => searchOf(r)!.role).sort()).toEqual(["closest", "probe"]);
    expect(qps.every((r) => searchOf(r)!.kind === "grid")).toBe(true);
  }, 90_000);

  it("names the option of a bad search", () => {
    const parse = (extra: Record<string, unknown>) => () =>
      parseRunCommandOptions({ repo: project, benchmarkCommand: template, ...extra });
    expect(parse({ grid: ["clients=1,2"], search: "clients=1..4", objective: "max:qps" })).toThrow(/search/);
    expect(parse({ search: "clients=9..4", constraint: "qps > 1" })).toThrow(/name=LO\.\.HI/);
    expect(parse({ search: "clients=1..4" })).toThrow(/constraint/);
    expect(parse({ grid: ["clients=1,2"] })).toThrow(/objective/);
    expect(parse({ objective: "best:qps", grid: ["clients=1"] })).toThrow(ConfigurationError);
    expect(parse({ filter: "qps > 1" })).toThrow(/filter/);
    expect(parse({ feasible: "above" })).toThrow(/feasible.*--search/);
    expect(parse({ feasible: "sideways", search: "clients=1..4", constraint: "qps > 1" })).toThrow(/feasible/);
    expect(parse({ probeTimeoutSeconds: 5 })).toThrow(/probeTimeoutSeconds|probe-timeout/);
    expect(parse({ profileProcess: "redis-server" })).toThrow(/profile-stage/);
    expect(parse({ profileStage: "load; rm -rf /" })).toThrow(/stage name/);
  });
});

describe("a search's probe timeout", () => {
  it("kills a probe that runs past it, records it failed, and goes on to the optimum", async () => {
    const summary = await run({
      benchmarkCommand: "sleep {seconds}",
      grid: ["seconds=0.2,60"],
      objective: "min:wall_time",
      probeTimeoutSeconds: 2,
    });
    expect(summary.runs.map((r) => r.status)).toEqual(["ok", "failed"]);
    const killed = summary.runs[1]!;
    expect(killed.reason).toMatch(/^killed at its probe timeout \(probe-timeout-seconds 2\) after 2\.\d s/);
    expect(killed.wallSeconds).toBeLessThan(10);
    const outcome = summary.search!.outcome;
    expect(outcome.kind).toBe("optimum");
    if (outcome.kind === "optimum") expect(outcome.optimum.params).toEqual({ seconds: 0.2 });
    expect(failedRunsError(summary)).toBeUndefined();
    const failed = rowsIn(summary.resultsFile!).filter((r) => r.status === "failed");
    expect(failed).toHaveLength(1);
    expect(JSON.parse(failed[0]!.params!)).toEqual({ seconds: 60 });
  }, 60_000);
});
