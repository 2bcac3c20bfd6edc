/**
 * The history of main as series, one per benchmark, metric and test bed (fingerprint), one
 * point per commit in commit-time order: what change-point detection and the dashboard read.
 * The run is the unit of replication: a point is a run's median (and its within-run quartiles),
 * never the pooled samples; several runs at one commit (repetitions) are summarized by the
 * median of their medians.
 */
import type { Result, Series, SeriesPoint } from "../model/index.js";

/** A stored run as the history needs it (no samples). */
export type HistoryRow = Pick<
  Result,
  | "sha"
  | "benchmark_name"
  | "metric"
  | "units"
  | "direction"
  | "fingerprint"
  | "test_bed"
  | "dut"
  | "summary"
  | "timestamp"
>;

/** A run with its summary (ok runs always have one). */
type MeasuredRow = HistoryRow & { summary: NonNullable<HistoryRow["summary"]> };

export const seriesKey = (benchmark: string, metric: string, fingerprint: string) =>
  `${benchmark}\u0000${metric}\u0000${fingerprint}`;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Series from stored rows (any order), each oldest commit first; series sorted by benchmark, metric. */
export function historySeries(rows: readonly HistoryRow[]): Series[] {
  const groups = new Map<string, { series: Omit<Series, "points">; runs: Map<string, MeasuredRow[]> }>();
  for (const row of rows.filter((r): r is MeasuredRow => r.summary !== null)) {
    const key = seriesKey(row.benchmark_name, row.metric, row.fingerprint);
    let group = groups.get(key);
    if (!group) {
      group = {
        series: {
          key,
          benchmark: row.benchmark_name,
          metric: row.metric,
          units: row.units,
          direction: row.direction,
          fingerprint: row.fingerprint,
          testBed: row.test_bed.name,
        },
        runs: new Map(),
      };
      groups.set(key, group);
    }
    const runs = group.runs.get(row.sha) ?? [];
    runs.push(row);
    group.runs.set(row.sha, runs);
  }
  const series = [...groups.values()].map(({ series, runs }) => {
    const points: (SeriesPoint & { uploaded: number })[] = [...runs.values()].map((atCommit) => ({
      sha: atCommit[0]!.sha,
      time: atCommit[0]!.dut.timestamp,
      version: atCommit[0]!.dut.version,
      median: median(atCommit.map((r) => r.summary.median)),
      q1: median(atCommit.map((r) => r.summary.q1)),
      q3: median(atCommit.map((r) => r.summary.q3)),
      n: atCommit.length,
      uploaded: Math.min(...atCommit.map((r) => r.timestamp)),
    }));
    // commit time orders main; two commits in one second keep the order they were measured in
    points.sort((a, b) => a.time - b.time || a.uploaded - b.uploaded || a.sha.localeCompare(b.sha));
    return { ...series, points: points.map(({ uploaded: _, ...point }) => point) };
  });
  return series.sort(
    (a, b) => a.benchmark.localeCompare(b.benchmark) || a.metric.localeCompare(b.metric) || a.key.localeCompare(b.key),
  );
}
