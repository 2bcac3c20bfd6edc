import {
  formatMeasurement,
  type BenchmarkComparison,
  type Direction,
  type Modes,
  type NoiseUsed,
  type PROCESS_FAMILY,
  type SideStats,
  type SuiteComparison,
} from "../model/index.js";
import { ratioOfMediansInterval } from "./bootstrap.js";
import { benjaminiHochberg } from "./fdr.js";
import { mannWhitneyU } from "./mann-whitney.js";
import { normalQuantileOf } from "./normal.js";
import { median, medianInPlace } from "./median.js";
import { findModes } from "./noise.js";
import {
  detectableChange,
  MEDIAN_VARIANCE,
  mean,
  moderated,
  noisePrior,
  pooledSpread,
  runsToSettle,
  type PooledSpread,
} from "./run-noise.js";
import { MIN_PACED_BENCHMARKS, paceRuns } from "./run-pace.js";
import { fitTails, leaveOneOutResiduals } from "./run-tails.js";
import { studentTQuantile, twoSidedP } from "./student-t.js";

/** One side of one benchmark: every run's per-iteration samples (one stored result = one run). */
export interface ComparisonSide {
  runs: readonly (readonly number[])[];
  units: string;
  /**
   * Which run each entry of `runs` is, one id per run, the same id for every benchmark measured
   * in that run: lets main's runs be paced across the suite (run-pace.ts).
   */
  runIds?: readonly string[];
}

export interface ComparisonInput {
  name: string;
  metric: string;
  direction: Direction;
  base?: ComparisonSide;
  head?: ComparisonSide;
  /** The base is main's recent history of runs on the head's fingerprint (not a chosen commit). */
  baseIsHistory?: boolean;
  /**
   * Run medians of the benchmark's recent runs on main, one group per fingerprint of the head's,
   * that are in neither side: they add what is known of its run-to-run noise, never a level.
   */
  noise?: readonly (readonly number[])[];
  /** Set when the two sides cannot be compared at all (e.g. measured on different machines). */
  incomparable?: string;
  /** A harness's process measurements: judged as their own family (see compareSuite). */
  family?: typeof PROCESS_FAMILY;
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
  /** Runs each side needs before the rank test replaces the t test. */
  minSamples: number;
  confidence: number;
  resamples: number;
  policyFor: (name: string) => BenchmarkPolicy;
}

/** Fewest degrees of freedom behind a noise estimate that a verdict is given on. */
const MIN_NOISE_DF = 2;

type Row = BenchmarkComparison & { note?: string };

interface Tested {
  row: Row;
  /** The run-to-run noise pooled from this benchmark's own runs. */
  noise: PooledSpread;
  /** The noise the test used: under the fitted tails, or tempered by the suite's (set by `judge`). */
  judgedNoise?: PooledSpread;
  /** Log run medians the test compares (the t test runs once the suite's noise prior is known). */
  logBase: number[];
  logHead: number[];
  /** main's runs of this benchmark, log run medians per fingerprint: what its tails are learned from. */
  historyLogs: number[][];
  baseRuns: number;
  headRuns: number;
  baseIsHistory: boolean;
  /** For one head run against main's history: the lowest and highest of main's run medians. */
  range?: { low: number; high: number };
  /** For one head run against main's history: which of main's runs each of `logBase` is. */
  baseRunIds?: string[];
}

/** The head run's id when runs are paced (main's ids are the caller's). */
const HEAD_RUN = "\u0000head";

/**
 * Compares two sets of results benchmark by benchmark, then decides across the whole suite.
 *
 * The unit of replication is the run: every test sees one value per run (its median), and the
 * noise it judges a change against is run-to-run noise — from the sides' own runs and, when
 * known, main's history on the same fingerprint. Within-run samples never stand in for it. Per
 * benchmark: a prediction from main's history for one head run, a t test on log run medians for
 * a few runs a side, Mann-Whitney U on run medians for many. One head run is judged under tails
 * learned from main's own runs (run-tails.ts); a few runs a side under noise tempered by the
 * suite's (run-noise.ts). Across the suite: Benjamini-Hochberg over every p-value of a family, so
 * 200 clean benchmarks do not give 10 false alarms. A benchmark is flagged when its q-value passes
 * and its change reaches the practical threshold. The families: the project's benchmarks, and the
 * harness processes the run commands measure beside them (`cargo-bench/<crate>`: wall time, CPU
 * time, peak memory) — three such rows must not raise the bar a real benchmark has to clear.
 */
export function compareSuite(inputs: readonly ComparisonInput[], settings: CompareSettings): SuiteComparison {
  const tested: Tested[] = [];
  const benchmarks = inputs.map((input) => {
    const result = compareOne(input, settings);
    if ("noise" in result && "row" in result) {
      tested.push(result);
      return result.row;
    }
    return finish(result);
  });
  judge(tested, settings);
  // A shift of the whole head run is looked for before pacing, which would take it out.
  const shift = headRunShift(tested);
  const runPace = paceSuite(tested);
  if (runPace) judge(tested, settings);
  const qValues = familyQValues(tested);
  tested.forEach((t) => {
    const { q, familySize } = qValues.get(t)!;
    // What a lone change must reach: BH's threshold for the smallest of m p-values is fdr / m.
    decide(t, q, settings, settings.fdr / familySize);
    if (shift?.moved.has(t) && (t.row.verdict === "regressed" || t.row.verdict === "improved")) {
      t.row.verdict = "inconclusive";
      t.row.reason =
        `the head run was ${shift.direction} across the suite (${shift.moved.size} of ${shift.of} benchmarks): ` +
        `more likely the machine than the code; run the head again to tell`;
    }
    finish(t.row);
  });
  return {
    benchmarks,
    geometricMean: geometricMean(benchmarks, settings.confidence),
    counts: countVerdicts(benchmarks),
    headRunShift: shift ? { direction: shift.direction, benchmarks: shift.moved.size, of: shift.of } : null,
    runPace,
  };
}

/** Benjamini-Hochberg within each family: each tested benchmark's q-value and its family's size. */
function familyQValues(tested: readonly Tested[]): Map<Tested, { q: number; familySize: number }> {
  const families = new Map<string, Tested[]>();
  for (const t of tested) {
    const family = t.row.family ?? "";
    families.set(family, [...(families.get(family) ?? []), t]);
  }
  const qValues = new Map<Tested, { q: number; familySize: number }>();
  for (const members of families.values()) {
    const adjusted = benjaminiHochberg(members.map((t) => t.row.p!));
    members.forEach((t, i) => qValues.set(t, { q: adjusted[i]!, familySize: members.length }));
  }
  return qValues;
}

/**
 * One head run (against main's history, or against one base run with main's noise) is judged
 * under tails learned from main's own runs; a few runs a side under the suite-tempered noise.
 */
function judge(tested: readonly Tested[], settings: CompareSettings): void {
  const singleRun = (t: Tested) =>
    t.row.method === "prediction" || (t.row.method === "t-test" && t.logHead.length === 1 && t.logBase.length === 1);
  const tails = fitTails(tested.filter(singleRun).flatMap((t) => t.historyLogs.flatMap(leaveOneOutResiduals)));
  const prior = noisePrior(tested.filter((t) => t.row.method !== "rank-test").map((t) => t.noise));
  for (const t of tested) {
    if (t.row.method === "rank-test") {
      t.judgedNoise = t.noise;
      continue;
    }
    if (singleRun(t) && tails) {
      t.judgedNoise = { spread: t.noise.spread * tails.scale, df: tails.df };
      t.row.noise = {
        ...t.row.noise!,
        perRun: Math.expm1(t.noise.spread),
        tails: { df: tails.df, scale: tails.scale },
      };
    } else {
      t.judgedNoise = moderated(t.noise, prior);
      t.row.noise = { ...t.row.noise!, perRun: Math.expm1(t.judgedNoise.spread), df: t.judgedNoise.df };
    }
    tTest(t.row, t.logBase, t.logHead, t.judgedNoise, settings, t.row.method === "prediction");
  }
}

/**
 * One head run against main's history, with main's runs known by id: much of a benchmark's
 * run-to-run noise on a shared machine is the run's (a neighbour slows a whole run), so main's
 * runs are taken at the head run's pace, each benchmark paced by the others (run-pace.ts). Only
 * when more than five benchmarks share main's runs; the paced values replace the raw ones.
 */
function paceSuite(tested: readonly Tested[]): SuiteComparison["runPace"] {
  const predicted = tested.filter((t) => t.row.method === "prediction" && t.baseRunIds !== undefined);
  if (predicted.length <= MIN_PACED_BENCHMARKS) return null;
  const cells = predicted.map(
    (t) => new Map([...t.baseRunIds!.map((id, i) => [id, t.logBase[i]!] as const), [HEAD_RUN, t.logHead[0]!]]),
  );
  const paces = paceRuns(cells);
  if (!paces?.suite.has(HEAD_RUN)) return null;
  predicted.forEach((t, b) => {
    const headPace = paces.paceFor(b, HEAD_RUN);
    const runPaces = t.baseRunIds!.map((id) => paces.paceFor(b, id));
    t.logBase = t.logBase.map((value, i) => value - runPaces[i]! + headPace);
    t.historyLogs = [t.logBase];
    t.noise = pooledSpread([t.logBase]);
    t.range = { low: Math.exp(Math.min(...t.logBase)), high: Math.exp(Math.max(...t.logBase)) };
    t.row.noise = { ...t.row.noise!, runPace: Math.expm1(headPace - median(runPaces)) };
  });
  const mainPaces = [...paces.suite].filter(([id]) => id !== HEAD_RUN).map(([, pace]) => pace);
  const typical = median(mainPaces);
  return {
    head: Math.expm1(paces.suite.get(HEAD_RUN)! - typical),
    low: Math.expm1(Math.min(...mainPaces) - typical),
    high: Math.expm1(Math.max(...mainPaces) - typical),
    runs: mainPaces.length,
    benchmarks: predicted.length,
  };
}

/** p below which a benchmark counts as moved when looking for a suite-wide shift. */
const SHIFT_P = 0.01;
/** Share of a single head run's benchmarks that, moved the same way, is a shift of the whole run. */
const SHIFT_SHARE = 0.3;

/**
 * One head run that is slower (or faster) across much of the suite at once is what a busy
 * neighbour does to a shared machine: measured here, about a quarter of runs are slowed 1.1–2.4×
 * on most benchmarks together. A code change rarely moves a third of a suite. With
 * one head run the two cannot be told apart, so such a run's changes are not flagged.
 */
function headRunShift(
  tested: readonly Tested[],
): { direction: "slower" | "faster"; moved: Set<Tested>; of: number } | null {
  const single = tested.filter((t) => t.headRuns === 1);
  const needed = Math.max(3, Math.ceil(SHIFT_SHARE * single.length));
  for (const direction of ["slower", "faster"] as const) {
    const moved = single.filter((t) => t.row.p! < SHIFT_P && isWorse(t.row) === (direction === "slower"));
    if (moved.length >= needed) return { direction, moved: new Set(moved), of: single.length };
  }
  return null;
}

function isWorse(row: BenchmarkComparison): boolean {
  return row.direction === "lower_is_better" ? row.ratio! > 1 : row.ratio! < 1;
}

function compareOne(input: ComparisonInput, settings: CompareSettings): Row | Tested {
  const policy = settings.policyFor(input.name);
  const units = input.head?.units ?? input.base?.units ?? "";
  const base = input.base ? runMedians(input.base) : [];
  const head = input.head ? runMedians(input.head) : [];
  const row: Row = {
    name: input.name,
    metric: input.metric,
    direction: input.direction,
    units,
    verdict: "inconclusive",
    reason: null,
    muted: policy.muted,
    threshold: policy.threshold,
    method: null,
    base: input.base ? plainStats(input.base, base) : null,
    head: input.head ? plainStats(input.head, head) : null,
    ratio: null,
    interval: null,
    p: null,
    q: null,
    mde: null,
    noise: null,
    runsNeeded: null,
    modes: null,
    ...(input.family === undefined ? {} : { family: input.family }),
  };
  if (policy.muted && policy.reason) row.reason = `muted: ${policy.reason}`;
  const inconclusive = (reason: string): Row => ({ ...row, verdict: "inconclusive", reason });
  if (!input.base) return { ...row, verdict: "added" };
  if (!input.head) return { ...row, verdict: "removed" };
  if (input.incomparable) return inconclusive(input.incomparable);
  if (input.base.units !== input.head.units) {
    return inconclusive(`units differ: base in ${input.base.units}, head in ${input.head.units}`);
  }
  if (base.length === 0 || head.length === 0) return inconclusive("a side has no samples");
  const history = (input.noise ?? []).filter((group) => group.length > 0);
  if ([base, head, ...history].some((values) => values.some((v) => !(v > 0)))) {
    return inconclusive("a run median is zero or negative: no ratio");
  }

  // A bimodal benchmark is compared at the level the head sits at, against the base's runs at
  // that level; runs at the other level still tell the noise. A head at either known level is
  // not a change.
  // One head run against main's history is judged against all of main's runs: a head inside
  // their range (at either level of a bimodal benchmark, or as slow as main's slowest run) has
  // been seen on main already and is never flagged.
  const predicting = (input.baseIsHistory ?? false) && head.length === 1;
  // two levels are only told apart with several runs a side: a single run between them proves nothing
  const modes = predicting || base.length < 2 || head.length < 2 ? undefined : bimodality(base, head, history);
  let keep = (_: number) => true;
  if (modes) {
    row.modes = modes;
    const low = (v: number) => v <= modes.boundary;
    const headLow = head.filter(low).length;
    const atLow = headLow * 2 > head.length || (headLow * 2 === head.length && median(head) <= modes.boundary);
    keep = atLow ? low : (v: number) => !low(v);
    const levels = `${formatMeasurement(modes.low, units)} and ${formatMeasurement(modes.high, units)}`;
    const elsewhere = (side: readonly number[]) =>
      `${Math.round((100 * side.filter((v) => !keep(v)).length) / side.length)}%`;
    row.note =
      `bimodal (levels ${levels}): compared at the ${atLow ? "lower" : "higher"} level; ` +
      `runs at the other: base ${elsewhere(base)}, head ${elsewhere(head)}`;
    if (!base.some(keep)) {
      return input.baseIsHistory || history.length > 0
        ? { ...row, verdict: "unchanged", note: `${row.note}; the head is at a level main's history knows` }
        : inconclusive(`${row.note}; the base has no run at the head's level`);
    }
  }
  const split = (values: readonly number[]): [number[], number[]] => [
    values.filter(keep),
    values.filter((v) => !keep(v)),
  ];
  const [baseKept, baseOther] = split(base);
  const [headKept, headOther] = split(head);
  const historyGroups = history.flatMap((group) => split(group));

  row.method = predicting
    ? "prediction"
    : baseKept.length >= settings.minSamples && headKept.length >= settings.minSamples
      ? "rank-test"
      : "t-test";
  const logs = (values: readonly number[]) => values.map(Math.log);
  const logBase = logs(baseKept);
  const logHead = logs(headKept);
  // Every run counts in the noise, slow ones included: on shared machines a quarter of runs can
  // be slowed by a neighbour, and leaving them out would make that look impossible.
  const noise = pooledSpread([logBase, logHead, logs(baseOther), logs(headOther), ...historyGroups.map(logs)]);
  const fromHistory = historyGroups.some((g) => g.length > 1) || (input.baseIsHistory ?? false);
  const fromRuns = [headKept, headOther].some((g) => g.length > 1) || (!input.baseIsHistory && base.length > 1);
  row.base = { runs: base.length, observations: logBase.length, center: NaN };
  row.head = { runs: head.length, observations: logHead.length, center: NaN };
  if (noise.df < MIN_NOISE_DF) {
    row.method = null;
    row.base.center = Math.exp(mean(logBase));
    row.head.center = Math.exp(mean(logHead));
    row.ratio = row.head.center / row.base.center;
    if (base.length === 1 && head.length === 1)
      return inconclusive(
        "one run a side, and main's history does not know this benchmark's run-to-run noise on this machine",
      );
    return inconclusive(
      input.baseIsHistory
        ? `${base.length} run(s) in main's history: too few to know the run-to-run noise; ${MIN_NOISE_DF + 1} are needed`
        : `${base.length} base and ${head.length} head run(s): too few to know the run-to-run noise; ` +
            `${MIN_NOISE_DF + 1} a side are needed`,
    );
  }
  row.noise = {
    perRun: Math.expm1(noise.spread),
    df: noise.df,
    source: fromHistory && fromRuns ? "runs and history" : fromHistory ? "history" : "runs",
  } satisfies NoiseUsed;

  if (row.method === "rank-test") rankTest(row, baseKept, headKept, input, settings);
  return {
    row,
    noise,
    logBase,
    logHead,
    historyLogs: predicting ? [logBase] : historyGroups.map(logs),
    baseRuns: predicting ? logBase.length / MEDIAN_VARIANCE : logBase.length,
    headRuns: logHead.length,
    baseIsHistory: input.baseIsHistory ?? false,
    ...(predicting ? { range: { low: Math.min(...base), high: Math.max(...base) } } : {}),
    ...(predicting && input.base.runIds
      ? { baseRunIds: nonEmpty(input.base).map((i) => input.base!.runIds![i]!) }
      : {}),
  };
}

/** Many runs a side: Mann-Whitney U on run medians, a bootstrap interval on the ratio of their medians. */
function rankTest(row: Row, base: number[], head: number[], input: ComparisonInput, settings: CompareSettings): void {
  row.base!.center = median(base);
  row.head!.center = median(head);
  row.ratio = row.head!.center / row.base!.center;
  row.p = mannWhitneyU(base, head).p;
  if (settings.resamples > 0) {
    row.interval = ratioOfMediansInterval(base, head, {
      confidence: settings.confidence,
      resamples: settings.resamples,
      seed: seedOf(`${input.name}\u0000${input.metric}`),
    });
  }
}

/**
 * Few runs: the difference of mean log run medians over its standard error under the pooled
 * noise. With one head run against main's history this is the prediction interval of the next
 * run of main; with a known noise, even one run a side is judged.
 */
function tTest(
  row: Row,
  base: number[],
  head: number[],
  noise: PooledSpread,
  settings: CompareSettings,
  historyMedian: boolean,
): void {
  // main's history is centred on its median, so that one slow run of main moves nothing
  const baseCenter = historyMedian ? median(base) : mean(base);
  const baseWeight = historyMedian ? MEDIAN_VARIANCE : 1;
  const headMean = mean(head);
  const difference = headMean - baseCenter;
  row.base!.center = Math.exp(baseCenter);
  row.head!.center = Math.exp(headMean);
  row.ratio = Math.exp(difference);
  const standardError = noise.spread * Math.sqrt(baseWeight / base.length + 1 / head.length);
  if (standardError === 0) {
    // a metric with no run-to-run noise (a count): any change is real
    row.p = difference === 0 ? 1 : 0;
    row.interval = { low: row.ratio, high: row.ratio };
    return;
  }
  row.p = twoSidedP(difference / standardError, noise.df);
  const halfWidth = studentTQuantile(1 - (1 - settings.confidence) / 2, noise.df) * standardError;
  row.interval = { low: Math.exp(difference - halfWidth), high: Math.exp(difference + halfWidth) };
}

function decide(tested: Tested, q: number, settings: CompareSettings, alpha: number): void {
  const { row } = tested;
  const noise = tested.judgedNoise!;
  row.q = q;
  if (noise.spread > 0) row.mde = detectableChange(noise, tested.baseRuns, tested.headRuns, alpha);
  const logChange = Math.log(row.ratio!);
  const worse = isWorse(row);
  const percent = (x: number) => `${(100 * x).toFixed(1)}%`;
  const beyondThreshold = Math.abs(logChange) >= Math.log1p(row.threshold);
  const { range } = tested;
  if (
    range &&
    row.head!.center >= range.low &&
    row.head!.center <= range.high &&
    q <= settings.fdr &&
    beyondThreshold
  ) {
    row.verdict = "inconclusive";
    row.reason =
      `main's own runs have been this ${worse === (row.direction === "lower_is_better") ? "slow" : "fast"}` +
      ` (${formatMeasurement(range.low, row.units)} … ${formatMeasurement(range.high, row.units)})`;
  } else if (q <= settings.fdr && beyondThreshold) {
    row.verdict = worse ? "regressed" : "improved";
  } else if (q <= settings.fdr) {
    row.verdict = "unchanged";
    row.reason = `below the ${percent(row.threshold)} threshold`;
  } else if (beyondThreshold) {
    // the change looks big enough to matter, but these runs cannot tell it from noise
    row.verdict = "inconclusive";
    const detectable = row.mde === null ? "" : `, detectable from ${percent(row.mde)}`;
    row.reason = `within the run-to-run noise (${percent(row.noise!.perRun)} a run${detectable})`;
    row.runsNeeded = runsToSettle(logChange, noise, tested.baseRuns, tested.headRuns, alpha, tested.baseIsHistory);
    if (row.runsNeeded) {
      row.reason +=
        row.runsNeeded.side === "head"
          ? `; about ${row.runsNeeded.runs} head runs would settle it`
          : `; about ${row.runsNeeded.runs} runs a side would settle it`;
    }
  } else {
    row.verdict = "unchanged";
  }
}

function finish(row: Row): Row {
  if (row.note) row.reason = row.reason ? `${row.note}; ${row.reason}` : row.note;
  delete row.note;
  return row;
}

/** Each run's median; runs without samples are left out (the commands refuse them earlier). */
function runMedians(side: ComparisonSide): number[] {
  // selection on a copy, not a sort: a suite can hold tens of thousands of runs
  return nonEmpty(side).map((i) => medianInPlace(Float64Array.from(side.runs[i]!)));
}

/** Indices of the runs that hold samples. */
function nonEmpty(side: ComparisonSide): number[] {
  return side.runs.flatMap((run, i) => (run.length > 0 ? [i] : []));
}

/**
 * Two levels count as bimodality when main's history shows them, or when both sides visit both:
 * one side entirely at a new level is a change, not noise.
 */
function bimodality(
  base: readonly number[],
  head: readonly number[],
  history: readonly (readonly number[])[],
): Modes | undefined {
  const known = [...history.flat(), ...(base.length >= 5 ? base : [])];
  if (known.length >= 5) {
    const modes = findModes(known);
    if (modes) return modes;
  }
  const modes = findModes([...base, ...head]);
  if (!modes) return undefined;
  const visitsBoth = (side: readonly number[]) =>
    side.some((v) => v <= modes.boundary) && side.some((v) => v > modes.boundary);
  return visitsBoth(base) && visitsBoth(head) ? modes : undefined;
}

/** Before any test: the runs and the median of every sample, as the input gave them. */
function plainStats(side: ComparisonSide, medians: readonly number[]): SideStats {
  return { runs: side.runs.length, observations: side.runs.length, center: medians.length > 0 ? median(medians) : NaN };
}

function geometricMean(rows: readonly BenchmarkComparison[], confidence: number): SuiteComparison["geometricMean"] {
  // each row's interval is at `confidence`: its log half-width over z is its standard error
  const z = normalQuantileOf(confidence);
  // the project's benchmarks: a harness's wall time and memory are not a benchmark's speed
  const usable = rows.filter(
    (r) => r.ratio !== null && r.interval !== null && r.modes === null && !r.muted && r.family === undefined,
  );
  if (usable.length === 0) return null;
  let sumLog = 0;
  let sumVariance = 0;
  for (const row of usable) {
    const sign = row.direction === "lower_is_better" ? 1 : -1;
    sumLog += sign * Math.log(row.ratio!);
    const se = (Math.log(row.interval!.high) - Math.log(row.interval!.low)) / (2 * z);
    sumVariance += se * se;
  }
  const k = usable.length;
  const center = sumLog / k;
  const halfWidth = (z * Math.sqrt(sumVariance)) / k;
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
