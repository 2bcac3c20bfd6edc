/**
 * Grid search: every combination of the parameter values is probed (R times each, the
 * per-metric median standing for the probe), filtered by an expression, and the best by the
 * objective among those that passed is the optimum. Seed 003's `grid_search(param_grid,
 * filter_fn)` followed by `max(results, key=qps)`, with the filter as text instead of a lambda.
 */
import { z } from "zod";
import { ConfigurationError } from "../model/errors.js";
import { parseOptions } from "../model/options.js";
import type { ProbeRecord, SearchParams, SearchParamValue, SearchResult } from "../model/search.js";
import { assess, parseExpression, type Expression } from "./expression.js";
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

export const GridSearchOptions = z.object({
  /** Values of each parameter; the last parameter varies fastest (like itertools.product). */
  grid: z
    .record(z.string().min(1), z.array(ParamValue).min(1, "give each parameter at least one value"))
    .refine((grid) => Object.keys(grid).length > 0, "give at least one parameter")
    .refine(
      (grid) => Object.values(grid).every((values) => new Set(values).size === values.length),
      "a parameter lists the same value twice",
    ),
  /** Parameters held fixed in every probe. */
  base: z.record(z.string(), ParamValue).default({}),
  /** Which probes count (`recall_avg >= 0.95`); without one every successful probe does. */
  filter: z.string().trim().min(1).optional(),
  objective: Objective,
  /** Runs per configuration; the per-metric median stands for the configuration. */
  repetitions: z.number().int().min(1).max(1000).default(1),
  /** Refuse a grid larger than this before running anything (a typo can make a grid of millions). */
  maxProbes: z.number().int().min(1).default(10_000),
  /** Abandon a run that has not settled after this long (its signal is aborted) and record it as failed. */
  probeTimeoutMs: z.number().positive().optional(),
});
export type GridSearchOptions = z.infer<typeof GridSearchOptions>;
export type GridSearchInput = z.input<typeof GridSearchOptions>;

/** All combinations of the grid's values, in order (the last parameter varies fastest). */
export function gridPoints(grid: Readonly<Record<string, readonly SearchParamValue[]>>): SearchParams[] {
  return Object.entries(grid).reduce<SearchParams[]>(
    (points, [name, values]) => points.flatMap((point) => values.map((value) => ({ ...point, [name]: value }))),
    [{}],
  );
}

export async function gridSearch(probe: Probe, input: GridSearchInput, hooks: SearchHooks = {}): Promise<SearchResult> {
  const options = parseOptions(GridSearchOptions, input);
  // Parsed before anything runs: a typo in the filter costs nothing.
  const filter = options.filter === undefined ? undefined : parseExpression(options.filter);
  const size = Object.values(options.grid).reduce((n, values) => n * values.length, 1);
  if (size > options.maxProbes) {
    throw ConfigurationError.forInput("grid", `${size} combinations, more than max-probes (${options.maxProbes})`);
  }

  const probes: ProbeRecord[] = [];
  let runCount = 0;
  for (const point of gridPoints(options.grid)) {
    const params = { ...options.base, ...point };
    const runs = [];
    for (let r = 0; r < options.repetitions; r++) {
      const run = await runProbe(probe, params, options.probeTimeoutMs);
      runs.push(run);
      runCount++;
      // One crash makes the configuration a non-candidate; more runs would not change that.
      if (run.status !== "ok") break;
    }
    const record = judge(probes.length, params, runs, filter, options.filter);
    // An objective nobody reports is a typo: say so after the first probe, not after the whole grid.
    if (record.status === "ok") objectiveValue(record, options.objective);
    probes.push(record);
    hooks.onProbe?.(record);
  }

  const optimum = bestProbe(
    probes.filter((p) => p.passed),
    options.objective,
  );
  const outcome = decideOutcome(probes, optimum, {
    constraints: options.filter,
    objective: options.objective,
    commandFor: hooks.commandFor,
  });
  return {
    kind: "grid",
    ...(options.filter !== undefined ? { constraints: options.filter } : {}),
    objective: options.objective,
    probes,
    runCount,
    outcome,
  };
}

function judge(
  index: number,
  params: SearchParams,
  runs: ProbeRecord["runs"],
  filter: Expression | undefined,
  filterText: string | undefined,
): ProbeRecord {
  const { status, reason } = combinedStatus(runs);
  const metrics = medianMetrics(okMetrics(runs));
  const base = { index, params, status, metrics, runs, repeated: runs.length > 1, optimum: false };
  if (status !== "ok") return { ...base, reason, passed: false };
  if (filter === undefined) return { ...base, passed: true };
  const { passed, violation } = assess(filter, metrics, { context: `filter "${filterText}"` });
  return { ...base, passed, violation };
}
