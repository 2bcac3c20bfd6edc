/**
 * Running one probe — the benchmark once with one parameter assignment — so that nothing it
 * does can stop a search: a rejection or a malformed outcome becomes a `failed` run with the
 * reason, and a probe that never settles is abandoned at its timeout (its `signal` is aborted
 * so the caller can kill the process group) and recorded as failed.
 */
import { z } from "zod";
import { describeError } from "../model/errors.js";
import type { ProbeOutcome, ProbeRecord, SearchParams } from "../model/search.js";

export type { ProbeOutcome, SearchParams, SearchParamValue } from "../model/search.js";

/** The benchmark, run once with `params`. `signal` is aborted when the search gives up on the run. */
export type Probe = (params: SearchParams, context: { signal: AbortSignal }) => Promise<ProbeOutcome>;

/** How the exact command line of a configuration is made, for the report (`["redis-benchmark", "-c", "40"]`). */
export type CommandFor = (params: SearchParams) => readonly string[];

/** A parameter's value in search options: a number or a word (`"ivf_pq"`). */
export const ParamValue = z.union([z.number().finite(), z.string()]);

/** Callbacks a search takes besides its options. */
export interface SearchHooks {
  /** The exact command a configuration runs, for the report of the optimum (and of the closest probe). */
  commandFor?: CommandFor;
  /**
   * Called as soon as a probe is judged, e.g. to store it; called again with the same `index`
   * when a binary search re-runs it to confirm a judgment near the boundary.
   */
  onProbe?: (probe: ProbeRecord) => void;
}

/** Runs the probe once; never throws (a thrown error or a timeout is a `failed` outcome). */
export async function runProbe(probe: Probe, params: SearchParams, timeoutMs?: number): Promise<ProbeOutcome> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<ProbeOutcome>((resolve) => {
    if (timeoutMs === undefined) return;
    timer = setTimeout(() => {
      controller.abort(new Error(`probe timed out after ${timeoutMs} ms`));
      resolve({ status: "failed", reason: `no result within ${timeoutMs} ms; abandoned` });
    }, timeoutMs);
  });
  try {
    const outcome = await Promise.race([probe(params, { signal: controller.signal }), timedOut]);
    return checkOutcome(outcome);
  } catch (error) {
    return { status: "failed", reason: describeError(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** A probe is the caller's code, but a search stores what it returns: check the shape once here. */
function checkOutcome(outcome: unknown): ProbeOutcome {
  const o = outcome as Partial<Record<string, unknown>> | null | undefined;
  if (o?.status === "ok" && typeof o.metrics === "object" && o.metrics !== null) {
    const metrics = o.metrics as Record<string, unknown>;
    const bad = Object.entries(metrics).find(([, v]) => typeof v !== "number");
    if (bad) return { status: "failed", reason: `metric "${bad[0]}" is not a number: ${JSON.stringify(bad[1])}` };
    return { status: "ok", metrics: metrics as Record<string, number> };
  }
  if ((o?.status === "failed" || o?.status === "skipped") && typeof o.reason === "string") {
    return { status: o.status, reason: o.reason };
  }
  return { status: "failed", reason: `the probe returned ${describeError(outcome)}, not a probe outcome` };
}

/** Per-metric median over runs (a metric missing from a run is the median of the runs that have it). */
export function medianMetrics(runs: readonly Readonly<Record<string, number>>[]): Record<string, number> {
  const values = new Map<string, number[]>();
  for (const run of runs)
    for (const [name, v] of Object.entries(run)) values.set(name, [...(values.get(name) ?? []), v]);
  return Object.fromEntries([...values].map(([name, vs]) => [name, median(vs)]));
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** A record's status from its runs: any failure fails it (a configuration that crashes is not a candidate). */
export function combinedStatus(runs: readonly ProbeOutcome[]): { status: ProbeOutcome["status"]; reason?: string } {
  const failed = runs.find((r) => r.status === "failed") ?? runs.find((r) => r.status === "skipped");
  if (failed === undefined || failed.status === "ok") return { status: "ok" };
  const which = runs.length > 1 ? `run ${runs.indexOf(failed) + 1} of ${runs.length}: ` : "";
  return { status: failed.status, reason: which + failed.reason };
}

export function okMetrics(runs: readonly ProbeOutcome[]): Readonly<Record<string, number>>[] {
  return runs.flatMap((r) => (r.status === "ok" ? [r.metrics] : []));
}

/** `nprobes=10 refine=2`, for messages. */
export function describeParams(params: SearchParams): string {
  const entries = Object.entries(params);
  return entries.length === 0 ? "(no parameters)" : entries.map(([k, v]) => `${k}=${v}`).join(" ");
}
