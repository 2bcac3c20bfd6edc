import { median } from "./median.js";

/**
 * How fast each run went, across the suite: the part of run-to-run noise that belongs to the run.
 *
 * On a shared machine a busy neighbour or a slow CPU slows most benchmarks of a run together
 * (measured here: whole runs 0.73–1.11× of the median run). Runs are blocks, benchmarks are
 * treatments: Tukey's median polish of log run medians (benchmark × run) splits each cell into
 * the benchmark's level, the run's pace and a residual, robust to the one benchmark that really
 * changed. A benchmark is paced by the others only (a leave-one-out median of their residuals in
 * that run): counted in its own runs' paces, it would look quieter than it is, and part of its
 * own change would be taken out as "the run's pace".
 */
export interface RunPaces {
  /** Each run's pace over the whole suite (log scale, 0 for runs too sparse to pace). */
  suite: ReadonlyMap<string, number>;
  /** The pace of `run` as told by every benchmark but `benchmark` (log scale; 0 when unpaced). */
  paceFor(benchmark: number, run: string): number;
}

/** A run is paced only when more than this many benchmarks were measured in it. */
export const MIN_PACED_BENCHMARKS = 5;

const POLISH_ITERATIONS = 10;

/**
 * `cells[b]` maps run ids to benchmark b's log run median in that run. Returns `undefined` when
 * fewer than two runs can be paced: with one paced run there is nothing to pace it against.
 */
export function paceRuns(cells: readonly ReadonlyMap<string, number>[]): RunPaces | undefined {
  const benchmarksOf = new Map<string, number[]>();
  cells.forEach((row, b) => {
    for (const run of row.keys()) benchmarksOf.set(run, [...(benchmarksOf.get(run) ?? []), b]);
  });
  const paced = [...benchmarksOf].filter(([, bs]) => bs.length > MIN_PACED_BENCHMARKS).map(([run]) => run);
  if (paced.length < 2) return undefined;

  const pace = new Map<string, number>(paced.map((run) => [run, 0]));
  const paceOf = (run: string) => pace.get(run) ?? 0;
  let level = cells.map((row) => median([...row.values()]));
  for (let iteration = 0; iteration < POLISH_ITERATIONS; iteration++) {
    for (const run of paced) {
      pace.set(run, median(benchmarksOf.get(run)!.map((b) => cells[b]!.get(run)! - level[b]!)));
    }
    // Paces are relative to the median run: a shift of all of them is the benchmarks' level.
    const center = median([...pace.values()]);
    for (const run of paced) pace.set(run, pace.get(run)! - center);
    level = cells.map((row) => median([...row].map(([run, value]) => value - paceOf(run))));
  }

  // Per run, the residuals of every benchmark sorted once; a leave-one-out median reads them by index.
  const residuals = new Map<string, { sorted: number[]; rank: Map<number, number> }>();
  for (const run of paced) {
    const entries = benchmarksOf
      .get(run)!
      .map((b) => ({ b, r: cells[b]!.get(run)! - level[b]! }))
      .sort((x, y) => x.r - y.r);
    residuals.set(run, { sorted: entries.map((e) => e.r), rank: new Map(entries.map((e, i) => [e.b, i])) });
  }
  return {
    suite: pace,
    paceFor(benchmark, run) {
      const entry = residuals.get(run);
      if (!entry) return 0;
      const own = entry.rank.get(benchmark);
      return own === undefined ? median(entry.sorted) : medianWithout(entry.sorted, own);
    },
  };
}

/** The median of a sorted list with the element at `skip` left out. */
function medianWithout(sorted: readonly number[], skip: number): number {
  const n = sorted.length - 1;
  const at = (i: number) => sorted[i < skip ? i : i + 1]!;
  return n % 2 === 1 ? at((n - 1) / 2) : (at(n / 2 - 1) + at(n / 2)) / 2;
}
