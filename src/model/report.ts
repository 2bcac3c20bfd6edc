/**
 * What `report` works on and produces: per-series histories on main (one point per run, the
 * run being the unit of replication), the change points found in them, and the regressions
 * worth an issue. Plain data shared by src/stats (detection), src/report (dashboard, summary)
 * and src/github (regression issues), so none of them imports another.
 */
import type { Direction } from "./metric.js";

/** One run of one benchmark at one commit on main: its median and within-run spread. */
export interface SeriesPoint {
  /** Full 40-hex commit. */
  sha: string;
  /** Commit time (unix seconds): the series' order. */
  time: number;
  /** The build's version as stored (`{VERSION}+{SHORT_SHA}`). */
  version: string;
  /** The run's median, in `units` (several runs at one commit: the median of their medians). */
  median: number;
  /** The run's first and third quartiles: the within-run IQR band (several runs: their medians). */
  q1: number;
  q3: number;
  /** Runs behind the point (repetitions at this commit; usually 1). */
  n: number;
}

/** One series: a benchmark's metric on one test bed (fingerprint), on main, oldest first. */
export interface Series {
  /** `benchmark \u0000 metric \u0000 fingerprint`, stable across reports (file names hash it). */
  key: string;
  benchmark: string;
  metric: string;
  units: string;
  direction: Direction;
  fingerprint: string;
  /** The test bed's name, for filters and hover text. */
  testBed: string;
  points: SeriesPoint[];
}

/** A level shift in a series, between two consecutive points. */
export interface ChangePoint {
  /** Index in `points` of the first point after the change. */
  index: number;
  /** The last commit at the old level and the first at the new: the suspect range is (lastGood, firstBad]. */
  lastGoodSha: string;
  firstBadSha: string;
  /** Levels (medians of run medians) before and after, in the series' units. */
  before: number;
  after: number;
  /** (after - before) / before. */
  relativeChange: number;
  /** A confidence interval of `relativeChange` (same level as `confidence`). */
  interval: [low: number, high: number];
  /** regression or improvement, by the series' direction. */
  verdict: "regression" | "improvement";
  /** The significance test's p-value for this split. */
  pValue: number;
  /** 1 - pValue, for display. */
  confidence: number;
}

/** A series with the change points found in it. */
export interface SeriesReport {
  series: Series;
  changePoints: ChangePoint[];
  /** Why no detection ran (too few points), said per series. */
  note?: string;
}
