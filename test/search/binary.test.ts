import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigurationError } from "../../src/model/errors.js";
import {
  binarySearch,
  ExpressionError,
  UnknownMetricError,
  type SearchParams,
  type SearchResult,
} from "../../src/search/index.js";
import { countingProbe, loadModel } from "./synthetic.js";

const maximizeQps = { metric: "qps", direction: "maximize" as const };
const optimumOf = (result: SearchResult) => (result.outcome.kind === "optimum" ? result.outcome.optimum : undefined);

describe("binarySearch without noise", () => {
  it("finds the largest feasible value in at most log2(n) + 3 runs, for any range and threshold (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: -1000, max: 1000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        // From a metric so flat that every probe is within tolerance of the bound to a steep one.
        fc.double({ min: 1e-7, max: 10, noNaN: true }),
        fc.double({ min: 0.01, max: 1000, noNaN: true }),
        fc.constantFrom(0, 0.05, 0.5),
        async (lo, width, where, slope, bound, tolerance) => {
          const hi = lo + width;
          const n = hi - lo + 1;
          // Feasible exactly up to `threshold`; lo - 1 means nothing is, hi means everything is.
          const threshold = lo - 1 + Math.round(where * n);
          const { probe, calls } = countingProbe((p) => ({
            latency_p99: bound * (1 + slope * (Number(p.clients) - threshold - 0.5)),
            qps: Number(p.clients),
          }));
          const result = await binarySearch(probe, {
            parameter: "clients",
            lo,
            hi,
            constraints: `latency_p99 <= ${bound}`,
            objective: maximizeQps,
            tolerance,
          });
          expect(calls.length).toBe(result.runCount);
          expect(result.runCount).toBeLessThanOrEqual(Math.log2(n) + 3);
          expect(result.binary!.largestFeasible).toBe(threshold >= lo ? threshold : undefined);
          expect(result.binary!.smallestInfeasible).toBe(threshold < hi ? threshold + 1 : undefined);
          if (threshold >= lo) expect(optimumOf(result)!.params.clients).toBe(threshold);
          else expect(result.outcome.kind).toBe("none-met");
        },
      ),
      { numRuns: 300 },
    );
  });

  it("with feasible: above, finds the smallest feasible value (nprobes for a recall target) in at most log2(n) + 3 runs (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: -1000, max: 1000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.constantFrom(0, 0.05, 0.5),
        async (lo, width, where, tolerance) => {
          const hi = lo + width;
          const n = hi - lo + 1;
          // Feasible exactly from `threshold` up; hi + 1 means nothing is, lo means everything is.
          const threshold = lo + Math.round(where * n);
          const { probe, calls } = countingProbe((p) => ({
            recall: Math.min(1, Math.max(0, 0.9 + 0.01 * (Number(p.nprobes) - threshold + 0.5))),
            qps: 1e6 - Number(p.nprobes),
          }));
          const result = await binarySearch(probe, {
            parameter: "nprobes",
            lo,
            hi,
            constraints: "recall >= 0.9",
            objective: maximizeQps,
            feasible: "above",
            tolerance,
          });
          expect(calls.length).toBe(result.runCount);
          expect(calls.every((p) => Number(p.nprobes) >= lo && Number(p.nprobes) <= hi)).toBe(true);
          expect(result.runCount).toBeLessThanOrEqual(Math.log2(n) + 3);
          expect(result.binary).toMatchObject({ feasible: "above" });
          expect(result.binary!.smallestFeasible).toBe(threshold <= hi ? threshold : undefined);
          expect(result.binary!.largestInfeasible).toBe(threshold > lo ? threshold - 1 : undefined);
          expect(result.binary!.largestFeasible).toBeUndefined();
          if (threshold <= hi) expect(optimumOf(result)!.params.nprobes).toBe(threshold);
          else expect(result.outcome.kind).toBe("none-met");
        },
      ),
      { numRuns: 300 },
    );
  });

  it("needs exactly ceil(log2(n + 1)) runs when no probe is near the boundary", async () => {
    // A step: every probe is far from the bound (margin +50% or -100%), so none is re-run.
    const { probe } = countingProbe((p) => ({ load: Number(p.clients) <= 700 ? 0.5 : 2 }));
    const result = await binarySearch(probe, { parameter: "clients", lo: 1, hi: 1000, constraints: "load <= 1" });
    expect(result.runCount).toBe(Math.ceil(Math.log2(1001)));
    expect(result.probes.every((p) => !p.repeated)).toBe(true);
    expect(optimumOf(result)!.params).toEqual({ clients: 700 });
  });

  it("re-runs only the two values that decide the answer when they are near the bound", async () => {
    const { probe } = countingProbe((p) => ({ clients: Number(p.clients) }));
    const result = await binarySearch(probe, { parameter: "clients", lo: 1, hi: 1000, constraints: "clients <= 700" });
    expect(result.runCount).toBe(Math.ceil(Math.log2(1001)) + 2);
    expect(result.probes.filter((p) => p.repeated).map((p) => [p.params.clients, p.runs.length])).toEqual([
      [700, 2],
      [701, 2],
    ]);
    expect(optimumOf(result)!.params).toEqual({ clients: 700 });
  });

  it("finds the valkey-search wrapper's max QPS under recall AND p99 constraints, with the exact command", async () => {
    const model = loadModel({ sigma: 0, seed: 1 });
    const result = await binarySearch(
      model.probe,
      {
        parameter: "clients",
        lo: 1,
        hi: 200,
        base: { ef_search: 100 },
        constraints: "recall_avg >= 0.95 and latency_p99 <= 10",
        objective: maximizeQps,
      },
      { commandFor: (p) => ["valkey-bench-rs", "-c", String(p.clients), "--ef-search", String(p.ef_search)] },
    );
    // p99 = 2 + 0.08·clients ≤ 10 up to 100 clients; QPS still grows there.
    expect(result.binary).toMatchObject({ largestFeasible: 100, smallestInfeasible: 101 });
    expect(optimumOf(result)).toMatchObject({ params: { ef_search: 100, clients: 100 }, metrics: model.truth(100) });
    expect(optimumOf(result)!.command!.line).toBe("valkey-bench-rs -c 100 --ef-search 100");
    expect(result.probes.filter((p) => p.optimum)).toHaveLength(1);
  });

  it("reports the best QPS among feasible values when QPS peaks below the boundary", async () => {
    // Throughput collapses past 60 clients (contention) while p99 stays within bounds up to 150.
    const { probe } = countingProbe((p) => {
      const c = Number(p.clients);
      return { qps: c <= 60 ? 100 * c : 6000 - 50 * (c - 60), latency_p99: c / 15 };
    });
    const result = await binarySearch(probe, {
      parameter: "clients",
      lo: 1,
      hi: 256,
      constraints: "latency_p99 <= 10",
      objective: maximizeQps,
    });
    expect(result.binary!.largestFeasible).toBe(150);
    const feasible = result.probes.filter((p) => p.passed);
    const best = Math.max(...feasible.map((p) => p.metrics.qps!));
    expect(optimumOf(result)!.metrics.qps).toBe(best);
    expect(Number(optimumOf(result)!.params.clients)).toBeLessThan(150);
  });

  it("ends with 'no configuration met …' and the closest probe when even lo breaks the constraints", async () => {
    const model = loadModel({ sigma: 0, seed: 1, recall: 0.9 });
    const result = await binarySearch(model.probe, {
      parameter: "clients",
      lo: 1,
      hi: 64,
      constraints: "recall_avg >= 0.95 and latency_p99 <= 10",
      objective: maximizeQps,
    });
    expect(result.outcome.kind).toBe("none-met");
    if (result.outcome.kind !== "none-met") return;
    expect(result.outcome.message).toMatch(
      /^no configuration met recall_avg >= 0\.95 and latency_p99 <= 10 for clients in \[1, 64\]; closest: probe #\d+ \(clients=\d+\), off by 5\.26%$/,
    );
    expect(result.binary!.largestFeasible).toBeUndefined();
    expect(result.binary!.smallestInfeasible).toBe(1);
  });
});

describe("binarySearch options", () => {
  it("refuses bad options and unknown metrics before spending more than one probe", async () => {
    const { probe, calls } = countingProbe((p) => ({ qps: Number(p.clients) }));
    const base = { parameter: "clients", lo: 1, hi: 10, constraints: "qps <= 5" };
    await expect(binarySearch(probe, { ...base, lo: 11 })).rejects.toThrow("hi: must be at least lo");
    await expect(binarySearch(probe, { ...base, confirmations: 4 })).rejects.toThrow(
      "confirmations: must be odd, so that a majority always decides",
    );
    await expect(binarySearch(probe, { ...base, lo: 1.5 })).rejects.toThrow(ConfigurationError);
    await expect(binarySearch(probe, { ...base, constraints: "qps <=" })).rejects.toThrow(ExpressionError);
    expect(calls).toHaveLength(0);
    await expect(binarySearch(probe, { ...base, constraints: "rps <= 5" })).rejects.toThrow(
      'constraints "rps <= 5": unknown metric "rps"; the probe reported qps',
    );
    await expect(binarySearch(probe, { ...base, objective: { metric: "rps", direction: "maximize" } })).rejects.toThrow(
      UnknownMetricError,
    );
    expect(calls).toHaveLength(2);
  });
});

describe("binarySearch with failing probes", () => {
  it("counts a crash, a failed or skipped run and a hang as infeasible, and goes on below", async () => {
    const aborted: number[] = [];
    const probe = async (p: SearchParams, { signal }: { signal: AbortSignal }) => {
      const c = Number(p.clients);
      if (c === 500) throw new Error("server OOM-killed");
      if (c >= 250 && c <= 260) return { status: "failed" as const, reason: "exit code 1" };
      if (c === 117) return { status: "skipped" as const, reason: "mode unreachable (exit 2)" };
      if (c >= 120 && c < 250) {
        return new Promise<never>((_, reject) =>
          signal.addEventListener("abort", () => {
            aborted.push(c);
            reject(signal.reason as Error);
          }),
        );
      }
      return { status: "ok" as const, metrics: { qps: c, latency_p99: c / 100 } };
    };
    const result = await binarySearch(probe, {
      parameter: "clients",
      lo: 1,
      hi: 1000,
      constraints: "latency_p99 <= 10",
      objective: maximizeQps,
      probeTimeoutMs: 30,
    });
    expect(result.probes.filter((p) => p.status !== "ok").map((p) => [p.params.clients, p.status, p.reason])).toEqual([
      [500, "failed", "server OOM-killed"],
      [250, "failed", "exit code 1"],
      [125, "failed", "no result within 30 ms; abandoned"],
      [117, "skipped", "mode unreachable (exit 2)"],
    ]);
    expect(aborted).toEqual([125]);
    expect(result.binary).toMatchObject({ largestFeasible: 116, smallestInfeasible: 117 });
    expect(optimumOf(result)!.params.clients).toBe(116);
  });

  it("searches on below a probe that crashes even when it would have met the constraints", async () => {
    const { probe } = countingProbe((p) =>
      Number(p.clients) === 50 ? { status: "failed", reason: "crash" } : { clients: Number(p.clients) },
    );
    const result = await binarySearch(probe, { parameter: "clients", lo: 1, hi: 100, constraints: "clients <= 80" });
    expect(optimumOf(result)!.params.clients).toBe(49);
    expect(result.probes.find((p) => p.params.clients === 50)).toMatchObject({ status: "failed", passed: false });
  });

  it("does not report a value whose confirmation run failed", async () => {
    let runsAt81 = 0;
    const { probe } = countingProbe((p) => {
      const c = Number(p.clients);
      if (c === 81 && ++runsAt81 === 2) return { status: "failed", reason: "hang killed at budget" };
      return { latency_p99: 9.2 + (c - 80) * 0.5 }; // feasible up to 81 (9.7 ms, within 5% of the bound)
    });
    const result = await binarySearch(probe, {
      parameter: "clients",
      lo: 64,
      hi: 95,
      constraints: "latency_p99 <= 10",
    });
    expect(runsAt81).toBe(2);
    expect(result.probes.find((p) => p.params.clients === 81)).toMatchObject({
      status: "failed",
      reason: "run 2 of 2: hang killed at budget",
      passed: false,
      repeated: true,
    });
    // 80 (9.2 ms, 8% below the bound) is trusted after one run.
    expect(optimumOf(result)!.params.clients).toBe(80);
  });
});

describe("binarySearch with noise", () => {
  /** The true violation of p99 ≤ 10 at the optimum (0 when truly feasible). */
  const trueViolation = (model: ReturnType<typeof loadModel>, result: SearchResult) => {
    const optimum = optimumOf(result);
    return optimum ? Math.max(0, (model.truth(Number(optimum.params.clients)).latency_p99 - 10) / 10) : 0;
  };

  async function trial(seed: number, options: { sigma: number; confirmations: number; uniform?: boolean }) {
    const model = loadModel({ sigma: options.sigma, seed, uniform: options.uniform });
    const result = await binarySearch(model.probe, {
      parameter: "clients",
      lo: 1,
      hi: 400,
      constraints: "recall_avg >= 0.95 and latency_p99 <= 10",
      objective: maximizeQps,
      tolerance: 0.05,
      toleranceByMetric: { recall_avg: 0 },
      confirmations: options.confirmations,
    });
    // The optimum's accepted judgment met the constraints: the reported metrics say so too.
    const optimum = optimumOf(result);
    if (optimum) expect(optimum.metrics.latency_p99).toBeLessThanOrEqual(10);
    return { model, result, violation: trueViolation(model, result) };
  }
  const seeds = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

  it("never breaks the true bound by more than the tolerance when the noise stays within it", async () => {
    // p99 = 2 + 0.08·clients: truly feasible up to 100 clients. Noise up to ±4.5%, tolerance 5%.
    const trials = await Promise.all(
      seeds(0, 300).map((s) => trial(s, { sigma: 0.045, uniform: true, confirmations: 3 })),
    );
    expect(Math.max(...trials.map((t) => t.violation))).toBeLessThanOrEqual(0.05);
  });

  it("nor with Gaussian noise of σ = 2% (300 seeded searches), landing near the true boundary, cheaply", async () => {
    const trials = await Promise.all(seeds(1000, 300).map((s) => trial(s, { sigma: 0.02, confirmations: 3 })));
    expect(Math.max(...trials.map((t) => t.violation))).toBeLessThanOrEqual(0.05);
    const clients = trials.map((t) => Number(optimumOf(t.result)!.params.clients));
    expect(clients.filter((c) => c >= 95 && c <= 102).length).toBeGreaterThan(0.9 * trials.length);
    // log2(400) ≈ 8.6: the median search re-runs only a few values.
    const runs = trials.map((t) => t.result.runCount).sort((a, b) => a - b);
    expect(runs[Math.floor(runs.length / 2)]).toBeLessThanOrEqual(14);
  });

  it("confirming the deciding values reports truly infeasible configurations less often than trusting one run", async () => {
    const rate = async (confirmations: number) => {
      const trials = await Promise.all(seeds(10_000, 300).map((s) => trial(s, { sigma: 0.03, confirmations })));
      return {
        wrong: trials.filter((t) => t.violation > 0).length,
        worst: Math.max(...trials.map((t) => t.violation)),
      };
    };
    const single = await rate(1);
    const confirmed = await rate(5);
    expect(confirmed.wrong).toBeLessThan(single.wrong);
    expect(confirmed.worst).toBeLessThan(single.worst);
  });
});
