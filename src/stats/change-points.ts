import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import type { ChangePoint, Series, SeriesPoint, SeriesReport } from "../model/index.js";
import { ratioOfMediansInterval } from "./bootstrap.js";
import { median } from "./median.js";
import { findModes } from "./noise.js";
import { normalSurvival } from "./normal.js";
import { twoSidedP } from "./student-t.js";

/**
 * Change points on main: level shifts in a series of run medians (one point per run, the run
 * being the unit of replication), oldest first.
 *
 * The search is E-Divisive means (Matteson & James; Apache Otava/Hunter use it): within a window
 * the split maximizing the energy statistic with exponent 2 — n₁n₂/n · (mean₁ − mean₂)² on log
 * run medians, so shifts are relative — is tested, and when significant the window is divided
 * there and both halves are searched again. The test is the permutation test of E-Divisive: the
 * largest statistic over every split of the window against the largest over random reorderings
 * of the same values. It assumes nothing about the noise's shape, so a benchmark that jumps
 * between two levels from run to run (docs/architecture.md) is judged against its own mixture, not against
 * a normal law. Seeded by the window, so a report always finds the same points. Shortcuts keep
 * it cheap: a split whose plain z/t test (as if it were the only split tried) is not significant
 * cannot be significant after the search over all splits, one whose Bonferroni-corrected t test
 * is significant is kept without permutations, and permutations stop as soon as the p-value can
 * no longer reach `alpha` (Besag & Clifford's sequential test).
 *
 * Beyond Otava:
 * - **Incremental**: windows grow from the last *confirmed* change point (the anchor) in steps of
 *   STEP points (twice that once a window is 256 runs long, four times from 512), and a change
 *   point is confirmed once CONFIRM points follow it inside a window; changes not yet confirmed
 *   are looked for in the tail (the runs since the last window's end, at least the last TAIL).
 *   Invariant: whether a window confirms a point depends only on the values inside it, which
 *   appending never changes; so the confirmed points and the state after n points are those of a
 *   full pass over the first n points, and an append examines only the windows that end after the
 *   old length, and the tail.
 *   `detectIncremental(previous, appended)` equals `detectChangePoints(all points)` exactly.
 * - **Bimodal benchmarks**: a window found to change is looked at again with its values taken to
 *   a common level when they sit at two levels that interleave in time (foldModes), as compare
 *   does: a different share of slow runs on the two sides is not a change, a shift of both is.
 *   (Only windows already found to change are folded: this removes false changes, it adds no power.)
 * - **Within-run spread**: a shift smaller than the typical within-run standard error of a run
 *   median (from the runs' IQR) is not reported: a single run cannot resolve it.
 * - **Magnitude with an interval**: levels are medians of run medians next to the change (at
 *   most LEVEL_WINDOW runs a side, not crossing another change), with a seeded bootstrap interval
 *   of their ratio.
 */

export interface ChangePointSettings {
  /** Significance level of each split (Otava's CLI default: 0.001). */
  alpha: number;
  /** Fewest runs on each side of a change. */
  minSegment: number;
  /** Smallest relative change reported (0.01 = 1%). */
  minChange: number;
  /** Level of the interval of each relative change. */
  confidence: number;
  /** Bootstrap resamples for that interval (0: the interval is the point estimate). */
  resamples: number;
  /** Most permutations per test (enough for p = 1 / (1 + this) to pass `alpha`). */
  maxPermutations: number;
  seed: number;
}

export const DEFAULT_CHANGE_POINT_SETTINGS: ChangePointSettings = {
  alpha: 0.001,
  minSegment: 4,
  minChange: 0.01,
  confidence: 0.95,
  resamples: 500,
  maxPermutations: 999,
  seed: 0x5eed,
};

/** Windows from the anchor end on a grid of this step. */
export const STEP = 32;
/** Runs that must follow a change inside a window before it is confirmed. */
export const CONFIRM = 24;
/** Changes not yet confirmed are looked for among the last TAIL runs at least. */
export const TAIL = STEP + CONFIRM + 8;

/** How far the window ending at `end` grows next: longer windows grow by more. */
export function windowStep(anchor: number, end: number): number {
  const length = end - anchor;
  return length >= 16 * STEP ? 4 * STEP : length >= 8 * STEP ? 2 * STEP : STEP;
}
/** Most runs a side the before/after levels are taken from. */
export const LEVEL_WINDOW = 50;

/** What an incremental update resumes from: plain data, storable as JSON. */
export interface DetectionState {
  /** Points examined. */
  length: number;
  /** Index of the last confirmed change point (0 when none): where windows start. */
  anchor: number;
  /** End of the next window not examined yet. */
  nextEnd: number;
  /** End of the last window examined (the anchor when none since it). */
  lastEnd: number;
  /** Confirmed change points, oldest first. */
  confirmed: Found[];
  /** For each of the report's change points, the runs its levels were taken from. */
  levels: { lo: number; hi: number }[];
}

interface Found {
  index: number;
  pValue: number;
}

export interface Detection extends SeriesReport {
  state: DetectionState;
}

/** Fewest points a series needs: a change with `minSegment` runs on each side. */
export const minimumPoints = (settings: ChangePointSettings = DEFAULT_CHANGE_POINT_SETTINGS) => 2 * settings.minSegment;

/** Change points of a whole series (its points oldest first). */
export function detectChangePoints(
  series: Series,
  settings: ChangePointSettings = DEFAULT_CHANGE_POINT_SETTINGS,
): Detection {
  const empty: DetectionState = { length: 0, anchor: 0, nextEnd: STEP, lastEnd: 0, confirmed: [], levels: [] };
  // its own copy of the points, which detectIncremental extends in place
  return run({ ...series, points: [...series.points] }, empty, [], settings);
}

/**
 * `previous` (a detection of `previous.series`) extended by `appended` points: only the windows
 * that end after the old length and the last TAIL points are examined. The result equals
 * `detectChangePoints` of the whole series. `previous` is consumed: its points array becomes the
 * result's (keep the result, not `previous`); the series the caller first gave is never touched.
 */
export function detectIncremental(
  previous: Detection,
  appended: readonly SeriesPoint[],
  settings: ChangePointSettings = DEFAULT_CHANGE_POINT_SETTINGS,
): Detection {
  // A detection owns its points (detectChangePoints copies them once): they grow in place, so an
  // append costs what it appends, not a copy of the whole series (1,000 series × 1,000 points
  // copied per append was most of an append's time, in the garbage collector).
  const points = previous.series.points;
  for (const point of appended) points.push(point);
  const series = { ...previous.series, points };
  if (previous.note !== undefined) return detectChangePoints(series, settings);
  return run(series, previous.state, previous.changePoints, settings);
}

function run(
  series: Series,
  from: DetectionState,
  previousPoints: readonly ChangePoint[],
  settings: ChangePointSettings,
): Detection {
  const points = series.points;
  const n = points.length;
  const needed = minimumPoints(settings);
  const state: DetectionState = { ...from, confirmed: [...from.confirmed], length: n };
  if (n < needed) {
    return {
      series,
      changePoints: [],
      note: `${n} run(s) on main: change points need at least ${needed} (${settings.minSegment} on each side of a change)`,
      state: { length: n, anchor: 0, nextEnd: STEP, lastEnd: 0, confirmed: [], levels: [] },
    };
  }
  // the points before `from.length` were checked when they were first examined
  if (points.slice(from.length).some((p) => !(p.median > 0))) {
    return {
      series,
      changePoints: [],
      note: "a run median is zero or negative: no relative change",
      state: { length: n, anchor: 0, nextEnd: STEP, lastEnd: 0, confirmed: [], levels: [] },
    };
  }
  // no window starts before the anchor, and without a window due only the tail is looked at
  const tailFrom = (s: DetectionState) => Math.max(s.anchor, Math.min(n - TAIL, s.lastEnd - CONFIRM - 8));
  const base = state.nextEnd <= n ? state.anchor : tailFrom(state);
  const search = new Search(points, base, settings);

  // windows from the anchor: each confirms the leftmost change with CONFIRM runs after it
  while (state.nextEnd <= n) {
    const end = state.nextEnd;
    const found: Found[] = [];
    search.segment(state.anchor, end, found);
    const confirmed = found.filter((f) => end - f.index >= CONFIRM).sort((a, b) => a.index - b.index)[0];
    if (confirmed) {
      state.confirmed.push(confirmed);
      state.anchor = confirmed.index;
      state.nextEnd = confirmed.index + STEP;
      state.lastEnd = confirmed.index;
    } else {
      state.nextEnd = end + windowStep(state.anchor, end);
      state.lastEnd = end;
    }
  }
  const tail: Found[] = [];
  // the tail's changes are provisional (a window confirms them later, with the permutation test):
  // only those the conservative Bonferroni test already settles are reported, so that an append
  // never pays for permutations of the tail
  search.segment(tailFrom(state), n, tail, false);
  tail.sort((a, b) => a.index - b.index);
  const found = [...state.confirmed, ...tail];

  // each change's levels and interval; one whose runs and p-value are unchanged is reused
  const reusable = new Map<string, ChangePoint>();
  previousPoints.forEach((cp, i) => {
    const levels = from.levels[i];
    if (levels) reusable.set(`${levels.lo} ${cp.index} ${levels.hi} ${cp.pValue}`, cp);
  });
  const changePoints: ChangePoint[] = [];
  state.levels = [];
  found.forEach((f, i) => {
    const lo = Math.max(i > 0 ? found[i - 1]!.index : 0, f.index - LEVEL_WINDOW);
    const hi = Math.min(i + 1 < found.length ? found[i + 1]!.index : n, f.index + LEVEL_WINDOW);
    state.levels.push({ lo, hi });
    changePoints.push(reusable.get(`${lo} ${f.index} ${hi} ${f.pValue}`) ?? describe(series, f, lo, hi, settings));
  });
  return { series, changePoints, state };
}

/** The within-run standard error of a run's median on the log scale, from its IQR (0 if unknown). */
function withinRunError(point: SeriesPoint): number {
  if (!(point.q1 > 0) || !(point.q3 >= point.q1) || !(point.n >= 1)) return 0;
  const sigma = (Math.log(point.q3) - Math.log(point.q1)) / 1.349;
  return (Math.sqrt(Math.PI / 2) * sigma) / Math.sqrt(point.n);
}

function describe(series: Series, found: Found, lo: number, hi: number, settings: ChangePointSettings): ChangePoint {
  const medians = series.points.map((p) => p.median);
  const beforeRuns = medians.slice(lo, found.index);
  const afterRuns = medians.slice(found.index, hi);
  const before = median(beforeRuns);
  const after = median(afterRuns);
  const relativeChange = after / before - 1;
  let interval: [number, number] = [relativeChange, relativeChange];
  if (settings.resamples > 0) {
    const ratio = ratioOfMediansInterval(beforeRuns, afterRuns, {
      confidence: settings.confidence,
      resamples: settings.resamples,
      seed: mix(settings.seed, found.index, hi),
    });
    interval = [ratio.low - 1, ratio.high - 1];
  }
  const worse = series.direction === "lower_is_better" ? after > before : after < before;
  return {
    index: found.index,
    lastGoodSha: series.points[found.index - 1]!.sha,
    firstBadSha: series.points[found.index]!.sha,
    before,
    after,
    relativeChange,
    interval,
    verdict: worse ? "regression" : "improvement",
    pValue: found.pValue,
    confidence: 1 - found.pValue,
  };
}

interface Split {
  index: number;
  statistic: number;
  /** Difference of the two sides' mean log values. */
  difference: number;
}

/**
 * The windows' searches over one series. Log values and within-run errors are computed for the
 * points a window covers, when first needed: an incremental update touches only recent ones.
 */
/**
 * Working arrays shared by every search (detection is synchronous, one search at a time):
 * allocating typed arrays per call cost more than an incremental update's whole search.
 */
let pool = {
  values: new Float64Array(0),
  floors: new Float64Array(0),
  ready: new Uint8Array(0),
  buffer: new Float64Array(0),
};

function workingArrays(size: number): typeof pool {
  if (pool.values.length < size) {
    const capacity = 2 ** Math.ceil(Math.log2(Math.max(64, size)));
    pool = {
      values: new Float64Array(capacity),
      floors: new Float64Array(capacity),
      ready: new Uint8Array(capacity),
      buffer: new Float64Array(capacity),
    };
  }
  pool.ready.fill(0, 0, size);
  return pool;
}

class Search {
  private readonly buffer: Float64Array;
  private readonly values: Float64Array;
  private readonly floors: Float64Array;
  private readonly ready: Uint8Array;
  /** Entry i of the arrays is point base + i: no window starts before `base`. */
  constructor(
    private readonly points: readonly SeriesPoint[],
    private readonly base: number,
    private readonly settings: ChangePointSettings,
  ) {
    ({
      values: this.values,
      floors: this.floors,
      ready: this.ready,
      buffer: this.buffer,
    } = workingArrays(points.length - base));
  }

  private prepare(lo: number, hi: number): void {
    if (lo < this.base) throw new Error(`change points: window [${lo}, ${hi}) starts before ${this.base}`);
    for (let i = lo - this.base; i < hi - this.base; i++) {
      if (this.ready[i]) continue;
      const point = this.points[i + this.base]!;
      this.values[i] = Math.log(point.median);
      this.floors[i] = NaN;
      this.ready[i] = 1;
    }
  }

  /** The median within-run error of the runs [lo, hi) (computed only for windows that get this far). */
  private floor(lo: number, hi: number): number {
    for (let i = lo - this.base; i < hi - this.base; i++) {
      if (Number.isNaN(this.floors[i]!)) this.floors[i] = withinRunError(this.points[i + this.base]!);
    }
    return median(this.floors.subarray(lo - this.base, hi - this.base));
  }

  /** Divides [lo, hi) at every significant split, pushing them to `found`. */
  segment(lo: number, hi: number, found: Found[], permute = true): void {
    const m = this.settings.minSegment;
    if (hi - lo < 2 * m) return;
    this.prepare(lo, hi);
    const window = this.values.subarray(lo - this.base, hi - this.base);
    let split = bestSplit(window, m);
    let pValue = this.test(window, lo, hi, split, permute);
    if (pValue > this.settings.alpha) return;
    // A benchmark that jumps between two levels from run to run (interleaved, not one level and
    // then the other) is judged on its values taken to a common level, as compare does: a share of
    // slow runs that happens to differ between the two sides is not a change; a shift of both is.
    const folded = foldModes(window);
    if (folded) {
      split = bestSplit(folded, m);
      pValue = this.test(folded, lo, hi, split, permute);
      if (pValue > this.settings.alpha) return;
    }
    const index = lo + split.index;
    found.push({ index, pValue });
    this.segment(lo, index, found, permute);
    this.segment(index, hi, found, permute);
  }

  /** The p-value of the best split of `window` (the values [lo, hi)); 1 when the shift is below the floor. */
  private test(window: Float64Array, lo: number, hi: number, split: Split, permute: boolean): number {
    const { alpha, minChange, minSegment, maxPermutations } = this.settings;
    const shift = Math.abs(split.difference);
    if (shift < Math.log1p(minChange)) return 1;
    const n = window.length;
    let sum = 0;
    let squares = 0;
    for (let i = 0; i < n; i++) {
      sum += window[i]!;
      squares += window[i]! ** 2;
    }
    const within = (squares - (sum * sum) / n - split.statistic) / (n - 2);
    if (!(within > 1e-300)) return split.statistic > 0 ? 0 : 1;
    // Student's t is wider than the normal: a split the normal does not find significant, t does not either
    const z2 = split.statistic / within;
    const normalP = 2 * normalSurvival(Math.sqrt(z2));
    const splits = n - 2 * minSegment + 1;
    if (normalP > alpha || (!permute && normalP * splits > alpha)) return 1;
    const plain = twoSidedP(Math.sqrt(split.statistic / within), n - 2);
    if (plain > alpha) return plain;
    if (shift < this.floor(lo, hi)) return 1;
    if (plain * splits <= alpha || !permute) return Math.min(1, plain * splits);

    const buffer = this.buffer.subarray(0, n);
    buffer.set(window);
    const rng = xoroshiro128plus(mix(this.settings.seed, lo, hi));
    const observed = split.statistic * (1 - 1e-12);
    let exceeded = 0;
    for (let k = 1; k <= maxPermutations; k++) {
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(((rng.next() >>> 0) / 4294967296) * (i + 1));
        const t = buffer[i]!;
        buffer[i] = buffer[j]!;
        buffer[j] = t;
      }
      // once (exceeded + 1) / (maxPermutations + 1) is past alpha, no more permutations can bring it back
      if (maxStatistic(buffer, minSegment) >= observed && (++exceeded + 1) / (maxPermutations + 1) > alpha) {
        return Math.max(exceeded / k, (exceeded + 1) / (maxPermutations + 1));
      }
    }
    return (exceeded + 1) / (maxPermutations + 1);
  }
}

/**
 * For a window whose values sit at two levels that interleave in time (findModes' levels, with
 * runs switching between them at least a quarter as often as the rarer level is visited, and at
 * least MIN_SWITCHES times): each log value minus its level's. Otherwise undefined — one level,
 * or two levels one after the other, which is a change.
 */
export function foldModes(window: Float64Array): Float64Array | undefined {
  const modes = findModes(Array.from(window, Math.exp));
  if (!modes) return undefined;
  const boundary = Math.log(modes.boundary);
  let switches = 0;
  let low = 0;
  for (let i = 0; i < window.length; i++) {
    if (window[i]! <= boundary) low++;
    if (i > 0 && window[i]! <= boundary !== window[i - 1]! <= boundary) switches++;
  }
  const rarer = Math.min(low, window.length - low);
  if (switches < MIN_SWITCHES || switches < rarer / 4) return undefined;
  const lowLevel = Math.log(modes.low);
  const highLevel = Math.log(modes.high);
  return window.map((v) => v - (v <= boundary ? lowLevel : highLevel));
}

/** Fewest switches between two levels for them to count as one benchmark's two modes. */
const MIN_SWITCHES = 4;

/** The split of `values` with the largest n₁n₂/n · (mean₁ − mean₂)², each side at least `m` long. */
function bestSplit(values: Float64Array, m: number): Split {
  const n = values.length;
  let total = 0;
  for (let i = 0; i < n; i++) total += values[i]!;
  let prefix = 0;
  for (let i = 0; i < m - 1; i++) prefix += values[i]!;
  const best: Split = { index: m, statistic: -1, difference: 0 };
  for (let tau = m; tau <= n - m; tau++) {
    prefix += values[tau - 1]!;
    const d = prefix * n - tau * total;
    const statistic = (d * d) / (n * tau * (n - tau));
    if (statistic > best.statistic) {
      best.index = tau;
      best.statistic = statistic;
      best.difference = (total - prefix) / (n - tau) - prefix / tau;
    }
  }
  return best;
}

function maxStatistic(values: Float64Array, m: number): number {
  const n = values.length;
  let total = 0;
  for (let i = 0; i < n; i++) total += values[i]!;
  let prefix = 0;
  for (let i = 0; i < m - 1; i++) prefix += values[i]!;
  let best = 0;
  for (let tau = m; tau <= n - m; tau++) {
    prefix += values[tau - 1]!;
    const d = prefix * n - tau * total;
    const statistic = (d * d) / (tau * (n - tau));
    if (statistic > best) best = statistic;
  }
  return best / n;
}

/** A seed per (seed, a, b): FNV-1a over the three integers. */
function mix(seed: number, a: number, b: number): number {
  let hash = 0x811c9dc5;
  for (const v of [seed, a, b]) {
    for (let k = 0; k < 4; k++) {
      hash ^= (v >>> (8 * k)) & 0xff;
      hash = Math.imul(hash, 0x01000193);
    }
  }
  return hash | 0;
}
