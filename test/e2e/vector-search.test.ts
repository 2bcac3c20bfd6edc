import { cpSync, mkdtempSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, type TestContext } from "vitest";
import {
  failedRunsError,
  parseRunCommandOptions,
  runCommand,
  type RunCommandSummary,
} from "../../src/commands/run-command.js";
import type { Result } from "../../src/model/index.js";
import type { ProbeRecord, SearchResult } from "../../src/model/search.js";
import {
  cleanEnv,
  gitRepoFrom,
  requireOrSkip,
  ROOT,
  tempDir,
  toolMissing,
  toolRequired,
  VENV_PYTHON,
  type OptionalTool,
  resultsFileRows,
} from "../support/helpers.js";

/**
 * A real vector search tuned by run-command: fixtures/vector-search/vector_search.py builds a
 * clustered dataset with an IVF_PQ index with pylance (once, into a cache folder the test owns),
 * then times k=10 queries at the probe's nprobes and refine factor and reports recall@10 against
 * brute force in valkey-search-json. The searches look for the fastest configuration whose
 * recall_avg reaches 0.9, which needs more than one partition probed (the fixture's README has
 * the measured curve). Only relations are asserted: timings on a shared 2-core machine are noisy.
 */
const PYLANCE: OptionalTool = {
  name: "pylance in the project's venv",
  probe: [VENV_PYTHON, "-c", "import lance, numpy, pyarrow"],
  install: "bash scripts/setup-python.sh",
  requiredBy: "LANCE_BENCH_REQUIRE_PYLANCE",
};

/** .ci/run installs pylance (scripts/setup-python.sh): under CI a missing one fails, never skips. */
function requirePylance(ctx: TestContext): void {
  const missing = toolMissing(PYLANCE);
  if (missing !== undefined && process.env.CI && !toolRequired(PYLANCE)) {
    throw new Error(`${PYLANCE.name} is required under CI but ${missing}; install it: ${PYLANCE.install}`);
  }
  requireOrSkip(ctx, PYLANCE);
}

// The fixture sits in a folder of the repository, as a benchmark of a real project would.
const source = tempDir("lance-bench-vector-src-");
cpSync(path.join(ROOT, "fixtures/vector-search"), path.join(source, "vector-search"), {
  recursive: true,
  filter: (src) => !/\/__pycache__(\/|$)/.test(src),
});
const project = gitRepoFrom(source, path.join(tempDir(), "vector-search-repo"));
// One dataset and index for every probe of this file (built by the first probe, about 5 s).
const cache = tempDir("lance-bench-vector-cache-");
// Each run's checkout cache and results folder (tempDir registers its clean-up when called here,
// at collection, not inside a test).
const scratch = tempDir("lance-bench-vector-runs-");
const env = { ...cleanEnv(), PATH: process.env.PATH };
const TEMPLATE = "{python} vector_search.py --nprobes {nprobes} --refine-factor {refine} --cache-dir {cache}";
const BOUND = 0.9;

const rowsIn = resultsFileRows;

const searchOf = (row: Result) =>
  (JSON.parse(row.metadata) as { search?: { kind: string; probe: number; role: string } }).search;

function options(extra: Record<string, unknown>) {
  return parseRunCommandOptions({
    repo: project,
    publish: false,
    cacheDir: mkdtempSync(path.join(scratch, "cache-")),
    outputDir: mkdtempSync(path.join(scratch, "out-")),
    workdir: "vector-search",
    benchmarkCommand: TEMPLATE,
    benchmarkName: "vector-search",
    format: "valkey-search-json",
    ...extra,
    param: [`python=${VENV_PYTHON}`, `cache=${cache}`, ...((extra.param as string[] | undefined) ?? [])],
  });
}

const run = (extra: Record<string, unknown>): Promise<RunCommandSummary> => runCommand(options(extra), { env });

const nprobesOf = (p: { params: Readonly<Record<string, string | number>> }) => Number(p.params.nprobes);
const recallOf = (p: ProbeRecord) => p.metrics.recall_avg!;

/** Every run is stored, marked with its probe; each probe's recall row holds what the search judged. */
function expectEveryProbeStored(summary: RunCommandSummary, search: SearchResult): void {
  expect(summary.runs.every((r) => r.status === "ok")).toBe(true);
  const rows = rowsIn(summary.resultsFile!);
  expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
  const recalls = rows.filter((r) => r.benchmark_name === "ivf_pq_knn" && r.metric === "recall_avg");
  expect(recalls).toHaveLength(search.runCount);
  const optimumIndex = search.outcome.kind === "optimum" ? search.outcome.optimum.index : -1;
  for (const row of recalls) {
    const marked = searchOf(row)!;
    expect(marked.kind).toBe(search.kind);
    const probe = search.probes[marked.probe - 1]!;
    const params = JSON.parse(row.params!) as Record<string, string | number>;
    expect(params.nprobes).toBe(probe.params.nprobes);
    // a grid searches refine too; the binary search holds it fixed with --param
    if (probe.params.refine !== undefined) expect(params.refine).toBe(probe.params.refine);
    expect(marked.role).toBe(marked.probe - 1 === optimumIndex ? "optimum" : "probe");
    if (!probe.repeated) expect(row.values).toEqual([recallOf(probe)]);
  }
  // every probe has its rows, qps and latencies beside the recall
  expect(new Set(recalls.map((r) => searchOf(r)!.probe)).size).toBe(search.probes.length);
  for (const metric of ["qps", "latency_p99", "recall_min"]) {
    expect(rows.filter((r) => r.benchmark_name === "ivf_pq_knn" && r.metric === metric)).toHaveLength(search.runCount);
  }
}

describe("run-command tunes a real pylance IVF_PQ search", { timeout: 600_000 }, () => {
  it("grid over nprobes × refine factor: the fastest configuration with recall_avg >= 0.9", async (ctx) => {
    requirePylance(ctx);
    const nprobes = [1, 2, 4, 8, 16, 32];
    const refines = [0, 2, 5];
    const summary = await run({
      grid: [`nprobes=${nprobes.join(",")}`, `refine=${refines.join(",")}`],
      filter: `recall_avg >= ${BOUND}`,
      objective: "max:qps",
    });
    const search = summary.search!;
    expect(search.kind).toBe("grid");
    expect(search.probes).toHaveLength(nprobes.length * refines.length);
    expect(search.probes.every((p) => p.status === "ok")).toBe(true);
    expect(search.outcome.kind).toBe("optimum");
    if (search.outcome.kind !== "optimum") return;
    const optimum = search.outcome.optimum;
    expect(optimum.metrics.recall_avg).toBeGreaterThanOrEqual(BOUND);
    // a faster probe missed the recall bound, or it would have been the optimum
    for (const probe of search.probes) {
      if (probe.metrics.qps! > optimum.metrics.qps!) expect(recallOf(probe)).toBeLessThan(BOUND);
      expect(probe.passed).toBe(recallOf(probe) >= BOUND);
    }
    expect(optimum.command!.argv).toContain(String(optimum.params.nprobes));
    expect(optimum.command!.line).toContain(
      `--nprobes ${optimum.params.nprobes} --refine-factor ${optimum.params.refine}`,
    );
    // one probed partition is never enough; probing more raises recall at every refine factor
    for (const refine of refines) {
      const series = search.probes
        .filter((p) => p.params.refine === refine)
        .sort((a, b) => nprobesOf(a) - nprobesOf(b));
      expect(recallOf(series[0]!)).toBeLessThan(BOUND);
      expect(recallOf(series.at(-1)!)).toBeGreaterThanOrEqual(recallOf(series[0]!));
    }
    expect(Number(optimum.params.nprobes)).toBeGreaterThan(1);
    expect(failedRunsError(summary)).toBeUndefined();
    expectEveryProbeStored(summary, search);
  });

  // Needs run-command's `feasible: "above"` (recall holds from some nprobes upward): without it
  // the search assumes feasible-below and never looks below its first probe, and this test fails.
  it("binary search over nprobes, feasible above the boundary: recall_avg >= 0.9 at the best qps", async (ctx) => {
    requirePylance(ctx);
    const parsed = options({
      param: ["refine=5"],
      search: "nprobes=1..64",
      constraint: `recall_avg >= ${BOUND}`,
      objective: "max:qps",
      feasible: "above",
    });
    expect((parsed as Record<string, unknown>).feasible).toBe("above");
    const summary = await runCommand(parsed, { env });
    const search = summary.search!;
    expect(search.kind).toBe("binary");
    expect(summary.runs).toHaveLength(search.runCount);
    expect(search.probes.length).toBeLessThanOrEqual(Math.ceil(Math.log2(64)) + 3);
    expect(search.outcome.kind).toBe("optimum");
    if (search.outcome.kind !== "optimum") return;
    const optimum = search.outcome.optimum;
    expect(optimum.metrics.recall_avg).toBeGreaterThanOrEqual(BOUND);
    expect(optimum.command!.argv).toContain(String(optimum.params.nprobes));
    expect(optimum.command!.line).toContain(`--nprobes ${optimum.params.nprobes} --refine-factor 5`);
    const ok = search.probes.filter((p) => p.status === "ok");
    for (const probe of ok) {
      // fewer nprobes than a probe whose recall missed the bound is never the optimum
      if (recallOf(probe) < BOUND) expect(nprobesOf(probe)).toBeLessThan(nprobesOf(optimum));
      if (probe.optimum) expect(recallOf(probe)).toBeGreaterThanOrEqual(BOUND);
    }
    // the boundary was found: an infeasible nprobes right below a feasible one
    const judged = new Map(ok.map((p) => [nprobesOf(p), p.passed]));
    const edge = [...judged].find(([n, passed]) => passed && judged.get(n - 1) === false);
    expect(edge, `probes: ${ok.map((p) => `${nprobesOf(p)}→${recallOf(p).toFixed(3)}`).join(" ")}`).toBeDefined();
    const sorted = [...ok].sort((a, b) => nprobesOf(a) - nprobesOf(b));
    expect(recallOf(sorted.at(-1)!)).toBeGreaterThanOrEqual(recallOf(sorted[0]!));
    expect(failedRunsError(summary)).toBeUndefined();
    expectEveryProbeStored(summary, search);
  });
});
