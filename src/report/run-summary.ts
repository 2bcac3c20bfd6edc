import { PROCESS_METRICS } from "../model/index.js";
import { markdownTable, scaleMeasurement, textTable } from "./format.js";
import { publishMarkdown, publishText, type PublishedBenchmark } from "./publish-summary.js";

/** What the run-rust report needs (kept structural so report/ imports no command). */
export interface RunReport {
  sha: string;
  /** Runs of the head (of each side, in an A/B), when more than one. */
  repetitions?: number | undefined;
  /** Same-runner A/B: the base commit. */
  baseSha?: string | undefined;
  toolchain: string;
  crates: {
    path: string;
    status: "ok" | "failed";
    error?: string;
    results: number;
    resultsFile?: string;
    cacheHit?: string;
    cache?: CacheReport;
    runner: string;
    durationMs: number;
    /** Each run's `cargo bench` process tree. */
    processes?: ProcessRunReport[];
  }[];
  published?: { rowsWritten: number; rowsAlreadyStored: number; db: string; benchmarks: PublishedBenchmark[] };
  profile?: ProfileReport;
}

/** What the build cache did for each side of a run (structural, as the command reports it). */
export interface CacheReport {
  head: SideCacheReport;
  base?: SideCacheReport | undefined;
}

export interface SideCacheReport {
  key: string;
  restored: "hit" | "partial" | "copy-of-head" | "miss";
  from?: string | undefined;
  saved: boolean;
  saveError?: string | undefined;
}

const RESTORED: Record<SideCacheReport["restored"], string> = {
  hit: "hit",
  partial: "partial hit",
  "copy-of-head": "copy of head",
  miss: "miss",
};

/** The short form, for a table cell or a log line: "hit", or "head hit, base miss". */
export function cacheStatus(cache: CacheReport): string {
  if (!cache.base) return RESTORED[cache.head.restored];
  return `head ${RESTORED[cache.head.restored]}, base ${RESTORED[cache.base.restored]}`;
}

/** One side in full: where its build came from and whether it was saved. */
export function sideCacheText(side: SideCacheReport): string {
  const restored =
    side.restored === "hit"
      ? `hit (${side.key})`
      : side.restored === "partial"
        ? `partial hit (${side.from}, for ${side.key})`
        : side.restored === "copy-of-head"
          ? `no entry of its own, a copy of the head's (${side.from})`
          : `miss (${side.key})`;
  const saved =
    side.saveError !== undefined
      ? ` → not saved: ${side.saveError}`
      : side.saved
        ? side.restored === "hit"
          ? " → saved"
          : ` → saved as ${side.key}`
        : side.restored === "hit"
          ? "" // the entry is there already (GitHub's entries are immutable)
          : " → not saved (the entry exists already, or the cache refused it)";
  return `${restored}${saved}`;
}

/** What the build cache did for each crate: one line, or one per side in an A/B. */
function cacheLines(report: RunReport): string[] {
  return report.crates.flatMap((c) => {
    if (!c.cache) return [];
    if (!c.cache.base) return [`build cache of ${c.path}: ${sideCacheText(c.cache.head)}`];
    return [
      `build cache of ${c.path}:`,
      `  head: ${sideCacheText(c.cache.head)}`,
      `  base: ${sideCacheText(c.cache.base)}`,
    ];
  });
}

/** One run of a benchmark's process tree, as the run commands report it (structural). */
export interface ProcessRunReport {
  benchmark: string;
  repetition: number;
  role?: "base" | "head" | undefined;
  wallSeconds: number;
  cpuSeconds?: number | undefined;
  peakRssBytes?: number | undefined;
}

const PROCESS_HEADER = ["process", "runs", "wall", "cpu", "peak rss"];

const medianOf = (values: readonly number[]): number | undefined => {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/**
 * The benchmark processes of a run, one row per process (and side of an A/B), each the median
 * over its runs: a few lines however many runs there were, apart from the benchmarks' own table.
 */
function processRows(runs: readonly ProcessRunReport[]): string[][] {
  const groups = new Map<string, ProcessRunReport[]>();
  for (const run of runs) {
    const label = run.role === undefined ? run.benchmark : `${run.benchmark} (${run.role})`;
    groups.set(label, [...(groups.get(label) ?? []), run]);
  }
  const defined = (values: (number | undefined)[]) => values.filter((v): v is number => v !== undefined);
  return [...groups].map(([label, group]) => [
    label,
    String(group.length),
    secs(medianOf(group.map((r) => r.wallSeconds))),
    secs(medianOf(defined(group.map((r) => r.cpuSeconds)))),
    mib(medianOf(defined(group.map((r) => r.peakRssBytes)))),
  ]);
}

const PROCESS_TITLE = "benchmark processes, whole process tree (median over runs):";

function processText(runs: readonly ProcessRunReport[]): string[] {
  return runs.length ? [`${PROCESS_TITLE}\n${textTable(PROCESS_HEADER, processRows(runs))}`] : [];
}

function processMarkdown(runs: readonly ProcessRunReport[]): string[] {
  return runs.length
    ? [
        `Benchmark processes, whole process tree (median over runs):\n\n${markdownTable(PROCESS_HEADER, processRows(runs))}`,
      ]
    : [];
}

/** The published table's rows without the processes' (their own section shows them, with their units). */
function benchmarkRows(published: readonly PublishedBenchmark[], runs: readonly ProcessRunReport[]) {
  const processes = new Set(runs.map((r) => r.benchmark));
  return published.filter((b) => !(processes.has(b.name) && Object.hasOwn(PROCESS_METRICS, b.metric)));
}

export type ProfileReport = { benchmark: string } & (
  { status: "recorded"; svg: string } | { status: "skipped"; reason: string }
);

/**
 * How many runs each benchmark had, when more than one: the head's repetitions ("3 runs of
 * each benchmark"), or a same-runner A/B's. Nothing for a single run.
 */
export function runsLine(report: { repetitions?: number | undefined; baseSha?: string | undefined }): string[] {
  const runs = report.repetitions ?? 1;
  if (report.baseSha !== undefined) {
    return [`same-runner A/B against ${report.baseSha.slice(0, 12)}: ${runs} runs of each side, alternating`];
  }
  return runs > 1 ? [`${runs} runs of each benchmark, each its own result`] : [];
}

/** One line on the flamegraph request, if there was one. */
export function profileLine(profile: ProfileReport | undefined): string[] {
  if (!profile) return [];
  return [
    profile.status === "recorded"
      ? `flamegraph of ${profile.benchmark}: ${profile.svg}`
      : `no flamegraph of ${profile.benchmark}: ${profile.reason}`,
  ];
}

const HEADER = ["crate", "status", "results", "build cache", "runner", "time"];

function crateRows(report: RunReport): string[][] {
  return report.crates.map((c) => [
    c.path,
    c.status,
    String(c.results),
    c.cache ? cacheStatus(c.cache) : c.cacheHit ? "hit" : "miss",
    c.runner,
    `${(c.durationMs / 1000).toFixed(1)} s`,
  ]);
}

function failures(report: RunReport): string[] {
  return report.crates.filter((c) => c.status === "failed").map((c) => `${c.path}: ${c.error ?? "failed"}`);
}

const crateProcesses = (report: RunReport) => report.crates.flatMap((c) => c.processes ?? []);

export function runRustText(report: RunReport): string {
  const parts = [
    [`commit ${report.sha} (${report.toolchain})`, ...runsLine(report)].join("\n"),
    [textTable(HEADER, crateRows(report)), ...cacheLines(report)].join("\n"),
    ...processText(crateProcesses(report)),
  ];
  for (const failure of failures(report)) parts.push(`FAILED ${failure}`);
  parts.push(...profileLine(report.profile));
  if (report.published) {
    parts.push(publishText(benchmarkRows(report.published.benchmarks, crateProcesses(report))));
    parts.push(
      `published ${report.published.rowsWritten} rows (${report.published.rowsAlreadyStored} already stored) to ${report.published.db}`,
    );
  } else {
    parts.push(
      `results files: ${report.crates.flatMap((c) => (c.resultsFile ? [c.resultsFile] : [])).join(", ") || "none"}`,
    );
  }
  return parts.join("\n\n");
}

export function runRustMarkdown(report: RunReport): string {
  const parts = [
    [`Commit \`${report.sha}\`, ${report.toolchain}`, ...runsLine(report)].join("  \n"),
    markdownTable(HEADER, crateRows(report)),
    cacheLines(report).join("  \n"),
    ...processMarkdown(crateProcesses(report)),
  ].filter(Boolean);
  for (const failure of failures(report))
    parts.push(`**Failed** \`${failure.split("\n")[0]}\`\n\n\`\`\`\n${failure}\n\`\`\``);
  if (report.published) {
    parts.push(publishMarkdown(benchmarkRows(report.published.benchmarks, crateProcesses(report))));
  }
  return parts.join("\n\n");
}

/** What the run-python report needs. */
export interface PythonRunReport {
  sha: string;
  python: string;
  datasets: string;
  /** Results measured: one per benchmark and run of the head. */
  results: number;
  /** Benchmarks measured, whatever the number of runs (default: `results`). */
  benchmarks?: number | undefined;
  repetitions?: number | undefined;
  baseSha?: string | undefined;
  failed?: { name: string; reason: string }[];
  /** Each run's pytest process tree. */
  processes?: ProcessRunReport[] | undefined;
  resultsFile?: string;
  durationMs: number;
  published?: RunReport["published"];
  profile?: ProfileReport;
}

function pythonLines(report: PythonRunReport): string[] {
  const runs = report.repetitions ?? 1;
  const measured =
    runs > 1
      ? `${report.benchmarks ?? report.results} benchmarks × ${runs} runs (${report.results} results)`
      : `${report.benchmarks ?? report.results} benchmarks`;
  return [
    `commit ${report.sha}, ${report.python}`,
    // (the head's own runs are counted on the next line)
    ...(report.baseSha !== undefined ? runsLine(report) : []),
    `datasets: ${report.datasets}; ${measured} in ${(report.durationMs / 1000).toFixed(1)} s`,
    ...(report.failed ?? []).map((f) => `FAILED ${f.name} - ${f.reason.split("\n")[0]}`),
    ...profileLine(report.profile),
  ];
}

export function runPythonText(report: PythonRunReport): string {
  const parts = [pythonLines(report).join("\n"), ...processText(report.processes ?? [])];
  if (report.published) {
    parts.push(publishText(benchmarkRows(report.published.benchmarks, report.processes ?? [])));
    parts.push(
      `published ${report.published.rowsWritten} rows (${report.published.rowsAlreadyStored} already stored) to ${report.published.db}`,
    );
  } else {
    parts.push(`results file: ${report.resultsFile ?? "none"}`);
  }
  return parts.join("\n\n");
}

export function runPythonMarkdown(report: PythonRunReport): string {
  const parts = [pythonLines(report).join("  \n"), ...processMarkdown(report.processes ?? [])];
  if (report.published) {
    parts.push(publishMarkdown(benchmarkRows(report.published.benchmarks, report.processes ?? [])));
  }
  return parts.join("\n\n");
}

/** What the run-pipeline report needs (structural, so report/ imports no command). */
export interface PipelineRunReport {
  sha: string;
  database: string;
  server: string;
  rows: number[];
  iters: number;
  variants: { name: string }[];
  iterations: {
    variant: string;
    rows: number;
    iteration: number;
    status: "ok" | "failed";
    error?: string;
    overheadMs: number;
    durationSecs?: number;
  }[];
  historyFile: string;
  resultsFile?: string;
  report: { text: string; markdown: string };
  published?: { rowsWritten: number; rowsAlreadyStored: number; db: string };
  profile?: ProfileReport;
}

function pipelineLines(report: PipelineRunReport): string[] {
  const ok = report.iterations.filter((i) => i.status === "ok");
  const overhead = ok.reduce((sum, i) => sum + i.overheadMs, 0) / Math.max(1, ok.length);
  return [
    `commit ${report.sha}, ${report.server} at ${report.database}`,
    `${report.variants.map((v) => v.name).join(", ")} × ${report.rows.join(", ")} rows × ${report.iters} iterations: ` +
      `${ok.length} of ${report.iterations.length} succeeded`,
    `suite overhead per iteration (reset + parse + record): ${overhead.toFixed(1)} ms`,
    ...report.iterations
      .filter((i) => i.status === "failed")
      .map((i) => `FAILED ${i.variant} at ${i.rows} rows, iteration ${i.iteration}: ${i.error}`),
    `history: ${report.historyFile}`,
    report.published
      ? `published ${report.published.rowsWritten} rows (${report.published.rowsAlreadyStored} already stored) to ${report.published.db}`
      : `results file: ${report.resultsFile ?? "none (nothing is kept from a run with failed iterations)"}`,
    ...profileLine(report.profile),
  ];
}

export function runPipelineText(report: PipelineRunReport): string {
  return [report.report.text, pipelineLines(report).join("\n")].filter(Boolean).join("\n\n");
}

export function runPipelineMarkdown(report: PipelineRunReport): string {
  const lines = pipelineLines(report).map((l) => l.replace(/\n/g, " "));
  return [report.report.markdown, lines.join("  \n")].filter(Boolean).join("\n\n");
}

/** What the run-command report needs (structural, so report/ imports no command). */
export interface CommandRunReport {
  sha: string;
  command: string[];
  format: string;
  runs: {
    repetition: number;
    status: "ok" | "skipped" | "failed";
    reason?: string;
    wallSeconds: number;
    cpuSeconds?: number;
    peakRssBytes?: number;
    overheadMs: number;
  }[];
  metrics: { benchmark: string; metric: string; median: number | null; units: string; direction: string; n: number }[];
  resultsFile?: string;
  published?: { rowsWritten: number; rowsAlreadyStored: number; db: string };
  profile?: ProfileReport;
}

const mib = (bytes: number | undefined) => (bytes === undefined ? "–" : `${(bytes / 1024 / 1024).toFixed(1)} MiB`);
const secs = (s: number | undefined) => (s === undefined ? "–" : `${s.toFixed(3)} s`);
const RUN_HEADER = ["run", "status", "wall", "cpu", "peak rss", "reason"];
const METRIC_HEADER = ["benchmark", "metric", "median", "unit", "better", "n"];

function commandRunRows(report: CommandRunReport): string[][] {
  return report.runs.map((r) => [
    String(r.repetition),
    r.status,
    secs(r.wallSeconds),
    secs(r.cpuSeconds),
    mib(r.peakRssBytes),
    (r.reason ?? "").split("\n")[0]!.slice(0, 160),
  ]);
}

function commandMetricRows(report: CommandRunReport): string[][] {
  return report.metrics.map((m) => [
    m.benchmark,
    m.metric,
    ...(m.median === null
      ? ["–", m.units]
      : m.units === "bytes"
        ? [(m.median / 1024 / 1024).toFixed(1), "MiB"]
        : scaleMeasurement(m.median, m.units)),
    m.direction === "higher_is_better" ? "higher" : "lower",
    String(m.n),
  ]);
}

function commandLines(report: CommandRunReport): string[] {
  const count = (status: string) => report.runs.filter((r) => r.status === status).length;
  const ok = report.runs.filter((r) => r.status === "ok");
  const overhead = ok.reduce((sum, r) => sum + r.overheadMs, 0) / Math.max(1, ok.length);
  return [
    `commit ${report.sha}: ${report.command.join(" ")} (format ${report.format})`,
    `${report.runs.length} runs: ${count("ok")} ok, ${count("skipped")} skipped, ${count("failed")} failed; suite overhead per run (parse + record) ${overhead.toFixed(1)} ms`,
    ...report.runs
      .filter((r) => r.status !== "ok")
      .map((r) => `${r.status.toUpperCase()} run ${r.repetition}: ${(r.reason ?? "").split("\n")[0]}`),
    report.published
      ? `published ${report.published.rowsWritten} rows (${report.published.rowsAlreadyStored} already stored) to ${report.published.db}`
      : `results file: ${report.resultsFile ?? "none"}`,
    ...profileLine(report.profile),
  ];
}

export function runCommandText(report: CommandRunReport): string {
  const parts = [textTable(RUN_HEADER, commandRunRows(report))];
  if (report.metrics.length) parts.push(textTable(METRIC_HEADER, commandMetricRows(report)));
  parts.push(commandLines(report).join("\n"));
  return parts.join("\n\n");
}

export function runCommandMarkdown(report: CommandRunReport): string {
  const parts = [markdownTable(RUN_HEADER, commandRunRows(report))];
  if (report.metrics.length) parts.push(markdownTable(METRIC_HEADER, commandMetricRows(report)));
  parts.push(
    commandLines(report)
      .map((l) => l.replace(/\n/g, " "))
      .join("  \n"),
  );
  return parts.join("\n\n");
}
