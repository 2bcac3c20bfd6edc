/**
 * The outcome of a configuration search (grid or binary): every probe with its parameters and
 * measurements, and the optimum — or, when nothing met the constraints, the closest probe.
 * Plain data, so the run command can store it and the reports can render it without knowing
 * how the search ran (src/search builds it; src/report reads it).
 */
import type { Status } from "./metric.js";

/** A parameter assignment: `{ nprobes: 10, refine: 2, index: "ivf_pq" }`. */
export type SearchParamValue = number | string;
export type SearchParams = Readonly<Record<string, SearchParamValue>>;

/** What one run of the benchmark with one parameter assignment gave. */
export type ProbeOutcome =
  { status: "ok"; metrics: Readonly<Record<string, number>> } | { status: "failed" | "skipped"; reason: string };

export type ObjectiveDirection = "maximize" | "minimize";

export interface SearchObjective {
  metric: string;
  direction: ObjectiveDirection;
}

/** One configuration tried, with all of its runs. */
export interface ProbeRecord {
  /** 0-based, in the order the configurations were first tried. */
  index: number;
  params: SearchParams;
  /** `failed` if any run failed (a crash, a hang killed at its budget), else `skipped` if any was skipped. */
  status: Status;
  /** Why the probe failed or was skipped (the first such run's reason). */
  reason?: string;
  /** Per-metric median over the runs that succeeded (empty when none did). */
  metrics: Readonly<Record<string, number>>;
  /** Every run, in order: grid repetitions, or the runs that confirmed a probe near the boundary. */
  runs: readonly ProbeOutcome[];
  /** Run more than once. */
  repeated: boolean;
  /** Succeeded and met the filter / constraints (always false unless `status` is ok). */
  passed: boolean;
  /** Relative distance from meeting the filter (0 when met), when the probe succeeded and there is one. */
  violation?: number;
  /** The search's answer. */
  optimum: boolean;
}

/** A probe singled out by the search: the optimum, or the closest one when nothing met the filter. */
export interface ChosenProbe {
  index: number;
  params: SearchParams;
  metrics: Readonly<Record<string, number>>;
  /** Its relative distance from meeting the filter (0 for an optimum). */
  violation: number;
  /** The exact command that ran it, when the caller can tell: argv and as one shell-quoted line. */
  command?: { argv: readonly string[]; line: string };
}

export type SearchOutcome =
  | { kind: "optimum"; optimum: ChosenProbe }
  /** `closest` is absent only when no probe succeeded at all. */
  | { kind: "none-met"; message: string; closest?: ChosenProbe };

export interface SearchResult {
  kind: "grid" | "binary";
  /** The filter or constraints as given (absent: every successful probe passes). */
  constraints?: string;
  objective?: SearchObjective;
  /** Binary search only: the parameter searched, its range, and where feasibility ended. */
  binary?: {
    parameter: string;
    lo: number;
    hi: number;
    /** Which side of the threshold was feasible (`below`: clients under a bound; `above`: nprobes for recall). */
    feasible: "below" | "above";
    /** below: the largest value judged feasible (absent: none was). */
    largestFeasible?: number;
    /** below: the smallest value judged infeasible (absent: all were feasible up to `hi`). */
    smallestInfeasible?: number;
    /** above: the smallest value judged feasible (absent: none was). */
    smallestFeasible?: number;
    /** above: the largest value judged infeasible (absent: all were feasible down to `lo`). */
    largestInfeasible?: number;
  };
  probes: readonly ProbeRecord[];
  /** Benchmark runs in all (probes × their repetitions). */
  runCount: number;
  outcome: SearchOutcome;
}
