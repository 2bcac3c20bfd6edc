import type { BenchmarkComparison, Direction, Modes, SideStats, SuiteComparison } from "../model/index.js";
import { ratioOfMediansInterval } from "./bootstrap.js";
import { benjaminiHochberg } from "./fdr.js";
import { mannWhitneyU } from "./mann-whitney.js";
import { median } from "./median.js";
import { findModes, minimumDetectableEffect, runToRunSpread } from "./noise.js";

/** One side of one benchmark: every run's per-iteration samples (one stored result = one run). */
export interface ComparisonSide {
  runs: readonly (readonly number[])[];
  units: string;
}

export interface ComparisonInput {
  name: string;
  metric: string;
  direction: Direction;
  base?: ComparisonSide;
  head?: ComparisonSide;
  /** Run medians of the benchmark's recent results on main (same metric and fingerprint). */
  history?: readonly number[];
  /** Set when the two sides cannot be compared at all (e.g. measured on different machines). */
  incomparable?: string;
}

export interface BenchmarkPolicy {
  /** Smallest relative change worth flagging (0.02 = 2%). */
  threshold: number;
  muted: boolean;
  reason?: string;
}

export interface CompareSettings {
  /** Benjamini-Hochberg level: the expected share of false alarms among flagged benchmarks. */
  fdr: number;
  /** Fewest observations a side needs before a verdict is given. */
  minSamples: number;
  confidence: number;
  resamples: number;
  policyFor: (name: string) => BenchmarkPolicy;
}

interface Tested {
  comparison: BenchmarkComparison & { note?: string };
  logSpread: number | undefined;
}

/**
 * Compares two sets of results benchmark by benchmark, then decides across the whole suite.
 *
 * Per benchmark: effect = ratio of medians with a bootstrap interval; significance = Mann-Whitney U.
 * Across the suite: Benjamini-Hochberg over every p-value, so 200 clean benchmarks do not give
 * 10 false alarms. A benchmark is flagged only when its q-value passes, its change reaches the
 * practical threshold, and — when only single runs were compared and history knows the
 * benchmark's run-to-run noise — its change also reaches that noise's minimum detectable effect.
 */
export function compareSuite(inputs: readonly ComparisonInput[], settings: CompareSettings): SuiteComparison {
  const tested: Tested[] = [];
  const benchmarks = inputs.map((input) => {
    const result = compareOne(input, settings);
    if ("comparison" in result) {
      tested.push(result);
      return result.comparison;
    }
    return result;
  });
  const qValues = benjaminiHochberg(tested.map((t) => t.comparison.p!));
  tested.forEach((t, i) => decide(t, qValues[i]!, settings));
  return { benchmarks, geometricMean: geometricMean(benchmarks), counts: countVerdicts(benchmarks) };
}

function compareOne(input: ComparisonInput, settings: CompareSettings): BenchmarkComparison | Tested {
  const policy = settings.policyFor(input.name);
  const units = input.head?.units ?? input.base?.units ?? "";
  const row: BenchmarkComparison & { note?: string } = {
    name: input.name,
    metric: input.metric,
    direction: input.direction,
    units,
    verdict: "inconclusive",
    reason: null,
    muted: policy.muted,
    threshold: policy.threshold,
    level: null,
    base: input.base ? sideStats(input.base) : null,
    head: input.head ? sideStats(input.head) : null,
    ratio: null,
    interval: null,
    p: null,
    q: null,
    mde: null,
    modes: null,
  };
  if (policy.muted && policy.reason) row.reason = `muted: ${policy.reason}`;
  const inconclusive = (reason: string) => ({ ...row, verdict: "inconclusive" as const, reason });
  if (!input.base) return { ...row, verdict: "added" };
  if (!input.head) return { ...row, verdict: "removed" };
  if (input.incomparable) return inconclusive(input.incomparable);
  if (input.base.units !== input.head.units) {
    return inconclusive(`units differ: base in ${input.base.units}, head in ${input.head.units}`);
  }
  const level =
    input.base.runs.length >= settings.minSamples && input.head.runs.length >= settings.minSamples ? "runs" : "samples";
  const observe = (side: ComparisonSide) => (level === "runs" ? side.runs.map((run) => median(run)) : side.runs.flat());
  const base = observe(input.base);
  const head = observe(input.head);
  row.level = level;
  row.base = { ...row.base!, observations: base.length };
  row.head = { ...row.head!, observations: head.length };
  if (base.length < settings.minSamples || head.length < settings.minSamples) {
    return inconclusive(
      `too few samples: ${base.length} base and ${head.length} head, ${settings.minSamples} needed on each side`,
    );
  }
  // A bimodal benchmark is compared within the level both sides visit most (like with like);
  // how often each side sits at the other level is reported, never flagged (DESIGN §7).
  const modes = bimodality(base, head, input.history);
  if (modes) {
    row.modes = modes;
    const low = (v: number) => v <= modes.boundary;
    const pooledLow = [...base, ...head].filter(low).length;
    const keep = pooledLow * 2 >= base.length + head.length ? low : (v: number) => !low(v);
    const share = (side: readonly number[]) =>
      `${Math.round((100 * side.filter((v) => !keep(v)).length) / side.length)}%`;
    const levels = `${format(modes.low)} and ${format(modes.high)} ${units}`;
    const which = keep === low ? "lower" : "higher";
    const baseKept = base.filter(keep);
    const headKept = head.filter(keep);
    if (baseKept.length < settings.minSamples || headKept.length < settings.minSamples) {
      return inconclusive(`bimodal (levels ${levels}): too few values at one level to compare; not flagged`);
    }
    row.note = `bimodal (levels ${levels}): compared at the ${which} level; time at the other: base ${share(base)}, head ${share(head)}`;
    base.splice(0, base.length, ...baseKept);
    head.splice(0, head.length, ...headKept);
  }
  const baseMedian = median(base);
  const headMedian = median(head);
  if (!(baseMedian > 0) || !(headMedian > 0)) return inconclusive("a median is zero or negative: no ratio");
  row.ratio = headMedian / baseMedian;
  if (settings.resamples > 0) {
    const { low, high } = ratioOfMediansInterval(base, head, {
      confidence: settings.confidence,
      resamples: settings.resamples,
      seed: seedOf(`${input.name}\u0000${input.metric}`),
    });
    row.interval = { low, high };
  }
  row.p = mannWhitneyU(base, head).p;

  const logSpread = input.history ? runToRunSpread(input.history) : undefined;
  if (logSpread !== undefined) {
    row.mde = minimumDetectableEffect(
      logSpread,
      level === "runs" ? input.base.runs.length : 1,
      level === "runs" ? input.head.runs.length : 1,
    );
  }
  return { comparison: row, logSpread };
}

function decide(tested: Tested, q: number, settings: CompareSettings): void {
  decideVerdict(tested, q, settings);
  const row = tested.comparison;
  if (row.note) row.reason = row.reason ? `${row.note}; ${row.reason}` : row.note;
  delete row.note;
}

function decideVerdict({ comparison: row }: Tested, q: number, settings: CompareSettings): void {
  row.q = q;
  const ratio = row.ratio!;
  const magnitude = Math.abs(Math.log(ratio));
  const worse = row.direction === "lower_is_better" ? ratio > 1 : ratio < 1;
  const percent = (x: number) => `${(100 * x).toFixed(1)}%`;
  const floor = row.level === "samples" && row.mde !== null ? Math.max(row.threshold, row.mde) : row.threshold;
  if (q <= settings.fdr && magnitude >= Math.log1p(floor)) {
    row.verdict = worse ? "regressed" : "improved";
    return;
  }
  row.verdict = "unchanged";
  if (q <= settings.fdr && magnitude >= Math.log1p(row.threshold)) {
    row.reason = `within this benchmark's run-to-run noise (detectable: ${percent(row.mde!)})`;
  } else if (q <= settings.fdr) {
    row.reason = `below the ${percent(row.threshold)} threshold`;
  } else if (
    row.interval &&
    Math.max(Math.abs(Math.log(row.interval.low)), Math.abs(Math.log(row.interval.high))) > Math.log1p(floor)
  ) {
    row.verdict = "inconclusive";
    row.reason = `not significant, but the interval allows a change beyond ${percent(floor)}`;
  }
}

/**
 * Two levels count as bimodality when both sides visit both of them (or history does): one
 * side entirely at a new level is a change, not noise.
 */
function bimodality(
  base: readonly number[],
  head: readonly number[],
  history: readonly number[] | undefined,
): Modes | undefined {
  if (history && history.length >= 5) {
    const modes = findModes(history);
    if (modes) return modes;
  }
  const modes = findModes([...base, ...head]);
  if (!modes) return undefined;
  const visitsBoth = (side: readonly number[]) =>
    side.some((v) => v <= modes.boundary) && side.some((v) => v > modes.boundary);
  return visitsBoth(base) && visitsBoth(head) ? modes : undefined;
}

function sideStats(side: ComparisonSide): SideStats {
  const all = side.runs.flat();
  return { runs: side.runs.length, observations: all.length, median: all.length > 0 ? median(all) : NaN };
}

function geometricMean(rows: readonly BenchmarkComparison[]): SuiteComparison["geometricMean"] {
  const usable = rows.filter((r) => r.ratio !== null && r.interval !== null && r.modes === null && !r.muted);
  if (usable.length === 0) return null;
  let sumLog = 0;
  let sumVariance = 0;
  for (const row of usable) {
    const sign = row.direction === "lower_is_better" ? 1 : -1;
    sumLog += sign * Math.log(row.ratio!);
    const se = (Math.log(row.interval!.high) - Math.log(row.interval!.low)) / (2 * 1.96);
    sumVariance += se * se;
  }
  const k = usable.length;
  const center = sumLog / k;
  const halfWidth = (1.96 * Math.sqrt(sumVariance)) / k;
  return { ratio: Math.exp(center), low: Math.exp(center - halfWidth), high: Math.exp(center + halfWidth), count: k };
}

function countVerdicts(rows: readonly BenchmarkComparison[]): SuiteComparison["counts"] {
  const counts = { regressed: 0, improved: 0, unchanged: 0, inconclusive: 0, added: 0, removed: 0, muted: 0 };
  for (const row of rows) {
    if (row.muted) counts.muted++;
    else counts[row.verdict]++;
  }
  return counts;
}

/** FNV-1a: a stable seed per benchmark, so a report prints the same interval every time. */
function seedOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}

function format(value: number): string {
  return Number(value.toPrecision(3)).toString();
}
