import { formatChange, type BenchmarkComparison, type CompareOutcome } from "../model/index.js";
import { formatMeasurement, markdownTable, textTable } from "./format.js";

/** Finds lance-bench's own PR comment among a pull request's comments (and nobody else's). */
export const COMMENT_MARKER_PREFIX = "<!-- lance-bench:compare";
export const commentMarker = (key: string) => `${COMMENT_MARKER_PREFIX} key=${key} -->`;

/** GitHub refuses comment bodies over 65,536 characters; the full table is cut to fit under this. */
const BODY_BUDGET = 60_000;

const percent = formatChange;
const change = (row: BenchmarkComparison) => (row.ratio === null ? "" : percent(row.ratio - 1));
const interval = (row: BenchmarkComparison) =>
  row.interval ? `${percent(row.interval.low - 1)} … ${percent(row.interval.high - 1)}` : "";
const qValue = (row: BenchmarkComparison) =>
  row.q === null ? "" : row.q < 0.0001 ? "< 0.0001" : row.q.toFixed(row.q < 0.01 ? 4 : 3);
/** The statistic the change is computed from, and over how many runs. */
const side = (row: BenchmarkComparison, which: "base" | "head") => {
  const s = row[which];
  if (!s || !Number.isFinite(s.center)) return "";
  const used = s.observations < s.runs ? `${s.observations} of ${s.runs}` : `${s.runs}`;
  const statistic =
    s.observations === 1 && s.runs === 1
      ? "1 run"
      : row.method === "rank-test" || (row.method === "prediction" && which === "base")
        ? `median of ${used} runs`
        : row.method === null
          ? `${s.runs} run${s.runs === 1 ? "" : "s"}`
          : `geo. mean of ${used} runs`;
  const paced = which === "base" && row.noise?.runPace !== undefined ? ", at the head run's pace" : "";
  return `${formatMeasurement(s.center, row.units)} (${statistic}${paced})`;
};
const noise = (row: BenchmarkComparison) => (row.noise ? `±${(100 * row.noise.perRun).toFixed(1)}%` : "");
const detectable = (row: BenchmarkComparison) => (row.mde === null ? "" : `±${(100 * row.mde).toFixed(1)}%`);

/**
 * Benchmark names are anybody's text: shown as code, with what could end the code span, open
 * HTML (e.g. a forged comment marker) or break a table made harmless.
 */
function name(row: BenchmarkComparison): string {
  const text = row.name.replaceAll("`", "ˋ").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
  return `\`${text}\`${row.metric === "time" ? "" : ` (${row.metric})`}`;
}

const SYMBOL: Record<BenchmarkComparison["verdict"], string> = {
  regressed: "🔴 regressed",
  improved: "🟢 improved",
  unchanged: "unchanged",
  inconclusive: "⚪ inconclusive",
  added: "added",
  removed: "removed",
};

function headline(outcome: CompareOutcome): string {
  const c = outcome.counts;
  const total = outcome.benchmarks.length;
  const parts = [
    `${c.regressed} regression${c.regressed === 1 ? "" : "s"}`,
    `${c.improved} improvement${c.improved === 1 ? "" : "s"}`,
  ];
  if (c.inconclusive > 0) parts.push(`${c.inconclusive} inconclusive`);
  return `${c.regressed > 0 ? "🔴" : "✅"} lance-bench: ${parts.join(", ")} among ${total} benchmark${total === 1 ? "" : "s"}`;
}

const METHODS: Record<NonNullable<BenchmarkComparison["method"]>, string> = {
  prediction:
    "one head run against main's history of runs (a prediction interval, its tails learned from main's own runs)",
  "t-test": "a t test on log run medians, with the noise of both sides' runs and of main's history when known",
  "rank-test": "Mann-Whitney U on run medians, with a bootstrap interval",
};

/** Says what every number in the tables is, and which methods this comparison used. */
function method(outcome: CompareOutcome): string {
  const s = outcome.settings;
  const used = new Map<string, number>();
  for (const row of outcome.benchmarks) if (row.method) used.set(row.method, (used.get(row.method) ?? 0) + 1);
  const methods = [...used].map(([m, n]) => `${n} by ${METHODS[m as keyof typeof METHODS]}`).join("; ");
  const pace = outcome.runPace;
  const paced = pace
    ? `Main's ${pace.runs} runs were paced across the suite (${pace.benchmarks} benchmarks, each paced by the ` +
      `others): the head run went ${percent(pace.head)} against main's typical run, main's runs ` +
      `${percent(pace.low)} … ${percent(pace.high)}, and main's runs are taken at the head run's pace. `
    : "";
  return (
    `Baseline: ${outcome.baseline.description}. ` +
    `The run is the unit of replication: each run counts as its median, and changes are judged ` +
    `against run-to-run noise${methods ? ` (${methods})` : ""}. ` +
    paced +
    `Benjamini-Hochberg across the suite (q ≤ ${s.fdr}); flagged from a ${(100 * s.threshold).toFixed(1)}% change. ` +
    `noise: one run's run-to-run noise; detectable: the smallest change this comparison could find ` +
    `(80% power).`
  );
}

function geometricMean(outcome: CompareOutcome): string {
  const g = outcome.geometricMean;
  if (!g) return "";
  return (
    `Suite geometric mean: **${percent(g.ratio - 1)}** (${percent(g.low - 1)} … ${percent(g.high - 1)}) over ${g.count} ` +
    `benchmark${g.count === 1 ? "" : "s"}, oriented so that + is worse.`
  );
}

const FLAGGED_HEADER = ["benchmark", "base", "head", "change", "95% interval", "q", "noise", "detectable"];
const flaggedRow = (row: BenchmarkComparison) => [
  name(row),
  side(row, "base"),
  side(row, "head"),
  `**${change(row)}**`,
  interval(row),
  qValue(row),
  noise(row),
  detectable(row),
];

const ALL_HEADER = [
  "benchmark",
  "verdict",
  "base",
  "head",
  "change",
  "95% interval",
  "q",
  "noise",
  "detectable",
  "note",
];
const allRow = (row: BenchmarkComparison) => [
  name(row),
  row.muted ? `🔇 muted (${row.verdict})` : SYMBOL[row.verdict],
  side(row, "base"),
  side(row, "head"),
  change(row),
  interval(row),
  qValue(row),
  noise(row),
  detectable(row),
  row.reason ?? "",
];

const ORDER: Record<BenchmarkComparison["verdict"], number> = {
  regressed: 0,
  improved: 1,
  inconclusive: 2,
  added: 3,
  removed: 4,
  unchanged: 5,
};

/**
 * The PR comment and job summary: the headline, regressions first, then improvements, then
 * every benchmark in a collapsed table (cut to fit GitHub's comment limit, saying so).
 */
export function compareMarkdown(outcome: CompareOutcome, options: { marker?: string } = {}): string {
  const active = outcome.benchmarks.filter((row) => !row.muted);
  const regressions = active.filter((row) => row.verdict === "regressed");
  const improvements = active.filter((row) => row.verdict === "improved");
  const parts: string[] = [];
  if (options.marker) parts.push(options.marker);
  parts.push(`### ${headline(outcome)}`, "", method(outcome));
  if (regressions.length > 0)
    parts.push("", "#### Regressions", "", markdownTable(FLAGGED_HEADER, regressions.map(flaggedRow)));
  if (improvements.length > 0)
    parts.push("", "#### Improvements", "", markdownTable(FLAGGED_HEADER, improvements.map(flaggedRow)));
  const gm = geometricMean(outcome);
  if (gm) parts.push("", gm);
  if (outcome.warnings.length > 0) parts.push("", ...outcome.warnings.map((w) => `> ⚠️ ${w.replaceAll("<", "&lt;")}`));
  const sorted = [...outcome.benchmarks].sort(
    (a, b) => ORDER[a.verdict] - ORDER[b.verdict] || a.name.localeCompare(b.name),
  );
  const head = parts.join("\n");
  const rows = sorted.map(allRow);
  let shown = rows.length;
  let table = markdownTable(ALL_HEADER, rows);
  while (head.length + table.length > BODY_BUDGET && shown > 0) {
    shown = Math.floor(shown * 0.8);
    table = markdownTable(ALL_HEADER, rows.slice(0, shown));
  }
  const cut = shown < rows.length ? `\n\n${rows.length - shown} more rows are in the JSON report (\`--json\`).` : "";
  return `${head}\n\n<details><summary>All ${rows.length} benchmarks</summary>\n\n${table}${cut}\n\n</details>\n`;
}

/** The same outcome for a terminal. */
export function compareText(outcome: CompareOutcome): string {
  const sorted = [...outcome.benchmarks].sort(
    (a, b) => ORDER[a.verdict] - ORDER[b.verdict] || a.name.localeCompare(b.name),
  );
  const plain = (row: BenchmarkComparison) =>
    allRow(row).map((cell) => cell.replace(/^`(.*)`/, "$1").replace(/[🔴🟢⚪🔇]\s?/gu, ""));
  const lines = [
    headline(outcome).replace(/^[🔴✅]\s/u, ""),
    method(outcome),
    "",
    textTable(ALL_HEADER, sorted.map(plain)),
  ];
  const gm = geometricMean(outcome);
  if (gm) lines.push("", gm.replaceAll("**", ""));
  if (outcome.warnings.length > 0) lines.push("", ...outcome.warnings.map((w) => `warning: ${w}`));
  return `${lines.join("\n")}\n`;
}
