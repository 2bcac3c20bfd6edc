import { markdownTable, textTable } from "./format.js";
import { publishMarkdownTable, publishTextTable, type PublishedBenchmark } from "./publish-summary.js";

/** What the run-rust report needs (kept structural so report/ imports no command). */
export interface RunReport {
  sha: string;
  toolchain: string;
  crates: {
    path: string;
    status: "ok" | "failed";
    error?: string;
    results: number;
    resultsFile?: string;
    cacheHit?: string;
    runner: string;
    durationMs: number;
  }[];
  published?: { rowsWritten: number; rowsAlreadyStored: number; db: string; benchmarks: PublishedBenchmark[] };
  profile?: ProfileReport;
}

export type ProfileReport = { benchmark: string } & (
  { status: "recorded"; svg: string } | { status: "skipped"; reason: string }
);

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
    c.cacheHit ? "hit" : "miss",
    c.runner,
    `${(c.durationMs / 1000).toFixed(1)} s`,
  ]);
}

function failures(report: RunReport): string[] {
  return report.crates.filter((c) => c.status === "failed").map((c) => `${c.path}: ${c.error ?? "failed"}`);
}

export function runRustTextReport(report: RunReport): string {
  const parts = [`commit ${report.sha} (${report.toolchain})`, textTable(HEADER, crateRows(report))];
  for (const failure of failures(report)) parts.push(`FAILED ${failure}`);
  parts.push(...profileLine(report.profile));
  if (report.published) {
    parts.push(publishTextTable(report.published.benchmarks));
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

export function runRustMarkdownReport(report: RunReport): string {
  const parts = [`Commit \`${report.sha}\`, ${report.toolchain}`, markdownTable(HEADER, crateRows(report))];
  for (const failure of failures(report))
    parts.push(`**Failed** \`${failure.split("\n")[0]}\`\n\n\`\`\`\n${failure}\n\`\`\``);
  if (report.published) parts.push(publishMarkdownTable(report.published.benchmarks));
  return parts.join("\n\n");
}

/** What the run-python report needs. */
export interface PythonRunReport {
  sha: string;
  python: string;
  datasets: string;
  results: number;
  failed?: { name: string; reason: string }[];
  resultsFile?: string;
  durationMs: number;
  published?: RunReport["published"];
  profile?: ProfileReport;
}

function pythonLines(report: PythonRunReport): string[] {
  return [
    `commit ${report.sha}, ${report.python}`,
    `datasets: ${report.datasets}; ${report.results} benchmarks in ${(report.durationMs / 1000).toFixed(1)} s`,
    ...(report.failed ?? []).map((f) => `FAILED ${f.name} - ${f.reason.split("\n")[0]}`),
    ...profileLine(report.profile),
  ];
}

export function runPythonTextReport(report: PythonRunReport): string {
  const parts = [pythonLines(report).join("\n")];
  if (report.published) {
    parts.push(publishTextTable(report.published.benchmarks));
    parts.push(
      `published ${report.published.rowsWritten} rows (${report.published.rowsAlreadyStored} already stored) to ${report.published.db}`,
    );
  } else {
    parts.push(`results file: ${report.resultsFile ?? "none"}`);
  }
  return parts.join("\n\n");
}

export function runPythonMarkdownReport(report: PythonRunReport): string {
  const parts = [pythonLines(report).join("  \n")];
  if (report.published) parts.push(publishMarkdownTable(report.published.benchmarks));
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

export function runPipelineTextReport(report: PipelineRunReport): string {
  return [report.report.text, pipelineLines(report).join("\n")].filter(Boolean).join("\n\n");
}

export function runPipelineMarkdownReport(report: PipelineRunReport): string {
  const lines = pipelineLines(report).map((l) => l.replace(/\n/g, " "));
  return [report.report.markdown, lines.join("  \n")].filter(Boolean).join("\n\n");
}
