import type { Direction } from "./metric.js";

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
  /** Observations the test used: run medians, or pooled samples (see `level`). */
  observations: number;
  median: number;
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
  /**
   * `runs`: each side has enough runs, and the test compares run medians (run-to-run noise is in
   * the test). `samples`: the test pools every run's samples, as a single run gives nothing else.
   */
  level: "runs" | "samples" | null;
  base: SideStats | null;
  head: SideStats | null;
  /** median(head) / median(base). */
  ratio: number | null;
  interval: { low: number; high: number } | null;
  p: number | null;
  /** Benjamini-Hochberg adjusted p-value over every tested benchmark of the comparison. */
  q: number | null;
  /** Minimum detectable effect from the benchmark's run-to-run noise on main, when history exists. */
  mde: number | null;
  modes: Modes | null;
}

export interface SuiteComparison {
  benchmarks: BenchmarkComparison[];
  /** Geometric mean of head/base over compared, unmuted benchmarks, oriented so that > 1 is worse. */
  geometricMean: { ratio: number; low: number; high: number; count: number } | null;
  counts: Record<Verdict, number> & { muted: number };
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
