/**
 * The dashboard's data files: compact, columnar JSON the page fetches.
 *
 * - `data/index.json`: the repository, the compare-link base, the commit table shared by all
 *   series (sha, time, version: one row per commit on main, so no series repeats a 40-hex sha),
 *   one row per series (names, units, direction, test bed, point count, latest change point)
 *   and the recent regressions, largest relative change first.
 * - `data/series/<id>.json`, one per series, fetched when its chart scrolls into view: commit
 *   indices and medians delta-encoded as integers in a per-series quantum of 10^e (four
 *   significant digits of the series' largest median), the IQR band as offsets from the median
 *   in the same quantum, and the change points.
 *
 * Integers and deltas rather than floats: at 1,000 series × 1,000 points the float form is
 * ~30 MB raw; this form gzips to a few MB (bench/dashboard.ts measures it).
 */
import { createHash } from "node:crypto";
import type { ChangePoint, SeriesReport } from "../../model/report.js";

export interface DashboardInfo {
  /** `owner/name`. */
  repository: string;
  /** Default https://github.com. */
  serverUrl?: string;
  /** When the report was made (unix seconds, like SeriesPoint.time): "recent" counts back from it. */
  generatedAt: number;
}

/** A regression counts as recent when its first bad commit is at most this old. */
export const RECENT_SECONDS = 30 * 24 * 3600;
/** At most this many rows in the regressions table. */
export const MAX_REGRESSIONS = 200;

export interface CompactChange {
  /** Index of the first point after the change. */
  i: number;
  before: number;
  after: number;
  /** Relative change, its interval, confidence: rounded to 4 significant digits. */
  rc: number;
  lo: number;
  hi: number;
  conf: number;
  verdict: ChangePoint["verdict"];
  good: string;
  bad: string;
}

export interface IndexRow {
  id: string;
  key: string;
  benchmark: string;
  metric: string;
  units: string;
  direction: string;
  testBed: string;
  points: number;
  changes: number;
  latest: CompactChange | null;
  note?: string;
}

export interface RegressionRow extends CompactChange {
  id: string;
  benchmark: string;
  metric: string;
  testBed: string;
  /** The first bad commit's time. */
  time: number;
}

export interface IndexFile {
  repository: string;
  /** `{serverUrl}/{repository}/compare/`: a change's link is this + `good...bad`. */
  compareBase: string;
  generatedAt: number;
  commits: { sha: string[]; time: number[]; version: string[] };
  series: IndexRow[];
  regressions: RegressionRow[];
}

export interface SeriesFile {
  id: string;
  /** The quantum's exponent: a value is its integer × 10^e. */
  e: number;
  /** Delta-encoded indices into the commit table. */
  c: number[];
  /** Delta-encoded medians, in quanta. */
  m: number[];
  /** median − q1 and q3 − median, in quanta. */
  lo: number[];
  hi: number[];
  cp: CompactChange[];
}

/** The series' file name stem: stable across reports, safe in URLs. */
export const seriesId = (key: string) => createHash("sha256").update(key).digest("hex").slice(0, 16);

const sig4 = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(4)) : 0);

function compact(cp: ChangePoint): CompactChange {
  return {
    i: cp.index,
    before: sig4(cp.before),
    after: sig4(cp.after),
    rc: sig4(cp.relativeChange),
    lo: sig4(cp.interval[0]),
    hi: sig4(cp.interval[1]),
    conf: sig4(cp.confidence),
    verdict: cp.verdict,
    good: cp.lastGoodSha,
    bad: cp.firstBadSha,
  };
}

/** The exponent of a quantum giving four significant digits at the largest magnitude. */
export function quantumExponent(values: readonly number[]): number {
  let max = 0;
  for (const v of values) if (Number.isFinite(v)) max = Math.max(max, Math.abs(v));
  return max > 0 ? Math.floor(Math.log10(max)) - 3 : 0;
}

/** value / 10^e, as an integer, without the float error of multiplying by 10^-e. */
const toQuanta = (v: number, e: number) => Math.round(e >= 0 ? v / 10 ** e : v * 10 ** -e);

function deltas(values: readonly number[]): number[] {
  const out = new Array<number>(values.length);
  let prev = 0;
  for (let i = 0; i < values.length; i++) {
    out[i] = values[i]! - prev;
    prev = values[i]!;
  }
  return out;
}

export interface DashboardData {
  index: IndexFile;
  series: SeriesFile[];
}

/** The index and per-series files for `reports`. */
export function dashboardData(reports: readonly SeriesReport[], info: DashboardInfo): DashboardData {
  // the commit table: every commit of every series, oldest first
  const commitTime = new Map<string, { time: number; version: string }>();
  for (const { series } of reports)
    for (const p of series.points)
      if (!commitTime.has(p.sha)) commitTime.set(p.sha, { time: p.time, version: p.version });
  const shas = [...commitTime.keys()].sort((a, b) => commitTime.get(a)!.time - commitTime.get(b)!.time);
  const commitIndex = new Map(shas.map((sha, i) => [sha, i]));
  const commits = {
    sha: shas,
    time: shas.map((s) => commitTime.get(s)!.time),
    version: shas.map((s) => commitTime.get(s)!.version),
  };

  const serverUrl = (info.serverUrl ?? "https://github.com").replace(/\/+$/, "");
  const rows: IndexRow[] = [];
  const files: SeriesFile[] = [];
  const regressions: RegressionRow[] = [];
  const seen = new Set<string>();
  for (const { series, changePoints, note } of reports) {
    const id = seriesId(series.key);
    if (seen.has(id)) throw new Error(`two series share the key ${JSON.stringify(series.key)}`);
    seen.add(id);
    const cps = [...changePoints].sort((a, b) => a.index - b.index).map(compact);
    const latest = cps.at(-1) ?? null;
    rows.push({
      id,
      key: series.key,
      benchmark: series.benchmark,
      metric: series.metric,
      units: series.units,
      direction: series.direction,
      testBed: series.testBed,
      points: series.points.length,
      changes: cps.length,
      latest,
      ...(note ? { note } : {}),
    });
    const e = quantumExponent(series.points.map((p) => p.median));
    const m = series.points.map((p) => toQuanta(p.median, e));
    files.push({
      id,
      e,
      c: deltas(series.points.map((p) => commitIndex.get(p.sha)!)),
      m: deltas(m),
      lo: series.points.map((p, i) => m[i]! - toQuanta(p.q1, e)),
      hi: series.points.map((p, i) => toQuanta(p.q3, e) - m[i]!),
      cp: cps,
    });
    for (const cp of cps) {
      const time = series.points[cp.i]?.time ?? commitTime.get(cp.bad)?.time ?? 0;
      if (cp.verdict !== "regression" || time < info.generatedAt - RECENT_SECONDS) continue;
      regressions.push({
        ...cp,
        id,
        benchmark: series.benchmark,
        metric: series.metric,
        testBed: series.testBed,
        time,
      });
    }
  }
  regressions.sort((a, b) => Math.abs(b.rc) - Math.abs(a.rc) || b.time - a.time);
  return {
    index: {
      repository: info.repository,
      compareBase: `${serverUrl}/${info.repository}/compare/`,
      generatedAt: info.generatedAt,
      commits,
      series: rows,
      regressions: regressions.slice(0, MAX_REGRESSIONS),
    },
    series: files,
  };
}

/** The compare link of a change: the suspect commits are (good, bad]. */
export const compareUrl = (index: Pick<IndexFile, "compareBase">, cp: Pick<CompactChange, "good" | "bad">) =>
  `${index.compareBase}${cp.good}...${cp.bad}`;
