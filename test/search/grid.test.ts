import { describe, expect, it } from "vitest";
import { ConfigurationError } from "../../src/model/errors.js";
import {
  ExpressionError,
  gridPoints,
  gridSearch,
  UnknownMetricError,
  type ProbeRecord,
  type SearchParams,
} from "../../src/search/index.js";
import { countingProbe } from "./synthetic.js";

/** An IVF-PQ-like index: more partitions probed and a larger refine factor buy recall with QPS. */
const vectorIndex = (p: SearchParams) => {
  const work = Number(p.nprobes) * Number(p.refine);
  return { recall_avg: 1 - 0.4 / Math.sqrt(work), qps: 10_000 / work, latency_p99: 0.5 * work };
};
const commandFor = (p: SearchParams) => [
  "python",
  "bench vectors.py",
  `--nprobes=${p.nprobes}`,
  "--refine",
  String(p.refine),
];

describe("gridPoints", () => {
  it("is the cartesian product, the last parameter varying fastest", () => {
    expect(gridPoints({ a: [1, 2], b: ["x", "y", "z"] })).toEqual([
      { a: 1, b: "x" },
      { a: 1, b: "y" },
      { a: 1, b: "z" },
      { a: 2, b: "x" },
      { a: 2, b: "y" },
      { a: 2, b: "z" },
    ]);
  });
});

describe("gridSearch", () => {
  it("probes every combination, filters, and marks the best passing probe as the optimum", async () => {
    const { probe, calls } = countingProbe(vectorIndex);
    const seen: ProbeRecord[] = [];
    const result = await gridSearch(
      probe,
      {
        grid: { nprobes: [1, 5, 10, 20], refine: [1, 2] },
        base: { dataset: "sift-10k" },
        filter: "recall_avg >= 0.9",
        objective: { metric: "qps", direction: "maximize" },
      },
      { commandFor, onProbe: (p) => seen.push(p) },
    );
    expect(calls).toHaveLength(8);
    expect(calls[0]).toEqual({ dataset: "sift-10k", nprobes: 1, refine: 1 });
    expect(result.probes.map((p) => p.passed)).toEqual([false, false, false, false, false, true, true, true]);
    // work 10 → recall 0.874 (no); work 20 (10 × 2, or 20 × 1) → recall 0.911 and qps 500: the first wins the tie.
    expect(result.outcome).toMatchObject({
      kind: "optimum",
      optimum: { index: 5, params: { dataset: "sift-10k", nprobes: 10, refine: 2 }, violation: 0 },
    });
    expect(result.probes.filter((p) => p.optimum).map((p) => p.index)).toEqual([5]);
    expect(result.outcome.kind === "optimum" && result.outcome.optimum.command).toEqual({
      argv: ["python", "bench vectors.py", "--nprobes=10", "--refine", "2"],
      line: "python 'bench vectors.py' --nprobes=10 --refine 2",
    });
    expect(seen).toHaveLength(8);
    expect(result).toMatchObject({ kind: "grid", constraints: "recall_avg >= 0.9", runCount: 8 });
  });

  it("minimizes when asked, and without a filter every successful probe is a candidate", async () => {
    const { probe } = countingProbe(vectorIndex);
    const result = await gridSearch(probe, {
      grid: { nprobes: [5, 1, 10], refine: [2, 1] },
      objective: { metric: "latency_p99", direction: "minimize" },
    });
    expect(result.outcome.kind === "optimum" && result.outcome.optimum.params).toEqual({ nprobes: 1, refine: 1 });
    expect(result.probes.every((p) => p.passed && p.violation === undefined)).toBe(true);
  });

  it("repeats each configuration and judges it by the per-metric median", async () => {
    let call = 0;
    const noisy = [3, 100, 4, 1, 2, 50]; // two configurations × three runs
    const { probe } = countingProbe(() => ({ qps: noisy[call++]!, recall: 1 }));
    const result = await gridSearch(probe, {
      grid: { clients: [1, 2] },
      repetitions: 3,
      filter: "qps >= 2.5",
      objective: { metric: "qps", direction: "maximize" },
    });
    expect(result.probes.map((p) => p.metrics.qps)).toEqual([4, 2]);
    expect(result.probes.map((p) => [p.runs.length, p.repeated, p.passed])).toEqual([
      [3, true, true],
      [3, true, false],
    ]);
    expect(result.runCount).toBe(6);
  });

  it("ends with 'no configuration met …' and names the closest probe, never an empty optimum", async () => {
    const { probe } = countingProbe(vectorIndex);
    const result = await gridSearch(
      probe,
      {
        grid: { nprobes: [1, 5, 10], refine: [1, 2] },
        filter: "recall_avg >= 0.99 and latency_p99 <= 100",
        objective: { metric: "qps", direction: "maximize" },
      },
      { commandFor },
    );
    expect(result.probes.some((p) => p.optimum)).toBe(false);
    expect(result.outcome.kind).toBe("none-met");
    if (result.outcome.kind !== "none-met") return;
    // nprobes 10 × refine 2 has the best recall (0.911, tied with 20 × 1 and first): 8% short of 0.99.
    expect(result.outcome.closest).toMatchObject({ index: 5, params: { nprobes: 10, refine: 2 } });
    expect(result.outcome.closest!.violation).toBeCloseTo((0.99 - (1 - 0.4 / Math.sqrt(20))) / 0.99, 9);
    expect(result.outcome.message).toMatch(
      /^no configuration met recall_avg >= 0\.99 and latency_p99 <= 100; closest: probe #6 \(nprobes=10 refine=2\), off by 8\.02%$/,
    );
    expect(result.outcome.closest!.command!.line).toBe("python 'bench vectors.py' --nprobes=10 --refine 2");
  });

  it("records a probe that rejects, returns failed, hangs or returns garbage as failed, and goes on", async () => {
    const aborted: number[] = [];
    const probe = async (p: SearchParams, { signal }: { signal: AbortSignal }) => {
      const n = Number(p.nprobes);
      if (n === 2) throw new Error("segfault (exit 139)");
      if (n === 3) return { status: "failed" as const, reason: "exit code 1" };
      if (n === 4) {
        signal.addEventListener("abort", () => aborted.push(n));
        return new Promise<never>(() => {});
      }
      if (n === 5) return { status: "ok", metrics: { qps: "fast" } } as never;
      if (n === 6) return { status: "skipped" as const, reason: "mode unreachable (exit 2)" };
      return { status: "ok" as const, metrics: { qps: 100 * n } };
    };
    const result = await gridSearch(probe, {
      grid: { nprobes: [1, 2, 3, 4, 5, 6, 7] },
      objective: { metric: "qps", direction: "maximize" },
      probeTimeoutMs: 50,
    });
    expect(result.probes.map((p) => [p.status, p.reason])).toEqual([
      ["ok", undefined],
      ["failed", "segfault (exit 139)"],
      ["failed", "exit code 1"],
      ["failed", "no result within 50 ms; abandoned"],
      ["failed", 'metric "qps" is not a number: "fast"'],
      ["skipped", "mode unreachable (exit 2)"],
      ["ok", undefined],
    ]);
    expect(aborted).toEqual([4]);
    expect(result.outcome.kind === "optimum" && result.outcome.optimum.params).toEqual({ nprobes: 7 });
  });

  it("stops repeating a configuration at its first failure and names the run", async () => {
    let call = 0;
    const { probe } = countingProbe(() =>
      ++call === 2 ? { status: "failed", reason: "killed at budget" } : { qps: 1 },
    );
    const result = await gridSearch(probe, {
      grid: { clients: [1] },
      repetitions: 3,
      objective: { metric: "qps", direction: "maximize" },
    });
    expect(result.probes[0]).toMatchObject({ status: "failed", reason: "run 2 of 2: killed at budget", passed: false });
    expect(result.runCount).toBe(2);
  });

  it("says so when every probe failed", async () => {
    const { probe } = countingProbe(() => ({ status: "failed", reason: "connection refused" }));
    const result = await gridSearch(probe, {
      grid: { clients: [1, 2] },
      filter: "qps > 0",
      objective: { metric: "qps", direction: "maximize" },
    });
    expect(result.outcome).toEqual({
      kind: "none-met",
      message: "no configuration met qps > 0: all 2 probes failed or were skipped: connection refused",
    });
  });

  it("stops at the first probe when the filter or the objective names a metric nobody reports", async () => {
    const filterTypo = countingProbe(vectorIndex);
    await expect(
      gridSearch(filterTypo.probe, {
        grid: { nprobes: [1, 2, 3], refine: [1] },
        filter: "recall >= 0.9",
        objective: { metric: "qps", direction: "maximize" },
      }),
    ).rejects.toThrow(
      'filter "recall >= 0.9": unknown metric "recall"; the probe reported recall_avg, qps, latency_p99',
    );
    expect(filterTypo.calls).toHaveLength(1);
    const objectiveTypo = countingProbe(vectorIndex);
    await expect(
      gridSearch(objectiveTypo.probe, {
        grid: { nprobes: [1, 2, 3], refine: [1] },
        objective: { metric: "rps", direction: "maximize" },
      }),
    ).rejects.toThrow(UnknownMetricError);
    expect(objectiveTypo.calls).toHaveLength(1);
  });

  it("refuses bad options before running anything", async () => {
    const { probe, calls } = countingProbe(vectorIndex);
    const objective = { metric: "qps", direction: "maximize" as const };
    await expect(gridSearch(probe, { grid: { nprobes: [1] }, filter: "recall >", objective })).rejects.toThrow(
      ExpressionError,
    );
    await expect(gridSearch(probe, { grid: {}, objective })).rejects.toThrow("grid: give at least one parameter");
    await expect(gridSearch(probe, { grid: { a: [] }, objective })).rejects.toThrow("at least one value");
    await expect(gridSearch(probe, { grid: { a: [1, 1] }, objective })).rejects.toThrow("the same value twice");
    await expect(gridSearch(probe, { grid: { a: [1, 2, 3], b: [1, 2, 3] }, maxProbes: 8, objective })).rejects.toThrow(
      "grid: 9 combinations, more than max-probes (8)",
    );
    await expect(
      gridSearch(probe, { grid: { a: [1] }, objective: { metric: "qps", direction: "up" as never } }),
    ).rejects.toThrow(ConfigurationError);
    expect(calls).toHaveLength(0);
  });
});
