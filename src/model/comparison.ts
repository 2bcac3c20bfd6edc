import type { Direction, PROCESS_FAMILY } from "./metric.js";

/** What a comparison decides for one benchmark. */
export type Verdict = "regressed" | "improved" | "unchanged" | "inconclusive" | "added" | "removed";

/** Two levels a benchmark's values jump between (a bimodal benchmark). */
export interface Modes {
  /** Medians of the two clusters, low then high. */
  low: number;
  high: number;
  /** The middle of the gap between the clusters (geometric): splits any observation between the two. */
  boundary: number;
}

export interface SideStats {
  runs: number;
  /** Runs the test used: all of them, less those at a bimodal benchmark's other level or outliers. */
  observations: number;
  /**
   * The statistic the change is computed from: the geometric mean of the used runs' medians
   * (t test, and the head of a prediction) or their median (rank test, and main's history in a
   * prediction); the median of the run medians when the benchmark was not tested.
   */
  center: number;
}

/**
 * How a benchmark was judged. `prediction`: one head run against the spread of main's history
 * of runs; `t-test`: log run medians, with the noise pooled from both sides and, when known,
 * main's history; `rank-test`: Mann-Whitney U on run medians, for sides with many runs.
 */
export type Method = "prediction" | "t-test" | "rank-test";

/** The run-to-run noise a verdict used. */
export interface NoiseUsed {
  /** Relative standard deviation of one run's median (0.03 = 3%). */
  perRun: number;
  /** Degrees of freedom behind it: Σ (runs − 1) over the groups it was pooled from. */
  df: number;
  /** Where it was learned. */
  source: "runs" | "history" | "runs and history";
  /**
   * For one head run: the Student t fitted to main's own runs judged one against the others
   * (pooled over the suite). Small `df` means heavy tails: runs far off happen on this machine.
   */
  tails?: { df: number; scale: number };
  /**
   * For one head run paced against main's runs: how much slower (+) or faster (−) the head run
   * went than main's typical run, as told by the suite's other benchmarks (0.1 = 10% slower).
   */
  runPace?: number;
}

export interface BenchmarkComparison {
  name: string;
  metric: string;
  direction: Direction;
  units: string;
  verdict: Verdict;
  /** Why the verdict is what it is, when the numbers alone do not say it. */
  reason: string | null;
  muted: boolean;
  threshold: number;
  /** How the verdict was reached; `null` when the benchmark could not be tested. */
  method: Method | null;
  base: SideStats | null;
  head: SideStats | null;
  /** median(head) / median(base). */
  ratio: number | null;
  interval: { low: number; high: number } | null;
  p: number | null;
  /**
   * Benjamini-Hochberg adjusted p-value over every tested benchmark of its family: the project's
   * benchmarks, or the suite's measurements of the harness processes (`family: "process"`).
   */
  q: number | null;
  /**
   * The smallest change this comparison could have detected (80% power, two-sided, at the
   * level a lone change in this suite needs: fdr ÷ benchmarks tested in its family).
   */
  mde: number | null;
  noise: NoiseUsed | null;
  /** For an inconclusive change: the runs that would make a change of this size detectable. */
  runsNeeded: { side: "head" | "each"; runs: number } | null;
  modes: Modes | null;
  /** Set for a harness's process measurements (PROCESS_FAMILY), judged apart from the benchmarks. */
  family?: typeof PROCESS_FAMILY;
}

export interface SuiteComparison {
  benchmarks: BenchmarkComparison[];
  /**
   * Geometric mean of head/base over compared, unmuted benchmarks (not the harness processes),
   * oriented so that > 1 is worse.
   */
  geometricMean: { ratio: number; low: number; high: number; count: number } | null;
  counts: Record<Verdict, number> & { muted: number };
  /**
   * Set when one head run moved a large share of the suite the same way (a busy machine, most
   * likely): those benchmarks are inconclusive rather than flagged.
   */
  headRunShift: { direction: "slower" | "faster"; benchmarks: number; of: number } | null;
  /**
   * Set when main's runs were paced across the suite (one head run against main's history):
   * the head run's pace and the range of main's, relative to main's typical run (0.1 = 10% slower).
   */
  runPace: { head: number; low: number; high: number; runs: number; benchmarks: number } | null;
}

export interface Baseline {
  kind: "files" | "store" | "history";
  description: string;
}

/** A whole comparison as the `compare` command returns it and reports print it. */
export interface CompareOutcome extends SuiteComparison {
  baseline: Baseline;
  head: string;
  settings: {
    threshold: number;
    fdr: number;
    minSamples: number;
    confidence: number;
    history: number;
    historyRef: string;
  };
  warnings: string[];
}
