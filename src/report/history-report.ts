/**
 * What `report` says about main's history: every change point found, which of them are new
 * (their first bad commit is among the newest commits of the ref), the series too short to
 * judge, as JSON (report.json) and as text and markdown (the job summary).
 */
import {
  formatChange,
  formatMeasurement,
  type ChangePoint,
  type Direction,
  type SeriesReport,
} from "../model/index.js";
import { markdownTable, textTable } from "./format.js";

/** A change point with the series it belongs to, flat for JSON and tables. */
export interface ReportedChange extends ChangePoint {
  benchmark: string;
  metric: string;
  units: string;
  direction: Direction;
  testBed: string;
  fingerprint: string;
  /** Its first bad commit is among the `recent` newest commits of the ref. */
  new: boolean;
}

export interface HistoryReport {
  ref: string;
  generatedAt: number;
  /** How many newest commits of the ref count as new. */
  recent: number;
  /** The newest commit of the ref in the store. */
  latestSha?: string;
  series: number;
  points: number;
  /** Every change point, newest first. */
  changes: ReportedChange[];
  /** Series without detection, and why (too few points). */
  notes: { benchmark: string; metric: string; testBed: string; note: string }[];
  /** Set when the store holds no history of the ref at all. */
  empty?: string;
}

/**
 * The report of a ref's series and their change points. The ref's commits are ordered by
 * commit time over all series; a change point is new when its first bad commit is one of the
 * `recent` newest.
 */
export function historyReport(
  reports: readonly SeriesReport[],
  options: { ref: string; recent: number; generatedAt: number },
): HistoryReport {
  const commits = new Map<string, number>();
  for (const { series } of reports) for (const p of series.points) commits.set(p.sha, p.time);
  const newest = [...commits].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const recentShas = new Set(newest.slice(0, options.recent).map(([sha]) => sha));
  const changes = reports
    .flatMap(({ series, changePoints }) =>
      changePoints.map((cp): ReportedChange => ({
        ...cp,
        benchmark: series.benchmark,
        metric: series.metric,
        units: series.units,
        direction: series.direction,
        testBed: series.testBed,
        fingerprint: series.fingerprint,
        new: recentShas.has(cp.firstBadSha),
      })),
    )
    .sort((a, b) => (commits.get(b.firstBadSha) ?? 0) - (commits.get(a.firstBadSha) ?? 0));
  return {
    ref: options.ref,
    generatedAt: options.generatedAt,
    recent: options.recent,
    ...(newest[0] ? { latestSha: newest[0][0] } : {}),
    series: reports.length,
    points: reports.reduce((sum, r) => sum + r.series.points.length, 0),
    changes,
    notes: reports
      .filter((r) => r.note !== undefined)
      .map((r) => ({
        benchmark: r.series.benchmark,
        metric: r.series.metric,
        testBed: r.series.testBed,
        note: r.note!,
      })),
    ...(reports.length === 0 ? { empty: `no ${options.ref} history yet: nothing to report` } : {}),
  };
}

/** The new regressions, largest first: what the summary and the issues are about. */
export const newRegressions = (report: HistoryReport) =>
  report.changes
    .filter((c) => c.new && c.verdict === "regression")
    .sort((a, b) => Math.abs(b.relativeChange) - Math.abs(a.relativeChange));

const short = (sha: string) => sha.slice(0, 7);
const HEADER = ["benchmark", "metric", "test bed", "change", "interval", "before → after", "commits", "confidence"];

function rows(changes: readonly ReportedChange[], commitRange: (c: ReportedChange) => string): string[][] {
  return changes.map((c) => [
    c.benchmark,
    c.metric,
    c.testBed,
    formatChange(c.relativeChange),
    `${formatChange(c.interval[0])} … ${formatChange(c.interval[1])}`,
    `${formatMeasurement(c.before, c.units)} → ${formatMeasurement(c.after, c.units)}`,
    commitRange(c),
    c.confidence >= 0.999 ? ">99.9%" : `${(100 * c.confidence).toFixed(1)}%`,
  ]);
}

function headline(report: HistoryReport): string {
  if (report.empty) return report.empty;
  const regressions = newRegressions(report).length;
  const improvements = report.changes.filter((c) => c.new && c.verdict === "improvement").length;
  return (
    `${report.series} series, ${report.points} points on ${report.ref}: ${report.changes.length} change points, ` +
    `${regressions} new regression${regressions === 1 ? "" : "s"} and ${improvements} new improvement${improvements === 1 ? "" : "s"} ` +
    `in the newest ${report.recent} commits`
  );
}

export function historyText(report: HistoryReport): string {
  const parts = [headline(report)];
  const regressions = newRegressions(report);
  if (regressions.length) {
    parts.push(
      textTable(
        HEADER,
        rows(regressions, (c) => `${short(c.lastGoodSha)}..${short(c.firstBadSha)}`),
      ),
    );
  }
  if (report.notes.length)
    parts.push(
      `${report.notes.length} series not judged: ${report.notes[0]!.note}${report.notes.length > 1 ? " …" : ""}`,
    );
  return parts.join("\n\n");
}

/** Markdown for the job summary; `compareUrl` links each commit range when the repository is known. */
export function historyMarkdown(
  report: HistoryReport,
  compareUrl?: (lastGood: string, firstBad: string) => string,
): string {
  const parts = [`**${headline(report)}**`];
  const regressions = newRegressions(report);
  if (regressions.length) {
    const range = (c: ReportedChange) => {
      const text = `${short(c.lastGoodSha)}..${short(c.firstBadSha)}`;
      return compareUrl ? `[${text}](${compareUrl(c.lastGoodSha, c.firstBadSha)})` : text;
    };
    parts.push(markdownTable(HEADER, rows(regressions, range)));
  }
  if (report.notes.length) {
    parts.push(
      `<details><summary>${report.notes.length} series not judged</summary>\n\n` +
        report.notes.map((n) => `- ${n.benchmark} ${n.metric} (${n.testBed}): ${n.note}`).join("\n") +
        "\n</details>",
    );
  }
  return parts.join("\n\n");
}
