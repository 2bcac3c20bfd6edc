/**
 * Binary search over an integer parameter (clients, ef_search, …) for the largest value whose
 * probe meets the constraints — valkey-search's benchmark wrapper's `binary_search_max_qps` and
 * `find_max_qps_with_constraints` (`recall_avg >= 0.95 and latency_p99 <= 10`) — assuming
 * feasibility is monotone: feasible up to a threshold, infeasible above it; or, with
 * `feasible: above` (nprobes for a recall target), for the smallest value feasible from a
 * threshold up.
 *
 * Noise. A single run is trusted when its margin to the constraints (relative, see `assess`)
 * is wider than `tolerance`. A run within `tolerance` of the boundary is re-run when its
 * judgment decides the answer, i.e. when it ends up as the largest feasible or the smallest
 * infeasible value: runs are added until a majority of `confirmations` agree, and a feasible
 * verdict also needs the per-metric median of the runs to meet the constraints. Judgments
 * elsewhere need no re-run: under monotonicity a wrong one always surfaces as one of those two
 * ends (a wrongly feasible x makes every larger feasible verdict wrong too, down to x), and when
 * a confirmation reverses an end the search resumes between the new ends. So the answer is never
 * a configuration that failed its constraints in an accepted judgment, and without noise the
 * search costs at most ceil(log2(n + 1)) + (confirmations − 1) runs for n = hi − lo + 1 values
 * (bisection, then (confirmations − 1)/2 agreeing re-runs of each of the two ends) — with the
 * default 3 confirmations, at most log2(n) + 3.
 *
 * A run that fails (crash, hang killed at its budget) or is skipped makes its value infeasible,
 * and the search goes on below it.
 */
import { z } from "zod";
import { parseOptions } from "../model/options.js";
import type { ProbeOutcome, ProbeRecord, SearchParams, SearchResult } from "../model/search.js";
import { assess, parseExpression } from "./expression.js";
import {
  combinedStatus,
  medianMetrics,
  okMetrics,
  ParamValue,
  runProbe,
  type Probe,
  type SearchHooks,
} from "./probe.js";
import { bestProbe, decideOutcome, Objective, objectiveValue } from "./result.js";

export const BinarySearchOptions = z
  .object({
    /** The integer parameter searched (`clients`). */
    parameter: z.string().min(1),
    lo: z.number().int(),
    hi: z.number().int(),
    /** Parameters held fixed in every probe. */
    base: z.record(z.string(), ParamValue).default({}),
    /** What a feasible probe meets: `recall_avg >= 0.95 and latency_p99 <= 10`. */
    constraints: z.string().trim().min(1, "give the constraints a probe must meet"),
    /**
     * Among the feasible probes, the best by this metric is the optimum (e.g. maximize qps: it
     * can peak below the largest feasible value). Without one, the largest feasible value is.
     */
    objective: Objective.optional(),
    /** Relative margin to a constraint within which one run is not trusted (0.05 = 5% of the threshold). */
    tolerance: z.number().min(0).max(10).default(0.05),
    /** Per-metric tolerances overriding `tolerance` (recall is usually far steadier than p99). */
    toleranceByMetric: z.record(z.string(), z.number().min(0).max(10)).default({}),
    /** Runs that decide a probe near the boundary, by majority. */
    confirmations: z
      .number()
      .int()
      .min(1)
      .max(99)
      .default(3)
      .refine((n) => n % 2 === 1, "must be odd, so that a majority always decides"),
    /** Abandon a run that has not settled after this long (its signal is aborted) and count it as failed. */
    probeTimeoutMs: z.number().positive().optional(),
    /**
     * Which side of the threshold is feasible: `below` (clients under a p99 bound: feasible up
     * to a threshold, the answer the largest feasible value) or `above` (nprobes for a recall
     * target: feasible from a threshold up, the answer the smallest feasible value).
     */
    feasible: z.enum(["below", "above"]).default("below"),
  })
  .refine((o) => o.lo <= o.hi, { path: ["hi"], message: "must be at least lo" })
  .refine((o) => o.hi - o.lo < 2 ** 40, { path: ["hi"], message: "range too large" });
export type BinarySearchOptions = z.infer<typeof BinarySearchOptions>;
export type BinarySearchInput = z.input<typeof BinarySearchOptions>;

interface Judgment {
  value: number;
  index: number;
  feasible: boolean;
  /** A single run within tolerance of the boundary: to be confirmed if it decides the answer. */
  doubtful: boolean;
}

export async function binarySearch(
  probe: Probe,
  input: BinarySearchInput,
  hooks: SearchHooks = {},
): Promise<SearchResult> {
  const options = parseOptions(BinarySearchOptions, input);
  const constraints = parseExpression(options.constraints);
  const context = `constraints "${options.constraints}"`;
  const tolerance = (metric: string) => options.toleranceByMetric[metric] ?? options.tolerance;
  const majority = (options.confirmations + 1) / 2;

  const probes: ProbeRecord[] = [];
  const judged = new Map<number, Judgment>();
  let runCount = 0;

  const run = async (params: SearchParams): Promise<ProbeOutcome> => {
    runCount++;
    return runProbe(probe, params, options.probeTimeoutMs);
  };
  const record = (index: number, params: SearchParams, runs: ProbeOutcome[], feasible: boolean): ProbeRecord => {
    const { status, reason } = combinedStatus(runs);
    const metrics = medianMetrics(okMetrics(runs));
    const base = { index, params, status, metrics, runs, repeated: runs.length > 1, optimum: false };
    if (status !== "ok") return { ...base, reason, passed: false };
    if (options.objective) objectiveValue(base, options.objective);
    return { ...base, passed: feasible, violation: assess(constraints, metrics, { context }).violation };
  };
  const store = (probeRecord: ProbeRecord) => {
    probes[probeRecord.index] = probeRecord;
    hooks.onProbe?.(probeRecord);
  };

  // The search runs on positions u in [lo, hi] where feasibility is "up to a threshold"; with
  // `feasible: above` a position stands for the mirrored value lo + hi - u, so one algorithm
  // serves both directions.
  const above = options.feasible === "above";
  const valueAt = (u: number) => (above ? options.lo + options.hi - u : u);

  const probeAt = async (value: number) => {
    const params = { ...options.base, [options.parameter]: valueAt(value) };
    const outcome = await run(params);
    let feasible = false;
    let doubtful = false;
    if (outcome.status === "ok") {
      const verdict = assess(constraints, outcome.metrics, { tolerance, context });
      feasible = verdict.passed;
      doubtful = verdict.nearBoundary && options.confirmations > 1;
    }
    const index = probes.length;
    judged.set(value, { value, index, feasible, doubtful });
    store(record(index, params, [outcome], feasible));
  };

  const confirm = async (judgment: Judgment) => {
    const previous = probes[judgment.index]!;
    const runs = [...previous.runs];
    const votes = () => runs.filter((r) => r.status === "ok" && assess(constraints, r.metrics, { context }).passed);
    // Add runs while neither side has a majority; a failed run settles it (infeasible).
    while (!runs.some((r) => r.status !== "ok")) {
      const passes = votes().length;
      if (passes >= majority || runs.length - passes >= majority) break;
      runs.push(await run(previous.params));
    }
    const allOk = runs.every((r) => r.status === "ok");
    const feasible =
      allOk && votes().length >= majority && assess(constraints, medianMetrics(okMetrics(runs)), { context }).passed;
    judged.set(judgment.value, { ...judgment, feasible, doubtful: false });
    store(record(judgment.index, previous.params, runs, feasible));
  };

  for (;;) {
    const values = [...judged.values()];
    const smallestInfeasible = Math.min(options.hi + 1, ...values.filter((j) => !j.feasible).map((j) => j.value));
    const largestFeasible = Math.max(
      options.lo - 1,
      ...values.filter((j) => j.feasible && j.value < smallestInfeasible).map((j) => j.value),
    );
    if (smallestInfeasible - largestFeasible > 1) {
      await probeAt(Math.floor((largestFeasible + smallestInfeasible) / 2));
      continue;
    }
    const end = [judged.get(largestFeasible), judged.get(smallestInfeasible)].find((j) => j?.doubtful);
    if (end === undefined) break;
    await confirm(end);
  }

  const values = [...judged.values()];
  const infeasibleValues = values.filter((j) => !j.feasible).map((j) => j.value);
  const smallestInfeasible = infeasibleValues.length > 0 ? Math.min(...infeasibleValues) : undefined;
  const accepted = values.filter(
    (j) => j.feasible && (smallestInfeasible === undefined || j.value < smallestInfeasible),
  );
  const largest = accepted.length > 0 ? Math.max(...accepted.map((j) => j.value)) : undefined;
  const optimum =
    largest === undefined
      ? undefined
      : options.objective
        ? bestProbe(
            accepted.sort((a, b) => b.value - a.value).map((j) => probes[j.index]!),
            options.objective,
          )
        : probes[judged.get(largest)!.index];

  const outcome = decideOutcome(probes, optimum, {
    constraints: options.constraints,
    objective: options.objective,
    commandFor: hooks.commandFor,
    scope: `for ${options.parameter} in [${options.lo}, ${options.hi}]`,
  });
  const boundary = above
    ? {
        ...(largest !== undefined ? { smallestFeasible: valueAt(largest) } : {}),
        ...(smallestInfeasible !== undefined ? { largestInfeasible: valueAt(smallestInfeasible) } : {}),
      }
    : {
        ...(largest !== undefined ? { largestFeasible: largest } : {}),
        ...(smallestInfeasible !== undefined ? { smallestInfeasible } : {}),
      };
  return {
    kind: "binary",
    constraints: options.constraints,
    ...(options.objective ? { objective: options.objective } : {}),
    binary: {
      parameter: options.parameter,
      lo: options.lo,
      hi: options.hi,
      feasible: options.feasible,
      ...boundary,
    },
    probes,
    runCount,
    outcome,
  };
}
